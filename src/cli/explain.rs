//! `zhice explain FILE --case CASE.json`, or `--cases ROUND.jsonl --id ID`
//! for one case in the context of its round (what the pools gave it).

use super::input::{read_ledger, read_text};
use super::{status, ExplainFormat, Out};
use crate::batch;
use crate::case::{Case, CaseErrors};
use crate::compile::Program;
use crate::date::Date;
use crate::report::{explain, result};
use crate::run::{Mode, Ran, Refused, Runner};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["case", "cases"])))]
pub(super) struct ExplainArgs {
    /// The .policy file.
    policy: PathBuf,
    /// The case: a JSON object (`-` reads standard input); with pools, a round of one.
    #[arg(long)]
    case: Option<PathBuf>,
    /// The whole round (JSONL) the case was judged in: pools are settled over all of it.
    #[arg(long, requires = "id", value_name = "FILE")]
    cases: Option<PathBuf>,
    /// With --cases: the `id` of the case to explain.
    #[arg(long, requires = "cases")]
    id: Option<String>,
    /// What earlier rounds already granted from the policy's pools.
    #[arg(long, value_name = "FILE")]
    pool_ledger: Option<PathBuf>,
    /// The output: text for people, json for programs.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// Read dated parameters as of this date (2026-03-01) instead of the case's own date, or 1 January of its year.
    #[arg(long, value_parser = super::parse_date, value_name = "DATE")]
    as_of: Option<Date>,
}

pub(super) fn run(out: &Out, args: &ExplainArgs) -> u8 {
    let program = match out.load(&args.policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let ledger = match read_ledger(args.pool_ledger.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let runner = Runner::new(&program).as_of(args.as_of).ledger(ledger);
    let ran = match (&args.case, &args.cases, &args.id) {
        (Some(path), _, _) => one_case(&runner, path),
        (None, Some(path), Some(id)) => in_round(&runner, path, id),
        _ => return status::USAGE,
    };
    let Ran { case, outcome, .. } = match ran {
        Ok(ran) => ran,
        Err(Found::Rejected(refused)) => return rejected(&program, refused.errors(&program)),
        Err(Found::Usage) => return status::USAGE,
    };
    match args.format {
        ExplainFormat::Text => print!("{}", explain::text(&program, &case, &outcome)),
        ExplainFormat::Json => {
            let v = explain::json(&program, &case, &outcome);
            print!("{}", crate::report::document(&v));
        }
    }
    status::OK
}

enum Found {
    Rejected(Refused),
    Usage,
}

/// One case on its own: a round of one.
fn one_case(runner: &Runner, path: &Path) -> Result<Ran, Found> {
    let text = read_text(path).map_err(|_| Found::Usage)?;
    runner
        .one(&text, Mode::Explained)
        .map(|(ran, _)| ran)
        .map_err(Found::Rejected)
}

/// The case with this id in a round, granted what the round's pools give it.
fn in_round(runner: &Runner, path: &Path, id: &str) -> Result<Ran, Found> {
    let program = runner.program;
    let text = read_text(path).map_err(|_| Found::Usage)?;
    let reader = runner.reader();
    let mut found: Option<(usize, Result<Case, CaseErrors>)> = None;
    let mut again = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Cheap test first: the id must appear in the line, escaped or not.
        if line.trim().is_empty() || (!line.contains(id) && !line.contains('\\')) {
            continue;
        }
        let read = reader.line(line, i + 1);
        let this = match &read {
            Ok(case) => case.id == id,
            Err(e) => e.id.as_deref() == Some(id),
        };
        if !this {
            continue;
        }
        match found {
            None => found = Some((i + 1, read)),
            Some(_) => again.push(i + 1),
        }
    }
    let Some((line, read)) = found else {
        eprintln!(
            "{} {}",
            t!("error:"),
            t!("no case with id `%{id}` in `%{path}`", id = id, path = path.display())
        );
        return Err(Found::Usage);
    };
    if !again.is_empty() {
        let others: Vec<String> = again.iter().map(usize::to_string).collect();
        eprintln!(
            "{}",
            t!(
                "warning: id `%{id}` is also on line(s) %{others} of `%{path}`; explaining line %{line}",
                id = id,
                others = others.join(", "),
                path = path.display(),
                line = line
            )
        );
    }
    let case = read.map_err(|e| Found::Rejected(Refused::Read(e)))?;
    let settled = if runner.pooled() {
        // A round too large to hold is settled on every core, as `eval` settles it.
        let settled = batch::settle_round(program, text.as_bytes(), runner.as_of_date(), runner.pool_ledger());
        Some(settled.map_err(|e| {
            eprintln!("{} `{}`: {}", t!("error:"), path.display(), crate::lang::io_error(&e));
            Found::Usage
        })?)
    } else {
        None
    };
    runner
        .in_round(case, line, settled.as_ref(), Mode::Explained)
        .map_err(Found::Rejected)
}

fn rejected(program: &Program, errors: CaseErrors) -> u8 {
    print!(
        "{}",
        result::text(&program.policy, &result::CaseResult::Rejected(errors))
    );
    status::ERRORS
}
