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
    match plain_prefix(text, 0) {
        Some((d, n)) if n == text.len() => Some(d),
        _ => None,
    }
}

/// A plain amount that starts at `at` and runs to the first byte that is
/// neither a digit nor its point, with its length: so that an amount written
/// as a string is read where it stands, in the one pass that finds its end.
pub(super) fn plain_prefix(bytes: &[u8], at: usize) -> Option<(Decimal, usize)> {
    let text = bytes.get(at..)?;
    // Twenty bytes are enough to see that a longer amount is not a plain one.
    let text = text.get(..20).unwrap_or(text);
    // The digits are summed wrapping; more than 18 (which could have wrapped) are refused below.
    let (n, m) = digits(text, 0, 0);
    let whole = n;
    let (mut n, mut m, mut fraction) = (n, m, 0);
    if whole > 0 && text.get(n) == Some(&b'.') {
        (n, m) = digits(text, n + 1, m);
        fraction = n - whole - 1;
        // `5.` has no digit after its point: the full parser decides.
        if fraction == 0 {
            return None;
        }
    }
    if whole == 0 || whole + fraction > 18 || n > 19 {
        return None;
    }
    let m = i64::try_from(m).ok()?;
    Some((Decimal::try_new(m, u32::try_from(fraction).ok()?).ok()?, n))
}

/// A plain amount written as a bare JSON number (`1800000`, `0.05`), with its
/// length: `None` for what JSON's grammar refuses (`007`) or what goes on as
/// a number (`1e5`, `1.2.3`), which the full reader then judges.
pub(in crate::case) fn bare_prefix(bytes: &[u8], at: usize) -> Option<(Decimal, usize)> {
    let (d, n) = plain_prefix(bytes, at)?;
    let leading_zero = bytes.get(at) == Some(&b'0') && n > 1 && bytes.get(at + 1) != Some(&b'.');
    let goes_on = matches!(bytes.get(at + n), Some(b'0'..=b'9' | b'.' | b'e' | b'E'));
    (!leading_zero && !goes_on).then_some((d, n))
}

/// A plain amount written as a JSON string (`"653921.82"`), its text read
/// where it stands: its length up to the closing quote.
#[inline]
pub(in crate::case) fn quoted_prefix(bytes: &[u8], at: usize) -> Option<(Decimal, usize)> {
    plain_prefix(bytes, at).filter(|&(_, n)| bytes.get(at + n) == Some(&b'"'))
}

/// The run of digits from `n` on, added to `m`: where it ends, and the sum.
#[inline(always)]
fn digits(text: &[u8], mut n: usize, mut m: u64) -> (usize, u64) {
    while let Some(&b) = text.get(n) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        n += 1;
    }
    (n, m)
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

/// `in_range` for a whole number: compared as one against whole bounds, as
/// nearly every bound of a whole-number input is.
pub(super) fn in_range_int(n: i64, r: &Range) -> Result<(), (&'static str, String)> {
    let whole = |d: Decimal| (d.scale() == 0).then(|| i64::try_from(d.mantissa()).ok()).flatten();
    let inside = r.min.is_none_or(|lo| whole(lo).is_some_and(|lo| n >= lo))
        && r.max.is_none_or(|hi| whole(hi).is_some_and(|hi| n <= hi));
    if inside {
        Ok(())
    } else {
        in_range(Decimal::from(n), r)
    }
}

pub(super) fn in_range(d: Decimal, r: &Range) -> Result<(), (&'static str, String)> {
    let message = match (&r.min, &r.max) {
        (Some(lo), Some(hi)) if d < *lo || d > *hi => t!(
            "%{d} is outside the allowed range %{lo} to %{hi}",
            d = d,
            lo = lo,
            hi = hi
        )
        .into_owned(),
        // A floor of 0 is the common one: the sign says it.
        (Some(lo), None) if lo.is_zero() && !d.is_sign_negative() => return Ok(()),
        (Some(lo), None) if d < *lo => t!("%{d} is below the allowed minimum %{lo}", d = d, lo = lo).into_owned(),
        (None, Some(hi)) if d > *hi => t!("%{d} is above the allowed maximum %{hi}", d = d, hi = hi).into_owned(),
        _ => return Ok(()),
    };
    Err((code::RANGE, message))
}

#[cfg(test)]
mod tests {
    use super::{bare_prefix, in_range_int, plain_decimal, plain_prefix};
    use crate::check::model::Range;
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
            "1.00000000000000000",
            "007.50",
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
            "1.2.",
            "12345678901234567890",
            "1234567890123456789",
            "9223372036854775808",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn an_amount_read_where_it_stands_stops_at_the_first_other_byte() {
        // as a string's text in a line: the amount, its closing quote, the rest
        for s in ["653921.82", "1800000", "0", "0.05", "123456789012345678", "007.50"] {
            let line = format!("{{\"a\":\"{s}\",\"b\":1}}");
            let at = line.find(s).unwrap_or_default();
            let want = Decimal::from_str(s).ok().map(|d| (d, s.len()));
            assert_eq!(plain_prefix(line.as_bytes(), at), want, "{line}");
        }
        // what the whole text would refuse is refused from its start too
        for s in [
            "",
            ".5",
            "5.\"",
            "9999999999999999999\"",
            "12345678901234567890\"",
            "-5\"",
        ] {
            assert_eq!(plain_prefix(s.as_bytes(), 0), None, "{s}");
        }
        // a prefix is read up to a second point or a letter; the caller then sees it is not the whole
        assert_eq!(plain_prefix(b"1.2.3", 0).map(|(_, n)| n), Some(3));
        assert_eq!(plain_prefix(b"12a", 0).map(|(_, n)| n), Some(2));
        assert_eq!(plain_prefix(b"12", 5), None);
    }

    #[test]
    fn a_bare_amount_is_read_only_where_json_would_end_the_number_there() {
        let read = |s: &str| bare_prefix(s.as_bytes(), 0).map(|(d, n)| (d.to_string(), n));
        assert_eq!(read("60000,"), Some(("60000".into(), 5)));
        assert_eq!(read("0.05}"), Some(("0.05".into(), 4)));
        assert_eq!(read("0]"), Some(("0".into(), 1)));
        assert_eq!(read("5"), Some(("5".into(), 1)));
        // JSON refuses a leading zero; an exponent or a second point goes on: the full reader judges
        for s in ["007,", "00,", "1e5,", "1E5", "1.2.3", "-5,", "\"5\"", ".5"] {
            assert_eq!(read(s), None, "{s}");
        }
    }

    #[test]
    fn whole_numbers_are_judged_against_their_bounds_as_decimals_are() {
        let d = |s: &str| Decimal::from_str(s).ok();
        for (min, max) in [
            (d("3"), d("5")),
            (d("1"), None),
            (None, d("-2")),
            (d("2.5"), d("4.0")),
            (d("-100000000000000000000"), d("100000000000000000000")),
            (None, None),
        ] {
            let r = Range { min, max };
            for n in [-3, -2, 0, 1, 2, 3, 4, 5, 6, i64::MIN, i64::MAX] {
                assert_eq!(
                    in_range_int(n, &r).is_ok(),
                    super::in_range(Decimal::from(n), &r).is_ok(),
                    "{n} in {min:?}..{max:?}"
                );
            }
        }
    }
}
