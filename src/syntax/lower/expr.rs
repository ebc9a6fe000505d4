//! Expressions: the flat operand/operator sequence the grammar gives, put in
//! order of precedence by a Pratt parser.

use super::super::errors::internal;
use super::super::Rule;
use super::*;
use crate::diagnostic::Diagnostic;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

/// The Pratt parser, built from the one precedence table (`ast::PRECEDENCE`).
fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PRECEDENCE.iter().fold(PrattParser::new(), |parser, level| {
            match level.iter().map(|op| pratt_op(*op)).reduce(|a, b| a | b) {
                Some(ops) => parser.op(ops),
                None => parser,
            }
        })
    })
}

/// The grammar's rule for an operator, as the Pratt parser takes it.
fn pratt_op(op: Operator) -> Op<Rule> {
    let infix = |rule| Op::infix(rule, Assoc::Left);
    match op {
        Operator::Infix(BinOp::Or) => infix(Rule::op_or),
        Operator::Infix(BinOp::And) => infix(Rule::op_and),
        Operator::Infix(BinOp::Eq) => infix(Rule::op_eq),
        Operator::Infix(BinOp::Ne) => infix(Rule::op_ne),
        Operator::Infix(BinOp::Lt) => infix(Rule::op_lt),
        Operator::Infix(BinOp::Le) => infix(Rule::op_le),
        Operator::Infix(BinOp::Gt) => infix(Rule::op_gt),
        Operator::Infix(BinOp::Ge) => infix(Rule::op_ge),
        Operator::Infix(BinOp::Otherwise) => infix(Rule::op_otherwise),
        Operator::Infix(BinOp::Add) => infix(Rule::op_add),
        Operator::Infix(BinOp::Sub) => infix(Rule::op_sub),
        Operator::Infix(BinOp::Mul) => infix(Rule::op_mul),
        Operator::Infix(BinOp::Div) => infix(Rule::op_div),
        Operator::Infix(BinOp::Of) => infix(Rule::op_of),
        Operator::Not => Op::prefix(Rule::op_not),
        Operator::Neg => Op::prefix(Rule::op_neg),
        Operator::Rounded => Op::postfix(Rule::rounded),
        Operator::Is => Op::postfix(Rule::is_test),
        Operator::Period => Op::postfix(Rule::period),
    }
}

pub(crate) fn expr(p: Pair<Rule>) -> Result<Expr> {
    let at = span(&p);
    let _nesting = nest(at)?;
    if p.clone().into_inner().count() > MAX_EXPRESSION_PARTS {
        return Err(Box::new(
            Diagnostic::error(
                "zhice::syntax::too-long",
                words!(
                    "an expression of more than %{MAX_EXPRESSION_PARTS} parts",
                    MAX_EXPRESSION_PARTS = MAX_EXPRESSION_PARTS
                ),
                at,
            )
            .label(words!("too long"))
            .help(words!("name the parts with `param`, or split the measure")),
        ));
    }
    pratt()
        .map_primary(primary)
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let at = span(&op).to(rhs.span);
            let kind = match op.as_rule() {
                Rule::op_not => ExprKind::Not(Box::new(rhs)),
                _ => ExprKind::Neg(Box::new(rhs)),
            };
            Ok(Expr { kind, span: at })
        })
        .map_postfix(|lhs, op| {
            let lhs = lhs?;
            let at = lhs.span.to(span(&op));
            if op.as_rule() == Rule::rounded {
                return rounded(lhs, op, at);
            }
            if op.as_rule() == Rule::period {
                let unit = op.into_inner().next().map_or(DatePart::Day, |u| unit(&u));
                let kind = ExprKind::Period {
                    count: Box::new(lhs),
                    unit,
                };
                return Ok(Expr { kind, span: at });
            }
            let mut negated = false;
            let mut target = None;
            for part in op.clone().into_inner() {
                match part.as_rule() {
                    Rule::kw_is => {}
                    Rule::is_not => negated = true,
                    Rule::kw_given => target = Some(None),
                    Rule::ident => target = Some(Some(ident(part))),
                    _ => return Err(unexpected(&part)),
                }
            }
            let kind = match target {
                Some(None) => ExprKind::IsGiven {
                    expr: Box::new(lhs),
                    negated,
                },
                Some(Some(value)) => ExprKind::Is {
                    expr: Box::new(lhs),
                    value,
                    negated,
                },
                None => return Err(unexpected(&op)),
            };
            Ok(Expr { kind, span: at })
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let bin = match op.as_rule() {
                Rule::op_or => BinOp::Or,
                Rule::op_and => BinOp::And,
                Rule::op_eq => BinOp::Eq,
                Rule::op_ne => BinOp::Ne,
                Rule::op_lt => BinOp::Lt,
                Rule::op_le => BinOp::Le,
                Rule::op_gt => BinOp::Gt,
                Rule::op_ge => BinOp::Ge,
                Rule::op_add => BinOp::Add,
                Rule::op_sub => BinOp::Sub,
                Rule::op_mul => BinOp::Mul,
                Rule::op_div => BinOp::Div,
                Rule::op_of => BinOp::Of,
                Rule::op_otherwise => BinOp::Otherwise,
                _ => return Err(unexpected(&op)),
            };
            let at = lhs.span.to(rhs.span);
            Ok(Expr {
                kind: ExprKind::Binary(bin, Box::new(lhs), Box::new(rhs)),
                span: at,
            })
        })
        .parse(p.into_inner())
}

fn primary(p: Pair<Rule>) -> Result<Expr> {
    let at = span(&p);
    let kind = match p.as_rule() {
        Rule::expr => return expr(p),
        Rule::paren => {
            let inner = next(&mut p.into_inner(), "expression in parentheses", at)?;
            let mut e = expr(inner)?;
            e.span = at;
            return Ok(e);
        }
        Rule::path => ExprKind::Path(p.into_inner().map(ident).collect()),
        Rule::call => {
            let mut it = p.into_inner();
            let name = ident(next(&mut it, "function name", at)?);
            let args = it.map(expr).collect::<Result<Vec<_>>>()?;
            ExprKind::Call { name, args }
        }
        // a table standing inside an expression: lowered as the amount forms are
        Rule::tier_table | Rule::bands | Rule::pick => return super::amount::core(p),
        Rule::aggregate => ExprKind::Aggregate(Box::new(aggregate(p)?)),
        Rule::date_part => {
            let mut it = p.into_inner();
            let part = match next(&mut it, "year, month or day", at)?.as_rule() {
                Rule::part_year => DatePart::Year,
                Rule::part_month => DatePart::Month,
                _ => DatePart::Day,
            };
            let date = primary(next(&mut it, "a date", at)?)?;
            ExprKind::DatePart(part, Box::new(date))
        }
        Rule::date_span => {
            let mut it = p.into_inner();
            let unit = unit(&next(&mut it, "years, months or days", at)?);
            let from = primary(next(&mut it, "a date", at)?)?;
            let to = primary(next(&mut it, "a date", at)?)?;
            ExprKind::Between {
                unit,
                from: Box::new(from),
                to: Box::new(to),
            }
        }
        Rule::date_edge => {
            let mut it = p.into_inner();
            let end = next(&mut it, "start or end", at)?.as_rule() == Rule::edge_end;
            let unit = match next(&mut it, "year or month", at)?.as_rule() {
                Rule::part_month => DatePart::Month,
                _ => DatePart::Year,
            };
            let date = primary(next(&mut it, "a date", at)?)?;
            ExprKind::Edge {
                end,
                unit,
                date: Box::new(date),
            }
        }
        Rule::quantifier => ExprKind::Quantified(Box::new(quantified(p)?)),
        Rule::if_expr => {
            let mut parts = p.into_inner().filter(|x| x.as_rule() == Rule::expr);
            let c = expr(parts.next().ok_or_else(|| internal("if without condition", at.start))?)?;
            let t = expr(parts.next().ok_or_else(|| internal("if without then", at.start))?)?;
            let e = expr(parts.next().ok_or_else(|| internal("if without else", at.start))?)?;
            ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
        }
        _ => ExprKind::Literal(literal_pair(p)?.node),
    };
    Ok(Expr { kind, span: at })
}

/// `x rounded to 0.01 [mode]`
fn rounded(lhs: Expr, op: Pair<Rule>, at: Span) -> Result<Expr> {
    let oat = span(&op);
    let mut it = op.into_inner();
    let unit_pair = next(&mut it, "rounding unit", oat)?;
    let unit = literal::number(unit_pair.as_str()).ok_or_else(|| unexpected(&unit_pair))?;
    let mode = match it.next() {
        Some(m) => Some(RoundMode::from_keyword(m.as_str()).ok_or_else(|| unexpected(&m))?),
        None => None,
    };
    Ok(Expr {
        kind: ExprKind::Round {
            expr: Box::new(lhs),
            unit: Spanned::new(unit, span(&unit_pair)),
            mode,
        },
        span: at,
    })
}

/// `the sum of E for each x in L [where F] [distinct by K]`, `the number of x in L …`
fn aggregate(p: Pair<Rule>) -> Result<Aggregate> {
    let at = span(&p);
    let mut it = p.into_inner().peekable();
    let head = next_peek(&mut it, "aggregate", at)?;
    let hat = span(&head);
    let (kind, body) = match head.as_rule() {
        Rule::agg_count => (AggKind::Count, None),
        Rule::agg_of => {
            let kind = match head.clone().into_inner().next().map(|x| x.as_rule()) {
                Some(Rule::agg_sum) => AggKind::Sum,
                Some(Rule::agg_highest) => AggKind::Highest,
                Some(Rule::agg_lowest) => AggKind::Lowest,
                _ => return Err(unexpected(&head)),
            };
            let body = expr(next_peek(&mut it, "what is added up", at)?)?;
            next_peek(&mut it, "`for`", at)?;
            next_peek(&mut it, "`each`", at)?;
            (kind, Some(body))
        }
        _ => return Err(unexpected(&head)),
    };
    let var = ident(next_peek(&mut it, "item name", at)?);
    next_peek(&mut it, "`in`", at)?;
    let list = expr(next_peek(&mut it, "list", at)?)?;
    let mut filter = None;
    let mut distinct = None;
    while let Some(part) = it.next() {
        match part.as_rule() {
            Rule::kw_where => filter = Some(expr(next_peek(&mut it, "filter", at)?)?),
            Rule::kw_distinct => {
                next_peek(&mut it, "`by`", at)?;
                distinct = Some(expr(next_peek(&mut it, "key", at)?)?);
            }
            _ => return Err(unexpected(&part)),
        }
    }
    Ok(Aggregate {
        kind: Spanned::new(kind, hat),
        body,
        var,
        list,
        filter,
        distinct,
    })
}

/// `any x in L [where F] satisfies C`, `every x in L … satisfies C`
fn quantified(p: Pair<Rule>) -> Result<Quantified> {
    let at = span(&p);
    let mut it = p.into_inner().peekable();
    let every = next_peek(&mut it, "`any` or `every`", at)?.as_rule() == Rule::kw_every;
    let var = ident(next_peek(&mut it, "item name", at)?);
    next_peek(&mut it, "`in`", at)?;
    let list = expr(next_peek(&mut it, "list", at)?)?;
    let mut filter = None;
    let mut test = None;
    while let Some(part) = it.next() {
        match part.as_rule() {
            Rule::kw_where => filter = Some(expr(next_peek(&mut it, "filter", at)?)?),
            Rule::kw_satisfies => test = Some(expr(next_peek(&mut it, "condition", at)?)?),
            _ => return Err(unexpected(&part)),
        }
    }
    let test = test.ok_or_else(|| Box::new(internal("quantifier without a condition", at.start)))?;
    Ok(Quantified {
        every,
        var,
        list,
        filter,
        test,
    })
}

fn next_peek<'a>(
    it: &mut std::iter::Peekable<pest::iterators::Pairs<'a, Rule>>,
    what: &str,
    at: Span,
) -> Result<Pair<'a, Rule>> {
    it.next()
        .ok_or_else(|| Box::new(internal(&format!("missing {what}"), at.start)))
}

/// The unit of a span or a period.
fn unit(p: &Pair<Rule>) -> DatePart {
    match p.as_rule() {
        Rule::span_years | Rule::one_year => DatePart::Year,
        Rule::span_months | Rule::one_month => DatePart::Month,
        _ => DatePart::Day,
    }
}
