//! `zhice fmt` keeps meaning and settles: for every policy and fixture that
//! parses, formatting twice changes nothing more, and the formatted file parses
//! to the same policy. Every such file in the repository is kept formatted.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use zhice::format::format;
use zhice::syntax::{parse, FileKind};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every .policy and .tests file under the directories that hold them.
fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root().join("policies"), root().join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "policy" || e == "tests") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn kind(path: &Path) -> FileKind {
    if path.extension().is_some_and(|e| e == "tests") {
        FileKind::Tests
    } else {
        FileKind::Policy
    }
}

/// The AST's debug form without spans: what the file means, not where it says it.
fn meaning(source: &str, kind: FileKind) -> String {
    let ast = parse(source, kind).expect("parses");
    let text = format!("{ast:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = after.find('}').expect("span closes");
        out.push_str("Span");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn formatting_settles_and_keeps_the_meaning() {
    let mut checked = 0;
    for path in files() {
        let source = std::fs::read_to_string(&path).expect("read");
        let kind = kind(&path);
        let Ok(once) = format(&source, kind) else { continue };
        let twice =
            format(&once, kind).unwrap_or_else(|e| panic!("{}: formatted file does not parse: {e:?}", path.display()));
        assert_eq!(twice, once, "{}: formatting is not idempotent", path.display());
        assert_eq!(
            meaning(&once, kind),
            meaning(&source, kind),
            "{}: formatting changed the meaning",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} files were checked");
}

#[test]
fn every_policy_in_the_repository_is_formatted() {
    let unformatted: Vec<String> = files()
        .into_iter()
        .filter(|path| {
            let source = std::fs::read_to_string(path).expect("read");
            format(&source, kind(path)).is_ok_and(|f| f != source)
        })
        .map(|p| p.strip_prefix(root()).unwrap_or(&p).display().to_string())
        .collect();
    assert!(unformatted.is_empty(), "run `zhice fmt` on: {unformatted:?}");
}
