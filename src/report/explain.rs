//! `explain`: every award with its clause, the clause's text, and each step of
//! its arithmetic with parameter names, labels and values; the named values
//! of the case; how rules across measures divided what they share; for
//! measures not granted, the condition that failed.

use crate::case::Case;
use crate::check::model::{AggKind, CapScope, HitPolicy, Policy, PoolPeriod, RationRule, Residue, RuleKind, Ty};
use crate::compile::Program;
use crate::eval::trace::{CapKind, Shown, SkipReason, Step, StepKind};
use crate::eval::Outcome;
use crate::number::{money, rate};
use crate::report::doc::{self, text_of, Block, Doc, Inlines};
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};
use steps::step;

mod steps;

/// The explanation as a document: the case, the values, each award granted
/// with its clause and steps, why the others were not, the rules and pools
/// that touched it, and the services.
pub fn document(program: &Program, case: &Case, outcome: &Outcome) -> Doc {
    let p = &*program.policy;
    let mut title = p.header.title.clone();
    if let Some(v) = &p.header.version {
        title.push_str(&format!("（{v}）"));
    }
    let as_of = outcome.as_of.map(|d| d.to_string()).unwrap_or_default();
    let day = match case.date {
        Some(d) => t!(" · applied %{date}", date = d).into_owned(),
        None => String::new(),
    };
    let mut blocks = vec![Block::Lines(vec![
        (
            0,
            text_of(t!(
                "case %{id} · award year %{year}%{day} · parameters as of %{as_of}",
                id = case.id,
                year = case.year,
                day = day,
                as_of = as_of
            )),
        ),
        (0, text_of(t!("total %{amount}", amount = money(outcome.total)))),
    ])];
    if !p.values.is_empty() {
        let lines = p
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let value = outcome.values.get(i).cloned().unwrap_or(Value::Absent);
                (
                    1,
                    text_of(format!(
                        "{} = {}",
                        labelled(&v.name, v.label.as_deref()),
                        show_value(p, &case.text, &value, &v.expr.ty)
                    )),
                )
            })
            .collect();
        blocks.push(Block::section(t!("values").into(), vec![Block::Lines(lines)]));
    }
    // an amount below 0 (`may be negative`) is a result too: explained like one granted
    for i in (0..p.measures.len()).filter(|i| !outcome.awards[*i].is_zero()) {
        blocks.push(measure(program, i, outcome));
    }
    let not_granted: Vec<usize> = (0..p.measures.len()).filter(|i| outcome.awards[*i].is_zero()).collect();
    if !not_granted.is_empty() {
        let mut lines: Vec<(usize, Inlines)> = Vec::new();
        for i in not_granted {
            let m = &p.measures[i];
            let e = &outcome.explanations[i];
            match e.failed {
                Some(cond) => {
                    // What each side of a failed comparison was: the exact threshold often decides it.
                    let values = e.steps.iter().find_map(|s| match &s.kind {
                        StepKind::Condition { span, sides, .. } if *span == cond => {
                            sides_text(&Written(program), &program.policy, sides.as_deref())
                        }
                        _ => None,
                    });
                    let condition = match values {
                        Some(v) => format!("{}（{v}）", name(program, cond)),
                        None => name(program, cond),
                    };
                    lines.push((
                        1,
                        text_of(format!(
                            "{} · {} {} — {}",
                            m.id,
                            m.clause,
                            m.title,
                            t!("condition not met: %{condition}", condition = condition)
                        )),
                    ));
                    // What the failed condition read: named values, other awards, thresholds.
                    for s in e.steps.iter().filter(|s| {
                        matches!(
                            s.kind,
                            StepKind::ValueRead { .. } | StepKind::AwardRead { .. } | StepKind::Rate { .. }
                        )
                    }) {
                        lines.push((2 + s.depth, text_of(step(program, &Written(program), s))));
                    }
                }
                None if nothing_arose(&e.steps) => {
                    let why = match empty_inputs(p, case, m) {
                        Some(inputs) => t!("nothing in this case qualifies: %{inputs}", inputs = inputs),
                        None => t!("nothing in this case qualifies"),
                    };
                    lines.push((1, text_of(format!("{} · {} {} — {why}", m.id, m.clause, m.title))));
                }
                None => {
                    lines.push((1, text_of(format!("{} · {} {} — 0", m.id, m.clause, m.title))));
                    for s in e.steps.iter().filter(|s| !matches!(s.kind, StepKind::Condition { .. })) {
                        lines.push((2 + s.depth, text_of(step(program, &Written(program), s))));
                    }
                }
            }
        }
        blocks.push(Block::section(t!("not granted").into(), vec![Block::Lines(lines)]));
    }
    let outline =
        |lines: Vec<(usize, String)>| Block::Lines(lines.into_iter().map(|(d, l)| (d + 1, text_of(l))).collect());
    let rules = rules_lines(program, outcome);
    if !rules.is_empty() {
        blocks.push(Block::section(t!("rules across measures").into(), vec![outline(rules)]));
    }
    let pools = pools_lines(program, outcome);
    if !pools.is_empty() {
        blocks.push(Block::section(
            t!("pools shared by all applicants").into(),
            vec![outline(pools)],
        ));
    }
    let services: Vec<(usize, String)> = p
        .benefits
        .iter()
        .zip(&outcome.benefits)
        .filter(|(_, g)| **g)
        .map(|(b, _)| (0, format!("{} · {} {}", b.id, b.clause, b.title)))
        .collect();
    if !services.is_empty() {
        blocks.push(Block::section(
            t!("services (not money)").into(),
            vec![outline(services)],
        ));
    }
    Doc {
        title,
        subtitle: Vec::new(),
        blocks,
    }
}

/// The explanation as text for a terminal or a file.
pub fn text(program: &Program, case: &Case, outcome: &Outcome) -> String {
    doc::text(&document(program, case, outcome), doc::Style { color: false })
}

/// Each rule that touched this case: what it shares or compares, and what each member kept.
fn rules_lines(program: &Program, outcome: &Outcome) -> Vec<(usize, String)> {
    let p = &*program.policy;
    let mut out = Vec::new();
    for (r, rule) in p.rules.iter().enumerate() {
        let mut lines = Vec::new();
        for &m in rule.members() {
            let Some(e) = outcome.explanations.get(m) else { continue };
            for s in &e.steps {
                match &s.kind {
                    StepKind::Shared {
                        rule, before, after, ..
                    }
                    | StepKind::HighestOnly {
                        rule, before, after, ..
                    } if *rule == r => {
                        let id = &p.measures[m].id;
                        lines.push(if before == after {
                            format!("{id}: {}", money(*after))
                        } else {
                            format!("{id}: {} → {}", money(*before), money(*after))
                        });
                    }
                    _ => {}
                }
            }
        }
        if lines.is_empty() {
            continue;
        }
        out.push((0, format!("{} · {} {}", rule.id, rule.clause, rule.title)));
        if let Some(t) = &rule.text {
            out.push((1, format!("「{t}」")));
        }
        out.push((1, rule_words(program, r)));
        out.extend(lines.into_iter().map(|l| (1, l)));
    }
    out
}

/// A rule as the policy writes it.
fn rule_words(program: &Program, r: usize) -> String {
    let p = &*program.policy;
    let rule = &p.rules[r];
    let ids: Vec<&str> = rule.members().iter().map(|m| p.measures[*m].id.as_str()).collect();
    match &rule.kind {
        RuleKind::SharedCap {
            limit, scope, order, ..
        } => t!(
            "at most %{limit}%{scope} over %{measures}, %{order}",
            limit = quote(program, limit.span),
            scope = t!(scope.words()),
            measures = ids.join(", "),
            order = t!(order.words())
        )
        .into_owned(),
        RuleKind::HighestOnly { .. } => t!("only the highest of %{measures}", measures = ids.join(", ")).into_owned(),
    }
}

/// The inputs the measure's award reads that this case left at 0, empty or
/// not given: why nothing qualifies (`data_space_investment（…） = 0.00`).
fn empty_inputs(p: &Policy, case: &Case, m: &crate::check::model::Measure) -> Option<String> {
    let mut read = Vec::new();
    m.award.walk(&mut |x| {
        if let crate::check::model::ExprKind::Input(i) = x.kind {
            if !read.contains(&i) {
                read.push(i);
            }
        }
    });
    let parts: Vec<String> = read
        .into_iter()
        .filter_map(|i| {
            let def = p.inputs.get(i)?;
            let value = case.slots.get(i)?;
            let empty = match value {
                Value::Absent => true,
                Value::Dec(d) => d.is_zero(),
                Value::Int(n) => *n == 0,
                Value::List(items) => case.items_at(*items).is_empty(),
                _ => false,
            };
            empty.then(|| {
                let shown = match value {
                    Value::List(_) => t!("none").into_owned(),
                    v => show_value(p, &case.text, v, &def.ty),
                };
                format!("{} = {shown}", labelled(&def.name, def.label.as_deref()))
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
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
        StepKind::RoundedAward { .. } => true,
        StepKind::Band { part, .. } => part.is_zero(),
        StepKind::Bands { base, .. } => base.is_zero(),
        StepKind::Rounded { before, .. } => before.is_zero(),
        _ => false,
    })
}

fn measure(program: &Program, i: usize, outcome: &Outcome) -> Block {
    let m = &program.policy.measures[i];
    let mut lines: Vec<(usize, Inlines)> = Vec::new();
    if let Some(t) = &m.text {
        lines.push((1, text_of(format!("「{t}」"))));
    }
    for s in &outcome.explanations[i].steps {
        lines.push((1 + s.depth, text_of(step(program, &Written(program), s))));
    }
    Block::section(
        format!("{} · {} {} · {}", m.id, m.clause, m.title, money(outcome.awards[i])),
        vec![Block::Lines(lines)],
    )
}

/// The policy text of a span, on one line.
/// How an explanation names the pieces of the policy its steps come from.
pub trait Names {
    /// an expression: `data_space_rate of data_space_investment`, or in words
    fn quote(&self, span: Span) -> String;
    /// a name with its label: `dcmm_level（本年度首次通过的DCMM等级）`, or in words
    fn name(&self, span: Span) -> String;
    /// whether the span is a literal (`500万元`), which needs no `= value` beside it
    fn literal(&self, span: Span) -> bool;
}

/// As written in the policy file: what `zhice explain` shows the drafter who wrote it.
pub struct Written<'a>(pub &'a Program);

impl Names for Written<'_> {
    fn quote(&self, span: Span) -> String {
        quote(self.0, span)
    }
    fn name(&self, span: Span) -> String {
        name(self.0, span)
    }
    fn literal(&self, span: Span) -> bool {
        quote(self.0, span).starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '"')
    }
}

/// Each step of measure `m`'s arithmetic for this outcome, with its depth,
/// named by `names`.
pub fn steps(program: &Program, outcome: &Outcome, m: usize, names: &dyn Names) -> Vec<(usize, String)> {
    outcome
        .explanations
        .get(m)
        .map(|e| e.steps.iter().map(|s| (s.depth, step(program, names, s))).collect())
        .unwrap_or_default()
}

fn quote(program: &Program, span: Span) -> String {
    span.text(&program.source)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn labelled(name: &str, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("{name}（{l}）"),
        None => name.to_string(),
    }
}

/// The policy text of a span, with the declared label when it is a name:
/// `dcmm_level（本年度首次通过的DCMM等级）`.
fn name(program: &Program, span: Span) -> String {
    let src = quote(program, span);
    let p = &program.policy;
    let label = p
        .inputs
        .iter()
        .find(|i| i.name == src)
        .and_then(|i| i.label.as_deref())
        .or_else(|| p.params.iter().find(|x| x.name == src).and_then(|x| x.label.as_deref()))
        .or_else(|| p.values.iter().find(|x| x.name == src).and_then(|x| x.label.as_deref()));
    labelled(&src, label)
}

/// A value as a reader of the policy writes it.
/// `text` is the case's text buffer, where a text of the case is.
pub(crate) fn show_value(p: &Policy, text: &str, v: &Value, ty: &Ty) -> String {
    p.show_value(text, v, ty)
}

/// An item key or tier key as the ledger and explanations write it.
fn shown(p: &Policy, s: &Shown) -> String {
    match (&s.value, s.enum_type) {
        (Value::Enum(e), Some(en)) => p
            .enums
            .get(en)
            .and_then(|x| x.values.get(*e as usize))
            .map_or_else(|| e.to_string(), |(n, _)| n.clone()),
        (Value::Text(t), _) => t.to_string(),
        (Value::Int(i), _) => i.to_string(),
        (Value::Dec(d), _) if s.rate => rate(*d),
        (Value::Dec(d), _) => money(*d),
        (Value::Absent, _) => t!("not given").into_owned(),
        (Value::Bool(b), _) => yes_no(*b),
        (Value::Date(d), _) => d.to_string(),
        (other, _) => format!("{other:?}"),
    }
}

/// `booked_amount = 1,000,000.00, booking_threshold = 1,000,000.00`: the sides of a
/// comparison that are not written as literals, with their values.
fn sides_text(names: &dyn Names, p: &Policy, sides: Option<&[(Span, Shown); 2]>) -> Option<String> {
    let parts: Vec<String> = sides?
        .iter()
        .filter(|(span, _)| !names.literal(*span))
        .map(|(span, v)| format!("{} = {}", names.quote(*span), shown(p, v)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn yes_no(b: bool) -> String {
    if b { t!("yes") } else { t!("no") }.into_owned()
}

/// A pool's rule when exceeded, as the policy writes it.
fn ration_words(program: &Program, pool: usize) -> String {
    let p = &*program.policy;
    match &p.pools[pool].ration {
        RationRule::ProRata => "pro rata".to_string(),
        RationRule::CappedProRata(each) => format!("at most {} each, then pro rata", quote(program, each.span)),
        RationRule::InOrder { key, words, then, .. } => {
            let mut t = format!("in order of {}, {words}", key.name(p));
            if let Some((k, _, w)) = then {
                t.push_str(&format!(", then by {}, {w}", k.name(p)));
            }
            t
        }
    }
}

/// Each pool that granted this case an award: its clause and text.
fn pools_lines(program: &Program, outcome: &Outcome) -> Vec<(usize, String)> {
    let p = &*program.policy;
    let mut out = Vec::new();
    for (i, pool) in p.pools.iter().enumerate() {
        let touched = outcome
            .explanations
            .iter()
            .flat_map(|e| &e.steps)
            .any(|s| matches!(s.kind, StepKind::Pool { pool, .. } if pool == i));
        if !touched {
            continue;
        }
        out.push((0, format!("{} · {} {}", pool.id, pool.clause, pool.title)));
        if let Some(t) = &pool.text {
            out.push((1, format!("「{t}」")));
        }
        let members: Vec<&str> = pool.members.iter().map(|m| p.measures[*m].id.as_str()).collect();
        let mut rule = ration_words(program, i);
        if let Some((unit, mode)) = pool.rounding {
            rule.push_str(&format!(", each share rounded to {unit} {}", mode.keyword()));
        }
        match pool.residue {
            Some(Residue::AsItFalls) => rule.push_str(", residue as it falls"),
            Some(Residue::LargestRemainders) => rule.push_str(", residue to the largest remainders"),
            None => {}
        }
        out.push((
            1,
            format!(
                "at most {} {} for {}{}",
                quote(program, pool.amount.span),
                match pool.period {
                    PoolPeriod::Year => "per year".to_string(),
                    PoolPeriod::Range(from, to) => format!("from {from} to {to}"),
                },
                members.join(", "),
                if pool.less_paid {
                    ", less what the ledgers show paid"
                } else {
                    ""
                },
            ),
        ));
        out.push((1, format!("when exceeded: {rule}")));
    }
    out
}

/// The explanation as JSON.
pub fn json(program: &Program, case: &Case, outcome: &Outcome) -> Json {
    let p = &*program.policy;
    let measures: Vec<Json> = p
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
                "failed_condition": e.failed.map(|s| quote(program, s)),
                "steps": e.steps.iter().map(|s| json!({"depth": s.depth, "text": step(program, &Written(program), s)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let values: Vec<Json> = p
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let value = outcome.values.get(i).cloned().unwrap_or(Value::Absent);
            json!({
                "name": v.name,
                "label": v.label,
                "formula": quote(program, v.expr.span),
                "value": show_value(p, &case.text, &value, &v.expr.ty),
            })
        })
        .collect();
    let benefits: Vec<Json> = p
        .benefits
        .iter()
        .zip(&outcome.benefits)
        .map(|(b, g)| json!({"id": b.id, "clause": b.clause, "title": b.title, "granted": g}))
        .collect();
    let mut out = json!({
        "id": case.id,
        "year": case.year,
        "as_of": outcome.as_of.map(|d| d.to_string()),
        "total": outcome.total.to_string(),
        "measures": measures,
        "benefits": benefits,
    });
    if let Some(map) = out.as_object_mut() {
        if let Some(d) = case.date {
            map.insert("date".into(), json!(d.to_string()));
        }
        if !values.is_empty() {
            map.insert("values".into(), Json::Array(values));
        }
    }
    out
}
