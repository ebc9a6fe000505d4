//! One case's result in the case-file format (SCHEMA): JSON with `id`,
//! `total`, `awards` (ids above 0, in policy order), `benefits`, `errors`.

use crate::compile::tree::Program;
use crate::eval::decode::{CaseErrors, FieldError};
use crate::eval::{EvalError, Outcome};
use crate::report::diagnostics::line_col;
use crate::report::number;
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// What became of one input case.
pub enum CaseResult {
    Done { id: String, outcome: Outcome },
    Rejected(CaseErrors),
}

#[derive(serde::Serialize)]
struct Line<'a> {
    id: Option<&'a str>,
    total: Option<String>,
    awards: Awards<'a>,
    benefits: Vec<&'a str>,
    errors: &'a [FieldError],
}

struct Awards<'a>(Vec<(&'a str, Decimal)>);

impl Serialize for Awards<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (id, amount) in &self.0 {
            map.serialize_entry(id, &amount.to_string())?;
        }
        map.end()
    }
}

/// Turns an evaluation failure into a case error naming the measure and policy line.
pub fn eval_error(program: &Program, id: &str, e: &EvalError) -> CaseErrors {
    let (line, col) = line_col(&program.source, e.span.start);
    let field = e
        .measure
        .and_then(|m| program.policy.measures.get(m))
        .map(|m| m.id.clone())
        .unwrap_or_default();
    CaseErrors {
        id: Some(id.to_string()),
        errors: vec![FieldError {
            field,
            message: format!("{} (policy line {line}, column {col})", e.message),
        }],
    }
}

/// The JSON line for one case.
pub fn json_line(program: &Program, result: &CaseResult) -> String {
    let line = match result {
        CaseResult::Done { id, outcome } => Line {
            id: Some(id),
            total: Some(outcome.total.to_string()),
            awards: Awards(
                program
                    .policy
                    .measures
                    .iter()
                    .zip(&outcome.awards)
                    .filter(|(_, a)| **a > Decimal::ZERO)
                    .map(|(m, a)| (m.id.as_str(), *a))
                    .collect(),
            ),
            benefits: program
                .policy
                .benefits
                .iter()
                .zip(&outcome.benefits)
                .filter(|(_, granted)| **granted)
                .map(|(b, _)| b.id.as_str())
                .collect(),
            errors: &[],
        },
        CaseResult::Rejected(e) => Line {
            id: e.id.as_deref(),
            total: None,
            awards: Awards(Vec::new()),
            benefits: Vec::new(),
            errors: &e.errors,
        },
    };
    serde_json::to_string(&line).unwrap_or_else(|e| format!("{{\"errors\":[{{\"field\":\"\",\"message\":\"{e}\"}}]}}"))
}

/// A short human summary of one case.
pub fn text(program: &Program, result: &CaseResult) -> String {
    let mut out = String::new();
    match result {
        CaseResult::Done { id, outcome } => {
            out.push_str(&format!("{id}  total {}\n", number::money(outcome.total)));
            for (m, a) in program.policy.measures.iter().zip(&outcome.awards) {
                if *a > Decimal::ZERO {
                    out.push_str(&format!(
                        "  {:<16} {:>16}  {} {}\n",
                        m.id,
                        number::money(*a),
                        m.clause,
                        m.title
                    ));
                }
            }
            let benefits: Vec<&str> = program
                .policy
                .benefits
                .iter()
                .zip(&outcome.benefits)
                .filter(|(_, g)| **g)
                .map(|(b, _)| b.id.as_str())
                .collect();
            if !benefits.is_empty() {
                out.push_str(&format!("  services: {}\n", benefits.join(", ")));
            }
        }
        CaseResult::Rejected(e) => {
            out.push_str(&format!("{}  rejected\n", e.id.as_deref().unwrap_or("(no id)")));
            for fe in &e.errors {
                if fe.field.is_empty() {
                    out.push_str(&format!("  error: {}\n", fe.message));
                } else {
                    out.push_str(&format!("  error in `{}`: {}\n", fe.field, fe.message));
                }
            }
        }
    }
    out
}
