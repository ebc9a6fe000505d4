//! pest pairs → AST. Every unexpected shape goes through `errors::internal`,
//! so a grammar/lowering mismatch is a reported bug, never a panic.

use super::ast::*;
use super::errors::internal;
use super::literal;
use super::Rule;

mod amount;
mod decls;
mod expr;
mod items;
mod tests;

use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};
use amount::amount;
use decls::*;
use expr::expr;
use items::*;
use pest::iterators::{Pair, Pairs};
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
                words!("nested more than %{MAX_NESTING} levels deep", MAX_NESTING = MAX_NESTING),
                at,
            )
            .label(words!("too deeply nested"))
            .help(words!(
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
    use super::scan::Piece;
    let mut end = 0;
    for piece in super::scan::pieces(text) {
        match piece {
            Piece::Code(_, c) if c.is_whitespace() || c == '\u{FEFF}' => {}
            Piece::Code(i, c) => end = i + c.len_utf8(),
            // an unclosed string is not a token that ends
            Piece::Text {
                end: e, closed: true, ..
            } => end = e,
            Piece::Text { .. } | Piece::Comment { .. } => {}
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
                if out.header.is_some() && h.amends.is_some() && out.overlay_header.is_none() {
                    // an overlay read after its base: `syntax::overlay` merges the two
                    out.overlay_header = Some(h);
                } else if out.header.is_some() {
                    errors.push(
                        Diagnostic::error(
                            "zhice::syntax::duplicate-header",
                            words!("a second `policy` header"),
                            at,
                        )
                        .label(words!("second header"))
                        .help(words!("a file has one `policy { … }` header; merge the two")),
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
            Diagnostic::error(
                "zhice::syntax::date",
                words!("`%{p}` is not a date", p = p.as_str()),
                at,
            )
            .label(words!("no such day"))
            .help(words!("write dates as YYYY-MM-DD, e.g. 2025-01-01")),
        )
    })
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
        Literal::Money(d, c) => Literal::Money(-d, c),
        Literal::Rate(d) => Literal::Rate(-d),
        Literal::Number(d) => Literal::Number(-d),
        _ => {
            return Err(Box::new(
                Diagnostic::error("zhice::syntax::negative", words!("only numbers can be negative"), at)
                    .label(words!("cannot be negated")),
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
            let first = next(&mut it, "number", at)?;
            let second = next(&mut it, "unit", at)?;
            match (first.as_rule(), second.as_rule()) {
                (Rule::money_sign, _) => Literal::Money(
                    literal::number(second.as_str()).ok_or_else(|| bad_number(&p))?,
                    crate::currency::Currency::from_sign(first.as_str()).ok_or_else(|| unexpected(&first))?,
                ),
                (_, Rule::money_code) => Literal::Money(
                    literal::number(first.as_str()).ok_or_else(|| bad_number(&p))?,
                    crate::currency::Currency::from_code(second.as_str()).ok_or_else(|| unexpected(&second))?,
                ),
                _ => Literal::Money(
                    literal::money(first.as_str(), second.as_str()).ok_or_else(|| bad_number(&p))?,
                    crate::currency::Currency::CNY,
                ),
            }
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
