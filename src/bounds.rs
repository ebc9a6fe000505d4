//! Worst-case exposure, from the rules themselves: the largest amount each
//! award can pay one applicant in a year, from caps, tiers, bands, fixed
//! amounts and declared ranges; what caps shared by several measures and
//! "only the highest of" do to the total; and which awards nothing bounds. A
//! cap with a condition may be lifted, so it bounds nothing. Also the lints
//! that need these bounds: caps that never bind, item caps above the yearly cap.
//!
//! One concern, long on purpose: the bound of every form of the language,
//! one rule per form side by side, so that a new form is bounded like its kin.

pub mod population;

use crate::check::model::*;
use crate::diagnostic::Diagnostic;
use crate::number::money;
use crate::span::Span;
use rust_decimal::Decimal;
use serde::Serialize;
use std::cell::RefCell;

/// An upper bound: a number, or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    At(Decimal),
    Unbounded,
}

impl Bound {
    fn zero() -> Self {
        Bound::At(Decimal::ZERO)
    }

    pub fn value(self) -> Option<Decimal> {
        match self {
            Bound::At(d) => Some(d),
            Bound::Unbounded => None,
        }
    }

    fn min(self, other: Bound) -> Bound {
        match (self, other) {
            (Bound::At(a), Bound::At(b)) => Bound::At(a.min(b)),
            (Bound::At(a), _) | (_, Bound::At(a)) => Bound::At(a),
            _ => Bound::Unbounded,
        }
    }

    fn max(self, other: Bound) -> Bound {
        match (self, other) {
            (Bound::At(a), Bound::At(b)) => Bound::At(a.max(b)),
            _ => Bound::Unbounded,
        }
    }

    fn add(self, other: Bound) -> Bound {
        match (self, other) {
            (Bound::At(a), Bound::At(b)) => a.checked_add(b).map_or(Bound::Unbounded, Bound::At),
            _ => Bound::Unbounded,
        }
    }

    fn mul(self, other: Bound) -> Bound {
        match (self, other) {
            (Bound::At(a), Bound::At(b)) => a.checked_mul(b).map_or(Bound::Unbounded, Bound::At),
            // nothing times anything is nothing
            (Bound::At(z), _) | (_, Bound::At(z)) if z.is_zero() => Bound::zero(),
            _ => Bound::Unbounded,
        }
    }
}

/// The bound of one award, and what sets it.
#[derive(Debug, Clone, Serialize)]
pub struct AwardBound {
    pub id: String,
    pub clause: String,
    pub title: String,
    /// `None` when nothing bounds it
    pub max: Option<Decimal>,
    /// what sets the bound, as written: `at most data_space_cap per applicant per year`
    pub set_by: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// What a rule across measures does to the worst case of its members together.
#[derive(Debug, Clone, Serialize)]
pub struct RuleBound {
    pub id: String,
    pub over: Vec<String>,
    /// the most the members can pay together; `None` when unbounded
    pub max: Option<Decimal>,
    /// the rule, as written
    pub rule: String,
}

/// What a budget pool bounds: its members, for all applicants together, per period.
#[derive(Debug, Clone, Serialize)]
pub struct PoolBound {
    pub id: String,
    pub over: Vec<String>,
    /// the pool's largest amount over its dated values
    pub max: Option<Decimal>,
    /// `per year`, or `from … to …`
    pub period: String,
}

/// The worst case of a policy, per applicant per year, and for all applicants
/// together where pools bound it.
#[derive(Debug, Clone, Serialize)]
pub struct Bounds {
    pub awards: Vec<AwardBound>,
    pub rules: Vec<RuleBound>,
    pub pools: Vec<PoolBound>,
    /// the most all awards can pay together; `None` when some award is unbounded
    pub total: Option<Decimal>,
    pub unbounded: Vec<String>,
}

/// Bounds every award of `policy`; `source` is its text, to name what sets each bound.
pub fn bounds(policy: &Policy, source: &str) -> Bounds {
    let cx = Cx::new(policy);
    let mut awards: Vec<AwardBound> = policy
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (b, set_by) = cx.measure(i, source);
            AwardBound {
                id: m.id.clone(),
                clause: m.clause.clone(),
                title: m.title.clone(),
                max: b.value().map(|d| d.normalize()),
                set_by,
                span: m.id_span,
            }
        })
        .collect();
    // A shared cap also bounds each member alone; so does a pool, which pays its
    // members no more than its amount for all applicants together.
    for rule in &policy.rules {
        if let RuleKind::SharedCap { limit, scope, .. } = &rule.kind {
            let why = t!(
                "at most %{limit}%{scope} over %{members} (rule %{rule})",
                limit = limit.span.text(source),
                scope = scope.words(),
                members = members_text(policy, rule),
                rule = rule.id
            );
            cap_each(&mut awards, rule.members(), cx.expr(limit), &why);
        }
    }
    for pool in &policy.pools {
        let why = t!(
            "the pool %{pool}: at most %{limit} %{period} for all applicants together",
            pool = pool.id,
            limit = pool.amount.span.text(source),
            period = match pool.period {
                PoolPeriod::Year => t!("a year").into_owned(),
                PoolPeriod::Range(from, to) => format!("{from}..{to}"),
            }
        );
        cap_each(&mut awards, &pool.members, cx.expr(&pool.amount), &why);
    }
    // The members of each rule form one block whose sum the rule bounds; blocks merge when rules share members.
    let mut blocks: Vec<(Vec<usize>, Bound)> = awards
        .iter()
        .enumerate()
        .map(|(i, a)| (vec![i], a.max.map_or(Bound::Unbounded, Bound::At)))
        .collect();
    let mut rules = Vec::new();
    for rule in &policy.rules {
        let members = rule.members();
        let member_bound = |m: &usize| awards[*m].max.map_or(Bound::Unbounded, Bound::At);
        let by_rule = match &rule.kind {
            RuleKind::SharedCap { limit, .. } => cx.expr(limit),
            RuleKind::HighestOnly { .. } => members.iter().map(member_bound).fold(Bound::zero(), Bound::max),
        };
        rules.push(RuleBound {
            id: rule.id.clone(),
            over: members.iter().map(|m| policy.measures[*m].id.clone()).collect(),
            max: members
                .iter()
                .map(member_bound)
                .fold(Bound::zero(), Bound::add)
                .min(by_rule)
                .value(),
            rule: rule_text(policy, rule, source),
        });
        blocks = merged(blocks, members, by_rule, &awards);
    }
    // A pool's members together, for one applicant: at most the pool.
    for pool in &policy.pools {
        blocks = merged(blocks, &pool.members, cx.expr(&pool.amount), &awards);
    }
    let unbounded: Vec<String> = awards
        .iter()
        .filter(|a| a.max.is_none())
        .map(|a| a.id.clone())
        .collect();
    let total = blocks
        .iter()
        .try_fold(Decimal::ZERO, |acc, (_, b)| acc.checked_add(b.value()?));
    // A pool only ever cuts awards: it bounds no applicant alone, but all of them together.
    let pools = policy
        .pools
        .iter()
        .map(|pool| PoolBound {
            id: pool.id.clone(),
            over: pool.members.iter().map(|m| policy.measures[*m].id.clone()).collect(),
            max: cx.expr(&pool.amount).value(),
            period: match pool.period {
                PoolPeriod::Year => t!("a year").into_owned(),
                PoolPeriod::Range(from, to) => format!("from {from} to {to}"),
            },
        })
        .collect();
    Bounds {
        awards,
        rules,
        pools,
        total,
        unbounded,
    }
}

/// Lowers each member's own bound to `limit` where it is lower, saying why.
fn cap_each(awards: &mut [AwardBound], members: &[usize], limit: Bound, why: &str) {
    for &m in members {
        let own = awards[m].max.map_or(Bound::Unbounded, Bound::At);
        if own.min(limit) != own || (own == Bound::Unbounded && limit != Bound::Unbounded) {
            awards[m].max = own.min(limit).value();
            awards[m].set_by = Some(why.to_string());
        }
    }
}

/// The blocks of awards whose sums are bounded, after a rule or pool bounds
/// `members` together by `limit`: the blocks it touches merge into one, bounded
/// by their own sum or by `limit` plus the awards outside `members` in them.
fn merged(
    blocks: Vec<(Vec<usize>, Bound)>,
    members: &[usize],
    limit: Bound,
    awards: &[AwardBound],
) -> Vec<(Vec<usize>, Bound)> {
    let (touching, mut rest): (Vec<_>, Vec<_>) = blocks
        .into_iter()
        .partition(|(ms, _)| ms.iter().any(|m| members.contains(m)));
    let together = touching.iter().fold(Bound::zero(), |b, (_, x)| b.add(*x));
    let outside: Bound = touching
        .iter()
        .flat_map(|(ms, _)| ms.iter())
        .filter(|m| !members.contains(m))
        .fold(Bound::zero(), |b, m| {
            b.add(awards[*m].max.map_or(Bound::Unbounded, Bound::At))
        });
    let mut all: Vec<usize> = touching.iter().flat_map(|(ms, _)| ms.iter().copied()).collect();
    all.sort_unstable();
    rest.push((all, together.min(limit.add(outside))));
    rest
}

fn members_text(policy: &Policy, rule: &RuleDef) -> String {
    rule.members()
        .iter()
        .map(|m| policy.measures[*m].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn rule_text(policy: &Policy, rule: &RuleDef, source: &str) -> String {
    match &rule.kind {
        RuleKind::SharedCap { limit, scope, .. } => format!(
            "at most {}{} over {}",
            limit.span.text(source),
            scope.words(),
            members_text(policy, rule)
        ),
        RuleKind::HighestOnly { .. } => format!("only the highest of {}", members_text(policy, rule)),
    }
}

struct Cx<'a> {
    policy: &'a Policy,
    /// bounds of named values, worked out once each
    values: RefCell<Vec<Option<Bound>>>,
}

impl<'a> Cx<'a> {
    fn new(policy: &'a Policy) -> Self {
        Cx {
            policy,
            values: RefCell::new(vec![None; policy.values.len()]),
        }
    }

    /// The largest value of a parameter over all its dated values.
    fn param(&self, i: usize) -> Bound {
        self.policy.params[i].values().fold(Bound::zero(), |b, v| match v {
            Const::Money(d) | Const::Rate(d) | Const::Number(d) => b.max(Bound::At(*d)),
            Const::Int(n) => b.max(Bound::At(Decimal::from(*n))),
            _ => Bound::Unbounded,
        })
    }

    fn range_max(range: &Range) -> Bound {
        range.max.map_or(Bound::Unbounded, Bound::At)
    }

    fn value(&self, i: usize) -> Bound {
        if let Some(b) = self.values.borrow().get(i).copied().flatten() {
            return b;
        }
        // The checker proved values acyclic, so this recursion ends.
        let b = self.expr(&self.policy.values[i].expr);
        if let Some(slot) = self.values.borrow_mut().get_mut(i) {
            *slot = Some(b);
        }
        b
    }

    /// An upper bound of a number-valued expression (money, rate, number, count).
    fn expr(&self, e: &Expr) -> Bound {
        match &e.kind {
            ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => Bound::At(*d),
            ExprKind::Const(Const::Int(n)) => Bound::At(Decimal::from(*n)),
            // a month is at most 12, a day at most 31; a year has no bound a policy gives
            ExprKind::DatePart(part, _) => match part {
                crate::syntax::ast::DatePart::Month => Bound::At(Decimal::from(12)),
                crate::syntax::ast::DatePart::Day => Bound::At(Decimal::from(31)),
                crate::syntax::ast::DatePart::Year => Bound::Unbounded,
            },
            // a count between two dates of the case: nothing in the policy bounds it
            ExprKind::Between(..) | ExprKind::Shift(..) | ExprKind::Edge(..) => Bound::Unbounded,
            ExprKind::Param(i) => self.param(*i),
            ExprKind::Input(i) => Self::range_max(&self.policy.inputs[*i].range),
            ExprKind::Field(rec, f) => match rec.ty.required() {
                Ty::Record(r) => Self::range_max(&self.policy.records[*r].fields[*f].range),
                _ => Bound::Unbounded,
            },
            ExprKind::Value(i) => self.value(*i),
            ExprKind::Award(m) => self.measure(*m, "").0,
            ExprKind::ToDec(x) => self.expr(x),
            ExprKind::Binary(BinOp::Add, a, b) => self.expr(a).add(self.expr(b)),
            // The lower bound of what is taken away is at least 0 for the amounts a policy reads.
            ExprKind::Binary(BinOp::Sub, a, _) => self.expr(a),
            ExprKind::Binary(BinOp::Mul | BinOp::Of, a, b) => self.expr(a).mul(self.expr(b)),
            ExprKind::Binary(BinOp::Div, a, b) => match (self.expr(a), constant(b)) {
                (Bound::At(x), Some(d)) if d > Decimal::ZERO => x.checked_div(d).map_or(Bound::Unbounded, Bound::At),
                _ => Bound::Unbounded,
            },
            ExprKind::Binary(BinOp::Otherwise, a, b) => self.expr(a).max(self.expr(b)),
            ExprKind::Min(xs) => xs.iter().map(|x| self.expr(x)).fold(Bound::Unbounded, Bound::min),
            ExprKind::Max(xs) => xs.iter().map(|x| self.expr(x)).fold(Bound::zero(), Bound::max),
            ExprKind::If(_, t, f) => self.expr(t).max(self.expr(f)),
            ExprKind::Round(x, unit, _) => match self.expr(x) {
                // Rounding up may add less than one unit.
                Bound::At(d) => d.checked_add(*unit).map_or(Bound::Unbounded, Bound::At),
                b => b,
            },
            ExprKind::UpTo { ceiling, .. } => self.expr(ceiling),
            ExprKind::Tier { rows, .. } => rows
                .iter()
                .map(|r| self.expr(&r.amount))
                .fold(Bound::zero(), Bound::max),
            ExprKind::Pick { policy, alternatives } => {
                let each = alternatives.iter().map(|alt| self.expr(&alt.amount));
                match policy {
                    HitPolicy::Sum => each.fold(Bound::zero(), Bound::add),
                    _ => each.fold(Bound::zero(), Bound::max),
                }
            }
            ExprKind::Each { body, once_per, .. } => {
                // A list has no length limit; only a key drawn from a choice bounds the count.
                let count = once_per
                    .as_ref()
                    .and_then(|k| self.distinct(k))
                    .map_or(Bound::Unbounded, Bound::At);
                self.expr(body).mul(count)
            }
            ExprKind::Bands { base, bands } => self.bands(base, bands),
            ExprKind::Capped { amount, cap } => self.expr(amount).min(self.expr(cap)),
            ExprKind::Aggregate(a) => match (a.kind, &a.body) {
                (AggKind::Highest | AggKind::Lowest, Some(b)) => self.expr(b),
                (AggKind::Sum, Some(b)) => self.expr(b).mul(Bound::Unbounded),
                _ => Bound::Unbounded,
            },
            ExprKind::Local(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::Quantified(_)
            | ExprKind::Const(_)
            | ExprKind::Binary(..) => Bound::Unbounded,
        }
    }

    /// Marginal bands: at a bounded base, each band's part at its rate; at an
    /// unbounded one, the finite bands and nothing above when the top rate is 0.
    fn bands(&self, base: &Expr, bands: &[Band]) -> Bound {
        let x = self.expr(base);
        let mut total = Bound::zero();
        for b in bands {
            let lower = b.lower.as_ref().map_or(Decimal::ZERO, |l| self.lowest(l));
            let upper = b.upper.as_ref().map(|u| self.expr(u));
            let top = match (upper, x) {
                (Some(u), x) => u.min(x),
                (None, x) => x,
            };
            let part = match top {
                Bound::At(t) => Bound::At((t - lower).max(Decimal::ZERO)),
                Bound::Unbounded => Bound::Unbounded,
            };
            total = total.add(self.expr(&b.rate).mul(part));
        }
        total
    }

    /// A lower bound of a band edge: the literal, or the smallest value of the parameter.
    fn lowest(&self, e: &Expr) -> Decimal {
        match &e.kind {
            ExprKind::Param(i) => self.policy.params[*i]
                .values()
                .filter_map(|v| match v {
                    Const::Money(d) => Some(*d),
                    _ => None,
                })
                .min()
                .unwrap_or(Decimal::ZERO),
            ExprKind::Const(_)
            | ExprKind::Input(_)
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
            | ExprKind::Capped { .. } => constant(e).unwrap_or(Decimal::ZERO),
        }
    }

    /// How many distinct values a `once per` key can take, when it is a choice.
    fn distinct(&self, key: &Expr) -> Option<Decimal> {
        match key.ty.required() {
            Ty::Enum(en) => Some(Decimal::from(self.policy.enums[*en].values.len())),
            _ => None,
        }
    }

    /// The bound of a measure's award with its own caps, and the cap that sets it.
    fn measure(&self, i: usize, source: &str) -> (Bound, Option<String>) {
        let m = &self.policy.measures[i];
        let (mut b, mut set_by) = self.amount(&m.award, source);
        for cap in m.caps.iter().filter(|c| c.condition.is_none()) {
            let limit = self.expr(&cap.limit);
            if limit.min(b) != b || (b == Bound::Unbounded && limit != Bound::Unbounded) {
                set_by = Some(format!("at most {}{}", cap.limit.span.text(source), cap.scope.words()));
            }
            b = b.min(limit);
        }
        // A cap with a condition may be lifted, so it bounds nothing; say so where it would have.
        if b == Bound::Unbounded {
            if let Some(cap) = m.caps.iter().find(|c| c.condition.is_some()) {
                let written = cap.span.text(source).split_whitespace().collect::<Vec<_>>().join(" ");
                set_by = Some(t!("the cap `%{cap}` may not apply", cap = written).into_owned());
            }
        }
        (b, set_by)
    }

    /// An upper bound of an amount, and the cap or ceiling that sets it when one does.
    fn amount(&self, a: &Expr, source: &str) -> (Bound, Option<String>) {
        match &a.kind {
            ExprKind::UpTo { ceiling, .. } => (self.expr(a), Some(format!("up to {}", ceiling.span.text(source)))),
            ExprKind::Bands { base, .. } => (self.expr(a), Some(format!("in bands of {}", base.span.text(source)))),
            ExprKind::Capped { amount, cap } => {
                let (b, by) = self.amount(amount, source);
                let limit = self.expr(cap);
                let by = if limit.min(b) != b || b == Bound::Unbounded {
                    Some(format!("at most {}", cap.span.text(source)))
                } else {
                    by
                };
                (b.min(limit), by)
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
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. } => (self.expr(a), None),
        }
    }
}

/// The value of an expression the policy fixes (a literal, or a parameter with one value).
fn constant(e: &Expr) -> Option<Decimal> {
    match &e.kind {
        ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => Some(*d),
        ExprKind::Const(Const::Int(n)) => Some(Decimal::from(*n)),
        ExprKind::ToDec(x) => constant(x),
        ExprKind::Input(_)
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
        | ExprKind::Binary(..)
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
        | ExprKind::UpTo { .. }
        | ExprKind::Tier { .. }
        | ExprKind::Pick { .. }
        | ExprKind::Each { .. }
        | ExprKind::Bands { .. }
        | ExprKind::Capped { .. }
        | ExprKind::Const(_) => None,
    }
}

/// Lints from the bounds: caps that can never bind, and item caps above the
/// yearly cap over them.
pub fn lints(policy: &Policy) -> Vec<Diagnostic> {
    let cx = Cx::new(policy);
    let mut out = Vec::new();
    for m in &policy.measures {
        let (mut amount, _) = cx.amount(&m.award, "");
        m.award.walk(&mut |e| {
            if let ExprKind::Capped { amount, cap } = &e.kind {
                if let (Bound::At(most), Bound::At(limit)) = (cx.expr(amount), cx.expr(cap)) {
                    if most <= limit && !most.is_zero() {
                        out.push(dead_cap(cap.span, most, limit));
                    }
                }
            }
        });
        // Only a cap on the award itself can be dead: a cap per year or per
        // applicant also counts what the ledger holds, so it can always bind.
        for cap in m
            .caps
            .iter()
            .filter(|c| c.scope == CapScope::Award && c.condition.is_none())
        {
            let limit = cx.expr(&cap.limit);
            if let (Bound::At(most), Bound::At(limit)) = (amount, limit) {
                if most <= limit && !most.is_zero() {
                    out.push(dead_cap(cap.span, most, limit));
                }
            }
            amount = amount.min(limit);
        }
        let yearly = m
            .caps
            .iter()
            .filter(|c| c.scope == CapScope::Year && c.condition.is_none())
            .map(|c| cx.expr(&c.limit))
            .fold(Bound::Unbounded, Bound::min);
        if let Bound::At(yearly) = yearly {
            item_caps_above(&cx, &m.award, yearly, &mut out);
        }
    }
    out
}

fn dead_cap(span: Span, most: Decimal, limit: Decimal) -> Diagnostic {
    Diagnostic::warning("zhice::lint::dead-cap", t!("this cap can never bind"), span)
        .label(t!(
            "the amount it caps is at most %{most}, the cap is %{limit}",
            most = money(most),
            limit = money(limit)
        ))
        .help(t!("remove the cap, or check the amounts it was meant to limit"))
}

fn item_caps_above(cx: &Cx, a: &Expr, yearly: Decimal, out: &mut Vec<Diagnostic>) {
    a.walk(&mut |e| {
        let ExprKind::Each { body, .. } = &e.kind else { return };
        if let ExprKind::Capped { cap, .. } = &body.kind {
            if let Bound::At(item) = cx.expr(cap) {
                if item > yearly {
                    out.push(
                        Diagnostic::warning("zhice::lint::item-cap-above-yearly", t!("the cap per item is above the yearly cap"), cap.span)
                            .label(t!("%{item} per item, but at most %{yearly} a year", item = money(item), yearly = money(yearly)))
                            .help(t!("one item alone can reach the yearly cap; check that the two caps are the ones the clause states")),
                    );
                }
            }
        }
    });
}
