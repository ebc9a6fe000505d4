//! `zhice eval FILE (--case FILE.json | --cases FILE.jsonl|FILE.csv|-)`

use super::input::{read_ledger, read_text};
use super::{status, Format, Out};
use crate::batch::{self, CsvAsJsonl, Output, Summary};
use crate::case::Reader;
use crate::check::model::RationRule;
use crate::compile::Program;
use crate::date::Date;
use crate::eval::evaluate;
use crate::number::money;
use crate::pool::{self, Ledger, Settled};
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
    /// what earlier rounds already granted from the policy's pools (JSON: {"pool": {"2026": "3000000.00"}})
    #[arg(long, value_name = "FILE")]
    pool_ledger: Option<PathBuf>,
    /// write what the pools have granted after this round (earlier rounds included), for the next round
    #[arg(long, value_name = "FILE")]
    write_pool_ledger: Option<PathBuf>,
}

/// Writes the ledger after this round, when asked to.
fn write_ledger(program: &Program, args: &EvalArgs, ledger: &Ledger, settled: &Settled) -> Result<(), u8> {
    let Some(path) = &args.write_pool_ledger else {
        return Ok(());
    };
    let json = serde_json::to_string_pretty(&ledger.after(program, settled).to_json()).unwrap_or_default();
    std::fs::write(path, json + "\n").map_err(|e| {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        status::USAGE
    })
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
    let ledger = match read_ledger(args.pool_ledger.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut settled = Settled::default();
    let result = match Reader::new(&program.policy).text(&text) {
        Err(errors) => CaseResult::Rejected(errors),
        Ok(case) => match evaluate(program, &case, args.as_of, false) {
            Ok(mut outcome) => match pool::alone(program, &case, &mut outcome, &ledger) {
                Ok(s) => {
                    settled = s;
                    CaseResult::Done { id: case.id, outcome }
                }
                Err(e) => CaseResult::Rejected(e),
            },
            Err(e) => CaseResult::Rejected(result::eval_error(program, &case.id, &e)),
        },
    };
    if let Err(code) = write_ledger(program, args, &ledger, &settled) {
        return code;
    }
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
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let pooled = !program.policy.pools.is_empty();
    let ledger = match read_ledger(args.pool_ledger.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // A round with pools is read twice: standard input is kept in a file for the second reading.
    let spool = if pooled && stdin {
        match spool_stdin() {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("error: cannot keep standard input for a second reading: {e}");
                return status::USAGE;
            }
        }
    } else {
        None
    };
    let file: Option<&Path> = spool.as_deref().or((!stdin).then_some(path));
    if let Some(f) = file {
        if let Err(e) = std::fs::File::open(f) {
            eprintln!("error: cannot read `{}`: {e}", f.display());
            return status::USAGE;
        }
    }
    let open = || -> std::io::Result<Box<dyn Read + Send>> {
        let source: Box<dyn Read + Send> = match file {
            Some(f) => Box::new(std::fs::File::open(f)?),
            None => Box::new(std::io::stdin()),
        };
        if csv {
            Ok(Box::new(
                CsvAsJsonl::new(program, source).map_err(std::io::Error::other)?,
            ))
        } else {
            Ok(source)
        }
    };
    if csv {
        if let Err(e) = open() {
            eprintln!("error: `{}`: {e}", path.display());
            return status::USAGE;
        }
    }
    let size = file.map_or(0, |f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
    let bar = progress_bar(if pooled { size * 2 } else { size });
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    };
    let output = match args.format {
        Format::Csv => Output::Csv,
        Format::Text => Output::Text,
        _ => Output::Json,
    };
    let run = |out: &mut (dyn Write + Send)| -> std::io::Result<(Summary, Settled)> {
        if pooled {
            batch::run_round(program, &open, out, output, args.as_of, &ledger, &tick)
        } else {
            batch::run(program, open()?, out, output, args.as_of, &tick).map(|s| (s, Settled::default()))
        }
    };
    let ran = match args.format {
        Format::Json => json_array(&run),
        _ => run(&mut std::io::BufWriter::new(std::io::stdout())),
    };
    if let Some(p) = spool {
        let _ = std::fs::remove_file(p);
    }
    let summary = ran.map(|(summary, settled)| {
        let _ = write_ledger(program, args, &ledger, &settled);
        (summary, settled)
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (summary, settled) = match summary {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return status::OK,
        Err(e) => {
            eprintln!("error: {e}");
            return status::USAGE;
        }
    };
    if args.summary {
        eprint!("{}", summary_text(program, &summary, &settled));
    }
    if let Some(file) = &args.summary_json {
        let json = serde_json::to_string_pretty(&summary_json(program, &summary, &settled)).unwrap_or_default();
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
fn json_array<T>(run: &dyn Fn(&mut (dyn Write + Send)) -> std::io::Result<T>) -> std::io::Result<T> {
    let mut buf = Vec::new();
    let result = run(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "[{}]", lines.join(",\n "))?;
    Ok(result)
}

/// Standard input copied into a file of its own, for a second reading.
fn spool_stdin() -> std::io::Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("zhice-round-{}.jsonl", std::process::id()));
    let mut file = std::fs::File::create(&path)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut file)?;
    Ok(path)
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

fn summary_text(program: &Program, s: &Summary, settled: &Settled) -> String {
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
    for (&(p, period), a) in &settled.allocations {
        let pool = &program.policy.pools[p];
        out.push_str(&format!(
            "pool {} {}: {} for this round, demand {} from {} applicant(s), granted {}{}\n",
            pool.id,
            pool::period_name(pool, period),
            money(a.available),
            money(a.demand),
            a.applicants,
            money(a.granted),
            match (&pool.ration, a.exceeded) {
                (_, false) => ", not exceeded".to_string(),
                (RationRule::InOrder { key, words, .. }, true) => {
                    format!(", exceeded: paid in order of {}, {words}", key.name(&program.policy))
                }
                (_, true) => format!(", exceeded: factor {}", a.factor()),
            }
        ));
    }
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

fn summary_json(program: &Program, s: &Summary, settled: &Settled) -> serde_json::Value {
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
    let pools: Vec<serde_json::Value> = settled
        .allocations
        .iter()
        .map(|(&(p, period), a)| {
            let pool = &program.policy.pools[p];
            serde_json::json!({
                "pool": pool.id,
                "period": pool::period_name(pool, period),
                "amount": a.amount.to_string(),
                "granted_before": a.before.to_string(),
                "available": a.available.to_string(),
                "demand": a.demand.to_string(),
                "applicants": a.applicants,
                "exceeded": a.exceeded,
                "factor": a.factor().to_string(),
                "granted": a.granted.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "pools": pools,
        "cases": s.cases,
        "evaluated": s.cases - s.rejected,
        "with_errors": s.rejected,
        "awards": awards,
        "total": s.total.to_string(),
        "complete": !s.overflowed,
    })
}
