//! One case's result in the case-file format (SCHEMA): JSON with `id`,
//! `total`, `awards` (ids above 0, in policy order), `benefits`, `errors`;
//! the same as a CSV row, or as text. Written by hand into a reused buffer:
//! this is on the hot path of batch runs.

use crate::compile::tree::Program;
use crate::eval::decode::{CaseErrors, FieldError};
use crate::eval::{EvalError, Outcome};
use crate::report::diagnostics::line_col;
use crate::report::number;
use rust_decimal::Decimal;
use std::fmt::Write;

/// What became of one input case.
pub enum CaseResult {
    Done { id: String, outcome: Outcome },
    Rejected(CaseErrors),
}

/// How one result line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFormat {
    Json,
    Csv,
    Text,
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

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Appends a decimal as `Display` writes it (`5000000.00`, `-0.5`), without
/// going through the formatting machinery: this runs for every amount of every case.
pub fn push_decimal(out: &mut String, d: Decimal) {
    let mut digits = [0u8; 40];
    let mut len = 0;
    let m = d.mantissa().unsigned_abs();
    // 64-bit division is many times cheaper than 128-bit, and money fits.
    if let Ok(mut n) = u64::try_from(m) {
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
            if n == 0 {
                break;
            }
        }
    } else {
        let mut n = m;
        loop {
            digits[len] = b'0' + (n % 10) as u8;
            n /= 10;
            len += 1;
            if n == 0 {
                break;
            }
        }
    }
    let scale = d.scale() as usize;
    while len <= scale {
        digits[len] = b'0';
        len += 1;
    }
    if d.is_sign_negative() && !d.is_zero() {
        out.push('-');
    }
    for k in (0..len).rev() {
        if k + 1 == scale {
            out.push('.');
        }
        out.push(digits[k] as char);
    }
}

/// Award and benefit ids as JSON strings, escaped once per program.
#[derive(Debug, Clone, Default)]
pub struct JsonNames {
    pub awards: Vec<String>,
    pub benefits: Vec<String>,
}

impl JsonNames {
    pub fn new(policy: &crate::check::model::Policy) -> Self {
        let quoted = |s: &str| {
            let mut out = String::new();
            push_json_string(&mut out, s);
            out
        };
        JsonNames {
            awards: policy.measures.iter().map(|m| quoted(&m.id)).collect(),
            benefits: policy.benefits.iter().map(|b| quoted(&b.id)).collect(),
        }
    }
}

/// Appends the JSON line (with its newline) of an evaluated case.
pub fn write_json(program: &Program, id: &str, o: &Outcome, out: &mut String) {
    out.push_str("{\"id\":");
    push_json_string(out, id);
    out.push_str(",\"total\":\"");
    push_decimal(out, o.total);
    out.push_str("\",\"awards\":{");
    let mut first = true;
    for (name, a) in program.json_names.awards.iter().zip(&o.awards) {
        if crate::eval::money::positive(*a) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(name);
            out.push_str(":\"");
            push_decimal(out, *a);
            out.push('"');
        }
    }
    out.push_str("},\"benefits\":[");
    let mut first = true;
    for (name, granted) in program.json_names.benefits.iter().zip(&o.benefits) {
        if *granted {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(name);
        }
    }
    out.push_str("],\"errors\":[]}\n");
}

fn write_json_rejected(e: &CaseErrors, line: Option<usize>, out: &mut String) {
    out.push_str("{\"id\":");
    match &e.id {
        Some(id) => push_json_string(out, id),
        None => out.push_str("null"),
    }
    if let Some(n) = line {
        let _ = write!(out, ",\"line\":{n}");
    }
    out.push_str(",\"total\":null,\"awards\":{},\"benefits\":[],\"errors\":[");
    for (i, fe) in e.errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"field\":");
        push_json_string(out, &fe.field);
        out.push_str(",\"message\":");
        push_json_string(out, &fe.message);
        out.push('}');
    }
    out.push_str("]}\n");
}

/// Appends the line (with its newline) of a case that was rejected; `line`
/// is the case's line in a case file, so that an operator can find it.
pub fn write_rejected(program: &Program, e: &CaseErrors, line: Option<usize>, format: LineFormat, out: &mut String) {
    match format {
        LineFormat::Json => write_json_rejected(e, line, out),
        LineFormat::Csv => {
            let errors: Vec<String> = e
                .errors
                .iter()
                .map(|fe| format!("{}: {}", fe.field, fe.message))
                .collect();
            let errors = match line {
                Some(n) => format!("line {n}: {}", errors.join("; ")),
                None => errors.join("; "),
            };
            push_csv(out, e.id.as_deref().unwrap_or(""));
            out.push(',');
            for _ in &program.policy.measures {
                out.push(',');
            }
            out.push(',');
            push_csv(out, &errors);
            out.push('\n');
        }
        LineFormat::Text => {
            if let Some(n) = line {
                let _ = write!(out, "line {n}: ");
            }
            out.push_str(&text(program, &CaseResult::Rejected(e.clone())));
        }
    }
}

/// The JSON line for one case, without its newline.
pub fn json_line(program: &Program, result: &CaseResult) -> String {
    let mut out = String::new();
    match result {
        CaseResult::Done { id, outcome } => write_json(program, id, outcome, &mut out),
        CaseResult::Rejected(e) => write_json_rejected(e, None, &mut out),
    }
    out.pop();
    out
}

/// The CSV header: id, total, one column per award, benefits, errors.
pub fn csv_header(program: &Program) -> String {
    let mut out = String::from("id,total");
    for m in &program.policy.measures {
        out.push(',');
        push_csv(&mut out, &m.id);
    }
    out.push_str(",benefits,errors\n");
    out
}

fn push_csv(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends the CSV row (with its newline) of an evaluated case.
pub fn write_csv(program: &Program, id: &str, o: &Outcome, out: &mut String) {
    push_csv(out, id);
    let _ = write!(out, ",{}", o.total);
    for a in &o.awards {
        let _ = write!(out, ",{a}");
    }
    out.push(',');
    let benefits = granted_benefits(program, o);
    push_csv(out, &benefits.join(" "));
    out.push_str(",\n");
}

/// The ids of the benefits a case was granted.
fn granted_benefits<'a>(program: &'a Program, o: &Outcome) -> Vec<&'a str> {
    program
        .policy
        .benefits
        .iter()
        .zip(&o.benefits)
        .filter(|(_, g)| **g)
        .map(|(b, _)| b.id.as_str())
        .collect()
}

/// A short human summary of an evaluated case.
pub fn text_outcome(program: &Program, id: &str, outcome: &Outcome) -> String {
    let mut out = format!("{id}  total {}\n", number::money(outcome.total));
    for (m, a) in program.policy.measures.iter().zip(&outcome.awards) {
        if crate::eval::money::positive(*a) {
            out.push_str(&format!(
                "  {:<16} {:>16}  {} {}\n",
                m.id,
                number::money(*a),
                m.clause,
                m.title
            ));
        }
    }
    let benefits = granted_benefits(program, outcome);
    if !benefits.is_empty() {
        out.push_str(&format!("  services: {}\n", benefits.join(", ")));
    }
    out
}

/// A short human summary of one case.
pub fn text(program: &Program, result: &CaseResult) -> String {
    match result {
        CaseResult::Done { id, outcome } => text_outcome(program, id, outcome),
        CaseResult::Rejected(e) => {
            let mut out = format!("{}  rejected\n", e.id.as_deref().unwrap_or("(no id)"));
            for fe in &e.errors {
                if fe.field.is_empty() {
                    out.push_str(&format!("  error: {}\n", fe.message));
                } else {
                    out.push_str(&format!("  error in `{}`: {}\n", fe.field, fe.message));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_written_as_display_writes_them() {
        for text in [
            "0",
            "0.00",
            "5000000",
            "5000000.00",
            "123.46",
            "0.05",
            "-0.5",
            "-1234.5600",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let d = Decimal::from_str(text).unwrap_or_default();
            let mut out = String::new();
            push_decimal(&mut out, d);
            assert_eq!(out, d.to_string(), "{text}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "plain",
            "通州 \"引号\"",
            "a\\b",
            "line\nbreak\ttab\r",
            "\u{1}\u{1f}\u{8}\u{c}",
            "",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap_or_default(), "{s:?}");
        }
    }
}
