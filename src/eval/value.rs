//! Runtime values and the decoded case.

use crate::syntax::ast::Date;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A value in a case slot or computed during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// an optional value the case did not give
    Absent,
    Bool(bool),
    Int(i64),
    /// money or a rate
    Dec(Decimal),
    /// index of an enum value
    Enum(u32),
    Text(Arc<str>),
    Date(Date),
    List(Arc<[Value]>),
    Record(Arc<[Value]>),
}

/// One applicant in one award year, decoded into the slots the program expects.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub year: i32,
    /// one per declared input, in declaration order
    pub slots: Vec<Value>,
    pub ledger: Vec<LedgerEntry>,
}

/// An award already paid (`prior_awards`).
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// index of the measure
    pub award: usize,
    pub year: i32,
    pub amount: Decimal,
    pub item: Option<Arc<str>>,
}
