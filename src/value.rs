//! Values as they exist at run time: in a case's slots, in parameters on a
//! date, and while a case is evaluated. Money, rates and numbers are exact
//! decimals; nothing is ever a float.

use crate::date::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A value in a case slot or computed during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// an optional value the case did not give
    Absent,
    Bool(bool),
    Int(i64),
    /// money, a rate or a number
    Dec(Decimal),
    /// index of an enum value
    Enum(u32),
    Text(Arc<str>),
    Date(Date),
    List(Arc<[Value]>),
    Record(Arc<[Value]>),
}

impl Value {
    /// How two values of one type order; `None` for values of different kinds.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Dec(a), Value::Dec(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}
