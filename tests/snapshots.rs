//! Fixture-driven snapshot tests: add a test by adding a file.
//!
//! - `fixtures/parse/*.policy`: syntax errors, rendered as a drafter sees them
//! - `fixtures/check/*.policy`: checker errors and warnings
//! - `fixtures/eval/*.jsonl`: cases through `zhice eval` on the Tongzhou policy
//! - `fixtures/explain/*.json`: a case through `zhice explain` on the Tongzhou policy
//! - `fixtures/cli/*.args`: any `zhice` command line, one argument per line
//! - `fixtures/fmt/*.unformatted`: a policy before and after `zhice fmt`
//! - `fixtures/diff/<case>/{old,new}.policy`: `zhice diff`, as text and as JSON
//!
//! Each snapshot holds the input beside the output, so a reviewer reads both.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use zhice::format::format;
use zhice::load::{load_text, LoadError};
use zhice::report::diagnostics::{render, ErrorFormat};
use zhice::syntax::{parse, FileKind};

const TONGZHOU: &str = "policies/tongzhou-2025-draft.policy";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture's path as shown in output: relative to the repository, `/`-separated.
fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs the `zhice` binary from the repository root, without colour, in
/// English unless the arguments ask for Chinese (`--lang zh`).
fn zhice(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("ZHICE_LANG", "en")
        .output()
        .expect("run zhice");
    format!(
        "$ zhice {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    )
}

fn with_source(source: &str, output: &str) -> String {
    format!("--- source\n{source}--- output\n{output}")
}

#[test]
fn parse_errors() {
    insta::glob!("fixtures/parse/*.policy", |path| {
        let source = std::fs::read_to_string(path).expect("fixture");
        let output = match parse(&source, FileKind::Policy) {
            Ok(_) => "parsed without errors\n".to_string(),
            Err(diags) => render(&diags, &shown(path), &source, ErrorFormat::Human, false),
        };
        insta::assert_snapshot!(with_source(&source, &output));
    });
}

#[test]
fn check_diagnostics() {
    insta::glob!("fixtures/check/*.policy", |path| {
        let source = std::fs::read_to_string(path).expect("fixture");
        let (verdict, reports) = match load_text(&shown(path), source.clone(), None) {
            Ok(loaded) => ("checked: ok", loaded.reports),
            Err(LoadError::Invalid(reports)) => ("checked: errors", reports),
            Err(LoadError::Io(e)) => panic!("{e}"),
        };
        let mut output = format!("{verdict}\n");
        for r in &reports {
            output.push_str(&render(&r.diagnostics, &r.path, &r.source, ErrorFormat::Human, false));
        }
        insta::assert_snapshot!(with_source(&source, &output));
    });
}

#[test]
fn eval_cases() {
    insta::glob!("fixtures/eval/*.jsonl", |path| {
        let source = std::fs::read_to_string(path).expect("fixture");
        let output = zhice(&["eval", TONGZHOU, "--cases", &shown(path), "--format", "jsonl"]);
        insta::assert_snapshot!(with_source(&source, &output));
    });
}

#[test]
fn explain_cases() {
    insta::glob!("fixtures/explain/*.json", |path| {
        let source = std::fs::read_to_string(path).expect("fixture");
        let output = zhice(&["explain", TONGZHOU, "--case", &shown(path)]);
        insta::assert_snapshot!(with_source(&source, &output));
    });
}

#[test]
fn cli_commands() {
    insta::glob!("fixtures/cli/*.args", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let args: Vec<&str> = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        insta::assert_snapshot!(zhice(&args));
    });
}

#[test]
fn formatting() {
    insta::glob!("fixtures/fmt/*.unformatted", |path| {
        let source = std::fs::read_to_string(path).expect("fixture");
        let output = match format(&source, FileKind::Policy) {
            Ok(formatted) => formatted,
            Err(diags) => render(&diags, &shown(path), &source, ErrorFormat::Human, false),
        };
        insta::assert_snapshot!(with_source(&source, &output));
    });
}

#[test]
fn policy_diffs() {
    insta::glob!("fixtures/diff/*/old.policy", |path| {
        let old = shown(path);
        let new = old.replace("old.policy", "new.policy");
        insta::assert_snapshot!("diff_text", zhice(&["diff", &old, &new]));
        insta::assert_snapshot!("diff_json", zhice(&["diff", &old, &new, "--format", "json"]));
    });
}
