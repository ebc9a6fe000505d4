//! JSON text written by hand, for the hot paths that write one result line per
//! case and for test data: strings escaped as serde_json escapes them, decimals
//! as `Display` writes them.

use rust_decimal::Decimal;
use std::fmt::Write;

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    // Nearly every string (an id, a name) needs no escape: one pass to see it.
    if special(s.as_bytes(), 0) == s.len() {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Where a JSON string's plain text stops, from `at` on: the first `"`, `\\` or control
/// byte, looked for eight bytes at a time; the end of `bytes` if none.
pub fn special(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The lowest flagged byte of each test is exact; that is the one wanted.
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(w) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*w);
        let hits = zero_in(x ^ (ONES * u64::from(b'"')))
            | zero_in(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if hits != 0 {
            return at + hits.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    while let Some(b) = bytes.get(at) {
        if matches!(b, b'"' | b'\\' | 0..=0x1f) {
            break;
        }
        at += 1;
    }
    at
}

/// Appends a decimal as `Display` writes it (`5000000.00`, `-0.5`), without
/// going through the formatting machinery: this runs for every amount of every case.
pub fn push_decimal(out: &mut String, d: Decimal) {
    // Written from the right: digits two at a time, the point where the scale puts it.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
                                2021222324252627282930313233343536373839\
                                4041424344454647484950515253545556575859\
                                6061626364656667686970717273747576777879\
                                8081828384858687888990919293949596979899";
    let mut buf = [0u8; 48];
    let mut at = buf.len();
    let scale = d.scale() as usize;
    let m = d.mantissa().unsigned_abs();
    // Amounts at cents, nearly every number written: the yuan as `itoa` writes
    // a whole number (no UTF-8 check of our own digits), then the point and the cents.
    if let (2, Ok(n)) = (scale, u64::try_from(m)) {
        if d.is_sign_negative() && !d.is_zero() {
            out.push('-');
        }
        out.push_str(itoa::Buffer::new().format(n / 100));
        let cents = (n % 100) as u8;
        out.push('.');
        out.push(char::from(b'0' + cents / 10));
        out.push(char::from(b'0' + cents % 10));
        return;
    }
    let mut written = 0;
    let mut put = |b: u8, at: &mut usize, written: &mut usize| {
        if *written == scale && scale > 0 {
            *at -= 1;
            buf[*at] = b'.';
        }
        *at -= 1;
        buf[*at] = b;
        *written += 1;
    };
    // 64-bit division is many times cheaper than 128-bit, and money fits.
    match u64::try_from(m) {
        Ok(mut n) => {
            while n >= 100 {
                let pair = (n % 100) as usize * 2;
                n /= 100;
                put(PAIRS[pair + 1], &mut at, &mut written);
                put(PAIRS[pair], &mut at, &mut written);
            }
            if n >= 10 {
                let pair = n as usize * 2;
                put(PAIRS[pair + 1], &mut at, &mut written);
                put(PAIRS[pair], &mut at, &mut written);
            } else {
                put(b'0' + n as u8, &mut at, &mut written);
            }
        }
        Err(_) => {
            let mut n = m;
            loop {
                put(b'0' + (n % 10) as u8, &mut at, &mut written);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }
    }
    // `0.05`: zeros up to the point, and one before it.
    while written <= scale {
        put(b'0', &mut at, &mut written);
    }
    if d.is_sign_negative() && !d.is_zero() {
        at -= 1;
        buf[at] = b'-';
    }
    out.push_str(simdutf8::basic::from_utf8(&buf[at..]).unwrap_or_default());
}

/// The largest whole number a float holds exactly (2^53).
const EXACT_WHOLE: f64 = 9_007_199_254_740_992.0;

/// A float as the number it is: a whole one (within 2^53, where every whole
/// float is exact) as a whole number, so that a column of counts that became
/// floats for its missing values (pandas) still reads as counts; any other
/// finite one as the shortest text that reads back as it (987654.35, not
/// 987654.3500000001); NaN and the infinities as strings, which no number reads.
pub fn push_float(out: &mut String, x: f64) {
    if let Some(n) = whole_float(x) {
        out.push_str(itoa::Buffer::new().format(n));
    } else if x.is_finite() {
        out.push_str(ryu::Buffer::new().format_finite(x));
    } else {
        push_string(out, &x.to_string());
    }
}

/// The whole number a float is, when `push_float` writes it as one.
pub fn whole_float(x: f64) -> Option<i64> {
    (x.is_finite() && x.fract() == 0.0 && x.abs() <= EXACT_WHOLE).then_some(x as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_end_of_a_string_is_found_in_any_position() {
        for len in 0..40 {
            for (stop, what) in [
                (b'"', "quote"),
                (b'\\', "backslash"),
                (0x01, "control"),
                (0x1f, "control"),
            ] {
                for at in 0..len {
                    let mut v = vec![b'a'; len];
                    // bytes that look close to the ones sought, but are not
                    for (k, b) in v.iter_mut().enumerate() {
                        *b = [b'a', b'#', b'!', b' ', 0xe9, b']'][k % 6];
                    }
                    v[at] = stop;
                    assert_eq!(special(&v, 0), at, "{what} at {at} of {len}");
                    assert_eq!(
                        special(&v, at.min(3)),
                        at,
                        "{what} at {at} of {len}, from {}",
                        at.min(3)
                    );
                }
            }
            assert_eq!(special(&vec![b'x'; len], 0), len);
        }
    }

    #[test]
    fn a_float_is_written_as_the_number_it_is() {
        let text = |x: f64| {
            let mut s = String::new();
            super::push_float(&mut s, x);
            s
        };
        assert_eq!(text(3.0), "3");
        assert_eq!(text(-2.0), "-2");
        assert_eq!(text(987654.35), "987654.35");
        assert_eq!(text(1e300), "1e300");
        assert_eq!(text(f64::NAN), "\"NaN\"");
        assert_eq!(super::whole_float(4.5), None);
        assert_eq!(super::whole_float(2025.0), Some(2025));
    }

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for text in [
            "0",
            "0.00",
            "5000000",
            "5000000.00",
            "123.46",
            "0.05",
            "-0.5",
            "-1234.5600",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let d = Decimal::from_str(text).unwrap_or_default();
            let mut out = String::new();
            push_decimal(&mut out, d);
            assert_eq!(out, d.to_string(), "{text}");
        }
    }

    #[test]
    fn amounts_at_cents_are_written_as_display_writes_them() {
        // every length of yuan, both signs, cents with and without a leading zero
        let mut n: i64 = 7;
        for _ in 0..40 {
            for m in [
                n,
                -n,
                n / 10,
                n % 1_000_000_000_000_000 * 100 + 5,
                0,
                9,
                10,
                99,
                100,
                101,
            ] {
                let d = Decimal::new(m, 2);
                let mut out = String::new();
                push_decimal(&mut out, d);
                assert_eq!(out, d.to_string(), "{m}");
            }
            n = n.wrapping_mul(31).wrapping_add(17) % 1_000_000_000_000_000;
        }
        let mut out = String::new();
        push_decimal(&mut out, Decimal::new(i64::MAX, 2));
        assert_eq!(out, Decimal::new(i64::MAX, 2).to_string());
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "plain",
            "通州 \"引号\"",
            "a\\b",
            "line\nbreak\ttab\r",
            "\u{1}\u{1f}\u{8}\u{c}",
            "",
        ] {
            let mut out = String::new();
            push_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap_or_default(), "{s:?}");
        }
    }
}
