//! Drafters' tests and the case data they give.

use super::super::ast::*;
use super::super::Rule;
use super::*;
use crate::span::Spanned;
use pest::iterators::Pair;

pub(super) fn test_block(p: Pair<Rule>) -> Result<TestBlock> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = string(next(&mut it, "test name", at)?)?;
    let given_pair = next(&mut it, "given", at)?;
    let gat = span(&given_pair);
    let given = data(next(&mut given_pair.into_inner(), "given object", gat)?)?;
    let expect_pair = next(&mut it, "expect", at)?;
    let eat = span(&expect_pair);
    let body = next(&mut expect_pair.into_inner(), "expectation", eat)?;
    let expect = match body.as_rule() {
        Rule::expect_errors => Expect::Errors(body.into_inner().map(|f| spanned_str(&f)).collect()),
        Rule::object => {
            let mut awards = Vec::new();
            for entry in body.into_inner() {
                let (key, value) = entry_pair(entry)?;
                awards.push((key, value));
            }
            Expect::Awards(awards)
        }
        _ => return Err(unexpected(&body)),
    };
    Ok(TestBlock {
        name,
        given,
        expect,
        span: at,
    })
}

pub(super) fn entry_pair(entry: Pair<Rule>) -> Result<(Ident, Spanned<Data>)> {
    let at = span(&entry);
    let mut it = entry.into_inner();
    let k = next(&mut it, "key", at)?;
    let key = match k.as_rule() {
        Rule::string => string(k)?,
        _ => spanned_str(&k),
    };
    let value = data(next(&mut it, "value", at)?)?;
    Ok((key, value))
}

pub(super) fn data(p: Pair<Rule>) -> Result<Spanned<Data>> {
    let at = span(&p);
    let _nesting = nest(at)?;
    let d = match p.as_rule() {
        Rule::object => {
            let mut fields = Vec::new();
            for entry in p.into_inner() {
                let (k, v) = entry_pair(entry)?;
                fields.push((k, v));
            }
            Data::Object(fields)
        }
        Rule::array => Data::Array(p.into_inner().map(data).collect::<Result<Vec<_>>>()?),
        Rule::ident => Data::Name(p.as_str().to_string()),
        Rule::signed => {
            let lit = signed(p)?;
            Data::Literal(lit.node)
        }
        Rule::string => Data::Literal(Literal::Text(string(p)?.node)),
        _ => return Err(unexpected(&p)),
    };
    Ok(Spanned::new(d, at))
}
