//! `zhice diff OLD NEW [--cases FILE.jsonl]`: what changed in meaning, and
//! what it does to the cases.

use super::input::read_text;
use super::{status, Out};
use crate::diff::{compare, impact::impact, Side};
use crate::report::diff as render;
use std::io::IsTerminal;
use std::path::PathBuf;

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
    /// Evaluate both versions on these cases (JSONL) and report the impact.
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
    let pooled = !old.program.policy.pools.is_empty() || !new.program.policy.pools.is_empty();
    if pooled && args.weight.is_some() {
        // A pool divides a real round among its applicants; a weighted sample is not one.
        eprintln!("{} {}", t!("error:"), t!("--weight cannot be used with a policy that has budget pools: pools are divided among the real applications of a round, and a weighted sample does not say who applies"));
        return status::USAGE;
    }
    let diff = compare(&old_side, &new_side);
    let imp = match &args.cases {
        Some(path) => match read_text(path) {
            Ok(text) => Some(impact(&diff, &old.program, &new.program, &text, args.weight.as_deref())),
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
