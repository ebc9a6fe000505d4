//! Properties that hold for any input, checked on generated inputs (proptest):
//! nothing malformed makes the toolchain panic, no award exceeds its bound,
//! and a case means the same whatever the order of its fields.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::OnceLock;
use zhice::case::{Case, CaseErrors, Reader};
use zhice::compile::Program;
use zhice::eval::evaluate;
use zhice::load::load_text;
use zhice::sample::{case, Rng};

fn tongzhou_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/tongzhou-2025-draft.policy"))
            .expect("policy")
    })
}

/// Decodes a case for `program` through the one front end.
fn decode(program: &Program, text: &str) -> Result<Case, CaseErrors> {
    Reader::new(&program.policy).text(text)
}

fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        load_text("tongzhou", tongzhou_source().to_string(), None)
            .ok()
            .expect("loads")
            .program
    })
}

/// Pieces of the language, for mutations that stay close to real policies.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=>",
    "when ",
    "award ",
    "at most ",
    " of ",
    " otherwise ",
    "each ",
    " in ",
    " where ",
    "by ",
    "the highest of {",
    "one of {",
    "up to ",
    "per applicant per year",
    "once per ",
    "top-up",
    "500万元",
    "20%",
    "1.2亿元",
    "-",
    "3..5",
    "\"",
    "“",
    "#",
    "\n",
    "measure x （一） \"t\" {",
    "input y: money",
    "param z = 1元",
    "999999999999999999999999999999万元",
    "0.0000000000000000000000000001%",
    "list of",
    "optional",
    "not ",
    "is given",
    "value v = ",
    "rule r 第一条 \"t\" { at most 1元 over a, b in clause order }",
    "only the highest of ",
    " unless ",
    "in bands of x { up to 1元 => 1% above 1元 => 0% }",
    "the sum of ",
    " for each ",
    "the number of ",
    " distinct by ",
    "any x in y satisfies ",
    " rounded to 0.01",
    " / ",
    "in force 2026-01-01 to 2026-12-31",
    "40.5",
    // Blanks and punctuation wider than a byte: a slice at `i + 1` past them splits a character.
    "\u{a0}",
    "\u{3000}",
    "（",
    "）",
    "：",
    "，",
    "；",
    "\r\n",
    "\t",
];

mod support;

/// The corpus policies, whose rules reach the constructs the Tongzhou policy does not use.
use support::CORPUS;

fn corpus_source(entry: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policies/corpus/{entry}.policy")))
        .expect("corpus policy")
}

fn mutate(source: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut s: Vec<char> = source.chars().collect();
    for &(kind, at, pick) in edits {
        if s.is_empty() {
            break;
        }
        let at = at % s.len();
        match kind % 4 {
            0 => {
                let end = (at + pick % 40).min(s.len());
                s.drain(at..end);
            }
            1 => {
                let token: Vec<char> = TOKENS[pick % TOKENS.len()].chars().collect();
                s.splice(at..at, token);
            }
            2 => {
                let end = (at + pick % 80).min(s.len());
                let copy: Vec<char> = s[at..end].to_vec();
                s.splice(end..end, copy);
            }
            _ => {
                let other = pick % s.len();
                s.swap(at, other);
            }
        }
    }
    s.into_iter().collect()
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[0-9]{1,40}(\\.[0-9]{1,30})?".prop_map(Value::String),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(vec![
            "first",
            "second",
            "third",
            "generative_ai",
            "blockchain",
            "national",
            "international",
            "20%",
            "2025-01-01"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((field_name(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Mostly the names the policy declares, sometimes others.
fn field_name() -> impl Strategy<Value = String> {
    let names: Vec<String> = [
        "id",
        "year",
        "prior_awards",
        "award",
        "amount",
        "item",
        "qualified",
        "assessed",
        "level",
        "rank",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(program().policy.inputs.iter().map(|i| i.name.clone()))
    .collect();
    prop_oneof![4 => prop::sample::select(names), 1 => "[a-z_]{1,12}"]
}

proptest! {
    // 256 cases a property; `PROPTEST_CASES=20000` for a longer run (docs/testing.md).

    #[test]
    fn any_text_is_parsed_and_checked_without_panic(text in "\\PC{0,400}") {
        let _ = load_text("fuzz", text, None);
    }

    #[test]
    fn mutated_policies_are_parsed_and_checked_without_panic(edits in prop::collection::vec((0usize..4, any::<usize>(), any::<usize>()), 1..8)) {
        let mutated = mutate(tongzhou_source(), &edits);
        if let Ok(loaded) = load_text("fuzz", mutated, None) {
            // Whatever still checks must also evaluate without panic.
            let mut rng = Rng::new(edits.len() as u64);
            for n in 0..20 {
                if let Ok(c) = decode(&loaded.program, &case(&loaded.program.policy, &mut rng, n)) {
                    let _ = evaluate(&loaded.program, &c, None, true);
                }
            }
        }
    }

    #[test]
    fn mutated_corpus_policies_are_parsed_and_checked_without_panic(entry in 0usize..CORPUS.len(), edits in prop::collection::vec((0usize..4, any::<usize>(), any::<usize>()), 1..6)) {
        let mutated = mutate(&corpus_source(CORPUS[entry]), &edits);
        if let Ok(loaded) = load_text("fuzz", mutated, None) {
            let mut rng = Rng::new(edits.len() as u64);
            let round: Vec<String> = (0..20).map(|n| case(&loaded.program.policy, &mut rng, n)).collect();
            // Every case evaluated, explained, and whatever pools it has divide the round, without panic.
            let runner = zhice::run::Runner::new(&loaded.program);
            let _ = runner.round(&round.join("\n"), zhice::run::Mode::Explained);
        }
    }

    #[test]
    fn no_corpus_award_exceeds_its_bound(entry in 0usize..CORPUS.len(), seed in any::<u64>()) {
        let source = corpus_source(CORPUS[entry]);
        let loaded = load_text(CORPUS[entry], source.clone(), None).ok().expect("loads");
        let p = &loaded.program;
        let b = zhice::bounds::bounds(&p.policy, &source);
        let mut rng = Rng::new(seed);
        for n in 0..40 {
            let line = case(&p.policy, &mut rng, n);
            let Ok(c) = decode(p, &line) else { continue };
            let o = evaluate(p, &c, None, false).expect("evaluates");
            for (award, bound) in o.awards.iter().zip(&b.awards) {
                prop_assert!(!award.is_sign_negative(), "{} is negative: {line}", bound.id);
                if let Some(max) = bound.max {
                    prop_assert!(*award <= max, "{} pays {award} above its bound {max}: {line}", bound.id);
                }
            }
            if let Some(total) = b.total {
                prop_assert!(o.total <= total, "{}: total {} above {total}: {line}", CORPUS[entry], o.total);
            }
        }
    }

    #[test]
    fn any_json_case_is_decoded_and_evaluated_without_panic(fields in prop::collection::vec((field_name(), json()), 0..12)) {
        let mut object: Map<String, Value> = fields.into_iter().collect();
        object.insert("id".into(), Value::String("p".into()));
        object.entry("year").or_insert(Value::from(2025));
        let p = program();
        if let Ok(c) = decode(p, &Value::Object(object).to_string()) {
            let _ = evaluate(p, &c, None, true);
        }
    }

    #[test]
    fn any_line_is_decoded_without_panic(line in "\\PC{0,200}") {
        let _ = Reader::new(&program().policy).line(&line, 1);
    }

    #[test]
    fn no_award_exceeds_its_bound(seed in any::<u64>()) {
        let p = program();
        let b = zhice::bounds::bounds(&p.policy, tongzhou_source());
        let mut rng = Rng::new(seed);
        for n in 0..50 {
            let line = case(&p.policy, &mut rng, n);
            let c = decode(p, &line).expect("samples are valid");
            let o = evaluate(p, &c, None, false).expect("evaluates");
            for (award, bound) in o.awards.iter().zip(&b.awards) {
                let max = bound.max.expect("every Tongzhou award is bounded");
                prop_assert!(*award <= max, "{} pays {award} above its bound {max}: {line}", bound.id);
                prop_assert!(!award.is_sign_negative(), "{} is negative: {line}", bound.id);
            }
            let total = b.total.expect("bounded");
            prop_assert!(o.total <= total);
        }
    }

    #[test]
    fn the_order_of_fields_does_not_matter(seed in any::<u64>(), order in any::<u64>()) {
        let p = program();
        let mut rng = Rng::new(seed);
        let line = case(&p.policy, &mut rng, 1);
        let value: Value = serde_json::from_str(&line).expect("json");
        let mut pairs: Vec<(String, Value)> = value.as_object().expect("object").clone().into_iter().collect();
        let mut shuffle = Rng::new(order);
        for i in (1..pairs.len()).rev() {
            pairs.swap(i, shuffle.range(0, i as i64) as usize);
        }
        let shuffled = Value::Object(pairs.into_iter().collect());
        let a = evaluate(p, &decode(p, &value.to_string()).expect("valid"), None, false).expect("evaluates");
        let b = evaluate(p, &decode(p, &shuffled.to_string()).expect("valid"), None, false).expect("evaluates");
        prop_assert_eq!(a.awards, b.awards);
        prop_assert_eq!(a.benefits, b.benefits);
    }
}
