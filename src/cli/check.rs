//! `zhice check FILE`

use super::{status, Out};
use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadError};
use std::path::Path;

pub(super) fn run(out: &Out, path: &Path) -> u8 {
    let loaded = if path == Path::new("-") {
        match super::input::read_text(path) {
            Ok(source) => {
                crate::lang::follow_source(&source);
                load::load_text("<stdin>", source, None)
            }
            Err(code) => return code,
        }
    } else {
        super::follow_language(path);
        load::load(path)
    };
    let (reports, ok) = match loaded {
        Ok(loaded) => (loaded.reports, true),
        Err(LoadError::Io(message)) => {
            eprintln!("{} {}", t!("error:"), message);
            return status::USAGE;
        }
        Err(LoadError::Invalid(reports)) => (reports, false),
    };
    out.diagnostics(&reports);
    let all = || reports.iter().flat_map(|r| &r.diagnostics);
    let errors = all().filter(|d| Diagnostic::is_error(d)).count();
    let warnings = all().count() - errors;
    let shown = if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    if ok {
        let line = if warnings == 1 {
            t!("%{path}: ok (%{warnings} warning)", path = shown, warnings = warnings)
        } else {
            t!("%{path}: ok (%{warnings} warnings)", path = shown, warnings = warnings)
        };
        eprintln!("{line}");
        status::OK
    } else {
        let line = match (errors == 1, warnings == 1) {
            (true, true) => t!(
                "%{path}: %{errors} error, %{warnings} warning",
                path = shown,
                errors = errors,
                warnings = warnings
            ),
            (true, false) => t!(
                "%{path}: %{errors} error, %{warnings} warnings",
                path = shown,
                errors = errors,
                warnings = warnings
            ),
            (false, true) => t!(
                "%{path}: %{errors} errors, %{warnings} warning",
                path = shown,
                errors = errors,
                warnings = warnings
            ),
            (false, false) => t!(
                "%{path}: %{errors} errors, %{warnings} warnings",
                path = shown,
                errors = errors,
                warnings = warnings
            ),
        };
        eprintln!("{line}");
        status::ERRORS
    }
}
