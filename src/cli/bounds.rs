//! `zhice bounds FILE`: the most each award can cost one applicant in a year,
//! and for a population, the worst case beside what the cases cost.

use super::input::read_text;
use super::{status, Out};
use crate::bounds::{bounds, Bounds};
use crate::compile::Program;
use crate::diagnostic::Diagnostic;
use crate::number::money;
use crate::report::table::{Align, Table};
use crate::run::{Mode, Runner};
use rust_decimal::Decimal;
use rust_i18n::t;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum BoundsFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(super) struct BoundsArgs {
    /// The .policy file.
    policy: PathBuf,
    /// Also evaluate these cases (JSONL): their cost, and their worst case.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// The output: text for people, json for programs.
    #[arg(long, value_enum, default_value_t = BoundsFormat::Text)]
    format: BoundsFormat,
}

/// A population's evaluated cost and its worst case: every `up to` at its ceiling.
struct Population {
    cases: u64,
    rejected: u64,
    evaluated: Vec<Decimal>,
    worst: Vec<Decimal>,
}

pub(super) fn run(out: &Out, args: &BoundsArgs) -> u8 {
    let loaded = match out.load(&args.policy) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let program = &loaded.program;
    let b = bounds(&program.policy, loaded.source());
    let population = match &args.cases {
        None => None,
        Some(path) => match read_text(path) {
            Ok(text) => Some(population(program, &text)),
            Err(code) => return code,
        },
    };
    match args.format {
        BoundsFormat::Json => {
            let v = as_json(&b, population.as_ref(), program);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        BoundsFormat::Text => {
            let warnings: Vec<Diagnostic> = b
                .awards
                .iter()
                .filter(|a| a.max.is_none())
                .map(|a| {
                    Diagnostic::warning("zhice::bounds::unbounded", t!("nothing bounds award `%{id}`", id = a.id), a.span)
                        .label(t!("no cap limits this award"))
                        .help(t!("a rate with no cap or a list with no cap can pay any amount; add `at most … per applicant per year` if the clause has a ceiling"))
                })
                .collect();
            out.render(&warnings, &args.policy.display().to_string(), loaded.source());
            print!("{}", as_text(&b, population.as_ref(), program));
        }
    }
    if population.as_ref().is_some_and(|p| p.rejected > 0) {
        status::ERRORS
    } else {
        status::OK
    }
}

fn population(program: &Program, text: &str) -> Population {
    let n = program.policy.measures.len();
    let mut p = Population {
        cases: 0,
        rejected: 0,
        evaluated: vec![Decimal::ZERO; n],
        worst: vec![Decimal::ZERO; n],
    };
    // Each a whole round: pools divide the evaluated amounts, and the worst
    // case, among all the cases. A blank line is not a case: rejected here as
    // `eval --cases` rejects it.
    let runner = Runner::new(program);
    let (evaluated, worst) = (runner.round(text, Mode::Plain), runner.round(text, Mode::Ceiling));
    for (a, w) in evaluated.lines.iter().zip(&worst.lines) {
        p.cases += 1;
        let (Ok(a), Ok(w)) = (a, w) else {
            p.rejected += 1;
            continue;
        };
        for (sums, o) in [(&mut p.evaluated, &a.outcome), (&mut p.worst, &w.outcome)] {
            for (sum, award) in sums.iter_mut().zip(&o.awards) {
                *sum = sum.checked_add(*award).unwrap_or(*sum);
            }
        }
    }
    p
}

fn total(xs: &[Decimal]) -> Decimal {
    xs.iter().fold(Decimal::ZERO, |a, b| a.checked_add(*b).unwrap_or(a))
}

fn as_text(b: &Bounds, population: Option<&Population>, program: &Program) -> String {
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
            money(total(&pop.evaluated)),
            money(total(&pop.worst)),
        ]);
        out.push_str(&table.render("  "));
    }
    out
}

fn as_json(b: &Bounds, population: Option<&Population>, program: &Program) -> Value {
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
            "evaluated_total": total(&pop.evaluated).to_string(),
            "worst_case_total": total(&pop.worst).to_string(),
            "awards": per,
        });
    }
    v
}
