//! The outline of a policy: its measures by clause, then the rules, pools,
//! services and declarations, each where it is written.

use super::workspace::{Side, Unit};
use crate::span::Span;
use serde_json::{json, Value};

pub fn symbols(unit: &Unit) -> Value {
    let (Some(file), Some(lines)) = (unit.analysed.ast(), unit.lines(Side::Policy)) else {
        return Value::Null;
    };
    let text = unit.text(Side::Policy);
    // Items under a clause are named by it; declarations by their name, with their label.
    // LSP's SymbolKind: 12 function, 5 class, 15 string, 14 constant, 13 variable, 10 enum, 23 struct.
    let items = file
        .measures
        .iter()
        .map(|m| (&m.clause, &m.title, &m.id, m.span, 12))
        .chain(file.rules.iter().map(|r| (&r.clause, &r.title, &r.id, r.span, 5)))
        .chain(file.pools.iter().map(|p| (&p.clause, &p.title, &p.id, p.span, 5)))
        .chain(file.benefits.iter().map(|b| (&b.clause, &b.title, &b.id, b.span, 15)))
        .chain(file.clauses.iter().map(|c| (&c.clause, &c.title, &c.id, c.span, 15)))
        .map(|(clause, title, id, whole, kind)| {
            (
                format!("{} {}", clause.node, title.node),
                id.node.as_str(),
                kind,
                whole,
                id.span,
            )
        });
    let declarations = file
        .params
        .iter()
        .map(|p| (&p.name, &p.label, p.span, 14))
        .chain(file.inputs.iter().map(|i| (&i.name, &i.label, i.span, 13)))
        .chain(file.values.iter().map(|v| (&v.name, &v.label, v.span, 13)))
        .chain(file.enums.iter().map(|e| (&e.name, &e.label, e.span, 10)))
        .chain(file.records.iter().map(|r| (&r.name, &r.label, r.span, 23)))
        .map(|(name, label, whole, kind)| {
            (
                name.node.clone(),
                label.as_deref().unwrap_or(""),
                kind,
                whole,
                name.span,
            )
        });
    let mut out: Vec<(usize, Value)> = items
        .chain(declarations)
        .map(
            |(name, detail, kind, whole, name_at): (String, &str, u32, Span, Span)| {
                let symbol = json!({
                    "name": name,
                    "detail": detail,
                    "kind": kind,
                    "range": lines.range(text, whole),
                    "selectionRange": lines.range(text, name_at),
                });
                (whole.start, symbol)
            },
        )
        .collect();
    out.sort_by_key(|(at, _)| *at);
    Value::Array(by_article(out.into_iter().map(|(_, s)| s).collect()))
}

/// Items whose clause is in an article (`第四条（八）` in `第四条`) are shown
/// under it, in the order written; everything else stays where it is.
fn by_article(symbols: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for s in symbols {
        let Some(article) = s["name"].as_str().and_then(article) else {
            out.push(s);
            continue;
        };
        let same = out
            .last()
            .is_some_and(|last| last["kind"] == 2 && last["name"].as_str() == Some(article.as_str()));
        if !same {
            out.push(json!({
                "name": article,
                "kind": 2, // Module
                "range": s["range"],
                "selectionRange": s["selectionRange"],
                "children": [],
            }));
        }
        if let Some(parent) = out.last_mut() {
            parent["range"]["end"] = s["range"]["end"].clone();
            if let Some(children) = parent["children"].as_array_mut() {
                children.push(s);
            }
        }
    }
    out
}

/// `第四条` of a name that starts with `第四条（八）…`.
fn article(name: &str) -> Option<String> {
    let rest = name.strip_prefix('第')?;
    let end = rest.find('条')?;
    Some(format!("第{}条", &rest[..end]))
}
