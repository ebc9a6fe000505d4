//! What the first pass of a round keeps of each case it judged, so that the
//! second pass grants and writes it without reading and evaluating it again:
//! its id, its outcome before the pools (every award, the total, the benefits,
//! the outputs) and its claims. Records are packed in bytes, a group of lines
//! at a time, in line order. What is not kept — a rejected line, a case whose
//! claims a pool ranks, an output that is one of the case's own texts or
//! lists, anything past `BUDGET` — the second pass judges afresh, as before:
//! memory stays bounded whatever the round's size, and every line comes out the same.

use crate::eval::Outcome;
use crate::pool::Claim;
use crate::value::Value;
use rust_decimal::Decimal;

/// The most a round keeps between its passes; the lines beyond are read twice.
pub const BUDGET: usize = 128 << 20;

/// What the first pass keeps, in line order.
pub struct Kept {
    groups: Vec<Group>,
    /// bytes kept so far, and the most that may be
    used: usize,
    budget: usize,
    /// lines kept so far, and the bytes of their ids
    lines: usize,
    id_bytes: usize,
}

/// The records of consecutive lines, packed: for each, its line, the length of
/// what follows, then the id, the total, every award, the benefits granted and
/// the claims. The outputs' values, which may hold a policy's text, are beside.
#[derive(Default)]
pub struct Group {
    /// the last line kept, to find where a later task starts, and how many lines it keeps
    last: usize,
    lines: usize,
    bytes: Vec<u8>,
    /// the ids, one after another (a record says how long its id is)
    ids: String,
    values: Vec<Value>,
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
            lines: 0,
            id_bytes: 0,
        }
    }

    /// An empty group for `lines` lines, with room for as many bytes as lines
    /// kept so far took: grown once, not doubled line by line.
    pub fn group(&self, lines: usize) -> Group {
        let room = |bytes: usize| bytes.checked_div(self.lines).unwrap_or(0) * lines * 9 / 8;
        Group {
            bytes: Vec::with_capacity(room(self.used - self.id_bytes)),
            ids: String::with_capacity(room(self.id_bytes)),
            ..Group::default()
        }
    }

    /// Whether the next chunk's lines may still be kept.
    pub fn room(&self) -> bool {
        self.used < self.budget
    }

    /// Adds the next group of the round (groups come in line order).
    pub fn push(&mut self, group: Group) {
        if group.bytes.is_empty() {
            return;
        }
        let size = group.bytes.len() + group.ids.len() + group.values.len() * std::mem::size_of::<Value>();
        self.used += size;
        self.lines += group.lines;
        self.id_bytes += group.ids.len();
        self.groups.push(group);
    }

    /// Reads the records from line `from` on.
    pub fn reading(&self, from: usize, outputs: usize) -> Reading<'_> {
        Reading {
            group: self.groups.partition_point(|g| g.last < from),
            groups: &self.groups,
            at: 0,
            id: 0,
            value: 0,
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
        let b = &mut self.bytes;
        put(b, line as u64);
        let len_at = b.len();
        b.extend_from_slice(&[0; 4]);
        put(b, id.len() as u64);
        self.ids.push_str(id);
        put_decimal(b, o.total);
        put(b, o.awards.len() as u64);
        o.awards.iter().for_each(|a| put_decimal(b, *a));
        put(b, o.benefits.len() as u64);
        put(b, o.benefits.iter().filter(|g| **g).count() as u64);
        for (i, _) in o.benefits.iter().enumerate().filter(|(_, g)| **g) {
            put(b, i as u64);
        }
        put(b, claims.len() as u64);
        for c in claims {
            put(b, c.pool as u64);
            put(b, zigzag(c.period));
            put(b, c.measure as u64);
            // Nearly always a claim asks what its award came to, with nothing paid
            // before: a flag each says so, and only a claim that differs writes its figures.
            let same = o
                .awards
                .get(c.measure)
                .is_some_and(|a| a.serialize() == c.amount.serialize());
            let unpaid = c.paid.serialize() == Decimal::ZERO.serialize();
            b.push(u8::from(same) | u8::from(unpaid) << 1);
            if !same {
                put_decimal(b, c.amount);
            }
            if !unpaid {
                put_decimal(b, c.paid);
            }
        }
        let len = (b.len() - len_at - 4) as u32;
        b[len_at..len_at + 4].copy_from_slice(&len.to_le_bytes());
        self.last = line;
        self.lines += 1;
        true
    }
}

/// A walk through the records, line by line, as a task of the second pass goes.
pub struct Reading<'k> {
    groups: &'k [Group],
    group: usize,
    /// where the next record, its id and its outputs' values start
    at: usize,
    id: usize,
    value: usize,
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
            if self.at >= g.bytes.len() {
                (self.group, self.at, self.id, self.value) = (self.group + 1, 0, 0, 0);
                continue;
            }
            let mut r = Bytes {
                b: &g.bytes,
                at: self.at,
            };
            let (Some(l), Some(len)) = (r.get(), r.u32()) else {
                return false;
            };
            let end = r.at + len as usize;
            let Some(id_len) = r.get() else {
                return false;
            };
            if (l as usize) > line {
                return false;
            }
            let id = self.id..self.id + id_len as usize;
            let values = g.values.get(self.value..).unwrap_or_default();
            (self.at, self.id, self.value) = (end, id.end, self.value + self.outputs);
            if (l as usize) == line {
                let Some(id) = g.ids.get(id) else {
                    return false;
                };
                return restore(&mut r, id, values, logical, into).is_some();
            }
        }
    }
}

fn restore(r: &mut Bytes, kept_id: &str, values: &[Value], line: usize, into: Restore) -> Option<()> {
    let Restore {
        id,
        outcome: o,
        claims,
        outputs,
        values: n_values,
    } = into;
    id.clear();
    id.push_str(kept_id);
    o.total = r.decimal()?;
    // The buffers of the case before have the policy's lengths already: overwritten, not rebuilt.
    let n = r.get()? as usize;
    if o.awards.len() != n {
        o.awards.resize(n, Decimal::ZERO);
    }
    for a in &mut o.awards {
        *a = r.decimal()?;
    }
    let n = r.get()? as usize;
    if o.benefits.len() != n {
        o.benefits.resize(n, false);
    }
    o.benefits.fill(false);
    for _ in 0..r.get()? {
        *o.benefits.get_mut(r.get()? as usize)? = true;
    }
    if !o.values.is_empty() || n_values > 0 {
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
    for _ in 0..r.get()? {
        let (pool, period, measure) = (r.get()? as usize, unzigzag(r.get()?)?, r.get()? as usize);
        let flags = *r.take(1)?.first()?;
        let amount = if flags & 1 != 0 {
            *o.awards.get(measure)?
        } else {
            r.decimal()?
        };
        let paid = if flags & 2 != 0 { Decimal::ZERO } else { r.decimal()? };
        claims.push(Claim {
            pool,
            period,
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

/// Seven bits a byte, low first.
fn put(b: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        b.push((n as u8) | 0x80);
        n >>= 7;
    }
    b.push(n as u8);
}

/// The scale, the sign and whether the mantissa is wider than 64 bits in a
/// byte, then the mantissa's magnitude in 8 bytes (16 when wide): exact, read
/// back without a loop, and a zero keeps its places (a CSV line writes `0.00`, not `0`).
fn put_decimal(b: &mut Vec<u8>, d: Decimal) {
    let sign = if d.is_sign_negative() { 0x80 } else { 0 };
    let m = d.mantissa().unsigned_abs();
    match u64::try_from(m) {
        Ok(narrow) => {
            b.push(d.scale() as u8 | sign);
            b.extend_from_slice(&narrow.to_le_bytes());
        }
        Err(_) => {
            b.push(d.scale() as u8 | sign | 0x40);
            b.extend_from_slice(&m.to_le_bytes());
        }
    }
}

fn zigzag(n: i32) -> u64 {
    u64::from(((n << 1) ^ (n >> 31)) as u32)
}

fn unzigzag(n: u64) -> Option<i32> {
    let n = u32::try_from(n).ok()?;
    Some(((n >> 1) as i32) ^ -((n & 1) as i32))
}

struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn get(&mut self) -> Option<u64> {
        let first = *self.b.get(self.at)?;
        self.at += 1;
        if first < 0x80 {
            return Some(u64::from(first));
        }
        let mut n = u64::from(first & 0x7f);
        for shift in (7..64).step_by(7) {
            let byte = *self.b.get(self.at)?;
            self.at += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn decimal(&mut self) -> Option<Decimal> {
        let tag = *self.b.get(self.at)?;
        self.at += 1;
        let m = if tag & 0x40 == 0 {
            u128::from(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
        } else {
            u128::from_le_bytes(self.take(16)?.try_into().ok()?)
        };
        let scale = u32::from(tag & 0x3f);
        if scale > 28 || m >> 96 != 0 {
            return None;
        }
        let mut d = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, scale);
        // set apart, so that a zero keeps its sign as well as its places
        d.set_sign_negative(tag & 0x80 != 0);
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Rng;

    fn decimal(rng: &mut Rng) -> Decimal {
        // up to 96 bits of mantissa, the most a decimal holds
        let m = (u128::from(rng.next_u64()) << 32 | u128::from(rng.next_u64() as u32)) >> (rng.next_u64() % 96);
        let m = m as i128 * if rng.next_u64() % 2 == 0 { 1 } else { -1 };
        Decimal::from_i128_with_scale(m, (rng.next_u64() % 29) as u32)
    }

    #[test]
    fn amounts_come_back_exactly_with_their_places_and_sign() {
        let mut rng = Rng::new(5);
        let mut edges = vec![
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ZERO,
            Decimal::new(0, 2),
            -Decimal::new(0, 2),
            Decimal::new(-1, 28),
        ];
        edges.extend((0..10_000).map(|_| decimal(&mut rng)));
        for d in edges {
            let mut b = Vec::new();
            put_decimal(&mut b, d);
            let back = Bytes { b: &b, at: 0 }.decimal();
            assert_eq!(back.map(|x| (x, x.to_string())), Some((d, d.to_string())), "{d:?}");
        }
        for n in [0, 1, -1, 2026, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag(zigzag(n)), Some(n));
        }
    }

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
        assert!(g.bytes.is_empty());
        assert!(g.values.is_empty());
    }
}
