//! The block forms of an amount, typed like any expression: `up to`,
//! alternatives under a hit policy, `each` item and `, at most` caps; tier
//! tables in `tiers`, marginal bands in `bands`. Alternatives must say which
//! applies when several do.

use super::expr::{coerce, join_ty, settle};
use super::model::*;
use super::overlap::{disjoint, same};
use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};
use crate::syntax::ast;
use rust_decimal::Decimal;

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
            | ast::ExprKind::DatePart(..)
            | ast::ExprKind::Between { .. }
            | ast::ExprKind::Period { .. }
            | ast::ExprKind::Edge { .. }
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
                        Diagnostic::error(
                            "zhice::check::type",
                            words!("the assessed amount must be money"),
                            x.span,
                        )
                        .label(words!("this is %{type_name}", type_name = self.type_name(&checked.ty)))
                        .help(words!(
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
    pub(super) fn common_amount_type(&mut self, amounts: &[(&Expr, &ast::Expr)]) -> Option<Ty> {
        self.common_type(amounts, Ty::is_numeric)
    }

    /// The one type every row gives, when `allowed` takes it: an error names the row that differs.
    pub(super) fn common_type(&mut self, amounts: &[(&Expr, &ast::Expr)], allowed: fn(&Ty) -> bool) -> Option<Ty> {
        let mut ty = amounts.first().map(|(x, _)| x.ty.clone())?;
        for (x, src) in amounts {
            match join_ty(&ty, &x.ty) {
                Some(t) if allowed(&t) => ty = t,
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
                Diagnostic::error(
                    "zhice::check::not-a-list",
                    words!("`each` goes through a list"),
                    list.span,
                )
                .label(words!("this is %{type_name}", type_name = self.type_name(&list_x.ty)))
                .help(words!("declare the input as `list of …`")),
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
                                words!("an alternative with no condition is only for `the sum of` and `the highest of`"),
                                alt.span,
                            )
                            .label(words!("no `when`"))
                            .help(words!(
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
                                words!("alternatives after `otherwise` are never used"),
                                alts[i + 1].span,
                            )
                            .label(words!("never reached"))
                            .related(alt.span, words!("`otherwise` applies before this"))
                            .help(words!("move `otherwise => …` to the end")),
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
                            words!("this alternative can never apply"),
                            b.span,
                        )
                        .label(words!("same condition as an earlier one"))
                        .related(a.span, words!("this one always applies first"))
                        .help(words!("change its condition, or remove it")),
                    );
                } else if policy.node == HitPolicy::One && !disjoint(ca, cb) {
                    self.error(
                        Diagnostic::error("zhice::check::overlap", words!("two alternatives may both apply and the policy does not say which wins"), b.span)
                            .label(words!("may apply together with the earlier one"))
                            .related(a.span, words!("this one may apply too"))
                            .related(policy.span, words!("`one of` requires that at most one applies"))
                            .help(words!("state the precedence: `the highest of` (按照最高标准), `the first of` (in written order) or `the sum of` (all that apply)")),
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
}

pub(super) fn describe_range(r: &Range) -> String {
    let show = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{}..{}", show(r.min), show(r.max))
}
