//! The whole front of the pipeline for one policy file: read → parse → check
//! → compile, with the drafters' tests from a sibling `NAME.tests` file when
//! there is one. Reading is the only I/O; policies themselves never do any.

use crate::check::{self, names::NameUse};
use crate::compile::{self, Program};
use crate::diagnostic::Diagnostic;
use crate::syntax::{self, FileKind};
use std::path::{Path, PathBuf};

/// Policy files larger than this are refused before parsing.
pub const MAX_POLICY_BYTES: u64 = 8 * 1024 * 1024;

/// A source file and the problems found in it.
#[derive(Clone)]
pub struct FileReport {
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// A compiled policy, the AST it came from, and the warnings found on the way.
pub struct Loaded {
    pub program: Program,
    pub ast: syntax::ast::File,
    pub reports: Vec<FileReport>,
    /// the text the spans of the AST and the program point into: the policy
    /// file's, or for an overlay its base's and its own, read as one
    pub text: String,
}

impl Loaded {
    /// The policy's text, as its spans point into it.
    pub fn source(&self) -> &str {
        &self.text
    }

    /// Applies `--set NAME=VALUE` overrides and compiles again.
    pub fn with_overrides(mut self, sets: &[String]) -> Result<Loaded, String> {
        if sets.is_empty() {
            return Ok(self);
        }
        let mut policy = (*self.program.policy).clone();
        check::overrides::apply(&mut policy, sets)?;
        self.program = compile::compile(policy, self.source());
        Ok(self)
    }
}

/// Why a policy could not be loaded.
pub enum LoadError {
    /// the file could not be read at all
    Io(String),
    /// the file was read, and has errors (several files when a `.tests` file has some)
    Invalid(Vec<FileReport>),
}

/// The sibling tests file of `policy.policy`: `policy.tests`.
pub fn tests_path(policy: &Path) -> PathBuf {
    policy.with_extension("tests")
}

pub fn read_source(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        t!(
            "cannot read `%{shown}`: %{e}",
            shown = shown,
            e = crate::lang::io_error(&e)
        )
        .into_owned()
    })?;
    if meta.len() > MAX_POLICY_BYTES {
        return Err(t!(
            "`%{shown}` is %{meta} bytes; policy files are limited to %{MAX_POLICY_BYTES}",
            shown = shown,
            meta = meta.len(),
            MAX_POLICY_BYTES = MAX_POLICY_BYTES
        )
        .into_owned());
    }
    let bytes = std::fs::read(path).map_err(|e| {
        t!(
            "cannot read `%{shown}`: %{e}",
            shown = shown,
            e = crate::lang::io_error(&e)
        )
        .into_owned()
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        t!(
            "`%{shown}` is not UTF-8 text (invalid byte at offset %{valid_up_to})",
            shown = shown,
            valid_up_to = e.utf8_error().valid_up_to()
        )
        .into_owned()
    })?;
    Ok(text.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(text))
}

/// Loads, checks and compiles the policy at `path`.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let source = read_source(path).map_err(LoadError::Io)?;
    let shown = path.display().to_string();
    let tests = tests_path(path);
    let tests_source = if tests.is_file() {
        Some(read_source(&tests).map_err(LoadError::Io)?)
    } else {
        None
    };
    load_text(&shown, source, tests_source.map(|s| (tests.display().to_string(), s)))
}

/// Loads a policy from text (and optionally its tests file's text).
pub fn load_text(path: &str, source: String, tests: Option<(String, String)>) -> Result<Loaded, LoadError> {
    analyse(path, source, tests).result
}

/// What an editor needs beside the loaded policy: the names, and the AST
/// even when the policy does not check.
pub struct Analysed {
    pub result: Result<Loaded, LoadError>,
    /// every declaration and use of a name (empty when the file does not parse)
    pub names: Vec<NameUse>,
    /// the AST when the file parsed but did not check (else it is in `Loaded`)
    pub unchecked_ast: Option<syntax::ast::File>,
}

impl Analysed {
    pub fn ast(&self) -> Option<&syntax::ast::File> {
        match &self.result {
            Ok(loaded) => Some(&loaded.ast),
            Err(_) => self.unchecked_ast.as_ref(),
        }
    }
}

/// Loads a policy from text as `load_text` does, keeping what the checker learnt
/// of its names. A policy that `amends` another is read with its base (found
/// beside it), and its problems reported in the file they are in.
pub fn analyse(path: &str, source: String, tests: Option<(String, String)>) -> Analysed {
    let Some(base) = amended(path, &source) else {
        return analyse_one(path, source, tests, None);
    };
    let (base_path, base_source) = match base {
        Ok(b) => b,
        Err(e) => {
            return Analysed {
                result: Err(LoadError::Io(e)),
                names: Vec::new(),
                unchecked_ast: None,
            }
        }
    };
    let start = syntax::overlay::overlay_start(&base_source);
    let combined = syntax::overlay::combined(&base_source, &source);
    let mut analysed = analyse_one(path, combined, tests, Some(start));
    let split = |reports: Vec<FileReport>| -> Vec<FileReport> {
        let mut out = Vec::new();
        for r in reports {
            if r.path != path {
                out.push(r);
                continue;
            }
            let (mine, theirs): (Vec<Diagnostic>, Vec<Diagnostic>) =
                r.diagnostics.into_iter().partition(|d| d.span.start >= start);
            // the base's measures are tested by the base's tests, not the overlay's
            let theirs: Vec<Diagnostic> = theirs
                .into_iter()
                .filter(|d| d.code != "zhice::lint::untested-measure")
                .collect();
            out.push(FileReport {
                path: path.to_string(),
                source: source.clone(),
                diagnostics: mine.into_iter().map(|d| d.moved(start, usize::MAX, start)).collect(),
            });
            if !theirs.is_empty() {
                out.push(FileReport {
                    path: base_path.clone(),
                    source: base_source.clone(),
                    diagnostics: theirs.into_iter().map(|d| d.moved(0, start, 0)).collect(),
                });
            }
        }
        out
    };
    analysed.result = match analysed.result {
        Ok(mut loaded) => {
            loaded.reports = split(std::mem::take(&mut loaded.reports));
            Ok(loaded)
        }
        Err(LoadError::Invalid(reports)) => Err(LoadError::Invalid(split(reports))),
        Err(e) => Err(e),
    };
    analysed
}

/// The base an overlay names in its header (`amends "…"`), read from beside
/// it; `None` for a policy that amends nothing.
fn amended(path: &str, source: &str) -> Option<Result<(String, String), String>> {
    if !source.contains("amends") {
        return None;
    }
    let file = syntax::parse(source, FileKind::Policy).ok()?;
    let name = file.header?.amends?.node;
    let base = Path::new(path).parent().unwrap_or(Path::new("")).join(&name);
    let shown = base.display().to_string();
    Some(read_source(&base).and_then(|text| {
        // one level: a base that amends another would hide where an item comes from
        match syntax::parse(&text, FileKind::Policy) {
            Ok(f) if f.header.as_ref().is_some_and(|h| h.amends.is_some()) => Err(t!(
                "`%{base}` amends another policy itself; an overlay names a whole policy as its base",
                base = shown
            )
            .into_owned()),
            _ => Ok((shown, text)),
        }
    }))
}

fn analyse_one(path: &str, source: String, tests: Option<(String, String)>, overlay: Option<usize>) -> Analysed {
    let failed = |result| Analysed {
        result: Err(result),
        names: Vec::new(),
        unchecked_ast: None,
    };
    let file = syntax::parse(&source, FileKind::Policy).map(|f| match overlay {
        Some(start) => syntax::overlay::merge(f, start),
        None => f,
    });
    let test_file = tests.as_ref().map(|(_, text)| syntax::parse(text, FileKind::Tests));
    let mut reports = Vec::new();
    let (file, test_file) = match (file, test_file) {
        (Ok(f), None) => (f, None),
        (Ok(f), Some(Ok(t))) => (f, Some(t)),
        (file, test_file) => {
            if let Err(d) = file {
                reports.push(FileReport {
                    path: path.to_string(),
                    source,
                    diagnostics: d,
                });
            }
            if let (Some(Err(d)), Some((tp, ts))) = (test_file, tests) {
                reports.push(FileReport {
                    path: tp,
                    source: ts,
                    diagnostics: d,
                });
            }
            return failed(LoadError::Invalid(reports));
        }
    };
    let extra: &[syntax::ast::TestBlock] = test_file.as_ref().map_or(&[], |t| t.tests.as_slice());
    let checked = check::check(&file, extra);
    reports.push(FileReport {
        path: path.to_string(),
        source,
        diagnostics: checked.diagnostics,
    });
    if let Some((tp, ts)) = tests {
        if !checked.test_file_diagnostics.is_empty() {
            reports.push(FileReport {
                path: tp,
                source: ts,
                diagnostics: checked.test_file_diagnostics,
            });
        }
    }
    let names = checked.names;
    match checked.policy {
        Some(policy) => {
            let program = compile::compile(policy, &reports[0].source);
            let mut lints = crate::bounds::lints(&program.policy);
            lints.extend(coverage(&program));
            reports[0].diagnostics.extend(lints);
            reports[0].diagnostics.sort_by_key(|d| (d.span.start, d.severity));
            let text = reports[0].source.clone();
            Analysed {
                result: Ok(Loaded {
                    program,
                    ast: file,
                    reports,
                    text,
                }),
                names,
                unchecked_ast: None,
            }
        }
        None => Analysed {
            result: Err(LoadError::Invalid(reports)),
            names,
            unchecked_ast: Some(file),
        },
    }
}

/// A warning for each measure no drafter's test awards money to, when the
/// policy has tests at all.
fn coverage(program: &Program) -> Vec<Diagnostic> {
    if program.policy.tests.is_empty() {
        return Vec::new();
    }
    let run = crate::testing::run(program);
    program
        .policy
        .measures
        .iter()
        .zip(&run.exercised)
        .filter(|(_, e)| !**e)
        .map(|(m, _)| {
            Diagnostic::warning(
                "zhice::lint::untested-measure",
                t!("no test awards money under `%{id}`", id = m.id),
                m.id_span,
            )
            .label(t!("not exercised by any test"))
            .help(t!(
                "add a test whose case this measure pays: `test \"…\" { given { … } expect { … } }`"
            ))
        })
        .collect()
}
