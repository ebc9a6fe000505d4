//! Answers that point at or change text: definition, references, rename
//! (across the policy and its tests file), formatting and quick fixes.

use super::workspace::{Side, Unit, Workspace};
use super::Answer;
use crate::check::names::{NameUse, Symbol};
use crate::syntax::FileKind;
use lsp_server::ErrorCode;
use lsp_types::Url;
use serde_json::{json, Map, Value};

fn location(unit: &Unit, n: &NameUse) -> Option<Value> {
    let side = if n.in_tests { Side::Tests } else { Side::Policy };
    let uri = unit.uri(side)?;
    let range = unit.lines(side)?.range(unit.text(side), n.span);
    Some(json!({ "uri": uri, "range": range }))
}

pub fn definition(unit: &Unit, side: Side, offset: usize) -> Answer {
    let Some(at) = unit.name_at(side, offset) else {
        return Ok(Value::Null);
    };
    let decl = unit.occurrences(&at.symbol).into_iter().find(|n| n.decl);
    Ok(decl.and_then(|d| location(unit, d)).unwrap_or(Value::Null))
}

pub fn references(unit: &Unit, side: Side, offset: usize, with_declaration: bool) -> Answer {
    let Some(at) = unit.name_at(side, offset) else {
        return Ok(Value::Null);
    };
    let all: Vec<Value> = unit
        .occurrences(&at.symbol)
        .into_iter()
        .filter(|n| with_declaration || !n.decl)
        .filter_map(|n| location(unit, n))
        .collect();
    Ok(Value::Array(all))
}

pub fn prepare_rename(unit: &Unit, side: Side, offset: usize) -> Answer {
    let Some(at) = unit.name_at(side, offset) else {
        return Err((
            ErrorCode::InvalidRequest,
            t!("there is no name here to rename").into_owned(),
        ));
    };
    let Some(lines) = unit.lines(side) else {
        return Ok(Value::Null);
    };
    Ok(json!({
        "range": lines.range(unit.text(side), at.span),
        "placeholder": at.span.text(unit.text(side)),
    }))
}

/// Every occurrence of the name at `offset`, in both files, becomes `new_name`.
pub fn rename(unit: &Unit, side: Side, offset: usize, new_name: &str) -> Answer {
    let Some(at) = unit.name_at(side, offset) else {
        return Err((
            ErrorCode::InvalidRequest,
            t!("there is no name here to rename").into_owned(),
        ));
    };
    if !is_name(new_name) {
        return Err((
            ErrorCode::InvalidParams,
            t!(
                "`%{name}` cannot be a name: names are ASCII letters, digits and `_`, start with a letter, and are not keywords; the Chinese goes in the label",
                name = new_name
            )
            .into_owned(),
        ));
    }
    let taken = unit.analysed.names.iter().find(|n| {
        let text = unit.text(if n.in_tests { Side::Tests } else { Side::Policy });
        n.decl && n.symbol != at.symbol && n.span.text(text) == new_name && same_space(&at.symbol, &n.symbol)
    });
    if let Some(taken) = taken {
        return Err((
            ErrorCode::InvalidParams,
            t!(
                "`%{name}` is already declared on line %{line}: the renamed name would clash with it",
                name = new_name,
                line = line_number(
                    unit.text(if taken.in_tests { Side::Tests } else { Side::Policy }),
                    taken.span.start
                )
            )
            .into_owned(),
        ));
    }
    let mut changes: Map<String, Value> = Map::new();
    for n in unit.occurrences(&at.symbol) {
        let side = if n.in_tests { Side::Tests } else { Side::Policy };
        let (Some(uri), Some(lines)) = (unit.uri(side), unit.lines(side)) else {
            continue;
        };
        let edit = json!({ "range": lines.range(unit.text(side), n.span), "newText": new_name });
        if let Value::Array(edits) = changes.entry(uri.to_string()).or_insert_with(|| json!([])) {
            edits.push(edit);
        }
    }
    Ok(json!({ "changes": changes }))
}

/// Whether a declaration of `other` stands in the way of `renamed` taking its
/// name: an enum's values and a record's fields are apart from everything
/// else; the rest (inputs, measures, bound items, …) share one space, since a
/// bound item hides a top-level name of its own spelling.
fn same_space(renamed: &Symbol, other: &Symbol) -> bool {
    use Symbol::*;
    match (renamed, other) {
        (EnumValue(e, _), EnumValue(f, _)) => e == f,
        (Field(r, _), Field(q, _)) => r == q,
        (EnumValue(..) | Field(..), _) | (_, EnumValue(..) | Field(..)) => false,
        _ => true,
    }
}

fn line_number(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::syntax::KEYWORDS.contains(&s)
}

/// The whole document laid out by `zhice fmt`; nothing when it does not parse.
pub fn format(workspace: &Workspace, uri: &Url) -> Value {
    let Some(text) = workspace.text(uri) else {
        return Value::Null;
    };
    let kind = if uri.path().ends_with(".tests") {
        FileKind::Tests
    } else {
        FileKind::Policy
    };
    match crate::format::format(text, kind) {
        Ok(formatted) if formatted != text => {
            let lines = super::text::LineIndex::new(text);
            json!([{ "range": lines.all(text), "newText": formatted }])
        }
        Ok(_) => json!([]),
        Err(_) => Value::Null,
    }
}

/// A quick fix for each diagnostic in the range that has one edit to fix it.
pub fn code_actions(unit: &Unit, side: Side, params: &Value) -> Value {
    let (Some(uri), Some(lines)) = (unit.uri(side), unit.lines(side)) else {
        return Value::Null;
    };
    let text = unit.text(side);
    let wanted: Option<lsp_types::Range> = params.get("range").and_then(|r| serde_json::from_value(r.clone()).ok());
    let reports = match &unit.analysed.result {
        Ok(loaded) => &loaded.reports,
        Err(crate::load::LoadError::Invalid(reports)) => reports,
        Err(_) => return Value::Null,
    };
    let mut actions = Vec::new();
    for report in reports.iter().filter(|r| r.source == text) {
        for d in &report.diagnostics {
            let Some(fix) = &d.fix else { continue };
            let range = lines.range(text, d.span);
            if let Some(w) = wanted {
                if range.end < w.start || w.end < range.start {
                    continue;
                }
            }
            let title = if fix.replacement.trim().is_empty() {
                t!("start a new line here").into_owned()
            } else {
                t!("replace with `%{fix}`", fix = fix.replacement.trim()).into_owned()
            };
            let edit = json!({ "range": lines.range(text, fix.span), "newText": fix.replacement });
            actions.push(json!({
                "title": title,
                "kind": "quickfix",
                "isPreferred": true,
                "diagnostics": [super::convert::diagnostic(unit, side, d)],
                "edit": { "changes": { uri.to_string(): [edit] } },
            }));
        }
    }
    Value::Array(actions)
}
