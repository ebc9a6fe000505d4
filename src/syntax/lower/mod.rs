//! pest pairs → AST. Every unexpected shape goes through `errors::internal`,
//! so a grammar/lowering mismatch is a reported bug, never a panic.

use super::ast::*;
use super::errors::internal;
use super::literal;
use super::Rule;

mod amount;
mod expr;
mod tests;

use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};
use amount::amount;
use expr::expr;
use pest::iterators::{Pair, Pairs};
use rust_i18n::t;
use std::cell::Cell;
use tests::test_block;

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// How deeply amounts, expressions and test data may nest. Later stages walk
/// the tree recursively; this bound keeps every one of them far from the stack's end.
pub const MAX_NESTING: usize = 64;
/// How many operands and operators one flat expression may hold (`a + b + …`).
pub const MAX_EXPRESSION_PARTS: usize = 512;

thread_local! {
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of nesting while it lives.
pub(super) struct Nesting;

impl Drop for Nesting {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

pub(super) fn nest(at: Span) -> Result<Nesting> {
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    let guard = Nesting;
    if depth > MAX_NESTING {
        return Err(Box::new(
            Diagnostic::error(
                "zhice::syntax::too-deep",
                t!("nested more than %{MAX_NESTING} levels deep", MAX_NESTING = MAX_NESTING),
                at,
            )
            .label(t!("too deeply nested"))
            .help(t!(
                "name the inner parts with `param`, or split the measure; real clauses never nest this deep"
            )),
        ));
    }
    Ok(guard)
}

/// The pair's span without the whitespace and comments pest lets a rule end
/// with (a rule ending in `x*` keeps the skipped trivia before the empty match).
pub(super) fn span(p: &Pair<Rule>) -> Span {
    let start = p.as_span().start();
    Span::new(start, start + content_len(p.as_str()))
}

/// The length of `text` up to the end of its last token, skipping strings'
/// contents so that a `#` inside a string is not taken for a comment.
fn content_len(text: &str) -> usize {
    let mut end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '"' => {
                while let Some((j, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        end = j + 1;
                        break;
                    }
                }
            }
            c if c.is_whitespace() || c == '\u{FEFF}' => {}
            c => end = i + c.len_utf8(),
        }
    }
    end
}

pub(super) fn spanned_str(p: &Pair<Rule>) -> Spanned<String> {
    Spanned::new(p.as_str().to_string(), span(p))
}

/// The next inner pair, or an internal error naming what was expected.
pub(super) fn next<'a>(it: &mut Pairs<'a, Rule>, what: &str, at: Span) -> Result<Pair<'a, Rule>> {
    it.next()
        .ok_or_else(|| Box::new(internal(&format!("missing {what}"), at.start)))
}

pub(super) fn unexpected(p: &Pair<Rule>) -> Box<Diagnostic> {
    Box::new(internal(&format!("unexpected {:?}", p.as_rule()), p.as_span().start()))
}

pub(super) fn file(pair: Pair<Rule>) -> std::result::Result<File, Vec<Diagnostic>> {
    let mut out = File::default();
    let mut errors = Vec::new();
    for item in pair.into_inner() {
        let at = span(&item);
        let res = match item.as_rule() {
            Rule::header => header(item).map(|h| {
                if out.header.is_some() {
                    errors.push(
                        Diagnostic::error("zhice::syntax::duplicate-header", t!("a second `policy` header"), at)
                            .label(t!("second header"))
                            .help(t!("a file has one `policy { … }` header; merge the two")),
                    );
                } else {
                    out.header = Some(h);
                }
            }),
            Rule::enum_decl => enum_decl(item).map(|d| out.enums.push(d)),
            Rule::record_decl => record_decl(item).map(|d| out.records.push(d)),
            Rule::input_decl => input_decl(item).map(|d| out.inputs.push(d)),
            Rule::param_decl => param_decl(item).map(|d| out.params.push(d)),
            Rule::value_decl => value_decl(item).map(|d| out.values.push(d)),
            Rule::measure => measure(item).map(|d| out.measures.push(d)),
            Rule::rule_decl => rule_decl(item).map(|d| out.rules.push(d)),
            Rule::pool_decl => pool_decl(item).map(|d| out.pools.push(d)),
            Rule::benefit => benefit(item).map(|d| out.benefits.push(d)),
            Rule::clause_decl => clause_decl(item).map(|d| out.clauses.push(d)),
            Rule::test_block => test_block(item).map(|d| out.tests.push(d)),
            Rule::EOI => Ok(()),
            _ => Err(unexpected(&item)),
        };
        if let Err(e) = res {
            errors.push(*e);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub(super) fn string(p: Pair<Rule>) -> Result<Spanned<String>> {
    let at = span(&p);
    let body = next(&mut p.into_inner(), "string body", at)?;
    Ok(Spanned::new(literal::unescape(body.as_str()), at))
}

pub(super) fn ident(p: Pair<Rule>) -> Ident {
    spanned_str(&p)
}

pub(super) fn date(p: Pair<Rule>) -> Result<Spanned<Date>> {
    let at = span(&p);
    literal::date(p.as_str()).map(|d| Spanned::new(d, at)).ok_or_else(|| {
        Box::new(
            Diagnostic::error("zhice::syntax::date", t!("`%{p}` is not a date", p = p.as_str()), at)
                .label(t!("no such day"))
                .help(t!("write dates as YYYY-MM-DD, e.g. 2025-01-01")),
        )
    })
}

fn header(p: Pair<Rule>) -> Result<Header> {
    let at = span(&p);
    let mut it = p.into_inner();
    next(&mut it, "`policy`", at)?;
    let title = string(next(&mut it, "title", at)?)?;
    let mut h = Header {
        title,
        version: None,
        effective: None,
        in_force: None,
        currency: None,
        rounding: None,
        span: at,
    };
    for field in it {
        let fat = span(&field);
        let mut inner = field.clone().into_inner();
        match field.as_rule() {
            Rule::h_version => h.version = Some(string(next(&mut inner, "version", fat)?)?),
            Rule::h_effective => h.effective = Some(date(next(&mut inner, "date", fat)?)?),
            Rule::h_in_force => {
                next(&mut inner, "`in`", fat)?;
                let from = date(next(&mut inner, "first day", fat)?)?;
                let to = date(next(&mut inner, "last day", fat)?)?;
                h.in_force = Some(InForce { from, to, span: fat });
            }
            Rule::h_currency => h.currency = Some(ident(next(&mut inner, "currency", fat)?)),
            Rule::h_rounding => h.rounding = Some(rounding(field)?),
            _ => return Err(unexpected(&field)),
        }
    }
    Ok(h)
}

fn rounding(p: Pair<Rule>) -> Result<Rounding> {
    let at = span(&p);
    let mut it = p.into_inner();
    let unit_pair = next(&mut it, "rounding unit", at)?;
    let unit = literal::number(unit_pair.as_str()).ok_or_else(|| bad_number(&unit_pair))?;
    let mode_pair = next(&mut it, "rounding mode", at)?;
    let mode = RoundMode::from_keyword(mode_pair.as_str()).ok_or_else(|| unexpected(&mode_pair))?;
    let mut r = Rounding {
        unit: Spanned::new(unit, span(&unit_pair)),
        mode,
        after_rate: false,
        on_award: false,
        span: at,
    };
    for place in it {
        let inner = next(&mut place.clone().into_inner(), "rounding place", at)?;
        match inner.as_rule() {
            Rule::after_rate => r.after_rate = true,
            Rule::on_award => r.on_award = true,
            _ => return Err(unexpected(&inner)),
        }
    }
    Ok(r)
}

fn bad_number(p: &Pair<Rule>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "zhice::syntax::number",
            t!("`%{p}` is beyond the range of exact decimals", p = p.as_str()),
            span(p),
        )
        .label(t!("too large"))
        .help(t!("amounts must stay below about 7.9 × 10²⁸")),
    )
}

fn opt_label(it: &mut Pairs<Rule>) -> Result<Option<String>> {
    match it.peek() {
        Some(p) if p.as_rule() == Rule::string => {
            it.next();
            Ok(Some(string(p)?.node))
        }
        _ => Ok(None),
    }
}

fn enum_decl(p: Pair<Rule>) -> Result<EnumDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "enum name", at)?);
    let label = opt_label(&mut it)?;
    let mut values = Vec::new();
    for v in it {
        let vat = span(&v);
        let mut inner = v.into_inner();
        let vname = ident(next(&mut inner, "enum value", vat)?);
        values.push((vname, opt_label(&mut inner)?));
    }
    Ok(EnumDecl {
        name,
        label,
        values,
        span: at,
    })
}

fn record_decl(p: Pair<Rule>) -> Result<RecordDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "record name", at)?);
    let label = opt_label(&mut it)?;
    let mut fields = Vec::new();
    for f in it {
        let fat = span(&f);
        let mut inner = f.into_inner();
        let fname = ident(next(&mut inner, "field name", fat)?);
        let ty = type_expr(next(&mut inner, "field type", fat)?)?;
        fields.push(FieldDecl {
            name: fname,
            ty,
            label: opt_label(&mut inner)?,
        });
    }
    Ok(RecordDecl {
        name,
        label,
        fields,
        span: at,
    })
}

fn input_decl(p: Pair<Rule>) -> Result<InputDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "input name", at)?);
    let ty = type_expr(next(&mut it, "input type", at)?)?;
    Ok(InputDecl {
        name,
        ty,
        label: opt_label(&mut it)?,
        span: at,
    })
}

fn type_expr(p: Pair<Rule>) -> Result<TypeExpr> {
    let at = span(&p);
    let mut optional = false;
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::optional => optional = true,
            Rule::list_type => {
                let lat = span(&part);
                let name = ident(next(&mut part.into_inner(), "element type", lat)?);
                return Ok(TypeExpr {
                    optional,
                    list: true,
                    name,
                    bound: None,
                    span: at,
                });
            }
            Rule::plain_type => {
                let pat = span(&part);
                let mut inner = part.into_inner();
                let name = ident(next(&mut inner, "type name", pat)?);
                let bound = inner.next().map(bound).transpose()?;
                return Ok(TypeExpr {
                    optional,
                    list: false,
                    name,
                    bound,
                    span: at,
                });
            }
            _ => return Err(unexpected(&part)),
        }
    }
    Err(Box::new(internal("empty type", at.start)))
}

fn bound(p: Pair<Rule>) -> Result<Bound> {
    let at = span(&p);
    let inner = next(&mut p.into_inner(), "bound", at)?;
    let iat = span(&inner);
    let mut it = inner.clone().into_inner();
    match inner.as_rule() {
        Rule::range_bound => {
            let lo = signed(next(&mut it, "lower bound", iat)?)?;
            let hi = signed(next(&mut it, "upper bound", iat)?)?;
            Ok(Bound {
                min: Some(lo),
                max: Some(hi),
                span: at,
            })
        }
        Rule::min_bound => {
            let lo = signed(next(&mut it, "lower bound", iat)?)?;
            Ok(Bound {
                min: Some(lo),
                max: None,
                span: at,
            })
        }
        _ => Err(unexpected(&inner)),
    }
}

/// A literal given outside a file (`--set`).
pub(super) fn signed_value(p: Pair<Rule>) -> Result<Literal> {
    signed(p).map(|s| s.node)
}

/// `-`? literal
pub(super) fn signed(p: Pair<Rule>) -> Result<Spanned<Literal>> {
    let at = span(&p);
    let negative = p.as_str().trim_start().starts_with('-');
    let lit = literal_pair(next(&mut p.into_inner(), "literal", at)?)?;
    if !negative {
        return Ok(lit);
    }
    let node = match lit.node {
        Literal::Money(d) => Literal::Money(-d),
        Literal::Rate(d) => Literal::Rate(-d),
        Literal::Number(d) => Literal::Number(-d),
        _ => {
            return Err(Box::new(
                Diagnostic::error("zhice::syntax::negative", t!("only numbers can be negative"), at)
                    .label(t!("cannot be negated")),
            ))
        }
    };
    Ok(Spanned::new(node, at))
}

pub(super) fn literal_pair(p: Pair<Rule>) -> Result<Spanned<Literal>> {
    let at = span(&p);
    let lit = match p.as_rule() {
        Rule::money => {
            let mut it = p.clone().into_inner();
            let n = next(&mut it, "number", at)?;
            let unit = next(&mut it, "unit", at)?;
            Literal::Money(literal::money(n.as_str(), unit.as_str()).ok_or_else(|| bad_number(&p))?)
        }
        Rule::percent => {
            let n = next(&mut p.clone().into_inner(), "number", at)?;
            Literal::Rate(literal::percent(n.as_str()).ok_or_else(|| bad_number(&p))?)
        }
        Rule::number => Literal::Number(literal::number(p.as_str()).ok_or_else(|| bad_number(&p))?),
        Rule::date => Literal::Date(date(p)?.node),
        Rule::kw_true => Literal::Bool(true),
        Rule::kw_false => Literal::Bool(false),
        Rule::string => Literal::Text(string(p)?.node),
        _ => return Err(unexpected(&p)),
    };
    Ok(Spanned::new(lit, at))
}

fn param_decl(p: Pair<Rule>) -> Result<ParamDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "parameter name", at)?);
    let label = opt_label(&mut it)?;
    let value = literal_pair(next(&mut it, "parameter value", at)?)?;
    let mut dated = Vec::new();
    for dv in it {
        let dat = span(&dv);
        let mut inner = dv.into_inner();
        let from = date(next(&mut inner, "date", dat)?)?;
        let v = literal_pair(next(&mut inner, "value", dat)?)?;
        dated.push((from, v));
    }
    Ok(ParamDecl {
        name,
        label,
        value,
        dated,
        span: at,
    })
}

fn value_decl(p: Pair<Rule>) -> Result<ValueDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "value name", at)?);
    let label = opt_label(&mut it)?;
    let value = amount(next(&mut it, "the value's formula", at)?)?;
    Ok(ValueDecl {
        name,
        label,
        value,
        span: at,
    })
}

fn measure(p: Pair<Rule>) -> Result<Measure> {
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
fn condition_after_award(at: Span, award: Span) -> Diagnostic {
    Diagnostic::error(
        "zhice::syntax::condition-after-award",
        t!("a condition after the award: is it the measure's or a cap's?"),
        at)
    .label(t!("`when` after the rule"))
    .related(award, t!("the rule starts here"))
    .help(t!("write the measure's conditions above `award`; a condition of a cap goes on the cap's own line: `at most … per applicant per year when …`"))
}

/// `at most LIMIT [per applicant [per year]] [when|unless CONDITION]`
fn cap(p: Pair<Rule>) -> Result<Cap> {
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
                            t!("`%{word}` on the line after a cap: is it the cap's condition or the measure's?", word = word.as_str()),
                            span(&word))
                        .label(t!("read as the cap's condition"))
                        .related(Span::new(at.start, before_cond), t!("the cap"))
                        .help(t!("for the cap, write the condition on the cap's own line; for the measure, move `when …` above `award`")),
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
fn allow(p: Pair<Rule>) -> Result<Allow> {
    let at = span(&p);
    let mut it = p.into_inner();
    let lint = spanned_str(&next(&mut it, "lint name", at)?);
    let reason = string(next(&mut it, "reason", at)?)?;
    Ok(Allow { lint, reason, span: at })
}

fn pool_decl(p: Pair<Rule>) -> Result<PoolDecl> {
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
    for x in b {
        if x.as_rule() == Rule::id_list {
            members = x.into_inner().map(ident).collect();
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
                        let dir = next(&mut o, "the order", xat)?;
                        let words = dir.as_str().split_whitespace().next().unwrap_or("");
                        let (descending, words) = match words {
                            "latest" => (true, "latest first"),
                            "highest" => (true, "highest first"),
                            "lowest" => (false, "lowest first"),
                            _ => (false, "earliest first"),
                        };
                        Ration::InOrder { key, descending, words }
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
        ration,
        rounding,
        residue,
        span: at,
    })
}

/// `per applicant per year` or `per applicant`.
fn cap_scope(p: &Pair<Rule>) -> Result<CapScope> {
    match p.clone().into_inner().next().map(|x| x.as_rule()) {
        Some(Rule::per_year) => Ok(CapScope::Year),
        Some(Rule::per_ever) => Ok(CapScope::Ever),
        _ => Err(unexpected(p)),
    }
}

fn rule_decl(p: Pair<Rule>) -> Result<RuleDecl> {
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

fn duplicate<T>(already: bool, what: &str, at: Span, value: T) -> Result<T> {
    if already {
        return Err(Box::new(
            Diagnostic::error(
                "zhice::syntax::duplicate-statement",
                t!("a measure has one `%{what}` statement", what = what),
                at,
            )
            .label(t!("second `%{what}`", what = what))
            .help(match what {
                "award" => t!("combine alternatives with `the highest of { … }` or `the sum of { … }`"),
                _ => t!("merge the two into one"),
            }),
        ));
    }
    Ok(value)
}

fn benefit(p: Pair<Rule>) -> Result<Benefit> {
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

fn clause_decl(p: Pair<Rule>) -> Result<Clause> {
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
