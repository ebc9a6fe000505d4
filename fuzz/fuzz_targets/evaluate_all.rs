//! Every bundled policy, any case line: the compiled program, the reference
//! evaluator and the traced run agree (same awards, values, benefits, total, or
//! the same error); the total is the sum of the awards where no rule or pool
//! stands between them; no award is negative (unless declared signed) or above
//! the bound `zhice bounds` states for it.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::sync::OnceLock;
use zhice::eval::{evaluate, Compiled, Evaluator};

struct Prepared {
    compiled: Compiled,
    bounds: zhice::bounds::Bounds,
}

fn prepared() -> &'static [Prepared] {
    static P: OnceLock<Vec<Prepared>> = OnceLock::new();
    P.get_or_init(|| {
        common::bundled()
            .iter()
            .map(|(_, l)| Prepared {
                compiled: Compiled::new(&l.program),
                bounds: zhice::bounds::bounds(&l.program.policy, &l.text),
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(line) = std::str::from_utf8(rest) else { return };
    let all = common::bundled();
    let i = usize::from(pick) % all.len();
    let program = &all[i].1.program;
    let prep = &prepared()[i];
    let Ok(case) = zhice::case::Reader::new(&program.policy).line(line, 1) else { return };
    let reference = evaluate(program, &case, None, false);
    let traced = evaluate(program, &case, None, true);
    let mut ev = Evaluator::default();
    let compiled = ev.run_compiled(&prep.compiled, program, &case, None).cloned();
    match (&reference, &traced, &compiled) {
        (Ok(r), Ok(t), Ok(c)) => {
            for o in [t, c] {
                assert_eq!(r.awards, o.awards);
                assert_eq!(r.total, o.total);
                assert_eq!(r.benefits, o.benefits);
                assert_eq!(format!("{:?}", r.values), format!("{:?}", o.values));
            }
            let policy = &program.policy;
            if policy.rules.is_empty() {
                let sum: Decimal = r.awards.iter().sum();
                assert_eq!(sum, r.total, "the total is the sum of the awards");
            }
            for ((a, m), b) in r.awards.iter().zip(&policy.measures).zip(&prep.bounds.awards) {
                assert!(m.signed || !a.is_sign_negative() || a.is_zero(), "{} is negative", m.id);
                if let Some(max) = b.max {
                    assert!(*a <= max, "{} = {a} is above its bound {max}", m.id);
                }
            }
        }
        (Err(r), Err(t), Err(c)) => {
            assert_eq!(format!("{r:?}"), format!("{t:?}"));
            assert_eq!(format!("{r:?}"), format!("{c:?}"));
        }
        _ => panic!(
            "the evaluators disagree on whether the case fails: {:?} / {:?} / {:?}",
            reference.as_ref().err(),
            traced.as_ref().err(),
            compiled.as_ref().err()
        ),
    }
});
