//! An Arrow row as a case, two ways: built straight into the case with the
//! core's `case::Typed` (`Columns::fill`, planned once per batch), or, for a
//! row `Typed` leaves to the decoder, written as a JSON case that the decoder
//! reads exactly as a line of a case file — the same fields, the same errors
//! naming the field (`Columns::write`). A null is a field the case does not give.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, TimeUnit};
use std::fmt::Write as _;
use std::ops::Range;
use zhice::case::{Case, Filling, Scalar, Target, Typed};
use zhice::check::model::Ty;
use zhice::json::{push_decimal, push_float, push_string};

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
    /// a list or large list: where each row's items are, which are null, how an item is written
    List(Offsets, Option<arrow_buffer::NullBuffer>, Box<Encoder>),
    Struct(Vec<Field>),
    /// a dictionary's values, looked up by key (pandas' categorical columns)
    Dictionary(Vec<Option<usize>>, Box<Encoder>),
    /// a type no case field can hold: the decoder names the field
    Other(String),
}

/// A column of a batch or a field of a struct: its JSON key written once, its nulls, its values.
pub struct Field {
    name: String,
    key: String,
    nulls: Option<arrow_buffer::NullBuffer>,
    encoder: Encoder,
}

impl Field {
    fn new(name: &str, array: &ArrayRef) -> Field {
        Field {
            name: name.to_string(),
            key: quoted(name),
            nulls: array.logical_nulls(),
            encoder: Encoder::of(array),
        }
    }
}

/// Where each row's items are in a list's values, whatever the width of its offsets.
pub enum Offsets {
    Small(OffsetBuffer<i32>),
    Large(OffsetBuffer<i64>),
}

impl Offsets {
    fn items(&self, i: usize) -> Range<usize> {
        match self {
            Offsets::Small(o) => o[i] as usize..o[i + 1] as usize,
            Offsets::Large(o) => o[i] as usize..o[i + 1] as usize,
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
                let offsets = Offsets::Small(l.offsets().clone());
                Encoder::List(offsets, l.values().logical_nulls(), Box::new(Encoder::of(l.values())))
            }
            DataType::LargeList(_) => {
                let l = a.as_list::<i64>();
                let offsets = Offsets::Large(l.offsets().clone());
                Encoder::List(offsets, l.values().logical_nulls(), Box::new(Encoder::of(l.values())))
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
            Encoder::List(offsets, nulls, child) => list(offsets.items(i), nulls, child, out),
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

fn list(items: Range<usize>, nulls: &Option<arrow_buffer::NullBuffer>, child: &Encoder, out: &mut String) {
    out.push('[');
    let start = items.start;
    for j in items {
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

/// A float as the core writes it (`json::push_float`), which `case::Typed` reads the same way.
fn float(x: f64, out: &mut String) {
    push_float(out, x);
}

/// How a column is built straight into a case (`Typed`), decided once per batch.
pub enum Plan {
    /// a top-level field of a scalar type
    Top(Target),
    /// a list input of scalars
    Items(usize),
    /// a list input of records: each struct field's index among the record's fields
    Records(usize, Vec<Option<usize>>),
    /// the ledger: each struct field's place among award, year, amount, item
    Ledger(Vec<Option<usize>>),
    /// anything else: a row that gives it goes through JSON, where the decoder decides
    Json,
}

/// The most fields of one record given at once on the fast path.
const MOST_FIELDS: usize = 32;

impl Columns {
    /// Each column's plan for `typed`.
    pub fn plans(&self, typed: &Typed) -> Vec<Plan> {
        let mut names: Vec<&str> = self.columns.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        // A name twice is an error the decoder words: every row goes through JSON.
        if names.windows(2).any(|w| w[0] == w[1]) {
            return self.columns.iter().map(|_| Plan::Json).collect();
        }
        self.columns.iter().map(|f| plan(typed, f)).collect()
    }

    /// Row `i` built straight into `case`; false when it must go through its JSON text.
    pub fn fill(&self, plans: &[Plan], i: usize, typed: &Typed, case: &mut Case, filling: &mut Filling) -> bool {
        typed.begin(case, &mut filling.given);
        for (f, plan) in self.columns.iter().zip(plans) {
            if f.nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                continue;
            }
            let done = match plan {
                Plan::Json => false,
                Plan::Top(target) => f
                    .encoder
                    .scalar(i)
                    .is_some_and(|v| typed.set(case, &mut filling.given, *target, v)),
                Plan::Items(slot) => items(typed, case, filling, *slot, &f.encoder, i, None),
                Plan::Records(slot, fields) => items(typed, case, filling, *slot, &f.encoder, i, Some(fields)),
                Plan::Ledger(fields) => ledger(typed, case, &f.encoder, i, fields),
            };
            if !done {
                return false;
            }
        }
        typed.finish(case, &filling.given)
    }
}

fn plan(typed: &Typed, f: &Field) -> Plan {
    let Some(target) = typed.target(&f.name) else {
        return Plan::Json;
    };
    if target == Target::Ledger {
        const FIELDS: [&str; 4] = ["award", "year", "amount", "item"];
        return match &f.encoder {
            Encoder::List(_, _, child) => match child.as_ref() {
                Encoder::Struct(fields) => Plan::Ledger(
                    fields
                        .iter()
                        .map(|c| FIELDS.iter().position(|n| *n == c.name))
                        .collect(),
                ),
                _ => Plan::Json,
            },
            _ => Plan::Json,
        };
    }
    let Target::Input(slot) = target else {
        return Plan::Top(target);
    };
    match (typed.input_ty(slot), &f.encoder) {
        (Some(Ty::List(_)), Encoder::List(_, _, child)) => match (typed.record_of(slot), child.as_ref()) {
            (Some(r), Encoder::Struct(fields)) => {
                Plan::Records(slot, fields.iter().map(|c| typed.record_field(r, &c.name)).collect())
            }
            (None, Encoder::Struct(_) | Encoder::List(..)) => Plan::Json,
            (None, _) => Plan::Items(slot),
            (Some(_), _) => Plan::Json,
        },
        (Some(Ty::List(_) | Ty::Record(_)), _) => Plan::Json,
        (Some(_), Encoder::List(..) | Encoder::Struct(_)) => Plan::Json,
        (Some(_), _) => Plan::Top(target),
        (None, _) => Plan::Json,
    }
}

/// A list input's items at row `i`: scalars, or records whose fields are scalars.
fn items(
    typed: &Typed,
    case: &mut Case,
    filling: &mut Filling,
    slot: usize,
    encoder: &Encoder,
    i: usize,
    records: Option<&Vec<Option<usize>>>,
) -> bool {
    let (items_at, nulls, child) = match encoder {
        Encoder::List(offsets, nulls, child) => (offsets.items(i), nulls, child),
        _ => return false,
    };
    let Filling { given, items } = filling;
    let mut list = typed.list(slot, items);
    for j in items_at {
        // a null item is an error the decoder words
        if nulls.as_ref().is_some_and(|n| n.is_null(j)) {
            return false;
        }
        let done = match (records, child.as_ref()) {
            (None, child) => child.scalar(j).is_some_and(|v| typed.item(case, &mut list, v)),
            (Some(indexes), Encoder::Struct(fields)) => {
                let mut given_fields = [(0, Scalar::Bool(false)); MOST_FIELDS];
                let mut n = 0;
                for (c, index) in fields.iter().zip(indexes) {
                    if c.nulls.as_ref().is_some_and(|nl| nl.is_null(j)) {
                        continue;
                    }
                    let (Some(index), Some(v), true) = (index, c.encoder.scalar(j), n < MOST_FIELDS) else {
                        return false;
                    };
                    given_fields[n] = (*index, v);
                    n += 1;
                }
                typed.record(case, &mut list, &given_fields[..n])
            }
            _ => false,
        };
        if !done {
            return false;
        }
    }
    typed.end_list(case, given, list)
}

/// The ledger at row `i`: each entry's award, year, amount and item.
fn ledger(typed: &Typed, case: &mut Case, encoder: &Encoder, i: usize, places: &[Option<usize>]) -> bool {
    let (items_at, nulls, child) = match encoder {
        Encoder::List(offsets, nulls, child) => (offsets.items(i), nulls, child),
        _ => return false,
    };
    let Encoder::Struct(fields) = child.as_ref() else {
        return false;
    };
    for j in items_at {
        if nulls.as_ref().is_some_and(|n| n.is_null(j)) {
            return false;
        }
        let mut entry: [Option<Scalar>; 4] = [None; 4];
        for (c, place) in fields.iter().zip(places) {
            if c.nulls.as_ref().is_some_and(|n| n.is_null(j)) {
                continue;
            }
            let (Some(place), Some(v)) = (place, c.encoder.scalar(j)) else {
                return false;
            };
            entry[*place] = Some(v);
        }
        let [Some(award), Some(year), Some(amount), item] = entry else {
            return false;
        };
        if !typed.prior_award(case, award, year, amount, item) {
            return false;
        }
    }
    true
}

impl Encoder {
    /// The value at `i` as a typed scalar; none for a list, a record or a value
    /// out of the scalar's range (such a row goes through JSON).
    fn scalar(&self, i: usize) -> Option<Scalar<'_>> {
        Some(match self {
            Encoder::Bool(a) => Scalar::Bool(a.value(i)),
            Encoder::I64(a) => Scalar::Int(a.value(i)),
            Encoder::I32(a) => Scalar::Int(i64::from(a.value(i))),
            Encoder::Int(a, f) => Scalar::Int(i64::try_from(f(a, i)).ok()?),
            Encoder::F64(a) => Scalar::Float(a.value(i)),
            Encoder::F32(a) => Scalar::Float(f64::from(a.value(i))),
            Encoder::Decimal(a, scale) => {
                Scalar::Dec(rust_decimal::Decimal::try_from_i128_with_scale(a.value(i), *scale).ok()?)
            }
            Encoder::Utf8(a) => Scalar::Str(a.value(i)),
            Encoder::LargeUtf8(a) => Scalar::Str(a.value(i)),
            Encoder::Utf8View(a) => Scalar::Str(a.value(i)),
            Encoder::Day(a, f) => Scalar::Day(zhice::date::Date::from_unix_days(f(a, i))?),
            Encoder::Dictionary(keys, values) => return values.scalar(keys.get(i).copied().flatten()?),
            Encoder::List(..) | Encoder::Struct(_) | Encoder::Other(_) => return None,
        })
    }
}
