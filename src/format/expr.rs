//! Expressions, amounts' pieces and test data, printed canonically: one space
//! around operators, parentheses only where precedence needs them, literals as
//! the drafter wrote them.

use crate::span::Spanned;
use crate::syntax::ast::{BinOp, Data, Expr, ExprKind, Literal, Operator, ATOM_PRECEDENCE};

/// Binding strength, from the one table the parser is built from
/// (`ast::PRECEDENCE`). The forms that run on to the right (`if`,
/// aggregates) bind loosest of all.
pub(super) fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If(..) | ExprKind::Aggregate(_) | ExprKind::Quantified(_) => 0,
        ExprKind::Binary(op, ..) => binary_precedence(*op),
        ExprKind::Not(_) => Operator::Not.precedence(),
        ExprKind::Round { .. } => Operator::Rounded.precedence(),
        ExprKind::Neg(_) => Operator::Neg.precedence(),
        ExprKind::Is { .. } | ExprKind::IsGiven { .. } => Operator::Is.precedence(),
        // its operand is an atom too: `the year of (a or b)` keeps its parentheses
        ExprKind::Literal(_)
        | ExprKind::Path(_)
        | ExprKind::Call { .. }
        | ExprKind::DatePart(..)
        | ExprKind::Between { .. }
        | ExprKind::Edge { .. } => ATOM_PRECEDENCE,
        ExprKind::Period { .. } => Operator::Period.precedence(),
        // block forms are printed by the item layout; inline they are atoms
        ExprKind::UpTo { .. }
        | ExprKind::Tier { .. }
        | ExprKind::Pick { .. }
        | ExprKind::Each { .. }
        | ExprKind::Bands { .. }
        | ExprKind::Capped { .. } => ATOM_PRECEDENCE,
    }
}

pub(super) fn binary_precedence(op: BinOp) -> u8 {
    Operator::Infix(op).precedence()
}

/// The expression as canonical text. `src` is the file it was parsed from.
pub fn expr(src: &str, e: &Expr) -> String {
    at_least(src, e, 0)
}

/// A sum or difference of several terms, one term a line (`a`, `+ b`, `- c`),
/// for a formula too long for one line; `None` for anything else.
pub fn sum_lines(src: &str, e: &Expr) -> Option<Vec<String>> {
    let mut terms: Vec<(Option<BinOp>, &Expr)> = Vec::new();
    let mut at = e;
    while let ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), l, r) = &at.kind {
        terms.push((Some(*op), r));
        at = l;
    }
    if terms.is_empty() {
        return None;
    }
    let p = binary_precedence(BinOp::Add);
    let mut out = vec![at_least(src, at, p)];
    for (op, term) in terms.into_iter().rev() {
        let symbol = op.map_or("+", BinOp::symbol);
        out.push(format!("{symbol} {}", at_least(src, term, p + 1)));
    }
    Some(out)
}

pub(super) fn at_least(src: &str, e: &Expr, min: u8) -> String {
    let text = match &e.kind {
        ExprKind::Literal(lit) => literal(src, e, lit),
        ExprKind::Path(parts) => parts.iter().map(|p| p.node.as_str()).collect::<Vec<_>>().join("."),
        ExprKind::Binary(op, l, r) => {
            let p = binary_precedence(*op);
            format!("{} {} {}", at_least(src, l, p), op.symbol(), at_least(src, r, p + 1))
        }
        ExprKind::Not(x) => format!("not {}", at_least(src, x, 3)),
        ExprKind::DatePart(part, date) => format!("the {} of {}", part.keyword(), at_least(src, date, ATOM_PRECEDENCE)),
        ExprKind::Between { unit, from, to } => format!(
            "the {} from {} to {}",
            unit.plural(),
            at_least(src, from, ATOM_PRECEDENCE),
            at_least(src, to, ATOM_PRECEDENCE)
        ),
        ExprKind::Edge { end, unit, date } => format!(
            "the {} of the {} of {}",
            if *end { "end" } else { "start" },
            unit.keyword(),
            at_least(src, date, ATOM_PRECEDENCE)
        ),
        ExprKind::Period { count, unit } => {
            let n = at_least(src, count, Operator::Period.precedence() + 1);
            let one = matches!(&count.kind, ExprKind::Literal(crate::syntax::ast::Literal::Number(d)) if *d == rust_decimal::Decimal::ONE);
            format!("{n} {}", if one { unit.keyword() } else { unit.plural() })
        }
        ExprKind::Neg(x) => format!("-{}", at_least(src, x, 9)),
        ExprKind::IsGiven { expr, negated } => {
            format!(
                "{} is {}given",
                at_least(src, expr, 11),
                if *negated { "not " } else { "" }
            )
        }
        ExprKind::Is { expr, value, negated } => {
            format!(
                "{} is {}{}",
                at_least(src, expr, 11),
                if *negated { "not " } else { "" },
                value.node
            )
        }
        ExprKind::Call { name, args } => {
            format!(
                "{}({})",
                name.node,
                args.iter().map(|a| expr(src, a)).collect::<Vec<_>>().join(", ")
            )
        }
        ExprKind::If(c, t, f) => format!("if {} then {} else {}", expr(src, c), expr(src, t), expr(src, f)),
        ExprKind::Round { expr: x, unit, mode } => {
            let mut t = format!(
                "{} rounded to {}",
                at_least(src, x, Operator::Rounded.precedence()),
                compact(unit.span.text(src))
            );
            if let Some(m) = mode {
                t.push(' ');
                t.push_str(m.keyword());
            }
            t
        }
        ExprKind::Aggregate(a) => {
            let mut t = match &a.body {
                Some(body) => format!(
                    "{} {} for each {} in {}",
                    a.kind.node.words(),
                    at_least(src, body, 1),
                    a.var.node,
                    at_least(src, &a.list, 1)
                ),
                None => format!(
                    "{} {} in {}",
                    a.kind.node.words(),
                    a.var.node,
                    at_least(src, &a.list, 1)
                ),
            };
            if let Some(f) = &a.filter {
                t.push_str(&format!(" where {}", at_least(src, f, 1)));
            }
            if let Some(k) = &a.distinct {
                t.push_str(&format!(" distinct by {}", at_least(src, k, 1)));
            }
            t
        }
        ExprKind::Quantified(q) => {
            let mut t = format!(
                "{} {} in {}",
                if q.every { "every" } else { "any" },
                q.var.node,
                at_least(src, &q.list, 1)
            );
            if let Some(f) = &q.filter {
                t.push_str(&format!(" where {}", at_least(src, f, 1)));
            }
            t.push_str(&format!(" satisfies {}", at_least(src, &q.test, 1)));
            t
        }
        // A block form inside an expression only reaches here when a review renders it on one line.
        ExprKind::UpTo { .. }
        | ExprKind::Tier { .. }
        | ExprKind::Pick { .. }
        | ExprKind::Each { .. }
        | ExprKind::Bands { .. }
        | ExprKind::Capped { .. } => super::amount_lines(src, e)
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" "),
    };
    if precedence(e) < min {
        format!("({text})")
    } else {
        text
    }
}

/// A literal as written, with the spaces a drafter may put before a unit removed
/// (`50 万元` → `50万元`); strings exactly as written.
fn literal(src: &str, e: &Expr, lit: &Literal) -> String {
    let written = e.span.text(src);
    match lit {
        Literal::Text(_) => written.to_string(),
        _ => compact(written),
    }
}

/// The full-width `％` a Chinese input method types is read as `%` and written as one.
pub(super) fn compact(written: &str) -> String {
    written
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '％' { '%' } else { c })
        .collect()
}

/// Test data on one line: `{ year: 2025, items: [{ id: "A" }] }`.
pub fn data(src: &str, d: &Spanned<Data>) -> String {
    match &d.node {
        Data::Object(fields) if fields.is_empty() => "{ }".to_string(),
        Data::Object(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", key(&k.node), data(src, v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Data::Array(items) => format!(
            "[{}]",
            items.iter().map(|i| data(src, i)).collect::<Vec<_>>().join(", ")
        ),
        Data::Name(n) => n.clone(),
        Data::Literal(Literal::Text(_)) => d.span.text(src).to_string(),
        Data::Literal(_) | Data::Negative(_) => compact(d.span.text(src)),
    }
}

/// A key of test data, quoted when it is not a plain name.
pub fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A string literal for `s`, escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
