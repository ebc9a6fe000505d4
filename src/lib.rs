//! zhice (智策): a rules-as-code language for public subsidy policy.
//!
//! Read top-down, the modules tell the story (docs/architecture.md has the
//! layers, which `tests/architecture.rs` holds the code to):
//! the language (`syntax` → `check` → `compile`, and `format`); running cases
//! (`case`, `eval`, `pool`, `run`, and `batch` for populations); analyses
//! (`bounds`, `sample`, `diff`, `testing`); the grant registry (`grants`); presentation (`report`, its
//! document model and renderers, and `book`); and the surfaces (`cli`, `lsp`,
//! `serve`). Beneath them all: `span`, `date`, `json`, `number`, `lang`,
//! `value` and `diagnostic`. `load` runs the front of the pipeline for a file.

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

/// A message kept as data (`lang::Words`): the key and arguments of `t!`,
/// worded only when shown — a case error is worded in the language of
/// whoever reads the result line, not of the thread that decoded the case.
macro_rules! words {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::Words::new($key, vec![$((stringify!($name), $crate::lang::Arg::into_words(&$value))),*])
    };
}

// Beneath everything: places in a file, days, JSON text, numbers as people
// read them, the language of the moment, run-time values, problems as data.
pub mod currency;
pub mod date;
pub mod diagnostic;
pub mod json;
pub mod lang;
pub mod number;
pub mod span;
pub mod value;
pub mod whole;

// The language: text → AST → checked policy → program; and its canonical layout.
pub mod check;
pub mod compile;
pub mod format;
pub mod syntax;

// Running cases: decoded, evaluated, pools settled — one case, a round, a population.
pub mod batch;
pub mod case;
pub mod eval;
pub mod pool;
pub mod run;

// The grant registry: what earlier rounds paid, kept in a database.
pub mod grants;

// Analyses: the worst case, synthetic cases, two versions compared, drafters' tests.
pub mod bounds;
pub mod diff;
pub mod sample;
pub mod testing;

// Presentation: results, JSON documents, the document model and its renderers; the book.
pub mod book;
pub mod report;

// Surfaces: the command line, the language server, the HTTP service; `load` for files.
pub mod cli;
pub mod load;
pub mod lsp;
pub mod serve;
