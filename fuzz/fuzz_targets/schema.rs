//! The JSON Schema `zhice schema` writes, against the decoder (a policy chosen
//! by the first byte): every case the decoder accepts is valid; a case it
//! rejects for its shape (a wrong type, an unknown field, a missing one) is
//! not. (Range and text checks beyond the schema's words are the decoder's.)
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use zhice::case::code;

fn validators() -> &'static [jsonschema::Validator] {
    static V: OnceLock<Vec<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        common::bundled()
            .iter()
            .map(|(n, l)| match jsonschema::validator_for(&zhice::case::schema::case_schema(&l.program.policy)) {
                Ok(v) => v,
                Err(e) => panic!("the schema of {n} is not a schema: {e}"),
            })
            .collect()
    })
}

/// Codes of errors about a case's shape, which the schema also states.
const SHAPE: [&str; 3] = [code::TYPE, code::UNKNOWN_FIELD, code::MISSING];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(line) = std::str::from_utf8(rest) else { return };
    // only JSON objects: a line that is not JSON is refused before any schema applies
    let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else { return };
    if !json.is_object() {
        return;
    }
    let all = common::bundled();
    let i = usize::from(pick) % all.len();
    let program = &all[i].1.program;
    let valid = validators()[i].is_valid(&json);
    match zhice::case::Reader::new(&program.policy).line(line, 1) {
        Ok(_) => assert!(valid, "the decoder accepts a case the schema rejects: {line}"),
        Err(errors) => {
            let codes: Vec<&str> = errors.errors.iter().map(|e| e.code).collect();
            if !codes.is_empty() && codes.iter().all(|c| SHAPE.contains(c)) {
                assert!(!valid, "the decoder rejects the shape of a case the schema accepts ({codes:?}): {line}");
            }
        }
    }
});
