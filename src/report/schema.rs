//! The result format of a policy as JSON Schema (2020-12): what `zhice eval
//! --format jsonl` writes for each case, with the policy's own award,
//! benefit and pool ids, so that the systems reading results can check them.

use crate::check::model::Policy;
use serde_json::{json, Map, Value};

/// An amount as results write it: a decimal string.
const AMOUNT: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// The JSON Schema of one result line of `policy`.
pub fn result_schema(policy: &Policy) -> Value {
    let amount = |title: String| json!({"type": "string", "pattern": AMOUNT, "title": title});
    let awards: Map<String, Value> = policy
        .measures
        .iter()
        .map(|m| (m.id.clone(), amount(format!("{} {}", m.clause, m.title))))
        .collect();
    let benefits: Vec<&str> = policy.benefits.iter().map(|b| b.id.as_str()).collect();
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
    properties.insert(
        "awards".into(),
        json!({"type": "object", "properties": awards, "additionalProperties": false}),
    );
    if !policy.pools.is_empty() {
        let pooled: Map<String, Value> = policy
            .measures
            .iter()
            .enumerate()
            .filter(|(i, _)| policy.pool_of(*i).is_some())
            .map(|(_, m)| (m.id.clone(), amount(format!("{} {}", m.clause, m.title))))
            .collect();
        properties.insert(
            "entitled".into(),
            json!({"type": "object", "properties": pooled, "additionalProperties": false}),
        );
        let pools: Map<String, Value> = policy
            .pools
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    json!({"$ref": "#/$defs/pool_share", "title": format!("{} {}", p.clause, p.title)}),
                )
            })
            .collect();
        properties.insert(
            "pools".into(),
            json!({"type": "object", "properties": pools, "additionalProperties": false}),
        );
    }
    properties.insert(
        "benefits".into(),
        json!({"type": "array", "items": {"enum": benefits}, "uniqueItems": true}),
    );
    properties.insert(
        "errors".into(),
        json!({"type": "array", "items": {"$ref": "#/$defs/error"}}),
    );
    let title = match &policy.header.version {
        Some(v) => format!("{}（{v}）— 结果 (result)", policy.header.title),
        None => format!("{} — 结果 (result)", policy.header.title),
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": properties,
        "required": ["id", "total", "awards", "benefits", "errors"],
        "additionalProperties": false,
        "$defs": {
            "error": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "title": "出错的字段路径，如 standards[2].rank (field path)"},
                    "code": {"type": "string", "pattern": "^zhice::", "title": "错误代码 (error code)"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
                "additionalProperties": false,
            },
            "pool_share": {
                "type": "object",
                "properties": {
                    "period": {"type": "string"},
                    "factor": {"type": "string", "pattern": AMOUNT},
                    "rank": {"type": "integer", "minimum": 1},
                },
                "required": ["period"],
                "additionalProperties": false,
            },
        },
    })
}
