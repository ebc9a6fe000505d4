//! `zhice fmt` settles and keeps the meaning: for any text that parses,
//! format(format(p)) == format(p), and format(p) parses to the same AST but for spans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhice::format::format;
use zhice::syntax::{parse, FileKind};

/// The AST's debug form without spans.
fn meaning(source: &str) -> Option<String> {
    let text = format!("{:?}", parse(source, FileKind::Policy).ok()?);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = after.find('}')?;
        out.push_str("Span");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(once) = format(text, FileKind::Policy) else {
        return;
    };
    let twice = format(&once, FileKind::Policy).expect("a formatted policy parses");
    assert_eq!(twice, once, "formatting is not idempotent");
    assert_eq!(meaning(&once), meaning(text), "formatting changed the meaning");
});
