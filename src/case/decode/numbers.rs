//! Text to exact values: decimals (a fast path for plain ones), dates written
//! exactly `YYYY-MM-DD`, ranges, and the hint for a thousands separator.

use super::*;

/// A date written exactly `YYYY-MM-DD`, or why not.
pub(super) fn parse_date(s: &str) -> Result<Date, String> {
    match Date::parse(s) {
        Some(d) => Ok(d),
        None if Date::has_form(s) => Err(t!("`%{s}` is not a calendar date", s = s).into_owned()),
        None => Err(t!("expected a date written YYYY-MM-DD, got \"%{s}\"", s = show(s)).into_owned()),
    }
}

pub(in crate::case) fn looks_numeric(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
}

/// An exact decimal from the text of a number.
pub(in crate::case) fn decimal(text: &str) -> Result<Decimal, (&'static str, String)> {
    if let Some(d) = plain_decimal(text.as_bytes()) {
        return Ok(d);
    }
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    };
    parsed.ok_or_else(|| {
        (
            code::DECIMAL,
            t!("`%{text}` is beyond the range of exact decimals", text = text).into_owned(),
        )
    })
}

/// The common form of an amount, `653921.82` or `1800000`: at most 18 digits,
/// read straight into the mantissa. Anything else goes through the full parser.
pub(super) fn plain_decimal(text: &[u8]) -> Option<Decimal> {
    // 18 digits fit an i64 whatever they are; a 19th could overflow it.
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let digits = |from: usize| text[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let whole = digits(0);
    let (fraction, end) = match text.get(whole) {
        None => (0, whole),
        // `5.` has no digit after its point: the full parser decides.
        Some(b'.') => match digits(whole + 1) {
            0 => return None,
            f => (f, whole + 1 + f),
        },
        Some(_) => return None,
    };
    if whole == 0 || end != text.len() || whole + fraction > 18 {
        return None;
    }
    let mut m = 0i64;
    for &b in text.iter().filter(|b| b.is_ascii_digit()) {
        m = m * 10 + i64::from(b - b'0');
    }
    Decimal::try_new(m, u32::try_from(fraction).ok()?).ok()
}

/// `"1,000,000"`: a number with thousands separators, which a case does not use.
pub(super) fn separators(s: &str) -> Option<(&'static str, String)> {
    let plain: String = s.chars().filter(|c| *c != ',' && *c != '，').collect();
    (plain.len() < s.len() && looks_numeric(&plain) && decimal(&plain).is_ok()).then(|| {
        (
            code::TYPE,
            t!(
                "`%{text}` has thousands separators: write %{plain}",
                text = s,
                plain = plain
            )
            .into_owned(),
        )
    })
}

pub(super) fn in_range(d: Decimal, r: &Range) -> Result<(), (&'static str, String)> {
    let message = match (r.min, r.max) {
        (Some(lo), Some(hi)) if d < lo || d > hi => t!(
            "%{d} is outside the allowed range %{lo} to %{hi}",
            d = d,
            lo = lo,
            hi = hi
        )
        .into_owned(),
        // A floor of 0 is the common one: the sign says it.
        (Some(lo), None) if lo.is_zero() && !d.is_sign_negative() => return Ok(()),
        (Some(lo), None) if d < lo => t!("%{d} is below the allowed minimum %{lo}", d = d, lo = lo).into_owned(),
        (None, Some(hi)) if d > hi => t!("%{d} is above the allowed maximum %{hi}", d = d, hi = hi).into_owned(),
        _ => return Ok(()),
    };
    Err((code::RANGE, message))
}

#[cfg(test)]
mod tests {
    use super::plain_decimal;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn plain_amounts_are_read_exactly_and_the_rest_left_to_the_full_parser() {
        for s in [
            "653921.82",
            "1800000",
            "0",
            "0.05",
            "123456789012345678",
            "12345678901234567.8",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), Decimal::from_str(s).ok(), "{s}");
        }
        // nineteen digits could overflow the mantissa: not read here (this panicked once)
        for s in [
            "9999999999999999999",
            "999999999999999999.9",
            "",
            ".5",
            "5.",
            "-5",
            "1e5",
            "1,000",
            "5.5.5",
            " 5",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }
}
