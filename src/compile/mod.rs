//! Checked policy → evaluation tree. Everything that can be decided once is
//! decided here: which arithmetic each operator does, parameter values for
//! each dated period, slot numbers, and the source text traces quote.

pub mod tree;

use crate::check::model::{self as m, BinOp, Const, Policy, Ty};
use crate::eval::value::Value;
use std::sync::Arc;
use tree::*;

/// Compiles a checked policy. `source` is the policy text, quoted by traces.
pub fn compile(policy: Policy, source: &str) -> Program {
    let cx = Cx { source };
    let measures = policy
        .measures
        .iter()
        .map(|me| Measure {
            conditions: me.conditions.iter().map(|c| cx.quoted(c)).collect(),
            award: cx.amount(&me.award),
            top_up: me.top_up,
            once: me.once,
            caps: me
                .caps
                .iter()
                .map(|c| LedgerCap {
                    limit: cx.quoted(&c.limit),
                    scope: c.scope,
                })
                .collect(),
            n_locals: me.n_locals,
        })
        .collect();
    let benefits = policy
        .benefits
        .iter()
        .map(|b| Benefit {
            conditions: b.conditions.iter().map(|c| cx.quoted(c)).collect(),
        })
        .collect();
    Program {
        rounding: policy.header.rounding.clone(),
        measures,
        benefits,
        param_sets: param_sets(&policy),
        source: Arc::from(source),
        schema: crate::eval::decode::Schema::new(&policy),
        json_names: crate::report::result::JsonNames::new(&policy),
        policy: Arc::new(policy),
    }
}

/// One set of parameter values per date on which any parameter changes.
fn param_sets(policy: &Policy) -> Vec<ParamSet> {
    let mut dates: Vec<m::Date> = policy
        .params
        .iter()
        .flat_map(|p| p.dated.iter().map(|(d, _)| *d))
        .collect();
    dates.sort();
    dates.dedup();
    let base = ParamSet {
        from: None,
        values: policy.params.iter().map(|p| const_value(&p.value)).collect(),
    };
    std::iter::once(base)
        .chain(dates.into_iter().map(|d| ParamSet {
            from: Some(d),
            values: policy.params.iter().map(|p| const_value(p.value_on(d))).collect(),
        }))
        .collect()
}

pub fn const_value(c: &Const) -> Value {
    match c {
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Money(d) | Const::Rate(d) => Value::Dec(*d),
        Const::Text(t) => Value::Text(Arc::from(t.as_str())),
        Const::Date(d) => Value::Date(*d),
    }
}

struct Cx<'a> {
    source: &'a str,
}

impl Cx<'_> {
    fn text(&self, span: crate::span::Span) -> Arc<str> {
        Arc::from(span.text(self.source).split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn quoted(&self, e: &m::Expr) -> Quoted {
        let enum_type = match e.ty.required() {
            Ty::Enum(en) => Some(*en),
            _ => None,
        };
        Quoted {
            node: self.node(e),
            src: self.text(e.span),
            enum_type,
        }
    }

    fn node(&self, e: &m::Expr) -> Node {
        let b = |x: &m::Expr| Box::new(self.node(x));
        match &e.kind {
            m::ExprKind::Const(c) => Node::Const(const_value(c)),
            m::ExprKind::Input(i) => Node::Input(*i),
            m::ExprKind::Param(i) => Node::Param(*i),
            m::ExprKind::Local(i) => Node::Local(*i),
            m::ExprKind::Field(x, f) => Node::Field(b(x), *f),
            m::ExprKind::Not(x) => Node::Not(b(x)),
            m::ExprKind::Neg(x) => Node::Neg(b(x), e.span),
            m::ExprKind::IsGiven(x, neg) => Node::IsGiven(b(x), *neg),
            m::ExprKind::IsValue(x, v, neg) => Node::IsValue(b(x), u32::try_from(*v).unwrap_or(u32::MAX), *neg),
            m::ExprKind::Min(xs) => Node::Min(xs.iter().map(|x| self.node(x)).collect()),
            m::ExprKind::Max(xs) => Node::Max(xs.iter().map(|x| self.node(x)).collect()),
            m::ExprKind::If(c, t, f) => Node::If(b(c), b(t), b(f)),
            m::ExprKind::Binary(op, x, y) => {
                let (l, r) = (b(x), b(y));
                let dec = matches!(x.ty, Ty::Money | Ty::Rate);
                let arith = |a: Arith| {
                    if dec {
                        Node::Dec(a, l.clone(), r.clone(), e.span)
                    } else {
                        Node::Int(a, l.clone(), r.clone(), e.span)
                    }
                };
                match op {
                    BinOp::Or => Node::Or(l, r),
                    BinOp::And => Node::And(l, r),
                    BinOp::Eq => Node::Compare(Cmp::Eq, l, r),
                    BinOp::Ne => Node::Compare(Cmp::Ne, l, r),
                    BinOp::Lt => Node::Compare(Cmp::Lt, l, r),
                    BinOp::Le => Node::Compare(Cmp::Le, l, r),
                    BinOp::Gt => Node::Compare(Cmp::Gt, l, r),
                    BinOp::Ge => Node::Compare(Cmp::Ge, l, r),
                    BinOp::Add => arith(Arith::Add),
                    BinOp::Sub => arith(Arith::Sub),
                    BinOp::Mul => match (&x.ty, &y.ty) {
                        (Ty::Money, Ty::Int) => Node::Scale(l, r, e.span),
                        (Ty::Int, Ty::Money) => Node::Scale(r, l, e.span),
                        _ => Node::Int(Arith::Mul, l, r, e.span),
                    },
                    BinOp::Of => Node::Of {
                        rate: l,
                        base: r,
                        src: self.text(e.span),
                        span: e.span,
                    },
                    BinOp::Otherwise => Node::Otherwise(l, r),
                }
            }
        }
    }

    fn amount(&self, a: &m::Amount) -> Amount {
        let kind = match &a.kind {
            m::AmountKind::Expr(e) => AmountKind::Expr(self.quoted(e)),
            m::AmountKind::UpTo { ceiling, assessed } => AmountKind::UpTo {
                ceiling: self.quoted(ceiling),
                assessed: assessed.as_ref().map(|x| self.quoted(x)),
            },
            m::AmountKind::Tier { key, rows } => AmountKind::Tier {
                key: self.quoted(key),
                rows: rows
                    .iter()
                    .map(|r| TierRow {
                        key: match r.key {
                            m::TierKey::Otherwise => TierMatch::Otherwise,
                            m::TierKey::Value(v) => TierMatch::Enum(u32::try_from(v).unwrap_or(u32::MAX)),
                            m::TierKey::Ints(lo, hi) => TierMatch::Ints(lo, hi),
                        },
                        src: self.text(r.span),
                        amount: self.amount(&r.amount),
                    })
                    .collect(),
            },
            m::AmountKind::Pick { policy, alternatives } => AmountKind::Pick {
                policy: *policy,
                alternatives: alternatives
                    .iter()
                    .map(|alt| Alternative {
                        when: alt.when.as_ref().map(|w| self.quoted(w)),
                        amount: self.amount(&alt.amount),
                    })
                    .collect(),
            },
            m::AmountKind::Each {
                local,
                list,
                filter,
                body,
                once_per,
                ..
            } => AmountKind::Each {
                local: *local,
                list: self.quoted(list),
                filter: filter.as_ref().map(|f| self.quoted(f)),
                body: Box::new(self.amount(body)),
                once_per: once_per.as_ref().map(|k| self.quoted(k)),
            },
        };
        Amount {
            kind,
            cap: a.cap.as_ref().map(|c| self.quoted(c)),
        }
    }
}
