//! zhice (智策): a rules-as-code language for public subsidy policy.
//!
//! The pipeline, one module per stage:
//! `syntax` (text → AST) → `check` (names, types, units, tiers, precedence,
//! the order of evaluation) → `compile` (checked policy → program) → `case`
//! (case JSON → slots) → `eval` (exact evaluation of cases, with an optional
//! trace) → `report` (results and diagnostics rendered for people and programs).
//! Below them all: `span`, `date`, `value`, `json`, `number`, `lang` and `diagnostic`.
//!
//! Beside the pipeline: `format` lays a file out canonically, `diff` compares
//! two checked policies and their results, `load` runs the front of the
//! pipeline for a file, and `cli` is the only code that prints.

#![forbid(unsafe_code)]

// Every message's Chinese, looked up by its English text: see `lang`.
rust_i18n::i18n!("locales", fallback = "en");

/// A message from the catalogue, in the language of the moment
/// (`lang::current`): the language a request, a client or the command line
/// asked for on this thread, else the process's. Written like rust-i18n's
/// `t!`: the English text is the key, `%{name}` placeholders take `name = value`.
/// Defined before every module, it is in scope in all of them: no import.
macro_rules! t {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        rust_i18n::t!($key, locale = $crate::lang::current().code() $(, $name = $value)*)
    };
}

pub mod date;
pub mod diagnostic;
pub mod json;
pub mod lang;
pub mod number;
pub mod span;
pub mod value;

pub mod syntax;

pub mod check;

pub mod compile;

pub mod case;

pub mod eval;

pub mod report;

pub mod batch;
pub mod book;
pub mod bounds;
pub mod diff;
pub mod format;
pub mod load;
pub mod pool;
pub mod run;
pub mod sample;
pub mod testing;

pub mod lsp;
pub mod serve;

pub mod cli;
