//! The block forms of an amount, typed like any expression: `up to`, tier
//! tables, alternatives under a hit policy, `each` item, marginal bands and
//! `, at most` caps. Tier tables must be complete and non-overlapping,
//! alternatives must say which applies when several do, and bands must run on
//! from 0 without gaps.

use super::expr::{coerce, join_ty, settle};
use super::model::*;
use super::overlap::{disjoint, same};
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::number::money;
use crate::span::{Span, Spanned};
use crate::syntax::ast;
use rust_decimal::Decimal;

/// Tier tables over ranges wider than this are checked for completeness by
/// interval arithmetic only, never by listing values.
const MAX_LISTED_TIER_VALUES: i64 = 10_000;

impl Checker<'_> {
    /// One of the block forms (and `, at most`), as an expression.
    pub(super) fn form(&mut self, e: &ast::Expr) -> Option<Expr> {
        let (kind, ty) = match &e.kind {
            ast::ExprKind::UpTo { ceiling, assessed } => self.up_to(ceiling, assessed.as_deref())?,
            ast::ExprKind::Tier { key, rows } => self.tier(key, rows)?,
            ast::ExprKind::Pick { policy, alternatives } => self.pick(policy, alternatives)?,
            ast::ExprKind::Each {
                var,
                list,
                filter,
                body,
                once_per,
            } => self.each(var, list, filter.as_deref(), body, once_per.as_deref())?,
            ast::ExprKind::Bands { base, rows } => self.bands(base, rows)?,
            ast::ExprKind::Capped { amount, cap } => {
                let amount = self.expr(amount);
                let limit = self.expr(cap);
                let (amount, limit) = (amount?, limit?);
                let Some(ty) = join_ty(&amount.ty, &limit.ty).filter(Ty::is_numeric) else {
                    let (ta, tc) = (self.type_name(&amount.ty), self.type_name(&limit.ty));
                    return self.mismatch(
                        cap,
                        t!("a cap on %{ta} must be %{ta} too, but this is %{tc}", ta = ta, tc = tc).into_owned(),
                        &limit.ty,
                    );
                };
                (
                    ExprKind::Capped {
                        amount: Box::new(coerce(amount, &ty)),
                        cap: Box::new(coerce(limit, &ty)),
                    },
                    ty,
                )
            }
            ast::ExprKind::Literal(_)
            | ast::ExprKind::Path(_)
            | ast::ExprKind::Binary(..)
            | ast::ExprKind::Not(_)
            | ast::ExprKind::Neg(_)
            | ast::ExprKind::IsGiven { .. }
            | ast::ExprKind::Is { .. }
            | ast::ExprKind::Call { .. }
            | ast::ExprKind::If(..)
            | ast::ExprKind::Round { .. }
            | ast::ExprKind::Aggregate(_)
            | ast::ExprKind::Quantified(_) => return None,
        };
        Some(Expr { kind, ty, span: e.span })
    }

    fn up_to(&mut self, ceiling: &ast::Expr, assessed: Option<&ast::Expr>) -> Option<(ExprKind, Ty)> {
        let ceiling = self.expect(ceiling, &Ty::Money, &t!("the ceiling after `up to`"));
        let assessed = match assessed {
            None => None,
            Some(x) => {
                let checked = self.expr(x)?;
                if *checked.ty.required() != Ty::Money {
                    self.error(
                        Diagnostic::error("zhice::check::type", t!("the assessed amount must be money"), x.span)
                            .label(t!("this is %{type_name}", type_name = self.type_name(&checked.ty)))
                            .help(t!(
                                "name the input or field that holds the amount an expert review fixed"
                            )),
                    );
                    return None;
                }
                Some(Box::new(checked))
            }
        };
        Some((
            ExprKind::UpTo {
                ceiling: Box::new(ceiling?),
                assessed,
            },
            Ty::Money,
        ))
    }

    /// The type shared by the amounts of rows or alternatives: numeric, and the same for all.
    fn common_amount_type(&mut self, amounts: &[(&Expr, &ast::Expr)]) -> Option<Ty> {
        let mut ty = amounts.first().map(|(x, _)| x.ty.clone())?;
        for (x, src) in amounts {
            match join_ty(&ty, &x.ty) {
                Some(t) if t.is_numeric() => ty = t,
                _ => {
                    let want = self.type_name(&ty);
                    self.mismatch(
                        src,
                        t!("every row of a table gives the same unit, here %{want}", want = want).into_owned(),
                        &x.ty,
                    );
                    return None;
                }
            }
        }
        Some(ty)
    }

    fn each(
        &mut self,
        var: &ast::Ident,
        list: &ast::Expr,
        filter: Option<&ast::Expr>,
        body: &ast::Expr,
        once_per: Option<&ast::Expr>,
    ) -> Option<(ExprKind, Ty)> {
        let list_x = self.expr(list)?;
        if !matches!(list_x.ty, Ty::List(_)) {
            self.error(
                Diagnostic::error("zhice::check::not-a-list", t!("`each` goes through a list"), list.span)
                    .label(t!("this is %{type_name}", type_name = self.type_name(&list_x.ty)))
                    .help(t!("declare the input as `list of …`")),
            );
            return None;
        }
        let local = self.bind_item(var, &list_x, list)?;
        let body_x = self.expect(body, &Ty::Money, &t!("the amount of each item"));
        let (filter, once_per) = self.filter_and_key(filter, once_per, "once per");
        self.scope.pop();
        let (filter, once_per) = (settle(filter)?, settle(once_per)?);
        Some((
            ExprKind::Each {
                local,
                list: Box::new(list_x),
                filter: filter.map(Box::new),
                body: Box::new(body_x?),
                once_per: once_per.map(Box::new),
            },
            Ty::Money,
        ))
    }

    fn pick(&mut self, policy: &Spanned<HitPolicy>, alts: &[ast::Alternative]) -> Option<(ExprKind, Ty)> {
        let mut out: Vec<Alternative> = Vec::new();
        let mut ok = true;
        for (i, alt) in alts.iter().enumerate() {
            let when = match &alt.when {
                Some(c) => self.expect(c, &Ty::Bool, &t!("the condition of an alternative")),
                // An amount with no condition always applies: it is added, or compared, every time.
                None if !alt.otherwise => {
                    if !matches!(policy.node, HitPolicy::Sum | HitPolicy::Highest) {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::alternative-condition",
                                t!("an alternative with no condition is only for `the sum of` and `the highest of`"),
                                alt.span,
                            )
                            .label(t!("no `when`"))
                            .help(t!(
                                "write its condition (`30万元 when sme`), or make it the fallback: `otherwise => 30万元`"
                            )),
                        );
                        ok = false;
                    }
                    // Written nowhere: an empty span, which lints and explanations recognise.
                    Some(Expr {
                        kind: ExprKind::Const(Const::Bool(true)),
                        ty: Ty::Bool,
                        span: Span::new(alt.amount.span.start, alt.amount.span.start),
                    })
                }
                None => {
                    if i + 1 != alts.len() {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unreachable",
                                t!("alternatives after `otherwise` are never used"),
                                alts[i + 1].span,
                            )
                            .label(t!("never reached"))
                            .related(alt.span, t!("`otherwise` applies before this"))
                            .help(t!("move `otherwise => …` to the end")),
                        );
                        ok = false;
                    }
                    None
                }
            };
            let amount = self.expr(&alt.amount);
            match (amount, alt.otherwise, when) {
                (Some(amount), true, _) => out.push(Alternative {
                    when: None,
                    amount,
                    span: alt.span,
                }),
                (Some(amount), false, Some(w)) => out.push(Alternative {
                    when: Some(w),
                    amount,
                    span: alt.span,
                }),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let pairs: Vec<(&Expr, &ast::Expr)> = out.iter().zip(alts).map(|(o, a)| (&o.amount, &a.amount)).collect();
        let ty = self.common_amount_type(&pairs)?;
        for alt in &mut out {
            alt.amount = coerce(alt.amount.clone(), &ty);
        }
        for (j, b) in out.iter().enumerate() {
            for a in &out[..j] {
                let (Some(ca), Some(cb)) = (&a.when, &b.when) else {
                    continue;
                };
                if policy.node == HitPolicy::First && same(ca, cb) {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::unreachable",
                            t!("this alternative can never apply"),
                            b.span,
                        )
                        .label(t!("same condition as an earlier one"))
                        .related(a.span, t!("this one always applies first"))
                        .help(t!("change its condition, or remove it")),
                    );
                } else if policy.node == HitPolicy::One && !disjoint(ca, cb) {
                    self.error(
                        Diagnostic::error("zhice::check::overlap", t!("two alternatives may both apply and the policy does not say which wins"), b.span)
                            .label(t!("may apply together with the earlier one"))
                            .related(a.span, t!("this one may apply too"))
                            .related(policy.span, t!("`one of` requires that at most one applies"))
                            .help(t!("state the precedence: `the highest of` (按照最高标准), `the first of` (in written order) or `the sum of` (all that apply)")),
                    );
                }
            }
        }
        Some((
            ExprKind::Pick {
                policy: policy.node,
                alternatives: out,
            },
            ty,
        ))
    }

    fn tier(&mut self, key: &ast::Expr, rows: &[ast::TierRow]) -> Option<(ExprKind, Ty)> {
        let key = self.expr(key)?;
        let domain = match key.ty.required() {
            Ty::Enum(en) => Domain::Enum(*en),
            Ty::Int => Domain::Int(self.int_range(&key)),
            _ => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::tier-key",
                        t!("a tier table is keyed by a level or a choice"),
                        key.span)
                    .label(t!("this is %{type_name}", type_name = self.type_name(&key.ty)))
                    .help(t!("key the table by an int (`by dcmm_level`) or an enum (`by item.level`); for amounts in bands write `in bands of`")),
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
                        t!("rows after `otherwise` are never used"),
                        rows[i + 1].key.span,
                    )
                    .label(t!("never reached"))
                    .related(row.key.span, t!("`otherwise` takes every remaining value"))
                    .help(t!("move `otherwise => …` to the end")),
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
        let ty = self.common_amount_type(&pairs)?;
        for row in &mut out {
            row.amount = coerce(row.amount.clone(), &ty);
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
                Diagnostic::error("zhice::check::tier-key", t!("this row key does not fit the table: %{what}", what = what), k.span)
                    .label(t!("wrong kind of key"))
                    .help(t!("rows of a table keyed by a level are numbers or ranges (`3 =>`, `1..3 =>`); by a choice, its values")),
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
                                t!("`%{n}` is not a value of `%{en}`", n = n, en = self.enums[en].name),
                                k.span,
                            )
                            .label(t!("unknown value"))
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
                            Diagnostic::warning("zhice::lint::unreachable-row", t!("this row can never apply"), *s)
                                .label(t!("outside the declared range"))
                                .related(key.span, t!("declared as %{range}", range = describe_range(range)))
                                .help(t!("remove the row, or widen the input's declared range")),
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
                                t!("the tier table may meet a value it has no row for"),
                                key.span,
                            )
                            .label(t!("no declared range to cover"))
                            .help(t!("declare the input's range (`int 3..5`) or add `otherwise => …`")),
                        );
                    }
                    _ => {}
                }
            }
        }
        let Some(missing) = missing else { return };
        if !missing.is_empty() && !has_otherwise {
            self.error(
                Diagnostic::error(
                    "zhice::check::tier-incomplete",
                    t!("the tier table has no row for %{missing}", missing = missing.join(", ")),
                    key.span,
                )
                .label(t!("some values have no row"))
                .help(t!(
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
                        t!("`otherwise` is never used: the rows cover every value"),
                        row.span,
                    )
                    .label(t!("never reached"))
                    .help(t!("remove the `otherwise` row")),
                );
            }
        }
    }

    fn overlap_error(&mut self, at: Span, first: Span) {
        self.error(
            Diagnostic::error(
                "zhice::check::tier-overlap",
                t!("two rows of the tier table cover the same value"),
                at,
            )
            .label(t!("overlaps an earlier row"))
            .related(first, t!("earlier row"))
            .help(t!("each value must have exactly one row")),
        );
    }

    /// `in bands of BASE { up to A => r1  A to B => r2  above B => r3 }`
    fn bands(&mut self, base: &ast::Expr, rows: &[ast::BandRow]) -> Option<(ExprKind, Ty)> {
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
                        t!("the bands do not run on from 0 without a gap"),
                        row.range.span,
                    )
                    .label(t!("this band"))
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
                        Diagnostic::error("zhice::check::bands", t!("this band does not start where the one before ends"), lo_src.span)
                            .label(t!("a different edge"))
                            .related(prev_src.span, t!("the band before ends here"))
                            .help(t!("each band starts at the edge the one before ends at (`up to 100万元`, then `100万元 to …`)")),
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
                        t!("a band's edge is an amount the policy fixes"),
                        e.span,
                    )
                    .label(t!("read from the case"))
                    .help(t!("write the edge as an amount (`100万元`) or a parameter")),
                );
                return None;
            }
        };
        Some(Edge { key, expr: x })
    }

    /// The upper edges must rise from band to band, on every date a parameter changes.
    fn edges_ascend(&mut self, bands: &[Band], rows: &[ast::BandRow]) {
        let mut dates: Vec<Option<Date>> = vec![None];
        for b in bands {
            if let Some(ExprKind::Param(i)) = b.upper.as_ref().map(|u| &u.kind) {
                dates.extend(self.params[*i].dated.iter().map(|(d, _)| Some(*d)));
            }
        }
        for date in dates {
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
                    let when = date.map(|d| format!(" from {d}")).unwrap_or_default();
                    self.error(
                        Diagnostic::error(
                            "zhice::check::bands",
                            t!("the band edges do not rise%{when}", when = when),
                            row.range.span,
                        )
                        .label(t!(
                            "ends at %{value}, not above %{last}",
                            value = money(value),
                            last = money(last)
                        ))
                        .help(t!(
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

enum Domain {
    Enum(usize),
    Int(Range),
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

fn describe_range(r: &Range) -> String {
    let show = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{}..{}", show(r.min), show(r.max))
}
