//! Each step of a measure's arithmetic in words: one line per step of the
//! trace, with the policy text it comes from and the numbers that went in.

use super::*;

/// One step as a line of the explanation.
pub(super) fn step(program: &Program, names: &dyn Names, s: &Step) -> String {
    let p = &*program.policy;
    match &s.kind {
        StepKind::Condition { span, holds, sides } => {
            let line = t!(
                "when %{condition}: %{holds}",
                condition = names.name(*span),
                holds = yes_no(*holds)
            );
            match sides_text(names, &program.policy, sides.as_deref()) {
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
            condition = names.name(*condition),
            holds = yes_no(*holds),
            chosen = names.quote(*chosen)
        )
        .into_owned(),
        StepKind::ValueRead { index, value } => {
            let v = &p.values[*index];
            format!(
                "{} = {}{}{}",
                labelled(&v.name, v.label.as_deref()),
                names.quote(v.expr.span),
                crate::lang::colon(),
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
                "{}{}{} × {} = {}",
                names.quote(*span),
                crate::lang::colon(),
                rate(*r),
                money(*base),
                money(*shown)
            );
            if exact != rounded {
                line.push_str(&t!(", rounded to %{amount}", amount = money(*rounded)));
            }
            line
        }
        StepKind::Amount { span, value } => format!("{} = {}", names.name(*span), money(*value)),
        StepKind::Rounded { span, before, after } => {
            if before == after {
                format!("{} = {}", names.quote(*span), money(*after))
            } else {
                t!(
                    "%{what}: %{before} rounded to %{after}",
                    what = names.quote(*span),
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
                ceiling = names.name(*ceiling_span),
                amount = money(*ceiling),
                assessed = names.name(*a),
                value = money(*v),
                result = money(*result)
            )
            .into_owned(),
            (Some(a), None) => t!(
                "up to %{ceiling} = %{amount}; %{assessed} not given: the ceiling applies",
                ceiling = names.name(*ceiling_span),
                amount = money(*ceiling),
                assessed = names.name(*a)
            )
            .into_owned(),
            _ => t!(
                "up to %{ceiling} = %{amount}",
                ceiling = names.name(*ceiling_span),
                amount = money(*ceiling)
            )
            .into_owned(),
        },
        StepKind::Tier { key_span, key, row } => match row {
            Some(r) => t!(
                "by %{key} = %{value}: row `%{row}`",
                key = names.name(*key_span),
                value = shown(p, key),
                row = names.quote(*r)
            )
            .into_owned(),
            None => t!(
                "by %{key} = %{value}: no row applies, 0",
                key = names.name(*key_span),
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
                Some(c) => format!("{verdict} {}", names.quote(*c)),
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
            format!("{how}{}{}", crate::lang::colon(), money(*result))
        }
        StepKind::Item { index, key } => item(p, *index, key.as_ref()),
        StepKind::ItemSkipped { index, key, reason } => {
            let why = match reason {
                SkipReason::Filtered(f) => t!("does not meet `%{filter}`", filter = names.quote(*f)).into_owned(),
                SkipReason::Repeated => t!("listed again: counts once").into_owned(),
                SkipReason::PaidBefore(y) => t!("already paid in %{year}: once only", year = y).into_owned(),
            };
            t!("%{item}: %{why}", item = item(p, *index, key.as_ref()), why = why).into_owned()
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
            let written = names.quote(*span);
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
        StepKind::Calendar {
            span,
            unit,
            from,
            to,
            count,
            shift,
        } => {
            let what = names.quote(*span);
            if *shift {
                let n = count.unsigned_abs();
                let unit = match unit {
                    crate::syntax::ast::DatePart::Year => t!("years"),
                    crate::syntax::ast::DatePart::Month => t!("months"),
                    crate::syntax::ast::DatePart::Day => t!("days"),
                };
                if *count < 0 {
                    t!(
                        "%{what} = %{to} (%{n} %{unit} before %{from})",
                        what = what,
                        to = to,
                        n = n,
                        unit = unit,
                        from = from
                    )
                } else {
                    t!(
                        "%{what} = %{to} (%{n} %{unit} after %{from})",
                        what = what,
                        to = to,
                        n = n,
                        unit = unit,
                        from = from
                    )
                }
                .into_owned()
            } else {
                t!(
                    "%{what} = %{count} (from %{from} to %{to})",
                    what = what,
                    count = count,
                    from = from,
                    to = to
                )
                .into_owned()
            }
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
            format!("{} = {} ({what})", names.quote(*span), shown(p, result))
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
                cap = names.name(*span),
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
                limit = names.quote(*limit),
                scope = t!(scope.words())
            );
            if *unless {
                t!(
                    "%{cap}: lifted, since %{condition}: yes",
                    cap = cap,
                    condition = names.name(*condition)
                )
            } else {
                t!(
                    "%{cap}: does not apply, since %{condition}: no",
                    cap = cap,
                    condition = names.name(*condition)
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
            format!("{head}{}{how}", crate::lang::colon())
        }
    }
}

/// `: caps X to Y`, or `: not reached`.
/// An item of a list, by its place and, when it has one, its key.
fn item(p: &Policy, index: usize, key: Option<&Shown>) -> String {
    match key {
        Some(k) => t!("item %{n} (%{key})", n = index + 1, key = shown(p, k)).into_owned(),
        None => t!("item %{n}", n = index + 1).into_owned(),
    }
}

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
