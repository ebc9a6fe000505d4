//! `zhice test FILE`: the drafters' tests, pass or fail each, and which
//! measures no test exercises.

use super::{status, Out};
use crate::check::model::Expected;
use crate::compile::tree::Program;
use crate::eval::evaluate;
use crate::report::number::money;
use rust_decimal::Decimal;
use std::path::Path;

pub(super) fn run(out: &Out, policy: &Path, require_coverage: bool) -> u8 {
    let program = match out.load(policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let report = run_tests(&program);
    print!("{}", report.text);
    if report.failed > 0 || (require_coverage && report.uncovered > 0) {
        status::ERRORS
    } else {
        status::OK
    }
}

struct TestReport {
    text: String,
    failed: usize,
    uncovered: usize,
}

fn run_tests(program: &Program) -> TestReport {
    let p = &program.policy;
    let mut exercised = vec![false; p.measures.len()];
    let mut text = String::new();
    let mut failed = 0;
    for t in &p.tests {
        let problems = run_one(program, t, &mut exercised);
        if problems.is_empty() {
            text.push_str(&format!("pass  {}\n", t.name));
        } else {
            failed += 1;
            text.push_str(&format!("FAIL  {}\n", t.name));
            for line in problems {
                text.push_str(&format!("      {line}\n"));
            }
        }
    }
    let total = p.tests.len();
    text.push_str(&format!("\n{} of {total} test(s) passed\n", total - failed));
    let missing: Vec<&str> = p
        .measures
        .iter()
        .zip(&exercised)
        .filter(|(_, e)| !**e)
        .map(|(m, _)| m.id.as_str())
        .collect();
    let covered = p.measures.len() - missing.len();
    text.push_str(&format!(
        "coverage: {covered} of {} measure(s) awarded money in some test\n",
        p.measures.len()
    ));
    for id in &missing {
        if let Some(m) = p.measures.iter().find(|m| m.id == *id) {
            text.push_str(&format!("  not exercised: {} · {} {}\n", m.id, m.clause, m.title));
        }
    }
    TestReport {
        text,
        failed,
        uncovered: missing.len(),
    }
}

/// What went wrong in one test; empty when it passed.
fn run_one(program: &Program, t: &crate::check::model::TestCase, exercised: &mut [bool]) -> Vec<String> {
    let p = &program.policy;
    let mut given = t.given.clone();
    if let Some(map) = given.as_object_mut() {
        // A test needs no id; give it its name so errors can say which case.
        map.entry("id")
            .or_insert_with(|| serde_json::Value::String(t.name.clone()));
    }
    let decoded = program.decode(&given);
    match (&t.expect, decoded) {
        (Expected::Errors(fields), Err(e)) => {
            let got: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
            fields
                .iter()
                .filter(|f| !got.contains(&f.as_str()))
                .map(|f| format!("expected an error in `{f}`; errors were in: {}", got.join(", ")))
                .collect()
        }
        (Expected::Errors(fields), Ok(_)) => vec![format!(
            "expected the case to be rejected for {}, but it was accepted",
            fields.join(", ")
        )],
        (Expected::Awards(_), Err(e)) => e
            .errors
            .iter()
            .map(|x| format!("the case was rejected: `{}`: {}", x.field, x.message))
            .collect(),
        (Expected::Awards(expected), Ok(case)) => match evaluate(program, &case, None, false) {
            Err(e) => vec![format!("evaluation failed: {}", e.message)],
            Ok(outcome) => {
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
                        problems.push(format!("{}: expected {}, got {}", m.id, money(want), money(*got)));
                    }
                }
                problems
            }
        },
    }
}
