//! Marginal bands (`in bands of BASE { … }`): each rate on the part of the
//! base inside its band, the bands running on from 0 without gaps.

use super::model::*;
use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::number::money;
use crate::syntax::ast;
use rust_decimal::Decimal;

impl Checker<'_> {
    /// `in bands of BASE { up to A => r1  A to B => r2  above B => r3 }`
    pub(super) fn bands(&mut self, base: &ast::Expr, rows: &[ast::BandRow]) -> Option<(ExprKind, Ty)> {
        let base_x = self.expect(base, &Ty::Money, &t!("the base of the bands"));
        let mut bands = Vec::new();
        let mut ok = base_x.is_some();
        // The upper edge of the band before, as written, to check that the next starts there.
        let mut previous: Option<(&ast::Expr, Option<Edge>)> = None;
        let n = rows.len();
        for (i, row) in rows.iter().enumerate() {
            let rate = self.expect(&row.rate, &Ty::Rate, &t!("the rate of a band"));
            let (lower_src, upper_src) = match &row.range.node {
                ast::BandRange::UpTo(hi) => (None, Some(hi)),
                ast::BandRange::Between(lo, hi) => (Some(lo), Some(hi)),
                ast::BandRange::Above(lo) => (Some(lo), None),
            };
            let lower = lower_src.map(|e| self.band_edge(e));
            let upper = upper_src.map(|e| self.band_edge(e));
            let shape_error = match (i, lower_src, upper_src) {
                (0, Some(_), _) => Some("the first band starts at 0: write it `up to …`"),
                (_, None, _) if i > 0 => {
                    Some("only the first band is written `up to …`; later bands say where they start: `A to B`")
                }
                (_, _, None) if i + 1 != n => Some("`above …` is the last band"),
                (_, _, Some(_)) if i + 1 == n => {
                    Some("say what applies above the last edge: end with `above … => 0%` when nothing is paid there")
                }
                _ => None,
            };
            if let Some(why) = shape_error {
                self.error(
                    Diagnostic::error(
                        "zhice::check::bands",
                        words!("the bands do not run on from 0 without a gap"),
                        row.range.span,
                    )
                    .label(words!("this band"))
                    .help(why),
                );
                ok = false;
            }
            if let (Some((prev_src, prev_edge)), Some(lo_src), Some(lo)) = (previous, lower_src, &lower) {
                let same_edge = match (&prev_edge, lo) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                if !same_edge {
                    self.error(
                        Diagnostic::error("zhice::check::bands", words!("this band does not start where the one before ends"), lo_src.span)
                            .label(words!("a different edge"))
                            .related(prev_src.span, words!("the band before ends here"))
                            .help(words!("each band starts at the edge the one before ends at (`up to 100万元`, then `100万元 to …`)")),
                    );
                    ok = false;
                }
            }
            previous = upper_src.map(|s| (s, upper.clone().flatten()));
            match (rate, lower, upper) {
                (Some(rate), lower, upper) => {
                    let lower = lower.and_then(|e| e.map(|e| e.expr));
                    let upper = upper.and_then(|e| e.map(|e| e.expr));
                    if (lower_src.is_some() && lower.is_none()) || (upper_src.is_some() && upper.is_none()) {
                        ok = false;
                        continue;
                    }
                    bands.push(Band {
                        lower,
                        upper,
                        rate,
                        span: row.range.span,
                    });
                }
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        self.edges_ascend(&bands, rows);
        Some((
            ExprKind::Bands {
                base: Box::new(base_x?),
                bands,
            },
            Ty::Money,
        ))
    }

    /// A band edge: an amount fixed by the policy (a literal or a parameter), so
    /// that the checker can prove the bands contiguous and ascending.
    fn band_edge(&mut self, e: &ast::Expr) -> Option<Edge> {
        let x = self.expect(e, &Ty::Money, &t!("a band's edge"))?;
        let key = match &x.kind {
            ExprKind::Const(Const::Money(d)) => EdgeKey::Amount(d.normalize()),
            ExprKind::Param(i) => EdgeKey::Param(*i),
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
            | ExprKind::Const(_) => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::bands",
                        words!("a band's edge is an amount the policy fixes"),
                        e.span,
                    )
                    .label(words!("read from the case"))
                    .help(words!("write the edge as an amount (`100万元`) or a parameter")),
                );
                return None;
            }
        };
        Some(Edge { key, expr: x })
    }

    /// The upper edges must rise from band to band, on every date a parameter
    /// changes — in each era a case can fall in: one that ends before the policy
    /// takes effect, or begins after it ends, is never used.
    fn edges_ascend(&mut self, bands: &[Band], rows: &[ast::BandRow]) {
        let mut changes: Vec<Date> = Vec::new();
        for b in bands {
            if let Some(ExprKind::Param(i)) = b.upper.as_ref().map(|u| &u.kind) {
                changes.extend(self.params[*i].dated.iter().map(|(d, _)| *d));
            }
        }
        changes.sort_unstable();
        changes.dedup();
        let (first_day, last_day) = self.period;
        // each era: from its first day (none: the values before any dated one) to the next change
        let eras: Vec<(Option<Date>, Option<Date>)> = std::iter::once(None)
            .chain(changes.iter().copied().map(Some))
            .zip(changes.iter().copied().map(Some).chain(std::iter::once(None)))
            .filter(|(from, until)| {
                let ends_before = matches!((until, first_day), (Some(u), Some(f)) if *u <= f);
                let starts_after = matches!((from, last_day), (Some(s), Some(l)) if *s > l);
                !ends_before && !starts_after
            })
            .collect();
        for (date, until) in eras {
            let mut last = Decimal::ZERO;
            for (b, row) in bands.iter().zip(rows) {
                let Some(upper) = &b.upper else { continue };
                let value = match &upper.kind {
                    ExprKind::Const(Const::Money(d)) => *d,
                    ExprKind::Param(i) => {
                        let p = &self.params[*i];
                        match date.map_or(&p.value, |d| p.value_on(d)) {
                            Const::Money(d) => *d,
                            _ => continue,
                        }
                    }
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
                    | ExprKind::Const(_) => continue,
                };
                if value <= last {
                    let when = match (date, until) {
                        (Some(d), _) => t!(" from %{date}", date = d).into_owned(),
                        (None, Some(u)) => t!(" before %{date}", date = u).into_owned(),
                        (None, None) => String::new(),
                    };
                    self.error(
                        Diagnostic::error(
                            "zhice::check::bands",
                            words!("the band edges do not rise%{when}", when = when),
                            row.range.span,
                        )
                        .label(words!(
                            "ends at %{value}, not above %{last}",
                            value = money(value),
                            last = money(last)
                        ))
                        .help(words!(
                            "list the bands from the lowest up, each ending above the one before"
                        )),
                    );
                    return;
                }
                last = value;
            }
        }
    }
}

/// What a band edge is, for telling whether two bands meet.
#[derive(Debug, Clone, PartialEq)]
enum EdgeKey {
    Amount(Decimal),
    Param(usize),
}

#[derive(Debug, Clone)]
struct Edge {
    key: EdgeKey,
    expr: Expr,
}

impl PartialEq for Edge {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
