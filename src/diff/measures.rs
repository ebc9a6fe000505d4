//! Measures and benefits, matched by id (or, when an id changed, by clause),
//! compared part by part and rendered back in the language; named values and
//! rules across measures, compared the same way. A measure also changes when
//! a value it reads or a rule it belongs to does.
//!
//! One concern, long on purpose: how an item is matched across versions and
//! compared part by part; measures, values, rules and benefits share it.

use super::text;
use super::{param_value, Change, Detail, ItemChange, Rows, Side, Status};
use crate::check::model::{self as m, Policy};
use crate::format::{amount_lines, expr::expr, pool_lines, rule_body};
use crate::syntax::ast;

/// The ids of the measures that read parameter `name`, directly or through a value or rule.
pub(super) fn users(policy: &Policy, name: &str) -> Vec<String> {
    let Some(index) = policy.params.iter().position(|p| p.name == name) else {
        return Vec::new();
    };
    (0..policy.measures.len())
        .filter(|me| reads(policy, *me).params.contains(&index))
        .map(|me| policy.measures[me].id.clone())
        .collect()
}

/// What a measure's amount depends on: parameters and named values, through
/// the values it reads and the rules it belongs to.
#[derive(Default)]
pub(super) struct Reads {
    pub params: Vec<usize>,
    pub values: Vec<usize>,
    pub rules: Vec<usize>,
}

pub(super) fn reads(policy: &Policy, measure: usize) -> Reads {
    let mut out = Reads::default();
    let me = &policy.measures[measure];
    let mut pending: Vec<&m::Expr> = me.exprs().collect();
    for (r, rule) in policy.rules.iter().enumerate() {
        if rule.members().contains(&measure) {
            out.rules.push(r);
            pending.extend(rule.exprs());
        }
    }
    for pool in policy.pools.iter().filter(|p| p.members.contains(&measure)) {
        pending.push(&pool.amount);
        if let m::RationRule::CappedProRata(each) = &pool.ration {
            pending.push(each);
        }
    }
    while let Some(e) = pending.pop() {
        e.walk(&mut |x| match x.kind {
            m::ExprKind::Param(i) if !out.params.contains(&i) => out.params.push(i),
            m::ExprKind::Value(i) if !out.values.contains(&i) => {
                out.values.push(i);
                pending.push(&policy.values[i].expr);
            }
            m::ExprKind::Const(_)
            | m::ExprKind::Input(_)
            | m::ExprKind::Local(_)
            | m::ExprKind::Award(_)
            | m::ExprKind::CaseYear
            | m::ExprKind::CaseDate
            | m::ExprKind::DatePart(..)
            | m::ExprKind::Between(..)
            | m::ExprKind::Shift(..)
            | m::ExprKind::Edge(..)
            | m::ExprKind::Field(..)
            | m::ExprKind::Binary(..)
            | m::ExprKind::Not(_)
            | m::ExprKind::Neg(_)
            | m::ExprKind::IsGiven(..)
            | m::ExprKind::IsValue(..)
            | m::ExprKind::ToDec(_)
            | m::ExprKind::Min(_)
            | m::ExprKind::Max(_)
            | m::ExprKind::If(..)
            | m::ExprKind::Round(..)
            | m::ExprKind::Aggregate(_)
            | m::ExprKind::Quantified(_)
            | m::ExprKind::UpTo { .. }
            | m::ExprKind::Tier { .. }
            | m::ExprKind::Pick { .. }
            | m::ExprKind::Each { .. }
            | m::ExprKind::Bands { .. }
            | m::ExprKind::Capped { .. }
            | m::ExprKind::Param(_)
            | m::ExprKind::Value(_) => {}
        });
    }
    out.params.sort_unstable();
    out.values.sort_unstable();
    out
}

/// What a reviewer reads of one measure: its rule rendered in the language.
#[derive(Clone)]
struct Written<'a> {
    id: &'a str,
    clause: &'a str,
    title: &'a str,
    text: Option<&'a str>,
    conditions: Vec<String>,
    award: Vec<String>,
    caps: Vec<String>,
    top_up: bool,
    once: bool,
    signed: bool,
    ast_award: Option<&'a ast::Expr>,
}

fn written<'a>(side: &Side<'a>, me: &'a ast::Measure) -> Written<'a> {
    let src = side.source;
    Written {
        id: &me.id.node,
        clause: &me.clause.node,
        title: &me.title.node,
        text: me.text.as_ref().map(|t| t.node.as_str()),
        conditions: me.conditions.iter().map(|c| expr(src, c)).collect(),
        award: me.award.as_ref().map(|a| amount_lines(src, a)).unwrap_or_default(),
        caps: me.caps.iter().map(|c| cap_text(src, c)).collect(),
        top_up: me.top_up.is_some(),
        once: me.once.is_some(),
        signed: me.signed.is_some(),
        ast_award: me.award.as_ref(),
    }
}

impl Written<'_> {
    /// The whole rule, as the lines a reviewer reads for an added or removed measure.
    fn rule(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.conditions.iter().map(|c| format!("when {c}")).collect();
        for (i, l) in self.award.iter().enumerate() {
            lines.push(if i == 0 { format!("award {l}") } else { format!("  {l}") });
        }
        if self.top_up {
            lines.push("top-up".into());
        }
        if self.once {
            lines.push("once per applicant".into());
        }
        if self.signed {
            lines.push("may be negative".into());
        }
        lines.extend(self.caps.iter().cloned());
        lines
    }
}

pub(super) fn measures(old: &Side, new: &Side) -> Vec<ItemChange> {
    let olds: Vec<Written> = old.ast.measures.iter().map(|me| written(old, me)).collect();
    let news: Vec<Written> = new.ast.measures.iter().map(|me| written(new, me)).collect();
    let mut out = Vec::new();
    let mut renamed_new: Vec<&str> = Vec::new();
    for o in &olds {
        if let Some(n) = news.iter().find(|n| n.id == o.id) {
            let details = details(old, new, o, n);
            if !details.is_empty() {
                let own = own_params(new, n.id);
                out.push(item(Status::Changed, n, None, Detail::flag_unmatched(details, &own)));
            }
            continue;
        }
        // Same clause, new id: a rename, when exactly one new measure fits.
        let candidates: Vec<&Written> = news
            .iter()
            .filter(|n| n.clause == o.clause && !olds.iter().any(|x| x.id == n.id) && !renamed_new.contains(&n.id))
            .collect();
        if let [n] = candidates.as_slice() {
            renamed_new.push(n.id);
            let details = details(old, new, o, n);
            out.push(item(Status::Renamed, n, Some(o.id), details));
        } else {
            out.push(item(Status::Removed, o, None, vec![Detail::Rule { lines: o.rule() }]));
        }
    }
    for n in news
        .iter()
        .filter(|n| !olds.iter().any(|o| o.id == n.id) && !renamed_new.contains(&n.id))
    {
        out.push(item(Status::Added, n, None, vec![Detail::Rule { lines: n.rule() }]));
    }
    out
}

/// The parameters a measure's own rule reads (not through values or rules).
fn own_params<'a>(side: &Side<'a>, id: &str) -> Vec<&'a str> {
    let Some(me) = side.policy.measure_index(id) else {
        return Vec::new();
    };
    let policy = side.policy;
    let mut out = Vec::new();
    for e in policy.measures[me].exprs() {
        e.walk(&mut |x| {
            if let m::ExprKind::Param(i) = x.kind {
                out.push(policy.params[i].name.as_str());
            }
        });
    }
    out
}

fn item(status: Status, w: &Written, old_id: Option<&str>, details: Vec<Detail>) -> ItemChange {
    ItemChange {
        status,
        id: w.id.to_string(),
        old_id: old_id.map(str::to_string),
        clause: w.clause.to_string(),
        title: w.title.to_string(),
        details,
    }
}

fn text_detail(old: Option<&str>, new: Option<&str>) -> Option<Detail> {
    let (o, n) = (old.unwrap_or(""), new.unwrap_or(""));
    (o != n).then(|| Detail::Text {
        old: o.to_string(),
        new: n.to_string(),
        pieces: text::chars(o, n),
    })
}

/// `text` with each renamed parameter written by its new name, so that a
/// rename alone is not a change of the rule.
fn renamed(text: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match pairs.iter().find(|(a, _)| a == word) {
            Some((_, b)) => out.push_str(b),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn details(old: &Side, new: &Side, o: &Written, n: &Written) -> Vec<Detail> {
    let mut out = Vec::new();
    let pairs = super::renamed_params(old.policy, new.policy);
    let o = &Written {
        conditions: o.conditions.iter().map(|c| renamed(c, &pairs)).collect(),
        award: o.award.iter().map(|l| renamed(l, &pairs)).collect(),
        caps: o.caps.iter().map(|c| renamed(c, &pairs)).collect(),
        ..(*o).clone()
    };
    if o.title != n.title {
        out.push(Detail::Title {
            old: o.title.into(),
            new: n.title.into(),
        });
    }
    if o.clause != n.clause {
        out.push(Detail::Clause {
            old: o.clause.into(),
            new: n.clause.into(),
        });
    }
    out.extend(text_detail(o.text, n.text));
    let removed: Vec<String> = o
        .conditions
        .iter()
        .filter(|c| !n.conditions.contains(c))
        .cloned()
        .collect();
    let added: Vec<String> = n
        .conditions
        .iter()
        .filter(|c| !o.conditions.contains(c))
        .cloned()
        .collect();
    if !removed.is_empty() || !added.is_empty() {
        out.push(Detail::Conditions { removed, added });
    }
    if o.award != n.award {
        out.extend(award_details(old, new, o, n));
    }
    let removed: Vec<String> = o.caps.iter().filter(|c| !n.caps.contains(c)).cloned().collect();
    let added: Vec<String> = n.caps.iter().filter(|c| !o.caps.contains(c)).cloned().collect();
    if !removed.is_empty() || !added.is_empty() {
        out.push(Detail::Caps { removed, added });
    }
    for (what, a, b) in [
        ("top-up", o.top_up, n.top_up),
        ("once per applicant", o.once, n.once),
        ("may be negative", o.signed, n.signed),
    ] {
        if a != b {
            out.push(Detail::Flag {
                what: what.into(),
                old: a,
                new: b,
            });
        }
    }
    if let Some(me) = new.policy.measure_index(n.id) {
        let r = reads(new.policy, me);
        for i in r.params {
            let p = &new.policy.params[i];
            let was = pairs
                .iter()
                .find(|(_, b)| *b == p.name)
                .map_or(p.name.as_str(), |(a, _)| a.as_str());
            let Some(before) = old.policy.params.iter().find(|q| q.name == was) else {
                continue;
            };
            let (a, b) = (
                param_value(before, old.policy.currency()),
                param_value(p, new.policy.currency()),
            );
            if a != b || was != p.name {
                out.push(Detail::Parameter {
                    name: if was == p.name {
                        p.name.clone()
                    } else {
                        format!("{was} → {}", p.name)
                    },
                    old: a,
                    new: b,
                });
            }
        }
        for i in r.values {
            let name = &new.policy.values[i].name;
            let (a, b) = (value_formula(old, name), value_formula(new, name));
            if a != b {
                out.push(Detail::Reads {
                    what: format!("value {name}"),
                    // a formula on several lines (a table) read on one, its rows two spaces apart
                    old: a.map_or_else(|| "—".into(), |l| one_line(&l)),
                    new: b.map_or_else(|| "—".into(), |l| one_line(&l)),
                });
            }
        }
        let shared = |side: &Side, id: &str| -> Vec<(String, String)> {
            let Some(me) = side.ast.measures.iter().position(|x| x.id.node == id) else {
                return Vec::new();
            };
            let rules = side.ast.rules.iter().zip(&side.policy.rules);
            let pools = side.ast.pools.iter().zip(&side.policy.pools);
            rules
                .filter(|(_, r)| r.members().contains(&me))
                .map(|(a, _)| (format!("rule {}", a.id.node), rule_body(side.source, &a.body).0))
                .chain(
                    pools
                        .filter(|(_, p)| p.members.contains(&me))
                        .map(|(a, _)| (format!("pool {}", a.id.node), pool_statement(side.source, a))),
                )
                .collect()
        };
        let (before, after) = (shared(old, o.id), shared(new, n.id));
        for (what, text) in &after {
            let was = before.iter().find(|(j, _)| j == what).map(|(_, t)| t.clone());
            if was.as_deref() != Some(text.as_str()) {
                out.push(Detail::Reads {
                    what: what.clone(),
                    old: was.unwrap_or_else(|| "—".into()),
                    new: text.clone(),
                });
            }
        }
        for (what, text) in before.iter().filter(|(w, _)| !after.iter().any(|(j, _)| j == w)) {
            out.push(Detail::Reads {
                what: what.clone(),
                old: text.clone(),
                new: "—".into(),
            });
        }
    }
    out
}

/// A named value's formula as written, when the side has it.
fn value_formula(side: &Side, name: &str) -> Option<Vec<String>> {
    side.ast
        .values
        .iter()
        .find(|v| v.name.node == name)
        .map(|v| amount_lines(side.source, &v.value))
}

/// A cap as a reviewer reads it: `at most 200万元 per applicant per year unless key_enterprise`.
fn cap_text(src: &str, c: &ast::Cap) -> String {
    let mut t = format!("at most {}{}", amount_lines(src, &c.limit).join(" "), c.scope.words());
    if let Some(k) = &c.condition {
        t.push_str(&format!(
            " {} {}",
            if k.unless { "unless" } else { "when" },
            expr(src, &k.expr)
        ));
    }
    t
}

/// How an award rule changed: tier rows and precedence when the shape stayed, else the whole rule.
fn award_details(old: &Side, new: &Side, o: &Written, n: &Written) -> Vec<Detail> {
    let whole = Detail::Award {
        old: o.award.clone(),
        new: n.award.clone(),
    };
    let (Some(a), Some(b)) = (o.ast_award, n.ast_award) else {
        return vec![whole];
    };
    // Rows of a table, or bands, compared by their keys when the table's key is the same.
    let rows = |what: Rows, old_rows: Vec<(String, String)>, new_rows: Vec<(String, String)>| {
        let added = new_rows
            .iter()
            .filter(|(k, _)| !old_rows.iter().any(|(j, _)| j == k))
            .map(|(k, v)| format!("{k} => {v}"))
            .collect();
        let removed = old_rows
            .iter()
            .filter(|(k, _)| !new_rows.iter().any(|(j, _)| j == k))
            .map(|(k, v)| format!("{k} => {v}"))
            .collect();
        let changed = new_rows
            .iter()
            .filter_map(|(k, v)| {
                let (_, was) = old_rows.iter().find(|(j, _)| j == k)?;
                (was != v).then(|| Change {
                    what: k.clone(),
                    old: was.clone(),
                    new: v.clone(),
                })
            })
            .collect();
        vec![Detail::Tiers {
            what,
            added,
            removed,
            changed,
        }]
    };
    match (&a.kind, &b.kind) {
        (ast::ExprKind::Tier { key: ka, rows: ra }, ast::ExprKind::Tier { key: kb, rows: rb })
            if expr(old.source, ka) == expr(new.source, kb) =>
        {
            let row = |side: &Side, r: &ast::TierRow| {
                (
                    r.key.span.text(side.source).to_string(),
                    amount_lines(side.source, &r.amount).join(" "),
                )
            };
            rows(
                Rows::Tier,
                ra.iter().map(|r| row(old, r)).collect(),
                rb.iter().map(|r| row(new, r)).collect(),
            )
        }
        (ast::ExprKind::Bands { base: ka, rows: ra }, ast::ExprKind::Bands { base: kb, rows: rb })
            if expr(old.source, ka) == expr(new.source, kb) =>
        {
            let band = |side: &Side, r: &ast::BandRow| {
                let range = r
                    .range
                    .span
                    .text(side.source)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                (range, expr(side.source, &r.rate))
            };
            rows(
                Rows::Band,
                ra.iter().map(|r| band(old, r)).collect(),
                rb.iter().map(|r| band(new, r)).collect(),
            )
        }
        (ast::ExprKind::Pick { policy: pa, .. }, ast::ExprKind::Pick { policy: pb, .. }) if pa.node != pb.node => {
            let name = |p: ast::HitPolicy| p.keyword();
            let precedence = Detail::Precedence {
                old: name(pa.node).into(),
                new: name(pb.node).into(),
            };
            let rest_same = o.award.get(1..) == n.award.get(1..);
            if rest_same {
                vec![precedence]
            } else {
                vec![precedence, whole]
            }
        }
        _ => vec![whole],
    }
}

pub(super) fn benefits(old: &Side, new: &Side) -> Vec<ItemChange> {
    let conditions =
        |side: &Side, b: &ast::Benefit| b.conditions.iter().map(|c| expr(side.source, c)).collect::<Vec<_>>();
    let change = |status, b: &ast::Benefit, details| ItemChange {
        status,
        id: b.id.node.clone(),
        old_id: None,
        clause: b.clause.node.clone(),
        title: b.title.node.clone(),
        details,
    };
    let mut out = Vec::new();
    for o in &old.ast.benefits {
        match new.ast.benefits.iter().find(|n| n.id.node == o.id.node) {
            None => out.push(change(Status::Removed, o, Vec::new())),
            Some(n) => {
                let mut details = Vec::new();
                if o.title.node != n.title.node {
                    details.push(Detail::Title {
                        old: o.title.node.clone(),
                        new: n.title.node.clone(),
                    });
                }
                details.extend(text_detail(
                    o.text.as_ref().map(|t| t.node.as_str()),
                    n.text.as_ref().map(|t| t.node.as_str()),
                ));
                let (co, cn) = (conditions(old, o), conditions(new, n));
                if co != cn {
                    let removed = co.iter().filter(|c| !cn.contains(c)).cloned().collect();
                    let added = cn.iter().filter(|c| !co.contains(c)).cloned().collect();
                    details.push(Detail::Conditions { removed, added });
                }
                if !details.is_empty() {
                    out.push(change(Status::Changed, n, details));
                }
            }
        }
    }
    for n in new
        .ast
        .benefits
        .iter()
        .filter(|n| !old.ast.benefits.iter().any(|o| o.id.node == n.id.node))
    {
        out.push(change(Status::Added, n, Vec::new()));
    }
    out
}

/// Named values added, removed or with a new formula or label.
pub(super) fn values(old: &Side, new: &Side) -> Vec<ItemChange> {
    let change = |status, v: &ast::ValueDecl, details| ItemChange {
        status,
        id: v.name.node.clone(),
        old_id: None,
        clause: String::new(),
        title: v.label.clone().unwrap_or_default(),
        details,
    };
    let mut out = Vec::new();
    for o in &old.ast.values {
        let before = amount_lines(old.source, &o.value);
        match new.ast.values.iter().find(|n| n.name.node == o.name.node) {
            None => out.push(change(Status::Removed, o, vec![Detail::Rule { lines: before }])),
            Some(n) => {
                let after = amount_lines(new.source, &n.value);
                let mut details = Vec::new();
                if o.label != n.label {
                    details.push(Detail::Title {
                        old: o.label.clone().unwrap_or_default(),
                        new: n.label.clone().unwrap_or_default(),
                    });
                }
                if before != after {
                    details.push(Detail::Formula {
                        old: before,
                        new: after,
                    });
                }
                if !details.is_empty() {
                    out.push(change(Status::Changed, n, details));
                }
            }
        }
    }
    for n in new
        .ast
        .values
        .iter()
        .filter(|n| !old.ast.values.iter().any(|o| o.name.node == n.name.node))
    {
        let lines = amount_lines(new.source, &n.value);
        out.push(change(Status::Added, n, vec![Detail::Rule { lines }]));
    }
    out
}

/// What a rule across measures or a pool says, for comparing two versions.
struct Statement {
    id: String,
    clause: String,
    title: String,
    text: Option<String>,
    body: String,
}

fn pool_statement(src: &str, p: &ast::PoolDecl) -> String {
    let (budget, rule) = pool_lines(src, p);
    format!("{budget}; {rule}")
}

/// Rules across measures added, removed or changed.
pub(super) fn rules(old: &Side, new: &Side) -> Vec<ItemChange> {
    let of = |side: &Side| -> Vec<Statement> {
        let src = side.source;
        side.ast
            .rules
            .iter()
            .map(|r| Statement {
                id: r.id.node.clone(),
                clause: r.clause.node.clone(),
                title: r.title.node.clone(),
                text: r.text.as_ref().map(|t| t.node.clone()),
                body: rule_body(src, &r.body).0,
            })
            .collect()
    };
    statements(&of(old), &of(new))
}

/// Budget pools added, removed or changed.
pub(super) fn pools(old: &Side, new: &Side) -> Vec<ItemChange> {
    let of = |side: &Side| -> Vec<Statement> {
        let src = side.source;
        side.ast
            .pools
            .iter()
            .map(|p| Statement {
                id: p.id.node.clone(),
                clause: p.clause.node.clone(),
                title: p.title.node.clone(),
                text: p.text.as_ref().map(|t| t.node.clone()),
                body: pool_statement(src, p),
            })
            .collect()
    };
    statements(&of(old), &of(new))
}

/// Statements matched by id: what was added, removed, or said differently.
fn statements(old: &[Statement], new: &[Statement]) -> Vec<ItemChange> {
    let change = |status, s: &Statement, details| ItemChange {
        status,
        id: s.id.clone(),
        old_id: None,
        clause: s.clause.clone(),
        title: s.title.clone(),
        details,
    };
    let mut out = Vec::new();
    for o in old {
        let Some(n) = new.iter().find(|n| n.id == o.id) else {
            out.push(change(
                Status::Removed,
                o,
                vec![Detail::Rule {
                    lines: vec![o.body.clone()],
                }],
            ));
            continue;
        };
        let mut details = Vec::new();
        if o.title != n.title {
            details.push(Detail::Title {
                old: o.title.clone(),
                new: n.title.clone(),
            });
        }
        if o.clause != n.clause {
            details.push(Detail::Clause {
                old: o.clause.clone(),
                new: n.clause.clone(),
            });
        }
        details.extend(text_detail(o.text.as_deref(), n.text.as_deref()));
        if o.body != n.body {
            details.push(Detail::Formula {
                old: vec![o.body.clone()],
                new: vec![n.body.clone()],
            });
        }
        if !details.is_empty() {
            out.push(change(Status::Changed, n, Detail::flag_unmatched(details, &[])));
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| o.id == n.id)) {
        out.push(change(
            Status::Added,
            n,
            vec![Detail::Rule {
                lines: vec![n.body.clone()],
            }],
        ));
    }
    out
}

/// Formatted lines read as one: `by children { 0 => $632  1 => $4,213 }`.
fn one_line(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("  ")
        .replace("{  ", "{ ")
        .replace("  }", " }")
}
