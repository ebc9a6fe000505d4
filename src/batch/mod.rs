//! Whole populations: cases stream in, are evaluated on every core, and their
//! results stream out in input order, one output line per input line. Memory
//! stays bounded whatever the input size: at most a few chunks are in flight.
//!
//! The room: `chunks` (whole-line pieces of the input), `worker` (what each
//! core keeps from case to case, and one line evaluated), `csv_input` (CSV rows read as JSON lines), `rows`
//! (rows a caller holds in memory, judged the same way), `kept` (what a
//! round's first pass keeps for its second); this file runs the passes.

mod chunks;
mod csv_input;
mod kept;
pub mod rows;
mod worker;
pub mod xlsx;

pub use crate::run::summary::{AwardStats, Summary};
pub use csv_input::{table_as_jsonl, table_reader, utf8_text, utf8_text_from, CsvAsJsonl, Encoding, Sheet};

use chunks::{chunks, split_lines, Chunk};
use kept::Kept;
use worker::{process, Job, Worker, RECYCLED, WORKER};

use crate::case::{code, Case, CaseErrors, Reader, Scratch};
use crate::compile::Program;
use crate::date::Date;
use crate::eval::{Compiled, Evaluator};
use crate::lang::{self, Lang};
use crate::pool::{self, Claim, Ledger, Parts, Round, Settled, Share};
use crate::report::result::{self, Lines};
use rayon::prelude::*;
use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

/// Bytes read at a time; a chunk holds whole lines only.
const CHUNK_BYTES: usize = 4 << 20;
/// Longer lines are rejected unread: no real application is this large.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Lines one worker takes at a time.
const LINES_PER_TASK: usize = 256;

/// Lines per task of a round's first pass, which writes nothing but keeps
/// each case's record: groups this large grow the memory they are kept in a
/// few times a chunk, not once for every few pages.
const LINES_KEPT_PER_TASK: usize = 2048;

pub use crate::report::result::LineFormat as Output;

/// How a run reads and writes.
#[derive(Clone)]
pub struct Options {
    pub format: Output,
    /// read dated parameters on this day instead of each case's own
    pub as_of: Option<Date>,
    /// the table (a CSV file or a worksheet, read by `CsvAsJsonl`) the lines
    /// come from: each line then starts with its row, and a rejected case names
    /// its sheet, row and columns; none for JSONL, whose lines are numbered as read
    pub table: Option<std::sync::Arc<crate::report::place::Table>>,
    /// keep each case's id fingerprint, to report cases that share an id
    pub check_ids: bool,
    /// sum the awards measure by measure (`--summary`); without it, only
    /// cases and refusals are counted
    pub figures: bool,
    /// a round against a grant registry: each case's ledger is the registry's
    pub registered: Option<std::sync::Arc<crate::case::Registered>>,
    /// keep what each case was granted, for a registry to record
    pub grants: Option<std::sync::Arc<Mutex<Vec<Granted>>>>,
}

/// What one case of a round was granted, as a registry records it.
#[derive(Debug, Clone)]
pub struct Granted {
    /// the case's line (or row) in the round
    pub line: usize,
    pub applicant: String,
    pub id: String,
    pub year: i32,
    /// each measure granted more than 0, with its amount after the pools
    pub awards: Vec<(usize, rust_decimal::Decimal)>,
    /// what each item of its per-item awards came to, before any cap after the items
    pub items: Vec<crate::eval::trace::PaidItem>,
}

impl Granted {
    /// What `case`, read from `line`, was granted in `outcome` (after the
    /// pools), with what each item of its per-item awards came to; `None`
    /// when it was granted nothing.
    pub fn of(
        program: &Program,
        case: &Case,
        outcome: &crate::eval::Outcome,
        line: usize,
        as_of: Option<Date>,
    ) -> Option<Granted> {
        let awards: Vec<(usize, rust_decimal::Decimal)> = outcome
            .awards
            .iter()
            .enumerate()
            .filter(|(_, a)| crate::eval::money::positive(**a))
            .map(|(m, a)| (m, *a))
            .collect();
        if awards.is_empty() {
            return None;
        }
        // The fast path keeps no items: the tree evaluator is asked again for them.
        let items = crate::eval::evaluate_items(program, case, as_of)
            .map(|o| o.items)
            .unwrap_or_default();
        Some(Granted {
            line,
            applicant: case.applicant_name().unwrap_or_default().to_string(),
            id: case.id.clone(),
            year: case.year,
            awards,
            items,
        })
    }
}

impl Options {
    pub fn new(format: Output) -> Self {
        Options {
            format,
            as_of: None,
            table: None,
            check_ids: false,
            figures: true,
            registered: None,
            grants: None,
        }
    }
}

/// Evaluates every line of `input` (JSONL) and writes one result per line to `out`.
pub fn run<R: Read + Send, W: Write + Send>(
    program: &Program,
    input: R,
    out: W,
    options: Options,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    let job = Job::new(program, options);
    write_pass(&job, Some(input), out, progress)
}

/// A round of applications to a policy with pools: one pass settles the
/// pools, the next grants and writes (a case the first kept is not decoded or
/// evaluated again, and when every line was kept the input is not read
/// again); `open` gives the input afresh each time it is read. Returns the
/// summary of what was granted, and how each pool was divided.
pub fn run_round<W: Write + Send>(
    program: &Program,
    open: &dyn Fn() -> io::Result<Box<dyn Read + Send>>,
    out: W,
    options: Options,
    ledger: &Ledger,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<(Summary, Settled)> {
    // A round that records its grants reads each case twice: the registry keeps its items.
    let budget = if options.grants.is_none() { kept::BUDGET } else { 0 };
    round_keeping(program, open, out, options, ledger, progress, budget)
}

/// `run_round`, keeping at most `budget` bytes of the first pass's cases for the second.
fn round_keeping<W: Write + Send>(
    program: &Program,
    open: &dyn Fn() -> io::Result<Box<dyn Read + Send>>,
    out: W,
    options: Options,
    ledger: &Ledger,
    progress: &(dyn Fn(u64) + Sync),
    budget: usize,
) -> io::Result<(Summary, Settled)> {
    let mut job = Job::new(program, options);
    let (round, kept) = claims_pass(&job, open()?, Kept::new(budget), progress)?;
    job.settled = Some(round.settle(ledger));
    job.kept = Some(kept);
    // A round whose every line was kept reads its input once. (A table's
    // lines carry their rows: those are read again.)
    let summary = match job.kept.as_ref().and_then(Kept::whole) {
        Some(_) if !job.tagged => write_pass::<io::Empty, _>(&job, None, out, progress)?,
        _ => write_pass(&job, Some(open()?), out, progress)?,
    };
    let mut settled = job.settled.unwrap_or_default();
    settled.record(|k| summary.pool(k));
    Ok((summary, settled))
}

/// Settles the pools for a round without writing results: what `explain`
/// needs to show one case in the context of all the others.
pub fn settle_round<R: Read + Send>(
    program: &Program,
    input: R,
    as_of: Option<Date>,
    ledger: &Ledger,
    registered: Option<std::sync::Arc<crate::case::Registered>>,
) -> io::Result<Settled> {
    let job = Job::new(
        program,
        Options {
            as_of,
            registered,
            ..Options::new(Output::Json)
        },
    );
    Ok(claims_pass(&job, input, Kept::new(0), &|_| {})?.0.settle(ledger))
}

/// The first pass over a round: every case evaluated, its claims on the pools
/// gathered, and what the second pass needs of it kept, while `kept` has room.
fn claims_pass<'p, R: Read + Send>(
    job: &Job<'p>,
    input: R,
    mut kept: Kept,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<(Round<'p>, Kept)> {
    let mut round = Round::new(job.program);
    let tallies = Parts::new(job.program);
    std::thread::scope(|scope| -> io::Result<()> {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(2);
        let reader = scope.spawn(move || chunks(input, 1, |c| chunk_tx.send(c).is_ok(), progress));
        for chunk in chunk_rx {
            let lines = split_lines(&chunk);
            let bytes = chunk.text.len() as u64;
            let keep = kept.room();
            // Each group of lines tallied on its own core, the tallies merged in order.
            let parts: Vec<(Round, kept::Group)> = lines
                .par_chunks(LINES_KEPT_PER_TASK)
                .map(|group| {
                    let mut part = tallies.take();
                    let mut records = kept.group(group.len());
                    lang::scoped(job.lang, || {
                        WORKER.with(|w| {
                            let mut w = w.borrow_mut();
                            let w = &mut *w;
                            for (line_no, bytes) in group {
                                w.claims.clear();
                                if line_claims(job, w, *line_no, bytes) && keep {
                                    let outcome = w.ev.outcome_mut();
                                    records.keep(*line_no, &w.case.id, outcome, &w.claims, &job.outputs);
                                }
                                w.claims.iter().for_each(|c| part.add(c));
                            }
                        })
                    });
                    (part, records)
                })
                .collect();
            RECYCLED.give_chunk(chunk.text);
            for (part, records) in parts {
                tallies.merge(&mut round, part);
                kept.push(records);
            }
            kept.read(chunk.first_line, chunk.lines, bytes);
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")))
    })?;
    Ok((round, kept))
}

/// Appends the claims of one line; none, and false, when it cannot be read
/// or evaluated (the second pass reports why).
fn line_claims(job: &Job, w: &mut Worker, line_no: usize, bytes: &[u8]) -> bool {
    let (line_no, bytes) = job.row_of(line_no, bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let Ok(line) = simdutf8::basic::from_utf8(bytes) else {
        return false;
    };
    if line.len() > MAX_LINE_BYTES || line.trim().is_empty() {
        return false;
    }
    if job
        .reader
        .line_into(line, line_no, &mut w.scratch, &mut w.case)
        .is_err()
    {
        return false;
    }
    read_claims(job, w, line_no)
}

/// Appends the claims of the case already read into the worker's `case`;
/// false when it cannot be evaluated or claim.
#[inline]
fn read_claims(job: &Job, w: &mut Worker, line_no: usize) -> bool {
    match w.ev.run_compiled(&job.compiled, job.program, &w.case, job.as_of) {
        Ok(outcome) => pool::claims_into(job.program, &w.case, outcome, line_no, &mut w.claims).is_ok(),
        Err(_) => false,
    }
}

/// Writes `pieces` in order, as few writes as the output allows: a file or
/// the terminal takes up to `IOV` of them in one call (`writev`), and none of
/// their bytes is copied on the way.
fn write_pieces<W: Write>(out: &mut W, pieces: &[String]) -> io::Result<()> {
    const IOV: usize = 64;
    for group in pieces.chunks(IOV) {
        let mut slices = [io::IoSlice::new(&[]); IOV];
        for (slice, p) in slices.iter_mut().zip(group) {
            *slice = io::IoSlice::new(p.as_bytes());
        }
        let mut left = slices.get_mut(..group.len()).unwrap_or_default();
        while left.iter().any(|s| !s.is_empty()) {
            match out.write_vectored(left) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => io::IoSlice::advance_slices(&mut left, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Evaluates every line and writes one result per line, granting what the
/// pools settled; with no `input`, grants the lines the first pass kept.
fn write_pass<R: Read + Send, W: Write + Send>(
    job: &Job,
    input: Option<R>,
    out: W,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    let n_awards = job.program.policy.measures.len();
    let mut summary = Summary::new(n_awards);
    // Unbuffered: each chunk's pieces go out in one vectored write, not copied into a buffer first.
    let mut out = out;
    let format = job.format;
    if format == Output::Csv {
        out.write_all(job.lines.csv_header().as_bytes())?;
    }
    std::thread::scope(|scope| -> io::Result<()> {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(2);
        let (text_tx, text_rx) = sync_channel::<Vec<String>>(2);
        let reader = scope.spawn(move || match input {
            Some(input) => chunks(input, 1, |c| chunk_tx.send(c).is_ok(), progress),
            None => {
                // The first pass's chunks again, without their text.
                for &(first_line, lines, bytes) in job.kept.as_ref().and_then(Kept::whole).unwrap_or_default() {
                    progress(bytes);
                    let chunk = Chunk {
                        text: Vec::new(),
                        first_line,
                        lines,
                        ends: Vec::new(),
                    };
                    if chunk_tx.send(chunk).is_err() {
                        break;
                    }
                }
                Ok(())
            }
        });
        let recycled = &RECYCLED;
        let writer = scope.spawn(move || -> io::Result<()> {
            for pieces in text_rx {
                write_pieces(&mut out, &pieces)?;
                for p in pieces {
                    recycled.give_text(p);
                }
            }
            out.flush()
        });
        for chunk in chunk_rx {
            let (pieces, part) = process(job, &chunk);
            RECYCLED.give_chunk(chunk.text);
            summary.merge(&part);
            if text_tx.send(pieces).is_err() {
                break;
            }
        }
        drop(text_tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread failed")));
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")));
        written.and(read)
    })?;
    Ok(summary)
}

#[cfg(test)]
mod tests;
