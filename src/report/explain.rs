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
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

/// The explanation as text for a terminal or a file.
pub fn text(program: &Program, case: &Case, outcome: &Outcome) -> String {
    let p = &*program.policy;
    let mut out = String::new();
    out.push_str(&p.header.title);
    if let Some(v) = &p.header.version {
        out.push_str(&format!("（{v}）"));
    }
    out.push('\n');
    let as_of = outcome.as_of.map(|d| d.to_string()).unwrap_or_default();
    let day = match case.date {
        Some(d) => format!(" · applied {d}"),
        None => String::new(),
    };
    out.push_str(&format!(
        "case {} · award year {}{day} · parameters as of {as_of}\n",
        case.id, case.year
    ));
    out.push_str(&format!("total {}\n", money(outcome.total)));
    if !p.values.is_empty() {
        out.push_str("\nvalues\n");
        for (i, v) in p.values.iter().enumerate() {
            let value = outcome.values.get(i).cloned().unwrap_or(Value::Absent);
            out.push_str(&format!(
                "  {} = {}\n",
                labelled(&v.name, v.label.as_deref()),
                show_value(p, &case.text, &value, &v.expr.ty)
            ));
        }
    }
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
            match e.failed {
                Some(cond) => {
                    out.push_str(&format!(
                        "  {} · {} {} — condition not met: {}\n",
                        m.id,
                        m.clause,
                        m.title,
                        name(program, cond)
                    ));
                    // What the failed condition read: named values, other awards, thresholds.
                    for s in e.steps.iter().filter(|s| {
                        matches!(
                            s.kind,
                            StepKind::ValueRead { .. } | StepKind::AwardRead { .. } | StepKind::Rate { .. }
                        )
                    }) {
                        out.push_str(&format!("    {}{}\n", "  ".repeat(s.depth), step(program, s)));
                    }
                }
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
    let rules = rules_text(program, outcome);
    if !rules.is_empty() {
        out.push_str("\nrules across measures\n");
        out.push_str(&rules);
    }
    let pools = pools_text(program, outcome);
    if !pools.is_empty() {
        out.push_str("\npools shared by all applicants\n");
        out.push_str(&pools);
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

/// Each rule that touched this case: what it shares or compares, and what each member kept.
fn rules_text(program: &Program, outcome: &Outcome) -> String {
    let p = &*program.policy;
    let mut out = String::new();
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
                            format!("    {id}: {}", money(*after))
                        } else {
                            format!("    {id}: {} → {}", money(*before), money(*after))
                        });
                    }
                    _ => {}
                }
            }
        }
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("  {} · {} {}\n", rule.id, rule.clause, rule.title));
        if let Some(t) = &rule.text {
            out.push_str(&format!("    「{t}」\n"));
        }
        out.push_str(&format!("    {}\n", rule_words(program, r)));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
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
        } => format!(
            "at most {}{} over {}, {}",
            quote(program, limit.span),
            scope.words(),
            ids.join(", "),
            order.words()
        ),
        RuleKind::HighestOnly { .. } => format!("only the highest of {}", ids.join(", ")),
    }
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

/// The policy text of a span, on one line.
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
fn show_value(p: &Policy, text: &str, v: &Value, ty: &Ty) -> String {
    match (v, ty.required()) {
        (Value::Absent, _) => "not given".into(),
        (Value::Bool(b), _) => if *b { "yes" } else { "no" }.into(),
        (Value::Int(i), _) => i.to_string(),
        (Value::Dec(d), Ty::Rate) => rate(*d),
        (Value::Dec(d), Ty::Money) => money(*d),
        (Value::Dec(d), _) => d.normalize().to_string(),
        (Value::Enum(e), Ty::Enum(en)) => p
            .enums
            .get(*en)
            .and_then(|x| x.values.get(*e as usize))
            .map_or_else(|| e.to_string(), |(n, l)| labelled(n, l.as_deref())),
        (Value::Text(t), _) => t.to_string(),
        (Value::CaseText(_), _) => v.as_text(text).unwrap_or_default().to_string(),
        (Value::Date(d), _) => d.to_string(),
        (other, _) => format!("{other:?}"),
    }
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
        (Value::Dec(d), _) => money(*d),
        (Value::Absent, _) => "not given".to_string(),
        (Value::Bool(b), _) => if *b { "yes" } else { "no" }.into(),
        (Value::Date(d), _) => d.to_string(),
        (other, _) => format!("{other:?}"),
    }
}

fn step(program: &Program, s: &Step) -> String {
    let p = &*program.policy;
    match &s.kind {
        StepKind::Condition { span, holds } => {
            format!("when {}: {}", name(program, *span), if *holds { "yes" } else { "no" })
        }
        StepKind::ValueRead { index, value } => {
            let v = &p.values[*index];
            format!(
                "{} = {}: {}",
                labelled(&v.name, v.label.as_deref()),
                quote(program, v.expr.span),
                // a value shown in a step holds its own text
                show_value(p, "", &value.value, &v.expr.ty)
            )
        }
        StepKind::AwardRead { measure, value } => {
            let m = &p.measures[*measure];
            format!("{} (the award of {} {}) = {}", m.id, m.clause, m.title, money(*value))
        }
        StepKind::Rate {
            span,
            rate: r,
            base,
            exact,
            rounded,
        } => {
            // An exact product that rounding leaves as it is, is shown at the places it is paid in.
            let shown = if exact == rounded { rounded } else { exact };
            let mut line = format!(
                "{}: {} × {} = {}",
                quote(program, *span),
                rate(*r),
                money(*base),
                money(*shown)
            );
            if exact != rounded {
                line.push_str(&format!(", rounded to {}", money(*rounded)));
            }
            line
        }
        StepKind::Amount { span, value } => format!("{} = {}", name(program, *span), money(*value)),
        StepKind::Rounded { span, before, after } => {
            if before == after {
                format!("{} = {}", quote(program, *span), money(*after))
            } else {
                format!(
                    "{}: {} rounded to {}",
                    quote(program, *span),
                    money(*before),
                    money(*after)
                )
            }
        }
        StepKind::UpTo {
            ceiling_span,
            ceiling,
            assessed_span,
            assessed,
            result,
        } => match (assessed_span, assessed) {
            (Some(a), Some(v)) => format!(
                "up to {} = {}; assessed {} = {}: {}",
                name(program, *ceiling_span),
                money(*ceiling),
                name(program, *a),
                money(*v),
                money(*result)
            ),
            (Some(a), None) => format!(
                "up to {} = {}; {} not given: the ceiling applies",
                name(program, *ceiling_span),
                money(*ceiling),
                name(program, *a)
            ),
            _ => format!("up to {} = {}", name(program, *ceiling_span), money(*ceiling)),
        },
        StepKind::Tier { key_span, key, row } => match row {
            Some(r) => format!(
                "by {} = {}: row `{}`",
                name(program, *key_span),
                shown(p, key),
                quote(program, *r)
            ),
            None => format!("by {} = {}: no row applies, 0", name(program, *key_span), shown(p, key)),
        },
        StepKind::Alternative { span, applies } => {
            let verdict = if *applies { "applies:" } else { "does not apply:" };
            match span {
                Some(c) => format!("{verdict} {}", quote(program, *c)),
                None => format!("{verdict} otherwise"),
            }
        }
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
            Some(k) => format!("item {} ({})", index + 1, shown(p, k)),
            None => format!("item {}", index + 1),
        },
        StepKind::ItemSkipped { index, key, reason } => {
            let k = key.as_ref().map(|k| format!(" ({})", shown(p, k))).unwrap_or_default();
            let why = match reason {
                SkipReason::Filtered(f) => format!("does not meet `{}`", quote(program, *f)),
                SkipReason::Repeated => "listed again: counts once".to_string(),
                SkipReason::PaidBefore(y) => format!("already paid in {y}: once only"),
            };
            format!("item {}{k}: {why}", index + 1)
        }
        StepKind::Sum { count, total } => format!("{count} item(s), together {}", money(*total)),
        StepKind::Band {
            span,
            lower,
            upper,
            rate: r,
            part,
            amount,
        } => {
            let edges = match (lower.is_zero(), upper) {
                (true, Some(u)) => format!("up to {}", money(*u)),
                (false, Some(u)) => format!("{} to {}", money(*lower), money(*u)),
                (_, None) => format!("above {}", money(*lower)),
            };
            // The edges as written, when they name parameters rather than amounts.
            let written = quote(program, *span);
            let names_something = written
                .split_whitespace()
                .any(|w| !matches!(w, "up" | "to" | "above") && w.starts_with(|c: char| c.is_ascii_alphabetic()));
            let shown = if names_something {
                format!(" (`{written}`)")
            } else {
                String::new()
            };
            format!(
                "band {edges}{shown}: {} × {} = {}",
                rate(*r),
                money(*part),
                money(*amount)
            )
        }
        StepKind::Bands { base, exact, rounded } => {
            let mut line = format!("the bands of {} together: {}", money(*base), money(*exact));
            if exact != rounded {
                line.push_str(&format!(", rounded to {}", money(*rounded)));
            }
            line
        }
        StepKind::Aggregate {
            span,
            kind,
            counted,
            of,
            result,
        } => {
            let what = match kind {
                AggKind::Count => format!("{counted} of {of} item(s) count"),
                _ => format!("over {counted} of {of} item(s)"),
            };
            format!("{} = {} ({what})", quote(program, *span), shown(p, result))
        }
        StepKind::Cap {
            scope,
            span,
            limit,
            prior,
            before,
            after,
        } => {
            let per = match scope {
                CapKind::Amount => "",
                CapKind::Ledger(s) => s.words(),
            };
            let mut line = format!("at most {} = {}{per}", name(program, *span), money(*limit));
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
        StepKind::CapLifted {
            limit,
            scope,
            condition,
            unless,
        } => {
            let cap = format!("at most {}{}", quote(program, *limit), scope.words());
            if *unless {
                format!("{cap}: lifted, since {}: yes", name(program, *condition))
            } else {
                format!("{cap}: does not apply, since {}: no", name(program, *condition))
            }
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
        StepKind::RoundedAward { before, after } => format!("rounded {} to {}", money(*before), money(*after)),
        StepKind::Shared {
            rule,
            limit,
            prior,
            room,
            before,
            after,
        } => {
            let r = &p.rules[*rule];
            let scope = match &r.kind {
                RuleKind::SharedCap { scope, .. } => *scope,
                RuleKind::HighestOnly { .. } => CapScope::Award,
            };
            let mut line = format!("shared cap {}（{}）: {}{}", r.id, r.title, money(*limit), scope.words());
            if !prior.is_zero() {
                line.push_str(&format!(", less {} already paid", money(*prior)));
            }
            line.push_str(&format!("; {} left for this one", money(*room)));
            if after < before {
                line.push_str(&format!(": caps {} to {}", money(*before), money(*after)));
            } else {
                line.push_str(": not reached");
            }
            line
        }
        StepKind::HighestOnly {
            rule,
            winner,
            before,
            after,
        } => {
            let r = &p.rules[*rule];
            match winner {
                Some(w) if after == before => {
                    let others: Vec<&str> = r
                        .members()
                        .iter()
                        .filter(|m| **m != *w)
                        .map(|m| p.measures[*m].id.as_str())
                        .collect();
                    format!(
                        "only the highest of {} ({}): kept over {}",
                        r.id,
                        r.title,
                        others.join(", ")
                    )
                }
                Some(w) => format!(
                    "only the highest (rule {} {}): {} gives way to {}, so 0",
                    r.id,
                    r.title,
                    money(*before),
                    p.measures[*w].id
                ),
                None => format!("only the highest (rule {} {}): nothing to compare", r.id, r.title),
            }
        }
        StepKind::Pool {
            pool,
            period,
            available,
            demand,
            applicants,
            exceeded,
            factor,
            rank,
            entitled,
            granted,
        } => {
            let def = &p.pools[*pool];
            let head = format!(
                "pool {}（{}）{}: {} for this round, asked {} by {applicants} applicant(s)",
                def.id,
                def.title,
                crate::pool::period_name(def, *period),
                money(*available),
                money(*demand)
            );
            let how = match (&def.ration, exceeded, rank) {
                (_, false, _) => "not exceeded, paid in full".to_string(),
                (RationRule::ProRata, true, _) => {
                    format!(
                        "exceeded, pro rata: {} × {factor} → {}",
                        money(*entitled),
                        money(*granted)
                    )
                }
                (RationRule::InOrder { .. }, true, Some(rank)) => format!(
                    "exceeded, {}: number {rank} → {} of {}",
                    ration_words(program, *pool),
                    money(*granted),
                    money(*entitled)
                ),
                (_, true, _) => format!(
                    "exceeded, {}: {} → {}",
                    ration_words(program, *pool),
                    money(*entitled),
                    money(*granted)
                ),
            };
            format!("{head}: {how}")
        }
    }
}

/// A pool's rule when exceeded, as the policy writes it.
fn ration_words(program: &Program, pool: usize) -> String {
    let p = &*program.policy;
    match &p.pools[pool].ration {
        RationRule::ProRata => "pro rata".to_string(),
        RationRule::CappedProRata(each) => format!("at most {} each, then pro rata", quote(program, each.span)),
        RationRule::InOrder { key, words, .. } => format!("in order of {}, {words}", key.name(p)),
    }
}

/// Each pool that granted this case an award: its clause and text.
fn pools_text(program: &Program, outcome: &Outcome) -> String {
    let p = &*program.policy;
    let mut out = String::new();
    for (i, pool) in p.pools.iter().enumerate() {
        let touched = outcome
            .explanations
            .iter()
            .flat_map(|e| &e.steps)
            .any(|s| matches!(s.kind, StepKind::Pool { pool, .. } if pool == i));
        if !touched {
            continue;
        }
        out.push_str(&format!("  {} · {} {}\n", pool.id, pool.clause, pool.title));
        if let Some(t) = &pool.text {
            out.push_str(&format!("    「{t}」\n"));
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
        out.push_str(&format!(
            "    at most {} {} for {}\n    when exceeded: {rule}\n",
            quote(program, pool.amount.span),
            match pool.period {
                PoolPeriod::Year => "per year".to_string(),
                PoolPeriod::Range(from, to) => format!("from {from} to {to}"),
            },
            members.join(", "),
        ));
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
                "steps": e.steps.iter().map(|s| json!({"depth": s.depth, "text": step(program, s)})).collect::<Vec<_>>(),
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
