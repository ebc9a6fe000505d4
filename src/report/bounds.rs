//! The worst case from the rules, and a population's cost beside it, as text
//! for people and as JSON for programs: the one JSON form `zhice bounds
//! --format json` and the server's `/bounds` both give.

use crate::bounds::population::Population;
use crate::bounds::Bounds;
use crate::compile::Program;
use crate::number::money;
use crate::report::doc::{self, text_of, Align, Block, Doc, Inline, Inlines, Table};
use serde_json::{json, Value};

/// The bounds, and the population's cost when cases were given, as a document.
pub fn document(b: &Bounds, population: Option<&Population>, program: &Program) -> Doc {
    let p = &program.policy;
    let mut title = t!(
        "The most one applicant can receive in a year — %{title}",
        title = p.header.title
    )
    .into_owned();
    if let Some(v) = &p.header.version {
        title.push_str(&format!("（{v}）"));
    }
    let unbounded = || t!("UNBOUNDED").into_owned();
    let mut blocks = vec![Block::Table(Table {
        head: Vec::new(),
        align: vec![Align::Left, Align::Right, Align::Left],
        rows: b
            .awards
            .iter()
            .map(|a| {
                let amount = a.max.map_or_else(unbounded, money);
                let by = a.set_by.as_ref().map(|s| format!("  ({s})")).unwrap_or_default();
                vec![
                    vec![Inline::Code(a.id.clone())],
                    text_of(amount),
                    text_of(format!("{} {}{by}", a.clause, a.title)),
                ]
            })
            .collect(),
    })];
    for r in &b.rules {
        let most = r.max.map_or_else(unbounded, money);
        blocks.push(Block::Para(text_of(t!(
            "%{over} together at most %{most}  (rule %{rule}: %{statement})",
            over = r.over.join(" + "),
            most = most,
            rule = r.id,
            statement = r.rule
        ))));
    }
    for pool in &b.pools {
        let most = pool.max.map_or_else(unbounded, money);
        blocks.push(Block::Para(text_of(t!(
            "%{over} for all applicants together at most %{most} %{period}  (pool %{pool})",
            over = pool.over.join(" + "),
            most = most,
            period = pool.period,
            pool = pool.id
        ))));
    }
    blocks.push(Block::Para(text_of(match b.total {
        Some(total) => t!("worst case per applicant per year: %{amount}", amount = money(total)),
        None => t!(
            "worst case per applicant per year: unbounded (%{awards})",
            awards = b.unbounded.join(", ")
        ),
    })));
    if let Some(pop) = population {
        let mut rows: Vec<Vec<Inlines>> = p
            .measures
            .iter()
            .enumerate()
            .map(|(k, m)| {
                vec![
                    vec![Inline::Code(m.id.clone())],
                    text_of(money(pop.evaluated[k])),
                    text_of(money(pop.worst[k])),
                ]
            })
            .collect();
        rows.push(vec![
            text_of(t!("total")),
            text_of(money(pop.evaluated_total())),
            text_of(money(pop.worst_total())),
        ]);
        blocks.push(Block::section(
            t!(
                "%{cases} case(s), %{rejected} not evaluated",
                cases = pop.cases,
                rejected = pop.rejected
            )
            .into_owned(),
            vec![Block::Table(Table {
                head: vec![t!("award").into(), t!("evaluated").into(), t!("worst case").into()],
                align: vec![Align::Left, Align::Right, Align::Right],
                rows,
            })],
        ));
    }
    Doc {
        title,
        subtitle: Vec::new(),
        blocks,
    }
}

/// The bounds for a terminal.
pub fn text(b: &Bounds, population: Option<&Population>, program: &Program) -> String {
    doc::text(&document(b, population, program), doc::Style { color: false })
}

pub fn json(b: &Bounds, population: Option<&Population>, program: &Program) -> Value {
    let awards: serde_json::Map<String, Value> = b
        .awards
        .iter()
        .map(|a| {
            (
                a.id.clone(),
                a.max.map_or(Value::Null, |m| Value::String(m.to_string())),
            )
        })
        .collect();
    let mut v = json!({
        "awards": awards,
        "total": b.total.map(|t| t.to_string()),
        "unbounded": b.unbounded,
    });
    if !b.rules.is_empty() {
        let rules: serde_json::Map<String, Value> = b
            .rules
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    json!({"over": r.over, "max": r.max.map(|m| m.to_string()), "rule": r.rule}),
                )
            })
            .collect();
        v["rules"] = Value::Object(rules);
    }
    if !b.pools.is_empty() {
        let pools: serde_json::Map<String, Value> = b
            .pools
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    json!({"over": p.over, "max": p.max.map(|m| m.to_string()), "period": p.period}),
                )
            })
            .collect();
        v["pools"] = Value::Object(pools);
    }
    if let Some(pop) = population {
        let per: serde_json::Map<String, Value> = program
            .policy
            .measures
            .iter()
            .enumerate()
            .map(|(k, m)| {
                (
                    m.id.clone(),
                    json!({"evaluated": pop.evaluated[k].to_string(), "worst_case": pop.worst[k].to_string()}),
                )
            })
            .collect();
        v["cases"] = json!({
            "count": pop.cases,
            "not_evaluated": pop.rejected,
            "evaluated_total": pop.evaluated_total().to_string(),
            "worst_case_total": pop.worst_total().to_string(),
            "awards": per,
        });
    }
    v
}
