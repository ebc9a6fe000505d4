//! The checked policy: every name resolved to an index, every expression typed,
//! every implicit conversion made explicit. Conditions, values and amounts are
//! one expression type; `Expr::walk` is the one traversal every later stage
//! uses to find what an expression reads. This is what `compile` plans, what
//! `eval` runs and what reviewers' tools compare.
//!
//! One concern, long on purpose: the types of the checked policy and its one
//! traversal, read together by every later stage.

use crate::span::Span;
pub use crate::syntax::ast::{AggKind, AllocOrder, BinOp, CapScope, Date, HitPolicy, PoolPeriod, Residue, RoundMode};
use rust_decimal::Decimal;

/// The type of a value in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Bool,
    /// whole numbers: levels, ranks, counts
    Int,
    /// decimal quantities: areas, months, shares of a whole
    Number,
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

    /// Money, rates, numbers and whole numbers: what arithmetic and `0` apply to.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number | Ty::Money | Ty::Rate)
    }

    /// Held as a decimal at run time (money, rates, numbers).
    pub fn is_decimal(&self) -> bool {
        matches!(self, Ty::Number | Ty::Money | Ty::Rate)
    }
}

/// A constant value written in the policy.
#[derive(Debug, Clone, PartialEq)]
pub enum Const {
    Bool(bool),
    Int(i64),
    Number(Decimal),
    Money(Decimal),
    Rate(Decimal),
    Text(String),
    Date(Date),
    /// a value of an enum: (enum, value)
    Enum(usize, u32),
}

/// How and where amounts are rounded: the header's `rounding` line.
#[derive(Debug, Clone, PartialEq)]
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
    /// `in force FROM to TO`
    pub in_force: Option<(Date, Date)>,
    pub currency: Option<String>,
    pub rounding: Option<Rounding>,
}

impl Header {
    /// The days a case may fall on: from `effective` or the start of `in force`, to its end.
    pub fn period(&self) -> (Option<Date>, Option<Date>) {
        match self.in_force {
            Some((from, to)) => (Some(from), Some(to)),
            None => (self.effective, None),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub label: Option<String>,
    pub values: Vec<(String, Option<String>)>,
}

/// Lower and upper bounds on a numeric value, inclusive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Range {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

impl Range {
    pub fn contains(&self, d: Decimal) -> bool {
        self.min.is_none_or(|lo| d >= lo) && self.max.is_none_or(|hi| d <= hi)
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Ty,
    pub range: Range,
    pub label: Option<String>,
    /// `default …`; nothing for a field every case must give (or an optional one)
    pub default: Option<WhenAbsent>,
    pub span: Span,
}

impl FieldDef {
    /// True when a case must give this field: it is neither optional nor has a default.
    pub fn required(&self) -> bool {
        !matches!(self.ty, Ty::Optional(_)) && self.default.is_none()
    }
}

/// What a field a case leaves out gets, as the policy states it (`default …`).
#[derive(Debug, Clone, PartialEq)]
pub enum WhenAbsent {
    Value(Const),
    /// `default empty`: a list with no items
    Empty,
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

    /// Every value it ever takes.
    pub fn values(&self) -> impl Iterator<Item = &Const> {
        std::iter::once(&self.value).chain(self.dated.iter().map(|(_, v)| v))
    }
}

/// `value rd_growth "研发投入增量" = …`: a per-case value with a name.
#[derive(Debug, Clone)]
pub struct ValueDef {
    pub name: String,
    pub label: Option<String>,
    pub expr: Expr,
    /// declared `output`: reported in every result line, and expected by tests
    pub output: bool,
    pub span: Span,
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
    /// the item bound by an enclosing `each`, aggregate or quantifier
    Local(usize),
    /// a named value
    Value(usize),
    /// the final amount of a measure
    Award(usize),
    /// the case's award year
    CaseYear,
    /// the case's date: its `date`, or 1 January of its year
    CaseDate,
    Field(Box<Expr>, usize),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    IsGiven(Box<Expr>, bool),
    /// `x is value` (bool: negated)
    IsValue(Box<Expr>, u32, bool),
    /// a whole number where a decimal is needed (`months` in `rent × months`)
    ToDec(Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x rounded to 0.01` (unit, mode)
    Round(Box<Expr>, Decimal, RoundMode),
    Aggregate(Box<Aggregate>),
    Quantified(Box<Quantified>),
    /// `the year of D`: a part of a date, a whole number
    DatePart(crate::syntax::ast::DatePart, Box<Expr>),
    /// `the years from A to B`: whole years (months, days) from A to B, a whole number
    Between(crate::syntax::ast::DatePart, Box<Expr>, Box<Expr>),
    /// `the start of the year of D`: (last day?, year or month, D)
    Edge(bool, crate::syntax::ast::DatePart, Box<Expr>),
    /// `D + N years` (`D - N years` has the count negated): a date moved by a period
    Shift(Box<Expr>, Box<Expr>, crate::syntax::ast::DatePart),
    /// `up to CEILING, assessed X`
    UpTo {
        ceiling: Box<Expr>,
        assessed: Option<Box<Expr>>,
    },
    Tier {
        key: Box<Expr>,
        rows: Vec<TierRow>,
    },
    Pick {
        policy: HitPolicy,
        alternatives: Vec<Alternative>,
    },
    /// per-item awards: `each x in L where F: AMOUNT once per K`
    Each {
        local: usize,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        body: Box<Expr>,
        once_per: Option<Box<Expr>>,
    },
    /// marginal bands: each rate on the part of the base inside its band
    Bands {
        base: Box<Expr>,
        bands: Vec<Band>,
    },
    /// `AMOUNT, at most CAP`
    Capped {
        amount: Box<Expr>,
        cap: Box<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct TierRow {
    pub key: TierKey,
    pub amount: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TierKey {
    /// every other value, and "not given"
    Otherwise,
    /// an enum value index
    Value(u32),
    /// whole numbers `lo..=hi` (a single number has lo == hi)
    Ints(i64, i64),
    /// days `lo..=hi` (a single day has lo == hi)
    Dates(crate::date::Date, crate::date::Date),
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub when: Option<Expr>,
    pub amount: Expr,
    pub span: Span,
}

/// One band: the part of the base above `lower` (0 when `None`) and up to and
/// including `upper` (everything above when `None`), at `rate`.
#[derive(Debug, Clone)]
pub struct Band {
    pub lower: Option<Expr>,
    pub upper: Option<Expr>,
    pub rate: Expr,
    pub span: Span,
}

/// `the sum of BODY for each x in LIST where FILTER distinct by KEY`
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub kind: AggKind,
    pub local: usize,
    pub list: Expr,
    pub filter: Option<Expr>,
    pub distinct: Option<Expr>,
    /// `None` for `the number of`
    pub body: Option<Expr>,
}

/// `any x in LIST where FILTER satisfies TEST` (or `every`)
#[derive(Debug, Clone)]
pub struct Quantified {
    pub every: bool,
    pub local: usize,
    pub list: Expr,
    pub filter: Option<Expr>,
    pub test: Expr,
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it, parents first.
    /// The one traversal: what an expression reads is found through it.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        self.for_each_child(&mut |c| c.walk(f));
    }

    /// Calls `f` on each direct sub-expression, in written order.
    pub fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Input(_)
            | ExprKind::Param(_)
            | ExprKind::Local(_)
            | ExprKind::Value(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate => {}
            ExprKind::Field(x, _)
            | ExprKind::Not(x)
            | ExprKind::Neg(x)
            | ExprKind::IsGiven(x, _)
            | ExprKind::IsValue(x, _, _)
            | ExprKind::ToDec(x)
            | ExprKind::DatePart(_, x)
            | ExprKind::Edge(_, _, x)
            | ExprKind::Round(x, _, _) => f(x),
            ExprKind::Binary(_, a, b)
            | ExprKind::Capped { amount: a, cap: b }
            | ExprKind::Between(_, a, b)
            | ExprKind::Shift(a, b, _) => {
                f(a);
                f(b);
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter().for_each(f),
            ExprKind::If(c, t, e) => {
                f(c);
                f(t);
                f(e);
            }
            ExprKind::Aggregate(a) => {
                f(&a.list);
                a.filter.iter().for_each(&mut *f);
                a.distinct.iter().for_each(&mut *f);
                a.body.iter().for_each(f);
            }
            ExprKind::Quantified(q) => {
                f(&q.list);
                q.filter.iter().for_each(&mut *f);
                f(&q.test);
            }
            ExprKind::UpTo { ceiling, assessed } => {
                f(ceiling);
                assessed.iter().for_each(|a| f(a));
            }
            ExprKind::Tier { key, rows } => {
                f(key);
                rows.iter().for_each(|r| f(&r.amount));
            }
            ExprKind::Pick { alternatives, .. } => {
                for alt in alternatives {
                    alt.when.iter().for_each(&mut *f);
                    f(&alt.amount);
                }
            }
            ExprKind::Each {
                list,
                filter,
                body,
                once_per,
                ..
            } => {
                f(list);
                filter.iter().for_each(|x| f(x));
                f(body);
                once_per.iter().for_each(|x| f(x));
            }
            ExprKind::Bands { base, bands } => {
                f(base);
                for b in bands {
                    b.lower.iter().for_each(&mut *f);
                    b.upper.iter().for_each(&mut *f);
                    f(&b.rate);
                }
            }
        }
    }

    /// True when some part of this expression satisfies `pred`.
    pub fn any(&self, pred: &dyn Fn(&Expr) -> bool) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= pred(e));
        found
    }
}

/// `at most LIMIT per applicant per year unless CONDITION`
#[derive(Debug, Clone)]
pub struct Cap {
    pub limit: Expr,
    pub scope: CapScope,
    pub condition: Option<CapCondition>,
    pub span: Span,
}

/// When a cap applies: `when C` (only then) or `unless C` (lifted then).
#[derive(Debug, Clone)]
pub struct CapCondition {
    pub unless: bool,
    pub expr: Expr,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
    pub conditions: Vec<Expr>,
    pub award: Expr,
    pub top_up: bool,
    pub once: bool,
    pub caps: Vec<Cap>,
    /// `may be negative`: the award may come out below 0
    pub signed: bool,
    pub span: Span,
    /// where the id is written, for diagnostics about the measure as a whole
    pub id_span: Span,
}

impl Measure {
    /// Every expression of the measure: conditions, the award, each cap's limit and condition.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.conditions.iter().chain(std::iter::once(&self.award)).chain(
            self.caps
                .iter()
                .flat_map(|c| std::iter::once(&c.limit).chain(c.condition.as_ref().map(|k| &k.expr))),
        )
    }
}

/// A rule across measures.
#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
    pub kind: RuleKind,
    pub span: Span,
    pub id_span: Span,
}

#[derive(Debug, Clone)]
pub enum RuleKind {
    /// One cap over the sum of several measures, filled in `members` order.
    SharedCap {
        limit: Expr,
        scope: CapScope,
        order: AllocOrder,
        /// measure indices, in the order the cap is filled
        members: Vec<usize>,
    },
    /// Only the largest of the measures is paid; a tie goes to the first listed.
    HighestOnly { members: Vec<usize> },
}

impl RuleDef {
    pub fn members(&self) -> &[usize] {
        match &self.kind {
            RuleKind::SharedCap { members, .. } | RuleKind::HighestOnly { members } => members,
        }
    }

    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        match &self.kind {
            RuleKind::SharedCap { limit, .. } => Some(limit),
            RuleKind::HighestOnly { .. } => None,
        }
        .into_iter()
    }
}

/// A budget shared by every applicant of a period, and how it is divided when
/// the applications ask for more.
#[derive(Debug, Clone)]
pub struct PoolDef {
    pub id: String,
    pub clause: String,
    pub title: String,
    pub text: Option<String>,
    /// money the policy fixes: a literal or a (dated) parameter
    pub amount: Expr,
    pub period: PoolPeriod,
    /// measure indices, in the order written
    pub members: Vec<usize>,
    /// `less what the ledgers show paid`: the round's cases' same-period ledger
    /// entries of these awards count as spent from the pool
    pub less_paid: bool,
    pub ration: RationRule,
    /// how each share is rounded (pro rata only)
    pub rounding: Option<(Decimal, RoundMode)>,
    pub residue: Option<Residue>,
    pub span: Span,
    pub id_span: Span,
}

#[derive(Debug, Clone)]
pub enum RationRule {
    /// `pro rata`
    ProRata,
    /// `at most X each, then pro rata`: each applicant's claim capped first
    CappedProRata(Expr),
    /// `in order of KEY`: claims served whole in that order until the pool runs out
    InOrder {
        key: OrderKey,
        descending: bool,
        words: &'static str,
        /// ties on `key`: this field next, then the case id
        then: Option<(OrderKey, bool, &'static str)>,
    },
}

/// What applications are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKey {
    Input(usize),
    /// the case's `date` (which the case must then give)
    Date,
}

impl OrderKey {
    /// The case field the order reads.
    pub fn name<'p>(&self, policy: &'p Policy) -> &'p str {
        match self {
            OrderKey::Input(i) => &policy.inputs[*i].name,
            OrderKey::Date => "date",
        }
    }
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

/// One step of evaluating a case, in an order where everything a step reads
/// is computed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStep {
    Value(usize),
    /// a measure's own amount: conditions, rule, its caps and the ledger
    Measure(usize),
    /// a rule across measures, adjusting the amounts of its members
    Rule(usize),
}

/// A drafter's test: a case and what it must yield.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub name: String,
    /// the case as JSON text, exactly as an operator would feed it
    pub given: String,
    pub expect: Expected,
    pub span: Span,
    /// written in the sibling `.tests` file (its span points there), not the policy
    pub in_tests_file: bool,
}

#[derive(Debug, Clone)]
pub enum Expected {
    /// measure index and amount (every measure not listed must award 0), and
    /// output (value index) and its value (outputs not listed are not checked)
    Awards(Vec<(usize, Decimal)>, Vec<(usize, Const)>),
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
    /// `input date: date "…"`: each case must give its date; the label
    pub date_required: Option<Option<String>>,
    pub params: Vec<ParamDef>,
    pub values: Vec<ValueDef>,
    pub measures: Vec<Measure>,
    pub rules: Vec<RuleDef>,
    pub pools: Vec<PoolDef>,
    pub benefits: Vec<Benefit>,
    pub clauses: Vec<ClauseInfo>,
    pub tests: Vec<TestCase>,
    /// values, measures and rules in an order that respects what each reads
    pub plan: Vec<PlanStep>,
    /// item slots the largest expression needs
    pub n_locals: usize,
}

impl Policy {
    pub fn measure_index(&self, id: &str) -> Option<usize> {
        self.measures.iter().position(|m| m.id == id)
    }

    /// The pool that funds measure `m`, if any.
    pub fn pool_of(&self, m: usize) -> Option<usize> {
        self.pools.iter().position(|p| p.members.contains(&m))
    }

    /// The type as a drafter writes it.
    pub fn type_name(&self, ty: &Ty) -> String {
        type_name(&self.enums, &self.records, ty)
    }

    /// Every expression of the policy, with the item it belongs to.
    pub fn exprs(&self) -> impl Iterator<Item = (Owner, &Expr)> {
        let values = self.values.iter().enumerate().map(|(i, v)| (Owner::Value(i), &v.expr));
        let measures = self
            .measures
            .iter()
            .enumerate()
            .flat_map(|(i, m)| m.exprs().map(move |e| (Owner::Measure(i), e)));
        let rules = self
            .rules
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.exprs().map(move |e| (Owner::Rule(i), e)));
        let benefits = self
            .benefits
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.conditions.iter().map(move |e| (Owner::Benefit(i), e)));
        values.chain(measures).chain(rules).chain(benefits)
    }
}

/// The item an expression belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Value(usize),
    Measure(usize),
    Rule(usize),
    Benefit(usize),
}

/// The type as a drafter writes it: `optional int`, `list of Project`.
pub fn type_name(enums: &[EnumDef], records: &[RecordDef], ty: &Ty) -> String {
    match ty {
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Number => "number".into(),
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
