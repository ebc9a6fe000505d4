//! Decimal operations done on the integer mantissa where it fits: a decimal is
//! a whole number of units of 10^-scale, so comparing and rounding
//! amounts of a few places is integer arithmetic. Each function gives
//! exactly what rust_decimal gives (value and places), and hands anything
//! that does not fit to rust_decimal; the unit tests compare the two on
//! random values.

use crate::check::model::RoundMode;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// 10^k for k in 0..=18: every power an `i64` holds.
const POW10: [i64; 19] = {
    let mut p = [1i64; 19];
    let mut k = 1;
    while k < 19 {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// The mantissa when it fits an `i64` (every amount a case gives in yuan and fen does).
#[inline(always)]
fn small(d: Decimal) -> Option<i64> {
    i64::try_from(d.mantissa()).ok()
}

/// `a` compared with `b` as numbers.
#[inline(always)]
pub fn compare(a: Decimal, b: Decimal) -> Ordering {
    let (sa, sb) = (a.scale(), b.scale());
    if let (Some(ma), Some(mb)) = (small(a), small(b)) {
        // Bring the one with fewer places up to the other's places.
        let up = |m: i64, by: u32| POW10.get(by as usize).and_then(|p| m.checked_mul(*p));
        let pair = match sa.cmp(&sb) {
            Ordering::Equal => Some((ma, mb)),
            Ordering::Less => up(ma, sb - sa).map(|x| (x, mb)),
            Ordering::Greater => up(mb, sa - sb).map(|y| (ma, y)),
        };
        if let Some((x, y)) = pair {
            return x.cmp(&y);
        }
    }
    a.cmp(&b)
}

/// `value` rounded to `places` (fewer than it has) as `mode` says, when its
/// mantissa fits an `i64`; `None` hands it to rust_decimal.
#[inline]
pub fn round_places(value: Decimal, places: u32, mode: RoundMode) -> Option<Decimal> {
    let m = small(value)?;
    let p = *POW10.get(value.scale().checked_sub(places)? as usize)?;
    let (q, r) = (m.unsigned_abs() / p as u64, m.unsigned_abs() % p as u64);
    let up = match mode {
        RoundMode::HalfAwayFromZero => 2 * r >= p as u64,
        RoundMode::HalfEven => 2 * r > p as u64 || (2 * r == p as u64 && q % 2 == 1),
        RoundMode::Down => false,
        RoundMode::Up => r > 0,
    };
    let q = i64::try_from(q + u64::from(up)).ok()?;
    // A negative amount that rounds to 0 keeps its sign in rust_decimal: left to it.
    if q == 0 && m < 0 {
        return None;
    }
    Some(Decimal::new(if m < 0 { -q } else { q }, places))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;

    /// Decimals of every size and sign, with 0 to 8 places, some beyond `i64`.
    fn samples() -> Vec<Decimal> {
        let mut x: u64 = 11;
        let mut out = vec![
            Decimal::ZERO,
            Decimal::new(0, 2),
            Decimal::new(-5, 3),
            Decimal::MAX,
            Decimal::MIN,
        ];
        for _ in 0..3000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = (x >> 59) as u32 + 1;
            let m = (x >> 8) as i64 % 10i64.pow(digits.min(18));
            let m = if x & 1 == 1 { -m } else { m };
            let scale = (x >> 4) as u32 % 9;
            let d = Decimal::new(m, scale);
            out.push(d);
            if x & 6 == 6 {
                out.push(d * Decimal::new(1_000_000_000_000, 0));
            }
        }
        out
    }

    #[test]
    fn comparisons_agree_with_rust_decimal() {
        let s = samples();
        for (a, b) in s.iter().zip(s.iter().rev().chain(s.iter().skip(7))) {
            assert_eq!(compare(*a, *b), a.cmp(b), "{a} vs {b}");
        }
    }

    #[test]
    fn rounding_agrees_with_rust_decimal_in_every_mode() {
        let modes = [
            (RoundMode::HalfAwayFromZero, RoundingStrategy::MidpointAwayFromZero),
            (RoundMode::HalfEven, RoundingStrategy::MidpointNearestEven),
            (RoundMode::Down, RoundingStrategy::ToZero),
            (RoundMode::Up, RoundingStrategy::AwayFromZero),
        ];
        let mut checked = 0;
        for d in samples() {
            for places in 0..d.scale() {
                for (mode, strategy) in modes {
                    let Some(ours) = round_places(d, places, mode) else {
                        continue;
                    };
                    let mut theirs = d.round_dp_with_strategy(places, strategy);
                    theirs.rescale(places);
                    assert_eq!(ours.to_string(), theirs.to_string(), "{d} to {places} places, {mode:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "only {checked} roundings took the integer path");
        // exactly half a unit, both signs
        let half = Decimal::new(-1_245, 3);
        assert_eq!(round_places(half, 2, RoundMode::HalfEven), Some(Decimal::new(-124, 2)));
        assert_eq!(
            round_places(half, 2, RoundMode::HalfAwayFromZero),
            Some(Decimal::new(-125, 2))
        );
    }
}
