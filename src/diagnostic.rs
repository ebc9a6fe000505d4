//! Problems found in a policy file, as plain data. Rendering them (miette,
//! plain text, JSON) is the CLI's business, in `report::diagnostics`.

use crate::lang::Words;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem: what is wrong (`message`), where (`span`, `label`), and what to do (`help`).
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code, listed in docs/errors.md, e.g. `zhice::check::unknown-name`.
    pub code: &'static str,
    /// what is wrong, what the span shows, what to do: worded when shown
    pub message: Words,
    pub span: Span,
    pub label: Words,
    pub help: Option<Words>,
    /// Other places that explain the problem, e.g. the first of two duplicates.
    pub related: Vec<(Span, Words)>,
    /// One edit that fixes it, when there is exactly one (an editor offers it as a quick fix).
    pub fix: Option<Fix>,
}

/// Replace the text at `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<Words>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: Words::from(String::new()),
            help: None,
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<Words>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    pub fn label(mut self, label: impl Into<Words>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<Words>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<Words>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// A fix: replace `span` with `replacement`.
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// "did you mean `near`?" with the replacement of the diagnostic's span
    /// as its fix when a close name exists; otherwise the help `otherwise`.
    pub fn suggest(self, near: Option<String>, otherwise: impl Into<Words>) -> Self {
        match near {
            Some(c) => {
                let span = self.span;
                self.help(t!("did you mean `%{c}`?", c = c)).fix(span, c)
            }
            None => self.help(otherwise),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The name among `candidates` closest to `name`, if any is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Diagnostic {
    /// The diagnostic with its spans moved back by `by`, for a text read as part
    /// of a larger one (an overlay after its base): spans outside `from..to` are
    /// another file's, and are dropped from `related` and `fix`.
    pub fn moved(mut self, from: usize, to: usize, by: usize) -> Diagnostic {
        let inside = |s: Span| s.start >= from && s.end <= to;
        let shift = |s: Span| Span::new(s.start.saturating_sub(by), s.end.saturating_sub(by));
        self.span = shift(self.span);
        self.related = std::mem::take(&mut self.related)
            .into_iter()
            .filter(|(s, _)| inside(*s))
            .map(|(s, w)| (shift(s), w))
            .collect();
        self.fix = self.fix.take().filter(|f| inside(f.span)).map(|f| Fix {
            span: shift(f.span),
            replacement: f.replacement,
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name() {
        let names = ["dcmm_level", "data_space_investment", "sme"];
        assert_eq!(closest("dcmm_levl", names), Some("dcmm_level"));
        assert_eq!(closest("data_space_invest", names), Some("data_space_investment"));
        assert_eq!(closest("completely_else", names), None);
    }
}
