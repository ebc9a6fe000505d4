//! What the first pass of a round keeps of each case it judged, so that the
//! second pass grants and writes it without reading and evaluating it again:
//! its id, its outcome before the pools (every award, the benefits, the
//! outputs; the total is their sum, added again) and its claims. Records are
//! kept as they are, in typed arrays a group of lines at a time, in line
//! order: restoring one is copying slices, not decoding bytes. What is not
//! kept — a rejected line, a case whose claims a pool ranks, an output that
//! is one of the case's own texts or lists, anything past `BUDGET` — the
//! second pass judges afresh, as before: memory stays bounded whatever the
//! round's size, and every line comes out the same.

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
    /// what the groups kept so far hold, to size the next one: records, then
    /// claims, figures and id bytes
    held: [usize; 4],
    /// awards and benefits a record holds (the policy's), once one is kept
    shape: Option<(usize, usize)>,
    /// the chunks the first pass read: their first line, lines and bytes
    chunks: Vec<(usize, usize, u64)>,
    /// every line of every chunk so far was kept
    whole: bool,
}

/// The records of consecutive lines. Every record has as many awards,
/// benefits and outputs as the policy has: the `i`th record's are the `i`th
/// run of each. Its id, claims and figures, which vary, end where it says;
/// each starts where the record before ended.
#[derive(Default)]
pub struct Group {
    /// the lines the group is for, to size it by its first record when
    /// nothing kept before could (the round's first groups)
    lines: usize,
    shape: Option<(usize, usize)>,
    records: Vec<Record>,
    awards: Vec<Decimal>,
    benefits: Vec<bool>,
    claims: Vec<KeptClaim>,
    /// a claim's amount when it is not what its award came to, and what was
    /// paid before when that is not nothing: nearly always, neither
    figures: Vec<Decimal>,
    /// the ids, one after another
    ids: String,
    /// the outputs' values (they may hold a policy's text)
    values: Vec<Value>,
}

/// One kept line: where its varying parts end. Its total is not kept: it is
/// the awards' sum, which the second pass adds again (16 bytes less a case,
/// fewer pages to touch). A line numbered past 2³² is not kept: the second
/// pass judges it again.
#[derive(Clone, Copy)]
struct Record {
    line: u32,
    id_end: u32,
    claims_end: u32,
    figures_end: u32,
}

/// A claim as kept: its line is the record's, a kept claim has no key or tie,
/// and its figures are the award's and nothing paid unless it says otherwise.
#[derive(Clone, Copy)]
struct KeptClaim {
    pool: u32,
    measure: u32,
    period: i32,
    own_amount: bool,
    paid: bool,
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
            held: [0; 4],
            shape: None,
            chunks: Vec::new(),
            whole: true,
        }
    }

    /// An empty group for `lines` lines, with room for as much as lines kept
    /// so far took: grown once, not doubled line by line.
    pub fn group(&self, lines: usize) -> Group {
        let [kept, claims, figures, ids] = self.held;
        // Rounded up: a part most lines lack (figures) still gets room for its few.
        let room = |n: usize| (n * lines * 9).checked_div(kept * 8).map_or(0, |r| r + 1);
        let (awards, benefits) = self.shape.map_or((0, 0), |(a, b)| (a * lines, b * lines));
        Group {
            lines,
            shape: self.shape,
            records: Vec::with_capacity(if kept > 0 { lines } else { 0 }),
            awards: Vec::with_capacity(awards),
            benefits: Vec::with_capacity(benefits),
            claims: Vec::with_capacity(room(claims)),
            figures: Vec::with_capacity(room(figures)),
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
            group.claims.len(),
            group.figures.len(),
            group.ids.len(),
        ];
        for (total, n) in self.held.iter_mut().zip(held) {
            *total += n;
        }
        self.shape = self.shape.or(group.shape);
        self.groups.push(group);
    }

    /// Notes a chunk the first pass has read, once its groups are pushed.
    pub fn read(&mut self, first_line: usize, lines: usize, bytes: u64) {
        self.whole &= self.covers(first_line, lines);
        self.chunks.push((first_line, lines, bytes));
    }

    /// The chunks of the round, when every line of them was kept: the second
    /// pass then has no need to read the input again.
    pub fn whole(&self) -> Option<&[(usize, usize, u64)]> {
        (self.whole && !self.chunks.is_empty()).then_some(&self.chunks[..])
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
            let start = g.records.partition_point(|r| (r.line as usize) < from);
            let end = g.records.partition_point(|r| r.line as usize <= last);
            found += end - start;
            if g.last() >= last {
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
            .map_or(0, |g| g.records.partition_point(|r| (r.line as usize) < from));
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
        let shape = (o.awards.len(), o.benefits.len());
        let small = |n: usize| u32::try_from(n).ok();
        let (Some(line), Some(id_end)) = (small(line), small(self.ids.len() + id.len())) else {
            return false;
        };
        if *self.shape.get_or_insert(shape) != shape
            || claims
                .iter()
                .any(|c| c.key.is_some() || c.tie.is_some() || small(c.pool).is_none() || small(c.measure).is_none())
            || !values.clone().all(self_contained)
        {
            return false;
        }
        if self.records.capacity() == 0 {
            self.size_by(id, o, claims);
        }
        // (Parts a policy lacks, outputs or benefits, are not extended by nothing
        // for every case: even an empty extension costs a call.)
        if !outputs.is_empty() {
            self.values.extend(values.cloned());
        }
        self.ids.push_str(id);
        self.awards.extend_from_slice(&o.awards);
        if !o.benefits.is_empty() {
            self.benefits.extend_from_slice(&o.benefits);
        }
        for c in claims {
            let own_amount = o.awards.get(c.measure).is_none_or(|a| !same(*a, c.amount));
            let paid = !same(c.paid, Decimal::ZERO);
            if own_amount {
                self.figures.push(c.amount);
            }
            if paid {
                self.figures.push(c.paid);
            }
            self.claims.push(KeptClaim {
                pool: c.pool as u32,
                measure: c.measure as u32,
                period: c.period,
                own_amount,
                paid,
            });
        }
        // A group holds a task's lines: far fewer than 2³² claims or figures.
        self.records.push(Record {
            line,
            id_end,
            claims_end: self.claims.len() as u32,
            figures_end: self.figures.len() as u32,
        });
        true
    }

    /// Room for as many records as the group has lines, each the size of the
    /// first one: its vectors are grown once, not doubled from nothing. The
    /// policy bounds awards, benefits and claims; an id is only bounded by its
    /// line, so a long first id does not size the group (ids beyond `ID_ROOM`
    /// bytes grow it as they come).
    fn size_by(&mut self, id: &str, o: &Outcome, claims: &[Claim]) {
        const ID_ROOM: usize = 32;
        let lines = self.lines;
        let room = |n: usize| n.saturating_mul(lines);
        self.records.reserve(lines);
        self.awards.reserve(room(o.awards.len()));
        self.benefits.reserve(room(o.benefits.len()));
        self.claims.reserve(room(claims.len().max(1)));
        self.ids.reserve(room(id.len().min(ID_ROOM) + 2));
    }

    /// The last line kept.
    fn last(&self) -> usize {
        self.records.last().map_or(0, |r| r.line as usize)
    }

    fn size(&self) -> usize {
        self.records.len() * size_of::<Record>()
            + self.awards.len() * size_of::<Decimal>()
            + self.benefits.len()
            + self.claims.len() * size_of::<KeptClaim>()
            + self.figures.len() * size_of::<Decimal>()
            + self.ids.len()
            + self.values.len() * size_of::<Value>()
    }
}

/// The same figure as stored, places and sign of zero included (5 is not
/// 5.00): what a kept claim may take from its award, or from nothing.
fn same(a: Decimal, b: Decimal) -> bool {
    a.scale() == b.scale() && a.is_sign_negative() == b.is_sign_negative() && a.mantissa() == b.mantissa()
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
            if r.line as usize > line {
                return false;
            }
            let i = self.record;
            self.record += 1;
            if r.line as usize == line {
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
        let (n_awards, n_benefits) = self.shape?;
        // The varying parts start where the record before ended.
        let before = i.checked_sub(1).and_then(|p| self.records.get(p));
        let from = |end: fn(&Record) -> u32| before.map_or(0, |b| end(b) as usize);
        id.clear();
        id.push_str(self.ids.get(from(|r| r.id_end)..r.id_end as usize)?);
        // The buffers of the case before have the policy's lengths already: overwritten, not rebuilt.
        let awards = self.awards.get(i * n_awards..(i + 1) * n_awards)?;
        o.awards.clear();
        o.awards.extend_from_slice(awards);
        let benefits = self.benefits.get(i * n_benefits..(i + 1) * n_benefits)?;
        o.benefits.clear();
        if !benefits.is_empty() {
            o.benefits.extend_from_slice(benefits);
        }
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
        let mut figures = self
            .figures
            .get(from(|r| r.figures_end)..r.figures_end as usize)?
            .iter();
        for c in self.claims.get(from(|r| r.claims_end)..r.claims_end as usize)? {
            let measure = c.measure as usize;
            let amount = if c.own_amount {
                *figures.next()?
            } else {
                *awards.get(measure)?
            };
            let paid = if c.paid { *figures.next()? } else { Decimal::ZERO };
            claims.push(Claim {
                pool: c.pool as usize,
                period: c.period,
                line,
                measure,
                amount,
                key: None,
                tie: None,
                paid,
            });
        }
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
                    assert_eq!((&o.awards, &o.benefits), (&want.awards, &want.benefits));
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
    fn a_figure_is_the_same_only_with_its_places_and_sign() {
        assert!(same(Decimal::new(500, 2), Decimal::new(500, 2)));
        assert!(!same(Decimal::new(5, 0), Decimal::new(500, 2)));
        assert!(!same(-Decimal::new(0, 2), Decimal::new(0, 2)));
        assert!(!same(Decimal::ZERO, Decimal::new(0, 2)));
        assert!(!same(Decimal::new(-3, 1), Decimal::new(3, 1)));
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
    fn a_first_group_is_sized_by_its_first_record_and_not_grown_after() {
        // nothing kept before: no estimate, the group starts empty
        let mut g = Kept::new(BUDGET).group(64);
        assert_eq!(g.records.capacity(), 0);
        let o = Outcome {
            awards: vec![Decimal::ONE, Decimal::ZERO],
            benefits: vec![true, false],
            ..Outcome::default()
        };
        let claims = [claim(1, Decimal::ONE), claim(1, Decimal::TWO)];
        assert!(g.keep(1, "c1", &o, &claims, &[]));
        let room = |g: &Group| {
            (
                g.records.capacity(),
                g.awards.capacity(),
                g.benefits.capacity(),
                g.claims.capacity(),
                g.ids.capacity(),
            )
        };
        let first = room(&g);
        assert!(first.0 >= 64 && first.1 >= 128 && first.2 >= 128 && first.3 >= 128 && first.4 >= 64 * 3);
        for l in 2..=64 {
            assert!(g.keep(l, &format!("c{l}"), &o, &claims, &[]));
        }
        assert_eq!(room(&g), first, "64 records like the first fit the room it made");
        // a first id as long as a line may be does not make room for a group of such ids
        let mut g = Kept::new(BUDGET).group(2048);
        assert!(g.keep(1, &"x".repeat(1 << 20), &o, &claims, &[]));
        assert!(g.ids.capacity() < 4 << 20, "{}", g.ids.capacity());
    }

    #[test]
    fn a_case_the_record_cannot_hold_is_not_kept() {
        let mut g = Group::default();
        let mut ranked = claim(1, Decimal::ONE);
        ranked.tie = Some(crate::pool::Tie {
            then: None,
            id: crate::pool::TieId::new("a"),
        });
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
