//! Pools: budgets shared by every applicant of a period (年度资金总额). No
//! case can see its pool alone, so a round of applications is read twice: the
//! first pass evaluates each case and records its claims — what each of its
//! pooled awards asks of the pool — and the pools are settled; the second
//! evaluates each case again and grants what the settlement gives it. A claim
//! is a few words, so memory grows by a compact record per pooled award, not
//! by a result per case.

use crate::case::{Case, CaseErrors, FieldError};
use crate::check::model::{Const, Date, ExprKind, OrderKey, PoolDef, PoolPeriod, RationRule, Residue, RoundMode};
use crate::compile::Program;
use crate::eval::trace::{Step, StepKind};
use crate::eval::{money, Outcome};
use crate::value::Value;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Stable codes of the case errors pools add.
pub mod code {
    /// the case's day falls in no period of the pool that funds its award
    pub const PERIOD: &str = "zhice::case::pool-period";
    /// the field an ordered pool orders by is missing from the case
    pub const ORDER: &str = "zhice::case::pool-order";
}

/// Which share of a pool: the pool's index and the period (the award year, or 0 for a dated pool).
pub type PoolKey = (usize, i32);

/// What one award of one case asks of its pool.
#[derive(Debug, Clone)]
pub struct Claim {
    pub pool: usize,
    pub period: i32,
    /// the case's place in the round: its line in the case file
    pub line: usize,
    pub measure: usize,
    /// what the award's own rule gives
    pub amount: Decimal,
    /// ordered pools: the case's value of the field they are ordered by
    pub key: Option<Value>,
}

/// What earlier rounds already granted from each pool and period (`--pool-ledger`).
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// pool id → period → amount granted
    pub granted: BTreeMap<String, BTreeMap<String, Decimal>>,
}

impl Ledger {
    /// Reads `{"training_fund": {"2026": "3000000.00"}}`.
    pub fn parse(text: &str) -> Result<Ledger, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| t!("not valid JSON: %{e}", e = e).into_owned())?;
        let mut out = Ledger::default();
        let pools = v
            .as_object()
            .ok_or_else(|| t!("expected an object of pools").into_owned())?;
        for (pool, periods) in pools {
            let periods = periods
                .as_object()
                .ok_or_else(|| t!("`%{pool}`: expected an object of periods", pool = pool).into_owned())?;
            for (period, amount) in periods {
                let text = match amount {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => {
                        return Err(
                            t!("`%{pool}.%{period}`: expected an amount", pool = pool, period = period).into_owned(),
                        )
                    }
                };
                let d = Decimal::from_str_exact(text.trim()).map_err(|_| {
                    t!(
                        "`%{pool}.%{period}`: `%{text}` is not an amount",
                        pool = pool,
                        period = period,
                        text = text
                    )
                    .into_owned()
                })?;
                if d < Decimal::ZERO {
                    return Err(t!(
                        "`%{pool}.%{period}`: a granted amount is at least 0",
                        pool = pool,
                        period = period
                    )
                    .into_owned());
                }
                out.granted.entry(pool.clone()).or_default().insert(period.clone(), d);
            }
        }
        Ok(out)
    }

    pub fn get(&self, pool: &str, period: &str) -> Decimal {
        self.granted
            .get(pool)
            .and_then(|p| p.get(period))
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    /// This ledger with what `settled` granted added: the ledger of the next round.
    pub fn after(&self, program: &Program, settled: &Settled) -> Ledger {
        let mut out = self.clone();
        for (&(p, period), a) in &settled.allocations {
            let pool = &program.policy.pools[p];
            let slot = out
                .granted
                .entry(pool.id.clone())
                .or_default()
                .entry(period_name(pool, period))
                .or_insert(Decimal::ZERO);
            *slot = slot.checked_add(a.granted).unwrap_or(*slot);
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let pools: serde_json::Map<String, serde_json::Value> = self
            .granted
            .iter()
            .map(|(p, periods)| {
                let inner: serde_json::Map<String, serde_json::Value> = periods
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
                    .collect();
                (p.clone(), serde_json::Value::Object(inner))
            })
            .collect();
        serde_json::Value::Object(pools)
    }
}

/// A period as people and the ledger name it: `2026`, or `2026-01-01..2026-12-31`.
pub fn period_name(pool: &PoolDef, period: i32) -> String {
    match pool.period {
        PoolPeriod::Year => period.to_string(),
        PoolPeriod::Range(from, to) => format!("{from}..{to}"),
    }
}

/// The claims a case makes on the pools of its awards, or the errors that keep it out.
pub fn claims(program: &Program, case: &Case, outcome: &Outcome, line: usize) -> Result<Vec<Claim>, CaseErrors> {
    let mut out = Vec::new();
    claims_into(program, case, outcome, line, &mut out).map(|()| out)
}

/// As `claims`, appended to `out` (a batch gathers a whole chunk's in one vector);
/// on errors `out` is left as it was.
pub fn claims_into(
    program: &Program,
    case: &Case,
    outcome: &Outcome,
    line: usize,
    out: &mut Vec<Claim>,
) -> Result<(), CaseErrors> {
    let policy = &program.policy;
    let start = out.len();
    let mut errors = Vec::new();
    for (p, pool) in policy.pools.iter().enumerate() {
        if pool.members.iter().all(|m| outcome.awards[*m].is_zero()) {
            // Nothing asked: the case takes no part in this pool.
            continue;
        }
        let period = match pool.period {
            PoolPeriod::Year => case.year,
            PoolPeriod::Range(from, to) => {
                let day = case.day();
                if day < from || day > to {
                    let field = if case.date.is_some() { "date" } else { "year" };
                    errors.push(FieldError::new(
                        field,
                        code::PERIOD,
                        t!(
                            "%{day} is outside the period of pool `%{id}`, %{from}..%{to}",
                            day = day,
                            id = pool.id,
                            from = from,
                            to = to
                        )
                        .into_owned(),
                    ));
                    continue;
                }
                0
            }
        };
        let key = match pool.ration {
            RationRule::InOrder { key, .. } => match order_value(policy, case, key) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            _ => None,
        };
        for &m in &pool.members {
            let amount = outcome.awards[m];
            if money::positive(amount) {
                out.push(Claim {
                    pool: p,
                    period,
                    line,
                    measure: m,
                    amount,
                    key: key.clone(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        out.truncate(start);
        Err(CaseErrors {
            id: Some(case.id.clone()),
            errors,
        })
    }
}

fn order_value(policy: &crate::check::model::Policy, case: &Case, key: OrderKey) -> Result<Value, FieldError> {
    let (name, value) = match key {
        OrderKey::Date => ("date", case.date.map_or(Value::Absent, Value::Date)),
        OrderKey::Input(i) => (policy.inputs[i].name.as_str(), case.slots[i].clone()),
    };
    if value == Value::Absent {
        return Err(FieldError::new(
            name,
            code::ORDER,
            t!(
                "missing: the pool serves applications in order of `%{name}`",
                name = name
            ),
        ));
    }
    Ok(value)
}

/// The claims of a round, gathered per pool and period: running totals, and
/// the claims themselves only where the rule must rank them (served in order,
/// or the residue to the largest remainders). Pro rata as it falls keeps no
/// claim: each share follows from its own amount and the totals.
pub struct Round<'p> {
    program: &'p Program,
    tallies: BTreeMap<PoolKey, Tally>,
}

#[derive(Debug)]
struct Tally {
    demand: Decimal,
    /// under `at most X each, then pro rata`: X, and the sum of the capped claims
    cap: Option<Decimal>,
    capped: Decimal,
    claims: usize,
    applicants: usize,
    last_line: usize,
    /// every claim, when the rule ranks them
    kept: Option<Vec<Claim>>,
}

/// Whether a pool's rule needs every claim at hand to divide it.
fn ranks(pool: &PoolDef) -> bool {
    matches!(pool.ration, RationRule::InOrder { .. }) || pool.residue == Some(Residue::LargestRemainders)
}

/// The day a period's parameters are read on: 1 January, or the period's first day.
fn first_day(pool: &PoolDef, period: i32) -> Date {
    match pool.period {
        PoolPeriod::Year => Date::new_year(period),
        PoolPeriod::Range(from, _) => from,
    }
}

fn add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}

impl<'p> Round<'p> {
    pub fn new(program: &'p Program) -> Self {
        Round {
            program,
            tallies: BTreeMap::new(),
        }
    }

    /// Adds a claim. Claims come in the order of the round: by line, and a
    /// line's claims together.
    pub fn add(&mut self, claim: Claim) {
        let program = self.program;
        let pool = &program.policy.pools[claim.pool];
        let t = self.tallies.entry((claim.pool, claim.period)).or_insert_with(|| Tally {
            demand: Decimal::ZERO,
            cap: match &pool.ration {
                RationRule::CappedProRata(cap) => Some(fixed(program, cap, first_day(pool, claim.period))),
                _ => None,
            },
            capped: Decimal::ZERO,
            claims: 0,
            applicants: 0,
            last_line: 0,
            kept: ranks(pool).then(Vec::new),
        });
        t.demand = add(t.demand, claim.amount);
        if let Some(cap) = t.cap {
            t.capped = add(t.capped, claim.amount.min(cap));
        }
        t.claims += 1;
        if claim.line != t.last_line {
            t.applicants += 1;
            t.last_line = claim.line;
        }
        if let Some(kept) = &mut t.kept {
            kept.push(claim);
        }
    }

    pub fn extend(&mut self, claims: Vec<Claim>) {
        claims.into_iter().for_each(|c| self.add(c));
    }

    /// Adds the tallies of the round's next lines, gathered apart (on another core).
    pub fn merge(&mut self, later: Round) {
        for (key, t) in later.tallies {
            match self.tallies.get_mut(&key) {
                None => {
                    self.tallies.insert(key, t);
                }
                Some(mine) => {
                    mine.demand = add(mine.demand, t.demand);
                    mine.capped = add(mine.capped, t.capped);
                    mine.claims += t.claims;
                    // A line's claims are never split between two tallies.
                    mine.applicants += t.applicants;
                    mine.last_line = t.last_line;
                    if let (Some(a), Some(b)) = (&mut mine.kept, t.kept) {
                        a.extend(b);
                    }
                }
            }
        }
    }

    /// Divides every pool of the round, with what `ledger` says earlier rounds granted.
    pub fn settle(self, ledger: &Ledger) -> Settled {
        let program = self.program;
        let mut allocations = BTreeMap::new();
        let mut ranked = Vec::new();
        for (key, t) in self.tallies {
            let pool = &program.policy.pools[key.0];
            let amount = pool_amount(program, pool, key.1);
            let before = ledger.get(&pool.id, &period_name(pool, key.1));
            let available = amount.checked_sub(before).unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
            let exceeded = t.demand > available;
            let mut a = Allocation {
                amount,
                before,
                available,
                demand: t.demand,
                claims: t.claims,
                applicants: t.applicants,
                exceeded,
                divided: if t.cap.is_some() { t.capped } else { t.demand },
                cap: t.cap,
                divides: false,
                granted: Decimal::ZERO,
                factor: Decimal::ONE,
                ratio: None,
                json: String::new(),
            };
            a.divides = exceeded && a.divided > a.available;
            a.factor = a.shown_factor();
            a.ratio = a.exact_ratio();
            let ordered = matches!(pool.ration, RationRule::InOrder { .. });
            a.json = json_entry(pool, key.1, (!ordered).then_some(a.factor));
            if let (true, Some(kept)) = (exceeded, t.kept) {
                ranked.extend(divide_ranked(pool, &a, &kept));
            }
            allocations.insert(key, a);
        }
        Settled::index(allocations, ranked)
    }
}

/// `{"period":"2026","factor":"0.9765625"`; a pool served in order shows ranks instead.
fn json_entry(pool: &PoolDef, period: i32, factor: Option<Decimal>) -> String {
    let mut out = String::from("{\"period\":");
    crate::json::push_string(&mut out, &period_name(pool, period));
    if let Some(f) = factor {
        out.push_str(",\"factor\":\"");
        crate::json::push_decimal(&mut out, f);
        out.push('"');
    }
    out
}

/// The pool's amount for a period: on 1 January of the year, or on the period's first day.
pub fn pool_amount(program: &Program, pool: &PoolDef, period: i32) -> Decimal {
    fixed(program, &pool.amount, first_day(pool, period))
}

/// The value of an amount the policy fixes (a literal or a parameter) on `day`.
fn fixed(program: &Program, e: &crate::check::model::Expr, day: Date) -> Decimal {
    match &e.kind {
        ExprKind::Const(Const::Money(d)) => *d,
        ExprKind::Param(i) => match program.params_on(day).get(*i) {
            Some(Value::Dec(d)) => *d,
            _ => Decimal::ZERO,
        },
        ExprKind::Input(_)
        | ExprKind::Local(_)
        | ExprKind::Value(_)
        | ExprKind::Award(_)
        | ExprKind::CaseYear
        | ExprKind::CaseDate
        | ExprKind::Field(..)
        | ExprKind::Binary(..)
        | ExprKind::Not(_)
        | ExprKind::Neg(_)
        | ExprKind::IsGiven(..)
        | ExprKind::IsValue(..)
        | ExprKind::ToDec(_)
        | ExprKind::Min(_)
        | ExprKind::Max(_)
        | ExprKind::If(..)
        | ExprKind::Round(..)
        | ExprKind::Aggregate(_)
        | ExprKind::Quantified(_)
        | ExprKind::UpTo { .. }
        | ExprKind::Tier { .. }
        | ExprKind::Pick { .. }
        | ExprKind::Each { .. }
        | ExprKind::Bands { .. }
        | ExprKind::Capped { .. }
        | ExprKind::Const(_) => Decimal::ZERO,
    }
}

/// How one pool and period was divided.
#[derive(Debug, Clone)]
pub struct Allocation {
    /// the pool's amount for the period
    pub amount: Decimal,
    /// what earlier rounds had granted from it
    pub before: Decimal,
    /// what was left for this round
    pub available: Decimal,
    /// what the claims asked together
    pub demand: Decimal,
    pub claims: usize,
    pub applicants: usize,
    /// demand above what was left: the rule applied
    pub exceeded: bool,
    /// what is divided pro rata: the demand, or the claims once each was capped
    divided: Decimal,
    /// under `at most X each, then pro rata`: X
    cap: Option<Decimal>,
    /// what is divided exceeds what is left: each claim gets a share of it
    divides: bool,
    /// what was granted in all, once the grants are counted (`Settled::count`, `record`)
    pub granted: Decimal,
    /// worked out once: every result line of the pool shows it
    factor: Decimal,
    /// `available / divided` when that quotient is an exact decimal (125/128 =
    /// 0.9765625): a share is then one exact multiplication, no division
    ratio: Option<Decimal>,
    /// the start of the pool's entry in a result line, written once:
    /// `{"period":"2026","factor":"0.9765625"` (an ordered pool adds each case's rank)
    pub json: String,
}

impl Allocation {
    /// The ratio each claim was multiplied by (after the cap on each, under
    /// `at most X each, then pro rata`); under an ordered rule, the part of the
    /// demand that was met. 1 when the pool was not exceeded. Shown to 12
    /// places; the shares themselves use the exact ratio.
    pub fn factor(&self) -> Decimal {
        self.factor
    }

    fn shown_factor(&self) -> Decimal {
        if !self.exceeded || self.divided.is_zero() || self.available >= self.divided {
            return Decimal::ONE;
        }
        self.available
            .checked_div(self.divided)
            .map_or(Decimal::ONE, |f| f.round_dp(12).normalize())
    }

    /// `amount × available / divided`, the exact ratio never rounded first,
    /// then rounded as the pool says.
    fn share(&self, pool: &PoolDef, amount: Decimal, mode_down: bool) -> Decimal {
        let (unit, mode) = pool
            .rounding
            .unwrap_or((Decimal::new(1, 2), RoundMode::HalfAwayFromZero));
        let mode = if mode_down { RoundMode::Down } else { mode };
        if self.ratio.is_none() {
            if let Some(x) = money::round_ratio(amount, self.available, self.divided, unit, mode) {
                return x;
            }
        }
        money::round(self.exact(amount), unit, mode).unwrap_or(Decimal::ZERO)
    }

    fn exact(&self, amount: Decimal) -> Decimal {
        if let Some(r) = self.ratio {
            // Exact when no place was dropped: the scales add up.
            if let Some(x) = amount
                .checked_mul(r)
                .filter(|x| x.scale() == amount.scale() + r.scale())
            {
                return x;
            }
        }
        amount
            .checked_mul(self.available)
            .and_then(|x| x.checked_div(self.divided))
            .unwrap_or(Decimal::ZERO)
    }

    /// `available / divided` if it is exact: multiplied back, it gives `available`.
    fn exact_ratio(&self) -> Option<Decimal> {
        if self.divided.is_zero() {
            return None;
        }
        let r = self.available.checked_div(self.divided)?;
        (r.checked_mul(self.divided)? == self.available && r.scale() <= 14).then_some(r)
    }

    /// What a claim of `amount` is granted under a rule that needs no ranking.
    fn grant(&self, pool: &PoolDef, amount: Decimal) -> Decimal {
        if !self.exceeded {
            return amount;
        }
        let amount = self.cap.map_or(amount, |cap| amount.min(cap));
        if !self.divides {
            // Capped claims that fit the pool: nothing to divide.
            amount
        } else {
            self.share(pool, amount, false)
        }
    }
}

/// The grants of a rule that ranks its claims, for claims in the order of the round.
fn divide_ranked(pool: &PoolDef, a: &Allocation, claims: &[Claim]) -> Vec<(usize, Grant)> {
    let grant = |c: &Claim, granted: Decimal, rank: Option<usize>| {
        (
            c.line,
            Grant {
                measure: c.measure,
                granted,
                rank,
            },
        )
    };
    if let RationRule::InOrder { descending, .. } = pool.ration {
        return in_order(claims, descending, a.available)
            .into_iter()
            .map(|(i, g, rank)| grant(&claims[i], g, Some(rank)))
            .collect();
    }
    // The residue to the largest remainders, after any cap on each claim.
    let amounts: Vec<Decimal> = claims
        .iter()
        .map(|c| a.cap.map_or(c.amount, |cap| c.amount.min(cap)))
        .collect();
    if a.divided <= a.available {
        return claims.iter().zip(amounts).map(|(c, x)| grant(c, x, None)).collect();
    }
    let unit = pool.rounding.map_or(Decimal::new(1, 2), |(u, _)| u);
    let exacts: Vec<Decimal> = amounts.par_iter().map(|x| a.exact(*x)).collect();
    let mut shares: Vec<Decimal> = amounts.par_iter().map(|x| a.share(pool, *x, true)).collect();
    let floor_sum = shares.iter().fold(Decimal::ZERO, |s, x| add(s, *x));
    let left_units = a
        .available
        .checked_sub(floor_sum)
        .and_then(|l| l.checked_div(unit))
        .and_then(|l| i64::try_from(l.floor()).ok())
        .map_or(0, |n| usize::try_from(n.max(0)).unwrap_or(usize::MAX));
    let remainders: Vec<Decimal> = exacts.iter().zip(&shares).map(|(x, s)| *x - *s).collect();
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    // Largest remainder first; on a tie the larger claim, then the earlier line,
    // so that only identical claims depend on the order of the round.
    by_remainder.par_sort_unstable_by(|&x, &y| {
        remainders[y]
            .cmp(&remainders[x])
            .then(amounts[y].cmp(&amounts[x]))
            .then(x.cmp(&y))
    });
    for &i in by_remainder.iter().take(left_units) {
        if exacts[i] > shares[i] {
            shares[i] = add(shares[i], unit);
        }
    }
    claims.iter().zip(shares).map(|(c, x)| grant(c, x, None)).collect()
}

/// Claims served whole in order of their key (ties in the order of the round),
/// the last one what is left, the rest nothing: (claim index, granted, rank).
fn in_order(claims: &[Claim], descending: bool, available: Decimal) -> Vec<(usize, Decimal, usize)> {
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (&claims[a].key, &claims[b].key);
        let by_key = match (ka, kb) {
            // Orders are by numbers, amounts and dates: no text is compared.
            (Some(x), Some(y)) => x.compare(y, "").unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        };
        let by_key = if descending { by_key.reverse() } else { by_key };
        by_key.then(a.cmp(&b))
    });
    let mut left = available;
    order
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let g = claims[i].amount.min(left).max(Decimal::ZERO);
            left = left.checked_sub(g).unwrap_or(Decimal::ZERO);
            (i, g, rank + 1)
        })
        .collect()
}

/// Every pool of a round, divided.
#[derive(Debug, Default)]
pub struct Settled {
    pub allocations: BTreeMap<PoolKey, Allocation>,
    /// the grants of ranked pools by line, then measure: a case's grants are at
    /// `ranked[first[line]..first[line + 1]]`, found without a search
    ranked: Vec<Grant>,
    first: Vec<u32>,
}

/// What one claim of a ranked pool was granted.
#[derive(Debug, Clone, Copy)]
struct Grant {
    measure: usize,
    granted: Decimal,
    rank: Option<usize>,
}

/// One pooled award of one case: what its rule gave, what the pool granted.
#[derive(Debug, Clone)]
pub struct Share {
    pub pool: usize,
    pub period: i32,
    pub measure: usize,
    pub entitled: Decimal,
    pub granted: Decimal,
    pub rank: Option<usize>,
}

impl Settled {
    /// The ranked grants in one table by line (a counting sort: lines are
    /// numbered from 1 without gaps).
    fn index(allocations: BTreeMap<PoolKey, Allocation>, grants: Vec<(usize, Grant)>) -> Settled {
        let lines = grants.iter().map(|(line, _)| *line).max().map_or(0, |l| l + 1);
        let mut first = vec![0u32; lines + 1];
        for (line, _) in &grants {
            first[*line + 1] += 1;
        }
        for i in 1..first.len() {
            first[i] += first[i - 1];
        }
        let mut next = first.clone();
        let empty = Grant {
            measure: usize::MAX,
            granted: Decimal::ZERO,
            rank: None,
        };
        let mut ranked = vec![empty; grants.len()];
        for (line, g) in grants {
            ranked[next[line] as usize] = g;
            next[line] += 1;
        }
        Settled {
            allocations,
            ranked,
            first,
        }
    }

    /// What a claim is granted, and its rank under an ordered rule.
    pub fn grant(&self, program: &Program, c: &Claim) -> (Decimal, Option<usize>) {
        let Some(a) = self.allocations.get(&(c.pool, c.period)) else {
            return (Decimal::ZERO, None);
        };
        let pool = &program.policy.pools[c.pool];
        if !a.exceeded || !ranks(pool) {
            return (a.grant(pool, c.amount), None);
        }
        let from = self.first.get(c.line).map_or(0, |x| *x as usize);
        let to = self.first.get(c.line + 1).map_or(from, |x| *x as usize);
        self.ranked[from..to]
            .iter()
            .find(|g| g.measure == c.measure)
            .map_or((Decimal::ZERO, None), |g| (g.granted, g.rank))
    }

    /// Adds what `shares` were granted to their pools' totals (for a round
    /// applied in one place; a batch counts in its summary and `record`s).
    pub fn count(&mut self, shares: &[Share]) {
        for s in shares {
            if let Some(a) = self.allocations.get_mut(&(s.pool, s.period)) {
                a.granted = add(a.granted, s.granted);
            }
        }
    }

    /// Sets each pool's granted total from what the round's shares add up to.
    pub fn record(&mut self, granted: &BTreeMap<PoolKey, Decimal>) {
        for (key, a) in &mut self.allocations {
            a.granted = granted.get(key).copied().unwrap_or(Decimal::ZERO);
        }
    }

    /// Grants the pooled awards of a case evaluated again in the second pass:
    /// sets its awards and total to what the pools give, and says what each gave.
    pub fn apply(&self, program: &Program, claims: &[Claim], outcome: &mut Outcome) -> Vec<Share> {
        let mut shares = Vec::with_capacity(claims.len());
        self.apply_into(program, claims, outcome, &mut shares);
        shares
    }

    /// As `apply`, the shares appended to `shares`.
    pub fn apply_into(&self, program: &Program, claims: &[Claim], outcome: &mut Outcome, shares: &mut Vec<Share>) {
        let mut cut = false;
        for c in claims {
            let (granted, rank) = self.grant(program, c);
            outcome.awards[c.measure] = granted;
            cut |= self.allocations.get(&(c.pool, c.period)).is_some_and(|a| a.exceeded);
            // With the trace on, the pool is the award's last step.
            if let Some(e) = outcome.explanations.get_mut(c.measure) {
                let Some(a) = self.allocations.get(&(c.pool, c.period)) else {
                    continue;
                };
                e.steps.push(Step {
                    depth: 0,
                    kind: StepKind::Pool {
                        pool: c.pool,
                        period: c.period,
                        available: a.available,
                        demand: a.demand,
                        applicants: a.applicants,
                        exceeded: a.exceeded,
                        factor: a.factor(),
                        rank,
                        entitled: c.amount,
                        granted,
                    },
                });
            }
            shares.push(Share {
                pool: c.pool,
                period: c.period,
                measure: c.measure,
                entitled: c.amount,
                granted,
                rank,
            });
        }
        if cut {
            // Each award is rounded already (by its rule, or as the pool says): the total is their sum.
            outcome.total = outcome.awards.iter().fold(Decimal::ZERO, |a, b| add(a, *b));
        }
    }
}

#[cfg(test)]
mod tests;
