//! The language server in memory, fed a session the fuzzer writes: the
//! Tongzhou draft opened, then edits (the fuzzer's bytes spliced in) and
//! requests (hover, definition, references, completion, formatting, rename,
//! outline, quick fixes) at places it picks. No request is answered with an
//! internal error, and the diagnostics last published for the file are those
//! `zhice check` gives for its final text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::time::Duration;

const TEXT: &str = include_str!("../../policies/tongzhou-2025-draft.policy");
const URI: &str = "file:///zhice-fuzz/session.policy";
const METHODS: [&str; 8] = [
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/formatting",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/codeAction",
];

fn send(c: &Connection, m: Message) {
    let _ = c.sender.send(m);
}

fn notify(c: &Connection, method: &str, params: Value) {
    send(c, Message::Notification(Notification::new(method.into(), params)));
}

/// Waits for the answer to request `id`; the diagnostics published meanwhile are kept.
fn answer(c: &Connection, id: i32, last: &mut Option<Vec<String>>) -> Option<lsp_server::Response> {
    loop {
        match c.receiver.recv_timeout(Duration::from_secs(20)).ok()? {
            Message::Response(r) if r.id == RequestId::from(id) => return Some(r),
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                if n.params["uri"] == URI {
                    let codes = n.params["diagnostics"]
                        .as_array()
                        .map(|ds| ds.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect())
                        .unwrap_or_default();
                    *last = Some(codes);
                }
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (client, server) = Connection::memory();
    let thread = std::thread::spawn(move || zhice::lsp::serve_on(&server, Some(zhice::lang::Lang::En)));
    send(&client, Message::Request(Request::new(0.into(), "initialize".into(), json!({ "capabilities": {} }))));
    let mut last = None;
    let _ = answer(&client, 0, &mut last);
    notify(&client, "initialized", json!({}));
    notify(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "zhice", "version": 1, "text": TEXT } }),
    );
    let mut text = TEXT.to_string();
    let mut id = 1;
    let mut version = 1;
    // each step: [kind, where (2 bytes), length, bytes…]
    let mut rest = data;
    while let [kind, a, b, n, tail @ ..] = rest {
        let at = (usize::from(*a) << 8 | usize::from(*b)) % (text.len() + 1);
        let take = usize::from(*n).min(tail.len()) % 48;
        let (piece, next) = tail.split_at(take);
        rest = next;
        let mut at = at;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if kind % 3 == 0 {
            // an edit: the piece spliced in, as much cut as the low bits say
            let Ok(piece) = std::str::from_utf8(piece) else { continue };
            let mut end = (at + usize::from(kind / 3 % 16)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, piece);
            version += 1;
            notify(
                &client,
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] }),
            );
        } else {
            // a request at a line and character (in UTF-16 units, as editors count)
            let line = text[..at].matches('\n').count();
            let col: usize = text[..at].rsplit('\n').next().map_or(0, |l| l.encode_utf16().count());
            let method = METHODS[usize::from(*kind) % METHODS.len()];
            let position = json!({ "line": line, "character": col });
            let params = json!({
                "textDocument": { "uri": URI },
                "position": position,
                "context": { "includeDeclaration": true, "diagnostics": [] },
                "newName": "renamed",
                "options": { "tabSize": 2, "insertSpaces": true },
                "range": { "start": position, "end": position },
            });
            send(&client, Message::Request(Request::new(id.into(), method.into(), params)));
            if let Some(r) = answer(&client, id, &mut last) {
                if let Some(e) = &r.error {
                    assert_ne!(e.code, lsp_server::ErrorCode::InternalError as i32, "{method}: {}", e.message);
                }
            }
            id += 1;
        }
    }
    // a last request makes the server settle the final text first
    send(&client, Message::Request(Request::new(id.into(), "textDocument/documentSymbol".into(), json!({ "textDocument": { "uri": URI } }))));
    let _ = answer(&client, id, &mut last);
    send(&client, Message::Request(Request::new((id + 1).into(), "shutdown".into(), json!(null))));
    let _ = answer(&client, id + 1, &mut last);
    notify(&client, "exit", json!(null));
    drop(client);
    let _ = thread.join();

    // the diagnostics the editor last saw are those `zhice check` gives
    let expected: Vec<String> = {
        let analysed = zhice::load::analyse("session.policy", text.clone(), None);
        let reports = match &analysed.result {
            Ok(l) => l.reports.as_slice(),
            Err(zhice::load::LoadError::Invalid(r)) => r.as_slice(),
            Err(_) => &[],
        };
        reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.code.to_string())).collect()
    };
    if let Some(mut seen) = last {
        let mut expected = expected;
        seen.sort();
        expected.sort();
        assert_eq!(seen, expected, "the editor's diagnostics differ from `zhice check`");
    }
});
