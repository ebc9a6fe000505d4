//! `zhice schema` checked with a real JSON Schema validator (the jsonschema
//! crate, Draft 2020-12): every example case of the bundled policies is valid;
//! each hand-made bad case is invalid at the very field zhice's own decoder
//! names; every result line `zhice eval` writes is valid against the result schema.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use support::root;

fn zhice(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(args)
        .env("ZHICE_LANG", "en")
        .current_dir(root())
        .output()
        .expect("run zhice");
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap_or(-1))
}

fn validator(policy: &str, format: &str) -> jsonschema::Validator {
    let (text, code) = zhice(&["schema", policy, "--format", format]);
    assert_eq!(code, 0);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::new(&schema).expect("a valid 2020-12 schema")
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The bundled policies and the case files that go with them.
const CASE_FILES: &[(&str, &str)] = &[
    (
        "policies/tongzhou-2025-draft.policy",
        "tests/data/tongzhou/examples.jsonl",
    ),
    ("policies/tongzhou-2025-draft.policy", "examples/cases.jsonl"),
    (
        "policies/tongzhou-2025-illustrative-amendment.policy",
        "examples/review-cases.jsonl",
    ),
];

fn all_case_files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = CASE_FILES.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
    for entry in support::CORPUS {
        let dir = root().join("tests/data/corpus").join(entry);
        for f in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with("cases") {
                out.push((
                    format!("policies/corpus/{entry}.policy"),
                    format!("tests/data/corpus/{entry}/{name}"),
                ));
            }
        }
    }
    out
}

/// Decode errors a schema can see (a date outside the policy's period, say, it cannot).
const SCHEMA_CODES: &[&str] = &[
    "zhice::case::type",
    "zhice::case::range",
    "zhice::case::missing",
    "zhice::case::unknown-field",
    "zhice::case::enum",
    "zhice::case::unknown-award",
];

#[test]
fn every_example_case_is_valid_or_rejected_alike() {
    let (mut valid, mut invalid) = (0, 0);
    for (policy, cases) in all_case_files() {
        let v = validator(&policy, "case");
        let (out, _) = zhice(&["eval", &policy, "--cases", &cases, "--format", "jsonl"]);
        let results: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let cases_read = lines(&root().join(&cases));
        assert_eq!(results.len(), cases_read.len(), "{cases}");
        for (case, result) in cases_read.iter().zip(&results) {
            let errors = result["errors"].as_array().unwrap();
            if errors.is_empty() {
                let problems: Vec<String> = v
                    .iter_errors(case)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(problems.is_empty(), "{cases}: {case} is invalid: {problems:?}");
                valid += 1;
            } else if errors
                .iter()
                .all(|e| SCHEMA_CODES.contains(&e["code"].as_str().unwrap()))
            {
                let named: BTreeSet<String> = errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap().to_string())
                    .collect();
                assert_eq!(schema_fields(&v, case), named, "{cases}: {case}");
                invalid += 1;
            }
        }
    }
    assert!(valid > 100, "only {valid} valid cases");
    assert!(invalid > 0, "the rejected example cases are compared too");
}

/// Where the schema finds a case wrong, as zhice names fields: `standards[1].level`.
fn schema_fields(v: &jsonschema::Validator, case: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in v.iter_errors(case) {
        let mut path = String::new();
        for segment in e.instance_path().as_str().split('/').skip(1) {
            if segment.parse::<usize>().is_ok() {
                path.push_str(&format!("[{segment}]"));
            } else {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(segment);
            }
        }
        // A missing or unknown property is reported at its object; zhice names the property.
        let join = |name: &str| {
            if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                out.extend(unexpected.iter().map(|u| join(u)));
            }
            ValidationErrorKind::Required { property } => {
                out.insert(join(property.as_str().unwrap_or("")));
            }
            _ => {
                out.insert(path);
            }
        }
    }
    out
}

/// Bad cases for the Tongzhou draft, each with one thing wrong (or a few, at different fields).
const BAD_CASES: &[&str] = &[
    r#"{"id":"unknown field","year":2025,"data_space_invest":100}"#,
    r#"{"id":"level out of range","year":2025,"dcmm_level":7}"#,
    r#"{"id":"level not a number","year":2025,"dcmm_level":"four"}"#,
    r#"{"id":"unknown prize","year":2025,"competition_national":"fourth"}"#,
    r#"{"id":"thousands separator","year":2025,"data_space_investment":"1,000,000"}"#,
    r#"{"id":"negative amount","year":2025,"model_service_spend":-5}"#,
    r#"{"id":"negative amount as text","year":2025,"model_service_spend":"-5"}"#,
    r#"{"id":"bool as text","year":2025,"sme":"yes"}"#,
    r#"{"id":"missing year"}"#,
    // found by the schema fuzz target: the decoder reads years 1 to 9999 only
    r#"{"id":"year of five digits","year":20263}"#,
    r#"{"id":"nested","year":2025,"standards":[{"id":"GB1","level":"national","rank":0},{"id":"GB2","levl":"national","rank":1}]}"#,
    r#"{"id":"project amount","year":2025,"scenario_projects":[{"qualified":true,"assessed":"abc"}]}"#,
    r#"{"id":"standard missing id","year":2025,"standards":[{"level":"national","rank":1}]}"#,
    r#"{"id":"ledger","year":2026,"prior_awards":[{"award":"dcmn","year":2025,"amount":1},{"award":"dcmm","amount":-1,"year":2025},{"award":"dcmm","year":2025,"amount":1,"note":"x"}]}"#,
    r#"{"id":"filing","year":2025,"new_filings":["generative_ai","satellite"]}"#,
    r#"{"id":"list not a list","year":2025,"new_filings":"generative_ai"}"#,
];

#[test]
fn bad_cases_fail_at_the_field_zhice_names() {
    let policy = "policies/tongzhou-2025-draft.policy";
    let v = validator(policy, "case");
    let dir = std::env::temp_dir().join(format!("zhice-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.jsonl");
    std::fs::write(&file, BAD_CASES.join("\n") + "\n").unwrap();
    let (out, code) = zhice(&["eval", policy, "--cases", file.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 1, "zhice rejects them");
    let results: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), BAD_CASES.len());
    for (text, result) in BAD_CASES.iter().zip(&results) {
        let case: Value = serde_json::from_str(text).unwrap();
        let zhice_fields: BTreeSet<String> = result["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert!(!zhice_fields.is_empty(), "zhice accepted {text}");
        let schema_fields = schema_fields(&v, &case);
        assert_eq!(schema_fields, zhice_fields, "{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_result_line_is_valid() {
    let mut checked = 0;
    let mut rejected = 0;
    for (policy, cases) in all_case_files() {
        let v = validator(&policy, "result");
        let (out, _) = zhice(&["eval", &policy, "--cases", &cases, "--format", "jsonl"]);
        for line in out.lines() {
            let result: Value = serde_json::from_str(line).unwrap();
            let errors: Vec<String> = v
                .iter_errors(&result)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{cases}: {line} is invalid: {errors:?}");
            checked += 1;
            rejected += usize::from(result["errors"].as_array().is_some_and(|e| !e.is_empty()));
        }
    }
    assert!(checked > 100, "only {checked} results");
    assert!(rejected > 0, "some rejected lines are checked too");
    // and a result naming an award the policy does not have is not valid
    let v = validator("policies/tongzhou-2025-draft.policy", "result");
    let wrong: Value =
        serde_json::from_str(r#"{"id":"x","total":"1.00","awards":{"dcmn":"1.00"},"benefits":[],"errors":[]}"#)
            .unwrap();
    assert!(!v.is_valid(&wrong));
}

/// Found by the schema fuzz target: an amount written with a plus sign, which
/// the decoder reads, was refused by the schema.
#[test]
fn an_amount_with_a_plus_sign_is_valid_as_the_decoder_reads_it() {
    let policy = "policies/tongzhou-2025-draft.policy";
    let v = validator(policy, "case");
    let case = r#"{"id":"plus","year":2025,"data_space_investment":"+2345623456.788"}"#;
    assert!(v.is_valid(&serde_json::from_str(case).unwrap()));
    // and the other forms it reads: a trailing point, no whole part, spaces around
    for amount in ["1234562345876.", ".5", "+.5", " 12 ", "1.e3"] {
        let other = format!(r#"{{"id":"form","year":2025,"data_space_investment":"{amount}"}}"#);
        assert!(v.is_valid(&serde_json::from_str(&other).unwrap()), "{amount}");
    }
    let dir = std::env::temp_dir().join(format!("zhice-schema-plus-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("case.json");
    std::fs::write(&file, case).unwrap();
    let (out, code) = zhice(&["eval", policy, "--case", file.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(code, 0, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
    // a minus sign on an amount that is never negative stays invalid
    let negative = r#"{"id":"minus","year":2025,"data_space_investment":"-5"}"#;
    assert!(!v.is_valid(&serde_json::from_str(negative).unwrap()));
}
