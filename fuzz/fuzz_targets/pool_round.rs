//! A round of applications to the pooled policy (corpus P09: a yearly fund of
//! 10,000,000 shared pro rata, each share rounded to the fen, the residue left
//! as it falls): whatever the cases, the round never grants more than the fund
//! beyond half a fen a share; the cases' order changes nobody's award; and the
//! streaming run gives the same bytes on one thread as on every core.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::io::Read;
use zhice::batch::{self, Options, Output};
use zhice::run::Mode;
use zhice::run::Runner;

fn awards(round: &zhice::run::Round) -> Vec<Option<(String, Vec<Decimal>)>> {
    round
        .lines
        .iter()
        .map(|r| r.as_ref().ok().map(|ran| (ran.case.id.clone(), ran.outcome.awards.clone())))
        .collect()
}

fn streamed(program: &zhice::compile::Program, text: &str) -> Vec<u8> {
    let open = || -> std::io::Result<Box<dyn Read + Send>> { Ok(Box::new(std::io::Cursor::new(text.as_bytes().to_vec()))) };
    let mut out = Vec::new();
    let ledger = zhice::pool::Ledger::default();
    match batch::run_round(program, &open, &mut out, Options::new(Output::Json), &ledger, &|_| {}) {
        Ok(_) => out,
        Err(e) => format!("error: {e}").into_bytes(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let program = &common::named("P09-budget-pool.policy").program;
    let runner = Runner::new(program);
    let round = runner.round(text, Mode::Plain);

    // never more than the fund, but for each share's rounding to the fen
    if let Some(settled) = &round.settled {
        for a in settled.allocations.values() {
            let shares = Decimal::from(a.claims as u64);
            let slack = Decimal::new(5, 3) * shares;
            assert!(
                a.granted <= a.available + slack,
                "granted {} of {} available",
                a.granted,
                a.available
            );
        }
    }

    // the same cases in the opposite order: the same award for each
    let lines: Vec<&str> = text.lines().collect();
    let reversed: String = lines.iter().rev().map(|l| format!("{l}\n")).collect();
    let back = runner.round(&reversed, Mode::Plain);
    let mut again = awards(&back);
    again.reverse();
    assert_eq!(awards(&round), again, "the order of the cases changed an award");

    // one thread or every core: the same bytes
    let everywhere = streamed(program, text);
    // (one pool for the whole run: a pool built and dropped for each input
    // leaves its threads' buffers behind, which the leak checker reports)
    static ONE: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let one = ONE.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok());
    if let Some(pool) = one {
        let alone = pool.install(|| streamed(program, text));
        assert_eq!(everywhere, alone, "one thread and every core disagree");
    }
});
