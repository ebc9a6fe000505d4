//! The Tongzhou draft against the shared example cases and expected results,
//! compared award by award, numerically; and the drafters' own tests.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn amount(v: &Value) -> Decimal {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("not an amount: {other}"),
    };
    Decimal::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Awards above zero, as (id, amount), sorted by id.
fn awards(line: &Value) -> Vec<(String, Decimal)> {
    let mut out: Vec<(String, Decimal)> = line["awards"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), amount(v)))
                .filter(|(_, a)| !a.is_zero())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn shared_examples_reproduce_the_expected_results() {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args([
            "eval",
            "policies/tongzhou-2025-draft.policy",
            "--cases",
            "tests/data/tongzhou/examples.jsonl",
        ])
        .args(["--format", "jsonl"])
        .current_dir(root())
        .output()
        .expect("run zhice");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect();
    let expected_text =
        std::fs::read_to_string(root().join("tests/data/tongzhou/examples.expected.jsonl")).expect("read");
    let expected: Vec<Value> = expected_text
        .lines()
        .map(|l| serde_json::from_str(l).expect("expected is JSON"))
        .collect();
    assert_eq!(got.len(), expected.len(), "one result per case");
    assert!(!expected.is_empty());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g["id"], e["id"], "results come in input order");
        assert_eq!(awards(g), awards(e), "awards of {}", e["id"]);
        assert_eq!(amount(&g["total"]), amount(&e["total"]), "total of {}", e["id"]);
        let services: Vec<&str> = g["benefits"]
            .as_array()
            .expect("benefits")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            services,
            [
                "public_data",
                "results_library",
                "talent",
                "investment_fund",
                "data_finance"
            ]
        );
        assert_eq!(g["errors"], Value::Array(vec![]));
    }
}

fn drafter_tests(policy: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(["test", policy, "--require-coverage"])
        .current_dir(root())
        .output()
        .expect("run zhice");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn the_drafters_tests_pass_and_cover_every_measure() {
    let (code, text) = drafter_tests("policies/tongzhou-2025-draft.policy");
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn an_amended_draft_passes_its_own_tests_without_rust_changes() {
    let (code, text) = drafter_tests("policies/tongzhou-2025-illustrative-amendment.policy");
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}
