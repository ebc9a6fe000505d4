//! The claims of a round, tallied per pool and period, and settled.

use super::divide::{divide_ranked, Allocation};
use super::*;

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
        });
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
                    mine.paid = add(mine.paid, t.paid);
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
