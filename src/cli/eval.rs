//! `zhice eval FILE (--case FILE.json | --cases FILE.jsonl)`

use super::input::read_text;
use super::{status, Format, Out};
use crate::compile::tree::Program;
use crate::eval::{decode, evaluate};
use crate::report::result::{self, CaseResult};
use crate::syntax::ast::Date;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["case", "cases"])))]
pub(super) struct EvalArgs {
    policy: PathBuf,
    /// one case: a JSON object (`-` reads standard input)
    #[arg(long)]
    case: Option<PathBuf>,
    /// many cases: one JSON object per line (`-` reads standard input)
    #[arg(long)]
    cases: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// read dated parameters as of this date instead of 1 January of each case's year
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<Date>,
    /// what-if: give a parameter another value, e.g. `--set dcmm_level5_amount=60万元`
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
}

pub(super) fn run(out: &Out, args: &EvalArgs) -> u8 {
    let program = match out.load(&args.policy).map(|l| l.with_overrides(&args.sets)) {
        Ok(Ok(l)) => l.program,
        Ok(Err(message)) => {
            eprintln!("error: {message}");
            return status::USAGE;
        }
        Err(code) => return code,
    };
    let (case, cases, format, as_of) = (args.case.clone(), args.cases.clone(), args.format, args.as_of);
    let single = case.is_some();
    let results: Vec<CaseResult> = match (case, cases) {
        (Some(path), _) => {
            let text = match read_text(&path) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let json = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(j) => j,
                Err(e) => {
                    let errors = decode::CaseErrors {
                        id: None,
                        errors: vec![decode::FieldError {
                            field: String::new(),
                            message: format!("not valid JSON: {e}"),
                        }],
                    };
                    return emit(&program, &[CaseResult::Rejected(errors)], format, true);
                }
            };
            vec![one(&program, program.decode(&json), as_of)]
        }
        (None, Some(path)) => {
            let text = match read_text(&path) {
                Ok(t) => t,
                Err(code) => return code,
            };
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, line)| one(&program, program.decode_line(line, i + 1), as_of))
                .collect()
        }
        (None, None) => {
            eprintln!("error: give `--case FILE.json` or `--cases FILE.jsonl`");
            return status::USAGE;
        }
    };
    emit(&program, &results, format, single)
}

/// Evaluates one decoded case; decoding and evaluation errors become a rejected result.
pub(super) fn one(
    program: &Program,
    decoded: Result<crate::eval::value::Case, decode::CaseErrors>,
    as_of: Option<Date>,
) -> CaseResult {
    match decoded {
        Err(errors) => CaseResult::Rejected(errors),
        Ok(case) => match evaluate(program, &case, as_of, false) {
            Ok(outcome) => CaseResult::Done { id: case.id, outcome },
            Err(e) => CaseResult::Rejected(result::eval_error(program, &case.id, &e)),
        },
    }
}

fn emit(program: &Program, results: &[CaseResult], format: Format, single: bool) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let mut text = String::new();
    match format {
        Format::Text => {
            for r in results {
                text.push_str(&result::text(program, r));
            }
        }
        Format::Jsonl => {
            for r in results {
                text.push_str(&result::json_line(program, r));
                text.push('\n');
            }
        }
        Format::Json => {
            let lines: Vec<String> = results.iter().map(|r| result::json_line(program, r)).collect();
            if single {
                text = lines.concat();
            } else {
                text = format!("[{}]", lines.join(",\n "));
            }
            text.push('\n');
        }
    }
    let _ = stdout.write_all(text.as_bytes());
    let rejected = results.iter().filter(|r| matches!(r, CaseResult::Rejected(_))).count();
    if rejected > 0 {
        eprintln!(
            "{rejected} of {} case(s) had errors and were not evaluated",
            results.len()
        );
        status::ERRORS
    } else {
        status::OK
    }
}
