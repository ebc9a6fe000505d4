//! When can two conditions hold at once? A conservative, syntactic proof:
//! `x is first` and `x is second` cannot; `sme` and `not sme` cannot; anything
//! the proof cannot settle counts as possibly overlapping.

use super::model::{BinOp, Expr, ExprKind};

/// True when `a` and `b` can never both hold.
pub(super) fn disjoint(a: &Expr, b: &Expr) -> bool {
    if let ExprKind::Binary(BinOp::Or, x, y) = &a.kind {
        return disjoint(x, b) && disjoint(y, b);
    }
    if let ExprKind::Binary(BinOp::Or, x, y) = &b.kind {
        return disjoint(a, x) && disjoint(a, y);
    }
    let (xs, ys) = (atoms(a), atoms(b));
    xs.iter().any(|x| ys.iter().any(|y| contradicts(x, y)))
}

/// True when the two expressions are the same, ignoring where they were written.
pub(super) fn same(a: &Expr, b: &Expr) -> bool {
    subject(a).is_some_and(|s| Some(s) == subject(b))
        || match (&a.kind, &b.kind) {
            (ExprKind::Const(x), ExprKind::Const(y)) => x == y,
            (ExprKind::Not(x), ExprKind::Not(y)) | (ExprKind::Neg(x), ExprKind::Neg(y)) => same(x, y),
            (ExprKind::Binary(o, x1, x2), ExprKind::Binary(p, y1, y2)) => o == p && same(x1, y1) && same(x2, y2),
            (ExprKind::IsGiven(x, n), ExprKind::IsGiven(y, m)) => n == m && same(x, y),
            (ExprKind::IsValue(x, v, n), ExprKind::IsValue(y, w, m)) => v == w && n == m && same(x, y),
            _ => false,
        }
}

#[derive(Debug)]
enum Atom {
    /// a bool value is true (or false)
    Holds(String, bool),
    /// a choice is (or is not) a value
    Is(String, u32, bool),
    /// an optional value is (or is not) given
    Given(String, bool),
}

fn atoms(e: &Expr) -> Vec<Atom> {
    let mut out = Vec::new();
    collect(e, &mut out);
    out
}

fn collect(e: &Expr, out: &mut Vec<Atom>) {
    match &e.kind {
        ExprKind::Binary(BinOp::And, x, y) => {
            collect(x, out);
            collect(y, out);
        }
        ExprKind::Not(x) => {
            if let Some(s) = subject(x) {
                out.push(Atom::Holds(s, false));
            }
        }
        ExprKind::IsValue(x, v, negated) => {
            if let Some(s) = subject(x) {
                out.push(Atom::Is(s, *v, !negated));
            }
        }
        ExprKind::IsGiven(x, negated) => {
            if let Some(s) = subject(x) {
                out.push(Atom::Given(s, !negated));
            }
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
        | ExprKind::Neg(_)
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
        | ExprKind::Binary(..) => {
            if let Some(s) = subject(e) {
                out.push(Atom::Holds(s, true));
            }
        }
    }
}

/// A stable name for an input, parameter, item or field path.
fn subject(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Input(i) => Some(format!("input{i}")),
        ExprKind::Param(i) => Some(format!("param{i}")),
        ExprKind::Local(i) => Some(format!("local{i}")),
        ExprKind::Value(i) => Some(format!("value{i}")),
        ExprKind::Field(x, f) => subject(x).map(|s| format!("{s}.{f}")),
        ExprKind::Const(_)
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
}

fn contradicts(x: &Atom, y: &Atom) -> bool {
    match (x, y) {
        (Atom::Holds(a, p), Atom::Holds(b, q)) => a == b && p != q,
        (Atom::Is(a, v, true), Atom::Is(b, w, true)) => a == b && v != w,
        (Atom::Is(a, v, p), Atom::Is(b, w, q)) => a == b && v == w && p != q,
        (Atom::Given(a, p), Atom::Given(b, q)) => a == b && p != q,
        (Atom::Is(a, _, true), Atom::Given(b, false)) | (Atom::Given(b, false), Atom::Is(a, _, true)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check;
    use crate::syntax::{parse, FileKind};

    /// The diagnostic codes of `one of { … }` over the given alternatives.
    fn codes(alternatives: &str) -> Vec<&'static str> {
        let src = format!(
            "policy \"p\" {{ rounding 0.01 half-away-from-zero after each rate }}
             enum Prize {{ first, second }}
             input prize: optional Prize
             input a: bool
             input b: bool
             measure m （一） \"m\" {{ text \"t\" award one of {{ {alternatives} }} }}"
        );
        let file = parse(&src, FileKind::Policy).expect("parses");
        check(&file, &[])
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn different_values_of_one_choice_never_overlap() {
        assert!(codes("1元 when prize is first  2元 when prize is second").is_empty());
    }

    #[test]
    fn a_condition_and_its_negation_never_overlap() {
        assert!(codes("1元 when a  2元 when not a").is_empty());
        assert!(codes("1元 when prize is given  2元 when prize is not given").is_empty());
        assert!(codes("1元 when prize is first  2元 when prize is not first").is_empty());
    }

    #[test]
    fn a_value_excludes_absence() {
        assert!(codes("1元 when prize is first  2元 when prize is not given").is_empty());
    }

    #[test]
    fn each_side_of_an_or_must_be_excluded() {
        assert!(codes("1元 when prize is first and a  2元 when prize is second or not a").is_empty());
        assert_eq!(
            codes("1元 when prize is first  2元 when prize is second or a"),
            ["zhice::check::overlap"]
        );
    }

    #[test]
    fn independent_conditions_may_overlap() {
        assert_eq!(codes("1元 when a  2元 when b"), ["zhice::check::overlap"]);
        assert_eq!(codes("1元 when a and b  2元 when a"), ["zhice::check::overlap"]);
    }
}
