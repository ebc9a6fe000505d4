//! What a case that leaves a field out gets, worked out once per policy:
//! the default its declaration writes, nothing for an optional field, or an
//! error for a field that must be given.

use crate::check::model::{FieldDef, Ty, WhenAbsent};
use crate::compile::const_value;
use crate::value::{Span32, Value};

/// What a field left out means: nothing for an optional one, else the default
/// the policy writes; `None` when the case must give it.
pub(super) fn when_missing(def: &FieldDef) -> Option<Value> {
    match (&def.ty, &def.default) {
        (Ty::Optional(_), _) => Some(Value::Absent),
        (_, Some(WhenAbsent::Empty)) => Some(Value::List(Span32::default())),
        (_, Some(WhenAbsent::Value(c))) => Some(const_value(c)),
        (_, None) => None,
    }
}

/// The fields that have a default, with it.
pub(super) fn fill(fields: &[FieldDef]) -> Vec<(usize, Value)> {
    (fields.iter().enumerate())
        .filter_map(|(i, def)| Some((i, when_missing(def)?)))
        .collect()
}

/// The fields that have none.
pub(super) fn required(fields: &[FieldDef]) -> Vec<usize> {
    (fields.iter().enumerate())
        .filter(|(_, def)| when_missing(def).is_none())
        .map(|(i, _)| i)
        .collect()
}
