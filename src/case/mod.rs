//! Cases in: the one front end for case JSON, whether it comes from a case
//! file (`--cases`), a single case (`--case`), a drafter's test or a review's
//! cases. JSON text is read straight into the policy's slots; every problem is
//! a `FieldError` with a stable code and the field it is about, and all the
//! problems of a case are reported together.

mod decode;
pub mod json;
mod ledger;
mod registered;

use crate::check::model::Policy;
use crate::date::Date;
use crate::value::{Span32, Value};
use rust_decimal::Decimal;
use serde::Serialize;

pub use decode::typed::{Filling, List as TypedList, Scalar, Target, Typed};
pub use decode::{Reader, Scratch, MAX_LIST_ITEMS};
pub use registered::{Past, Registered, APPLICANT};
pub mod schema;

/// One applicant in one award year, decoded into the slots the program expects.
#[derive(Debug, Clone, Default)]
pub struct Case {
    pub id: String,
    pub year: i32,
    /// the application date, when the case gives one
    pub date: Option<Date>,
    /// one per declared input, in declaration order
    pub slots: Vec<Value>,
    pub ledger: Vec<LedgerEntry>,
    /// the extra field a reader was asked to take out (a review's survey weight)
    pub extra: Option<Decimal>,
    /// the items of the case's lists and the fields of its records, which
    /// `Value::List` and `Value::Record` name
    pub items: Vec<Value>,
    /// the case's texts, which `Value::CaseText` and ledger items name
    pub text: String,
    /// the applicant a round against the registry names, in `text`
    pub applicant: Option<Span32>,
}

impl Case {
    /// The day the case is read on: its date, or 1 January of its year.
    pub fn day(&self) -> Date {
        self.date.unwrap_or(Date::new_year(self.year))
    }

    /// The items of a list or the fields of a record of this case.
    pub fn items_at(&self, s: Span32) -> &[Value] {
        self.items.get(s.range()).unwrap_or(&[])
    }

    /// The applicant a round against the registry names.
    pub fn applicant_name(&self) -> Option<&str> {
        self.applicant.map(|s| self.text_at(s))
    }

    /// A text of this case.
    pub fn text_at(&self, s: Span32) -> &str {
        self.text.get(s.range()).unwrap_or("")
    }
}

/// An award already paid (`prior_awards`).
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// index of the measure
    pub award: usize,
    pub year: i32,
    pub amount: Decimal,
    /// what the award was paid for (`once per`), in the case's `text`
    pub item: Option<Span32>,
}

/// A problem with one field of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// a path such as `standards[2].rank`; empty for the whole line
    pub field: String,
    /// a stable code, listed in docs/errors.md: `zhice::case::range`
    pub code: &'static str,
    /// what is wrong, worded when shown
    pub message: crate::lang::Words,
}

impl FieldError {
    pub fn new(field: impl ToString, code: &'static str, message: impl Into<crate::lang::Words>) -> Self {
        FieldError {
            field: field.to_string(),
            code,
            message: message.into(),
        }
    }
}

/// Why a case could not be evaluated; `id` when the case gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseErrors {
    pub id: Option<String>,
    pub errors: Vec<FieldError>,
}

impl CaseErrors {
    /// An error about the whole line (not JSON, too long, empty…), no field to name.
    pub fn whole_line(code: &'static str, message: impl Into<crate::lang::Words>) -> Self {
        CaseErrors {
            id: None,
            errors: vec![FieldError::new("", code, message)],
        }
    }
}

/// The stable codes of case errors.
pub mod code {
    /// not JSON, or JSON but not an object
    pub const JSON: &str = "zhice::case::json";
    /// a line that is not UTF-8
    pub const NOT_UTF8: &str = "zhice::case::not-utf8";
    /// a line longer than cases are allowed to be
    pub const TOO_LONG: &str = "zhice::case::too-long";
    /// a blank line where a case was expected
    pub const EMPTY: &str = "zhice::case::empty";
    /// a field the policy does not declare
    pub const UNKNOWN_FIELD: &str = "zhice::case::unknown-field";
    /// a field given twice
    pub const DUPLICATE: &str = "zhice::case::duplicate";
    /// a required field left out
    pub const MISSING: &str = "zhice::case::missing";
    /// a value of the wrong kind
    pub const TYPE: &str = "zhice::case::type";
    /// a value outside the declared range
    pub const RANGE: &str = "zhice::case::range";
    /// an amount beyond the range of exact decimals
    pub const DECIMAL: &str = "zhice::case::decimal";
    /// a value not among an enum's values
    pub const ENUM: &str = "zhice::case::enum";
    /// a date not written YYYY-MM-DD, or no such day
    pub const DATE: &str = "zhice::case::date";
    /// a date outside the period the policy is in force
    pub const PERIOD: &str = "zhice::case::period";
    /// a list longer than cases may hold
    pub const TOO_MANY_ITEMS: &str = "zhice::case::too-many-items";
    /// a prior award naming no award of the policy
    pub const UNKNOWN_AWARD: &str = "zhice::case::unknown-award";
    /// `prior_awards` in a round whose ledgers the registry holds
    pub const REGISTERED: &str = "zhice::case::registered";
}

/// The decoder for one policy: its name tables are built once.
pub fn reader(policy: &Policy) -> Reader<'_> {
    Reader::new(policy)
}
