//! Expressions → closures of their own type: a condition gives a `bool`, an
//! amount a `Decimal`, a count an `i64`, without building a `Value` or
//! matching on the form at run time. The forms batches run most are compiled
//! here; every other form is one closure that hands its subtree to the
//! reference evaluator (`Cx`), so the two can never disagree on what a rare
//! form means.

use crate::check::model::{BinOp, Const, Expr, ExprKind, HitPolicy, Policy, TierKey, Ty};
use crate::compile::Program;
use crate::eval::expr::{holds, Cx};
use crate::eval::{arithmetic, cents, forms, money, EvalError};
use crate::value::Value;
use rust_decimal::Decimal;
use std::cmp::Ordering;

use super::read::{code, read, Code, Held, Path};

pub(super) type Dec = Held<Decimal>;
pub(super) type Bool = Code<bool>;
pub(super) type Int = Held<i64>;
pub(super) type Val = Code<Value>;

/// Compiles the expressions of one policy.
pub(super) struct Compiler<'p> {
    pub policy: &'p Policy,
    pub program: &'p Program,
}

impl Compiler<'_> {
    /// An amount (money, a rate, a number). `comparing`: inside a comparison,
    /// where `rate of amount` is a threshold, kept exact.
    pub fn dec(&self, e: &Expr, comparing: bool) -> Dec {
        let span = e.span;
        match &e.kind {
            ExprKind::Const(Const::Money(d) | Const::Rate(d) | Const::Number(d)) => Held::Const(*d),
            ExprKind::Input(_) | ExprKind::Param(_) | ExprKind::Local(_) | ExprKind::Field(..) => {
                if let Some(Value::Dec(d)) = self.constant(e) {
                    return Held::Const(*d);
                }
                let (path, tree) = (Path::of(e), self.tree(e, comparing, |cx, e| cx.dec(e)));
                match path {
                    Some(path) => Held::Code(read(
                        path,
                        |v| if let Value::Dec(d) = v { Some(*d) } else { None },
                        tree,
                    )),
                    None => Held::Code(tree),
                }
            }
            ExprKind::Award(m) => {
                let (m, tree) = (*m, self.tree(e, comparing, |cx, e| cx.dec(e)));
                code(move |env| match env.out.awards.get(m) {
                    Some(d) => Ok(*d),
                    None => tree(env),
                })
            }
            ExprKind::Value(v) => {
                let (v, tree) = (*v, self.tree(e, comparing, |cx, e| cx.dec(e)));
                code(move |env| match env.out.values.get(v) {
                    Some(Value::Dec(d)) => Ok(*d),
                    _ => tree(env),
                })
            }
            ExprKind::Binary(BinOp::Of, rate, base) => {
                let (rate, base) = (self.dec(rate, comparing), self.dec(base, comparing));
                // Rounded after each rate where the header says so; a threshold never is.
                let round = self
                    .policy
                    .header
                    .rounding
                    .as_ref()
                    .filter(|r| r.after_rate && !comparing)
                    .map(|r| (r.unit, r.mode));
                code(move |env| {
                    let (r, b) = (rate.get(env)?, base.get(env)?);
                    let exact = r.checked_mul(b).ok_or_else(|| env.overflow(span))?;
                    match round {
                        Some((unit, mode)) => money::round(exact, unit, mode).ok_or_else(|| env.overflow(span)),
                        None => Ok(exact),
                    }
                })
            }
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b)
                if a.ty.is_decimal() && b.ty.is_decimal() =>
            {
                let (op, a, b) = (*op, self.dec(a, comparing), self.dec(b, comparing));
                code(move |env| {
                    let (x, y) = (a.get(env)?, b.get(env)?);
                    arithmetic(env.owner, op, x, y, span)
                })
            }
            ExprKind::ToDec(a) => {
                let a = self.int(a, comparing);
                code(move |env| Ok(Decimal::from(a.get(env)?)))
            }
            ExprKind::Neg(a) if a.ty.is_decimal() => {
                let a = self.dec(a, comparing);
                code(move |env| Ok(-a.get(env)?))
            }
            ExprKind::If(c, t, f) if t.ty.is_decimal() && f.ty.is_decimal() => {
                let (c, t, f) = (self.truth(c, comparing), self.dec(t, comparing), self.dec(f, comparing));
                code(move |env| if c(env)? { t.get(env) } else { f.get(env) })
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) if !xs.is_empty() && xs.iter().all(|x| x.ty.is_decimal()) => {
                let want = if matches!(e.kind, ExprKind::Min(_)) {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let xs: Vec<Dec> = xs.iter().map(|x| self.dec(x, comparing)).collect();
                code(move |env| {
                    let mut best: Option<Decimal> = None;
                    for x in &xs {
                        let v = x.get(env)?;
                        best = match best {
                            Some(b) if cents::compare(v, b) != want => Some(b),
                            _ => Some(v),
                        };
                    }
                    Ok(best.unwrap_or_default())
                })
            }
            ExprKind::Round(x, unit, mode) => {
                let (x, unit, mode) = (self.dec(x, comparing), *unit, *mode);
                code(move |env| money::round(x.get(env)?, unit, mode).ok_or_else(|| env.overflow(span)))
            }
            ExprKind::UpTo { ceiling, assessed } => {
                let ceiling = self.dec(ceiling, comparing);
                let assessed = assessed.as_deref().map(|x| self.value(x, comparing));
                code(move |env| {
                    let cap = ceiling.get(env)?;
                    let given = match &assessed {
                        Some(x) => match x(env)? {
                            Value::Dec(d) => Some(d),
                            _ => None,
                        },
                        None => None,
                    };
                    Ok(given.map_or(cap, |g| if cents::compare(g, cap).is_le() { g } else { cap }))
                })
            }
            ExprKind::Tier { key, rows } if rows.iter().all(|r| r.amount.ty.is_decimal()) => {
                let key = self.value(key, comparing);
                let rows: Vec<(TierKey, Dec)> = rows
                    .iter()
                    .map(|r| (r.key.clone(), self.dec(&r.amount, comparing)))
                    .collect();
                code(move |env| {
                    let k = key(env)?;
                    // `otherwise` takes every value the rows do not, "not given" included.
                    let row = rows.iter().find(|(row, _)| forms::takes(row, &k));
                    match row {
                        Some((_, amount)) => amount.get(env),
                        None => Ok(Decimal::ZERO),
                    }
                })
            }
            ExprKind::Pick { policy, alternatives }
                if e.ty.is_decimal() && alternatives.iter().all(|a| a.amount.ty.is_decimal()) =>
            {
                let policy = *policy;
                let alts: Vec<(Option<Bool>, Dec)> = alternatives
                    .iter()
                    .map(|a| {
                        (
                            a.when.as_ref().map(|w| self.truth(w, comparing)),
                            self.dec(&a.amount, comparing),
                        )
                    })
                    .collect();
                let spans: Vec<_> = alternatives.iter().map(|a| a.span).collect();
                code(move |env| {
                    let mut best: Option<Decimal> = None;
                    let mut sum = Decimal::ZERO;
                    let mut any = false;
                    for ((when, amount), span) in alts.iter().zip(&spans) {
                        let applies = match when {
                            Some(w) => w(env)?,
                            None => !any,
                        };
                        if !applies {
                            continue;
                        }
                        any = true;
                        let v = amount.get(env)?;
                        sum = sum.checked_add(v).ok_or_else(|| env.overflow(*span))?;
                        best = match best {
                            Some(b) if cents::compare(v, b).is_le() => Some(b),
                            _ => Some(v),
                        };
                        if policy == HitPolicy::First {
                            break;
                        }
                    }
                    Ok(match policy {
                        HitPolicy::Sum => sum,
                        _ => best.unwrap_or(Decimal::ZERO),
                    })
                })
            }
            ExprKind::Each {
                local,
                list,
                filter,
                body,
                once_per,
            } => self.each(e, *local, list, filter.as_deref(), body, once_per.as_deref(), comparing),
            ExprKind::Capped { amount, cap } if amount.ty.is_decimal() && cap.ty.is_decimal() => {
                let (amount, cap) = (self.dec(amount, comparing), self.dec(cap, comparing));
                code(move |env| Ok(money::capped(amount.get(env)?, cap.get(env)?, Decimal::ZERO)))
            }
            // The forms left to the reference evaluator: rare in amounts, or not amounts.
            ExprKind::Const(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Edge(..)
            | ExprKind::Shift(..)
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. } => self.tree_dec(e, comparing),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn each(
        &self,
        e: &Expr,
        local: usize,
        list: &Expr,
        filter: Option<&Expr>,
        body: &Expr,
        once_per: Option<&Expr>,
        comparing: bool,
    ) -> Dec {
        let Some(list) = Path::of(list) else {
            return self.tree_dec(e, comparing);
        };
        let tree = self.tree(e, comparing, |cx, e| cx.dec(e));
        let filter = filter.map(|f| self.truth(f, comparing));
        let key = once_per.map(|k| (self.value(k, comparing), k.ty.clone()));
        let (body, span) = (self.dec(body, comparing), body.span);
        code(move |env| {
            let case = env.case;
            let items: &[Value] = match list.get(env) {
                Some(Value::List(items)) => case.items_at(*items),
                _ => return tree(env),
            };
            let award = match env.owner {
                crate::check::model::Owner::Measure(m) => Some(m),
                _ => None,
            };
            // Keys seen so far go above the item slots, as the reference evaluator keeps them.
            let seen = env.locals.len();
            let mut total = Decimal::ZERO;
            for item in items {
                if let Some(slot) = env.locals.get_mut(local) {
                    *slot = item.clone();
                }
                let k = match &key {
                    Some((k, _)) => Some(k(env)?),
                    None => None,
                };
                if let Some(f) = &filter {
                    if !f(env)? {
                        continue;
                    }
                }
                if let (Some(k), Some((_, ty))) = (k, &key) {
                    if env.locals[seen..].iter().any(|s| s.same(&k, &case.text)) {
                        continue;
                    }
                    let paid = forms::paid_before(env.program, case, award, &k, ty);
                    env.locals.push(k);
                    if paid.is_some() {
                        continue;
                    }
                }
                let v = body.get(env)?;
                total = total.checked_add(v).ok_or_else(|| env.overflow(span))?;
            }
            env.locals.truncate(seen);
            Ok(total)
        })
    }

    /// A condition.
    pub fn truth(&self, e: &Expr, comparing: bool) -> Bool {
        match &e.kind {
            ExprKind::Const(Const::Bool(b)) => {
                let b = *b;
                Box::new(move |_| Ok(b))
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                let (a, b) = (self.truth(a, comparing), self.truth(b, comparing));
                Box::new(move |env| Ok(a(env)? && b(env)?))
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let (a, b) = (self.truth(a, comparing), self.truth(b, comparing));
                Box::new(move |env| Ok(a(env)? || b(env)?))
            }
            ExprKind::Not(a) => {
                let a = self.truth(a, comparing);
                Box::new(move |env| Ok(!a(env)?))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() && a.ty.is_decimal() && b.ty.is_decimal() => {
                let (op, a, b) = (*op, self.dec(a, true), self.dec(b, true));
                Box::new(move |env| {
                    let (x, y) = (a.get(env)?, b.get(env)?);
                    Ok(holds(op, cents::compare(x, y)))
                })
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() && a.ty == Ty::Int && b.ty == Ty::Int => {
                // (the reference evaluator compares whole numbers without entering a comparison)
                let (op, a, b) = (*op, self.int(a, comparing), self.int(b, comparing));
                Box::new(move |env| {
                    let (x, y) = (a.get(env)?, b.get(env)?);
                    Ok(holds(op, x.cmp(&y)))
                })
            }
            ExprKind::IsGiven(a, negated) => match Path::of(a) {
                Some(path) => {
                    let negated = *negated;
                    read(
                        path,
                        move |v| Some((*v != Value::Absent) != negated),
                        self.tree_truth(e, comparing),
                    )
                }
                None => self.tree_truth(e, comparing),
            },
            ExprKind::IsValue(a, v, negated) => match Path::of(a) {
                Some(path) => {
                    let (v, negated) = (*v, *negated);
                    let is = move |x: &Value| Some(matches!(x, Value::Enum(x) if *x == v) != negated);
                    read(path, is, self.tree_truth(e, comparing))
                }
                None => self.tree_truth(e, comparing),
            },
            ExprKind::Input(_) | ExprKind::Param(_) | ExprKind::Local(_) | ExprKind::Field(..) => {
                let (path, tree) = (Path::of(e), self.tree_truth(e, comparing));
                match path {
                    Some(path) => read(path, |v| if let Value::Bool(b) = v { Some(*b) } else { None }, tree),
                    None => tree,
                }
            }
            ExprKind::Const(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::Binary(..)
            | ExprKind::Neg(_)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Edge(..)
            | ExprKind::Shift(..)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. } => self.tree_truth(e, comparing),
        }
    }

    /// A whole number.
    pub fn int(&self, e: &Expr, comparing: bool) -> Int {
        match &e.kind {
            ExprKind::Const(Const::Int(i)) => Held::Const(*i),
            ExprKind::CaseYear => code(|env| Ok(i64::from(env.case.year))),
            ExprKind::Input(_) | ExprKind::Param(_) | ExprKind::Local(_) | ExprKind::Field(..) => {
                if let Some(Value::Int(i)) = self.constant(e) {
                    return Held::Const(*i);
                }
                let (path, tree) = (Path::of(e), self.tree(e, comparing, |cx, e| cx.int(e)));
                match path {
                    Some(path) => Held::Code(read(
                        path,
                        |v| if let Value::Int(i) = v { Some(*i) } else { None },
                        tree,
                    )),
                    None => Held::Code(tree),
                }
            }
            ExprKind::Const(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseDate
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Edge(..)
            | ExprKind::Shift(..)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. } => self.tree_int(e, comparing),
        }
    }

    /// A value of any type, for a table's key, an item's key and the like.
    pub fn value(&self, e: &Expr, comparing: bool) -> Val {
        match Path::of(e) {
            Some(path) => read(path, |v| Some(v.clone()), self.tree_value(e, comparing)),
            None if e.ty.is_decimal() => {
                let d = self.dec(e, comparing);
                Box::new(move |env| d.get(env).map(Value::Dec))
            }
            None if e.ty == Ty::Bool => {
                let b = self.truth(e, comparing);
                Box::new(move |env| b(env).map(Value::Bool))
            }
            None => self.tree_value(e, comparing),
        }
    }

    /// The value of a parameter that has one value on every day.
    fn constant(&self, e: &Expr) -> Option<&Value> {
        let ExprKind::Param(i) = e.kind else {
            return None;
        };
        self.program.constant(i)
    }

    // The reference evaluator, for the forms not compiled above.

    fn tree<T: 'static>(&self, e: &Expr, comparing: bool, f: fn(&mut Cx, &Expr) -> Result<T, EvalError>) -> Code<T> {
        let e = e.clone();
        Box::new(move |env| env.cx(comparing, |cx| f(cx, &e)))
    }

    fn tree_dec(&self, e: &Expr, comparing: bool) -> Dec {
        Held::Code(self.tree(e, comparing, |cx, e| cx.dec(e)))
    }

    fn tree_truth(&self, e: &Expr, comparing: bool) -> Bool {
        self.tree(e, comparing, |cx, e| cx.truth(e))
    }

    fn tree_int(&self, e: &Expr, comparing: bool) -> Int {
        Held::Code(self.tree(e, comparing, |cx, e| cx.int(e)))
    }

    fn tree_value(&self, e: &Expr, comparing: bool) -> Val {
        self.tree(e, comparing, |cx, e| cx.eval(e))
    }
}
