//! How a measure's award moves as its main input grows, the other facts of a
//! worked example held still. The inputs tried are the policy's own numbers
//! (every amount the measure names, and each amount over each rate: where
//! 20% of an investment reaches a 500万元 cap) and an even grid between; every
//! point is the rule evaluated exactly, and the points where the line bends
//! or jumps are read off those evaluations, not drawn by eye.

use crate::check::model::{BinOp, Const, Expr, ExprKind, Measure, Policy, Ty};
use crate::run::{Mode, Runner};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The award of one measure against one input.
pub struct Curve {
    /// the input's label (or name)
    pub input: String,
    /// the corners of the line, left to right; a jump is two corners a cent apart
    pub points: Vec<(Decimal, Decimal)>,
    /// where the line bends or jumps, in order
    pub marks: Vec<Mark>,
    /// the worked example the other facts come from: its input and award,
    /// when it gives the input
    pub example: Option<(Decimal, Decimal)>,
}

pub struct Mark {
    pub at: Decimal,
    /// the award just after `at` (for a jump, the new level)
    pub award: Decimal,
    pub kind: Bend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bend {
    /// the award stops growing: a cap is reached
    Cap,
    /// the award jumps: a tier's edge or a threshold
    Step,
    /// the award stops falling: it has come down to a floor (often nothing)
    Floor,
    /// the award rises or falls at another pace
    Slope,
}

/// Points on an even grid between the policy's own numbers.
const GRID: u32 = 96;
const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The curve of measure `m` on its main input, from the case `given` (a
/// worked example's JSON); none when the measure has no money input of its
/// own or the example does not evaluate.
pub fn curve(runner: &Runner, m: usize, given: &str) -> Option<Curve> {
    let p: &Policy = &runner.program.policy;
    let measure = p.measures.get(m)?;
    let input = main_input(p, measure)?;
    let name = &p.inputs.get(input)?.name;
    let mut case: serde_json::Value = serde_json::from_str(given).ok()?;
    let base = case
        .get(name)
        .and_then(|v| Decimal::from_str(&v.to_string().replace('"', "")).ok());
    let mut award_at = |x: Decimal| -> Option<Decimal> {
        case[name.as_str()] = serde_json::Value::Number(serde_json::Number::from_str(&x.to_string()).ok()?);
        let (ran, _) = runner.one(&case.to_string(), Mode::Plain).ok()?;
        ran.outcome.awards.get(m).copied()
    };
    // an example that leaves the input out (an assessment not yet made) is no point on the line
    let example = match base {
        Some(x) => Some((x, award_at(x)?)),
        None => None,
    };

    let (amounts, rates) = numbers(p, measure);
    let mut hints: Vec<Decimal> = amounts.clone();
    for a in &amounts {
        for r in rates.iter().filter(|r| **r > Decimal::ZERO) {
            hints.extend(a.checked_div(*r).map(|x| x.round_dp(2)));
        }
    }
    let top = hints.iter().copied().chain(base).max()?;
    let end = nice_above(top.checked_mul(Decimal::new(125, 2))?)?;
    let mut xs: Vec<Decimal> = (0..=GRID)
        .filter_map(|i| end.checked_mul(Decimal::from(i))?.checked_div(Decimal::from(GRID)))
        .map(|x| x.round_dp(2))
        .collect();
    for h in hints.iter().filter(|h| **h > Decimal::ZERO && **h < end) {
        // a cent either side: a threshold's jump falls between two of them
        xs.extend(
            [h.checked_sub(CENT), Some(*h), h.checked_add(CENT)]
                .into_iter()
                .flatten(),
        );
    }
    xs.retain(|x| *x >= Decimal::ZERO);
    xs.sort();
    xs.dedup();
    // an amount the input's declared range refuses is left out
    let sampled: Vec<(Decimal, Decimal)> = xs.into_iter().filter_map(|x| Some((x, award_at(x)?))).collect();
    if sampled.len() < 3 {
        return None;
    }
    let sampled = refine(&sampled, &mut award_at);
    let points = corners(&sampled);
    let mut marks = marks(&points);
    // Amounts are rounded to cents, so a bend shows a little past where the
    // policy puts it (less the more gently it bends): a bend that close to
    // one of the policy's own numbers is at that number.
    let window = (end / Decimal::from(1_000_000)).max(CENT + CENT);
    for k in &mut marks {
        let near = hints
            .iter()
            .find(|h| h.checked_sub(k.at).is_some_and(|g| g.abs() <= window));
        if let (Some(h), Bend::Cap | Bend::Floor | Bend::Slope) = (near, k.kind) {
            k.at = *h;
            k.award = award_at(*h).unwrap_or(k.award);
        }
    }
    Some(Curve {
        input: p.inputs[input].label.clone().unwrap_or_else(|| name.clone()),
        points,
        marks,
        example,
    })
}

/// The picture of how measure `m`'s award moves with its main input, the
/// other facts as in its first worked example, and its corners in words.
pub(super) fn picture(runner: &crate::run::Runner, m: usize) -> Option<(crate::report::doc::Chart, Vec<String>)> {
    use crate::report::chart::{line, Line, MARKS};
    let p: &Policy = &runner.program.policy;
    let test = p.tests.iter().find(|t| {
        matches!(&t.expect, crate::check::model::Expected::Awards(awards, _) if awards.iter().any(|(i, a)| *i == m && !a.is_zero()))
    })?;
    let c = curve(runner, m, &test.given)?;
    // a line with no corner says nothing the rule in words does not
    if c.marks.is_empty() {
        return None;
    }
    let amount = |d| p.currency().amount(d);
    let held = if c.example.is_some() {
        t!(
            "Every other fact as in the worked example “%{name}”, the dot on the line.",
            name = test.name
        )
    } else {
        t!("Every other fact as in the worked example “%{name}”.", name = test.name)
    }
    .into_owned();
    let notes = std::iter::once(held)
        .chain(c.marks.iter().zip(MARKS).map(|(k, n)| {
            let (x, y) = (amount(k.at), amount(k.award));
            let words = match k.kind {
                Bend::Cap => t!("at %{x}, the award reaches its cap of %{y}", x = x, y = y),
                Bend::Step => t!("at %{x}, the award steps to %{y}", x = x, y = y),
                Bend::Floor => t!("at %{x}, the award has come down to %{y}", x = x, y = y),
                Bend::Slope => t!(
                    "from %{x} on (an award of %{y}), the award changes at another rate",
                    x = x,
                    y = y
                ),
            };
            format!("{n} {}{}{words}", c.input, crate::lang::colon())
        }))
        .collect();
    let title = t!("How the award moves with %{input}", input = c.input);
    let example = t!("worked example “%{name}”", name = test.name);
    let marks: Vec<_> = c.marks.iter().map(|k| (k.at, k.award)).collect();
    let chart = line(&Line {
        title: &title,
        x_label: &c.input,
        y_label: &t!("amount of the award"),
        points: &c.points,
        marks: &marks,
        example: c.example,
        example_label: &example,
    });
    Some((chart, notes))
}

/// The money input the award is a rate of (`20% of investment`, through
/// named values too), else the first money input the award reads, else one
/// its conditions or caps read.
fn main_input(p: &Policy, m: &Measure) -> Option<usize> {
    let mut bases = Vec::new();
    m.award.walk(&mut |x| {
        if let ExprKind::Binary(BinOp::Of, _, base) = &x.kind {
            bases.push(&**base);
        }
    });
    money_input(p, bases.into_iter())
        .or_else(|| money_input(p, std::iter::once(&m.award)))
        .or_else(|| money_input(p, m.exprs()))
}

/// The first money input of the case itself that `exprs` read, in written
/// order, following named values into their formulas.
fn money_input<'a>(p: &'a Policy, exprs: impl Iterator<Item = &'a Expr>) -> Option<usize> {
    let mut found = None;
    for e in exprs {
        reads(p, e, &mut Vec::new(), &mut |x| {
            if let ExprKind::Input(i) = x.kind {
                if found.is_none() && *p.inputs[i].ty.required() == Ty::Money {
                    found = Some(i);
                }
            }
        });
        if found.is_some() {
            break;
        }
    }
    found
}

/// Calls `f` on every expression `e` reads, and on those of the named values
/// it uses (each once: a value cannot refer to itself, so this ends).
fn reads<'a>(p: &'a Policy, e: &'a Expr, seen: &mut Vec<usize>, f: &mut dyn FnMut(&'a Expr)) {
    let mut values = Vec::new();
    e.walk(&mut |x| {
        f(x);
        if let ExprKind::Value(v) = x.kind {
            values.push(v);
        }
    });
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
            if let Some(def) = p.values.get(v) {
                reads(p, &def.expr, seen, f);
            }
        }
    }
}

/// Every amount and every rate the measure names, constants and each dated
/// value of its parameters, following named values.
fn numbers(p: &Policy, m: &Measure) -> (Vec<Decimal>, Vec<Decimal>) {
    let (mut amounts, mut rates) = (Vec::new(), Vec::new());
    let mut take = |c: &Const| {
        if let Const::Money(d) = c {
            amounts.push(*d);
        } else if let Const::Rate(r) = c {
            rates.push(*r);
        }
    };
    let mut seen = Vec::new();
    for e in m.exprs() {
        reads(p, e, &mut seen, &mut |x| {
            if let ExprKind::Const(c) = &x.kind {
                take(c);
            } else if let ExprKind::Param(i) = x.kind {
                if let Some(def) = p.params.get(i) {
                    take(&def.value);
                    for (_, v) in &def.dated {
                        take(v);
                    }
                }
            }
        });
    }
    (amounts, rates)
}

/// 1, 2 or 5 times a power of ten, at or above `x` (at least 1).
fn nice_above(x: Decimal) -> Option<Decimal> {
    let mut unit = Decimal::ONE;
    loop {
        for k in [1, 2, 5] {
            let candidate = unit.checked_mul(Decimal::from(k))?;
            if candidate >= x {
                return Some(candidate);
            }
        }
        unit = unit.checked_mul(Decimal::TEN)?;
    }
}

/// The samples with each corner between two of them found to the cent: where
/// a sample leaves the line of the two before it, the points between are
/// halved until the last on the line and the first off it are a cent
/// apart. A bend keeps the last point on the line; a jump keeps both.
fn refine(sampled: &[(Decimal, Decimal)], f: &mut dyn FnMut(Decimal) -> Option<Decimal>) -> Vec<(Decimal, Decimal)> {
    let mut out: Vec<(Decimal, Decimal)> = Vec::with_capacity(sampled.len() + 8);
    for &c in sampled {
        let n = out.len();
        if n >= 2 && !follows(out[n - 2], out[n - 1], c) {
            let (a, mut lo, mut hi) = (out[n - 2], out[n - 1], c);
            // Bounded: the gap halves each round, from at most 10^28 to two cents.
            for _ in 0..100 {
                let Some(mid) =
                    lo.0.checked_add(hi.0)
                        .and_then(|s| s.checked_div(Decimal::TWO))
                        .map(|m| m.round_dp(2))
                else {
                    break;
                };
                if hi.0.checked_sub(lo.0).is_none_or(|g| g <= CENT) || mid == lo.0 || mid == hi.0 {
                    break;
                }
                let Some(y) = f(mid) else { break };
                if follows(a, lo, (mid, y)) {
                    lo = (mid, y);
                } else {
                    hi = (mid, y);
                }
            }
            if lo != out[n - 1] {
                out.push(lo);
            }
            if jumps(lo, hi) && hi != c {
                out.push(hi);
            }
        }
        out.push(c);
    }
    out
}

/// Whether `c` lies on the line through `a` and `b`, within a cent.
fn follows(a: (Decimal, Decimal), b: (Decimal, Decimal), c: (Decimal, Decimal)) -> bool {
    let expected =
        b.1.checked_sub(a.1)
            .and_then(|dy| dy.checked_mul(c.0.checked_sub(a.0)?))
            .and_then(|d| d.checked_div(b.0.checked_sub(a.0)?))
            .and_then(|d| a.1.checked_add(d));
    expected
        .and_then(|e| c.1.checked_sub(e))
        .is_some_and(|off| off.abs() <= CENT)
}

/// Two points a cent or two apart whose awards differ by more than a yuan:
/// the award jumps between them (no rate rises a yuan in two cents' worth).
fn jumps(a: (Decimal, Decimal), b: (Decimal, Decimal)) -> bool {
    let gap = |p: Decimal, q: Decimal| q.checked_sub(p).map(|d| d.abs());
    gap(a.0, b.0).is_some_and(|g| g <= CENT + CENT) && gap(a.1, b.1).is_some_and(|g| g > Decimal::ONE)
}

/// The samples with every point on a straight line between its neighbours
/// left out (within a cent: amounts are rounded to cents).
fn corners(sampled: &[(Decimal, Decimal)]) -> Vec<(Decimal, Decimal)> {
    let mut out: Vec<(Decimal, Decimal)> = Vec::new();
    for (i, &pt) in sampled.iter().enumerate() {
        let (Some(&prev), Some(&next)) = (out.last(), sampled.get(i + 1)) else {
            out.push(pt);
            continue;
        };
        if !on_line(prev, pt, next) {
            out.push(pt);
        }
    }
    out
}

fn on_line((x1, y1): (Decimal, Decimal), (x2, y2): (Decimal, Decimal), (x3, y3): (Decimal, Decimal)) -> bool {
    let expected = y3
        .checked_sub(y1)
        .and_then(|dy| dy.checked_mul(x2.checked_sub(x1)?))
        .and_then(|d| d.checked_div(x3.checked_sub(x1)?))
        .and_then(|d| y1.checked_add(d));
    expected
        .and_then(|e| y2.checked_sub(e))
        .is_some_and(|off| off.abs() <= CENT)
}

/// The corners read as a reader would: a jump, a cap reached, another pace.
fn marks(points: &[(Decimal, Decimal)]) -> Vec<Mark> {
    let slope = |a: (Decimal, Decimal), b: (Decimal, Decimal)| b.1.checked_sub(a.1)?.checked_div(b.0.checked_sub(a.0)?);
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < points.len() {
        let (before, here, after) = (points[i - 1], points[i], points[i + 1]);
        if jumps(here, after) {
            // two corners a cent or two apart: the award is the new one from the second
            out.push(Mark {
                at: after.0,
                award: after.1,
                kind: Bend::Step,
            });
            i += 2;
            continue;
        }
        let flat_after = slope(here, after).is_some_and(|s| s.is_zero());
        let before_slope = slope(before, here).unwrap_or_default();
        let kind = match (flat_after, before_slope.cmp(&Decimal::ZERO)) {
            (true, std::cmp::Ordering::Greater) => Bend::Cap,
            (true, std::cmp::Ordering::Less) => Bend::Floor,
            _ => Bend::Slope,
        };
        out.push(Mark {
            at: here.0,
            award: here.1,
            kind,
        });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_rate_capped_bends_once_where_the_cap_is_reached() {
        // 20% of x, at most 100: the samples on both straight parts fall away
        let sampled: Vec<(Decimal, Decimal)> = (0..=10)
            .map(|i| {
                let x = Decimal::from(i * 100);
                (x, (x * d("0.2")).min(d("100")))
            })
            .collect();
        let points = corners(&sampled);
        assert_eq!(
            points,
            vec![(d("0"), d("0")), (d("500"), d("100")), (d("1000"), d("100"))]
        );
        let m = marks(&points);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].at, m[0].award, m[0].kind), (d("500"), d("100"), Bend::Cap));
    }

    #[test]
    fn a_threshold_is_a_step_at_its_number() {
        // 0 below 300, 50 from 300 on: sampled a cent either side of 300
        let xs = ["0", "100", "299.99", "300", "300.01", "600"];
        let sampled: Vec<(Decimal, Decimal)> = xs
            .iter()
            .map(|x| (d(x), if d(x) >= d("300") { d("50") } else { Decimal::ZERO }))
            .collect();
        let m = marks(&corners(&sampled));
        assert_eq!(m.len(), 1, "{:?}", m.iter().map(|k| (k.at, k.kind)).collect::<Vec<_>>());
        assert_eq!((m[0].at, m[0].award, m[0].kind), (d("300"), d("50"), Bend::Step));
    }

    #[test]
    fn a_jump_between_two_samples_is_found_to_the_cent() {
        // 0 below 333.33, then 50 plus 10% of x: no sample falls near the edge
        let f = |x: Decimal| {
            if x < d("333.33") {
                Decimal::ZERO
            } else {
                d("50") + (x * d("0.1")).round_dp(2)
            }
        };
        let sampled: Vec<(Decimal, Decimal)> = (0..=10).map(|i| Decimal::from(i * 100)).map(|x| (x, f(x))).collect();
        let refined = refine(&sampled, &mut |x| Some(f(x)));
        let m = marks(&corners(&refined));
        assert_eq!(m.len(), 1, "{:?}", m.iter().map(|k| (k.at, k.kind)).collect::<Vec<_>>());
        assert_eq!((m[0].at, m[0].award, m[0].kind), (d("333.33"), d("83.33"), Bend::Step));
        assert!(refined.iter().any(|p| p.0 == d("333.33")), "{refined:?}");
    }

    #[test]
    fn nice_numbers_cover_what_they_must() {
        assert_eq!(nice_above(d("3125")), Some(d("5000")));
        assert_eq!(nice_above(d("0.5")), Some(d("1")));
        assert_eq!(nice_above(d("20000000")), Some(d("20000000")));
    }
}
