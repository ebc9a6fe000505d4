//! Ledgers kept before the registry, taken in as a round of their own: each
//! applicant's `prior_awards` (from the case files of earlier rounds) and what
//! a `--pool-ledger` file says the funds paid.

use super::{Row, Run};
use crate::compile::Program;
use crate::pool::Ledger;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashMap;

/// The rows of the ledgers in `text` (one JSON object per line, naming its
/// `applicant` and holding its `prior_awards`; other fields are passed over)
/// and the funds' spending in `pools`, or every problem found.
pub fn ledgers(program: &Program, text: &str, pools: &Ledger) -> Result<Run, Vec<String>> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cases = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        cases += 1;
        let mut err = |m: String| errors.push(t!("line %{n}: %{message}", n = n, message = m).into_owned());
        let case: Value = match serde_json::from_str(line) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                err(t!("expected an object with `applicant` and `prior_awards`").into_owned());
                continue;
            }
            Err(e) => {
                err(t!("not valid JSON: %{e}", e = e).into_owned());
                continue;
            }
        };
        let Some(applicant) = case
            .get("applicant")
            .and_then(Value::as_str)
            .filter(|a| !a.trim().is_empty())
        else {
            err(t!("missing: `applicant`, the name the registry keeps the awards under").into_owned());
            continue;
        };
        if let Some(first) = seen.insert(applicant.to_string(), n) {
            err(t!(
                "`%{applicant}` has its ledger on line %{first} already: give each applicant's ledger once, or its awards count twice",
                applicant = applicant,
                first = first
            )
            .into_owned());
            continue;
        }
        let id = match case.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(x)) => x.to_string(),
            _ => String::new(),
        };
        let entries = match case.get("prior_awards") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => {
                err(t!("`prior_awards` is a list of prior awards").into_owned());
                continue;
            }
        };
        for (k, e) in entries.iter().enumerate() {
            match entry(program, e) {
                Ok((award, year, item, amount)) => rows.push(Row {
                    line: n,
                    applicant: applicant.to_string(),
                    case_id: id.clone(),
                    award,
                    year,
                    item,
                    amount,
                }),
                Err(m) => err(format!("`prior_awards[{k}]`: {m}")),
            }
        }
    }
    let mut spent = Vec::new();
    for (pool, periods) in &pools.granted {
        if !program.policy.pools.iter().any(|p| &p.id == pool) {
            errors.push(
                t!(
                    "the pool ledger names `%{pool}`, which is no pool of the policy",
                    pool = pool
                )
                .into_owned(),
            );
            continue;
        }
        for (period, amount) in periods {
            spent.push((pool.clone(), period.clone(), *amount));
        }
    }
    if errors.is_empty() {
        Ok(Run {
            cases,
            rows,
            pools: spent,
        })
    } else {
        Err(errors)
    }
}

/// One entry of a ledger: its award (an id of the policy), year, item and amount.
fn entry(program: &Program, e: &Value) -> Result<(String, i32, Option<String>, Decimal), String> {
    let award = e
        .get("award")
        .and_then(Value::as_str)
        .ok_or_else(|| t!("missing: the award id").into_owned())?;
    if !program.policy.measures.iter().any(|m| m.id == award) {
        let hint = crate::diagnostic::closest(award, program.policy.measures.iter().map(|m| m.id.as_str()))
            .map(|c| t!("; did you mean `%{c}`?", c = c).into_owned())
            .unwrap_or_default();
        return Err(t!(
            "`%{award}` is no award of the policy%{hint}",
            award = award,
            hint = hint
        )
        .into_owned());
    }
    let year = e
        .get("year")
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| t!("missing: the year it was paid").into_owned())?;
    let amount = match e.get("amount") {
        None | Some(Value::Null) => return Err(t!("missing: the amount paid in yuan").into_owned()),
        Some(Value::String(s)) => Decimal::from_str_exact(s.trim()).ok(),
        Some(Value::Number(n)) => Decimal::from_str_exact(&n.to_string()).ok(),
        Some(_) => None,
    }
    .filter(|a| *a >= Decimal::ZERO)
    .ok_or_else(|| t!("expected an amount in yuan of at least 0").into_owned())?;
    let item = match e.get("item") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok((award.to_string(), year, item, amount))
}
