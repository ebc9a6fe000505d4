//! A rule in plain words, in the reader's language: `20% of
//! data_space_investment, at most data_space_cap` reads 按可信数据空间固定资产投资的
//! 20%，最高500万元. Names become their labels and parameters their written
//! values; a form without words of its own is shown as written.

use crate::check::model::{BinOp, CapScope, Const, Expr, ExprKind, HitPolicy, Policy, TierKey, Ty};

pub struct Words<'a> {
    pub policy: &'a Policy,
    /// the policy's text, for what is shown as written
    pub src: &'a str,
    /// each parameter's values as written: `500万元（2026-01-01起 800万元）`
    pub params: &'a [String],
}

impl Words<'_> {
    pub fn expr(&self, e: &Expr) -> String {
        let p = self.policy;
        match &e.kind {
            ExprKind::Const(c) => self.constant(c),
            ExprKind::DatePart(part, date) => {
                let date = self.expr(date);
                match part {
                    crate::syntax::ast::DatePart::Year => t!("the year of %{date}", date = date),
                    crate::syntax::ast::DatePart::Month => t!("the month of %{date}", date = date),
                    crate::syntax::ast::DatePart::Day => t!("the day of %{date}", date = date),
                }
                .into_owned()
            }
            ExprKind::Between(unit, from, to) => {
                let (from, to) = (self.expr(from), self.expr(to));
                match unit {
                    crate::syntax::ast::DatePart::Year => {
                        t!("the whole years from %{from} to %{to}", from = from, to = to)
                    }
                    crate::syntax::ast::DatePart::Month => {
                        t!("the whole months from %{from} to %{to}", from = from, to = to)
                    }
                    crate::syntax::ast::DatePart::Day => t!("the days from %{from} to %{to}", from = from, to = to),
                }
                .into_owned()
            }
            ExprKind::Edge(end, unit, date) => {
                let date = self.expr(date);
                match (end, unit) {
                    (false, crate::syntax::ast::DatePart::Month) => {
                        t!("the first day of the month of %{date}", date = date)
                    }
                    (true, crate::syntax::ast::DatePart::Month) => {
                        t!("the last day of the month of %{date}", date = date)
                    }
                    (false, _) => t!("the first day of the year of %{date}", date = date),
                    (true, _) => t!("the last day of the year of %{date}", date = date),
                }
                .into_owned()
            }
            ExprKind::Shift(date, n, unit) => {
                let date = self.expr(date);
                // `d - 3 years` is checked as `d + (-3) years`: say it as written
                let (n, back) = if let ExprKind::Neg(inner) = &n.kind {
                    (self.expr(inner), true)
                } else {
                    (self.expr(n), false)
                };
                match (unit, back) {
                    (crate::syntax::ast::DatePart::Year, false) => t!("%{n} years after %{date}", n = n, date = date),
                    (crate::syntax::ast::DatePart::Month, false) => t!("%{n} months after %{date}", n = n, date = date),
                    (crate::syntax::ast::DatePart::Day, false) => t!("%{n} days after %{date}", n = n, date = date),
                    (crate::syntax::ast::DatePart::Year, true) => t!("%{n} years before %{date}", n = n, date = date),
                    (crate::syntax::ast::DatePart::Month, true) => t!("%{n} months before %{date}", n = n, date = date),
                    (crate::syntax::ast::DatePart::Day, true) => t!("%{n} days before %{date}", n = n, date = date),
                }
                .into_owned()
            }
            ExprKind::Input(i) => quoted(p.inputs[*i].label.as_deref().unwrap_or(&p.inputs[*i].name)),
            ExprKind::Param(i) => self
                .params
                .get(*i)
                .cloned()
                .unwrap_or_else(|| p.params[*i].name.clone()),
            ExprKind::Value(i) => quoted(p.values[*i].label.as_deref().unwrap_or(&p.values[*i].name)),
            ExprKind::Award(i) => t!("the award of %{title}", title = quoted(&p.measures[*i].title)).into_owned(),
            ExprKind::Field(inner, f) => {
                let label = match &inner.ty {
                    crate::check::model::Ty::Record(r) => {
                        let field = &p.records[*r].fields[*f];
                        field.label.clone().unwrap_or_else(|| field.name.clone())
                    }
                    _ => return self.written(e),
                };
                quoted(&label)
            }
            ExprKind::ToDec(inner) => self.expr(inner),
            ExprKind::Local(_) => t!("the item").into_owned(),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r),
            ExprKind::Not(inner) => t!("not (%{x})", x = self.expr(inner)).into_owned(),
            ExprKind::IsGiven(inner, negated) => {
                if *negated {
                    t!("%{x} is not given", x = self.expr(inner)).into_owned()
                } else {
                    t!("%{x} is given", x = self.expr(inner)).into_owned()
                }
            }
            ExprKind::IsValue(inner, v, negated) => {
                let value = match &inner.ty.required() {
                    crate::check::model::Ty::Enum(en) => enum_label(p, *en, *v),
                    _ => v.to_string(),
                };
                if *negated {
                    t!("%{x} is not %{v}", x = self.expr(inner), v = value).into_owned()
                } else {
                    t!("%{x} is %{v}", x = self.expr(inner), v = value).into_owned()
                }
            }
            ExprKind::UpTo { ceiling, assessed } => match assessed {
                Some(a) => t!(
                    "%{assessed}, at most %{ceiling}",
                    assessed = self.expr(a),
                    ceiling = self.expr(ceiling)
                )
                .into_owned(),
                None => t!("up to %{ceiling}", ceiling = self.expr(ceiling)).into_owned(),
            },
            ExprKind::Capped { amount, cap } => t!(
                "%{amount}, at most %{cap}",
                amount = self.expr(amount),
                cap = self.expr(cap)
            )
            .into_owned(),
            ExprKind::Tier { key, rows } => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let key = match &r.key {
                            TierKey::Otherwise => t!("otherwise").into_owned(),
                            TierKey::Value(v) => match &key.ty.required() {
                                crate::check::model::Ty::Enum(en) => enum_label(p, *en, *v),
                                _ => v.to_string(),
                            },
                            TierKey::Ints(a, b) if a == b => a.to_string(),
                            TierKey::Ints(a, b) => format!("{a}–{b}"),
                            TierKey::Dates(a, b) if a == b => a.to_string(),
                            TierKey::Dates(a, b) => format!("{a}–{b}"),
                        };
                        format!("{key} → {}", self.expr(&r.amount))
                    })
                    .collect();
                t!(
                    "by %{key}: %{rows}",
                    key = self.expr(key),
                    rows = rows.join(t!("; ").as_ref())
                )
                .into_owned()
            }
            ExprKind::Pick { policy, alternatives } => {
                let alts: Vec<String> = alternatives
                    .iter()
                    .map(|a| match &a.when {
                        Some(w) => t!(
                            "%{amount} when %{when}",
                            amount = self.expr(&a.amount),
                            when = self.expr(w)
                        )
                        .into_owned(),
                        None => self.expr(&a.amount),
                    })
                    .collect();
                let head = match policy {
                    HitPolicy::Highest => t!("the highest that applies of"),
                    HitPolicy::First => t!("the first that applies of"),
                    HitPolicy::Sum => t!("all that apply, added up, of"),
                    HitPolicy::One => t!("the one that applies of"),
                };
                let gap = if crate::lang::is_zh() { "" } else { " " };
                format!("{head}{gap}{}", alts.join(t!("; ").as_ref()))
            }
            ExprKind::Each { list, filter, body, .. } => {
                let each = match filter {
                    Some(f) => t!(
                        "for each of %{list} where %{filter}: %{body}",
                        list = self.expr(list),
                        filter = self.expr(f),
                        body = self.expr(body)
                    ),
                    None => t!(
                        "for each of %{list}: %{body}",
                        list = self.expr(list),
                        body = self.expr(body)
                    ),
                };
                each.into_owned()
            }
            ExprKind::Bands { base, bands } => {
                let rows: Vec<String> = bands
                    .iter()
                    .map(|b| {
                        let rate = self.expr(&b.rate);
                        match (&b.lower, &b.upper) {
                            (None, Some(u)) => t!("up to %{upper}: %{rate}", upper = self.expr(u), rate = rate),
                            (Some(l), Some(u)) => t!(
                                "from %{lower} to %{upper}: %{rate}",
                                lower = self.expr(l),
                                upper = self.expr(u),
                                rate = rate
                            ),
                            (Some(l), None) => t!("above %{lower}: %{rate}", lower = self.expr(l), rate = rate),
                            (None, None) => t!("all of it: %{rate}", rate = rate),
                        }
                        .into_owned()
                    })
                    .collect();
                t!(
                    "in bands of %{base}, each part at its own rate: %{rows}",
                    base = self.expr(base),
                    rows = rows.join(t!("; ").as_ref())
                )
                .into_owned()
            }
            ExprKind::CaseYear => t!("the award year").into_owned(),
            ExprKind::CaseDate => t!("the application date").into_owned(),
            ExprKind::Neg(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_) => self.written(e),
        }
    }

    fn binary(&self, op: BinOp, l: &Expr, r: &Expr) -> String {
        let (a, b) = (self.expr(l), self.expr(r));
        match op {
            // a date is later or earlier, not above or below
            BinOp::Gt if *l.ty.required() == Ty::Date => t!("%{a} is later than %{b}", a = a, b = b).into_owned(),
            BinOp::Lt if *l.ty.required() == Ty::Date => t!("%{a} is earlier than %{b}", a = a, b = b).into_owned(),
            BinOp::Ge if *l.ty.required() == Ty::Date => t!("%{a} is not earlier than %{b}", a = a, b = b).into_owned(),
            BinOp::Le if *l.ty.required() == Ty::Date => t!("%{a} is not later than %{b}", a = a, b = b).into_owned(),
            BinOp::Of => t!("%{rate} of %{base}", rate = a, base = b).into_owned(),
            BinOp::And => t!("%{a} and %{b}", a = a, b = b).into_owned(),
            BinOp::Or => t!("%{a} or %{b}", a = a, b = b).into_owned(),
            BinOp::Ge => t!("%{a} is at least %{b}", a = a, b = b).into_owned(),
            BinOp::Gt => t!("%{a} is above %{b}", a = a, b = b).into_owned(),
            BinOp::Le => t!("%{a} is at most %{b}", a = a, b = b).into_owned(),
            BinOp::Lt => t!("%{a} is below %{b}", a = a, b = b).into_owned(),
            BinOp::Eq => t!("%{a} is %{b}", a = a, b = b).into_owned(),
            BinOp::Ne => t!("%{a} is not %{b}", a = a, b = b).into_owned(),
            BinOp::Otherwise => t!("%{a} (%{b} when not given)", a = a, b = b).into_owned(),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => format!("{a} {} {b}", op.symbol()),
        }
    }

    fn constant(&self, c: &Const) -> String {
        match c {
            Const::Bool(true) => t!("yes").into_owned(),
            Const::Bool(false) => t!("no").into_owned(),
            Const::Int(n) => n.to_string(),
            Const::Number(d) => d.normalize().to_string(),
            Const::Money(d) => self.policy.currency().write(*d),
            Const::Rate(d) => crate::number::rate(*d),
            Const::Text(s) => format!("“{s}”"),
            Const::Date(d) => d.to_string(),
            Const::Enum(en, v) => enum_label(self.policy, *en, *v),
        }
    }

    /// Anything else, as the drafter wrote it.
    fn written(&self, e: &Expr) -> String {
        format!(
            "`{}`",
            e.span.text(self.src).split_whitespace().collect::<Vec<_>>().join(" ")
        )
    }
}

/// A cap in words: `最高500万元（每个申报主体每年）`.
pub fn cap(words: &Words, limit: &Expr, scope: CapScope) -> String {
    let limit = words.expr(limit);
    match scope {
        CapScope::Award => t!("at most %{limit}", limit = limit).into_owned(),
        CapScope::Year => t!("at most %{limit} per applicant per year", limit = limit).into_owned(),
        CapScope::Ever => t!("at most %{limit} per applicant", limit = limit).into_owned(),
    }
}

fn quoted(label: &str) -> String {
    if crate::lang::is_zh() {
        label.to_string()
    } else {
        format!("“{label}”")
    }
}

fn enum_label(p: &Policy, en: usize, v: u32) -> String {
    let Some((name, label)) = p.enums.get(en).and_then(|e| e.values.get(v as usize)) else {
        return v.to_string();
    };
    label.clone().unwrap_or_else(|| name.clone())
}

/// The steps of a worked example in the reader's words: each piece of the
/// rule a step names is said as the rule in words says it (`按可信数据空间固定资产投资的20%`),
/// not quoted from the policy file; what has no words of its own is quoted.
pub struct Worded<'a> {
    pub words: &'a Words<'a>,
    pub written: crate::report::explain::Written<'a>,
}

impl Worded<'_> {
    /// The checked expression written at exactly `span`, if there is one.
    fn at(&self, span: crate::span::Span) -> Option<&Expr> {
        let p = self.words.policy;
        let mut found = None;
        let all = p.exprs().map(|(_, e)| e).chain(p.values.iter().map(|v| &v.expr));
        for e in all {
            e.walk(&mut |x| {
                if found.is_none() && x.span == span {
                    found = Some(x);
                }
            });
            if found.is_some() {
                break;
            }
        }
        found
    }
}

impl crate::report::explain::Names for Worded<'_> {
    fn quote(&self, span: crate::span::Span) -> String {
        self.at(span)
            .map_or_else(|| self.written.quote(span), |e| self.words.expr(e))
    }
    fn name(&self, span: crate::span::Span) -> String {
        self.quote(span)
    }
    fn literal(&self, span: crate::span::Span) -> bool {
        self.written.literal(span)
    }
}
