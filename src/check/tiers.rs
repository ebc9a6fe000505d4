//! Tier tables (`by KEY { … }`): each key a value of the choice or a range of
//! whole numbers, complete and non-overlapping.

use super::expr::coerce;
use super::forms::describe_range;
use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::span::{Span, Spanned};
use crate::syntax::ast;

/// Tier tables over ranges wider than this are checked for completeness by
/// interval arithmetic only, never by listing values.
const MAX_LISTED_TIER_VALUES: i64 = 10_000;

impl Checker<'_> {
    pub(super) fn tier(&mut self, key: &ast::Expr, rows: &[ast::TierRow]) -> Option<(ExprKind, Ty)> {
        let key = self.expr(key)?;
        let domain = match key.ty.required() {
            Ty::Enum(en) => Domain::Enum(*en),
            Ty::Int => Domain::Int(self.int_range(&key)),
            Ty::Date => Domain::Date,
            _ => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::tier-key",
                        words!("a tier table is keyed by a level or a choice"),
                        key.span)
                    .label(words!("this is %{type_name}", type_name = self.type_name(&key.ty)))
                    .help(words!("key the table by an int (`by dcmm_level`), an enum (`by item.level`) or a date (`by founded { 2020-01-01..2022-12-31 => … }`); for amounts in bands write `in bands of`")),
                );
                return None;
            }
        };
        let mut out: Vec<TierRow> = Vec::new();
        let mut ok = true;
        for (i, row) in rows.iter().enumerate() {
            let k = self.tier_key(&row.key, &domain);
            if k == Some(TierKey::Otherwise) && i + 1 != rows.len() {
                self.error(
                    Diagnostic::error(
                        "zhice::check::unreachable",
                        words!("rows after `otherwise` are never used"),
                        rows[i + 1].key.span,
                    )
                    .label(words!("never reached"))
                    .related(row.key.span, words!("`otherwise` takes every remaining value"))
                    .help(words!("move `otherwise => …` to the end")),
                );
                ok = false;
            }
            let amount = self.expr(&row.amount);
            match (k, amount) {
                (Some(key), Some(amount)) => out.push(TierRow {
                    key,
                    amount,
                    span: row.key.span,
                }),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let pairs: Vec<(&Expr, &ast::Expr)> = out.iter().zip(rows).map(|(o, r)| (&o.amount, &r.amount)).collect();
        // a table gives any one plain type: amounts, counts, dates, yes/no, a choice
        let ty = self.common_type(&pairs, |t| !matches!(t, Ty::List(_) | Ty::Record(_) | Ty::Optional(_)))?;
        for row in &mut out {
            row.amount = coerce(row.amount.clone(), &ty);
        }
        // a key not given finds no row: a table of amounts gives 0 then, any other needs `otherwise`
        let otherwise = out.iter().any(|r| r.key == TierKey::Otherwise);
        if !ty.is_numeric() && key.ty.is_optional() && !otherwise {
            self.error(
                Diagnostic::error(
                    "zhice::check::tier-incomplete",
                    words!(
                        "a table of %{type_name} needs a row for a key not given",
                        type_name = self.type_name(&ty)
                    ),
                    key.span,
                )
                .label(words!("this key may be missing from a case"))
                .help(words!(
                    "add `otherwise => …` as the last row: only a table of amounts gives 0 when no row applies"
                )),
            );
            return None;
        }
        self.tier_coverage(&key, &domain, &out);
        Some((
            ExprKind::Tier {
                key: Box::new(key),
                rows: out,
            },
            ty,
        ))
    }

    /// The declared range of an int key, when it is an input or a record field.
    fn int_range(&self, key: &Expr) -> Range {
        match &key.kind {
            ExprKind::Input(i) => self.inputs[*i].range.clone(),
            ExprKind::Field(rec, fi) => match rec.ty.required() {
                Ty::Record(r) => self.records[*r].fields[*fi].range.clone(),
                _ => Range::default(),
            },
            ExprKind::Const(_)
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
            | ExprKind::Capped { .. } => Range::default(),
        }
    }

    fn tier_key(&mut self, k: &Spanned<ast::TierKey>, domain: &Domain) -> Option<TierKey> {
        let bad = |me: &mut Self, what: &str| {
            me.error(
                Diagnostic::error("zhice::check::tier-key", words!("this row key does not fit the table: %{what}", what = what), k.span)
                    .label(words!("wrong kind of key"))
                    .help(words!("rows of a table keyed by a level are numbers or ranges (`3 =>`, `1..3 =>`); by a choice, its values")),
            );
            None
        };
        let int = |lit: &ast::Literal| match lit {
            ast::Literal::Number(d) if d.fract().is_zero() => i64::try_from(*d).ok(),
            _ => None,
        };
        match (&k.node, domain) {
            (ast::TierKey::Otherwise, _) => Some(TierKey::Otherwise),
            (ast::TierKey::Name(n), Domain::Enum(en)) => {
                let en = *en;
                match self.enums[en].values.iter().position(|(v, _)| v == n) {
                    Some(i) => {
                        let symbol = super::names::Symbol::EnumValue(self.enums[en].name.clone(), n.clone());
                        self.used(k.span, symbol);
                        u32::try_from(i).ok().map(TierKey::Value)
                    }
                    None => {
                        let names: Vec<&str> = self.enums[en].values.iter().map(|(v, _)| v.as_str()).collect();
                        let near = closest(n, names.iter().copied()).map(str::to_string);
                        let help: String = t!(
                            "the values of `%{en}` are %{names}",
                            en = self.enums[en].name,
                            names = names.join(", ")
                        )
                        .into_owned();
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unknown-value",
                                words!("`%{n}` is not a value of `%{en}`", n = n, en = self.enums[en].name),
                                k.span,
                            )
                            .label(words!("unknown value"))
                            .suggest(near, help),
                        );
                        None
                    }
                }
            }
            (ast::TierKey::Literal(lit), Domain::Int(_)) => match int(lit) {
                Some(n) => Some(TierKey::Ints(n, n)),
                None => bad(self, &t!("expected a whole number")),
            },
            (ast::TierKey::Range(lo, hi), Domain::Int(_)) => match (int(lo), int(hi)) {
                (Some(lo), Some(hi)) if lo <= hi => Some(TierKey::Ints(lo, hi)),
                _ => bad(self, &t!("expected a range of whole numbers, smaller first")),
            },
            (ast::TierKey::Literal(ast::Literal::Date(d)), Domain::Date) => Some(TierKey::Dates(*d, *d)),
            (ast::TierKey::Range(ast::Literal::Date(a), ast::Literal::Date(b)), Domain::Date) if a <= b => {
                Some(TierKey::Dates(*a, *b))
            }
            (_, Domain::Date) => bad(self, &t!("expected a day or a range of days, earlier first")),
            (_, Domain::Enum(_)) => bad(self, &t!("expected a value of the choice")),
            (ast::TierKey::Name(_), Domain::Int(_)) => bad(self, &t!("expected a number")),
        }
    }

    fn tier_coverage(&mut self, key: &Expr, domain: &Domain, rows: &[TierRow]) {
        let has_otherwise = rows.iter().any(|r| r.key == TierKey::Otherwise);
        // `None` when the rows cannot be proved to cover every value.
        let mut missing: Option<Vec<String>> = None;
        match domain {
            Domain::Enum(en) => {
                let n = self.enums[*en].values.len();
                let mut seen: Vec<Option<Span>> = vec![None; n];
                for row in rows {
                    let TierKey::Value(v) = row.key else { continue };
                    let v = v as usize;
                    if let Some(first) = seen[v] {
                        self.overlap_error(row.span, first);
                    }
                    seen[v] = Some(row.span);
                }
                missing = Some(
                    (0..n)
                        .filter(|v| seen[*v].is_none())
                        .map(|v| self.enums[*en].values[v].0.clone())
                        .collect(),
                );
            }
            Domain::Int(range) => {
                let lo_dom = range.min.and_then(|d| i64::try_from(d.ceil()).ok());
                let hi_dom = range.max.and_then(|d| i64::try_from(d.floor()).ok());
                let ints: Vec<(i64, i64, Span)> = rows
                    .iter()
                    .filter_map(|r| match r.key {
                        TierKey::Ints(a, b) => Some((a, b, r.span)),
                        _ => None,
                    })
                    .collect();
                for (j, (a, b, s)) in ints.iter().enumerate() {
                    if let Some((_, _, first)) = ints[..j].iter().find(|(c, d, _)| a <= d && c <= b) {
                        self.overlap_error(*s, *first);
                    }
                    if lo_dom.is_some_and(|lo| *b < lo) || hi_dom.is_some_and(|hi| *a > hi) {
                        self.error(
                            Diagnostic::warning("zhice::lint::unreachable-row", words!("this row can never apply"), *s)
                                .label(words!("outside the declared range"))
                                .related(key.span, words!("declared as %{range}", range = describe_range(range)))
                                .help(words!("remove the row, or widen the input's declared range")),
                        );
                    }
                }
                match (lo_dom, hi_dom) {
                    (Some(lo), Some(hi)) if hi.saturating_sub(lo) <= MAX_LISTED_TIER_VALUES => {
                        missing = Some(
                            (lo..=hi)
                                .filter(|v| !ints.iter().any(|(a, b, _)| a <= v && v <= b))
                                .map(|v| v.to_string())
                                .collect(),
                        );
                    }
                    _ if !has_otherwise => {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::tier-incomplete",
                                words!("the tier table may meet a value it has no row for"),
                                key.span,
                            )
                            .label(words!("no declared range to cover"))
                            .help(words!("declare the input's range (`int 3..5`) or add `otherwise => …`")),
                        );
                    }
                    _ => {}
                }
            }
            Domain::Date => {
                let days: Vec<(crate::date::Date, crate::date::Date, Span)> = rows
                    .iter()
                    .filter_map(|r| match r.key {
                        TierKey::Dates(a, b) => Some((a, b, r.span)),
                        _ => None,
                    })
                    .collect();
                for (j, (a, b, s)) in days.iter().enumerate() {
                    if let Some((_, _, first)) = days[..j].iter().find(|(c, d, _)| a <= d && c <= b) {
                        self.overlap_error(*s, *first);
                    }
                }
                // days run on without end: only `otherwise` covers them all
                if !has_otherwise {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::tier-incomplete",
                            words!("the tier table may meet a value it has no row for"),
                            key.span,
                        )
                        .label(words!("a day before, between or after the rows"))
                        .help(words!("add `otherwise => …` for every other day")),
                    );
                }
            }
        }
        let Some(missing) = missing else { return };
        if !missing.is_empty() && !has_otherwise {
            self.error(
                Diagnostic::error(
                    "zhice::check::tier-incomplete",
                    words!("the tier table has no row for %{missing}", missing = missing.join(", ")),
                    key.span,
                )
                .label(words!("some values have no row"))
                .help(words!(
                    "add rows for %{missing} or an `otherwise => …` row",
                    missing = missing.join(", ")
                )),
            );
        }
        // `otherwise` also takes a key that is not given, so it is used whenever the key is optional.
        if missing.is_empty() && has_otherwise && !key.ty.is_optional() {
            if let Some(row) = rows.iter().find(|r| r.key == TierKey::Otherwise) {
                self.error(
                    Diagnostic::warning(
                        "zhice::check::unreachable",
                        words!("`otherwise` is never used: the rows cover every value"),
                        row.span,
                    )
                    .label(words!("never reached"))
                    .help(words!("remove the `otherwise` row")),
                );
            }
        }
    }

    fn overlap_error(&mut self, at: Span, first: Span) {
        self.error(
            Diagnostic::error(
                "zhice::check::tier-overlap",
                words!("two rows of the tier table cover the same value"),
                at,
            )
            .label(words!("overlaps an earlier row"))
            .related(first, words!("earlier row"))
            .help(words!("each value must have exactly one row")),
        );
    }
}

enum Domain {
    Enum(usize),
    Int(Range),
    Date,
}
