//! The result line as JSON Schema (2020-12): what `zhice eval --format
//! jsonl` writes for each case. One definition serves twice: with a policy,
//! its own award, benefit and pool ids (`zhice schema --format result`), so
//! that the systems reading results can check them; without one, any policy's
//! result line (the `ResultLine` of the server's OpenAPI document).

use crate::check::model::Policy;
use serde_json::{json, Map, Value};

/// An amount as results write it: a decimal string.
const AMOUNT: &str = r"^-?[0-9]+(\.[0-9]+)?$";

fn amount(title: String) -> Value {
    json!({"type": "string", "pattern": AMOUNT, "title": title})
}

/// An error of a rejected case, naming its field.
fn error() -> Value {
    json!({
        "type": "object",
        "properties": {
            "field": {"type": "string", "title": "出错的字段路径，如 standards[2].rank (field path)"},
            "code": {"type": "string", "pattern": "^zhice::", "title": "错误代码 (error code)"},
            "message": {"type": "string"},
        },
        "required": ["field", "code", "message"],
        "additionalProperties": false,
    })
}

/// What a pool gave one case: its period, and the factor or the rank.
fn pool_share() -> Value {
    json!({
        "type": "object",
        "properties": {
            "period": {"type": "string"},
            "factor": {"type": "string", "pattern": AMOUNT},
            "rank": {"type": "integer", "minimum": 1},
        },
        "required": ["period"],
        "additionalProperties": false,
    })
}

/// A map of amounts: by the policy's own ids when it is known, else any id.
fn amounts<'a>(ids: Option<impl Iterator<Item = (&'a str, String)>>) -> Value {
    match ids {
        Some(ids) => {
            let properties: Map<String, Value> = ids.map(|(id, title)| (id.to_string(), amount(title))).collect();
            json!({"type": "object", "properties": properties, "additionalProperties": false})
        }
        None => json!({"type": "object", "additionalProperties": amount("金额 (amount)".into())}),
    }
}

/// The JSON Schema of one result line: of `policy`'s, or of any policy's.
pub fn result_line_schema(policy: Option<&Policy>) -> Value {
    // the shared parts by reference within a policy's own document; inline in
    // a document that holds other schemas (OpenAPI)
    let (error_item, share) = match policy {
        Some(_) => (json!({"$ref": "#/$defs/error"}), json!({"$ref": "#/$defs/pool_share"})),
        None => (error(), pool_share()),
    };
    let mut properties = Map::new();
    properties.insert(
        "id".into(),
        json!({"type": ["string", "null"], "title": "申报编号 (case id)"}),
    );
    properties.insert(
        "line".into(),
        json!({"type": "integer", "minimum": 1, "title": "被拒案例在文件中的行号 (line of a rejected case)"}),
    );
    properties.insert("total".into(), amount("合计 (total)".into()));
    let measures = policy.map(|p| {
        p.measures
            .iter()
            .map(|m| (m.id.as_str(), format!("{} {}", m.clause, m.title)))
    });
    properties.insert("awards".into(), amounts(measures));
    match policy {
        Some(p) if !p.pools.is_empty() => {
            let pooled = p
                .measures
                .iter()
                .enumerate()
                .filter(|(i, _)| p.pool_of(*i).is_some())
                .map(|(_, m)| (m.id.as_str(), format!("{} {}", m.clause, m.title)));
            properties.insert("entitled".into(), amounts(Some(pooled)));
            let pools: Map<String, Value> = p
                .pools
                .iter()
                .map(|pool| {
                    let mut s = share.clone();
                    s["title"] = json!(format!("{} {}", pool.clause, pool.title));
                    (pool.id.clone(), s)
                })
                .collect();
            properties.insert(
                "pools".into(),
                json!({"type": "object", "properties": pools, "additionalProperties": false}),
            );
        }
        Some(_) => {}
        None => {
            properties.insert("entitled".into(), amounts(None::<std::iter::Empty<(&str, String)>>));
            properties.insert("pools".into(), json!({"type": "object", "additionalProperties": share}));
        }
    }
    let benefits = match policy {
        Some(p) => {
            let ids: Vec<&str> = p.benefits.iter().map(|b| b.id.as_str()).collect();
            json!({"type": "array", "items": {"enum": ids}, "uniqueItems": true})
        }
        None => json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true}),
    };
    properties.insert("benefits".into(), benefits);
    match policy {
        Some(p) if p.values.iter().any(|v| v.output) => {
            let outputs: Map<String, Value> = p
                .values
                .iter()
                .filter(|v| v.output)
                .map(|v| {
                    let mut s = output_schema(p, &v.expr.ty);
                    if let (Some(obj), Some(label)) = (s.as_object_mut(), &v.label) {
                        obj.insert("title".into(), json!(label));
                    }
                    (v.name.clone(), s)
                })
                .collect();
            properties.insert(
                "outputs".into(),
                json!({"type": "object", "title": "输出 (declared outputs; absent on a rejected case)", "properties": outputs, "additionalProperties": false}),
            );
        }
        Some(_) => {}
        None => {
            properties.insert(
                "outputs".into(),
                json!({"type": "object", "title": "输出 (declared outputs; absent on a rejected case)"}),
            );
        }
    }
    properties.insert("errors".into(), json!({"type": "array", "items": error_item}));
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": ["id", "total", "awards", "benefits", "errors"],
        "additionalProperties": false,
    });
    if let Some(p) = policy {
        let title = match &p.header.version {
            Some(v) => format!("{}（{v}）— 结果 (result)", p.header.title),
            None => format!("{} — 结果 (result)", p.header.title),
        };
        let mut head = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
        });
        if let (Some(h), Some(b)) = (head.as_object_mut(), schema.as_object()) {
            h.extend(b.clone());
        }
        head["$defs"] = json!({ "error": error(), "pool_share": pool_share() });
        schema = head;
    } else {
        schema["title"] = json!("one case's result, as `zhice eval --format jsonl` writes it");
    }
    schema
}

/// The JSON Schema of one result line of `policy`.
pub fn result_schema(policy: &Policy) -> Value {
    result_line_schema(Some(policy))
}

/// How a declared output is written in a result line: `null` when it is not given.
fn output_schema(p: &Policy, ty: &crate::check::model::Ty) -> Value {
    use crate::check::model::Ty;
    let plain = match ty.required() {
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int => json!({"type": "integer"}),
        Ty::Money | Ty::Rate | Ty::Number => json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}),
        Ty::Date => json!({"type": "string", "format": "date"}),
        Ty::Enum(en) => {
            let names: Vec<&str> = p.enums[*en].values.iter().map(|(n, _)| n.as_str()).collect();
            json!({"enum": names})
        }
        Ty::Text | Ty::List(_) | Ty::Record(_) | Ty::Optional(_) => json!({}),
    };
    if ty.is_optional() {
        json!({"anyOf": [plain, {"type": "null"}]})
    } else {
        plain
    }
}
