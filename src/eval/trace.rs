//! What an explanation shows: each step of a measure's arithmetic, with the
//! policy text it comes from and the numbers that went in.

use crate::check::model::{CapScope, HitPolicy};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A step, nested `depth` levels under per-item or per-alternative headings.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub depth: usize,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// an eligibility condition and whether it holds
    Condition { src: Arc<str>, holds: bool },
    /// `rate of base` = exact, then rounded
    Rate {
        src: Arc<str>,
        rate: Decimal,
        base: Decimal,
        exact: Decimal,
        rounded: Decimal,
    },
    /// an amount expression and its value
    Amount { src: Arc<str>, value: Decimal },
    /// `up to ceiling, assessed x`
    UpTo {
        ceiling_src: Arc<str>,
        ceiling: Decimal,
        assessed_src: Option<Arc<str>>,
        assessed: Option<Decimal>,
        result: Decimal,
    },
    /// the row a tier table chose for its key
    Tier {
        key_src: Arc<str>,
        key: String,
        row: Option<Arc<str>>,
    },
    /// an alternative's condition; its amount follows when it applies
    Alternative { src: Option<Arc<str>>, applies: bool },
    /// what the hit policy made of the applicable alternatives
    Chosen { policy: HitPolicy, result: Decimal },
    /// an item of a list, counted
    Item { index: usize, key: Option<String> },
    /// an item of a list, not counted, and why
    ItemSkipped {
        index: usize,
        key: Option<String>,
        reason: SkipReason,
    },
    /// the sum over a list's items
    Sum { count: usize, total: Decimal },
    /// a cap, its limit, what the ledger already holds, and its effect
    Cap {
        scope: CapKind,
        src: Arc<str>,
        limit: Decimal,
        prior: Decimal,
        before: Decimal,
        after: Decimal,
    },
    /// `top-up`: less everything already paid under this award
    TopUp {
        prior: Decimal,
        before: Decimal,
        after: Decimal,
    },
    /// `once per applicant`: paid before in `year`
    AlreadyPaid { year: i32 },
    /// `rounding … on each award`
    Rounded { before: Decimal, after: Decimal },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapKind {
    /// `, at most …` on one amount
    Amount,
    Ledger(CapScope),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    /// the `where` filter is false
    Filtered(Arc<str>),
    /// the same key appeared earlier in this case
    Repeated,
    /// the ledger holds this item already, paid in that year
    PaidBefore(i32),
}

/// Collects steps when explaining; does nothing (and allocates nothing) otherwise.
#[derive(Debug, Default)]
pub struct Trace {
    pub on: bool,
    pub depth: usize,
    pub steps: Vec<Step>,
}

impl Trace {
    pub fn off() -> Self {
        Trace::default()
    }

    pub fn on() -> Self {
        Trace {
            on: true,
            ..Trace::default()
        }
    }

    #[inline]
    pub fn push(&mut self, kind: impl FnOnce() -> StepKind) {
        if self.on {
            self.steps.push(Step {
                depth: self.depth,
                kind: kind(),
            });
        }
    }
}
