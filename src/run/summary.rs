//! Counts and sums over a run, for `--summary`, and the ids given twice.

use crate::eval::Outcome;
use crate::pool::{PoolKey, Share};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
    /// per pool and period: what the round's shares add up to
    pub pools: BTreeMap<PoolKey, Decimal>,
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
            let sum = self.pools.entry((share.pool, share.period)).or_insert(Decimal::ZERO);
            match sum.checked_add(share.granted) {
                Some(t) => *sum = t,
                None => self.overflowed = true,
            }
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        for (key, granted) in &other.pools {
            let sum = self.pools.entry(*key).or_insert(Decimal::ZERO);
            match sum.checked_add(*granted) {
                Some(t) => *sum = t,
                None => self.overflowed = true,
            }
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
