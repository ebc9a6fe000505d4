//! The checked policy: every name resolved to an index, every expression typed.
//! This is what `compile` lowers and what reviewers' tools compare.

use crate::span::Span;
pub use crate::syntax::ast::{BinOp, CapScope, Date, HitPolicy, RoundMode};
use rust_decimal::Decimal;

/// The type of a value in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Bool,
    /// whole numbers: levels, ranks, counts
    Int,
    /// yuan
    Money,
    /// a fraction written as a percentage
    Rate,
    Text,
    Date,
    Enum(usize),
    Record(usize),
    List(Box<Ty>),
    Optional(Box<Ty>),
}

impl Ty {
    /// The type without `optional`.
    pub fn required(&self) -> &Ty {
        match self {
            Ty::Optional(t) => t,
            t => t,
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Optional(_))
    }
}

/// A constant value written in the policy.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    Bool(bool),
    Int(i64),
    Money(Decimal),
    Rate(Decimal),
    Text(String),
    Date(Date),
}

#[derive(Debug, Clone)]
pub struct Rounding {
    pub unit: Decimal,
    pub mode: RoundMode,
    pub after_rate: bool,
    pub on_award: bool,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub title: String,
    pub version: Option<String>,
    pub effective: Option<Date>,
    pub currency: Option<String>,
    pub rounding: Option<Rounding>,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub label: Option<String>,
    pub values: Vec<(String, Option<String>)>,
}

/// Lower and upper bounds on an int or money value, inclusive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Range {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Ty,
    pub range: Range,
    pub label: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RecordDef {
    pub name: String,
    pub label: Option<String>,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    pub label: Option<String>,
    pub ty: Ty,
    pub value: Const,
    /// Later values, each in force from its date on, in date order.
    pub dated: Vec<(Date, Const)>,
    pub span: Span,
}

impl ParamDef {
    /// The value in force on `date`.
    pub fn value_on(&self, date: Date) -> &Const {
        self.dated
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|(_, v)| v)
            .unwrap_or(&self.value)
    }
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Const),
    Input(usize),
    Param(usize),
    /// the item bound by an enclosing `each`
    Local(usize),
    Field(Box<Expr>, usize),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    IsGiven(Box<Expr>, bool),
    /// `x is value` (bool: negated)
    IsValue(Box<Expr>, usize, bool),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone)]
pub struct Amount {
    pub kind: AmountKind,
    /// `, at most …`
    pub cap: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum AmountKind {
    Expr(Expr),
    UpTo {
        ceiling: Expr,
        assessed: Option<Expr>,
    },
    Tier {
        key: Expr,
        rows: Vec<TierRow>,
    },
    Pick {
        policy: HitPolicy,
        alternatives: Vec<Alternative>,
    },
    Each {
        local: usize,
        var: String,
        list: Expr,
        filter: Option<Expr>,
        body: Box<Amount>,
        once_per: Option<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct TierRow {
    pub key: TierKey,
    pub amount: Amount,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TierKey {
    Otherwise,
    /// an enum value index
    Value(usize),
    /// whole numbers `lo..=hi` (a single number has lo == hi)
    Ints(i64, i64),
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub when: Option<Expr>,
    pub amount: Amount,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Cap {
    pub limit: Expr,
    pub scope: CapScope,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
    pub conditions: Vec<Expr>,
    pub award: Amount,
    pub top_up: bool,
    pub once: bool,
    pub caps: Vec<Cap>,
    pub n_locals: usize,
    pub span: Span,
    /// where the id is written, for diagnostics about the measure as a whole
    pub id_span: Span,
}

#[derive(Debug, Clone)]
pub struct Benefit {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
    pub conditions: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub struct ClauseInfo {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
}

/// A drafter's test: a case and what it must yield.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// the case, in the same JSON form an operator feeds
    pub given: serde_json::Value,
    pub expect: Expected,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Expected {
    /// measure index and amount; every measure not listed must award 0
    Awards(Vec<(usize, Decimal)>),
    /// the case is rejected with errors on these fields
    Errors(Vec<String>),
}

/// A policy that passed every check.
#[derive(Debug, Clone)]
pub struct Policy {
    pub header: Header,
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    pub inputs: Vec<FieldDef>,
    pub params: Vec<ParamDef>,
    pub measures: Vec<Measure>,
    pub benefits: Vec<Benefit>,
    pub clauses: Vec<ClauseInfo>,
    pub tests: Vec<TestCase>,
}

impl Policy {
    pub fn measure_index(&self, id: &str) -> Option<usize> {
        self.measures.iter().position(|m| m.id == id)
    }

    /// The type as a drafter writes it.
    pub fn type_name(&self, ty: &Ty) -> String {
        type_name(&self.enums, &self.records, ty)
    }
}

/// The type as a drafter writes it: `optional int`, `list of Project`.
pub fn type_name(enums: &[EnumDef], records: &[RecordDef], ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Money => "money".into(),
        Ty::Rate => "rate".into(),
        Ty::Text => "text".into(),
        Ty::Date => "date".into(),
        Ty::Enum(i) => enums.get(*i).map(|e| e.name.clone()).unwrap_or_default(),
        Ty::Record(i) => records.get(*i).map(|r| r.name.clone()).unwrap_or_default(),
        Ty::List(t) => format!("list of {}", type_name(enums, records, t)),
        Ty::Optional(t) => format!("optional {}", type_name(enums, records, t)),
    }
}
