//! The claims a case makes on the pools of its awards.

use super::*;

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
        let asks = !pool.members.iter().all(|m| outcome.awards[*m].is_zero());
        if !asks && !pool.less_paid {
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
        let (key, then) = match pool.ration {
            RationRule::InOrder { key, then, .. } => {
                let first = order_value(policy, case, key);
                let second = then.map(|(k, ..)| order_value(policy, case, k)).transpose();
                match (first, second) {
                    (Ok(a), Ok(b)) => (Some(a), b),
                    (a, b) => {
                        errors.extend(a.err());
                        errors.extend(b.err());
                        continue;
                    }
                }
            }
            _ => (None, None),
        };
        let tie = ranks(pool).then(|| Tie {
            then,
            id: TieId::new(&case.id),
        });
        // A round against the registry counts what the pool already paid from
        // the registry's record of every applicant, not from this round's cases.
        let mut paid = if pool.less_paid && case.applicant.is_none() {
            paid_before(pool, case, period)
        } else {
            Decimal::ZERO
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
                    tie: tie.clone(),
                    paid: std::mem::take(&mut paid),
                });
            }
        }
        if money::positive(paid) {
            // paid before, asking nothing now: the pool still counts it
            out.push(Claim {
                pool: p,
                period,
                line,
                measure: pool.members[0],
                amount: Decimal::ZERO,
                key: None,
                tie: None,
                paid,
            });
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

/// What the case's ledger shows the pool's awards already paid in `period`:
/// entries of its year (a pool over a range of days: of a year the range touches).
fn paid_before(pool: &crate::check::model::PoolDef, case: &Case, period: i32) -> Decimal {
    case.ledger
        .iter()
        .filter(|e| pool.members.contains(&e.award))
        .filter(|e| match pool.period {
            PoolPeriod::Year => e.year == period,
            PoolPeriod::Range(from, to) => (from.year..=to.year).contains(&e.year),
        })
        .fold(Decimal::ZERO, |s, e| s.checked_add(e.amount).unwrap_or(s))
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
