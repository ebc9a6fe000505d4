//! `zhice round POLICY --cases ROUND --registry URL [--commit ID]`: a round of
//! applications evaluated against what the registry holds, and committed to it.

use super::eval::{many_cases, output_usage, rejected_status, Context, RunArgs};
use super::{status, Out};
use crate::batch::Granted;
use crate::compile::Program;
use crate::grants::{self, Committed, History, Refusal, Registry, Request};
use crate::number::money;
use crate::pool::{self, Settled};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(clap::Args)]
pub(super) struct RoundArgs {
    /// The .policy file.
    policy: PathBuf,
    /// The round's applications, as for `eval --cases` (JSONL, CSV, or an Excel workbook); each names its `applicant`.
    #[arg(long)]
    cases: PathBuf,
    /// The grant registry: a file (SQLite, made on first use; also written `sqlite:PATH`) or a PostgreSQL server (`postgres://USER@HOST/DB`). Default: the environment variable ZHICE_REGISTRY.
    #[arg(long, env = "ZHICE_REGISTRY", value_name = "URL", hide_env_values = true)]
    registry: String,
    /// Write the round into the registry under this id: every award and what it takes from each fund, or nothing.
    #[arg(long, value_name = "ID")]
    commit: Option<String>,
    #[command(flatten)]
    run: RunArgs,
}

fn error(message: impl std::fmt::Display) {
    eprintln!("{} {message}", t!("error:"));
}

pub(super) fn run(out: &Out, args: &RoundArgs) -> u8 {
    if let Err(message) = output_usage(&args.run) {
        error(message);
        return status::USAGE;
    }
    if args.commit.is_some() && !args.run.sets.is_empty() {
        error(t!(
            "`--set` is a what-if: a round committed to the registry is granted under the policy as written"
        ));
        return status::USAGE;
    }
    if args.commit.as_deref().is_some_and(|id| id.trim().is_empty()) {
        error(t!("give the round an id: `--commit 2026-R1`"));
        return status::USAGE;
    }
    if args.cases == std::path::Path::new("-") {
        error(t!(
            "a round is read from a file, which its digest records: give `--cases FILE`"
        ));
        return status::USAGE;
    }
    let program = match out.load(&args.policy).map(|l| l.with_overrides(&args.run.sets)) {
        Ok(Ok(l)) => l.program,
        Ok(Err(message)) => {
            error(message);
            return status::USAGE;
        }
        Err(code) => return code,
    };
    if program.policy.inputs.iter().any(|i| i.name == crate::case::APPLICANT) {
        error(t!("the policy declares an input `applicant`: a round against the registry names each case's applicant in that field; rename the input"));
        return status::USAGE;
    }
    let input = match std::fs::read(&args.cases) {
        Ok(bytes) => bytes,
        Err(e) => {
            error(t!(
                "cannot read `%{path}`: %{reason}",
                path = args.cases.display(),
                reason = crate::lang::io_error(&e)
            ));
            return status::USAGE;
        }
    };
    let mut registry = match Registry::open(&args.registry) {
        Ok(r) => r,
        Err(e) => {
            error(e);
            return status::USAGE;
        }
    };
    match &args.commit {
        None => preview(&program, args, &mut registry),
        Some(id) => commit(&program, args, &mut registry, id, &input),
    }
}

/// The round evaluated against the registry, nothing written.
fn preview(program: &Program, args: &RoundArgs, registry: &mut Registry) -> u8 {
    let history = match registry.history(program) {
        Ok(h) => h,
        Err(e) => {
            error(e);
            return status::USAGE;
        }
    };
    noted(&history);
    let context = Context {
        ledger: history.pools,
        registered: Some(Arc::new(history.registered)),
        grants: None,
    };
    match many_cases(program, &args.cases, &args.run, &context) {
        Ok((summary, settled)) => {
            funds(program, &settled);
            eprintln!(
                "{}",
                t!("nothing was written: `--commit ID` writes the round into the registry")
            );
            rejected_status(&summary)
        }
        Err(code) => code,
    }
}

fn commit(program: &Program, args: &RoundArgs, registry: &mut Registry, id: &str, input: &[u8]) -> u8 {
    let as_of = args.run.as_of.map(|d| d.to_string()).unwrap_or_default();
    let sheet = args.run.sheet.clone().unwrap_or_default();
    let policy_digest = grants::digest(&[program.source.as_bytes()]);
    let input_digest = grants::digest(&[input, as_of.as_bytes(), sheet.as_bytes()]);
    let request = Request {
        id,
        policy_digest: &policy_digest,
        input_digest: &input_digest,
    };
    let mut code = status::OK;
    let mut run = |history: History| -> Result<grants::Run, String> {
        noted(&history);
        let kept: Arc<Mutex<Vec<Granted>>> = Arc::default();
        let context = Context {
            ledger: history.pools,
            registered: Some(Arc::new(history.registered)),
            grants: Some(kept.clone()),
        };
        let (summary, settled) = many_cases(program, &args.cases, &args.run, &context).map_err(|c| {
            code = c;
            String::new()
        })?;
        if summary.rejected > 0 {
            code = rejected_status(&summary);
            return Err(
                t!("a round with rejected cases is not committed: correct or remove them, then commit again")
                    .into_owned(),
            );
        }
        funds(program, &settled);
        let mut grants = std::mem::take(&mut *kept.lock().map_err(|_| t!("a worker failed").into_owned())?);
        grants.sort_by_key(|g| g.line);
        let cases = usize::try_from(summary.cases).unwrap_or(usize::MAX);
        Ok(grants::Run::of_round(program, cases, &grants, &settled))
    };
    let done = registry.commit(program, &request, &mut run);
    let failed = if code == status::OK { status::ERRORS } else { code };
    reported(id, done, failed, &|awards, granted| {
        t!(
            "round `%{id}` committed to the registry: %{awards} award(s), %{granted} in all",
            id = id,
            awards = awards,
            granted = granted
        )
        .into_owned()
    })
}

/// Says what a commit did (`written` words a round written) and gives the
/// exit status; `failed` for a run that failed.
pub(super) fn reported(
    id: &str,
    done: Result<Committed, Refusal>,
    failed: u8,
    written: &dyn Fn(usize, String) -> String,
) -> u8 {
    match done {
        Ok(Committed::Written { awards, granted }) => {
            eprintln!("{}", written(awards, money(granted)));
            status::OK
        }
        Ok(Committed::Already { committed_at }) => {
            eprintln!(
                "{}",
                t!(
                    "round `%{id}` was committed on %{at} with this same input and policy: nothing changed",
                    id = id,
                    at = committed_at
                )
            );
            status::OK
        }
        Err(Refusal::Different { committed_at, what }) => {
            let what = match what {
                "policy" => t!("another policy"),
                "version" => t!("another version of the policy"),
                _ => t!("other cases"),
            };
            error(t!(
                "round `%{id}` was committed on %{at} with %{what}: a committed round is never changed (void it with `zhice registry void %{id} --reason \"…\"` and commit the corrected round under a new id)",
                id = id,
                at = committed_at,
                what = what
            ));
            status::ERRORS
        }
        Err(Refusal::Run(problems)) => {
            for p in problems.lines().filter(|p| !p.is_empty()) {
                error(p);
            }
            eprintln!("{}", t!("nothing was written to the registry"));
            failed
        }
        Err(Refusal::Store(e)) => {
            error(t!("the registry: %{reason}", reason = e));
            eprintln!("{}", t!("nothing was written to the registry"));
            status::USAGE
        }
    }
}

/// What the registry gave the round, said on stderr.
fn noted(history: &History) {
    eprintln!(
        "{} {}",
        t!("note:"),
        t!(
            "the registry holds %{rounds} round(s) of this policy, with awards to %{applicants} applicant(s)",
            rounds = history.rounds,
            applicants = history.registered.applicants()
        )
    );
    if history.unknown > 0 {
        eprintln!(
            "{} {}",
            t!("note:"),
            t!(
                "%{n} registered award(s) name awards this version of the policy does not have: they reduce no cap here",
                n = history.unknown
            )
        );
    }
}

/// Each fund: its amount, what earlier rounds took, this round, what is left.
fn funds(program: &Program, settled: &Settled) {
    for (&(p, period), a) in &settled.allocations {
        let pool = &program.policy.pools[p];
        let left = a.amount - a.before - a.granted;
        eprintln!(
            "{}",
            t!(
                "fund `%{pool}` %{period}: %{amount}; earlier rounds %{before}; this round %{granted}; left %{left}",
                pool = pool.id,
                period = pool::period_name(pool, period),
                amount = money(a.amount),
                before = money(a.before),
                granted = money(a.granted),
                left = money(left.max(rust_decimal::Decimal::ZERO))
            )
        );
    }
}
