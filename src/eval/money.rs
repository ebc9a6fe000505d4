//! Exact decimal arithmetic: every operation is checked, and rounding happens
//! only where the policy's `rounding` rule says.

use crate::check::model::RoundMode;
use rust_decimal::{Decimal, RoundingStrategy};

/// True when `d` is above zero. Comparing with `Decimal::ZERO` rescales both
/// sides; this reads the sign, and runs for every award of every case.
#[inline]
pub fn positive(d: Decimal) -> bool {
    !d.is_zero() && d.is_sign_positive()
}

/// `x.max(0)`: `x` when above 0, else 0.
#[inline]
pub fn at_least_zero(x: Decimal) -> Decimal {
    if positive(x) {
        x
    } else {
        Decimal::ZERO
    }
}

/// Rounds `value` to a multiple of `unit` (a power of ten), or `None` on overflow.
pub fn round(value: Decimal, unit: Decimal, mode: RoundMode) -> Option<Decimal> {
    // Most amounts already have at most the unit's places: only the scale is set.
    // (The checker normalises the unit, so its scale is its number of places.)
    let unit_scale = unit.scale();
    if unit_scale > 0 && value.scale() == unit_scale {
        return Some(value);
    }
    // Most awards of most cases are 0: nothing to round, only places to state.
    if value.is_zero() && unit_scale > 0 {
        return Some(Decimal::new(0, unit_scale));
    }
    if unit_scale > 0 && value.scale() < unit_scale {
        let mut v = value;
        v.rescale(unit_scale);
        return Some(v);
    }
    if unit_scale > 0 {
        if let Some(r) = super::cents::round_places(value, unit_scale, mode) {
            return Some(r);
        }
    }
    let strategy = match mode {
        RoundMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundMode::Down => RoundingStrategy::ToZero,
        RoundMode::Up => RoundingStrategy::AwayFromZero,
    };
    // Units are normalised powers of ten: a whole unit has no places.
    if unit.scale() == 0 {
        let q = value.checked_div(unit)?.round_dp_with_strategy(0, strategy);
        return q.checked_mul(unit);
    }
    // A unit below one is 10^-dp: keep exactly dp places, so 5000000 prints as 5000000.00.
    let dp = unit.scale();
    let mut r = value.round_dp_with_strategy(dp, strategy);
    r.rescale(dp);
    Some(r)
}

/// `a × b / c` rounded to `unit`, computed exactly: the rounding sees the true
/// quotient, not one cut to 28 digits first. `None` when the numbers are too
/// large for this integer path (or `c` is 0); callers then divide as decimals.
pub fn round_ratio(a: Decimal, b: Decimal, c: Decimal, unit: Decimal, mode: RoundMode) -> Option<Decimal> {
    // Units are normalised powers of ten: 0.01 keeps 2 places, 1 keeps none,
    // and a unit of 10 or more is for the decimal path. (Read from the unit's
    // parts: comparing decimals rescales them, for every claim of a round.)
    let dp = match unit.scale() {
        0 if unit.mantissa() == 1 => 0,
        0 => return None,
        places => places,
    };
    let mantissa = |d: Decimal| (d.mantissa(), i32::try_from(d.scale()).ok());
    let ((am, as_), (bm, bs), (cm, cs)) = (mantissa(a), mantissa(b), mantissa(c));
    if cm == 0 {
        return None;
    }
    let e = cs? - as_? - bs? + i32::try_from(dp).ok()?;
    let pow = |k: i32| 10i128.checked_pow(u32::try_from(k).ok()?);
    let product = mul(am, bm)?;
    let (num, den) = if e >= 0 {
        (mul(product, pow(e)?)?, cm)
    } else {
        (product, mul(cm, pow(-e)?)?)
    };
    let negative = (num < 0) != (den < 0);
    let (num, den) = (num.checked_abs()?, den.checked_abs()?);
    // One machine division when both fit in 64 bits: the 128-bit one is a call,
    // made for every claim of a round.
    let (q, r) = match (u64::try_from(num), u64::try_from(den)) {
        (Ok(n), Ok(d)) => (i128::from(n / d), i128::from(n % d)),
        _ => (num / den, num % den),
    };
    let twice = r.checked_mul(2)?;
    let up = match mode {
        RoundMode::HalfAwayFromZero => twice >= den,
        RoundMode::HalfEven => twice > den || (twice == den && q % 2 == 1),
        RoundMode::Down => false,
        RoundMode::Up => r > 0,
    };
    let n = if up { q.checked_add(1)? } else { q };
    let n = if negative { -n } else { n };
    Decimal::try_from_i128_with_scale(n, dp).ok()
}

/// `a × b`, or `None` past 128 bits. Factors that fit in 64 bits (nearly
/// always) cannot overflow: one machine multiplication, not a checked 128-bit one.
fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(x), Ok(y)) => Some(i128::from(x).wrapping_mul(i128::from(y))),
        _ => a.checked_mul(b),
    }
}

/// `amount`, at most what is left of `limit` once `prior` (already paid under
/// the same cap) is counted; never below 0, even when `prior` exceeds `limit`.
pub fn capped(amount: Decimal, limit: Decimal, prior: Decimal) -> Decimal {
    // Nothing to cap: most measures award nothing to most applicants.
    if amount.is_zero() {
        return amount;
    }
    let room = if prior.is_zero() {
        limit
    } else {
        limit.checked_sub(prior).unwrap_or(Decimal::ZERO)
    };
    if !positive(room) {
        return Decimal::ZERO;
    }
    if super::cents::compare(amount, room).is_le() {
        amount
    } else {
        room
    }
}

/// A top-up (差额): `amount` less everything already paid, never below 0.
pub fn top_up(amount: Decimal, prior: Decimal) -> Decimal {
    // Nothing paid before, as for most applicants: no subtraction to make.
    if prior.is_zero() {
        return at_least_zero(amount);
    }
    at_least_zero(amount.checked_sub(prior).unwrap_or(Decimal::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn a_product_of_64_bit_factors_is_exact_and_a_wider_one_checked() {
        let (big, small) = (i128::from(i64::MAX), i128::from(i64::MIN));
        assert_eq!(mul(big, small), big.checked_mul(small));
        assert_eq!(mul(-7, 6), Some(-42));
        // a factor past 64 bits takes the checked path: exact, or nothing on overflow
        assert_eq!(mul(big * 4, 3), Some(big * 12));
        assert_eq!(mul(i128::MAX, 2), None);
    }

    #[test]
    fn an_exact_ratio_rounds_as_the_decimal_quotient_does() {
        let modes = [
            RoundMode::HalfAwayFromZero,
            RoundMode::HalfEven,
            RoundMode::Down,
            RoundMode::Up,
        ];
        let mut x: u64 = 7;
        for i in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // every other one with a product beyond 64 bits
            let top = if i % 2 == 0 { 100_000_000 } else { 1_000_000_000_000_000 };
            let a = Decimal::new((x >> 4) as i64 % top, 2);
            let b = Decimal::new(1_000_000_000 + (x >> 40) as i64 % 1000, 0);
            let c = Decimal::new(1_000_000_000 + (x >> 30) as i64 % 900_000_000, 0);
            for mode in modes {
                for unit in [d("0.01"), d("0.1"), d("1")] {
                    let exact = a * b / c;
                    assert_eq!(
                        round_ratio(a, b, c, unit, mode),
                        super::round(exact, unit, mode),
                        "{a} × {b} / {c}"
                    );
                }
            }
        }
        // 64000.64 × 125 / 128 = 62500.625 exactly: half a cent goes up, or to even
        let (a, b, c) = (d("64000.64"), d("125"), d("128"));
        assert_eq!(
            round_ratio(a, b, c, d("0.01"), RoundMode::HalfAwayFromZero),
            Some(d("62500.63"))
        );
        assert_eq!(
            round_ratio(a, b, c, d("0.01"), RoundMode::HalfEven),
            Some(d("62500.62"))
        );
        assert_eq!(round_ratio(a, b, d("0"), d("0.01"), RoundMode::Up), None);
        // a unit of ten or more is left to the decimal path
        assert_eq!(round_ratio(a, b, c, d("10"), RoundMode::Up), None);
    }

    fn rule(unit: &str, mode: RoundMode) -> (Decimal, RoundMode) {
        (d(unit), mode)
    }

    fn round(value: Decimal, (unit, mode): (Decimal, RoundMode)) -> Option<Decimal> {
        super::round(value, unit, mode)
    }

    #[test]
    fn half_away_from_zero_is_sishewuru() {
        let r = rule("0.01", RoundMode::HalfAwayFromZero);
        assert_eq!(round(d("123.4565"), r).map(|x| x.to_string()), Some("123.46".into()));
        assert_eq!(round(d("123.455"), r).map(|x| x.to_string()), Some("123.46".into()));
        assert_eq!(round(d("123.454999"), r).map(|x| x.to_string()), Some("123.45".into()));
        assert_eq!(round(d("-0.005"), r).map(|x| x.to_string()), Some("-0.01".into()));
    }

    #[test]
    fn whole_amounts_keep_the_stated_places() {
        let r = rule("0.01", RoundMode::HalfAwayFromZero);
        assert_eq!(round(d("5000000"), r).map(|x| x.to_string()), Some("5000000.00".into()));
    }

    #[test]
    fn caps_take_what_is_left_of_the_limit() {
        assert_eq!(capped(d("1600000"), d("5000000"), d("0")), d("1600000"));
        assert_eq!(capped(d("8000000"), d("5000000"), d("0")), d("5000000"));
        // reached exactly
        assert_eq!(capped(d("5000000"), d("5000000"), d("0")), d("5000000"));
        assert_eq!(capped(d("900000"), d("1000000"), d("600000")), d("400000"));
        assert_eq!(capped(d("900000"), d("1000000"), d("1000000")), d("0"));
        // a ledger above the cap leaves nothing, not a negative award
        assert_eq!(capped(d("900000"), d("1000000"), d("1200000")), d("0"));
    }

    #[test]
    fn top_up_pays_the_difference_only() {
        assert_eq!(top_up(d("500000"), d("300000")), d("200000"));
        assert_eq!(top_up(d("400000"), d("500000")), d("0"));
        assert_eq!(top_up(d("300000"), d("0")), d("300000"));
    }

    #[test]
    fn other_modes_and_units() {
        assert_eq!(round(d("0.125"), rule("0.01", RoundMode::HalfEven)), Some(d("0.12")));
        assert_eq!(round(d("0.135"), rule("0.01", RoundMode::HalfEven)), Some(d("0.14")));
        assert_eq!(round(d("1.999"), rule("0.01", RoundMode::Down)), Some(d("1.99")));
        assert_eq!(round(d("1.001"), rule("0.01", RoundMode::Up)), Some(d("1.01")));
        assert_eq!(
            round(d("12345"), rule("10000", RoundMode::HalfAwayFromZero)),
            Some(d("10000"))
        );
        assert_eq!(
            round(d("15000"), rule("10000", RoundMode::HalfAwayFromZero)),
            Some(d("20000"))
        );
        assert_eq!(round(d("2.5"), rule("1", RoundMode::HalfAwayFromZero)), Some(d("3")));
    }
}
