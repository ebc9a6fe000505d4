//! The worked examples under `policies/examples/`: each `NAME.policy` passes its
//! drafters' tests (`NAME.tests`), and evaluating `NAME.cases.jsonl` gives exactly
//! `NAME.expected.jsonl`, whose lines were written from the clause by hand.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::process::Command;
use support::root;

fn zhice(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(args)
        .current_dir(root())
        .output()
        .expect("run zhice")
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// What a result line says, without the wording of its errors (which follows the language).
fn essence(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("line");
        if let Some(Value::Array(errors)) = obj.get_mut("errors") {
            for e in errors.iter_mut() {
                if let Some(e) = e.as_object_mut() {
                    e.remove("message");
                }
            }
            errors.sort_by_key(|e| e["field"].as_str().unwrap_or_default().to_string());
        }
    }
    v
}

fn names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("policies/examples"))
        .expect("policies/examples")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".policy").map(str::to_string))
        .collect();
    names.sort();
    names
}

#[test]
fn every_example_passes_its_drafters_tests() {
    let names = names();
    assert!(names.len() >= 2, "examples found: {names:?}");
    for name in names {
        let policy = format!("policies/examples/{name}.policy");
        assert!(
            root().join(format!("policies/examples/{name}.tests")).is_file(),
            "{name}.tests"
        );
        let out = zhice(&["test", &policy]);
        assert!(
            out.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_example_gives_its_expected_lines() {
    for name in names() {
        let policy = format!("policies/examples/{name}.policy");
        let cases = format!("policies/examples/{name}.cases.jsonl");
        let expected_text = std::fs::read_to_string(root().join(format!("policies/examples/{name}.expected.jsonl")))
            .unwrap_or_else(|e| panic!("{name}.expected.jsonl: {e}"));
        let out = zhice(&["eval", &policy, "--cases", &cases, "--format", "jsonl"]);
        let got = lines(&String::from_utf8_lossy(&out.stdout));
        let expected = lines(&expected_text);
        assert!(expected.len() >= 9, "{name}: at least 9 cases");
        assert_eq!(
            got.len(),
            expected.len(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(essence(g), essence(e), "{name}: {}", e["id"]);
        }
    }
}
