//! Values as they exist at run time: in a case's slots, in parameters on a
//! date, and while a case is evaluated. Money, rates and numbers are exact
//! decimals; nothing is ever a float.
//!
//! A case's lists, records and texts live in the case itself (`Case::items`,
//! `Case::text`): a value names where, so copying one costs nothing and
//! decoding a case into a reused `Case` allocates nothing.

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
    /// a text the policy writes
    Text(Arc<str>),
    /// a text of the case, in its `text`
    CaseText(Span32),
    Date(Date),
    /// a list of the case: its items, in its `items`
    List(Span32),
    /// a record of the case: its fields, in its `items`
    Record(Span32),
}

/// Where a case's list, record or text sits in its buffers: `start .. start + len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span32 {
    pub start: u32,
    pub len: u32,
}

impl Span32 {
    /// The span of `len` elements from `start`; `None` beyond 4 G (no case is that large).
    pub fn new(start: usize, len: usize) -> Option<Span32> {
        Some(Span32 {
            start: u32::try_from(start).ok()?,
            len: u32::try_from(len).ok()?,
        })
    }

    pub fn range(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

impl Value {
    /// The text of a text value; `text` is the case's text buffer.
    pub fn as_text<'t>(&'t self, text: &'t str) -> Option<&'t str> {
        match self {
            Value::Text(t) => Some(t),
            Value::CaseText(s) => text.get(s.range()),
            _ => None,
        }
    }

    /// How two values of one type order; `None` for values of different kinds.
    /// `text` is the case's text buffer, where its texts are.
    pub fn compare(&self, other: &Value, text: &str) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Dec(a), Value::Dec(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
            (a, b) => Some(a.as_text(text)?.cmp(b.as_text(text)?)),
        }
    }

    /// Equal in what they say: texts by their characters, wherever they sit.
    pub fn same(&self, other: &Value, text: &str) -> bool {
        match (self.as_text(text), other.as_text(text)) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }
}
