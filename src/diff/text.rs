//! Character-level differences of clause text: Chinese has no spaces, so a
//! word diff would mark whole sentences.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// A run of characters that is the same, removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub tag: Tag,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    Same,
    Removed,
    Added,
}

/// The runs that turn `old` into `new`, adjacent runs of one tag merged.
pub fn chars(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_chars(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => Tag::Same,
            ChangeTag::Delete => Tag::Removed,
            ChangeTag::Insert => Tag::Added,
        };
        match out.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => out.push(Piece {
                tag,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_only_the_changed_characters() {
        let pieces = chars("单个企业每年最高给予200万元支持", "单个企业每年最高给予300万元支持");
        let changed: Vec<(Tag, &str)> = pieces
            .iter()
            .filter(|p| p.tag != Tag::Same)
            .map(|p| (p.tag, p.text.as_str()))
            .collect();
        assert_eq!(changed, [(Tag::Removed, "2"), (Tag::Added, "3")]);
        let old: String = pieces
            .iter()
            .filter(|p| p.tag != Tag::Added)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(old, "单个企业每年最高给予200万元支持");
    }
}
