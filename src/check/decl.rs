//! Declarations: enums, records, inputs (the case schema), parameters, and the
//! ids of measures, benefits and clauses.

use super::model::*;
use super::{Checker, ValueState, BUILTIN_FIELDS};
use crate::diagnostic::{closest, Diagnostic};
use crate::span::{Span, Spanned};
use crate::syntax::ast;
use rust_decimal::Decimal;

const BASE_TYPES: [&str; 7] = ["bool", "int", "number", "money", "rate", "text", "date"];

impl Checker<'_> {
    fn duplicate_name(&mut self, what: &str, name: &ast::Ident, first: Span) {
        self.error(
            Diagnostic::error(
                "zhice::check::duplicate",
                words!("%{what} `%{value}` is declared twice", what = what, value = name.node),
                name.span,
            )
            .label(words!("declared again here"))
            .related(first, words!("first declared here"))
            .help(words!("give each one its own name, or remove one")),
        );
    }

    pub(super) fn declare_types(&mut self, file: &ast::File) {
        let mut seen: Vec<(String, Span)> = Vec::new();
        for decl in file
            .enums
            .iter()
            .map(|e| &e.name)
            .chain(file.records.iter().map(|r| &r.name))
        {
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == decl.node) {
                let first = *first;
                self.duplicate_name(&t!("type"), decl, first);
            } else if BASE_TYPES.contains(&decl.node.as_str()) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::reserved",
                        words!("`%{decl}` is a built-in type", decl = decl.node),
                        decl.span,
                    )
                    .label(words!("reserved name"))
                    .help(words!("choose another name for this type")),
                );
            }
            seen.push((decl.node.clone(), decl.span));
        }
        for e in &file.enums {
            let mut values: Vec<(String, Option<String>)> = Vec::new();
            for (v, label) in &e.values {
                if let Some(i) = values.iter().position(|(n, _)| *n == v.node) {
                    let first = e.values[i].0.span;
                    self.duplicate_name(&t!("enum value"), v, first);
                }
                values.push((v.node.clone(), label.clone()));
            }
            self.enums.push(EnumDef {
                name: e.name.node.clone(),
                label: e.label.clone(),
                values,
            });
        }
        // Records may name enums and records declared anywhere, so their names are known first.
        for r in &file.records {
            self.records.push(RecordDef {
                name: r.name.node.clone(),
                label: r.label.clone(),
                fields: Vec::new(),
            });
        }
        for (i, r) in file.records.iter().enumerate() {
            let mut fields: Vec<FieldDef> = Vec::new();
            for f in &r.fields {
                if let Some(first) = fields.iter().find(|x| x.name == f.name.node).map(|x| x.span) {
                    self.duplicate_name(&t!("field"), &f.name, first);
                }
                let Some((ty, range)) = self.type_expr(&f.ty) else {
                    continue;
                };
                // a wrong default is reported; the field is still declared, so that its uses check
                let default = self.field_default(&f.ty, &ty, &range).flatten();
                if matches!(ty.required(), Ty::List(_) | Ty::Record(_)) {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::nested-record",
                            words!("a record field holds one plain value"),
                            f.ty.span,
                        )
                        .label(words!("a list or record inside a record"))
                        .help(words!(
                            "declare the inner items as an input of their own: `input x: list of …`"
                        )),
                    );
                    continue;
                }
                fields.push(FieldDef {
                    name: f.name.node.clone(),
                    ty,
                    range,
                    label: f.label.clone(),
                    default,
                    span: f.name.span,
                });
            }
            if let Some(rec) = self.records.get_mut(i) {
                rec.fields = fields;
            }
        }
    }

    /// Resolves a written type and its bound.
    fn type_expr(&mut self, t: &ast::TypeExpr) -> Option<(Ty, Range)> {
        let name = t.name.node.as_str();
        let base = match name {
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "number" => Ty::Number,
            "money" => Ty::Money,
            "rate" => Ty::Rate,
            "text" => Ty::Text,
            "date" => Ty::Date,
            _ => {
                if let Some(i) = self.enums.iter().position(|e| e.name == name) {
                    self.used(t.name.span, super::names::Symbol::Enum(name.to_string()));
                    Ty::Enum(i)
                } else if let Some(i) = self.records.iter().position(|r| r.name == name) {
                    self.used(t.name.span, super::names::Symbol::Record(name.to_string()));
                    Ty::Record(i)
                } else {
                    let names: Vec<String> = BASE_TYPES
                        .iter()
                        .map(|s| s.to_string())
                        .chain(self.enums.iter().map(|e| e.name.clone()))
                        .chain(self.records.iter().map(|r| r.name.clone()))
                        .collect();
                    let near = closest(name, names.iter().map(String::as_str)).map(str::to_string);
                    let help: String = t!(
                        "the types are %{base_types}, and the enums and records this file declares",
                        base_types = BASE_TYPES.join(", ")
                    )
                    .into_owned();
                    self.error(
                        Diagnostic::error(
                            "zhice::check::unknown-type",
                            words!("unknown type `%{name}`", name = name),
                            t.name.span,
                        )
                        .label(words!("not a type"))
                        .suggest(near, help),
                    );
                    return None;
                }
            }
        };
        let range = match &t.bound {
            None => Range::default(),
            Some(b) => self.bound(b, &base)?,
        };
        let mut ty = base;
        if t.list {
            ty = Ty::List(Box::new(ty));
        }
        if t.optional {
            if t.list {
                self.error(
                    Diagnostic::error(
                        "zhice::check::optional-list",
                        words!("a list is never optional"),
                        t.span,
                    )
                    .label(words!("`optional list`"))
                    .help(words!(
                        "drop `optional`; write `default empty` if a case may leave the list out"
                    )),
                );
                return None;
            }
            ty = Ty::Optional(Box::new(ty));
        }
        Some((ty, range))
    }

    /// The written `default …` of a field, checked against its type and range:
    /// `Some(None)` when there is none, `None` after an error.
    fn field_default(&mut self, t: &ast::TypeExpr, ty: &Ty, range: &Range) -> Option<Option<WhenAbsent>> {
        let Some(d) = &t.default else { return Some(None) };
        let wrong = |me: &mut Self, message: crate::lang::Words, help: crate::lang::Words| {
            me.error(
                Diagnostic::error("zhice::check::default", message, d.span)
                    .label(words!("this default"))
                    .help(help),
            );
        };
        let value = match (&d.node, ty) {
            (_, Ty::Optional(_)) => {
                wrong(
                    self,
                    words!("an optional field has no default"),
                    words!("drop `optional` to give the field a default, or drop the default: then each use of it says what applies when it is missing (`otherwise`)"),
                );
                return None;
            }
            (ast::FieldDefault::Empty, Ty::List(_)) => return Some(Some(WhenAbsent::Empty)),
            (_, Ty::List(_)) => {
                wrong(
                    self,
                    words!("a list's default is `empty`"),
                    words!("write `default empty`"),
                );
                return None;
            }
            (ast::FieldDefault::Empty, _) => {
                wrong(
                    self,
                    words!("only a list can default to `empty`"),
                    words!("write the value a missing field means, such as `default false` or `default 0元`"),
                );
                return None;
            }
            (ast::FieldDefault::Name(name), Ty::Enum(en)) => Const::Enum(*en, self.enum_value(*en, name, d.span)?),
            (ast::FieldDefault::Literal(lit), _) => {
                self.currency_of(lit, d.span);
                let c = self.constant(&Spanned::new(lit.clone(), d.span));
                match (c, ty) {
                    (Const::Int(n), Ty::Number) => Const::Number(Decimal::from(n)),
                    (Const::Int(0), Ty::Money) => Const::Money(Decimal::ZERO),
                    (c, _) => c,
                }
            }
            // a bare name where no enum is declared: no value of this type
            (ast::FieldDefault::Name(_), _) => Const::Text(String::new()),
        };
        if const_type(&value) != *ty || matches!((&d.node, ty), (ast::FieldDefault::Name(_), Ty::Text)) {
            let type_name = self.type_name(ty);
            wrong(
                self,
                words!("this default is not a %{type_name} value", type_name = type_name),
                words!("the default is what a case that leaves the field out is read as, so it has the field's type"),
            );
            return None;
        }
        let number = match &value {
            Const::Int(n) => Some(Decimal::from(*n)),
            Const::Number(x) | Const::Money(x) | Const::Rate(x) => Some(*x),
            _ => None,
        };
        if number.is_some_and(|x| !range.contains(x)) {
            wrong(
                self,
                words!("this default is outside the field's range"),
                words!("a case could not give this value itself; choose a default inside the range"),
            );
            return None;
        }
        Some(Some(WhenAbsent::Value(value)))
    }

    fn bound(&mut self, b: &ast::Bound, base: &Ty) -> Option<Range> {
        let number = |lit: &Option<Spanned<ast::Literal>>, me: &mut Self| -> Option<Option<Decimal>> {
            let Some(lit) = lit else { return Some(None) };
            let value = match (&lit.node, base) {
                (ast::Literal::Number(d), Ty::Int) if d.fract().is_zero() => *d,
                (ast::Literal::Number(d), Ty::Number) => *d,
                (ast::Literal::Number(d) | ast::Literal::Money(d, _), Ty::Money) => *d,
                (ast::Literal::Rate(d), Ty::Rate) => *d,
                _ => {
                    me.error(
                        Diagnostic::error(
                            "zhice::check::bound",
                            words!("this bound does not fit a %{type_name} value", type_name = me.type_name(base)),
                            lit.span)
                        .label(words!("wrong kind of bound"))
                        .help(words!("bounds are whole numbers for int (`3..5`), numbers for number (`>= 0`), amounts for money (`>= 0`), percentages for rate")),
                    );
                    return None;
                }
            };
            Some(Some(value))
        };
        let min = number(&b.min, self)?;
        let max = number(&b.max, self)?;
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                self.error(
                    Diagnostic::error("zhice::check::bound", words!("the range is empty"), b.span)
                        .label(words!("%{lo} is above %{hi}", lo = lo, hi = hi))
                        .help(words!("write the smaller bound first, e.g. `3..5`")),
                );
                return None;
            }
        }
        Some(Range { min, max })
    }

    pub(super) fn declare_inputs(&mut self, file: &ast::File) {
        for input in &file.inputs {
            if input.name.node == "date" {
                self.declare_date(input);
                continue;
            }
            if BUILTIN_FIELDS.contains(&input.name.node.as_str()) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::reserved",
                        words!("`%{input}` is a field every case has", input = input.name.node),
                        input.name.span,
                    )
                    .label(words!("built-in field"))
                    .help(words!(
                        "`id`, `year`, `date` and `prior_awards` are given by the engine; remove this input"
                    )),
                );
                continue;
            }
            if let Some(first) = self.inputs.iter().find(|x| x.name == input.name.node).map(|x| x.span) {
                self.duplicate_name(&t!("input"), &input.name, first);
                continue;
            }
            let Some((ty, range)) = self.type_expr(&input.ty) else {
                continue;
            };
            let default = self.field_default(&input.ty, &ty, &range).flatten();
            self.inputs.push(FieldDef {
                name: input.name.node.clone(),
                ty,
                range,
                label: input.label.clone(),
                default,
                span: input.name.span,
            });
        }
        self.used_inputs = vec![false; self.inputs.len()];
    }

    /// `input date: date "申报日期"`: the built-in application date, made required.
    fn declare_date(&mut self, input: &ast::InputDecl) {
        let t = &input.ty;
        if t.name.node != "date" || t.optional || t.list || t.bound.is_some() {
            self.error(
                Diagnostic::error(
                    "zhice::check::reserved",
                    words!("`date` is the case's application date"),
                    input.span)
                .label(words!("declared with another type"))
                .help(words!("declare it exactly as `input date: date \"申报日期\"` to make every case give it, or leave it out: a case may give `date` anyway")),
            );
            return;
        }
        if self.date_required.is_some() {
            let first = file_date_span(self.file).unwrap_or(input.name.span);
            self.duplicate_name(&t!("input"), &input.name, first);
            return;
        }
        self.date_required = Some(input.label.clone());
    }

    pub(super) fn declare_params(&mut self, file: &ast::File) {
        for p in &file.params {
            if let Some(first) = self.params.iter().find(|x| x.name == p.name.node).map(|x| x.span) {
                self.duplicate_name(&t!("parameter"), &p.name, first);
                continue;
            }
            if let Some(first) = self.inputs.iter().find(|x| x.name == p.name.node).map(|x| x.span) {
                self.duplicate_name(&t!("name"), &p.name, first);
                continue;
            }
            self.currency_of(&p.value.node, p.value.span);
            for (_, v) in &p.dated {
                self.currency_of(&v.node, v.span);
            }
            let mut value = self.constant(&p.value);
            // A quantity written once whole (`1000`) and once not (`1000.5`) is a number throughout.
            let any_fraction = p
                .dated
                .iter()
                .any(|(_, v)| matches!(self.constant(v), Const::Number(_)));
            if any_fraction {
                value = widen(value);
            }
            let ty = const_type(&value);
            let mut dated = Vec::new();
            let mut last: Option<ast::Date> = None;
            for (from, v) in &p.dated {
                let c = self.constant(v);
                let c = if ty == Ty::Number { widen(c) } else { c };
                if const_type(&c) != ty {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::param-type",
                            words!("a dated value must have the same unit as the first"),
                            v.span,
                        )
                        .label(words!(
                            "this is %{const_type}",
                            const_type = self.type_name(&const_type(&c))
                        ))
                        .related(
                            p.value.span,
                            words!("the first value is %{type_name}", type_name = self.type_name(&ty)),
                        )
                        .help(words!("an amendment changes the amount, not its unit")),
                    );
                }
                if last.is_some_and(|l| from.node <= l) {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::param-dates",
                            words!("dated values must be in date order"),
                            from.span,
                        )
                        .label(words!("not after the previous date"))
                        .help(words!("list each `from DATE = value` after the ones before it")),
                    );
                }
                last = Some(from.node);
                dated.push((from.node, c));
            }
            self.params.push(ParamDef {
                name: p.name.node.clone(),
                label: p.label.clone(),
                ty,
                value,
                dated,
                span: p.name.span,
            });
        }
        self.used_params = vec![false; self.params.len()];
    }

    /// A literal as a typed constant: whole numbers are `int`, others `number`.
    pub(super) fn constant(&self, lit: &Spanned<ast::Literal>) -> Const {
        match &lit.node {
            ast::Literal::Money(d, _) => Const::Money(*d),
            ast::Literal::Rate(d) => Const::Rate(*d),
            ast::Literal::Bool(b) => Const::Bool(*b),
            ast::Literal::Date(d) => Const::Date(*d),
            ast::Literal::Text(t) => Const::Text(t.clone()),
            ast::Literal::Number(d) => number_const(*d),
        }
    }

    pub(super) fn declare_ids(&mut self, file: &ast::File) {
        let ids = file
            .measures
            .iter()
            .map(|m| &m.id)
            .chain(file.rules.iter().map(|r| &r.id))
            .chain(file.pools.iter().map(|p| &p.id))
            .chain(file.benefits.iter().map(|b| &b.id))
            .chain(file.clauses.iter().map(|c| &c.id));
        let mut seen: Vec<(String, Span)> = Vec::new();
        for id in ids {
            if let Some(first) = seen.iter().find(|(n, _)| *n == id.node).map(|(_, s)| *s) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::duplicate-id",
                        words!("the id `%{id}` is used twice", id = id.node),
                        id.span,
                    )
                    .label(words!("used again here"))
                    .related(first, words!("first used here"))
                    .help(words!(
                        "award ids appear in every result and ledger entry; each must be unique"
                    )),
                );
            }
            seen.push((id.node.clone(), id.span));
        }
        // A measure's id names its amount in expressions, so it may not also name an input or parameter.
        for m in &file.measures {
            let other = self
                .inputs
                .iter()
                .map(|i| (&i.name, i.span, words!("an input")))
                .chain(self.params.iter().map(|p| (&p.name, p.span, words!("a parameter"))))
                .find(|(n, _, _)| **n == m.id.node);
            if let Some((_, first, what)) = other {
                self.error(
                    Diagnostic::error(
                        "zhice::check::duplicate",
                        words!("`%{id}` names both a measure and %{what}", id = m.id.node, what = what),
                        m.id.span,
                    )
                    .label(words!("the measure's id"))
                    .related(first, words!("%{what} of the same name", what = what))
                    .help(words!(
                        "a measure's id stands for its award in expressions; give one of them another name"
                    )),
                );
            }
        }
        self.item_ids = seen;
    }

    /// The names of `value` declarations, before any is checked, so that values
    /// may be declared in any order.
    pub(super) fn declare_values(&mut self, file: &ast::File) {
        for v in &file.values {
            let name = v.name.node.as_str();
            let clash = self
                .value_names
                .iter()
                .map(|(n, s)| (n.as_str(), *s, words!("value")))
                .chain(self.inputs.iter().map(|i| (i.name.as_str(), i.span, words!("input"))))
                .chain(
                    self.params
                        .iter()
                        .map(|p| (p.name.as_str(), p.span, words!("parameter"))),
                )
                .chain(self.item_ids.iter().map(|(n, s)| (n.as_str(), *s, words!("id"))))
                .find(|(n, _, _)| *n == name);
            if let Some((_, first, what)) = clash {
                self.duplicate_name(&t!("name (already a %{what})", what = what.text()), &v.name, first);
            } else if BUILTIN_FIELDS.contains(&name) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::reserved",
                        words!("`%{name}` is a field every case has", name = name),
                        v.name.span,
                    )
                    .label(words!("built-in field"))
                    .help(words!("choose another name for this value")),
                );
            }
            self.value_names.push((v.name.node.clone(), v.name.span));
        }
        self.value_state = vec![ValueState::Unchecked; file.values.len()];
        self.checked_values = vec![None; file.values.len()];
        self.used_values = vec![false; file.values.len()];
    }
}

fn file_date_span(file: &ast::File) -> Option<Span> {
    file.inputs.iter().find(|i| i.name.node == "date").map(|i| i.name.span)
}

/// A whole number as a `number`, where a quantity mixes whole and fractional values.
fn widen(c: Const) -> Const {
    match c {
        Const::Int(n) => Const::Number(Decimal::from(n)),
        other => other,
    }
}

/// A plain number: whole numbers are `int`, others `number`.
pub(super) fn number_const(d: Decimal) -> Const {
    match d.fract().is_zero().then(|| i64::try_from(d).ok()).flatten() {
        Some(n) => Const::Int(n),
        None => Const::Number(d),
    }
}

pub(super) fn const_type(c: &Const) -> Ty {
    match c {
        Const::Bool(_) => Ty::Bool,
        Const::Int(_) => Ty::Int,
        Const::Number(_) => Ty::Number,
        Const::Money(_) => Ty::Money,
        Const::Rate(_) => Ty::Rate,
        Const::Text(_) => Ty::Text,
        Const::Date(_) => Ty::Date,
        Const::Enum(en, _) => Ty::Enum(*en),
    }
}
