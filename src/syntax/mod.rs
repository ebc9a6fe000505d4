//! Text → AST. This is the only module that sees pest: its `Pair`s and `Rule`s
//! never leave it. Parsing never panics; a broken file yields diagnostics,
//! several at once when the parser can resynchronise at the next item.

pub mod ast;
mod errors;
mod slips;
pub use errors::{expected_phrases, KEYWORDS};
pub mod literal;
mod lower;
pub mod overlay;
pub mod scan;

use crate::diagnostic::Diagnostic;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// What a file is expected to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// a `.policy` file
    Policy,
    /// a `.tests` file: only `test` blocks
    Tests,
}

/// Parses a policy (or tests) file. Returns the AST, or every syntax error found.
pub fn parse(source: &str, kind: FileKind) -> Result<ast::File, Vec<Diagnostic>> {
    let long = errors::long_words(source);
    if !long.is_empty() {
        return Err(long);
    }
    let rule = match kind {
        FileKind::Policy => Rule::file,
        FileKind::Tests => Rule::test_file,
    };
    match PolicyParser::parse(rule, source) {
        Ok(mut pairs) => match pairs.next() {
            Some(file) => lower::file(file),
            None => Err(vec![errors::internal("the parser returned nothing", 0)]),
        },
        Err(first) => Err(errors::collect(source, rule, first)),
    }
}

/// Parses one literal, as `--set NAME=VALUE` gives it: `60万元`, `25%`, `3`, `true`.
pub fn parse_value(text: &str) -> Result<ast::Literal, String> {
    let mut pairs = PolicyParser::parse(Rule::value_only, text.trim())
        .map_err(|_| t!("`%{text}` is not a value: write money with a unit (60万元), a rate with % (25%), a number, a date or true/false", text = text).into_owned())?;
    let signed = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .ok_or_else(|| t!("`%{text}` is not a value", text = text).into_owned())?;
    lower::signed_value(signed).map_err(|d| d.message.text())
}

/// Parses once more from each later item after a syntax error, so that one
/// run reports the errors of several items.
fn reparse_from(source: &str, offset: usize, rule: Rule) -> Result<(), pest::error::Error<Rule>> {
    PolicyParser::parse(rule, &source[offset..]).map(|_| ())
}
