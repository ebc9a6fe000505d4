//! `zhice bounds FILE`: the most each award can cost one applicant in a year,
//! and for a population, the worst case beside what the cases cost.

use super::input::read_text;
use super::{status, Out};
use crate::bounds::{bounds, population::population};
use crate::diagnostic::Diagnostic;
use crate::report;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum BoundsFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(super) struct BoundsArgs {
    /// The .policy file.
    policy: PathBuf,
    /// Also evaluate these cases (JSONL): their cost, and their worst case.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// The output: text for people, json for programs.
    #[arg(long, value_enum, default_value_t = BoundsFormat::Text)]
    format: BoundsFormat,
}

pub(super) fn run(out: &Out, args: &BoundsArgs) -> u8 {
    let loaded = match out.load(&args.policy) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let program = &loaded.program;
    let b = bounds(&program.policy, loaded.source());
    let population = match &args.cases {
        None => None,
        Some(path) => match read_text(path) {
            Ok(text) => Some(population(program, &text)),
            Err(code) => return code,
        },
    };
    match args.format {
        BoundsFormat::Json => {
            let v = report::bounds::json(&b, population.as_ref(), program);
            print!("{}", report::document(&v));
        }
        BoundsFormat::Text => {
            let warnings: Vec<Diagnostic> = b
                .awards
                .iter()
                .filter(|a| a.max.is_none())
                .map(|a| {
                    Diagnostic::warning("zhice::bounds::unbounded", t!("nothing bounds award `%{id}`", id = a.id), a.span)
                        .label(t!("no cap limits this award"))
                        .help(t!("a rate with no cap or a list with no cap can pay any amount; add `at most … per applicant per year` if the clause has a ceiling"))
                })
                .collect();
            out.render(&warnings, &args.policy.display().to_string(), loaded.source());
            print!("{}", report::bounds::text(&b, population.as_ref(), program));
        }
    }
    if population.as_ref().is_some_and(|p| p.rejected > 0) {
        status::ERRORS
    } else {
        status::OK
    }
}
