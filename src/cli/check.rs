//! `zhice check FILE`

use super::{status, Out};
use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadError};
use std::path::Path;

pub(super) fn run(out: &Out, path: &Path) -> u8 {
    let (reports, ok) = match load::load(path) {
        Ok(loaded) => (loaded.reports, true),
        Err(LoadError::Io(message)) => {
            eprintln!("error: {message}");
            return status::USAGE;
        }
        Err(LoadError::Invalid(reports)) => (reports, false),
    };
    out.diagnostics(&reports);
    let all = || reports.iter().flat_map(|r| &r.diagnostics);
    let errors = all().filter(|d| Diagnostic::is_error(d)).count();
    let warnings = all().count() - errors;
    if ok {
        eprintln!(
            "{}: ok ({warnings} warning{})",
            path.display(),
            if warnings == 1 { "" } else { "s" }
        );
        status::OK
    } else {
        eprintln!(
            "{}: {errors} error{}, {warnings} warning{}",
            path.display(),
            plural(errors),
            plural(warnings)
        );
        status::ERRORS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
