//! Items: measures with their conditions, amount and caps, rules across
//! measures, budget pools, services and clauses.

use super::*;

pub(super) fn measure(p: Pair<Rule>) -> Result<Measure> {
    let at = span(&p);
    let mut it = p.into_inner();
    let id = ident(next(&mut it, "measure id", at)?);
    let clause = spanned_str(&next(&mut it, "clause reference", at)?);
    let title = string(next(&mut it, "title", at)?)?;
    let mut m = Measure {
        id,
        clause,
        title,
        text: None,
        allows: Vec::new(),
        conditions: Vec::new(),
        award: None,
        top_up: None,
        once: None,
        caps: Vec::new(),
        signed: None,
        span: at,
    };
    // Where the rule begins: a `when` after it would be read as belonging to a cap.
    let mut rule_start: Option<Span> = None;
    for stmt in it {
        let sat = span(&stmt);
        let mut inner = stmt.clone().into_inner();
        match stmt.as_rule() {
            Rule::text_stmt => {
                m.text = Some(duplicate(
                    m.text.is_some(),
                    "text",
                    sat,
                    string(next(&mut inner, "text", sat)?)?,
                )?)
            }
            Rule::allow_stmt => m.allows.push(allow(stmt)?),
            Rule::when_stmt => {
                if let Some(first) = rule_start {
                    return Err(Box::new(condition_after_award(sat, first)));
                }
                next(&mut inner, "`when`", sat)?;
                m.conditions.push(expr(next(&mut inner, "condition", sat)?)?);
            }
            Rule::award_stmt => {
                let a = amount(next(&mut inner, "amount", sat)?)?;
                m.award = Some(duplicate(m.award.is_some(), "award", sat, a)?);
                rule_start.get_or_insert(sat);
            }
            Rule::top_up_stmt => {
                m.top_up = Some(sat);
                rule_start.get_or_insert(sat);
            }
            Rule::once_stmt => {
                m.once = Some(sat);
                rule_start.get_or_insert(sat);
            }
            Rule::signed_stmt => m.signed = Some(sat),
            Rule::cap_stmt => {
                m.caps.push(cap(stmt)?);
                rule_start.get_or_insert(sat);
            }
            _ => return Err(unexpected(&stmt)),
        }
    }
    Ok(m)
}

/// `when` after the award: whose condition is it? The grammar gives a `when` right after
/// a cap to that cap; anywhere else after `award` it is refused, never guessed.
pub(super) fn condition_after_award(at: Span, award: Span) -> Diagnostic {
    Diagnostic::error(
        "zhice::syntax::condition-after-award",
        words!("a condition after the award: is it the measure's or a cap's?"),
        at)
    .label(words!("`when` after the rule"))
    .related(award, words!("the rule starts here"))
    .help(words!("write the measure's conditions above `award`; a condition of a cap goes on the cap's own line: `at most … per applicant per year when …`"))
}

/// `at most LIMIT [per applicant [per year]] [when|unless CONDITION]`
pub(super) fn cap(p: Pair<Rule>) -> Result<Cap> {
    let at = span(&p);
    let input = p.as_span().get_input();
    let mut inner = p.into_inner();
    let limit_pair = next(&mut inner, "limit", at)?;
    let mut before_cond = span(&limit_pair).end;
    let limit = match limit_pair.as_rule() {
        Rule::expr => expr(limit_pair)?,
        _ => amount::core(limit_pair)?,
    };
    let mut scope = CapScope::Award;
    let mut condition = None;
    for part in inner {
        let pat = span(&part);
        match part.as_rule() {
            Rule::cap_scope => {
                before_cond = pat.end;
                scope = cap_scope(&part)?;
            }
            Rule::cap_cond => {
                let mut c = part.into_inner();
                let word = next(&mut c, "`when` or `unless`", pat)?;
                let unless = word.as_rule() == Rule::kw_unless;
                // A `when` on a line of its own reads like the measure's condition: refuse to guess.
                if input.get(before_cond..pat.start).is_some_and(|gap| gap.contains('\n')) {
                    return Err(Box::new(
                        Diagnostic::error(
                            "zhice::syntax::cap-condition-line",
                            words!("`%{word}` on the line after a cap: is it the cap's condition or the measure's?", word = word.as_str()),
                            span(&word))
                        .label(words!("read as the cap's condition"))
                        .related(Span::new(at.start, before_cond), words!("the cap"))
                        .help(words!("for the cap, write the condition on the cap's own line; for the measure, move `when …` above `award`")),
                    ));
                }
                let e = expr(next(&mut c, "condition", pat)?)?;
                condition = Some(CapCondition {
                    unless,
                    expr: e,
                    span: pat,
                });
            }
            _ => return Err(unexpected(&part)),
        }
    }
    Ok(Cap {
        limit,
        scope,
        condition,
        span: at,
    })
}

/// `allow LINT because "reason"`
pub(super) fn allow(p: Pair<Rule>) -> Result<Allow> {
    let at = span(&p);
    let mut it = p.into_inner();
    let lint = spanned_str(&next(&mut it, "lint name", at)?);
    let reason = string(next(&mut it, "reason", at)?)?;
    Ok(Allow { lint, reason, span: at })
}

pub(super) fn pool_decl(p: Pair<Rule>) -> Result<PoolDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let id = ident(next(&mut it, "pool id", at)?);
    let clause = spanned_str(&next(&mut it, "clause reference", at)?);
    let title = string(next(&mut it, "title", at)?)?;
    let mut text = None;
    let mut allows = Vec::new();
    let mut budget = None;
    let mut rule = None;
    for part in it {
        let pat = span(&part);
        match part.as_rule() {
            Rule::text_stmt => text = Some(string(next(&mut part.into_inner(), "text", pat)?)?),
            Rule::allow_stmt => allows.push(allow(part)?),
            Rule::pool_budget => budget = Some(part),
            Rule::pool_rule => rule = Some(part),
            _ => return Err(unexpected(&part)),
        }
    }
    let budget = budget.ok_or_else(|| Box::new(internal("pool without a budget", at.start)))?;
    let bat = span(&budget);
    let mut b = budget.into_inner();
    let amount = expr(next(&mut b, "the pool's amount", bat)?)?;
    let period_pair = next(&mut b, "the pool's period", bat)?;
    let pat = span(&period_pair);
    let which = next(&mut period_pair.into_inner(), "period", pat)?;
    let period = match which.as_rule() {
        Rule::pool_per_year => PoolPeriod::Year,
        Rule::pool_range => {
            let wat = span(&which);
            let mut d = which.into_inner();
            let from = date(next(&mut d, "first day", wat)?)?.node;
            let to = date(next(&mut d, "last day", wat)?)?.node;
            PoolPeriod::Range(from, to)
        }
        _ => return Err(unexpected(&which)),
    };
    let mut members = Vec::new();
    let mut less_paid = false;
    for x in b {
        match x.as_rule() {
            Rule::id_list => members = x.into_inner().map(ident).collect(),
            Rule::less_paid => less_paid = true,
            _ => {}
        }
    }
    let rule = rule.ok_or_else(|| Box::new(internal("pool without a rule", at.start)))?;
    let rat = span(&rule);
    let mut ration = None;
    let mut rounding = None;
    let mut residue = None;
    for x in rule.into_inner() {
        let xat = span(&x);
        match x.as_rule() {
            Rule::kw_when => {}
            Rule::ration => {
                let r = next(&mut x.into_inner(), "rationing", xat)?;
                let kind = match r.as_rule() {
                    Rule::pro_rata => Ration::ProRata,
                    Rule::capped_pro_rata => {
                        Ration::CappedProRata(expr(next(&mut r.into_inner(), "cap per applicant", xat)?)?)
                    }
                    Rule::in_order => {
                        let mut o = r.into_inner();
                        next(&mut o, "`in`", xat)?;
                        let key = ident(next(&mut o, "the field to order by", xat)?);
                        let (descending, words) = direction(&next(&mut o, "the order", xat)?);
                        let then = match o.next() {
                            Some(t) => {
                                let mut t = t.into_inner();
                                next(&mut t, "`then`", xat)?;
                                next(&mut t, "`by`", xat)?;
                                let key = ident(next(&mut t, "the field to order ties by", xat)?);
                                let (descending, words) = direction(&next(&mut t, "the order", xat)?);
                                Some((key, descending, words))
                            }
                            None => None,
                        };
                        Ration::InOrder {
                            key,
                            descending,
                            words,
                            then,
                        }
                    }
                    _ => return Err(unexpected(&r)),
                };
                ration = Some(Spanned::new(kind, xat));
            }
            Rule::share_rounding => {
                let mut r = x.into_inner();
                let unit_pair = next(&mut r, "rounding unit", xat)?;
                let unit = literal::number(unit_pair.as_str()).ok_or_else(|| unexpected(&unit_pair))?;
                let mode = match r.next() {
                    Some(m) => Some(RoundMode::from_keyword(m.as_str()).ok_or_else(|| unexpected(&m))?),
                    None => None,
                };
                rounding = Some((Spanned::new(unit, span(&unit_pair)), mode));
            }
            Rule::residue => {
                let kind = match x.clone().into_inner().next().map(|y| y.as_rule()) {
                    Some(Rule::residue_falls) => Residue::AsItFalls,
                    Some(Rule::residue_largest) => Residue::LargestRemainders,
                    _ => return Err(unexpected(&x)),
                };
                residue = Some(Spanned::new(kind, xat));
            }
            _ => return Err(unexpected(&x)),
        }
    }
    let ration = ration.ok_or_else(|| Box::new(internal("pool without rationing", rat.start)))?;
    Ok(PoolDecl {
        id,
        clause,
        title,
        text,
        allows,
        amount,
        period: Spanned::new(period, pat),
        members,
        less_paid,
        ration,
        rounding,
        residue,
        span: at,
    })
}

/// `per applicant per year` or `per applicant`.
pub(super) fn cap_scope(p: &Pair<Rule>) -> Result<CapScope> {
    match p.clone().into_inner().next().map(|x| x.as_rule()) {
        Some(Rule::per_year) => Ok(CapScope::Year),
        Some(Rule::per_ever) => Ok(CapScope::Ever),
        _ => Err(unexpected(p)),
    }
}

pub(super) fn rule_decl(p: Pair<Rule>) -> Result<RuleDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let id = ident(next(&mut it, "rule id", at)?);
    let clause = spanned_str(&next(&mut it, "clause reference", at)?);
    let title = string(next(&mut it, "title", at)?)?;
    let mut text = None;
    let mut allows = Vec::new();
    let mut body = None;
    for part in it {
        let pat = span(&part);
        let mut inner = part.clone().into_inner();
        match part.as_rule() {
            Rule::text_stmt => text = Some(string(next(&mut inner, "text", pat)?)?),
            Rule::allow_stmt => allows.push(allow(part)?),
            Rule::shared_cap => {
                let limit = expr(next(&mut inner, "limit", pat)?)?;
                let mut scope = CapScope::Award;
                let mut members = Vec::new();
                let mut order = None;
                for x in inner {
                    match x.as_rule() {
                        Rule::cap_scope => scope = cap_scope(&x)?,
                        Rule::id_list => members = x.into_inner().map(ident).collect(),
                        Rule::alloc_order => {
                            let oat = span(&x);
                            let kind = match x.clone().into_inner().nth(1).map(|y| y.as_rule()) {
                                Some(Rule::clause_order) => AllocOrder::Clause,
                                Some(Rule::listed_order) => AllocOrder::Listed,
                                _ => return Err(unexpected(&x)),
                            };
                            order = Some(Spanned::new(kind, oat));
                        }
                        _ => return Err(unexpected(&x)),
                    }
                }
                let order = order.ok_or_else(|| Box::new(internal("shared cap without an order", pat.start)))?;
                body = Some(RuleBody::SharedCap {
                    limit,
                    scope,
                    members,
                    order,
                });
            }
            Rule::highest_only => {
                let list = next(&mut inner, "measures", pat)?;
                body = Some(RuleBody::HighestOnly {
                    members: list.into_inner().map(ident).collect(),
                });
            }
            _ => return Err(unexpected(&part)),
        }
    }
    let body = body.ok_or_else(|| Box::new(internal("rule without a body", at.start)))?;
    Ok(RuleDecl {
        id,
        clause,
        title,
        text,
        allows,
        body,
        span: at,
    })
}

pub(super) fn duplicate<T>(already: bool, what: &str, at: Span, value: T) -> Result<T> {
    if already {
        return Err(Box::new(
            Diagnostic::error(
                "zhice::syntax::duplicate-statement",
                words!("a measure has one `%{what}` statement", what = what),
                at,
            )
            .label(words!("second `%{what}`", what = what))
            .help(match what {
                "award" => words!("combine alternatives with `the highest of { … }` or `the sum of { … }`"),
                _ => words!("merge the two into one"),
            }),
        ));
    }
    Ok(value)
}

pub(super) fn benefit(p: Pair<Rule>) -> Result<Benefit> {
    let at = span(&p);
    let mut it = p.into_inner();
    let id = ident(next(&mut it, "benefit id", at)?);
    let clause = spanned_str(&next(&mut it, "clause reference", at)?);
    let title = string(next(&mut it, "title", at)?)?;
    let mut b = Benefit {
        id,
        clause,
        title,
        text: None,
        conditions: Vec::new(),
        span: at,
    };
    for stmt in it {
        let sat = span(&stmt);
        let mut inner = stmt.clone().into_inner();
        match stmt.as_rule() {
            Rule::text_stmt => b.text = Some(string(next(&mut inner, "text", sat)?)?),
            Rule::when_stmt => {
                next(&mut inner, "`when`", sat)?;
                b.conditions.push(expr(next(&mut inner, "condition", sat)?)?);
            }
            _ => return Err(unexpected(&stmt)),
        }
    }
    Ok(b)
}

pub(super) fn clause_decl(p: Pair<Rule>) -> Result<Clause> {
    let at = span(&p);
    let mut it = p.into_inner();
    let id = ident(next(&mut it, "clause id", at)?);
    let clause = spanned_str(&next(&mut it, "clause reference", at)?);
    let title = string(next(&mut it, "title", at)?)?;
    let mut text = None;
    for stmt in it {
        let sat = span(&stmt);
        text = Some(string(next(&mut stmt.into_inner(), "text", sat)?)?);
    }
    Ok(Clause {
        id,
        clause,
        title,
        text,
        span: at,
    })
}

/// `earliest first` and the like: (descending, the words as written).
fn direction(dir: &Pair<Rule>) -> (bool, &'static str) {
    match dir.as_str().split_whitespace().next().unwrap_or("") {
        "latest" => (true, "latest first"),
        "highest" => (true, "highest first"),
        "lowest" => (false, "lowest first"),
        _ => (false, "earliest first"),
    }
}
