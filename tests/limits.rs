//! Limits give clear errors, not crashes: long lists and lines, numbers beyond
//! the decimal range, byte-order marks and Windows line ends, empty input.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `zhice eval` on the Tongzhou policy with `input` on stdin as JSONL.
fn eval_stdin(input: &[u8]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args([
            "eval",
            "policies/tongzhou-2025-draft.policy",
            "--cases",
            "-",
            "--format",
            "jsonl",
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhice");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("zhice ends");
    writer.join().expect("writer").expect("write");
    let lines = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    (out.status.code(), lines)
}

fn fields(v: &serde_json::Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_list_longer_than_the_limit_names_its_field() {
    let items = vec!["\"blockchain\""; 12_000].join(",");
    let line = format!("{{\"id\":\"L\",\"year\":2025,\"new_filings\":[{items}]}}\n{{\"id\":\"ok\",\"year\":2025}}\n");
    let (code, out) = eval_stdin(line.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(out.len(), 2);
    assert_eq!(fields(&out[0]), ["new_filings"]);
    assert_eq!(out[0]["line"], 1);
    assert_eq!(out[1]["errors"], serde_json::json!([]));
}

#[test]
fn a_line_longer_than_the_limit_is_one_error_line() {
    let long = format!("{{\"id\":\"{}\",\"year\":2025}}\n", "x".repeat(2 << 20));
    let input = format!("{long}{{\"id\":\"ok\",\"year\":2025}}\n");
    let (code, out) = eval_stdin(input.as_bytes());
    assert_eq!(code, Some(1));
    assert_eq!(out.len(), 2, "one line out per line in");
    assert!(out[0]["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("bytes"));
    assert_eq!(out[1]["id"], "ok");
}

#[test]
fn numbers_beyond_the_decimal_range_name_their_field() {
    let input = b"{\"id\":\"big\",\"year\":2025,\"data_product_spend\":1e400}\n{\"id\":\"big2\",\"year\":99999999999999999999}\n";
    let (_, out) = eval_stdin(input);
    assert_eq!(fields(&out[0]), ["data_product_spend"]);
    assert_eq!(fields(&out[1]), ["year"]);
}

#[test]
fn a_byte_order_mark_and_windows_line_ends_are_read_as_usual() {
    let (code, out) = eval_stdin(
        b"\xEF\xBB\xBF{\"id\":\"a\",\"year\":2025,\"dataset_selected\":true}\r\n{\"id\":\"b\",\"year\":2025}\r\n",
    );
    assert_eq!(code, Some(0), "{out:?}");
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["awards"]["dataset"], "500000.00");
}

#[test]
fn empty_input_is_no_cases_and_no_error() {
    let (code, out) = eval_stdin(b"");
    assert_eq!(code, Some(0));
    assert!(out.is_empty());
}

#[test]
fn invalid_utf8_in_a_case_line_names_the_line() {
    let (code, out) = eval_stdin(b"{\"id\":\"a\xff\",\"year\":2025}\n{\"id\":\"b\",\"year\":2025}\n");
    assert_eq!(code, Some(1));
    assert!(out[0]["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("line 1"));
    assert_eq!(out[1]["id"], "b");
}

/// `zhice check -` reads the policy from standard input, as `--cases -` reads cases.
#[test]
fn check_reads_the_policy_from_standard_input() {
    let policy = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tongzhou-2025-draft.policy"))
        .expect("policy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(["--lang", "en", "check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhice");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&policy));
    let out = child.wait_with_output().expect("zhice ends");
    writer.join().expect("writer").expect("write");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("<stdin>: ok (0 warnings)"), "{err}");
}
