//! What earlier rounds already granted from each pool and period.

use super::*;

/// What earlier rounds already granted from each pool and period (`--pool-ledger`).
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// pool id → period → amount granted
    pub granted: BTreeMap<String, BTreeMap<String, Decimal>>,
}

impl Ledger {
    /// Reads `{"training_fund": {"2026": "3000000.00"}}`.
    pub fn parse(text: &str) -> Result<Ledger, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| t!("not valid JSON: %{e}", e = e).into_owned())?;
        let mut out = Ledger::default();
        let pools = v
            .as_object()
            .ok_or_else(|| t!("expected an object of pools").into_owned())?;
        for (pool, periods) in pools {
            let periods = periods
                .as_object()
                .ok_or_else(|| t!("`%{pool}`: expected an object of periods", pool = pool).into_owned())?;
            for (period, amount) in periods {
                let text = match amount {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => {
                        return Err(
                            t!("`%{pool}.%{period}`: expected an amount", pool = pool, period = period).into_owned(),
                        )
                    }
                };
                let d = Decimal::from_str_exact(text.trim()).map_err(|_| {
                    t!(
                        "`%{pool}.%{period}`: `%{text}` is not an amount",
                        pool = pool,
                        period = period,
                        text = text
                    )
                    .into_owned()
                })?;
                if d < Decimal::ZERO {
                    return Err(t!(
                        "`%{pool}.%{period}`: a granted amount is at least 0",
                        pool = pool,
                        period = period
                    )
                    .into_owned());
                }
                out.granted.entry(pool.clone()).or_default().insert(period.clone(), d);
            }
        }
        Ok(out)
    }

    pub fn get(&self, pool: &str, period: &str) -> Decimal {
        self.granted
            .get(pool)
            .and_then(|p| p.get(period))
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    /// This ledger with what `settled` granted added: the ledger of the next round.
    pub fn after(&self, program: &Program, settled: &Settled) -> Ledger {
        let mut out = self.clone();
        for (&(p, period), a) in &settled.allocations {
            let pool = &program.policy.pools[p];
            let slot = out
                .granted
                .entry(pool.id.clone())
                .or_default()
                .entry(period_name(pool, period))
                .or_insert(Decimal::ZERO);
            *slot = slot.checked_add(a.granted).unwrap_or(*slot);
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let pools: serde_json::Map<String, serde_json::Value> = self
            .granted
            .iter()
            .map(|(p, periods)| {
                let inner: serde_json::Map<String, serde_json::Value> = periods
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
                    .collect();
                (p.clone(), serde_json::Value::Object(inner))
            })
            .collect();
        serde_json::Value::Object(pools)
    }
}
