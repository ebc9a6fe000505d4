//! Counts and sums over a run, for `--summary`, and the ids given twice.

use crate::eval::Outcome;
use crate::pool::{PoolKey, Share};
use rust_decimal::Decimal;

/// Counts and sums over a run, for `--summary`.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub cases: u64,
    pub rejected: u64,
    pub total: Decimal,
    /// per measure: recipients, total, largest
    pub awards: Vec<AwardStats>,
    /// set when a sum left the decimal range (the figures are then incomplete)
    pub overflowed: bool,
    /// per pool and period: what the round's shares add up to. A run has a
    /// few of them: found by a scan, with no tree node to allocate or walk for
    /// every share
    pub pools: Vec<(PoolKey, Decimal)>,
    /// with `Options::check_ids`: each evaluated case's id fingerprint and line
    pub ids: Vec<(u64, usize)>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct AwardStats {
    pub recipients: u64,
    pub total: Decimal,
    pub max: Decimal,
}

impl Summary {
    pub fn new(n: usize) -> Self {
        Summary {
            awards: vec![AwardStats::default(); n],
            ..Summary::default()
        }
    }

    /// Back to no cases, keeping its room.
    pub fn reset(&mut self, n: usize) {
        self.cases = 0;
        self.rejected = 0;
        self.total = Decimal::ZERO;
        self.awards.clear();
        self.awards.resize(n, AwardStats::default());
        self.overflowed = false;
        self.pools.clear();
        self.ids.clear();
    }

    /// Cases whose id an earlier case already had: (the earlier line, this line).
    /// Ids are compared by a 64-bit fingerprint, 12 bytes a case, kept only
    /// when asked for, so that a run's memory stays flat otherwise.
    pub fn duplicate_ids(&self) -> Vec<(usize, usize)> {
        let mut ids = self.ids.clone();
        ids.sort_unstable();
        let mut out = Vec::new();
        for w in ids.windows(2) {
            if w[0].0 == w[1].0 {
                let first = ids.iter().find(|(h, _)| *h == w[0].0).map_or(w[0].1, |(_, l)| *l);
                out.push((first, w[1].1));
            }
        }
        out.sort_unstable_by_key(|(_, line)| *line);
        out
    }

    pub fn add(&mut self, o: &Outcome) {
        self.cases += 1;
        self.total = self.checked(self.total, o.total);
        for (s, a) in self.awards.iter_mut().zip(&o.awards) {
            // a measure that may be negative counts its clawbacks too
            if !a.is_zero() {
                s.recipients += 1;
                s.max = s.max.max(*a);
                match s.total.checked_add(*a) {
                    Some(t) => s.total = t,
                    None => self.overflowed = true,
                }
            }
        }
    }

    fn checked(&mut self, a: Decimal, b: Decimal) -> Decimal {
        a.checked_add(b).unwrap_or_else(|| {
            self.overflowed = true;
            a
        })
    }

    /// Counts what pools granted a case.
    pub fn add_shares(&mut self, shares: &[Share]) {
        for share in shares {
            self.add_pool((share.pool, share.period), share.granted);
        }
    }

    /// What the shares of a pool and period add up to, if any were counted.
    pub fn pool(&self, key: &PoolKey) -> Option<Decimal> {
        self.pools.iter().find(|(k, _)| k == key).map(|(_, sum)| *sum)
    }

    fn add_pool(&mut self, key: PoolKey, granted: Decimal) {
        let at = match self.pools.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.pools.push((key, Decimal::ZERO));
                self.pools.len() - 1
            }
        };
        if let Some((_, sum)) = self.pools.get_mut(at) {
            match sum.checked_add(granted) {
                Some(t) => *sum = t,
                None => self.overflowed = true,
            }
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        for (key, granted) in &other.pools {
            self.add_pool(*key, *granted);
        }
        self.ids.extend_from_slice(&other.ids);
        self.cases += other.cases;
        self.rejected += other.rejected;
        self.total = self.checked(self.total, other.total);
        self.overflowed |= other.overflowed;
        for (s, o) in self.awards.iter_mut().zip(&other.awards) {
            s.recipients += o.recipients;
            s.max = s.max.max(o.max);
            match s.total.checked_add(o.total) {
                Some(t) => s.total = t,
                None => self.overflowed = true,
            }
        }
    }
}

/// A fingerprint of a case id, for finding ids given twice.
pub fn fingerprint(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(pool: usize, period: i32, granted: i64) -> Share {
        Share {
            pool,
            period,
            measure: 0,
            entitled: Decimal::new(granted, 2),
            granted: Decimal::new(granted, 2),
            rank: None,
        }
    }

    #[test]
    fn shares_add_up_per_pool_and_period_across_merges_and_resets() {
        let mut a = Summary::new(1);
        a.add_shares(&[share(0, 2025, 150), share(1, 2025, 7)]);
        a.add_shares(&[share(0, 2025, 250), share(0, 2026, 1)]);
        let mut b = Summary::new(1);
        b.add_shares(&[share(0, 2026, 99), share(2, 0, 5)]);
        a.merge(&b);
        assert_eq!(a.pool(&(0, 2025)), Some(Decimal::new(400, 2)));
        assert_eq!(a.pool(&(0, 2026)), Some(Decimal::new(100, 2)));
        assert_eq!(a.pool(&(1, 2025)), Some(Decimal::new(7, 2)));
        assert_eq!(a.pool(&(2, 0)), Some(Decimal::new(5, 2)));
        assert_eq!(a.pool(&(1, 2026)), None, "no share of it was counted");
        assert!(!a.overflowed);
        b.reset(1);
        assert_eq!(b.pool(&(0, 2026)), None);
        b.add_shares(&[share(0, 2026, 1)]);
        assert_eq!(
            b.pool(&(0, 2026)),
            Some(Decimal::new(1, 2)),
            "a reset summary counts from nothing"
        );
        let max = Share {
            granted: Decimal::MAX,
            ..share(3, 2025, 0)
        };
        b.add_shares(&[max.clone(), max]);
        assert!(b.overflowed, "a sum beyond the decimal range is said, not wrapped");
        assert_eq!(b.pool(&(3, 2025)), Some(Decimal::MAX));
    }
}
