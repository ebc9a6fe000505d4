//! `zhice fmt`: the canonical layout of a policy file. Works from the AST and
//! the source: literals and strings are printed as written (clause text is
//! never touched), comments are kept beside the line they were beside, and
//! everything else (indentation, spacing, alignment, blank lines) is decided
//! here. Formatting is idempotent: `format(format(p)) == format(p)`.

mod comments;
pub mod expr;
mod items;

pub use items::{pool_lines, rule_body};

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::{parse, FileKind};
use comments::Comment;

/// Formats a policy (or tests) file, or returns its syntax errors.
pub fn format(source: &str, kind: FileKind) -> Result<String, Vec<Diagnostic>> {
    let file = parse(source, kind)?;
    let mut doc = Doc {
        src: source,
        lines: Vec::new(),
    };
    items::file(&mut doc, &file);
    Ok(doc.emit(comments::collect(source)))
}

/// An award amount as the lines `zhice fmt` would print, indented two spaces a level.
pub fn amount_lines(source: &str, amount: &crate::syntax::ast::Expr) -> Vec<String> {
    let doc = Doc {
        src: source,
        lines: Vec::new(),
    };
    items::amount(&doc, amount)
        .into_iter()
        .map(|(depth, text, _)| format!("{}{text}", "  ".repeat(depth)))
        .collect()
}

/// One output line: its nesting depth, its text, and the source span it
/// comes from (so comments can be placed beside it). `None` text is a blank line.
struct Line {
    depth: usize,
    text: Option<String>,
    at: Span,
}

/// The formatted file as lines, before comments are woven in.
pub(crate) struct Doc<'a> {
    src: &'a str,
    lines: Vec<Line>,
}

impl Doc<'_> {
    fn line(&mut self, depth: usize, text: impl Into<String>, at: Span) {
        self.lines.push(Line {
            depth,
            text: Some(text.into()),
            at,
        });
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| l.text.is_some()) {
            self.lines.push(Line {
                depth: 0,
                text: None,
                at: Span::default(),
            });
        }
    }

    /// The written text of a span, as the formatter prints literals.
    fn text(&self, span: Span) -> &str {
        span.text(self.src)
    }

    /// Writes the lines, with each comment before the line that follows it in
    /// the source, or at the end of the line it was written on.
    fn emit(self, comments: Vec<Comment>) -> String {
        let mut out = String::new();
        let mut next = 0;
        let n = self.lines.len();
        for (i, line) in self.lines.iter().enumerate() {
            let Some(text) = &line.text else {
                // A blank line that comments will follow stays; one before a block's end is dropped.
                if i + 1 < n {
                    out.push('\n');
                }
                continue;
            };
            // A comment just before a closing brace belongs to the block's inside.
            let comment_depth = if text.starts_with('}') {
                line.depth + 1
            } else {
                line.depth
            };
            while let Some(c) = comments.get(next).filter(|c| c.start < line.at.start) {
                push_indented(&mut out, comment_depth, &c.text);
                if c.blank_after {
                    out.push('\n');
                }
                next += 1;
            }
            let indent = "  ".repeat(line.depth);
            out.push_str(&indent);
            out.push_str(text);
            let following = self.lines[i + 1..]
                .iter()
                .find(|l| l.text.is_some())
                .map_or(usize::MAX, |l| l.at.start);
            if let Some(c) = comments.get(next) {
                let same_line = c.start >= line.at.end
                    && c.start < following
                    && !self.src.get(line.at.end..c.start).unwrap_or("\n").contains('\n');
                if same_line {
                    out.push_str("  ");
                    out.push_str(&c.text);
                    next += 1;
                }
            }
            out.push('\n');
        }
        if next < comments.len() && !out.is_empty() {
            out.push('\n');
        }
        for c in &comments[next..] {
            push_indented(&mut out, 0, &c.text);
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

fn push_indented(out: &mut String, depth: usize, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(src: &str) -> String {
        format(src, FileKind::Policy).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn formatting_is_idempotent_on_a_messy_file() {
        let messy = "# top\npolicy   \"p\"{version \"v\"   rounding 0.01 half-away-from-zero after each rate}\n\
            input  a:money>=0 \"甲\"   # trailing\ninput bb : bool\nparam r=20%\n\n\n\
            measure m （一） \"m\"{text \"t\" when bb award r of a  # why\n at most 5万元 per applicant per year}";
        let once = fmt(messy);
        assert_eq!(fmt(&once), once);
        assert!(once.contains("# top") && once.contains("# trailing") && once.contains("# why"));
    }
}
