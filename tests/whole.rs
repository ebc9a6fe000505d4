//! Nothing torn: a run killed half-way leaves the file it was replacing as it
//! was; a run that finishes replaces it whole. (`src/whole.rs` holds the same
//! for an error half-way, in its unit tests.)

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POLICY: &str = "policies/tongzhou-2025-draft.policy";

fn zhice() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zhice"));
    c.current_dir(support::root()).env("ZHICE_LANG", "en");
    c
}

/// The files in `dir` other than `keep`: what a run left beside its output.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn results_killed_half_way_leave_the_file_before_and_finished_ones_replace_it() {
    let dir = std::env::temp_dir().join(format!("zhice-whole-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases = dir.join("cases.jsonl");
    let sampled = zhice()
        .args(["sample", POLICY, "--n", "300000", "--seed", "5"])
        .output()
        .unwrap();
    assert!(sampled.status.success());
    std::fs::write(&cases, &sampled.stdout).unwrap();
    let out = dir.join("results.jsonl");
    let before = "the results of the round before\n";
    std::fs::write(&out, before).unwrap();

    // killed once it has written part of the new results
    let mut child = zhice()
        .args(["eval", POLICY, "--format", "jsonl", "--cases"])
        .arg(&cases)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let written_part = loop {
        let part = others(&dir, &["cases.jsonl", "results.jsonl"])
            .into_iter()
            .find_map(|n| std::fs::metadata(dir.join(n)).ok().map(|m| m.len()))
            .unwrap_or(0);
        if part > 0 || started.elapsed() > Duration::from_secs(60) {
            break part;
        }
        if child.try_wait().unwrap().is_some() {
            panic!("the run ended before it could be killed: give it more cases");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        written_part > 0,
        "the new results were being written beside the old file"
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        before,
        "the file before is intact"
    );

    // run to the end: the file is replaced by every result, and nothing is left beside it
    for n in others(&dir, &["cases.jsonl", "results.jsonl"]) {
        std::fs::remove_file(dir.join(n)).unwrap();
    }
    let done = zhice()
        .args(["eval", POLICY, "--format", "jsonl", "--cases"])
        .arg(&cases)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(done.status.code().is_some_and(|c| c <= 1), "{done:?}");
    assert!(done.stdout.is_empty(), "the results went to the file");
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    assert_eq!(lines, 300_000);
    assert!(others(&dir, &["cases.jsonl", "results.jsonl"]).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_results_file_that_cannot_be_written_is_said_and_nothing_is_evaluated_into_the_void() {
    let out = zhice()
        .args([
            "eval",
            POLICY,
            "--cases",
            "tests/data/tongzhou/examples.jsonl",
            "--out",
            "/nonexistent-zhice-dir/results.jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write `/nonexistent-zhice-dir/results.jsonl`"),
        "{err}"
    );
}
