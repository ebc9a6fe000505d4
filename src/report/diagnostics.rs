//! Diagnostics rendered three ways: `human` (miette, with the source and
//! labelled spans), `plain` (one line each, for editors and grep) and `json`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::Span;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    Human,
    Plain,
    Json,
}

/// Renders `diags` for the file `path` whose text is `source`.
pub fn render(diags: &[Diagnostic], path: &str, source: &str, format: ErrorFormat, color: bool) -> String {
    match format {
        ErrorFormat::Human => {
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
            let mut out = String::new();
            for d in diags {
                let report = Report {
                    d,
                    src: NamedSource::new(path, source.to_string()),
                };
                if handler.render_report(&mut out, &report).is_err() {
                    out.push_str(&plain_line(d, path, source));
                }
                out.push('\n');
            }
            // miette writes "help:" itself; in Chinese it is 提示, as wide, so the
            // wrapped lines below it stay aligned. (The plain and JSON forms keep
            // their fixed words for tools.)
            if crate::lang::is_zh() {
                out = out.replace("  help: ", "  提示：");
            }
            out
        }
        ErrorFormat::Plain => diags.iter().map(|d| plain_line(d, path, source)).collect(),
        ErrorFormat::Json => {
            let items: Vec<_> = diags.iter().map(|d| to_json(d, path, source)).collect();
            format!("{}\n", serde_json::Value::Array(items))
        }
    }
}

pub use crate::span::line_col;

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `file:line:col: error[code]: message`, the severity and the hint in the
/// language of the run (the code stays as it is, for grep and editors).
fn plain_line(d: &Diagnostic, path: &str, source: &str) -> String {
    let (line, col) = line_col(source, d.span.start);
    let said = match d.severity {
        Severity::Error => t!("error"),
        Severity::Warning => t!("warning"),
    };
    let mut s = format!("{path}:{line}:{col}: {said}[{}]: {}\n", d.code, d.message.text());
    if let Some(h) = &d.help {
        s.push_str(&format!("  {}\n", t!("help: %{hint}", hint = h.text())));
    }
    s
}

fn span_json(source: &str, span: Span) -> serde_json::Value {
    let (line, column) = line_col(source, span.start);
    json!({"start": span.start, "end": span.end, "line": line, "column": column})
}

fn to_json(d: &Diagnostic, path: &str, source: &str) -> serde_json::Value {
    json!({
        "severity": severity(d),
        "code": d.code,
        "message": d.message,
        "file": path,
        "span": span_json(source, d.span),
        "label": d.label,
        "help": d.help,
        "related": d.related.iter().map(|(s, l)| json!({"span": span_json(source, *s), "label": l})).collect::<Vec<_>>(),
    })
}

/// A diagnostic with its source, in the shape miette renders.
#[derive(Debug)]
struct Report<'a> {
    d: &'a Diagnostic,
    src: NamedSource<String>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message.text())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h.text()) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = Some(self.d.label.text()).filter(|l| !l.is_empty());
        let primary =
            LabeledSpan::new_primary_with_span(label, self.d.span.start..self.d.span.end.max(self.d.span.start));
        let related = self
            .d
            .related
            .iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(l.text()), s.start..s.end.max(s.start)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
