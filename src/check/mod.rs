//! AST → checked policy. Resolves every name, types every expression (money,
//! rates and counts are distinct units), proves tier tables complete and
//! non-overlapping and alternatives unambiguous, and lints what is suspicious.
//! All problems are collected, so one run reports them all.

mod amount;
mod decl;
mod expr;
mod lints;
pub mod model;
mod overlap;
pub mod overrides;
mod tests;

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;
use model::*;

/// The outcome of checking: the policy when it has no errors, and every diagnostic.
pub struct Checked {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
    /// problems in the tests of the sibling `.tests` file, whose spans point there
    pub test_file_diagnostics: Vec<Diagnostic>,
}

/// Names the engine gives every case; a policy may not declare them.
pub const BUILTIN_FIELDS: [&str; 3] = ["id", "year", "prior_awards"];

/// Checks a parsed policy. `extra_tests` come from a sibling `.tests` file.
pub fn check(file: &ast::File, extra_tests: &[ast::TestBlock]) -> Checked {
    let mut cx = Checker::default();
    let header = cx.header(file);
    cx.declare_types(file);
    cx.declare_inputs(file);
    cx.declare_params(file);
    cx.declare_ids(file);
    let measures: Vec<Measure> = file.measures.iter().filter_map(|m| cx.measure(m)).collect();
    let benefits: Vec<Benefit> = file.benefits.iter().map(|b| cx.benefit(b)).collect();
    let clauses = file
        .clauses
        .iter()
        .map(|c| ClauseInfo {
            id: c.id.node.clone(),
            clause: c.clause.node.clone(),
            title: c.title.node.clone(),
            text: c.text.as_ref().map(|t| t.node.clone()),
        })
        .collect();
    let mut tests: Vec<TestCase> = file.tests.iter().filter_map(|t| cx.test(t, &measures)).collect();
    // Unused-name lints only make sense once every name resolved.
    if !cx.diagnostics.iter().any(Diagnostic::is_error) {
        cx.lint_unused(file);
    }
    let mut diagnostics = std::mem::take(&mut cx.diagnostics);
    tests.extend(extra_tests.iter().filter_map(|t| cx.test(t, &measures)));
    let test_file_diagnostics = std::mem::take(&mut cx.diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    let any_error = diagnostics
        .iter()
        .chain(&test_file_diagnostics)
        .any(Diagnostic::is_error);
    let policy = match header {
        Some(header) if !any_error => Some(Policy {
            header,
            enums: cx.enums,
            records: cx.records,
            inputs: cx.inputs,
            params: cx.params,
            measures,
            benefits,
            clauses,
            tests,
        }),
        _ => None,
    };
    if let Some(p) = &policy {
        diagnostics.extend(lints::conditions(p));
        diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    }
    Checked {
        policy,
        diagnostics,
        test_file_diagnostics,
    }
}

/// What the checker knows while it works: declarations so far and problems found.
#[derive(Default)]
struct Checker {
    enums: Vec<EnumDef>,
    records: Vec<RecordDef>,
    inputs: Vec<FieldDef>,
    params: Vec<ParamDef>,
    used_inputs: Vec<bool>,
    used_params: Vec<bool>,
    /// measure, benefit and clause ids, for duplicates and test expectations
    item_ids: Vec<(String, Span)>,
    /// `each` variables in scope: name, type, local slot
    scope: Vec<(String, Ty, usize)>,
    n_locals: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn type_name(&self, ty: &Ty) -> String {
        model::type_name(&self.enums, &self.records, ty)
    }

    fn header(&mut self, file: &ast::File) -> Option<Header> {
        let Some(h) = &file.header else {
            self.error(
                Diagnostic::error("zhice::check::no-header", "the policy has no header", Span::new(0, 0))
                    .label("expected `policy \"…\" { … }` here")
                    .help("start the file with `policy \"标题\" { version \"…\" effective 2025-01-01 currency CNY rounding 0.01 half-away-from-zero after each rate }`"),
            );
            return None;
        };
        if h.rounding.is_none() {
            self.error(
                Diagnostic::warning("zhice::check::no-rounding", "the policy states no rounding rule", h.title.span)
                    .label("no `rounding` in this header")
                    .help("amounts from rates keep every decimal; add e.g. `rounding 0.01 half-away-from-zero after each rate`"),
            );
        }
        let rounding = h.rounding.as_ref().map(|r| {
            if r.unit.node <= rust_decimal::Decimal::ZERO {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-unit",
                        "the rounding unit must be above 0",
                        r.unit.span,
                    )
                    .label("not a positive unit")
                    .help("round to a unit such as 0.01 (分) or 1 (元)"),
                );
            } else if !r.after_rate && !r.on_award {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-place",
                        "the rounding rule says nowhere to apply",
                        r.span,
                    )
                    .label("rounding unused")
                    .help("add `after each rate`, `on each award`, or both"),
                );
            } else if !is_power_of_ten(r.unit.node) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-unit",
                        "the rounding unit must be a power of ten",
                        r.unit.span,
                    )
                    .label("e.g. 0.01 or 1")
                    .help("round to 0.01 for 分, 1 for 元, 10000 for 万元"),
                );
            }
            Rounding {
                unit: r.unit.node.normalize(),
                mode: r.mode,
                after_rate: r.after_rate,
                on_award: r.on_award,
            }
        });
        Some(Header {
            title: h.title.node.clone(),
            version: h.version.as_ref().map(|v| v.node.clone()),
            effective: h.effective.as_ref().map(|d| d.node),
            currency: h.currency.as_ref().map(|c| c.node.clone()),
            rounding,
        })
    }
}

fn is_power_of_ten(d: rust_decimal::Decimal) -> bool {
    let s = d.normalize().to_string();
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.trim_start_matches('0').trim_end_matches('0') == "1"
}
