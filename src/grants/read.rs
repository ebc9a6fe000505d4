//! The registry read back: an applicant's ledger, the rounds, the funds.

use super::schema;
use super::store::Param;
use super::{amount, Registry};
use rust_decimal::Decimal;
use serde::Serialize;

/// A round as the registry holds it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundRow {
    pub id: String,
    pub policy: String,
    pub policy_digest: String,
    pub input_digest: String,
    pub committed_at: String,
    pub cases: i64,
    pub granted: Decimal,
    /// why and when it was voided, if it was
    pub voided: Option<Void>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Void {
    pub reason: String,
    pub at: String,
}

/// One registered award.
#[derive(Debug, Clone, Serialize)]
pub struct AwardRow {
    pub round: String,
    pub policy: String,
    pub committed_at: String,
    pub applicant: String,
    pub case_id: String,
    pub award: String,
    pub year: i64,
    pub item: Option<String>,
    pub amount: Decimal,
    /// the round was voided: the award no longer counts
    pub voided: bool,
}

/// What a fund has paid in one period, from the rounds that count.
#[derive(Debug, Clone, Serialize)]
pub struct FundRow {
    pub policy: String,
    pub pool: String,
    pub period: String,
    pub spent: Decimal,
    /// the pool's amount for the period, when the policy was given
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    /// what is left of it
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Decimal>,
}

fn text(r: &dyn super::store::Row, i: usize) -> Result<String, String> {
    Ok(r.text(i)?.unwrap_or_default().to_string())
}

impl Registry {
    /// Every round, oldest first.
    pub fn rounds(&mut self) -> Result<Vec<RoundRow>, String> {
        let mut out = Vec::new();
        self.store.query(schema::ALL_ROUNDS, &[], &mut |r| {
            let voided = match r.text(7)? {
                Some(reason) => Some(Void {
                    reason: reason.to_string(),
                    at: text(r, 8)?,
                }),
                None => None,
            };
            out.push(RoundRow {
                id: text(r, 0)?,
                policy: text(r, 1)?,
                policy_digest: text(r, 2)?,
                input_digest: text(r, 3)?,
                committed_at: text(r, 4)?,
                cases: r.int(5)?,
                granted: amount(r.text(6)?)?,
                voided,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// One applicant's awards (every one, `None`), oldest first, voided ones marked.
    pub fn awards(&mut self, applicant: Option<&str>) -> Result<Vec<AwardRow>, String> {
        let mut out = Vec::new();
        let mut each = |r: &dyn super::store::Row| -> Result<(), String> {
            out.push(AwardRow {
                round: text(r, 0)?,
                policy: text(r, 1)?,
                committed_at: text(r, 3)?,
                applicant: text(r, 4)?,
                case_id: text(r, 5)?,
                award: text(r, 6)?,
                year: r.int(7)?,
                item: r.text(8)?.map(str::to_string),
                amount: amount(r.text(9)?)?,
                voided: r.int(10)? > 0,
            });
            Ok(())
        };
        match applicant {
            Some(a) => self
                .store
                .query(schema::APPLICANT_AWARDS, &[Param::Text(a)], &mut each)?,
            None => self.store.query(schema::EVERY_AWARD, &[], &mut each)?,
        }
        Ok(out)
    }

    /// One applicant's awards that count for a policy: of its title, from rounds not voided.
    pub fn counted_awards(&mut self, policy: &str, applicant: &str) -> Result<Vec<AwardRow>, String> {
        let mut awards = self.awards(Some(applicant))?;
        awards.retain(|a| !a.voided && a.policy == policy);
        Ok(awards)
    }

    /// What each fund has paid, per policy, pool and period, from the rounds that count.
    pub fn funds(&mut self) -> Result<Vec<FundRow>, String> {
        let mut out: Vec<FundRow> = Vec::new();
        self.store.query(schema::POOL_USAGE, &[], &mut |r| {
            let (policy, pool, period, spent) = (text(r, 0)?, text(r, 1)?, text(r, 2)?, amount(r.text(3)?)?);
            match out.last_mut() {
                Some(last) if last.policy == policy && last.pool == pool && last.period == period => {
                    last.spent = last.spent.checked_add(spent).ok_or_else(|| {
                        t!("a fund's spending adds up beyond the range of exact decimals").into_owned()
                    })?;
                }
                _ => out.push(FundRow {
                    policy,
                    pool,
                    period,
                    spent,
                    amount: None,
                    left: None,
                }),
            }
            Ok(())
        })?;
        Ok(out)
    }
}

impl Registry {
    /// What each fund of `program`'s policy has paid, with its amount for the
    /// period and what is left of it.
    pub fn funds_of(&mut self, program: &crate::compile::Program) -> Result<Vec<FundRow>, String> {
        let policy = &program.policy;
        let mut rows: Vec<FundRow> = self
            .funds()?
            .into_iter()
            .filter(|f| f.policy == policy.header.title)
            .collect();
        for f in &mut rows {
            let Some(def) = policy.pools.iter().find(|p| p.id == f.pool) else {
                continue;
            };
            // the period as the pool keys it: the year, or 0 for a pool over a range of days
            let key = match def.period {
                crate::check::model::PoolPeriod::Year => f.period.parse::<i32>().ok(),
                crate::check::model::PoolPeriod::Range(..) => Some(0),
            };
            if let Some(key) = key {
                let amount = crate::pool::pool_amount(program, def, key);
                f.amount = Some(amount);
                f.left = Some((amount - f.spent).max(Decimal::ZERO));
            }
        }
        Ok(rows)
    }
}
