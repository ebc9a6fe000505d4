//! A batch answered as it is evaluated: the cases run on every core (the
//! same `batch` code as `zhice eval --cases`), their result lines stream out
//! in order. Past the request's deadline the batch stops and the stream ends
//! with an error line.

use super::registry::Entry;
use crate::batch::{self, Options, Output};
use crate::pool::Ledger;
use crate::syntax::ast::Date;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;

/// Bytes gathered before they are sent on.
const CHUNK: usize = 64 * 1024;

struct Sender {
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    buf: Vec<u8>,
    deadline: Instant,
}

impl Sender {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        // A client that went away ends the batch.
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for Sender {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if Instant::now() > self.deadline {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "the request took too long"));
        }
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

pub fn batch(
    entry: Arc<Entry>,
    input: String,
    as_of: Option<Date>,
    history: Option<crate::grants::History>,
    deadline: Instant,
) -> Response {
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(8);
    // The stream is written on a thread of its own, in the request's language.
    let lang = crate::lang::current();
    tokio::task::spawn_blocking(move || {
        crate::lang::scoped(lang, || {
            let program = &entry.loaded().program;
            let mut out = Sender {
                tx: tx.clone(),
                buf: Vec::with_capacity(CHUNK),
                deadline,
            };
            // against the registry: each case's ledger and the funds' spending from it
            let (ledger, registered) = match history {
                Some(h) => (h.pools, Some(Arc::new(h.registered))),
                None => (Ledger::default(), None),
            };
            let options = Options {
                as_of,
                registered,
                ..Options::new(Output::Json)
            };
            let ran = if program.policy.pools.is_empty() {
                batch::run(program, input.as_bytes(), &mut out, options, &|_| {}).map(|_| ())
            } else {
                let open = || -> io::Result<Box<dyn io::Read + Send>> {
                    Ok(Box::new(io::Cursor::new(input.clone().into_bytes())))
                };
                batch::run_round(program, &open, &mut out, options, &ledger, &|_| {}).map(|_| ())
            };
            let _ = out.flush();
            if let Err(e) = ran {
                let (code, message) = if e.kind() == io::ErrorKind::TimedOut {
                    (
                        "zhice::serve::timeout",
                        t!("the batch took longer than the request time limit and was stopped").into_owned(),
                    )
                } else {
                    ("zhice::serve::batch", e.to_string())
                };
                let line = serde_json::json!({ "error": { "code": code, "message": message } });
                let _ = tx.blocking_send(Ok(Bytes::from(format!("{line}\n"))));
            }
        })
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}
