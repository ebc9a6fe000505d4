//! What a compiled closure reads: a slot's path (an input, a parameter, an
//! item, a field of one), resolved once when the policy is compiled, and
//! the constants held in place of a closure.

use super::Env;
use crate::check::model::{Expr, ExprKind};
use crate::eval::EvalError;
use crate::value::Value;

pub(super) type Code<T> = Box<dyn Fn(&mut Env) -> Result<T, EvalError> + Send + Sync>;

/// An amount or a count: a constant (a literal, or a parameter with one value
/// on every day) is held, so that reading it is a branch, not a call.
pub(super) enum Held<T> {
    Const(T),
    Code(Code<T>),
}

impl<T: Copy> Held<T> {
    #[inline(always)]
    pub fn get(&self, env: &mut Env) -> Result<T, EvalError> {
        match self {
            Held::Const(x) => Ok(*x),
            Held::Code(f) => f(env),
        }
    }
}

/// `f` as the code of an amount or a count.
pub(super) fn code<T>(f: impl Fn(&mut Env) -> Result<T, EvalError> + Send + Sync + 'static) -> Held<T> {
    Held::Code(Box::new(f))
}

/// Where a slot's value is read from, borrowed: an input, a parameter, an
/// item, a field of one of them. The shapes policies use most are their own
/// variants, so that reading one is a single match, not a walk.
#[derive(Debug, Clone)]
pub(super) enum Path {
    Input(usize),
    Param(usize),
    Local(usize),
    /// `project.qualified`: a field of an item
    LocalField(usize, usize),
    Field(Box<Path>, usize),
}

impl Path {
    pub(super) fn of(e: &Expr) -> Option<Path> {
        Some(match &e.kind {
            ExprKind::Input(i) => Path::Input(*i),
            ExprKind::Param(i) => Path::Param(*i),
            ExprKind::Local(i) => Path::Local(*i),
            ExprKind::Field(rec, f) => match Path::of(rec)? {
                Path::Local(l) => Path::LocalField(l, *f),
                rec => Path::Field(Box::new(rec), *f),
            },
            ExprKind::Const(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
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
            | ExprKind::Capped { .. } => return None,
        })
    }

    #[inline(always)]
    pub(super) fn get<'e>(&self, env: &'e Env) -> Option<&'e Value> {
        match self {
            Path::Input(i) => env.case.slots.get(*i),
            Path::Param(i) => env.params.get(*i),
            Path::Local(i) => env.locals.get(*i),
            Path::LocalField(l, f) => match env.locals.get(*l)? {
                Value::Record(fields) => env.case.items_at(*fields).get(*f),
                _ => None,
            },
            Path::Field(rec, f) => match rec.get_nested(env)? {
                Value::Record(fields) => env.case.items_at(*fields).get(*f),
                _ => None,
            },
        }
    }

    /// `get`, out of line: a field of a field is rare.
    #[inline(never)]
    fn get_nested<'e>(&self, env: &'e Env) -> Option<&'e Value> {
        self.get(env)
    }
}

/// A closure that reads `path` and takes what `pick` finds there, or else
/// asks `tree` (the reference evaluator). The path's shape is matched here,
/// once, so that the closure a case runs reads its slot directly.
pub(super) fn read<R: 'static>(
    path: Path,
    pick: impl Fn(&Value) -> Option<R> + Copy + Send + Sync + 'static,
    tree: Code<R>,
) -> Code<R> {
    match path {
        Path::Input(i) => Box::new(move |env| match env.case.slots.get(i).and_then(pick) {
            Some(r) => Ok(r),
            None => tree(env),
        }),
        Path::Param(i) => Box::new(move |env| match env.params.get(i).and_then(pick) {
            Some(r) => Ok(r),
            None => tree(env),
        }),
        path => Box::new(move |env| match path.get(env).and_then(pick) {
            Some(r) => Ok(r),
            None => tree(env),
        }),
    }
}
