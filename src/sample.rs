//! Synthetic cases from a policy's declared inputs and ranges, for budget
//! exploration and benchmarks. Deterministic: the same seed gives the same cases.

use crate::check::model::{FieldDef, Policy, Range, Ty};
use rust_decimal::Decimal;
use std::fmt::Write;

/// SplitMix64: small, fast, and good enough to spread test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// One case as a JSON line (without the newline).
pub fn case(policy: &Policy, rng: &mut Rng, n: u64) -> String {
    let mut out = String::with_capacity(256);
    // 2025 or 2026, moved into the years the policy is in force, so that a
    // case is not rejected for its year alone.
    let (from, to) = policy.header.period();
    let (lo, hi) = (from.map_or(i32::MIN, |d| d.year), to.map_or(i32::MAX, |d| d.year));
    let base = 2025.clamp(lo, hi.saturating_sub(1).max(lo));
    let year = i64::from(base) + rng.range(0, 1).min(i64::from(hi) - i64::from(base));
    let _ = write!(out, "{{\"id\":\"S-{n:07}\",\"year\":{year}");
    // A policy in force for a period, or one that requires the date, reads
    // each case on its own date; so does one that takes effect after 1 January
    // of the case's year, which that day alone would put outside it.
    let new_year = crate::date::Date::new_year(year as i32);
    let late = from.filter(|f| *f > new_year);
    let period = policy.header.in_force.or_else(|| {
        (policy.date_required.is_some() || late.is_some()).then(|| {
            let end = crate::date::Date {
                year: year as i32,
                month: 12,
                day: 31,
            };
            (late.unwrap_or(new_year), end)
        })
    });
    if let Some((from, to)) = period {
        let day = pick_day(rng, from, to);
        let _ = write!(out, ",\"date\":\"{day}\"");
    }
    for input in &policy.inputs {
        if let Some(v) = field(policy, rng, input) {
            let _ = write!(out, ",\"{}\":{v}", input.name);
        }
    }
    if !policy.measures.is_empty() && rng.chance(20) {
        out.push_str(",\"prior_awards\":[");
        for k in 0..rng.range(1, 2) {
            let m = &policy.measures[rng.range(0, policy.measures.len() as i64 - 1) as usize];
            let amount = rng.range(1, 50) * 10_000;
            let _ = write!(
                out,
                "{}{{\"award\":\"{}\",\"year\":{},\"amount\":{amount}}}",
                if k > 0 { "," } else { "" },
                m.id,
                year - rng.range(0, 1)
            );
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// A field's JSON text, or `None` to leave it out.
fn field(policy: &Policy, rng: &mut Rng, f: &FieldDef) -> Option<String> {
    match &f.ty {
        // A field every case must give is never left out.
        ty if f.required() => Some(value(policy, rng, ty, &f.range)),
        Ty::Optional(inner) => {
            if rng.chance(50) {
                None
            } else {
                Some(value(policy, rng, inner, &f.range))
            }
        }
        Ty::Bool if !rng.chance(30) => None,
        Ty::Money | Ty::Rate if rng.chance(50) => None,
        Ty::List(_) if rng.chance(60) => None,
        ty => Some(value(policy, rng, ty, &f.range)),
    }
}

fn bound(d: Option<Decimal>) -> Option<i64> {
    d.and_then(|d| i64::try_from(d.round()).ok())
}

fn value(policy: &Policy, rng: &mut Rng, ty: &Ty, range: &Range) -> String {
    match ty {
        Ty::Bool => "true".into(),
        Ty::Int => {
            let lo = bound(range.min).unwrap_or(0);
            let hi = bound(range.max).unwrap_or(lo.saturating_add(9));
            rng.range(lo, hi).to_string()
        }
        Ty::Money => {
            // Spread over 1万 to 1亿 (log-uniform), in 分.
            let digits = rng.range(4, 7) as u32;
            let whole = rng.range(10_i64.pow(digits), 10_i64.pow(digits + 1));
            let fen = rng.range(0, 99);
            let lo = bound(range.min).unwrap_or(0);
            format!("\"{}.{fen:02}\"", whole.max(lo))
        }
        Ty::Number => {
            // Tenths, within the declared range.
            let lo = bound(range.min).unwrap_or(0).saturating_mul(10);
            let hi = bound(range.max).map_or(lo.saturating_add(10_000), |h| h.saturating_mul(10));
            let tenths = rng.range(lo, hi);
            format!("\"{}.{}\"", tenths / 10, (tenths % 10).abs())
        }
        Ty::Rate => format!("\"{}%\"", rng.range(0, 100)),
        Ty::Text => format!("\"T-{}\"", rng.range(1, 50)),
        Ty::Date => format!("\"2025-{:02}-{:02}\"", rng.range(1, 12), rng.range(1, 28)),
        Ty::Enum(en) => {
            let values = &policy.enums[*en].values;
            format!("\"{}\"", values[rng.range(0, values.len() as i64 - 1) as usize].0)
        }
        Ty::Record(r) => {
            let fields: Vec<String> = policy.records[*r]
                .fields
                .iter()
                .filter_map(|f| field(policy, rng, f).map(|v| format!("\"{}\":{v}", f.name)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Ty::List(item) => {
            let items: Vec<String> = (0..rng.range(1, 4))
                .map(|_| value(policy, rng, item, &Range::default()))
                .collect();
            format!("[{}]", items.join(","))
        }
        Ty::Optional(inner) => value(policy, rng, inner, range),
    }
}

/// A day from `from` to `to` (both included), drawn by year, month and day.
fn pick_day(rng: &mut Rng, from: crate::date::Date, to: crate::date::Date) -> crate::date::Date {
    let year = rng.range(i64::from(from.year), i64::from(to.year)) as i32;
    let month = rng.range(1, 12) as u8;
    let day = rng.range(1, 28) as u8;
    let d = crate::date::Date { year, month, day };
    d.clamp(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Reader;

    fn policy(header: &str, inputs: &str) -> Policy {
        let src = format!("policy \"p\" {{ {header} }}\n{inputs}\nmeasure m （一） \"m\" {{ text \"t\" award 1元 }}");
        let file = crate::syntax::parse(&src, crate::syntax::FileKind::Policy).expect("parses");
        crate::check::check(&file, &[]).policy.expect("checks")
    }

    #[test]
    fn every_case_drawn_is_one_the_policy_accepts() {
        let policies = [
            // in force from a later year, fields every case must give
            policy(
                "effective 2030-07-01",
                "input spend: money >= 0\ninput member: bool\ninput share: rate",
            ),
            // a period in force, and the date the policy reads
            policy(
                "in force 2024-03-01 to 2024-09-30",
                "input day: date\ninput spend: money >= 0 default 0元",
            ),
            // no period at all: 2025 and 2026, as before
            policy("", "input spend: money >= 0 default 0元"),
        ];
        for p in &policies {
            let reader = Reader::new(p);
            let mut rng = Rng::new(9);
            for n in 1..=500 {
                let line = case(p, &mut rng, n);
                assert!(reader.text(&line).is_ok(), "{line}: {:?}", reader.text(&line).err());
            }
        }
    }
}
