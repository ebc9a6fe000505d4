//! Slips said where they are: full-width punctuation typed with a Chinese
//! input method, and a `{` or `(` left open. pest reports each at the word
//! after it; these name the character to change and where the open block began.

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Keywords that start a top-level item, where the parser can pick up again.
pub(super) const ITEM_STARTS: [&str; 12] = [
    "policy", "enum", "record", "input", "param", "value", "measure", "rule", "pool", "benefit", "clause", "test",
];

/// Full-width punctuation outside strings and comments.
pub(super) fn full_width(source: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, c) in super::scan::code_chars(source) {
        match c {
            '（' | '）' if in_clause_ref(source, i) => {}
            '：' | '，' | '；' | '“' | '”' | '＝' | '（' | '）' => {
                let replacement = match c {
                    '：' => ":",
                    '，' => ",",
                    '；' => "\n",
                    '＝' => "=",
                    '（' => "(",
                    '）' => ")",
                    _ => "\"",
                };
                let ascii = match c {
                    '；' => &t!("a new line"),
                    _ => replacement,
                };
                out.push(
                    Diagnostic::error(
                        "zhice::syntax::full-width",
                        words!("full-width `%{c}` outside a string", c = c),
                        Span::new(i, i + c.len_utf8()),
                    )
                    .label(words!("write %{ascii} here", ascii = ascii))
                    .help(words!(
                        "outside \"…\" the language uses ASCII punctuation; full-width forms belong inside strings"
                    ))
                    .fix(Span::new(i, i + c.len_utf8()), replacement),
                );
                if out.len() >= 20 {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the character at `at` belongs to the clause reference of a
/// declaration (`measure a 第三条（五） "…"`), where full-width brackets are the
/// published numbering, not a slip.
fn in_clause_ref(source: &str, at: usize) -> bool {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    // Past the last blank before `at`, whose width may be more than a byte (U+00A0, U+3000).
    let token_start = source[line_start..at]
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .map_or(line_start, |(i, c)| line_start + i + c.len_utf8());
    let words: Vec<&str> = source[line_start..token_start].split_whitespace().collect();
    matches!(words.as_slice(), [item, _] if ["measure", "rule", "pool", "benefit", "clause"].contains(item))
}

/// A new item (`measure`, `rule`, …) found where a statement was expected
/// usually means a `}` is missing: name the block still open and where it began.
pub(super) fn open_block_before(source: &str, start: usize, found: &str) -> Option<Diagnostic> {
    let line_start = source.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let at_end = found.is_empty() && source[start..].trim().is_empty();
    if !at_end && (!ITEM_STARTS.contains(&found) || line_start != start) {
        return None;
    }
    let open = unclosed_braces(source.get(..start)?);
    // The item that is open: the first unclosed brace on a line that starts an item.
    let brace = open.iter().copied().find(|&b| {
        let ls = source[..b].rfind('\n').map_or(0, |i| i + 1);
        let word: String = source[ls..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        ITEM_STARTS.contains(&word.as_str())
    })?;
    let ls = source[..brace].rfind('\n').map_or(0, |i| i + 1);
    let head: Vec<&str> = source[ls..brace].split_whitespace().take(2).collect();
    let head = head.join(" ");
    let end = start + found.len();
    let (message, label) = if at_end {
        (
            words!(
                "`%{block}` is still open at the end of the file: a `}` is missing",
                block = head
            ),
            words!("the file ends here"),
        )
    } else {
        (
            words!(
                "`%{block}` is still open: a `}` is missing before this `%{found}`",
                block = head,
                found = found
            ),
            words!("a new item begins here"),
        )
    };
    Some(
        Diagnostic::error("zhice::syntax::unclosed", message, Span::new(start, end))
            .label(label)
            .related(
                Span::new(brace, brace + 1),
                words!("`%{block}` begins here and is never closed", block = head),
            )
            .help(words!(
                "close `%{block}` with `}` where its statements end",
                block = head
            )),
    )
}

/// An expression that stops where a `)` is still owed: the parser reports the
/// word after it, so name the `(` that was never closed.
pub(super) fn open_paren_before(source: &str, start: usize, end: usize) -> Option<Diagnostic> {
    let mut open = Vec::new();
    for (i, c) in super::scan::code_chars(source.get(..start)?) {
        match c {
            '(' | '{' => open.push((i, c)),
            ')' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    let &(paren, '(') = open.last()? else {
        return None;
    };
    Some(
        Diagnostic::error(
            "zhice::syntax::unclosed",
            words!("a `(` is still open: a `)` is missing before this"),
            Span::new(start, end),
        )
        .label(words!("`)` expected before here"))
        .related(Span::new(paren, paren + 1), words!("this `(` is never closed"))
        .help(words!("close it with `)` where what it groups ends")),
    )
}

/// The positions of the `{` not yet closed at the end of `text`, outermost
/// first; braces inside strings and comments do not count.
fn unclosed_braces(text: &str) -> Vec<usize> {
    let mut open = Vec::new();
    for (i, c) in super::scan::code_chars(text) {
        match c {
            '{' => open.push(i),
            '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_wider_than_a_byte_before_a_bracket_is_stepped_over_whole() {
        // U+00A0 and U+3000 are two and three bytes; the token after them starts past both.
        assert_eq!(full_width("\u{a0}\"\"（").len(), 1);
        assert!(full_width("measure a\u{3000}第三条（五）").is_empty());
        assert_eq!(full_width("x\u{3000}（").len(), 1);
    }
}
