//! The policy as written: one node per construct, every node with its span.
//! Names are still strings here; the checker resolves them. Amounts are
//! expressions: the block forms (`by`, `the highest of`, `in bands of`,
//! `each`, `up to`) are kinds of `Expr` that the grammar allows where an
//! amount stands.
//!
//! One concern, long on purpose: the types of the syntax tree, which are read
//! together (a form's node beside its siblings) more than apart.

use crate::span::{Span, Spanned};
use rust_decimal::Decimal;

pub use crate::date::Date;

pub type Ident = Spanned<String>;

/// A whole `.policy` file (or a `.tests` file, which has only `tests`).
#[derive(Debug, Default)]
pub struct File {
    pub header: Option<Header>,
    pub enums: Vec<EnumDecl>,
    pub records: Vec<RecordDecl>,
    pub inputs: Vec<InputDecl>,
    pub params: Vec<ParamDecl>,
    pub values: Vec<ValueDecl>,
    pub measures: Vec<Measure>,
    pub rules: Vec<RuleDecl>,
    pub pools: Vec<PoolDecl>,
    pub benefits: Vec<Benefit>,
    pub clauses: Vec<Clause>,
    pub tests: Vec<TestBlock>,
    /// an overlay's own header, read after its base's (see `syntax::overlay`)
    pub overlay_header: Option<Header>,
}

/// `policy "标题" { version "征求意见稿" effective 2025-01-01 currency CNY rounding … }`
#[derive(Debug)]
pub struct Header {
    pub title: Spanned<String>,
    /// `amends "base.policy"`: the file is an overlay on that policy
    pub amends: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub effective: Option<Spanned<Date>>,
    /// `in force 2026-03-01 to 2028-12-31`
    pub in_force: Option<InForce>,
    pub currency: Option<Ident>,
    pub rounding: Option<Rounding>,
    pub span: Span,
}

/// `in force 2026-03-01 to 2028-12-31`: the period of validity, both days included.
#[derive(Debug, Clone)]
pub struct InForce {
    pub from: Spanned<Date>,
    pub to: Spanned<Date>,
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
    pub const ALL: [RoundMode; 4] = [
        RoundMode::HalfAwayFromZero,
        RoundMode::HalfEven,
        RoundMode::Down,
        RoundMode::Up,
    ];

    /// The mode as a drafter writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            RoundMode::HalfAwayFromZero => "half-away-from-zero",
            RoundMode::HalfEven => "half-even",
            RoundMode::Down => "down",
            RoundMode::Up => "up",
        }
    }

    pub fn from_keyword(word: &str) -> Option<RoundMode> {
        RoundMode::ALL.into_iter().find(|m| m.keyword() == word)
    }
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

/// `optional int 3..5`, `list of Project`, `money >= 0`, `number >= 0`
#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub optional: bool,
    pub list: bool,
    pub name: Ident,
    pub bound: Option<Bound>,
    /// `default false`, `default 0元`, `default empty`: what a case that leaves the field out gets
    pub default: Option<Spanned<FieldDefault>>,
    pub span: Span,
}

/// The value a field takes when a case leaves it out, as the policy writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldDefault {
    Literal(Literal),
    /// an enum value: `default second`
    Name(String),
    /// `default empty`: a list left out has no items
    Empty,
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

/// `value rd_growth "研发投入增量" = max(rd_spend - rd_spend_last_year, 0元)`,
/// or `output eligible "是否符合条件" = …`
#[derive(Debug)]
pub struct ValueDecl {
    /// written `output`: the value is part of every result
    pub output: bool,
    pub name: Ident,
    pub label: Option<String>,
    pub value: Expr,
    pub span: Span,
}

/// `measure dcmm 第二条（四） "提升企业数据治理能力" { … }`
#[derive(Debug)]
pub struct Measure {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub allows: Vec<Allow>,
    pub conditions: Vec<Expr>,
    pub award: Option<Expr>,
    pub top_up: Option<Span>,
    pub once: Option<Span>,
    pub caps: Vec<Cap>,
    /// `may be negative`
    pub signed: Option<Span>,
    pub span: Span,
}

/// `at most 200万元 per applicant per year unless key_enterprise`
#[derive(Debug)]
pub struct Cap {
    pub limit: Expr,
    pub scope: CapScope,
    pub condition: Option<CapCondition>,
    pub span: Span,
}

/// The condition written after a cap: it decides whether the cap applies,
/// never whether the measure does.
#[derive(Debug)]
pub struct CapCondition {
    /// `unless C` (the cap is lifted when C holds) rather than `when C`
    pub unless: bool,
    pub expr: Expr,
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

impl CapScope {
    /// The words after the limit: ` per applicant per year`.
    pub fn words(self) -> &'static str {
        match self {
            CapScope::Award => "",
            CapScope::Year => " per applicant per year",
            CapScope::Ever => " per applicant",
        }
    }
}

/// `rule total_cap 第四条 "累计上限" { text "…" at most … over a, b, c in clause order }`
#[derive(Debug)]
pub struct RuleDecl {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub allows: Vec<Allow>,
    pub body: RuleBody,
    pub span: Span,
}

#[derive(Debug)]
pub enum RuleBody {
    /// `at most 600万元 per applicant per year over a, b, c in clause order`
    SharedCap {
        limit: Expr,
        scope: CapScope,
        members: Vec<Ident>,
        order: Spanned<AllocOrder>,
    },
    /// `only the highest of a, b`
    HighestOnly { members: Vec<Ident> },
}

/// The order in which a shared cap is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocOrder {
    /// `in clause order`: by the measures' clause references (按条款顺序)
    Clause,
    /// `in the order listed`
    Listed,
}

impl AllocOrder {
    pub fn words(self) -> &'static str {
        match self {
            AllocOrder::Clause => "in clause order",
            AllocOrder::Listed => "in the order listed",
        }
    }
}

/// `pool training_fund （三） "加强资金统筹" { text "…" at most … per year for a when exceeded: … }`
#[derive(Debug)]
pub struct PoolDecl {
    pub id: Ident,
    pub clause: Spanned<String>,
    pub title: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub allows: Vec<Allow>,
    pub amount: Expr,
    pub period: Spanned<PoolPeriod>,
    pub members: Vec<Ident>,
    /// `, less what the ledgers show paid`
    pub less_paid: bool,
    pub ration: Spanned<Ration>,
    pub rounding: Option<(Spanned<Decimal>, Option<RoundMode>)>,
    pub residue: Option<Spanned<Residue>>,
    pub span: Span,
}

/// Which applications share one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolPeriod {
    /// `per year`: each award year has its own pool
    Year,
    /// `from DATE to DATE`: one pool for the cases read on a day in that period
    Range(Date, Date),
}

/// How a pool that demand exceeds is divided.
#[derive(Debug, Clone)]
pub enum Ration {
    /// `pro rata` (按比例核减)
    ProRata,
    /// `at most X each, then pro rata`
    CappedProRata(Expr),
    /// `in order of FIELD, earliest first` (先到先得, 额度用完为止), and
    /// `then by FIELD, highest first` for ties
    InOrder {
        key: Ident,
        descending: bool,
        words: &'static str,
        then: Option<(Ident, bool, &'static str)>,
    },
}

/// What happens to the cents that rounding the shares leaves over or short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Residue {
    /// `residue as it falls`: each share rounded as stated; their sum may differ from the pool by the rounding
    AsItFalls,
    /// `residue to the largest remainders`: shares rounded down, the units left given to the largest remainders
    LargestRemainders,
}

impl Residue {
    pub fn words(self) -> &'static str {
        match self {
            Residue::AsItFalls => "residue as it falls",
            Residue::LargestRemainders => "residue to the largest remainders",
        }
    }
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

#[derive(Debug, Clone)]
pub struct TierRow {
    pub key: Spanned<TierKey>,
    pub amount: Expr,
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

#[derive(Debug, Clone)]
pub struct Alternative {
    pub amount: Expr,
    /// `None` for `otherwise => …`, and for an amount written with no condition
    pub when: Option<Expr>,
    /// `otherwise => …`: applies when no other alternative does
    pub otherwise: bool,
    pub span: Span,
}

/// One band of `in bands of`: the part of the base it takes, and its rate.
#[derive(Debug, Clone)]
pub struct BandRow {
    pub range: Spanned<BandRange>,
    pub rate: Expr,
}

#[derive(Debug, Clone)]
pub enum BandRange {
    /// `up to 100万元`: from 0, the edge included
    UpTo(Expr),
    /// `100万元 to 300万元`: above the first, up to and including the second
    Between(Expr, Expr),
    /// `above 300万元`: everything beyond
    Above(Expr),
}

/// What an aggregate over a list computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    /// `the sum of E for each x in L`
    Sum,
    /// `the number of x in L`
    Count,
    /// `the highest of E for each x in L`: not given when no item counts
    Highest,
    /// `the lowest of E for each x in L`: not given when no item counts
    Lowest,
}

impl AggKind {
    pub fn words(self) -> &'static str {
        match self {
            AggKind::Sum => "the sum of",
            AggKind::Count => "the number of",
            AggKind::Highest => "the highest of",
            AggKind::Lowest => "the lowest of",
        }
    }
}

/// `the sum of c.amount for each c in compute_contracts where c.domestic distinct by c.id`
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub kind: Spanned<AggKind>,
    /// what is summed or compared; `None` for `the number of`
    pub body: Option<Expr>,
    pub var: Ident,
    pub list: Expr,
    pub filter: Option<Expr>,
    pub distinct: Option<Expr>,
}

/// `any c in L satisfies C`, `every c in L where F satisfies C`
#[derive(Debug, Clone)]
pub struct Quantified {
    pub every: bool,
    pub var: Ident,
    pub list: Expr,
    pub filter: Option<Expr>,
    pub test: Expr,
}

/// `allow text-agreement because "…"`: a lint silenced in one item, with its reason.
#[derive(Debug, Clone)]
pub struct Allow {
    /// the lint's name: the last part of its code (`text-agreement`)
    pub lint: Spanned<String>,
    pub reason: Spanned<String>,
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
    /// `project.assessed`, `Prize.first`
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
    /// `x / 12 rounded to 0.01`, with the header's mode unless one is written
    Round {
        expr: Box<Expr>,
        unit: Spanned<Decimal>,
        mode: Option<RoundMode>,
    },
    /// `the sum of … for each … in …`
    Aggregate(Box<Aggregate>),
    /// `the year of establishment_date`: a part of a date
    DatePart(DatePart, Box<Expr>),
    /// `the years from birth_date to date`: whole years (months, days) from one date to another
    Between {
        unit: DatePart,
        from: Box<Expr>,
        to: Box<Expr>,
    },
    /// `the start of the year of D` (`end`, `month`): the first or last day of D's year or month
    Edge {
        end: bool,
        unit: DatePart,
        date: Box<Expr>,
    },
    /// `3 years`: a period, which stands only after `+` or `-` and a date
    Period {
        count: Box<Expr>,
        unit: DatePart,
    },
    /// `any … in … satisfies …`
    Quantified(Box<Quantified>),
    /// `up to 50万元, assessed project.assessed`
    UpTo {
        ceiling: Box<Expr>,
        assessed: Option<Box<Expr>>,
    },
    /// `by dcmm_level { 3 => 30万元 … }`
    Tier {
        key: Box<Expr>,
        rows: Vec<TierRow>,
    },
    /// `the highest of { … }`
    Pick {
        policy: Spanned<HitPolicy>,
        alternatives: Vec<Alternative>,
    },
    /// `each p in list where cond: amount once per p.id`
    Each {
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        body: Box<Expr>,
        once_per: Option<Box<Expr>>,
    },
    /// `in bands of interest_paid { up to 100万元 => 50% … }`
    Bands {
        base: Box<Expr>,
        rows: Vec<BandRow>,
    },
    /// `AMOUNT, at most CAP`: a cap on this amount alone
    Capped {
        amount: Box<Expr>,
        cap: Box<Expr>,
    },
}

impl ExprKind {
    /// True for the forms written as a block over several lines (`by`, `the highest of`,
    /// `in bands of`, `each`): they stand only where an amount does.
    pub fn is_block(&self) -> bool {
        match self {
            ExprKind::Tier { .. } | ExprKind::Pick { .. } | ExprKind::Each { .. } | ExprKind::Bands { .. } => true,
            ExprKind::Literal(_)
            | ExprKind::Path(_)
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven { .. }
            | ExprKind::Is { .. }
            | ExprKind::Call { .. }
            | ExprKind::If(..)
            | ExprKind::Round { .. }
            | ExprKind::Aggregate(_)
            | ExprKind::DatePart(..)
            | ExprKind::Between { .. }
            | ExprKind::Edge { .. }
            | ExprKind::Period { .. }
            | ExprKind::Quantified(_)
            | ExprKind::UpTo { .. }
            | ExprKind::Capped { .. } => false,
        }
    }
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
    /// `a / b`, always under `rounded to`
    Div,
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
            BinOp::Div => "/",
            BinOp::Of => "of",
            BinOp::Otherwise => "otherwise",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

/// Which part of a date `the … of` reads; also the unit of a period (`3 years`)
/// and of a span (`the years from a to b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year,
    Month,
    Day,
}

impl DatePart {
    pub fn keyword(self) -> &'static str {
        match self {
            DatePart::Year => "year",
            DatePart::Month => "month",
            DatePart::Day => "day",
        }
    }

    /// The unit of a span or period: `years`.
    pub fn plural(self) -> &'static str {
        match self {
            DatePart::Year => "years",
            DatePart::Month => "months",
            DatePart::Day => "days",
        }
    }
}

/// An operator of the expression language, for the precedence table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Infix(BinOp),
    /// `not x`
    Not,
    /// `-x`
    Neg,
    /// `x rounded to 0.01`
    Rounded,
    /// `x is given`, `x is first`
    Is,
    /// `3 years`
    Period,
}

/// The operators by how tightly they bind, loosest first: the one table the
/// parser builds its Pratt parser from and the formatter places parentheses by.
/// `rounded to` binds looser than `*` and `/` (so `a / b rounded to 0.01`
/// rounds the quotient) and tighter than `+` and `-`.
pub const PRECEDENCE: &[&[Operator]] = {
    use BinOp::*;
    use Operator::*;
    &[
        &[Infix(Or)],
        &[Infix(And)],
        &[Not],
        &[Infix(Eq), Infix(Ne), Infix(Lt), Infix(Le), Infix(Gt), Infix(Ge)],
        &[Infix(Otherwise)],
        &[Infix(Add), Infix(Sub)],
        &[Rounded],
        &[Infix(Mul), Infix(Div), Infix(Of)],
        &[Neg],
        &[Is, Period],
    ]
};

impl Operator {
    /// Its binding strength: 1 for the loosest operator; 0 is left for the
    /// forms that run on to the right (`if`, aggregates), and
    /// `ATOM_PRECEDENCE` for what binds tightest of all.
    pub fn precedence(self) -> u8 {
        let level = PRECEDENCE.iter().position(|ops| ops.contains(&self)).unwrap_or(0);
        u8::try_from(level + 1).unwrap_or(u8::MAX)
    }
}

/// The binding strength of names, literals, calls and the block forms.
pub const ATOM_PRECEDENCE: u8 = PRECEDENCE.len() as u8 + 1;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// an amount, and the currency it is written in (yuan for `元`, `万元`, `亿元`)
    Money(Decimal, crate::currency::Currency),
    /// a fraction: `20%` is 0.2
    Rate(Decimal),
    /// a plain number: a whole number, or a quantity like `40.5`
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
    Object(Vec<(Ident, Spanned<Data>)>),
    Array(Vec<Spanned<Data>>),
    Literal(Literal),
    /// a bare name: an enum value or award id
    Name(String),
    Negative(Box<Data>),
}
