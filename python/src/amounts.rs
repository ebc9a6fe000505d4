//! A decimal column kept as it is filled: each value's mantissa at scale 2,
//! the places almost every amount has, and the rare value with more places
//! kept aside with its row. Laid out as one decimal128 array, without a copy
//! when no value needs more places.

use arrow_array::{ArrayRef, Decimal128Array, StringArray};
use arrow_buffer::NullBuffer;
use rust_decimal::Decimal;
use std::sync::Arc;

/// One part's values of a decimal column.
pub struct Amounts {
    /// each row's value × 100 (0 for a row with none, or for one kept in `odd`)
    cents: Vec<i128>,
    /// the values with more than 2 places, by row
    odd: Vec<(usize, Decimal)>,
    /// the fewest and the most places among the values
    least: u32,
    most: u32,
}

/// How a decimal column is written in every part: its scale and precision.
#[derive(Clone, Copy)]
pub struct Places {
    pub scale: u32,
    pub precision: u8,
}

impl Amounts {
    pub fn with_capacity(rows: usize) -> Amounts {
        Amounts {
            cents: Vec::with_capacity(rows),
            odd: Vec::new(),
            least: u32::MAX,
            most: 0,
        }
    }

    pub fn push(&mut self, d: Decimal) {
        let scale = d.scale();
        self.least = self.least.min(scale);
        self.most = self.most.max(scale);
        // a mantissa is below 2^96: times 100 it is far inside i128
        match scale {
            0 => self.cents.push(d.mantissa() * 100),
            1 => self.cents.push(d.mantissa() * 10),
            2 => self.cents.push(d.mantissa()),
            _ => {
                self.odd.push((self.cents.len(), d));
                self.cents.push(0);
            }
        }
    }

    /// A row with no value (masked by the column's nulls).
    pub fn push_none(&mut self) {
        self.cents.push(0);
    }

    /// The value of row `i`, as the column holds it.
    fn value(&self, i: usize, odd: &mut std::iter::Peekable<std::slice::Iter<'_, (usize, Decimal)>>) -> Value {
        match odd.peek() {
            Some((row, d)) if *row == i => {
                let d = *d;
                odd.next();
                Value::Exact(d)
            }
            _ => Value::Cents(self.cents[i]),
        }
    }

    /// The column as `places` says, with `nulls`; as text when `places` is none.
    pub fn array(self, nulls: Option<NullBuffer>, places: Option<Places>) -> ArrayRef {
        let n = self.cents.len();
        match places {
            Some(p) if p.scale == 2 && self.odd.is_empty() => {
                let array = Decimal128Array::try_new(self.cents.into(), nulls)
                    .and_then(|a| a.with_precision_and_scale(p.precision, 2));
                match array {
                    Ok(a) => Arc::new(a),
                    Err(_) => Arc::new(Decimal128Array::new_null(n)),
                }
            }
            Some(p) => {
                let mut odd = self.odd.iter().peekable();
                let values: Vec<i128> = (0..n)
                    .map(|i| self.value(i, &mut odd).at(p.scale).unwrap_or(0))
                    .collect();
                let scale = i8::try_from(p.scale).unwrap_or(28);
                let array = Decimal128Array::try_new(values.into(), nulls)
                    .and_then(|a| a.with_precision_and_scale(p.precision, scale));
                match array {
                    Ok(a) => Arc::new(a),
                    Err(_) => Arc::new(Decimal128Array::new_null(n)),
                }
            }
            None => {
                let mut odd = self.odd.iter().peekable();
                let text: StringArray = (0..n)
                    .map(|i| {
                        let v = self.value(i, &mut odd);
                        nulls.as_ref().is_none_or(|nl| nl.is_valid(i)).then(|| v.text())
                    })
                    .collect();
                Arc::new(text)
            }
        }
    }
}

/// A value as a column holds it.
enum Value {
    Cents(i128),
    Exact(Decimal),
}

impl Value {
    /// The mantissa at `scale`; none when it would not be exact or not fit i128.
    fn at(&self, scale: u32) -> Option<i128> {
        let (m, s) = match self {
            Value::Cents(c) => (*c, 2),
            Value::Exact(d) => (d.mantissa(), d.scale()),
        };
        if scale >= s {
            10i128.checked_pow(scale - s).and_then(|f| m.checked_mul(f))
        } else {
            let f = 10i128.checked_pow(s - scale)?;
            (m % f == 0).then(|| m / f)
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Exact(d) => d.to_string(),
            Value::Cents(c) => {
                let sign = if *c < 0 { "-" } else { "" };
                let a = c.unsigned_abs();
                format!("{sign}{}.{:02}", a / 100, a % 100)
            }
        }
    }
}

/// How every part's values of one column are written: the scale is `fixed`
/// when given (a value with more places is an error: it would be rounded),
/// else the most places among them (2 at least). A mantissa has at most 29
/// digits, so the precision is 29 and the places a value is widened by, which
/// leaves pyarrow room to add and subtract; with a fixed scale (Spark's schema
/// comes before the data) it is 38. None when some value would not fit 38
/// digits: the column is written as text.
pub fn places<'a>(
    name: &str,
    parts: impl Iterator<Item = &'a Amounts> + Clone,
    fixed: Option<u32>,
) -> Result<Option<Places>, String> {
    let (least, most) = parts
        .clone()
        .fold((u32::MAX, 0), |(l, m), a| (l.min(a.least), m.max(a.most)));
    let scale = match fixed {
        Some(s) if most > s => {
            return Err(if zhice::lang::is_zh() {
                format!("`{name}` 有 {most} 位小数的值，多于 scale={s} 保留的位数（不做舍入）")
            } else {
                format!(
                    "`{name}` has a value with {most} decimal places, more than scale={s} keeps (nothing is rounded)"
                )
            })
        }
        Some(s) => s,
        None => most.max(2),
    };
    let widened = scale.saturating_sub(least.min(scale));
    let precision = match fixed {
        Some(_) => 38,
        None => u8::try_from((29 + widened).min(38)).unwrap_or(38),
    };
    let places = Places { scale, precision };
    if widened <= 9 {
        return Ok(Some(places));
    }
    let limit = 10i128.pow(38);
    let fits = parts.into_iter().all(|a| {
        let mut odd = a.odd.iter().peekable();
        (0..a.cents.len()).all(|i| a.value(i, &mut odd).at(scale).is_some_and(|m| m.abs() < limit))
    });
    Ok(fits.then_some(Places {
        precision: 38,
        ..places
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use std::str::FromStr;

    fn amounts(values: &[&str]) -> Amounts {
        let mut a = Amounts::with_capacity(values.len());
        for v in values {
            a.push(Decimal::from_str(v).unwrap_or_else(|_| panic!("{v}")));
        }
        a
    }

    fn shown(array: &ArrayRef) -> Vec<String> {
        let a = array.as_any().downcast_ref::<Decimal128Array>();
        let a = a.unwrap_or_else(|| panic!("a decimal array: {:?}", array.data_type()));
        (0..a.len()).map(|i| a.value_as_string(i)).collect()
    }

    #[test]
    fn amounts_of_two_places_or_fewer_are_written_at_two() {
        let a = amounts(&["5", "1.5", "300000.00", "-0.01"]);
        let p = places("x", std::iter::once(&a), None).ok().flatten();
        assert_eq!(p.map(|p| (p.scale, p.precision)), Some((2, 31)));
        assert_eq!(shown(&a.array(None, p)), ["5.00", "1.50", "300000.00", "-0.01"]);
    }

    #[test]
    fn a_value_with_more_places_widens_the_whole_column_exactly() {
        let a = amounts(&["5", "0.125", "7.10"]);
        let p = places("x", std::iter::once(&a), None).ok().flatten();
        assert_eq!(p.map(|p| p.scale), Some(3));
        assert_eq!(shown(&a.array(None, p)), ["5.000", "0.125", "7.100"]);
    }

    #[test]
    fn a_fixed_scale_keeps_every_place_or_refuses() {
        let a = amounts(&["5", "1.5"]);
        assert!(places("x", std::iter::once(&a), Some(0)).is_err());
        let p = places("x", std::iter::once(&a), Some(1)).ok().flatten();
        assert_eq!(p.map(|p| (p.scale, p.precision)), Some((1, 38)));
        assert_eq!(shown(&a.array(None, p)), ["5.0", "1.5"]);
    }
}
