//! Two versions of a policy: the Tongzhou draft, and the draft with the
//! fuzzer's bytes spliced in (at a place the first two bytes choose). A
//! version compared with itself has no change; every change reported between
//! the two names a measure, benefit, parameter, value, rule or pool one of
//! them declares.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use zhice::diff::{compare, Side};
use zhice::load::Loaded;

fn side<'a>(path: &'a str, l: &'a Loaded) -> Side<'a> {
    Side {
        path,
        policy: &l.program.policy,
        ast: &l.ast,
        source: &l.text,
    }
}

fn declared(l: &Loaded) -> BTreeSet<String> {
    let p = &l.program.policy;
    p.measures
        .iter()
        .map(|m| m.id.clone())
        .chain(p.benefits.iter().map(|b| b.id.clone()))
        .chain(p.params.iter().map(|x| x.name.clone()))
        .chain(p.inputs.iter().map(|x| x.name.clone()))
        .chain(p.values.iter().map(|x| x.name.clone()))
        .chain(p.rules.iter().map(|x| x.id.clone()))
        .chain(p.pools.iter().map(|x| x.id.clone()))
        .collect()
}

/// Every item a diff names as changed: by its id, and its old id when renamed.
fn changed_ids(d: &zhice::diff::PolicyDiff) -> Vec<String> {
    let items = [&d.values, &d.measures, &d.rules, &d.pools, &d.benefits];
    let mut ids: Vec<String> = items
        .iter()
        .flat_map(|list| list.iter())
        .flat_map(|c| std::iter::once(c.id.clone()).chain(c.old_id.clone()))
        .collect();
    ids.extend(d.params.iter().flat_map(|c| std::iter::once(c.name.clone()).chain(c.old_name.clone())));
    ids
}

fuzz_target!(|data: &[u8]| {
    let (Some(&a), Some(&b)) = (data.first(), data.get(1)) else { return };
    let Ok(splice) = std::str::from_utf8(&data[2..]) else { return };
    let old = common::named("tongzhou-2025-draft.policy");
    let text = include_str!("../../policies/tongzhou-2025-draft.policy");
    // a place on a character boundary, and how much to cut there
    let mut at = (usize::from(a) << 8 | usize::from(b)) * 7 % text.len();
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + splice.len() % 64).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let new_text = format!("{}{}{}", &text[..at], splice, &text[end..]);
    let Ok(new) = zhice::load::load_text("new.policy", new_text, None) else { return };

    let itself = compare(&side("new.policy", &new), &side("new.policy", &new));
    assert!(itself.is_empty(), "a version compared with itself changed: {itself:?}");

    let d = compare(&side("old.policy", old), &side("new.policy", &new));
    let known: BTreeSet<String> = declared(old).union(&declared(&new)).cloned().collect();
    for id in changed_ids(&d) {
        assert!(known.contains(&id), "a change names `{id}`, which neither version declares");
    }
});
