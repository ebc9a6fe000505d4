//! The case format: inputs, record fields and enum values. A change is
//! breaking when case files that worked before would be rejected after.

use super::{SchemaChange, SchemaChangeKind};
use crate::check::model::{Const, FieldDef, Policy, Range, WhenAbsent};

pub(super) fn compare(old: &Policy, new: &Policy) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    match (old.date_required.is_some(), new.date_required.is_some()) {
        (false, true) => out.push(change(
            "date",
            SchemaChangeKind::NowRequired,
            Some("optional".into()),
            Some("required".into()),
            true,
            t!("cases without their application date will be rejected"),
        )),
        (true, false) => out.push(change(
            "date",
            SchemaChangeKind::NoLongerRequired,
            Some("required".into()),
            Some("optional".into()),
            false,
            t!("existing cases stay valid"),
        )),
        _ => {}
    }
    fields(old, new, "", &old.inputs, &new.inputs, &mut out);
    for r in &new.records {
        if let Some(o) = old.records.iter().find(|o| o.name == r.name) {
            fields(old, new, &format!("{}.", r.name), &o.fields, &r.fields, &mut out);
        }
    }
    for e in &new.enums {
        let Some(o) = old.enums.iter().find(|o| o.name == e.name) else {
            continue;
        };
        for (v, _) in o.values.iter().filter(|(v, _)| !e.values.iter().any(|(w, _)| w == v)) {
            out.push(change(
                &format!("{}.{v}", e.name),
                SchemaChangeKind::ValueRemoved,
                Some(v.clone()),
                None,
                true,
                t!("cases that give this value will be rejected"),
            ));
        }
        for (v, _) in e.values.iter().filter(|(v, _)| !o.values.iter().any(|(w, _)| w == v)) {
            out.push(change(
                &format!("{}.{v}", e.name),
                SchemaChangeKind::ValueAdded,
                None,
                Some(v.clone()),
                false,
                t!("existing cases stay valid"),
            ));
        }
    }
    out
}

fn change(
    item: &str,
    what: SchemaChangeKind,
    old: Option<String>,
    new: Option<String>,
    breaking: bool,
    why: impl Into<String>,
) -> SchemaChange {
    SchemaChange {
        item: item.into(),
        change: what,
        old,
        new,
        breaking,
        why: why.into(),
    }
}

fn default_text(policy: &Policy, d: &Option<WhenAbsent>) -> String {
    match d {
        None => t!("none: every case gives it").into_owned(),
        Some(WhenAbsent::Empty) => t!("an empty list").into_owned(),
        Some(WhenAbsent::Value(Const::Bool(true))) => t!("yes").into_owned(),
        Some(WhenAbsent::Value(Const::Bool(false))) => t!("no").into_owned(),
        Some(WhenAbsent::Value(Const::Enum(en, v))) => policy.enums[*en].values[*v as usize].0.clone(),
        Some(WhenAbsent::Value(c)) => c.written(policy.currency()),
    }
}

fn range_text(r: &Range) -> String {
    match (r.min, r.max) {
        (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
        (Some(lo), None) => format!(">= {lo}"),
        (None, Some(hi)) => format!("<= {hi}"),
        (None, None) => "any".into(),
    }
}

/// True when every value `old` allows, `new` allows too.
fn widens(old: &Range, new: &Range) -> bool {
    let lo = match (old.min, new.min) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => b <= a,
    };
    let hi = match (old.max, new.max) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => b >= a,
    };
    lo && hi
}

fn fields(old: &Policy, new: &Policy, prefix: &str, olds: &[FieldDef], news: &[FieldDef], out: &mut Vec<SchemaChange>) {
    for o in olds {
        let item = format!("{prefix}{}", o.name);
        let Some(n) = news.iter().find(|n| n.name == o.name) else {
            out.push(change(
                &item,
                SchemaChangeKind::Removed,
                Some(old.type_name(&o.ty)),
                None,
                true,
                t!("case files that give it will be rejected as an unknown field"),
            ));
            continue;
        };
        let (to, tn) = (old.type_name(&o.ty), new.type_name(&n.ty));
        let same_type = to == tn;
        if !same_type {
            let why = if n.required() && !o.required() {
                t!("cases that leave it out will now be rejected")
            } else {
                t!("values written for the old type may be rejected")
            };
            out.push(change(
                &item,
                SchemaChangeKind::TypeChanged,
                Some(to),
                Some(tn),
                true,
                why,
            ));
        }
        if o.range != n.range {
            let wider = widens(&o.range, &n.range);
            let why = if wider {
                t!("every value allowed before is still allowed")
            } else {
                t!("values allowed before may now be rejected")
            };
            out.push(change(
                &item,
                SchemaChangeKind::RangeChanged,
                Some(range_text(&o.range)),
                Some(range_text(&n.range)),
                !wider,
                why,
            ));
        }
        if o.default != n.default && same_type {
            let why = match (&o.default, &n.default) {
                (Some(_), None) => t!("cases that leave it out will now be rejected"),
                (None, Some(_)) => t!("cases that leave it out are now read as the default"),
                _ => t!("cases that leave it out are read as another value"),
            };
            out.push(change(
                &item,
                SchemaChangeKind::DefaultChanged,
                Some(default_text(old, &o.default)),
                Some(default_text(new, &n.default)),
                o.default.is_some(),
                why,
            ));
        }
        if o.label != n.label {
            out.push(change(
                &item,
                SchemaChangeKind::LabelChanged,
                o.label.clone(),
                n.label.clone(),
                false,
                t!("wording only"),
            ));
        }
    }
    for n in news.iter().filter(|n| !olds.iter().any(|o| o.name == n.name)) {
        let item = format!("{prefix}{}", n.name);
        let breaking = n.required();
        let why = if breaking {
            t!("a new required field: existing case files lack it")
        } else {
            t!("may be left out: existing case files stay valid")
        };
        out.push(change(
            &item,
            SchemaChangeKind::Added,
            None,
            Some(new.type_name(&n.ty)),
            breaking,
            why,
        ));
    }
}
