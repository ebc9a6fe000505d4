//! The grant registry from the command line: rounds committed one after
//! another, caps and once-only awards across them, commits repeated, refused,
//! killed and raced. Every test runs on SQLite, and on PostgreSQL when
//! `ZHICE_TEST_POSTGRES` gives a server (`.ci/run` starts one; with
//! `ZHICE_REQUIRE_POSTGRES` set, a missing server fails the run).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const P09: &str = "tests/fixtures/registry/p09-ordered.policy";
const ACROSS: &str = "tests/fixtures/registry/across-rounds.policy";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A directory of the test's own, empty.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhice-registry-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A registry of the test's own: an SQLite file, or a database of its own on the server.
struct Reg {
    url: String,
    dir: PathBuf,
}

impl Reg {
    fn url(&self) -> &str {
        &self.url
    }

    /// Another registry of the same kind, empty.
    fn fresh(&self, name: &str) -> Reg {
        if self.url.starts_with("postgres") {
            server_database(
                &format!("{}_{name}", self.dir.file_name().unwrap().to_str().unwrap()),
                &self.dir,
            )
        } else {
            Reg {
                url: s(&self.dir.join(format!("{name}.db"))).to_string(),
                dir: self.dir.clone(),
            }
        }
    }
}

impl Drop for Reg {
    /// A test's database on a server is dropped after it (best effort: a failed test leaves it for a look).
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let (Ok(base), Some((_, name))) = (std::env::var("ZHICE_TEST_POSTGRES"), self.url.rsplit_once('/')) {
            if self.url.starts_with("postgres") {
                if let Ok(mut client) = postgres::Client::connect(&base, postgres::NoTls) {
                    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// A database of its own on the test server, made afresh.
fn server_database(name: &str, dir: &Path) -> Reg {
    let base = std::env::var("ZHICE_TEST_POSTGRES").unwrap();
    let name = name.replace(['-', '.'], "_").to_lowercase();
    let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("the test server");
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    Reg {
        url: format!("{server}/{name}"),
        dir: dir.to_path_buf(),
    }
}

/// The registries a test runs on: SQLite always, PostgreSQL when a server is given.
fn registries(name: &str) -> Vec<Reg> {
    let dir = scratch(name);
    let mut out = vec![Reg {
        url: s(&dir.join("grants.db")).to_string(),
        dir: dir.clone(),
    }];
    match std::env::var("ZHICE_TEST_POSTGRES") {
        Ok(_) => {
            let dir = scratch(&format!("{name}-pg"));
            out.push(server_database(&format!("zhice_{}_{name}", std::process::id()), &dir));
        }
        Err(_) if std::env::var_os("ZHICE_REQUIRE_POSTGRES").is_some() => {
            panic!("ZHICE_REQUIRE_POSTGRES is set but ZHICE_TEST_POSTGRES gives no server")
        }
        Err(_) => {
            eprintln!("registry test `{name}` on SQLite only: set ZHICE_TEST_POSTGRES to run it on PostgreSQL too")
        }
    }
    out
}

/// `zhice registry funds --format json`, with more arguments.
fn funds_json(db: &Reg, more: &[&str]) -> Value {
    let mut args = vec!["registry", "funds", "--registry", db.url(), "--format", "json"];
    args.extend_from_slice(more);
    serde_json::from_slice(&zhice(&args).stdout).unwrap()
}

/// `zhice round POLICY --cases CASES --registry DB` with more arguments.
fn run_round(policy: &str, cases: &str, db: &Reg, more: &[&str]) -> Output {
    let mut args = vec!["round", policy, "--cases", cases, "--registry", db.url()];
    args.extend_from_slice(more);
    zhice(&args)
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhice"));
    c.env("ZHICE_LANG", "en")
        .env_remove("ZHICE_REGISTRY")
        .args(args)
        .current_dir(root());
    c
}

fn zhice(args: &[&str]) -> Output {
    command(args).output().expect("run zhice")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every award the registry holds, from its JSONL export.
fn exported(reg: &Reg) -> Vec<Value> {
    let out = reg.dir.join("export.jsonl");
    let o = zhice(&["registry", "export", "--registry", reg.url(), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Case id → award → amount, from result lines.
fn granted(jsonl: &[u8]) -> BTreeMap<String, BTreeMap<String, String>> {
    String::from_utf8_lossy(jsonl)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let awards = v["awards"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, a)| (k.clone(), a.as_str().unwrap().to_string()))
                .collect();
            (v["id"].as_str().unwrap().to_string(), awards)
        })
        .collect()
}

fn p09_case(i: usize, day: usize) -> String {
    // spends of 20万 to 60万: each entitled to its cap of 20万 or less
    let spend = 200_000 + (i * 7_919) % 400_000;
    format!(
        "{{\"id\":\"c{i:03}\",\"applicant\":\"企业{i:03}\",\"year\":2026,\"date\":\"2026-{:02}-{:02}\",\"training_spend\":\"{spend}\"}}",
        1 + day / 28,
        1 + day % 28
    )
}

#[test]
fn three_rounds_of_the_p09_fund_grant_what_one_combined_round_grants() {
    for db in registries("p09") {
        let dir = db.dir.clone();
        // 90 applicants ask about 1,500万 of a 1,000万 fund: it runs out in the second round.
        let cases: Vec<String> = (0..90).map(|i| p09_case(i, i * 3)).collect();
        let rounds: Vec<PathBuf> = (0..3).map(|r| dir.join(format!("r{r}.jsonl"))).collect();
        for (r, path) in rounds.iter().enumerate() {
            write(path, &cases[r * 30..(r + 1) * 30]);
        }
        for (r, path) in rounds.iter().enumerate() {
            let id = format!("2026-R{}", r + 1);
            let o = run_round(P09, s(path), &db, &["--commit", &id]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let all = dir.join("all.jsonl");
        write(&all, &cases);
        let fresh = db.fresh("fresh");
        let once = zhice(&[
            "round",
            P09,
            "--cases",
            s(&all),
            "--registry",
            fresh.url(),
            "--format",
            "jsonl",
        ]);
        assert_eq!(once.status.code(), Some(0), "{}", stderr(&once));
        let combined = granted(&once.stdout);
        let mut registered: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for a in exported(&db) {
            registered
                .entry(a["case_id"].as_str().unwrap().to_string())
                .or_default()
                .insert(
                    a["award"].as_str().unwrap().to_string(),
                    a["amount"].as_str().unwrap().to_string(),
                );
        }
        let combined: BTreeMap<_, _> = combined.into_iter().filter(|(_, a)| !a.is_empty()).collect();
        assert_eq!(registered, combined);
        // the fund ran out in the second round, whole
        let funds = funds_json(&db, &[]);
        assert_eq!(funds[0]["spent"], "10000000.00", "{funds}");
        assert!(registered.len() < 90 && registered.len() > 30);
    }
}

fn across(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let path = dir.join(name);
    write(path.as_path(), &lines.iter().map(|l| l.to_string()).collect::<Vec<_>>());
    path
}

#[test]
fn a_lifetime_cap_a_once_only_award_and_one_off_items_hold_across_rounds() {
    for db in registries("across") {
        let dir = db.dir.clone();
        let first = across(
            &dir,
            "2026.jsonl",
            &[
                r#"{"id":"甲-2026","applicant":"甲公司","year":2026,"settled_here":true,"training":"400000","patents":[{"id":"ZL1"},{"id":"ZL2"}]}"#,
            ],
        );
        let o = run_round(ACROSS, s(&first), &db, &["--commit", "2026"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let second = across(
            &dir,
            "2027.jsonl",
            &[
                r#"{"id":"甲-2027","applicant":"甲公司","year":2027,"settled_here":true,"training":"400000","patents":[{"id":"ZL2"},{"id":"ZL3"}]}"#,
            ],
        );
        let o = run_round(ACROSS, s(&second), &db, &["--format", "jsonl"]);
        assert!(
            stderr(&o).contains("1 round(s) of this policy, with awards to 1 applicant(s)"),
            "{}",
            stderr(&o)
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // settled once already; 20万 of the 30万 lifetime cap used; ZL2 paid in 2026
        let got = granted(&o.stdout);
        let want: BTreeMap<String, String> = [("training_aid", "100000.00"), ("patent_award", "20000.00")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got["甲-2027"], want);
        // each paid item is a row of its own
        let items: Vec<String> = exported(&db)
            .iter()
            .filter_map(|a| a["item"].as_str().map(str::to_string))
            .collect();
        assert_eq!(items, ["ZL1", "ZL2"]);
    }
}

#[test]
fn a_round_against_the_registry_refuses_a_ledger_of_its_own_and_needs_an_applicant() {
    for db in registries("fields") {
        let dir = db.dir.clone();
        let cases = across(
            &dir,
            "r.jsonl",
            &[
                r#"{"id":"a","applicant":"甲公司","year":2026,"training":"1000"}"#,
                r#"{"id":"b","applicant":"乙公司","year":2026,"prior_awards":[{"award":"settling","year":2025,"amount":"1"}]}"#,
                r#"{"id":"c","year":2026,"training":"1000"}"#,
            ],
        );
        let o = run_round(ACROSS, s(&cases), &db, &["--format", "jsonl"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["errors"], serde_json::json!([]));
        assert_eq!(lines[1]["errors"][0]["field"], "prior_awards");
        assert_eq!(lines[1]["errors"][0]["code"], "zhice::case::registered");
        assert_eq!(lines[2]["errors"][0]["field"], "applicant");
        // and a round with a rejected case is not committed
        let o = run_round(ACROSS, s(&cases), &db, &["--commit", "R"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
        assert!(exported(&db).is_empty());
    }
}

#[test]
fn a_round_committed_again_changes_nothing_and_other_input_under_its_id_is_refused() {
    for db in registries("again") {
        let dir = db.dir.clone();
        let cases: Vec<String> = (0..5).map(|i| p09_case(i, i)).collect();
        let r1 = dir.join("r1.jsonl");
        write(&r1, &cases);
        let commit = |path: &Path, id: &str| run_round(P09, s(path), &db, &["--commit", id]);
        assert_eq!(commit(&r1, "R1").status.code(), Some(0));
        let before = exported(&db);
        let again = commit(&r1, "R1");
        assert_eq!(again.status.code(), Some(0));
        assert!(stderr(&again).contains("nothing changed"), "{}", stderr(&again));
        assert_eq!(exported(&db), before);
        let other = dir.join("other.jsonl");
        write(&other, &cases[..4]);
        let refused = commit(&other, "R1");
        assert_eq!(refused.status.code(), Some(1));
        assert!(stderr(&refused).contains("with other cases"), "{}", stderr(&refused));
        assert_eq!(exported(&db), before);
        // a what-if is never committed
        let o = run_round(P09, s(&r1), &db, &["--commit", "R9", "--set", "training_rate=60%"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }
}

#[test]
fn a_voided_round_stays_on_record_and_stops_counting() {
    for db in registries("void") {
        let dir = db.dir.clone();
        let first = across(
            &dir,
            "r1.jsonl",
            &[r#"{"id":"a","applicant":"甲公司","year":2026,"settled_here":true}"#],
        );
        assert_eq!(
            run_round(ACROSS, s(&first), &db, &["--commit", "R1"]).status.code(),
            Some(0)
        );
        let preview = || {
            let o = run_round(ACROSS, s(&first), &db, &["--format", "jsonl"]);
            granted(&o.stdout)["a"].get("settling").cloned()
        };
        assert_eq!(preview(), None, "paid once already");
        let o = zhice(&["registry", "void", "R1", "--reason", "材料有误", "--registry", db.url()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(preview().as_deref(), Some("500000.00"));
        let twice = zhice(&["registry", "void", "R1", "--reason", "again", "--registry", db.url()]);
        assert_eq!(twice.status.code(), Some(1));
        let none = zhice(&["registry", "void", "R7", "--reason", "x", "--registry", db.url()]);
        assert!(stderr(&none).contains("no round `R7`"), "{}", stderr(&none));
        let rounds = zhice(&["registry", "rounds", "--registry", db.url(), "--format", "json"]);
        let rounds: Value = serde_json::from_slice(&rounds.stdout).unwrap();
        assert_eq!(rounds[0]["voided"]["reason"], "材料有误");
        let exported = exported(&db);
        assert_eq!(exported.len(), 1);
        assert_eq!(exported[0]["voided"], true);
        // the same as a table for a bureau's spreadsheet, headed in its language
        let csv = dir.join("grants.csv");
        let o = command(&["registry", "export", "--registry", db.url(), "--out", s(&csv)])
            .env("ZHICE_LANG", "zh")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let table = std::fs::read_to_string(&csv).unwrap();
        assert!(table.starts_with("轮次,政策,登记时间,申报主体,"), "{table}");
        assert!(table.contains(",甲公司,a,settling,2026,,500000.00,是"), "{table}");
        let book = dir.join("grants.xlsx");
        let o = zhice(&["registry", "export", "--registry", db.url(), "--out", s(&book)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            std::fs::read(&book).unwrap().starts_with(b"PK"),
            "an xlsx workbook is a zip file"
        );
    }
}

#[test]
fn a_commit_stopped_dead_leaves_the_whole_round_or_none_of_it() {
    for db in registries("fault") {
        let dir = db.dir.clone();
        let cases: Vec<String> = (0..40).map(|i| p09_case(i, i)).collect();
        let round = dir.join("r.jsonl");
        write(&round, &cases);
        for point in ["before-round", "mid-awards", "before-commit"] {
            let o = command(&[
                "round",
                P09,
                "--cases",
                s(&round),
                "--registry",
                db.url(),
                "--commit",
                "R1",
            ])
            .env("ZHICE_REGISTRY_FAULT", point)
            .output()
            .unwrap();
            assert!(!o.status.success(), "the process was to stop at {point}");
            assert!(exported(&db).is_empty(), "stopped at {point}, something was written");
        }
        let o = run_round(P09, s(&round), &db, &["--commit", "R1"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(exported(&db).len(), 40);
    }
}

#[test]
fn a_commit_killed_at_any_moment_leaves_the_whole_round_or_none_of_it() {
    for db in registries("kill") {
        let dir = db.dir.clone();
        // 60,000 applicants, three award rows each: a commit of most of a second
        let n = 60_000;
        let cases: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{\"id\":\"c{i}\",\"applicant\":\"企业{i}\",\"year\":2026,\"training\":\"{}\",\"patents\":[{{\"id\":\"ZL{i}-1\"}},{{\"id\":\"ZL{i}-2\"}}]}}",
                    1000 + i
                )
            })
            .collect();
        let round = dir.join("r.jsonl");
        write(&round, &cases);
        let last = format!("企业{}", n - 1);
        let (mut none, mut whole) = (0, 0);
        for (k, wait) in [20u64, 150, 300, 450, 600, 900].into_iter().enumerate() {
            let id = format!("R{k}");
            let mut child = command(&[
                "round",
                ACROSS,
                "--cases",
                s(&round),
                "--registry",
                db.url(),
                "--commit",
                &id,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(wait));
            let _ = child.kill();
            let _ = child.wait();
            // The round's row is written first and the last applicant's awards last:
            // a round on record without them would be a round cut in half.
            let rounds = zhice(&["registry", "rounds", "--registry", db.url(), "--format", "json"]);
            assert_eq!(rounds.status.code(), Some(0), "{}", stderr(&rounds));
            let rounds: Value = serde_json::from_slice(&rounds.stdout).unwrap();
            let on_record = rounds.as_array().unwrap().iter().any(|r| r["id"] == id.as_str());
            let ledger = zhice(&["registry", "ledger", &last, "--registry", db.url(), "--format", "json"]);
            let ledger: Value = serde_json::from_slice(&ledger.stdout).unwrap();
            let rows = ledger
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["round"] == id.as_str())
                .count();
            if on_record {
                // its training aid and two patents; after a whole round, the patents were paid already
                let expected = if whole == 0 { 3 } else { 1 };
                assert_eq!(
                    rows, expected,
                    "round {id}, killed after {wait} ms, is on record without its last awards"
                );
                whole += 1;
            } else {
                assert_eq!(
                    rows, 0,
                    "round {id}, killed after {wait} ms, left awards without its round"
                );
                none += 1;
            }
        }
        // the early kills land before the commit (the late ones may land after it)
        assert!(none > 0, "no kill landed before the commit ({whole} whole)");
    }
}

#[test]
fn two_commits_at_once_never_spend_more_than_the_fund() {
    for db in registries("race") {
        let dir = db.dir.clone();
        // each round alone asks 800万 of the 1,000万 fund
        let round = |r: usize| {
            let path = dir.join(format!("r{r}.jsonl"));
            let lines: Vec<String> = (0..40)
                .map(|i| {
                    format!(
                        "{{\"id\":\"r{r}-{i}\",\"applicant\":\"企业{r}-{i}\",\"year\":2026,\"date\":\"2026-03-01\",\"training_spend\":\"400000\"}}"
                    )
                })
                .collect();
            write(&path, &lines);
            path
        };
        let (a, b) = (round(1), round(2));
        // the registry exists before the race: both processes then only commit
        zhice(&["registry", "rounds", "--registry", db.url()]);
        let spawn = |path: &Path, id: &str| {
            command(&["round", P09, "--cases", s(path), "--registry", db.url(), "--commit", id])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut one, mut two) = (spawn(&a, "A"), spawn(&b, "B"));
        assert!(one.wait().unwrap().success());
        assert!(two.wait().unwrap().success());
        let total: rust_decimal::Decimal = exported(&db)
            .iter()
            .map(|a| a["amount"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        assert_eq!(total, rust_decimal::Decimal::from(10_000_000));
        let funds = funds_json(&db, &[]);
        assert_eq!(funds[0]["spent"], "10000000.00");
    }
}

#[test]
fn ledgers_kept_before_the_registry_are_taken_in_once_and_then_count() {
    for db in registries("import") {
        let dir = db.dir.clone();
        let ledgers = across(
            &dir,
            "ledgers.jsonl",
            &[
                r#"{"id":"old-1","applicant":"甲公司","year":2025,"training":"1","prior_awards":[{"award":"settling","year":2025,"amount":"500000"},{"award":"training_aid","year":2025,"amount":250000},{"award":"patent_award","year":2025,"amount":"20000","item":"ZL1"}]}"#,
                r#"{"applicant":"乙公司"}"#,
            ],
        );
        let import = |ledgers: &Path| {
            zhice(&[
                "registry",
                "import",
                ACROSS,
                "--ledgers",
                s(ledgers),
                "--round",
                "before-2026",
                "--registry",
                db.url(),
            ])
        };
        let o = import(&ledgers);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let again = import(&ledgers);
        assert!(stderr(&again).contains("nothing changed"), "{}", stderr(&again));
        assert_eq!(exported(&db).len(), 3);
        let round = across(
            &dir,
            "2026.jsonl",
            &[
                r#"{"id":"甲-2026","applicant":"甲公司","year":2026,"settled_here":true,"training":"400000","patents":[{"id":"ZL1"},{"id":"ZL2"}]}"#,
            ],
        );
        let o = run_round(ACROSS, s(&round), &db, &["--format", "jsonl"]);
        let want: BTreeMap<String, String> = [("training_aid", "50000.00"), ("patent_award", "20000.00")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(granted(&o.stdout)["甲-2026"], want, "{}", stderr(&o));
        // a broken ledger is refused whole, each problem named
        let broken = across(
            &dir,
            "broken.jsonl",
            &[
                r#"{"applicant":"丙公司","prior_awards":[{"award":"setling","year":2025,"amount":"1"}]}"#,
                r#"{"applicant":"丙公司","prior_awards":[]}"#,
                r#"{"prior_awards":[]}"#,
            ],
        );
        let o = zhice(&[
            "registry",
            "import",
            ACROSS,
            "--ledgers",
            s(&broken),
            "--round",
            "broken",
            "--registry",
            db.url(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        let said = stderr(&o);
        for part in [
            "line 1: `prior_awards[0]`: `setling`",
            "did you mean `settling`",
            "line 2:",
            "line 3:",
        ] {
            assert!(said.contains(part), "`{part}` not in: {said}");
        }
        assert_eq!(exported(&db).len(), 3);
    }
}

#[test]
fn a_pool_ledger_taken_in_is_what_the_fund_has_paid() {
    for db in registries("import-pool") {
        let dir = db.dir.clone();
        let spent = dir.join("pool.json");
        std::fs::write(&spent, r#"{"training_fund": {"2026": "9900000.00"}}"#).unwrap();
        let o = zhice(&[
            "registry",
            "import",
            P09,
            "--pool-ledger",
            s(&spent),
            "--round",
            "spent",
            "--registry",
            db.url(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let round = dir.join("r.jsonl");
        write(&round, &(0..3).map(|i| p09_case(i, i)).collect::<Vec<_>>());
        let o = run_round(P09, s(&round), &db, &["--commit", "R1"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let funds = funds_json(&db, &[]);
        assert_eq!(funds[0]["spent"], "10000000.00", "{funds}");
        // with the policy: each fund's amount and what is left
        let funds = funds_json(&db, &["--policy", P09]);
        assert_eq!(
            (&funds[0]["amount"], &funds[0]["left"]),
            (&json!("10000000.00"), &json!("0.00")),
            "{funds}"
        );
        let text = zhice(&["registry", "funds", "--policy", P09, "--registry", db.url()]);
        assert!(String::from_utf8_lossy(&text.stdout).contains("10,000,000.00; paid 10,000,000.00; left 0.00"));
        // a pool the policy does not have is refused
        std::fs::write(&spent, r#"{"trainng_fund": {"2026": "1"}}"#).unwrap();
        let o = zhice(&[
            "registry",
            "import",
            P09,
            "--pool-ledger",
            s(&spent),
            "--round",
            "typo",
            "--registry",
            db.url(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("`trainng_fund`"), "{}", stderr(&o));
    }
}

#[test]
fn a_round_read_from_a_table_names_each_applicant_in_a_column() {
    for db in registries("table") {
        let dir = db.dir.clone();
        let table = dir.join("r.csv");
        std::fs::write(
            &table,
            "申报主体,编号,申报年度,申报日期,实际发生培训费用\n甲公司,A1,2026,2026-03-01,400000\n乙公司,A2,2026,2026-03-02,100000\n",
        )
        .unwrap();
        let o = run_round(P09, s(&table), &db, &["--commit", "R1"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let ledger = zhice(&[
            "registry",
            "ledger",
            "乙公司",
            "--registry",
            db.url(),
            "--format",
            "json",
        ]);
        let ledger: Value = serde_json::from_slice(&ledger.stdout).unwrap();
        assert_eq!(ledger[0]["amount"], "50000.00");
        assert_eq!(ledger[0]["case_id"], "A2");
    }
}

#[test]
fn explain_against_the_registry_lists_the_registered_awards_its_caps_read() {
    for db in registries("explain") {
        let dir = db.dir.clone();
        let first = across(
            &dir,
            "2026.jsonl",
            &[r#"{"id":"甲-2026","applicant":"甲公司","year":2026,"training":"400000"}"#],
        );
        let o = run_round(ACROSS, s(&first), &db, &["--commit", "R2026"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let case = dir.join("case.json");
        std::fs::write(
            &case,
            r#"{"id":"甲-2027","applicant":"甲公司","year":2027,"training":"400000"}"#,
        )
        .unwrap();
        let o = zhice(&["explain", ACROSS, "--case", s(&case), "--registry", db.url()]);
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(text.contains("less 200,000.00 already paid"), "{text}");
        assert!(text.contains("round R2026, case 甲-2026"), "{text}");
        let o = zhice(&[
            "explain",
            ACROSS,
            "--case",
            s(&case),
            "--registry",
            db.url(),
            "--format",
            "json",
        ]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["registered"][0]["round"], "R2026");
        assert_eq!(v["total"], "100000.00");
    }
}
