//! Worst-case exposure, from the rules themselves: the largest amount each
//! award can pay one applicant in a year, from caps, tiers, fixed amounts and
//! declared ranges, and which awards no cap bounds at all. Also the lints that
//! need these bounds: caps that never bind, item caps above the yearly cap.

use crate::check::model::*;
use crate::diagnostic::Diagnostic;
use crate::report::number::money;
use crate::span::Span;
use rust_decimal::Decimal;
use serde::Serialize;

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

/// The worst case of a policy, per applicant per year.
#[derive(Debug, Clone, Serialize)]
pub struct Bounds {
    pub awards: Vec<AwardBound>,
    /// the sum of the award bounds; `None` when some award is unbounded
    pub total: Option<Decimal>,
    pub unbounded: Vec<String>,
}

/// Bounds every award of `policy`; `source` is its text, to name what sets each bound.
pub fn bounds(policy: &Policy, source: &str) -> Bounds {
    let cx = Cx { policy };
    let awards: Vec<AwardBound> = policy
        .measures
        .iter()
        .map(|m| {
            let (mut b, mut set_by) = cx.amount(&m.award, source);
            for cap in &m.caps {
                let limit = cx.expr(&cap.limit);
                if limit.min(b) != b || (b == Bound::Unbounded && limit != Bound::Unbounded) {
                    let scope = match cap.scope {
                        CapScope::Award => "",
                        CapScope::Year => " per applicant per year",
                        CapScope::Ever => " per applicant",
                    };
                    set_by = Some(format!("at most {}{scope}", cap.limit.span.text(source)));
                }
                b = b.min(limit);
            }
            AwardBound {
                id: m.id.clone(),
                clause: m.clause.clone(),
                title: m.title.clone(),
                max: b.value(),
                set_by,
                span: m.id_span,
            }
        })
        .collect();
    let unbounded: Vec<String> = awards
        .iter()
        .filter(|a| a.max.is_none())
        .map(|a| a.id.clone())
        .collect();
    let total = awards.iter().try_fold(Decimal::ZERO, |acc, a| acc.checked_add(a.max?));
    Bounds {
        awards,
        total,
        unbounded,
    }
}

struct Cx<'a> {
    policy: &'a Policy,
}

impl Cx<'_> {
    /// The largest value of a parameter over all its dated values.
    fn param(&self, i: usize) -> Bound {
        let p = &self.policy.params[i];
        std::iter::once(&p.value)
            .chain(p.dated.iter().map(|(_, v)| v))
            .fold(Bound::zero(), |b, v| match v {
                Const::Money(d) | Const::Rate(d) => b.max(Bound::At(*d)),
                Const::Int(n) => b.max(Bound::At(Decimal::from(*n))),
                _ => Bound::Unbounded,
            })
    }

    fn range_max(range: &Range) -> Bound {
        range.max.map_or(Bound::Unbounded, Bound::At)
    }

    /// An upper bound of a number-valued expression (money, rate, count).
    fn expr(&self, e: &Expr) -> Bound {
        match &e.kind {
            ExprKind::Const(Const::Money(d) | Const::Rate(d)) => Bound::At(*d),
            ExprKind::Const(Const::Int(n)) => Bound::At(Decimal::from(*n)),
            ExprKind::Param(i) => self.param(*i),
            ExprKind::Input(i) => Self::range_max(&self.policy.inputs[*i].range),
            ExprKind::Field(rec, f) => match rec.ty.required() {
                Ty::Record(r) => Self::range_max(&self.policy.records[*r].fields[*f].range),
                _ => Bound::Unbounded,
            },
            ExprKind::Binary(BinOp::Add, a, b) => self.expr(a).add(self.expr(b)),
            // The lower bound of what is taken away is at least 0 for the amounts a policy reads.
            ExprKind::Binary(BinOp::Sub, a, _) => self.expr(a),
            ExprKind::Binary(BinOp::Mul | BinOp::Of, a, b) => self.expr(a).mul(self.expr(b)),
            ExprKind::Binary(BinOp::Otherwise, a, b) => self.expr(a).max(self.expr(b)),
            ExprKind::Min(xs) => xs.iter().map(|x| self.expr(x)).fold(Bound::Unbounded, Bound::min),
            ExprKind::Max(xs) => xs.iter().map(|x| self.expr(x)).fold(Bound::zero(), Bound::max),
            ExprKind::If(_, t, f) => self.expr(t).max(self.expr(f)),
            _ => Bound::Unbounded,
        }
    }

    /// How many distinct values a `once per` key can take, when it is a choice.
    fn distinct(&self, key: &Expr) -> Option<Decimal> {
        match key.ty.required() {
            Ty::Enum(en) => Some(Decimal::from(self.policy.enums[*en].values.len())),
            _ => None,
        }
    }

    /// An upper bound of an amount, and the cap that sets it when one does.
    fn amount(&self, a: &Amount, source: &str) -> (Bound, Option<String>) {
        let (b, by) = match &a.kind {
            AmountKind::Expr(e) => (self.expr(e), None),
            AmountKind::UpTo { ceiling, .. } => {
                (self.expr(ceiling), Some(format!("up to {}", ceiling.span.text(source))))
            }
            AmountKind::Tier { rows, .. } => (
                rows.iter()
                    .map(|r| self.amount(&r.amount, source).0)
                    .fold(Bound::zero(), Bound::max),
                None,
            ),
            AmountKind::Pick { policy, alternatives } => {
                let each = alternatives.iter().map(|alt| self.amount(&alt.amount, source).0);
                match policy {
                    HitPolicy::Sum => (each.fold(Bound::zero(), Bound::add), None),
                    _ => (each.fold(Bound::zero(), Bound::max), None),
                }
            }
            AmountKind::Each { body, once_per, .. } => {
                let item = self.amount(body, source).0;
                // A list has no length limit; only a key drawn from a choice bounds the count.
                let count = once_per
                    .as_ref()
                    .and_then(|k| self.distinct(k))
                    .map_or(Bound::Unbounded, Bound::At);
                (item.mul(count), None)
            }
        };
        match &a.cap {
            Some(cap) => {
                let limit = self.expr(cap);
                let by = if limit.min(b) != b || b == Bound::Unbounded {
                    Some(format!("at most {}", cap.span.text(source)))
                } else {
                    by
                };
                (b.min(limit), by)
            }
            None => (b, by),
        }
    }
}

/// Lints from the bounds: caps that can never bind, and item caps above the
/// yearly cap over them.
pub fn lints(policy: &Policy) -> Vec<Diagnostic> {
    let cx = Cx { policy };
    let mut out = Vec::new();
    for m in &policy.measures {
        let (mut amount, _) = cx.amount(&m.award, "");
        cap_lints(&cx, &m.award, &mut out);
        // Only a cap on the award itself can be dead: a cap per year or per
        // applicant also counts what the ledger holds, so it can always bind.
        for cap in m.caps.iter().filter(|c| c.scope == CapScope::Award) {
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
            .filter(|c| c.scope == CapScope::Year)
            .map(|c| cx.expr(&c.limit))
            .fold(Bound::Unbounded, Bound::min);
        if let Bound::At(yearly) = yearly {
            item_caps_above(&cx, &m.award, yearly, &mut out);
        }
    }
    out
}

fn dead_cap(span: Span, most: Decimal, limit: Decimal) -> Diagnostic {
    Diagnostic::warning("zhice::lint::dead-cap", "this cap can never bind", span)
        .label(format!(
            "the amount it caps is at most {}, the cap is {}",
            money(most),
            money(limit)
        ))
        .help("remove the cap, or check the amounts it was meant to limit")
}

/// `, at most …` caps inside an amount that nothing below them can reach.
fn cap_lints(cx: &Cx, a: &Amount, out: &mut Vec<Diagnostic>) {
    let inner = Amount {
        kind: a.kind.clone(),
        cap: None,
        span: a.span,
    };
    if let Some(cap) = &a.cap {
        if let (Bound::At(most), Bound::At(limit)) = (cx.amount(&inner, "").0, cx.expr(cap)) {
            if most <= limit && !most.is_zero() {
                out.push(dead_cap(cap.span, most, limit));
            }
        }
    }
    match &a.kind {
        AmountKind::Tier { rows, .. } => rows.iter().for_each(|r| cap_lints(cx, &r.amount, out)),
        AmountKind::Pick { alternatives, .. } => alternatives.iter().for_each(|alt| cap_lints(cx, &alt.amount, out)),
        AmountKind::Each { body, .. } => cap_lints(cx, body, out),
        AmountKind::Expr(_) | AmountKind::UpTo { .. } => {}
    }
}

fn item_caps_above(cx: &Cx, a: &Amount, yearly: Decimal, out: &mut Vec<Diagnostic>) {
    if let AmountKind::Each { body, .. } = &a.kind {
        if let Some(cap) = &body.cap {
            if let Bound::At(item) = cx.expr(cap) {
                if item > yearly {
                    out.push(
                        Diagnostic::warning("zhice::lint::item-cap-above-yearly", "the cap per item is above the yearly cap", cap.span)
                            .label(format!("{} per item, but at most {} a year", money(item), money(yearly)))
                            .help("one item alone can reach the yearly cap; check that the two caps are the ones the clause states"),
                    );
                }
            }
        }
        item_caps_above(cx, body, yearly, out);
    }
}
