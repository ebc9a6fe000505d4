//! Comments, found by scanning the source (the parser skips them).

use crate::syntax::scan::{pieces, Piece};

/// A `#` comment: where it starts and ends, and its text without the line end.
pub(super) struct Comment {
    pub start: usize,
    pub text: String,
    /// a blank line followed it in the source
    pub blank_after: bool,
}

/// Every comment outside strings, in source order.
pub(super) fn collect(src: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    for piece in pieces(src) {
        let Piece::Comment { start, end } = piece else { continue };
        let rest = src.get(end..).unwrap_or("");
        let blank_after = rest
            .strip_prefix('\n')
            .is_some_and(|r| r.split('\n').next().is_some_and(|l| l.trim().is_empty()) && !r.trim_start().is_empty());
        out.push(Comment {
            start,
            text: src[start..end].trim_end().to_string(),
            blank_after,
        });
    }
    out
}
