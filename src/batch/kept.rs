//! What the first pass of a round keeps of each case it judged, so that the
//! second pass grants and writes it without reading and evaluating it again:
//! its id, its outcome before the pools (every award, the total, the benefits,
//! the outputs) and its claims. Records are kept as they are, in typed arrays
//! a group of lines at a time, in line order: restoring one is copying slices,
//! not decoding bytes. What is not kept — a rejected line, a case whose
//! claims a pool ranks, an output that is one of the case's own texts or
//! lists, anything past `BUDGET` — the second pass judges afresh, as before:
//! memory stays bounded whatever the round's size, and every line comes out the same.

use crate::eval::Outcome;
use crate::pool::Claim;
use crate::value::Value;
use rust_decimal::Decimal;
use std::mem::size_of;

/// The most a round keeps between its passes; the lines beyond are read twice.
pub const BUDGET: usize = 128 << 20;

/// What the first pass keeps, in line order.
pub struct Kept {
    groups: Vec<Group>,
    /// bytes kept so far, and the most that may be
    used: usize,
    budget: usize,
    /// what the groups kept so far hold, to size the next one: lines, then
    /// awards, benefits, claims and id bytes
    held: [usize; 5],
}

/// The records of consecutive lines. A record says where its parts end in
/// the arrays beside it; each starts where the record before ended.
#[derive(Default)]
pub struct Group {
    records: Vec<Record>,
    awards: Vec<Decimal>,
    benefits: Vec<bool>,
    claims: Vec<KeptClaim>,
    /// the ids, one after another
    ids: String,
    /// the outputs' values, as many for each record (they may hold a policy's text)
    values: Vec<Value>,
}

/// One kept line: its total, and where its parts end.
#[derive(Clone, Copy)]
struct Record {
    line: usize,
    total: Decimal,
    id_end: u32,
    awards_end: u32,
    benefits_end: u32,
    claims_end: u32,
}

/// A claim as kept: its line is the record's, and a kept claim has no key or tie.
#[derive(Clone, Copy)]
struct KeptClaim {
    pool: usize,
    period: i32,
    measure: usize,
    amount: Decimal,
    paid: Decimal,
}

/// The outputs of a policy: which of its named values a result line shows.
pub fn outputs(policy: &crate::check::model::Policy) -> Vec<usize> {
    policy
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.output)
        .map(|(i, _)| i)
        .collect()
}

impl Kept {
    /// Nothing kept yet; 0 keeps nothing.
    pub fn new(budget: usize) -> Self {
        Kept {
            groups: Vec::new(),
            used: 0,
            budget,
            held: [0; 5],
        }
    }

    /// An empty group for `lines` lines, with room for as much as lines kept
    /// so far took: grown once, not doubled line by line.
    pub fn group(&self, lines: usize) -> Group {
        let [kept, awards, benefits, claims, ids] = self.held;
        let room = |n: usize| n.checked_div(kept).unwrap_or(0) * lines * 9 / 8;
        Group {
            records: Vec::with_capacity(if kept > 0 { lines } else { 0 }),
            awards: Vec::with_capacity(room(awards)),
            benefits: Vec::with_capacity(room(benefits)),
            claims: Vec::with_capacity(room(claims)),
            ids: String::with_capacity(room(ids)),
            values: Vec::new(),
        }
    }

    /// Whether the next chunk's lines may still be kept.
    pub fn room(&self) -> bool {
        self.used < self.budget
    }

    /// Adds the next group of the round (groups come in line order).
    pub fn push(&mut self, group: Group) {
        if group.records.is_empty() {
            return;
        }
        self.used += group.size();
        let held = [
            group.records.len(),
            group.awards.len(),
            group.benefits.len(),
            group.claims.len(),
            group.ids.len(),
        ];
        for (total, n) in self.held.iter_mut().zip(held) {
            *total += n;
        }
        self.groups.push(group);
    }

    /// Whether every one of the `n` lines from line `from` on was kept: the
    /// second pass then needs none of their text.
    pub fn covers(&self, from: usize, n: usize) -> bool {
        let Some(last) = (from + n).checked_sub(1).filter(|_| n > 0) else {
            return false;
        };
        // Lines are kept in order, each once: `n` records between the two ends are all of them.
        let mut found = 0;
        for g in &self.groups[self.groups.partition_point(|g| g.last() < from)..] {
            let start = g.records.partition_point(|r| r.line < from);
            let end = g.records.partition_point(|r| r.line <= last);
            found += end - start;
            if end < g.records.len() {
                break;
            }
        }
        found == n
    }

    /// Reads the records from line `from` on.
    pub fn reading(&self, from: usize, outputs: usize) -> Reading<'_> {
        let group = self.groups.partition_point(|g| g.last() < from);
        let record = self
            .groups
            .get(group)
            .map_or(0, |g| g.records.partition_point(|r| r.line < from));
        Reading {
            groups: &self.groups,
            group,
            record,
            outputs,
        }
    }
}

impl Group {
    /// Keeps `line`'s record; false (nothing kept) when the record cannot hold the case.
    pub fn keep(&mut self, line: usize, id: &str, o: &Outcome, claims: &[Claim], outputs: &[usize]) -> bool {
        let self_contained = |v: &Value| !matches!(v, Value::CaseText(_) | Value::List(_) | Value::Record(_));
        let values = outputs.iter().map(|i| o.values.get(*i).unwrap_or(&Value::Absent));
        if claims.iter().any(|c| c.key.is_some() || c.tie.is_some()) || !values.clone().all(self_contained) {
            return false;
        }
        self.values.extend(values.cloned());
        self.ids.push_str(id);
        self.awards.extend_from_slice(&o.awards);
        self.benefits.extend_from_slice(&o.benefits);
        self.claims.extend(claims.iter().map(|c| KeptClaim {
            pool: c.pool,
            period: c.period,
            measure: c.measure,
            amount: c.amount,
            paid: c.paid,
        }));
        // A group holds a task's lines: far fewer than 2³² of anything.
        let end = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.records.push(Record {
            line,
            total: o.total,
            id_end: end(self.ids.len()),
            awards_end: end(self.awards.len()),
            benefits_end: end(self.benefits.len()),
            claims_end: end(self.claims.len()),
        });
        true
    }

    /// The last line kept.
    fn last(&self) -> usize {
        self.records.last().map_or(0, |r| r.line)
    }

    fn size(&self) -> usize {
        self.records.len() * size_of::<Record>()
            + self.awards.len() * size_of::<Decimal>()
            + self.benefits.len()
            + self.claims.len() * size_of::<KeptClaim>()
            + self.ids.len()
            + self.values.len() * size_of::<Value>()
    }
}

/// A walk through the records, line by line, as a task of the second pass goes.
pub struct Reading<'k> {
    groups: &'k [Group],
    group: usize,
    /// the next record in that group
    record: usize,
    outputs: usize,
}

/// Where a kept case is restored: the buffers a worker judges it with.
pub struct Restore<'w> {
    pub id: &'w mut String,
    pub outcome: &'w mut Outcome,
    pub claims: &'w mut Vec<Claim>,
    /// which named values are outputs, and how many named values there are
    pub outputs: &'w [usize],
    pub values: usize,
}

impl Reading<'_> {
    /// Restores the record of `line` (the line as read; `logical`, its place in
    /// the round, is what claims carry); false when the line was not kept.
    pub fn take(&mut self, line: usize, logical: usize, into: Restore) -> bool {
        loop {
            let Some(g) = self.groups.get(self.group) else {
                return false;
            };
            let Some(r) = g.records.get(self.record) else {
                (self.group, self.record) = (self.group + 1, 0);
                continue;
            };
            if r.line > line {
                return false;
            }
            let i = self.record;
            self.record += 1;
            if r.line == line {
                return g.restore(i, self.outputs, logical, into).is_some();
            }
        }
    }
}

impl Group {
    /// Restores record `i` into `into`: `None` when the record does not fit the buffers.
    fn restore(&self, i: usize, n_outputs: usize, line: usize, into: Restore) -> Option<()> {
        let Restore {
            id,
            outcome: o,
            claims,
            outputs,
            values: n_values,
        } = into;
        let r = self.records.get(i)?;
        // Each part starts where the record before ended.
        let before = i.checked_sub(1).and_then(|p| self.records.get(p));
        let from = |end: fn(&Record) -> u32| before.map_or(0, |b| end(b) as usize);
        id.clear();
        id.push_str(self.ids.get(from(|r| r.id_end)..r.id_end as usize)?);
        o.total = r.total;
        // The buffers of the case before have the policy's lengths already: overwritten, not rebuilt.
        let awards = self.awards.get(from(|r| r.awards_end)..r.awards_end as usize)?;
        o.awards.clear();
        o.awards.extend_from_slice(awards);
        let benefits = self.benefits.get(from(|r| r.benefits_end)..r.benefits_end as usize)?;
        o.benefits.clear();
        o.benefits.extend_from_slice(benefits);
        if !o.values.is_empty() || n_values > 0 {
            let values = self.values.get(i * n_outputs..(i + 1) * n_outputs)?;
            o.values.clear();
            o.values.resize(n_values, Value::Absent);
            for (i, v) in outputs.iter().zip(values) {
                *o.values.get_mut(*i)? = v.clone();
            }
        }
        if !o.explanations.is_empty() || !o.items.is_empty() {
            o.explanations.clear();
            o.items.clear();
        }
        claims.clear();
        let kept = self.claims.get(from(|r| r.claims_end)..r.claims_end as usize)?;
        claims.extend(kept.iter().map(|c| Claim {
            pool: c.pool,
            period: c.period,
            line,
            measure: c.measure,
            amount: c.amount,
            key: None,
            tie: None,
            paid: c.paid,
        }));
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn claim(line: usize, amount: Decimal) -> Claim {
        Claim {
            pool: 1,
            period: -3,
            line,
            measure: 2,
            amount,
            key: None,
            tie: None,
            paid: Decimal::new(12, 1),
        }
    }

    #[test]
    fn a_task_finds_its_lines_whatever_the_groups_of_the_first_pass() {
        let outcome = |k: i64| Outcome {
            awards: vec![Decimal::new(k, 2), Decimal::new(0, 2)],
            benefits: vec![false, k % 2 == 0],
            total: Decimal::new(k, 2),
            values: vec![Value::Int(k), Value::Dec(Decimal::ONE)],
            ..Outcome::default()
        };
        let mut kept = Kept::new(BUDGET);
        // lines 1..=30 in groups of 7, every third line not kept
        for lines in (1..=30usize).collect::<Vec<_>>().chunks(7) {
            let mut g = Group::default();
            for &l in lines.iter().filter(|l| *l % 3 != 0) {
                let id = format!("c{l}");
                // one claim with figures of its own, one asking what its award came to
                let asks_award = Claim {
                    measure: 0,
                    amount: Decimal::new(l as i64, 2),
                    paid: Decimal::ZERO,
                    ..claim(l, Decimal::ZERO)
                };
                let claims = [claim(l, Decimal::new(l as i64, 0)), asks_award];
                assert!(g.keep(l, &id, &outcome(l as i64), &claims, &[0]));
            }
            kept.push(g);
        }
        // which runs of lines were kept whole, across groups too
        for (from, n, all) in [
            (1, 2, true),
            (1, 3, false),
            (7, 2, true),
            (4, 5, false),
            (29, 2, false),
            (31, 1, false),
            (1, 0, false),
        ] {
            assert_eq!(kept.covers(from, n), all, "{n} lines from {from}");
        }
        // read by tasks of 4 lines, as a second pass might cut them
        let (mut id, mut o, mut claims) = (String::new(), Outcome::default(), Vec::new());
        for start in (1..=30usize).step_by(4) {
            let mut r = kept.reading(start, 1);
            for l in start..(start + 4).min(31) {
                let into = Restore {
                    id: &mut id,
                    outcome: &mut o,
                    claims: &mut claims,
                    outputs: &[0],
                    values: 2,
                };
                let found = r.take(l, l + 100, into);
                assert_eq!(found, l % 3 != 0, "line {l}");
                if found {
                    let want = outcome(l as i64);
                    assert_eq!(id, format!("c{l}"));
                    assert_eq!(
                        (&o.awards, &o.benefits, o.total),
                        (&want.awards, &want.benefits, want.total)
                    );
                    assert_eq!(o.values, vec![Value::Int(l as i64), Value::Absent]);
                    assert_eq!(claims.len(), 2);
                    assert_eq!((claims[0].line, claims[0].amount), (l + 100, Decimal::new(l as i64, 0)));
                    assert_eq!((claims[0].period, claims[0].paid), (-3, Decimal::new(12, 1)));
                    assert_eq!((claims[1].measure, claims[1].amount), (0, Decimal::new(l as i64, 2)));
                    assert_eq!(claims[1].amount.scale(), 2);
                    assert_eq!(claims[1].paid.serialize(), Decimal::ZERO.serialize());
                }
            }
        }
    }

    #[test]
    fn lines_all_kept_are_covered_across_groups() {
        let mut kept = Kept::new(BUDGET);
        for lines in (1..=30usize).collect::<Vec<_>>().chunks(7) {
            let mut g = kept.group(lines.len());
            for &l in lines {
                assert!(g.keep(l, "c", &Outcome::default(), &[], &[]));
            }
            kept.push(g);
        }
        assert!(kept.covers(1, 30));
        assert!(kept.covers(6, 10));
        assert!(!kept.covers(1, 31));
        assert!(!kept.covers(0, 2));
        assert!(!Kept::new(BUDGET).covers(1, 1));
    }

    #[test]
    fn a_case_the_record_cannot_hold_is_not_kept() {
        let mut g = Group::default();
        let mut ranked = claim(1, Decimal::ONE);
        ranked.tie = Some(Box::new((None, "a".into())));
        assert!(!g.keep(1, "a", &Outcome::default(), &[ranked], &[]));
        let listed = Outcome {
            values: vec![Value::List(crate::value::Span32::default())],
            ..Outcome::default()
        };
        assert!(!g.keep(2, "b", &listed, &[], &[0]));
        assert!(g.records.is_empty());
        assert!(g.values.is_empty());
    }
}
