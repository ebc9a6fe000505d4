//! A value as a reader of the policy writes it: 是/否, amounts with their
//! thousands, rates as percentages, a choice by its name and label.

use super::model::{Policy, Ty};
use crate::number::{money, quantity, rate};
use crate::value::Value;

impl Policy {
    /// The currency the policy's amounts are in: its header's, or CNY.
    pub fn currency(&self) -> crate::currency::Currency {
        self.header
            .currency
            .as_deref()
            .and_then(crate::currency::Currency::from_code)
            .unwrap_or(crate::currency::Currency::CNY)
    }

    /// `v` of type `ty` in words; `text` is the case's text buffer, where a text of the case is.
    pub fn show_value(&self, text: &str, v: &Value, ty: &Ty) -> String {
        match (v, ty.required()) {
            (Value::Absent, _) => t!("not given").into_owned(),
            (Value::Bool(b), _) => if *b { t!("yes") } else { t!("no") }.into_owned(),
            (Value::Int(i), _) => i.to_string(),
            (Value::Dec(d), Ty::Rate) => rate(*d),
            (Value::Dec(d), Ty::Money) => money(*d),
            (Value::Dec(d), _) => quantity(*d),
            (Value::Enum(e), Ty::Enum(en)) => self.enums.get(*en).and_then(|x| x.values.get(*e as usize)).map_or_else(
                || e.to_string(),
                |(n, l)| match l {
                    Some(l) => format!("{n}（{l}）"),
                    None => n.clone(),
                },
            ),
            (Value::Text(t), _) => t.to_string(),
            (Value::CaseText(_), _) => v.as_text(text).unwrap_or_default().to_string(),
            (Value::Date(d), _) => d.to_string(),
            (other, _) => format!("{other:?}"),
        }
    }
}
