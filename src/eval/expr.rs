//! Expressions → values. The checker guarantees types and has made every
//! conversion explicit, so a shape mismatch here is an internal error,
//! reported, never a panic. Nodes that explain themselves push their step when
//! the trace is on.

use super::trace::{Shown, StepKind, Trace};
use super::{code, money, EvalError};
use crate::case::Case;
use crate::check::model::{BinOp, Const, Expr, ExprKind, Owner, Policy, Ty};
use crate::compile::{const_value, Program};
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// What evaluating one item of the plan needs.
pub(super) struct Cx<'a> {
    pub program: &'a Program,
    pub policy: &'a Policy,
    pub case: &'a Case,
    pub params: &'a [Value],
    /// the item slots, and above them the keys `once per` and `distinct by` have seen
    pub locals: &'a mut Vec<Value>,
    /// named values and awards computed so far (the plan guarantees the ones read are)
    pub values: &'a [Value],
    pub awards: &'a [Decimal],
    pub owner: Owner,
    /// every `up to` pays its ceiling, whatever was assessed (worst-case exposure)
    pub at_ceiling: bool,
    pub trace: &'a mut Trace,
    /// inside a comparison: `rate of amount` is a threshold there, kept exact
    comparing: u32,
}

impl<'a> Cx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        program: &'a Program,
        case: &'a Case,
        params: &'a [Value],
        locals: &'a mut Vec<Value>,
        (values, awards): (&'a [Value], &'a [Decimal]),
        owner: Owner,
        at_ceiling: bool,
        trace: &'a mut Trace,
    ) -> Self {
        Cx {
            program,
            policy: &program.policy,
            case,
            params,
            locals,
            values,
            awards,
            owner,
            at_ceiling,
            trace,
            comparing: 0,
        }
    }

    pub fn fail(&self, code: &'static str, span: Span, message: impl Into<crate::lang::Words>) -> EvalError {
        EvalError::new(code, Some(self.owner), span, message)
    }

    pub fn internal(&self, what: &str) -> EvalError {
        self.fail(
            code::INTERNAL,
            Span::default(),
            words!(
                "internal error: %{what}; please report this with the policy",
                what = what
            ),
        )
    }

    pub fn overflow(&self, span: Span) -> EvalError {
        super::overflow(self.owner, span)
    }

    /// The same, inside a comparison: `rate of amount` stays exact there.
    pub fn comparing(mut self, yes: bool) -> Self {
        self.comparing += u32::from(yes);
        self
    }

    /// A slot's value borrowed, not cloned, for the forms that read a case or
    /// an item directly: an input, a parameter, an item, a field of an item.
    /// `None` for every other form, which `eval` computes.
    pub(super) fn read(&self, e: &Expr) -> Option<&Value> {
        match &e.kind {
            ExprKind::Input(i) => self.case.slots.get(*i),
            ExprKind::Param(i) => self.params.get(*i),
            ExprKind::Local(i) => self.locals.get(*i),
            ExprKind::Field(rec, f) => match self.read(rec)? {
                Value::Record(fields) => self.case.items_at(*fields).get(*f),
                _ => None,
            },
            ExprKind::Const(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Shift(..)
            | ExprKind::Edge(..)
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. } => None,
        }
    }

    // The typed readers below take the common forms straight to their type,
    // without building a `Value`; every other form goes through `eval`, which
    // gives the same result (the differential and corpus tests hold them to it).

    pub fn truth(&mut self, e: &Expr) -> Result<bool, EvalError> {
        match &e.kind {
            ExprKind::Binary(BinOp::And, a, b) => return Ok(self.truth(a)? && self.truth(b)?),
            ExprKind::Binary(BinOp::Or, a, b) => return Ok(self.truth(a)? || self.truth(b)?),
            ExprKind::Not(a) => return Ok(!self.truth(a)?),
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b)
                if a.ty.is_decimal() && b.ty.is_decimal() =>
            {
                self.comparing += 1;
                let sides = self.dec(a).and_then(|x| Ok((x, self.dec(b)?)));
                self.comparing -= 1;
                let (x, y) = sides?;
                return Ok(holds(*op, x.cmp(&y)));
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b)
                if a.ty == Ty::Int && b.ty == Ty::Int =>
            {
                let (x, y) = (self.int(a)?, self.int(b)?);
                return Ok(holds(*op, x.cmp(&y)));
            }
            ExprKind::IsGiven(a, negated) => {
                if let Some(v) = self.read(a) {
                    return Ok((*v != Value::Absent) != *negated);
                }
            }
            ExprKind::IsValue(a, v, negated) => {
                if let Some(x) = self.read(a) {
                    return Ok(matches!(x, Value::Enum(x) if x == v) != *negated);
                }
            }
            ExprKind::Const(_)
            | ExprKind::Input(_)
            | ExprKind::Param(_)
            | ExprKind::Local(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Shift(..)
            | ExprKind::Edge(..)
            | ExprKind::Field(..)
            | ExprKind::Neg(_)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. }
            | ExprKind::Binary(..) => {
                if let Some(Value::Bool(b)) = self.read(e) {
                    return Ok(*b);
                }
            }
        }
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            _ => Err(self.internal("a condition gave no yes/no")),
        }
    }

    pub fn dec(&mut self, e: &Expr) -> Result<Decimal, EvalError> {
        match &e.kind {
            ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => return Ok(*d),
            ExprKind::Award(m) if !self.trace.recording() => {
                return self.awards.get(*m).copied().ok_or_else(|| self.internal("award slot"));
            }
            ExprKind::Binary(BinOp::Of, a, b) => return self.rate_of(a, b, e.span),
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b)
                if a.ty.is_decimal() && b.ty.is_decimal() =>
            {
                let (x, y) = (self.dec(a)?, self.dec(b)?);
                return self.arithmetic(*op, x, y, e.span);
            }
            ExprKind::ToDec(a) => return Ok(Decimal::from(self.int(a)?)),
            ExprKind::UpTo { ceiling, assessed } => return self.up_to(ceiling, assessed.as_deref()),
            ExprKind::Input(_)
            | ExprKind::Param(_)
            | ExprKind::Local(_)
            | ExprKind::Value(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Shift(..)
            | ExprKind::Edge(..)
            | ExprKind::Field(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. }
            | ExprKind::Const(_)
            | ExprKind::Award(_)
            | ExprKind::Binary(..) => {
                if let Some(Value::Dec(d)) = self.read(e) {
                    return Ok(*d);
                }
            }
        }
        match self.eval(e)? {
            Value::Dec(d) => Ok(d),
            _ => Err(self.internal("an amount is not a number")),
        }
    }

    pub(super) fn int(&mut self, e: &Expr) -> Result<i64, EvalError> {
        if let Some(Value::Int(i)) = self.read(e) {
            return Ok(*i);
        }
        match self.eval(e)? {
            Value::Int(i) => Ok(i),
            _ => Err(self.internal("a whole number was expected")),
        }
    }

    /// `x op y` on two decimals; a division by zero and an overflow are errors.
    fn arithmetic(&self, op: BinOp, x: Decimal, y: Decimal, span: Span) -> Result<Decimal, EvalError> {
        super::arithmetic(self.owner, op, x, y, span)
    }

    /// An amount where the rule states one (an award, an alternative, a row, an
    /// item): explained by its own step unless its form explains itself.
    pub fn amount(&mut self, e: &Expr) -> Result<Decimal, EvalError> {
        let value = self.dec(e)?;
        if !explains_itself(e) {
            self.trace.push(|| StepKind::Amount { span: e.span, value });
        }
        Ok(value)
    }

    /// A value as an explanation shows it: a text of the case copied out of it.
    pub fn shown(&self, value: Value, ty: &Ty) -> Shown {
        let value = match value {
            Value::CaseText(t) => Value::Text(std::sync::Arc::from(self.case.text_at(t))),
            v => v,
        };
        let enum_type = match ty.required() {
            Ty::Enum(en) => Some(*en),
            _ => None,
        };
        Shown {
            value,
            enum_type,
            rate: *ty.required() == Ty::Rate,
        }
    }

    /// The two sides of a comparison, for an explanation (nothing recorded
    /// while they are worked out again).
    pub fn sides(&mut self, e: &Expr) -> Option<Box<[(Span, Shown); 2]>> {
        let ExprKind::Binary(op, a, b) = &e.kind else {
            return None;
        };
        if !op.is_comparison() {
            return None;
        }
        self.trace.muted += 1;
        let values = self.eval(a).and_then(|x| Ok((x, self.eval(b)?)));
        self.trace.muted -= 1;
        let (x, y) = values.ok()?;
        Some(Box::new([
            (a.span, self.shown(x, &a.ty)),
            (b.span, self.shown(y, &b.ty)),
        ]))
    }

    pub fn eval(&mut self, e: &Expr) -> Result<Value, EvalError> {
        Ok(match &e.kind {
            ExprKind::Const(c) => const_value(c),
            ExprKind::Input(i) => self
                .case
                .slots
                .get(*i)
                .cloned()
                .ok_or_else(|| self.internal("input slot"))?,
            ExprKind::Param(i) => self
                .params
                .get(*i)
                .cloned()
                .ok_or_else(|| self.internal("parameter slot"))?,
            ExprKind::Local(i) => self.locals.get(*i).cloned().ok_or_else(|| self.internal("item slot"))?,
            ExprKind::Value(i) => {
                let v = self
                    .values
                    .get(*i)
                    .cloned()
                    .ok_or_else(|| self.internal("value slot"))?;
                if self.trace.recording() && !self.trace.shown_values.contains(i) {
                    self.trace.shown_values.push(*i);
                    let shown = self.shown(v.clone(), &e.ty);
                    self.trace.push(|| StepKind::ValueRead {
                        index: *i,
                        value: shown,
                    });
                }
                v
            }
            ExprKind::Award(m) => {
                let value = *self.awards.get(*m).ok_or_else(|| self.internal("award slot"))?;
                if self.trace.recording() && !self.trace.shown_awards.contains(m) {
                    self.trace.shown_awards.push(*m);
                    self.trace.push(|| StepKind::AwardRead { measure: *m, value });
                }
                Value::Dec(value)
            }
            ExprKind::CaseYear => Value::Int(i64::from(self.case.year)),
            ExprKind::CaseDate => Value::Date(self.case.day()),
            ExprKind::DatePart(part, date) => match self.eval(date)? {
                Value::Date(d) => Value::Int(match part {
                    crate::syntax::ast::DatePart::Year => i64::from(d.year),
                    crate::syntax::ast::DatePart::Month => i64::from(d.month),
                    crate::syntax::ast::DatePart::Day => i64::from(d.day),
                }),
                // a date not given has no year: the part is not given either
                Value::Absent => Value::Absent,
                _ => return Err(self.internal("a date part of a value that is not a date")),
            },
            ExprKind::Between(unit, a, b) => self.between(e, *unit, a, b)?,
            ExprKind::Edge(end, unit, date) => match self.eval(date)? {
                Value::Date(d) => {
                    let month = *unit == crate::syntax::ast::DatePart::Month;
                    Value::Date(if *end { d.end_of(month) } else { d.start_of(month) })
                }
                Value::Absent => Value::Absent,
                _ => return Err(self.internal("the start or end of a value that is not a date")),
            },
            ExprKind::Shift(date, n, unit) => self.shift(e, date, n, *unit)?,
            ExprKind::Field(rec, f) => match self.eval(rec)? {
                Value::Record(fields) => self
                    .case
                    .items_at(fields)
                    .get(*f)
                    .cloned()
                    .ok_or_else(|| self.internal("field slot"))?,
                Value::Absent => Value::Absent,
                _ => return Err(self.internal("a field of something not a record")),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e)?,
            ExprKind::Not(a) => Value::Bool(!self.truth(a)?),
            ExprKind::Neg(a) => match self.eval(a)? {
                Value::Dec(d) => Value::Dec(-d),
                Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(|| self.overflow(e.span))?),
                _ => return Err(self.internal("negating something not a number")),
            },
            ExprKind::ToDec(a) => Value::Dec(Decimal::from(self.int(a)?)),
            ExprKind::IsGiven(a, negated) => Value::Bool((self.eval(a)? != Value::Absent) != *negated),
            ExprKind::IsValue(a, v, negated) => {
                let is = matches!(self.eval(a)?, Value::Enum(x) if x == *v);
                Value::Bool(is != *negated)
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => {
                let want = if matches!(e.kind, ExprKind::Min(_)) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<Value> = None;
                for x in xs {
                    let v = self.eval(x)?;
                    best = match best {
                        Some(b) if v.compare(&b, &self.case.text) != Some(want) => Some(b),
                        _ => Some(v),
                    };
                }
                best.ok_or_else(|| self.internal("min or max of nothing"))?
            }
            ExprKind::If(c, t, f) => {
                let holds = self.truth(c)?;
                let chosen = if holds { t } else { f };
                self.trace.push(|| StepKind::Branch {
                    condition: c.span,
                    holds,
                    chosen: chosen.span,
                });
                self.eval(chosen)?
            }
            ExprKind::Round(x, unit, mode) => {
                let before = self.dec(x)?;
                let after = money::round(before, *unit, *mode).ok_or_else(|| self.overflow(e.span))?;
                self.trace.push(|| StepKind::Rounded {
                    span: e.span,
                    before,
                    after,
                });
                Value::Dec(after)
            }
            ExprKind::Aggregate(a) => self.aggregate(a, e)?,
            ExprKind::Quantified(q) => self.quantified(q)?,
            ExprKind::UpTo { ceiling, assessed } => Value::Dec(self.up_to(ceiling, assessed.as_deref())?),
            ExprKind::Tier { key, rows } => self.tier(key, rows)?,
            ExprKind::Pick { policy, alternatives } => self.pick(*policy, alternatives, &e.ty)?,
            ExprKind::Each {
                local,
                list,
                filter,
                body,
                once_per,
            } => Value::Dec(self.each(*local, list, filter.as_deref(), body, once_per.as_deref())?),
            ExprKind::Bands { base, bands } => Value::Dec(self.bands(base, bands)?),
            ExprKind::Capped { amount, cap } => self.capped(amount, cap)?,
        })
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, e: &Expr) -> Result<Value, EvalError> {
        Ok(match op {
            BinOp::Or => Value::Bool(self.truth(a)? || self.truth(b)?),
            BinOp::And => Value::Bool(self.truth(a)? && self.truth(b)?),
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.comparing += 1;
                let sides = self.eval(a).and_then(|x| Ok((x, self.eval(b)?)));
                self.comparing -= 1;
                let (x, y) = sides?;
                let ord = x
                    .compare(&y, &self.case.text)
                    .ok_or_else(|| self.internal("values of different kinds compared"))?;
                Value::Bool(holds(op, ord))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                match (x, y) {
                    (Value::Int(x), Value::Int(y)) => {
                        let r = match op {
                            BinOp::Add => x.checked_add(y),
                            BinOp::Sub => x.checked_sub(y),
                            _ => x.checked_mul(y),
                        };
                        Value::Int(r.ok_or_else(|| self.overflow(e.span))?)
                    }
                    (Value::Dec(x), Value::Dec(y)) => Value::Dec(self.arithmetic(op, x, y, e.span)?),
                    _ => return Err(self.internal("arithmetic on values of different kinds")),
                }
            }
            BinOp::Of => Value::Dec(self.rate_of(a, b, e.span)?),
            BinOp::Otherwise => match self.eval(a)? {
                Value::Absent => self.eval(b)?,
                v => v,
            },
        })
    }

    /// `rate of base`: the product, rounded as the policy says, explained. A
    /// threshold in a comparison (`增长10%（含）以上`) is compared exactly.
    fn rate_of(&mut self, rate: &Expr, base: &Expr, span: Span) -> Result<Decimal, EvalError> {
        let (r, b) = (self.dec(rate)?, self.dec(base)?);
        let exact = r.checked_mul(b).ok_or_else(|| self.overflow(span))?;
        let rounded = if self.comparing > 0 {
            exact
        } else {
            self.after_rate(exact, span)?
        };
        self.trace.push(|| StepKind::Rate {
            span,
            rate: r,
            base: b,
            exact,
            rounded,
        });
        Ok(rounded)
    }

    /// A rate's product rounded when the header says `after each rate`.
    pub fn after_rate(&self, exact: Decimal, span: Span) -> Result<Decimal, EvalError> {
        super::after_rate(self.policy, self.owner, exact, span)
    }
}

/// Whether a comparison holds, given how its sides order.
pub(super) fn holds(op: BinOp, ord: Ordering) -> bool {
    match op {
        BinOp::Eq => ord == Ordering::Equal,
        BinOp::Ne => ord != Ordering::Equal,
        BinOp::Lt => ord == Ordering::Less,
        BinOp::Le => ord != Ordering::Greater,
        BinOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}

/// True for the forms that push their own step when explained.
fn explains_itself(e: &Expr) -> bool {
    // Every form says whether it gives its own steps: a new one must decide.
    match &e.kind {
        ExprKind::Binary(BinOp::Of, ..)
        | ExprKind::Round(..)
        | ExprKind::Value(_)
        | ExprKind::Award(_)
        | ExprKind::Aggregate(_)
        | ExprKind::UpTo { .. }
        | ExprKind::Tier { .. }
        | ExprKind::Pick { .. }
        | ExprKind::Each { .. }
        | ExprKind::Bands { .. }
        | ExprKind::Capped { .. } => true,
        ExprKind::Binary(..)
        | ExprKind::Const(_)
        | ExprKind::Input(_)
        | ExprKind::Param(_)
        | ExprKind::Local(_)
        | ExprKind::CaseYear
        | ExprKind::CaseDate
        | ExprKind::DatePart(..)
        | ExprKind::Between(..)
        | ExprKind::Shift(..)
        | ExprKind::Edge(..)
        | ExprKind::Field(..)
        | ExprKind::Not(_)
        | ExprKind::Neg(_)
        | ExprKind::IsGiven(..)
        | ExprKind::IsValue(..)
        | ExprKind::ToDec(_)
        | ExprKind::Min(_)
        | ExprKind::Max(_)
        | ExprKind::If(..)
        | ExprKind::Quantified(_) => false,
    }
}
