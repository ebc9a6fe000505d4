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
    let symbol = |name: String, detail: &str, kind: u32, whole: Span, name_at: Span| {
        json!({
            "name": name,
            "detail": detail,
            "kind": kind,
            "range": lines.range(text, whole),
            "selectionRange": lines.range(text, name_at),
        })
    };
    let mut out = Vec::new();
    // LSP's SymbolKind: 12 function, 14 constant, 13 variable, 10 enum, 23 struct, 5 class, 15 string
    for m in &file.measures {
        out.push((
            m.span.start,
            symbol(
                format!("{} {}", m.clause.node, m.title.node),
                &m.id.node,
                12,
                m.span,
                m.id.span,
            ),
        ));
    }
    for r in &file.rules {
        out.push((
            r.span.start,
            symbol(
                format!("{} {}", r.clause.node, r.title.node),
                &r.id.node,
                5,
                r.span,
                r.id.span,
            ),
        ));
    }
    for p in &file.pools {
        out.push((
            p.span.start,
            symbol(
                format!("{} {}", p.clause.node, p.title.node),
                &p.id.node,
                5,
                p.span,
                p.id.span,
            ),
        ));
    }
    for b in &file.benefits {
        out.push((
            b.span.start,
            symbol(
                format!("{} {}", b.clause.node, b.title.node),
                &b.id.node,
                15,
                b.span,
                b.id.span,
            ),
        ));
    }
    for c in &file.clauses {
        out.push((
            c.span.start,
            symbol(
                format!("{} {}", c.clause.node, c.title.node),
                &c.id.node,
                15,
                c.span,
                c.id.span,
            ),
        ));
    }
    for p in &file.params {
        let detail = p.label.as_deref().unwrap_or("");
        out.push((
            p.span.start,
            symbol(p.name.node.clone(), detail, 14, p.span, p.name.span),
        ));
    }
    for i in &file.inputs {
        let detail = i.label.as_deref().unwrap_or("");
        out.push((
            i.span.start,
            symbol(i.name.node.clone(), detail, 13, i.span, i.name.span),
        ));
    }
    for v in &file.values {
        let detail = v.label.as_deref().unwrap_or("");
        out.push((
            v.span.start,
            symbol(v.name.node.clone(), detail, 13, v.span, v.name.span),
        ));
    }
    for e in &file.enums {
        let detail = e.label.as_deref().unwrap_or("");
        out.push((
            e.span.start,
            symbol(e.name.node.clone(), detail, 10, e.span, e.name.span),
        ));
    }
    for r in &file.records {
        let detail = r.label.as_deref().unwrap_or("");
        out.push((
            r.span.start,
            symbol(r.name.node.clone(), detail, 23, r.span, r.name.span),
        ));
    }
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
