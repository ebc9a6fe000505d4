//! Warnings about what is declared but never read.

use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast;

impl Checker {
    pub(super) fn lint_unused(&mut self, file: &ast::File) {
        let unused_inputs: Vec<_> = file
            .inputs
            .iter()
            .filter(|decl| {
                self.inputs
                    .iter()
                    .position(|i| i.name == decl.name.node && i.span == decl.name.span)
                    .is_some_and(|i| !self.used_inputs[i])
            })
            .map(|decl| decl.name.clone())
            .collect();
        for name in unused_inputs {
            self.error(
                Diagnostic::warning(
                    "zhice::lint::unused-input",
                    format!("input `{}` is never used", name.node),
                    name.span,
                )
                .label("declared but not read by any measure or benefit")
                .help("cases may still give it; remove it if no clause needs it"),
            );
        }
        let unused_params: Vec<_> = self
            .params
            .iter()
            .zip(&self.used_params)
            .filter(|(_, used)| !**used)
            .map(|(p, _)| (p.name.clone(), p.span))
            .collect();
        for (name, span) in unused_params {
            self.error(
                Diagnostic::warning(
                    "zhice::lint::unused-param",
                    format!("parameter `{name}` is never used"),
                    span,
                )
                .label("declared but not read")
                .help("use it in a measure, or remove it"),
            );
        }
    }
}

/// Conditions that cannot vary: a comparison that the declared range of its
/// input already settles (`rank >= 0` for `int >= 1`), or a literal `true`.
pub(super) fn conditions(policy: &super::model::Policy) -> Vec<Diagnostic> {
    use super::model::{Amount, AmountKind, Expr};
    fn amount(p: &super::model::Policy, a: &Amount, out: &mut Vec<Diagnostic>) {
        match &a.kind {
            AmountKind::Pick { alternatives, .. } => {
                for alt in alternatives {
                    if let Some(w) = &alt.when {
                        condition(p, w, out);
                    }
                    amount(p, &alt.amount, out);
                }
            }
            AmountKind::Tier { rows, .. } => rows.iter().for_each(|r| amount(p, &r.amount, out)),
            AmountKind::Each { filter, body, .. } => {
                if let Some(f) = filter {
                    condition(p, f, out);
                }
                amount(p, body, out);
            }
            AmountKind::Expr(_) | AmountKind::UpTo { .. } => {}
        }
    }
    fn condition(p: &super::model::Policy, e: &Expr, out: &mut Vec<Diagnostic>) {
        if let Some((always, why)) = settled(p, e) {
            let verdict = if always { "always true" } else { "always false" };
            out.push(
                Diagnostic::warning(
                    "zhice::lint::constant-condition",
                    format!("this condition is {verdict}"),
                    e.span,
                )
                .label(why)
                .help(if always {
                    "remove it, or check the number against the clause and the declared range"
                } else {
                    "nothing can meet it; check the number against the clause and the declared range"
                }),
            );
        }
    }
    let mut out = Vec::new();
    for m in &policy.measures {
        m.conditions.iter().for_each(|c| condition(policy, c, &mut out));
        amount(policy, &m.award, &mut out);
    }
    for b in &policy.benefits {
        b.conditions.iter().for_each(|c| condition(policy, c, &mut out));
    }
    out
}

/// Whether `e` is settled by declared ranges, and why.
fn settled(p: &super::model::Policy, e: &super::model::Expr) -> Option<(bool, String)> {
    use super::model::{BinOp, Const, ExprKind, Range, Ty};
    use rust_decimal::Decimal;
    let range = |x: &super::model::Expr| -> Option<(String, Range)> {
        // `level otherwise 0`: the declared range, widened by the fallback.
        if let ExprKind::Binary(BinOp::Otherwise, inner, fallback) = &x.kind {
            let (name, r) = match &inner.kind {
                ExprKind::Input(i) => (p.inputs[*i].name.clone(), p.inputs[*i].range.clone()),
                _ => return None,
            };
            let d = match &fallback.kind {
                ExprKind::Const(Const::Int(n)) => Decimal::from(*n),
                ExprKind::Const(Const::Money(d) | Const::Rate(d)) => *d,
                _ => return None,
            };
            return Some((
                name,
                Range {
                    min: r.min.map(|m| m.min(d)),
                    max: r.max.map(|m| m.max(d)),
                },
            ));
        }
        match &x.kind {
            ExprKind::Input(i) => Some((p.inputs[*i].name.clone(), p.inputs[*i].range.clone())),
            ExprKind::Field(rec, f) => match rec.ty.required() {
                Ty::Record(r) => {
                    let field = &p.records[*r].fields[*f];
                    Some((field.name.clone(), field.range.clone()))
                }
                _ => None,
            },
            _ => None,
        }
    };
    let number = |x: &super::model::Expr| -> Option<Decimal> {
        match &x.kind {
            ExprKind::Const(Const::Int(n)) => Some(Decimal::from(*n)),
            ExprKind::Const(Const::Money(d) | Const::Rate(d)) => Some(*d),
            ExprKind::Param(i) if p.params[*i].dated.is_empty() => match &p.params[*i].value {
                Const::Int(n) => Some(Decimal::from(*n)),
                Const::Money(d) | Const::Rate(d) => Some(*d),
                _ => None,
            },
            _ => None,
        }
    };
    if let ExprKind::Const(Const::Bool(b)) = &e.kind {
        return Some((*b, format!("the literal `{b}`")));
    }
    let ExprKind::Binary(op, l, r) = &e.kind else {
        return None;
    };
    // Normalise to `name op number`.
    let (name, range, op, c) = match (range(l), number(r), range(r), number(l)) {
        (Some((n, rg)), Some(c), _, _) => (n, rg, *op, c),
        (_, _, Some((n, rg)), Some(c)) => {
            let flipped = match op {
                BinOp::Lt => BinOp::Gt,
                BinOp::Le => BinOp::Ge,
                BinOp::Gt => BinOp::Lt,
                BinOp::Ge => BinOp::Le,
                other => *other,
            };
            (n, rg, flipped, c)
        }
        _ => return None,
    };
    if range.min.is_none() && range.max.is_none() {
        return None;
    }
    let (lo, hi) = (range.min, range.max);
    let holds_for_all = |f: &dyn Fn(Decimal) -> bool| lo.is_some_and(&f) && hi.is_some_and(&f);
    let (always, never) = match op {
        BinOp::Ge => (lo.is_some_and(|lo| lo >= c), hi.is_some_and(|hi| hi < c)),
        BinOp::Gt => (lo.is_some_and(|lo| lo > c), hi.is_some_and(|hi| hi <= c)),
        BinOp::Le => (hi.is_some_and(|hi| hi <= c), lo.is_some_and(|lo| lo > c)),
        BinOp::Lt => (hi.is_some_and(|hi| hi < c), lo.is_some_and(|lo| lo >= c)),
        BinOp::Eq => (
            holds_for_all(&|v| v == c) && lo == hi,
            lo.is_some_and(|lo| lo > c) || hi.is_some_and(|hi| hi < c),
        ),
        BinOp::Ne => (
            lo.is_some_and(|lo| lo > c) || hi.is_some_and(|hi| hi < c),
            lo == hi && lo == Some(c),
        ),
        _ => return None,
    };
    let shown = match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
        (Some(lo), None) => format!(">= {lo}"),
        (None, Some(hi)) => format!("<= {hi}"),
        (None, None) => String::new(),
    };
    if always || never {
        Some((always, format!("`{name}` is declared {shown}")))
    } else {
        None
    }
}
