//! zhice's diagnostics as the editor's: ranges in UTF-16, the code, the hint
//! after the message, related places as related information.

use super::workspace::{Side, Unit};
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::LoadError;
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

/// The diagnostics of each file of a unit (an empty list clears old ones).
pub fn published(unit: &Unit) -> Vec<(Url, Vec<lsp_types::Diagnostic>)> {
    let reports = match &unit.analysed.result {
        Ok(loaded) => &loaded.reports,
        Err(LoadError::Invalid(reports)) => reports,
        Err(LoadError::Io(_)) => return Vec::new(),
    };
    let mut policy = Vec::new();
    let mut tests = Vec::new();
    for report in reports {
        // A report holds its file's text: the policy's, or else the tests file's.
        let side = if report.source == unit.policy_text {
            Side::Policy
        } else {
            Side::Tests
        };
        let out = if side == Side::Policy { &mut policy } else { &mut tests };
        out.extend(report.diagnostics.iter().filter_map(|d| diagnostic(unit, side, d)));
    }
    let mut all = vec![(unit.policy.clone(), policy)];
    if let Some(uri) = &unit.tests {
        all.push((uri.clone(), tests));
    }
    all
}

pub fn diagnostic(unit: &Unit, side: Side, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
    let lines = unit.lines(side)?;
    let text = unit.text(side);
    let mut message = d.message.text();
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(&t!("help:"));
        message.push(' ');
        message.push_str(&help.text());
    }
    let related = unit.uri(side).map(|uri| {
        d.related
            .iter()
            .map(|(span, label)| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), lines.range(text, *span)),
                message: label.text(),
            })
            .collect::<Vec<_>>()
    });
    Some(lsp_types::Diagnostic {
        range: lines.range(text, d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("zhice".into()),
        message,
        related_information: related.filter(|r| !r.is_empty()),
        ..Default::default()
    })
}
