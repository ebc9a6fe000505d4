//! The one scanner for what lies inside strings and comments and what lies
//! outside them. Everything that reads the source around the parser — the
//! formatter's comments, full-width punctuation, over-long words, where a
//! token really ends — goes through it, so a `#` inside "…" is never a
//! comment and a `"` inside a comment never opens a string, everywhere alike.

/// One piece of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// a character of code, at its byte offset
    Code(usize, char),
    /// a string, quotes included: `start..end` (to the end of the file when not `closed`)
    Text { start: usize, end: usize, closed: bool },
    /// a `#` comment, without its line end
    Comment { start: usize, end: usize },
}

/// The pieces of `source`, in order.
pub fn pieces(source: &str) -> impl Iterator<Item = Piece> + '_ {
    let mut chars = source.char_indices().peekable();
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        Some(match c {
            '"' => {
                let (mut end, mut closed) = (source.len(), false);
                while let Some((j, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        (end, closed) = (j + 1, true);
                        break;
                    }
                }
                Piece::Text { start: i, end, closed }
            }
            '#' => {
                let mut end = source.len();
                while let Some(&(j, c)) = chars.peek() {
                    if c == '\n' {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                Piece::Comment { start: i, end }
            }
            c => Piece::Code(i, c),
        })
    })
}

/// The characters of `source` outside strings and comments, with their offsets.
pub fn code_chars(source: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    pieces(source).filter_map(|p| match p {
        Piece::Code(i, c) => Some((i, c)),
        Piece::Text { .. } | Piece::Comment { .. } => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_comments_hide_each_other() {
        let src = "a \"x # y \\\" z\" # c \"q\nb";
        let got: Vec<Piece> = pieces(src).collect();
        assert_eq!(
            got,
            vec![
                Piece::Code(0, 'a'),
                Piece::Code(1, ' '),
                Piece::Text {
                    start: 2,
                    end: 14,
                    closed: true
                },
                Piece::Code(14, ' '),
                Piece::Comment { start: 15, end: 21 },
                Piece::Code(21, '\n'),
                Piece::Code(22, 'b'),
            ]
        );
    }

    #[test]
    fn an_unclosed_string_or_comment_runs_to_the_end() {
        assert_eq!(
            pieces("\"ab").collect::<Vec<_>>(),
            vec![Piece::Text {
                start: 0,
                end: 3,
                closed: false
            }]
        );
        assert_eq!(
            pieces("#ab").collect::<Vec<_>>(),
            vec![Piece::Comment { start: 0, end: 3 }]
        );
        assert_eq!(code_chars("：\"：\"#：").collect::<Vec<_>>(), vec![(0, '：')]);
    }
}
