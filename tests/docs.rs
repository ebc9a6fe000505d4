//! The docs stay true: every diagnostic code the source can emit is listed in
//! docs/errors.md, and the README's two set-up commands are the ones CI runs.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::path::Path;
use support::rust_files;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_diagnostic_code_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).expect("errors.md");
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut codes = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        for piece in text.split("\"zhice::").skip(1) {
            let code: String = piece
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == ':' || *c == '-')
                .collect();
            if piece[code.len()..].starts_with('"') {
                codes.push(format!("zhice::{code}"));
            }
        }
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 30, "found only {} codes: the scan is broken", codes.len());
    let missing: Vec<&String> = codes.iter().filter(|c| !doc.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "codes missing from docs/errors.md: {missing:?}");
}

#[test]
fn the_readme_gives_the_commands_ci_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let first_block = readme
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    let commands: Vec<&str> = first_block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- eval policies/tongzhou-2025-draft.policy --cases examples/cases.jsonl",
            "cargo test"
        ]
    );
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == "cargo test"),
        ".ci/run runs the README's test command"
    );
    assert!(root().join("examples/cases.jsonl").is_file());
}
