//! Amounts: an expression or one of the block forms (`up to`, `by`, the hit
//! policies, `in bands of`, `each`), optionally capped. Each becomes an `Expr`.

use super::super::errors::internal;
use super::super::Rule;
use super::*;
use crate::span::Spanned;
use pest::iterators::Pair;

/// An `amount`: its core, and the `, at most …` that caps it.
pub(super) fn amount(p: Pair<Rule>) -> Result<Expr> {
    let at = span(&p);
    let _nesting = nest(at)?;
    let mut it = p.into_inner();
    let core_pair = next(&mut it, "amount", at)?;
    let core = core(core_pair)?;
    match it.next() {
        Some(c) => {
            let cat = span(&c);
            let cap = expr(next(&mut c.into_inner(), "cap", cat)?)?;
            Ok(Expr {
                kind: ExprKind::Capped {
                    amount: Box::new(core),
                    cap: Box::new(cap),
                },
                span: at,
            })
        }
        None => Ok(core),
    }
}

/// One of the forms an amount can take, without its `, at most`.
pub(super) fn core(core: Pair<Rule>) -> Result<Expr> {
    let cat = span(&core);
    let kind = match core.as_rule() {
        Rule::expr => return expr(core),
        Rule::up_to => {
            let mut inner = core.into_inner();
            let ceiling = Box::new(expr(next(&mut inner, "ceiling", cat)?)?);
            let assessed = inner.next().map(expr).transpose()?.map(Box::new);
            ExprKind::UpTo { ceiling, assessed }
        }
        Rule::tier_table => {
            let mut inner = core.into_inner();
            next(&mut inner, "`by`", cat)?;
            let key = Box::new(expr(next(&mut inner, "tier key", cat)?)?);
            let rows = inner.map(tier_row).collect::<Result<Vec<_>>>()?;
            ExprKind::Tier { key, rows }
        }
        Rule::pick => {
            let mut inner = core.into_inner();
            let pol = next(&mut inner, "hit policy", cat)?;
            let pat = span(&pol);
            let policy = match pol.clone().into_inner().next().map(|x| x.as_rule()) {
                Some(Rule::highest_of) => HitPolicy::Highest,
                Some(Rule::first_of) => HitPolicy::First,
                Some(Rule::sum_of) => HitPolicy::Sum,
                Some(Rule::one_of) => HitPolicy::One,
                _ => return Err(unexpected(&pol)),
            };
            let alternatives = inner.map(alternative).collect::<Result<Vec<_>>>()?;
            ExprKind::Pick {
                policy: Spanned::new(policy, pat),
                alternatives,
            }
        }
        Rule::bands => {
            let mut inner = core.into_inner();
            next(&mut inner, "`in`", cat)?;
            let base = Box::new(expr(next(&mut inner, "the base of the bands", cat)?)?);
            let rows = inner.map(band_row).collect::<Result<Vec<_>>>()?;
            ExprKind::Bands { base, rows }
        }
        Rule::each => {
            let mut inner = core.into_inner();
            next(&mut inner, "`each`", cat)?;
            let var = ident(next(&mut inner, "item name", cat)?);
            next(&mut inner, "`in`", cat)?;
            let list = Box::new(expr(next(&mut inner, "list", cat)?)?);
            let mut filter = None;
            let mut body = None;
            let mut once_per = None;
            while let Some(part) = inner.next() {
                match part.as_rule() {
                    Rule::kw_where => filter = Some(Box::new(expr(next(&mut inner, "filter", cat)?)?)),
                    Rule::amount => body = Some(amount(part)?),
                    Rule::once_per => {
                        let oat = span(&part);
                        let mut o = part.into_inner();
                        next(&mut o, "`once`", oat)?;
                        once_per = Some(Box::new(expr(next(&mut o, "item key", oat)?)?));
                    }
                    _ => return Err(unexpected(&part)),
                }
            }
            let body = Box::new(body.ok_or_else(|| internal("each without amount", cat.start))?);
            ExprKind::Each {
                var,
                list,
                filter,
                body,
                once_per,
            }
        }
        _ => return Err(unexpected(&core)),
    };
    Ok(Expr { kind, span: cat })
}

fn band_row(p: Pair<Rule>) -> Result<BandRow> {
    let at = span(&p);
    let mut it = p.into_inner();
    let range_pair = next(&mut it, "band", at)?;
    let rat = span(&range_pair);
    let which = next(&mut range_pair.into_inner(), "band", rat)?;
    let mut edges = which.clone().into_inner();
    let range = match which.as_rule() {
        Rule::band_up_to => BandRange::UpTo(expr(next(&mut edges, "upper edge", rat)?)?),
        Rule::band_above => BandRange::Above(expr(next(&mut edges, "lower edge", rat)?)?),
        Rule::band_between => {
            let lo = expr(next(&mut edges, "lower edge", rat)?)?;
            let hi = expr(next(&mut edges, "upper edge", rat)?)?;
            BandRange::Between(lo, hi)
        }
        _ => return Err(unexpected(&which)),
    };
    let rate = expr(next(&mut it, "the band's rate", at)?)?;
    Ok(BandRow {
        range: Spanned::new(range, rat),
        rate,
    })
}

pub(super) fn tier_row(p: Pair<Rule>) -> Result<TierRow> {
    let at = span(&p);
    let mut it = p.into_inner();
    let key_pair = next(&mut it, "tier key", at)?;
    let kat = span(&key_pair);
    let k = next(&mut key_pair.into_inner(), "tier key", kat)?;
    let key = match k.as_rule() {
        Rule::kw_otherwise => TierKey::Otherwise,
        Rule::signed => TierKey::Literal(signed(k)?.node),
        Rule::ident => TierKey::Name(k.as_str().to_string()),
        Rule::range_key => {
            let rat = span(&k);
            let mut r = k.into_inner();
            let lo = signed(next(&mut r, "lower", rat)?)?.node;
            let hi = signed(next(&mut r, "upper", rat)?)?.node;
            TierKey::Range(lo, hi)
        }
        _ => return Err(unexpected(&k)),
    };
    let amount = amount(next(&mut it, "tier amount", at)?)?;
    Ok(TierRow {
        key: Spanned::new(key, kat),
        amount,
    })
}

pub(super) fn alternative(p: Pair<Rule>) -> Result<Alternative> {
    let at = span(&p);
    let mut it = p.into_inner();
    let first = next(&mut it, "alternative", at)?;
    if first.as_rule() == Rule::kw_otherwise {
        let amount = amount(next(&mut it, "amount", at)?)?;
        return Ok(Alternative {
            amount,
            when: None,
            otherwise: true,
            span: at,
        });
    }
    let amount = amount(first)?;
    // An amount with no `when` always applies.
    let when = match it.next() {
        Some(_) => Some(expr(next(&mut it, "condition", at)?)?),
        None => None,
    };
    Ok(Alternative {
        amount,
        when,
        otherwise: false,
        span: at,
    })
}
