//! A round against a grant registry: each case names its `applicant`, and its
//! ledger is what the registry holds for that applicant, never what the case
//! says. The two sources cannot disagree because only one is read.

use rust_decimal::Decimal;
use std::collections::HashMap;

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
    by_applicant: HashMap<Box<str>, Vec<Past>>,
}

impl Registered {
    pub fn add(&mut self, applicant: &str, past: Past) {
        match self.by_applicant.get_mut(applicant) {
            Some(v) => v.push(past),
            None => {
                self.by_applicant.insert(applicant.into(), vec![past]);
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
