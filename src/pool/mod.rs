//! Pools: budgets shared by every applicant of a period (年度资金总额). No
//! case can see its pool alone, so a round of applications is read twice: the
//! first pass evaluates each case and records its claims — what each of its
//! pooled awards asks of the pool — and the pools are settled; the second
//! evaluates each case again and grants what the settlement gives it. A claim
//! is a few words, so memory grows by a compact record per pooled award, not
//! by a result per case.

//!
//! The room: `claims` (what a case asks of its pools), `round` (claims
//! gathered and tallied per pool and period), `divide` (each rule's division
//! of a pool), `settled` (the division, granted case by case), `ledger` (what
//! earlier rounds granted).

mod claims;
mod divide;
mod ledger;
mod round;
mod settled;

pub use claims::{claims, claims_into};
pub use divide::Allocation;
pub use ledger::Ledger;
pub use round::{Parts, Round};
pub use settled::{Settled, Share};

use crate::case::{Case, CaseErrors, FieldError};
use crate::check::model::{Const, Date, ExprKind, OrderKey, PoolDef, PoolPeriod, RationRule, Residue, RoundMode};
use crate::compile::Program;
use crate::eval::trace::{Step, StepKind};
use crate::eval::{money, Outcome};
use crate::value::Value;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Stable codes of the case errors pools add.
pub mod code {
    /// the case's day falls in no period of the pool that funds its award
    pub const PERIOD: &str = "zhice::case::pool-period";
    /// the field an ordered pool orders by is missing from the case
    pub const ORDER: &str = "zhice::case::pool-order";
}

/// Which share of a pool: the pool's index and the period (the award year, or 0 for a dated pool).
pub type PoolKey = (usize, i32);

/// What one award of one case asks of its pool.
#[derive(Debug, Clone)]
pub struct Claim {
    pub pool: usize,
    pub period: i32,
    /// the case's place in the round: its line in the case file
    pub line: usize,
    pub measure: usize,
    /// what the award's own rule gives
    pub amount: Decimal,
    /// ordered pools: the case's value of the field they are ordered by
    pub key: Option<Value>,
    /// pools that rank their claims: what breaks a tie, so that the result does not
    /// depend on the order of the file — the `then by` field's value, then the case id
    pub tie: Option<Tie>,
    /// under `less what the ledgers show paid`: what the case's ledger shows this
    /// period's awards of the pool already paid (on one claim of the case per pool);
    /// a claim of nothing that only carries this is no request
    pub paid: Decimal,
}

/// What breaks a tie between two ranked claims: the `then by` field's value,
/// then the case id. Held in the claim itself, the id inline when it is short
/// (as ids are), so that ranking a claim allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Tie {
    pub then: Option<Value>,
    pub id: TieId,
}

/// A case id as a tie-break holds it: its bytes inline up to 22, boxed beyond.
/// Ordered as the text is (UTF-8 bytes order as their characters do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TieId {
    Short(u8, [u8; 22]),
    Long(Box<str>),
}

impl TieId {
    pub fn new(id: &str) -> TieId {
        let mut bytes = [0u8; 22];
        match bytes.get_mut(..id.len()) {
            Some(room) => {
                room.copy_from_slice(id.as_bytes());
                TieId::Short(id.len() as u8, bytes)
            }
            None => TieId::Long(id.into()),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            TieId::Short(n, bytes) => bytes.get(..usize::from(*n)).unwrap_or_default(),
            TieId::Long(s) => s.as_bytes(),
        }
    }
}

impl Ord for TieId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl PartialOrd for TieId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A period as people and the ledger name it: `2026`, or `2026-01-01..2026-12-31`.
pub fn period_name(pool: &PoolDef, period: i32) -> String {
    match pool.period {
        PoolPeriod::Year => period.to_string(),
        PoolPeriod::Range(from, to) => format!("{from}..{to}"),
    }
}

/// Whether a pool's rule needs every claim at hand to divide it.
fn ranks(pool: &PoolDef) -> bool {
    matches!(pool.ration, RationRule::InOrder { .. }) || pool.residue == Some(Residue::LargestRemainders)
}

/// The day a period's parameters are read on: 1 January, or the period's first day.
fn first_day(pool: &PoolDef, period: i32) -> Date {
    match pool.period {
        PoolPeriod::Year => Date::new_year(period),
        PoolPeriod::Range(from, _) => from,
    }
}

fn add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}

/// The pool's amount for a period: on 1 January of the year, or on the period's first day.
pub fn pool_amount(program: &Program, pool: &PoolDef, period: i32) -> Decimal {
    fixed(program, &pool.amount, first_day(pool, period))
}

/// The value of an amount the policy fixes (a literal or a parameter) on `day`.
fn fixed(program: &Program, e: &crate::check::model::Expr, day: Date) -> Decimal {
    match &e.kind {
        ExprKind::Const(Const::Money(d)) => *d,
        ExprKind::Param(i) => match program.params_on(day).get(*i) {
            Some(Value::Dec(d)) => *d,
            _ => Decimal::ZERO,
        },
        ExprKind::Input(_)
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
        | ExprKind::Capped { .. }
        | ExprKind::Const(_) => Decimal::ZERO,
    }
}

#[cfg(test)]
mod tests;
