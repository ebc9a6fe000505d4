//! Literals as drafters write them: `500万元`, `50 万元`, `5,000,000元`,
//! `1.2亿元`, `20%`, `2025-01-01`. Everything is exact; nothing goes through a float.

use super::ast::Date;
use rust_decimal::Decimal;

/// A plain number with optional thousands separators: `5,000,000.5`.
pub fn number(text: &str) -> Option<Decimal> {
    let digits: String = text.chars().filter(|c| *c != ',').collect();
    Decimal::from_str_exact(&digits).ok()
}

/// Money in yuan from a number and its unit (`万元`, `亿元`, `元`, `万`, `亿`).
pub fn money(number_text: &str, unit: &str) -> Option<Decimal> {
    let n = number(number_text)?;
    let factor = match unit {
        "元" => 1u64,
        "万" | "万元" => 10_000,
        "亿" | "亿元" => 100_000_000,
        _ => return None,
    };
    n.checked_mul(Decimal::from(factor)).map(|d| d.normalize())
}

/// A percentage as a fraction: `20` (from `20%`) is 0.2.
pub fn percent(number_text: &str) -> Option<Decimal> {
    let n = number(number_text)?;
    n.checked_div(Decimal::ONE_HUNDRED).map(|d| d.normalize())
}

/// A calendar date `YYYY-MM-DD` that exists.
pub fn date(text: &str) -> Option<Date> {
    Date::parse(text)
}

/// Decodes the escapes of a string literal body (`\"`, `\\`, `\n`, `\t`).
pub fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn money_units_as_drafters_write_them() {
        assert_eq!(money("500", "万元"), Some(d("5000000")));
        assert_eq!(money("50", "万元"), Some(d("500000")));
        assert_eq!(money("5,000,000", "元"), Some(d("5000000")));
        assert_eq!(money("1.2", "亿元"), Some(d("120000000")));
        assert_eq!(money("30", "万"), Some(d("300000")));
        assert_eq!(money("0.5", "元"), Some(d("0.5")));
        assert_eq!(money("1", "美元"), None);
    }

    #[test]
    fn money_beyond_the_decimal_range_is_refused_not_wrapped() {
        assert_eq!(money("79228162514264337593543950335", "亿元"), None);
    }

    #[test]
    fn percentages_are_exact_fractions() {
        assert_eq!(percent("20"), Some(d("0.2")));
        assert_eq!(percent("12.5"), Some(d("0.125")));
        assert_eq!(percent("0.01"), Some(d("0.0001")));
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            date("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert_eq!(date("2025-02-29"), None);
        assert_eq!(date("2025-13-01"), None);
        assert_eq!(date("2025-04-31"), None);
    }

    #[test]
    fn string_escapes() {
        assert_eq!(unescape(r#"a\"b\\c\nd"#), "a\"b\\c\nd");
    }
}
