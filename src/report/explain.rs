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
use rust_i18n::t;
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
        Some(d) => t!(" · applied %{date}", date = d).into_owned(),
        None => String::new(),
    };
    out.push_str(&t!(
        "case %{id} · award year %{year}%{day} · parameters as of %{as_of}",
        id = case.id,
        year = case.year,
        day = day,
        as_of = as_of
    ));
    out.push('\n');
    out.push_str(&t!("total %{amount}", amount = money(outcome.total)));
    out.push('\n');
    if !p.values.is_empty() {
        out.push_str(&format!("\n{}\n", t!("values")));
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
        out.push_str(&format!("\n{}\n", t!("not granted")));
        for i in not_granted {
            let m = &p.measures[i];
            let e = &outcome.explanations[i];
            match e.failed {
                Some(cond) => {
                    // What each side of a failed comparison was: the exact threshold often decides it.
                    let values = e.steps.iter().find_map(|s| match &s.kind {
                        StepKind::Condition { span, sides, .. } if *span == cond => {
                            sides_text(program, sides.as_deref())
                        }
                        _ => None,
                    });
                    let condition = match values {
                        Some(v) => format!("{}（{v}）", name(program, cond)),
                        None => name(program, cond),
                    };
                    out.push_str(&format!(
                        "  {} · {} {} — {}\n",
                        m.id,
                        m.clause,
                        m.title,
                        t!("condition not met: %{condition}", condition = condition)
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
                    let why = match empty_inputs(p, case, m) {
                        Some(inputs) => t!("nothing in this case qualifies: %{inputs}", inputs = inputs),
                        None => t!("nothing in this case qualifies"),
                    };
                    out.push_str(&format!("  {} · {} {} — {why}\n", m.id, m.clause, m.title));
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
        out.push_str(&format!("\n{}\n", t!("rules across measures")));
        out.push_str(&rules);
    }
    let pools = pools_text(program, outcome);
    if !pools.is_empty() {
        out.push_str(&format!("\n{}\n", t!("pools shared by all applicants")));
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
        out.push_str(&format!("\n{}\n", t!("services (not money)")));
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
        (Value::Absent, _) => t!("not given").into_owned(),
        (Value::Bool(b), _) => yes_no(*b),
        (Value::Int(i), _) => i.to_string(),
        (Value::Dec(d), Ty::Rate) => rate(*d),
        (Value::Dec(d), Ty::Money) => money(*d),
        (Value::Dec(d), _) => crate::number::quantity(*d),
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
fn sides_text(program: &Program, sides: Option<&[(Span, Shown); 2]>) -> Option<String> {
    let parts: Vec<String> = sides?
        .iter()
        .filter(|(span, _)| {
            let text = quote(program, *span);
            !text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '"')
        })
        .map(|(span, v)| format!("{} = {}", quote(program, *span), shown(&program.policy, v)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn yes_no(b: bool) -> String {
    if b { t!("yes") } else { t!("no") }.into_owned()
}

fn step(program: &Program, s: &Step) -> String {
    let p = &*program.policy;
    match &s.kind {
        StepKind::Condition { span, holds, sides } => {
            let line = t!(
                "when %{condition}: %{holds}",
                condition = name(program, *span),
                holds = yes_no(*holds)
            );
            match sides_text(program, sides.as_deref()) {
                Some(values) => format!("{line}（{values}）"),
                None => line.into_owned(),
            }
        }
        StepKind::Branch {
            condition,
            holds,
            chosen,
        } => t!(
            "if %{condition}: %{holds}, so %{chosen}",
            condition = name(program, *condition),
            holds = yes_no(*holds),
            chosen = quote(program, *chosen)
        )
        .into_owned(),
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
            t!(
                "%{id} (the award of %{clause} %{title}) = %{amount}",
                id = m.id,
                clause = m.clause,
                title = m.title,
                amount = money(*value)
            )
            .into_owned()
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
                line.push_str(&t!(", rounded to %{amount}", amount = money(*rounded)));
            }
            line
        }
        StepKind::Amount { span, value } => format!("{} = {}", name(program, *span), money(*value)),
        StepKind::Rounded { span, before, after } => {
            if before == after {
                format!("{} = {}", quote(program, *span), money(*after))
            } else {
                t!(
                    "%{what}: %{before} rounded to %{after}",
                    what = quote(program, *span),
                    before = money(*before),
                    after = money(*after)
                )
                .into_owned()
            }
        }
        StepKind::UpTo {
            ceiling_span,
            ceiling,
            assessed_span,
            assessed,
            result,
        } => match (assessed_span, assessed) {
            (Some(a), Some(v)) => t!(
                "up to %{ceiling} = %{amount}; assessed %{assessed} = %{value}: %{result}",
                ceiling = name(program, *ceiling_span),
                amount = money(*ceiling),
                assessed = name(program, *a),
                value = money(*v),
                result = money(*result)
            )
            .into_owned(),
            (Some(a), None) => t!(
                "up to %{ceiling} = %{amount}; %{assessed} not given: the ceiling applies",
                ceiling = name(program, *ceiling_span),
                amount = money(*ceiling),
                assessed = name(program, *a)
            )
            .into_owned(),
            _ => t!(
                "up to %{ceiling} = %{amount}",
                ceiling = name(program, *ceiling_span),
                amount = money(*ceiling)
            )
            .into_owned(),
        },
        StepKind::Tier { key_span, key, row } => match row {
            Some(r) => t!(
                "by %{key} = %{value}: row `%{row}`",
                key = name(program, *key_span),
                value = shown(p, key),
                row = quote(program, *r)
            )
            .into_owned(),
            None => t!(
                "by %{key} = %{value}: no row applies, 0",
                key = name(program, *key_span),
                value = shown(p, key)
            )
            .into_owned(),
        },
        StepKind::Alternative { span, applies } => {
            let verdict = if *applies {
                t!("applies:")
            } else {
                t!("does not apply:")
            };
            match span {
                Some(c) if c.start == c.end => format!("{verdict} {}", t!("always")),
                Some(c) => format!("{verdict} {}", quote(program, *c)),
                None => format!("{verdict} otherwise"),
            }
        }
        StepKind::Chosen { policy, result } => {
            let how = match policy {
                HitPolicy::Highest => t!("the highest applies"),
                HitPolicy::First => t!("the first that applies"),
                HitPolicy::Sum => t!("the sum of all that apply"),
                HitPolicy::One => t!("the one that applies"),
            };
            format!("{how}: {}", money(*result))
        }
        StepKind::Item { index, key } => match key {
            Some(k) => t!("item %{n} (%{key})", n = index + 1, key = shown(p, k)).into_owned(),
            None => t!("item %{n}", n = index + 1).into_owned(),
        },
        StepKind::ItemSkipped { index, key, reason } => {
            let k = key.as_ref().map(|k| format!(" ({})", shown(p, k))).unwrap_or_default();
            let why = match reason {
                SkipReason::Filtered(f) => t!("does not meet `%{filter}`", filter = quote(program, *f)).into_owned(),
                SkipReason::Repeated => t!("listed again: counts once").into_owned(),
                SkipReason::PaidBefore(y) => t!("already paid in %{year}: once only", year = y).into_owned(),
            };
            t!(
                "%{item}%{key}: %{why}",
                item = t!("item %{n}", n = index + 1),
                key = k,
                why = why
            )
            .into_owned()
        }
        StepKind::Sum { count, total } => t!(
            "%{count} item(s), together %{total}",
            count = count,
            total = money(*total)
        )
        .into_owned(),
        StepKind::Band {
            span,
            lower,
            upper,
            rate: r,
            part,
            amount,
        } => {
            let edges = match (lower.is_zero(), upper) {
                (true, Some(u)) => t!("up to %{upper}", upper = money(*u)).into_owned(),
                (false, Some(u)) => t!("%{lower} to %{upper}", lower = money(*lower), upper = money(*u)).into_owned(),
                (_, None) => t!("above %{lower}", lower = money(*lower)).into_owned(),
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
            t!(
                "band %{edges}%{written}: %{rate} × %{part} = %{amount}",
                edges = edges,
                written = shown,
                rate = rate(*r),
                part = money(*part),
                amount = money(*amount)
            )
            .into_owned()
        }
        StepKind::Bands { base, exact, rounded } => {
            let mut line = t!(
                "the bands of %{base} together: %{amount}",
                base = money(*base),
                amount = money(*exact)
            )
            .into_owned();
            if exact != rounded {
                line.push_str(&t!(", rounded to %{amount}", amount = money(*rounded)));
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
                AggKind::Count => t!("%{counted} of %{of} item(s) count", counted = counted, of = of).into_owned(),
                _ => t!("over %{counted} of %{of} item(s)", counted = counted, of = of).into_owned(),
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
                CapKind::Amount => String::new(),
                CapKind::Ledger(s) => t!(s.words()).into_owned(),
            };
            let mut line = t!(
                "at most %{cap} = %{limit}%{per}",
                cap = name(program, *span),
                limit = money(*limit),
                per = per
            )
            .into_owned();
            if !prior.is_zero() {
                line.push_str(&t!(", less %{amount} already paid", amount = money(*prior)));
            }
            capped(&mut line, *before, *after);
            line
        }
        StepKind::CapLifted {
            limit,
            scope,
            condition,
            unless,
        } => {
            let cap = t!(
                "at most %{limit}%{scope}",
                limit = quote(program, *limit),
                scope = t!(scope.words())
            );
            if *unless {
                t!(
                    "%{cap}: lifted, since %{condition}: yes",
                    cap = cap,
                    condition = name(program, *condition)
                )
            } else {
                t!(
                    "%{cap}: does not apply, since %{condition}: no",
                    cap = cap,
                    condition = name(program, *condition)
                )
            }
            .into_owned()
        }
        StepKind::TopUp { prior, before, after } => t!(
            "top-up (差额): %{before} less %{prior} already paid = %{after}",
            before = money(*before),
            prior = money(*prior),
            after = money(*after)
        )
        .into_owned(),
        StepKind::AlreadyPaid { year } => {
            t!("once per applicant: already paid in %{year}, so 0", year = year).into_owned()
        }
        StepKind::RoundedAward { before, after } => t!(
            "rounded %{before} to %{after}",
            before = money(*before),
            after = money(*after)
        )
        .into_owned(),
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
            let mut line = t!(
                "shared cap %{rule}（%{title}）: %{limit}%{scope}",
                rule = r.id,
                title = r.title,
                limit = money(*limit),
                scope = t!(scope.words())
            )
            .into_owned();
            if !prior.is_zero() {
                line.push_str(&t!(", less %{amount} already paid", amount = money(*prior)));
            }
            line.push_str(&t!("; %{amount} left for this one", amount = money(*room)));
            capped(&mut line, *before, *after);
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
                    t!(
                        "only the highest of %{rule} (%{title}): kept over %{others}",
                        rule = r.id,
                        title = r.title,
                        others = others.join(", ")
                    )
                    .into_owned()
                }
                Some(w) => t!(
                    "only the highest (rule %{rule} %{title}): %{amount} gives way to %{winner}, so 0",
                    rule = r.id,
                    title = r.title,
                    amount = money(*before),
                    winner = p.measures[*w].id
                )
                .into_owned(),
                None => t!(
                    "only the highest (rule %{rule} %{title}): nothing to compare",
                    rule = r.id,
                    title = r.title
                )
                .into_owned(),
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
            let head = t!(
                "pool %{pool}（%{title}）%{period}: %{available} for this round, asked %{demand} by %{applicants} applicant(s)",
                pool = def.id,
                title = def.title,
                period = crate::pool::period_name(def, *period),
                available = money(*available),
                demand = money(*demand),
                applicants = applicants
            );
            let how = match (&def.ration, exceeded, rank) {
                (_, false, _) => t!("not exceeded, paid in full").into_owned(),
                (RationRule::ProRata, true, _) => t!(
                    "exceeded, pro rata: %{entitled} × %{factor} → %{granted}",
                    entitled = money(*entitled),
                    factor = factor,
                    granted = money(*granted)
                )
                .into_owned(),
                (RationRule::InOrder { .. }, true, Some(rank)) => t!(
                    "exceeded, %{rule}: number %{rank} → %{granted} of %{entitled}",
                    rule = ration_words(program, *pool),
                    rank = rank,
                    granted = money(*granted),
                    entitled = money(*entitled)
                )
                .into_owned(),
                (_, true, _) => t!(
                    "exceeded, %{rule}: %{entitled} → %{granted}",
                    rule = ration_words(program, *pool),
                    entitled = money(*entitled),
                    granted = money(*granted)
                )
                .into_owned(),
            };
            format!("{head}: {how}")
        }
    }
}

/// `: caps X to Y`, or `: not reached`.
fn capped(line: &mut String, before: Decimal, after: Decimal) {
    if after < before {
        line.push_str(&t!(
            ": caps %{before} to %{after}",
            before = money(before),
            after = money(after)
        ));
    } else {
        line.push_str(&t!(": not reached"));
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
