//! What a drafter sees when pointing at a name: its label and type, every
//! dated value of a parameter and which one is in force today, a measure's
//! clause text and its worst case.

use super::workspace::{Side, Unit};
use crate::check::names::Symbol;
use crate::date::Date;
use crate::syntax::ast;
use serde_json::{json, Value};

pub fn hover(unit: &Unit, side: Side, offset: usize) -> Value {
    let Some(at) = unit.name_at(side, offset) else {
        return Value::Null;
    };
    let Some(ast) = unit.analysed.ast() else {
        return Value::Null;
    };
    let src = unit.text(Side::Policy);
    let Some(markdown) = describe(unit, ast, src, &at.symbol) else {
        return Value::Null;
    };
    let range = unit.lines(side).map(|l| l.range(unit.text(side), at.span));
    json!({
        "contents": { "kind": "markdown", "value": markdown },
        "range": range,
    })
}

/// The hover text of a symbol, in Markdown.
pub fn describe(unit: &Unit, file: &ast::File, src: &str, symbol: &Symbol) -> Option<String> {
    let mut out = String::new();
    match symbol {
        Symbol::Input(name) => {
            let decl = file.inputs.iter().find(|i| i.name.node == *name)?;
            heading(&mut out, decl.label.as_deref(), name);
            line(&mut out, &t!("input"), &code(decl.ty.span.text(src)));
        }
        Symbol::Param(name) => {
            let decl = file.params.iter().find(|p| p.name.node == *name)?;
            heading(&mut out, decl.label.as_deref(), name);
            let today = today();
            let mut values = vec![(None, decl.value.span)];
            values.extend(decl.dated.iter().map(|(d, v)| (Some(d.node), v.span)));
            // The value in force today is the last one dated on or before today.
            let current = values
                .iter()
                .rposition(|(from, _)| from.is_none_or(|f| today.is_some_and(|t| f <= t)));
            out.push_str(&t!("parameter"));
            out.push('\n');
            let first_date = decl.dated.first().map(|(d, _)| d.node);
            for (i, (from, span)) in values.iter().enumerate() {
                let when = match (from, first_date) {
                    (Some(d), _) => format!(" — {}", t!("from %{date}", date = d)),
                    (None, Some(d)) => format!(" — {}", t!("before %{date}", date = d)),
                    (None, None) => String::new(),
                };
                let now = if Some(i) == current {
                    format!(
                        " ← **{}**",
                        t!(
                            "in force today (%{today})",
                            today = today.map(|d| d.to_string()).unwrap_or_default()
                        )
                    )
                } else {
                    String::new()
                };
                out.push_str(&format!("- {}{when}{now}\n", code(span.text(src))));
            }
        }
        Symbol::Value(name) => {
            let decl = file.values.iter().find(|v| v.name.node == *name)?;
            heading(&mut out, decl.label.as_deref(), name);
            out.push_str(&t!("named value"));
            out.push_str(&format!("\n```zhice\n{}\n```\n", decl.value.span.text(src)));
        }
        Symbol::Measure(id) => {
            let m = file.measures.iter().find(|m| m.id.node == *id)?;
            item(&mut out, &m.clause.node, &m.title.node, id);
            if let Some(line) = worst_case(unit, id) {
                out.push_str(&line);
                out.push('\n');
            }
            quote(&mut out, m.text.as_ref().map(|t| t.node.as_str()));
        }
        Symbol::Rule(id) => {
            let r = file.rules.iter().find(|r| r.id.node == *id)?;
            item(&mut out, &r.clause.node, &r.title.node, id);
            quote(&mut out, r.text.as_ref().map(|t| t.node.as_str()));
        }
        Symbol::Pool(id) => {
            let p = file.pools.iter().find(|p| p.id.node == *id)?;
            item(&mut out, &p.clause.node, &p.title.node, id);
            quote(&mut out, p.text.as_ref().map(|t| t.node.as_str()));
        }
        Symbol::Benefit(id) => {
            let b = file.benefits.iter().find(|b| b.id.node == *id)?;
            item(&mut out, &b.clause.node, &b.title.node, id);
            out.push_str(&t!("a service, not money"));
            out.push('\n');
            quote(&mut out, b.text.as_ref().map(|t| t.node.as_str()));
        }
        Symbol::Enum(name) => {
            let e = file.enums.iter().find(|e| e.name.node == *name)?;
            heading(&mut out, e.label.as_deref(), name);
            out.push_str(&t!("one of these values:"));
            out.push('\n');
            for (v, label) in &e.values {
                out.push_str(&format!("- {}{}\n", code(&v.node), labelled(label.as_deref())));
            }
        }
        Symbol::EnumValue(en, value) => {
            let e = file.enums.iter().find(|e| e.name.node == *en)?;
            let (_, label) = e.values.iter().find(|(v, _)| v.node == *value)?;
            heading(&mut out, label.as_deref(), value);
            out.push_str(&t!("a value of `%{en}`", en = en));
            out.push_str(&labelled(e.label.as_deref()));
            out.push('\n');
        }
        Symbol::Record(name) => {
            let r = file.records.iter().find(|r| r.name.node == *name)?;
            heading(&mut out, r.label.as_deref(), name);
            out.push_str(&t!("record"));
            out.push('\n');
            for f in &r.fields {
                out.push_str(&format!(
                    "- {}: {}{}\n",
                    code(&f.name.node),
                    code(f.ty.span.text(src)),
                    labelled(f.label.as_deref())
                ));
            }
        }
        Symbol::Field(record, field) => {
            let r = file.records.iter().find(|r| r.name.node == *record)?;
            let f = r.fields.iter().find(|f| f.name.node == *field)?;
            heading(&mut out, f.label.as_deref(), field);
            line(
                &mut out,
                &t!("a field of `%{record}`", record = record),
                &code(f.ty.span.text(src)),
            );
        }
        Symbol::Local(bound) => {
            let name = bound.text(src);
            heading(&mut out, None, name);
            out.push_str(&t!("each item of the list it is bound to"));
            out.push('\n');
        }
    }
    Some(out)
}

fn heading(out: &mut String, label: Option<&str>, name: &str) {
    match label {
        Some(label) => out.push_str(&format!("**{label}** {}\n\n", code(name))),
        None => out.push_str(&format!("{}\n\n", code(name))),
    }
}

fn item(out: &mut String, clause: &str, title: &str, id: &str) {
    out.push_str(&format!("**{clause} {title}** {}\n\n", code(id)));
}

fn line(out: &mut String, what: &str, detail: &str) {
    out.push_str(&format!("{what}: {detail}\n"));
}

fn quote(out: &mut String, text: Option<&str>) {
    if let Some(text) = text {
        out.push('\n');
        for l in text.lines() {
            out.push_str(&format!("> {}\n", l.trim()));
        }
    }
}

fn labelled(label: Option<&str>) -> String {
    label.map(|l| format!(" “{l}”")).unwrap_or_default()
}

fn code(text: &str) -> String {
    // A backtick inside (never in names; possible in written values) needs a longer fence.
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// The measure's worst case per applicant, from `bounds`, when the policy checks.
fn worst_case(unit: &Unit, id: &str) -> Option<String> {
    let loaded = unit.analysed.result.as_ref().ok()?;
    let bounds = crate::bounds::bounds(&loaded.program.policy, loaded.source());
    let b = bounds.awards.iter().find(|b| b.id == id)?;
    Some(match (b.max, &b.set_by) {
        (Some(max), Some(by)) => t!(
            "worst case: %{max} (set by `%{by}`)",
            max = crate::number::money(max),
            by = by
        )
        .into_owned(),
        (Some(max), None) => t!("worst case: %{max}", max = crate::number::money(max)).into_owned(),
        (None, _) => t!("worst case: no bound").into_owned(),
    })
}

/// Today, by the system clock.
fn today() -> Option<Date> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Date::from_unix_days(i64::try_from(secs / 86_400).ok()?)
}
