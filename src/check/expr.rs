//! Expressions: names resolved, types and units checked, implicit conversions
//! made explicit. Money, rates, numbers and whole numbers are different units:
//! `20% of 500万元` is money, `500万元 of x` and `money * money` are errors; a
//! whole number meets a number or an amount only through an explicit `ToDec`.
//!
//! One concern, long on purpose: the typing rule of each operator and
//! conversion, side by side so that units are decided the same way for all.

use super::decl::const_type;
use super::model::*;
use super::names::{NameUse, Symbol};
use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;

impl Checker<'_> {
    /// Types an expression that must have type `want` (after `optional` is dealt with).
    pub(super) fn expect(&mut self, e: &ast::Expr, want: &Ty, what: &str) -> Option<Expr> {
        let x = self.expr(e)?;
        if &x.ty == want {
            return Some(x);
        }
        if x.ty == Ty::Int && *want == Ty::Number {
            return Some(to_dec(x));
        }
        if x.ty.required() == want {
            self.error(self.maybe_missing(&x, e));
            return None;
        }
        if self.unitless_param(&x, want, e.span) {
            return None;
        }
        self.error(
            Diagnostic::error(
                "zhice::check::type",
                words!(
                    "%{what} must be %{type_name}, but this is %{type_name2}",
                    what = what,
                    type_name = self.type_name(want),
                    type_name2 = self.type_name(&x.ty)
                ),
                e.span,
            )
            .label(words!("this is %{type_name}", type_name = self.type_name(&x.ty)))
            .help(unit_hint(want, &x.ty)),
        );
        None
    }

    /// A parameter written as a bare number (`= 20`, `= 0.2`) where a rate or an
    /// amount is needed: the mistake is in the declaration, so it is reported
    /// there, with the value written as it should be, and the use shown beside.
    fn unitless_param(&mut self, x: &Expr, want: &Ty, used: Span) -> bool {
        let ExprKind::Param(i) = x.kind else { return false };
        if !matches!(x.ty, Ty::Int | Ty::Number) || !matches!(want, Ty::Rate | Ty::Money) {
            return false;
        }
        let name = self.params[i].name.clone();
        let Some(decl) = self.file.params.iter().find(|p| p.name.node == name) else {
            return false;
        };
        let ast::Literal::Number(v) = decl.value.node else {
            return false;
        };
        let (what, fix) = if *want == Ty::Rate {
            // 0.2 and 20 both mean 20% to a drafter; say which one is written.
            let percent = if v < rust_decimal::Decimal::ONE {
                v * rust_decimal::Decimal::ONE_HUNDRED
            } else {
                v
            };
            (words!("a rate"), format!("{}%", percent.normalize()))
        } else {
            (words!("an amount of money"), format!("{}元", v.normalize()))
        };
        self.error(
            Diagnostic::error(
                "zhice::check::units",
                words!(
                    "parameter `%{name}` is a plain number, but it is used as %{what}",
                    name = name,
                    what = what
                ),
                decl.value.span,
            )
            .label(words!("no unit"))
            .related(used, words!("used as %{what} here", what = what))
            .help(words!("write `%{fix}`", fix = fix))
            .fix(decl.value.span, fix),
        );
        true
    }

    fn maybe_missing(&self, x: &Expr, e: &ast::Expr) -> Diagnostic {
        Diagnostic::error(
            "zhice::check::optional",
            words!("this value may be missing from a case"),
            e.span,
        )
        .label(words!("%{type_name} may be missing", type_name = self.type_name(&x.ty)))
        .help(words!(
            "say what applies when it is missing (`x otherwise 0元`), or test it first (`when x is given`)"
        ))
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> Option<Expr> {
        // Only the direct operand of `rounded to` may be a division.
        let rounding_operand = std::mem::take(&mut self.rounding_operand);
        let (kind, ty) = match &e.kind {
            ast::ExprKind::Literal(lit) => {
                self.currency_of(lit, e.span);
                let c = self.constant(&crate::span::Spanned::new(lit.clone(), e.span));
                let ty = const_type(&c);
                (ExprKind::Const(c), ty)
            }
            ast::ExprKind::Path(parts) => return self.path(parts),
            ast::ExprKind::Not(inner) => {
                let x = self.expect(inner, &Ty::Bool, &t!("the operand of `not`"))?;
                (ExprKind::Not(Box::new(x)), Ty::Bool)
            }
            ast::ExprKind::Neg(inner) => {
                let x = self.expr(inner)?;
                if !x.ty.is_numeric() {
                    return self.mismatch(e, words!("only numbers can be negated"), &x.ty);
                }
                let ty = x.ty.clone();
                (ExprKind::Neg(Box::new(x)), ty)
            }
            ast::ExprKind::IsGiven { expr, negated } => {
                let x = self.expr(expr)?;
                if !x.ty.is_optional() {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::always-given",
                            words!("this value is never missing"),
                            expr.span,
                        )
                        .label(words!(
                            "%{type_name} is not optional",
                            type_name = self.type_name(&x.ty)
                        ))
                        .help(words!(
                            "only `optional` inputs and fields can be tested with `is given`"
                        )),
                    );
                    return None;
                }
                (ExprKind::IsGiven(Box::new(x), *negated), Ty::Bool)
            }
            ast::ExprKind::Is { expr, value, negated } => {
                let x = self.expr(expr)?;
                let Ty::Enum(en) = *x.ty.required() else {
                    return self.mismatch(e, words!("`is` compares a choice with one of its values"), &x.ty);
                };
                let idx = self.enum_value(en, &value.node, value.span)?;
                (ExprKind::IsValue(Box::new(x), idx, *negated), Ty::Bool)
            }
            ast::ExprKind::Binary(op, l, r) => return self.binary(*op, l, r, e, rounding_operand),
            ast::ExprKind::Call { name, args } => return self.call(name, args, e),
            ast::ExprKind::If(c, t, f) => {
                let c = self.expect(c, &Ty::Bool, &t!("the condition of `if`"));
                let t = self.expr(t);
                let f = self.expr(f);
                let (c, t, f) = (c?, t?, f?);
                let (t, f, ty) = match join(t, f) {
                    Ok(x) => x,
                    Err(pair) => {
                        let (t, f) = *pair;
                        let (tt, ft) = (self.type_name(&t.ty), self.type_name(&f.ty));
                        return self.mismatch(
                            e,
                            t!("the two branches of `if` differ: %{tt} and %{ft}", tt = tt, ft = ft).into_owned(),
                            &f.ty,
                        );
                    }
                };
                (ExprKind::If(Box::new(c), Box::new(t), Box::new(f)), ty)
            }
            ast::ExprKind::Round { expr, unit, mode } => return self.round(expr, unit, *mode, e),
            ast::ExprKind::Aggregate(a) => return self.aggregate(a, e),
            ast::ExprKind::DatePart(part, date) => {
                // an optional date gives an optional part: a year not given is not given
                let d = self.expr(date)?;
                let ty = match &d.ty {
                    Ty::Date => Ty::Int,
                    Ty::Optional(inner) if **inner == Ty::Date => Ty::Optional(Box::new(Ty::Int)),
                    other => {
                        let what = t!("the date `the %{part} of` reads", part = part.keyword());
                        let other = other.clone();
                        return self.mismatch(date, words!("%{what} must be a date", what = what), &other);
                    }
                };
                (ExprKind::DatePart(*part, Box::new(d)), ty)
            }
            ast::ExprKind::Between { unit, from, to } => {
                // an optional date on either side gives an optional count
                let (a, b) = (self.expr(from), self.expr(to));
                let (a, b) = (a?, b?);
                let mut optional = false;
                for (side, src) in [(&a, from), (&b, to)] {
                    match &side.ty {
                        Ty::Date => {}
                        Ty::Optional(inner) if **inner == Ty::Date => optional = true,
                        other => {
                            let other = other.clone();
                            let message = words!(
                                "`the %{unit} from A to B` counts between two dates",
                                unit = unit.plural()
                            );
                            return self.mismatch(src, message, &other);
                        }
                    }
                }
                let ty = if optional {
                    Ty::Optional(Box::new(Ty::Int))
                } else {
                    Ty::Int
                };
                (ExprKind::Between(*unit, Box::new(a), Box::new(b)), ty)
            }
            ast::ExprKind::Edge { end, unit, date } => {
                // an optional date gives an optional day, as its parts do
                let d = self.expr(date)?;
                let ty = match &d.ty {
                    Ty::Date => Ty::Date,
                    Ty::Optional(inner) if **inner == Ty::Date => d.ty.clone(),
                    other => {
                        let other = other.clone();
                        let message = words!("`the start of` and `the end of` read a date");
                        return self.mismatch(date, message, &other);
                    }
                };
                (ExprKind::Edge(*end, *unit, Box::new(d)), ty)
            }
            ast::ExprKind::Period { .. } => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::period-alone",
                        words!("a period stands only after a date and `+` or `-`"),
                        e.span,
                    )
                    .label(words!("a period, not a value"))
                    .help(words!("move a date by it (`founded + 3 years`), or count a period between two dates: `the years from founded to date`")),
                );
                return None;
            }
            ast::ExprKind::Quantified(q) => return self.quantified(q, e),
            ast::ExprKind::UpTo { .. }
            | ast::ExprKind::Tier { .. }
            | ast::ExprKind::Pick { .. }
            | ast::ExprKind::Each { .. }
            | ast::ExprKind::Bands { .. }
            | ast::ExprKind::Capped { .. } => return self.form(e),
        };
        Some(Expr { kind, ty, span: e.span })
    }

    pub(super) fn mismatch(&mut self, e: &ast::Expr, message: impl Into<crate::lang::Words>, got: &Ty) -> Option<Expr> {
        self.error(
            Diagnostic::error("zhice::check::type", message, e.span)
                .label(words!("this is %{type_name}", type_name = self.type_name(got)))
                .help(words!("see the table of units in docs/language.md")),
        );
        None
    }

    fn call(&mut self, name: &ast::Ident, args: &[ast::Expr], e: &ast::Expr) -> Option<Expr> {
        let fname = name.node.as_str();
        if fname != "min" && fname != "max" {
            self.error(
                Diagnostic::error(
                    "zhice::check::unknown-function",
                    words!("unknown function `%{fname}`", fname = fname),
                    name.span,
                )
                .label(words!("not a function"))
                .help(words!(
                    "the functions are `min(a, b, …)` and `max(a, b, …)`; caps are written `at most …`"
                )),
            );
            return None;
        }
        let xs: Vec<Expr> = args.iter().filter_map(|a| self.expr(a)).collect();
        if xs.len() != args.len() {
            return None;
        }
        if let Some(bad) = xs.iter().find(|x| !(x.ty.is_numeric() || x.ty == Ty::Date)) {
            let ty = bad.ty.clone();
            return self.mismatch(e, words!("`min` and `max` take numbers, amounts or dates"), &ty);
        }
        let Some(ty) = xs.iter().try_fold(xs[0].ty.clone(), |acc, x| join_ty(&acc, &x.ty)) else {
            let tys: Vec<String> = xs.iter().map(|x| self.type_name(&x.ty)).collect();
            self.error(
                Diagnostic::error(
                    "zhice::check::units",
                    words!("the arguments of `min` and `max` must have the same unit"),
                    e.span,
                )
                .label(tys.join(", "))
                .help(words!(
                    "compare like with like: amounts with amounts (`min(x, 3元)`), numbers with numbers"
                )),
            );
            return None;
        };
        let xs: Vec<Expr> = xs.into_iter().map(|x| coerce(x, &ty)).collect();
        let kind = if fname == "min" {
            ExprKind::Min(xs)
        } else {
            ExprKind::Max(xs)
        };
        Some(Expr { kind, ty, span: e.span })
    }

    /// `x rounded to UNIT [MODE]`
    fn round(
        &mut self,
        inner: &ast::Expr,
        unit: &crate::span::Spanned<rust_decimal::Decimal>,
        mode: Option<RoundMode>,
        e: &ast::Expr,
    ) -> Option<Expr> {
        self.rounding_operand = true;
        let x = self.expr(inner);
        self.rounding_operand = false;
        let x = x?;
        if !matches!(x.ty, Ty::Money | Ty::Number | Ty::Rate) {
            return self.mismatch(e, words!("only amounts, numbers and rates are rounded"), &x.ty);
        }
        if !super::is_power_of_ten(unit.node) {
            self.error(
                Diagnostic::error(
                    "zhice::check::rounding-unit",
                    words!("the rounding unit must be a power of ten"),
                    unit.span,
                )
                .label(words!("e.g. 0.01 or 1"))
                .help(words!("round to 0.01 for 分, 1 for 元, 10000 for 万元")),
            );
            return None;
        }
        let Some(mode) = mode.or(self.rounding.as_ref().map(|r| r.mode)) else {
            self.error(
                Diagnostic::error(
                    "zhice::check::rounding-mode",
                    words!("this rounding says no mode, and the header states none"),
                    e.span,
                )
                .label(words!("rounded how?"))
                .help(words!(
                    "write the mode: `rounded to 0.01 half-away-from-zero` (or half-even, down, up)"
                )),
            );
            return None;
        };
        let ty = x.ty.clone();
        Some(Expr {
            kind: ExprKind::Round(Box::new(x), unit.node.normalize(), mode),
            ty,
            span: e.span,
        })
    }

    /// Binds the item of a list for an aggregate, quantifier or `each`: its slot and type.
    pub(super) fn bind_item(&mut self, var: &ast::Ident, list: &Expr, list_src: &ast::Expr) -> Option<usize> {
        let Ty::List(item) = &list.ty else {
            self.mismatch(list_src, words!("this is not a list"), &list.ty.clone());
            return None;
        };
        let item = (**item).clone();
        let slot = self.new_local();
        self.scope.push((var.node.clone(), item, slot, var.span));
        self.names.push(NameUse {
            span: var.span,
            symbol: Symbol::Local(var.span),
            decl: true,
            in_tests: false,
        });
        Some(slot)
    }

    /// An optional filter and key over the bound item (`where …`, `distinct by …`, `once per …`).
    pub(super) fn filter_and_key(
        &mut self,
        filter: Option<&ast::Expr>,
        key: Option<&ast::Expr>,
        key_words: &str,
    ) -> (Option<Option<Expr>>, Option<Option<Expr>>) {
        let filter = filter.map(|f| self.expect(f, &Ty::Bool, &t!("the filter after `where`")));
        let key = key.map(|k| {
            let x = self.expr(k)?;
            if !matches!(x.ty, Ty::Text | Ty::Enum(_) | Ty::Int) {
                self.error(
                    Diagnostic::error(
                        "zhice::check::item-key",
                        words!("`%{key_words}` needs a key that names the item", key_words = key_words),
                        k.span,
                    )
                    .label(words!("this is %{type_name}", type_name = self.type_name(&x.ty)))
                    .help(words!(
                        "use a text, choice or whole number that identifies the item, e.g. `%{key_words} item.id`",
                        key_words = key_words
                    )),
                );
                return None;
            }
            Some(x)
        });
        (filter, key)
    }

    fn aggregate(&mut self, a: &ast::Aggregate, e: &ast::Expr) -> Option<Expr> {
        let list = self.expr(&a.list)?;
        let local = self.bind_item(&a.var, &list, &a.list)?;
        let body = a.body.as_ref().map(|b| self.expr(b));
        let (filter, distinct) = self.filter_and_key(a.filter.as_ref(), a.distinct.as_ref(), "distinct by");
        self.scope.pop();
        let body = match body {
            Some(b) => Some(b?),
            None => None,
        };
        let (filter, distinct) = (settle(filter)?, settle(distinct)?);
        let ty = match (a.kind.node, &body) {
            (AggKind::Count, _) => Ty::Int,
            (AggKind::Sum, Some(b)) if b.ty.is_numeric() => b.ty.clone(),
            (AggKind::Highest | AggKind::Lowest, Some(b)) if b.ty.is_numeric() || b.ty == Ty::Date => {
                Ty::Optional(Box::new(b.ty.clone()))
            }
            (_, Some(b)) => {
                let ty = b.ty.clone();
                let body_src = a.body.as_ref().unwrap_or(e);
                return self.mismatch(
                    body_src,
                    t!("`%{words}` takes amounts or numbers", words = a.kind.node.words()).into_owned(),
                    &ty,
                );
            }
            (_, None) => return None,
        };
        Some(Expr {
            kind: ExprKind::Aggregate(Box::new(Aggregate {
                kind: a.kind.node,
                local,
                list,
                filter,
                distinct,
                body,
            })),
            ty,
            span: e.span,
        })
    }

    fn quantified(&mut self, q: &ast::Quantified, e: &ast::Expr) -> Option<Expr> {
        let list = self.expr(&q.list)?;
        let local = self.bind_item(&q.var, &list, &q.list)?;
        let (filter, _) = self.filter_and_key(q.filter.as_ref(), None, "");
        let test = self.expect(&q.test, &Ty::Bool, &t!("the condition after `satisfies`"));
        self.scope.pop();
        let filter = settle(filter)?;
        Some(Expr {
            kind: ExprKind::Quantified(Box::new(Quantified {
                every: q.every,
                local,
                list,
                filter,
                test: test?,
            })),
            ty: Ty::Bool,
            span: e.span,
        })
    }

    fn binary(&mut self, op: ast::BinOp, l: &ast::Expr, r: &ast::Expr, e: &ast::Expr, rounded: bool) -> Option<Expr> {
        use ast::BinOp::*;
        if let (Add | Sub, ast::ExprKind::Period { count, unit }) = (op, &r.kind) {
            return self.shift(op == Sub, l, count, *unit, e);
        }
        let x = self.expr(l);
        let y = self.expr(r);
        let (x, y) = (x?, y?);
        let made = |kind, ty| Some(Expr { kind, ty, span: e.span });
        let bin = |x: Expr, y: Expr| ExprKind::Binary(op, Box::new(x), Box::new(y));
        match op {
            Or | And => {
                for (side, src) in [(&x, l), (&y, r)] {
                    if side.ty != Ty::Bool {
                        return self.mismatch(
                            src,
                            t!("`%{symbol}` joins conditions", symbol = op.symbol()).into_owned(),
                            &side.ty.clone(),
                        );
                    }
                }
                return made(bin(x, y), Ty::Bool);
            }
            Otherwise => {
                let Ty::Optional(inner) = x.ty.clone() else {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::always-given",
                            words!("`otherwise` is never used: this value is never missing"),
                            l.span,
                        )
                        .label(words!(
                            "%{type_name} is not optional",
                            type_name = self.type_name(&x.ty)
                        ))
                        .help(words!("remove `otherwise …`")),
                    );
                    return None;
                };
                let y = match (&*inner, &y.ty) {
                    (a, b) if a == b => y,
                    (Ty::Number, Ty::Int) => to_dec(y),
                    _ => {
                        return self.mismatch(
                            r,
                            t!("the fallback must be %{type_name}", type_name = self.type_name(&inner)).into_owned(),
                            &y.ty.clone(),
                        )
                    }
                };
                let ty = y.ty.clone();
                return made(bin(x, y), ty);
            }
            _ => {}
        }
        if x.ty.is_optional() {
            self.error(self.maybe_missing(&x, l));
            return None;
        }
        if y.ty.is_optional() {
            self.error(self.maybe_missing(&y, r));
            return None;
        }
        match op {
            Eq | Ne | Lt | Le | Gt | Ge => {
                let ordered = matches!(op, Lt | Le | Gt | Ge);
                let ok = |t: &Ty| {
                    if ordered {
                        t.is_numeric() || *t == Ty::Date
                    } else {
                        !matches!(t, Ty::List(_) | Ty::Record(_))
                    }
                };
                match join(x, y) {
                    Ok((x, y, ty)) if ok(&ty) => made(bin(x, y), Ty::Bool),
                    Ok((x, y, _)) => self.unit_error(op, &x, &y, e),
                    Err(pair) => self.unit_error(op, &pair.0, &pair.1, e),
                }
            }
            Add | Sub => match join(x, y) {
                Ok((x, y, ty)) if ty.is_numeric() => made(bin(x, y), ty),
                Ok((x, y, _)) => self.unit_error(op, &x, &y, e),
                Err(pair) => self.unit_error(op, &pair.0, &pair.1, e),
            },
            Mul => match (&x.ty, &y.ty) {
                (Ty::Int, Ty::Int) => made(bin(x, y), Ty::Int),
                (Ty::Int | Ty::Number, Ty::Int | Ty::Number) => made(bin(to_dec(x), to_dec(y)), Ty::Number),
                (Ty::Money | Ty::Rate, Ty::Int | Ty::Number) => {
                    let ty = x.ty.clone();
                    made(bin(x, to_dec(y)), ty)
                }
                (Ty::Int | Ty::Number, Ty::Money | Ty::Rate) => {
                    let ty = y.ty.clone();
                    made(bin(to_dec(x), y), ty)
                }
                _ => self.unit_error(op, &x, &y, e),
            },
            Div => {
                let ty = match (&x.ty, &y.ty) {
                    (Ty::Money | Ty::Rate, Ty::Int | Ty::Number) => x.ty.clone(),
                    (Ty::Money, Ty::Money) | (Ty::Rate, Ty::Rate) => Ty::Number,
                    (Ty::Int | Ty::Number, Ty::Int | Ty::Number) => Ty::Number,
                    _ => return self.unit_error(op, &x, &y, e),
                };
                if !rounded {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::unrounded-division",
                            words!("a division must say how its result is rounded"),
                            e.span)
                        .label(words!("the quotient may have endless decimals"))
                        .help(words!("round it where it happens: `a / b rounded to 0.01`, in parentheses when more follows: `(a / b rounded to 0.01) * c`")));
                    return None;
                }
                made(bin(to_dec(x), to_dec(y)), ty)
            }
            Of => match (&x.ty, &y.ty) {
                (Ty::Rate, Ty::Money) => made(bin(x, y), Ty::Money),
                _ => self.unit_error(op, &x, &y, e),
            },
            Or | And | Otherwise => None,
        }
    }

    /// `D + N years`, `D - N months`: the date moved by a whole number of units.
    fn shift(
        &mut self,
        back: bool,
        date: &ast::Expr,
        count: &ast::Expr,
        unit: ast::DatePart,
        e: &ast::Expr,
    ) -> Option<Expr> {
        let d = self.expr(date);
        let n = self.expr(count);
        let (d, n) = (d?, n?);
        let ty = match &d.ty {
            Ty::Date => Ty::Date,
            Ty::Optional(inner) if **inner == Ty::Date => d.ty.clone(),
            other => {
                let other = other.clone();
                return self.mismatch(date, words!("a period is added to or taken from a date"), &other);
            }
        };
        if n.ty != Ty::Int {
            let other = n.ty.clone();
            return self.mismatch(count, words!("a period counts whole years, months or days"), &other);
        }
        let n = if back {
            Expr {
                span: n.span,
                ty: Ty::Int,
                kind: ExprKind::Neg(Box::new(n)),
            }
        } else {
            n
        };
        Some(Expr {
            kind: ExprKind::Shift(Box::new(d), Box::new(n), unit),
            ty,
            span: e.span,
        })
    }

    fn unit_error(&mut self, op: ast::BinOp, x: &Expr, y: &Expr, e: &ast::Expr) -> Option<Expr> {
        use ast::BinOp::*;
        if op == Of && self.unitless_param(x, &Ty::Rate, e.span) {
            return None;
        }
        let (tx, ty) = (self.type_name(&x.ty), self.type_name(&y.ty));
        let help = match (op, &x.ty, &y.ty) {
            (Mul, Ty::Money, Ty::Money) => {
                t!("money times money has no meaning; a share of money is `20% of x`").into_owned()
            }
            (Mul, Ty::Rate, Ty::Money) | (Mul, Ty::Money, Ty::Rate) => {
                t!("a share of an amount is written `20% of x`").into_owned()
            }
            (Of, Ty::Money, _) => t!("the left of `of` is a rate: `20% of x`, not `500万元 of x`").into_owned(),
            (Of, Ty::Int | Ty::Number, _) => {
                t!("the left of `of` is a rate, written with %: `20% of x`, not `20 of x` or `0.2 of x`").into_owned()
            }
            (Of, Ty::Rate, _) => t!("`of` takes a share of an amount of money").into_owned(),
            (Eq | Ne, Ty::Enum(_), _) | (Eq | Ne, _, Ty::Enum(_)) => {
                t!("compare a choice with one of its values: `x is first` or `x = first`").into_owned()
            }
            (Add | Sub, Ty::Money, Ty::Int | Ty::Number) | (Add | Sub, Ty::Int | Ty::Number, Ty::Money) => {
                t!("write money with a unit, e.g. 50万元").into_owned()
            }
            (Sub, Ty::Date, Ty::Date) => {
                t!("the time between two dates is counted in a unit: `the days from a to b`, `the years from a to b`")
                    .into_owned()
            }
            (Add | Sub, Ty::Date, Ty::Int | Ty::Number) => {
                t!("a date moves by a period with its unit: `d + 30 days`, `d - 3 years`").into_owned()
            }
            _ => t!("`%{symbol}` needs two values of the same unit", symbol = op.symbol()).into_owned(),
        };
        self.error(
            Diagnostic::error(
                "zhice::check::units",
                words!(
                    "`%{symbol}` cannot combine %{tx} and %{ty}",
                    symbol = op.symbol(),
                    tx = tx,
                    ty = ty
                ),
                e.span,
            )
            .label(words!("%{tx} %{symbol} %{ty}", tx = tx, symbol = op.symbol(), ty = ty))
            .help(help),
        );
        None
    }
}

/// A part that may be absent (`None`) or present and checked (`Some(Some(_))`); `None` when it had errors.
pub(super) fn settle(x: Option<Option<Expr>>) -> Option<Option<Expr>> {
    match x {
        None => Some(None),
        Some(Some(e)) => Some(Some(e)),
        Some(None) => None,
    }
}

/// A whole number read as a decimal; anything else unchanged.
pub(super) fn to_dec(e: Expr) -> Expr {
    if e.ty != Ty::Int {
        return e;
    }
    let span = e.span;
    Expr {
        kind: ExprKind::ToDec(Box::new(e)),
        ty: Ty::Number,
        span,
    }
}

/// `e` converted to `ty`, when that is a widening from a whole number.
pub(super) fn coerce(e: Expr, ty: &Ty) -> Expr {
    if e.ty == Ty::Int && ty.is_decimal() {
        to_dec(e)
    } else {
        e
    }
}

/// The type two values share, widening a whole number to a number.
pub(super) fn join_ty(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (a, b) if a == b => Some(a.clone()),
        (Ty::Int, Ty::Number) | (Ty::Number, Ty::Int) => Some(Ty::Number),
        _ => None,
    }
}

/// Two values made the same type, or given back unchanged when they cannot be.
pub(super) fn join(x: Expr, y: Expr) -> Result<(Expr, Expr, Ty), Box<(Expr, Expr)>> {
    match join_ty(&x.ty, &y.ty) {
        Some(ty) => {
            let (x, y) = (coerce(x, &ty), coerce(y, &ty));
            Ok((x, y, ty))
        }
        None => Err(Box::new((x, y))),
    }
}

fn unit_hint(want: &Ty, got: &Ty) -> String {
    match (want, got) {
        (Ty::Money, Ty::Rate) => t!("a rate is a share: write `rate of amount` to get money"),
        (Ty::Money, Ty::Int | Ty::Number) => t!("write money with a unit, e.g. 50万元"),
        (Ty::Rate, Ty::Int | Ty::Number) => t!("write a rate with %, e.g. 20%"),
        (Ty::Bool, Ty::Enum(_)) => {
            t!("a value of a choice is not a condition: compare a choice with it, e.g. `x is first`")
        }
        (Ty::Bool, _) => t!("a condition is a yes/no test, e.g. `x > 0元` or `sme`"),
        _ => t!("see the table of units in docs/language.md"),
    }
    .into_owned()
}
