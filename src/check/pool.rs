//! Pools: a budget shared by every applicant of a period. Its amount is fixed
//! by the policy, it funds measures of the policy (each from one pool), and
//! the way it is divided when demand exceeds it is stated in full: pro rata
//! with the rounding of each share and what becomes of the residue, or an
//! order that serves claims whole until the pool runs out.

use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn pool(&mut self, p: &ast::PoolDecl, earlier: &[ast::PoolDecl]) -> Option<PoolDef> {
        let saved = self.begin_item();
        let amount = self.fixed_money(&p.amount, &t!("a pool's amount"));
        let ration = match &p.ration.node {
            ast::Ration::ProRata => Some(RationRule::ProRata),
            ast::Ration::CappedProRata(cap) => self
                .fixed_money(cap, &t!("a pool's cap on each application"))
                .map(RationRule::CappedProRata),
            ast::Ration::InOrder {
                key,
                descending,
                words,
                then,
            } => {
                let first = self.order_key(key);
                let then = match then {
                    Some((k, d, w)) => self.order_key(k).map(|k| Some((k, *d, *w))),
                    None => Some(None),
                };
                match (first, then) {
                    (Some(key), Some(then)) => Some(RationRule::InOrder {
                        key,
                        descending: *descending,
                        words,
                        then,
                    }),
                    _ => None,
                }
            }
        };
        self.end_item(saved);
        if p.text.is_none() {
            self.error(
                Diagnostic::warning(
                    "zhice::check::no-text",
                    words!("pool `%{id}` has no clause text", id = p.id.node),
                    p.id.span,
                )
                .label(words!("no `text`"))
                .help(words!(
                    "keep the clause's own words beside the pool: `text \"…\"`; explanations show them"
                )),
            );
        }
        if let ast::PoolPeriod::Range(from, to) = p.period.node {
            if to < from {
                self.error(
                    Diagnostic::error(
                        "zhice::check::period",
                        words!("the pool's period ends before it begins"),
                        p.period.span,
                    )
                    .label(words!("%{to} is before %{from}", to = to, from = from))
                    .help(words!(
                        "write the first day, then the last: `from 2026-01-01 to 2026-12-31`"
                    )),
                );
            }
        }
        let members = self.pool_members(p, earlier);
        let ordered = matches!(p.ration.node, ast::Ration::InOrder { .. });
        let rounding = match (&p.rounding, ordered) {
            (_, true) if p.residue.is_some() || p.rounding.is_some() => {
                let at = p
                    .rounding
                    .as_ref()
                    .map_or_else(|| p.residue.as_ref().map_or(p.span, |r| r.span), |_| unit_span(p));
                self.error(
                    Diagnostic::error("zhice::check::pool-rounding", words!("claims served in order are not divided: there is nothing to round"), at)
                        .label(words!("rounding or residue of shares"))
                        .help(words!("remove `each share rounded to …` and `residue …`; an ordered pool grants each claim whole, and the last one what is left")),
                );
                None
            }
            (_, true) => None,
            (Some((unit, mode)), false) => {
                if !super::is_power_of_ten(unit.node) {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::rounding-unit",
                            words!("the rounding unit must be a power of ten"),
                            unit.span,
                        )
                        .label(words!("e.g. 0.01 or 1"))
                        .help(words!("round to 0.01 for 分, 1 for 元")),
                    );
                }
                match mode.or(self.rounding.as_ref().map(|r| r.mode)) {
                    Some(m) => Some((unit.node.normalize(), m)),
                    None => {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::rounding-mode",
                                words!("this rounding says no mode, and the header states none"),
                                unit.span,
                            )
                            .label(words!("rounded how?"))
                            .help(words!(
                                "write the mode: `each share rounded to 0.01 half-away-from-zero`"
                            )),
                        );
                        None
                    }
                }
            }
            (None, false) => {
                self.error(
                    Diagnostic::error("zhice::check::pool-rounding", words!("a pool divided pro rata must say how each share is rounded"), p.ration.span)
                        .label(words!("rounded how?"))
                        .help(words!("add `, each share rounded to 0.01, residue as it falls` (or `residue to the largest remainders`)")),
                );
                None
            }
        };
        if !ordered && p.residue.is_none() && p.rounding.is_some() {
            self.error(
                Diagnostic::error("zhice::check::pool-rounding", words!("a pool divided pro rata must say what becomes of the rounding residue"), p.ration.span)
                    .label(words!("the rounded shares may not add up to the pool"))
                    .help(words!("add `, residue as it falls` (the sum may differ from the pool by the rounding) or `, residue to the largest remainders` (never above the pool)")),
            );
        }
        Some(PoolDef {
            id: p.id.node.clone(),
            clause: p.clause.node.clone(),
            title: p.title.node.clone(),
            text: p.text.as_ref().map(|t| t.node.clone()),
            amount: amount?,
            period: p.period.node,
            members: members?,
            less_paid: p.less_paid,
            ration: ration?,
            rounding,
            residue: if ordered {
                None
            } else {
                p.residue.as_ref().map(|r| r.node)
            },
            span: p.span,
            id_span: p.id.span,
        })
    }

    /// Money the policy fixes, the same for every case: a literal or a parameter.
    fn fixed_money(&mut self, e: &ast::Expr, what: &str) -> Option<Expr> {
        let x = self.expect(e, &Ty::Money, what)?;
        if !matches!(x.kind, ExprKind::Const(_) | ExprKind::Param(_)) {
            self.error(
                Diagnostic::error("zhice::check::pool", words!("%{what} is an amount the policy fixes", what = what), e.span)
                    .label(words!("worked out from the case"))
                    .help(words!("write the amount (`1000万元`) or name a parameter, dated if it changes (`param budget = 1000万元 from 2027-01-01 = 1200万元`)")),
            );
            return None;
        }
        Some(x)
    }

    /// The field applications are ordered by: an input that can be ordered, or `date`.
    fn order_key(&mut self, key: &ast::Ident) -> Option<OrderKey> {
        if key.node == "date" {
            return Some(OrderKey::Date);
        }
        let Some(i) = self.inputs.iter().position(|x| x.name == key.node) else {
            let near = closest(&key.node, self.inputs.iter().map(|x| x.name.as_str())).map(str::to_string);
            let help: String =
                t!("order by an input of the case (a score, an amount) or by `date`, the application date")
                    .into_owned();
            self.error(
                Diagnostic::error(
                    "zhice::check::pool",
                    words!("`%{key}` is not a field of the case", key = key.node),
                    key.span,
                )
                .label(words!("nothing to order by"))
                .suggest(near, help),
            );
            return None;
        };
        self.used_inputs[i] = true;
        self.used(key.span, super::names::Symbol::Input(key.node.clone()));
        if !matches!(
            self.inputs[i].ty.required(),
            Ty::Int | Ty::Number | Ty::Money | Ty::Date
        ) {
            let ty = self.type_name(&self.inputs[i].ty);
            self.error(
                Diagnostic::error(
                    "zhice::check::pool",
                    words!("applications cannot be ordered by `%{key}`", key = key.node),
                    key.span,
                )
                .label(words!("this is %{ty}", ty = ty))
                .help(words!("order by a number, an amount or a date")),
            );
            return None;
        }
        Some(OrderKey::Input(i))
    }

    /// The measures a pool funds: at least one, each a measure, each funded by one pool only.
    fn pool_members(&mut self, p: &ast::PoolDecl, earlier: &[ast::PoolDecl]) -> Option<Vec<usize>> {
        if p.members.is_empty() {
            self.error(
                Diagnostic::error(
                    "zhice::check::pool",
                    words!("pool `%{id}` funds no measure", id = p.id.node),
                    p.id.span,
                )
                .label(words!("a budget for nothing"))
                .help(words!(
                    "name the measures it funds: `at most 1000万元 per year for training_subsidy`"
                )),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for id in &p.members {
            let Some(i) = self.file.measures.iter().position(|m| m.id.node == id.node) else {
                let near = closest(&id.node, self.file.measures.iter().map(|m| m.id.node.as_str())).map(str::to_string);
                let help: String = t!("name the id of a measure").into_owned();
                self.error(
                    Diagnostic::error(
                        "zhice::check::pool",
                        words!("`%{id}` is not a measure of this policy", id = id.node),
                        id.span,
                    )
                    .label(words!("no such measure"))
                    .suggest(near, help),
                );
                ok = false;
                continue;
            };
            self.used(id.span, super::names::Symbol::Measure(id.node.clone()));
            if let Some(other) = earlier.iter().find(|e| e.members.iter().any(|m| m.node == id.node)) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::pool",
                        words!("`%{id}` is funded by two pools", id = id.node),
                        id.span,
                    )
                    .label(words!("funded again here"))
                    .related(other.id.span, words!("already funded by this pool"))
                    .help(words!("a measure draws on one budget; name it in one pool")),
                );
                ok = false;
            } else if out.contains(&i) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::pool",
                        words!("`%{id}` is named twice", id = id.node),
                        id.span,
                    )
                    .label(words!("named again"))
                    .help(words!("name each measure once")),
                );
                ok = false;
            } else {
                out.push(i);
            }
        }
        ok.then_some(out)
    }

    /// A pooled measure's amount is known only when the whole round is in: nothing may read it by name.
    pub(super) fn pooled_reads(&mut self, pools: &[PoolDef], exprs: Vec<(&str, &Expr)>) {
        for (owner, e) in exprs {
            e.walk(&mut |x| {
                if let ExprKind::Award(m) = x.kind {
                    if let Some(p) = pools.iter().find(|p| p.members.contains(&m)) {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "zhice::check::pooled-read",
                                words!("`%{owner}` reads the amount of a measure its pool `%{id}` divides", owner = owner, id = p.id),
                                x.span)
                            .label(words!("known only when every application of the period is in"))
                            .related(p.id_span, words!("the pool"))
                            .help(words!("read what the measure's own rule gives (name it with `value`), not what the pool grants")),
                        );
                    }
                }
            });
        }
    }
}

fn unit_span(p: &ast::PoolDecl) -> crate::span::Span {
    p.rounding.as_ref().map_or(p.span, |(u, _)| u.span)
}
