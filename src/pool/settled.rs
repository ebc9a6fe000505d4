//! Every pool of a round, divided, and each case granted its share.

use super::divide::Grant;
use super::*;

/// Every pool of a round, divided.
#[derive(Debug, Default)]
pub struct Settled {
    pub allocations: BTreeMap<PoolKey, Allocation>,
    /// the grants of ranked pools by line, then measure: a case's grants are at
    /// `ranked[first[line]..first[line + 1]]`, found without a search
    ranked: Vec<Grant>,
    first: Vec<u32>,
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
    pub(super) fn index(allocations: BTreeMap<PoolKey, Allocation>, grants: Vec<(usize, Grant)>) -> Settled {
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
        self.grant_from(program, self.allocations.get(&(c.pool, c.period)), c)
    }

    /// `grant`, the claim's allocation found already.
    fn grant_from(&self, program: &Program, a: Option<&Allocation>, c: &Claim) -> (Decimal, Option<usize>) {
        let Some(a) = a else {
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
    pub fn record(&mut self, granted: impl Fn(&PoolKey) -> Option<Decimal>) {
        for (key, a) in &mut self.allocations {
            a.granted = granted(key).unwrap_or(Decimal::ZERO);
        }
    }

    /// Grants the pooled awards of a case evaluated again in the second pass:
    /// sets its awards and total to what the pools give, and says what each gave.
    pub fn apply(&self, program: &Program, claims: &[Claim], outcome: &mut Outcome) -> Vec<Share> {
        let mut shares = Vec::with_capacity(claims.len());
        self.apply_into(program, claims, outcome, &mut shares);
        shares
    }

    /// As `apply`, the shares appended to `shares`; true when a pool cut an
    /// award, and so the total was added again.
    pub fn apply_into(
        &self,
        program: &Program,
        claims: &[Claim],
        outcome: &mut Outcome,
        shares: &mut Vec<Share>,
    ) -> bool {
        let mut cut = false;
        // a claim of nothing only carried what was paid before
        for c in claims.iter().filter(|c| !c.amount.is_zero()) {
            let allocation = self.allocations.get(&(c.pool, c.period));
            let (granted, rank) = self.grant_from(program, allocation, c);
            outcome.awards[c.measure] = granted;
            cut |= allocation.is_some_and(|a| a.exceeded);
            // With the trace on, the pool is the award's last step.
            if let Some(e) = outcome.explanations.get_mut(c.measure) {
                let Some(a) = allocation else {
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
        cut
    }
}
