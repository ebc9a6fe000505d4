//! Case JSON → slots, read straight from the line's bytes: no JSON value tree
//! is built. The policy's declared inputs are the schema: a field it does not
//! declare, a value of the wrong type or outside its declared range, a field
//! given twice, is an error naming the field. All errors of a case are
//! reported together.

mod ledger;

use super::json::{Cursor, JsonError};
use super::value::{Case, LedgerEntry, Value};
use crate::check::model::{FieldDef, Policy, Range, Ty};
use crate::diagnostic::closest;
use crate::syntax::literal;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A problem with one field of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// a path such as `standards[2].rank`; empty for the whole line
    pub field: String,
    pub message: String,
}

/// Why a case could not be evaluated; `id` when the case gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseErrors {
    pub id: Option<String>,
    pub errors: Vec<FieldError>,
}

impl CaseErrors {
    /// An error about the whole line (not JSON, too long, empty…), no field to name.
    pub fn whole_line(message: String) -> Self {
        CaseErrors {
            id: None,
            errors: vec![FieldError {
                field: String::new(),
                message,
            }],
        }
    }
}

/// FNV-1a: names are short and few, and SipHash's defence against crafted keys
/// is not needed for a table built from the policy.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Names<V> = HashMap<Box<str>, V, std::hash::BuildHasherDefault<Fnv>>;

/// Name → index tables for decoding, built once per policy.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    inputs: Names<usize>,
    records: Vec<Names<usize>>,
    enums: Vec<Names<u32>>,
    awards: Names<usize>,
    empty_list: Option<Arc<[Value]>>,
}

impl Schema {
    pub fn new(p: &Policy) -> Self {
        let index = |names: Vec<&str>| names.into_iter().enumerate().map(|(i, n)| (Box::from(n), i)).collect();
        Schema {
            inputs: index(p.inputs.iter().map(|i| i.name.as_str()).collect()),
            records: p
                .records
                .iter()
                .map(|r| index(r.fields.iter().map(|f| f.name.as_str()).collect()))
                .collect(),
            enums: p
                .enums
                .iter()
                .map(|e| {
                    e.values
                        .iter()
                        .enumerate()
                        .map(|(i, (n, _))| (Box::from(n.as_str()), i as u32))
                        .collect()
                })
                .collect(),
            awards: index(p.measures.iter().map(|m| m.id.as_str()).collect()),
            empty_list: Some(Arc::from(Vec::new())),
        }
    }
}

const LEDGER_FIELDS: [&str; 4] = ["award", "year", "amount", "item"];

/// A list in a case with more items than this is an error (each is still read, to find the line's end).
pub const MAX_LIST_ITEMS: usize = 10_000;

/// Where a value sits in a case: `standards[2].rank`. Built on the stack and
/// written out only when an error names it.
#[derive(Clone, Copy)]
enum Path<'p> {
    Top(&'p str),
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Top(name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Decodes one line of a JSONL file (`line_no` counts from 1).
pub fn decode_line(policy: &Policy, schema: &Schema, line: &str, line_no: usize) -> Result<Case, CaseErrors> {
    let mut d = Decoder {
        policy,
        schema,
        errors: Vec::new(),
        id: None,
    };
    let mut c = Cursor::new(line);
    match d.case(&mut c) {
        Ok(Some(case)) if d.errors.is_empty() => Ok(case),
        Ok(_) => Err(CaseErrors {
            id: d.id,
            errors: d.errors,
        }),
        Err(e) => Err(CaseErrors {
            id: None,
            errors: vec![FieldError {
                field: String::new(),
                message: format!("line {line_no}: not valid JSON: {} at column {}", e.message, e.column),
            }],
        }),
    }
}

/// Decodes one case given as a JSON value (a single case file, a drafter's test).
pub fn decode(policy: &Policy, schema: &Schema, json: &serde_json::Value) -> Result<Case, CaseErrors> {
    decode_line(policy, schema, &json.to_string(), 1)
}

fn err(field: impl ToString, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// `whose` says what declares the fields: "the inputs the policy declares", "the fields of `Project`".
fn unknown_field<'a>(path: impl ToString, key: &str, whose: &str, names: impl Iterator<Item = &'a str>) -> FieldError {
    let message = match closest(key, names) {
        Some(c) => format!("unknown field `{key}`: not among {whose}; did you mean `{c}`?"),
        None => format!("unknown field `{key}`: not among {whose}"),
    };
    err(path, message)
}

/// A value's text as written, shortened for messages.
fn show(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

struct Decoder<'a> {
    policy: &'a Policy,
    schema: &'a Schema,
    errors: Vec<FieldError>,
    /// the case's id, once read, so that a rejected case can still be named
    id: Option<String>,
}

impl Decoder<'_> {
    fn empty_list(&self) -> Value {
        self.schema
            .empty_list
            .clone()
            .map_or_else(|| Value::List(Arc::from(Vec::new())), Value::List)
    }

    /// The whole case. `Ok(None)` when it is JSON but not an object.
    fn case(&mut self, c: &mut Cursor) -> Result<Option<Case>, JsonError> {
        if c.peek() != Some(b'{') {
            let start = c.pos();
            c.skip(0)?;
            if !c.at_end() {
                return c.error("text after the value");
            }
            let what = match c.slice(start, c.pos()).trim().as_bytes().first() {
                Some(b'[') => "a list",
                Some(b'"') => "a string",
                Some(b't' | b'f') => "a bool",
                Some(b'n') => "null",
                _ => "a number",
            };
            self.errors
                .push(err("", format!("a case is a JSON object, not {what}")));
            return Ok(None);
        }
        let n = self.policy.inputs.len();
        let mut slots: Vec<Value> = vec![Value::Absent; n];
        let mut given: Vec<bool> = vec![false; n];
        let mut id: Option<String> = None;
        let mut year: Option<i32> = None;
        let mut ledger: Vec<LedgerEntry> = Vec::new();
        let mut seen_fixed = [false; 3];
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let key = c.string()?;
                c.expect(b':')?;
                let fixed = match key.as_ref() {
                    "id" => Some(0),
                    "year" => Some(1),
                    "prior_awards" => Some(2),
                    _ => None,
                };
                if let Some(k) = fixed {
                    if seen_fixed[k] {
                        self.errors.push(err(key.as_ref(), "given twice in one case"));
                        c.skip(0)?;
                    } else {
                        seen_fixed[k] = true;
                        match k {
                            0 => {
                                id = self.id(c)?;
                                self.id.clone_from(&id);
                            }
                            1 => year = self.year(c, Path::Top("year"))?,
                            _ => ledger = self.ledger(c)?,
                        }
                    }
                } else if let Some(&slot) = self.schema.inputs.get(key.as_ref()) {
                    if given[slot] {
                        self.errors.push(err(key.as_ref(), "given twice in one case"));
                        c.skip(0)?;
                    } else {
                        given[slot] = true;
                        let def = &self.policy.inputs[slot];
                        slots[slot] = self.field(c, def, Path::Top(&key))?;
                    }
                } else {
                    let names = ["id", "year", "prior_awards"]
                        .into_iter()
                        .chain(self.policy.inputs.iter().map(|i| i.name.as_str()));
                    self.errors
                        .push(unknown_field(&key, &key, "the inputs the policy declares", names));
                    c.skip(1)?;
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        if !c.at_end() {
            return c.error("text after the case");
        }
        if !seen_fixed[0] {
            self.errors.push(err("id", "missing: every case has an `id`"));
        }
        if year.is_none() && !self.errors.iter().any(|e| e.field == "year") {
            self.errors
                .push(err("year", "missing: every case has the award `year`"));
        }
        for (slot, def) in self.policy.inputs.iter().enumerate() {
            if !given[slot] {
                slots[slot] = self.missing(def, Path::Top(&def.name));
            }
        }
        Ok(Some(Case {
            id: id.unwrap_or_default(),
            year: year.unwrap_or(0),
            slots,
            ledger,
        }))
    }

    fn id(&mut self, c: &mut Cursor) -> Result<Option<String>, JsonError> {
        match c.peek() {
            Some(b'"') => Ok(Some(c.string()?.into_owned())),
            Some(b'-' | b'0'..=b'9') => Ok(Some(c.number()?.to_string())),
            _ => {
                let start = c.pos();
                c.skip(1)?;
                let text = show(c.slice(start, c.pos()));
                self.errors.push(err("id", format!("expected a string, got {text}")));
                Ok(None)
            }
        }
    }

    fn year(&mut self, c: &mut Cursor, path: Path) -> Result<Option<i32>, JsonError> {
        let start = c.pos();
        if c.null() {
            self.errors.push(err(path, "missing: the award `year`"));
            return Ok(None);
        }
        let y = match c.peek() {
            Some(b'-' | b'0'..=b'9') => c.number()?.parse::<i32>().ok().filter(|y| (1..=9999).contains(y)),
            _ => {
                c.skip(1)?;
                None
            }
        };
        if y.is_none() {
            let text = show(c.slice(start, c.pos()));
            self.errors
                .push(err(path, format!("expected a year such as 2025, got {text}")));
        }
        Ok(y)
    }

    /// The value of a field the case left out (or gave as `null`).
    fn missing(&mut self, def: &FieldDef, path: Path) -> Value {
        match &def.ty {
            Ty::Optional(_) => Value::Absent,
            Ty::Bool => Value::Bool(false),
            Ty::Money | Ty::Rate => Value::Dec(Decimal::ZERO),
            Ty::List(_) => self.empty_list(),
            _ => {
                self.errors.push(err(path, "missing: this field is required"));
                Value::Absent
            }
        }
    }

    /// A declared field; `null` means the same as leaving it out.
    fn field(&mut self, c: &mut Cursor, def: &FieldDef, path: Path) -> Result<Value, JsonError> {
        if c.null() {
            return Ok(self.missing(def, path));
        }
        let ty = match &def.ty {
            Ty::Optional(inner) => inner.as_ref(),
            t => t,
        };
        self.value(c, ty, &def.range, path)
    }

    /// A value of type `ty`; on a mismatch the value is skipped and an error recorded.
    fn value(&mut self, c: &mut Cursor, ty: &Ty, range: &Range, path: Path) -> Result<Value, JsonError> {
        let start = c.pos();
        let got = |c: &Cursor| show(c.slice(start, c.pos()));
        let next = c.peek();
        let res: Result<Value, String> = match (ty, next) {
            (Ty::Bool, Some(b't' | b'f')) => match c.boolean() {
                Some(b) => Ok(Value::Bool(b)),
                None => return c.error("expected a value"),
            },
            (Ty::Int, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                match text.parse::<i64>() {
                    Ok(n) => in_range(Decimal::from(n), range).map(|()| Value::Int(n)),
                    Err(_) => Err(format!("expected a whole number, got {}", got(c))),
                }
            }
            (Ty::Money, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                money(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Money, Some(b'"')) => {
                let s = c.string()?;
                if looks_numeric(s.trim()) {
                    money(s.trim()).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
                } else {
                    Err(format!(
                        "expected an amount in yuan (a number or a decimal string), got {}",
                        got(c)
                    ))
                }
            }
            (Ty::Rate, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                money(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Rate, Some(b'"')) => {
                let s = c.string()?;
                let s = s.trim();
                let d = match s.strip_suffix('%') {
                    Some(p) => literal::percent(p)
                        .ok_or_else(|| format!("expected a rate such as 0.2 or \"20%\", got {}", got(c))),
                    None if looks_numeric(s) => money(s),
                    None => Err(format!("expected a rate such as 0.2 or \"20%\", got {}", got(c))),
                };
                d.and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Text, Some(b'"')) => Ok(Value::Text(Arc::from(c.string()?.as_ref()))),
            (Ty::Date, Some(b'"')) => {
                let s = c.string()?;
                literal::date(&s)
                    .map(Value::Date)
                    .ok_or_else(|| format!("expected a date such as \"2025-01-01\", got {}", got(c)))
            }
            (Ty::Enum(en), Some(b'"')) => {
                let s = c.string()?;
                match self.schema.enums[*en].get(s.as_ref()) {
                    Some(&i) => Ok(Value::Enum(i)),
                    None => {
                        let def = &self.policy.enums[*en];
                        let hint = closest(&s, def.values.iter().map(|(n, _)| n.as_str()))
                            .map(|c| format!("; did you mean `{c}`?"))
                            .unwrap_or_default();
                        Err(format!("`{s}` is not one of {}{hint}", enum_names(def)))
                    }
                }
            }
            (Ty::Record(r), Some(b'{')) => return self.record(c, *r, path),
            (Ty::List(item), Some(b'[')) => return self.list(c, item, path),
            (Ty::Optional(inner), _) => return self.value(c, inner, range, path),
            _ => {
                c.skip(1)?;
                Err(format!("expected {}, got {}", expected(ty, self.policy), got(c)))
            }
        };
        Ok(res.unwrap_or_else(|message| {
            self.errors.push(err(path, message));
            Value::Absent
        }))
    }

    fn record(&mut self, c: &mut Cursor, r: usize, path: Path) -> Result<Value, JsonError> {
        let def = &self.policy.records[r];
        let mut fields: Vec<Option<Value>> = vec![None; def.fields.len()];
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let key = c.string()?;
                c.expect(b':')?;
                let field_path = Path::Field(&path, &key);
                match self.schema.records[r].get(key.as_ref()) {
                    Some(&i) if fields[i].is_some() => {
                        self.errors.push(err(field_path, "given twice in one item"));
                        c.skip(1)?;
                    }
                    Some(&i) => fields[i] = Some(self.field(c, &def.fields[i], field_path)?),
                    None => {
                        let whose = format!("the fields of `{}`", def.name);
                        let names = def.fields.iter().map(|f| f.name.as_str());
                        self.errors.push(unknown_field(field_path, &key, &whose, names));
                        c.skip(1)?;
                    }
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        let values: Vec<Value> = fields
            .into_iter()
            .zip(&def.fields)
            .map(|(v, f)| v.unwrap_or_else(|| self.missing(f, Path::Field(&path, &f.name))))
            .collect();
        Ok(Value::Record(Arc::from(values)))
    }

    fn list(&mut self, c: &mut Cursor, item: &Ty, path: Path) -> Result<Value, JsonError> {
        c.expect(b'[')?;
        if c.eat(b']') {
            return Ok(self.empty_list());
        }
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            if i == MAX_LIST_ITEMS {
                self.errors.push(err(
                    path,
                    format!("more than {MAX_LIST_ITEMS} items; a list in a case is limited to that"),
                ));
            }
            let p = Path::Index(&path, i);
            if i >= MAX_LIST_ITEMS {
                c.skip(1)?;
            } else if c.null() {
                self.errors.push(err(p, "a list item cannot be null"));
            } else {
                out.push(self.value(c, item, &Range::default(), p)?);
            }
            i += 1;
            if c.eat(b']') {
                break;
            }
            c.expect(b',')?;
        }
        Ok(Value::List(Arc::from(out)))
    }
}

fn looks_numeric(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
}

/// An exact decimal from the text of a number.
fn money(text: &str) -> Result<Decimal, String> {
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    };
    parsed.ok_or_else(|| format!("`{text}` is beyond the range of exact decimals"))
}

fn in_range(d: Decimal, r: &Range) -> Result<(), String> {
    match (r.min, r.max) {
        (Some(lo), Some(hi)) if d < lo || d > hi => Err(format!("{d} is outside the allowed range {lo} to {hi}")),
        (Some(lo), None) if d < lo => Err(format!("{d} is below the allowed minimum {lo}")),
        (None, Some(hi)) if d > hi => Err(format!("{d} is above the allowed maximum {hi}")),
        _ => Ok(()),
    }
}

fn enum_names(def: &crate::check::model::EnumDef) -> String {
    def.values
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expected(ty: &Ty, policy: &Policy) -> String {
    match ty {
        Ty::Bool => "true or false".into(),
        Ty::Int => "a whole number".into(),
        Ty::Money => "an amount in yuan (a number or a decimal string)".into(),
        Ty::Rate => "a rate such as 0.2 or \"20%\"".into(),
        Ty::Text => "a string".into(),
        Ty::Date => "a date such as \"2025-01-01\"".into(),
        Ty::Enum(en) => format!("one of {}", enum_names(&policy.enums[*en])),
        Ty::Record(_) => "an object".into(),
        Ty::List(_) => "a list".into(),
        Ty::Optional(t) => expected(t, policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::eval::value::Value;
    use crate::syntax::{parse, FileKind};
    use std::str::FromStr;

    fn policy() -> Policy {
        let src = "policy \"p\" { rounding 0.01 half-away-from-zero after each rate }
            enum Level { national, international }
            record Item { id: text, level: Level, rank: int >= 1 }
            input spend: money >= 0
            input level: optional int 3..5
            input share: rate
            input items: list of Item
            measure m （一） \"m\" { text \"t\" when level is given
              award each i in items where i.rank <= 3 and i.level is national: share of spend }";
        let file = parse(src, FileKind::Policy).expect("parses");
        check(&file, &[]).policy.expect("checks")
    }

    fn case(json: &str) -> Result<Case, CaseErrors> {
        let p = policy();
        decode_line(&p, &Schema::new(&p), json, 1)
    }

    fn fields(json: &str) -> Vec<String> {
        case(json)
            .err()
            .map(|e| e.errors.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn money_is_read_exactly_from_numbers_and_strings() {
        let d = |s: &str| Value::Dec(Decimal::from_str(s).unwrap_or_default());
        let c = case(r#"{"id":"a","year":2025,"spend":1234.565}"#).expect("decodes");
        assert_eq!(c.slots[0], d("1234.565"));
        let c = case(r#"{"id":"a","year":2025,"spend":"0.1"}"#).expect("decodes");
        assert_eq!(c.slots[0], d("0.1"));
        let c = case(r#"{"id":"a","year":2025,"spend":1e6}"#).expect("decodes");
        assert_eq!(c.slots[0], d("1000000"));
        let c = case(r#"{"id":"a","year":2025,"share":"20%"}"#).expect("decodes");
        assert_eq!(c.slots[2], d("0.2"));
    }

    #[test]
    fn missing_values_take_their_defaults() {
        let c = case(r#"{"id":"a","year":2025,"level":null}"#).expect("decodes");
        assert_eq!(c.slots[0], Value::Dec(Decimal::ZERO));
        assert_eq!(c.slots[1], Value::Absent);
        assert_eq!(c.slots[3], Value::List(Arc::from(Vec::new())));
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            fields(
                r#"{"id":"a","year":2025,"spend":-1,"level":6,"items":[{"id":"x","level":"local","rank":0}],"extra":1}"#
            ),
            ["spend", "level", "items[0].level", "items[0].rank", "extra"]
        );
        assert_eq!(
            fields(r#"{"id":"a","year":2025,"items":[{"level":"national","rank":1}]}"#),
            ["items[0].id"]
        );
        assert_eq!(fields(r#"{"year":2025}"#), ["id"]);
        assert_eq!(
            fields(r#"{"id":"a","spend":"99999999999999999999999999999999"}"#),
            ["spend", "year"]
        );
        assert_eq!(fields(r#"{"id":"a","year":2025,"spend":1,"spend":2}"#), ["spend"]);
    }

    #[test]
    fn the_ledger_names_real_awards() {
        let c = case(r#"{"id":"a","year":2025,"prior_awards":[{"award":"m","year":2024,"amount":"5","item":"x"}]}"#)
            .expect("decodes");
        assert_eq!(c.ledger.len(), 1);
        assert_eq!(c.ledger[0].item.as_deref(), Some("x"));
        assert_eq!(
            fields(r#"{"id":"a","year":2025,"prior_awards":[{"award":"n","year":2024,"amount":5}]}"#),
            ["prior_awards[0].award"]
        );
    }
}
