//! What each core keeps from case to case, and one line evaluated with it.

use super::kept::{Reading, Restore};
use super::*;
use crate::run::summary::fingerprint;

/// What every line of a run is evaluated with.
pub(super) struct Job<'p> {
    pub(super) program: &'p Program,
    /// the program's closures: what every case is evaluated with
    pub(super) compiled: Compiled,
    pub(super) reader: Reader<'p>,
    pub(super) lines: Lines,
    pub(super) format: Output,
    pub(super) as_of: Option<Date>,
    /// each line starts with its row in a table and a tab (see `Options::table`)
    pub(super) tagged: bool,
    pub(super) check_ids: bool,
    pub(super) figures: bool,
    /// the pools of the round, once settled
    pub(super) settled: Option<Settled>,
    /// the language of the thread that started the run, spoken on every core
    pub(super) lang: Lang,
    /// where what each case was granted is kept, for a registry
    pub(super) grants: Option<std::sync::Arc<Mutex<Vec<Granted>>>>,
    /// what a round's first pass kept of its cases, for the second
    pub(super) kept: Option<Kept>,
    /// the named values a result line shows (`kept::outputs`)
    pub(super) outputs: Vec<usize>,
}

impl<'p> Job<'p> {
    pub(super) fn new(program: &'p Program, o: Options) -> Self {
        Job {
            program,
            compiled: Compiled::new(program),
            reader: match &o.registered {
                Some(r) => Reader::new(&program.policy).with_registry(r.clone()),
                None => Reader::new(&program.policy),
            },
            lines: Lines::new(&program.policy).from_table(o.table.clone()),
            format: o.format,
            as_of: o.as_of,
            tagged: o.table.is_some(),
            check_ids: o.check_ids,
            figures: o.figures,
            settled: None,
            lang: lang::current(),
            grants: o.grants.clone(),
            kept: None,
            outputs: super::kept::outputs(&program.policy),
        }
    }
}

impl Job<'_> {
    /// A line's number and text: as read, or the row it carries before a tab.
    pub(super) fn row_of<'b>(&self, line_no: usize, bytes: &'b [u8]) -> (usize, &'b [u8]) {
        match self.tagged.then(|| super::csv_input::untag(bytes)).flatten() {
            Some(tagged) => tagged,
            None => (line_no, bytes),
        }
    }
}

/// Output buffers and task summaries handed back once used: a process makes
/// them once for each task in flight, not once for each task (nor each run).
pub(super) static RECYCLED: Recycled = Recycled {
    texts: Mutex::new(Vec::new()),
    summaries: Mutex::new(Vec::new()),
    chunks: Mutex::new(Vec::new()),
};

pub(super) struct Recycled {
    texts: Mutex<Vec<String>>,
    summaries: Mutex<Vec<Summary>>,
    /// input chunks read: a fresh one of 4 MiB costs a page fault every 4 KiB
    chunks: Mutex<Vec<Vec<u8>>>,
}

impl Recycled {
    /// Kept for at most this many tasks in flight; beyond, a buffer is dropped.
    const KEEP: usize = 256;

    fn text(&self) -> String {
        self.texts.lock().ok().and_then(|mut v| v.pop()).unwrap_or_default()
    }

    pub(super) fn give_text(&self, mut text: String) {
        text.clear();
        if let Ok(mut v) = self.texts.lock() {
            if v.len() < Self::KEEP {
                v.push(text);
            }
        }
    }

    /// A buffer for the next chunk of input, empty.
    pub(super) fn chunk(&self) -> Vec<u8> {
        self.chunks.lock().ok().and_then(|mut v| v.pop()).unwrap_or_default()
    }

    /// A chunk done with; at most a few are kept (as many as are in flight).
    pub(super) fn give_chunk(&self, mut chunk: Vec<u8>) {
        // (a chunk replayed from what a round kept has no text, and no buffer to give)
        if chunk.capacity() == 0 {
            return;
        }
        chunk.clear();
        if let Ok(mut v) = self.chunks.lock() {
            if v.len() < 4 {
                v.push(chunk);
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
    pub(super) static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

/// One chunk on every core: the output text of each group of lines, in order.
pub(super) fn process(job: &Job, chunk: &Chunk) -> (Vec<String>, Summary) {
    // A chunk whose every line the first pass kept is granted from the records
    // alone: its lines are not looked for. (A table's lines carry their rows:
    // those are read.)
    let lines = match &job.kept {
        Some(kept) if !job.tagged && kept.covers(chunk.first_line, chunk.lines) => (chunk.first_line
            ..chunk.first_line + chunk.lines)
            .map(|l| (l, &[][..]))
            .collect(),
        _ => split_lines(chunk),
    };
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
                    let outputs = job.outputs.len();
                    let mut kept = job
                        .kept
                        .as_ref()
                        .zip(group.first())
                        .map(|(k, l)| k.reading(l.0, outputs));
                    for (line_no, bytes) in group {
                        one_line(job, &mut w, kept.as_mut(), *line_no, bytes, &mut text, &mut summary);
                    }
                    if let (Some(all), false) = (&job.grants, w.granted.is_empty()) {
                        if let Ok(mut all) = all.lock() {
                            all.append(&mut w.granted);
                        }
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
pub(super) struct Worker {
    pub(super) ev: Evaluator,
    pub(super) scratch: Scratch,
    pub(super) case: Case,
    pub(super) claims: Vec<Claim>,
    pub(super) shares: Vec<Share>,
    /// what a typed row is built with (`rows`)
    pub(super) filling: crate::case::Filling,
    /// what this task's cases were granted, for a registry
    pub(super) granted: Vec<Granted>,
    /// the id of a case restored from what the first pass kept
    pub(super) id: String,
}

#[inline]
pub(super) fn one_line(
    job: &Job,
    w: &mut Worker,
    kept: Option<&mut Reading>,
    line_no: usize,
    bytes: &[u8],
    out: &mut String,
    summary: &mut Summary,
) {
    let physical = line_no;
    let (line_no, bytes) = job.row_of(line_no, bytes);
    if let Some(reading) = kept {
        if let Some((id, outcome, shares)) = judge_kept(job, w, reading, physical, line_no, summary) {
            tally(job, summary, outcome, shares);
            return write(job, id, outcome, shares, out);
        }
    }
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let rejected = |errors: CaseErrors, out: &mut String, summary: &mut Summary| {
        summary.cases += 1;
        summary.rejected += 1;
        job.lines.rejected(&errors, Some(line_no), job.format, out);
    };
    // Checked with vector instructions first; the standard check, which says where, only on failure.
    let line = match simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes)) {
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
    let Judged { case, outcome, shares } = match judge(job, w, line_no, line, summary) {
        Ok(judged) => judged,
        Err(e) => return rejected(e, out, summary),
    };
    tally(job, summary, outcome, shares);
    write(job, &case.id, outcome, shares, out);
}

/// Writes a judged case's result in the run's format.
#[inline]
fn write(job: &Job, id: &str, outcome: &crate::eval::Outcome, shares: &[Share], out: &mut String) {
    match job.format {
        Output::Text => {
            out.push_str(&result::text_outcome(&job.program.policy, id, outcome));
            out.push_str(&result::text_shares(&job.program.policy, shares, job.settled.as_ref()));
        }
        Output::Csv => job.lines.csv(id, outcome, out),
        Output::Json if job.settled.is_some() => job.lines.json_pooled(id, outcome, shares, job.settled.as_ref(), out),
        Output::Json => job.lines.json(id, outcome, out),
    }
}

/// A case the first pass kept (`physical` is its line as read), granted what
/// the settled pools give it without being read or evaluated again: its id,
/// awards and shares; `None` when it was not kept.
fn judge_kept<'w>(
    job: &Job,
    w: &'w mut Worker,
    reading: &mut Reading,
    physical: usize,
    line_no: usize,
    summary: &mut Summary,
) -> Option<(&'w str, &'w crate::eval::Outcome, &'w [Share])> {
    let settled = job.settled.as_ref()?;
    let Worker {
        ev, claims, shares, id, ..
    } = w;
    let outcome = ev.outcome_mut();
    let into = Restore {
        id,
        outcome,
        claims,
        outputs: &job.outputs,
        values: job.program.policy.values.len(),
    };
    if !reading.take(physical, line_no, into) {
        return None;
    }
    shares.clear();
    // The total was not kept: when no pool cut an award (and so added them
    // again), it is the awards' sum, as the first pass made it. That pass made
    // this very sum, so it cannot overflow now; were it to, it would stand at
    // the most a decimal holds, as a pool's sums do. (The line is not judged
    // afresh: when every line was kept, the input is not read again.)
    if !settled.apply_into(job.program, claims, outcome, shares) {
        outcome.total = crate::eval::total(&job.program.policy, &outcome.awards).unwrap_or(rust_decimal::Decimal::MAX);
    }
    if job.check_ids {
        summary.ids.push((fingerprint(id), line_no));
    }
    Some((id, outcome, shares))
}

/// Counts a judged case in its task's summary: its awards too when the run sums them (`figures`).
pub(super) fn tally(job: &Job, summary: &mut Summary, outcome: &crate::eval::Outcome, shares: &[Share]) {
    if job.figures {
        summary.add(outcome);
    } else {
        summary.cases += 1;
    }
    summary.add_shares(shares);
}

/// A case read and judged: its awards after the pools, and what each pool gave it.
pub(super) struct Judged<'w> {
    pub(super) case: &'w Case,
    pub(super) outcome: &'w crate::eval::Outcome,
    pub(super) shares: &'w [Share],
}

/// Reads one line's case, evaluates it and grants it what the settled pools
/// give: every way a run turns a line into awards, whatever it then writes.
pub(super) fn judge<'w>(
    job: &Job,
    w: &'w mut Worker,
    line_no: usize,
    line: &str,
    summary: &mut Summary,
) -> Result<Judged<'w>, CaseErrors> {
    job.reader.line_into(line, line_no, &mut w.scratch, &mut w.case)?;
    judge_read(job, w, line_no, summary)
}

/// As `judge`, for a case already read into the worker's `case`.
pub(super) fn judge_read<'w>(
    job: &Job,
    w: &'w mut Worker,
    line_no: usize,
    summary: &mut Summary,
) -> Result<Judged<'w>, CaseErrors> {
    if job.check_ids {
        summary.ids.push((fingerprint(&w.case.id), line_no));
    }
    let Worker {
        ev,
        claims,
        shares,
        case,
        granted,
        ..
    } = w;
    let case = &*case;
    let outcome = ev
        .run_compiled(&job.compiled, job.program, case, job.as_of)
        .map_err(|e| result::eval_error(job.program, &case.id, &e))?;
    shares.clear();
    if let Some(settled) = &job.settled {
        claims.clear();
        pool::claims_into(job.program, case, outcome, line_no, claims)?;
        settled.apply_into(job.program, claims, outcome, shares);
    }
    if job.grants.is_some() {
        keep_grant(job, case, outcome, line_no, granted);
    }
    Ok(Judged { case, outcome, shares })
}

/// Keeps what a case was granted (the tree evaluator's record of its items:
/// only rounds a registry records pay for it).
fn keep_grant(job: &Job, case: &Case, outcome: &crate::eval::Outcome, line: usize, out: &mut Vec<Granted>) {
    out.extend(Granted::of(job.program, case, outcome, line, job.as_of));
}
