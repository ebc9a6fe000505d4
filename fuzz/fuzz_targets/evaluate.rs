//! Every case that decodes evaluates without panic, with and without a trace,
//! and never pays a negative award.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    let program = common::tongzhou();
    if let Ok(case) = zhice::case::Reader::new(&program.policy).line(line, 1) {
        if let Ok(outcome) = zhice::eval::evaluate(program, &case, None, true) {
            assert!(outcome.awards.iter().all(|a| !a.is_sign_negative() || a.is_zero()));
        }
        let _ = zhice::eval::evaluate_at_ceiling(program, &case, None);
    }
});
