//! Checked policy → program. The checked policy is already the evaluation
//! tree (names resolved to slots, conversions explicit, the order of
//! evaluation planned); what can be decided once more is decided here:
//! parameter values for each dated period as run-time values, and the names
//! of enum values that per-item ledger entries are matched against.

use crate::check::model::{Const, Date, Policy};
use crate::value::Value;
use std::sync::Arc;

/// Parameter values in force from a date on, for every parameter.
#[derive(Debug, Clone)]
pub struct ParamSet {
    pub from: Option<Date>,
    pub values: Vec<Value>,
}

/// A compiled policy, ready to evaluate any number of cases.
#[derive(Debug, Clone)]
pub struct Program {
    /// the checked policy, whose expressions the evaluator runs
    pub policy: Arc<Policy>,
    /// the policy text, for locating evaluation errors and quoting rules in explanations
    pub source: Arc<str>,
    /// in date order; the first has `from: None`
    pub param_sets: Vec<ParamSet>,
    /// per enum, its values as ledger entries name them (`once per kind`)
    pub enum_items: Vec<Vec<Arc<str>>>,
}

impl Program {
    /// The parameter values in force on `date`.
    pub fn params_on(&self, date: Date) -> &[Value] {
        let i = self.param_sets.partition_point(|s| s.from.is_none_or(|f| f <= date));
        self.param_sets
            .get(i.saturating_sub(1))
            .map(|s| s.values.as_slice())
            .unwrap_or(&[])
    }

    /// The value of parameter `i` when it is the same on every day: what the
    /// evaluator may hold as a constant instead of reading it for each case.
    pub fn constant(&self, i: usize) -> Option<&Value> {
        let (first, rest) = self.param_sets.split_first()?;
        let v = first.values.get(i)?;
        // The same number at other places (10% and 0.100) is not the same
        // value: it would be written differently.
        let same = |x: &Value| match (x, v) {
            (Value::Dec(a), Value::Dec(b)) => a == b && a.scale() == b.scale(),
            _ => x == v,
        };
        rest.iter().all(|s| s.values.get(i).is_some_and(same)).then_some(v)
    }
}

/// Compiles a checked policy. `source` is the policy text.
pub fn compile(policy: Policy, source: &str) -> Program {
    Program {
        param_sets: param_sets(&policy),
        enum_items: policy
            .enums
            .iter()
            .map(|e| e.values.iter().map(|(n, _)| Arc::from(n.as_str())).collect())
            .collect(),
        source: Arc::from(source),
        policy: Arc::new(policy),
    }
}

/// One set of parameter values per date on which any parameter changes.
fn param_sets(policy: &Policy) -> Vec<ParamSet> {
    let mut dates: Vec<Date> = policy
        .params
        .iter()
        .flat_map(|p| p.dated.iter().map(|(d, _)| *d))
        .collect();
    dates.sort();
    dates.dedup();
    // Money at the places awards are rounded to (`500万元` as 5000000.00): an
    // amount compared with a cap, or a cap paid as an award, then needs no
    // rescaling. The value is the same; only its places are stated.
    let places = policy
        .header
        .rounding
        .as_ref()
        .filter(|r| r.on_award && r.unit.scale() > 0)
        .map(|r| r.unit.scale());
    let value = |c: &Const| match (c, places) {
        (Const::Money(d), Some(s)) if d.scale() < s => {
            let mut d = *d;
            d.rescale(s);
            Value::Dec(d)
        }
        _ => const_value(c),
    };
    let base = ParamSet {
        from: None,
        values: policy.params.iter().map(|p| value(&p.value)).collect(),
    };
    std::iter::once(base)
        .chain(dates.into_iter().map(|d| ParamSet {
            from: Some(d),
            values: policy.params.iter().map(|p| value(p.value_on(d))).collect(),
        }))
        .collect()
}

/// A constant of the policy as a run-time value.
pub fn const_value(c: &Const) -> Value {
    match c {
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Money(d) | Const::Rate(d) | Const::Number(d) => Value::Dec(*d),
        Const::Text(t) => Value::Text(Arc::from(t.as_str())),
        Const::Date(d) => Value::Date(*d),
        Const::Enum(_, v) => Value::Enum(*v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn program(params: &str) -> Program {
        let src = format!(
            "policy \"p\" {{ effective 2025-01-01 }}\n{params}\nmeasure m （一） \"m\" {{ text \"t\" award 1元 }}"
        );
        let file = crate::syntax::parse(&src, crate::syntax::FileKind::Policy).expect("parses");
        let policy = crate::check::check(&file, &[]).policy.expect("checks");
        compile(policy, &src)
    }

    #[test]
    fn only_a_parameter_with_one_value_on_every_day_is_constant() {
        let mut p = program(
            "param cap \"上限\" = 50万元\nparam rate \"比例\" = 20% from 2027-07-01 = 15%\n\
             param same \"不变\" = 10元 from 2026-01-01 = 10.00元",
        );
        assert_eq!(p.param_sets.len(), 3, "a set per date on which any parameter changes");
        assert_eq!(p.constant(0), Some(&Value::Dec(Decimal::new(500_000, 0))));
        assert_eq!(p.constant(1), None, "20% before 2027-07-01, 15% from then on");
        assert_eq!(p.constant(2), Some(&Value::Dec(Decimal::new(10, 0))));
        assert_eq!(p.constant(3), None, "no such parameter");
        // The checker writes both as 10; a set holding 10.00 would print differently.
        p.param_sets[2].values[2] = Value::Dec(Decimal::new(1000, 2));
        assert_eq!(p.constant(2), None, "equal, but at other places");
    }
}
