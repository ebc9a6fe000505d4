//! What-if without a file: `--set NAME=VALUE` replaces a parameter's value
//! (every dated value too) in a checked policy, with the same unit check an
//! edited file would get.

use super::decl::{const_type, number_const};
use super::model::{Const, Policy, Ty};
use crate::diagnostic::closest;
use crate::syntax::{ast::Literal, parse_value};
use rust_decimal::Decimal;

/// Applies `NAME=VALUE` overrides in order. Errors say which one is wrong and why.
pub fn apply(policy: &mut Policy, sets: &[String]) -> Result<(), String> {
    for set in sets {
        let (name, value) = set
            .split_once('=')
            .ok_or_else(|| format!("`--set {set}`: write NAME=VALUE, e.g. dcmm_level5_amount=60万元"))?;
        let name = name.trim();
        let Some(param) = policy.params.iter_mut().find(|p| p.name == name) else {
            let hint = closest(name, policy.params.iter().map(|p| p.name.as_str()))
                .map(|c| t!("; did you mean `%{c}`?", c = c).into_owned())
                .unwrap_or_default();
            return Err(t!(
                "`--set %{set}`: the policy has no parameter `%{name}`%{hint}",
                set = set,
                name = name,
                hint = hint
            )
            .into_owned());
        };
        let mut value = constant(parse_value(value).map_err(|e| format!("`--set {set}`: {e}"))?);
        if let (Const::Int(n), Ty::Number) = (&value, &param.ty) {
            value = Const::Number(Decimal::from(*n));
        }
        if const_type(&value) != param.ty {
            return Err(format!(
                "`--set {set}`: `{name}` is {}, not {}",
                policy_type(&param.value),
                policy_type(&value)
            ));
        }
        param.value = value;
        param.dated.clear();
    }
    Ok(())
}

fn policy_type(c: &Const) -> &'static str {
    match c {
        Const::Bool(_) => "a yes/no value",
        Const::Int(_) => "a whole number",
        Const::Number(_) => "a number",
        Const::Enum(..) => "a value of a choice",
        Const::Money(_) => "money (write it with 元, 万元 or 亿元)",
        Const::Rate(_) => "a rate (write it with %)",
        Const::Text(_) => "text",
        Const::Date(_) => "a date",
    }
}

fn constant(lit: Literal) -> Const {
    match lit {
        Literal::Money(d, _) => Const::Money(d),
        Literal::Rate(d) => Const::Rate(d),
        Literal::Number(d) => number_const(d),
        Literal::Bool(b) => Const::Bool(b),
        Literal::Date(d) => Const::Date(d),
        Literal::Text(t) => Const::Text(t),
    }
}

impl Const {
    /// As a drafter would write it, amounts in `currency`: `60万元`, `$40,000`, `25%`, `3`.
    pub fn written(&self, currency: crate::currency::Currency) -> String {
        match self {
            Const::Bool(b) => b.to_string(),
            Const::Int(i) => i.to_string(),
            Const::Number(d) => d.normalize().to_string(),
            Const::Enum(_, v) => format!("#{v}"),
            Const::Money(d) => currency.write(*d),
            Const::Rate(d) => format!("{}%", (d * rust_decimal::Decimal::ONE_HUNDRED).normalize()),
            Const::Text(t) => format!("{t:?}"),
            Const::Date(d) => d.to_string(),
        }
    }
}
