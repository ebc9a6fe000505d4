//! The VS Code extension: its TextMate grammar, run through the engine VS Code
//! itself uses (vscode-textmate with Oniguruma, in Node), on the fixture files
//! under `tests/fixtures/highlight/`: each token's scopes are snapshotted.
//!
//! It needs Node and the extension's packages (`npm ci` in `editors/vscode`).
//! Without them it says so and passes, unless `ZHICE_REQUIRE_EDITOR_TESTS=1`
//! (which `.ci/run` sets after installing them): then their absence fails.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why the tokenizer cannot run here, if it cannot.
fn missing() -> Option<String> {
    let ext = root().join("editors/vscode");
    if !ext.join("node_modules/vscode-textmate").is_dir() {
        return Some("editors/vscode/node_modules is absent (run `npm ci` there)".into());
    }
    match Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("`node` is not on PATH".into()),
    }
}

#[test]
fn token_scopes() {
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("ZHICE_REQUIRE_EDITOR_TESTS").is_none(),
            "the grammar test must run here, but {why}"
        );
        eprintln!("skipping the TextMate grammar test: {why}");
        return;
    }
    insta::glob!("fixtures/highlight/*.{policy,tests}", |path| {
        let out = Command::new("node")
            .arg(root().join("editors/vscode/test/tokenize.js"))
            .arg(path)
            .output()
            .expect("run node");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    });
}

/// The extension, activated against stand-ins for VS Code and the language
/// client: it starts `zhice lsp` with the user's settings.
#[test]
fn the_extension_starts_the_server() {
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("ZHICE_REQUIRE_EDITOR_TESTS").is_none(),
            "the extension test must run here, but {why}"
        );
        eprintln!("skipping the extension test: {why}");
        return;
    }
    let out = Command::new("node")
        .arg(root().join("editors/vscode/test/activate.js"))
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
