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

/// Rounds `value` to a multiple of `unit` (a power of ten), or `None` on overflow.
pub fn round(value: Decimal, unit: Decimal, mode: RoundMode) -> Option<Decimal> {
    // Most amounts already have at most the unit's places: only the scale is set.
    // (The checker normalises the unit, so its scale is its number of places.)
    let unit_scale = unit.scale();
    if unit_scale > 0 && value.scale() == unit_scale {
        return Some(value);
    }
    if unit_scale > 0 && value.scale() < unit_scale {
        let mut v = value;
        v.rescale(unit_scale);
        return Some(v);
    }
    let strategy = match mode {
        RoundMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        RoundMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundMode::Down => RoundingStrategy::ToZero,
        RoundMode::Up => RoundingStrategy::AwayFromZero,
    };
    if unit >= Decimal::ONE {
        let q = value.checked_div(unit)?.round_dp_with_strategy(0, strategy);
        return q.checked_mul(unit);
    }
    // A unit below one is 10^-dp: keep exactly dp places, so 5000000 prints as 5000000.00.
    let dp = unit.scale();
    let mut r = value.round_dp_with_strategy(dp, strategy);
    r.rescale(dp);
    Some(r)
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
    if amount <= room {
        amount
    } else {
        room
    }
}

/// A top-up (差额): `amount` less everything already paid, never below 0.
pub fn top_up(amount: Decimal, prior: Decimal) -> Decimal {
    amount.checked_sub(prior).unwrap_or(Decimal::ZERO).max(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
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
