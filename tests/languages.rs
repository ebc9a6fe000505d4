//! Every command speaks one language at a time. Each command line of the CLI
//! fixtures, every case error, the usage errors and a missing file are run in
//! Chinese and in English; in Chinese nothing may be English words, and in
//! English nothing may be Chinese, outside what is not the program's to
//! translate: code and identifiers (in backticks, or declared by the policy),
//! JSON field names, error codes, file names, and the policy's own text
//! (quoted, or its titles, labels and clause text).

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use support::root;

/// Words that are the same in both languages: formats, standards, units of
/// data, and the program's name.
const TECHNICAL: &[&str] = &[
    "zhice", "LANG", "JSON", "JSONL", "CSV", "UTF", "BOM", "GBK", "Excel", "Windows", "HTTP", "URL", "OpenAPI", "LSP",
    "CNY", "DCMM", "AI", "ID", // the commands, and the values command-line options take, are code
    "check", "eval", "explain", "test", "diff", "fmt", "bounds", "sample", "schema", "lsp", "serve", "doc", "help",
    "zh", "en", "human", "plain", "json", "jsonl", "text", "csv", "xlsx", "markdown", "html", "case", "result", "true",
    "false", "auto", "utf", "gbk",
];

fn run(args: &[String], lang: &str, stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("ZHICE_LANG", lang)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run zhice");
    let _ = child.stdin.take().expect("stdin").write_all(stdin.as_bytes());
    let out = child.wait_with_output().expect("zhice ran");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every command line of `tests/fixtures/cli`, without the language it names.
fn fixture_commands() -> Vec<(String, Vec<String>)> {
    let dir = root().join("tests/fixtures/cli");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    for path in names.into_iter().filter(|p| p.extension().is_some_and(|e| e == "args")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut args: Vec<String> = Vec::new();
        let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
        while let Some(l) = lines.next() {
            if l == "--lang" {
                lines.next();
                continue;
            }
            args.push(l.to_string());
        }
        // a book written to a directory is read back by its own test
        if args.iter().any(|a| a == "--out") {
            continue;
        }
        out.push((path.file_name().unwrap().to_string_lossy().into_owned(), args));
    }
    out
}

/// Command lines that fail before any policy is read, and a case for every
/// case error (the eval fixtures hold them).
fn other_commands() -> Vec<(String, Vec<String>)> {
    let policy = "policies/tongzhou-2025-draft.policy";
    let mut out: Vec<(String, Vec<String>)> = [
        ("unknown argument", vec!["eval", policy, "--nope"]),
        ("unknown command", vec!["evaluate", policy]),
        ("missing argument", vec!["eval"]),
        (
            "value not among the choices",
            vec!["eval", policy, "--case", "x.json", "--format", "xml"],
        ),
        (
            "bad date",
            vec!["eval", policy, "--case", "x.json", "--as-of", "2025-13-01"],
        ),
        (
            "conflicting arguments",
            vec!["eval", policy, "--case", "a.json", "--cases", "b.jsonl"],
        ),
        ("missing policy", vec!["check", "policies/no-such.policy"]),
        ("missing case file", vec!["eval", policy, "--cases", "no-such.jsonl"]),
        ("a directory as a case", vec!["eval", policy, "--case", "policies"]),
        ("missing file to format", vec!["fmt", "no-such.policy"]),
        ("explain with no case", vec!["explain", policy]),
    ]
    .into_iter()
    .map(|(n, a)| (n.to_string(), a.into_iter().map(String::from).collect()))
    .collect();
    let dir = root().join("tests/fixtures/eval");
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    cases.sort();
    for c in cases
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
    {
        let shown = c.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
        for format in ["text", "jsonl"] {
            out.push((
                format!("{shown} as {format}"),
                ["eval", policy, "--cases", &shown, "--format", format, "--summary"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ));
        }
    }
    out
}

/// The names policies and cases declare, which output may show bare (an
/// award's id in a table, a case's id), and all their text, which English
/// output may quote (titles, labels, clause text).
fn written() -> (BTreeSet<String>, String) {
    let mut names = BTreeSet::new();
    // a case's id is data, shown bare: its words are not the program's
    let mut text = String::new();
    let mut files = Vec::new();
    collect(&root().join("policies"), &mut files);
    collect(&root().join("tests/fixtures"), &mut files);
    collect(&root().join("examples"), &mut files);
    collect(&root().join("tests/data"), &mut files);
    for f in files {
        let Ok(t) = std::fs::read_to_string(&f) else { continue };
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        // in a policy, the words of its code, keywords included (an
        // explanation shows a rule as written), not of its comments or its
        // text; a test's name; in case data, every key and value
        let code: String = if ext == "policy" || ext == "tests" {
            // a policy written in English: its titles, labels and clause text are its own words
            let english_policy = !t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let mut code = String::new();
            for p in zhice::syntax::scan::pieces(&t) {
                match p {
                    zhice::syntax::scan::Piece::Code(_, c) => code.push(c),
                    zhice::syntax::scan::Piece::Text { start, end, .. } if english_policy => {
                        code.push(' ');
                        code.push_str(&t[start..end]);
                        code.push(' ');
                    }
                    // a test's name, which the drafter wrote in the language of the tests
                    zhice::syntax::scan::Piece::Text { start, end, .. } if code.trim_end().ends_with("test") => {
                        code.push_str(&t[start..end]);
                    }
                    _ => code.push(' '),
                }
            }
            code
        } else {
            t.clone()
        };
        for word in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if !word.is_empty() {
                names.insert(word.to_string());
            }
        }
        text.push_str(&t);
        text.push('\n');
    }
    (names, text)
}

/// The ids of every bundled case (`"id":"W-4 weight missing"`), longest first.
fn case_ids() -> Vec<String> {
    let mut files = Vec::new();
    collect(&root().join("tests"), &mut files);
    collect(&root().join("examples"), &mut files);
    let mut ids = BTreeSet::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json" || e == "jsonl" || e == "csv"))
    {
        let Ok(t) = std::fs::read_to_string(f) else { continue };
        for piece in t.split("\"id\":").skip(1) {
            if let Some(rest) = piece.trim_start().strip_prefix('"') {
                if let Some(end) = rest.find('"') {
                    ids.insert(rest[..end].to_string());
                }
            }
        }
        // a CSV's first column
        if f.extension().is_some_and(|e| e == "csv") {
            ids.extend(
                t.lines()
                    .skip(1)
                    .filter_map(|l| l.split(',').next())
                    .map(str::to_string),
            );
        }
    }
    // a one-word id is among the names already; only ids of several words are taken out whole
    let mut ids: Vec<String> = ids.into_iter().filter(|i| i.contains([' ', '-'])).collect();
    ids.sort_by_key(|i| std::cmp::Reverse(i.len()));
    ids
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| {
            ["policy", "tests", "json", "jsonl", "csv", "unformatted"].contains(&x.to_str().unwrap_or(""))
        }) {
            out.push(p);
        }
    }
}

/// `text` without what is not the program's to translate: code in
/// backticks, quoted text, a source excerpt's lines, a diff's lines of the
/// policy, error codes, paths and flags; an HTML page without its markup.
fn prose(text: &str) -> String {
    let mut text = if text.contains("<!DOCTYPE html>") {
        strip_html(text)
    } else {
        text.replace("<br>", " ")
    };
    for id in case_ids_cached() {
        text = text.replace(id.as_str(), " ");
    }
    // a Markdown link's target (`](#p-rate)`) is an address, not words
    while let Some(i) = text.find("](#") {
        let end = text[i..].find(')').map_or(text.len(), |j| i + j + 1);
        text.replace_range(i..end, "] ");
    }
    // a unified diff (`fmt --check`) quotes the file on every line it shows
    let unified = text.lines().any(|l| l.starts_with("@@ "));
    let mut out = String::new();
    for line in text.lines() {
        if unified && line.starts_with([' ', '+', '-', '@']) {
            continue;
        }
        let t = line.trim_start();
        // miette's source excerpt (`12 │ …`) and a formatter's diff (`+ …`, `- …`) quote the policy itself
        if t.split_once(['│', '|'])
            .is_some_and(|(n, _)| !n.trim().is_empty() && n.trim().chars().all(|c| c.is_ascii_digit()))
            || t.starts_with("+ ")
            || t.starts_with("- ") && !t.starts_with("- **")
            || t.starts_with("@@")
        {
            continue;
        }
        let mut skip: Option<char> = None;
        let mut kept = String::new();
        for c in line.chars() {
            match skip {
                Some(close) if c == close => {
                    // what was quoted is not joined to what stands around it
                    skip = None;
                    kept.push(' ');
                }
                Some(_) => {}
                None => match c {
                    '`' => skip = Some('`'),
                    '"' => skip = Some('"'),
                    '“' => skip = Some('”'),
                    '「' => skip = Some('」'),
                    '《' => skip = Some('》'),
                    c => kept.push(c),
                },
            }
        }
        let kept = without_flags(&kept);
        for token in kept.split_whitespace() {
            // error codes, paths, flags, file names and addresses are not words
            // a CSV row or header is data: its cells are field names and values
            let csv = token.matches(',').count() >= 2;
            let code = csv
                || token.contains("::")
                || token.contains('/')
                || token.contains('\\')
                || token.starts_with('-') && token.len() > 1;
            let file = token
                .split(['.', ':', ',', ';'])
                .any(|p| ["policy", "tests", "json", "jsonl", "csv", "md", "html"].contains(&p));
            if code || file {
                // keep what stands before a code: `warning[zhice::…]` still says "warning"
                if let Some(i) = token.find('[') {
                    out.push_str(&token[..i]);
                }
                out.push(' ');
                continue;
            }
            out.push_str(token);
            out.push(' ');
        }
        out.push('\n');
    }
    out
}

/// `text` without its command-line flags (`--cases`), wherever they stand.
fn without_flags(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("--") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let flag = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(after.len());
        out.push(' ');
        rest = &after[flag..];
    }
    out.push_str(rest);
    out
}

fn case_ids_cached() -> &'static [String] {
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(case_ids)
}

fn strip_html(page: &str) -> String {
    let page = page.replace("<br>", " ");
    let page = page.as_str();
    let body = match (page.find("</style>"), page.find("<body")) {
        (_, Some(b)) => &page[b..],
        (Some(s), None) => &page[s..],
        _ => page,
    };
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
}

/// The words a JSON answer says to people: its messages, hints and reasons.
fn json_words(output: &str) -> String {
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        serde_json::Value::String(s)
                            if ["message", "help", "label", "why", "change_words"].contains(&k.as_str()) =>
                        {
                            out.push_str(s);
                            out.push('\n');
                        }
                        _ => walk(x, out),
                    }
                }
            }
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    let whole = serde_json::from_str::<serde_json::Value>(output.trim()).ok();
    let values: Vec<serde_json::Value> = match whole {
        Some(v) => vec![v],
        None => output.lines().filter_map(|l| serde_json::from_str(l).ok()).collect(),
    };
    values.iter().for_each(|v| walk(v, &mut out));
    out
}

/// English words in Chinese output.
fn english(output: &str, names: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let text = format!("{}\n{}", prose(output), prose(&json_words(output)));
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        // identifiers (`data_space`, `p2`) and numbers are code
        if word.len() < 2 || word.contains('_') || word.contains(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if TECHNICAL.contains(&word) || (names.contains(word) && !ALWAYS_ENGLISH.contains(&word)) {
            continue;
        }
        found.push(word.to_string());
    }
    found
}

/// Chinese in English output that is not the policy's own text: each run of
/// Chinese characters must be found in a policy, its tests or a case.
fn chinese(output: &str, written: &str) -> Vec<String> {
    let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut found = Vec::new();
    let mut run = String::new();
    let text = format!("{}\n{}", prose(output), prose(&json_words(output)));
    for c in text.chars().chain(['\n']) {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            if !written.contains(&run) && !AUTONYMS.contains(&run.as_str()) {
                found.push(run.clone());
            }
            run.clear();
        }
    }
    found
}

/// Words of messages that a case's data or a policy's names may also hold
/// (a case id "blank line"): flagged in Chinese output whatever the names say.
const ALWAYS_ENGLISH: &[&str] = &[
    "line",
    "error",
    "errors",
    "warning",
    "help",
    "rejected",
    "evaluated",
    "missing",
    "expected",
    "passed",
    "failed",
];

/// A language's own name, as a choice between languages shows it.
const AUTONYMS: &[&str] = &["中文"];

#[test]
fn each_language_alone() {
    let (names, text) = written();
    let mut wrong = Vec::new();
    let commands: Vec<_> = fixture_commands().into_iter().chain(other_commands()).collect();
    assert!(commands.len() > 100, "found only {} commands", commands.len());
    for (name, args) in &commands {
        let zh = run(args, "zh", "");
        let words = english(&zh, &names);
        if !words.is_empty() {
            wrong.push(format!("{name} (zh): English {words:?}\n{}", prose(&zh)));
        }
        let en = run(args, "en", "");
        let runs = chinese(&en, &text);
        if !runs.is_empty() {
            wrong.push(format!("{name} (en): Chinese {runs:?}\n{en}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} outputs mix languages:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}

#[test]
fn the_checks_see_a_mixed_language() {
    let names = BTreeSet::from(["data_space".to_string()]);
    assert_eq!(english("错误：第 13 行：应为a list", &names), ["list"]);
    assert_eq!(
        english("policy.policy:3:1: warning[zhice::lint::x] 某事", &names),
        ["warning"]
    );
    assert!(english("错误：`data_space` 未定义（zhice::check::unknown）", &names).is_empty());
    assert!(english("data_space  1,600,000.00", &names).is_empty());
    assert_eq!(chinese("error: 应为 a number", "政策"), ["应为"]);
    assert!(chinese("measure 第一条（一） 政策", "第一条（一） 政策").is_empty());
}
