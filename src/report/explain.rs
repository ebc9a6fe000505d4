//! `explain`: every award with its clause, the clause's text, and each step of
//! its arithmetic with parameter names, labels and values; for measures not
//! granted, the condition that failed.

use crate::check::model::{CapScope, HitPolicy};
use crate::compile::tree::Program;
use crate::eval::trace::{CapKind, SkipReason, Step, StepKind};
use crate::eval::value::Case;
use crate::eval::Outcome;
use crate::report::number::{money, rate};
use crate::syntax::ast::Date;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The explanation as text for a terminal or a file.
pub fn text(program: &Program, case: &Case, as_of: Date, outcome: &Outcome) -> String {
    let p = &program.policy;
    let mut out = String::new();
    out.push_str(&p.header.title);
    if let Some(v) = &p.header.version {
        out.push_str(&format!("（{v}）"));
    }
    out.push('\n');
    out.push_str(&format!(
        "case {} · award year {} · parameters as of {as_of}\n",
        case.id, case.year
    ));
    out.push_str(&format!("total {}\n", money(outcome.total)));
    let granted: Vec<usize> = (0..p.measures.len())
        .filter(|i| outcome.awards[*i] > Decimal::ZERO)
        .collect();
    for i in &granted {
        out.push('\n');
        measure(&mut out, program, *i, outcome);
    }
    let not_granted: Vec<usize> = (0..p.measures.len())
        .filter(|i| outcome.awards[*i] <= Decimal::ZERO)
        .collect();
    if !not_granted.is_empty() {
        out.push_str("\nnot granted\n");
        for i in not_granted {
            let m = &p.measures[i];
            let e = &outcome.explanations[i];
            match &e.failed {
                Some(cond) => out.push_str(&format!(
                    "  {} · {} {} — condition not met: {}\n",
                    m.id,
                    m.clause,
                    m.title,
                    name(program, cond)
                )),
                None if nothing_arose(&e.steps) => {
                    out.push_str(&format!(
                        "  {} · {} {} — nothing in this case qualifies\n",
                        m.id, m.clause, m.title
                    ));
                }
                None => {
                    out.push_str(&format!("  {} · {} {} — 0\n", m.id, m.clause, m.title));
                    for s in e.steps.iter().filter(|s| !matches!(s.kind, StepKind::Condition { .. })) {
                        out.push_str(&format!("    {}{}\n", "  ".repeat(s.depth), step(program, s)));
                    }
                }
            }
        }
    }
    let services: Vec<String> = p
        .benefits
        .iter()
        .zip(&outcome.benefits)
        .filter(|(_, g)| **g)
        .map(|(b, _)| format!("  {} · {} {}", b.id, b.clause, b.title))
        .collect();
    if !services.is_empty() {
        out.push_str("\nservices (not money)\n");
        out.push_str(&services.join("\n"));
        out.push('\n');
    }
    out
}

/// True when no step saw a non-zero amount or passed over an item: the case
/// simply gave nothing this measure pays for, and the steps would only be noise.
fn nothing_arose(steps: &[Step]) -> bool {
    steps.iter().all(|s| match &s.kind {
        StepKind::Condition { .. } | StepKind::Alternative { .. } | StepKind::Tier { row: None, .. } => true,
        StepKind::Rate { base, .. } => base.is_zero(),
        StepKind::Amount { value, .. } => value.is_zero(),
        StepKind::Chosen { result, .. } => result.is_zero(),
        StepKind::Sum { count, .. } => *count == 0,
        StepKind::Cap { before, prior, .. } => before.is_zero() && prior.is_zero(),
        StepKind::TopUp { before, prior, .. } => before.is_zero() && prior.is_zero(),
        StepKind::Rounded { .. } => true,
        _ => false,
    })
}

fn measure(out: &mut String, program: &Program, i: usize, outcome: &Outcome) {
    let m = &program.policy.measures[i];
    out.push_str(&format!(
        "{} · {} {} · {}\n",
        m.id,
        m.clause,
        m.title,
        money(outcome.awards[i])
    ));
    if let Some(t) = &m.text {
        out.push_str(&format!("  「{t}」\n"));
    }
    for s in &outcome.explanations[i].steps {
        out.push_str(&format!("  {}{}\n", "  ".repeat(s.depth), step(program, s)));
    }
}

/// A name with its declared label: `dcmm_level（本年度首次通过的DCMM等级）`.
fn name(program: &Program, src: &str) -> String {
    let p = &program.policy;
    let label = p
        .inputs
        .iter()
        .find(|i| i.name == src)
        .and_then(|i| i.label.as_deref())
        .or_else(|| p.params.iter().find(|x| x.name == src).and_then(|x| x.label.as_deref()));
    match label {
        Some(l) => format!("{src}（{l}）"),
        None => src.to_string(),
    }
}

fn step(program: &Program, s: &Step) -> String {
    match &s.kind {
        StepKind::Condition { src, holds } => {
            format!("when {}: {}", name(program, src), if *holds { "yes" } else { "no" })
        }
        StepKind::Rate {
            src,
            rate: r,
            base,
            exact,
            rounded,
        } => {
            let mut line = format!("{src}: {} × {} = {}", rate(*r), money(*base), money(*exact));
            if exact != rounded {
                line.push_str(&format!(", rounded to {}", money(*rounded)));
            }
            line
        }
        StepKind::Amount { src, value } => format!("{} = {}", name(program, src), money(*value)),
        StepKind::UpTo {
            ceiling_src,
            ceiling,
            assessed_src,
            assessed,
            result,
        } => match (assessed_src, assessed) {
            (Some(a), Some(v)) => format!(
                "up to {} = {}; assessed {} = {}: {}",
                name(program, ceiling_src),
                money(*ceiling),
                name(program, a),
                money(*v),
                money(*result)
            ),
            (Some(a), None) => format!(
                "up to {} = {}; {} not given: the ceiling applies",
                name(program, ceiling_src),
                money(*ceiling),
                name(program, a)
            ),
            _ => format!("up to {} = {}", name(program, ceiling_src), money(*ceiling)),
        },
        StepKind::Tier { key_src, key, row } => match row {
            Some(r) => format!("by {} = {}: row `{r}`", name(program, key_src), key),
            None => format!("by {} = {}: no row applies, 0", name(program, key_src), key),
        },
        StepKind::Alternative { src, applies } => match src {
            Some(c) => format!("{} {c}", if *applies { "applies:" } else { "does not apply:" }),
            None => format!("{} otherwise", if *applies { "applies:" } else { "does not apply:" }),
        },
        StepKind::Chosen { policy, result } => {
            let how = match policy {
                HitPolicy::Highest => "the highest applies",
                HitPolicy::First => "the first that applies",
                HitPolicy::Sum => "the sum of all that apply",
                HitPolicy::One => "the one that applies",
            };
            format!("{how}: {}", money(*result))
        }
        StepKind::Item { index, key } => match key {
            Some(k) => format!("item {} ({k})", index + 1),
            None => format!("item {}", index + 1),
        },
        StepKind::ItemSkipped { index, key, reason } => {
            let k = key.as_ref().map(|k| format!(" ({k})")).unwrap_or_default();
            let why = match reason {
                SkipReason::Filtered(f) => format!("does not meet `{f}`"),
                SkipReason::Repeated => "listed again: counts once".to_string(),
                SkipReason::PaidBefore(y) => format!("already paid in {y}: once only"),
            };
            format!("item {}{k}: {why}", index + 1)
        }
        StepKind::Sum { count, total } => format!("{count} item(s), together {}", money(*total)),
        StepKind::Cap {
            scope,
            src,
            limit,
            prior,
            before,
            after,
        } => {
            let per = match scope {
                CapKind::Amount | CapKind::Ledger(CapScope::Award) => "",
                CapKind::Ledger(CapScope::Year) => " per applicant per year",
                CapKind::Ledger(CapScope::Ever) => " per applicant",
            };
            let mut line = format!("at most {} = {}{per}", name(program, src), money(*limit));
            if !prior.is_zero() {
                line.push_str(&format!(", less {} already paid", money(*prior)));
            }
            if after < before {
                line.push_str(&format!(": caps {} to {}", money(*before), money(*after)));
            } else {
                line.push_str(": not reached");
            }
            line
        }
        StepKind::TopUp { prior, before, after } => {
            format!(
                "top-up (差额): {} less {} already paid = {}",
                money(*before),
                money(*prior),
                money(*after)
            )
        }
        StepKind::AlreadyPaid { year } => format!("once per applicant: already paid in {year}, so 0"),
        StepKind::Rounded { before, after } => format!("rounded {} to {}", money(*before), money(*after)),
    }
}

/// The explanation as JSON.
pub fn json(program: &Program, case: &Case, as_of: Date, outcome: &Outcome) -> Value {
    let p = &program.policy;
    let measures: Vec<Value> = p
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let e = &outcome.explanations[i];
            json!({
                "id": m.id,
                "clause": m.clause,
                "title": m.title,
                "text": m.text,
                "amount": outcome.awards[i].to_string(),
                "granted": outcome.awards[i] > Decimal::ZERO,
                "failed_condition": e.failed.as_deref(),
                "steps": e.steps.iter().map(|s| json!({"depth": s.depth, "text": step(program, s)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let benefits: Vec<Value> = p
        .benefits
        .iter()
        .zip(&outcome.benefits)
        .map(|(b, g)| json!({"id": b.id, "clause": b.clause, "title": b.title, "granted": g}))
        .collect();
    json!({
        "id": case.id,
        "year": case.year,
        "as_of": as_of.to_string(),
        "total": outcome.total.to_string(),
        "measures": measures,
        "benefits": benefits,
    })
}
