//! AST → checked policy. Resolves every name, types every expression (money,
//! rates, numbers and counts are distinct units), proves tier tables complete
//! and non-overlapping, alternatives unambiguous and bands contiguous, orders
//! values, measures and rules so that each is computed before it is read, and
//! lints what is suspicious. All problems are collected, so one run reports
//! them all.

mod agreement;
mod bands;
mod copies;
mod decl;
mod expr;
mod forms;
mod lints;
mod measure;
pub use agreement::TEXT_AGREEMENT;
pub use measure::clause_key;
pub mod model;
pub mod names;
mod overlap;
pub mod overrides;
mod plan;
mod pool;
mod resolve;
mod show;
mod tests;
mod tiers;

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
    /// every declaration and resolved use of a name, for editors
    pub names: Vec<names::NameUse>,
}

/// Names the engine gives every case; a policy may not declare them (but for
/// `input date: date`, which makes the date required).
pub const BUILTIN_FIELDS: [&str; 4] = ["id", "year", "date", "prior_awards"];

/// Checks a parsed policy. `extra_tests` come from a sibling `.tests` file.
pub fn check(file: &ast::File, extra_tests: &[ast::TestBlock]) -> Checked {
    let mut cx = Checker::new(file);
    let header = cx.header(file);
    cx.declare_types(file);
    cx.declare_inputs(file);
    cx.declare_params(file);
    cx.declare_ids(file);
    cx.declare_values(file);
    for i in 0..file.values.len() {
        cx.value(i);
    }
    let measures: Vec<Option<Measure>> = file.measures.iter().map(|m| cx.measure(m)).collect();
    let rules: Vec<Option<RuleDef>> = file.rules.iter().map(|r| cx.rule(r)).collect();
    let pools: Vec<Option<PoolDef>> = file
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| cx.pool(p, &file.pools[..i]))
        .collect();
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
    let measure_ids: Vec<String> = file.measures.iter().map(|m| m.id.node.clone()).collect();
    let mut tests: Vec<TestCase> = file.tests.iter().filter_map(|t| cx.test(t, &measure_ids)).collect();
    let values: Vec<Option<ValueDef>> = std::mem::take(&mut cx.checked_values);
    let complete = measures.iter().all(Option::is_some)
        && rules.iter().all(Option::is_some)
        && pools.iter().all(Option::is_some)
        && values.iter().all(Option::is_some)
        && !cx.diagnostics.iter().any(Diagnostic::is_error);
    // Reads of pooled awards are wrong whatever else is, so they are reported with the rest.
    let ps: Vec<PoolDef> = pools.iter().flatten().cloned().collect();
    let mut reads: Vec<(&str, &Expr)> = Vec::new();
    for v in values.iter().flatten() {
        reads.push((&v.name, &v.expr));
    }
    for m in measures.iter().flatten() {
        reads.extend(m.exprs().map(|e| (m.id.as_str(), e)));
    }
    for r in rules.iter().flatten() {
        reads.extend(r.exprs().map(|e| (r.id.as_str(), e)));
    }
    cx.pooled_reads(&ps, reads);
    let mut plan = Vec::new();
    if complete {
        let ms: Vec<&Measure> = measures.iter().flatten().collect();
        let rs: Vec<&RuleDef> = rules.iter().flatten().collect();
        let vs: Vec<&ValueDef> = values.iter().flatten().collect();
        match plan::order(&vs, &ms, &rs) {
            Ok(p) => plan = p,
            Err(d) => cx.diagnostics.push(*d),
        }
    }
    // Unused-name lints only make sense once every name resolved.
    if !cx.diagnostics.iter().any(Diagnostic::is_error) {
        cx.lint_unused(file);
    }
    cx.diagnostics.extend(agreement::allow_errors(file));
    let mut diagnostics = std::mem::take(&mut cx.diagnostics);
    cx.in_tests = true;
    tests.extend(extra_tests.iter().filter_map(|t| {
        cx.test(t, &measure_ids).map(|t| TestCase {
            in_tests_file: true,
            ..t
        })
    }));
    let test_file_diagnostics = std::mem::take(&mut cx.diagnostics);
    let mut name_uses = names::declarations(file);
    name_uses.append(&mut cx.names);
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
            date_required: cx.date_required,
            params: cx.params,
            values: values.into_iter().flatten().collect(),
            measures: measures.into_iter().flatten().collect(),
            rules: rules.into_iter().flatten().collect(),
            pools: pools.into_iter().flatten().collect(),
            benefits,
            clauses,
            tests,
            plan,
            n_locals: cx.max_locals,
        }),
        _ => None,
    };
    if let Some(p) = &policy {
        diagnostics.extend(lints::conditions(p));
        diagnostics.extend(lints::filters(p));
        let found = agreement::lint(p, file);
        diagnostics.extend(agreement::unused_allows(file, &found));
        diagnostics.extend(found.into_iter().filter(|d| !agreement::silenced(file, d)));
        diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    }
    Checked {
        policy,
        diagnostics,
        test_file_diagnostics,
        names: name_uses,
    }
}

/// Where a named value stands while the checker works through the values.
#[derive(Clone, Debug, PartialEq)]
enum ValueState {
    Unchecked,
    /// being checked now: meeting it again is a cycle
    InProgress,
    /// checked; its type, or `None` when it had errors
    Done(Option<Ty>),
}

/// What the checker knows while it works: declarations so far and problems found.
struct Checker<'a> {
    file: &'a ast::File,
    enums: Vec<EnumDef>,
    records: Vec<RecordDef>,
    inputs: Vec<FieldDef>,
    date_required: Option<Option<String>>,
    params: Vec<ParamDef>,
    used_inputs: Vec<bool>,
    used_params: Vec<bool>,
    used_values: Vec<bool>,
    /// measure, rule, benefit and clause ids, for duplicates and test expectations
    item_ids: Vec<(String, Span)>,
    /// named values as declared: name and where
    value_names: Vec<(String, Span)>,
    value_state: Vec<ValueState>,
    checked_values: Vec<Option<ValueDef>>,
    /// values being checked, innermost last: the path of a cycle
    value_stack: Vec<usize>,
    /// items of lists in scope (`each`, aggregates): name, type, slot, where bound
    scope: Vec<(String, Ty, usize, Span)>,
    n_locals: usize,
    max_locals: usize,
    /// the header's rounding, for `rounded to` without a mode and for `of`
    rounding: Option<Rounding>,
    /// the header's currency: every amount the policy writes is in it
    currency: crate::currency::Currency,
    /// the days a case may fall on (`effective`, `in force`): a band edge's era outside them is never used
    period: (Option<crate::date::Date>, Option<crate::date::Date>),
    /// set while typing the operand of `rounded to`: a division there is rounded
    rounding_operand: bool,
    diagnostics: Vec<Diagnostic>,
    /// resolved uses of names
    names: Vec<names::NameUse>,
    /// set while checking the sibling `.tests` file's tests
    in_tests: bool,
}

impl<'a> Checker<'a> {
    fn new(file: &'a ast::File) -> Self {
        Checker {
            file,
            enums: Vec::new(),
            records: Vec::new(),
            inputs: Vec::new(),
            date_required: None,
            params: Vec::new(),
            used_inputs: Vec::new(),
            used_params: Vec::new(),
            used_values: Vec::new(),
            item_ids: Vec::new(),
            value_names: Vec::new(),
            value_state: Vec::new(),
            checked_values: Vec::new(),
            value_stack: Vec::new(),
            scope: Vec::new(),
            n_locals: 0,
            max_locals: 0,
            rounding: None,
            currency: crate::currency::Currency::CNY,
            period: (None, None),
            rounding_operand: false,
            diagnostics: Vec::new(),
            names: Vec::new(),
            in_tests: false,
        }
    }

    /// Notes a resolved use of a name.
    fn used(&mut self, span: Span, symbol: names::Symbol) {
        self.names.push(names::NameUse {
            span,
            symbol,
            decl: false,
            in_tests: self.in_tests,
        });
    }

    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn type_name(&self, ty: &Ty) -> String {
        model::type_name(&self.enums, &self.records, ty)
    }

    /// A fresh item slot for `each`, an aggregate or a quantifier.
    fn new_local(&mut self) -> usize {
        let slot = self.n_locals;
        self.n_locals += 1;
        self.max_locals = self.max_locals.max(self.n_locals);
        slot
    }

    /// Starts a new item (value, measure, rule): its item slots count from 0.
    fn begin_item(&mut self) -> (Vec<(String, Ty, usize, Span)>, usize) {
        (
            std::mem::take(&mut self.scope),
            std::mem::replace(&mut self.n_locals, 0),
        )
    }

    fn end_item(&mut self, saved: (Vec<(String, Ty, usize, Span)>, usize)) {
        self.scope = saved.0;
        self.n_locals = saved.1;
    }

    fn header(&mut self, file: &ast::File) -> Option<Header> {
        let Some(h) = &file.header else {
            self.error(
                Diagnostic::error("zhice::check::no-header", words!("the policy has no header"), Span::new(0, 0))
                    .label(words!("expected `policy \"…\" { … }` here"))
                    .help(words!("start the file with `policy \"标题\" { version \"…\" effective 2025-01-01 currency CNY rounding 0.01 half-away-from-zero after each rate }`")),
            );
            return None;
        };
        if let Some(c) = &h.currency {
            match crate::currency::Currency::from_code(&c.node) {
                Some(cur) => self.currency = cur,
                None => self.error(
                    Diagnostic::error(
                        "zhice::check::currency",
                        words!("`%{code}` is not a currency zhice knows", code = c.node),
                        c.span,
                    )
                    .label(words!("unknown currency"))
                    .help(words!(
                        "the currencies are %{codes}",
                        codes = crate::currency::Currency::codes()
                    )),
                ),
            }
        }
        if h.rounding.is_none() {
            self.error(
                Diagnostic::warning("zhice::check::no-rounding", words!("the policy states no rounding rule"), h.title.span)
                    .label(words!("no `rounding` in this header"))
                    .help(words!("amounts from rates keep every decimal; add e.g. `rounding 0.01 half-away-from-zero after each rate`")),
            );
        }
        let rounding = h.rounding.as_ref().map(|r| {
            if r.unit.node <= rust_decimal::Decimal::ZERO {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-unit",
                        words!("the rounding unit must be above 0"),
                        r.unit.span,
                    )
                    .label(words!("not a positive unit"))
                    .help(words!("round to a unit such as 0.01 (分) or 1 (元)")),
                );
            } else if !r.after_rate && !r.on_award {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-place",
                        words!("the rounding rule says nowhere to apply"),
                        r.span,
                    )
                    .label(words!("rounding unused"))
                    .help(words!("add `after each rate`, `on each award`, or both")),
                );
            } else if !is_power_of_ten(r.unit.node) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::rounding-unit",
                        words!("the rounding unit must be a power of ten"),
                        r.unit.span,
                    )
                    .label(words!("e.g. 0.01 or 1"))
                    .help(words!("round to 0.01 for 分, 1 for 元, 10000 for 万元")),
                );
            }
            Rounding {
                unit: r.unit.node.normalize(),
                mode: r.mode,
                after_rate: r.after_rate,
                on_award: r.on_award,
            }
        });
        self.rounding = rounding.clone();
        let in_force = h.in_force.as_ref().map(|f| (f.from.node, f.to.node));
        if let Some(f) = &h.in_force {
            if f.to.node < f.from.node {
                self.error(
                    Diagnostic::error(
                        "zhice::check::period",
                        words!("the period in force ends before it begins"),
                        f.span,
                    )
                    .label(words!("%{to} is before %{from}", to = f.to.node, from = f.from.node))
                    .help(words!(
                        "write the first day, then the last: `in force 2026-03-01 to 2028-12-31`"
                    )),
                );
            }
            if let Some(e) = &h.effective {
                self.error(
                    Diagnostic::error(
                        "zhice::check::period",
                        words!("both `effective` and `in force` say when the policy begins"),
                        e.span,
                    )
                    .label(words!("the policy's first day, said twice"))
                    .related(f.span, words!("`in force` gives the first day too"))
                    .help(words!("keep `in force FROM to TO` and remove `effective`")),
                );
            }
        }
        self.period = match in_force {
            Some((from, to)) => (Some(from), Some(to)),
            None => (h.effective.as_ref().map(|d| d.node), None),
        };
        Some(Header {
            title: h.title.node.clone(),
            version: h.version.as_ref().map(|v| v.node.clone()),
            effective: h.effective.as_ref().map(|d| d.node),
            in_force,
            currency: h.currency.as_ref().map(|c| c.node.clone()),
            rounding,
        })
    }
}

pub(crate) fn is_power_of_ten(d: rust_decimal::Decimal) -> bool {
    if d <= rust_decimal::Decimal::ZERO {
        return false;
    }
    let s = d.normalize().to_string();
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.trim_start_matches('0').trim_end_matches('0') == "1"
}

impl Checker<'_> {
    /// An amount written in another currency than the policy's is an error: `$632`
    /// in a policy in CNY would otherwise be read as 632元.
    pub(super) fn currency_of(&mut self, lit: &ast::Literal, at: Span) {
        let ast::Literal::Money(_, written) = lit else { return };
        if *written != self.currency {
            let policy = self.currency.code();
            let example = self.currency.write(rust_decimal::Decimal::from(632));
            self.error(
                Diagnostic::error(
                    "zhice::check::currency",
                    words!(
                        "this amount is in %{written}, the policy's amounts in %{policy}",
                        written = written.code(),
                        policy = policy
                    ),
                    at,
                )
                .label(words!("another currency"))
                .help(words!(
                    "write amounts in the currency of the header, e.g. `%{example}`; a policy in another currency says so: `currency USD`",
                    example = example
                )),
            );
        }
    }
}
