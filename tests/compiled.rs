//! The compiled program against the reference tree evaluator: on random cases
//! of every bundled policy, the two give the same awards, values, benefits and
//! total, the same result line, or the same error.
//!
//! `cargo test` runs 2,000 cases a policy; set `ZHICE_COMPILED_CASES` for a
//! longer run (docs/performance.md gives the one quoted there).

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use zhice::case::Reader;
use zhice::eval::{case_errors, evaluate, Compiled, Evaluator};
use zhice::report::result::Lines;
use zhice::sample::{case, Rng};

fn policies(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("policies/ is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            policies(&path, out);
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

/// Random cases of `policy`, some of them pushed to the edges the sampler
/// does not reach: amounts near the decimal range, prior awards with items.
fn cases(policy: &zhice::check::model::Policy, n: u64, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|k| {
            let line = case(policy, &mut rng, k);
            if k % 10 != 9 {
                return line;
            }
            let mut json: Value = serde_json::from_str(&line).expect("sample is JSON");
            if let Some(fields) = json.as_object_mut() {
                for (_, v) in fields.iter_mut() {
                    // A plain amount made huge: overflow errors must agree too.
                    if v.as_str().is_some_and(|s| s.parse::<f64>().is_ok()) {
                        *v = Value::String("79228162514264337593543950".into());
                    }
                }
            }
            json.to_string()
        })
        .collect()
}

#[test]
fn the_compiled_program_agrees_with_the_reference_evaluator() {
    let n: u64 = std::env::var("ZHICE_COMPILED_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut files = Vec::new();
    policies(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"), &mut files);
    files.sort();
    assert!(files.len() >= 15, "the bundled policies: {files:?}");
    let mut compared = 0;
    for path in &files {
        let program = match zhice::load::load(path) {
            Ok(loaded) => loaded.program,
            Err(_) => panic!("{} does not load", path.display()),
        };
        let compiled = Compiled::new(&program);
        let reader = Reader::new(&program.policy);
        let lines = Lines::new(&program.policy);
        let mut ev = Evaluator::default();
        let (mut evaluated, mut failed) = (0, 0);
        for line in cases(&program.policy, n, 17) {
            let Ok(case) = reader.line(&line, 1) else { continue };
            let reference = evaluate(&program, &case, None, false);
            let fast = ev.run_compiled(&compiled, &program, &case, None);
            match (reference, fast) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.awards, b.awards, "{}: {line}", path.display());
                    assert_eq!(a.total, b.total, "{}: {line}", path.display());
                    assert_eq!(a.values, b.values, "{}: {line}", path.display());
                    assert_eq!(a.benefits, b.benefits, "{}: {line}", path.display());
                    let (mut x, mut y) = (String::new(), String::new());
                    lines.json(&case.id, &a, &mut x);
                    lines.json(&case.id, b, &mut y);
                    assert_eq!(x, y, "{}", path.display());
                    evaluated += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{}: {line}", path.display());
                    let (x, y) = (case_errors(&program, &case.id, &a), case_errors(&program, &case.id, &b));
                    assert_eq!(format!("{:?}", x.errors), format!("{:?}", y.errors));
                    failed += 1;
                }
                (a, b) => panic!(
                    "{}: {line}\nreference: {:?}\ncompiled: {:?}",
                    path.display(),
                    a.map(|o| o.total),
                    b.map(|o| o.total)
                ),
            }
        }
        eprintln!("{}: {evaluated} evaluated, {failed} refused alike", path.display());
        // Many generated cases are valid: the comparison is about results, not refusals.
        assert!(
            evaluated > n / 4,
            "{}: only {evaluated} of {n} cases evaluated ({failed} failed)",
            path.display()
        );
        compared += evaluated + failed;
    }
    assert!(compared >= n * files.len() as u64 / 4);
}
