//! A population's evaluated cost beside its worst case: each award summed
//! over the cases as they are, and with every `up to` at its ceiling.

use crate::compile::Program;
use crate::run::{Mode, Runner};
use rust_decimal::Decimal;

/// What a population of cases costs, and the most it could.
#[derive(Debug, Clone)]
pub struct Population {
    pub cases: u64,
    /// cases that could not be read or evaluated, counted in neither column
    pub rejected: u64,
    /// per award, in the policy's order
    pub evaluated: Vec<Decimal>,
    pub worst: Vec<Decimal>,
}

impl Population {
    pub fn evaluated_total(&self) -> Decimal {
        total(&self.evaluated)
    }

    pub fn worst_total(&self) -> Decimal {
        total(&self.worst)
    }
}

fn total(xs: &[Decimal]) -> Decimal {
    xs.iter().fold(Decimal::ZERO, |a, b| a.checked_add(*b).unwrap_or(a))
}

/// Runs every line of `cases` (JSONL) twice, each time as a whole round, so
/// that pools divide the evaluated amounts, and the worst case, among all the
/// cases. A blank line is not a case: rejected here as `eval --cases` rejects it.
pub fn population(program: &Program, cases: &str) -> Population {
    let n = program.policy.measures.len();
    let mut p = Population {
        cases: 0,
        rejected: 0,
        evaluated: vec![Decimal::ZERO; n],
        worst: vec![Decimal::ZERO; n],
    };
    let runner = Runner::new(program);
    let (evaluated, worst) = (runner.round(cases, Mode::Plain), runner.round(cases, Mode::Ceiling));
    for (a, w) in evaluated.lines.iter().zip(&worst.lines) {
        p.cases += 1;
        let (Ok(a), Ok(w)) = (a, w) else {
            p.rejected += 1;
            continue;
        };
        for (sums, o) in [(&mut p.evaluated, &a.outcome), (&mut p.worst, &w.outcome)] {
            for (sum, award) in sums.iter_mut().zip(&o.awards) {
                *sum = sum.checked_add(*award).unwrap_or(*sum);
            }
        }
    }
    p
}
