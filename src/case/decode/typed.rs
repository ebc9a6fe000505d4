//! A case built from values that are already typed (an Arrow row), without
//! writing and reading JSON — only where the case is certain to be what the
//! JSON decoder reads from the same row written as JSON. Anything else — a
//! value of another kind, one outside its range, a field the policy does not
//! declare, a field left out that has no default, a day outside the period in
//! force, a ledger — says `false`, and the caller hands the row's JSON text to
//! the decoder, which reads it or names what is wrong. So nothing is decided
//! here that the decoder would decide otherwise: `rows` tests both ways agree.

use super::numbers::{decimal, in_range, in_range_int, plain_decimal};
use super::*;
use crate::case::LedgerEntry;
use crate::json::whole_float;

/// A value as the caller holds it.
#[derive(Debug, Clone, Copy)]
pub enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    /// an exact decimal (an Arrow decimal column)
    Dec(Decimal),
    /// a float, read as `json::push_float` writes it: a whole one as a whole number
    Float(f64),
    Str(&'a str),
    Day(Date),
}

/// Where a top-level column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Id,
    Year,
    Date,
    /// the ledger (`prior_awards`), entry by entry with `prior_award`
    Ledger,
    /// a declared input, by its slot
    Input(usize),
}

/// Builds cases for one reader from typed values.
pub struct Typed<'r, 'p> {
    r: &'r Reader<'p>,
}

/// What a builder keeps from case to case: which fields a case gave, and the items of the list being built.
#[derive(Debug, Default)]
pub struct Filling {
    pub given: Vec<bool>,
    pub items: Vec<Value>,
}

/// A list being built: the values of its items, kept by the caller from case to case.
pub struct List<'v> {
    slot: usize,
    items: &'v mut Vec<Value>,
}

impl<'p> Reader<'p> {
    /// A builder of typed cases; none when this reader takes more than the
    /// declared inputs (a registry's applicant, a survey weight): those cases go through JSON.
    pub fn typed(&self) -> Option<Typed<'_, 'p>> {
        (self.registered.is_none() && self.extra.is_none()).then_some(Typed { r: self })
    }
}

impl Typed<'_, '_> {
    /// The target of a top-level field; none for `prior_awards` and for a
    /// name the policy does not declare (the decoder reports it).
    pub fn target(&self, name: &str) -> Option<Target> {
        match self.r.top.get(name).copied()? {
            ID => Some(Target::Id),
            YEAR => Some(Target::Year),
            DATE => Some(Target::Date),
            LEDGER => Some(Target::Ledger),
            k => Some(Target::Input(k - BUILTIN.len())),
        }
    }

    /// The type of a declared input, without `optional`.
    pub fn input_ty(&self, slot: usize) -> Option<&Ty> {
        self.r.policy.inputs.get(slot).map(|i| i.ty.required())
    }

    /// The record type of a list input's items, if they are records.
    pub fn record_of(&self, slot: usize) -> Option<usize> {
        match self.input_ty(slot)? {
            Ty::List(item) => match item.required() {
                Ty::Record(r) => Some(*r),
                _ => None,
            },
            _ => None,
        }
    }

    /// The index of a record's field, by name.
    pub fn record_field(&self, record: usize, name: &str) -> Option<usize> {
        self.r.records.get(record)?.get(name).copied()
    }

    /// Starts a case: `given` says which inputs it gave, as `finish` wants it.
    pub fn begin(&self, case: &mut Case, given: &mut Vec<bool>) {
        case.id.clear();
        case.year = 0;
        case.date = None;
        case.slots.clear();
        case.slots.resize(self.r.policy.inputs.len(), Value::Absent);
        case.ledger.clear();
        case.extra = None;
        case.items.clear();
        case.text.clear();
        case.applicant = None;
        given.clear();
        given.resize(BUILTIN.len() + self.r.policy.inputs.len(), false);
    }

    /// Sets a top-level field; false when the decoder might read it otherwise.
    pub fn set(&self, case: &mut Case, given: &mut [bool], target: Target, v: Scalar) -> bool {
        let done = match target {
            Target::Id => match v {
                Scalar::Str(s) => {
                    case.id.push_str(s);
                    true
                }
                Scalar::Int(n) => {
                    case.id.push_str(&n.to_string());
                    true
                }
                _ => false,
            },
            Target::Year => match whole(v) {
                Some(n) if (1..=9999).contains(&n) => {
                    case.year = n as i32;
                    true
                }
                _ => false,
            },
            Target::Date => match day(v) {
                Some(d) => {
                    case.date = Some(d);
                    true
                }
                None => false,
            },
            Target::Ledger => false,
            Target::Input(slot) => {
                let Some(def) = self.r.policy.inputs.get(slot) else {
                    return false;
                };
                match self.value(case, &def.ty, &def.range, v) {
                    Some(value) => {
                        case.slots[slot] = value;
                        true
                    }
                    None => false,
                }
            }
        };
        if done {
            if let Some(g) = given.get_mut(index(target)) {
                *g = true;
            }
        }
        done
    }

    /// Starts the list input at `slot`, its items gathered in `items`.
    pub fn list<'v>(&self, slot: usize, items: &'v mut Vec<Value>) -> List<'v> {
        items.clear();
        List { slot, items }
    }

    /// An item of a list of scalars.
    pub fn item(&self, case: &mut Case, list: &mut List, v: Scalar) -> bool {
        let Some(Ty::List(item)) = self.input_ty(list.slot) else {
            return false;
        };
        if list.items.len() >= MAX_LIST_ITEMS {
            return false;
        }
        match self.value(case, item, &Range::default(), v) {
            Some(value) => {
                list.items.push(value);
                true
            }
            None => false,
        }
    }

    /// A record item of a list of records: the fields given, by index; the
    /// others get their defaults (false when one has none).
    pub fn record(&self, case: &mut Case, list: &mut List, fields: &[(usize, Scalar)]) -> bool {
        let Some(r) = self.record_of(list.slot) else {
            return false;
        };
        let def = &self.r.policy.records[r];
        if list.items.len() >= MAX_LIST_ITEMS {
            return false;
        }
        let base = case.items.len();
        let n = def.fields.len();
        case.items.resize(base + n, Value::Absent);
        let mut given = 0u64;
        for (i, v) in fields {
            let (Some(f), true) = (def.fields.get(*i), *i < 64) else {
                return false;
            };
            if given & (1 << i) != 0 {
                return false;
            }
            given |= 1 << i;
            match self.value(case, &f.ty, &f.range, *v) {
                Some(value) => case.items[base + i] = value,
                None => return false,
            }
        }
        if n > 64 {
            return false;
        }
        let left_out = |i: &usize| given & (1 << i) == 0;
        if self
            .r
            .record_required
            .get(r)
            .is_some_and(|req| req.iter().any(left_out))
        {
            return false;
        }
        for (i, default) in self.r.record_fill.get(r).map_or(&[][..], Vec::as_slice) {
            if left_out(i) {
                case.items[base + i].clone_from(default);
            }
        }
        match Span32::new(base, n) {
            Some(span) => {
                list.items.push(Value::Record(span));
                true
            }
            None => false,
        }
    }

    /// Ends a list: its items after everything the case holds so far.
    pub fn end_list(&self, case: &mut Case, given: &mut [bool], list: List) -> bool {
        let start = case.items.len();
        case.items.append(list.items);
        let Some(span) = Span32::new(start, case.items.len() - start) else {
            return false;
        };
        let span = if span.range().is_empty() {
            Span32::default()
        } else {
            span
        };
        case.slots[list.slot] = Value::List(span);
        if let Some(g) = given.get_mut(BUILTIN.len() + list.slot) {
            *g = true;
        }
        true
    }

    /// An entry of the ledger (`prior_awards`): an award of this policy, the
    /// year it was paid, the amount (at least 0), and what it was paid for.
    pub fn prior_award(
        &self,
        case: &mut Case,
        award: Scalar,
        year: Scalar,
        amount: Scalar,
        item: Option<Scalar>,
    ) -> bool {
        let Scalar::Str(id) = award else {
            return false;
        };
        let Some(&award) = self.r.awards.get(id) else {
            return false;
        };
        let year = match whole(year) {
            Some(n) if (1..=9999).contains(&n) => n as i32,
            _ => return false,
        };
        let amount = match amount {
            Scalar::Int(n) => Decimal::from(n),
            Scalar::Dec(d) => d,
            Scalar::Float(x) => match float_decimal(x) {
                Some(d) => d,
                None => return false,
            },
            Scalar::Str(s) => match plain_decimal(s.as_bytes()) {
                Some(d) => d,
                None => return false,
            },
            _ => return false,
        };
        if amount < Decimal::ZERO {
            return false;
        }
        let item = match item {
            None => None,
            Some(Scalar::Str(s)) => Some(s.to_string()),
            Some(Scalar::Int(n)) => Some(n.to_string()),
            Some(_) => return false,
        };
        let item = match item {
            Some(text) => {
                let start = case.text.len();
                case.text.push_str(&text);
                match Span32::new(start, text.len()) {
                    Some(span) => Some(span),
                    None => return false,
                }
            }
            None => None,
        };
        case.ledger.push(LedgerEntry {
            award,
            year,
            amount,
            item,
        });
        true
    }

    /// Ends a case: the inputs left out get their defaults. False when the
    /// decoder would reject it: no `id` or `year`, a required field left out,
    /// the date a policy requires missing, a day outside the period in force.
    pub fn finish(&self, case: &mut Case, given: &[bool]) -> bool {
        let policy = self.r.policy;
        if !given[ID] || !given[YEAR] || (!given[DATE] && policy.date_required.is_some()) {
            return false;
        }
        let left_out = |slot: &usize| !given[BUILTIN.len() + slot];
        if self.r.required.iter().any(left_out) {
            return false;
        }
        for (slot, default) in &self.r.fill {
            if left_out(slot) {
                case.slots[*slot].clone_from(default);
            }
        }
        let (from, to) = policy.header.period();
        let day = case.day();
        !(from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t))
    }

    /// A value of type `ty` read as the decoder reads the same value written as JSON.
    fn value(&self, case: &mut Case, ty: &Ty, range: &Range, v: Scalar) -> Option<Value> {
        let dec = |d: Decimal| in_range(d, range).ok().map(|()| Value::Dec(d));
        match (ty.required(), v) {
            (Ty::Bool, Scalar::Bool(b)) => Some(Value::Bool(b)),
            (Ty::Int, Scalar::Int(n)) => in_range_int(n, range).ok().map(|()| Value::Int(n)),
            (Ty::Money | Ty::Number | Ty::Rate, Scalar::Int(n)) => dec(Decimal::from(n)),
            (Ty::Money | Ty::Number | Ty::Rate, Scalar::Dec(d)) => dec(d),
            // a float is read as `json::push_float` writes it
            (Ty::Int, Scalar::Float(x)) => {
                let n = whole_float(x)?;
                in_range_int(n, range).ok().map(|()| Value::Int(n))
            }
            (Ty::Money | Ty::Number | Ty::Rate, Scalar::Float(x)) => float_decimal(x).and_then(dec),
            (Ty::Money | Ty::Number, Scalar::Str(s)) => plain_decimal(s.as_bytes()).and_then(dec),
            (Ty::Text, Scalar::Str(s)) => {
                let start = case.text.len();
                case.text.push_str(s);
                Span32::new(start, s.len()).map(Value::CaseText)
            }
            (Ty::Date, v) => day(v).map(Value::Date),
            (Ty::Enum(en), Scalar::Str(s)) => {
                let by_name = self.r.enums.get(*en)?.get(s).copied();
                let by_label = || {
                    let t = s.trim();
                    let values = &self.r.policy.enums[*en].values;
                    values
                        .iter()
                        .position(|(_, l)| l.as_deref() == Some(t))
                        .map(|i| i as u32)
                };
                by_name.or_else(by_label).map(Value::Enum)
            }
            _ => None,
        }
    }
}

/// A whole number given as one, or as a float `json::push_float` writes as one.
fn whole(v: Scalar) -> Option<i64> {
    match v {
        Scalar::Int(n) => Some(n),
        Scalar::Float(x) => whole_float(x),
        _ => None,
    }
}

/// The exact decimal of a float, read from the text `json::push_float` writes.
fn float_decimal(x: f64) -> Option<Decimal> {
    let mut text = String::new();
    crate::json::push_float(&mut text, x);
    x.is_finite().then(|| decimal(&text).ok()).flatten()
}

fn day(v: Scalar) -> Option<Date> {
    match v {
        Scalar::Str(s) => Date::parse(s),
        Scalar::Day(d) => Some(d),
        _ => None,
    }
}

fn index(target: Target) -> usize {
    match target {
        Target::Id => ID,
        Target::Year => YEAR,
        Target::Date => DATE,
        Target::Ledger => LEDGER,
        Target::Input(slot) => BUILTIN.len() + slot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tongzhou() -> crate::compile::Program {
        match crate::load::load(std::path::Path::new("policies/tongzhou-2025-draft.policy")) {
            Ok(l) => l.program,
            Err(_) => panic!("the bundled policy loads"),
        }
    }

    /// What the program reads of a case: the same whichever way it was built.
    fn seen(case: &Case) -> String {
        let value = |v: &Value| match v {
            Value::List(s) | Value::Record(s) => format!("{:?}", case.items_at(*s)),
            Value::CaseText(s) => case.text_at(*s).to_string(),
            v => format!("{v:?}"),
        };
        let slots: Vec<String> = case.slots.iter().map(value).collect();
        let ledger: Vec<String> = case
            .ledger
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {:?}",
                    e.award,
                    e.year,
                    e.amount,
                    e.item.map(|s| case.text_at(s))
                )
            })
            .collect();
        format!("{} {} {:?} {slots:?} {ledger:?}", case.id, case.year, case.date)
    }

    #[test]
    fn a_case_built_from_typed_values_is_the_case_its_json_reads_as() {
        let program = tongzhou();
        let reader = Reader::new(&program.policy);
        let typed = reader.typed().unwrap_or_else(|| panic!("no registry, no extra field"));
        let json = r#"{"id":"T","year":2026,"dcmm_level":4,"data_product_spend":"1800000.50","sme":true,"competition_national":"一等奖","new_filings":["generative_ai"],"scenario_projects":[{"qualified":true,"assessed":350000},{"qualified":false}],"prior_awards":[{"award":"dcmm","year":2025,"amount":300000}]}"#;
        let expected = reader.text(json).unwrap_or_else(|e| panic!("{e:?}"));

        let (mut case, mut f) = (Case::default(), Filling::default());
        typed.begin(&mut case, &mut f.given);
        let target = |n: &str| typed.target(n).unwrap_or_else(|| panic!("{n}"));
        let top = [
            ("id", Scalar::Str("T")),
            ("year", Scalar::Int(2026)),
            ("dcmm_level", Scalar::Int(4)),
            ("data_product_spend", Scalar::Str("1800000.50")),
            ("sme", Scalar::Bool(true)),
            ("competition_national", Scalar::Str("一等奖")),
        ];
        for (name, v) in top {
            assert!(typed.set(&mut case, &mut f.given, target(name), v), "{name}");
        }
        let Some(Target::Input(filings)) = typed.target("new_filings") else {
            panic!("new_filings is an input")
        };
        let mut list = typed.list(filings, &mut f.items);
        assert!(typed.item(&mut case, &mut list, Scalar::Str("generative_ai")));
        assert!(typed.end_list(&mut case, &mut f.given, list));
        let Some(Target::Input(projects)) = typed.target("scenario_projects") else {
            panic!("scenario_projects is an input")
        };
        let r = typed.record_of(projects).unwrap_or_else(|| panic!("a list of records"));
        let field = |n: &str| typed.record_field(r, n).unwrap_or_else(|| panic!("{n}"));
        let mut list = typed.list(projects, &mut f.items);
        let first = [
            (field("qualified"), Scalar::Bool(true)),
            (field("assessed"), Scalar::Int(350000)),
        ];
        assert!(typed.record(&mut case, &mut list, &first));
        assert!(typed.record(&mut case, &mut list, &[(field("qualified"), Scalar::Bool(false))]));
        assert!(typed.end_list(&mut case, &mut f.given, list));
        assert!(typed.prior_award(
            &mut case,
            Scalar::Str("dcmm"),
            Scalar::Int(2025),
            Scalar::Int(300000),
            None
        ));
        assert!(typed.finish(&mut case, &f.given));
        assert_eq!(seen(&case), seen(&expected));
    }

    #[test]
    fn what_the_decoder_would_judge_is_left_to_it() {
        let program = tongzhou();
        let reader = Reader::new(&program.policy);
        let typed = reader.typed().unwrap_or_else(|| panic!("no registry, no extra field"));
        let (mut case, mut f) = (Case::default(), Filling::default());
        let level = typed.target("dcmm_level").unwrap_or_else(|| panic!("an input"));
        typed.begin(&mut case, &mut f.given);
        // out of its declared range 3..5, a string for a whole number, a fraction for a year
        assert!(!typed.set(&mut case, &mut f.given, level, Scalar::Int(9)));
        assert!(!typed.set(&mut case, &mut f.given, level, Scalar::Str("4")));
        assert!(!typed.set(&mut case, &mut f.given, Target::Year, Scalar::Float(2025.5)));
        assert!(!typed.prior_award(&mut case, Scalar::Str("nope"), Scalar::Int(2025), Scalar::Int(1), None));
        assert!(!typed.prior_award(&mut case, Scalar::Str("dcmm"), Scalar::Int(2025), Scalar::Int(-1), None));
        assert!(typed.target("no_such_field").is_none());
        // no id, no year: the decoder says which is missing
        assert!(!typed.finish(&mut case, &f.given));
        let registered = std::sync::Arc::new(crate::case::Registered::default());
        assert!(Reader::new(&program.policy).with_registry(registered).typed().is_none());
    }
}
