//! Expressions: names resolved, types and units checked. Money, rates and
//! whole numbers are different units: `20% of 500万元` is money, `500万元 of x`
//! and `money * money` are errors.

use super::decl::const_type;
use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;

impl Checker {
    /// Types an expression that must have type `want` (after `optional` is dealt with).
    pub(super) fn expect(&mut self, e: &ast::Expr, want: &Ty, what: &str) -> Option<Expr> {
        let x = self.expr(e)?;
        if &x.ty == want {
            return Some(x);
        }
        if x.ty.required() == want {
            self.error(self.maybe_missing(&x, e));
            return None;
        }
        self.error(
            Diagnostic::error(
                "zhice::check::type",
                format!(
                    "{what} must be {}, but this is {}",
                    self.type_name(want),
                    self.type_name(&x.ty)
                ),
                e.span,
            )
            .label(format!("this is {}", self.type_name(&x.ty)))
            .help(unit_hint(want, &x.ty)),
        );
        None
    }

    fn maybe_missing(&self, x: &Expr, e: &ast::Expr) -> Diagnostic {
        Diagnostic::error(
            "zhice::check::optional",
            "this value may be missing from a case",
            e.span,
        )
        .label(format!("{} may be missing", self.type_name(&x.ty)))
        .help("say what applies when it is missing (`x otherwise 0元`), or test it first (`when x is given`)")
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> Option<Expr> {
        let (kind, ty) = match &e.kind {
            ast::ExprKind::Literal(lit) => {
                let c = self.constant(&crate::span::Spanned::new(lit.clone(), e.span))?;
                let ty = const_type(&c);
                (ExprKind::Const(c), ty)
            }
            ast::ExprKind::Path(parts) => return self.path(parts),
            ast::ExprKind::Not(inner) => {
                let x = self.expect(inner, &Ty::Bool, "the operand of `not`")?;
                (ExprKind::Not(Box::new(x)), Ty::Bool)
            }
            ast::ExprKind::Neg(inner) => {
                let x = self.expr(inner)?;
                if !matches!(x.ty, Ty::Int | Ty::Money | Ty::Rate) {
                    return self.mismatch(e, "only numbers can be negated", &x.ty);
                }
                let ty = x.ty.clone();
                (ExprKind::Neg(Box::new(x)), ty)
            }
            ast::ExprKind::IsGiven { expr, negated } => {
                let x = self.expr(expr)?;
                if !x.ty.is_optional() {
                    self.error(
                        Diagnostic::error("zhice::check::always-given", "this value is never missing", expr.span)
                            .label(format!("{} is not optional", self.type_name(&x.ty)))
                            .help("only `optional` inputs and fields can be tested with `is given`"),
                    );
                    return None;
                }
                (ExprKind::IsGiven(Box::new(x), *negated), Ty::Bool)
            }
            ast::ExprKind::Is { expr, value, negated } => {
                let x = self.expr(expr)?;
                let Ty::Enum(en) = *x.ty.required() else {
                    return self.mismatch(e, "`is` compares a choice with one of its values", &x.ty);
                };
                let Some(idx) = self.enums[en].values.iter().position(|(n, _)| *n == value.node) else {
                    let names: Vec<&str> = self.enums[en].values.iter().map(|(n, _)| n.as_str()).collect();
                    let help = match closest(&value.node, names.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("the values of `{}` are {}", self.enums[en].name, names.join(", ")),
                    };
                    self.error(
                        Diagnostic::error(
                            "zhice::check::unknown-value",
                            format!("`{}` is not a value of `{}`", value.node, self.enums[en].name),
                            value.span,
                        )
                        .label("unknown value")
                        .help(help),
                    );
                    return None;
                };
                (ExprKind::IsValue(Box::new(x), idx, *negated), Ty::Bool)
            }
            ast::ExprKind::Binary(op, l, r) => return self.binary(*op, l, r, e),
            ast::ExprKind::Call { name, args } => {
                let xs: Vec<Expr> = args.iter().filter_map(|a| self.expr(a)).collect();
                if xs.len() != args.len() {
                    return None;
                }
                let ty = xs.first().map(|x| x.ty.clone()).unwrap_or(Ty::Money);
                let fname = name.node.as_str();
                if fname != "min" && fname != "max" {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::unknown-function",
                            format!("unknown function `{fname}`"),
                            name.span,
                        )
                        .label("not a function")
                        .help("the functions are `min(a, b, …)` and `max(a, b, …)`; caps are written `at most …`"),
                    );
                    return None;
                }
                if !matches!(ty, Ty::Int | Ty::Money | Ty::Rate) {
                    return self.mismatch(e, "`min` and `max` take numbers", &ty);
                }
                if let Some(bad) = xs.iter().find(|x| x.ty != ty) {
                    let bad_ty = bad.ty.clone();
                    return self.mismatch(e, "the arguments of `min` and `max` must have the same unit", &bad_ty);
                }
                let kind = if fname == "min" {
                    ExprKind::Min(xs)
                } else {
                    ExprKind::Max(xs)
                };
                (kind, ty)
            }
            ast::ExprKind::If(c, t, f) => {
                let c = self.expect(c, &Ty::Bool, "the condition of `if`")?;
                let t = self.expr(t)?;
                let f = self.expect(f, &t.ty.clone(), "the `else` branch")?;
                let ty = t.ty.clone();
                (ExprKind::If(Box::new(c), Box::new(t), Box::new(f)), ty)
            }
        };
        Some(Expr { kind, ty, span: e.span })
    }

    fn mismatch(&mut self, e: &ast::Expr, message: &str, got: &Ty) -> Option<Expr> {
        self.error(
            Diagnostic::error("zhice::check::type", message.to_string(), e.span)
                .label(format!("this is {}", self.type_name(got)))
                .help("see the table of units in docs/language.md"),
        );
        None
    }

    fn path(&mut self, parts: &[ast::Ident]) -> Option<Expr> {
        let first = parts.first()?;
        let name = first.node.as_str();
        let mut x = if let Some((_, ty, slot)) = self.scope.iter().rev().find(|(n, _, _)| n == name) {
            Expr {
                kind: ExprKind::Local(*slot),
                ty: ty.clone(),
                span: first.span,
            }
        } else if let Some(i) = self.inputs.iter().position(|x| x.name == name) {
            self.used_inputs[i] = true;
            Expr {
                kind: ExprKind::Input(i),
                ty: self.inputs[i].ty.clone(),
                span: first.span,
            }
        } else if let Some(i) = self.params.iter().position(|x| x.name == name) {
            self.used_params[i] = true;
            Expr {
                kind: ExprKind::Param(i),
                ty: self.params[i].ty.clone(),
                span: first.span,
            }
        } else {
            self.unknown_name(first);
            return None;
        };
        let mut so_far = name.to_string();
        for field in &parts[1..] {
            let Ty::Record(r) = x.ty else {
                self.error(
                    Diagnostic::error(
                        "zhice::check::not-a-record",
                        format!("`{so_far}` has no fields"),
                        field.span,
                    )
                    .label(format!("{} has no field `{}`", self.type_name(&x.ty), field.node))
                    .help("fields are read from records: `project.assessed`"),
                );
                return None;
            };
            let Some(fi) = self.records[r].fields.iter().position(|f| f.name == field.node) else {
                let names: Vec<&str> = self.records[r].fields.iter().map(|f| f.name.as_str()).collect();
                let help = match closest(&field.node, names.iter().copied()) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("the fields of `{}` are {}", self.records[r].name, names.join(", ")),
                };
                self.error(
                    Diagnostic::error(
                        "zhice::check::unknown-field",
                        format!("`{}` has no field `{}`", self.records[r].name, field.node),
                        field.span,
                    )
                    .label("unknown field")
                    .help(help),
                );
                return None;
            };
            let ty = self.records[r].fields[fi].ty.clone();
            x = Expr {
                kind: ExprKind::Field(Box::new(x), fi),
                ty,
                span: first.span.to(field.span),
            };
            so_far = format!("{so_far}.{}", field.node);
        }
        Some(x)
    }

    fn unknown_name(&mut self, name: &ast::Ident) {
        let is_enum_value = self
            .enums
            .iter()
            .find(|en| en.values.iter().any(|(v, _)| *v == name.node));
        let help = if let Some(en) = is_enum_value {
            format!(
                "`{}` is a value of `{}`: compare with `is`, e.g. `x is {}`",
                name.node, en.name, name.node
            )
        } else {
            let names: Vec<String> = self
                .scope
                .iter()
                .map(|(n, _, _)| n.clone())
                .chain(self.inputs.iter().map(|i| i.name.clone()))
                .chain(self.params.iter().map(|p| p.name.clone()))
                .collect();
            match closest(&name.node, names.iter().map(String::as_str)) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "declare it with `input` or `param`".to_string(),
            }
        };
        self.error(
            Diagnostic::error(
                "zhice::check::unknown-name",
                format!("unknown name `{}`", name.node),
                name.span,
            )
            .label("not declared")
            .help(help),
        );
    }

    fn binary(&mut self, op: ast::BinOp, l: &ast::Expr, r: &ast::Expr, e: &ast::Expr) -> Option<Expr> {
        use ast::BinOp::*;
        let x = self.expr(l);
        let y = self.expr(r);
        let (x, y) = (x?, y?);
        let ty = match op {
            Or | And => {
                for (side, src) in [(&x, l), (&y, r)] {
                    if side.ty != Ty::Bool {
                        return self.mismatch(src, &format!("`{}` joins conditions", op.symbol()), &side.ty.clone());
                    }
                }
                Ty::Bool
            }
            Otherwise => {
                let Ty::Optional(inner) = &x.ty else {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::always-given",
                            "`otherwise` is never used: this value is never missing",
                            l.span,
                        )
                        .label(format!("{} is not optional", self.type_name(&x.ty)))
                        .help("remove `otherwise …`"),
                    );
                    return None;
                };
                if **inner != y.ty {
                    return self.mismatch(
                        r,
                        &format!("the fallback must be {}", self.type_name(inner)),
                        &y.ty.clone(),
                    );
                }
                y.ty.clone()
            }
            _ if x.ty.is_optional() => {
                self.error(self.maybe_missing(&x, l));
                return None;
            }
            _ if y.ty.is_optional() => {
                self.error(self.maybe_missing(&y, r));
                return None;
            }
            Eq | Ne => {
                if x.ty != y.ty || matches!(x.ty, Ty::List(_) | Ty::Record(_)) {
                    return self.unit_error(op, &x, &y, e);
                }
                if matches!(x.ty, Ty::Enum(_)) {
                    self.error(
                        Diagnostic::error("zhice::check::enum-compare", "compare a choice with `is`", e.span)
                            .label("`=` between two choices")
                            .help("write `x is first`"),
                    );
                    return None;
                }
                Ty::Bool
            }
            Lt | Le | Gt | Ge => {
                if x.ty != y.ty || !matches!(x.ty, Ty::Int | Ty::Money | Ty::Rate | Ty::Date) {
                    return self.unit_error(op, &x, &y, e);
                }
                Ty::Bool
            }
            Add | Sub => {
                if x.ty != y.ty || !matches!(x.ty, Ty::Int | Ty::Money | Ty::Rate) {
                    return self.unit_error(op, &x, &y, e);
                }
                x.ty.clone()
            }
            Mul => match (&x.ty, &y.ty) {
                (Ty::Int, Ty::Int) => Ty::Int,
                (Ty::Money, Ty::Int) | (Ty::Int, Ty::Money) => Ty::Money,
                _ => return self.unit_error(op, &x, &y, e),
            },
            Of => match (&x.ty, &y.ty) {
                (Ty::Rate, Ty::Money) => Ty::Money,
                _ => return self.unit_error(op, &x, &y, e),
            },
        };
        Some(Expr {
            kind: ExprKind::Binary(op, Box::new(x), Box::new(y)),
            ty,
            span: e.span,
        })
    }

    fn unit_error(&mut self, op: ast::BinOp, x: &Expr, y: &Expr, e: &ast::Expr) -> Option<Expr> {
        use ast::BinOp::*;
        let (tx, ty) = (self.type_name(&x.ty), self.type_name(&y.ty));
        let help = match (op, &x.ty, &y.ty) {
            (Mul, Ty::Money, Ty::Money) => {
                "money times money has no meaning; a share of money is `20% of x`".to_string()
            }
            (Mul, Ty::Rate, Ty::Money) | (Mul, Ty::Money, Ty::Rate) => {
                "a share of an amount is written `20% of x`".to_string()
            }
            (Of, Ty::Money, _) => "the left of `of` is a rate: `20% of x`, not `500万元 of x`".to_string(),
            (Of, Ty::Rate, _) => "`of` takes a share of an amount of money".to_string(),
            _ => format!("`{}` needs two values of the same unit", op.symbol()),
        };
        self.error(
            Diagnostic::error(
                "zhice::check::units",
                format!("`{}` cannot combine {tx} and {ty}", op.symbol()),
                e.span,
            )
            .label(format!("{tx} {} {ty}", op.symbol()))
            .help(help),
        );
        None
    }
}

fn unit_hint(want: &Ty, got: &Ty) -> String {
    match (want, got) {
        (Ty::Money, Ty::Rate) => "a rate is a share: write `rate of amount` to get money".into(),
        (Ty::Money, Ty::Int) => "write money with a unit, e.g. 50万元".into(),
        (Ty::Bool, _) => "a condition is a yes/no test, e.g. `x > 0元` or `sme`".into(),
        _ => "see the table of units in docs/language.md".into(),
    }
}
