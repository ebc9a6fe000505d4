//! Declarations: the header, enums, records, inputs and their types and
//! bounds, parameters with their dated values, named values.

use super::*;

pub(super) fn header(p: Pair<Rule>) -> Result<Header> {
    let at = span(&p);
    let mut it = p.into_inner();
    next(&mut it, "`policy`", at)?;
    let title = string(next(&mut it, "title", at)?)?;
    let mut h = Header {
        title,
        amends: None,
        version: None,
        effective: None,
        in_force: None,
        currency: None,
        rounding: None,
        span: at,
    };
    for field in it {
        let fat = span(&field);
        let mut inner = field.clone().into_inner();
        match field.as_rule() {
            Rule::h_amends => h.amends = Some(string(next(&mut inner, "base policy", fat)?)?),
            Rule::h_version => h.version = Some(string(next(&mut inner, "version", fat)?)?),
            Rule::h_effective => h.effective = Some(date(next(&mut inner, "date", fat)?)?),
            Rule::h_in_force => {
                next(&mut inner, "`in`", fat)?;
                let from = date(next(&mut inner, "first day", fat)?)?;
                let to = date(next(&mut inner, "last day", fat)?)?;
                h.in_force = Some(InForce { from, to, span: fat });
            }
            Rule::h_currency => h.currency = Some(ident(next(&mut inner, "currency", fat)?)),
            Rule::h_rounding => h.rounding = Some(rounding(field)?),
            _ => return Err(unexpected(&field)),
        }
    }
    Ok(h)
}

pub(super) fn rounding(p: Pair<Rule>) -> Result<Rounding> {
    let at = span(&p);
    let mut it = p.into_inner();
    let unit_pair = next(&mut it, "rounding unit", at)?;
    let unit = literal::number(unit_pair.as_str()).ok_or_else(|| bad_number(&unit_pair))?;
    let mode_pair = next(&mut it, "rounding mode", at)?;
    let mode = RoundMode::from_keyword(mode_pair.as_str()).ok_or_else(|| unexpected(&mode_pair))?;
    let mut r = Rounding {
        unit: Spanned::new(unit, span(&unit_pair)),
        mode,
        after_rate: false,
        on_award: false,
        span: at,
    };
    for place in it {
        let inner = next(&mut place.clone().into_inner(), "rounding place", at)?;
        match inner.as_rule() {
            Rule::after_rate => r.after_rate = true,
            Rule::on_award => r.on_award = true,
            _ => return Err(unexpected(&inner)),
        }
    }
    Ok(r)
}

pub(super) fn bad_number(p: &Pair<Rule>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            "zhice::syntax::number",
            words!("`%{p}` is beyond the range of exact decimals", p = p.as_str()),
            span(p),
        )
        .label(words!("too large"))
        .help(words!("amounts must stay below about 7.9 × 10²⁸")),
    )
}

pub(super) fn opt_label(it: &mut Pairs<Rule>) -> Result<Option<String>> {
    match it.peek() {
        Some(p) if p.as_rule() == Rule::string => {
            it.next();
            Ok(Some(string(p)?.node))
        }
        _ => Ok(None),
    }
}

pub(super) fn enum_decl(p: Pair<Rule>) -> Result<EnumDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "enum name", at)?);
    let label = opt_label(&mut it)?;
    let mut values = Vec::new();
    for v in it {
        let vat = span(&v);
        let mut inner = v.into_inner();
        let vname = ident(next(&mut inner, "enum value", vat)?);
        values.push((vname, opt_label(&mut inner)?));
    }
    Ok(EnumDecl {
        name,
        label,
        values,
        span: at,
    })
}

pub(super) fn record_decl(p: Pair<Rule>) -> Result<RecordDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "record name", at)?);
    let label = opt_label(&mut it)?;
    let mut fields = Vec::new();
    for f in it {
        let fat = span(&f);
        let mut inner = f.into_inner();
        let fname = ident(next(&mut inner, "field name", fat)?);
        let ty = type_expr(next(&mut inner, "field type", fat)?)?;
        fields.push(FieldDecl {
            name: fname,
            ty,
            label: opt_label(&mut inner)?,
        });
    }
    Ok(RecordDecl {
        name,
        label,
        fields,
        span: at,
    })
}

pub(super) fn input_decl(p: Pair<Rule>) -> Result<InputDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "input name", at)?);
    let ty = type_expr(next(&mut it, "input type", at)?)?;
    Ok(InputDecl {
        name,
        ty,
        label: opt_label(&mut it)?,
        span: at,
    })
}

pub(super) fn type_expr(p: Pair<Rule>) -> Result<TypeExpr> {
    let at = span(&p);
    let mut optional = false;
    let parts = p.into_inner();
    // the default comes last: read it first, so that each type's arm can return
    let default = parts
        .clone()
        .find(|q| q.as_rule() == Rule::default_of)
        .map(field_default)
        .transpose()?;
    for part in parts {
        match part.as_rule() {
            Rule::optional => optional = true,
            Rule::list_type => {
                let lat = span(&part);
                let name = ident(next(&mut part.into_inner(), "element type", lat)?);
                return Ok(TypeExpr {
                    optional,
                    list: true,
                    name,
                    bound: None,
                    default,
                    span: at,
                });
            }
            Rule::plain_type => {
                let pat = span(&part);
                let mut inner = part.into_inner();
                let name = ident(next(&mut inner, "type name", pat)?);
                let bound = inner.next().map(bound).transpose()?;
                return Ok(TypeExpr {
                    optional,
                    list: false,
                    name,
                    bound,
                    default,
                    span: at,
                });
            }
            _ => return Err(unexpected(&part)),
        }
    }
    Err(Box::new(internal("empty type", at.start)))
}

fn field_default(p: Pair<Rule>) -> Result<Spanned<FieldDefault>> {
    let at = span(&p);
    let inner = next(&mut p.into_inner(), "default value", at)?;
    let at = span(&inner);
    let value = match inner.as_rule() {
        Rule::empty_list => FieldDefault::Empty,
        Rule::ident => FieldDefault::Name(inner.as_str().to_string()),
        Rule::signed => FieldDefault::Literal(signed(inner)?.node),
        _ => return Err(unexpected(&inner)),
    };
    Ok(Spanned::new(value, at))
}

pub(super) fn bound(p: Pair<Rule>) -> Result<Bound> {
    let at = span(&p);
    let inner = next(&mut p.into_inner(), "bound", at)?;
    let iat = span(&inner);
    let mut it = inner.clone().into_inner();
    match inner.as_rule() {
        Rule::range_bound => {
            let lo = signed(next(&mut it, "lower bound", iat)?)?;
            let hi = signed(next(&mut it, "upper bound", iat)?)?;
            Ok(Bound {
                min: Some(lo),
                max: Some(hi),
                span: at,
            })
        }
        Rule::min_bound => {
            let lo = signed(next(&mut it, "lower bound", iat)?)?;
            Ok(Bound {
                min: Some(lo),
                max: None,
                span: at,
            })
        }
        _ => Err(unexpected(&inner)),
    }
}

pub(super) fn param_decl(p: Pair<Rule>) -> Result<ParamDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let name = ident(next(&mut it, "parameter name", at)?);
    let label = opt_label(&mut it)?;
    let value = literal_pair(next(&mut it, "parameter value", at)?)?;
    let mut dated = Vec::new();
    for dv in it {
        let dat = span(&dv);
        let mut inner = dv.into_inner();
        let from = date(next(&mut inner, "date", dat)?)?;
        let v = literal_pair(next(&mut inner, "value", dat)?)?;
        dated.push((from, v));
    }
    Ok(ParamDecl {
        name,
        label,
        value,
        dated,
        span: at,
    })
}

pub(super) fn value_decl(p: Pair<Rule>) -> Result<ValueDecl> {
    let at = span(&p);
    let mut it = p.into_inner();
    let output = next(&mut it, "`value` or `output`", at)?.as_rule() == Rule::kw_output;
    let name = ident(next(&mut it, "value name", at)?);
    let label = opt_label(&mut it)?;
    let value = amount(next(&mut it, "the value's formula", at)?)?;
    Ok(ValueDecl {
        output,
        name,
        label,
        value,
        span: at,
    })
}
