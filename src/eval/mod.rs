//! Evaluates a compiled policy on decoded cases: exact decimals, every
//! operation checked, the plan's values, measures and rules in order, the
//! ledger applied as the policy's caps say. With a `Trace` turned on, every
//! step is recorded for `explain`.

mod cents;
mod compiled;
mod dates;
mod expr;
mod forms;
mod measure;
pub mod money;
pub mod trace;

pub use compiled::Compiled;

use crate::case::Case;
use crate::check::model::{Owner, PlanStep};
use crate::compile::Program;
use crate::date::Date;
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;
use trace::{Step, StepKind, Trace};

/// Evaluation stopped on one case: an amount overflowed, say. The policy
/// location is given so that a drafter can see which clause's arithmetic it was.
/// Boxed, so that the results every evaluation step returns stay small.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError(Box<EvalFailure>);

#[derive(Debug, Clone, PartialEq)]
pub struct EvalFailure {
    /// a stable code, listed in docs/errors.md
    pub code: &'static str,
    /// the value, measure, rule or benefit being evaluated
    pub owner: Option<Owner>,
    pub span: Span,
    /// what went wrong, worded when shown
    pub message: crate::lang::Words,
    /// set when the failure is in the case's own data (`prior_awards`), not
    /// in a clause's arithmetic: the error names that field and no policy position
    pub case_field: Option<&'static str>,
}

impl EvalError {
    /// A failure caused by the case's own data, named by its field.
    pub fn in_case(code: &'static str, field: &'static str, message: impl Into<crate::lang::Words>) -> Self {
        EvalError(Box::new(EvalFailure {
            code,
            owner: None,
            span: Span::default(),
            message: message.into(),
            case_field: Some(field),
        }))
    }

    pub fn new(code: &'static str, owner: Option<Owner>, span: Span, message: impl Into<crate::lang::Words>) -> Self {
        EvalError(Box::new(EvalFailure {
            code,
            owner,
            span,
            message: message.into(),
            case_field: None,
        }))
    }
}

impl std::ops::Deref for EvalError {
    type Target = EvalFailure;
    fn deref(&self) -> &EvalFailure {
        &self.0
    }
}

/// Turns an evaluation failure into the case's errors, naming what was being
/// evaluated (a measure, value, rule or benefit) and the policy line.
pub fn case_errors(program: &Program, id: &str, e: &EvalError) -> crate::case::CaseErrors {
    if let Some(field) = e.case_field {
        return crate::case::CaseErrors {
            id: Some(id.to_string()),
            errors: vec![crate::case::FieldError::new(field, e.code, e.message.clone())],
        };
    }
    let (line, col) = crate::span::line_col(&program.source, e.span.start);
    let p = &program.policy;
    let field = match e.owner {
        Some(Owner::Measure(m)) => p.measures.get(m).map(|m| m.id.clone()),
        Some(Owner::Value(v)) => p.values.get(v).map(|v| v.name.clone()),
        Some(Owner::Rule(r)) => p.rules.get(r).map(|r| r.id.clone()),
        Some(Owner::Benefit(b)) => p.benefits.get(b).map(|b| b.id.clone()),
        None => None,
    }
    .unwrap_or_default();
    crate::case::CaseErrors {
        id: Some(id.to_string()),
        errors: vec![crate::case::FieldError::new(
            field,
            e.code,
            words!(
                "%{message} (policy line %{line}, column %{col})",
                message = e.message,
                line = line,
                col = col
            ),
        )],
    }
}

/// An amount beyond the range of exact decimals, in what `owner` was working out.
fn overflow(owner: Owner, span: Span) -> EvalError {
    EvalError::new(
        code::OVERFLOW,
        Some(owner),
        span,
        words!("this amount is beyond the range of exact decimals"),
    )
}

/// `x op y` on two decimals; a division by zero and an overflow are errors.
fn arithmetic(
    owner: Owner,
    op: crate::check::model::BinOp,
    x: Decimal,
    y: Decimal,
    span: Span,
) -> Result<Decimal, EvalError> {
    use crate::check::model::BinOp;
    if op == BinOp::Div && y.is_zero() {
        return Err(EvalError::new(
            code::DIVISION_BY_ZERO,
            Some(owner),
            span,
            words!("a division by zero"),
        ));
    }
    let r = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        _ => x.checked_div(y),
    };
    r.ok_or_else(|| overflow(owner, span))
}

/// A rate's product rounded when the header says `after each rate`.
fn after_rate(
    policy: &crate::check::model::Policy,
    owner: Owner,
    exact: Decimal,
    span: Span,
) -> Result<Decimal, EvalError> {
    match &policy.header.rounding {
        Some(rule) if rule.after_rate => money::round(exact, rule.unit, rule.mode).ok_or_else(|| overflow(owner, span)),
        _ => Ok(exact),
    }
}

/// A measure's award rounded as the header says (`on each award`).
fn round_award(policy: &crate::check::model::Policy, measure: usize, amount: Decimal) -> Result<Decimal, EvalError> {
    let Some(rule) = policy.header.rounding.as_ref().filter(|r| r.on_award) else {
        return Ok(amount);
    };
    money::round(amount, rule.unit, rule.mode).ok_or_else(|| {
        EvalError::new(
            code::OVERFLOW,
            Some(Owner::Measure(measure)),
            policy.measures.get(measure).map(|m| m.span).unwrap_or_default(),
            words!("rounding this award left the range of exact decimals"),
        )
    })
}

/// The sum of a case's awards, at the places awards are rounded to.
pub(crate) fn total(policy: &crate::check::model::Policy, awards: &[Decimal]) -> Result<Decimal, EvalError> {
    if let Some(sum) = whole_units(awards) {
        return Ok(sum);
    }
    let mut total = Decimal::ZERO;
    // Most awards of most cases are 0: nothing to add.
    for (i, a) in awards.iter().enumerate().filter(|(_, a)| !a.is_zero()) {
        total = total.checked_add(*a).ok_or_else(|| {
            EvalError::new(
                code::OVERFLOW,
                Some(Owner::Measure(i)),
                policy.measures.get(i).map(|m| m.span).unwrap_or_default(),
                words!("the total of all awards is beyond the range of exact decimals"),
            )
        })?;
    }
    if let Some(rule) = policy.header.rounding.as_ref().filter(|r| r.on_award) {
        // The sum of rounded awards is already exact; this only fixes its decimal places.
        total = money::round(total, rule.unit, rule.mode).unwrap_or(total);
    }
    Ok(total)
}

/// The sum of awards that all have the same places (every award rounded to
/// cents), added as whole numbers of cents: exact, and cheaper than decimal
/// addition. `None` when their places differ or the sum needs more than 96
/// bits, where `total` adds them as decimals.
fn whole_units(awards: &[Decimal]) -> Option<Decimal> {
    let mut scale = None;
    let mut sum: i128 = 0;
    for a in awards {
        match scale {
            None => scale = Some(a.scale()),
            Some(s) if s != a.scale() => return None,
            Some(_) => {}
        }
        // Zeros, most awards of most cases, add nothing: their mantissas are not built.
        if !a.is_zero() {
            sum = sum.checked_add(a.mantissa())?;
        }
    }
    // Two or more places, as the rounding of awards gives: a sum of whole yuan keeps the decimal path.
    Decimal::try_from_i128_with_scale(sum, scale.filter(|s| *s > 0)?).ok()
}

/// The stable codes of evaluation errors.
pub mod code {
    /// an amount beyond the range of exact decimals
    pub const OVERFLOW: &str = "zhice::eval::overflow";
    /// a division by zero
    pub const DIVISION_BY_ZERO: &str = "zhice::eval::division-by-zero";
    /// an award that came out below 0
    pub const NEGATIVE: &str = "zhice::eval::negative-award";
    /// a date moved outside the years 1 to 9999
    pub const DATE_RANGE: &str = "zhice::eval::date-range";
    /// a bug in zhice
    pub const INTERNAL: &str = "zhice::eval::internal";
}

/// The result of one case.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// one per measure, 0 when not granted
    pub awards: Vec<Decimal>,
    /// one per benefit
    pub benefits: Vec<bool>,
    pub total: Decimal,
    /// one per named value
    pub values: Vec<Value>,
    /// one per measure when traced, else empty
    pub explanations: Vec<Explanation>,
    /// the day the parameters were read on
    pub as_of: Option<Date>,
    /// what each item of a per-item award came to, when asked (`evaluate_items`)
    pub items: Vec<trace::PaidItem>,
}

/// How one measure came to its amount.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    /// the first condition that failed, if any
    pub failed: Option<Span>,
    pub steps: Vec<Step>,
}

/// The date parameters are read on: `as_of`, or the case's own day.
pub fn as_of_date(case: &Case, as_of: Option<Date>) -> Date {
    as_of.unwrap_or(case.day())
}

/// Evaluates cases one after another, reusing its buffers: after the first
/// case, evaluation allocates nothing of its own.
#[derive(Debug, Default)]
pub struct Evaluator {
    locals: Vec<Value>,
    outcome: Outcome,
}

impl Evaluator {
    /// Evaluates `case`; the outcome lives until the next call, and may be changed
    /// in place (a pool grants less than a measure's own rule gives).
    pub fn evaluate_mut(
        &mut self,
        program: &Program,
        case: &Case,
        as_of: Option<Date>,
    ) -> Result<&mut Outcome, EvalError> {
        run(
            program,
            case,
            as_of,
            Mode::default(),
            &mut self.locals,
            &mut self.outcome,
        )?;
        Ok(&mut self.outcome)
    }

    /// Evaluates `case` with the compiled program: the same outcome as
    /// `evaluate_mut`, without a trace, faster.
    pub fn run_compiled(
        &mut self,
        compiled: &Compiled,
        program: &Program,
        case: &Case,
        as_of: Option<Date>,
    ) -> Result<&mut Outcome, EvalError> {
        compiled.run(program, case, as_of, &mut self.locals, &mut self.outcome)?;
        Ok(&mut self.outcome)
    }

    /// The outcome of the last case, to be restored in place: a round's second
    /// pass fills it from what its first pass kept (`batch::kept`).
    pub fn outcome_mut(&mut self) -> &mut Outcome {
        &mut self.outcome
    }

    /// Evaluates `case`; the outcome lives until the next call.
    pub fn evaluate(&mut self, program: &Program, case: &Case, as_of: Option<Date>) -> Result<&Outcome, EvalError> {
        run(
            program,
            case,
            as_of,
            Mode::default(),
            &mut self.locals,
            &mut self.outcome,
        )?;
        Ok(&self.outcome)
    }
}

/// How a case is run.
#[derive(Debug, Clone, Copy, Default)]
struct Mode {
    /// record a trace per measure, for `explain`
    explain: bool,
    /// every `up to` pays its ceiling, whatever was assessed (worst-case exposure)
    at_ceiling: bool,
    /// keep what each item of a `once per` award came to (`Outcome::items`)
    items: bool,
}

/// Evaluates every value, measure, rule and benefit of `program` on `case`,
/// with a trace per measure when `explain` is set.
pub fn evaluate(program: &Program, case: &Case, as_of: Option<Date>, explain: bool) -> Result<Outcome, EvalError> {
    let mut outcome = Outcome::default();
    let mode = Mode {
        explain,
        ..Mode::default()
    };
    run(program, case, as_of, mode, &mut Vec::new(), &mut outcome)?;
    Ok(outcome)
}

/// Evaluates `case` with every `up to` at its ceiling, whatever an expert
/// review assessed: the most this case could cost under the rules.
pub fn evaluate_at_ceiling(program: &Program, case: &Case, as_of: Option<Date>) -> Result<Outcome, EvalError> {
    let mut outcome = Outcome::default();
    let mode = Mode {
        at_ceiling: true,
        ..Mode::default()
    };
    run(program, case, as_of, mode, &mut Vec::new(), &mut outcome)?;
    Ok(outcome)
}

/// Evaluates `case` keeping what each item of a `once per` award came to:
/// what a grant registry records, so that a later round knows the item was paid.
pub fn evaluate_items(program: &Program, case: &Case, as_of: Option<Date>) -> Result<Outcome, EvalError> {
    let mut outcome = Outcome::default();
    let mode = Mode {
        items: true,
        ..Mode::default()
    };
    run(program, case, as_of, mode, &mut Vec::new(), &mut outcome)?;
    Ok(outcome)
}

fn run(
    program: &Program,
    case: &Case,
    as_of: Option<Date>,
    mode: Mode,
    locals: &mut Vec<Value>,
    out: &mut Outcome,
) -> Result<(), EvalError> {
    let policy = &*program.policy;
    let day = as_of_date(case, as_of);
    let params = program.params_on(day);
    locals.clear();
    locals.resize(policy.n_locals, Value::Absent);
    let n = policy.measures.len();
    out.awards.clear();
    out.awards.resize(n, Decimal::ZERO);
    out.values.clear();
    out.values.resize(policy.values.len(), Value::Absent);
    out.benefits.clear();
    out.explanations.clear();
    if mode.explain {
        out.explanations.resize(n, Explanation::default());
    }
    out.as_of = Some(day);
    let on_award = policy.header.rounding.as_ref().filter(|r| r.on_award);
    // One trace that records nothing serves every step that is not explained.
    let mut off = Trace::off();
    off.items = mode.items.then(Vec::new);
    for step in &policy.plan {
        match *step {
            PlanStep::Value(i) => {
                let trace = &mut off;
                let mut cx = expr::Cx::new(
                    program,
                    case,
                    params,
                    locals,
                    (&out.values, &out.awards),
                    Owner::Value(i),
                    mode.at_ceiling,
                    trace,
                );
                let v = cx.eval(&policy.values[i].expr)?;
                out.values[i] = v;
            }
            PlanStep::Measure(i) => {
                let mut on = mode.explain.then(Trace::on);
                let trace = on.as_mut().unwrap_or(&mut off);
                let read = (&out.values[..], &out.awards[..]);
                let mut cx = expr::Cx::new(
                    program,
                    case,
                    params,
                    locals,
                    read,
                    Owner::Measure(i),
                    mode.at_ceiling,
                    trace,
                );
                let (mut amount, failed) = measure::evaluate(&mut cx, &policy.measures[i])?;
                if on_award.is_some() {
                    let before = amount;
                    amount = round_award(policy, i, amount)?;
                    if before != amount {
                        trace.push(|| StepKind::RoundedAward { before, after: amount });
                    }
                }
                out.awards[i] = amount;
                if let Some(on) = on {
                    out.explanations[i] = Explanation {
                        failed,
                        steps: on.steps,
                    };
                }
            }
            PlanStep::Rule(r) => measure::rule(program, case, params, locals, out, r, mode)?,
        }
    }
    out.total = total(policy, &out.awards)?;
    out.items = off.items.take().unwrap_or_default();
    for (b, benefit) in policy.benefits.iter().enumerate() {
        if benefit.conditions.is_empty() {
            out.benefits.push(true);
            continue;
        }
        let read = (&out.values[..], &out.awards[..]);
        let mut cx = expr::Cx::new(
            program,
            case,
            params,
            locals,
            read,
            Owner::Benefit(b),
            mode.at_ceiling,
            &mut off,
        );
        let mut granted = true;
        for c in &benefit.conditions {
            if !cx.truth(c)? {
                granted = false;
                break;
            }
        }
        out.benefits.push(granted);
    }
    Ok(())
}
