//! `zhice._native`: the core's run API for Python. Every call goes through
//! the same functions as the command line (`run::Runner`, `batch`, `diff`,
//! `report`), so a case gives the same result line here as there. The
//! Python package (`zhice/__init__.py`) turns JSON text into dicts and
//! tables into Arrow; this file only crosses the border.

mod amounts;
mod table_in;
mod table_out;

use arrow_pyarrow::{PyArrowType, Table};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;
use zhice::batch::{self, Output};
use zhice::date::Date;
use zhice::lang::{self, Lang};
use zhice::load::{self, LoadError, Loaded};
use zhice::pool::Ledger;
use zhice::report::diagnostics::{render, ErrorFormat};
use zhice::report::result::{CaseResult, Lines};
use zhice::run::{Mode, Runner};

/// A policy loaded, checked and compiled; immutable, shared by every thread.
#[pyclass(module = "zhice._native", frozen)]
struct Policy {
    loaded: Loaded,
    path: String,
    lang: Lang,
}

/// The error classes of the Python package (`zhice.errors`), raised with their data as JSON.
fn raise(py: Python<'_>, class: &str, message: String, detail: String) -> PyErr {
    let made = py
        .import("zhice.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message.clone(), detail)));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

fn language(code: Option<&str>, default: Lang) -> PyResult<Lang> {
    match code {
        None => Ok(default),
        Some(c) => match Lang::from_locale(c) {
            Some(l) => Ok(l),
            None => Err(PyValueError::new_err(format!(
                "lang: `{c}` is neither zh nor en · lang：`{c}` 既不是 zh 也不是 en"
            ))),
        },
    }
}

/// The message in the language asked for: the few words this crate says itself
/// (everything the core says comes worded from its catalogue).
fn said(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn date(text: Option<&str>, lang: Lang) -> PyResult<Option<Date>> {
    match text {
        None => Ok(None),
        Some(t) => match Date::parse(t) {
            Some(d) => Ok(Some(d)),
            None => Err(PyValueError::new_err(said(
                lang,
                format!("as_of: `{t}` is not a date written YYYY-MM-DD"),
                format!("as_of：`{t}` 不是 YYYY-MM-DD 格式的日期"),
            ))),
        },
    }
}

fn ledger(text: Option<&str>) -> PyResult<Ledger> {
    match text {
        None => Ok(Ledger::default()),
        Some(t) => Ledger::parse(t).map_err(PyValueError::new_err),
    }
}

/// Every diagnostic of every file, as `zhice check --error-format json` gives them, in one array.
fn diagnostics_json(reports: &[load::FileReport]) -> String {
    let mut all: Vec<serde_json::Value> = Vec::new();
    for r in reports {
        let text = render(&r.diagnostics, &r.path, &r.source, ErrorFormat::Json, false);
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(&text) {
            all.extend(items);
        }
    }
    serde_json::Value::Array(all).to_string()
}

impl Policy {
    /// What a call asked for: its language (else the policy's), the day parameters are read on, the pool ledger.
    fn asked(
        &self,
        lang: Option<&str>,
        as_of: Option<&str>,
        pool_ledger: Option<&str>,
    ) -> PyResult<(Lang, Option<Date>, Ledger)> {
        let lang = language(lang, self.lang)?;
        let ledger = lang::scoped(lang, || ledger(pool_ledger))?;
        Ok((lang, date(as_of, lang)?, ledger))
    }

    fn side(&self) -> zhice::diff::Side<'_> {
        zhice::diff::Side {
            path: &self.path,
            policy: &self.loaded.program.policy,
            ast: &self.loaded.ast,
            source: self.loaded.source(),
        }
    }
}

#[pymethods]
impl Policy {
    /// Loads, checks and compiles a policy file; `sets` are `NAME=VALUE`
    /// overrides (as `--set`); `lang` is `zh` or `en`, else as the CLI chooses.
    #[staticmethod]
    #[pyo3(signature = (path, sets = Vec::new(), lang = None))]
    fn load(py: Python<'_>, path: PathBuf, sets: Vec<String>, lang: Option<&str>) -> PyResult<Policy> {
        let flag = lang.map(|code| language(Some(code), Lang::En)).transpose()?;
        // the language of the policy's text decides when nothing else does (read within the size limit)
        let source = load::read_source(&path).unwrap_or_default();
        let chosen = lang::requested(flag).unwrap_or_else(|| lang::of_source(&source));
        let shown = path.display().to_string();
        let loaded = py.detach(|| {
            lang::scoped(chosen, || {
                let loaded = load::load(&path);
                let words = |e: LoadError| match e {
                    LoadError::Io(m) => (m, "[]".to_string()),
                    LoadError::Invalid(reports) => {
                        let n: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
                        let message = said(
                            chosen,
                            format!("{shown}: {n} problem(s)"),
                            format!("{shown}：{n} 个问题"),
                        );
                        (message, diagnostics_json(&reports))
                    }
                };
                match loaded {
                    Ok(l) => l.with_overrides(&sets).map_err(|m| (m, "[]".to_string())),
                    Err(e) => Err(words(e)),
                }
            })
        });
        match loaded {
            Ok(loaded) => Ok(Policy {
                loaded,
                path: shown,
                lang: chosen,
            }),
            Err((message, detail)) => Err(raise(py, "PolicyError", message, detail)),
        }
    }

    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    #[getter]
    fn title(&self) -> &str {
        &self.loaded.program.policy.header.title
    }

    #[getter]
    fn lang(&self) -> &'static str {
        self.lang.code()
    }

    /// Whether the policy divides budget pools over a round.
    #[getter]
    fn pooled(&self) -> bool {
        !self.loaded.program.policy.pools.is_empty()
    }

    /// The ids of the awards, in the policy's order.
    #[getter]
    fn awards(&self) -> Vec<String> {
        self.loaded
            .program
            .policy
            .measures
            .iter()
            .map(|m| m.id.clone())
            .collect()
    }

    /// The warnings of a policy that checks, as JSON (errors would have stopped `load`).
    #[pyo3(signature = (lang = None))]
    fn check_json(&self, lang: Option<&str>) -> PyResult<String> {
        let lang = language(lang, self.lang)?;
        Ok(lang::scoped(lang, || diagnostics_json(&self.loaded.reports)))
    }

    /// One case (JSON text) on its own: its result line, as `zhice eval --case --format json`.
    #[pyo3(signature = (case, as_of = None, pool_ledger = None, lang = None))]
    fn eval_json(
        &self,
        py: Python<'_>,
        case: &str,
        as_of: Option<&str>,
        pool_ledger: Option<&str>,
        lang: Option<&str>,
    ) -> PyResult<String> {
        let (lang, as_of, ledger) = self.asked(lang, as_of, pool_ledger)?;
        let program = &self.loaded.program;
        Ok(py.detach(|| {
            lang::scoped(lang, || {
                let runner = Runner::new(program).as_of(as_of).ledger(ledger);
                let result = match runner.one(case, Mode::Plain) {
                    Ok((ran, _)) => CaseResult::Done {
                        id: ran.case.id,
                        outcome: ran.outcome,
                    },
                    Err(refused) => CaseResult::Rejected(refused.errors(program)),
                };
                Lines::new(&program.policy).json_line(&result)
            })
        }))
    }

    /// A round of cases (JSON lines) run as `zhice eval --cases --format jsonl`
    /// runs it, on every core: its result lines, and the pool ledger after it.
    #[pyo3(signature = (cases, as_of = None, pool_ledger = None, lang = None))]
    fn eval_jsonl(
        &self,
        py: Python<'_>,
        cases: &str,
        as_of: Option<&str>,
        pool_ledger: Option<&str>,
        lang: Option<&str>,
    ) -> PyResult<(String, String)> {
        let (lang, as_of, ledger) = self.asked(lang, as_of, pool_ledger)?;
        let program = &self.loaded.program;
        let run = py.detach(|| {
            lang::scoped(lang, || -> std::io::Result<(Vec<u8>, String)> {
                let options = batch::Options {
                    as_of,
                    ..batch::Options::new(Output::Json)
                };
                let mut out = Vec::new();
                let after = if program.policy.pools.is_empty() {
                    batch::run(program, cases.as_bytes(), &mut out, options, &|_| {})?;
                    ledger.clone()
                } else {
                    let open = || -> std::io::Result<Box<dyn std::io::Read + Send>> {
                        Ok(Box::new(std::io::Cursor::new(cases.as_bytes().to_vec())))
                    };
                    let (_, settled) = batch::run_round(program, &open, &mut out, options, &ledger, &|_| {})?;
                    ledger.after(program, &settled)
                };
                Ok((out, after.to_json().to_string()))
            })
        });
        match run {
            Ok((out, after)) => Ok((String::from_utf8_lossy(&out).into_owned(), after)),
            Err(e) => Err(PyValueError::new_err(e.to_string())),
        }
    }

    /// One case explained, as `zhice explain --format json`; a case that
    /// cannot be read or evaluated raises `CaseError` with its errors.
    #[pyo3(signature = (case, as_of = None, pool_ledger = None, lang = None))]
    fn explain_json(
        &self,
        py: Python<'_>,
        case: &str,
        as_of: Option<&str>,
        pool_ledger: Option<&str>,
        lang: Option<&str>,
    ) -> PyResult<String> {
        let (lang, as_of, ledger) = self.asked(lang, as_of, pool_ledger)?;
        let program = &self.loaded.program;
        let explained = py.detach(|| {
            lang::scoped(lang, || {
                let runner = Runner::new(program).as_of(as_of).ledger(ledger);
                match runner.one(case, Mode::Explained) {
                    Ok((ran, _)) => Ok(zhice::report::document(&zhice::report::explain::json(
                        program,
                        &ran.case,
                        &ran.outcome,
                    ))),
                    Err(refused) => {
                        let rejected = CaseResult::Rejected(refused.errors(program));
                        let line = Lines::new(&program.policy).json_line(&rejected);
                        let message = zhice::report::result::text(&program.policy, &rejected);
                        Err((message.trim_end().to_string(), line))
                    }
                }
            })
        });
        explained.map_err(|(message, line)| raise(py, "CaseError", message, line))
    }

    /// What changed from this version to `new`, and with `cases` (JSON lines)
    /// what it does to them: `zhice diff --format json`.
    #[pyo3(signature = (new, cases = None, weight = None, lang = None))]
    fn diff_json(
        &self,
        py: Python<'_>,
        new: &Policy,
        cases: Option<&str>,
        weight: Option<&str>,
        lang: Option<&str>,
    ) -> PyResult<String> {
        let lang = language(lang, self.lang)?;
        let (old, newer) = (&self.loaded, &new.loaded);
        if let (Some(refused), true) = (
            lang::scoped(lang, || {
                zhice::diff::impact::weight_refused(&old.program, &newer.program)
            }),
            weight.is_some(),
        ) {
            return Err(PyValueError::new_err(refused));
        }
        Ok(py.detach(|| {
            lang::scoped(lang, || {
                let diff = zhice::diff::compare(&self.side(), &new.side());
                let imp =
                    cases.map(|text| zhice::diff::impact::impact(&diff, &old.program, &newer.program, text, weight));
                zhice::report::document(&zhice::report::diff::json(&diff, imp.as_ref()))
            })
        }))
    }

    /// The rows of an Arrow table as cases of one round, on every core with
    /// the GIL released: one column per award, the total, the outputs, the
    /// benefits and the errors. The table's metadata carries the pool ledger after the round.
    #[pyo3(signature = (table, as_of = None, pool_ledger = None, lang = None, scale = None, direct = true))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, each optional
    fn eval_batch(
        &self,
        py: Python<'_>,
        table: PyArrowType<Table>,
        as_of: Option<&str>,
        pool_ledger: Option<&str>,
        lang: Option<&str>,
        scale: Option<u32>,
        direct: bool,
    ) -> PyResult<PyArrowType<Table>> {
        let (lang, as_of, ledger) = self.asked(lang, as_of, pool_ledger)?;
        let program = &self.loaded.program;
        let (batches, _) = table.0.into_inner();
        let made = py.detach(|| {
            lang::scoped(lang, || {
                // the awards are laid out in columns: the summary need not sum them
                let options = batch::Options {
                    as_of,
                    figures: false,
                    ..batch::Options::new(Output::Json)
                };
                table_out::evaluate(program, &batches, options, &ledger, scale.map(|s| s.min(28)), direct)
            })
        });
        made.map(PyArrowType).map_err(PyValueError::new_err)
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Policy>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
