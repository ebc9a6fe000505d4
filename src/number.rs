//! Numbers as people read them: `1,600,000.00`, `20%`.

use rust_decimal::Decimal;

/// Money with thousands separators, keeping every decimal place it has.
pub fn money(d: Decimal) -> String {
    // Whole amounts (a pool of `1000万元`) still show their cents, like every award.
    // Trailing zeros beyond the cents say nothing: `500000.000` is 500,000.00.
    let mut d = if d.scale() > 2 { d.normalize() } else { d };
    if d.scale() < 2 {
        d.rescale(2);
    }
    grouped(d)
}

/// A quantity (an area, months) with thousands separators and the decimals it
/// needs: `2,500,000.5`, `12`. Grouped like money, so numbers read alike.
pub fn quantity(d: Decimal) -> String {
    grouped(d.normalize())
}

fn grouped(d: Decimal) -> String {
    let s = d.to_string();
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |rest| ("-", rest));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A rate as a percentage: 0.2 → `20%`.
pub fn rate(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", p.normalize()),
        None => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn groups_thousands() {
        let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(money(d("1600000.00")), "1,600,000.00");
        assert_eq!(money(d("500000")), "500,000.00");
        assert_eq!(money(d("123.46")), "123.46");
        assert_eq!(money(d("-1234")), "-1,234.00");
        assert_eq!(money(d("0.125")), "0.125");
        assert_eq!(money(d("500000.000")), "500,000.00");
        assert_eq!(rate(d("0.2")), "20%");
        assert_eq!(rate(d("0.125")), "12.5%");
        assert_eq!(quantity(d("2500000.50")), "2,500,000.5");
        assert_eq!(quantity(d("12")), "12");
    }
}
