//! Measures and benefits, matched by id (or, when an id changed, by clause),
//! compared part by part and rendered back in the language.

use super::text;
use super::{param_value, Change, Detail, ItemChange, Side, Status};
use crate::check::model::{self as m, Policy};
use crate::format::{amount_lines, expr::expr};
use crate::syntax::ast;

/// The ids of the measures that read parameter `name`.
pub(super) fn users(policy: &Policy, name: &str) -> Vec<String> {
    let Some(index) = policy.params.iter().position(|p| p.name == name) else {
        return Vec::new();
    };
    policy
        .measures
        .iter()
        .filter(|me| params_read(me).contains(&index))
        .map(|me| me.id.clone())
        .collect()
}

/// Indices of every parameter a measure reads.
fn params_read(me: &m::Measure) -> Vec<usize> {
    let mut out = Vec::new();
    for c in &me.conditions {
        expr_params(c, &mut out);
    }
    for c in &me.caps {
        expr_params(&c.limit, &mut out);
    }
    amount_params(&me.award, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

fn amount_params(a: &m::Amount, out: &mut Vec<usize>) {
    if let Some(c) = &a.cap {
        expr_params(c, out);
    }
    match &a.kind {
        m::AmountKind::Expr(e) => expr_params(e, out),
        m::AmountKind::UpTo { ceiling, assessed } => {
            expr_params(ceiling, out);
            if let Some(x) = assessed {
                expr_params(x, out);
            }
        }
        m::AmountKind::Tier { key, rows } => {
            expr_params(key, out);
            for r in rows {
                amount_params(&r.amount, out);
            }
        }
        m::AmountKind::Pick { alternatives, .. } => {
            for alt in alternatives {
                if let Some(w) = &alt.when {
                    expr_params(w, out);
                }
                amount_params(&alt.amount, out);
            }
        }
        m::AmountKind::Each {
            list,
            filter,
            body,
            once_per,
            ..
        } => {
            for e in [Some(list), filter.as_ref(), once_per.as_ref()].into_iter().flatten() {
                expr_params(e, out);
            }
            amount_params(body, out);
        }
    }
}

fn expr_params(e: &m::Expr, out: &mut Vec<usize>) {
    match &e.kind {
        m::ExprKind::Param(i) => out.push(*i),
        m::ExprKind::Const(_) | m::ExprKind::Input(_) | m::ExprKind::Local(_) => {}
        m::ExprKind::Field(x, _) | m::ExprKind::Not(x) | m::ExprKind::Neg(x) => expr_params(x, out),
        m::ExprKind::IsGiven(x, _) | m::ExprKind::IsValue(x, _, _) => expr_params(x, out),
        m::ExprKind::Binary(_, a, b) => {
            expr_params(a, out);
            expr_params(b, out);
        }
        m::ExprKind::Min(xs) | m::ExprKind::Max(xs) => xs.iter().for_each(|x| expr_params(x, out)),
        m::ExprKind::If(a, b, c) => [a, b, c].into_iter().for_each(|x| expr_params(x, out)),
    }
}

/// What a reviewer reads of one measure: its rule rendered in the language.
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
    ast_award: Option<&'a ast::Amount>,
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
        caps: me
            .caps
            .iter()
            .map(|c| {
                let scope = match c.scope {
                    ast::CapScope::Award => "",
                    ast::CapScope::Year => " per applicant per year",
                    ast::CapScope::Ever => " per applicant",
                };
                format!("at most {}{scope}", expr(src, &c.limit))
            })
            .collect(),
        top_up: me.top_up.is_some(),
        once: me.once.is_some(),
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
                out.push(item(Status::Changed, n, None, details));
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

fn details(old: &Side, new: &Side, o: &Written, n: &Written) -> Vec<Detail> {
    let mut out = Vec::new();
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
    for (what, a, b) in [("top-up", o.top_up, n.top_up), ("once per applicant", o.once, n.once)] {
        if a != b {
            out.push(Detail::Flag {
                what: what.into(),
                old: a,
                new: b,
            });
        }
    }
    if let Some(me) = new.policy.measures.iter().find(|me| me.id == n.id) {
        for i in params_read(me) {
            let p = &new.policy.params[i];
            let Some(before) = old.policy.params.iter().find(|q| q.name == p.name) else {
                continue;
            };
            let (a, b) = (param_value(before), param_value(p));
            if a != b {
                out.push(Detail::Parameter {
                    name: p.name.clone(),
                    old: a,
                    new: b,
                });
            }
        }
    }
    out
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
    match (&a.kind, &b.kind) {
        (ast::AmountKind::Tier { key: ka, rows: ra }, ast::AmountKind::Tier { key: kb, rows: rb })
            if expr(old.source, ka) == expr(new.source, kb) && a.cap.is_none() && b.cap.is_none() =>
        {
            let row = |side: &Side, r: &ast::TierRow| {
                (
                    r.key.span.text(side.source).to_string(),
                    amount_lines(side.source, &r.amount).join(" "),
                )
            };
            let old_rows: Vec<(String, String)> = ra.iter().map(|r| row(old, r)).collect();
            let new_rows: Vec<(String, String)> = rb.iter().map(|r| row(new, r)).collect();
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
                added,
                removed,
                changed,
            }]
        }
        (ast::AmountKind::Pick { policy: pa, .. }, ast::AmountKind::Pick { policy: pb, .. }) if pa.node != pb.node => {
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
