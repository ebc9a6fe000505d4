//! A measure's award: conditions, the amount rule, caps on each amount, then
//! the ledger (top-up, once-only, yearly and lifetime caps), then rounding.

use super::expr::Cx;
use super::money;
use super::trace::{CapKind, SkipReason, StepKind, Trace};
use super::value::Value;
use super::EvalError;
use crate::check::model::{CapScope, HitPolicy};
use crate::compile::tree::{Amount, AmountKind, Measure, Node, Quoted, TierMatch};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The award of one measure, and the condition that failed when it is not granted.
pub(super) fn evaluate(cx: &mut Cx, m: &Measure, t: &mut Trace) -> Result<(Decimal, Option<Arc<str>>), EvalError> {
    for c in &m.conditions {
        let holds = cx.truth(&c.node)?;
        t.push(|| StepKind::Condition {
            src: c.src.clone(),
            holds,
        });
        if !holds {
            return Ok((Decimal::ZERO, Some(c.src.clone())));
        }
    }
    let mut amount = amount(cx, &m.award, t)?;
    let award = cx.measure;
    let ledger = || cx.case.ledger.iter().filter(move |e| e.award == award);
    let paid_ever = sum(ledger().map(|e| e.amount)).ok_or_else(|| {
        cx.fail(
            Default::default(),
            "the ledger total is beyond the range of exact decimals",
        )
    })?;
    let year = cx.case.year;
    let paid_this_year = sum(ledger().filter(|e| e.year == year).map(|e| e.amount)).ok_or_else(|| {
        cx.fail(
            Default::default(),
            "the ledger total is beyond the range of exact decimals",
        )
    })?;
    for cap in m.caps.iter().filter(|c| c.scope == CapScope::Award) {
        amount = apply_cap(
            cx,
            &cap.limit,
            CapKind::Ledger(CapScope::Award),
            Decimal::ZERO,
            amount,
            t,
        )?;
    }
    if m.top_up {
        let after = money::top_up(amount, paid_ever);
        t.push(|| StepKind::TopUp {
            prior: paid_ever,
            before: amount,
            after,
        });
        amount = after;
    }
    if m.once {
        if let Some(first) = ledger().filter(|e| money::positive(e.amount)).map(|e| e.year).min() {
            t.push(|| StepKind::AlreadyPaid { year: first });
            amount = Decimal::ZERO;
        }
    }
    for cap in m.caps.iter().filter(|c| c.scope != CapScope::Award) {
        let prior = if cap.scope == CapScope::Year {
            paid_this_year
        } else {
            paid_ever
        };
        amount = apply_cap(cx, &cap.limit, CapKind::Ledger(cap.scope), prior, amount, t)?;
    }
    if amount < Decimal::ZERO {
        return Err(cx.fail(
            cx.program.policy.measures[award].span,
            format!("the award came out negative ({amount}); an award is never below 0"),
        ));
    }
    Ok((amount, None))
}

fn sum(xs: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    xs.into_iter().try_fold(Decimal::ZERO, |a, b| a.checked_add(b))
}

/// `at most limit`, less what the ledger already holds (`prior`); never below 0.
fn apply_cap(
    cx: &mut Cx,
    limit: &Quoted,
    kind: CapKind,
    prior: Decimal,
    before: Decimal,
    t: &mut Trace,
) -> Result<Decimal, EvalError> {
    let cap = cx.decimal(&limit.node)?;
    let after = money::capped(before, cap, prior);
    t.push(|| StepKind::Cap {
        scope: kind,
        src: limit.src.clone(),
        limit: cap,
        prior,
        before,
        after,
    });
    Ok(after)
}

fn amount(cx: &mut Cx, a: &Amount, t: &mut Trace) -> Result<Decimal, EvalError> {
    let mut value = match &a.kind {
        AmountKind::Expr(q) => expr_amount(cx, q, t)?,
        AmountKind::UpTo { ceiling, assessed } => {
            let cap = cx.decimal(&ceiling.node)?;
            let given = match assessed.as_ref().filter(|_| !cx.at_ceiling) {
                Some(q) => match cx.value(&q.node)? {
                    Value::Dec(d) => Some(d),
                    _ => None,
                },
                None => None,
            };
            let result = given.map_or(cap, |g| g.min(cap));
            t.push(|| StepKind::UpTo {
                ceiling_src: ceiling.src.clone(),
                ceiling: cap,
                assessed_src: assessed.as_ref().map(|q| q.src.clone()),
                assessed: given,
                result,
            });
            result
        }
        AmountKind::Tier { key, rows } => {
            let k = cx.value(&key.node)?;
            let row = rows.iter().find(|r| match (&r.key, &k) {
                (TierMatch::Otherwise, Value::Absent) => false,
                (TierMatch::Otherwise, _) => true,
                (TierMatch::Enum(v), Value::Enum(x)) => v == x,
                (TierMatch::Ints(lo, hi), Value::Int(x)) => lo <= x && x <= hi,
                _ => false,
            });
            t.push(|| StepKind::Tier {
                key_src: key.src.clone(),
                key: key_text(cx, key, &k),
                row: row.map(|r| r.src.clone()),
            });
            match row {
                Some(r) => {
                    t.depth += 1;
                    let v = amount(cx, &r.amount, t);
                    t.depth -= 1;
                    v?
                }
                None => Decimal::ZERO,
            }
        }
        AmountKind::Pick { policy, alternatives } => {
            let mut applicable: Vec<Decimal> = Vec::new();
            for alt in alternatives {
                let applies = match &alt.when {
                    Some(w) => cx.truth(&w.node)?,
                    None => applicable.is_empty(),
                };
                t.push(|| StepKind::Alternative {
                    src: alt.when.as_ref().map(|w| w.src.clone()),
                    applies,
                });
                if !applies {
                    continue;
                }
                t.depth += 1;
                let v = amount(cx, &alt.amount, t);
                t.depth -= 1;
                applicable.push(v?);
                if *policy == HitPolicy::First {
                    break;
                }
            }
            let result = match policy {
                HitPolicy::Highest | HitPolicy::One | HitPolicy::First => {
                    applicable.iter().copied().max().unwrap_or(Decimal::ZERO)
                }
                HitPolicy::Sum => sum(applicable.iter().copied()).ok_or_else(|| {
                    cx.fail(
                        Default::default(),
                        "the sum of the alternatives is beyond the range of exact decimals",
                    )
                })?,
            };
            t.push(|| StepKind::Chosen {
                policy: *policy,
                result,
            });
            result
        }
        AmountKind::Each {
            local,
            list,
            filter,
            body,
            once_per,
        } => each(cx, *local, list, filter.as_ref(), body, once_per.as_ref(), t)?,
    };
    if let Some(cap) = &a.cap {
        value = apply_cap(cx, cap, CapKind::Amount, Decimal::ZERO, value, t)?;
    }
    Ok(value)
}

fn expr_amount(cx: &mut Cx, q: &Quoted, t: &mut Trace) -> Result<Decimal, EvalError> {
    if let Node::Of { rate, base, span, .. } = &q.node {
        let (exact, rounded) = cx.rate_of(rate, base, *span)?;
        if t.on {
            let (r, b) = (cx.decimal(rate)?, cx.decimal(base)?);
            t.push(|| StepKind::Rate {
                src: q.src.clone(),
                rate: r,
                base: b,
                exact,
                rounded,
            });
        }
        return Ok(rounded);
    }
    let value = cx.decimal(&q.node)?;
    t.push(|| StepKind::Amount {
        src: q.src.clone(),
        value,
    });
    Ok(value)
}

fn each(
    cx: &mut Cx,
    local: usize,
    list: &Quoted,
    filter: Option<&Quoted>,
    body: &Amount,
    once_per: Option<&Quoted>,
    t: &mut Trace,
) -> Result<Decimal, EvalError> {
    let Value::List(items) = cx.value(&list.node)? else {
        return Err(cx.fail(Default::default(), "internal error: `each` over something not a list"));
    };
    let mut seen: Vec<String> = Vec::new();
    let mut total = Decimal::ZERO;
    let mut count = 0;
    for (index, item) in items.iter().enumerate() {
        if let Some(slot) = cx.locals.get_mut(local) {
            *slot = item.clone();
        }
        let key = match once_per {
            Some(k) => {
                let v = cx.value(&k.node)?;
                Some(key_text(cx, k, &v))
            }
            None => None,
        };
        if let Some(f) = filter {
            if !cx.truth(&f.node)? {
                t.push(|| StepKind::ItemSkipped {
                    index,
                    key: key.clone(),
                    reason: SkipReason::Filtered(f.src.clone()),
                });
                continue;
            }
        }
        if let Some(k) = &key {
            if seen.contains(k) {
                t.push(|| StepKind::ItemSkipped {
                    index,
                    key: key.clone(),
                    reason: SkipReason::Repeated,
                });
                continue;
            }
            seen.push(k.clone());
            let award = cx.measure;
            let paid = cx
                .case
                .ledger
                .iter()
                .find(|e| e.award == award && e.item.as_deref() == Some(k.as_str()));
            if let Some(e) = paid {
                let year = e.year;
                t.push(|| StepKind::ItemSkipped {
                    index,
                    key: key.clone(),
                    reason: SkipReason::PaidBefore(year),
                });
                continue;
            }
        }
        t.push(|| StepKind::Item {
            index,
            key: key.clone(),
        });
        t.depth += 1;
        let v = amount(cx, body, t);
        t.depth -= 1;
        total = total.checked_add(v?).ok_or_else(|| {
            cx.fail(
                Default::default(),
                "the sum over the items is beyond the range of exact decimals",
            )
        })?;
        count += 1;
    }
    t.push(|| StepKind::Sum { count, total });
    Ok(total)
}

/// An item key or tier key as the ledger and explanations write it.
fn key_text(cx: &Cx, q: &Quoted, v: &Value) -> String {
    match v {
        Value::Text(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Enum(e) => enum_name(cx, q, *e).unwrap_or_else(|| e.to_string()),
        Value::Absent => "not given".to_string(),
        other => format!("{other:?}"),
    }
}

fn enum_name(cx: &Cx, q: &Quoted, value: u32) -> Option<String> {
    let en = q.enum_type?;
    cx.program
        .policy
        .enums
        .get(en)?
        .values
        .get(value as usize)
        .map(|(n, _)| n.clone())
}
