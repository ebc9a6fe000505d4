//! An Arrow row written as a JSON case, so that the core's decoder reads it
//! exactly as it reads a line of a case file: the same fields, the same
//! errors naming the field. A null is a field the case does not give.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, TimeUnit};
use std::fmt::Write as _;
use zhice::json::{push_decimal, push_string};

/// How one column's values are written; built once per batch, with the
/// array already cast to its type, so that a row costs no look-up of types.
pub enum Encoder {
    Bool(arrow_array::BooleanArray),
    I64(arrow_array::Int64Array),
    I32(arrow_array::Int32Array),
    /// the narrower and unsigned integers, read as i128
    Int(ArrayRef, fn(&ArrayRef, usize) -> i128),
    F64(arrow_array::Float64Array),
    F32(arrow_array::Float32Array),
    Decimal(arrow_array::Decimal128Array, u32),
    Utf8(arrow_array::StringArray),
    LargeUtf8(arrow_array::LargeStringArray),
    Utf8View(arrow_array::StringViewArray),
    /// days since 1970-01-01, written as `YYYY-MM-DD`
    Day(ArrayRef, fn(&ArrayRef, usize) -> i64),
    List(OffsetBuffer<i32>, Option<arrow_buffer::NullBuffer>, Box<Encoder>),
    LargeList(OffsetBuffer<i64>, Option<arrow_buffer::NullBuffer>, Box<Encoder>),
    Struct(Vec<Field>),
    /// a dictionary's values, looked up by key (pandas' categorical columns)
    Dictionary(Vec<Option<usize>>, Box<Encoder>),
    /// a type no case field can hold: the decoder names the field
    Other(String),
}

/// A column of a batch or a field of a struct: its JSON key written once, its nulls, its values.
pub struct Field {
    key: String,
    nulls: Option<arrow_buffer::NullBuffer>,
    encoder: Encoder,
}

impl Field {
    fn new(name: &str, array: &ArrayRef) -> Field {
        Field {
            key: quoted(name),
            nulls: array.logical_nulls(),
            encoder: Encoder::of(array),
        }
    }
}

/// The columns of a batch.
pub struct Columns {
    columns: Vec<Field>,
}

impl Columns {
    pub fn new(batch: &RecordBatch) -> Columns {
        let schema = batch.schema();
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .filter(|(f, _)| !matches!(f.data_type(), DataType::Null))
            .map(|(f, a)| Field::new(f.name(), a))
            .collect();
        Columns { columns }
    }

    /// Row `i` as a JSON object: every column but the null ones.
    pub fn write(&self, i: usize, out: &mut String) {
        object(&self.columns, i, out);
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, s);
    out
}

macro_rules! int {
    ($t:ty) => {
        |a: &ArrayRef, i: usize| i128::from(a.as_primitive::<$t>().value(i))
    };
}

impl Encoder {
    fn of(a: &ArrayRef) -> Encoder {
        match a.data_type() {
            DataType::Boolean => Encoder::Bool(a.as_boolean().clone()),
            DataType::Int64 => Encoder::I64(a.as_primitive::<Int64Type>().clone()),
            DataType::Int32 => Encoder::I32(a.as_primitive::<Int32Type>().clone()),
            DataType::Int8 => Encoder::Int(a.clone(), int!(Int8Type)),
            DataType::Int16 => Encoder::Int(a.clone(), int!(Int16Type)),
            DataType::UInt8 => Encoder::Int(a.clone(), int!(UInt8Type)),
            DataType::UInt16 => Encoder::Int(a.clone(), int!(UInt16Type)),
            DataType::UInt32 => Encoder::Int(a.clone(), int!(UInt32Type)),
            DataType::UInt64 => Encoder::Int(a.clone(), int!(UInt64Type)),
            DataType::Float64 => Encoder::F64(a.as_primitive::<Float64Type>().clone()),
            DataType::Float32 => Encoder::F32(a.as_primitive::<Float32Type>().clone()),
            DataType::Decimal128(_, scale) => match u32::try_from(*scale) {
                Ok(scale) if scale <= 28 => Encoder::Decimal(a.as_primitive::<Decimal128Type>().clone(), scale),
                _ => Encoder::Other(a.data_type().to_string()),
            },
            DataType::Utf8 => Encoder::Utf8(a.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Encoder::LargeUtf8(a.as_string::<i64>().clone()),
            DataType::Utf8View => Encoder::Utf8View(a.as_string_view().clone()),
            DataType::Date32 => Encoder::Day(a.clone(), |a, i| i64::from(a.as_primitive::<Date32Type>().value(i))),
            DataType::Date64 => Encoder::Day(a.clone(), |a, i| {
                a.as_primitive::<Date64Type>().value(i).div_euclid(86_400_000)
            }),
            DataType::Timestamp(unit, _) => {
                let day: fn(&ArrayRef, usize) -> i64 = match unit {
                    TimeUnit::Second => |a, i| a.as_primitive::<TimestampSecondType>().value(i).div_euclid(86_400),
                    TimeUnit::Millisecond => |a, i| {
                        a.as_primitive::<TimestampMillisecondType>()
                            .value(i)
                            .div_euclid(86_400_000)
                    },
                    TimeUnit::Microsecond => |a, i| {
                        a.as_primitive::<TimestampMicrosecondType>()
                            .value(i)
                            .div_euclid(86_400_000_000)
                    },
                    TimeUnit::Nanosecond => |a, i| {
                        a.as_primitive::<TimestampNanosecondType>()
                            .value(i)
                            .div_euclid(86_400_000_000_000)
                    },
                };
                Encoder::Day(a.clone(), day)
            }
            DataType::List(_) => {
                let l = a.as_list::<i32>();
                Encoder::List(
                    l.offsets().clone(),
                    l.values().logical_nulls(),
                    Box::new(Encoder::of(l.values())),
                )
            }
            DataType::LargeList(_) => {
                let l = a.as_list::<i64>();
                Encoder::LargeList(
                    l.offsets().clone(),
                    l.values().logical_nulls(),
                    Box::new(Encoder::of(l.values())),
                )
            }
            DataType::Struct(fields) => {
                let s = a.as_struct();
                let children = fields
                    .iter()
                    .zip(s.columns())
                    .filter(|(f, _)| !matches!(f.data_type(), DataType::Null))
                    .map(|(f, c)| Field::new(f.name(), c))
                    .collect();
                Encoder::Struct(children)
            }
            DataType::Dictionary(_, _) => match a.as_any_dictionary_opt() {
                Some(d) => {
                    let keys = d.keys();
                    let indexes = d
                        .normalized_keys()
                        .into_iter()
                        .enumerate()
                        .map(|(i, k)| keys.is_valid(i).then_some(k))
                        .collect();
                    Encoder::Dictionary(indexes, Box::new(Encoder::of(d.values())))
                }
                None => Encoder::Other(a.data_type().to_string()),
            },
            other => Encoder::Other(other.to_string()),
        }
    }

    /// Writes the value at `i`, known not to be null.
    fn write(&self, i: usize, out: &mut String) {
        match self {
            Encoder::Bool(a) => out.push_str(if a.value(i) { "true" } else { "false" }),
            Encoder::I64(a) => out.push_str(itoa::Buffer::new().format(a.value(i))),
            Encoder::I32(a) => out.push_str(itoa::Buffer::new().format(a.value(i))),
            Encoder::Int(a, f) => out.push_str(itoa::Buffer::new().format(f(a, i))),
            Encoder::F64(a) => float(a.value(i), out),
            Encoder::F32(a) => float(f64::from(a.value(i)), out),
            Encoder::Decimal(a, scale) => match rust_decimal::Decimal::try_from_i128_with_scale(a.value(i), *scale) {
                Ok(d) => push_decimal(out, d),
                Err(_) => push_string(out, &a.value_as_string(i)),
            },
            Encoder::Utf8(a) => push_string(out, a.value(i)),
            Encoder::LargeUtf8(a) => push_string(out, a.value(i)),
            Encoder::Utf8View(a) => push_string(out, a.value(i)),
            Encoder::Day(a, f) => {
                out.push('"');
                match zhice::date::Date::from_unix_days(f(a, i)) {
                    Some(d) => {
                        let _ = write!(out, "{d}");
                    }
                    None => out.push('?'),
                }
                out.push('"');
            }
            Encoder::List(offsets, values, child) => {
                list(offsets[i] as usize, offsets[i + 1] as usize, values, child, out)
            }
            Encoder::LargeList(offsets, values, child) => {
                list(offsets[i] as usize, offsets[i + 1] as usize, values, child, out)
            }
            Encoder::Struct(children) => object(children, i, out),
            Encoder::Dictionary(keys, values) => match keys.get(i).copied().flatten() {
                Some(k) => values.write(k, out),
                None => out.push_str("null"),
            },
            Encoder::Other(ty) => push_string(out, &format!("<{ty}>")),
        }
    }
}

/// A JSON object of the fields at `i`, leaving out the null ones.
fn object(fields: &[Field], i: usize, out: &mut String) {
    out.push('{');
    let mut first = true;
    for f in fields {
        if f.nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&f.key);
        out.push(':');
        f.encoder.write(i, out);
    }
    out.push('}');
}

fn list(start: usize, end: usize, nulls: &Option<arrow_buffer::NullBuffer>, child: &Encoder, out: &mut String) {
    out.push('[');
    for j in start..end {
        if j > start {
            out.push(',');
        }
        if nulls.as_ref().is_some_and(|n| n.is_null(j)) {
            out.push_str("null");
        } else {
            child.write(j, out);
        }
    }
    out.push(']');
}

/// A float as the shortest text that reads back as it: 987654.35, not 987654.3500000001.
fn float(x: f64, out: &mut String) {
    if x.is_finite() {
        out.push_str(ryu::Buffer::new().format_finite(x));
    } else {
        // not a number the decoder takes: it says so, naming the field
        push_string(out, &x.to_string());
    }
}
