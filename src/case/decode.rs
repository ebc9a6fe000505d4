//! Case JSON → slots, read straight from the text's bytes: no JSON value tree
//! is built. The policy's declared inputs are the schema: a field it does not
//! declare, a value of the wrong type or outside its declared range, a field
//! given twice, a date outside the period in force, is an error naming the
//! field. All errors of a case are reported together.

use super::json::{Cursor, JsonError};
use super::{code, Case, CaseErrors, FieldError};
use crate::check::model::{FieldDef, Policy, Range, Ty};
use crate::compile::const_value;
use crate::date::Date;
use crate::diagnostic::closest;
use crate::syntax::literal;
use crate::value::{Span32, Value};
use rust_decimal::Decimal;
use rust_i18n::t;

/// The names a case may use at one level (inputs, a record's fields, an
/// enum's values), found by their length first: names are few and mostly of
/// different lengths, so a lookup is one or two byte comparisons, no hashing.
#[derive(Debug, Clone)]
pub(super) struct Names<V> {
    by_len: Vec<Vec<(Box<[u8]>, V)>>,
}

impl<V> Names<V> {
    pub(super) fn get(&self, name: &str) -> Option<&V> {
        let name = name.as_bytes();
        self.by_len
            .get(name.len())?
            .iter()
            .find(|(k, _)| **k == *name)
            .map(|(_, v)| v)
    }
}

impl<V> FromIterator<(Box<str>, V)> for Names<V> {
    fn from_iter<I: IntoIterator<Item = (Box<str>, V)>>(iter: I) -> Self {
        let mut by_len: Vec<Vec<(Box<[u8]>, V)>> = Vec::new();
        for (k, v) in iter {
            let len = k.len();
            if by_len.len() <= len {
                by_len.resize_with(len + 1, Vec::new);
            }
            by_len[len].push((k.into_boxed_bytes(), v));
        }
        Names { by_len }
    }
}

/// Reads cases for one policy. Its name tables are built once, when it is made.
pub struct Reader<'p> {
    pub(super) policy: &'p Policy,
    /// the top-level names of a case: `id`, `year`, `date`, `prior_awards` (as
    /// `BUILTIN + k`… below `inputs_from`), then the policy's inputs
    top: Names<usize>,
    records: Vec<Names<usize>>,
    enums: Vec<Names<u32>>,
    pub(super) awards: Names<usize>,
    /// what a case that leaves an input out gets
    /// per input, what a case that leaves it out gets; `None` when it must give it
    defaults: Vec<Option<Value>>,
    /// the same, `Absent` where there is none: a case's slots start as a copy
    default_slots: Vec<Value>,
    /// a field outside the policy's inputs that this reader takes out of each case
    extra: Option<String>,
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
            defaults: p.inputs.iter().map(when_missing).collect(),
            default_slots: p
                .inputs
                .iter()
                .map(|f| when_missing(f).unwrap_or(Value::Absent))
                .collect(),
            extra: None,
        }
    }

    /// Also takes the field `name` out of each case, into `Case::extra` (a
    /// review's survey weight). Every case must give it, as a number of at least 0.
    pub fn with_extra(mut self, name: &str) -> Self {
        self.extra = Some(name.to_string());
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

/// What a field left out means: its default, nothing for an optional one, an
/// empty list; `None` when the case must give it.
fn when_missing(def: &FieldDef) -> Option<Value> {
    match &def.ty {
        Ty::Optional(_) => Some(Value::Absent),
        Ty::List(_) => Some(Value::List(Span32::default())),
        _ => def.default_when_missing().map(|c| const_value(&c)),
    }
}

fn err(field: impl ToString, code: &'static str, message: impl Into<String>) -> FieldError {
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
    text: String,
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
    pub(super) fn push(&mut self, field: impl ToString, code: &'static str, message: impl Into<String>) {
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
                Some(b'[') => "a list",
                Some(b'"') => "a string",
                Some(b't' | b'f') => "a bool",
                Some(b'n') => "null",
                _ => "a number",
            };
            self.push("", code::JSON, t!("a case is a JSON object, not %{what}", what = what));
            return Ok(false);
        }
        let policy = self.r.policy;
        let n = policy.inputs.len();
        // The buffers of the case before are kept; only what this one gives is written.
        out.id.clear();
        out.slots.clone_from(&self.r.default_slots);
        out.ledger.clear();
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
                let key = c.string()?;
                c.expect(b':')?;
                let top = self.r.top.get(key.as_ref()).copied();
                if let Some(k) = top.filter(|k| *k < BUILTIN.len()) {
                    if seen_builtin[k] {
                        self.push(key.as_ref(), code::DUPLICATE, t!("given twice in one case"));
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
                        self.push(key.as_ref(), code::DUPLICATE, t!("given twice in one case"));
                        c.skip(0)?;
                    } else {
                        self.scratch.given[given + slot] = true;
                        let def = &policy.inputs[slot];
                        out.slots[slot] = self.field(c, def, Path::Top(&key), Some(slot))?;
                    }
                } else if self.r.extra.as_deref() == Some(key.as_ref()) {
                    if std::mem::replace(&mut seen_extra, true) {
                        self.push(key.as_ref(), code::DUPLICATE, t!("given twice in one case"));
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
            self.push("id", code::MISSING, t!("missing: every case has an `id`"));
        }
        if year.is_none() && !self.errors.iter().any(|e| e.field == "year") {
            self.push("year", code::MISSING, t!("missing: every case has the award `year`"));
        }
        if date.is_none() && policy.date_required.is_some() && !self.errors.iter().any(|e| e.field == "date") {
            self.push(
                "date",
                code::MISSING,
                t!("required for this policy: the application date, written YYYY-MM-DD"),
            );
        }
        // The slots hold every default already; only an input with none is missed.
        for (slot, def) in policy.inputs.iter().enumerate() {
            if !self.scratch.given[given + slot] && self.r.defaults[slot].is_none() {
                self.push(
                    Path::Top(&def.name),
                    code::MISSING,
                    t!("missing: this field is required"),
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
                t!("missing: the survey weight, a number of at least 0"),
            );
        }
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
                t!("%{d} is outside %{period}", d = d, period = period),
            ),
            None => self.push(
                "year",
                code::PERIOD,
                t!(
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
                self.push("id", code::TYPE, t!("expected a string, got %{text}", text = text));
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) fn year(&mut self, c: &mut Cursor, path: Path) -> Result<Option<i32>, JsonError> {
        let start = c.pos();
        if c.null() {
            self.push(path, code::MISSING, t!("missing: the award `year`"));
            return Ok(None);
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
                t!("expected a year such as 2025, got %{text}", text = text),
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
                t!("expected a date written YYYY-MM-DD, got %{text}", text = text),
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
                    t!(
                        "expected the survey weight: a number of at least 0, got %{got}",
                        got = got
                    ),
                );
                Ok(None)
            }
        }
    }

    /// The value of a field the case left out (or gave as `null`); `slot` for top-level inputs.
    fn missing(&mut self, def: &FieldDef, path: Path, slot: Option<usize>) -> Value {
        let default = match slot {
            Some(s) => self.r.defaults.get(s).cloned().flatten(),
            None => when_missing(def),
        };
        default.unwrap_or_else(|| {
            self.push(path, code::MISSING, t!("missing: this field is required"));
            Value::Absent
        })
    }

    /// A declared field; `null` means the same as leaving it out.
    fn field(&mut self, c: &mut Cursor, def: &FieldDef, path: Path, slot: Option<usize>) -> Result<Value, JsonError> {
        if c.null() {
            return Ok(self.missing(def, path, slot));
        }
        let ty = match &def.ty {
            Ty::Optional(inner) => inner.as_ref(),
            t => t,
        };
        self.value(c, ty, &def.range, path)
    }

    /// A value of type `ty`; on a mismatch the value is skipped and an error recorded.
    fn value(&mut self, c: &mut Cursor, ty: &Ty, range: &Range, path: Path) -> Result<Value, JsonError> {
        let start = c.pos();
        let got = |c: &Cursor| show(c.slice(start, c.pos()));
        let next = c.peek();
        let res: Result<Value, (&'static str, String)> = match (ty, next) {
            (Ty::Bool, Some(b't' | b'f')) => match c.boolean() {
                Some(b) => Ok(Value::Bool(b)),
                None => return c.error(t!("expected a value")),
            },
            (Ty::Int, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                match text.parse::<i64>() {
                    Ok(n) => in_range(Decimal::from(n), range).map(|()| Value::Int(n)),
                    Err(_) => Err((
                        code::TYPE,
                        t!("expected a whole number, got %{c}", c = got(c)).into_owned(),
                    )),
                }
            }
            // A whole number written as a string reads like an amount written as one.
            (Ty::Int, Some(b'"')) => {
                let s = c.string()?;
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(n) => in_range(Decimal::from(n), range).map(|()| Value::Int(n)),
                    Err(_) => Err(separators(t).unwrap_or_else(|| {
                        (
                            code::TYPE,
                            t!("expected a whole number, got %{c}", c = got(c)).into_owned(),
                        )
                    })),
                }
            }
            (Ty::Money | Ty::Number, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                decimal(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Money | Ty::Number, Some(b'"')) => {
                let s = c.string()?;
                if let Some(d) = plain_decimal(s.as_bytes()) {
                    in_range(d, range).map(|()| Value::Dec(d))
                } else if looks_numeric(s.trim()) {
                    decimal(s.trim()).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
                } else if let Some(e) = separators(s.trim()) {
                    Err(e)
                } else if *ty == Ty::Money {
                    Err((
                        code::TYPE,
                        t!(
                            "expected an amount in yuan (a number or a decimal string), got %{c}",
                            c = got(c)
                        )
                        .into_owned(),
                    ))
                } else {
                    Err((code::TYPE, t!("expected a number, got %{c}", c = got(c)).into_owned()))
                }
            }
            (Ty::Rate, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                decimal(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Rate, Some(b'"')) => {
                let s = c.string()?;
                let s = s.trim();
                let bad = || {
                    (
                        code::TYPE,
                        t!("expected a rate such as 0.2 or \"20%\", got %{c}", c = got(c)).into_owned(),
                    )
                };
                let d = match s.strip_suffix('%') {
                    Some(p) => literal::percent(p).ok_or_else(bad),
                    None if looks_numeric(s) => decimal(s),
                    None => Err(bad()),
                };
                d.and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Text, Some(b'"')) => {
                let s = c.string()?;
                self.keep_text(&s)
                    .map(Value::CaseText)
                    .ok_or_else(|| (code::TYPE, "a text beyond 4 GiB".into()))
            }
            (Ty::Date, Some(b'"')) => {
                let s = c.string()?;
                parse_date(&s).map(Value::Date).map_err(|m| (code::DATE, m))
            }
            (Ty::Enum(en), Some(b'"')) => {
                let s = c.string()?;
                let def = &self.r.policy.enums[*en];
                // A value's label (`"一等奖"` for `first`) names it as well as its name does.
                let by_label = || {
                    let t = s.trim();
                    def.values.iter().position(|(_, l)| l.as_deref() == Some(t))
                };
                match self.r.enums[*en]
                    .get(s.as_ref())
                    .copied()
                    .or_else(|| by_label().map(|i| i as u32))
                {
                    Some(i) => Ok(Value::Enum(i)),
                    None => {
                        let hint = closest(&s, def.values.iter().map(|(n, _)| n.as_str()))
                            .map(|c| t!("; did you mean `%{c}`?", c = c).into_owned())
                            .unwrap_or_default();
                        Err((
                            code::ENUM,
                            t!(
                                "`%{s}` is not one of %{def}%{hint}",
                                s = s,
                                def = enum_names(def),
                                hint = hint
                            )
                            .into_owned(),
                        ))
                    }
                }
            }
            (Ty::Record(r), Some(b'{')) => return self.record(c, *r, path),
            (Ty::List(item), Some(b'[')) => return self.list(c, item, path),
            (Ty::Optional(inner), _) => return self.value(c, inner, range, path),
            _ => {
                c.skip(1)?;
                Err((
                    code::TYPE,
                    t!(
                        "expected %{expected}, got %{got}",
                        expected = expected(ty, self.r.policy),
                        got = got(c)
                    )
                    .into_owned(),
                ))
            }
        };
        Ok(res.unwrap_or_else(|(code, message)| {
            self.push(path, code, message);
            Value::Absent
        }))
    }

    fn record(&mut self, c: &mut Cursor, r: usize, path: Path) -> Result<Value, JsonError> {
        let def = &self.r.policy.records[r];
        let n = def.fields.len();
        // The fields are read onto the scratch stacks, then moved into one allocation.
        let (base, given) = (self.scratch.values.len(), self.scratch.given.len());
        self.scratch.values.resize(base + n, Value::Absent);
        self.scratch.given.resize(given + n, false);
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let key = c.string()?;
                c.expect(b':')?;
                let field_path = Path::Field(&path, &key);
                match self.r.records[r].get(key.as_ref()) {
                    Some(&i) if self.scratch.given[given + i] => {
                        self.push(field_path, code::DUPLICATE, t!("given twice in one item"));
                        c.skip(1)?;
                    }
                    Some(&i) => {
                        self.scratch.given[given + i] = true;
                        let v = self.field(c, &def.fields[i], field_path, None)?;
                        self.scratch.values[base + i] = v;
                    }
                    None => {
                        let whose = t!("the fields of `%{def}`", def = def.name).into_owned();
                        let names = def.fields.iter().map(|f| f.name.as_str());
                        self.errors.push(unknown_field(field_path, &key, &whose, names));
                        c.skip(1)?;
                    }
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        for (i, f) in def.fields.iter().enumerate() {
            if !self.scratch.given[given + i] {
                self.scratch.values[base + i] = self.missing(f, Path::Field(&path, &f.name), None);
            }
        }
        self.scratch.given.truncate(given);
        Ok(Value::Record(self.keep_items(base)))
    }

    fn list(&mut self, c: &mut Cursor, item: &Ty, path: Path) -> Result<Value, JsonError> {
        c.expect(b'[')?;
        if c.eat(b']') {
            return Ok(Value::List(Span32::default()));
        }
        let base = self.scratch.values.len();
        let mut i = 0;
        loop {
            if i == MAX_LIST_ITEMS {
                self.push(
                    path,
                    code::TOO_MANY_ITEMS,
                    t!(
                        "more than %{MAX_LIST_ITEMS} items; a list in a case is limited to that",
                        MAX_LIST_ITEMS = MAX_LIST_ITEMS
                    ),
                );
            }
            let p = Path::Index(&path, i);
            if i >= MAX_LIST_ITEMS {
                c.skip(1)?;
            } else if c.null() {
                self.push(p, code::TYPE, t!("a list item cannot be null"));
            } else {
                let v = self.value(c, item, &Range::default(), p)?;
                self.scratch.values.push(v);
            }
            i += 1;
            if c.eat(b']') {
                break;
            }
            c.expect(b',')?;
        }
        Ok(Value::List(self.keep_items(base)))
    }
}

/// A date written exactly `YYYY-MM-DD`, or why not.
fn parse_date(s: &str) -> Result<Date, String> {
    match Date::parse(s) {
        Some(d) => Ok(d),
        None if Date::has_form(s) => Err(t!("`%{s}` is not a calendar date", s = s).into_owned()),
        None => Err(t!("expected a date written YYYY-MM-DD, got \"%{s}\"", s = show(s)).into_owned()),
    }
}

pub(super) fn looks_numeric(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
}

/// An exact decimal from the text of a number.
pub(super) fn decimal(text: &str) -> Result<Decimal, (&'static str, String)> {
    if let Some(d) = plain_decimal(text.as_bytes()) {
        return Ok(d);
    }
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    };
    parsed.ok_or_else(|| {
        (
            code::DECIMAL,
            t!("`%{text}` is beyond the range of exact decimals", text = text).into_owned(),
        )
    })
}

/// The common form of an amount, `653921.82` or `1800000`: at most 18 digits,
/// read straight into the mantissa. Anything else goes through the full parser.
fn plain_decimal(text: &[u8]) -> Option<Decimal> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let (mut m, mut scale, mut point, mut digits) = (0i64, 0u32, false, 0);
    for &b in text {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + i64::from(b - b'0');
                digits += 1;
                scale += u32::from(point);
            }
            b'.' if !point && digits > 0 => point = true,
            _ => return None,
        }
    }
    // `5.` has no digit after its point: the full parser decides.
    (digits <= 18 && !(point && scale == 0)).then(|| Decimal::new(m, scale))
}

/// `"1,000,000"`: a number with thousands separators, which a case does not use.
fn separators(s: &str) -> Option<(&'static str, String)> {
    let plain: String = s.chars().filter(|c| *c != ',' && *c != '，').collect();
    (plain.len() < s.len() && looks_numeric(&plain) && decimal(&plain).is_ok()).then(|| {
        (
            code::TYPE,
            t!(
                "`%{text}` has thousands separators: write %{plain}",
                text = s,
                plain = plain
            )
            .into_owned(),
        )
    })
}

fn in_range(d: Decimal, r: &Range) -> Result<(), (&'static str, String)> {
    let message = match (r.min, r.max) {
        (Some(lo), Some(hi)) if d < lo || d > hi => t!(
            "%{d} is outside the allowed range %{lo} to %{hi}",
            d = d,
            lo = lo,
            hi = hi
        )
        .into_owned(),
        // A floor of 0 is the common one: the sign says it.
        (Some(lo), None) if lo.is_zero() && !d.is_sign_negative() => return Ok(()),
        (Some(lo), None) if d < lo => t!("%{d} is below the allowed minimum %{lo}", d = d, lo = lo).into_owned(),
        (None, Some(hi)) if d > hi => t!("%{d} is above the allowed maximum %{hi}", d = d, hi = hi).into_owned(),
        _ => return Ok(()),
    };
    Err((code::RANGE, message))
}

fn enum_names(def: &crate::check::model::EnumDef) -> String {
    def.values
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expected(ty: &Ty, policy: &Policy) -> String {
    match ty {
        Ty::Bool => "true or false".into(),
        Ty::Int => "a whole number".into(),
        Ty::Number => "a number".into(),
        Ty::Money => "an amount in yuan (a number or a decimal string)".into(),
        Ty::Rate => "a rate such as 0.2 or \"20%\"".into(),
        Ty::Text => "a string".into(),
        Ty::Date => "a date such as \"2025-01-01\"".into(),
        Ty::Enum(en) => t!("one of %{en}", en = enum_names(&policy.enums[*en])).into_owned(),
        Ty::Record(_) => "an object".into(),
        Ty::List(_) => "a list".into(),
        Ty::Optional(t) => expected(t, policy),
    }
}

#[cfg(test)]
mod tests;
