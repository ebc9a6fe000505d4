//! Case JSON → slots. The policy's declared inputs are the schema: a field it
//! does not declare, a value of the wrong type or outside its declared range
//! is an error naming the field. All errors of a case are reported together.

use super::value::{Case, LedgerEntry, Value};
use crate::check::model::{FieldDef, Policy, Range, Ty};
use crate::diagnostic::closest;
use crate::syntax::literal;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value as Json;
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

/// Decodes one line of a JSONL file (`line_no` counts from 1).
pub fn decode_line(policy: &Policy, line: &str, line_no: usize) -> Result<Case, CaseErrors> {
    match serde_json::from_str::<Json>(line) {
        Ok(json) => decode(policy, &json),
        Err(e) => Err(CaseErrors {
            id: None,
            errors: vec![FieldError {
                field: String::new(),
                message: format!("line {line_no}: not valid JSON: {e}"),
            }],
        }),
    }
}

/// Decodes one case object.
pub fn decode(policy: &Policy, json: &Json) -> Result<Case, CaseErrors> {
    let Json::Object(map) = json else {
        return Err(CaseErrors {
            id: None,
            errors: vec![err("", format!("a case is a JSON object, not {}", kind(json)))],
        });
    };
    let mut d = Decoder {
        policy,
        errors: Vec::new(),
    };
    let id = match map.get("id") {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Number(n)) => Some(n.to_string()),
        Some(other) => {
            d.errors
                .push(err("id", format!("expected a string, got {}", kind(other))));
            None
        }
        None => {
            d.errors.push(err("id", "missing: every case has an `id`"));
            None
        }
    };
    let year = match map.get("year") {
        None | Some(Json::Null) => {
            d.errors.push(err("year", "missing: every case has the award `year`"));
            0
        }
        Some(v) => d.year(v, "year").unwrap_or(0),
    };
    let mut slots = Vec::with_capacity(policy.inputs.len());
    for input in &policy.inputs {
        slots.push(d.field(input, map.get(&input.name), &input.name));
    }
    let ledger = d.ledger(map.get("prior_awards"));
    for key in map.keys() {
        let known =
            key == "id" || key == "year" || key == "prior_awards" || policy.inputs.iter().any(|i| i.name == *key);
        if !known {
            let names = ["id", "year", "prior_awards"]
                .into_iter()
                .chain(policy.inputs.iter().map(|i| i.name.as_str()));
            d.errors
                .push(unknown_field(key, key, "the inputs the policy declares", names));
        }
    }
    if d.errors.is_empty() {
        Ok(Case {
            id: id.unwrap_or_default(),
            year,
            slots,
            ledger,
        })
    } else {
        Err(CaseErrors { id, errors: d.errors })
    }
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// `whose` says what declares the fields: "the policy's inputs", "record `Project`".
fn unknown_field<'a>(path: &str, key: &str, whose: &str, names: impl Iterator<Item = &'a str>) -> FieldError {
    let message = match closest(key, names) {
        Some(c) => format!("unknown field `{key}`: not among {whose}; did you mean `{c}`?"),
        None => format!("unknown field `{key}`: not among {whose}"),
    };
    err(path, message)
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

struct Decoder<'a> {
    policy: &'a Policy,
    errors: Vec<FieldError>,
}

impl Decoder<'_> {
    fn year(&mut self, v: &Json, path: &str) -> Option<i32> {
        let y = v
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (1..=9999).contains(y));
        if y.is_none() {
            self.errors
                .push(err(path, format!("expected a year such as 2025, got {}", show(v))));
        }
        y
    }

    /// A declared field: missing and `null` mean the same.
    fn field(&mut self, def: &FieldDef, v: Option<&Json>, path: &str) -> Value {
        let v = v.filter(|v| !v.is_null());
        match (&def.ty, v) {
            (Ty::Optional(_), None) => Value::Absent,
            (Ty::Optional(inner), Some(v)) => self.value(inner, &def.range, v, path),
            (Ty::Bool, None) => Value::Bool(false),
            (Ty::Money | Ty::Rate, None) => Value::Dec(Decimal::ZERO),
            (Ty::List(_), None) => Value::List(Arc::from(Vec::new())),
            (_, None) => {
                self.errors.push(err(path, "missing: this field is required"));
                Value::Absent
            }
            (ty, Some(v)) => self.value(ty, &def.range, v, path),
        }
    }

    fn value(&mut self, ty: &Ty, range: &Range, v: &Json, path: &str) -> Value {
        match self.try_value(ty, range, v, path) {
            Ok(x) => x,
            Err(message) => {
                self.errors.push(err(path, message));
                Value::Absent
            }
        }
    }

    fn try_value(&mut self, ty: &Ty, range: &Range, v: &Json, path: &str) -> Result<Value, String> {
        let want = |what: &str| format!("expected {what}, got {}", show(v));
        Ok(match ty {
            Ty::Bool => Value::Bool(v.as_bool().ok_or_else(|| want("true or false"))?),
            Ty::Int => {
                let n = v.as_i64().ok_or_else(|| want("a whole number"))?;
                in_range(Decimal::from(n), range)?;
                Value::Int(n)
            }
            Ty::Money => {
                let d = decimal(v).ok_or_else(|| want("an amount in yuan (a number or a decimal string)"))??;
                in_range(d, range)?;
                Value::Dec(d)
            }
            Ty::Rate => {
                let d = match v.as_str().and_then(|s| s.strip_suffix('%')) {
                    Some(p) => literal::percent(p).ok_or_else(|| want("a rate such as 0.2 or \"20%\""))?,
                    None => decimal(v).ok_or_else(|| want("a rate such as 0.2 or \"20%\""))??,
                };
                in_range(d, range)?;
                Value::Dec(d)
            }
            Ty::Text => Value::Text(Arc::from(v.as_str().ok_or_else(|| want("a string"))?)),
            Ty::Date => {
                let s = v.as_str().ok_or_else(|| want("a date such as \"2025-01-01\""))?;
                Value::Date(literal::date(s).ok_or_else(|| want("a date such as \"2025-01-01\""))?)
            }
            Ty::Enum(en) => {
                let def = &self.policy.enums[*en];
                let s = v.as_str().ok_or_else(|| want(&format!("one of {}", names(def))))?;
                match def.values.iter().position(|(n, _)| n == s) {
                    Some(i) => Value::Enum(u32::try_from(i).unwrap_or(u32::MAX)),
                    None => {
                        let hint = closest(s, def.values.iter().map(|(n, _)| n.as_str()))
                            .map(|c| format!("; did you mean `{c}`?"))
                            .unwrap_or_default();
                        return Err(format!("`{s}` is not one of {}{hint}", names(def)));
                    }
                }
            }
            Ty::Record(r) => {
                let Json::Object(map) = v else {
                    return Err(want("an object"));
                };
                let def = &self.policy.records[*r];
                let mut fields = Vec::with_capacity(def.fields.len());
                for f in &def.fields {
                    fields.push(self.field(f, map.get(&f.name), &format!("{path}.{}", f.name)));
                }
                for key in map.keys() {
                    if !def.fields.iter().any(|f| f.name == *key) {
                        let whose = format!("the fields of `{}`", def.name);
                        let names = def.fields.iter().map(|f| f.name.as_str());
                        self.errors
                            .push(unknown_field(&format!("{path}.{key}"), key, &whose, names));
                    }
                }
                Value::Record(Arc::from(fields))
            }
            Ty::List(item) => {
                let Json::Array(items) = v else {
                    return Err(want("a list"));
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if x.is_null() {
                        self.errors.push(err(&p, "a list item cannot be null"));
                        continue;
                    }
                    out.push(self.value(item, &Range::default(), x, &p));
                }
                Value::List(Arc::from(out))
            }
            Ty::Optional(inner) => self.try_value(inner, range, v, path)?,
        })
    }

    fn ledger(&mut self, v: Option<&Json>) -> Vec<LedgerEntry> {
        let items = match v {
            None | Some(Json::Null) => return Vec::new(),
            Some(Json::Array(items)) => items,
            Some(other) => {
                self.errors.push(err(
                    "prior_awards",
                    format!("expected a list of prior awards, got {}", show(other)),
                ));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("prior_awards[{i}]");
            let Json::Object(map) = item else {
                self.errors.push(err(
                    &path,
                    format!("expected {{\"award\", \"year\", \"amount\"}}, got {}", show(item)),
                ));
                continue;
            };
            let award = match map.get("award").and_then(Json::as_str) {
                Some(id) => match self.policy.measure_index(id) {
                    Some(m) => Some(m),
                    None => {
                        let hint = closest(id, self.policy.measures.iter().map(|m| m.id.as_str()))
                            .map(|c| format!("; did you mean `{c}`?"))
                            .unwrap_or_default();
                        self.errors.push(err(
                            &format!("{path}.award"),
                            format!("`{id}` is not an award of this policy{hint}"),
                        ));
                        None
                    }
                },
                None => {
                    self.errors
                        .push(err(&format!("{path}.award"), "expected the award id as a string"));
                    None
                }
            };
            let year = match map.get("year") {
                Some(y) => self.year(y, &format!("{path}.year")),
                None => {
                    self.errors
                        .push(err(&format!("{path}.year"), "missing: the year it was paid"));
                    None
                }
            };
            let amount = match map.get("amount").map(decimal) {
                Some(Some(Ok(d))) if d >= Decimal::ZERO => Some(d),
                Some(Some(Ok(_))) => {
                    self.errors.push(err(&format!("{path}.amount"), "must be at least 0"));
                    None
                }
                Some(Some(Err(e))) => {
                    self.errors.push(err(&format!("{path}.amount"), e));
                    None
                }
                _ => {
                    self.errors
                        .push(err(&format!("{path}.amount"), "expected the amount paid in yuan"));
                    None
                }
            };
            let item_key = match map.get("item") {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) => Some(Arc::from(s.as_str())),
                Some(Json::Number(n)) => Some(Arc::from(n.to_string().as_str())),
                Some(other) => {
                    self.errors.push(err(
                        &format!("{path}.item"),
                        format!("expected a string, got {}", show(other)),
                    ));
                    None
                }
            };
            for key in map.keys() {
                if !["award", "year", "amount", "item"].contains(&key.as_str()) {
                    let names = ["award", "year", "amount", "item"].into_iter();
                    let whose = "the fields of a prior award (award, year, amount, item)";
                    self.errors
                        .push(unknown_field(&format!("{path}.{key}"), key, whose, names));
                }
            }
            if let (Some(award), Some(year), Some(amount)) = (award, year, amount) {
                out.push(LedgerEntry {
                    award,
                    year,
                    amount,
                    item: item_key,
                });
            }
        }
        out
    }
}

/// An exact decimal from a JSON number or decimal string; `Some(Err)` when it
/// looks like a number but does not fit.
fn decimal(v: &Json) -> Option<Result<Decimal, String>> {
    let text = match v {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_string(),
        _ => return None,
    };
    let looks_numeric = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    if !looks_numeric {
        return None;
    }
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()
    } else {
        Decimal::from_str_exact(&text).ok()
    };
    Some(parsed.ok_or_else(|| format!("`{text}` is beyond the range of exact decimals")))
}

fn in_range(d: Decimal, r: &Range) -> Result<(), String> {
    match (r.min, r.max) {
        (Some(lo), Some(hi)) if d < lo || d > hi => Err(format!("{d} is outside the allowed range {lo} to {hi}")),
        (Some(lo), None) if d < lo => Err(format!("{d} is below the allowed minimum {lo}")),
        (None, Some(hi)) if d > hi => Err(format!("{d} is above the allowed maximum {hi}")),
        _ => Ok(()),
    }
}

fn names(def: &crate::check::model::EnumDef) -> String {
    def.values
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short rendering of a JSON value for messages.
fn show(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
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
        decode(&policy(), &serde_json::from_str(json).expect("json"))
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
            ["year", "spend"]
        );
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
