//! `zhice lsp`: a language server over stdio, for drafters' editors. It runs
//! the same front of the pipeline as `zhice check` (`load::analyse`) on the
//! editor's text, and answers from what the checker resolved: diagnostics,
//! hover, definition, references, completion, formatting, rename, the outline
//! and quick fixes.
//!
//! Edits arriving in a burst are analysed once: a document is re-analysed when
//! no message is waiting, or before a request about it is answered.

mod complete;
mod convert;
mod edits;
mod hover;
mod known;
mod outline;
mod text;
mod workspace;

use crate::lang::{self, Lang};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req, Url};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use workspace::{Side, Workspace};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves until the editor says `exit`; what went wrong, if anything, for the
/// command line to say (the editor's stream is stdout: nothing else is written there).
pub fn run(flag: Option<Lang>) -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    let served = serve(&connection, flag).map_err(|e| e.to_string());
    drop(connection);
    let joined = threads.join().map_err(|e| e.to_string());
    served.and(joined)
}

/// Serves one editor on `connection` until it says `exit`: what `run` does
/// on stdio, and the fuzz target does in memory.
pub fn serve_on(connection: &Connection, flag: Option<Lang>) -> Result<(), String> {
    serve(connection, flag).map_err(|e| e.to_string())
}

fn serve(connection: &Connection, flag: Option<Lang>) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    choose_language(&params, flag);
    connection.initialize_finish(
        id,
        json!({
            "capabilities": capabilities(),
            "serverInfo": { "name": "zhice", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut server = Server {
        connection,
        workspace: Workspace::default(),
        dirty: BTreeSet::new(),
    };
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                server.settle();
                let id = request.id.clone();
                let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.request(request)));
                let response = match answer {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    // A bug must not take the drafter's editor session down with it.
                    Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, "zhice: internal error".into()),
                };
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(n) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.notification(n)));
            }
            Message::Response(_) => {}
        }
        if connection.receiver.is_empty() {
            server.settle();
        }
    }
    Ok(())
}

fn capabilities() -> Value {
    json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": { "openClose": true, "change": 1, "save": { "includeText": false } },
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "completionProvider": { "triggerCharacters": [".", " "] },
        "documentFormattingProvider": true,
        "renameProvider": { "prepareProvider": true },
        "documentSymbolProvider": true,
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
    })
}

/// The editor's `language` setting (`zh`, `en`), else `--lang`, else
/// `ZHICE_LANG`, else the editor's own display language, else the locale;
/// failing all of them, the first policy opened decides.
fn choose_language(params: &Value, flag: Option<Lang>) {
    let setting = params
        .pointer("/initializationOptions/language")
        .and_then(Value::as_str)
        .and_then(Lang::from_locale);
    let locale = params.get("locale").and_then(Value::as_str).and_then(Lang::from_locale);
    let env = std::env::var("ZHICE_LANG").ok().as_deref().and_then(Lang::from_locale);
    if let Some(lang) = setting.or(flag).or(env).or(locale) {
        lang::set(lang);
    }
}

type Answer = Result<Value, (ErrorCode, String)>;

struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
    /// policies whose text changed since they were last analysed
    dirty: BTreeSet<Url>,
}

impl Server<'_> {
    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    lang::follow_source(&p.text_document.text);
                    self.workspace.set(p.text_document.uri.clone(), p.text_document.text);
                    self.dirty.insert(p.text_document.uri);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        self.workspace.set(p.text_document.uri.clone(), change.text);
                        self.dirty.insert(p.text_document.uri);
                    }
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params) {
                    self.dirty.insert(p.text_document.uri);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    self.workspace.close(&p.text_document.uri);
                    self.dirty.insert(p.text_document.uri);
                }
            }
            note::DidChangeConfiguration::METHOD => {
                let language = n.params.pointer("/settings/zhice/language").and_then(Value::as_str);
                if let Some(lang) = language.and_then(Lang::from_locale) {
                    lang::set(lang);
                    let all = self.workspace.policies();
                    self.dirty.extend(all);
                }
            }
            _ => {}
        }
    }

    /// Analyses what changed and publishes its diagnostics.
    fn settle(&mut self) {
        for uri in std::mem::take(&mut self.dirty) {
            let Some(policy) = self.workspace.analyse(&uri) else {
                continue;
            };
            let Some(unit) = self.workspace.get(&policy) else {
                continue;
            };
            for (uri, diagnostics) in convert::published(unit) {
                let params = lsp_types::PublishDiagnosticsParams::new(uri, diagnostics, None);
                let n = Notification::new(note::PublishDiagnostics::METHOD.into(), params);
                // A closed channel means the editor is gone; the loop ends on its own.
                let _ = self.connection.sender.send(Message::Notification(n));
            }
        }
    }

    fn request(&mut self, r: Request) -> Answer {
        let params = r.params;
        match r.method.as_str() {
            req::HoverRequest::METHOD => self.at(params, |unit, side, offset| Ok(hover::hover(unit, side, offset))),
            req::GotoDefinition::METHOD => self.at(params, edits::definition),
            req::References::METHOD => {
                let with_declaration = params
                    .pointer("/context/includeDeclaration")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                self.at(params, |unit, side, offset| {
                    edits::references(unit, side, offset, with_declaration)
                })
            }
            req::PrepareRenameRequest::METHOD => self.at(params, edits::prepare_rename),
            req::Rename::METHOD => {
                let new_name = params.get("newName").and_then(Value::as_str).unwrap_or("").to_string();
                self.at(params, |unit, side, offset| {
                    edits::rename(unit, side, offset, &new_name)
                })
            }
            req::Completion::METHOD => self.at(params, |unit, side, offset| Ok(complete::complete(unit, side, offset))),
            req::Formatting::METHOD => {
                let uri = document(&params)?;
                Ok(edits::format(&self.workspace, &uri))
            }
            req::DocumentSymbolRequest::METHOD => {
                let uri = document(&params)?;
                Ok(match self.workspace.unit(&uri) {
                    Some((unit, Side::Policy)) => outline::symbols(unit),
                    _ => Value::Null,
                })
            }
            req::CodeActionRequest::METHOD => {
                let uri = document(&params)?;
                Ok(match self.workspace.unit(&uri) {
                    Some((unit, side)) => edits::code_actions(unit, side, &params),
                    None => Value::Null,
                })
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("zhice lsp does not answer `{}`", r.method),
            )),
        }
    }

    /// Answers a request about one position of a document.
    fn at(&mut self, params: Value, answer: impl Fn(&workspace::Unit, Side, usize) -> Answer) -> Answer {
        let uri = document(&params)?;
        let position: lsp_types::Position = params
            .get("position")
            .cloned()
            .and_then(|p| serde_json::from_value(p).ok())
            .ok_or((ErrorCode::InvalidParams, "no position".to_string()))?;
        let Some((unit, side)) = self.workspace.unit(&uri) else {
            return Ok(Value::Null);
        };
        let Some(lines) = unit.lines(side) else {
            return Ok(Value::Null);
        };
        let offset = lines.offset(unit.text(side), position);
        answer(unit, side, offset)
    }
}

fn document(params: &Value) -> Result<Url, (ErrorCode, String)> {
    params
        .pointer("/textDocument/uri")
        .and_then(Value::as_str)
        .and_then(|s| Url::parse(s).ok())
        .ok_or((ErrorCode::InvalidParams, "no textDocument.uri".to_string()))
}
