//! Text → AST. This is the only module that sees pest: its `Pair`s and `Rule`s
//! never leave it. Parsing never panics; a broken file yields diagnostics,
//! several at once when the parser can resynchronise at the next item.

pub mod ast;
mod errors;
pub mod literal;
mod lower;

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

/// Parses once more from each later item after a syntax error, so that one
/// run reports the errors of several items.
fn reparse_from(source: &str, offset: usize, rule: Rule) -> Result<(), pest::error::Error<Rule>> {
    PolicyParser::parse(rule, &source[offset..]).map(|_| ())
}
