//! A round's result does not depend on the order of its cases: every pool of
//! the bundled policies, run on its round as written and shuffled, gives each
//! case the same result line (ties are broken by a declared second key, then by
//! the case id, never by the line).

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;
use support::root;

/// Each case's result line by id, without its line number.
fn results(policy: &str, cases: &str) -> BTreeMap<String, Value> {
    let dir = std::env::temp_dir().join(format!("zhice-shuffle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!(
        "{:x}.jsonl",
        cases.len() ^ cases.lines().next().map_or(0, str::len) << 20
    ));
    std::fs::write(&file, cases).expect("write round");
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args([
            "eval",
            policy,
            "--cases",
            file.to_str().expect("path"),
            "--format",
            "jsonl",
        ])
        .current_dir(root())
        .output()
        .expect("run zhice");
    let _ = std::fs::remove_file(&file);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            v.as_object_mut().expect("object").remove("line");
            (v["id"].as_str().expect("id").to_string(), v)
        })
        .collect()
}

/// The round in other orders: reversed, rotated, and its odd lines before its even ones.
fn shuffles(lines: &[&str]) -> Vec<Vec<String>> {
    let n = lines.len();
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
    let mut reversed = lines.to_vec();
    reversed.reverse();
    let rotated: Vec<&str> = (0..n).map(|i| lines[(i + n / 3 + 1) % n]).collect();
    let odd_even: Vec<&str> = lines
        .iter()
        .skip(1)
        .step_by(2)
        .chain(lines.iter().step_by(2))
        .copied()
        .collect();
    vec![owned(reversed), owned(rotated), owned(odd_even)]
}

fn same_in_every_order(policy: &str, round: &str) {
    let text = std::fs::read_to_string(root().join(round)).unwrap_or_else(|e| panic!("{round}: {e}"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let written = results(policy, &text);
    assert_eq!(written.len(), lines.len(), "{round}: every case has its own id");
    for order in shuffles(&lines) {
        let shuffled = results(policy, &(order.join("\n") + "\n"));
        for (id, line) in &written {
            assert_eq!(
                shuffled.get(id),
                Some(line),
                "{round}: `{id}` changed when the round was shuffled"
            );
        }
    }
}

#[test]
fn p09_pro_rata_does_not_depend_on_the_order_of_the_round() {
    same_in_every_order(
        "policies/corpus/P09-budget-pool.policy",
        "tests/data/corpus/P09-budget-pool/cases.jsonl",
    );
    same_in_every_order(
        "policies/corpus/P09-budget-pool.policy",
        "tests/data/corpus/P09-budget-pool/cases-under.jsonl",
    );
}

#[test]
fn first_come_first_served_does_not_depend_on_the_order_of_the_round() {
    same_in_every_order(
        "policies/examples/compute-voucher.policy",
        "policies/examples/compute-voucher.cases.jsonl",
    );
}
