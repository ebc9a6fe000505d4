//! The clause corpus: nine forms that real 若干措施 use beyond the Tongzhou
//! draft, each encoded as its own policy under `policies/corpus/` with no Rust
//! of its own, against the corpus's cases and exact expected results
//! (`tests/data/corpus/<entry>/`). Amounts are compared as the exact strings
//! the result format writes; errors by the field they name.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use serde_json::Value;
use std::process::Command;

mod support;

use support::{root, CORPUS as ENTRIES};

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// What the corpus compares of one result: id, total, awards, benefits, and the fields errors name.
fn essence(v: &Value) -> (Value, Value, Value, Value, Vec<String>) {
    let mut fields: Vec<String> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect();
    fields.sort();
    (
        v["id"].clone(),
        v["total"].clone(),
        v["awards"].clone(),
        v["benefits"].clone(),
        fields,
    )
}

fn check(entry: &str) {
    check_files(entry, "cases", "expected");
}

fn check_files(entry: &str, cases: &str, expected: &str) {
    let policy = format!("policies/corpus/{entry}.policy");
    let cases = format!("tests/data/corpus/{entry}/{cases}.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(["eval", &policy, "--cases", &cases, "--format", "jsonl"])
        .current_dir(root())
        .output()
        .expect("run zhice");
    let expected_text =
        std::fs::read_to_string(root().join(format!("tests/data/corpus/{entry}/{expected}.jsonl"))).expect("expected");
    let got = lines(&String::from_utf8_lossy(&out.stdout));
    let expected = lines(&expected_text);
    assert_eq!(
        got.len(),
        expected.len(),
        "{entry}: one result per case\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(expected.len() >= 9, "{entry}: the corpus gives at least 9 cases");
    let rejected = expected
        .iter()
        .any(|e| !e["errors"].as_array().expect("errors").is_empty());
    assert_eq!(
        out.status.code(),
        Some(if rejected { 1 } else { 0 }),
        "{entry}: exit status\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(essence(g), essence(e), "{entry}: {}", e["id"]);
    }
}

#[test]
fn p01_a_yearly_cap_shared_by_three_measures() {
    check(ENTRIES[0]);
}

#[test]
fn p02_only_the_highest_of_two_measures() {
    check(ENTRIES[1]);
}

#[test]
fn p03_a_cap_that_depends_on_who_applies() {
    check(ENTRIES[2]);
}

#[test]
fn p04_marginal_bands() {
    check(ENTRIES[3]);
}

#[test]
fn p05_aggregates_over_lists() {
    check(ENTRIES[4]);
}

#[test]
fn p06_a_named_value_for_growth() {
    check(ENTRIES[5]);
}

#[test]
fn p07_a_period_in_force_and_a_dated_rate() {
    check(ENTRIES[6]);
}

#[test]
fn p08_a_product_of_quantities() {
    check(ENTRIES[7]);
}

#[test]
fn p09_a_yearly_budget_pool_rationed_pro_rata() {
    check(ENTRIES[8]);
}

#[test]
fn p09_a_pool_not_exceeded_pays_in_full() {
    check_files(ENTRIES[8], "cases-under", "expected-under");
}

#[test]
fn every_corpus_policy_passes_its_drafters_tests() {
    for entry in ENTRIES {
        let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
            .env("ZHICE_LANG", "en")
            .args(["test", &format!("policies/corpus/{entry}.policy"), "--require-coverage"])
            .env("ZHICE_LANG", "en")
            .current_dir(root())
            .output()
            .expect("run zhice");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{entry}:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("test(s) passed") && !text.contains("FAIL"),
            "{entry}:\n{text}"
        );
    }
}
