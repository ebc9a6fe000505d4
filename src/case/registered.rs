//! A round against a grant registry: each case names its `applicant`, and its
//! ledger is what the registry holds for that applicant, never what the case
//! says. The two sources cannot disagree because only one is read.

use rust_decimal::Decimal;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The field a case names its applicant in.
pub const APPLICANT: &str = "applicant";

/// An award the registry holds, with the policy's index of its measure.
#[derive(Debug, Clone)]
pub struct Past {
    pub award: usize,
    pub year: i32,
    pub amount: Decimal,
    /// what a per-item award was paid for (`once per`)
    pub item: Option<Box<str>>,
}

/// What a registry holds for the applicants of a round: each one's past awards.
#[derive(Debug, Default)]
pub struct Registered {
    by_applicant: HashMap<Box<str>, Vec<Past>, BuildHasherDefault<Fnv>>,
}

/// FNV-1a: names of a bureau's own applicants need no defence against
/// crafted collisions, and a million lookups a round need the speed.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

impl Registered {
    /// Adds awards of one applicant (a registry reads each applicant's awards of a round together).
    pub fn add(&mut self, applicant: &str, past: &mut Vec<Past>) {
        if past.is_empty() {
            return;
        }
        match self.by_applicant.get_mut(applicant) {
            Some(v) => v.append(past),
            None => {
                self.by_applicant.insert(applicant.into(), std::mem::take(past));
            }
        }
    }

    pub fn of(&self, applicant: &str) -> &[Past] {
        self.by_applicant.get(applicant).map_or(&[], Vec::as_slice)
    }

    /// How many applicants have an award registered.
    pub fn applicants(&self) -> usize {
        self.by_applicant.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_applicant_is_registered_only_with_awards() {
        let mut r = Registered::default();
        r.add("甲", &mut Vec::new());
        assert_eq!(r.applicants(), 0);
        let past = |amount: i64| Past {
            award: 0,
            year: 2026,
            amount: Decimal::from(amount),
            item: None,
        };
        r.add("甲", &mut vec![past(1)]);
        r.add("甲", &mut vec![past(2), past(3)]);
        assert_eq!(r.applicants(), 1);
        let amounts: Vec<Decimal> = r.of("甲").iter().map(|p| p.amount).collect();
        assert_eq!(amounts, [Decimal::from(1), Decimal::from(2), Decimal::from(3)]);
        assert!(r.of("乙").is_empty());
    }
}
