//! What a change does to applicants and to the budget: both versions evaluated
//! on the same cases, every difference attributed to the changes that cause it.

use super::{Detail, PolicyDiff, Status};
use crate::case::{self as decode, Reader};
use crate::compile::Program;
use crate::eval::evaluate;
use rust_decimal::Decimal;
use serde::Serialize;

/// How many of the largest changes the summary lists.
pub const LARGEST: usize = 10;

#[derive(Debug, Serialize)]
pub struct Impact {
    pub cases: usize,
    /// the field read as survey weight, if any
    pub weight: Option<String>,
    pub total_old: Decimal,
    pub total_new: Decimal,
    pub awards: Vec<AwardImpact>,
    pub gainers: usize,
    pub losers: usize,
    pub unchanged: usize,
    /// cases one version or both could not evaluate
    pub rejected: Vec<Rejection>,
    /// every case whose result changed, largest change first
    pub changed: Vec<CaseChange>,
}

#[derive(Debug, Serialize)]
pub struct AwardImpact {
    pub id: String,
    pub total_old: Decimal,
    pub total_new: Decimal,
    pub beneficiaries_old: usize,
    pub beneficiaries_new: usize,
}

#[derive(Debug, Serialize)]
pub struct Rejection {
    pub line: usize,
    pub id: Option<String>,
    /// `old`, `new` or `both`
    pub by: String,
    pub errors: Vec<decode::FieldError>,
}

#[derive(Debug, Serialize)]
pub struct CaseChange {
    pub line: usize,
    pub id: String,
    pub total_old: Decimal,
    pub total_new: Decimal,
    pub awards: Vec<AwardDelta>,
}

#[derive(Debug, Serialize)]
pub struct AwardDelta {
    pub id: String,
    pub old: Decimal,
    pub new: Decimal,
    /// the changes in the policy that move this award
    pub because: Vec<String>,
}

/// Evaluates `old` and `new` on every line of `cases` (JSONL). With `weight`,
/// that field is taken out of each case and multiplies its amounts in the totals.
pub fn impact(diff: &PolicyDiff, old: &Program, new: &Program, cases: &str, weight: Option<&str>) -> Impact {
    let ids = award_ids(old, new);
    let (read_old, read_new) = (reader(old, weight), reader(new, weight));
    let mut imp = Impact {
        cases: 0,
        weight: weight.map(str::to_string),
        total_old: Decimal::ZERO,
        total_new: Decimal::ZERO,
        awards: ids
            .iter()
            .map(|id| AwardImpact {
                id: id.clone(),
                total_old: Decimal::ZERO,
                total_new: Decimal::ZERO,
                beneficiaries_old: 0,
                beneficiaries_new: 0,
            })
            .collect(),
        gainers: 0,
        losers: 0,
        unchanged: 0,
        rejected: Vec::new(),
        changed: Vec::new(),
    };
    for (i, line) in cases.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = i + 1;
        imp.cases += 1;
        let a = run(old, &read_old, line, line_no, &ids);
        let b = run(new, &read_new, line, line_no, &ids);
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                let by = match (&a, &b) {
                    (Err(_), Err(_)) => "both",
                    (Err(_), _) => "old",
                    _ => "new",
                };
                let id = [a.as_ref().err(), b.as_ref().err()]
                    .into_iter()
                    .flatten()
                    .find_map(|e| e.id.clone())
                    .or_else(|| a.as_ref().ok().map(|x| x.0.clone()))
                    .or_else(|| b.as_ref().ok().map(|x| x.0.clone()));
                let mut errors: Vec<decode::FieldError> = Vec::new();
                for e in [a.err(), b.err()].into_iter().flatten().flat_map(|e| e.errors) {
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
                imp.rejected.push(Rejection {
                    line: line_no,
                    id,
                    by: by.into(),
                    errors,
                });
                continue;
            }
        };
        let w = a.3;
        let (ta, tb) = (a.2, b.2);
        // Weighted sums can exceed the decimal range where single amounts do not.
        let weighted = |x: Decimal, acc: Decimal| x.checked_mul(w).and_then(|v| v.checked_add(acc));
        let mut sums = Vec::with_capacity(imp.awards.len());
        for (k, award) in imp.awards.iter().enumerate() {
            sums.push((weighted(a.1[k], award.total_old), weighted(b.1[k], award.total_new)));
        }
        let totals = (weighted(ta, imp.total_old), weighted(tb, imp.total_new));
        let (Some(total_old), Some(total_new)) = totals else {
            imp.rejected.push(overflow(line_no, &a.0));
            continue;
        };
        if sums.iter().any(|(x, y)| x.is_none() || y.is_none()) {
            imp.rejected.push(overflow(line_no, &a.0));
            continue;
        }
        for (k, award) in imp.awards.iter_mut().enumerate() {
            award.total_old = sums[k].0.unwrap_or_default();
            award.total_new = sums[k].1.unwrap_or_default();
            award.beneficiaries_old += usize::from(a.1[k] > Decimal::ZERO);
            award.beneficiaries_new += usize::from(b.1[k] > Decimal::ZERO);
        }
        imp.total_old = total_old;
        imp.total_new = total_new;
        match tb.cmp(&ta) {
            std::cmp::Ordering::Greater => imp.gainers += 1,
            std::cmp::Ordering::Less => imp.losers += 1,
            std::cmp::Ordering::Equal => imp.unchanged += 1,
        }
        let awards: Vec<AwardDelta> = ids
            .iter()
            .enumerate()
            .filter(|(k, _)| a.1[*k] != b.1[*k])
            .map(|(k, id)| AwardDelta {
                id: id.clone(),
                old: a.1[k],
                new: b.1[k],
                because: causes(diff, id),
            })
            .collect();
        if !awards.is_empty() {
            imp.changed.push(CaseChange {
                line: line_no,
                id: a.0,
                total_old: ta,
                total_new: tb,
                awards,
            });
        }
    }
    let size = |c: &CaseChange| c.total_new.checked_sub(c.total_old).map(|d| d.abs());
    imp.changed
        .sort_by(|x, y| size(y).cmp(&size(x)).then(x.line.cmp(&y.line)));
    imp
}

fn overflow(line: usize, id: &str) -> Rejection {
    Rejection {
        line,
        id: Some(id.to_string()),
        by: "both".into(),
        errors: vec![decode::FieldError::new(
            "",
            crate::eval::code::OVERFLOW,
            "the weighted totals are beyond the range of exact decimals",
        )],
    }
}

/// Every award id of either version: the old order, then the new ones.
fn award_ids(old: &Program, new: &Program) -> Vec<String> {
    let mut ids: Vec<String> = old.policy.measures.iter().map(|m| m.id.clone()).collect();
    for m in &new.policy.measures {
        if !ids.contains(&m.id) {
            ids.push(m.id.clone());
        }
    }
    ids
}

fn reader<'p>(p: &'p Program, weight: Option<&str>) -> Reader<'p> {
    let r = Reader::new(&p.policy);
    match weight {
        Some(w) => r.with_extra(w),
        None => r,
    }
}

/// The case's id, its award per id in `ids` (0 where the program has no such award),
/// its total, and its weight.
fn run(
    program: &Program,
    reader: &Reader,
    line: &str,
    line_no: usize,
    ids: &[String],
) -> Result<(String, Vec<Decimal>, Decimal, Decimal), decode::CaseErrors> {
    let case = reader.line(line, line_no)?;
    let outcome = evaluate(program, &case, None, false).map_err(|e| crate::eval::case_errors(program, &case.id, &e))?;
    let amounts = ids
        .iter()
        .map(|id| {
            program
                .policy
                .measure_index(id)
                .map_or(Decimal::ZERO, |i| outcome.awards[i])
        })
        .collect();
    Ok((case.id, amounts, outcome.total, case.extra.unwrap_or(Decimal::ONE)))
}

/// Why award `id` may differ: the changes recorded for its measure.
fn causes(diff: &PolicyDiff, id: &str) -> Vec<String> {
    let Some(change) = diff
        .measures
        .iter()
        .find(|c| c.id == id || c.old_id.as_deref() == Some(id))
    else {
        return vec!["no change to this measure: the difference comes from how cases are read".into()];
    };
    match change.status {
        Status::Added => vec![format!("measure {id} added")],
        Status::Removed => vec![format!("measure {id} removed")],
        Status::Renamed if change.id != id => vec![format!("renamed to {}", change.id)],
        Status::Renamed => vec![format!("renamed from {}", change.old_id.clone().unwrap_or_default())],
        Status::Changed => change
            .details
            .iter()
            .filter(|d| d.affects_amounts())
            .map(Detail::summary)
            .collect(),
    }
}
