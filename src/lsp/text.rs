//! Byte offsets (what spans hold) to and from editor positions (line and
//! UTF-16 column, what LSP speaks). Chinese text makes the two differ on
//! almost every line of a policy.

use crate::span::Span;
use lsp_types::{Position, Range};

pub struct LineIndex {
    /// byte offset of the start of each line
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts[line];
        let column: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(column))
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start), self.position(text, span.end))
    }

    /// The byte offset of a position; positions past a line's end stop at its end.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        let line = text.get(start..end).unwrap_or("");
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The whole text, as a range.
    pub fn all(&self, text: &str) -> Range {
        Range::new(Position::new(0, 0), self.position(text, text.len()))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "text \"第一条\" x\n𝄞ab\n";
        let index = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        assert_eq!(index.position(text, x), Position::new(0, 11));
        assert_eq!(index.offset(text, Position::new(0, 11)), x);
        // a character outside the BMP is two units
        let a = text.find('a').unwrap();
        assert_eq!(index.position(text, a), Position::new(1, 2));
        assert_eq!(index.offset(text, Position::new(1, 2)), a);
        // past the end of a line stops at its end; past the last line, at the end
        assert_eq!(index.offset(text, Position::new(1, 99)), text.len() - 1);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
    }
}
