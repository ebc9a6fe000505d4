//! The claims of a round, tallied per pool and period, and settled.

use super::divide::{divide_ranked, Allocation};
use super::*;
use std::sync::Mutex;

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
    /// what the round's cases' ledgers show already paid (`less what the ledgers show paid`)
    paid: Decimal,
    /// under `at most X each, then pro rata`: X, and the sum of the capped claims
    cap: Option<Decimal>,
    capped: Decimal,
    claims: usize,
    applicants: usize,
    last_line: usize,
    /// every claim, when the rule ranks them
    kept: Option<Vec<Claim>>,
    /// whether a claim came since the tally was emptied: an emptied tally
    /// stays, its room kept, for the next lines a core tallies
    seen: bool,
}

impl Tally {
    /// Its figures, without its claims.
    fn clone_figures(&self) -> Tally {
        Tally { kept: None, ..*self }
    }

    /// Back to no claims, as it was made, its room for claims kept.
    fn empty(&mut self) {
        let Tally {
            demand,
            paid,
            cap: _,
            capped,
            claims,
            applicants,
            last_line,
            kept,
            seen,
        } = self;
        (*demand, *paid, *capped) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        (*claims, *applicants, *last_line, *seen) = (0, 0, 0, false);
        if let Some(kept) = kept {
            kept.clear();
        }
    }
}

/// The rounds of lines tallied apart, each on its own core, given back once
/// merged: the next lines are tallied in an emptied one, not a new one (a
/// task's tally allocated its map, and its ranked claims grew by doubling).
pub struct Parts<'p> {
    program: &'p Program,
    spare: Mutex<Vec<Round<'p>>>,
}

impl<'p> Parts<'p> {
    pub fn new(program: &'p Program) -> Self {
        Parts {
            program,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// An empty round for the next lines.
    pub fn take(&self) -> Round<'p> {
        let spare = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        spare.unwrap_or_else(|| Round::new(self.program))
    }

    /// Adds `part` (the lines after those `round` has) to `round`, and keeps it, emptied.
    pub fn merge(&self, round: &mut Round<'p>, mut part: Round<'p>) {
        round.merge(&mut part);
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(part);
        }
    }
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
    pub fn add(&mut self, claim: &Claim) {
        let program = self.program;
        let pool = &program.policy.pools[claim.pool];
        let t = self.tallies.entry((claim.pool, claim.period)).or_insert_with(|| Tally {
            demand: Decimal::ZERO,
            paid: Decimal::ZERO,
            cap: match &pool.ration {
                RationRule::CappedProRata(cap) => Some(fixed(program, cap, first_day(pool, claim.period))),
                _ => None,
            },
            capped: Decimal::ZERO,
            claims: 0,
            applicants: 0,
            last_line: 0,
            kept: ranks(pool).then(Vec::new),
            seen: false,
        });
        t.seen = true;
        t.paid = add(t.paid, claim.paid);
        if claim.amount.is_zero() {
            // what was paid before, with nothing asked now
            return;
        }
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
            kept.push(claim.clone());
        }
    }

    pub fn extend(&mut self, claims: &[Claim]) {
        claims.iter().for_each(|c| self.add(c));
    }

    /// Adds the tallies of the round's next lines, gathered apart (on another core).
    /// `later` is left empty, its tallies there to be filled again.
    pub fn merge(&mut self, later: &mut Round) {
        for (key, t) in later.tallies.iter_mut().filter(|(_, t)| t.seen) {
            match self.tallies.get_mut(key) {
                None => {
                    // Its claims copied, so that `later` keeps the room they took.
                    let kept = t.kept.as_mut().map(|k| {
                        let mut mine = Vec::with_capacity(k.len());
                        mine.append(k);
                        mine
                    });
                    self.tallies.insert(
                        *key,
                        Tally {
                            kept,
                            ..t.clone_figures()
                        },
                    );
                }
                Some(mine) => {
                    mine.demand = add(mine.demand, t.demand);
                    mine.paid = add(mine.paid, t.paid);
                    mine.capped = add(mine.capped, t.capped);
                    mine.claims += t.claims;
                    // A line's claims are never split between two tallies.
                    mine.applicants += t.applicants;
                    mine.last_line = t.last_line;
                    if let (Some(a), Some(b)) = (&mut mine.kept, &mut t.kept) {
                        a.append(b);
                    }
                }
            }
            t.empty();
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
            // earlier rounds (the pool ledger), and this round's cases' own ledgers
            let before = add(ledger.get(&pool.id, &period_name(pool, key.1)), t.paid);
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
