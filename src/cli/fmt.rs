//! `zhice fmt FILE…`: lay policy and tests files out canonically, in place;
//! with `--check`, only say which files are not formatted.

use super::status;
use crate::format::format;
use crate::load::read_source;
use crate::syntax::FileKind;
use std::path::PathBuf;

pub(super) fn run(out: &super::Out, files: &[PathBuf], check: bool) -> u8 {
    let mut code = status::OK;
    for path in files {
        let kind = if path.extension().is_some_and(|e| e == "tests") {
            FileKind::Tests
        } else {
            FileKind::Policy
        };
        let source = match read_source(path) {
            Ok(s) => s,
            Err(message) => {
                eprintln!("{} {message}", t!("error:"));
                code = code.max(status::USAGE);
                continue;
            }
        };
        let formatted = match format(&source, kind) {
            Ok(f) => f,
            Err(diags) => {
                out.render(&diags, &path.display().to_string(), &source);
                code = code.max(status::ERRORS);
                continue;
            }
        };
        if formatted == source {
            continue;
        }
        if check {
            // What would change, as a unified diff a reviewer can read.
            let shown = path.display().to_string();
            let diff = similar::TextDiff::from_lines(&source, &formatted);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&shown, &format!("{shown} (zhice fmt)"))
            );
            eprintln!(
                "{}",
                t!("%{path}: not formatted (run `zhice fmt %{path}`)", path = shown)
            );
            code = code.max(status::ERRORS);
        } else if let Err(e) = crate::whole::write(path, formatted.as_bytes()) {
            code = code.max(super::cannot_write(path, &e));
        } else {
            eprintln!("{}", t!("formatted %{path}", path = path.display()));
        }
    }
    code
}
