//! `zhice eval FILE (--case FILE.json | --cases FILE.jsonl|FILE.csv|-)`

use super::input::read_text;
use super::{status, Format, Out};
use crate::batch::{self, CsvAsJsonl, Output, Summary};
use crate::case::Reader;
use crate::compile::Program;
use crate::date::Date;
use crate::eval::evaluate;
use crate::number::money;
use crate::report::result::{self, CaseResult, Lines};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["case", "cases"])))]
pub(super) struct EvalArgs {
    policy: PathBuf,
    /// one case: a JSON object (`-` reads standard input)
    #[arg(long)]
    case: Option<PathBuf>,
    /// many cases, streamed: JSONL, or CSV when the name ends in .csv (`-` reads standard input as JSONL)
    #[arg(long)]
    cases: Option<PathBuf>,
    /// text, json, jsonl, or csv (csv and jsonl stream; json builds one array)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// read dated parameters as of this date instead of 1 January of each case's year
    #[arg(long, value_parser = super::parse_date)]
    as_of: Option<Date>,
    /// what-if: give a parameter another value, e.g. `--set dcmm_level5_amount=60万元`
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// with --cases: print cases, rejections and per-award figures to stderr
    #[arg(long, requires = "cases")]
    summary: bool,
    /// with --cases: write the summary as JSON to this file
    #[arg(long, requires = "cases", value_name = "FILE")]
    summary_json: Option<PathBuf>,
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
    match (&args.case, &args.cases) {
        (Some(path), _) => one_case(&program, path, args),
        (None, Some(path)) => many_cases(&program, path, args),
        (None, None) => status::USAGE,
    }
}

fn one_case(program: &Program, path: &Path, args: &EvalArgs) -> u8 {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let result = match Reader::new(&program.policy).text(&text) {
        Err(errors) => CaseResult::Rejected(errors),
        Ok(case) => match evaluate(program, &case, args.as_of, false) {
            Ok(outcome) => CaseResult::Done { id: case.id, outcome },
            Err(e) => CaseResult::Rejected(result::eval_error(program, &case.id, &e)),
        },
    };
    let lines = Lines::new(&program.policy);
    let text = match args.format {
        Format::Text => result::text(&program.policy, &result),
        Format::Json | Format::Jsonl => format!("{}\n", lines.json_line(&result)),
        Format::Csv => {
            let mut s = lines.csv_header();
            match &result {
                CaseResult::Done { id, outcome } => lines.csv(id, outcome, &mut s),
                CaseResult::Rejected(e) => lines.rejected(e, None, Output::Csv, &mut s),
            }
            s
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if matches!(result, CaseResult::Rejected(_)) {
        eprintln!("the case had errors and was not evaluated");
        status::ERRORS
    } else {
        status::OK
    }
}

fn many_cases(program: &Program, path: &Path, args: &EvalArgs) -> u8 {
    let stdin = path == Path::new("-");
    let source: Box<dyn Read + Send> = if stdin {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return status::USAGE;
            }
        }
    };
    let source: Box<dyn Read + Send> = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        match CsvAsJsonl::new(program, source) {
            Ok(r) => Box::new(r),
            Err(message) => {
                eprintln!("error: `{}`: {message}", path.display());
                return status::USAGE;
            }
        }
    } else {
        source
    };
    let size = if stdin {
        0
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    };
    let bar = progress_bar(size);
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let stdout = std::io::stdout();
    let summary = match args.format {
        Format::Json => json_array(program, source, args.as_of, &tick),
        format => {
            let output = match format {
                Format::Csv => Output::Csv,
                Format::Text => Output::Text,
                _ => Output::Json,
            };
            batch::run(program, source, stdout, output, args.as_of, &tick)
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = match summary {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return status::OK,
        Err(e) => {
            eprintln!("error: {e}");
            return status::USAGE;
        }
    };
    if args.summary {
        eprint!("{}", summary_text(program, &summary));
    }
    if let Some(file) = &args.summary_json {
        let json = serde_json::to_string_pretty(&summary_json(program, &summary)).unwrap_or_default();
        if let Err(e) = std::fs::write(file, json + "\n") {
            eprintln!("error: cannot write `{}`: {e}", file.display());
            return status::USAGE;
        }
    }
    if summary.rejected > 0 {
        eprintln!(
            "{} of {} case(s) had errors and were not evaluated",
            summary.rejected, summary.cases
        );
        status::ERRORS
    } else {
        status::OK
    }
}

/// `--format json` with many cases: one array, built in memory.
fn json_array(
    program: &Program,
    source: Box<dyn Read + Send>,
    as_of: Option<Date>,
    tick: &(dyn Fn(u64) + Sync),
) -> std::io::Result<Summary> {
    let mut buf = Vec::new();
    let summary = batch::run(program, source, &mut buf, Output::Json, as_of, tick)?;
    let text = String::from_utf8_lossy(&buf);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "[{}]", lines.join(",\n "))?;
    Ok(summary)
}

/// A progress bar on stderr for long runs on a terminal; none otherwise.
fn progress_bar(size: u64) -> Option<indicatif::ProgressBar> {
    const LONG: u64 = 32 << 20;
    if size < LONG || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}");
    if let Ok(style) = style {
        bar.set_style(style);
    }
    Some(bar)
}

fn summary_text(program: &Program, s: &Summary) -> String {
    let mut out = format!(
        "cases {}, evaluated {}, with errors {}\n",
        s.cases,
        s.cases - s.rejected,
        s.rejected
    );
    out.push_str(&format!(
        "{:<16} {:>10} {:>18} {:>16} {:>16}\n",
        "award", "recipients", "total", "mean", "max"
    ));
    for (m, a) in program.policy.measures.iter().zip(&s.awards) {
        let mean = mean(a.total, a.recipients);
        out.push_str(&format!(
            "{:<16} {:>10} {:>18} {:>16} {:>16}\n",
            m.id,
            a.recipients,
            money(a.total),
            mean.map(money).unwrap_or_else(|| "—".into()),
            money(a.max)
        ));
    }
    out.push_str(&format!("grand total {}\n", money(s.total)));
    if s.overflowed {
        out.push_str("warning: a sum left the decimal range; the figures above are incomplete\n");
    }
    out
}

/// The mean amount per recipient, rounded to 0.01.
fn mean(total: rust_decimal::Decimal, n: u64) -> Option<rust_decimal::Decimal> {
    (n > 0)
        .then(|| total.checked_div(n.into()).map(|m| m.round_dp(2)))
        .flatten()
}

fn summary_json(program: &Program, s: &Summary) -> serde_json::Value {
    let awards: serde_json::Map<String, serde_json::Value> = program
        .policy
        .measures
        .iter()
        .zip(&s.awards)
        .map(|(m, a)| {
            let v = serde_json::json!({
                "recipients": a.recipients,
                "total": a.total.to_string(),
                "mean": mean(a.total, a.recipients).map(|m| m.to_string()),
                "max": a.max.to_string(),
            });
            (m.id.clone(), v)
        })
        .collect();
    serde_json::json!({
        "cases": s.cases,
        "evaluated": s.cases - s.rejected,
        "with_errors": s.rejected,
        "awards": awards,
        "total": s.total.to_string(),
        "complete": !s.overflowed,
    })
}
