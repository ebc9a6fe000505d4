//! Drafters' tests: each test's case through the same decoder and evaluator
//! an operator's cases go through, compared with what the drafter expects; and
//! which measures no test exercises.

use crate::check::model::{Expected, TestCase};
use crate::compile::Program;
use crate::number::money;
use crate::run::{Mode, Ran, Refused, Runner};
use rust_decimal::Decimal;

fn rejected(e: &crate::case::FieldError) -> String {
    t!(
        "the case was rejected: `%{field}`: %{message}",
        field = e.field,
        message = e.message.text()
    )
    .into_owned()
}

/// What became of one test: the problems, none when it passed.
pub struct TestResult<'a> {
    pub test: &'a TestCase,
    pub problems: Vec<String>,
}

/// Every test's result, and per measure whether some test awarded it money.
pub struct TestRun<'a> {
    pub results: Vec<TestResult<'a>>,
    pub exercised: Vec<bool>,
}

impl TestRun<'_> {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.problems.is_empty()).count()
    }
}

/// Runs every drafter's test of `program`.
pub fn run(program: &Program) -> TestRun<'_> {
    let mut exercised = vec![false; program.policy.measures.len()];
    let runner = Runner::new(program);
    let results = program
        .policy
        .tests
        .iter()
        .map(|t| TestResult {
            test: t,
            problems: run_one(&runner, t, &mut exercised),
        })
        .collect();
    TestRun { results, exercised }
}

fn run_one(runner: &Runner, t: &TestCase, exercised: &mut [bool]) -> Vec<String> {
    let p = &runner.program.policy;
    match (&t.expect, runner.reader().text(&t.given)) {
        (Expected::Errors(fields), Err(e)) => {
            let got: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
            fields
                .iter()
                .filter(|f| !got.contains(&f.as_str()))
                .map(|f| {
                    t!(
                        "expected an error in `%{field}`; errors were in: %{got}",
                        field = f,
                        got = got.join(", ")
                    )
                    .into_owned()
                })
                .collect()
        }
        (Expected::Errors(fields), Ok(_)) => {
            vec![t!(
                "expected the case to be rejected for %{fields}, but it was accepted",
                fields = fields.join(", ")
            )
            .into_owned()]
        }
        (Expected::Awards(..), Err(e)) => e.errors.iter().map(rejected).collect(),
        // A test case is a round of one, as `eval --case` makes it.
        (Expected::Awards(expected, outputs), Ok(case)) => match runner.alone(case, Mode::Plain) {
            Err(Refused::Eval { error, .. }) => {
                vec![t!("evaluation failed: %{message}", message = error.message.text()).into_owned()]
            }
            Err(Refused::Read(e) | Refused::Pool(e)) => e.errors.iter().map(rejected).collect(),
            Ok((Ran { outcome, .. }, _)) => {
                let mut problems = Vec::new();
                for (i, (m, got)) in p.measures.iter().zip(&outcome.awards).enumerate() {
                    if *got > Decimal::ZERO {
                        exercised[i] = true;
                    }
                    let want = expected
                        .iter()
                        .find(|(j, _)| *j == i)
                        .map_or(Decimal::ZERO, |(_, a)| *a);
                    if want != *got {
                        problems.push(
                            t!(
                                "%{award}: expected %{expected}, got %{got}",
                                award = m.id,
                                expected = money(want),
                                got = money(*got)
                            )
                            .into_owned(),
                        );
                    }
                }
                for (v, want) in outputs {
                    let def = &p.values[*v];
                    let want = crate::compile::const_value(want);
                    let got = outcome.values.get(*v).cloned().unwrap_or(crate::value::Value::Absent);
                    if !got.same(&want, "") {
                        let show = |x: &crate::value::Value| p.show_value("", x, &def.expr.ty);
                        problems.push(
                            t!(
                                "%{output}: expected %{expected}, got %{got}",
                                output = def.name,
                                expected = show(&want),
                                got = show(&got)
                            )
                            .into_owned(),
                        );
                    }
                }
                problems
            }
        },
    }
}
