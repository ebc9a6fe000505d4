//! The interpreter against an independent, hand-written model of the Tongzhou
//! measures (`tests/support/tongzhou_model.rs`), on thousands of generated
//! cases: every award of every case must agree.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

#[path = "support/tongzhou_model.rs"]
mod tongzhou_model;

use serde_json::Value;
use std::path::Path;
use tongzhou_model::{awards, Applicant, AWARDS};
use zhice::eval::evaluate;
use zhice::sample::{case, Rng};

#[test]
fn the_interpreter_agrees_with_a_hand_written_model() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tongzhou-2025-draft.policy");
    let program = zhice::load::load(&path).ok().expect("the policy loads").program;
    assert_eq!(
        program
            .policy
            .measures
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        AWARDS
    );
    let mut rng = Rng::new(2025);
    let mut granted = [0usize; 13];
    for n in 0..5_000 {
        let mut json: Value = serde_json::from_str(&case(&program.policy, &mut rng, n)).expect("sample is JSON");
        // Give some prior awards of per-item measures an item, to exercise once-only rules.
        if let Some(prior) = json.get_mut("prior_awards").and_then(Value::as_array_mut) {
            for p in prior {
                let item = match p["award"].as_str() {
                    Some("filing") => {
                        ["generative_ai", "deep_synthesis", "blockchain"][rng.range(0, 2) as usize].to_string()
                    }
                    Some("standard") => format!("T-{}", rng.range(1, 50)),
                    _ => continue,
                };
                p["item"] = Value::String(item);
            }
        }
        let line = json.to_string();
        let case = zhice::case::Reader::new(&program.policy)
            .line(&line, 1)
            .unwrap_or_else(|e| panic!("{line}: {:?}", e.errors));
        let got = evaluate(&program, &case, None, false).expect("evaluates").awards;
        let model = awards(&Applicant::from_json(&json).expect("the model reads it"));
        for (k, id) in AWARDS.iter().enumerate() {
            assert_eq!(got[k], model[k], "award `{id}` of {line}");
            granted[k] += usize::from(!model[k].is_zero());
        }
    }
    // The generated cases reach every measure, so the comparison means something.
    for (k, id) in AWARDS.iter().enumerate() {
        assert!(granted[k] > 20, "only {} cases were granted `{id}`", granted[k]);
    }
}
