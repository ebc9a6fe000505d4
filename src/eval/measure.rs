//! A measure's award: conditions, the amount rule, caps on the award, then the
//! ledger (top-up, once-only, yearly and lifetime caps), each cap only where
//! its condition says. Then the rules across measures: caps shared by several
//! measures, filled in order, and "only the highest of".

use super::expr::Cx;
use super::trace::{CapKind, StepKind, Trace};
use super::{code, money, EvalError, Mode, Outcome};
use crate::case::Case;
use crate::check::model::{Cap, CapScope, Measure, Owner, RuleKind};
use crate::compile::Program;
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;

/// The award of one measure, and the condition that failed when it is not granted.
pub(super) fn evaluate(cx: &mut Cx, m: &Measure) -> Result<(Decimal, Option<Span>), EvalError> {
    for c in &m.conditions {
        let holds = cx.truth(c)?;
        if cx.trace.recording() {
            let sides = cx.sides(c);
            cx.trace.push(|| StepKind::Condition {
                span: c.span,
                holds,
                sides,
            });
        }
        if !holds {
            return Ok((Decimal::ZERO, Some(c.span)));
        }
    }
    let mut amount = cx.amount(&m.award)?;
    let Owner::Measure(award) = cx.owner else {
        return Err(cx.internal("a measure evaluated as something else"));
    };
    // What the ledger already holds under this award: computed only when a rule reads it.
    let mut paid: Option<(Decimal, Decimal)> = None;
    let mut ledger = |cx: &Cx| -> Result<(Decimal, Decimal), EvalError> {
        if let Some(p) = paid {
            return Ok(p);
        }
        let p = ledger_paid(cx.case, award)?;
        paid = Some(p);
        Ok(p)
    };
    for cap in m.caps.iter().filter(|c| c.scope == CapScope::Award) {
        if applies(cx, cap)? {
            amount = apply_cap(cx, cap, Decimal::ZERO, amount)?;
        }
    }
    if m.top_up {
        let (prior, _) = ledger(cx)?;
        let after = money::top_up(amount, prior);
        cx.trace.push(|| StepKind::TopUp {
            prior,
            before: amount,
            after,
        });
        amount = after;
    }
    if m.once {
        if let Some(year) = first_paid(cx.case, award) {
            cx.trace.push(|| StepKind::AlreadyPaid { year });
            amount = Decimal::ZERO;
        }
    }
    for cap in m.caps.iter().filter(|c| c.scope != CapScope::Award) {
        if !applies(cx, cap)? {
            continue;
        }
        let (ever, year) = ledger(cx)?;
        let prior = if cap.scope == CapScope::Year { year } else { ever };
        amount = apply_cap(cx, cap, prior, amount)?;
    }
    if amount.is_sign_negative() && !amount.is_zero() && !m.signed {
        return Err(negative(cx.owner, m, amount));
    }
    Ok((amount, None))
}

/// An award below 0 in a measure that may not be negative.
pub(super) fn negative(owner: Owner, m: &Measure, amount: Decimal) -> EvalError {
    EvalError::new(
        code::NEGATIVE,
        Some(owner),
        m.span,
        words!(
            "the award came out negative (%{amount}); an award is never below 0",
            amount = amount
        ),
    )
}

/// What the case's ledger holds under `award`: ever, and in the case's year.
#[inline]
pub(super) fn ledger_paid(case: &Case, award: usize) -> Result<(Decimal, Decimal), EvalError> {
    // Most applicants have no prior awards: answered where it is asked, without a call.
    if case.ledger.is_empty() {
        return Ok((Decimal::ZERO, Decimal::ZERO));
    }
    ledger_sums(case, award)
}

/// `ledger_paid` of a case that has prior awards.
#[inline(never)]
fn ledger_sums(case: &Case, award: usize) -> Result<(Decimal, Decimal), EvalError> {
    let mut ever = Decimal::ZERO;
    let mut year = Decimal::ZERO;
    for e in case.ledger.iter().filter(|e| e.award == award) {
        ever = ever.checked_add(e.amount).ok_or_else(ledger_overflow)?;
        if e.year == case.year {
            year = year.checked_add(e.amount).ok_or_else(ledger_overflow)?;
        }
    }
    Ok((ever, year))
}

/// The first year the ledger shows something paid under `award` (`once`).
pub(super) fn first_paid(case: &Case, award: usize) -> Option<i32> {
    case.ledger
        .iter()
        .filter(|e| e.award == award && money::positive(e.amount))
        .map(|e| e.year)
        .min()
}

/// The case's own prior awards add up beyond exact decimals: its field is named.
fn ledger_overflow() -> EvalError {
    EvalError::in_case(
        code::OVERFLOW,
        "prior_awards",
        words!("the amounts in `prior_awards` add up beyond the range of exact decimals"),
    )
}

/// Whether a cap's condition lets it apply to this case.
fn applies(cx: &mut Cx, cap: &Cap) -> Result<bool, EvalError> {
    let Some(c) = &cap.condition else {
        return Ok(true);
    };
    let holds = cx.truth(&c.expr)?;
    let applies = holds != c.unless;
    if !applies {
        cx.trace.push(|| StepKind::CapLifted {
            limit: cap.limit.span,
            scope: cap.scope,
            condition: c.expr.span,
            unless: c.unless,
        });
    }
    Ok(applies)
}

/// `at most limit`, less what the ledger already holds (`prior`); never below 0.
fn apply_cap(cx: &mut Cx, cap: &Cap, prior: Decimal, before: Decimal) -> Result<Decimal, EvalError> {
    let limit = cx.dec(&cap.limit)?;
    let after = money::capped(before, limit, prior);
    cx.trace.push(|| StepKind::Cap {
        scope: CapKind::Ledger(cap.scope),
        span: cap.limit.span,
        limit,
        prior,
        before,
        after,
    });
    Ok(after)
}

/// A rule across measures, adjusting the awards of its members in `out`.
pub(super) fn rule(
    program: &Program,
    case: &Case,
    params: &[Value],
    locals: &mut Vec<Value>,
    out: &mut Outcome,
    r: usize,
    mode: Mode,
) -> Result<(), EvalError> {
    let policy = &*program.policy;
    let def = &policy.rules[r];
    // What each member became, for the trace: gathered only when explaining,
    // so that a batch's steady state allocates nothing.
    let mut changes: Vec<(usize, StepKind)> = Vec::new();
    match &def.kind {
        RuleKind::SharedCap {
            limit, scope, members, ..
        } => {
            let mut trace = Trace::off();
            let read = (&out.values[..], &out.awards[..]);
            let mut cx = Cx::new(
                program,
                case,
                params,
                locals,
                read,
                Owner::Rule(r),
                mode.at_ceiling,
                &mut trace,
            );
            let limit = cx.dec(limit)?;
            let mut prior = Decimal::ZERO;
            if *scope != CapScope::Award {
                for e in case.ledger.iter().filter(|e| members.contains(&e.award)) {
                    if *scope == CapScope::Ever || e.year == case.year {
                        prior = prior.checked_add(e.amount).ok_or_else(ledger_overflow)?;
                    }
                }
            }
            let mut room = money::at_least_zero(limit.checked_sub(prior).unwrap_or(Decimal::ZERO));
            for &m in members {
                let before = out.awards[m];
                let after = money::capped(before, room, Decimal::ZERO);
                if mode.explain {
                    changes.push((
                        m,
                        StepKind::Shared {
                            rule: r,
                            limit,
                            prior,
                            room,
                            before,
                            after,
                        },
                    ));
                }
                room = room.checked_sub(after).unwrap_or(Decimal::ZERO);
                out.awards[m] = after;
            }
        }
        RuleKind::HighestOnly { members } => {
            // The first listed wins a tie.
            let mut winner: Option<usize> = None;
            for &m in members {
                if money::positive(out.awards[m]) && winner.is_none_or(|w| out.awards[m] > out.awards[w]) {
                    winner = Some(m);
                }
            }
            for &m in members {
                let before = out.awards[m];
                let after = if Some(m) == winner { before } else { Decimal::ZERO };
                out.awards[m] = after;
                if mode.explain {
                    changes.push((
                        m,
                        StepKind::HighestOnly {
                            rule: r,
                            winner,
                            before,
                            after,
                        },
                    ));
                }
            }
        }
    }
    // What a rule leaves is an award like any other: rounded as the header says.
    if let Some(rule) = policy.header.rounding.as_ref().filter(|r| r.on_award) {
        for &m in def.members() {
            out.awards[m] = money::round(out.awards[m], rule.unit, rule.mode).ok_or_else(|| {
                EvalError::new(
                    code::OVERFLOW,
                    Some(Owner::Rule(r)),
                    def.span,
                    words!("rounding this award left the range of exact decimals"),
                )
            })?;
        }
    }
    if mode.explain {
        for (m, kind) in changes {
            // Only members this case could be paid under are explained.
            let relevant = match &kind {
                StepKind::Shared { before, .. } | StepKind::HighestOnly { before, .. } => !before.is_zero(),
                _ => true,
            };
            if relevant {
                if let Some(e) = out.explanations.get_mut(m) {
                    e.steps.push(super::trace::Step { depth: 0, kind });
                }
            }
        }
    }
    Ok(())
}
