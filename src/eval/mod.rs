//! Evaluates compiled measures on decoded cases: exact decimals, every
//! operation checked, the ledger applied as the policy's caps say. With a
//! `Trace` turned on, every step is recorded for `explain`.

pub mod decode;
mod expr;
pub mod json;
mod measure;
pub mod money;
pub mod trace;
pub mod value;

use crate::compile::tree::Program;
use crate::span::Span;
use crate::syntax::ast::Date;
use rust_decimal::Decimal;
use std::sync::Arc;
use trace::{Step, Trace};
use value::{Case, Value};

/// Evaluation stopped on one case: an amount overflowed, say. The policy
/// location is given so that a drafter can see which clause's arithmetic it was.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// index of the measure being evaluated
    pub measure: Option<usize>,
    pub span: Span,
    pub message: String,
}

/// The result of one case.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// one per measure, 0 when not granted
    pub awards: Vec<Decimal>,
    /// one per benefit
    pub benefits: Vec<bool>,
    pub total: Decimal,
    /// one per measure when traced, else empty
    pub explanations: Vec<Explanation>,
}

/// How one measure came to its amount.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// the first condition that failed, if any
    pub failed: Option<Arc<str>>,
    pub steps: Vec<Step>,
}

/// The date parameters are read on: `as_of`, or 1 January of the case's year.
pub fn as_of_date(case: &Case, as_of: Option<Date>) -> Date {
    as_of.unwrap_or(Date {
        year: case.year,
        month: 1,
        day: 1,
    })
}

/// Evaluates cases one after another, reusing its buffers: after the first
/// case, evaluation allocates nothing of its own.
#[derive(Debug, Default)]
pub struct Evaluator {
    locals: Vec<Value>,
    outcome: Outcome,
}

impl Evaluator {
    /// Evaluates `case`; the outcome lives until the next call.
    pub fn evaluate(&mut self, program: &Program, case: &Case, as_of: Option<Date>) -> Result<&Outcome, EvalError> {
        run(program, case, as_of, false, false, &mut self.locals, &mut self.outcome)?;
        Ok(&self.outcome)
    }
}

/// Evaluates every measure and benefit of `program` on `case`, with a trace per
/// measure when `explain` is set.
pub fn evaluate(program: &Program, case: &Case, as_of: Option<Date>, explain: bool) -> Result<Outcome, EvalError> {
    let mut outcome = Outcome::default();
    run(program, case, as_of, explain, false, &mut Vec::new(), &mut outcome)?;
    Ok(outcome)
}

/// Evaluates `case` with every `up to` at its ceiling, whatever an expert
/// review assessed: the most this case could cost under the rules.
pub fn evaluate_at_ceiling(program: &Program, case: &Case, as_of: Option<Date>) -> Result<Outcome, EvalError> {
    let mut outcome = Outcome::default();
    run(program, case, as_of, false, true, &mut Vec::new(), &mut outcome)?;
    Ok(outcome)
}

fn run(
    program: &Program,
    case: &Case,
    as_of: Option<Date>,
    explain: bool,
    at_ceiling: bool,
    locals: &mut Vec<Value>,
    out: &mut Outcome,
) -> Result<(), EvalError> {
    let params = program.params_on(as_of_date(case, as_of));
    let n_locals = program.measures.iter().map(|m| m.n_locals).max().unwrap_or(0);
    locals.clear();
    locals.resize(n_locals, Value::Absent);
    out.awards.clear();
    out.benefits.clear();
    out.explanations.clear();
    let mut total = Decimal::ZERO;
    for (i, m) in program.measures.iter().enumerate() {
        let mut trace = if explain { Trace::on() } else { Trace::off() };
        let mut cx = expr::Cx {
            program,
            case,
            params,
            locals,
            measure: i,
            at_ceiling,
        };
        let (mut amount, failed) = measure::evaluate(&mut cx, m, &mut trace)?;
        if let Some(rule) = program.rounding.as_ref().filter(|r| r.on_award) {
            let before = amount;
            amount = money::round(amount, rule).ok_or_else(|| EvalError {
                measure: Some(i),
                span: program.policy.measures[i].span,
                message: "rounding this award left the range of exact decimals".into(),
            })?;
            if before != amount {
                trace.push(|| trace::StepKind::Rounded { before, after: amount });
            }
        }
        total = total.checked_add(amount).ok_or_else(|| EvalError {
            measure: Some(i),
            span: program.policy.measures[i].span,
            message: "the total of all awards is beyond the range of exact decimals".into(),
        })?;
        out.awards.push(amount);
        if explain {
            out.explanations.push(Explanation {
                failed,
                steps: trace.steps,
            });
        }
    }
    if let Some(rule) = program.rounding.as_ref().filter(|r| r.on_award) {
        // The sum of rounded awards is already exact; this only fixes its decimal places.
        total = money::round(total, rule).unwrap_or(total);
    }
    out.total = total;
    for b in &program.benefits {
        let mut cx = expr::Cx {
            program,
            case,
            params,
            locals,
            measure: usize::MAX,
            at_ceiling,
        };
        let mut granted = true;
        for c in &b.conditions {
            if !cx.truth(&c.node)? {
                granted = false;
                break;
            }
        }
        out.benefits.push(granted);
    }
    Ok(())
}
