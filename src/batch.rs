//! Whole populations: cases stream in, are evaluated on every core, and their
//! results stream out in input order, one output line per input line. Memory
//! stays bounded whatever the input size: at most a few chunks are in flight.

use crate::case::{code, Case, CaseErrors, Reader, Scratch};
use crate::compile::Program;
use crate::date::Date;
use crate::eval::{Evaluator, Outcome};
use crate::lang::{self, Lang};
use crate::pool::{self, Claim, Ledger, PoolKey, Round, Settled, Share};
use crate::report::result::{self, Lines};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

/// Bytes read at a time; a chunk holds whole lines only.
const CHUNK_BYTES: usize = 4 << 20;
/// Longer lines are rejected unread: no real application is this large.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Lines one worker takes at a time.
const LINES_PER_TASK: usize = 256;

pub use crate::report::result::LineFormat as Output;

/// Counts and sums over a run, for `--summary`.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub cases: u64,
    pub rejected: u64,
    pub total: Decimal,
    /// per measure: recipients, total, largest
    pub awards: Vec<AwardStats>,
    /// set when a sum left the decimal range (the figures are then incomplete)
    pub overflowed: bool,
    /// per pool and period: what the round's shares add up to
    pub pools: BTreeMap<PoolKey, Decimal>,
    /// with `Options::check_ids`: each evaluated case's id fingerprint and line
    pub ids: Vec<(u64, usize)>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct AwardStats {
    pub recipients: u64,
    pub total: Decimal,
    pub max: Decimal,
}

impl Summary {
    fn new(n: usize) -> Self {
        Summary {
            awards: vec![AwardStats::default(); n],
            ..Summary::default()
        }
    }

    /// Back to no cases, keeping its room.
    fn reset(&mut self, n: usize) {
        self.cases = 0;
        self.rejected = 0;
        self.total = Decimal::ZERO;
        self.awards.clear();
        self.awards.resize(n, AwardStats::default());
        self.overflowed = false;
        self.pools.clear();
        self.ids.clear();
    }

    /// Cases whose id an earlier case already had: (the earlier line, this line).
    /// Ids are compared by a 64-bit fingerprint, 12 bytes a case, kept only
    /// when asked for, so that a run's memory stays flat otherwise.
    pub fn duplicate_ids(&self) -> Vec<(usize, usize)> {
        let mut ids = self.ids.clone();
        ids.sort_unstable();
        let mut out = Vec::new();
        for w in ids.windows(2) {
            if w[0].0 == w[1].0 {
                let first = ids.iter().find(|(h, _)| *h == w[0].0).map_or(w[0].1, |(_, l)| *l);
                out.push((first, w[1].1));
            }
        }
        out.sort_unstable_by_key(|(_, line)| *line);
        out
    }

    fn add(&mut self, o: &Outcome) {
        self.cases += 1;
        self.total = self.checked(self.total, o.total);
        for (s, a) in self.awards.iter_mut().zip(&o.awards) {
            if crate::eval::money::positive(*a) {
                s.recipients += 1;
                s.max = s.max.max(*a);
                match s.total.checked_add(*a) {
                    Some(t) => s.total = t,
                    None => self.overflowed = true,
                }
            }
        }
    }

    fn checked(&mut self, a: Decimal, b: Decimal) -> Decimal {
        a.checked_add(b).unwrap_or_else(|| {
            self.overflowed = true;
            a
        })
    }

    /// Counts what pools granted a case.
    fn add_shares(&mut self, shares: &[Share]) {
        for share in shares {
            let sum = self.pools.entry((share.pool, share.period)).or_insert(Decimal::ZERO);
            match sum.checked_add(share.granted) {
                Some(t) => *sum = t,
                None => self.overflowed = true,
            }
        }
    }

    fn merge(&mut self, other: &Summary) {
        for (key, granted) in &other.pools {
            let sum = self.pools.entry(*key).or_insert(Decimal::ZERO);
            match sum.checked_add(*granted) {
                Some(t) => *sum = t,
                None => self.overflowed = true,
            }
        }
        self.ids.extend_from_slice(&other.ids);
        self.cases += other.cases;
        self.rejected += other.rejected;
        self.total = self.checked(self.total, other.total);
        self.overflowed |= other.overflowed;
        for (s, o) in self.awards.iter_mut().zip(&other.awards) {
            s.recipients += o.recipients;
            s.max = s.max.max(o.max);
            match s.total.checked_add(o.total) {
                Some(t) => s.total = t,
                None => self.overflowed = true,
            }
        }
    }
}

/// A chunk of input: whole lines, and the number of the first.
struct Chunk {
    text: Vec<u8>,
    first_line: usize,
}

/// Reads whole-line chunks from `input`, calling `progress` with bytes read.
fn chunks<R: Read>(
    mut input: R,
    first_line: usize,
    mut send: impl FnMut(Chunk) -> bool,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    let mut line = first_line;
    loop {
        let mut buf = std::mem::take(&mut carry);
        let start = buf.len();
        buf.reserve(CHUNK_BYTES);
        // Fill up to CHUNK_BYTES more, as far as the input allows, without zeroing first.
        let want = CHUNK_BYTES as u64;
        let mut got = 0u64;
        while got < want {
            match (&mut input).take(want - got).read_to_end(&mut buf) {
                Ok(0) => break,
                Ok(n) => got += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let filled = buf.len();
        let eof = got < want;
        progress((filled - start) as u64);
        // A byte-order mark some editors put at the start of a file is not part of the first case.
        if std::mem::take(&mut first) && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        let cut = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
        };
        carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let lines = memchr::memchr_iter(b'\n', &buf).count() + usize::from(buf.last().is_some_and(|b| *b != b'\n'));
        if !buf.is_empty()
            && !send(Chunk {
                text: buf,
                first_line: line,
            })
        {
            return Ok(());
        }
        line += lines;
        if eof {
            if !carry.is_empty() {
                send(Chunk {
                    text: carry,
                    first_line: line,
                });
            }
            return Ok(());
        }
    }
}

/// How a run reads and writes.
#[derive(Clone, Copy)]
pub struct Options {
    pub format: Output,
    /// read dated parameters on this day instead of each case's own
    pub as_of: Option<Date>,
    /// the number of the input's first line, so that a rejected case names its
    /// line in the file: 1 for JSONL, 2 for CSV after its header
    pub first_line: usize,
    /// keep each case's id fingerprint, to report cases that share an id
    pub check_ids: bool,
}

impl Options {
    pub fn new(format: Output) -> Self {
        Options {
            format,
            as_of: None,
            first_line: 1,
            check_ids: false,
        }
    }
}

/// A fingerprint of a case id, for finding ids given twice.
fn fingerprint(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
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
    write_pass(&job, input, out, progress)
}

/// A round of applications to a policy with pools: the input is read twice,
/// once to settle the pools and once to grant and write; `open` gives it afresh
/// each time. Returns the summary of what was granted, and how each pool was divided.
pub fn run_round<W: Write + Send>(
    program: &Program,
    open: &dyn Fn() -> io::Result<Box<dyn Read + Send>>,
    out: W,
    options: Options,
    ledger: &Ledger,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<(Summary, Settled)> {
    let mut job = Job::new(program, options);
    let round = claims_pass(&job, open()?, progress)?;
    job.settled = Some(round.settle(ledger));
    let summary = write_pass(&job, open()?, out, progress)?;
    let mut settled = job.settled.unwrap_or_default();
    settled.record(&summary.pools);
    Ok((summary, settled))
}

/// Settles the pools for a round without writing results: what `explain`
/// needs to show one case in the context of all the others.
pub fn settle_round<R: Read + Send>(
    program: &Program,
    input: R,
    as_of: Option<Date>,
    ledger: &Ledger,
) -> io::Result<Settled> {
    let job = Job::new(
        program,
        Options {
            as_of,
            ..Options::new(Output::Json)
        },
    );
    Ok(claims_pass(&job, input, &|_| {})?.settle(ledger))
}

/// The first pass over a round: every case evaluated, its claims on the pools gathered.
fn claims_pass<'p, R: Read + Send>(job: &Job<'p>, input: R, progress: &(dyn Fn(u64) + Sync)) -> io::Result<Round<'p>> {
    let mut round = Round::new(job.program);
    std::thread::scope(|scope| -> io::Result<()> {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(2);
        let reader = scope.spawn(move || chunks(input, job.first_line, |c| chunk_tx.send(c).is_ok(), progress));
        for chunk in chunk_rx {
            let lines = split_lines(&chunk);
            // Each group of lines tallied on its own core, the tallies merged in order.
            let parts: Vec<Round> = lines
                .par_chunks(LINES_PER_TASK)
                .map(|group| {
                    let mut part = Round::new(job.program);
                    lang::scoped(job.lang, || {
                        WORKER.with(|w| {
                            let mut w = w.borrow_mut();
                            for (line_no, bytes) in group {
                                w.claims.clear();
                                line_claims(job, &mut w, *line_no, bytes);
                                w.claims.drain(..).for_each(|c| part.add(c));
                            }
                        })
                    });
                    part
                })
                .collect();
            for part in parts {
                round.merge(part);
            }
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader thread failed")))
    })?;
    Ok(round)
}

/// Appends the claims of one line; none when it cannot be read or evaluated (the second pass reports why).
fn line_claims(job: &Job, w: &mut Worker, line_no: usize, bytes: &[u8]) {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let Ok(line) = std::str::from_utf8(bytes) else { return };
    if line.len() > MAX_LINE_BYTES || line.trim().is_empty() {
        return;
    }
    if job
        .reader
        .line_into(line, line_no, &mut w.scratch, &mut w.case)
        .is_err()
    {
        return;
    }
    if let Ok(outcome) = w.ev.evaluate(job.program, &w.case, job.as_of) {
        let _ = pool::claims_into(job.program, &w.case, outcome, line_no, &mut w.claims);
    }
}

/// Evaluates every line and writes one result per line, granting what the pools settled.
fn write_pass<R: Read + Send, W: Write + Send>(
    job: &Job,
    input: R,
    out: W,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<Summary> {
    let n_awards = job.program.policy.measures.len();
    let mut summary = Summary::new(n_awards);
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    let format = job.format;
    if format == Output::Csv {
        out.write_all(job.lines.csv_header().as_bytes())?;
    }
    std::thread::scope(|scope| -> io::Result<()> {
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(2);
        let (text_tx, text_rx) = sync_channel::<Vec<String>>(2);
        let reader = scope.spawn(move || chunks(input, job.first_line, |c| chunk_tx.send(c).is_ok(), progress));
        let recycled = &RECYCLED;
        let writer = scope.spawn(move || -> io::Result<()> {
            for pieces in text_rx {
                for p in pieces {
                    out.write_all(p.as_bytes())?;
                    recycled.give_text(p);
                }
            }
            out.flush()
        });
        for chunk in chunk_rx {
            let (pieces, part) = process(job, &chunk);
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

/// What every line of a run is evaluated with.
struct Job<'p> {
    program: &'p Program,
    reader: Reader<'p>,
    lines: Lines,
    format: Output,
    as_of: Option<Date>,
    /// the number of the input's first line: 2 for CSV, whose first line is the header
    first_line: usize,
    check_ids: bool,
    /// the pools of the round, once settled
    settled: Option<Settled>,
    /// the language of the thread that started the run, spoken on every core
    lang: Lang,
}

impl<'p> Job<'p> {
    fn new(program: &'p Program, o: Options) -> Self {
        Job {
            program,
            reader: Reader::new(&program.policy),
            lines: Lines::new(&program.policy),
            format: o.format,
            as_of: o.as_of,
            first_line: o.first_line,
            check_ids: o.check_ids,
            settled: None,
            lang: lang::current(),
        }
    }
}

/// Output buffers and task summaries handed back once used: a process makes
/// them once for each task in flight, not once for each task (nor each run).
static RECYCLED: Recycled = Recycled {
    texts: Mutex::new(Vec::new()),
    summaries: Mutex::new(Vec::new()),
};

struct Recycled {
    texts: Mutex<Vec<String>>,
    summaries: Mutex<Vec<Summary>>,
}

impl Recycled {
    /// Kept for at most this many tasks in flight; beyond, a buffer is dropped.
    const KEEP: usize = 256;

    fn text(&self) -> String {
        self.texts.lock().ok().and_then(|mut v| v.pop()).unwrap_or_default()
    }

    fn give_text(&self, mut text: String) {
        text.clear();
        if let Ok(mut v) = self.texts.lock() {
            if v.len() < Self::KEEP {
                v.push(text);
            }
        }
    }

    fn summary(&self, n: usize) -> Summary {
        match self.summaries.lock().ok().and_then(|mut v| v.pop()) {
            Some(mut s) => {
                s.reset(n);
                s
            }
            None => Summary::new(n),
        }
    }

    fn give_summary(&self, s: Summary) {
        if let Ok(mut v) = self.summaries.lock() {
            if v.len() < Self::KEEP {
                v.push(s);
            }
        }
    }
}

thread_local! {
    /// Each thread's worker, kept from task to task and chunk to chunk.
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

/// The lines of a chunk with their numbers.
fn split_lines(chunk: &Chunk) -> Vec<(usize, &[u8])> {
    // Room for lines of 24 bytes on average, the shortest case there is: no growing.
    let mut lines: Vec<(usize, &[u8])> = Vec::with_capacity(chunk.text.len() / 24 + 16);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', &chunk.text) {
        lines.push((chunk.first_line + lines.len(), &chunk.text[start..i]));
        start = i + 1;
    }
    if start < chunk.text.len() {
        lines.push((chunk.first_line + lines.len(), &chunk.text[start..]));
    }
    lines
}

/// One chunk on every core: the output text of each group of lines, in order.
fn process(job: &Job, chunk: &Chunk) -> (Vec<String>, Summary) {
    let lines = split_lines(chunk);
    let n_awards = job.program.policy.measures.len();
    let parts: Vec<(String, Summary)> = lines
        .par_chunks(LINES_PER_TASK)
        .map(|group| {
            let mut text = RECYCLED.text();
            text.reserve(group.len() * 256);
            let mut summary = RECYCLED.summary(n_awards);
            // Each core words its errors in the language of the run that started it.
            lang::scoped(job.lang, || {
                WORKER.with(|w| {
                    let mut w = w.borrow_mut();
                    for (line_no, bytes) in group {
                        one_line(job, &mut w, *line_no, bytes, &mut text, &mut summary);
                    }
                })
            });
            (text, summary)
        })
        .collect();
    let mut summary = Summary::new(n_awards);
    let mut texts = Vec::with_capacity(parts.len());
    for (t, s) in parts {
        summary.merge(&s);
        RECYCLED.give_summary(s);
        texts.push(t);
    }
    (texts, summary)
}

/// What one core reuses from line to line: nothing is allocated per case.
#[derive(Default)]
struct Worker {
    ev: Evaluator,
    scratch: Scratch,
    case: Case,
    claims: Vec<Claim>,
    shares: Vec<Share>,
}

fn one_line(job: &Job, w: &mut Worker, line_no: usize, bytes: &[u8], out: &mut String, summary: &mut Summary) {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let rejected = |errors: CaseErrors, out: &mut String, summary: &mut Summary| {
        summary.cases += 1;
        summary.rejected += 1;
        job.lines.rejected(&errors, Some(line_no), job.format, out);
    };
    let line = match std::str::from_utf8(bytes) {
        Ok(l) => l,
        Err(e) => {
            let message = t!(
                "line %{line_no}: not UTF-8 text (invalid byte at column %{valid_up_to})",
                line_no = line_no,
                valid_up_to = e.valid_up_to() + 1
            )
            .into_owned();
            return rejected(CaseErrors::whole_line(code::NOT_UTF8, message), out, summary);
        }
    };
    if line.len() > MAX_LINE_BYTES {
        let message = t!(
            "line %{line_no}: a case of %{line} bytes; cases are limited to %{MAX_LINE_BYTES}",
            line_no = line_no,
            line = line.len(),
            MAX_LINE_BYTES = MAX_LINE_BYTES
        )
        .into_owned();
        return rejected(CaseErrors::whole_line(code::TOO_LONG, message), out, summary);
    }
    if line.trim().is_empty() {
        let message = t!("line %{line_no}: an empty line, not a case", line_no = line_no).into_owned();
        return rejected(CaseErrors::whole_line(code::EMPTY, message), out, summary);
    }
    if let Err(e) = job.reader.line_into(line, line_no, &mut w.scratch, &mut w.case) {
        return rejected(e, out, summary);
    }
    if job.check_ids {
        summary.ids.push((fingerprint(&w.case.id), line_no));
    }
    let Worker {
        ev,
        claims,
        shares,
        case,
        ..
    } = w;
    let case = &*case;
    match ev.evaluate_mut(job.program, case, job.as_of) {
        Ok(outcome) => {
            shares.clear();
            if let Some(settled) = &job.settled {
                claims.clear();
                if let Err(e) = pool::claims_into(job.program, case, outcome, line_no, claims) {
                    return rejected(e, out, summary);
                }
                settled.apply_into(job.program, claims, outcome, shares);
            }
            let shares = &shares[..];
            summary.add(outcome);
            summary.add_shares(shares);
            match job.format {
                Output::Text => {
                    out.push_str(&result::text_outcome(&job.program.policy, &case.id, outcome));
                    out.push_str(&result::text_shares(&job.program.policy, shares, job.settled.as_ref()));
                }
                Output::Csv => job.lines.csv(&case.id, outcome, out),
                Output::Json if job.settled.is_some() => {
                    job.lines
                        .json_pooled(&case.id, outcome, shares, job.settled.as_ref(), out)
                }
                Output::Json => job.lines.json(&case.id, outcome, out),
            }
        }
        Err(e) => rejected(result::eval_error(job.program, &case.id, &e), out, summary),
    }
}

/// A CSV file of flat cases read as JSON lines, one row at a time, so that the
/// same decoder checks it and memory stays bounded. The header names the fields.
pub struct CsvAsJsonl<R: Read> {
    reader: csv::Reader<R>,
    kinds: Vec<Cell>,
    headers: csv::StringRecord,
    pending: Vec<u8>,
    at: usize,
    row: usize,
}

/// How a column's cells are written in JSON.
#[derive(Clone, Copy)]
enum Cell {
    /// as is: whole numbers and true/false
    Raw,
    /// as a JSON string; the decoder reads amounts, rates, dates and choices from strings
    Quoted,
}

impl<R: Read> CsvAsJsonl<R> {
    pub fn new(program: &Program, input: R) -> Result<Self, String> {
        use crate::check::model::Ty;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| t!("cannot read the CSV header: %{e}", e = e).into_owned())?
            .clone();
        let mut kinds = Vec::new();
        for h in headers.iter() {
            let ty = program
                .policy
                .inputs
                .iter()
                .find(|i| i.name == h)
                .map(|i| i.ty.required().clone());
            kinds.push(match (h, ty) {
                ("year", _) | (_, Some(Ty::Bool | Ty::Int)) => Cell::Raw,
                (_, Some(Ty::List(_) | Ty::Record(_))) => {
                    return Err(t!(
                        "column `%{h}` is a list or record: CSV holds flat cases only; use JSONL",
                        h = h
                    )
                    .into_owned())
                }
                _ => Cell::Quoted,
            });
        }
        Ok(CsvAsJsonl {
            reader,
            kinds,
            headers,
            pending: Vec::new(),
            at: 0,
            row: 1,
        })
    }

    /// The next row as a JSON line; `false` at the end.
    fn next_row(&mut self) -> bool {
        let mut record = csv::StringRecord::new();
        self.row += 1;
        let mut line = String::from("{");
        match self.reader.read_record(&mut record) {
            Ok(false) => return false,
            Ok(true) => {
                let mut first = true;
                for ((h, cell), kind) in self.headers.iter().zip(record.iter()).zip(&self.kinds) {
                    if cell.is_empty() {
                        continue;
                    }
                    if !first {
                        line.push(',');
                    }
                    first = false;
                    result::push_json_string(&mut line, h);
                    line.push(':');
                    let raw =
                        matches!(kind, Cell::Raw) && (cell.parse::<i64>().is_ok() || cell == "true" || cell == "false");
                    if raw {
                        line.push_str(cell);
                    } else {
                        result::push_json_string(&mut line, cell);
                    }
                }
                line.push('}');
            }
            // A broken row still takes one output line: the decoder reports it.
            Err(e) => line = t!("CSV row %{row} cannot be read: %{e}", row = self.row, e = e).into_owned(),
        }
        line.push('\n');
        self.pending = line.into_bytes();
        self.at = 0;
        true
    }
}

impl<R: Read> Read for CsvAsJsonl<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.pending.len() && !self.next_row() {
            return Ok(0);
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
