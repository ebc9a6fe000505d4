//! Batch runs: the same output with one thread and with several, in input
//! order, one line out per line in (broken lines included), and the same as
//! evaluating each case on its own.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use zhice::report::result::{self, CaseResult};
use zhice::sample::{case, Rng};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const POLICY: &str = "policies/tongzhou-2025-draft.policy";

/// 15,000 sample cases (more than one 4 MiB chunk) with broken lines mixed in.
fn input(program: &zhice::compile::Program) -> (PathBuf, Vec<String>) {
    let mut rng = Rng::new(11);
    let broken = [
        "not json",
        "{\"id\":\"x\",\"year\":2025,\"sme\":\"yes\"}",
        "",
        "[1,2]",
        "{\"id\":\"y\"",
    ];
    let mut lines = Vec::new();
    for n in 1..=15_000u64 {
        lines.push(if n % 997 == 0 {
            broken[(n / 997) as usize % broken.len()].to_string()
        } else {
            case(&program.policy, &mut rng, n)
        });
    }
    let path = std::env::temp_dir().join(format!("zhice-batch-{}.jsonl", std::process::id()));
    std::fs::write(&path, lines.join("\n") + "\n").expect("write input");
    (path, lines)
}

fn run(path: &Path, threads: &str, format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(["eval", POLICY, "--cases"])
        .arg(path)
        .args(["--format", format])
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(root())
        .output()
        .expect("run zhice");
    (out.status.code(), String::from_utf8(out.stdout).expect("utf-8"))
}

#[test]
fn output_does_not_depend_on_threads_and_matches_one_case_at_a_time() {
    let program = zhice::load::load(&root().join(POLICY)).ok().expect("loads").program;
    let (path, lines) = input(&program);
    let (code_1, one) = run(&path, "1", "jsonl");
    let (code_4, four) = run(&path, "4", "jsonl");
    let (_, csv) = run(&path, "3", "csv");
    std::fs::remove_file(&path).ok();
    assert_eq!(code_1, Some(1), "broken lines make the exit status 1");
    assert_eq!(code_4, Some(1));
    assert_eq!(one, four, "one thread and four give the same bytes");
    let out: Vec<&str> = one.lines().collect();
    assert_eq!(out.len(), lines.len(), "one output line per input line");
    assert_eq!(
        csv.lines().count(),
        lines.len() + 1,
        "one CSV row per input line, after the header"
    );
    let reader = zhice::case::Reader::new(&program.policy);
    let writer = result::Lines::new(&program.policy);
    for (i, (line, got)) in lines.iter().zip(&out).enumerate() {
        let expected = match reader.line(line, i + 1) {
            Err(e) if line.trim().is_empty() => {
                assert!(!e.errors.is_empty());
                assert!(
                    got.contains(&format!("line {}", i + 1)),
                    "an empty line is reported with its number: {got}"
                );
                continue;
            }
            Err(e) => CaseResult::Rejected(e),
            Ok(c) => match zhice::eval::evaluate(&program, &c, None, false) {
                Ok(o) => CaseResult::Done { id: c.id, outcome: o },
                Err(e) => CaseResult::Rejected(result::eval_error(&program, &c.id, &e)),
            },
        };
        let expected = match &expected {
            // A rejected case in a file also says its line.
            CaseResult::Rejected(e) => {
                let mut s = String::new();
                writer.rejected(e, Some(i + 1), result::LineFormat::Json, &mut s);
                s.trim_end().to_string()
            }
            done => writer.json_line(done),
        };
        assert_eq!(*got, expected, "line {}", i + 1);
    }
}

#[test]
fn csv_cases_and_the_summary() {
    let dir = std::env::temp_dir().join(format!("zhice-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases = dir.join("cases.csv");
    std::fs::write(
        &cases,
        "id,year,data_product_spend,sme,dcmm_level,competition_national\n\
         C-1,2025,2500000,true,4,second\n\
         C-2,2025,,false,,\n\
         C-3,2025,abc,,,\n",
    )
    .expect("write");
    let summary = dir.join("summary.json");
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(["eval", POLICY, "--cases"])
        .arg(&cases)
        .args(["--format", "jsonl", "--summary-json"])
        .arg(&summary)
        .current_dir(root())
        .output()
        .expect("run zhice");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].contains("\"data_voucher\":\"250000.00\"") && lines[0].contains("\"dcmm\":\"400000.00\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].contains("data_product_spend"),
        "the bad cell is named: {}",
        lines[2]
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).expect("summary")).expect("json");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(s["cases"], 3);
    assert_eq!(s["with_errors"], 1);
    assert_eq!(s["awards"]["competition"]["recipients"], 1);
    assert_eq!(s["awards"]["data_voucher"]["total"], "250000.00");
    assert_eq!(s["total"], "1150000.00");
}
