//! The case format of a policy as JSON Schema (2020-12), for the portals and
//! data teams that produce cases: every input with its label as `title`, its
//! type and range, enum values with their labels, the required fields, the
//! ledger entry, and nothing else allowed. It describes the canonical forms;
//! the decoder also reads a few lenient ones (an int as `"4"`, an enum value by
//! its label), which the schema leaves out on purpose so producers write one form.

use crate::check::model::{Const, EnumDef, FieldDef, Policy, Range, Ty, WhenAbsent};
use serde_json::{json, Map, Value};

/// A decimal as the decoder reads it from a string, after an optional sign:
/// `12`, `12.`, `.5`, `1.5e3`, with spaces around it (the decoder trims them).
/// (Fuzzing found each form the decoder reads that an earlier pattern refused.)
const DECIMAL: &str = r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";
const PERCENT: &str = r"^-?[0-9]+(\.[0-9]+)?%$";
const DATE: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The JSON Schema of one case of `policy`.
pub fn case_schema(policy: &Policy) -> Value {
    let mut properties = Map::new();
    properties.insert("id".into(), json!({"type": "string", "title": "申报编号 (case id)"}));
    properties.insert(
        "year".into(),
        // (the years the decoder reads: 1 to 9999)
        json!({"type": "integer", "minimum": 1, "maximum": 9999, "title": "兑现年度 (award year)"}),
    );
    properties.insert(
        "date".into(),
        json!({"type": "string", "format": "date", "pattern": DATE, "title": "申报日期 (application date)"}),
    );
    properties.insert(
        "prior_awards".into(),
        json!({"type": "array", "items": {"$ref": "#/$defs/prior_award"}, "title": "已获支持记录 (ledger)"}),
    );
    let mut required = vec![json!("id"), json!("year")];
    if policy.date_required.is_some() {
        required.push(json!("date"));
    }
    for f in &policy.inputs {
        if f.name == "date" {
            continue;
        }
        properties.insert(f.name.clone(), field(policy, f));
        if f.required() {
            required.push(json!(f.name));
        }
    }
    let mut defs = Map::new();
    for r in &policy.records {
        let mut props = Map::new();
        let mut req = Vec::new();
        for f in &r.fields {
            props.insert(f.name.clone(), field(policy, f));
            if f.required() {
                req.push(json!(f.name));
            }
        }
        defs.insert(
            r.name.clone(),
            json!({"type": "object", "title": r.label, "properties": props, "required": req, "additionalProperties": false}),
        );
    }
    for e in &policy.enums {
        defs.insert(e.name.clone(), enum_schema(e));
    }
    let awards: Vec<&str> = policy.measures.iter().map(|m| m.id.as_str()).collect();
    defs.insert(
        "prior_award".into(),
        json!({
            "type": "object",
            "properties": {
                "award": {"enum": awards},
                "year": {"type": "integer", "minimum": 1, "maximum": 9999},
                // a ledger amount is never negative, as the decoder checks
                "amount": money(&Range { min: Some(rust_decimal::Decimal::ZERO), max: None }),
                "item": {"type": "string"},
            },
            "required": ["award", "year", "amount"],
            "additionalProperties": false,
        }),
    );
    let title = match &policy.header.version {
        Some(v) => format!("{}（{v}）", policy.header.title),
        None => policy.header.title.clone(),
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "$defs": defs,
    })
}

fn field(policy: &Policy, f: &FieldDef) -> Value {
    let mut v = of_type(policy, f.ty.required(), &f.range);
    // `null` is the same as leaving the field out: allowed wherever that is.
    if !f.required() {
        v = nullable(v);
    }
    if let (Some(obj), Some(label)) = (v.as_object_mut(), &f.label) {
        obj.insert("title".into(), json!(label));
    }
    if let (Some(obj), Some(d)) = (v.as_object_mut(), &f.default) {
        obj.insert("default".into(), default_json(policy, d));
    }
    v
}

/// The default as a case would write it.
fn default_json(policy: &Policy, d: &WhenAbsent) -> Value {
    match d {
        WhenAbsent::Empty => json!([]),
        WhenAbsent::Value(c) => match c {
            Const::Bool(b) => json!(b),
            Const::Int(n) => json!(n),
            // as a number where one holds it exactly, else as the decimal string the reader also takes
            Const::Number(x) | Const::Money(x) | Const::Rate(x) => {
                let text = x.normalize().to_string();
                serde_json::from_str::<Value>(&text)
                    .ok()
                    .filter(|n| format!("{n}") == text)
                    .unwrap_or(json!(text))
            }
            Const::Text(t) => json!(t),
            Const::Date(d) => json!(d.to_string()),
            Const::Enum(en, v) => json!(policy.enums[*en].values[*v as usize].0),
        },
    }
}

/// `v`, or null. A plain type gains `"null"` (so that errors inside a list
/// still point at the item), a choice gains null as one more alternative;
/// anything else is one of the two.
fn nullable(mut v: Value) -> Value {
    if let Some(Value::String(t)) = v.get("type") {
        let both = json!([t, "null"]);
        if let Some(obj) = v.as_object_mut() {
            obj.insert("type".into(), both);
        }
        return v;
    }
    if let Some(Value::Array(alternatives)) = v.get_mut("anyOf") {
        alternatives.push(json!({"type": "null"}));
        return v;
    }
    json!({"anyOf": [v, {"type": "null"}]})
}

fn of_type(policy: &Policy, ty: &Ty, range: &Range) -> Value {
    match ty {
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int => {
            let mut v = json!({"type": "integer"});
            bounds(&mut v, range);
            v
        }
        Ty::Money | Ty::Number => money(range),
        Ty::Rate => json!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": PERCENT}]}),
        Ty::Text => json!({"type": "string"}),
        Ty::Date => json!({"type": "string", "format": "date", "pattern": DATE}),
        Ty::Enum(e) => json!({"$ref": format!("#/$defs/{}", policy.enums[*e].name)}),
        Ty::Record(r) => json!({"$ref": format!("#/$defs/{}", policy.records[*r].name)}),
        Ty::List(item) => json!({"type": "array", "items": of_type(policy, item, &Range::default())}),
        Ty::Optional(inner) => of_type(policy, inner, range),
    }
}

/// A number, or a decimal string (read exactly); the range applies to numbers.
fn money(range: &Range) -> Value {
    let mut number = json!({"type": "number"});
    bounds(&mut number, range);
    // A string cannot carry a minimum; one that is never negative has no minus sign.
    let sign = if range.min.is_some_and(|m| !m.is_sign_negative()) {
        r"\+?"
    } else {
        "[-+]?"
    };
    json!({"anyOf": [number, {"type": "string", "pattern": format!(r"^\s*{sign}{DECIMAL}")}]})
}

fn bounds(v: &mut Value, range: &Range) {
    if let Some(obj) = v.as_object_mut() {
        if let Some(lo) = range.min {
            obj.insert("minimum".into(), number(lo));
        }
        if let Some(hi) = range.max {
            obj.insert("maximum".into(), number(hi));
        }
    }
}

fn number(d: rust_decimal::Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

fn enum_schema(e: &EnumDef) -> Value {
    let values: Vec<Value> = e
        .values
        .iter()
        .map(|(name, label)| match label {
            Some(l) => json!({"const": name, "title": l}),
            None => json!({"const": name}),
        })
        .collect();
    json!({"title": e.label, "oneOf": values})
}
