//! `zhice test FILE`: the drafters' tests, pass or fail each, and which
//! measures no test exercises.

use super::{status, Out};
use crate::load;
use crate::span::line_col;
use crate::testing;
use std::path::Path;

pub(super) fn run(out: &Out, policy: &Path, require_coverage: bool) -> u8 {
    let loaded = match out.load(policy) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let program = &loaded.program;
    let tests_file = load::tests_path(policy);
    if program.policy.tests.is_empty() {
        eprintln!(
            "{}",
            t!(
                "no tests: `%{policy}` has no `test` block, and there is no `%{tests}` beside it",
                policy = policy.display(),
                tests = tests_file.display()
            )
        );
        return status::ERRORS;
    }
    let tests_source = std::fs::read_to_string(&tests_file).unwrap_or_default();
    let run = testing::run(program);
    let mut text = String::new();
    for r in &run.results {
        if r.problems.is_empty() {
            text.push_str(&format!("{}  {}\n", t!("pass"), r.test.name));
        } else {
            // Where the test is written, so the drafter can go to it.
            let (path, source) = if r.test.in_tests_file {
                (tests_file.display().to_string(), tests_source.as_str())
            } else {
                (policy.display().to_string(), loaded.source())
            };
            let (line, _) = line_col(source, r.test.span.start);
            text.push_str(&format!("{}  {}  ({path}:{line})\n", t!("FAIL"), r.test.name));
            for line in &r.problems {
                text.push_str(&format!("      {line}\n"));
            }
        }
    }
    let total = run.results.len();
    let failed = run.failed();
    text.push('\n');
    text.push_str(&t!(
        "%{passed} of %{total} test(s) passed",
        passed = total - failed,
        total = total
    ));
    text.push('\n');
    let measures = &program.policy.measures;
    let missing: Vec<_> = measures
        .iter()
        .zip(&run.exercised)
        .filter(|(_, e)| !**e)
        .map(|(m, _)| m)
        .collect();
    text.push_str(&t!(
        "coverage: %{covered} of %{measures} measure(s) awarded money in some test",
        covered = measures.len() - missing.len(),
        measures = measures.len()
    ));
    text.push('\n');
    for m in &missing {
        text.push_str(&format!(
            "  {} {} · {} {}\n",
            t!("not exercised:"),
            m.id,
            m.clause,
            m.title
        ));
    }
    print!("{text}");
    if failed > 0 || (require_coverage && !missing.is_empty()) {
        status::ERRORS
    } else {
        status::OK
    }
}
