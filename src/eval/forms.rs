//! The block forms and list aggregates: `up to`, tier tables, alternatives,
//! per-item awards, marginal bands, `, at most` caps, `the sum of …`, `any …`.

use super::expr::Cx;
use super::money;
use super::trace::{CapKind, PaidItem, SkipReason, StepKind};
use super::EvalError;
use crate::check::model::{AggKind, Aggregate, Alternative, Band, Expr, HitPolicy, Quantified, TierKey, TierRow, Ty};
use crate::value::Value;
use rust_decimal::Decimal;
use std::cmp::Ordering;

impl Cx<'_> {
    pub(super) fn up_to(&mut self, ceiling: &Expr, assessed: Option<&Expr>) -> Result<Decimal, EvalError> {
        let cap = self.dec(ceiling)?;
        let given = match assessed.filter(|_| !self.at_ceiling) {
            Some(x) => match self.read(x) {
                Some(Value::Dec(d)) => Some(*d),
                Some(_) => None,
                None => match self.eval(x)? {
                    Value::Dec(d) => Some(d),
                    _ => None,
                },
            },
            None => None,
        };
        let result = given.map_or(cap, |g| g.min(cap));
        self.trace.push(|| StepKind::UpTo {
            ceiling_span: ceiling.span,
            ceiling: cap,
            assessed_span: assessed.map(|x| x.span),
            assessed: given,
            result,
        });
        Ok(result)
    }

    pub(super) fn tier(&mut self, key: &Expr, rows: &[TierRow]) -> Result<Value, EvalError> {
        let k = self.eval(key)?;
        // `otherwise` takes every value the rows do not, "not given" included.
        let row = rows.iter().find(|r| takes(&r.key, &k));
        if self.trace.recording() {
            let shown = self.shown(k, &key.ty);
            self.trace.push(|| StepKind::Tier {
                key_span: key.span,
                key: shown,
                row: row.map(|r| r.span),
            });
        }
        match row {
            Some(r) => {
                self.trace.depth += 1;
                let v = self.amount_value(&r.amount);
                self.trace.depth -= 1;
                v
            }
            None => Ok(zero_of(&rows.first().map_or(Ty::Money, |r| r.amount.ty.clone()))),
        }
    }

    /// An amount of any numeric type, explained like `amount`.
    fn amount_value(&mut self, e: &Expr) -> Result<Value, EvalError> {
        if e.ty == Ty::Int || !e.ty.is_numeric() {
            return self.eval(e);
        }
        self.amount(e).map(Value::Dec)
    }

    pub(super) fn pick(
        &mut self,
        policy: HitPolicy,
        alternatives: &[Alternative],
        ty: &Ty,
    ) -> Result<Value, EvalError> {
        let mut best: Option<Value> = None;
        let mut sum = zero_of(ty);
        let mut any = false;
        for alt in alternatives {
            let applies = match &alt.when {
                Some(w) => self.truth(w)?,
                None => !any,
            };
            self.trace.push(|| StepKind::Alternative {
                span: alt.when.as_ref().map(|w| w.span),
                applies,
            });
            if !applies {
                continue;
            }
            any = true;
            self.trace.depth += 1;
            let v = self.amount_value(&alt.amount);
            self.trace.depth -= 1;
            let v = v?;
            sum = add(&sum, &v).ok_or_else(|| self.overflow(alt.span))?;
            best = match best {
                Some(b) if v.compare(&b, &self.case.text) != Some(Ordering::Greater) => Some(b),
                _ => Some(v),
            };
            if policy == HitPolicy::First {
                break;
            }
        }
        let result = match policy {
            HitPolicy::Sum => sum,
            _ => best.unwrap_or_else(|| zero_of(ty)),
        };
        if self.trace.recording() {
            let shown = match &result {
                Value::Dec(d) => *d,
                Value::Int(i) => Decimal::from(*i),
                _ => Decimal::ZERO,
            };
            self.trace.push(|| StepKind::Chosen { policy, result: shown });
        }
        Ok(result)
    }

    pub(super) fn each(
        &mut self,
        local: usize,
        list: &Expr,
        filter: Option<&Expr>,
        body: &Expr,
        once_per: Option<&Expr>,
    ) -> Result<Decimal, EvalError> {
        // A list is the case's: its items are read where they are.
        let case = self.case;
        let items: &[Value] = match self.read(list).cloned().map_or_else(|| self.eval(list), Ok)? {
            Value::List(items) => case.items_at(items),
            _ => return Err(self.internal("`each` over something not a list")),
        };
        let award = match self.owner {
            crate::check::model::Owner::Measure(m) => Some(m),
            _ => None,
        };
        // Keys seen so far go above the item slots: no vector of their own.
        let seen = self.locals.len();
        let mut total = Decimal::ZERO;
        let mut count = 0;
        for (index, item) in items.iter().enumerate() {
            if let Some(slot) = self.locals.get_mut(local) {
                *slot = item.clone();
            }
            let key = match once_per {
                Some(k) => Some(self.eval(k)?),
                None => None,
            };
            // An item is shown by its key, or else by its first text field (a project's name).
            let shown_key = |me: &Self| {
                if !me.trace.recording() {
                    return None;
                }
                match (&key, once_per) {
                    (Some(v), Some(k)) => Some(me.shown(v.clone(), &k.ty)),
                    _ => match item {
                        Value::Record(fields) => me
                            .case
                            .items_at(*fields)
                            .iter()
                            .find(|f| matches!(f, Value::CaseText(_) | Value::Text(_)))
                            .map(|t| me.shown(t.clone(), &crate::check::model::Ty::Text)),
                        _ => None,
                    },
                }
            };
            if let Some(f) = filter {
                self.trace.muted += 1;
                let passes = self.truth(f);
                self.trace.muted -= 1;
                if !passes? {
                    let k = shown_key(self);
                    self.trace.push(|| StepKind::ItemSkipped {
                        index,
                        key: k,
                        reason: SkipReason::Filtered(f.span),
                    });
                    continue;
                }
            }
            if let (Some(k), Some(kx)) = (&key, once_per) {
                if self.locals[seen..].iter().any(|s| s.same(k, &self.case.text)) {
                    let shown = shown_key(self);
                    self.trace.push(|| StepKind::ItemSkipped {
                        index,
                        key: shown,
                        reason: SkipReason::Repeated,
                    });
                    continue;
                }
                self.locals.push(k.clone());
                if let Some(year) = paid_before(self.program, self.case, award, k, &kx.ty) {
                    let shown = shown_key(self);
                    self.trace.push(|| StepKind::ItemSkipped {
                        index,
                        key: shown,
                        reason: SkipReason::PaidBefore(year),
                    });
                    continue;
                }
            }
            let shown = shown_key(self);
            self.trace.push(|| StepKind::Item { index, key: shown });
            self.trace.depth += 1;
            let v = self.amount(body);
            self.trace.depth -= 1;
            let v = v?;
            if let (Some(items), Some(measure), Some(k), Some(kx)) = (&mut self.trace.items, award, &key, once_per) {
                if let Some(item) = item_text(self.program, self.case, k, &kx.ty) {
                    items.push(PaidItem {
                        measure,
                        item,
                        amount: v,
                    });
                }
            }
            total = total.checked_add(v).ok_or_else(|| self.overflow(body.span))?;
            count += 1;
        }
        self.locals.truncate(seen);
        self.trace.push(|| StepKind::Sum { count, total });
        Ok(total)
    }

    /// Marginal bands: each rate on the part of the base inside its band, the
    /// parts added exactly and the sum rounded once, as a rate's product is.
    pub(super) fn bands(&mut self, base: &Expr, bands: &[Band]) -> Result<Decimal, EvalError> {
        let x = self.dec(base)?;
        let mut exact = Decimal::ZERO;
        for band in bands {
            let lower = match &band.lower {
                Some(e) => self.dec(e)?,
                None => Decimal::ZERO,
            };
            let upper = match &band.upper {
                Some(e) => Some(self.dec(e)?),
                None => None,
            };
            let rate = self.dec(&band.rate)?;
            let top = upper.map_or(x, |u| x.min(u));
            let part = if top > lower {
                top.checked_sub(lower).ok_or_else(|| self.overflow(band.span))?
            } else {
                Decimal::ZERO
            };
            let amount = rate.checked_mul(part).ok_or_else(|| self.overflow(band.span))?;
            exact = exact.checked_add(amount).ok_or_else(|| self.overflow(band.span))?;
            self.trace.push(|| StepKind::Band {
                span: band.span,
                lower,
                upper,
                rate,
                part,
                amount,
            });
        }
        let rounded = self.after_rate(exact, base.span)?;
        self.trace.push(|| StepKind::Bands {
            base: x,
            exact,
            rounded,
        });
        Ok(rounded)
    }

    pub(super) fn capped(&mut self, amount: &Expr, cap: &Expr) -> Result<Value, EvalError> {
        let before = self.amount_value(amount)?;
        let limit = self.eval(cap)?;
        let after = match (&before, &limit) {
            (Value::Dec(b), Value::Dec(l)) => Value::Dec(money::capped(*b, *l, Decimal::ZERO)),
            (Value::Int(b), Value::Int(l)) => Value::Int((*b).min(*l).max(0)),
            _ => return Err(self.internal("a cap on something not a number")),
        };
        if let (Value::Dec(before), Value::Dec(limit), Value::Dec(after)) = (&before, &limit, &after) {
            let (before, limit, after) = (*before, *limit, *after);
            self.trace.push(|| StepKind::Cap {
                scope: CapKind::Amount,
                span: cap.span,
                limit,
                prior: Decimal::ZERO,
                before,
                after,
            });
        }
        Ok(after)
    }

    /// The items of a list that pass the filter, first occurrences only under `distinct by`,
    /// each bound to the slot in turn; `f` sees each.
    fn for_items(
        &mut self,
        local: usize,
        list: &Expr,
        filter: Option<&Expr>,
        distinct: Option<&Expr>,
        f: &mut dyn FnMut(&mut Self) -> Result<bool, EvalError>,
    ) -> Result<(usize, usize), EvalError> {
        let case = self.case;
        let items: &[Value] = match self.eval(list)? {
            Value::List(items) => case.items_at(items),
            _ => return Err(self.internal("an aggregate over something not a list")),
        };
        let seen = self.locals.len();
        let mut counted = 0;
        for item in items.iter() {
            if let Some(slot) = self.locals.get_mut(local) {
                *slot = item.clone();
            }
            if let Some(c) = filter {
                if !self.truth(c)? {
                    continue;
                }
            }
            if let Some(k) = distinct {
                let key = self.eval(k)?;
                if self.locals[seen..].iter().any(|s| s.same(&key, &self.case.text)) {
                    continue;
                }
                self.locals.push(key);
            }
            counted += 1;
            if !f(self)? {
                break;
            }
        }
        self.locals.truncate(seen);
        Ok((counted, items.len()))
    }

    pub(super) fn aggregate(&mut self, a: &Aggregate, e: &Expr) -> Result<Value, EvalError> {
        let mut acc: Option<Value> = None;
        let body = a.body.as_ref();
        let kind = a.kind;
        self.trace.muted += 1;
        let counted = self.for_items(a.local, &a.list, a.filter.as_ref(), a.distinct.as_ref(), &mut |me| {
            let Some(body) = body else { return Ok(true) };
            let v = me.eval(body)?;
            acc = Some(match (acc.take(), kind) {
                (None, _) => v,
                (Some(x), AggKind::Sum) => add(&x, &v).ok_or_else(|| me.overflow(body.span))?,
                (Some(x), AggKind::Highest) if v.compare(&x, &me.case.text) == Some(Ordering::Greater) => v,
                (Some(x), AggKind::Lowest) if v.compare(&x, &me.case.text) == Some(Ordering::Less) => v,
                (Some(x), _) => x,
            });
            Ok(true)
        });
        self.trace.muted -= 1;
        let (counted, of) = counted?;
        let result = match kind {
            AggKind::Count => Value::Int(i64::try_from(counted).unwrap_or(i64::MAX)),
            AggKind::Sum => acc.unwrap_or_else(|| zero_of(&e.ty)),
            AggKind::Highest | AggKind::Lowest => acc.unwrap_or(Value::Absent),
        };
        if self.trace.recording() {
            let shown = self.shown(result.clone(), &e.ty);
            self.trace.push(|| StepKind::Aggregate {
                span: e.span,
                kind,
                counted,
                of,
                result: shown,
            });
        }
        Ok(result)
    }

    pub(super) fn quantified(&mut self, q: &Quantified) -> Result<Value, EvalError> {
        let mut holds = q.every;
        let test = &q.test;
        let every = q.every;
        self.trace.muted += 1;
        let run = self.for_items(q.local, &q.list, q.filter.as_ref(), None, &mut |me| {
            let t = me.truth(test)?;
            if t != every {
                holds = t;
                return Ok(false);
            }
            Ok(true)
        });
        self.trace.muted -= 1;
        run?;
        Ok(Value::Bool(holds))
    }
}

/// A `once per` key as a ledger entry's `item` names it: a text, a whole
/// number's digits, a choice's value.
pub(super) fn item_text(
    program: &crate::compile::Program,
    case: &crate::case::Case,
    key: &Value,
    key_ty: &Ty,
) -> Option<String> {
    match (key, key_ty.required()) {
        (Value::Text(_) | Value::CaseText(_), _) => key.as_text(&case.text).map(str::to_string),
        (Value::Int(i), _) => Some(i.to_string()),
        (Value::Enum(v), Ty::Enum(en)) => program
            .enum_items
            .get(*en)
            .and_then(|names| names.get(*v as usize))
            .map(|n| n.to_string()),
        _ => None,
    }
}

/// The year the ledger shows an item with this `once per` key paid under `award`, if ever.
pub(super) fn paid_before(
    program: &crate::compile::Program,
    case: &crate::case::Case,
    award: Option<usize>,
    key: &Value,
    key_ty: &Ty,
) -> Option<i32> {
    // Whether the key names the item of a ledger entry.
    let names = |item: &str| match (key, key_ty.required()) {
        (Value::Text(_) | Value::CaseText(_), _) => key.as_text(&case.text) == Some(item),
        (Value::Int(i), _) => item.parse::<i64>() == Ok(*i),
        (Value::Enum(v), Ty::Enum(en)) => program
            .enum_items
            .get(*en)
            .and_then(|names| names.get(*v as usize))
            .is_some_and(|n| &**n == item),
        _ => false,
    };
    case.ledger
        .iter()
        .find(|e| Some(e.award) == award && e.item.is_some_and(|it| names(case.text_at(it))))
        .map(|e| e.year)
}

/// Whether a table's row takes this key: `otherwise` takes every value the
/// rows do not, "not given" included.
pub(super) fn takes(row: &TierKey, key: &Value) -> bool {
    match (row, key) {
        (TierKey::Otherwise, _) => true,
        (TierKey::Value(v), Value::Enum(x)) => v == x,
        (TierKey::Ints(lo, hi), Value::Int(x)) => lo <= x && x <= hi,
        (TierKey::Dates(lo, hi), Value::Date(x)) => lo <= x && x <= hi,
        _ => false,
    }
}

/// 0 in the unit of `ty`.
fn zero_of(ty: &Ty) -> Value {
    match ty.required() {
        Ty::Int => Value::Int(0),
        _ => Value::Dec(Decimal::ZERO),
    }
}

fn add(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.checked_add(*y).map(Value::Int),
        (Value::Dec(x), Value::Dec(y)) => x.checked_add(*y).map(Value::Dec),
        _ => None,
    }
}
