//! `zhice lsp` driven over stdio as an editor drives it: open a policy with an
//! error, receive diagnostics and a quick fix, hover, go to definition, find
//! references, complete, format, rename across the policy and its tests file,
//! the outline, a half-typed file, and shutdown.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "support/lsp_client.rs"]
mod lsp_client;
mod support;

use lsp_client::Client;
use serde_json::{json, Value};
use std::path::PathBuf;

const POLICY: &str = "tongzhou-2025-illustrative-amendment";

/// A fresh copy of the amended Tongzhou policy and its tests, in a directory of its own.
fn scratch(name: &str) -> (PathBuf, String, String) {
    let dir = std::env::temp_dir().join(format!("zhice-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for ext in ["policy", "tests"] {
        let from = support::root().join(format!("policies/{POLICY}.{ext}"));
        std::fs::copy(from, dir.join(format!("{POLICY}.{ext}"))).unwrap();
    }
    let policy = dir.join(format!("{POLICY}.policy"));
    let uri = format!("file://{}", policy.display());
    let text = std::fs::read_to_string(&policy).unwrap();
    (dir, uri, text)
}

fn start(lang: &str) -> Client {
    let mut client = Client::start(lang);
    let result = client.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": { "language": lang } }),
    );
    let caps = &result["capabilities"];
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[cap], true, "{cap}");
    }
    assert!(caps["renameProvider"].is_object());
    assert!(caps["completionProvider"].is_object());
    client.notify("initialized", json!({}));
    client
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "zhice", "version": 1, "text": text } }),
    );
}

fn change(client: &mut Client, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
}

/// The labels of a completion answer's items, in order.
fn labels_of(done: &serde_json::Value) -> Vec<&str> {
    done["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

/// The LSP position (line, UTF-16 column) of the `nth` occurrence of `needle`, plus `ahead` characters.
fn position(text: &str, needle: &str, nth: usize, ahead: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).expect(needle).0;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col: usize = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .map(char::len_utf16)
        .sum();
    json!({ "line": line, "character": col + ahead })
}

fn at(uri: &str, pos: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos })
}

fn line_of(text: &str, needle: &str) -> u64 {
    position(text, needle, 0, 0)["line"].as_u64().unwrap()
}

#[test]
fn an_editor_session() {
    let (dir, uri, good) = scratch("session");
    let mut client = start("en");

    // An unknown name: one error, with its code, hint and a quick fix.
    let broken = good.replacen("at most data_space_cap\n", "at most data_space_cpa\n", 1);
    open(&mut client, &uri, &broken);
    let diags = client.diagnostics(&uri);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), 1, "{diags:#?}");
    let e = errors[0];
    assert_eq!(e["code"], "zhice::check::unknown-name");
    assert_eq!(e["source"], "zhice");
    assert!(e["message"].as_str().unwrap().contains("unknown name `data_space_cpa`"));
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `data_space_cap`?"));
    assert_eq!(e["range"]["start"], position(&broken, "data_space_cpa", 0, 0));
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": e["range"], "context": { "diagnostics": [e] } }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["title"], "replace with `data_space_cap`");
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "data_space_cap");
    assert_eq!(edit["range"], e["range"]);

    // Full-width punctuation outside a string, and a parameter without its unit: one edit each.
    for (broken, wrong, fixed) in [
        (
            good.replacen("  at most data_space_cap\n", "  at most data_space_cap，\n", 1),
            "，\n",
            ",",
        ),
        (good.replacen("= 20%\n", "= 20\n", 1), "= 20\n", "20%"),
    ] {
        change(&mut client, &uri, 2, &broken);
        let diags = client.diagnostics(&uri);
        let at = position(&broken, wrong, 0, usize::from(wrong.starts_with('=')) * 2);
        let e = diags
            .iter()
            .find(|d| d["range"]["start"] == at)
            .unwrap_or_else(|| panic!("a diagnostic at {at}: {diags:#?}"));
        let actions = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": e["range"], "context": { "diagnostics": [e] } }),
        );
        let edit = &actions[0]["edit"]["changes"][&uri][0];
        assert_eq!(edit["newText"], fixed, "{actions}");
        assert_eq!(edit["range"]["start"], at);
    }

    // Fixed: no error left.
    change(&mut client, &uri, 2, &good);
    let diags = client.diagnostics(&uri);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:#?}");

    // Hover on a dated parameter: label, every value, which one is in force today.
    let use_of_cap = position(&good, "at most data_space_cap", 0, "at most ".len() + 3);
    let hover = client.request("textDocument/hover", at(&uri, use_of_cap.clone()));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**数据空间支持上限** `data_space_cap`"), "{text}");
    assert!(
        text.contains("`500万元` — before 2026-01-01") && text.contains("`800万元` — from 2026-01-01"),
        "{text}"
    );
    let in_force = text.lines().find(|l| l.contains("in force today")).expect(text);
    assert!(
        in_force.contains("800万元"),
        "the dated value is in force today: {text}"
    );
    assert_eq!(hover["range"]["start"]["line"], use_of_cap["line"]);

    // Hover on a measure id: clause, title, worst case, clause text.
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&good, "measure data_space", 0, 10)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**第一条（一） 支持可信数据空间建设** `data_space`"),
        "{text}"
    );
    assert!(
        text.contains("worst case: 8,000,000.00 (set by `at most data_space_cap`)"),
        "{text}"
    );
    assert!(text.contains("> 鼓励创新主体牵头或参与共建企业级"), "{text}");

    // Hover on an input and on an enum value.
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&good, "award by dcmm_level", 0, 10)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**本年度首次通过的DCMM等级** `dcmm_level`") && text.contains("input: `optional int 2..5`"),
        "{text}"
    );

    // Definition of a use is its declaration.
    let def = client.request("textDocument/definition", at(&uri, use_of_cap.clone()));
    assert_eq!(def["uri"], uri);
    assert_eq!(
        def["range"]["start"]["line"].as_u64(),
        Some(line_of(&good, "param data_space_cap"))
    );

    // References: the declaration and the uses.
    let refs = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": use_of_cap, "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = good
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("data_space_cap") && !l.trim_start().starts_with('#'))
        .map(|(i, _)| i as u64)
        .collect();
    assert_eq!(lines, expected);

    // Completion: the values after `Prize.`, units after a number, names elsewhere.
    let with_dot = good.replacen("award by dcmm_level {", "award by Prize. {", 1);
    change(&mut client, &uri, 3, &with_dot);
    let done = client.request(
        "textDocument/completion",
        at(&uri, position(&with_dot, "award by Prize.", 0, "award by Prize.".len())),
    );
    let labels = labels_of(&done);
    assert_eq!(labels, ["first", "second", "third"]);
    // After `x is `: the values of x's own enum, not those of every enum.
    for (subject, want) in [
        ("competition_national is ", vec!["first", "second", "third", "given"]),
        ("s.level is not ", vec!["international", "national", "given"]),
    ] {
        let typed = with_dot.replacen("award by Prize. {", &format!("award by Prize. {{ {subject}"), 1);
        change(&mut client, &uri, 20, &typed);
        let done = client.request(
            "textDocument/completion",
            at(&uri, position(&typed, subject, 0, subject.len())),
        );
        let labels = labels_of(&done);
        assert_eq!(labels, want, "after `{subject}`");
    }
    change(&mut client, &uri, 21, &with_dot);
    let done = client.request(
        "textDocument/completion",
        at(&uri, position(&with_dot, "= 500万元", 0, "= 500".len())),
    );
    let labels = labels_of(&done);
    assert_eq!(labels, ["元", "万元", "亿元", "%"]);
    // The phrases of the newer constructs: spans between dates, outputs, defaults, signed awards.
    let typing = with_dot.replacen("  at most data_space_cap\n", "  at most data_space_cap\n  the\n", 1);
    change(&mut client, &uri, 4, &typing);
    let done = client.request(
        "textDocument/completion",
        at(&uri, position(&typing, "  the\n", 0, "  the".len())),
    );
    let labels = labels_of(&done);
    for want in [
        "the years from",
        "the months from",
        "the days from",
        "the year of",
        "the end of the month of",
    ] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    for (n, (typed, want)) in [
        ("may", "may be negative"),
        ("outp", "output"),
        ("amen", "amends"),
        ("defa", "default"),
    ]
    .into_iter()
    .enumerate()
    {
        let text = typing.replacen("  the\n", &format!("  {typed}\n"), 1);
        change(&mut client, &uri, 10 + n as i32, &text);
        let done = client.request(
            "textDocument/completion",
            at(&uri, position(&text, &format!("  {typed}\n"), 0, 2 + typed.len())),
        );
        let labels = labels_of(&done);
        assert!(labels.contains(&want), "{want} after `{typed}` in {labels:?}");
    }
    change(&mut client, &uri, 5, &with_dot);
    let done = client.request(
        "textDocument/completion",
        at(
            &uri,
            position(&with_dot, "  at most data_space_cap", 0, "  at most data_".len()),
        ),
    );
    let labels = labels_of(&done);
    for want in [
        "data_space_cap",
        "data_space_investment",
        "dcmm",
        "at most",
        "the highest of",
    ] {
        assert!(labels.contains(&want), "{want} not in {labels:?}");
    }

    // Formatting: a misaligned file comes back as the canonical one; a formatted one needs nothing.
    let messy = good.replacen("  at most data_space_cap\n", "      at most    data_space_cap\n", 1);
    change(&mut client, &uri, 4, &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits[0]["newText"], good.as_str());
    change(&mut client, &uri, 5, &good);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]));

    // Rename an input across the policy and its tests file (read from disk: it is not open).
    let tests_path = dir.join(format!("{POLICY}.tests"));
    let tests_uri = format!("file://{}", tests_path.display());
    let tests_text = std::fs::read_to_string(&tests_path).unwrap();
    let prepared = client.request(
        "textDocument/prepareRename",
        at(&uri, position(&good, "award by dcmm_level", 0, 12)),
    );
    assert_eq!(prepared["placeholder"], "dcmm_level");
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": position(&good, "award by dcmm_level", 0, 12), "newName": "dcmm_grade" }),
    );
    let in_policy = edit["changes"][&uri].as_array().unwrap();
    let in_tests = edit["changes"][&tests_uri].as_array().unwrap();
    let count = |text: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| {
                l.matches("dcmm_level").count()
                    - l.matches("dcmm_level2").count()
                    - l.matches("dcmm_level3").count()
                    - l.matches("dcmm_level4").count()
                    - l.matches("dcmm_level5").count()
            })
            .sum::<usize>()
    };
    assert_eq!(in_policy.len(), count(&good));
    assert_eq!(in_tests.len(), count(&tests_text));
    assert!(in_tests.len() >= 5);
    assert!(in_policy.iter().chain(in_tests).all(|e| e["newText"] == "dcmm_grade"));
    let refused = client.call(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": position(&good, "award by dcmm_level", 0, 12), "newName": "等级" }),
    );
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("the Chinese goes in the label"));
    // A name already declared is refused: the rename would make two declarations.
    let refused = client.call(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": position(&good, "award by dcmm_level", 0, 12), "newName": "sme" }),
    );
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("`sme` is already declared on line 52"), "{message}");

    // Rename a measure: its id in the policy, the tests' expectations and their ledgers.
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": position(&good, "measure dcmm ", 0, 9), "newName": "data_governance" }),
    );
    let in_tests = edit["changes"][&tests_uri].as_array().unwrap();
    let expected = tests_text.matches("dcmm:").count() + tests_text.matches("award: dcmm,").count();
    assert_eq!(in_tests.len(), expected);

    // The outline: every measure under its clause.
    let symbols = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    let top: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(top.contains(&"data_space_cap"), "{top:?}");
    let articles: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == 2)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        articles,
        ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条"]
    );
    let first = &symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "第一条")
        .unwrap()["children"];
    assert_eq!(first[0]["name"], "第一条（一） 支持可信数据空间建设");
    assert_eq!(first[0]["detail"], "data_space");
    let measures: usize = symbols
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["children"].as_array().cloned().unwrap_or_default())
        .filter(|s| s["kind"] == 12)
        .count();
    assert_eq!(measures, good.matches("\nmeasure ").count());

    // A half-typed line: a syntax error at the right place, and the server still answers.
    let half = good.replacen("  at most data_space_cap\n", "  at most data_space_cap +\n", 1);
    change(&mut client, &uri, 6, &half);
    client.forget_notifications();
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&half, "award by dcmm_level", 0, 10)),
    );
    assert_eq!(hover, Value::Null);
    let diags = client.diagnostics(&uri);
    assert!(
        diags
            .iter()
            .any(|d| d["code"].as_str().unwrap().starts_with("zhice::syntax")),
        "{diags:#?}"
    );
    let done = client.request(
        "textDocument/completion",
        at(&uri, position(&half, "data_space_cap +", 0, 16)),
    );
    assert!(
        !done["items"].as_array().unwrap().is_empty(),
        "names from the last version that parsed"
    );

    assert_eq!(client.stop(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn chinese_diagnostics_and_hover() {
    let (dir, uri, good) = scratch("zh");
    let mut client = start("zh");
    let broken = good.replacen("at most data_space_cap\n", "at most data_space_cpa\n", 1);
    open(&mut client, &uri, &broken);
    let diags = client.diagnostics(&uri);
    let message = diags.iter().find(|d| d["severity"] == 1).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("未声明的名称") || message.contains("名称"),
        "{message}"
    );
    assert!(message.contains("提示："), "{message}");
    change(&mut client, &uri, 2, &good);
    let hover = client.request(
        "textDocument/hover",
        at(&uri, position(&good, "at most data_space_cap", 0, 10)),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("参数") && text.contains("今日有效"), "{text}");
    assert_eq!(client.stop(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

/// Whatever the text, cut anywhere, every request is answered and none is an internal error.
#[test]
fn never_fails_on_a_half_typed_file() {
    let (dir, uri, good) = scratch("cut");
    let mut client = start("en");
    open(&mut client, &uri, "");
    let cuts: Vec<usize> = (0..good.len())
        .step_by(997)
        .filter(|i| good.is_char_boundary(*i))
        .collect();
    for (version, cut) in cuts.iter().enumerate() {
        let text = &good[..*cut];
        change(&mut client, &uri, version as i32 + 2, text);
        let end = position(&format!("{text}\u{0}"), "\u{0}", 0, 0);
        let mut positions = vec![end];
        if text.contains('\n') {
            positions.push(position(text, "\n", text.matches('\n').count() / 2, 0));
        }
        for pos in positions {
            for method in [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/completion",
                "textDocument/prepareRename",
            ] {
                let r = client.call(method, at(&uri, pos.clone()));
                let code = r["error"]["code"].as_i64();
                assert_ne!(code, Some(-32603), "{method} at {pos} of a cut at {cut}: {r}");
            }
        }
        for method in ["textDocument/documentSymbol", "textDocument/formatting"] {
            let r = client.call(
                method,
                json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
            );
            assert!(r.get("error").is_none(), "{method} of a cut at {cut}: {r}");
        }
    }
    assert_eq!(client.stop(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}
