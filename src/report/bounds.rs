//! The worst case from the rules, and a population's cost beside it, as text
//! for people and as JSON for programs: the one JSON form `zhice bounds
//! --format json` and the server's `/bounds` both give.

use crate::bounds::population::Population;
use crate::bounds::Bounds;
use crate::compile::Program;
use crate::number::money;
use crate::report::table::{Align, Table};
use serde_json::{json, Value};

pub fn text(b: &Bounds, population: Option<&Population>, program: &Program) -> String {
    let p = &program.policy;
    let mut out = t!(
        "The most one applicant can receive in a year — %{title}",
        title = p.header.title
    )
    .into_owned();
    if let Some(v) = &p.header.version {
        out.push_str(&format!("（{v}）"));
    }
    out.push('\n');
    let unbounded = || t!("UNBOUNDED").into_owned();
    let mut awards = Table::new(&[Align::Left, Align::Right, Align::Left]);
    for a in &b.awards {
        let amount = a.max.map_or_else(unbounded, money);
        let by = a.set_by.as_ref().map(|s| format!("  ({s})")).unwrap_or_default();
        awards.row(vec![a.id.clone(), amount, format!("{} {}{by}", a.clause, a.title)]);
    }
    out.push_str(&awards.render("  "));
    for r in &b.rules {
        let most = r.max.map_or_else(unbounded, money);
        out.push_str(&t!(
            "  %{over} together at most %{most}  (rule %{rule}: %{statement})",
            over = r.over.join(" + "),
            most = most,
            rule = r.id,
            statement = r.rule
        ));
        out.push('\n');
    }
    for pool in &b.pools {
        let most = pool.max.map_or_else(unbounded, money);
        out.push_str(&t!(
            "  %{over} for all applicants together at most %{most} %{period}  (pool %{pool})",
            over = pool.over.join(" + "),
            most = most,
            period = pool.period,
            pool = pool.id
        ));
        out.push('\n');
    }
    match b.total {
        Some(total) => out.push_str(&t!(
            "worst case per applicant per year: %{amount}",
            amount = money(total)
        )),
        None => out.push_str(&t!(
            "worst case per applicant per year: unbounded (%{awards})",
            awards = b.unbounded.join(", ")
        )),
    }
    out.push('\n');
    if let Some(pop) = population {
        out.push('\n');
        out.push_str(&t!(
            "%{cases} case(s), %{rejected} not evaluated",
            cases = pop.cases,
            rejected = pop.rejected
        ));
        out.push('\n');
        let mut table = Table::new(&[Align::Left, Align::Right, Align::Right]);
        table.row(vec![
            t!("award").into(),
            t!("evaluated").into(),
            t!("worst case").into(),
        ]);
        for (k, m) in p.measures.iter().enumerate() {
            table.row(vec![m.id.clone(), money(pop.evaluated[k]), money(pop.worst[k])]);
        }
        table.row(vec![
            t!("total").into(),
            money(pop.evaluated_total()),
            money(pop.worst_total()),
        ]);
        out.push_str(&table.render("  "));
    }
    out
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
