//! zhice (智策): a rules-as-code language for public subsidy policy.
//!
//! The pipeline, one module per stage:
//! `syntax` (text → AST) → `check` (names, types, units, tiers, precedence)
//! → `compile` (checked policy → evaluation tree with slots) → `eval`
//! (exact evaluation of cases, with an optional trace) → `report` (results and
//! diagnostics rendered for people and programs). `cli` is the only code that prints.

pub mod check;
pub mod cli;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod load;
pub mod report;
pub mod span;
pub mod syntax;
