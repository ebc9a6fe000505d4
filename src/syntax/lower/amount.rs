//! Award amounts: plain, `up to`, tier tables, alternatives, `each`.

use super::super::errors::internal;
use super::super::Rule;
use super::*;
use crate::span::Spanned;
use pest::iterators::Pair;

pub(super) fn amount(p: Pair<Rule>) -> Result<Amount> {
    let at = span(&p);
    let _nesting = nest(at)?;
    let mut it = p.into_inner();
    let core = next(&mut it, "amount", at)?;
    let cap = match it.next() {
        Some(c) => {
            let cat = span(&c);
            Some(expr(next(&mut c.into_inner(), "cap", cat)?)?)
        }
        None => None,
    };
    let cat = span(&core);
    let kind = match core.as_rule() {
        Rule::expr => AmountKind::Expr(expr(core)?),
        Rule::up_to => {
            let mut inner = core.into_inner();
            let ceiling = expr(next(&mut inner, "ceiling", cat)?)?;
            let assessed = inner.next().map(expr).transpose()?;
            AmountKind::UpTo { ceiling, assessed }
        }
        Rule::tier_table => {
            let mut inner = core.into_inner();
            next(&mut inner, "`by`", cat)?;
            let key = expr(next(&mut inner, "tier key", cat)?)?;
            let rows = inner.map(tier_row).collect::<Result<Vec<_>>>()?;
            AmountKind::Tier { key, rows }
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
            AmountKind::Pick {
                policy: Spanned::new(policy, pat),
                alternatives,
            }
        }
        Rule::each => {
            let mut inner = core.into_inner();
            next(&mut inner, "`each`", cat)?;
            let var = ident(next(&mut inner, "item name", cat)?);
            next(&mut inner, "`in`", cat)?;
            let list = expr(next(&mut inner, "list", cat)?)?;
            let mut filter = None;
            let mut body = None;
            let mut once_per = None;
            while let Some(part) = inner.next() {
                match part.as_rule() {
                    Rule::kw_where => filter = Some(expr(next(&mut inner, "filter", cat)?)?),
                    Rule::amount => body = Some(amount(part)?),
                    Rule::once_per => {
                        let oat = span(&part);
                        let mut o = part.into_inner();
                        next(&mut o, "`once`", oat)?;
                        once_per = Some(expr(next(&mut o, "item key", oat)?)?);
                    }
                    _ => return Err(unexpected(&part)),
                }
            }
            let body = Box::new(body.ok_or_else(|| internal("each without amount", cat.start))?);
            AmountKind::Each {
                var,
                list,
                filter,
                body,
                once_per,
            }
        }
        _ => return Err(unexpected(&core)),
    };
    Ok(Amount { kind, cap, span: at })
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
            span: at,
        });
    }
    let amount = amount(first)?;
    next(&mut it, "`when`", at)?;
    let when = Some(expr(next(&mut it, "condition", at)?)?);
    Ok(Alternative { amount, when, span: at })
}
