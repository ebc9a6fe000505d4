//! Case JSON → slots, read straight from the text's bytes: no JSON value tree
//! is built. The policy's declared inputs are the schema: a field it does not
//! declare, a value of the wrong type or outside its declared range, a field
//! given twice, a date outside the period in force, is an error naming the
//! field. All errors of a case are reported together.

use super::json::{Cursor, JsonError};
use super::registered::{Registered, APPLICANT};
use super::{code, Case, CaseErrors, FieldError};
use crate::check::model::{FieldDef, Policy, Range, Ty};
use crate::date::Date;
use crate::diagnostic::closest;
use crate::syntax::literal;
use crate::value::{Span32, Value};
use defaults::{fill, required, when_missing};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// Reads cases for one policy. Its name tables are built once, when it is made.
pub struct Reader<'p> {
    pub(super) policy: &'p Policy,
    /// the top-level names of a case: `id`, `year`, `date`, `prior_awards` (as
    /// `BUILTIN + k`… below `inputs_from`), then the policy's inputs
    top: Names<usize>,
    records: Vec<Names<usize>>,
    enums: Vec<Names<u32>>,
    pub(super) awards: Names<usize>,
    /// the fields of a ledger entry (`LEDGER_FIELDS`)
    pub(super) ledger_keys: Names<usize>,
    /// the inputs that have a default, with it: what the end of a case fills in
    pub(super) fill: Vec<(usize, Value)>,
    /// the inputs that have none: a case that leaves one out is refused
    pub(super) required: Vec<usize>,
    /// `fill` and `required` for each record's fields
    pub(super) record_fill: Vec<Vec<(usize, Value)>>,
    pub(super) record_required: Vec<Vec<usize>>,
    /// a field outside the policy's inputs that this reader takes out of each case
    extra: Option<String>,
    /// a round against a grant registry: each case's ledger is the registry's
    pub(super) registered: Option<Arc<Registered>>,
}

impl<'p> Reader<'p> {
    pub fn new(p: &'p Policy) -> Self {
        let index = |names: Vec<&str>| names.into_iter().enumerate().map(|(i, n)| (Box::from(n), i)).collect();
        Reader {
            policy: p,
            top: BUILTIN
                .iter()
                .copied()
                .chain(p.inputs.iter().map(|i| i.name.as_str()))
                .enumerate()
                .map(|(i, n)| (Box::from(n), i))
                .collect(),
            records: p
                .records
                .iter()
                .map(|r| index(r.fields.iter().map(|f| f.name.as_str()).collect()))
                .collect(),
            enums: p
                .enums
                .iter()
                .map(|e| {
                    e.values
                        .iter()
                        .enumerate()
                        .map(|(i, (n, _))| (Box::from(n.as_str()), i as u32))
                        .collect()
                })
                .collect(),
            awards: index(p.measures.iter().map(|m| m.id.as_str()).collect()),
            ledger_keys: index(LEDGER_FIELDS.to_vec()),
            fill: fill(&p.inputs),
            required: required(&p.inputs),
            record_fill: p.records.iter().map(|r| fill(&r.fields)).collect(),
            record_required: p.records.iter().map(|r| required(&r.fields)).collect(),
            extra: None,
            registered: None,
        }
    }

    /// Also takes the field `name` out of each case, into `Case::extra` (a
    /// review's survey weight). Every case must give it, as a number of at least 0.
    pub fn with_extra(mut self, name: &str) -> Self {
        self.extra = Some(name.to_string());
        self
    }

    /// Reads each case against a grant registry: the case names its `applicant`
    /// and gets the ledger the registry holds for it; a `prior_awards` of its own is refused.
    pub fn with_registry(mut self, registered: Arc<Registered>) -> Self {
        self.registered = Some(registered);
        self
    }

    /// Decodes one line of a case file (`line_no` counts from 1).
    pub fn line(&self, line: &str, line_no: usize) -> Result<Case, CaseErrors> {
        let mut case = Case::default();
        self.line_into(line, line_no, &mut Scratch::default(), &mut case)
            .map(|()| case)
    }

    /// As `line`, into `case`, with buffers kept from case to case (a batch
    /// worker's): in the steady state nothing is allocated for a case that
    /// reuses what the one before it held.
    pub fn line_into(
        &self,
        line: &str,
        line_no: usize,
        scratch: &mut Scratch,
        case: &mut Case,
    ) -> Result<(), CaseErrors> {
        self.decode(line, scratch, case, |e| {
            t!(
                "line %{line_no}: not valid JSON: %{message} at column %{column}",
                line_no = line_no,
                message = e.message,
                column = e.column
            )
            .into_owned()
        })
    }

    /// Decodes one case given on its own (a `--case` file, a drafter's test), over any number of lines.
    pub fn text(&self, text: &str) -> Result<Case, CaseErrors> {
        let mut case = Case::default();
        self.decode(text, &mut Scratch::default(), &mut case, |e| {
            t!(
                "not valid JSON: %{message} at line %{line}, column %{column}",
                message = e.message,
                line = e.line,
                column = e.column
            )
            .into_owned()
        })
        .map(|()| case)
    }

    fn decode(
        &self,
        text: &str,
        scratch: &mut Scratch,
        case: &mut Case,
        json_message: impl Fn(&JsonError) -> String,
    ) -> Result<(), CaseErrors> {
        scratch.values.clear();
        scratch.given.clear();
        // The case's buffers lend their room to the decoder, and get it back filled.
        let mut d = Decoder {
            r: self,
            errors: Vec::new(),
            id_given: false,
            scratch,
            items: std::mem::take(&mut case.items),
            text: std::mem::take(&mut case.text),
        };
        d.items.clear();
        d.text.clear();
        let mut c = Cursor::new(text);
        let read = d.case(&mut c, case);
        case.items = std::mem::take(&mut d.items);
        case.text = std::mem::take(&mut d.text);
        let id = |case: &Case| d.id_given.then(|| case.id.clone());
        match read {
            Ok(true) if d.errors.is_empty() => Ok(()),
            Ok(_) => Err(CaseErrors {
                id: id(case),
                errors: d.errors,
            }),
            Err(e) => Err(CaseErrors {
                id: id(case),
                errors: vec![FieldError::new("", code::JSON, json_message(&e))],
            }),
        }
    }
}

fn err(field: impl ToString, code: &'static str, message: impl Into<crate::lang::Words>) -> FieldError {
    FieldError::new(field, code, message)
}

/// A list in a case with more items than this is an error (each is still read, to find the line's end).
pub const MAX_LIST_ITEMS: usize = 10_000;

pub(super) const LEDGER_FIELDS: [&str; 4] = ["award", "year", "amount", "item"];

/// Where a value sits in a case: `standards[2].rank`. Built on the stack and
/// written out only when an error names it.
#[derive(Clone, Copy)]
pub(super) enum Path<'p> {
    Top(&'p str),
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Top(name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// `whose` says what declares the fields: "the inputs the policy declares", "the fields of `Project`".
pub(super) fn unknown_field<'a>(
    path: impl ToString,
    key: &str,
    whose: &str,
    names: impl Iterator<Item = &'a str>,
) -> FieldError {
    let message = match closest(key, names) {
        Some(c) => t!(
            "unknown field `%{key}`: not among %{whose}; did you mean `%{c}`?",
            key = key,
            whose = whose,
            c = c
        )
        .into_owned(),
        None => t!("unknown field `%{key}`: not among %{whose}", key = key, whose = whose).into_owned(),
    };
    err(path, code::UNKNOWN_FIELD, message)
}

/// A value's text as written, shortened for messages.
pub(super) fn show(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

/// The fields every case has, whatever the policy.
const ID: usize = 0;
const YEAR: usize = 1;
const DATE: usize = 2;
const LEDGER: usize = 3;
const BUILTIN: [&str; 4] = ["id", "year", "date", "prior_awards"];

pub(super) struct Decoder<'r, 'p> {
    pub(super) r: &'r Reader<'p>,
    pub(super) errors: Vec<FieldError>,
    /// the case's id was read, so that a rejected case can still be named
    id_given: bool,
    scratch: &'r mut Scratch,
    /// the case's `items` and `text`, being filled
    items: Vec<Value>,
    pub(super) text: String,
}

/// Buffers a reader reuses from case to case (one per batch worker): the
/// values of the lists and records being read, and which fields were given,
/// as stacks. Decoding then allocates only what the case keeps.
#[derive(Debug, Default)]
pub struct Scratch {
    values: Vec<Value>,
    given: Vec<bool>,
}

impl Decoder<'_, '_> {
    pub(super) fn push(&mut self, field: impl ToString, code: &'static str, message: impl Into<crate::lang::Words>) {
        self.errors.push(err(field, code, message));
    }

    /// The whole case. `Ok(None)` when it is JSON but not an object.
    /// The whole case, into `out`; `Ok(false)` when it is JSON but not an object.
    fn case(&mut self, c: &mut Cursor, out: &mut Case) -> Result<bool, JsonError> {
        if c.peek() != Some(b'{') {
            let start = c.pos();
            c.skip(0)?;
            if !c.at_end() {
                return c.error(t!("text after the value"));
            }
            let what = match c.slice(start, c.pos()).trim().as_bytes().first() {
                Some(b'[') => words!("a list"),
                Some(b'"') => words!("a string"),
                Some(b't' | b'f') => words!("true or false"),
                Some(b'n') => "null".into(),
                _ => words!("a number"),
            };
            self.push(
                "",
                code::JSON,
                words!("a case is a JSON object, not %{what}", what = what),
            );
            return Ok(false);
        }
        let policy = self.r.policy;
        let n = policy.inputs.len();
        // The buffers of the case before are kept; only what this one gives is written.
        out.id.clear();
        // Slots the case gives are written as they are read; the others get their defaults at the end.
        out.slots.resize(n, Value::Absent);
        out.ledger.clear();
        out.applicant = None;
        let given = self.scratch.given.len();
        self.scratch.given.resize(given + n, false);
        let mut year: Option<i32> = None;
        let mut date: Option<Date> = None;
        let mut extra: Option<Decimal> = None;
        let mut seen_builtin = [false; 4];
        let mut seen_extra = false;
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let (top, key) = match c.known(|t, at| self.r.top.at(t, at).map(|(k, n)| (*k, n))) {
                    Some((k, name)) => (Some(k), Cow::Borrowed(name)),
                    None => {
                        let key = c.string()?;
                        (self.r.top.get(key.as_ref()).copied(), key)
                    }
                };
                c.expect(b':')?;
                if self.r.registered.is_some() && key.as_ref() == APPLICANT {
                    self.applicant(c, out)?;
                } else if let (Some(LEDGER), true) = (top, self.r.registered.is_some()) {
                    self.own_ledger(c)?;
                } else if let Some(k) = top.filter(|k| *k < BUILTIN.len()) {
                    if seen_builtin[k] {
                        self.push(key.as_ref(), code::DUPLICATE, words!("given twice in one case"));
                        c.skip(0)?;
                    } else {
                        seen_builtin[k] = true;
                        match k {
                            ID => self.id_given = self.id(c, &mut out.id)?,
                            YEAR => year = self.year(c, Path::Top("year"))?,
                            DATE => date = self.date(c, Path::Top("date"))?,
                            LEDGER => self.ledger(c, &mut out.ledger)?,
                            _ => c.skip(0)?,
                        }
                    }
                } else if let Some(slot) = top.map(|k| k - BUILTIN.len()) {
                    if self.scratch.given[given + slot] {
                        self.push(key.as_ref(), code::DUPLICATE, words!("given twice in one case"));
                        c.skip(0)?;
                    } else {
                        self.scratch.given[given + slot] = true;
                        let def = &policy.inputs[slot];
                        out.slots[slot] = self.field(c, def, Path::Top(&key))?;
                    }
                } else if self.r.extra.as_deref() == Some(key.as_ref()) {
                    if std::mem::replace(&mut seen_extra, true) {
                        self.push(key.as_ref(), code::DUPLICATE, words!("given twice in one case"));
                        c.skip(0)?;
                    } else {
                        extra = self.weight(c, &key)?;
                    }
                } else {
                    let names = BUILTIN.into_iter().chain(policy.inputs.iter().map(|i| i.name.as_str()));
                    self.errors
                        .push(unknown_field(&key, &key, &t!("the inputs the policy declares"), names));
                    c.skip(1)?;
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        if !c.at_end() {
            return c.error(t!("text after the case"));
        }
        if !seen_builtin[ID] {
            self.push("id", code::MISSING, words!("missing: every case has an `id`"));
        }
        if year.is_none() && !self.errors.iter().any(|e| e.field == "year") {
            self.push(
                "year",
                code::MISSING,
                words!("missing: every case has the award `year`"),
            );
        }
        if date.is_none() && policy.date_required.is_some() && !self.errors.iter().any(|e| e.field == "date") {
            self.push(
                "date",
                code::MISSING,
                words!("required for this policy: the application date, written YYYY-MM-DD"),
            );
        }
        // Each input the case left out gets its default; one with none is missed.
        let given_now = self.scratch.given.get(given..).unwrap_or_default();
        for (slot, default) in &self.r.fill {
            if let (Some(false), Some(value)) = (given_now.get(*slot), out.slots.get_mut(*slot)) {
                *value = default.clone();
            }
        }
        for &slot in &self.r.required {
            if self.scratch.given.get(given + slot) == Some(&false) {
                self.push(
                    Path::Top(&policy.inputs[slot].name),
                    code::MISSING,
                    words!("missing: this field is required"),
                );
            }
        }
        self.scratch.given.truncate(given);
        // A date that could not be read is already reported; the period is judged on a good one.
        if let (Some(y), false) = (year, self.errors.iter().any(|e| e.field == "date")) {
            self.in_force(y, date);
        }
        if let (Some(name), false) = (&self.r.extra, seen_extra) {
            self.push(
                name,
                code::MISSING,
                words!("missing: the survey weight, a number of at least 0"),
            );
        }
        self.registered_ledger(out);
        out.year = year.unwrap_or(0);
        out.date = date;
        out.extra = extra;
        Ok(true)
    }

    /// The case's day must fall in the period the policy is in force.
    fn in_force(&mut self, year: i32, date: Option<Date>) {
        let (from, to) = self.r.policy.header.period();
        let day = date.unwrap_or(Date::new_year(year));
        let outside = from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t);
        if !outside {
            return;
        }
        let period = match (from, to) {
            (Some(f), Some(t)) => t!("the period in force %{f}..%{t}", f = f, t = t).into_owned(),
            (Some(f), None) => t!("the policy, in force from %{f}", f = f).into_owned(),
            (None, Some(t)) => t!("the policy, in force until %{t}", t = t).into_owned(),
            (None, None) => String::new(),
        };
        match date {
            Some(d) => self.push(
                "date",
                code::PERIOD,
                words!("%{d} is outside %{period}", d = d, period = period),
            ),
            None => self.push(
                "year",
                code::PERIOD,
                words!(
                    "no `date` given, and 1 January %{year} is outside %{period}; give the application `date`",
                    year = year,
                    period = period
                ),
            ),
        }
    }

    /// Moves what the scratch stack holds from `base` on into the case's items.
    fn keep_items(&mut self, base: usize) -> Span32 {
        let start = self.items.len();
        self.items.extend(self.scratch.values.drain(base..));
        Span32::new(start, self.items.len() - start).unwrap_or_default()
    }

    /// Keeps a text in the case's text buffer; where it is.
    pub(super) fn keep_text(&mut self, s: &str) -> Option<Span32> {
        let start = self.text.len();
        self.text.push_str(s);
        Span32::new(start, s.len())
    }

    /// The id, written into `out`; whether there was one.
    fn id(&mut self, c: &mut Cursor, out: &mut String) -> Result<bool, JsonError> {
        match c.peek() {
            Some(b'"') => out.push_str(&c.string()?),
            Some(b'-' | b'0'..=b'9') => out.push_str(c.number()?),
            _ => {
                let start = c.pos();
                c.skip(1)?;
                let text = show(c.slice(start, c.pos()));
                self.push("id", code::TYPE, words!("expected a string, got %{text}", text = text));
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) fn year(&mut self, c: &mut Cursor, path: Path) -> Result<Option<i32>, JsonError> {
        let start = c.pos();
        if c.null() {
            self.push(path, code::MISSING, words!("missing: the award `year`"));
            return Ok(None);
        }
        if let Some(y) = c.four_digits() {
            return Ok(Some(y));
        }
        let y = match c.peek() {
            Some(b'-' | b'0'..=b'9') => c.number()?.parse::<i32>().ok().filter(|y| (1..=9999).contains(y)),
            _ => {
                c.skip(1)?;
                None
            }
        };
        if y.is_none() {
            let text = show(c.slice(start, c.pos()));
            self.push(
                path,
                code::TYPE,
                words!("expected a year such as 2025, got %{text}", text = text),
            );
        }
        Ok(y)
    }

    /// A date written exactly `YYYY-MM-DD`, naming a real day.
    fn date(&mut self, c: &mut Cursor, path: Path) -> Result<Option<Date>, JsonError> {
        if c.null() {
            return Ok(None);
        }
        let start = c.pos();
        if c.peek() != Some(b'"') {
            c.skip(1)?;
            let text = show(c.slice(start, c.pos()));
            self.push(
                path,
                code::DATE,
                words!("expected a date written YYYY-MM-DD, got %{text}", text = text),
            );
            return Ok(None);
        }
        let s = c.string()?;
        Ok(match parse_date(&s) {
            Ok(d) => Some(d),
            Err(message) => {
                self.push(path, code::DATE, message);
                None
            }
        })
    }

    fn weight(&mut self, c: &mut Cursor, key: &str) -> Result<Option<Decimal>, JsonError> {
        let start = c.pos();
        let text = match c.peek() {
            Some(b'-' | b'0'..=b'9') => Some(c.number()?.to_string()),
            Some(b'"') => Some(c.string()?.trim().to_string()),
            _ => {
                c.skip(1)?;
                None
            }
        };
        match text.and_then(|t| decimal(&t).ok()) {
            Some(w) if w >= Decimal::ZERO => Ok(Some(w)),
            _ => {
                let got = show(c.slice(start, c.pos()));
                self.push(
                    key,
                    code::TYPE,
                    words!(
                        "expected the survey weight: a number of at least 0, got %{got}",
                        got = got
                    ),
                );
                Ok(None)
            }
        }
    }
}

mod defaults;
mod names;
mod numbers;
mod registry;
pub mod typed;

pub(super) use names::Names;
mod values;

pub(super) use numbers::{bare_prefix, quoted_prefix};
pub(super) use numbers::{decimal, looks_numeric};
use numbers::{in_range, in_range_int, parse_date, plain_decimal, separators};

#[cfg(test)]
mod tests;
