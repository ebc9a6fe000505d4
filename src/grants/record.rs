//! A round's grants as the registry's rows: one per award, and for a per-item
//! award (`each … once per KEY`) one per item paid, so that a later round
//! knows which items were paid.

use crate::batch::Granted;
use crate::compile::Program;
use rust_decimal::Decimal;

/// One row of `zhice_awards`, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub applicant: String,
    pub case_id: String,
    pub award: String,
    pub year: i32,
    pub item: Option<String>,
    pub amount: Decimal,
}

/// The rows of one case's grants. An award granted less than its items came
/// to (a cap on the award, a pool's share) is given to its items in the
/// case's order, each up to what its rule gave, until the award is used up:
/// an item that gets nothing is not paid, and stays open for a later round.
/// What an award pays beyond its items is a row with no item.
pub fn rows_of(program: &Program, g: &Granted) -> Vec<Row> {
    let mut rows = Vec::new();
    for &(m, granted) in &g.awards {
        let row = |item: Option<String>, amount: Decimal| Row {
            line: g.line,
            applicant: g.applicant.clone(),
            case_id: g.id.clone(),
            award: program.policy.measures[m].id.clone(),
            year: g.year,
            item,
            amount,
        };
        let mut left = granted;
        for it in g.items.iter().filter(|it| it.measure == m) {
            let amount = it.amount.min(left);
            if amount > Decimal::ZERO {
                rows.push(row(Some(it.item.clone()), amount));
                left -= amount;
            }
        }
        if left > Decimal::ZERO {
            rows.push(row(None, left));
        }
    }
    rows
}

/// The awards of a round packed in one text, as `zhice_round_ledgers` keeps
/// them: for each, its applicant, award and item as `LEN:TEXT` (`-` for no
/// item), its year and amount each ended by `,`. Lengths are in bytes, so any
/// text reads back as written.
pub fn pack(rows: &[Row]) -> String {
    let mut out = String::with_capacity(rows.len() * 48);
    let text = |out: &mut String, s: &str| {
        out.push_str(&s.len().to_string());
        out.push(':');
        out.push_str(s);
    };
    for r in rows {
        text(&mut out, &r.applicant);
        text(&mut out, &r.award);
        match &r.item {
            Some(i) => text(&mut out, i),
            None => out.push('-'),
        }
        out.push_str(&r.year.to_string());
        out.push(',');
        out.push_str(&r.amount.to_string());
        out.push(',');
    }
    out
}

/// One award read back from a packed round.
pub struct Packed<'a> {
    pub applicant: &'a str,
    pub award: &'a str,
    pub item: Option<&'a str>,
    pub year: i32,
    pub amount: Decimal,
}

/// Reads a packed round back, award by award.
pub fn unpack<'a>(text: &'a str, each: &mut dyn FnMut(Packed<'a>) -> Result<(), String>) -> Result<(), String> {
    let broken = || t!("a packed round of the registry is damaged").into_owned();
    let mut at = 0;
    while at < text.len() {
        let applicant = field(text, &mut at).ok_or_else(broken)?;
        let award = field(text, &mut at).ok_or_else(broken)?;
        let item = if text.as_bytes().get(at) == Some(&b'-') {
            at += 1;
            None
        } else {
            Some(field(text, &mut at).ok_or_else(broken)?)
        };
        let year = until_comma(text, &mut at)
            .and_then(|y| y.parse().ok())
            .ok_or_else(broken)?;
        let amount = until_comma(text, &mut at)
            .and_then(|a| Decimal::from_str_exact(a).ok())
            .ok_or_else(broken)?;
        each(Packed {
            applicant,
            award,
            item,
            year,
            amount,
        })?;
    }
    Ok(())
}

/// `LEN:TEXT` at `at`, which moves past it.
fn field<'a>(text: &'a str, at: &mut usize) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let mut len = 0usize;
    let mut i = *at;
    while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
        len = len.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
        i += 1;
    }
    if i == *at || bytes.get(i) != Some(&b':') {
        return None;
    }
    let value = text.get(i + 1..i.checked_add(1 + len)?)?;
    *at = i + 1 + len;
    Some(value)
}

/// The text from `at` to the next `,`, and `at` moved past the comma.
fn until_comma<'a>(text: &'a str, at: &mut usize) -> Option<&'a str> {
    let start = *at;
    let end = start + memchr::memchr(b',', text.as_bytes().get(start..)?)?;
    *at = end + 1;
    text.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_round_reads_back_as_written_whatever_its_texts_hold() {
        let row = |applicant: &str, item: Option<&str>, amount: &str| Row {
            line: 1,
            applicant: applicant.into(),
            case_id: "c".into(),
            award: "m".into(),
            year: 2026,
            item: item.map(str::to_string),
            amount: Decimal::from_str_exact(amount).unwrap_or_default(),
        };
        let rows = [
            row("甲公司", None, "1.50"),
            row("a:b,c-5:", Some("7:x,-"), "300000.00"),
            row("", Some(""), "0.01"),
        ];
        let mut back = Vec::new();
        unpack(&pack(&rows), &mut |p| {
            back.push((
                p.applicant.to_string(),
                p.award.to_string(),
                p.item.map(str::to_string),
                p.year,
                p.amount,
            ));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<_> = rows
            .iter()
            .map(|r| (r.applicant.clone(), r.award.clone(), r.item.clone(), r.year, r.amount))
            .collect();
        assert_eq!(back, want);
        assert!(unpack("3:ab", &mut |_| Ok(())).is_err());
    }
}
