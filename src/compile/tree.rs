//! The evaluation tree: names are gone, every input, parameter and item is a
//! slot index, and each node knows its operation without looking at types.
//! Nodes that explain themselves carry their source text, so a trace can
//! quote the policy without the source file.

use crate::check::model::{CapScope, HitPolicy, Rounding};
use crate::eval::value::Value;
use crate::span::Span;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
}

#[derive(Debug, Clone)]
pub enum Node {
    Const(Value),
    Input(usize),
    Param(usize),
    Local(usize),
    Field(Box<Node>, usize),
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare(Cmp, Box<Node>, Box<Node>),
    /// decimal arithmetic (money, rates); money × int is `Scale`
    Dec(Arith, Box<Node>, Box<Node>, Span),
    Int(Arith, Box<Node>, Box<Node>, Span),
    /// money × whole number (either order, normalised to money first)
    Scale(Box<Node>, Box<Node>, Span),
    Neg(Box<Node>, Span),
    /// `rate of base`, rounded when the policy says `after each rate`
    Of {
        rate: Box<Node>,
        base: Box<Node>,
        src: Arc<str>,
        span: Span,
    },
    Otherwise(Box<Node>, Box<Node>),
    IsGiven(Box<Node>, bool),
    IsValue(Box<Node>, u32, bool),
    Min(Vec<Node>),
    Max(Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
}

/// An expression together with its text, for traces.
#[derive(Debug, Clone)]
pub struct Quoted {
    pub node: Node,
    pub src: Arc<str>,
    /// the enum its values belong to, to name them in traces and ledger items
    pub enum_type: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Amount {
    pub kind: AmountKind,
    pub cap: Option<Quoted>,
}

#[derive(Debug, Clone)]
pub enum AmountKind {
    Expr(Quoted),
    UpTo {
        ceiling: Quoted,
        assessed: Option<Quoted>,
    },
    Tier {
        key: Quoted,
        rows: Vec<TierRow>,
    },
    Pick {
        policy: HitPolicy,
        alternatives: Vec<Alternative>,
    },
    Each {
        local: usize,
        list: Quoted,
        filter: Option<Quoted>,
        body: Box<Amount>,
        once_per: Option<Quoted>,
    },
}

#[derive(Debug, Clone)]
pub struct TierRow {
    pub key: TierMatch,
    pub src: Arc<str>,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TierMatch {
    Otherwise,
    Enum(u32),
    Ints(i64, i64),
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub when: Option<Quoted>,
    pub amount: Amount,
}

#[derive(Debug, Clone)]
pub struct LedgerCap {
    pub limit: Quoted,
    pub scope: CapScope,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub conditions: Vec<Quoted>,
    pub award: Amount,
    pub top_up: bool,
    pub once: bool,
    pub caps: Vec<LedgerCap>,
    pub n_locals: usize,
}

#[derive(Debug, Clone)]
pub struct Benefit {
    pub conditions: Vec<Quoted>,
}

/// Parameter values in force from a date on, for every parameter.
#[derive(Debug, Clone)]
pub struct ParamSet {
    pub from: Option<crate::syntax::ast::Date>,
    pub values: Vec<Value>,
}

/// A compiled policy, ready to evaluate any number of cases.
#[derive(Debug, Clone)]
pub struct Program {
    pub policy: Arc<crate::check::model::Policy>,
    /// the policy text, for locating evaluation errors
    pub source: Arc<str>,
    pub rounding: Option<Rounding>,
    pub measures: Vec<Measure>,
    pub benefits: Vec<Benefit>,
    /// in date order; the first has `from: None`
    pub param_sets: Vec<ParamSet>,
    /// name → slot tables for decoding cases
    pub schema: crate::eval::decode::Schema,
    /// ids as they are written in every result line
    pub json_names: crate::report::result::JsonNames,
}

impl Program {
    /// Decodes one line of a case file (`line_no` from 1) into this program's slots.
    pub fn decode_line(
        &self,
        line: &str,
        line_no: usize,
    ) -> Result<crate::eval::value::Case, crate::eval::decode::CaseErrors> {
        crate::eval::decode::decode_line(&self.policy, &self.schema, line, line_no)
    }

    /// Decodes one case given as JSON.
    pub fn decode(
        &self,
        json: &serde_json::Value,
    ) -> Result<crate::eval::value::Case, crate::eval::decode::CaseErrors> {
        crate::eval::decode::decode(&self.policy, &self.schema, json)
    }

    /// The parameter values in force on `date`.
    pub fn params_on(&self, date: crate::syntax::ast::Date) -> &[Value] {
        let i = self.param_sets.partition_point(|s| s.from.is_none_or(|f| f <= date));
        self.param_sets
            .get(i.saturating_sub(1))
            .map(|s| s.values.as_slice())
            .unwrap_or(&[])
    }
}
