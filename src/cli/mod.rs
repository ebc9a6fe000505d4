//! The `zhice` command line. The only module that prints or exits.

mod bounds;
mod check;
mod diff;
mod doc;
mod eval;
mod explain;
mod fmt;
mod help;
mod input;
mod registry;
mod round;
mod sample;
mod serve;
mod test;

use crate::lang::{self, Lang};
use crate::load::{self, LoadError, Loaded};
use crate::report::diagnostics::{render, ErrorFormat};
use crate::syntax::ast::Date;
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// zhice (智策): rules-as-code for public subsidy policy.
#[derive(Parser)]
#[command(
    name = "zhice",
    version,
    about,
    long_about = None,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = help::MAIN_EXAMPLES
)]
pub struct Cli {
    /// How to show problems in a policy file: human (with the source), plain, or json.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human, global = true)]
    error_format: ErrorFormat,
    /// The language of messages and reports: zh (中文) or en. Default: ZHICE_LANG, then the locale (LANG), then the policy's own language.
    #[arg(long, value_enum, global = true, hide_possible_values = true)]
    lang: Option<Lang>,
    /// Print help.
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Print the version.
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a policy file: names, types and units, tiers, precedence, lints.
    #[command(after_help = help::CHECK_EXAMPLES)]
    Check {
        /// The .policy file to check (`-` reads standard input).
        policy: PathBuf,
    },
    /// Evaluate one case or a file of cases.
    #[command(after_help = help::EVAL_EXAMPLES)]
    Eval(eval::EvalArgs),
    /// A round of applications against the grant registry: each applicant's past awards and each fund's spending read from it; `--commit ID` writes the round.
    #[command(after_help = help::ROUND_EXAMPLES)]
    Round(round::RoundArgs),
    /// Read and keep the grant registry: an applicant's ledger, the rounds, the funds; void a round.
    #[command(subcommand, after_help = help::REGISTRY_EXAMPLES)]
    Registry(registry::RegistryCommand),
    /// Explain every award of one case: clause, clause text, each step of the arithmetic.
    #[command(after_help = help::EXPLAIN_EXAMPLES)]
    Explain(explain::ExplainArgs),
    /// Compare two versions of a policy: what changed in meaning, and its impact on cases.
    #[command(after_help = help::DIFF_EXAMPLES)]
    Diff(diff::DiffArgs),
    /// The most each award can cost one applicant in a year, and awards nothing bounds.
    #[command(after_help = help::BOUNDS_EXAMPLES)]
    Bounds(bounds::BoundsArgs),
    /// Write synthetic cases from the policy's declared inputs, one JSON object per line.
    #[command(after_help = help::SAMPLE_EXAMPLES)]
    Sample(sample::SampleArgs),
    /// Print the JSON Schema (2020-12) of the policy's case format, for the tools that produce cases.
    #[command(after_help = help::SCHEMA_EXAMPLES)]
    Schema {
        /// The .policy file.
        policy: PathBuf,
        /// Which format: case (what a case may hold) or result (what `eval --format jsonl` writes for a case).
        #[arg(long, value_enum, default_value_t = SchemaOf::Case)]
        format: SchemaOf,
    },
    /// Lay policy and tests files out canonically, in place.
    #[command(after_help = help::FMT_EXAMPLES)]
    Fmt {
        /// The .policy and .tests files to lay out.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing: show what would change, and exit 1 if some file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// The policy as a book for readers: each measure under its clause, in words, with worked examples.
    #[command(after_help = help::DOC_EXAMPLES)]
    Doc(doc::DocArgs),
    /// Serve every policy of a directory over HTTP: evaluate, explain, diff, bounds, schema (OpenAPI at /openapi.json).
    #[command(after_help = help::SERVE_EXAMPLES)]
    Serve(serve::ServeArgs),
    /// Serve an editor over standard input and output (the Language Server Protocol).
    #[command(after_help = help::LSP_EXAMPLES)]
    Lsp,
    /// Run the drafters' tests of a policy and report clause coverage.
    #[command(after_help = help::TEST_EXAMPLES)]
    Test {
        /// The .policy file; its tests are in the file itself and in NAME.tests beside it.
        policy: PathBuf,
        /// Fail when some measure is exercised by no test.
        #[arg(long)]
        require_coverage: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
    // an Excel workbook, written to `--out`
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaOf {
    Case,
    Result,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    crate::syntax::literal::date(s).ok_or_else(|| t!("`%{text}` is not a date like 2025-01-01", text = s).into_owned())
}

/// Exit statuses, the same for every subcommand.
/// The command line's names for the language and the diagnostics' format:
/// the types themselves know nothing of clap.
impl clap::ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &[Lang::Zh, Lang::En]
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(match self {
            Lang::Zh => clap::builder::PossibleValue::new("zh").help("中文"),
            Lang::En => clap::builder::PossibleValue::new("en").help("English"),
        })
    }
}

impl clap::ValueEnum for ErrorFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[ErrorFormat::Human, ErrorFormat::Plain, ErrorFormat::Json]
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            ErrorFormat::Human => "human",
            ErrorFormat::Plain => "plain",
            ErrorFormat::Json => "json",
        }))
    }
}

pub mod status {
    /// everything ran; no errors
    pub const OK: u8 = 0;
    /// errors in the policy, in a case, or a failing test
    pub const ERRORS: u8 = 1;
    /// bad arguments or an unreadable file
    pub const USAGE: u8 = 2;
}

pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language is needed before parsing: the help is in it.
    if let Some(l) = lang::requested(help::lang_flag(&args)) {
        lang::set(l);
    }
    let command = help::localized(Cli::command());
    let cli = match command
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            match help::chinese_error(&e) {
                Some(message) => eprintln!("{message}"),
                None if lang::is_zh() && !e.use_stderr() => print!("{}", help::shown(&e)),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(if e.use_stderr() { status::USAGE } else { status::OK });
        }
    };
    let out = Out {
        error_format: cli.error_format,
        color: color_wanted(),
    };
    let code = match cli.command {
        Command::Check { policy } => check::run(&out, &policy),
        Command::Eval(args) => eval::run(&out, &args),
        Command::Round(args) => round::run(&out, &args),
        Command::Registry(command) => registry::run(&out, &command),
        Command::Diff(args) => diff::run(&out, &args),
        Command::Sample(args) => sample::run(&out, &args),
        Command::Bounds(args) => bounds::run(&out, &args),
        Command::Explain(args) => explain::run(&out, &args),
        Command::Test {
            policy,
            require_coverage,
        } => test::run(&out, &policy, require_coverage),
        Command::Fmt { files, check } => fmt::run(&out, &files, check),
        Command::Lsp => match crate::lsp::run(cli.lang) {
            Ok(()) => status::OK,
            Err(e) => {
                eprintln!("zhice lsp: {e}");
                status::ERRORS
            }
        },
        Command::Serve(args) => serve::run(&args),
        Command::Doc(args) => doc::run(&out, &args),
        Command::Schema { policy, format } => match out.load(&policy) {
            Ok(l) => {
                let schema = match format {
                    SchemaOf::Case => crate::case::schema::case_schema(&l.program.policy),
                    SchemaOf::Result => crate::report::schema::result_schema(&l.program.policy),
                };
                print!("{}", crate::report::document(&schema));
                status::OK
            }
            Err(code) => code,
        },
    };
    ExitCode::from(code)
}

/// Every English text of the command-line help, for the test that each has its Chinese.
pub fn help_texts() -> Vec<String> {
    help::texts(&Cli::command())
}

/// Unless the command line or the environment chose, the policy's language is used.
fn follow_language(path: &Path) {
    if let Ok(source) = std::fs::read_to_string(path) {
        lang::follow_source(&source);
    }
}

fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// How diagnostics are shown.
pub(crate) struct Out {
    error_format: ErrorFormat,
    color: bool,
}

impl Out {
    fn diagnostics(&self, reports: &[load::FileReport]) {
        for r in reports.iter().filter(|r| !r.diagnostics.is_empty()) {
            self.render(&r.diagnostics, &r.path, &r.source);
        }
    }

    fn render(&self, diags: &[crate::diagnostic::Diagnostic], path: &str, source: &str) {
        eprint!("{}", render(diags, path, source, self.error_format, self.color));
    }

    /// Loads a policy, showing its warnings; on failure shows why and gives the exit status.
    fn load(&self, path: &Path) -> Result<Loaded, u8> {
        follow_language(path);
        match load::load(path) {
            Ok(loaded) => {
                self.diagnostics(&loaded.reports);
                Ok(loaded)
            }
            Err(LoadError::Io(message)) => {
                eprintln!("{} {}", t!("error:"), message);
                Err(status::USAGE)
            }
            Err(LoadError::Invalid(reports)) => {
                self.diagnostics(&reports);
                Err(status::ERRORS)
            }
        }
    }
}

/// Says that `path` could not be written, and why; the exit status for it.
pub(super) fn cannot_write(path: &std::path::Path, e: &std::io::Error) -> u8 {
    eprintln!(
        "{} {}",
        t!("error:"),
        t!(
            "cannot write `%{path}`: %{reason}",
            path = path.display(),
            reason = crate::lang::io_error(e)
        )
    );
    status::USAGE
}
