//! Warnings about what is declared but never read, conditions the declared
//! ranges settle, and filters that do not look at the item they filter.

use super::model::{Expr, ExprKind, Policy};
use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast;

impl Checker<'_> {
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
                    words!("input `%{value}` is never used", value = name.node),
                    name.span,
                )
                .label(words!("declared but not read by any measure or benefit"))
                .help(words!("cases may still give it; remove it if no clause needs it")),
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
                    words!("parameter `%{name}` is never used", name = name),
                    span,
                )
                .label(words!("declared but not read"))
                .help(words!("use it in a measure, or remove it")),
            );
        }
        // an output is read by every result line
        let unused_values: Vec<_> = self
            .value_names
            .iter()
            .zip(&self.used_values)
            .zip(&self.file.values)
            .filter(|((_, used), decl)| !**used && !decl.output)
            .map(|(pair, _)| pair)
            .map(|((n, s), _)| (n.clone(), *s))
            .collect();
        for (name, span) in unused_values {
            self.error(
                Diagnostic::warning(
                    "zhice::lint::unused-value",
                    words!("value `%{name}` is never used", name = name),
                    span,
                )
                .label(words!("worked out for every case, but not read"))
                .help(words!("use it in a measure, or remove it")),
            );
        }
    }
}

/// Conditions that cannot vary: a comparison that the declared range of its
/// input already settles (`rank >= 0` for `int >= 1`), or a literal `true`.
pub(super) fn conditions(policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, e) in policy.exprs() {
        // `yes` or `no` given as a value (a table's row, a branch of `if`) is a result, not a condition
        let mut results = Vec::new();
        e.walk(&mut |x| {
            if let ExprKind::Tier { rows, .. } = &x.kind {
                results.extend(rows.iter().map(|r| r.amount.span));
            }
            if let ExprKind::If(_, t, f) = &x.kind {
                results.extend([t.span, f.span]);
            }
        });
        e.walk(&mut |x| {
            // A condition written nowhere (an alternative that always applies) has an empty span.
            let candidate = matches!(&x.kind, ExprKind::Binary(op, ..) if op.is_comparison())
                || (matches!(x.kind, ExprKind::Const(super::model::Const::Bool(_)))
                    && x.span.end > x.span.start
                    && !results.contains(&x.span));
            if !candidate {
                return;
            }
            if let Some((always, why)) = settled(policy, x) {
                let verdict = if always {
                    words!("always true")
                } else {
                    words!("always false")
                };
                out.push(
                    Diagnostic::warning(
                        "zhice::lint::constant-condition",
                        words!("this condition is %{verdict}", verdict = verdict),
                        x.span,
                    )
                    .label(why)
                    .help(if always {
                        words!("remove it, or check the number against the clause and the declared range")
                    } else {
                        words!("nothing can meet it; check the number against the clause and the declared range")
                    }),
                );
            }
        });
    }
    out
}

/// A filter over items (`where …`, `satisfies …`) with a part that does not
/// look at the item: usually a condition meant for outside the aggregate, which
/// ran on because the aggregate was not put in parentheses.
pub(super) fn filters(policy: &Policy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, e) in policy.exprs() {
        e.walk(&mut |x| {
            let (slot, parts): (usize, Vec<&Expr>) = match &x.kind {
                ExprKind::Each { local, filter, .. } => (*local, filter.iter().map(|f| &**f).collect()),
                ExprKind::Aggregate(a) => (a.local, a.filter.iter().collect()),
                ExprKind::Quantified(q) => (q.local, q.filter.iter().chain(Some(&q.test)).collect()),
                ExprKind::Const(_) | ExprKind::Input(_) | ExprKind::Param(_) | ExprKind::Local(_) | ExprKind::Value(_) | ExprKind::Award(_) | ExprKind::CaseYear | ExprKind::CaseDate | ExprKind::DatePart(..) | ExprKind::Between(..) | ExprKind::Shift(..) | ExprKind::Edge(..) | ExprKind::Field(..) | ExprKind::Binary(..) | ExprKind::Not(_) | ExprKind::Neg(_) | ExprKind::IsGiven(..) | ExprKind::IsValue(..) | ExprKind::ToDec(_) | ExprKind::Min(_) | ExprKind::Max(_) | ExprKind::If(..) | ExprKind::Round(..) | ExprKind::UpTo { .. } | ExprKind::Tier { .. } | ExprKind::Pick { .. } | ExprKind::Bands { .. } | ExprKind::Capped { .. } => return,
            };
            for part in parts {
                for conjunct in conjuncts(part) {
                    let reads_item = conjunct.any(&|y| matches!(y.kind, ExprKind::Local(s) if s == slot));
                    if !reads_item {
                        out.push(
                            Diagnostic::warning(
                                "zhice::lint::filter-ignores-item",
                                words!("this part of the filter does not look at the item"),
                                conjunct.span)
                            .label(words!("the same for every item"))
                            .help(words!("if it is a condition of its own, put the aggregate in parentheses: `(the sum of … where …) >= … and …`")),
                        );
                    }
                }
            }
        });
    }
    out
}

/// The parts of `a and b and c`.
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(crate::syntax::ast::BinOp::And, a, b) => {
            let mut out = conjuncts(a);
            out.extend(conjuncts(b));
            out
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
        | ExprKind::Binary(..) => vec![e],
    }
}

/// Whether `e` is settled by declared ranges, and why.
fn settled(p: &Policy, e: &Expr) -> Option<(bool, String)> {
    use super::model::{BinOp, Const, Range, Ty};
    use rust_decimal::Decimal;
    let range = |x: &Expr| -> Option<(String, Range)> {
        let x = strip(x);
        // `level otherwise 0`: the declared range, widened by the fallback.
        if let ExprKind::Binary(BinOp::Otherwise, inner, fallback) = &x.kind {
            let (name, r) = match &inner.kind {
                ExprKind::Input(i) => (p.inputs[*i].name.clone(), p.inputs[*i].range.clone()),
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
                | ExprKind::Capped { .. } => return None,
            };
            let d = match &strip(fallback).kind {
                ExprKind::Const(Const::Int(n)) => Decimal::from(*n),
                ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => *d,
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
                | ExprKind::Const(_) => return None,
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
            | ExprKind::Capped { .. } => None,
        }
    };
    let number = |x: &Expr| -> Option<Decimal> {
        match &strip(x).kind {
            ExprKind::Const(Const::Int(n)) => Some(Decimal::from(*n)),
            ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => Some(*d),
            ExprKind::Param(i) if p.params[*i].dated.is_empty() => match &p.params[*i].value {
                Const::Int(n) => Some(Decimal::from(*n)),
                Const::Money(d) | Const::Rate(d) | Const::Number(d) => Some(*d),
                _ => None,
            },
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
            | ExprKind::Const(_)
            | ExprKind::Param(_) => None,
        }
    };
    if let ExprKind::Const(Const::Bool(b)) = &e.kind {
        return Some((*b, t!("the literal `%{b}`", b = b).into_owned()));
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

/// The expression under a widening from a whole number.
fn strip(x: &Expr) -> &Expr {
    match &x.kind {
        ExprKind::ToDec(inner) => inner,
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
        | ExprKind::Capped { .. } => x,
    }
}
