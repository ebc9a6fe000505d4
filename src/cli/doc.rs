//! `zhice doc POLICY`: the policy as a book, in HTML or Markdown.

use super::{status, Out};
use crate::book;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum BookFormat {
    Html,
    Markdown,
}

#[derive(clap::Args)]
pub(super) struct DocArgs {
    /// The .policy file; its drafters' tests become the worked examples.
    policy: PathBuf,
    /// The previous version of the policy: the book then ends with what changed.
    #[arg(long)]
    previous: Option<PathBuf>,
    /// With --previous: applications (JSONL) to show what the change does, with pictures of the budget and of who gains and loses.
    #[arg(long, requires = "previous")]
    cases: Option<PathBuf>,
    /// Where to write: a directory (index.html and index.md are written in it), or a .html or .md file. Default: standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to print when no --out is given: html (one self-contained page) or markdown.
    #[arg(long, value_enum, default_value_t = BookFormat::Html)]
    format: BookFormat,
    /// Write the book even if its tests fail or its rules disagree with their clause text, every page stamped as a draft, the problems first.
    #[arg(long)]
    draft: bool,
}

pub(super) fn run(out: &Out, args: &DocArgs) -> u8 {
    let loaded = match out.load(&args.policy) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let previous = match &args.previous {
        Some(p) => match out.load(p) {
            Ok(l) => Some((p.display().to_string(), l)),
            Err(code) => return code,
        },
        None => None,
    };
    let cases = match &args.cases {
        Some(p) => match super::input::read_text(p) {
            Ok(text) => Some(text),
            Err(code) => return code,
        },
        None => None,
    };
    let path = args.policy.display().to_string();
    let previous = previous.as_ref().map(|(p, l)| book::Previous {
        path: p,
        loaded: l,
        cases: cases.as_deref(),
    });
    let mut b = book::build(&loaded, previous, &path);
    b.draft = args.draft;
    // A book that contradicts itself is not published: its problems are said
    // here, and `--draft` writes it for the drafters, stamped as such.
    if !b.problems.is_empty() && !args.draft {
        for p in &b.problems {
            eprintln!("{} {p}", t!("error:"));
        }
        eprintln!(
            "{}",
            t!(
                "the book was not written: this version has %{n} problem(s) above; fix the rule, its clause text or the test, or write it as a draft with --draft (every page stamped DRAFT, the problems first)",
                n = b.problems.len()
            )
        );
        return status::ERRORS;
    }
    // a book written to a file says where, so that a silent success is not mistaken for nothing done
    let write = |to: &std::path::Path, text: String| -> Result<(), u8> {
        crate::whole::write(to, text.as_bytes())
            .map(|()| eprintln!("{}", t!("wrote %{path}", path = to.display())))
            .map_err(|e| super::cannot_write(to, &e))
    };
    let result = match &args.out {
        None => {
            match args.format {
                BookFormat::Html => print!("{}", book::html::page(&b)),
                BookFormat::Markdown => print!("{}", book::markdown::document(&b)),
            }
            Ok(())
        }
        Some(p) if p.extension().is_some_and(|e| e == "html") => write(p, book::html::page(&b)),
        Some(p) if p.extension().is_some_and(|e| e == "md") => write(p, book::markdown::document(&b)),
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                return super::cannot_write(dir, &e);
            }
            write(&dir.join("index.html"), book::html::page(&b))
                .and_then(|()| write(&dir.join("index.md"), book::markdown::document(&b)))
        }
    };
    match result {
        Ok(()) => {
            for p in &b.problems {
                eprintln!("{} {p}", t!("warning:"));
            }
            status::OK
        }
        Err(code) => code,
    }
}
