//! The drafters' tests of a policy, run: each passed or failed with why, the
//! count, and the measures no test exercises — as a document.

use crate::compile::Program;
use crate::report::doc::{self, text_of, Block, Compare, Doc, Side, Tone};
use crate::testing::TestRun;

/// The run as a document; `place` says where a test is written (`file:line`).
pub fn document(program: &Program, run: &TestRun, place: &dyn Fn(&crate::check::model::TestCase) -> String) -> Doc {
    let mut blocks = Vec::new();
    for r in &run.results {
        if r.problems.is_empty() {
            blocks.push(Block::Item {
                head: text_of(format!("{}  {}", t!("pass"), r.test.name)),
                tone: Tone::Plain,
                rows: Vec::new(),
            });
        } else {
            blocks.push(Block::Item {
                head: text_of(format!("{}  {}  ({})", t!("FAIL"), r.test.name, place(r.test))),
                tone: Tone::Removed,
                rows: vec![Compare {
                    what: t!("problems").into(),
                    before: Side::Empty,
                    after: Side::Empty,
                    lines: r.problems.iter().map(|p| (Tone::Plain, text_of(p.clone()))).collect(),
                }],
            });
        }
    }
    let total = run.results.len();
    let failed = run.failed();
    blocks.push(Block::Para(text_of(t!(
        "%{passed} of %{total} test(s) passed",
        passed = total - failed,
        total = total
    ))));
    let measures = &program.policy.measures;
    let missing: Vec<_> = measures
        .iter()
        .zip(&run.exercised)
        .filter(|(_, e)| !**e)
        .map(|(m, _)| m)
        .collect();
    blocks.push(Block::Para(text_of(t!(
        "coverage: %{covered} of %{measures} measure(s) awarded money in some test",
        covered = measures.len() - missing.len(),
        measures = measures.len()
    ))));
    if !missing.is_empty() {
        blocks.push(Block::List(
            missing
                .iter()
                .map(|m| text_of(format!("{} {} · {} {}", t!("not exercised:"), m.id, m.clause, m.title)))
                .collect(),
        ));
    }
    Doc {
        title: String::new(),
        subtitle: Vec::new(),
        blocks,
    }
}

/// The run for a terminal.
pub fn text(program: &Program, run: &TestRun, place: &dyn Fn(&crate::check::model::TestCase) -> String) -> String {
    doc::text(&document(program, run, place), doc::Style { color: false })
}
