//! `zhice registry …`: the grant registry read back (an applicant's ledger,
//! the rounds, the funds, everything as a file) and a round voided.

use super::input::{read_ledger, read_text};
use super::{status, Out};
use crate::grants::{self, Request};
use crate::grants::{AwardRow, Registry};
use crate::number::money;
use crate::report::result::push_csv;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(super) struct Place {
    /// The grant registry: a file (SQLite; also written `sqlite:PATH`) or a PostgreSQL server (`postgres://USER@HOST/DB`). Default: the environment variable ZHICE_REGISTRY.
    #[arg(long, env = "ZHICE_REGISTRY", value_name = "URL", hide_env_values = true)]
    registry: String,
    /// The output: text or json.
    #[arg(long, value_enum, default_value_t = Shown::Text)]
    format: Shown,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Shown {
    Text,
    Json,
}

#[derive(clap::Subcommand)]
pub(super) enum RegistryCommand {
    /// Every award registered to one applicant, oldest first; voided rounds marked.
    Ledger {
        /// The applicant, as the cases name it in `applicant`.
        applicant: String,
        #[command(flatten)]
        place: Place,
    },
    /// Every round committed, oldest first, with its digests and whether it was voided.
    Rounds {
        #[command(flatten)]
        place: Place,
    },
    /// What each fund has paid, per policy, pool and period, from the rounds that count.
    Funds {
        /// The .policy file: its funds only, each with its amount and what is left of it.
        #[arg(long, value_name = "POLICY")]
        policy: Option<PathBuf>,
        #[command(flatten)]
        place: Place,
    },
    /// Void a committed round: its awards and spending stop counting; the round stays on record.
    Void {
        /// The round's id.
        id: String,
        /// Why, kept with the void.
        #[arg(long)]
        reason: String,
        /// The grant registry: a file (SQLite; also written `sqlite:PATH`) or a PostgreSQL server (`postgres://USER@HOST/DB`). Default: the environment variable ZHICE_REGISTRY.
        #[arg(long, env = "ZHICE_REGISTRY", value_name = "URL", hide_env_values = true)]
        registry: String,
    },
    /// Take in ledgers kept before the registry, as one round: each applicant's `prior_awards` (from earlier case files) and a `--pool-ledger` file.
    Import {
        /// The .policy file the ledgers are of.
        policy: PathBuf,
        /// The ledgers: JSONL, one object per applicant with its `applicant` and `prior_awards` (the case files of earlier rounds will do).
        #[arg(long, value_name = "FILE")]
        ledgers: Option<PathBuf>,
        /// What the policy's funds already paid: the JSON file `eval --write-pool-ledger` writes.
        #[arg(long, value_name = "FILE")]
        pool_ledger: Option<PathBuf>,
        /// The id the imported history is kept under, as a round of its own.
        #[arg(long, value_name = "ID")]
        round: String,
        /// The grant registry: a file (SQLite; also written `sqlite:PATH`) or a PostgreSQL server (`postgres://USER@HOST/DB`). Default: the environment variable ZHICE_REGISTRY.
        #[arg(long, env = "ZHICE_REGISTRY", value_name = "URL", hide_env_values = true)]
        registry: String,
    },
    /// Every registered award as a file: JSONL, CSV or an Excel workbook, told by the name's ending.
    Export {
        /// The file to write: NAME.jsonl, NAME.csv or NAME.xlsx.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The grant registry: a file (SQLite; also written `sqlite:PATH`) or a PostgreSQL server (`postgres://USER@HOST/DB`). Default: the environment variable ZHICE_REGISTRY.
        #[arg(long, env = "ZHICE_REGISTRY", value_name = "URL", hide_env_values = true)]
        registry: String,
    },
}

fn error(message: impl std::fmt::Display) -> u8 {
    eprintln!("{} {message}", t!("error:"));
    status::USAGE
}

pub(super) fn run(out: &Out, command: &RegistryCommand) -> u8 {
    if let RegistryCommand::Import {
        policy,
        ledgers,
        pool_ledger,
        round,
        registry,
    } = command
    {
        return import(out, policy, ledgers.as_deref(), pool_ledger.as_deref(), round, registry);
    }
    let url = match command {
        RegistryCommand::Ledger { place, .. }
        | RegistryCommand::Rounds { place }
        | RegistryCommand::Funds { place, .. } => &place.registry,
        RegistryCommand::Void { registry, .. }
        | RegistryCommand::Export { registry, .. }
        | RegistryCommand::Import { registry, .. } => registry,
    };
    let mut registry = match Registry::open(url) {
        Ok(r) => r,
        Err(e) => return error(e),
    };
    let done = match command {
        RegistryCommand::Ledger { applicant, place } => ledger(&mut registry, applicant, place.format),
        RegistryCommand::Rounds { place } => rounds(&mut registry, place.format),
        RegistryCommand::Funds { place, policy } => {
            let program = match policy.as_deref().map(|p| out.load(p)).transpose() {
                Ok(l) => l.map(|l| l.program),
                Err(code) => return code,
            };
            funds(&mut registry, program.as_ref(), place.format)
        }
        RegistryCommand::Void { id, reason, .. } => registry.void(id, reason).map(|()| {
            eprintln!(
                "{}",
                t!("round `%{id}` voided: its awards and spending no longer count", id = id)
            );
        }),
        RegistryCommand::Export { out, .. } => export(&mut registry, out),
        RegistryCommand::Import { .. } => Ok(()),
    };
    match done {
        Ok(()) => status::OK,
        Err(e) => {
            eprintln!("{} {e}", t!("error:"));
            status::ERRORS
        }
    }
}

fn json(value: &impl serde::Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

fn ledger(registry: &mut Registry, applicant: &str, format: Shown) -> Result<(), String> {
    let awards = registry.awards(Some(applicant))?;
    if format == Shown::Json {
        return json(&awards);
    }
    if awards.is_empty() {
        println!(
            "{}",
            t!("the registry holds no award to `%{applicant}`", applicant = applicant)
        );
        return Ok(());
    }
    println!("{}", t!("awards registered to `%{applicant}`:", applicant = applicant));
    let mut counted = rust_decimal::Decimal::ZERO;
    for a in &awards {
        let voided = if a.voided {
            format!("  ({})", t!("voided"))
        } else {
            counted = counted.checked_add(a.amount).unwrap_or(counted);
            String::new()
        };
        let item = a.item.as_deref().map(|i| format!(" [{i}]")).unwrap_or_default();
        println!(
            "  {:<12} {:<20} {} {:>16}  {}{voided}",
            a.round,
            format!("{}{item}", a.award),
            a.year,
            money(a.amount),
            t!("case %{id}, %{at}", id = a.case_id, at = a.committed_at)
        );
    }
    println!("{}", t!("counting: %{amount}", amount = money(counted)));
    Ok(())
}

fn rounds(registry: &mut Registry, format: Shown) -> Result<(), String> {
    let rounds = registry.rounds()?;
    if format == Shown::Json {
        return json(&rounds);
    }
    if rounds.is_empty() {
        println!("{}", t!("the registry holds no round yet"));
    }
    for r in &rounds {
        println!(
            "{}  {}",
            r.id,
            t!(
                "%{policy}; committed %{at}; %{cases} case(s); granted %{granted}",
                policy = r.policy,
                at = r.committed_at,
                cases = r.cases,
                granted = money(r.granted)
            )
        );
        if let Some(v) = &r.voided {
            println!("  {}", t!("voided %{at}: %{reason}", at = v.at, reason = v.reason));
        }
    }
    Ok(())
}

fn funds(registry: &mut Registry, program: Option<&crate::compile::Program>, format: Shown) -> Result<(), String> {
    let funds = match program {
        Some(p) => registry.funds_of(p)?,
        None => registry.funds()?,
    };
    if format == Shown::Json {
        return json(&funds);
    }
    if funds.is_empty() {
        println!("{}", t!("no fund has paid anything yet"));
    }
    for f in &funds {
        let line = match (f.amount, f.left) {
            (Some(amount), Some(left)) => t!(
                "%{policy}: fund `%{pool}` %{period}: %{amount}; paid %{spent}; left %{left}",
                policy = f.policy,
                pool = f.pool,
                period = f.period,
                amount = money(amount),
                spent = money(f.spent),
                left = money(left)
            ),
            _ => t!(
                "%{policy}: fund `%{pool}` %{period} has paid %{spent}",
                policy = f.policy,
                pool = f.pool,
                period = f.period,
                spent = money(f.spent)
            ),
        };
        println!("{line}");
    }
    Ok(())
}

/// The awards as CSV, headed in the language of the run.
fn as_csv(awards: &[AwardRow]) -> String {
    let headings = [
        t!("round"),
        t!("policy"),
        t!("committed"),
        t!("applicant"),
        t!("case"),
        t!("award"),
        t!("year"),
        t!("item"),
        t!("amount"),
        t!("voided"),
    ];
    let mut out = headings.join(",");
    out.push('\n');
    for a in awards {
        let cells = [
            a.round.clone(),
            a.policy.clone(),
            a.committed_at.clone(),
            a.applicant.clone(),
            a.case_id.clone(),
            a.award.clone(),
            a.year.to_string(),
            a.item.clone().unwrap_or_default(),
            a.amount.to_string(),
            if a.voided {
                t!("yes").into_owned()
            } else {
                String::new()
            },
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv(&mut out, c);
        }
        out.push('\n');
    }
    out
}

fn export(registry: &mut Registry, out: &std::path::Path) -> Result<(), String> {
    let awards = registry.awards(None)?;
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = match ext.as_str() {
        "jsonl" => {
            let mut s = String::new();
            for a in &awards {
                s.push_str(&serde_json::to_string(a).map_err(|e| e.to_string())?);
                s.push('\n');
            }
            s.into_bytes()
        }
        "csv" => as_csv(&awards).into_bytes(),
        "xlsx" => crate::batch::xlsx::csv_as_sheet(as_csv(&awards).as_bytes(), &t!("awards"))?,
        _ => {
            return Err(t!(
                "say the export's form by its name: `.jsonl`, `.csv` or `.xlsx` (`%{path}`)",
                path = out.display()
            )
            .into_owned())
        }
    };
    crate::whole::write(out, &bytes).map_err(|e| {
        t!(
            "cannot write `%{path}`: %{reason}",
            path = out.display(),
            reason = crate::lang::io_error(&e)
        )
        .into_owned()
    })?;
    eprintln!(
        "{}",
        t!(
            "%{n} award(s) written to `%{path}`",
            n = awards.len(),
            path = out.display()
        )
    );
    Ok(())
}

fn import(
    out: &Out,
    policy: &std::path::Path,
    ledgers: Option<&std::path::Path>,
    pool_ledger: Option<&std::path::Path>,
    round: &str,
    url: &str,
) -> u8 {
    if ledgers.is_none() && pool_ledger.is_none() {
        return error(t!(
            "say what to import: `--ledgers FILE.jsonl`, `--pool-ledger FILE.json`, or both"
        ));
    }
    let program = match out.load(policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let text = match ledgers.map(read_text).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(code) => return code,
    };
    let pools = match read_ledger(pool_ledger) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut registry = match Registry::open(url) {
        Ok(r) => r,
        Err(e) => return error(e),
    };
    let pools_text = serde_json::to_string(&pools.to_json()).unwrap_or_default();
    let policy_digest = grants::digest(&[program.source.as_bytes()]);
    let input_digest = grants::digest(&[text.as_bytes(), pools_text.as_bytes()]);
    let request = Request {
        id: round,
        policy_digest: &policy_digest,
        input_digest: &input_digest,
    };
    let done = registry.import(&program, &request, &text, &pools);
    super::round::reported(round, done, status::ERRORS, &|awards, granted| {
        t!(
            "ledgers taken in as round `%{id}`: %{awards} award(s), %{granted} in all",
            id = round,
            awards = awards,
            granted = granted
        )
        .into_owned()
    })
}
