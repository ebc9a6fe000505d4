//! Drafters' tests: the `given` block becomes the case JSON text an operator
//! would feed (decoded later by the same code, which also judges repeated
//! keys), and `expect` names real awards.

use super::model::*;
use super::names::Symbol;
use super::{Checker, ValueState};
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;
use rust_decimal::Decimal;

impl Checker<'_> {
    pub(super) fn test(&mut self, t: &ast::TestBlock, measures: &[String]) -> Option<TestCase> {
        let ast::Data::Object(fields) = &t.given.node else {
            return None;
        };
        // A test needs no id; it is given its name, so that errors can say which case.
        let mut given = String::from("{");
        if !fields.iter().any(|(k, _)| k.node == "id") {
            crate::json::push_string(&mut given, &t.name.node);
            given.insert_str(1, "\"id\":");
            if !fields.is_empty() {
                given.push(',');
            }
        }
        for (k, v) in fields {
            if k.node == "prior_awards" {
                self.ledger_names(v, measures);
            }
            if let Some(i) = self.inputs.iter().position(|x| x.name == k.node) {
                self.used(k.span, Symbol::Input(k.node.clone()));
                let ty = self.inputs[i].ty.clone();
                self.data_names(v, &ty);
            }
        }
        let body = data_to_json(&t.given.node);
        given.push_str(&body[1..]);
        let expect = match &t.expect {
            ast::Expect::Errors(fields) => {
                for f in fields {
                    // a bare input name (a quoted path to a field inside is not a name)
                    if f.span.end - f.span.start == f.node.len() && self.inputs.iter().any(|x| x.name == f.node) {
                        self.used(f.span, Symbol::Input(f.node.clone()));
                    }
                }
                Expected::Errors(fields.iter().map(|f| f.node.clone()).collect())
            }
            ast::Expect::Awards(pairs) => {
                let mut out = Vec::new();
                let mut outputs = Vec::new();
                for (id, value) in pairs {
                    if let Some(v) = self.file.values.iter().position(|v| v.output && v.name.node == id.node) {
                        if let Some(c) = self.expected_output(v, value) {
                            outputs.push((v, c));
                        }
                        continue;
                    }
                    let Some(m) = measures.iter().position(|m| *m == id.node) else {
                        let known = self.item_ids.iter().any(|(n, _)| *n == id.node);
                        let (near, help) = if known {
                            (
                                None,
                                t!("only measures award money; benefits and clauses are not expected").into_owned(),
                            )
                        } else {
                            let near = closest(&id.node, measures.iter().map(String::as_str));
                            (near.map(str::to_string), t!("name the id of a measure").into_owned())
                        };
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unknown-award",
                                t!("`%{id}` is not an award of this policy", id = id.node),
                                id.span,
                            )
                            .label(t!("no such measure"))
                            .suggest(near, help),
                        );
                        continue;
                    };
                    self.used(id.span, Symbol::Measure(id.node.clone()));
                    let amount = match &value.node {
                        ast::Data::Literal(lit @ ast::Literal::Money(d, _)) => {
                            self.currency_of(lit, value.span);
                            *d
                        }
                        ast::Data::Literal(ast::Literal::Number(d)) if d.is_zero() => Decimal::ZERO,
                        _ => {
                            self.error(
                                Diagnostic::error(
                                    "zhice::check::expect",
                                    t!("an expected award is an amount of money"),
                                    value.span,
                                )
                                .label(t!("not money"))
                                .help(t!("write it with a unit: `20万元`, `123.46元`, or 0")),
                            );
                            continue;
                        }
                    };
                    out.push((m, amount));
                }
                Expected::Awards(out, outputs)
            }
        };
        Some(TestCase {
            name: t.name.node.clone(),
            given,
            expect,
            span: t.span,
            in_tests_file: false,
        })
    }
}

impl Checker<'_> {
    /// The value a test expects of output `v`, in the output's type.
    fn expected_output(&mut self, v: usize, value: &crate::span::Spanned<ast::Data>) -> Option<Const> {
        let ty = match &self.value_state[v] {
            ValueState::Done(Some(ty)) => ty.required().clone(),
            _ => return None,
        };
        self.used(
            self.file.values[v].name.span,
            Symbol::Value(self.file.values[v].name.node.clone()),
        );
        let c = match (&value.node, ty.clone()) {
            (ast::Data::Name(n), Ty::Enum(en)) => {
                let en: usize = en;
                Some(Const::Enum(en, self.enum_value(en, n.as_str(), value.span)?))
            }
            (ast::Data::Literal(lit), _) => {
                self.currency_of(lit, value.span);
                let c = self.constant(&crate::span::Spanned::new(lit.clone(), value.span));
                match (c, ty.clone()) {
                    (Const::Int(n), Ty::Number) => Some(Const::Number(Decimal::from(n))),
                    (Const::Int(0), Ty::Money) => Some(Const::Money(Decimal::ZERO)),
                    (c, _) if super::decl::const_type(&c) == ty => Some(c),
                    _ => None,
                }
            }
            (ast::Data::Negative(inner), Ty::Int | Ty::Number | Ty::Money | Ty::Rate) => match &**inner {
                ast::Data::Literal(lit) => match self.constant(&crate::span::Spanned::new(lit.clone(), value.span)) {
                    Const::Int(n) if ty == Ty::Int => Some(Const::Int(-n)),
                    Const::Int(n) => Some(Const::Number(-Decimal::from(n))),
                    Const::Number(d) => Some(Const::Number(-d)),
                    Const::Money(d) if ty == Ty::Money => Some(Const::Money(-d)),
                    Const::Rate(d) if ty == Ty::Rate => Some(Const::Rate(-d)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if c.is_none() {
            let type_name = self.type_name(&ty);
            self.error(
                Diagnostic::error(
                    "zhice::check::expect",
                    words!("this output is a %{type_name} value", type_name = type_name),
                    value.span,
                )
                .label(words!("not a value of the output's type"))
                .help(words!(
                    "expect what the output gives: `true`, `3`, `20万元`, `25%`, a choice's value, a date"
                )),
            );
        }
        c
    }

    /// Notes the awards named in a test's `prior_awards`.
    fn ledger_names(&mut self, d: &crate::span::Spanned<ast::Data>, measures: &[String]) {
        let ast::Data::Array(items) = &d.node else { return };
        for item in items {
            let ast::Data::Object(fields) = &item.node else {
                continue;
            };
            for (k, v) in fields {
                if let (true, ast::Data::Name(n)) = (k.node == "award", &v.node) {
                    if measures.contains(n) {
                        self.used(v.span, Symbol::Measure(n.clone()));
                    }
                }
            }
        }
    }

    /// Notes the fields and enum values named in test data of type `ty`.
    fn data_names(&mut self, d: &crate::span::Spanned<ast::Data>, ty: &Ty) {
        match (&d.node, ty.required()) {
            (ast::Data::Array(items), Ty::List(item)) => {
                for x in items {
                    self.data_names(x, item);
                }
            }
            (ast::Data::Object(fields), Ty::Record(r)) => {
                let r = *r;
                for (k, v) in fields {
                    let Some(f) = self.records[r].fields.iter().find(|f| f.name == k.node) else {
                        continue;
                    };
                    let ty = f.ty.clone();
                    self.used(k.span, Symbol::Field(self.records[r].name.clone(), k.node.clone()));
                    self.data_names(v, &ty);
                }
            }
            (ast::Data::Name(n), Ty::Enum(en)) if self.enums[*en].values.iter().any(|(v, _)| v == n) => {
                self.used(d.span, Symbol::EnumValue(self.enums[*en].name.clone(), n.clone()));
            }
            // an amount given in another currency would be read as this policy's
            (ast::Data::Literal(lit), _) => self.currency_of(lit, d.span),
            (ast::Data::Negative(inner), _) => {
                if let ast::Data::Literal(lit) = &**inner {
                    self.currency_of(lit, d.span);
                }
            }
            _ => {}
        }
    }
}

/// Test data as case JSON text. Numbers keep their exact digits; keys are
/// written as given, repeated ones included.
fn data_to_json(d: &ast::Data) -> String {
    let mut out = String::new();
    write_data(d, false, &mut out);
    out
}

fn write_data(d: &ast::Data, negative: bool, out: &mut String) {
    use crate::json::push_string;
    match d {
        ast::Data::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, &k.node);
                out.push(':');
                write_data(&v.node, false, out);
            }
            out.push('}');
        }
        ast::Data::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_data(&v.node, false, out);
            }
            out.push(']');
        }
        ast::Data::Name(n) => push_string(out, n),
        ast::Data::Negative(inner) => write_data(inner, !negative, out),
        ast::Data::Literal(lit) => match lit {
            ast::Literal::Money(x, _) | ast::Literal::Number(x) | ast::Literal::Rate(x) => {
                let x = if negative { -*x } else { *x };
                out.push_str(&x.to_string());
            }
            ast::Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ast::Literal::Date(date) => push_string(out, &date.to_string()),
            ast::Literal::Text(t) => push_string(out, t),
        },
    }
}
