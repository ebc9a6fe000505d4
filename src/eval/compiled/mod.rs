//! The checked policy compiled once into closures, for runs that need the
//! awards and not their explanation: batches, the service, a drafter's tests.
//! Slots are resolved, each node's type and context (inside a comparison or
//! not, rounded after a rate or not) are decided when the policy is compiled,
//! and there is no trace to consult. The tree evaluator in `eval` stays the
//! reference: `explain` uses it, and `tests/compiled.rs` holds the two to
//! identical result lines on random cases of every bundled policy.

mod expr;
mod read;

use super::expr::Cx;
use super::trace::Trace;
use super::{measure, money, round_award, total, EvalError, Mode, Outcome};
use crate::case::Case;
use crate::check::model::{CapScope, ExprKind, Measure, Owner, PlanStep, Policy};
use crate::compile::Program;
use crate::date::Date;
use crate::span::Span;
use crate::value::Value;
use expr::{Bool, Compiler, Dec, Val};
use rust_decimal::Decimal;

/// What one compiled closure reads: the case, the parameters in force on its
/// day, the item slots, and what the plan has computed so far. One is made
/// for a case; each step of the plan sets whose work it is.
pub(super) struct Env<'a> {
    program: &'a Program,
    case: &'a Case,
    params: &'a [Value],
    locals: &'a mut Vec<Value>,
    out: &'a mut Outcome,
    owner: Owner,
}

impl<'a> Env<'a> {
    fn overflow(&self, span: Span) -> EvalError {
        super::overflow(self.owner, span)
    }

    /// Runs `f` on the reference evaluator, trace off: a form not compiled.
    fn cx<T>(&mut self, comparing: bool, f: impl FnOnce(&mut Cx) -> Result<T, EvalError>) -> Result<T, EvalError> {
        let mut trace = Trace::off();
        let mut cx = Cx::new(
            self.program,
            self.case,
            self.params,
            self.locals,
            (&self.out.values, &self.out.awards),
            self.owner,
            false,
            &mut trace,
        )
        .comparing(comparing);
        f(&mut cx)
    }
}

/// A policy compiled for evaluation without explanation.
pub struct Compiled {
    plan: Vec<Step>,
    benefits: Vec<Vec<Bool>>,
    /// 0 at the places awards are rounded to: what a measure whose condition
    /// fails is given, without rounding it again for every case
    zero: Decimal,
    /// the places awards are rounded to, when rounding to a fraction of a unit:
    /// an award already at them, or 0, needs no rounding
    places: Option<u32>,
}

enum Step {
    Value(usize, Val),
    Measure(usize, Box<MeasureCode>),
    Rule(usize),
}

struct MeasureCode {
    conditions: Vec<Bool>,
    award: Dec,
    /// caps on the award itself, before the ledger
    award_caps: Vec<CapCode>,
    top_up: bool,
    once: bool,
    /// caps against what the ledger holds: yearly, ever
    ledger_caps: Vec<CapCode>,
}

struct CapCode {
    limit: Dec,
    /// the limit is a constant or a parameter: reading it cannot fail, so a
    /// cap on 0 (which leaves 0) need not read it
    plain: bool,
    scope: CapScope,
    /// `when C` (false) or `unless C` (true)
    condition: Option<(Bool, bool)>,
}

impl CapCode {
    fn applies(&self, env: &mut Env) -> Result<bool, EvalError> {
        match &self.condition {
            Some((c, unless)) => Ok(c(env)? != *unless),
            None => Ok(true),
        }
    }
}

impl Compiled {
    pub fn new(program: &Program) -> Self {
        let policy: &Policy = &program.policy;
        let c = Compiler { policy, program };
        let cap = |k: &crate::check::model::Cap| CapCode {
            limit: c.dec(&k.limit, false),
            plain: matches!(k.limit.kind, ExprKind::Const(_) | ExprKind::Param(_)) && k.limit.ty.is_decimal(),
            scope: k.scope,
            condition: k.condition.as_ref().map(|w| (c.truth(&w.expr, false), w.unless)),
        };
        let plan = policy
            .plan
            .iter()
            .filter_map(|step| {
                Some(match *step {
                    PlanStep::Value(i) => Step::Value(i, c.value(&policy.values.get(i)?.expr, false)),
                    PlanStep::Measure(i) => {
                        let m = policy.measures.get(i)?;
                        Step::Measure(
                            i,
                            Box::new(MeasureCode {
                                conditions: m.conditions.iter().map(|e| c.truth(e, false)).collect(),
                                award: c.dec(&m.award, false),
                                award_caps: m.caps.iter().filter(|k| k.scope == CapScope::Award).map(cap).collect(),
                                top_up: m.top_up,
                                once: m.once,
                                ledger_caps: m.caps.iter().filter(|k| k.scope != CapScope::Award).map(cap).collect(),
                            }),
                        )
                    }
                    PlanStep::Rule(r) => Step::Rule(r),
                })
            })
            .collect();
        let benefits = policy
            .benefits
            .iter()
            .map(|b| b.conditions.iter().map(|e| c.truth(e, false)).collect())
            .collect();
        let zero = round_award(policy, 0, Decimal::ZERO).unwrap_or(Decimal::ZERO);
        let places = policy
            .header
            .rounding
            .as_ref()
            .filter(|r| r.on_award && r.unit.scale() > 0)
            .map(|r| r.unit.scale());
        Compiled {
            plan,
            benefits,
            zero,
            places,
        }
    }

    /// Evaluates `case` on its own, as `eval::evaluate` does without a trace.
    pub fn evaluate(&self, program: &Program, case: &Case, as_of: Option<Date>) -> Result<Outcome, EvalError> {
        let mut out = Outcome::default();
        self.run(program, case, as_of, &mut Vec::new(), &mut out)?;
        Ok(out)
    }

    /// Evaluates `case` into `out`, as `eval::evaluate` does without a trace.
    pub fn run(
        &self,
        program: &Program,
        case: &Case,
        as_of: Option<Date>,
        locals: &mut Vec<Value>,
        out: &mut Outcome,
    ) -> Result<(), EvalError> {
        let policy = &*program.policy;
        let day = super::as_of_date(case, as_of);
        let params = program.params_on(day);
        locals.clear();
        locals.resize(policy.n_locals, Value::Absent);
        out.awards.clear();
        out.awards.resize(policy.measures.len(), Decimal::ZERO);
        out.values.clear();
        out.values.resize(policy.values.len(), Value::Absent);
        out.benefits.clear();
        out.explanations.clear();
        out.as_of = Some(day);
        let mut env = Env {
            program,
            case,
            params,
            locals,
            out,
            owner: Owner::Value(0),
        };
        // The awards' sum in units of their places, added as each is set
        // (`total` gives the same): dropped when a rule rewrites awards, or one
        // comes out at other places, and then `total` adds them all.
        let mut units: Option<i128> = self.places.filter(|p| self.zero.scale() == *p).map(|_| 0);
        for step in &self.plan {
            match step {
                Step::Value(i, code) => {
                    env.owner = Owner::Value(*i);
                    let v = code(&mut env)?;
                    env.out.values[*i] = v;
                }
                Step::Measure(i, code) => {
                    env.owner = Owner::Measure(*i);
                    let award = match code.evaluate(&mut env, &policy.measures[*i], *i)? {
                        // (as `money::round` gives them, without the call)
                        Some(amount) if self.places.is_some() && amount.is_zero() => self.zero,
                        Some(amount) if self.places == Some(amount.scale()) => {
                            units = units.and_then(|u| u.checked_add(amount.mantissa()));
                            amount
                        }
                        Some(amount) => {
                            let award = round_award(policy, *i, amount)?;
                            units = units.filter(|_| self.places == Some(award.scale()));
                            units = units.and_then(|u| u.checked_add(award.mantissa()));
                            award
                        }
                        None => self.zero,
                    };
                    env.out.awards[*i] = award;
                }
                Step::Rule(r) => {
                    measure::rule(program, case, params, env.locals, env.out, *r, Mode::default())?;
                    units = None;
                }
            }
        }
        env.out.total = match units.zip(self.places) {
            Some((units, places)) => match Decimal::try_from_i128_with_scale(units, places) {
                Ok(sum) => sum,
                Err(_) => total(policy, &env.out.awards)?,
            },
            None => total(policy, &env.out.awards)?,
        };
        for (b, conditions) in self.benefits.iter().enumerate() {
            env.owner = Owner::Benefit(b);
            let mut granted = true;
            for c in conditions {
                if !c(&mut env)? {
                    granted = false;
                    break;
                }
            }
            env.out.benefits.push(granted);
        }
        Ok(())
    }
}

impl MeasureCode {
    /// The award before rounding: the steps of `measure::evaluate`, in its
    /// order; `None` when a condition fails.
    fn evaluate(&self, env: &mut Env, def: &Measure, m: usize) -> Result<Option<Decimal>, EvalError> {
        for c in &self.conditions {
            if !c(env)? {
                return Ok(None);
            }
        }
        let mut amount = self.award.get(env)?;
        for cap in &self.award_caps {
            if cap.applies(env)? && !(cap.plain && amount.is_zero()) {
                amount = money::capped(amount, cap.limit.get(env)?, Decimal::ZERO);
            }
        }
        // What the ledger holds under this award, read only when a step needs it.
        let mut paid: Option<(Decimal, Decimal)> = None;
        if self.top_up {
            let p = measure::ledger_paid(env.case, m)?;
            paid = Some(p);
            amount = money::top_up(amount, p.0);
        }
        if self.once && measure::first_paid(env.case, m).is_some() {
            amount = Decimal::ZERO;
        }
        for cap in &self.ledger_caps {
            if !cap.applies(env)? {
                continue;
            }
            let (ever, year) = match paid {
                Some(p) => p,
                None => *paid.insert(measure::ledger_paid(env.case, m)?),
            };
            if cap.plain && amount.is_zero() {
                continue;
            }
            let prior = if cap.scope == CapScope::Year { year } else { ever };
            amount = money::capped(amount, cap.limit.get(env)?, prior);
        }
        if amount.is_sign_negative() && !amount.is_zero() && !def.signed {
            return Err(measure::negative(env.owner, def, amount));
        }
        Ok(Some(amount))
    }
}
