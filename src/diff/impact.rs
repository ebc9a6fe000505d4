//! What a change does to applicants and to the budget: both versions evaluated
//! on the same cases, every difference attributed to the changes that cause it.

use super::{Detail, PolicyDiff, Status};
use crate::case::{self as decode};
use crate::check::model::RationRule;
use crate::compile::Program;
use crate::pool::{self, PoolKey, Settled};
use crate::run::{Mode, Runner};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// each budget pool of either version, per period: how it was divided
    pub pools: Vec<PoolImpact>,
    /// each declared output of either version: how many cases it changed for, and how
    pub outputs: Vec<OutputImpact>,
    /// what the new version grants the cases only the old one rejects (a new tier, a field
    /// no longer required), and the old version the cases only the new one rejects;
    /// counted in neither total, shown beside them
    pub only_new: Decimal,
    pub only_old: Decimal,
}

/// What a revision did to one declared output (`qualifies`, `category`) over the cases.
#[derive(Debug, Serialize)]
pub struct OutputImpact {
    pub id: String,
    pub label: Option<String>,
    /// cases evaluated by both versions whose value of the output differs
    pub changed: usize,
    /// each change of value and how many cases made it, most first
    pub moves: Vec<OutputMove>,
}

/// Cases whose output went from `old` to `new` (`not declared` where a version lacks the output).
#[derive(Debug, Serialize)]
pub struct OutputMove {
    pub old: String,
    pub new: String,
    pub cases: usize,
}

/// One pool in one period under both versions (absent where a version has no such pool).
#[derive(Debug, Serialize)]
pub struct PoolImpact {
    pub id: String,
    pub period: String,
    pub old: Option<PoolRound>,
    pub new: Option<PoolRound>,
}

/// How a pool was divided over the cases.
#[derive(Debug, Clone, Serialize)]
pub struct PoolRound {
    /// the pool's amount for the period
    pub amount: Decimal,
    /// what the applicants were entitled to, together
    pub demand: Decimal,
    pub applicants: usize,
    pub granted: Decimal,
    pub exceeded: bool,
    /// the ratio each claim was multiplied by (1 when none was)
    pub factor: Decimal,
    /// how the pool was divided when exceeded: `×0.9765625`, `each capped, ×0.8`, `in order`
    pub cut: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AwardImpact {
    pub id: String,
    /// the measure's title, in the new version (the old, if it was removed)
    pub title: String,
    pub total_old: Decimal,
    pub total_new: Decimal,
    pub beneficiaries_old: usize,
    pub beneficiaries_new: usize,
}

impl AwardImpact {
    /// True when the award's total or its number of recipients moved.
    pub fn changed(&self) -> bool {
        self.total_old != self.total_new || self.beneficiaries_old != self.beneficiaries_new
    }
}

#[derive(Debug, Serialize)]
pub struct Rejection {
    pub line: usize,
    pub id: Option<String>,
    /// `old`, `new` or `both`
    pub by: String,
    pub errors: Vec<decode::FieldError>,
    /// what the version that accepts the case grants it (none when both reject it)
    pub granted: Option<Decimal>,
    /// that version's awards above 0, by id
    pub awards: Vec<(String, Decimal)>,
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

/// Why survey weights cannot be used with these two versions, if they cannot:
/// a pool divides a real round among its applicants, and a weighted sample is not one.
pub fn weight_refused(old: &Program, new: &Program) -> Option<String> {
    let pooled = !old.policy.pools.is_empty() || !new.policy.pools.is_empty();
    pooled.then(|| t!("--weight cannot be used with a policy that has budget pools: pools are divided among the real applications of a round, and a weighted sample does not say who applies").into_owned())
}

/// Evaluates `old` and `new` on every line of `cases` (JSONL). With `weight`,
/// that field is taken out of each case and multiplies its amounts in the totals.
pub fn impact(diff: &PolicyDiff, old: &Program, new: &Program, cases: &str, weight: Option<&str>) -> Impact {
    let ids = award_ids(old, new);
    let (run_old, run_new) = (
        Runner::new(old).extra_field(weight),
        Runner::new(new).extra_field(weight),
    );
    let mut imp = Impact {
        cases: 0,
        weight: weight.map(str::to_string),
        total_old: Decimal::ZERO,
        total_new: Decimal::ZERO,
        awards: ids
            .iter()
            .map(|id| AwardImpact {
                id: id.clone(),
                title: [new, old]
                    .iter()
                    .find_map(|p| p.policy.measures.iter().find(|m| &m.id == id))
                    .map(|m| m.title.clone())
                    .unwrap_or_default(),
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
        pools: Vec::new(),
        outputs: Vec::new(),
        only_new: Decimal::ZERO,
        only_old: Decimal::ZERO,
    };
    let outputs = output_ids(old, new);
    let mut moves: Vec<BTreeMap<(String, String), usize>> = vec![BTreeMap::new(); outputs.len()];
    // Pools divide among all the cases: settle them first, for each version.
    let mut settled = (run_old.settle(cases), run_new.settle(cases));
    let mut granted = (BTreeMap::new(), BTreeMap::new());
    // A blank line is not a case: rejected here as `eval --cases` rejects it.
    for (i, line) in cases.lines().enumerate() {
        let line_no = i + 1;
        imp.cases += 1;
        let a = run(
            &run_old,
            settled.0.as_ref().map(|s| (s, &mut granted.0)),
            line,
            line_no,
            &ids,
        );
        let b = run(
            &run_new,
            settled.1.as_ref().map(|s| (s, &mut granted.1)),
            line,
            line_no,
            &ids,
        );
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
                // the version that accepted it: what it grants, so that the review shows it
                let accepted = a.as_ref().ok().or(b.as_ref().ok());
                let granted = accepted.map(|x| x.2);
                let awards: Vec<(String, Decimal)> = accepted
                    .map(|x| {
                        ids.iter()
                            .zip(&x.1)
                            .filter(|(_, v)| !v.is_zero())
                            .map(|(id, v)| (id.clone(), *v))
                            .collect()
                    })
                    .unwrap_or_default();
                match (by, granted) {
                    ("old", Some(g)) => imp.only_new = imp.only_new.checked_add(g).unwrap_or(imp.only_new),
                    ("new", Some(g)) => imp.only_old = imp.only_old.checked_add(g).unwrap_or(imp.only_old),
                    _ => {}
                }
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
                    granted,
                    awards,
                });
                continue;
            }
        };
        for (k, id) in outputs.iter().enumerate() {
            let (x, y) = (shown_output(old, &a.4, id), shown_output(new, &b.4, id));
            if x != y {
                *moves[k].entry((x, y)).or_insert(0) += 1;
            }
        }
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
            award.beneficiaries_old += usize::from(!a.1[k].is_zero());
            award.beneficiaries_new += usize::from(!b.1[k].is_zero());
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
                because: causes(diff, id, pool_of(old, new, id)),
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
    for (side, granted) in [(&mut settled.0, &granted.0), (&mut settled.1, &granted.1)] {
        if let Some(s) = side {
            s.record(|k| granted.get(k).copied());
        }
    }
    imp.pools = pool_impact(old, new, &settled);
    imp.outputs = outputs
        .into_iter()
        .zip(moves)
        .map(|(id, moved)| {
            let mut moves: Vec<OutputMove> = moved
                .into_iter()
                .map(|((old, new), cases)| OutputMove { old, new, cases })
                .collect();
            moves.sort_by_key(|m| std::cmp::Reverse(m.cases));
            OutputImpact {
                label: [new, old]
                    .iter()
                    .find_map(|p| p.policy.values.iter().find(|v| v.output && v.name == id))
                    .and_then(|v| v.label.clone()),
                changed: moves.iter().map(|m| m.cases).sum(),
                moves,
                id,
            }
        })
        .collect();
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
            t!("the weighted totals are beyond the range of exact decimals"),
        )],
        granted: None,
        awards: Vec::new(),
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

/// The case's id, its award per id in `ids` (0 where the program has no such award),
/// its total, and its weight.
/// One case under one version: its id, the amounts of `ids`, the total, its weight, its values.
type Ran = (String, Vec<Decimal>, Decimal, Decimal, Vec<crate::value::Value>);

fn run(
    runner: &Runner,
    settled: Option<(&Settled, &mut BTreeMap<PoolKey, Decimal>)>,
    line: &str,
    line_no: usize,
    ids: &[String],
) -> Result<Ran, decode::CaseErrors> {
    let program = runner.program;
    let (settled, granted) = settled.unzip();
    let ran = runner
        .line(line, line_no, settled, Mode::Plain)
        .map_err(|r| r.errors(program))?;
    if let Some(granted) = granted {
        for share in &ran.shares {
            let sum = granted.entry((share.pool, share.period)).or_insert(Decimal::ZERO);
            *sum = sum.checked_add(share.granted).unwrap_or(*sum);
        }
    }
    let amounts = ids
        .iter()
        .map(|id| {
            program
                .policy
                .measure_index(id)
                .map_or(Decimal::ZERO, |i| ran.outcome.awards[i])
        })
        .collect();
    Ok((
        ran.case.id,
        amounts,
        ran.outcome.total,
        ran.case.extra.unwrap_or(Decimal::ONE),
        ran.outcome.values,
    ))
}

/// The outputs of either version, the new version's first.
fn output_ids(old: &Program, new: &Program) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for p in [new, old] {
        for v in p.policy.values.iter().filter(|v| v.output) {
            if !ids.contains(&v.name) {
                ids.push(v.name.clone());
            }
        }
    }
    ids
}

/// Output `id` of one version's outcome, in words; `not declared` where the version lacks it.
fn shown_output(program: &Program, values: &[crate::value::Value], id: &str) -> String {
    let p = &program.policy;
    match p.values.iter().position(|v| v.output && v.name == id) {
        Some(i) => values
            .get(i)
            .map(|v| p.show_value("", v, &p.values[i].expr.ty))
            .unwrap_or_default(),
        None => t!("not declared").into_owned(),
    }
}

fn pool_impact(old: &Program, new: &Program, settled: &(Option<Settled>, Option<Settled>)) -> Vec<PoolImpact> {
    let mut out: Vec<PoolImpact> = Vec::new();
    let sides = [(old, settled.0.as_ref()), (new, settled.1.as_ref())];
    for (side, (program, settled)) in sides.into_iter().enumerate() {
        let Some(settled) = settled else { continue };
        for (&(p, period), a) in &settled.allocations {
            let def = &program.policy.pools[p];
            let period = pool::period_name(def, period);
            let round = PoolRound {
                amount: a.amount,
                demand: a.demand,
                applicants: a.applicants,
                granted: a.granted,
                exceeded: a.exceeded,
                factor: a.factor(),
                cut: a.exceeded.then(|| cut(&def.ration, a.factor())),
            };
            let at = match out.iter().position(|x| x.id == def.id && x.period == period) {
                Some(at) => at,
                None => {
                    out.push(PoolImpact {
                        id: def.id.clone(),
                        period,
                        old: None,
                        new: None,
                    });
                    out.len() - 1
                }
            };
            if side == 0 {
                out[at].old = Some(round);
            } else {
                out[at].new = Some(round);
            }
        }
    }
    out
}

/// The pool award `id` draws on, in the new version or else the old.
fn pool_of<'p>(old: &'p Program, new: &'p Program, id: &str) -> Option<&'p str> {
    [new, old].into_iter().find_map(|p| {
        let m = p.policy.measure_index(id)?;
        p.policy
            .pools
            .iter()
            .find(|x| x.members.contains(&m))
            .map(|x| x.id.as_str())
    })
}

/// How an exceeded pool was divided, in a few words.
fn cut(rule: &RationRule, factor: Decimal) -> String {
    let times = format!("×{}", factor.round_dp(7).normalize());
    match rule {
        RationRule::ProRata => times,
        RationRule::CappedProRata(_) if factor == Decimal::ONE => t!("each capped").into(),
        RationRule::CappedProRata(_) => t!("each capped, then %{times}", times = times).into(),
        RationRule::InOrder { .. } => t!("in order").into(),
    }
}

/// Why award `id` may differ: the changes recorded for its measure, or else
/// the pool it shares with every other applicant.
fn causes(diff: &PolicyDiff, id: &str, pool: Option<&str>) -> Vec<String> {
    let Some(change) = diff
        .measures
        .iter()
        .find(|c| c.id == id || c.old_id.as_deref() == Some(id))
    else {
        return vec![match pool {
            Some(p) => t!("pool %{pool} was divided differently among all applicants", pool = p).into(),
            None => t!("no change to this measure: the difference comes from how cases are read").into(),
        }];
    };
    match change.status {
        Status::Added => vec![t!("measure %{id} added", id = id).into()],
        Status::Removed => vec![t!("measure %{id} removed", id = id).into()],
        Status::Renamed if change.id != id => vec![t!("renamed to %{id}", id = change.id).into()],
        Status::Renamed => vec![t!("renamed from %{id}", id = change.old_id.clone().unwrap_or_default()).into()],
        Status::Changed => change
            .details
            .iter()
            .filter(|d| d.affects_amounts())
            .map(Detail::summary)
            .collect(),
    }
}
