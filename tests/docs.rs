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

/// The sections of a Markdown file: each heading's level, and how many code
/// blocks follow it before the next heading. Headings inside code blocks are not headings.
fn sections(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !fenced {
                if let Some(last) = out.last_mut() {
                    last.1 += 1;
                }
            }
            fenced = !fenced;
            continue;
        }
        if !fenced && line.starts_with('#') {
            let level = line.chars().take_while(|c| *c == '#').count();
            if line[level..].starts_with(' ') {
                out.push((level, 0));
            }
        }
    }
    out
}

/// The Chinese and English versions of the language reference and the
/// drafter's guide are kept in step: the same sections, in the same order, at
/// the same levels, with the same number of examples in each.
#[test]
fn chinese_and_english_docs_have_the_same_sections() {
    for (en, zh) in [
        ("docs/language.md", "docs/language.zh.md"),
        ("docs/drafting.en.md", "docs/drafting.md"),
        ("docs/registry.en.md", "docs/registry.md"),
        ("docs/python.en.md", "docs/python.md"),
    ] {
        let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap_or_else(|_| panic!("{p}"));
        let (a, b) = (sections(&read(en)), sections(&read(zh)));
        assert!(a.len() > 5, "{en}: found only {} sections", a.len());
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(
                x,
                y,
                "section {} differs between {en} and {zh}: (level, examples) {x:?} vs {y:?}",
                i + 1
            );
        }
        assert_eq!(a.len(), b.len(), "{en} has {} sections, {zh} has {}", a.len(), b.len());
    }
}
