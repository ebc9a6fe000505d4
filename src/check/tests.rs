//! Drafters' tests: the `given` block becomes the case JSON text an operator
//! would feed (decoded later by the same code, which also judges repeated
//! keys), and `expect` names real awards.

use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;
use rust_decimal::Decimal;
use rust_i18n::t;

impl Checker<'_> {
    pub(super) fn test(&mut self, t: &ast::TestBlock, measures: &[String]) -> Option<TestCase> {
        let ast::Data::Object(fields) = &t.given.node else {
            return None;
        };
        // A test needs no id; it is given its name, so that errors can say which case.
        let mut given = String::from("{");
        if !fields.iter().any(|(k, _)| k == "id") {
            crate::json::push_string(&mut given, &t.name.node);
            given.insert_str(1, "\"id\":");
            if !fields.is_empty() {
                given.push(',');
            }
        }
        let body = data_to_json(&t.given.node);
        given.push_str(&body[1..]);
        let expect = match &t.expect {
            ast::Expect::Errors(fields) => Expected::Errors(fields.iter().map(|f| f.node.clone()).collect()),
            ast::Expect::Awards(pairs) => {
                let mut out = Vec::new();
                for (id, value) in pairs {
                    let Some(m) = measures.iter().position(|m| *m == id.node) else {
                        let known = self.item_ids.iter().any(|(n, _)| *n == id.node);
                        let help = if known {
                            "only measures award money; benefits and clauses are not expected".to_string()
                        } else {
                            match closest(&id.node, measures.iter().map(String::as_str)) {
                                Some(c) => t!("did you mean `%{c}`?", c = c).into_owned(),
                                None => "name the id of a measure".to_string(),
                            }
                        };
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unknown-award",
                                t!("`%{id}` is not an award of this policy", id = id.node),
                                id.span,
                            )
                            .label(t!("no such measure"))
                            .help(help),
                        );
                        continue;
                    };
                    let amount = match &value.node {
                        ast::Data::Literal(ast::Literal::Money(d)) => *d,
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
                Expected::Awards(out)
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
                push_string(out, k);
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
            ast::Literal::Money(x) | ast::Literal::Number(x) | ast::Literal::Rate(x) => {
                let x = if negative { -*x } else { *x };
                out.push_str(&x.to_string());
            }
            ast::Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            ast::Literal::Date(date) => push_string(out, &date.to_string()),
            ast::Literal::Text(t) => push_string(out, t),
        },
    }
}
