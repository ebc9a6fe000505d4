//! `zhice diff OLD NEW [--cases FILE.jsonl]`: what changed in meaning, and
//! what it does to the cases.

use super::input::read_text;
use super::{status, Out};
use crate::diff::impact::{impact, weight_refused};
use crate::diff::{compare, Side};
use crate::report::diff as render;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum DiffFormat {
    Text,
    Json,
    Markdown,
    Html,
    // its tables (the impact), one sheet each, to --out
    Xlsx,
}

#[derive(clap::Args)]
pub(super) struct DiffArgs {
    /// The earlier version (.policy).
    old: PathBuf,
    /// The later version (.policy).
    new: PathBuf,
    /// Evaluate both versions on these cases (JSONL, CSV or an Excel workbook's first sheet) and report the impact.
    #[arg(long)]
    cases: Option<PathBuf>,
    /// With --cases: the field that holds each case's survey weight.
    #[arg(long, requires = "cases")]
    weight: Option<String>,
    /// What-if: give a parameter of NEW another value, e.g. `--set scenario_yearly_cap=300万元`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    sets: Vec<String>,
    /// The output: text, json, markdown, or html (a page to open in a browser).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// With --format xlsx: the workbook to write.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(super) fn run(out: &Out, args: &DiffArgs) -> u8 {
    let old = match out.load(&args.old) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let new = match out.load(&args.new).map(|l| l.with_overrides(&args.sets)) {
        Ok(Ok(l)) => l,
        Ok(Err(message)) => {
            eprintln!("{} {}", t!("error:"), message);
            return status::USAGE;
        }
        Err(code) => return code,
    };
    let mut new_path = args.new.display().to_string();
    if !args.sets.is_empty() {
        new_path = format!("{new_path} with --set {}", args.sets.join(" --set "));
    }
    let old_path = args.old.display().to_string();
    let old_side = Side {
        path: &old_path,
        policy: &old.program.policy,
        ast: &old.ast,
        source: old.source(),
    };
    let new_side = Side {
        path: &new_path,
        policy: &new.program.policy,
        ast: &new.ast,
        source: new.source(),
    };
    if let (Some(refused), true) = (weight_refused(&old.program, &new.program), args.weight.is_some()) {
        eprintln!("{} {refused}", t!("error:"));
        return status::USAGE;
    }
    let diff = compare(&old_side, &new_side);
    let imp = match &args.cases {
        Some(path) => match cases_text(&new.program, path) {
            Ok((text, rows)) => {
                let mut imp = impact(&diff, &old.program, &new.program, &text, args.weight.as_deref());
                // a table's cases are named by the row they were on, not their place in the text
                if let Some(rows) = rows {
                    let row = |line: usize| rows.get(line.wrapping_sub(1)).copied().unwrap_or(line);
                    imp.rejected.iter_mut().for_each(|r| r.line = row(r.line));
                    imp.changed.iter_mut().for_each(|c| c.line = row(c.line));
                }
                Some(imp)
            }
            Err(code) => return code,
        },
        None => None,
    };
    if args.format == DiffFormat::Xlsx {
        let Some(to) = &args.out else {
            eprintln!(
                "{} {}",
                t!("error:"),
                t!("`--format xlsx` writes a workbook: say where with `--out RESULTS.xlsx`")
            );
            return status::USAGE;
        };
        let doc = crate::report::diff::document(&diff, imp.as_ref());
        let written = crate::batch::xlsx::tables_as_workbook(&doc)
            .map_err(std::io::Error::other)
            .and_then(|bytes| crate::whole::write(to, &bytes));
        if let Err(e) = written {
            return super::cannot_write(to, &e);
        }
        eprintln!("{}", t!("wrote %{path}", path = to.display()));
        return if imp.as_ref().is_some_and(|i| !i.rejected.is_empty()) {
            status::ERRORS
        } else {
            status::OK
        };
    }
    let text = match args.format {
        DiffFormat::Text => render::text(&diff, imp.as_ref(), render::Style { color: color_stdout() }),
        DiffFormat::Markdown => render::markdown(&diff, imp.as_ref()),
        DiffFormat::Html => render::page(&diff, imp.as_ref()),
        DiffFormat::Json => {
            let v = render::json(&diff, imp.as_ref());
            crate::report::document(&v)
        }
        DiffFormat::Xlsx => String::new(),
    };
    print!("{text}");
    // Cases one version could not read are reported above and counted in
    // neither total; the run still says that something was wrong.
    if imp.as_ref().is_some_and(|i| !i.rejected.is_empty()) {
        status::ERRORS
    } else {
        status::OK
    }
}

fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// The cases of a file as JSON lines: a JSONL file as it is; a CSV file or a
/// workbook's first sheet read as `eval` reads it, with the row of each line.
fn cases_text(program: &crate::compile::Program, path: &Path) -> Result<(String, Option<Vec<usize>>), u8> {
    let ext = |e: &str| path.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    if !ext("csv") && !ext("xlsx") {
        return read_text(path).map(|t| (t, None));
    }
    let read = || -> Result<(String, Vec<usize>), String> {
        let bytes = std::fs::read(path).map_err(|e| crate::lang::io_error(&e))?;
        let (csv, sheet) = if ext("xlsx") {
            let (csv, sheet) = crate::batch::xlsx::sheet_as_csv(&bytes, None)?;
            (csv, Some(sheet))
        } else {
            (bytes, None)
        };
        let encoding = crate::batch::Encoding::Sniffed;
        crate::batch::table_reader(program, std::io::Cursor::new(csv), encoding, sheet)
            .and_then(|(table, _)| crate::batch::table_as_jsonl(table))
            .map_err(|e| crate::lang::io_error(&e))
    };
    match read() {
        Ok((text, rows)) => Ok((text, Some(rows))),
        Err(e) => {
            eprintln!("{} `{}`: {}", t!("error:"), path.display(), e);
            Err(status::USAGE)
        }
    }
}
