//! One case's result in the case-file format (SCHEMA): JSON with `id`,
//! `total`, `awards` (ids above 0, in policy order), `benefits`, `errors`;
//! the same as a CSV row, or as text. Written by hand into a reused buffer:
//! this is on the hot path of batch runs.

use crate::case::CaseErrors;
use crate::check::model::{Policy, RationRule};
use crate::eval::Outcome;
use crate::number::money;
use crate::pool::{Settled, Share};
use crate::report::doc::{text_of, Block, Doc, Inlines};
use crate::report::place::Table;
use std::fmt::Write;

pub use crate::json::{push_decimal, push_string as push_json_string};

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

pub use crate::eval::case_errors as eval_error;

/// Writes result lines for one policy: award and benefit ids escaped once.
#[derive(Debug, Clone)]
pub struct Lines {
    awards: Vec<String>,
    /// each award's `,"id":"`, written before its amount (without the comma when first)
    award_keys: Vec<String>,
    benefits: Vec<String>,
    /// the tail of a line whose case is granted every benefit, the common one, written whole
    all_benefits: String,
    pools: Vec<String>,
    award_ids: Vec<String>,
    benefit_ids: Vec<String>,
    outputs: Vec<Output>,
    /// the table the cases came from, to name a rejected row's sheet, row and columns
    table: Option<std::sync::Arc<Table>>,
}

/// A declared output, ready to be written: its value slot, its name quoted, how it is shown.
#[derive(Debug, Clone)]
struct Output {
    value: usize,
    name: String,
    quoted: String,
    /// the quoted names of a choice's values
    choices: Vec<String>,
}

impl Lines {
    pub fn new(policy: &Policy) -> Self {
        let quoted = |s: &str| {
            let mut out = String::new();
            push_json_string(&mut out, s);
            out
        };
        let benefits: Vec<String> = policy.benefits.iter().map(|b| quoted(&b.id)).collect();
        Lines {
            awards: policy.measures.iter().map(|m| quoted(&m.id)).collect(),
            award_keys: policy
                .measures
                .iter()
                .map(|m| format!(",{}:\"", quoted(&m.id)))
                .collect(),
            all_benefits: format!(",\"benefits\":[{}],\"errors\":[]}}\n", benefits.join(",")),
            benefits,
            pools: policy.pools.iter().map(|p| quoted(&p.id)).collect(),
            award_ids: policy.measures.iter().map(|m| m.id.clone()).collect(),
            benefit_ids: policy.benefits.iter().map(|b| b.id.clone()).collect(),
            outputs: policy
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.output)
                .map(|(i, v)| Output {
                    value: i,
                    name: v.name.clone(),
                    quoted: quoted(&v.name),
                    choices: match v.expr.ty.required() {
                        crate::check::model::Ty::Enum(en) => {
                            policy.enums[*en].values.iter().map(|(n, _)| quoted(n)).collect()
                        }
                        _ => Vec::new(),
                    },
                })
                .collect(),
            table: None,
        }
    }

    /// Rejected rows name the sheet, row and columns of `table`, the cases'
    /// source; their line numbers are then the table's rows.
    pub fn from_table(mut self, table: Option<std::sync::Arc<Table>>) -> Self {
        self.table = table;
        self
    }

    /// The words before a rejected case: its line in a case file, or its row in a table.
    fn place_words(&self, line: usize) -> String {
        match &self.table {
            Some(t) => t.row_words(line),
            None => t!("line %{line}: ", line = line).into_owned(),
        }
    }

    /// `,"outputs":{…}` when the policy declares outputs.
    fn json_outputs(&self, o: &Outcome, out: &mut String) {
        if self.outputs.is_empty() {
            return;
        }
        out.push_str(",\"outputs\":{");
        for (i, x) in self.outputs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&x.quoted);
            out.push(':');
            push_output(out, o.values.get(x.value), &x.choices);
        }
        out.push('}');
    }

    /// An output's value as a CSV cell or in text: as in JSON, without quotes.
    fn output_text(x: &Output, o: &Outcome) -> String {
        let mut s = String::new();
        push_output(&mut s, o.values.get(x.value), &x.choices);
        s.trim_matches('"').to_string()
    }

    /// Appends the JSON line (with its newline) of an evaluated case.
    pub fn json(&self, id: &str, o: &Outcome, out: &mut String) {
        self.json_head(id, o, out);
        self.json_tail(o, out);
    }

    /// `{"id":…,"total":…,"awards":{…}`: the part before the benefits.
    fn json_head(&self, id: &str, o: &Outcome, out: &mut String) {
        out.push_str("{\"id\":");
        push_json_string(out, id);
        out.push_str(",\"total\":\"");
        push_decimal(out, o.total);
        out.push_str("\",\"awards\":{");
        let mut first = true;
        for (key, a) in self.award_keys.iter().zip(&o.awards) {
            if !a.is_zero() {
                out.push_str(key.get(usize::from(first)..).unwrap_or_default());
                first = false;
                push_decimal(out, *a);
                out.push('"');
            }
        }
        out.push('}');
        self.json_outputs(o, out);
    }

    /// `,"benefits":[…],"errors":[]}` and the newline.
    fn json_tail(&self, o: &Outcome, out: &mut String) {
        if o.benefits.iter().all(|granted| *granted) {
            out.push_str(&self.all_benefits);
            return;
        }
        out.push_str(",\"benefits\":[");
        let mut first = true;
        for (name, granted) in self.benefits.iter().zip(&o.benefits) {
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

    /// Appends the JSON line of a case whose awards a pool divided: as `json`,
    /// with `entitled` (what each pooled award's own rule gave) and `pools` (per
    /// pool: its period, and the factor applied or the case's rank).
    pub fn json_pooled(&self, id: &str, o: &Outcome, shares: &[Share], settled: Option<&Settled>, out: &mut String) {
        self.json_head(id, o, out);
        out.push_str(",\"entitled\":{");
        for (i, s) in shares.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&self.awards[s.measure]);
            out.push_str(":\"");
            push_decimal(out, s.entitled);
            out.push('"');
        }
        out.push_str("},\"pools\":{");
        // A case's shares come pool by pool: one entry per pool and period.
        let mut last = None;
        for s in shares {
            if last == Some((s.pool, s.period)) {
                continue;
            }
            let Some(a) = settled.and_then(|st| st.allocations.get(&(s.pool, s.period))) else {
                continue;
            };
            if last.is_some() {
                out.push(',');
            }
            last = Some((s.pool, s.period));
            out.push_str(&self.pools[s.pool]);
            out.push(':');
            out.push_str(&a.json);
            if let Some(rank) = s.rank {
                let _ = write!(out, ",\"rank\":{rank}");
            }
            out.push('}');
        }
        out.push('}');
        self.json_tail(o, out);
    }

    /// Appends the line (with its newline) of a case that was rejected; `line`
    /// is the case's line in a case file, so that an operator can find it.
    pub fn rejected(&self, e: &CaseErrors, line: Option<usize>, format: LineFormat, out: &mut String) {
        match format {
            LineFormat::Json => json_rejected(e, line, self.table.as_deref(), out),
            LineFormat::Csv => {
                let table = self.table.as_deref();
                let errors: Vec<String> = e
                    .errors
                    .iter()
                    .map(|fe| {
                        let field = table.and_then(|t| t.field_words(&fe.field));
                        format!("{}: {}", field.as_deref().unwrap_or(&fe.field), fe.message.text())
                    })
                    .collect();
                let errors = match line {
                    Some(n) => format!("{}{}", self.place_words(n), errors.join("; ")),
                    None => errors.join("; "),
                };
                push_csv(out, e.id.as_deref().unwrap_or(""));
                out.push_str(",0.00");
                for _ in self.awards.iter().chain(self.outputs.iter().map(|x| &x.name)) {
                    out.push(',');
                }
                out.push(',');
                out.push(',');
                push_csv(out, &errors);
                out.push('\n');
            }
            LineFormat::Text => {
                if let Some(n) = line {
                    out.push_str(&self.place_words(n));
                }
                out.push_str(&rejected_text(e, self.table.as_deref()));
            }
        }
    }

    /// The JSON line for one case, without its newline.
    pub fn json_line(&self, result: &CaseResult) -> String {
        let mut out = String::new();
        match result {
            CaseResult::Done { id, outcome } => self.json(id, outcome, &mut out),
            CaseResult::Rejected(e) => json_rejected(e, None, None, &mut out),
        }
        out.pop();
        out
    }

    /// The CSV header: id, total, one column per award, benefits, errors.
    pub fn csv_header(&self) -> String {
        let mut out = String::from("id,total");
        for id in self.award_ids.iter().chain(self.outputs.iter().map(|x| &x.name)) {
            out.push(',');
            push_csv(&mut out, id);
        }
        out.push_str(",benefits,errors\n");
        out
    }

    /// Appends the CSV row (with its newline) of an evaluated case.
    pub fn csv(&self, id: &str, o: &Outcome, out: &mut String) {
        push_csv(out, id);
        let _ = write!(out, ",{}", o.total);
        for a in &o.awards {
            let _ = write!(out, ",{a}");
        }
        for x in &self.outputs {
            out.push(',');
            push_csv(out, &Self::output_text(x, o));
        }
        out.push(',');
        let benefits = self.granted_benefits(o);
        push_csv(out, &benefits.join(" "));
        out.push_str(",\n");
    }

    /// The ids of the benefits a case was granted.
    fn granted_benefits(&self, o: &Outcome) -> Vec<&str> {
        self.benefit_ids
            .iter()
            .zip(&o.benefits)
            .filter(|(_, g)| **g)
            .map(|(b, _)| b.as_str())
            .collect()
    }
}

/// An output's value in JSON: yes/no, a whole number, an exact decimal in a
/// string (as amounts are), a choice's name, a date; `null` when not given.
fn push_output(out: &mut String, v: Option<&crate::value::Value>, choices: &[String]) {
    use crate::value::Value;
    match v {
        Some(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        Some(Value::Int(n)) => {
            let _ = write!(out, "{n}");
        }
        Some(Value::Dec(d)) => {
            out.push('"');
            push_decimal(out, *d);
            out.push('"');
        }
        Some(Value::Enum(i)) => match choices.get(*i as usize) {
            Some(name) => out.push_str(name),
            None => out.push_str("null"),
        },
        Some(Value::Date(d)) => {
            let _ = write!(out, "\"{d}\"");
        }
        Some(Value::Text(t)) => push_json_string(out, t),
        // the checker allows no output of a case's own text, list or record
        Some(Value::Absent | Value::CaseText(_) | Value::List(_) | Value::Record(_)) | None => out.push_str("null"),
    }
}

fn json_rejected(e: &CaseErrors, line: Option<usize>, table: Option<&Table>, out: &mut String) {
    out.push_str("{\"id\":");
    match &e.id {
        Some(id) => push_json_string(out, id),
        None => out.push_str("null"),
    }
    if let Some(sheet) = table.and_then(|t| t.sheet.as_deref()) {
        out.push_str(",\"sheet\":");
        push_json_string(out, sheet);
    }
    if let Some(n) = line {
        let _ = write!(out, ",\"line\":{n}");
    }
    out.push_str(",\"total\":\"0.00\",\"awards\":{},\"benefits\":[],\"errors\":[");
    for (i, fe) in e.errors.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"field\":");
        push_json_string(out, &fe.field);
        if let Some(c) = table.and_then(|t| t.column(&fe.field)) {
            out.push_str(",\"column\":");
            push_json_string(out, &c.letter);
            out.push_str(",\"heading\":");
            push_json_string(out, &c.heading);
        }
        out.push_str(",\"code\":");
        push_json_string(out, fe.code);
        out.push_str(",\"message\":");
        push_json_string(out, &fe.message.text());
        out.push('}');
    }
    out.push_str("]}\n");
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
pub fn push_csv(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// A short human summary of an evaluated case.
pub fn text_outcome(policy: &Policy, id: &str, outcome: &Outcome) -> String {
    let title = format!("{id}  {}", t!("total %{amount}", amount = money(outcome.total)));
    let mut lines: Vec<(usize, Inlines)> = Vec::new();
    for (m, a) in policy.measures.iter().zip(&outcome.awards) {
        if !a.is_zero() {
            let line = format!("{:<16} {:>16}  {} {}", m.id, money(*a), m.clause, m.title);
            lines.push((1, text_of(line)));
        }
    }
    let benefits: Vec<&str> = policy
        .benefits
        .iter()
        .zip(&outcome.benefits)
        .filter(|(_, g)| **g)
        .map(|(b, _)| b.id.as_str())
        .collect();
    if !benefits.is_empty() {
        lines.push((1, text_of(t!("services: %{services}", services = benefits.join(", ")))));
    }
    for (v, value) in policy.values.iter().zip(&outcome.values).filter(|(v, _)| v.output) {
        let shown = policy.show_value("", value, &v.expr.ty);
        let line = format!("{:<16} {:>16}  {}", v.name, shown, v.label.as_deref().unwrap_or(""));
        lines.push((1, text_of(line.trim_end().to_string())));
    }
    outline(title, lines)
}

/// A case's result as a document for people: its heading line and the lines under it.
fn outline(title: String, lines: Vec<(usize, Inlines)>) -> String {
    let doc = Doc {
        title,
        subtitle: Vec::new(),
        blocks: vec![Block::Lines(lines)],
    };
    crate::report::doc::text(&doc, crate::report::doc::Style { color: false })
}

/// What the pools granted a case, for the text summary: only the awards a pool cut.
pub fn text_shares(policy: &Policy, shares: &[Share], settled: Option<&Settled>) -> String {
    let mut lines: Vec<(usize, Inlines)> = Vec::new();
    for s in shares.iter().filter(|s| s.entitled != s.granted) {
        let pool = &policy.pools[s.pool];
        let how = match (s.rank, settled.and_then(|st| st.allocations.get(&(s.pool, s.period)))) {
            (Some(rank), _) => match &pool.ration {
                RationRule::InOrder { key, words, .. } => t!(
                    "granted %{amount} as number %{rank} in order of %{key}, %{words}",
                    amount = money(s.granted),
                    rank = rank,
                    key = key.name(policy),
                    words = words
                )
                .into_owned(),
                _ => t!("rank %{rank}", rank = rank).into_owned(),
            },
            (None, Some(a)) => t!(
                "granted %{amount} pro rata (× %{factor})",
                amount = money(s.granted),
                factor = a.factor()
            )
            .into_owned(),
            (None, None) => String::new(),
        };
        lines.push((
            2,
            text_of(t!(
                "pool %{pool} %{clause} %{period}: entitled to %{entitled}, %{how}",
                pool = pool.id,
                clause = pool.clause,
                period = crate::pool::period_name(pool, s.period),
                entitled = money(s.entitled),
                how = how
            )),
        ));
    }
    if lines.is_empty() {
        return String::new();
    }
    outline(String::new(), lines)
}

fn rejected_text(e: &CaseErrors, table: Option<&Table>) -> String {
    let no_id = t!("(no id)");
    let title = format!("{}  {}", e.id.as_deref().unwrap_or(&no_id), t!("rejected"));
    let lines = e
        .errors
        .iter()
        .map(|fe| {
            let column = table.and_then(|t| t.field_words(&fe.field));
            let line = if fe.field.is_empty() {
                t!("error: %{message}", message = fe.message.text())
            } else if let Some(column) = column {
                t!(
                    "error in %{column}: %{message}",
                    column = column,
                    message = fe.message.text()
                )
            } else {
                t!(
                    "error in `%{field}`: %{message}",
                    field = fe.field,
                    message = fe.message.text()
                )
            };
            (1, text_of(line))
        })
        .collect();
    outline(title, lines)
}

/// A short human summary of one case.
pub fn text(policy: &Policy, result: &CaseResult) -> String {
    match result {
        CaseResult::Done { id, outcome } => text_outcome(policy, id, outcome),
        CaseResult::Rejected(e) => rejected_text(e, None),
    }
}
