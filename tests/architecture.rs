//! The layering docs/architecture.md describes holds in the code: each module
//! of `src/` may use only modules of a lower layer (and its own files). A
//! stage that reached up into a later one — the compiled program holding the
//! case decoder, say — fails here.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::path::Path;
use support::rust_files;

/// Lowest first. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["span", "date", "json", "number", "lang"],
    &["value", "diagnostic"],
    &["syntax"],
    &["check", "format"],
    &["compile"],
    &["case"],
    &["eval"],
    &["bounds", "sample", "pool"],
    &["diff", "testing"],
    &["report"],
    &["batch", "load"],
    &["lsp", "serve", "book"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The modules of `crate::…` paths in `text`, unit tests left out (they may
/// build what they test from higher up).
fn uses(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.split("crate::")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn no_module_uses_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let own = layer(&top)
            .unwrap_or_else(|| panic!("`src/{top}` is in no layer: add it to LAYERS and to docs/architecture.md"));
        let text = std::fs::read_to_string(f).expect("source");
        for used in uses(&text) {
            checked += 1;
            let Some(theirs) = layer(&used) else {
                wrong.push(format!("{}: uses `crate::{used}`, which is in no layer", rel.display()));
                continue;
            };
            if used != top && theirs >= own {
                wrong.push(format!(
                    "{}: `{top}` (layer {own}) uses `crate::{used}` (layer {theirs})",
                    rel.display()
                ));
            }
        }
    }
    assert!(checked > 100, "found only {checked} uses: the scan is broken");
    assert!(wrong.is_empty(), "uses against the layering:\n{}", wrong.join("\n"));
}

#[test]
fn the_layers_are_the_ones_the_architecture_page_names() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
        .expect("architecture.md");
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            doc.contains(&format!("`{module}`")),
            "docs/architecture.md does not mention `{module}`"
        );
    }
}
