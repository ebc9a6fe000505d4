//! Drafters' tests: the `given` block becomes the case JSON an operator would
//! feed (decoded later by the same code), and `expect` names real awards.

use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;
use rust_decimal::Decimal;
use std::str::FromStr;

impl Checker {
    pub(super) fn test(&mut self, t: &ast::TestBlock, measures: &[Measure]) -> Option<TestCase> {
        let given = data_to_json(&t.given.node);
        if !given.is_object() {
            return None;
        }
        let expect = match &t.expect {
            ast::Expect::Errors(fields) => Expected::Errors(fields.iter().map(|f| f.node.clone()).collect()),
            ast::Expect::Awards(pairs) => {
                let mut out = Vec::new();
                for (id, value) in pairs {
                    let Some(m) = measures.iter().position(|m| m.id == id.node) else {
                        let known = self.item_ids.iter().any(|(n, _)| *n == id.node);
                        let help = if known {
                            "only measures award money; benefits and clauses are not expected".to_string()
                        } else {
                            match closest(&id.node, measures.iter().map(|m| m.id.as_str())) {
                                Some(c) => format!("did you mean `{c}`?"),
                                None => "name the id of a measure".to_string(),
                            }
                        };
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unknown-award",
                                format!("`{}` is not an award of this policy", id.node),
                                id.span,
                            )
                            .label("no such measure")
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
                                    "an expected award is an amount of money",
                                    value.span,
                                )
                                .label("not money")
                                .help("write it with a unit: `20万元`, `123.46元`, or 0"),
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
        })
    }
}

/// Test data as case JSON. Numbers stay exact (serde_json keeps their digits).
fn data_to_json(d: &ast::Data) -> serde_json::Value {
    use serde_json::Value;
    let number = |x: Decimal| {
        serde_json::Number::from_str(&x.to_string())
            .map(Value::Number)
            .unwrap_or(Value::Null)
    };
    match d {
        ast::Data::Object(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.clone(), data_to_json(&v.node))).collect())
        }
        ast::Data::Array(items) => Value::Array(items.iter().map(|v| data_to_json(&v.node)).collect()),
        ast::Data::Name(n) => Value::String(n.clone()),
        ast::Data::Negative(inner) => match data_to_json(inner) {
            Value::Number(n) => serde_json::Number::from_str(&format!("-{n}"))
                .map(Value::Number)
                .unwrap_or(Value::Null),
            other => other,
        },
        ast::Data::Literal(lit) => match lit {
            ast::Literal::Money(x) | ast::Literal::Number(x) | ast::Literal::Rate(x) => number(*x),
            ast::Literal::Bool(b) => Value::Bool(*b),
            ast::Literal::Date(date) => Value::String(date.to_string()),
            ast::Literal::Text(t) => Value::String(t.clone()),
        },
    }
}
