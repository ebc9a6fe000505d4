//! Names in expressions: a path resolved to an item of a list, an input, a
//! parameter, a named value (checked on first use, cycles reported), an
//! award, an enum value or a record's field — each use noted for editors —
//! or a diagnostic saying what the name might have been.

use super::model::*;
use super::names::Symbol;
use super::{Checker, ValueState};
use crate::diagnostic::{closest, Diagnostic};
use crate::span::Span;
use crate::syntax::ast;

impl Checker<'_> {
    /// The index of `name` among the values of enum `en`, or an error with a suggestion.
    pub(super) fn enum_value(&mut self, en: usize, name: &str, at: Span) -> Option<u32> {
        if let Some(i) = self.enums[en].values.iter().position(|(n, _)| n == name) {
            self.used(at, Symbol::EnumValue(self.enums[en].name.clone(), name.to_string()));
            return u32::try_from(i).ok();
        }
        let names: Vec<&str> = self.enums[en].values.iter().map(|(n, _)| n.as_str()).collect();
        let near = closest(name, names.iter().copied()).map(str::to_string);
        let help: String = t!(
            "the values of `%{en}` are %{names}",
            en = self.enums[en].name,
            names = names.join(", ")
        )
        .into_owned();
        self.error(
            Diagnostic::error(
                "zhice::check::unknown-value",
                words!(
                    "`%{name}` is not a value of `%{en}`",
                    name = name,
                    en = self.enums[en].name
                ),
                at,
            )
            .label(words!("unknown value"))
            .suggest(near, help),
        );
        None
    }

    pub(super) fn path(&mut self, parts: &[ast::Ident]) -> Option<Expr> {
        let first = parts.first()?;
        let name = first.node.as_str();
        let at = first.span;
        let simple = |kind, ty: Ty| Expr { kind, ty, span: at };
        let mut x = if let Some((_, ty, slot, bound)) = self.scope.iter().rev().find(|(n, ..)| n == name) {
            let x = simple(ExprKind::Local(*slot), ty.clone());
            self.used(at, Symbol::Local(*bound));
            x
        } else if let Some(i) = self.inputs.iter().position(|x| x.name == name) {
            self.used_inputs[i] = true;
            self.used(at, Symbol::Input(name.to_string()));
            simple(ExprKind::Input(i), self.inputs[i].ty.clone())
        } else if let Some(i) = self.params.iter().position(|x| x.name == name) {
            self.used_params[i] = true;
            self.used(at, Symbol::Param(name.to_string()));
            simple(ExprKind::Param(i), self.params[i].ty.clone())
        } else if let Some(i) = self.value_names.iter().position(|(n, _)| n == name) {
            self.used_values[i] = true;
            self.used(at, Symbol::Value(name.to_string()));
            let ty = self.value(i)?;
            simple(ExprKind::Value(i), ty)
        } else if let Some(i) = self.file.measures.iter().position(|m| m.id.node == name) {
            self.used(at, Symbol::Measure(name.to_string()));
            simple(ExprKind::Award(i), Ty::Money)
        } else if name == "year" {
            simple(ExprKind::CaseYear, Ty::Int)
        } else if name == "date" {
            simple(ExprKind::CaseDate, Ty::Date)
        } else if let Some(en) = self.enums.iter().position(|e| e.name == name) {
            // `Prize.first`: a value of an enum, named with its enum.
            self.used(at, Symbol::Enum(name.to_string()));
            let Some(value) = parts.get(1) else {
                return self.no_value_named(first, en);
            };
            let v = self.enum_value(en, &value.node, value.span)?;
            let e = Expr {
                kind: ExprKind::Const(Const::Enum(en, v)),
                ty: Ty::Enum(en),
                span: at.to(value.span),
            };
            return match parts.get(2) {
                Some(extra) => self.no_fields(&format!("{name}.{}", value.node), &e.ty, extra),
                None => Some(e),
            };
        } else if let Some(e) = self.bare_enum_value(first) {
            e?
        } else {
            self.unknown_name(first);
            return None;
        };
        let mut so_far = name.to_string();
        for field in &parts[1..] {
            let Ty::Record(r) = x.ty else {
                return self.no_fields(&so_far, &x.ty.clone(), field);
            };
            let Some(fi) = self.records[r].fields.iter().position(|f| f.name == field.node) else {
                let names: Vec<&str> = self.records[r].fields.iter().map(|f| f.name.as_str()).collect();
                let near = closest(&field.node, names.iter().copied()).map(str::to_string);
                let help: String = t!(
                    "the fields of `%{r}` are %{names}",
                    r = self.records[r].name,
                    names = names.join(", ")
                )
                .into_owned();
                self.error(
                    Diagnostic::error(
                        "zhice::check::unknown-field",
                        words!(
                            "`%{r}` has no field `%{field}`",
                            r = self.records[r].name,
                            field = field.node
                        ),
                        field.span,
                    )
                    .label(words!("unknown field"))
                    .suggest(near, help),
                );
                return None;
            };
            let ty = self.records[r].fields[fi].ty.clone();
            self.used(
                field.span,
                Symbol::Field(self.records[r].name.clone(), field.node.clone()),
            );
            x = Expr {
                kind: ExprKind::Field(Box::new(x), fi),
                ty,
                span: at.to(field.span),
            };
            so_far = format!("{so_far}.{}", field.node);
        }
        Some(x)
    }

    fn no_fields(&mut self, so_far: &str, ty: &Ty, field: &ast::Ident) -> Option<Expr> {
        self.error(
            Diagnostic::error(
                "zhice::check::not-a-record",
                words!("`%{so_far}` has no fields", so_far = so_far),
                field.span,
            )
            .label(words!(
                "%{type_name} has no field `%{field}`",
                type_name = self.type_name(ty),
                field = field.node
            ))
            .help(words!("fields are read from records: `project.assessed`")),
        );
        None
    }

    fn no_value_named(&mut self, name: &ast::Ident, en: usize) -> Option<Expr> {
        let first = self.enums[en]
            .values
            .first()
            .map_or("…", |(v, _)| v.as_str())
            .to_string();
        self.error(
            Diagnostic::error(
                "zhice::check::enum-as-value",
                words!("`%{value}` is a type, not a value", value = name.node),
                name.span,
            )
            .label(words!("an enum"))
            .help(words!(
                "name one of its values: `%{value}.%{first}`",
                value = name.node,
                first = first
            )),
        );
        None
    }

    /// A bare enum value used as a value (`national`): allowed when exactly one
    /// enum has a value of that name.
    fn bare_enum_value(&mut self, name: &ast::Ident) -> Option<Option<Expr>> {
        let owners: Vec<(usize, u32)> = self
            .enums
            .iter()
            .enumerate()
            .filter_map(|(en, e)| {
                let v = e.values.iter().position(|(n, _)| *n == name.node)?;
                Some((en, u32::try_from(v).ok()?))
            })
            .collect();
        match owners.as_slice() {
            [] => None,
            [(en, v)] => {
                self.used(
                    name.span,
                    Symbol::EnumValue(self.enums[*en].name.clone(), name.node.clone()),
                );
                Some(Some(Expr {
                    kind: ExprKind::Const(Const::Enum(*en, *v)),
                    ty: Ty::Enum(*en),
                    span: name.span,
                }))
            }
            several => {
                let choices: Vec<String> = several
                    .iter()
                    .map(|(en, _)| format!("`{}.{}`", self.enums[*en].name, name.node))
                    .collect();
                self.error(
                    Diagnostic::error(
                        "zhice::check::ambiguous-value",
                        words!("`%{value}` is a value of several enums", value = name.node),
                        name.span,
                    )
                    .label(words!("which one?"))
                    .help(words!(
                        "name it with its enum: %{choices}",
                        choices = choices.join(" or ")
                    )),
                );
                Some(None)
            }
        }
    }

    fn unknown_name(&mut self, name: &ast::Ident) {
        let names: Vec<String> = self
            .scope
            .iter()
            .map(|(n, ..)| n.clone())
            .chain(self.inputs.iter().map(|i| i.name.clone()))
            .chain(self.params.iter().map(|p| p.name.clone()))
            .chain(self.value_names.iter().map(|(n, _)| n.clone()))
            .chain(self.file.measures.iter().map(|m| m.id.node.clone()))
            .collect();
        let near = closest(&name.node, names.iter().map(String::as_str)).map(str::to_string);
        let help: String = t!("declare it with `input`, `param` or `value`").into_owned();
        self.error(
            Diagnostic::error(
                "zhice::check::unknown-name",
                words!("unknown name `%{value}`", value = name.node),
                name.span,
            )
            .label(words!("not declared"))
            .suggest(near, help),
        );
    }

    /// The type of named value `i`, checking it now if it has not been yet.
    pub(super) fn value(&mut self, i: usize) -> Option<Ty> {
        match self.value_state.get(i)?.clone() {
            ValueState::Done(ty) => return ty,
            ValueState::InProgress => {
                self.value_cycle(i);
                return None;
            }
            ValueState::Unchecked => {}
        }
        let decl = &self.file.values[i];
        self.value_state[i] = ValueState::InProgress;
        self.value_stack.push(i);
        let saved = self.begin_item();
        let saved_round = std::mem::take(&mut self.rounding_operand);
        let checked = self.expr(&decl.value);
        self.rounding_operand = saved_round;
        self.end_item(saved);
        self.value_stack.pop();
        let ty = checked.as_ref().map(|e| e.ty.clone());
        if let Some(t) = ty
            .as_ref()
            .filter(|t| decl.output && matches!(t.required(), Ty::Text | Ty::List(_) | Ty::Record(_)))
        {
            let type_name = self.type_name(t);
            self.error(
                Diagnostic::error(
                    "zhice::check::output-type",
                    words!("an output is a yes/no, a number, an amount, a choice or a date"),
                    decl.value.span,
                )
                .label(words!("this is %{type_name}", type_name = type_name))
                .help(words!(
                    "report something a result line can hold: a flag, a count, an amount, a category"
                )),
            );
        }
        self.value_state[i] = ValueState::Done(ty.clone());
        self.checked_values[i] = checked.map(|expr| ValueDef {
            name: decl.name.node.clone(),
            label: decl.label.clone(),
            expr,
            output: decl.output,
            span: decl.name.span,
        });
        ty
    }

    /// Value `i` is read while it is being worked out: report the cycle once, where it closes.
    fn value_cycle(&mut self, i: usize) {
        let Some(from) = self.value_stack.iter().position(|v| *v == i) else {
            return;
        };
        let path: Vec<usize> = self.value_stack[from..].to_vec();
        let names: Vec<&str> = path
            .iter()
            .chain(std::iter::once(&i))
            .map(|v| self.value_names[*v].0.as_str())
            .collect();
        let mut d = Diagnostic::error(
            "zhice::check::cycle",
            words!("`%{i}` depends on itself", i = self.value_names[i].0),
            self.value_names[i].1,
        )
        .label(words!("the cycle: %{names}", names = names.join(" → ")))
        .help(words!(
            "a value cannot be worked out from itself; break the cycle by writing one of them from the case's inputs"
        ));
        for v in path.iter().skip(1) {
            d = d.related(self.value_names[*v].1, words!("part of the cycle"));
        }
        self.error(d);
    }
}
