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
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let (mut m, mut scale, mut point, mut digits) = (0i64, 0u32, false, 0);
    for &b in text {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + i64::from(b - b'0');
                digits += 1;
                scale += u32::from(point);
            }
            b'.' if !point && digits > 0 => point = true,
            _ => return None,
        }
    }
    // `5.` has no digit after its point: the full parser decides.
    (digits <= 18 && !(point && scale == 0)).then(|| Decimal::new(m, scale))
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
