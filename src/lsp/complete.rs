//! Completion in context: after `Enum.` its values, after a record's name its
//! fields, after `is` the enum values and `given`, after a number the units,
//! elsewhere the names the policy declares and the language's phrases.
//! Names come from the last version of the file that parsed, so completion
//! keeps working while a line is half typed.

use super::known::{Kind, Known};
use super::workspace::{Side, Unit};
use serde_json::{json, Value};

const UNITS: &[&str] = &["元", "万元", "亿元", "%"];

/// Phrases of the language a drafter types inside a measure.
const PHRASES: &[&str] = &[
    "when",
    "unless",
    "award",
    "at most",
    "per applicant per year",
    "per applicant",
    "up to",
    "assessed",
    "the highest of",
    "the first of",
    "the sum of",
    "one of",
    "otherwise",
    "each",
    "where",
    "once per",
    "in bands of",
    "the year of",
    "the month of",
    "the day of",
    "the years from",
    "the months from",
    "the days from",
    "the start of the year of",
    "the end of the year of",
    "the start of the month of",
    "the end of the month of",
    "top-up",
    "may be negative",
    "once per applicant",
    "is given",
    "is not given",
    "rounded to",
    "and",
    "or",
    "not",
    "if",
    "then",
    "else",
    "text",
    "measure",
    "param",
    "input",
    "value",
    "amends",
    "output",
    "enum",
    "record",
    "rule",
    "pool",
    "benefit",
    "clause",
    "test",
    "optional",
    "list of",
    "default",
    "default empty",
];

const TEST_PHRASES: &[&str] = &["test", "given", "expect", "expect errors"];

pub fn complete(unit: &Unit, side: Side, offset: usize) -> Value {
    let text = unit.text(side);
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // the part of a name already typed
    let typed_len = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let head = &before[..before.len() - typed_len];
    let known = &unit.known;
    let items: Vec<Value> = if let Some(qualifier) = head.strip_suffix('.').map(last_word).filter(|q| !q.is_empty()) {
        members(known, qualifier)
    } else if let Some(number) = number_before(before) {
        // The number is replaced with itself and the unit, so that editors filter and insert alike.
        let range = unit
            .lines(side)
            .map(|l| l.range(text, crate::span::Span::new(offset - number.len(), offset)));
        UNITS
            .iter()
            .map(|u| {
                let written = format!("{number}{u}");
                json!({ "label": u, "kind": 11, "filterText": written, "textEdit": { "range": range, "newText": written } })
            })
            .collect()
    } else if matches!(last_word(head.trim_end()), "is" | "not") && head.ends_with(' ') {
        let enumeration = subject_enum(known, head);
        let mut v: Vec<Value> = known
            .iter()
            .filter(|k| k.kind == Kind::EnumValue)
            .filter(|k| enumeration.is_none() || k.owner.as_deref() == enumeration)
            .map(item)
            .collect();
        v.push(json!({ "label": "given", "kind": 14 }));
        v
    } else if side == Side::Tests {
        known
            .iter()
            .filter(|k| matches!(k.kind, Kind::Input | Kind::Measure | Kind::EnumValue))
            .map(item)
            .chain(TEST_PHRASES.iter().map(|p| json!({ "label": p, "kind": 14 })))
            .collect()
    } else {
        known
            .iter()
            .filter(|k| !matches!(k.kind, Kind::Field))
            .map(item)
            .chain(PHRASES.iter().map(|p| json!({ "label": p, "kind": 14 })))
            .collect()
    };
    json!({ "isIncomplete": false, "items": items })
}

/// After `X.`: the values of enum `X`, the fields of the record input `X`, or
/// (for the item of a list) the fields of every record.
fn members(known: &[Known], qualifier: &str) -> Vec<Value> {
    if known.iter().any(|k| k.kind == Kind::Enum && k.name == qualifier) {
        return known
            .iter()
            .filter(|k| k.kind == Kind::EnumValue && k.owner.as_deref() == Some(qualifier))
            .map(item)
            .collect();
    }
    let record = known
        .iter()
        .find(|k| k.kind == Kind::Input && k.name == qualifier)
        .and_then(|k| k.record.clone());
    let mut seen = std::collections::BTreeSet::new();
    known
        .iter()
        .filter(|k| k.kind == Kind::Field)
        .filter(|k| record.is_none() || k.owner == record)
        .filter(|k| seen.insert(k.name.clone()))
        .map(item)
        .collect()
}

/// The enum of what stands before `is` (or `is not`): an input (`prize is `)
/// or a field of an item (`p.level is `); none when it is something else.
fn subject_enum<'k>(known: &'k [Known], head: &str) -> Option<&'k str> {
    let rest = head.trim_end().strip_suffix("is").or_else(|| {
        head.trim_end()
            .strip_suffix("not")
            .and_then(|r| r.trim_end().strip_suffix("is"))
    })?;
    let rest = rest.trim_end();
    let start = rest
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + rest[i..].chars().next().map_or(1, char::len_utf8));
    let subject = &rest[start..];
    let found = match subject.split_once('.') {
        None => known.iter().find(|k| k.kind == Kind::Input && k.name == subject),
        Some((item, field)) => {
            let record = known
                .iter()
                .find(|k| k.kind == Kind::Input && k.name == item)
                .and_then(|k| k.record.as_deref());
            known.iter().find(|k| {
                k.kind == Kind::Field && k.name == field && (record.is_none() || k.owner.as_deref() == record)
            })
        }
    };
    found?.enumeration.as_deref()
}

fn item(k: &Known) -> Value {
    json!({ "label": k.name, "kind": k.kind.code(), "detail": k.detail })
}

/// The number just typed (`500`, `0.5`), if the text before the cursor ends with one.
fn number_before(before: &str) -> Option<&str> {
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word = &before[start..];
    (word.starts_with(|c: char| c.is_ascii_digit()) && word.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then_some(word)
}

fn last_word(s: &str) -> &str {
    let start = s
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
    &s[start..]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::{last_word, number_before};

    #[test]
    fn numbers_before_the_cursor() {
        assert_eq!(number_before("= 500"), Some("500"));
        assert_eq!(number_before("up to 0.5"), Some("0.5"));
        assert_eq!(number_before("x2"), None);
        assert_eq!(number_before("level is "), None);
    }

    #[test]
    fn last_word_stops_at_anything_but_a_name() {
        assert_eq!(last_word("when level is"), "is");
        assert_eq!(last_word("（五） Prize"), "Prize");
        assert_eq!(last_word("x "), "");
    }
}
