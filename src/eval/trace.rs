//! What an explanation shows: each step of a measure's arithmetic, with where
//! in the policy it comes from (a span; the report quotes the text) and the
//! numbers that went in. Nothing is recorded, and nothing allocated, when the
//! trace is off.

use crate::check::model::{AggKind, CapScope, HitPolicy};
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;

/// A step, nested `depth` levels under per-item or per-alternative headings.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub depth: usize,
    pub kind: StepKind,
}

/// A value as an explanation shows it; `enum_type` names the values of a choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub value: Value,
    pub enum_type: Option<usize>,
    /// a decimal that is a rate (shown `20%`), not money or a quantity
    pub rate: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// an eligibility condition and whether it holds; for a comparison, the
    /// value of each side, since an exact threshold often decides a case
    Condition {
        span: Span,
        holds: bool,
        sides: Option<Box<[(Span, Shown); 2]>>,
    },
    /// `if C then A else B`: whether C held, and the branch taken
    Branch { condition: Span, holds: bool, chosen: Span },
    /// a named value read by the rule, and what it is for this case
    ValueRead { index: usize, value: Shown },
    /// another measure's final amount, read by name
    AwardRead { measure: usize, value: Decimal },
    /// `rate of base` = exact, then rounded
    Rate {
        span: Span,
        rate: Decimal,
        base: Decimal,
        exact: Decimal,
        rounded: Decimal,
    },
    /// an amount expression and its value
    Amount { span: Span, value: Decimal },
    /// `x rounded to 0.01`
    Rounded {
        span: Span,
        before: Decimal,
        after: Decimal,
    },
    /// `up to ceiling, assessed x`
    UpTo {
        ceiling_span: Span,
        ceiling: Decimal,
        assessed_span: Option<Span>,
        assessed: Option<Decimal>,
        result: Decimal,
    },
    /// the row a tier table chose for its key
    Tier {
        key_span: Span,
        key: Shown,
        row: Option<Span>,
    },
    /// an alternative's condition; its amount follows when it applies
    Alternative { span: Option<Span>, applies: bool },
    /// what the hit policy made of the applicable alternatives
    Chosen { policy: HitPolicy, result: Decimal },
    /// an item of a list, counted
    Item { index: usize, key: Option<Shown> },
    /// an item of a list, not counted, and why
    ItemSkipped {
        index: usize,
        key: Option<Shown>,
        reason: SkipReason,
    },
    /// the sum over a list's items
    Sum { count: usize, total: Decimal },
    /// one band of `in bands of`: its edges, the part of the base inside it, at its rate
    Band {
        span: Span,
        lower: Decimal,
        upper: Option<Decimal>,
        rate: Decimal,
        part: Decimal,
        amount: Decimal,
    },
    /// the bands added up, then rounded once
    Bands {
        base: Decimal,
        exact: Decimal,
        rounded: Decimal,
    },
    /// a step with dates: `the years from A to B` (a count) or `D + N years` (a shifted date)
    Calendar {
        span: Span,
        unit: crate::syntax::ast::DatePart,
        from: crate::date::Date,
        to: crate::date::Date,
        count: i64,
        shift: bool,
    },
    /// an aggregate over a list: how many items counted, out of how many, and the result
    Aggregate {
        span: Span,
        kind: AggKind,
        counted: usize,
        of: usize,
        result: Shown,
    },
    /// a cap, its limit, what the ledger already holds, and its effect
    Cap {
        scope: CapKind,
        span: Span,
        limit: Decimal,
        prior: Decimal,
        before: Decimal,
        after: Decimal,
    },
    /// a cap whose condition says it does not apply to this case
    CapLifted {
        limit: Span,
        scope: CapScope,
        condition: Span,
        unless: bool,
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
    RoundedAward { before: Decimal, after: Decimal },
    /// a cap shared by several measures: its room, and what this measure took of it
    Shared {
        rule: usize,
        limit: Decimal,
        prior: Decimal,
        room: Decimal,
        before: Decimal,
        after: Decimal,
    },
    /// only the highest of several measures is paid
    HighestOnly {
        rule: usize,
        winner: Option<usize>,
        before: Decimal,
        after: Decimal,
    },
    /// a budget shared by all applicants of a round: what it had, what was
    /// asked of it, and what it granted this award (`rank` under an ordered rule)
    Pool {
        pool: usize,
        period: i32,
        available: Decimal,
        demand: Decimal,
        applicants: usize,
        exceeded: bool,
        factor: Decimal,
        rank: Option<usize>,
        entitled: Decimal,
        granted: Decimal,
    },
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
    Filtered(Span),
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
    /// inside an aggregate: its items are summarised in one step, not each shown
    pub muted: usize,
    pub steps: Vec<Step>,
    /// named values and awards already shown for this measure
    pub shown_values: Vec<usize>,
    pub shown_awards: Vec<usize>,
    /// what each item of a `once per` award came to, when a registry will record it
    pub items: Option<Vec<PaidItem>>,
}

/// One item of a per-item award (`each … once per KEY`): the measure, the
/// item's key as a ledger names it, and what the item's rule gave.
#[derive(Debug, Clone, PartialEq)]
pub struct PaidItem {
    pub measure: usize,
    pub item: String,
    pub amount: rust_decimal::Decimal,
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

    /// True when steps are being recorded here.
    #[inline]
    pub fn recording(&self) -> bool {
        self.on && self.muted == 0
    }

    #[inline]
    pub fn push(&mut self, kind: impl FnOnce() -> StepKind) {
        if self.recording() {
            self.steps.push(Step {
                depth: self.depth,
                kind: kind(),
            });
        }
    }
}
