//! Chinese for every message: each `t!("…")` in the source, each text of the
//! command-line help and each word of the language that messages quote has
//! its entry in `locales/zh.yml`, and no entry is left that nothing uses.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::path::Path;
use support::rust_files;
use zhice::check::model::{AllocOrder, CapScope};
use zhice::lang::has_chinese;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The string literal at the start of `s` (after its opening quote), unescaped.
fn literal(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '\n' => {
                    // a line continuation: the next line's indentation is not part of the string
                    let rest: String = chars.clone().collect();
                    let skipped = rest.len() - rest.trim_start().len();
                    for _ in rest[..skipped].chars() {
                        chars.next();
                    }
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            },
            c => out.push(c),
        }
    }
    None
}

/// Every key the source passes to `t!` or `words!` as a literal.
fn source_keys() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut keys = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        // `t!` words a message now; `words!` keeps it as data to word later
        for call in ["t!(", "words!("] {
            let mut rest = text.as_str();
            while let Some(at) = rest.find(call) {
                let before = rest[..at].chars().next_back();
                rest = &rest[at + call.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let arg = rest.trim_start();
                if let Some(body) = arg.strip_prefix('"') {
                    keys.push(literal(body).unwrap_or_else(|| panic!("unterminated key in {}", f.display())));
                }
            }
        }
    }
    keys
}

/// The words that code passes to `t!` from a value rather than a literal.
fn word_keys() -> Vec<String> {
    let scopes = [CapScope::Year, CapScope::Ever].map(|s| s.words().to_string());
    let orders = [AllocOrder::Clause, AllocOrder::Listed].map(|o| o.words().to_string());
    scopes
        .into_iter()
        .chain(orders)
        .chain(zhice::syntax::expected_phrases().into_iter().map(String::from))
        .collect()
}

fn yaml_keys() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("locales/zh.yml")).expect("zh.yml");
    text.lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| {
            let quoted = l.strip_suffix(':').expect("a key line ends in `:`");
            serde_json::from_str::<String>(quoted).expect("keys are JSON-quoted")
        })
        .collect()
}

#[test]
fn every_message_has_its_chinese() {
    let mut keys = source_keys();
    assert!(keys.len() > 50, "found only {} keys: the scan is broken", keys.len());
    keys.extend(zhice::cli::help_texts());
    keys.extend(word_keys());
    keys.sort();
    keys.dedup();
    let missing: Vec<&String> = keys.iter().filter(|k| !has_chinese(k)).collect();
    assert!(
        missing.is_empty(),
        "messages without Chinese in locales/zh.yml: {missing:#?}"
    );
    let unused: Vec<String> = yaml_keys().into_iter().filter(|k| !keys.contains(k)).collect();
    assert!(
        unused.is_empty(),
        "entries in locales/zh.yml that nothing uses: {unused:#?}"
    );
}

#[test]
fn placeholders_are_kept() {
    let text = std::fs::read_to_string(root().join("locales/zh.yml")).expect("zh.yml");
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        let (Some(key), Some(zh)) = (pair[0].strip_suffix(':'), pair[1].strip_prefix("  zh: ")) else {
            continue;
        };
        let key: String = serde_json::from_str(key).expect("key");
        let zh: String = serde_json::from_str(zh).expect("value");
        let names = |s: &str| {
            let mut v: Vec<String> = s
                .split("%{")
                .skip(1)
                .filter_map(|p| p.split('}').next())
                .map(String::from)
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            names(&key),
            names(&zh),
            "placeholders differ between {key:?} and {zh:?}"
        );
    }
}

/// Every command's help is shown in both languages (clap checks each
/// command's arguments when it builds it, so this also guards the Chinese layout).
#[test]
fn every_command_has_its_help_in_both_languages() {
    for lang in ["zh", "en"] {
        for command in [
            "", "check", "eval", "explain", "diff", "bounds", "sample", "fmt", "test",
        ] {
            let mut args = vec!["--lang", lang];
            args.extend([command, "--help"].into_iter().filter(|a| !a.is_empty()));
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhice"))
                .args(&args)
                .output()
                .expect("run zhice");
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "zhice {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
            let marker = if lang == "zh" { "示例：" } else { "Examples:" };
            assert!(
                text.contains(marker),
                "zhice {} has no examples:\n{text}",
                args.join(" ")
            );
        }
    }
}
