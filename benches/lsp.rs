//! `cargo bench --bench lsp`: how `zhice lsp` answers an editor on a policy
//! of several thousand lines (the Tongzhou draft with its measures copied
//! forty times): an edit until its diagnostics arrive, a hover on a measure
//! (which works out its worst case), a completion. The server runs as the
//! editor starts it, over stdio. docs/performance.md records the figures.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::path::Path;

const COPIES: usize = 40;

/// The Tongzhou draft with every measure copied `COPIES` times under new ids.
pub fn big_policy() -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tongzhou-2025-draft.policy"))
            .expect("policy");
    let mut measures = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines() {
        if line.starts_with("measure ") {
            block = Some(vec![line]);
        } else if let Some(b) = block.as_mut() {
            b.push(line);
            if line == "}" {
                measures.push(block.take().unwrap().join("\n"));
            }
        }
    }
    let mut out = text.clone();
    for k in 1..=COPIES {
        for m in &measures {
            let id = m["measure ".len()..].split(' ').next().unwrap();
            out.push_str(&format!(
                "\n{}\n",
                m.replacen(&format!("measure {id} "), &format!("measure {id}_{k} "), 1)
            ));
        }
    }
    out
}

fn lsp(c: &mut Criterion) {
    let text = big_policy();
    let lines = text.lines().count();
    let dir = std::env::temp_dir().join(format!("zhice-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.policy");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());

    let mut client = lsp_client::Client::start("en");
    client.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "zhice", "version": 1, "text": text } }),
    );
    let first = client.diagnostics(&uri);
    assert!(
        first.iter().all(|d| d["severity"] != 1),
        "the big policy checks: {first:?}"
    );

    let cap_line = text
        .lines()
        .position(|l| l == "  at most data_space_cap")
        .expect("a cap line");
    let all: Vec<&str> = text.lines().collect();
    let measure_line = all
        .iter()
        .rposition(|l| l.starts_with("measure data_space_"))
        .expect("a copy");
    let mut g = c.benchmark_group(format!("zhice lsp, a policy of {lines} lines"));
    g.sample_size(20);
    let mut version = 1;
    g.bench_function("edit → diagnostics", |b| {
        b.iter(|| {
            version += 1;
            // alternate between a broken and a fixed text, so each edit changes the answer
            let edited = if version % 2 == 0 {
                text.replacen("  at most data_space_cap\n", "  at most data_space_cpa\n", 1)
            } else {
                text.clone()
            };
            client.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
            );
            client.diagnostics(&uri)
        })
    });
    // leave the text as it was, so hovers see a policy that checks
    version += 1;
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
    client.diagnostics(&uri);
    g.bench_function("hover on a parameter", |b| {
        b.iter(|| {
            client.request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": { "line": cap_line, "character": 12 } }),
            )
        })
    });
    g.bench_function("hover on a measure (with its worst case)", |b| {
        b.iter(|| {
            client.request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": { "line": measure_line, "character": 10 } }),
            )
        })
    });
    g.bench_function("completion", |b| {
        b.iter(|| {
            client.request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": { "line": cap_line, "character": 12 } }),
            )
        })
    });
    g.finish();
    client.stop();
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(lsp_benches, lsp);
criterion_main!(lsp_benches);
