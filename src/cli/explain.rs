//! `zhice explain FILE --case FILE.json`

use super::input::read_text;
use super::{status, ExplainFormat, Out};
use crate::eval::{as_of_date, decode, evaluate};
use crate::report::{explain, result};
use crate::syntax::ast::Date;
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
    let decoded = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| decode::CaseErrors::whole_line(format!("not valid JSON: {e}")))
        .and_then(|json| program.decode(&json));
    let case = match decoded {
        Ok(c) => c,
        Err(errors) => {
            print!("{}", result::text(&program, &result::CaseResult::Rejected(errors)));
            return status::ERRORS;
        }
    };
    let outcome = match evaluate(&program, &case, as_of, true) {
        Ok(o) => o,
        Err(e) => {
            let errors = result::eval_error(&program, &case.id, &e);
            print!("{}", result::text(&program, &result::CaseResult::Rejected(errors)));
            return status::ERRORS;
        }
    };
    let date = as_of_date(&case, as_of);
    match format {
        ExplainFormat::Text => print!("{}", explain::text(&program, &case, date, &outcome)),
        ExplainFormat::Json => {
            let v = explain::json(&program, &case, date, &outcome);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
    status::OK
}
