//! Rows held in memory by a surface that keeps values rather than text
//! (Python's Arrow tables), judged on every core as the lines of one round
//! are: the caller builds each row straight into a case where it can
//! (`case::Typed`), and otherwise writes it as a JSON case for the decoder.
//! Pools are settled over all the rows first; what is kept of each row is the caller's.

use super::*;
use crate::case::{Filling, Typed};
use crate::eval::Outcome;
use std::ops::Range;
use worker::{judge, judge_read, tally, Judged};

/// Builds row `i` straight into a case (`Typed`), with the worker's buffers;
/// false when the row must go through its JSON text instead.
pub type Fill<'a> = &'a (dyn Fn(usize, &Typed, &mut Case, &mut Filling) -> bool + Sync);

/// The rows: how many, each written as a JSON case, and each built straight
/// into a case where the caller can (`fill`), skipping the JSON.
pub struct Source<'a> {
    pub n: usize,
    pub write: &'a (dyn Fn(usize, &mut String) + Sync),
    pub fill: Option<Fill<'a>>,
}

/// Rows one task takes: large enough that what a surface builds per task
/// (its column buffers) is worth making.
pub const ROWS_PER_TASK: usize = 4096;

/// One row judged, as the surface that keeps it sees it.
pub enum Row<'a> {
    Done {
        case: &'a Case,
        outcome: &'a Outcome,
        shares: &'a [Share],
    },
    Rejected(CaseErrors),
}

/// What a run of rows kept: the caller's parts in row order, the figures and how the pools were divided.
pub struct Kept<T> {
    pub parts: Vec<T>,
    pub summary: Summary,
    /// how the pools were divided (default without pools), with what was granted counted
    pub settled: Settled,
}

/// Judges rows `0..n` as lines `1..=n` of one round (`options.figures` says
/// whether the summary sums the awards). `source.write` writes row `i` as a
/// JSON case into an empty buffer; `keep` receives each judged row with its
/// index, into the part of the task that took it (made by `part`).
pub fn rows<T: Send>(
    program: &Program,
    options: Options,
    ledger: &Ledger,
    source: &Source,
    part: &(dyn Fn() -> T + Sync),
    keep: &(dyn Fn(&mut T, usize, Row) + Sync),
) -> Kept<T> {
    let n = source.n;
    let mut job = Job::new(program, options);
    let tasks: Vec<Range<usize>> = (0..n)
        .step_by(ROWS_PER_TASK)
        .map(|s| s..(s + ROWS_PER_TASK).min(n))
        .collect();
    if !program.policy.pools.is_empty() {
        job.settled = Some(claims(&job, &tasks, source).settle(ledger));
    }
    let n_awards = program.policy.measures.len();
    let done: Vec<(T, Summary)> = tasks
        .par_iter()
        .map(|rows| {
            let mut kept = part();
            let mut summary = Summary::new(n_awards);
            let mut text = String::new();
            let job = &job;
            lang::scoped(job.lang, || {
                WORKER.with(|w| {
                    let mut w = w.borrow_mut();
                    let w = &mut *w;
                    for i in rows.clone() {
                        let judged = if filled(job, source, w, i) {
                            judge_read(job, w, i + 1, &mut summary)
                        } else {
                            text.clear();
                            (source.write)(i, &mut text);
                            judge(job, w, i + 1, &text, &mut summary)
                        };
                        match judged {
                            Ok(Judged { case, outcome, shares }) => {
                                tally(job, &mut summary, outcome, shares);
                                keep(&mut kept, i, Row::Done { case, outcome, shares });
                            }
                            Err(e) => {
                                summary.cases += 1;
                                summary.rejected += 1;
                                keep(&mut kept, i, Row::Rejected(e));
                            }
                        }
                    }
                })
            });
            (kept, summary)
        })
        .collect();
    let mut summary = Summary::new(n_awards);
    let mut parts = Vec::with_capacity(done.len());
    for (kept, s) in done {
        summary.merge(&s);
        parts.push(kept);
    }
    let mut settled = job.settled.take().unwrap_or_default();
    settled.record(|k| summary.pool(k));
    Kept {
        parts,
        summary,
        settled,
    }
}

/// The first pass: every row's claims on the pools, tallied on every core and merged in order.
fn claims<'p>(job: &Job<'p>, tasks: &[Range<usize>], source: &Source) -> Round<'p> {
    let tallies = Parts::new(job.program);
    let parts: Vec<Round> = tasks
        .par_iter()
        .map(|rows| {
            let mut part = tallies.take();
            let mut text = String::new();
            lang::scoped(job.lang, || {
                WORKER.with(|w| {
                    let mut w = w.borrow_mut();
                    let w = &mut *w;
                    for i in rows.clone() {
                        w.claims.clear();
                        if filled(job, source, w, i) {
                            read_claims(job, w, i + 1);
                        } else {
                            text.clear();
                            (source.write)(i, &mut text);
                            line_claims(job, w, i + 1, text.as_bytes());
                        }
                        w.claims.iter().for_each(|c| part.add(c));
                    }
                })
            });
            part
        })
        .collect();
    let mut round = Round::new(job.program);
    for part in parts {
        tallies.merge(&mut round, part);
    }
    round
}

/// Whether row `i` was built straight into the worker's case.
fn filled(job: &Job, source: &Source, w: &mut Worker, i: usize) -> bool {
    let (Some(fill), Some(typed)) = (source.fill, job.reader.typed()) else {
        return false;
    };
    fill(i, &typed, &mut w.case, &mut w.filling)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "policies/tongzhou-2025-draft.policy";

    fn program() -> Program {
        match crate::load::load(std::path::Path::new(POLICY)) {
            Ok(l) => l.program,
            Err(_) => panic!("the bundled policy loads"),
        }
    }

    #[test]
    fn rows_are_judged_as_the_lines_of_a_case_file_are() {
        let program = program();
        let cases = [
            r#"{"id":"a","year":2025,"dcmm_level":3}"#,
            r#"{"id":"b","year":"twenty"}"#,
            r#"{"id":"c","year":2025,"data_product_spend":1800000}"#,
        ];
        let source = Source {
            n: cases.len(),
            write: &|i, out| out.push_str(cases[i]),
            fill: None,
        };
        let kept = rows(
            &program,
            Options::new(Output::Json),
            &Ledger::default(),
            &source,
            &Vec::new,
            &|part: &mut Vec<String>, i, row| {
                let lines = result::Lines::new(&program.policy);
                let mut out = String::new();
                match row {
                    Row::Done { case, outcome, .. } => lines.json(&case.id, outcome, &mut out),
                    Row::Rejected(e) => lines.rejected(&e, Some(i + 1), Output::Json, &mut out),
                }
                part.push(out);
            },
        );
        let kept: String = kept.parts.concat().concat();
        let mut expected = Vec::new();
        let input = cases.join("\n");
        let summary = run(
            &program,
            input.as_bytes(),
            &mut expected,
            Options::new(Output::Json),
            &|_| {},
        );
        assert!(summary.is_ok());
        assert_eq!(kept, String::from_utf8_lossy(&expected));
        assert!(kept.contains("\"line\":2"), "the rejected row names its line: {kept}");
    }
}
