//! `zhice eval FILE (--case FILE.json | --cases FILE.jsonl|FILE.csv|-)`

use super::input::{read_ledger, read_text};
use super::{status, Format, Out};
use crate::batch::{self, CsvAsJsonl, Output, Summary};
use crate::compile::Program;
use crate::date::Date;
use crate::pool::{Ledger, Settled};
use crate::report;
use crate::report::result::{self, CaseResult, Lines};
use crate::run::{Mode, Runner};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum CsvEncoding {
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(alias = "gb18030")]
    Gbk,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").args(["case", "cases"])))]
pub(super) struct EvalArgs {
    /// The .policy file.
    policy: PathBuf,
    /// Many cases given without --cases: a mistake this command explains.
    #[arg(hide = true)]
    stray: Option<PathBuf>,
    /// One case: a JSON object (`-` reads standard input).
    #[arg(long)]
    case: Option<PathBuf>,
    /// Many cases, streamed: JSONL, CSV when the name ends in .csv, the first sheet of an Excel workbook when it ends in .xlsx (`-` reads standard input as JSONL).
    #[arg(long)]
    cases: Option<PathBuf>,
    #[command(flatten)]
    run: RunArgs,
    /// What earlier rounds already granted from the policy's pools (JSON: {"pool": {"2026": "3000000.00"}}).
    #[arg(long, value_name = "FILE")]
    pool_ledger: Option<PathBuf>,
    /// Write what the pools have granted after this round (earlier rounds included), for the next round.
    #[arg(long, value_name = "FILE")]
    write_pool_ledger: Option<PathBuf>,
}

/// How cases are read and their results written: the options `eval` and `round` share.
#[derive(clap::Args)]
pub(super) struct RunArgs {
    /// With --cases FILE.xlsx: the worksheet to read, by its name (default: the first).
    #[arg(long, requires = "cases", value_name = "NAME")]
    pub(super) sheet: Option<String>,
    /// With --cases FILE.csv: the file's encoding, auto (told from the file), utf-8, or gbk (GBK and GB18030).
    #[arg(long, requires = "cases", value_enum, default_value_t = CsvEncoding::Auto)]
    pub(super) encoding: CsvEncoding,
    /// The output: text, json, jsonl, csv, or xlsx (csv and jsonl stream; json builds one array; xlsx writes an Excel workbook to --out).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    /// Write the results to this file instead of standard output: whole, so that a run cut short leaves the file as it was.
    #[arg(long, value_name = "FILE")]
    pub(super) out: Option<PathBuf>,
    /// With --format csv: start the output with a byte-order mark, so that spreadsheet software reads it as UTF-8.
    #[arg(long)]
    pub(super) bom: bool,
    /// Read dated parameters as of this date (2026-03-01) instead of each case's own date, or 1 January of its year.
    #[arg(long, value_parser = super::parse_date, value_name = "DATE")]
    pub(super) as_of: Option<Date>,
    /// What-if: give a parameter another value, e.g. `--set dcmm_level5_amount=60万元`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub(super) sets: Vec<String>,
    /// With --cases: print cases, rejections and per-award figures to stderr.
    #[arg(long)]
    pub(super) summary: bool,
    /// With --cases: write the summary as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub(super) summary_json: Option<PathBuf>,
    /// With --cases: write the summary's tables as an Excel workbook to this file.
    #[arg(long, value_name = "FILE")]
    pub(super) summary_xlsx: Option<PathBuf>,
}

/// What a run of many cases takes besides its cases: what earlier rounds
/// granted, and for a round against the registry, the ledgers and where the
/// grants are kept.
#[derive(Default)]
pub(super) struct Context {
    pub(super) ledger: Ledger,
    pub(super) registered: Option<std::sync::Arc<crate::case::Registered>>,
    pub(super) grants: Option<std::sync::Arc<std::sync::Mutex<Vec<crate::batch::Granted>>>>,
}

/// The UTF-8 byte-order mark, for spreadsheet software that needs it to read CSV as UTF-8.
const BOM: &[u8] = "\u{FEFF}".as_bytes();

/// Where results go: standard output, or the `--out` file, which replaces
/// the one before only once every result is in it.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(crate::whole::Whole),
    /// `--format xlsx`: the CSV lines, made a workbook at the end
    Sheet(Vec<u8>, PathBuf),
}

impl Sink {
    fn open(args: &RunArgs) -> std::io::Result<Sink> {
        Ok(match (&args.out, args.format) {
            (Some(path), Format::Xlsx) => {
                // said now, not after the run: a folder that cannot take the file
                crate::whole::Whole::create(path)?;
                Sink::Sheet(Vec::new(), path.clone())
            }
            (Some(path), _) => Sink::File(crate::whole::Whole::create(path)?),
            (None, _) => Sink::Stdout(std::io::BufWriter::new(std::io::stdout())),
        })
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush(),
            Sink::File(w) => w.finish(),
            Sink::Sheet(csv, path) => {
                let book = crate::batch::xlsx::csv_as_sheet(&csv, &t!("results")).map_err(std::io::Error::other)?;
                crate::whole::write(&path, &book)
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(w) => w.write(buf),
            Sink::Sheet(csv, _) => csv.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(w) => w.flush(),
            Sink::Sheet(..) => Ok(()),
        }
    }
}

/// Says that the results could not be written where `--out` asked.
fn cannot_write(args: &RunArgs, e: &std::io::Error) -> u8 {
    super::cannot_write(args.out.as_deref().unwrap_or(Path::new("-")), e)
}

/// Writes the ledger after this round, when asked to.
fn write_ledger(program: &Program, path: Option<&Path>, ledger: &Ledger, settled: &Settled) -> Result<(), u8> {
    let Some(path) = path else {
        return Ok(());
    };
    let json = serde_json::to_string_pretty(&ledger.after(program, settled).to_json()).unwrap_or_default();
    crate::whole::write(path, (json + "\n").as_bytes()).map_err(|e| super::cannot_write(path, &e))
}

/// Arguments that parse but do not make sense together, said before any work.
fn usage(args: &EvalArgs) -> Result<(), String> {
    if let Some(stray) = &args.stray {
        let flag = if stray.extension().is_some_and(|e| e == "json") {
            "--case"
        } else {
            "--cases"
        };
        return Err(t!(
            "`%{file}` is not an option: to evaluate it, write `%{flag} %{file}`",
            file = stray.display(),
            flag = flag
        )
        .into_owned());
    }
    if args.case.is_none() && args.cases.is_none() {
        return Err(
            t!("say what to evaluate: `--case CASE.json` for one case, `--cases CASES.jsonl` for many").into_owned(),
        );
    }
    if args.case.is_some() && (args.run.summary || args.run.summary_json.is_some() || args.run.summary_xlsx.is_some()) {
        return Err(t!(
            "`--summary`, `--summary-json` and `--summary-xlsx` sum up many cases: use them with `--cases`"
        )
        .into_owned());
    }
    output_usage(&args.run)
}

/// Output options that do not make sense together.
pub(super) fn output_usage(args: &RunArgs) -> Result<(), String> {
    if args.bom && args.format != Format::Csv {
        return Err(t!("`--bom` is for CSV output: add `--format csv`").into_owned());
    }
    if args.format == Format::Xlsx && args.out.is_none() {
        return Err(t!("`--format xlsx` writes a workbook: say where with `--out RESULTS.xlsx`").into_owned());
    }
    Ok(())
}

pub(super) fn run(out: &Out, args: &EvalArgs) -> u8 {
    if let Err(message) = usage(args) {
        eprintln!("{} {message}", t!("error:"));
        return status::USAGE;
    }
    let program = match out.load(&args.policy).map(|l| l.with_overrides(&args.run.sets)) {
        Ok(Ok(l)) => l.program,
        Ok(Err(message)) => {
            eprintln!("{} {}", t!("error:"), message);
            return status::USAGE;
        }
        Err(code) => return code,
    };
    match (&args.case, &args.cases) {
        (Some(path), _) => one_case(&program, path, args),
        (None, Some(path)) => {
            let ledger = match read_ledger(args.pool_ledger.as_deref()) {
                Ok(l) => l,
                Err(code) => return code,
            };
            let context = Context {
                ledger,
                ..Context::default()
            };
            match many_cases(&program, path, &args.run, &context) {
                Ok((summary, settled)) => {
                    if let Err(code) =
                        write_ledger(&program, args.write_pool_ledger.as_deref(), &context.ledger, &settled)
                    {
                        return code;
                    }
                    rejected_status(&summary)
                }
                Err(code) => code,
            }
        }
        (None, None) => status::USAGE,
    }
}

fn one_case(program: &Program, path: &Path, args: &EvalArgs) -> u8 {
    let text = match read_text(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if text.lines().filter(|l| l.trim_start().starts_with('{')).count() > 1 {
        eprintln!(
            "{} {}",
            t!("error:"),
            t!(
                "`%{file}` holds several cases, one per line: evaluate them with `--cases %{file}`",
                file = path.display()
            )
        );
        return status::USAGE;
    }
    let ledger = match read_ledger(args.pool_ledger.as_deref()) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let runner = Runner::new(program).as_of(args.run.as_of).ledger(ledger.clone());
    let (result, settled) = match runner.one(&text, Mode::Plain) {
        Ok((ran, settled)) => (
            CaseResult::Done {
                id: ran.case.id,
                outcome: ran.outcome,
            },
            settled,
        ),
        Err(refused) => (CaseResult::Rejected(refused.errors(program)), Settled::default()),
    };
    if let Err(code) = write_ledger(program, args.write_pool_ledger.as_deref(), &ledger, &settled) {
        return code;
    }
    let lines = Lines::new(&program.policy);
    let text = match args.run.format {
        Format::Text => result::text(&program.policy, &result),
        Format::Json | Format::Jsonl => format!("{}\n", lines.json_line(&result)),
        Format::Csv | Format::Xlsx => {
            let mut s = lines.csv_header();
            match &result {
                CaseResult::Done { id, outcome } => lines.csv(id, outcome, &mut s),
                CaseResult::Rejected(e) => lines.rejected(e, None, Output::Csv, &mut s),
            }
            s
        }
    };
    let written = Sink::open(&args.run).and_then(|mut sink| {
        if args.run.bom {
            sink.write_all(BOM)?;
        }
        sink.write_all(text.as_bytes())?;
        sink.finish()
    });
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return cannot_write(&args.run, &e),
        Ok(()) => {}
    }
    if matches!(result, CaseResult::Rejected(_)) {
        eprintln!("{}", t!("the case had errors and got no result"));
        status::ERRORS
    } else {
        status::OK
    }
}

/// Runs a file of cases and writes their results, the summary and the notes;
/// returns what was granted, or the exit status of a run that could not be made.
pub(super) fn many_cases(
    program: &Program,
    path: &Path,
    args: &RunArgs,
    context: &Context,
) -> Result<(Summary, Settled), u8> {
    let stdin = path == Path::new("-");
    let xlsx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    // A workbook's sheet (the first, or --sheet) is read as a CSV file: its first row names the fields.
    let csv = xlsx || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let sheet: Option<(Vec<u8>, crate::batch::Sheet)> = if xlsx {
        let read = std::fs::read(path)
            .map_err(|e| crate::lang::io_error(&e))
            .and_then(|bytes| crate::batch::xlsx::sheet_as_csv(&bytes, args.sheet.as_deref()));
        match read {
            Ok(csv) => Some(csv),
            Err(e) => {
                eprintln!("{} `{}`: {}", t!("error:"), path.display(), e);
                return Err(status::USAGE);
            }
        }
    } else {
        None
    };
    let pooled = !program.policy.pools.is_empty();
    let ledger = &context.ledger;
    // A round with pools is read twice: standard input is kept in a file for the second reading.
    let spool = if pooled && stdin {
        match spool_stdin() {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!(
                    "{} {}",
                    t!("error:"),
                    t!(
                        "cannot keep standard input for a second reading: %{reason}",
                        reason = crate::lang::io_error(&e)
                    )
                );
                return Err(status::USAGE);
            }
        }
    } else {
        None
    };
    let file: Option<&Path> = spool.as_deref().or((!stdin).then_some(path));
    if let Some(f) = file {
        if let Err(e) = std::fs::File::open(f) {
            eprintln!(
                "{} {}",
                t!("error:"),
                t!(
                    "cannot read `%{path}`: %{reason}",
                    path = f.display(),
                    reason = crate::lang::io_error(&e)
                )
            );
            return Err(status::USAGE);
        }
    }
    let gbk_seen = std::sync::atomic::AtomicBool::new(false);
    let source = || -> std::io::Result<Box<dyn Read + Send>> {
        Ok(match (&sheet, file) {
            (Some((csv, _)), _) => Box::new(std::io::Cursor::new(csv.clone())),
            (None, Some(f)) => Box::new(std::fs::File::open(f)?),
            (None, None) => Box::new(std::io::stdin()),
        })
    };
    let open_table = || -> std::io::Result<CsvAsJsonl<Box<dyn Read + Send>>> {
        let encoding = match args.encoding {
            CsvEncoding::Auto => crate::batch::Encoding::Sniffed,
            CsvEncoding::Utf8 => crate::batch::Encoding::Utf8,
            CsvEncoding::Gbk => crate::batch::Encoding::Gbk,
        };
        let the_sheet = sheet.as_ref().map(|(_, s)| s.clone());
        let (table, gbk) = crate::batch::table_reader(program, source()?, encoding, the_sheet)?;
        gbk_seen.store(gbk, std::sync::atomic::Ordering::Relaxed);
        Ok(table)
    };
    let open = || -> std::io::Result<Box<dyn Read + Send>> {
        if csv {
            Ok(Box::new(open_table()?))
        } else {
            source()
        }
    };
    // A table's sheet and columns, named where a row is rejected.
    let mut table = None;
    if csv {
        match open_table() {
            Ok(t) => {
                // rows above the header are passed over: said, not silent
                if t.above_header() > 0 {
                    eprintln!(
                        "{} {}",
                        t!("note:"),
                        t!(
                            "the first %{n} row(s) of `%{file}` name no field: read as a title above the header, not as cases",
                            n = t.above_header(),
                            file = path.display()
                        )
                    );
                }
                table = Some(std::sync::Arc::new(t.table()));
            }
            Err(e) => {
                eprintln!("{} `{}`: {}", t!("error:"), path.display(), crate::lang::io_error(&e));
                return Err(status::USAGE);
            }
        }
        if gbk_seen.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!(
                "{} {}",
                t!("note:"),
                t!(
                    "`%{file}` is not UTF-8: it is read as GBK, as Excel on Chinese Windows saves it",
                    file = path.display()
                )
            );
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
        Format::Csv | Format::Xlsx => Output::Csv,
        Format::Text => Output::Text,
        _ => Output::Json,
    };
    let options = batch::Options {
        as_of: args.as_of,
        table,
        // Ids given twice are reported with the summary, which asks for the population's figures.
        check_ids: args.summary || args.summary_json.is_some() || args.summary_xlsx.is_some(),
        figures: args.summary || args.summary_json.is_some() || args.summary_xlsx.is_some(),
        registered: context.registered.clone(),
        grants: context.grants.clone(),
        ..batch::Options::new(output)
    };
    let run = |out: &mut (dyn Write + Send)| -> std::io::Result<(Summary, Settled)> {
        if pooled {
            batch::run_round(program, &open, out, options.clone(), ledger, &tick)
        } else {
            batch::run(program, open()?, out, options.clone(), &tick).map(|s| (s, Settled::default()))
        }
    };
    let mut sink = match Sink::open(args) {
        Ok(s) => s,
        Err(e) => return Err(cannot_write(args, &e)),
    };
    let ran = match args.format {
        Format::Json => json_array(&run, &mut sink),
        _ => {
            let bom = if args.bom { sink.write_all(BOM) } else { Ok(()) };
            bom.and_then(|()| run(&mut sink))
        }
    };
    // (a run that failed drops the sink unfinished: an `--out` file stays as it was)
    let ran = ran.and_then(|r| sink.finish().map(|()| r));
    if let Some(p) = spool {
        let _ = std::fs::remove_file(p);
    }
    let summary = ran;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let (summary, settled) = match summary {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Err(status::OK),
        Err(e) => {
            eprintln!("{} {}", t!("error:"), e);
            return Err(status::USAGE);
        }
    };
    if args.summary {
        eprint!("{}", report::summary::text(program, &summary, &settled));
    }
    if let Some(file) = &args.summary_json {
        let json =
            serde_json::to_string_pretty(&report::summary::json(program, &summary, &settled)).unwrap_or_default();
        if let Err(e) = crate::whole::write(file, (json + "\n").as_bytes()) {
            return Err(super::cannot_write(file, &e));
        }
    }
    if let Some(file) = &args.summary_xlsx {
        let written = crate::batch::xlsx::tables_as_workbook(&report::summary::document(program, &summary, &settled))
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::whole::write(file, &bytes));
        if let Err(e) = written {
            return Err(super::cannot_write(file, &e));
        }
    }
    Ok((summary, settled))
}

/// The exit status of a run: errors when some case got no result, said on stderr.
pub(super) fn rejected_status(summary: &Summary) -> u8 {
    if summary.rejected > 0 {
        eprintln!(
            "{}",
            t!(
                "%{rejected} of %{cases} case(s) had errors and got no result",
                rejected = summary.rejected,
                cases = summary.cases
            )
        );
        status::ERRORS
    } else {
        status::OK
    }
}

/// `--format json` with many cases: one array, built in memory.
fn json_array<T>(
    run: &dyn Fn(&mut (dyn Write + Send)) -> std::io::Result<T>,
    out: &mut dyn Write,
) -> std::io::Result<T> {
    let mut buf = Vec::new();
    let result = run(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let lines: Vec<&str> = text.lines().collect();
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
    let style =
        indicatif::ProgressStyle::with_template(&t!("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    Some(bar)
}
