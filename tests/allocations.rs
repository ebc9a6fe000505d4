//! The steady state of a batch allocates nothing per case: a worker reuses its
//! case buffer, scratch stacks and evaluator from one case to the next, and a
//! case's lists, records and texts live in buffers it owns. Counted with dhat's
//! allocator over whole batch runs, so every thread's allocations are in.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::path::Path;
use zhice::batch::{self, Output};
use zhice::sample::{case, Rng};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn program(path: &str) -> zhice::compile::Program {
    zhice::load::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .ok()
        .expect("loads")
        .program
}

/// Allocations made for each further case of a batch: what a run of `2n`
/// cases allocates beyond a run of `n`, per case. What a run allocates once
/// (its name tables, its threads' buffers) and per 4 MiB chunk is left out.
fn per_case(path: &str, n: u64) -> f64 {
    let p = program(path);
    let mut rng = Rng::new(3);
    let lines: Vec<String> = (1..=2 * n).map(|i| case(&p.policy, &mut rng, i) + "\n").collect();
    let blocks = |count: u64| {
        let input: String = lines[..count as usize].concat();
        let mut out = Vec::with_capacity(input.len() * 2);
        let before = dhat::HeapStats::get().total_blocks;
        batch::run(
            &p,
            input.as_bytes(),
            &mut out,
            batch::Options::new(Output::Json),
            &|_| {},
        )
        .expect("runs");
        let after = dhat::HeapStats::get().total_blocks;
        assert_eq!(out.iter().filter(|b| **b == b'\n').count() as u64, count);
        after - before
    };
    blocks(2 * n); // warms every thread's buffers, and enough output buffers for a chunk
    let (one, two) = (blocks(n), blocks(2 * n));
    two.saturating_sub(one) as f64 / n as f64
}

#[test]
fn a_batch_allocates_nothing_per_case_in_the_steady_state() {
    let _profiler = dhat::Profiler::builder().testing().build();
    for policy in [
        "policies/tongzhou-2025-draft.policy",
        "policies/corpus/P05-list-aggregates.policy",
        "policies/corpus/P09-budget-pool.policy",
    ] {
        let a = per_case(policy, 15_000);
        println!("{policy}: {a:.4} allocations per further case");
        // a few per 4 MiB chunk (about 10,000 cases) remain: its buffer and line index
        assert!(a < 0.002, "{policy}: {a:.4} allocations per case");
    }
}
