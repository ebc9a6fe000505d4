//! Expression nodes → values. The checker guarantees types, so a shape
//! mismatch here is an internal error, reported, never a panic.

use super::value::{Case, Value};
use super::{money, EvalError};
use crate::compile::tree::{Arith, Cmp, Node, Program};
use crate::span::Span;
use rust_decimal::Decimal;
use std::cmp::Ordering;

pub(super) struct Cx<'a> {
    pub program: &'a Program,
    pub case: &'a Case,
    pub params: &'a [Value],
    pub locals: &'a mut [Value],
    pub measure: usize,
    /// every `up to` pays its ceiling, whatever was assessed (worst-case exposure)
    pub at_ceiling: bool,
}

impl Cx<'_> {
    pub fn fail(&self, span: Span, message: impl Into<String>) -> EvalError {
        EvalError {
            measure: (self.measure != usize::MAX).then_some(self.measure),
            span,
            message: message.into(),
        }
    }

    fn internal(&self, what: &str) -> EvalError {
        self.fail(
            Span::default(),
            format!("internal error: {what}; please report this with the policy"),
        )
    }

    fn overflow(&self, span: Span) -> EvalError {
        self.fail(span, "this amount is beyond the range of exact decimals")
    }

    pub fn truth(&mut self, n: &Node) -> Result<bool, EvalError> {
        match self.value(n)? {
            Value::Bool(b) => Ok(b),
            _ => Err(self.internal("a condition gave no yes/no")),
        }
    }

    pub fn decimal(&mut self, n: &Node) -> Result<Decimal, EvalError> {
        match self.value(n)? {
            Value::Dec(d) => Ok(d),
            _ => Err(self.internal("an amount is not a number")),
        }
    }

    fn int(&mut self, n: &Node) -> Result<i64, EvalError> {
        match self.value(n)? {
            Value::Int(i) => Ok(i),
            _ => Err(self.internal("a whole number was expected")),
        }
    }

    pub fn value(&mut self, n: &Node) -> Result<Value, EvalError> {
        Ok(match n {
            Node::Const(v) => v.clone(),
            Node::Input(i) => self
                .case
                .slots
                .get(*i)
                .cloned()
                .ok_or_else(|| self.internal("input slot"))?,
            Node::Param(i) => self
                .params
                .get(*i)
                .cloned()
                .ok_or_else(|| self.internal("parameter slot"))?,
            Node::Local(i) => self.locals.get(*i).cloned().ok_or_else(|| self.internal("item slot"))?,
            Node::Field(rec, f) => match self.value(rec)? {
                Value::Record(fields) => fields.get(*f).cloned().ok_or_else(|| self.internal("field slot"))?,
                Value::Absent => Value::Absent,
                _ => return Err(self.internal("a field of something not a record")),
            },
            Node::Or(a, b) => Value::Bool(self.truth(a)? || self.truth(b)?),
            Node::And(a, b) => Value::Bool(self.truth(a)? && self.truth(b)?),
            Node::Not(a) => Value::Bool(!self.truth(a)?),
            Node::Compare(op, a, b) => {
                let (x, y) = (self.value(a)?, self.value(b)?);
                let ord = compare(&x, &y).ok_or_else(|| self.internal("values of different kinds compared"))?;
                Value::Bool(match op {
                    Cmp::Eq => ord == Ordering::Equal,
                    Cmp::Ne => ord != Ordering::Equal,
                    Cmp::Lt => ord == Ordering::Less,
                    Cmp::Le => ord != Ordering::Greater,
                    Cmp::Gt => ord == Ordering::Greater,
                    Cmp::Ge => ord != Ordering::Less,
                })
            }
            Node::Dec(op, a, b, span) => {
                let (x, y) = (self.decimal(a)?, self.decimal(b)?);
                let r = match op {
                    Arith::Add => x.checked_add(y),
                    Arith::Sub => x.checked_sub(y),
                    Arith::Mul => x.checked_mul(y),
                };
                Value::Dec(r.ok_or_else(|| self.overflow(*span))?)
            }
            Node::Int(op, a, b, span) => {
                let (x, y) = (self.int(a)?, self.int(b)?);
                let r = match op {
                    Arith::Add => x.checked_add(y),
                    Arith::Sub => x.checked_sub(y),
                    Arith::Mul => x.checked_mul(y),
                };
                Value::Int(r.ok_or_else(|| self.overflow(*span))?)
            }
            Node::Scale(m, k, span) => {
                let (x, y) = (self.decimal(m)?, self.int(k)?);
                Value::Dec(x.checked_mul(Decimal::from(y)).ok_or_else(|| self.overflow(*span))?)
            }
            Node::Neg(a, span) => match self.value(a)? {
                Value::Dec(d) => Value::Dec(-d),
                Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(|| self.overflow(*span))?),
                _ => return Err(self.internal("negating something not a number")),
            },
            Node::Of { rate, base, span, .. } => Value::Dec(self.rate_of(rate, base, *span)?.1),
            Node::Otherwise(a, b) => match self.value(a)? {
                Value::Absent => self.value(b)?,
                v => v,
            },
            Node::IsGiven(a, negated) => Value::Bool((self.value(a)? != Value::Absent) != *negated),
            Node::IsValue(a, v, negated) => {
                let is = matches!(self.value(a)?, Value::Enum(x) if x == *v);
                Value::Bool(is != *negated)
            }
            Node::Min(xs) | Node::Max(xs) => {
                let want = if matches!(n, Node::Min(_)) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<Value> = None;
                for x in xs {
                    let v = self.value(x)?;
                    best = match best {
                        Some(b) if compare(&v, &b) != Some(want) => Some(b),
                        _ => Some(v),
                    };
                }
                best.ok_or_else(|| self.internal("min or max of nothing"))?
            }
            Node::If(c, t, f) => {
                if self.truth(c)? {
                    self.value(t)?
                } else {
                    self.value(f)?
                }
            }
        })
    }

    /// `rate of base`: the exact product, and the product rounded as the policy says.
    pub fn rate_of(&mut self, rate: &Node, base: &Node, span: Span) -> Result<(Decimal, Decimal), EvalError> {
        let (r, b) = (self.decimal(rate)?, self.decimal(base)?);
        let exact = r.checked_mul(b).ok_or_else(|| self.overflow(span))?;
        let rounded = match &self.program.rounding {
            Some(rule) if rule.after_rate => money::round(exact, rule).ok_or_else(|| self.overflow(span))?,
            _ => exact,
        };
        Ok((exact, rounded))
    }
}

fn compare(x: &Value, y: &Value) -> Option<Ordering> {
    match (x, y) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Dec(a), Value::Dec(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
