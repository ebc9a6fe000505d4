//! Running cases: the one way every command and endpoint turns case text into
//! awards — decode, evaluate, settle the budget pools, grant.
//!
//! A case on its own is a round of one: its pools give it what is left of them
//! after the ledger of earlier rounds. A round held in memory is settled over
//! all its cases first, then each case is granted its share. Whole populations
//! stream through `batch`, which keeps the same order of steps with buffers
//! reused from case to case.

use crate::case::{Case, CaseErrors, Reader};
use crate::compile::Program;
use crate::date::Date;
use crate::eval::{self, EvalError, Outcome};
use crate::pool::{self, Ledger, Settled, Share};
use std::sync::Arc;

pub mod summary;
#[cfg(test)]
mod tests;

/// How a case is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// the awards only
    Plain,
    /// with every step of the arithmetic, for `explain`
    Explained,
    /// every `up to` at its ceiling, whatever was assessed: the most the case could cost
    Ceiling,
}

/// A case that was run: its awards as the pools granted them, and what each pool gave.
#[derive(Debug)]
pub struct Ran {
    pub case: Case,
    /// the line of the round it was read from (1 for a case on its own)
    pub line: usize,
    pub outcome: Outcome,
    pub shares: Vec<Share>,
}

/// Why a case has no awards. Kept apart so that each surface words it as it
/// must (a drafter's test says "evaluation failed", a result line names the field).
#[derive(Debug)]
pub enum Refused {
    /// the case could not be read: every field error
    Read(CaseErrors),
    /// it was read, but its arithmetic failed (an overflow, a division by zero)
    Eval { id: String, error: EvalError },
    /// it was evaluated, but its claims on the pools could not be made
    Pool(CaseErrors),
}

impl Refused {
    /// The case's errors, each naming its field (the form result lines take).
    pub fn errors(self, program: &Program) -> CaseErrors {
        match self {
            Refused::Read(e) | Refused::Pool(e) => e,
            Refused::Eval { id, error } => eval::case_errors(program, &id, &error),
        }
    }
}

/// Runs cases of one program: the case reader, the date parameters are read
/// on, and what earlier rounds already granted from the pools. Cloning is
/// cheap (the reader's name tables are shared): a server keeps one runner per
/// policy and dates a clone for each request.
#[derive(Clone)]
pub struct Runner<'p> {
    pub program: &'p Program,
    /// the program's closures, for cases evaluated without explanation
    compiled: Arc<eval::Compiled>,
    reader: Arc<Reader<'p>>,
    as_of: Option<Date>,
    ledger: Ledger,
    /// the registry's ledgers, when cases are read against it
    registered: Option<Arc<crate::case::Registered>>,
}

impl<'p> Runner<'p> {
    pub fn new(program: &'p Program) -> Self {
        Runner {
            program,
            compiled: Arc::new(eval::Compiled::new(program)),
            reader: Arc::new(Reader::new(&program.policy)),
            as_of: None,
            ledger: Ledger::default(),
            registered: None,
        }
    }

    /// Reads parameters as of this date instead of each case's own.
    pub fn as_of(mut self, as_of: Option<Date>) -> Self {
        self.as_of = as_of;
        self
    }

    /// What earlier rounds granted from the pools.
    pub fn ledger(mut self, ledger: Ledger) -> Self {
        self.ledger = ledger;
        self
    }

    /// Takes this extra field out of each case (a review's survey weight).
    pub fn extra_field(mut self, field: Option<&str>) -> Self {
        if let Some(f) = field {
            self.reader = Arc::new(Reader::new(&self.program.policy).with_extra(f));
        }
        self
    }

    /// Reads each case against a grant registry: its ledger is what the registry holds for its `applicant`.
    pub fn registered(mut self, registered: Arc<crate::case::Registered>) -> Self {
        self.reader = Arc::new(Reader::new(&self.program.policy).with_registry(registered.clone()));
        self.registered = Some(registered);
        self
    }

    /// The registry's ledgers cases are read against, if any.
    pub fn registry(&self) -> Option<Arc<crate::case::Registered>> {
        self.registered.clone()
    }

    pub fn reader(&self) -> &Reader<'p> {
        &self.reader
    }

    /// The date parameters are read on, when not each case's own.
    pub fn as_of_date(&self) -> Option<Date> {
        self.as_of
    }

    /// What earlier rounds granted from the pools.
    pub fn pool_ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn pooled(&self) -> bool {
        !self.program.policy.pools.is_empty()
    }

    fn evaluate(&self, case: &Case, mode: Mode) -> Result<Outcome, Refused> {
        let run = match mode {
            Mode::Plain => self.compiled.evaluate(self.program, case, self.as_of),
            Mode::Explained => eval::evaluate(self.program, case, self.as_of, true),
            Mode::Ceiling => eval::evaluate_at_ceiling(self.program, case, self.as_of),
        };
        run.map_err(|error| Refused::Eval {
            id: case.id.clone(),
            error,
        })
    }

    /// One case on its own (JSON text): a round of one. Also returns how its
    /// pools were settled, for the ledger after it.
    pub fn one(&self, text: &str, mode: Mode) -> Result<(Ran, Settled), Refused> {
        let case = self.reader.text(text).map_err(Refused::Read)?;
        self.alone(case, mode)
    }

    /// A case already read, on its own.
    pub fn alone(&self, case: Case, mode: Mode) -> Result<(Ran, Settled), Refused> {
        let mut outcome = self.evaluate(&case, mode)?;
        if !self.pooled() {
            let ran = Ran {
                case,
                line: 1,
                outcome,
                shares: Vec::new(),
            };
            return Ok((ran, Settled::default()));
        }
        let claims = pool::claims(self.program, &case, &outcome, 1).map_err(Refused::Pool)?;
        let mut round = pool::Round::new(self.program);
        round.extend(&claims);
        let mut settled = round.settle(&self.ledger);
        let shares = settled.apply(self.program, &claims, &mut outcome);
        settled.count(&shares);
        let ran = Ran {
            case,
            line: 1,
            outcome,
            shares,
        };
        Ok((ran, settled))
    }

    /// The first pass over a round held in memory (JSONL): every case's claims
    /// on the pools, divided. None when the policy has no pools. Cases that
    /// cannot be read or evaluated claim nothing. (`batch::settle_round` does
    /// the same on every core for a round too large to hold.)
    pub fn settle(&self, cases: &str) -> Option<Settled> {
        self.settle_in(cases, Mode::Plain)
    }

    fn settle_in(&self, cases: &str, mode: Mode) -> Option<Settled> {
        if !self.pooled() {
            return None;
        }
        let mut round = pool::Round::new(self.program);
        for (i, line) in cases.lines().enumerate() {
            let Ok(case) = self.reader.line(line, i + 1) else {
                continue;
            };
            let Ok(outcome) = self.evaluate(&case, mode) else {
                continue;
            };
            round.extend(&pool::claims(self.program, &case, &outcome, i + 1).unwrap_or_default());
        }
        Some(round.settle(&self.ledger))
    }

    /// One line of a round, granted what the settled pools give it.
    pub fn line(&self, text: &str, line: usize, settled: Option<&Settled>, mode: Mode) -> Result<Ran, Refused> {
        let case = self.reader.line(text, line).map_err(Refused::Read)?;
        self.in_round(case, line, settled, mode)
    }

    /// A case already read from line `line` of a round.
    pub fn in_round(&self, case: Case, line: usize, settled: Option<&Settled>, mode: Mode) -> Result<Ran, Refused> {
        let mut outcome = self.evaluate(&case, mode)?;
        let shares = match settled {
            Some(settled) => {
                let claims = pool::claims(self.program, &case, &outcome, line).map_err(Refused::Pool)?;
                settled.apply(self.program, &claims, &mut outcome)
            }
            None => Vec::new(),
        };
        Ok(Ran {
            case,
            line,
            outcome,
            shares,
        })
    }

    /// A round held in memory, run whole: the pools settled over every case
    /// (pass one), then each line granted its share (pass two). One entry per
    /// line of `cases`, in order; blank lines are refused as `eval` refuses them.
    pub fn round(&self, cases: &str, mode: Mode) -> Round {
        // The trace does not change a claim: explained rounds settle as plain ones.
        let first = if mode == Mode::Ceiling {
            Mode::Ceiling
        } else {
            Mode::Plain
        };
        let mut settled = self.settle_in(cases, first);
        let lines: Vec<Result<Ran, Refused>> = cases
            .lines()
            .enumerate()
            .map(|(i, text)| self.line(text, i + 1, settled.as_ref(), mode))
            .collect();
        if let Some(s) = settled.as_mut() {
            let shares: Vec<Share> = lines
                .iter()
                .filter_map(|r| r.as_ref().ok())
                .flat_map(|r| r.shares.iter().cloned())
                .collect();
            s.count(&shares);
        }
        Round { lines, settled }
    }
}

/// A round run whole.
#[derive(Debug)]
pub struct Round {
    /// one entry per line, in order
    pub lines: Vec<Result<Ran, Refused>>,
    /// how the pools were divided (None without pools), with what was granted counted
    pub settled: Option<Settled>,
}
