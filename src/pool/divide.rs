//! How each rule divides a pool: pro rata, capped then pro rata, or in order.

use super::*;

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
    pub(super) divided: Decimal,
    /// under `at most X each, then pro rata`: X
    pub(super) cap: Option<Decimal>,
    /// what is divided exceeds what is left: each claim gets a share of it
    pub(super) divides: bool,
    /// what was granted in all, once the grants are counted (`Settled::count`, `record`)
    pub granted: Decimal,
    /// worked out once: every result line of the pool shows it
    pub(super) factor: Decimal,
    /// `available / divided` when that quotient is an exact decimal (125/128 =
    /// 0.9765625): a share is then one exact multiplication, no division
    pub(super) ratio: Option<Decimal>,
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

    pub(super) fn shown_factor(&self) -> Decimal {
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
    pub(super) fn exact_ratio(&self) -> Option<Decimal> {
        if self.divided.is_zero() {
            return None;
        }
        let r = self.available.checked_div(self.divided)?;
        (r.checked_mul(self.divided)? == self.available && r.scale() <= 14).then_some(r)
    }

    /// What a claim of `amount` is granted under a rule that needs no ranking.
    pub(super) fn grant(&self, pool: &PoolDef, amount: Decimal) -> Decimal {
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
pub(super) fn divide_ranked(pool: &PoolDef, a: &Allocation, claims: &[Claim]) -> Vec<(usize, Grant)> {
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
    if let RationRule::InOrder { descending, then, .. } = pool.ration {
        let then_descending = then.is_some_and(|(_, d, _)| d);
        return in_order(claims, descending, then_descending, a.available)
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
    // Largest remainder first; on a tie the larger claim, then the case id (the
    // line only between cases with one id), so that the order of the file decides nothing.
    by_remainder.par_sort_unstable_by(|&x, &y| {
        remainders[y]
            .cmp(&remainders[x])
            .then(amounts[y].cmp(&amounts[x]))
            .then(tie(&claims[x], &claims[y], false))
            .then(x.cmp(&y))
    });
    for &i in by_remainder.iter().take(left_units) {
        if exacts[i] > shares[i] {
            shares[i] = add(shares[i], unit);
        }
    }
    claims.iter().zip(shares).map(|(c, x)| grant(c, x, None)).collect()
}

/// How two claims tied on their first key order: by the `then by` field, then
/// by case id (ascending), so that a shuffled round ranks them alike.
fn tie(a: &Claim, b: &Claim, then_descending: bool) -> Ordering {
    let (Some(x), Some(y)) = (&a.tie, &b.tie) else {
        return Ordering::Equal;
    };
    let by_then = match (&x.then, &y.then) {
        (Some(p), Some(q)) => p.compare(q, "").unwrap_or(Ordering::Equal),
        _ => Ordering::Equal,
    };
    let by_then = if then_descending { by_then.reverse() } else { by_then };
    by_then.then_with(|| x.id.cmp(&y.id))
}

/// Claims served whole in order of their key (ties by the `then by` field, then
/// the case id; the round's order only between cases with one id), the last one
/// what is left, the rest nothing: (claim index, granted, rank).
fn in_order(
    claims: &[Claim],
    descending: bool,
    then_descending: bool,
    available: Decimal,
) -> Vec<(usize, Decimal, usize)> {
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (&claims[a].key, &claims[b].key);
        let by_key = match (ka, kb) {
            // Orders are by numbers, amounts and dates: no text is compared.
            (Some(x), Some(y)) => x.compare(y, "").unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        };
        let by_key = if descending { by_key.reverse() } else { by_key };
        by_key
            .then_with(|| tie(&claims[a], &claims[b], then_descending))
            .then(a.cmp(&b))
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

/// What one claim of a ranked pool was granted.
#[derive(Debug, Clone, Copy)]
pub(super) struct Grant {
    pub(super) measure: usize,
    pub(super) granted: Decimal,
    pub(super) rank: Option<usize>,
}
