//! `zhice test FILE`: the drafters' tests, pass or fail each, and which
//! measures no test exercises.

use super::{status, Out};
use crate::testing;
use std::path::Path;

pub(super) fn run(out: &Out, policy: &Path, require_coverage: bool) -> u8 {
    let program = match out.load(policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let run = testing::run(&program);
    let mut text = String::new();
    for r in &run.results {
        if r.problems.is_empty() {
            text.push_str(&format!("pass  {}\n", r.test.name));
        } else {
            text.push_str(&format!("FAIL  {}\n", r.test.name));
            for line in &r.problems {
                text.push_str(&format!("      {line}\n"));
            }
        }
    }
    let total = run.results.len();
    let failed = run.failed();
    text.push_str(&format!("\n{} of {total} test(s) passed\n", total - failed));
    let measures = &program.policy.measures;
    let missing: Vec<_> = measures
        .iter()
        .zip(&run.exercised)
        .filter(|(_, e)| !**e)
        .map(|(m, _)| m)
        .collect();
    text.push_str(&format!(
        "coverage: {} of {} measure(s) awarded money in some test\n",
        measures.len() - missing.len(),
        measures.len()
    ));
    for m in &missing {
        text.push_str(&format!("  not exercised: {} · {} {}\n", m.id, m.clause, m.title));
    }
    print!("{text}");
    if failed > 0 || (require_coverage && !missing.is_empty()) {
        status::ERRORS
    } else {
        status::OK
    }
}
