//! The grant registry: what each round paid, kept in a database, so that caps
//! per applicant, once-only awards and funds hold from round to round without
//! any case carrying its own ledger.
//!
//! A round is evaluated with each applicant's ledger and each fund's spending
//! read from the registry; committing it writes every award and what it took
//! from each fund in one transaction, with the policy's and the input's
//! digests. A committed round is never changed: voiding it is a row of its
//! own, and its awards and spending stop counting.
//!
//! The room: `schema` (the tables and statements), `store` (the interface a
//! database offers), `sqlite` (the embedded one), `record` (a round's grants
//! as rows), `read` (ledgers, rounds and funds read back).

mod import;
mod postgres;
mod read;
mod record;
mod schema;
mod sqlite;
mod store;

pub use read::{AwardRow, FundRow, RoundRow};
pub use record::{rows_of, Row};

use crate::batch::Granted;
use crate::case::{Past, Registered};
use crate::compile::Program;
use crate::pool::{self, Ledger, Settled};
use rust_decimal::Decimal;
use store::{Param, Store};

/// A registry, open.
pub struct Registry {
    store: Box<dyn Store + Send>,
}

/// What the registry holds for one policy: each applicant's awards, and what
/// each fund has paid, from every round that counts.
#[derive(Default)]
pub struct History {
    pub registered: Registered,
    pub pools: Ledger,
    /// rounds that count (committed, not voided)
    pub rounds: usize,
    /// awards registered under ids this version of the policy does not have
    pub unknown: usize,
}

/// A round to commit: its id and what makes it this round.
pub struct Request<'a> {
    pub id: &'a str,
    pub policy_digest: &'a str,
    pub input_digest: &'a str,
}

/// What a round that was run gives the registry to write.
pub struct Run {
    pub cases: usize,
    /// one per award, and per item of a per-item award
    pub rows: Vec<Row>,
    /// what the round took from each fund: pool id, period, amount
    pub pools: Vec<(String, String, Decimal)>,
}

impl Run {
    /// A round that was evaluated: its grants as rows, its funds as the settlement counted them.
    pub fn of_round(program: &Program, cases: usize, grants: &[Granted], settled: &Settled) -> Run {
        let rows = grants.iter().flat_map(|g| rows_of(program, g)).collect();
        let pools = settled
            .allocations
            .iter()
            .filter(|(_, a)| !a.granted.is_zero())
            .map(|(&(p, period), a)| {
                let def = &program.policy.pools[p];
                (def.id.clone(), pool::period_name(def, period), a.granted)
            })
            .collect();
        Run { cases, rows, pools }
    }
}

/// The round a runner ran in memory (`run::Runner::round`), as the registry
/// writes it; `Err` with the number of cases it rejected, which keep it from being committed.
pub fn run_of(program: &Program, round: &crate::run::Round, as_of: Option<crate::date::Date>) -> Result<Run, usize> {
    let rejected = round.lines.iter().filter(|l| l.is_err()).count();
    if rejected > 0 {
        return Err(rejected);
    }
    let grants: Vec<Granted> = round
        .lines
        .iter()
        .filter_map(|l| l.as_ref().ok())
        .filter_map(|ran| Granted::of(program, &ran.case, &ran.outcome, ran.line, as_of))
        .collect();
    let none = Settled::default();
    let settled = round.settled.as_ref().unwrap_or(&none);
    Ok(Run::of_round(program, round.lines.len(), &grants, settled))
}

/// Whether a secret given matches the one held, in time that does not depend
/// on where they differ: both are hashed, and the hashes compared whole.
pub fn same_secret(given: &str, held: &str) -> bool {
    let (a, b) = (digest(&[given.as_bytes()]), digest(&[held.as_bytes()]));
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a commit did.
#[derive(Debug, PartialEq)]
pub enum Committed {
    /// the round is written: so many award rows, so much granted
    Written { awards: usize, granted: Decimal },
    /// the same round with the same input was committed before: nothing written
    Already { committed_at: String },
}

/// Why a commit wrote nothing.
#[derive(Debug)]
pub enum Refusal {
    /// a round of this id was committed with another input or another policy
    Different { committed_at: String, what: &'static str },
    /// the run itself failed (it says why)
    Run(String),
    /// the database failed
    Store(String),
}

impl From<String> for Refusal {
    fn from(e: String) -> Self {
        Refusal::Store(e)
    }
}

/// SHA-256 of `bytes`, in hex: which policy and which input a round was.
pub fn digest(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a registry is.
#[derive(Debug, PartialEq)]
enum Place {
    /// an SQLite file: `sqlite:PATH`, or a plain path
    File(std::path::PathBuf),
    /// a PostgreSQL server: `postgres://…` or `postgresql://…`
    Server(String),
}

fn place(url: &str) -> Result<Place, String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Place::Server(url.to_string()));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(t!("give the registry's file, e.g. `--registry grants.db`").into_owned());
    }
    Ok(Place::File(path.into()))
}

/// A server's address without its password, to name it in a message.
fn shown(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rsplit_once('@') {
        Some((login, host)) => {
            let user = login.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

/// Stops the process dead at a named point of a commit, when the test hook
/// `ZHICE_REGISTRY_FAULT` names it: what a kill at that point leaves is tested.
fn fault(point: &str) {
    if std::env::var("ZHICE_REGISTRY_FAULT").as_deref() == Ok(point) {
        std::process::abort();
    }
}

/// The time now, as the registry writes it: `2026-12-05T09:30:00.123Z`.
fn now() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since.as_secs() as i64;
    let day = crate::date::Date::from_unix_days(secs.div_euclid(86_400)).unwrap_or(crate::date::Date::new_year(1970));
    let s = secs.rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        since.subsec_millis()
    )
}

fn amount(text: Option<&str>) -> Result<Decimal, String> {
    let text = text.unwrap_or("");
    Decimal::from_str_exact(text)
        .map_err(|_| t!("the registry holds `%{text}` where an amount belongs", text = text).into_owned())
}

impl Registry {
    /// Opens the registry at `url`, creating it (an SQLite file) on first use and
    /// bringing its tables to this version.
    pub fn open(url: &str) -> Result<Registry, String> {
        let cannot = |path: String, e: String| {
            t!("cannot open the registry `%{path}`: %{reason}", path = path, reason = e).into_owned()
        };
        let store: Box<dyn Store + Send> = match place(url)? {
            Place::File(path) => {
                Box::new(sqlite::Sqlite::open(&path).map_err(|e| cannot(path.display().to_string(), e))?)
            }
            Place::Server(url) => Box::new(postgres::Postgres::open(&url).map_err(|e| cannot(shown(&url), e))?),
        };
        let mut registry = Registry { store };
        registry.migrate()?;
        Ok(registry)
    }

    /// Brings the tables to this version. A registry already there is only
    /// read: the write lock is taken only to migrate, so that opening one never
    /// waits behind another client's commit.
    fn migrate(&mut self) -> Result<(), String> {
        let newer = |at: i64| {
            t!(
                "the registry was made by a newer zhice (schema %{at}; this one knows %{known})",
                at = at,
                known = schema::VERSION
            )
            .into_owned()
        };
        match self.store.version()? {
            at if at == schema::VERSION => return Ok(()),
            at if at > schema::VERSION => return Err(newer(at)),
            _ => {}
        }
        self.store.begin_write()?;
        let done = (|| {
            // another client may have migrated it while this one waited for the lock
            let at = self.store.version()?;
            if at > schema::VERSION {
                return Err(newer(at));
            }
            for m in &schema::MIGRATIONS[at.max(0) as usize..] {
                self.store.batch(m)?;
            }
            self.store.set_version(schema::VERSION)
        })();
        match done {
            Ok(()) => self.store.commit(),
            Err(e) => {
                let _ = self.store.rollback();
                Err(e)
            }
        }
    }

    /// What the registry holds for `program`'s policy (read as one snapshot).
    pub fn history(&mut self, program: &Program) -> Result<History, String> {
        self.store.begin_read()?;
        let read = self.read_history(program);
        let _ = self.store.rollback();
        read
    }

    /// What the registry holds for `program`'s policy about these applicants
    /// only (one case, a request's few): read by applicant, not round by round.
    pub fn history_of(&mut self, program: &Program, applicants: &[&str]) -> Result<History, String> {
        self.store.begin_read()?;
        let read = self.read_history_of(program, applicants);
        let _ = self.store.rollback();
        read
    }

    fn read_history_of(&mut self, program: &Program, applicants: &[&str]) -> Result<History, String> {
        let policy = &program.policy;
        let ids: Vec<&str> = policy.measures.iter().map(|m| m.id.as_str()).collect();
        let mut history = History::default();
        let mut rounds = std::collections::BTreeSet::new();
        for applicant in applicants {
            let mut theirs = Vec::new();
            for a in self.counted_awards(&policy.header.title, applicant)? {
                rounds.insert(a.round);
                let Some(award) = ids.iter().position(|id| *id == a.award) else {
                    history.unknown += 1;
                    continue;
                };
                theirs.push(Past {
                    award,
                    year: i32::try_from(a.year).map_err(|e| e.to_string())?,
                    amount: a.amount,
                    item: a.item.map(String::into_boxed_str),
                });
            }
            history.registered.add(applicant, &mut theirs);
        }
        history.rounds = rounds.len();
        for f in self.funds()? {
            if f.policy == policy.header.title {
                history
                    .pools
                    .granted
                    .entry(f.pool)
                    .or_default()
                    .insert(f.period, f.spent);
            }
        }
        Ok(history)
    }

    fn read_history(&mut self, program: &Program) -> Result<History, String> {
        let policy = &program.policy;
        let mut rounds = Vec::new();
        self.store
            .query(schema::LIVE_ROUNDS, &[Param::Text(&policy.header.title)], &mut |r| {
                rounds.push(r.text(0)?.unwrap_or_default().to_string());
                Ok(())
            })?;
        let ids: Vec<&str> = policy.measures.iter().map(|m| m.id.as_str()).collect();
        let mut history = History {
            rounds: rounds.len(),
            ..History::default()
        };
        for id in &rounds {
            let (registered, unknown) = (&mut history.registered, &mut history.unknown);
            let mut packed = String::new();
            self.store.query(schema::ROUND_LEDGER, &[Param::Text(id)], &mut |r| {
                packed = r.text(0)?.unwrap_or_default().to_string();
                Ok(())
            })?;
            // A round's awards come case by case: an applicant's are gathered, then added at once.
            let (mut applicant, mut theirs) = ("", Vec::new());
            record::unpack(&packed, &mut |p| {
                // measures are few: found by comparing ids, no hashing
                let Some(award) = ids.iter().position(|id| *id == p.award) else {
                    *unknown += 1;
                    return Ok(());
                };
                if p.applicant != applicant {
                    registered.add(applicant, &mut theirs);
                    applicant = p.applicant;
                }
                theirs.push(Past {
                    award,
                    year: p.year,
                    amount: p.amount,
                    item: p.item.map(Box::from),
                });
                Ok(())
            })?;
            if !theirs.is_empty() {
                registered.add(applicant, &mut theirs);
            }
            let pools = &mut history.pools;
            self.store.query(schema::ROUND_POOLS, &[Param::Text(id)], &mut |r| {
                let slot = pools
                    .granted
                    .entry(r.text(0)?.unwrap_or_default().to_string())
                    .or_default()
                    .entry(r.text(1)?.unwrap_or_default().to_string())
                    .or_insert(Decimal::ZERO);
                *slot = slot
                    .checked_add(amount(r.text(2)?)?)
                    .ok_or_else(|| t!("a fund's spending adds up beyond the range of exact decimals").into_owned())?;
                Ok(())
            })?;
        }
        Ok(history)
    }

    /// Commits a round: under the write lock, reads what the registry holds,
    /// runs the round with it (`run`), and writes every award and the funds'
    /// spending, or nothing.
    pub fn commit(
        &mut self,
        program: &Program,
        request: &Request,
        run: &mut dyn FnMut(History) -> Result<Run, String>,
    ) -> Result<Committed, Refusal> {
        self.store.begin_write()?;
        let done = self.commit_in(program, request, run);
        match done {
            Ok(Committed::Written { awards, granted }) => {
                fault("before-commit");
                self.store.commit()?;
                Ok(Committed::Written { awards, granted })
            }
            other => {
                let _ = self.store.rollback();
                other
            }
        }
    }

    fn commit_in(
        &mut self,
        program: &Program,
        request: &Request,
        run: &mut dyn FnMut(History) -> Result<Run, String>,
    ) -> Result<Committed, Refusal> {
        let mut before = None;
        self.store
            .query(schema::FIND_ROUND, &[Param::Text(request.id)], &mut |r| {
                before = Some((
                    r.text(0)?.unwrap_or_default().to_string(),
                    r.text(1)?.unwrap_or_default().to_string(),
                    r.text(2)?.unwrap_or_default().to_string(),
                    r.text(3)?.unwrap_or_default().to_string(),
                ));
                Ok(())
            })?;
        if let Some((policy, policy_digest, input_digest, committed_at)) = before {
            let what = if policy != program.policy.header.title {
                "policy"
            } else if policy_digest != request.policy_digest {
                "version"
            } else if input_digest != request.input_digest {
                "input"
            } else {
                return Ok(Committed::Already { committed_at });
            };
            return Err(Refusal::Different { committed_at, what });
        }
        let history = self.read_history(program)?;
        let ran = run(history).map_err(Refusal::Run)?;
        let rows = &ran.rows;
        let granted = rows
            .iter()
            .try_fold(Decimal::ZERO, |s, r| s.checked_add(r.amount))
            .ok_or_else(|| {
                Refusal::Run(t!("the round's awards add up beyond the range of exact decimals").into_owned())
            })?;
        fault("before-round");
        let (granted_text, at) = (granted.to_string(), now());
        let cases = i64::try_from(ran.cases).unwrap_or(i64::MAX);
        self.store.execute(
            schema::INSERT_ROUND,
            &[
                Param::Text(request.id),
                Param::Text(&program.policy.header.title),
                Param::Text(request.policy_digest),
                Param::Text(request.input_digest),
                Param::Text(&at),
                Param::Int(cases),
                Param::Text(&granted_text),
            ],
        )?;
        let full = schema::insert_awards(schema::AWARDS_AT_ONCE);
        for (k, chunk) in rows.chunks(schema::AWARDS_AT_ONCE).enumerate() {
            if k == rows.len() / schema::AWARDS_AT_ONCE / 2 {
                fault("mid-awards");
            }
            let texts: Vec<(String, i64)> = chunk
                .iter()
                .map(|r| (r.amount.to_string(), i64::try_from(r.line).unwrap_or(i64::MAX)))
                .collect();
            let mut params = Vec::with_capacity(chunk.len() * 8);
            for (row, (amount, line)) in chunk.iter().zip(&texts) {
                params.extend([
                    Param::Text(request.id),
                    Param::Int(*line),
                    Param::Text(&row.applicant),
                    Param::Text(&row.case_id),
                    Param::Text(&row.award),
                    Param::Int(i64::from(row.year)),
                    row.item.as_deref().map_or(Param::Null, Param::Text),
                    Param::Text(amount),
                ]);
            }
            let sql = if chunk.len() == schema::AWARDS_AT_ONCE {
                std::borrow::Cow::Borrowed(full.as_str())
            } else {
                std::borrow::Cow::Owned(schema::insert_awards(chunk.len()))
            };
            self.store.execute(&sql, &params)?;
        }
        let packed = record::pack(rows);
        self.store
            .execute(schema::INSERT_LEDGER, &[Param::Text(request.id), Param::Text(&packed)])?;
        for (pool, period, amount) in &ran.pools {
            let amount = amount.to_string();
            self.store.execute(
                schema::INSERT_POOL,
                &[
                    Param::Text(request.id),
                    Param::Text(pool),
                    Param::Text(period),
                    Param::Text(&amount),
                ],
            )?;
        }
        Ok(Committed::Written {
            awards: rows.len(),
            granted,
        })
    }

    /// Takes in ledgers kept before the registry (`import::ledgers`) as the round
    /// `request.id`: all of it or nothing, refused on any problem.
    pub fn import(
        &mut self,
        program: &Program,
        request: &Request,
        ledgers: &str,
        pools: &Ledger,
    ) -> Result<Committed, Refusal> {
        let run = import::ledgers(program, ledgers, pools).map_err(|e| Refusal::Run(e.join("\n")))?;
        let mut run = Some(run);
        self.commit(program, request, &mut |_| run.take().ok_or_else(String::new))
    }

    /// Voids a committed round: its awards and spending stop counting. The
    /// round itself stays as it was written.
    pub fn void(&mut self, id: &str, reason: &str) -> Result<(), String> {
        if reason.trim().is_empty() {
            return Err(t!("say why the round is voided: `--reason \"…\"`").into_owned());
        }
        self.store.begin_write()?;
        let done = (|| {
            let mut exists = false;
            self.store.query(schema::FIND_ROUND, &[Param::Text(id)], &mut |_| {
                exists = true;
                Ok(())
            })?;
            if !exists {
                return Err(t!("the registry has no round `%{id}`", id = id).into_owned());
            }
            let mut voided = None;
            self.store.query(schema::FIND_VOID, &[Param::Text(id)], &mut |r| {
                voided = Some(r.text(1)?.unwrap_or_default().to_string());
                Ok(())
            })?;
            if let Some(at) = voided {
                return Err(t!("round `%{id}` was already voided on %{at}", id = id, at = at).into_owned());
            }
            self.store.execute(
                schema::INSERT_VOID,
                &[Param::Text(id), Param::Text(reason), Param::Text(&now())],
            )
        })();
        match done {
            Ok(()) => self.store.commit(),
            Err(e) => {
                let _ = self.store.rollback();
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests;
