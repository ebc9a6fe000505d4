//! Budget pools: what every way of dividing one must hold, whatever the round
//! (properties), and what a round run through `zhice eval` must hold (the same
//! with one thread or several; two rounds with a ledger the same as one).

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use zhice::case::Reader;
use zhice::compile::Program;
use zhice::eval::evaluate;
use zhice::load::load_text;
use zhice::run::{Mode, Runner};
use zhice::sample::Rng;

mod support;
use support::root;

/// The rules a pool may state, and whether its rounded shares may pass the pool.
const RULES: [(&str, bool); 5] = [
    ("pro rata, each share rounded to 0.01, residue as it falls", true),
    ("pro rata, each share rounded to 1 down, residue as it falls", false),
    (
        "pro rata, each share rounded to 0.01, residue to the largest remainders",
        false,
    ),
    (
        "at most 3万元 each, then pro rata, each share rounded to 0.01, residue as it falls",
        true,
    ),
    ("in order of date, earliest first", false),
];

fn program(budget: &str, rule: &str) -> Program {
    let source = format!(
        "policy \"p\" {{ rounding 0.01 half-away-from-zero after each rate and on each award }}
         input date  : date \"申报日期\"
         input spend : money >= 0 \"费用\"
         measure m （一） \"m\" {{ text \"t\" award 50% of spend at most 5万元 }}
         pool fund （二） \"f\" {{ text \"t\" at most {budget} per year for m when exceeded: {rule} }}"
    );
    match load_text("pool", source, None) {
        Ok(l) => l.program,
        Err(_) => panic!("the pool policy checks: {rule}"),
    }
}

/// A round of `n` applications, one per line, with distinct dates when `distinct`.
fn round_lines(rng: &mut Rng, n: usize, distinct: bool) -> Vec<String> {
    (0..n)
        .map(|i| {
            let day = if distinct { i as i64 } else { rng.range(0, 20) };
            let cents = rng.range(0, 15_000_000);
            format!(
                "{{\"id\":\"c{i}\",\"year\":2026,\"date\":\"2026-{:02}-{:02}\",\"spend\":\"{}.{:02}\"}}",
                1 + day / 28,
                1 + day % 28,
                cents / 100,
                cents % 100
            )
        })
        .collect()
}

/// Each id with what it was entitled to and what the pool granted it.
fn grants(p: &Program, lines: &[String]) -> Vec<(String, Decimal, Decimal)> {
    let reader = Reader::new(&p.policy);
    let entitled = lines.iter().enumerate().map(|(i, line)| {
        let case = reader.line(line, i + 1).expect("a valid case");
        evaluate(p, &case, None, false).expect("evaluates").awards[0]
    });
    let round = Runner::new(p).round(&lines.join("\n"), Mode::Plain);
    let mut out: Vec<(String, Decimal, Decimal)> = round
        .lines
        .into_iter()
        .zip(entitled)
        .map(|(ran, e)| {
            let ran = ran.expect("every case claims");
            (ran.case.id, e, ran.outcome.awards[0])
        })
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_pool_grants_no_more_than_each_is_entitled_to_nor_than_it_holds(
        rule in 0usize..RULES.len(),
        budget in 1i64..400_000,
        n in 1usize..60,
        seed in any::<u64>(),
    ) {
        let (words, may_pass) = RULES[rule];
        let p = program(&format!("{budget}元"), words);
        let lines = round_lines(&mut Rng::new(seed), n, false);
        let got = grants(&p, &lines);
        let demand: Decimal = got.iter().map(|(_, e, _)| *e).sum();
        let granted: Decimal = got.iter().map(|(_, _, g)| *g).sum();
        let pool = Decimal::from(budget);
        for (id, e, g) in &got {
            prop_assert!(!g.is_sign_negative() && g <= e, "{id}: granted {g} of {e} under `{words}`");
        }
        if demand <= pool {
            // A pool not exceeded changes nothing.
            prop_assert!(got.iter().all(|(_, e, g)| e == g), "not exceeded, yet cut under `{words}`");
        } else if may_pass {
            // Half a cent of rounding per share at most.
            let slack = Decimal::new(n as i64, 2) / Decimal::from(2);
            prop_assert!(granted <= pool + slack, "granted {granted} of {pool} under `{words}`");
        } else {
            prop_assert!(granted <= pool, "granted {granted} of {pool} under `{words}`");
        }
        if demand > pool && words.starts_with("in order") {
            // Served in order until nothing is left: the whole pool is granted.
            prop_assert_eq!(granted, pool);
        }
    }

    #[test]
    fn the_order_of_the_cases_in_the_file_changes_nothing(
        rule in 0usize..RULES.len(),
        budget in 1i64..400_000,
        n in 2usize..40,
        seed in any::<u64>(),
    ) {
        let (words, _) = RULES[rule];
        let p = program(&format!("{budget}元"), words);
        let mut rng = Rng::new(seed);
        // Distinct dates: an ordered pool breaks ties by the order of the round.
        let lines = round_lines(&mut rng, n, true);
        let mut shuffled = lines.clone();
        for i in (1..shuffled.len()).rev() {
            let j = rng.range(0, i as i64) as usize;
            shuffled.swap(i, j);
        }
        let (a, b) = (grants(&p, &lines), grants(&p, &shuffled));
        if words.contains("largest remainders") {
            // Identical claims may trade the last cent: compare what was granted for what.
            let pairs = |g: &[(String, Decimal, Decimal)]| {
                let mut v: Vec<(Decimal, Decimal)> = g.iter().map(|(_, e, x)| (*e, *x)).collect();
                v.sort();
                v
            };
            prop_assert_eq!(pairs(&a), pairs(&b), "under `{}`", words);
        } else {
            prop_assert_eq!(a, b, "under `{}`", words);
        }
    }
}

fn zhice(args: &[&str], threads: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(root())
        .output()
        .expect("run zhice");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8") + &String::from_utf8_lossy(&out.stderr),
    )
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("zhice-pools-{}-{name}", std::process::id()))
}

fn write(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

const P09: &str = "policies/corpus/P09-budget-pool.policy";

#[test]
fn a_pooled_round_is_the_same_on_one_thread_and_on_several() {
    // 20,000 applications over two years (more than one read chunk), both pools exceeded.
    let mut rng = Rng::new(7);
    let lines: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "{{\"id\":\"a{i}\",\"year\":{},\"training_spend\":\"{}.{:02}\"}}",
                2025 + rng.range(0, 1),
                rng.range(0, 600_000),
                rng.range(0, 99)
            )
        })
        .collect();
    let path = temp("threads.jsonl");
    write(&path, &lines);
    let file = path.to_str().unwrap();
    let args = ["eval", P09, "--cases", file, "--format", "jsonl"];
    let (code_1, one) = zhice(&args, "1");
    let (code_2, two) = zhice(&args, "2");
    std::fs::remove_file(&path).ok();
    assert_eq!((code_1, code_2), (Some(0), Some(0)));
    assert_eq!(one.lines().count(), lines.len());
    assert!(
        one.contains("\"factor\":\"0.") && one == two,
        "outputs differ between 1 and 2 threads"
    );
}

#[test]
fn two_rounds_with_a_ledger_grant_what_one_round_grants_in_order() {
    let policy = "tests/fixtures/cli/pool-ordered.policy";
    let mut rng = Rng::new(3);
    // The second round applies after the first: served in order, the two rounds are one.
    let case = |i: usize, month: usize, rng: &mut Rng| {
        format!(
            "{{\"id\":\"r{i}\",\"year\":2026,\"date\":\"2026-{month:02}-{:02}\",\"sales_value\":\"{}\"}}",
            1 + i % 28,
            rng.range(0, 1_000_000)
        )
    };
    let first: Vec<String> = (0..30).map(|i| case(i, 1 + i % 6, &mut rng)).collect();
    let second: Vec<String> = (30..60).map(|i| case(i, 7 + i % 6, &mut rng)).collect();
    let (a, b, all, ledger) = (
        temp("r1.jsonl"),
        temp("r2.jsonl"),
        temp("all.jsonl"),
        temp("ledger.json"),
    );
    write(&a, &first);
    write(&b, &second);
    write(&all, &[first.clone(), second.clone()].concat());
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    let (_, one) = zhice(
        &[
            "eval",
            policy,
            "--cases",
            &s(&a),
            "--format",
            "jsonl",
            "--write-pool-ledger",
            &s(&ledger),
        ],
        "2",
    );
    let (_, two) = zhice(
        &[
            "eval",
            policy,
            "--cases",
            &s(&b),
            "--format",
            "jsonl",
            "--pool-ledger",
            &s(&ledger),
        ],
        "2",
    );
    let (_, both) = zhice(&["eval", policy, "--cases", &s(&all), "--format", "jsonl"], "2");
    for p in [a, b, all, ledger] {
        std::fs::remove_file(p).ok();
    }
    let awards = |text: &str| -> Vec<(String, String)> {
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json");
                (v["id"].to_string(), v["total"].to_string())
            })
            .collect()
    };
    let rounds = [awards(&one), awards(&two)].concat();
    assert_eq!(rounds.len(), 60);
    assert_eq!(rounds, awards(&both));
    // The pool of 250万元 ran out in the second round: some were paid, some not.
    let second_totals: Vec<String> = awards(&two).into_iter().map(|(_, t)| t).collect();
    assert!(second_totals.iter().any(|t| t == "\"0.00\""), "{two}");
    assert!(second_totals.iter().any(|t| t != "\"0.00\""), "{two}");
}
