//! `zhice explain FILE --case CASE.json`, or `--cases ROUND.jsonl --id ID`
//! for one case in the context of its round (what the pools gave it).

use super::input::{read_ledger, read_text};
use super::{status, ExplainFormat, Out};
use crate::batch;
use crate::case::{Case, CaseErrors};
use crate::compile::Program;
use crate::date::Date;
use crate::grants::{AwardRow, Registry};
use crate::report::{explain, result};
use crate::run::{Mode, Ran, Refused, Runner};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    #[arg(long, value_name = "FILE", conflicts_with = "registry")]
    pool_ledger: Option<PathBuf>,
    /// Read the applicant's past awards and the funds' spending from this grant registry (the case names its `applicant`), and list the registered awards the caps read.
    #[arg(long, value_name = "URL")]
    registry: Option<String>,
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
    let mut registry = match args.registry.as_deref().map(Registry::open).transpose() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{} {e}", t!("error:"));
            return status::USAGE;
        }
    };
    let mut runner = Runner::new(&program).as_of(args.as_of);
    if let Some(registry) = registry.as_mut() {
        match registry.history(&program) {
            Ok(history) => runner = runner.ledger(history.pools).registered(Arc::new(history.registered)),
            Err(e) => {
                eprintln!("{} {e}", t!("error:"));
                return status::USAGE;
            }
        }
    } else {
        match read_ledger(args.pool_ledger.as_deref()) {
            Ok(l) => runner = runner.ledger(l),
            Err(code) => return code,
        }
    }
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
    // The awards the registry holds for the applicant: what the caps read, by round.
    let registered = match (registry.as_mut(), case.applicant_name()) {
        (Some(r), Some(applicant)) => match r.counted_awards(&program.policy.header.title, applicant) {
            Ok(rows) => rows,
            Err(e) => {
                eprintln!("{} {e}", t!("error:"));
                return status::USAGE;
            }
        },
        _ => Vec::new(),
    };
    match args.format {
        ExplainFormat::Text => {
            print!("{}", explain::text(&program, &case, &outcome));
            if let (true, Some(applicant)) = (registry.is_some(), case.applicant_name()) {
                print!("{}", registered_text(applicant, &registered));
            }
        }
        ExplainFormat::Json => {
            let mut v = explain::json(&program, &case, &outcome);
            if let (Some(map), true) = (v.as_object_mut(), registry.is_some()) {
                map.insert("applicant".into(), serde_json::json!(case.applicant_name()));
                map.insert("registered".into(), serde_json::json!(registered));
            }
            print!("{}", crate::report::document(&v));
        }
    }
    status::OK
}

/// The registered awards a case's caps read, under the explanation.
fn registered_text(applicant: &str, awards: &[AwardRow]) -> String {
    let mut out = format!(
        "\n{}\n",
        t!(
            "awards the registry holds for `%{applicant}` (what the caps above read):",
            applicant = applicant
        )
    );
    if awards.is_empty() {
        out.push_str(&format!("  {}\n", t!("none")));
    }
    for a in awards {
        let item = a.item.as_deref().map(|i| format!(" [{i}]")).unwrap_or_default();
        out.push_str(&format!(
            "  {:<16} {} {:>16}  {}\n",
            format!("{}{item}", a.award),
            a.year,
            crate::number::money(a.amount),
            t!("round %{round}, case %{id}", round = a.round, id = a.case_id)
        ));
    }
    out
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
        let settled = batch::settle_round(
            program,
            text.as_bytes(),
            runner.as_of_date(),
            runner.pool_ledger(),
            runner.registry(),
        );
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
