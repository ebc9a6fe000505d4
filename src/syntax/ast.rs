//! The policy as written: one node per construct, every node with its span.
//! Names are still strings here; the checker resolves them.

use crate::span::{Span, Spanned};
use rust_decimal::Decimal;

pub type Ident = Spanned<String>;

/// A whole `.policy` file (or a `.tests` file, which has only `tests`).
#[derive(Debug, Default)]
pub struct File {
    pub header: Option<Header>,
    pub enums: Vec<EnumDecl>,
    pub records: Vec<RecordDecl>,
    pub inputs: Vec<InputDecl>,
    pub params: Vec<ParamDecl>,
    pub measures: Vec<Measure>,
    pub benefits: Vec<Benefit>,
    pub clauses: Vec<Clause>,
    pub tests: Vec<TestBlock>,
}

/// `policy "标题" { version "征求意见稿" effective 2025-01-01 currency CNY rounding … }`
#[derive(Debug)]
pub struct Header {
    pub title: Spanned<String>,
    pub version: Option<Spanned<String>>,
    pub effective: Option<Spanned<Date>>,
    pub currency: Option<Ident>,
    pub rounding: Option<Rounding>,
    pub span: Span,
}

/// `rounding 0.01 half-away-from-zero after each rate and on each award`
#[derive(Debug, Clone)]
pub struct Rounding {
    pub unit: Spanned<Decimal>,
    pub mode: RoundMode,
    pub after_rate: bool,
    pub on_award: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// 四舍五入
    HalfAwayFromZero,
    /// banker's rounding
    HalfEven,
    /// toward zero
    Down,
    /// away from zero
    Up,
}

impl RoundMode {
    /// The mode as a drafter writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            RoundMode::HalfAwayFromZero => "half-away-from-zero",
            RoundMode::HalfEven => "half-even",
            RoundMode::Down => "down",
            RoundMode::Up => "up",
        }
    }
}

/// A calendar date as written, `2025-01-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// `enum Prize "奖项" { first "一等奖", second "二等奖" }`
#[derive(Debug)]
pub struct EnumDecl {
    pub name: Ident,
    pub label: Option<String>,
    pub values: Vec<(Ident, Option<String>)>,
    pub span: Span,
}

/// `record Project { qualified: bool, assessed: optional money >= 0 }`
#[derive(Debug)]
pub struct RecordDecl {
    pub name: Ident,
    pub label: Option<String>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Debug)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: Option<String>,
}

/// `input sme: bool "中小微企业"`
#[derive(Debug)]
pub struct InputDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: Option<String>,
    pub span: Span,
}

/// `optional int 3..5`, `list of Project`, `money >= 0`
#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub optional: bool,
    pub list: bool,
    pub name: Ident,
    pub bound: Option<Bound>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Bound {
    pub min: Option<Spanned<Literal>>,
    pub max: Option<Spanned<Literal>>,
    pub span: Span,
}

/// `param data_space_cap "上限" = 500万元 from 2026-01-01 = 800万元`
#[derive(Debug)]
pub struct ParamDecl {
    pub name: Ident,
    pub label: Option<String>,
    pub value: Spanned<Literal>,
    pub dated: Vec<(Spanned<Date>, Spanned<Literal>)>,
    pub span: Span,
}

/// `measure dcmm 第二条（四） "提升企业数据治理能力" { … }`
#[derive(Debug)]
pub struct Measure {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub conditions: Vec<Expr>,
    pub award: Option<Amount>,
    pub top_up: Option<Span>,
    pub once: Option<Span>,
    pub caps: Vec<Cap>,
    pub span: Span,
}

/// `at most 200万元 per applicant per year`
#[derive(Debug)]
pub struct Cap {
    pub limit: Expr,
    pub scope: CapScope,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapScope {
    /// `at most X`: on this award
    Award,
    /// `at most X per applicant per year`: with what the ledger holds this year
    Year,
    /// `at most X per applicant`: with everything the ledger holds
    Ever,
}

/// `benefit talent 第六条（十五） "加大数据要素人才引进力度" { text "…" }`
#[derive(Debug)]
pub struct Benefit {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub conditions: Vec<Expr>,
    pub span: Span,
}

/// `clause final_provisions 第七条（十八） "附则" { text "…" }`
#[derive(Debug)]
pub struct Clause {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub span: Span,
}

/// An award amount, possibly capped: `up to 50万元, assessed p.assessed, at most 40万元`
#[derive(Debug)]
pub struct Amount {
    pub kind: AmountKind,
    pub cap: Option<Expr>,
    pub span: Span,
}

#[derive(Debug)]
pub enum AmountKind {
    /// `data_space_rate of data_space_investment`
    Expr(Expr),
    /// `up to 50万元, assessed project.assessed`
    UpTo { ceiling: Expr, assessed: Option<Expr> },
    /// `by dcmm_level { 3 => 30万元 … }`
    Tier { key: Expr, rows: Vec<TierRow> },
    /// `the highest of { … }`
    Pick {
        policy: Spanned<HitPolicy>,
        alternatives: Vec<Alternative>,
    },
    /// `each p in list where cond: amount once per p.id`
    Each {
        var: Ident,
        list: Expr,
        filter: Option<Expr>,
        body: Box<Amount>,
        once_per: Option<Expr>,
    },
}

#[derive(Debug)]
pub struct TierRow {
    pub key: Spanned<TierKey>,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TierKey {
    Otherwise,
    Literal(Literal),
    Range(Literal, Literal),
    Name(String),
}

/// How alternatives combine when several apply (DMN's hit policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPolicy {
    /// `the highest of`: only the highest applies (按照最高奖项标准)
    Highest,
    /// `the first of`: the first that applies, in written order
    First,
    /// `the sum of`: all that apply, added up
    Sum,
    /// `one of`: the alternatives never overlap; the checker proves it
    One,
}

impl HitPolicy {
    /// The words that open the alternatives: `the highest of`.
    pub fn keyword(self) -> &'static str {
        match self {
            HitPolicy::Highest => "the highest of",
            HitPolicy::First => "the first of",
            HitPolicy::Sum => "the sum of",
            HitPolicy::One => "one of",
        }
    }
}

#[derive(Debug)]
pub struct Alternative {
    pub amount: Amount,
    /// `None` for `otherwise => …`
    pub when: Option<Expr>,
    pub span: Span,
}

/// An expression; spans cover the whole written text.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Literal(Literal),
    /// `project.assessed`
    Path(Vec<Ident>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    /// `x is given`, `x is not given`
    IsGiven {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `level is first`, `level is not first`
    Is {
        expr: Box<Expr>,
        value: Ident,
        negated: bool,
    },
    /// `min(a, b)`
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    /// `20% of x`
    Of,
    /// `x otherwise 50万元`
    Otherwise,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Of => "of",
            BinOp::Otherwise => "otherwise",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// yuan
    Money(Decimal),
    /// a fraction: `20%` is 0.2
    Rate(Decimal),
    /// a plain number; an integer when it has no fraction
    Number(Decimal),
    Bool(bool),
    Date(Date),
    Text(String),
}

/// `test "…" { given { … } expect { … } }`
#[derive(Debug)]
pub struct TestBlock {
    pub name: Spanned<String>,
    pub given: Spanned<Data>,
    pub expect: Expect,
    pub span: Span,
}

#[derive(Debug)]
pub enum Expect {
    /// `expect { dcmm: 20万元 }`: exactly these awards, all others 0
    Awards(Vec<(Ident, Spanned<Data>)>),
    /// `expect errors { dcmm_level }`: the case is rejected, naming these fields
    Errors(Vec<Spanned<String>>),
}

/// Case data written in a test, turned into the case JSON before decoding.
#[derive(Debug, Clone)]
pub enum Data {
    Object(Vec<(String, Spanned<Data>)>),
    Array(Vec<Spanned<Data>>),
    Literal(Literal),
    /// a bare name: an enum value or award id
    Name(String),
    Negative(Box<Data>),
}
