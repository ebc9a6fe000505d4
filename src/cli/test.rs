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
    // Where each test is written, so the drafter can go to it.
    let place = |test: &crate::check::model::TestCase| {
        let (path, source) = if test.in_tests_file {
            (tests_file.display().to_string(), tests_source.as_str())
        } else {
            (policy.display().to_string(), loaded.source())
        };
        format!("{path}:{}", line_col(source, test.span.start).0)
    };
    let text = crate::report::testing::text(program, &run, &place);
    let failed = run.failed();
    let missing = run.exercised.iter().any(|e| !e);
    print!("{text}");
    if failed > 0 || (require_coverage && missing) {
        status::ERRORS
    } else {
        status::OK
    }
}
