//! `cargo bench`: compile, decode, evaluate and end to end on the Tongzhou
//! policy and on corpus P01, and the hand-written awards function the
//! evaluator is measured against. The whole-process comparison with the
//! hand-written program is `benches/end-to-end.sh`. docs/performance.md
//! records the figures.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/support/tongzhou_model.rs"]
mod tongzhou_model;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::path::Path;
use zhice::batch::{self, Output};
use zhice::eval::{Compiled, Evaluator};
use zhice::sample::{case, Rng};

const CASES: u64 = 10_000;

fn policy_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tongzhou-2025-draft.policy"))
        .expect("policy")
}

fn program() -> zhice::compile::Program {
    zhice::load::load_text("tongzhou", policy_text(), None)
        .ok()
        .expect("loads")
        .program
}

fn lines(program: &zhice::compile::Program) -> Vec<String> {
    let mut rng = Rng::new(7);
    (1..=CASES).map(|n| case(&program.policy, &mut rng, n)).collect()
}

fn benches(c: &mut Criterion) {
    let program = program();
    let lines = lines(&program);
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();

    c.bench_function("check and compile the Tongzhou policy", |b| {
        let text = policy_text();
        b.iter_batched(
            || text.clone(),
            |t| {
                let loaded = zhice::load::load_text("tongzhou", t, None).ok().expect("loads");
                // and into the closures a batch runs
                Compiled::new(&loaded.program)
            },
            BatchSize::SmallInput,
        )
    });

    let mut g = c.benchmark_group("per 10,000 cases");
    g.throughput(Throughput::Elements(CASES));
    let reader = zhice::case::Reader::new(&program.policy);
    g.bench_function("decode", |b| {
        b.iter(|| {
            for (i, l) in lines.iter().enumerate() {
                black_box(reader.line(l, i + 1).ok());
            }
        })
    });
    let cases: Vec<_> = lines.iter().map(|l| reader.line(l, 1).expect("valid sample")).collect();
    let compiled = Compiled::new(&program);
    g.bench_function("evaluate (decoded)", |b| {
        let mut ev = Evaluator::default();
        b.iter(|| {
            for case in &cases {
                black_box(ev.run_compiled(&compiled, &program, case, None).map(|o| o.total).ok());
            }
        })
    });
    g.bench_function("evaluate (decoded), reference tree evaluator", |b| {
        let mut ev = Evaluator::default();
        b.iter(|| {
            for case in &cases {
                black_box(ev.evaluate(&program, case, None).map(|o| o.total).ok());
            }
        })
    });
    let applicants: Vec<_> = lines
        .iter()
        .map(|l| tongzhou_model::Applicant::from_json(&serde_json::from_str(l).expect("json")).expect("model reads it"))
        .collect();
    g.bench_function("hand-written baseline (decoded)", |b| {
        b.iter(|| {
            for a in &applicants {
                black_box(tongzhou_model::awards(a));
            }
        })
    });
    g.finish();

    let input: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.bytes().chain(std::iter::once(b'\n')))
        .collect();
    let mut g = c.benchmark_group("end to end");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("10,000 cases JSONL → JSONL, all cores", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len());
            batch::run(
                &program,
                input.as_slice(),
                &mut out,
                batch::Options::new(Output::Json),
                &|_| {},
            )
            .expect("runs");
            black_box(out.len())
        })
    });
    g.finish();
}

/// A policy of the newer constructs: corpus P01, three measures under a shared yearly cap.
fn corpus(c: &mut Criterion) {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/corpus/P01-group-cap.policy"))
            .expect("policy");
    let program = zhice::load::load_text("P01", text, None).ok().expect("loads").program;
    let lines = lines(&program);
    let input: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.bytes().chain(std::iter::once(b'\n')))
        .collect();
    let reader = zhice::case::Reader::new(&program.policy);
    let cases: Vec<_> = lines.iter().map(|l| reader.line(l, 1).expect("valid sample")).collect();
    let mut g = c.benchmark_group("corpus P01, per 10,000 cases");
    g.throughput(Throughput::Elements(CASES));
    let compiled = Compiled::new(&program);
    g.bench_function("evaluate (decoded)", |b| {
        let mut ev = Evaluator::default();
        b.iter(|| {
            for case in &cases {
                black_box(ev.run_compiled(&compiled, &program, case, None).map(|o| o.total).ok());
            }
        })
    });
    g.bench_function("evaluate (decoded), reference tree evaluator", |b| {
        let mut ev = Evaluator::default();
        b.iter(|| {
            for case in &cases {
                black_box(ev.evaluate(&program, case, None).map(|o| o.total).ok());
            }
        })
    });
    g.bench_function("JSONL → JSONL, all cores", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len() * 2);
            batch::run(
                &program,
                input.as_slice(),
                &mut out,
                batch::Options::new(Output::Json),
                &|_| {},
            )
            .expect("runs");
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(zhice_benches, benches, corpus);
criterion_main!(zhice_benches);
