//! `zhice explain FILE --case FILE.json`

use super::input::read_text;
use super::{status, ExplainFormat, Out};
use crate::case::Reader;
use crate::date::Date;
use crate::eval::evaluate;
use crate::report::{explain, result};
use std::path::Path;

pub(super) fn run(out: &Out, policy: &Path, case: &Path, format: ExplainFormat, as_of: Option<Date>) -> u8 {
    let program = match out.load(policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let text = match read_text(case) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let case = match Reader::new(&program.policy).text(&text) {
        Ok(c) => c,
        Err(errors) => {
            print!(
                "{}",
                result::text(&program.policy, &result::CaseResult::Rejected(errors))
            );
            return status::ERRORS;
        }
    };
    let outcome = match evaluate(&program, &case, as_of, true) {
        Ok(o) => o,
        Err(e) => {
            let errors = result::eval_error(&program, &case.id, &e);
            print!(
                "{}",
                result::text(&program.policy, &result::CaseResult::Rejected(errors))
            );
            return status::ERRORS;
        }
    };
    match format {
        ExplainFormat::Text => print!("{}", explain::text(&program, &case, &outcome)),
        ExplainFormat::Json => {
            let v = explain::json(&program, &case, &outcome);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
    status::OK
}
