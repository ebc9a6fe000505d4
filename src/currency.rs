//! The currency a policy's amounts are in (its header's `currency`, CNY when it
//! names none): how drafters write an amount in it, and how reports show one.
//! The language of the words is the reader's; the currency is the policy's.

use crate::number::quantity;
use rust_decimal::Decimal;

/// One of the currencies a policy may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(&'static str);

/// The codes a policy may name, and the sign written before an amount in it.
const KNOWN: [(&str, &str); 6] = [
    ("CNY", ""),
    ("USD", "$"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("HKD", "HK$"),
    ("JPY", ""),
];

impl Currency {
    pub const CNY: Currency = Currency("CNY");

    /// `USD`, `CNY`: a code the language knows.
    pub fn from_code(code: &str) -> Option<Currency> {
        KNOWN.iter().find(|(c, _)| *c == code).map(|(c, _)| Currency(c))
    }

    /// The currency of a sign written before an amount: `$`, `US$`, `€`, `£`, `HK$`.
    pub fn from_sign(sign: &str) -> Option<Currency> {
        match sign {
            "US$" => Some(Currency("USD")),
            _ => KNOWN
                .iter()
                .find(|(_, s)| !s.is_empty() && *s == sign)
                .map(|(c, _)| Currency(c)),
        }
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// The codes, for messages.
    pub fn codes() -> String {
        KNOWN.map(|(c, _)| c).join(", ")
    }

    /// An amount as a drafter writes it in this currency: `500万元`, `1.2亿元`,
    /// `2,000元`; `$40,000`, `€1,234.5`; `1,000 JPY`.
    pub fn write(self, d: Decimal) -> String {
        if self == Currency::CNY {
            return yuan(d);
        }
        let (sign, magnitude) = if d.is_sign_negative() && !d.is_zero() {
            ("-", -d)
        } else {
            ("", d)
        };
        match KNOWN.iter().find(|(c, _)| *c == self.0) {
            Some((_, s)) if !s.is_empty() => format!("{sign}{s}{}", quantity(magnitude)),
            _ => format!("{sign}{} {}", quantity(magnitude), self.0),
        }
    }
}

impl Currency {
    /// An amount to the cent, as a result shows it, with its currency: `250,000.00元`, `$1,234.50`.
    pub fn amount(self, d: Decimal) -> String {
        let text = crate::number::money(d.abs());
        let sign = if d.is_sign_negative() && !d.is_zero() { "-" } else { "" };
        match KNOWN.iter().find(|(c, _)| *c == self.0) {
            // yuan in the reader's words: 元 in Chinese, `yuan` in English
            _ if self == Currency::CNY => t!("%{amount} yuan", amount = format!("{sign}{text}")).into_owned(),
            Some((_, s)) if !s.is_empty() => format!("{sign}{s}{text}"),
            _ => format!("{sign}{text} {}", self.0),
        }
    }
}

/// Yuan in the largest unit that writes it whole or to the cent: 1.2亿元, 1.5万元, 2,000元.
fn yuan(d: Decimal) -> String {
    let wan = Decimal::from(10_000);
    let yi = Decimal::from(100_000_000);
    let in_unit =
        |unit: Decimal| d.abs() >= unit && d.checked_mul(Decimal::from(100)).is_some_and(|x| (x % unit).is_zero());
    if in_unit(yi) {
        format!("{}亿元", (d / yi).normalize())
    } else if in_unit(wan) {
        format!("{}万元", (d / wan).normalize())
    } else {
        format!("{}元", quantity(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn each_currency_is_written_as_its_drafters_write_it() {
        assert_eq!(Currency::CNY.write(d("5000000")), "500万元");
        assert_eq!(Currency::CNY.write(d("120000000")), "1.2亿元");
        assert_eq!(Currency::CNY.write(d("2000")), "2,000元");
        assert_eq!(Currency::CNY.write(d("15000")), "1.5万元");
        assert_eq!(Currency::CNY.write(d("0")), "0元");
        assert_eq!(Currency::CNY.write(d("1234.5")), "1,234.5元");
        let yuan = crate::lang::scoped(crate::lang::Lang::Zh, || Currency::CNY.amount(d("250000")));
        assert_eq!(yuan, "250,000.00元");
        let usd = Currency::from_code("USD").unwrap_or(Currency::CNY);
        assert_eq!(usd.write(d("40000")), "$40,000");
        assert_eq!(usd.write(d("-632.5")), "-$632.5");
        assert_eq!(
            Currency::from_sign("€").map(|c| c.write(d("1234.5"))),
            Some("€1,234.5".into())
        );
        assert_eq!(
            Currency::from_code("JPY").map(|c| c.write(d("1000"))),
            Some("1,000 JPY".into())
        );
        assert_eq!(Currency::from_sign("US$"), Currency::from_code("USD"));
        assert_eq!(usd.amount(d("1234.5")), "$1,234.50");
        assert_eq!(Currency::from_code("XXX"), None);
    }
}
