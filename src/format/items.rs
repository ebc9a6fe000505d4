//! The layout of each item: header, declarations, measures and their amounts,
//! benefits, clauses and tests, in the order the file has them.
//!
//! One concern, long on purpose: the canonical layout of every item, in one
//! place so that one style holds across them.

use super::expr::{data, expr, key, quote, sum_lines};
use super::Doc;
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use unicode_width::UnicodeWidthStr;

/// Test data longer than this goes on several lines.
const MAX_INLINE_WIDTH: usize = 100;

enum Item<'a> {
    Header(&'a Header),
    Enum(&'a EnumDecl),
    Record(&'a RecordDecl),
    Input(&'a InputDecl),
    Param(&'a ParamDecl),
    Value(&'a ValueDecl),
    Measure(&'a Measure),
    Rule(&'a RuleDecl),
    Pool(&'a PoolDecl),
    Benefit(&'a Benefit),
    Clause(&'a Clause),
    Test(&'a TestBlock),
}

impl Item<'_> {
    fn start(&self) -> usize {
        match self {
            Item::Header(h) => h.span.start,
            Item::Enum(e) => e.span.start,
            Item::Record(r) => r.span.start,
            Item::Input(i) => i.span.start,
            Item::Param(p) => p.span.start,
            Item::Value(v) => v.span.start,
            Item::Measure(m) => m.span.start,
            Item::Rule(r) => r.span.start,
            Item::Pool(p) => p.span.start,
            Item::Benefit(b) => b.span.start,
            Item::Clause(c) => c.span.start,
            Item::Test(t) => t.span.start,
        }
    }
}

pub(super) fn file(doc: &mut Doc, f: &File) {
    let mut items: Vec<Item> = Vec::new();
    items.extend(f.header.iter().map(Item::Header));
    items.extend(f.enums.iter().map(Item::Enum));
    items.extend(f.records.iter().map(Item::Record));
    items.extend(f.inputs.iter().map(Item::Input));
    items.extend(f.params.iter().map(Item::Param));
    items.extend(f.measures.iter().map(Item::Measure));
    items.extend(f.values.iter().map(Item::Value));
    items.extend(f.rules.iter().map(Item::Rule));
    items.extend(f.pools.iter().map(Item::Pool));
    items.extend(f.benefits.iter().map(Item::Benefit));
    items.extend(f.clauses.iter().map(Item::Clause));
    items.extend(f.tests.iter().map(Item::Test));
    items.sort_by_key(Item::start);
    let mut i = 0;
    while i < items.len() {
        doc.blank();
        match &items[i] {
            // Consecutive declarations are aligned as one table; a blank line the
            // drafter left between two starts a new table, so one long name need
            // not move every other line.
            Item::Input(_) => {
                let mut run: Vec<&InputDecl> = Vec::new();
                for it in &items[i..] {
                    let Item::Input(x) = it else { break };
                    if run.last().is_some_and(|prev| blank_between(doc.src, prev.span, x.span)) {
                        break;
                    }
                    run.push(*x);
                }
                i += run.len();
                inputs(doc, &run);
                continue;
            }
            Item::Param(_) => {
                let mut run: Vec<&ParamDecl> = Vec::new();
                for it in &items[i..] {
                    let Item::Param(x) = it else { break };
                    if run.last().is_some_and(|prev| blank_between(doc.src, prev.span, x.span)) {
                        break;
                    }
                    run.push(*x);
                }
                i += run.len();
                params(doc, &run);
                continue;
            }
            Item::Header(h) => header(doc, h),
            Item::Enum(e) => enum_decl(doc, e),
            Item::Record(r) => record(doc, r),
            Item::Value(v) => value(doc, v),
            Item::Measure(m) => measure(doc, m),
            Item::Rule(r) => rule(doc, r),
            Item::Pool(p) => pool(doc, p),
            Item::Benefit(b) => benefit(doc, b),
            Item::Clause(c) => clause(doc, c),
            Item::Test(t) => test(doc, t),
        }
        i += 1;
    }
}

fn label(l: &Option<String>) -> String {
    l.as_ref().map(|l| format!(" {}", quote(l))).unwrap_or_default()
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The written text of a literal, without the spaces a drafter may put before a unit.
fn compact(doc: &Doc, span: Span) -> String {
    let t = doc.text(span);
    if t.starts_with('"') {
        t.to_string()
    } else {
        super::expr::compact(t)
    }
}

/// The closing brace of a block whose span ends at `end`.
/// True when the source has a blank line between two items.
fn blank_between(src: &str, a: Span, b: Span) -> bool {
    src.get(a.end..b.start).is_some_and(|between| {
        between
            .split('\n')
            .skip(1)
            .take(between.matches('\n').count().saturating_sub(1))
            .any(|line| line.trim().is_empty())
    })
}

fn closing(end: usize) -> Span {
    Span::new(end.saturating_sub(1), end)
}

fn header(doc: &mut Doc, h: &Header) {
    doc.line(0, format!("policy {} {{", doc.text(h.title.span)), h.title.span);
    if let Some(a) = &h.amends {
        doc.line(1, format!("amends    {}", doc.text(a.span)), a.span);
    }
    if let Some(v) = &h.version {
        doc.line(1, format!("version   {}", doc.text(v.span)), v.span);
    }
    if let Some(d) = &h.effective {
        doc.line(1, format!("effective {}", doc.text(d.span)), d.span);
    }
    if let Some(f) = &h.in_force {
        doc.line(
            1,
            format!("in force  {} to {}", doc.text(f.from.span), doc.text(f.to.span)),
            f.span,
        );
    }
    if let Some(c) = &h.currency {
        doc.line(1, format!("currency  {}", c.node), c.span);
    }
    if let Some(r) = &h.rounding {
        let mode = r.mode.keyword();
        let places: Vec<&str> = [(r.after_rate, "after each rate"), (r.on_award, "on each award")]
            .into_iter()
            .filter_map(|(on, t)| on.then_some(t))
            .collect();
        let text = format!(
            "rounding  {} {mode} {}",
            compact(doc, r.unit.span),
            places.join(" and ")
        );
        doc.line(1, text, r.span);
    }
    doc.line(0, "}", closing(h.span.end));
}

fn enum_decl(doc: &mut Doc, e: &EnumDecl) {
    doc.line(0, format!("enum {}{} {{", e.name.node, label(&e.label)), e.name.span);
    let width = e.values.iter().map(|(v, _)| v.node.len()).max().unwrap_or(0);
    for (v, l) in &e.values {
        let text = match l {
            Some(_) => format!("{}{},", pad(&v.node, width), label(l)),
            None => format!("{},", v.node),
        };
        doc.line(1, text, v.span);
    }
    doc.line(0, "}", closing(e.span.end));
}

fn type_text(doc: &Doc, t: &TypeExpr) -> String {
    let mut s = String::new();
    if t.optional {
        s.push_str("optional ");
    }
    if t.list {
        s.push_str("list of ");
    }
    s.push_str(&t.name.node);
    if let Some(b) = &t.bound {
        match (&b.min, &b.max) {
            (Some(lo), Some(hi)) => s.push_str(&format!(" {}..{}", compact(doc, lo.span), compact(doc, hi.span))),
            (Some(lo), None) => s.push_str(&format!(" >= {}", compact(doc, lo.span))),
            _ => {}
        }
    }
    if let Some(d) = &t.default {
        s.push_str(&format!(" default {}", compact(doc, d.span)));
    }
    s
}

fn record(doc: &mut Doc, r: &RecordDecl) {
    doc.line(0, format!("record {}{} {{", r.name.node, label(&r.label)), r.name.span);
    let names: Vec<String> = r.fields.iter().map(|f| format!("{}:", f.name.node)).collect();
    let types: Vec<String> = r.fields.iter().map(|f| type_text(doc, &f.ty)).collect();
    let nw = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let tw = types.iter().map(|t| t.len()).max().unwrap_or(0);
    for ((f, n), t) in r.fields.iter().zip(&names).zip(&types) {
        let text = match &f.label {
            Some(_) => format!("{} {}{},", pad(n, nw), pad(t, tw), label(&f.label)),
            None => format!("{} {t},", pad(n, nw)),
        };
        doc.line(1, text, f.name.span);
    }
    doc.line(0, "}", closing(r.span.end));
}

fn inputs(doc: &mut Doc, run: &[&InputDecl]) {
    let types: Vec<String> = run.iter().map(|i| type_text(doc, &i.ty)).collect();
    let nw = run.iter().map(|i| i.name.node.len()).max().unwrap_or(0);
    let tw = types.iter().map(|t| t.len()).max().unwrap_or(0);
    for (i, t) in run.iter().zip(&types) {
        let text = match &i.label {
            Some(_) => format!("input {} : {}{}", pad(&i.name.node, nw), pad(t, tw), label(&i.label)),
            None => format!("input {} : {t}", pad(&i.name.node, nw)),
        };
        doc.line(0, text, i.span);
    }
}

fn params(doc: &mut Doc, run: &[&ParamDecl]) {
    let heads: Vec<String> = run.iter().map(|p| p.name.node.clone()).collect();
    let nw = heads.iter().map(|h| h.len()).max().unwrap_or(0);
    let heads: Vec<String> = run
        .iter()
        .map(|p| format!("{}{}", pad(&p.name.node, nw), label(&p.label)))
        .collect();
    let hw = heads
        .iter()
        .map(|h| UnicodeWidthStr::width(h.as_str()))
        .max()
        .unwrap_or(0);
    for (p, h) in run.iter().zip(&heads) {
        let mut text = format!("param {} = {}", pad(h, hw), compact(doc, p.value.span));
        for (from, v) in &p.dated {
            text.push_str(&format!(" from {} = {}", doc.text(from.span), compact(doc, v.span)));
        }
        doc.line(0, text, p.span);
    }
}

fn value(doc: &mut Doc, v: &ValueDecl) {
    let keyword = if v.output { "output" } else { "value" };
    let head = format!("{keyword} {}{} = ", v.name.node, label(&v.label));
    let lines = amount(doc, &v.value);
    emit_with_prefix(doc, 0, &head, lines);
}

fn measure(doc: &mut Doc, m: &Measure) {
    doc.line(
        0,
        format!("measure {} {} {} {{", m.id.node, m.clause.node, doc.text(m.title.span)),
        m.id.span,
    );
    if let Some(t) = &m.text {
        doc.line(1, format!("text {}", doc.text(t.span)), t.span);
    }
    allows(doc, &m.allows);
    for c in &m.conditions {
        doc.line(1, format!("when {}", expr(doc.src, c)), c.span);
    }
    if let Some(a) = &m.award {
        let lines = amount(doc, a);
        emit_with_prefix(doc, 1, "award ", lines);
    }
    if let Some(s) = m.top_up {
        doc.line(1, "top-up", s);
    }
    if let Some(s) = m.signed {
        doc.line(1, "may be negative", s);
    }
    if let Some(s) = m.once {
        doc.line(1, "once per applicant", s);
    }
    for c in &m.caps {
        let mut lines = amount(doc, &c.limit);
        if let Some(last) = lines.last_mut() {
            last.1.push_str(&cap_tail(doc, c));
        }
        emit_with_prefix(doc, 1, "at most ", lines);
    }
    doc.line(0, "}", closing(m.span.end));
}

/// What follows a cap's limit: its scope, and its condition on the same line.
pub(super) fn cap_tail(doc: &Doc, c: &Cap) -> String {
    let mut t = c.scope.words().to_string();
    if let Some(k) = &c.condition {
        let word = if k.unless { "unless" } else { "when" };
        t.push_str(&format!(" {word} {}", expr(doc.src, &k.expr)));
    }
    t
}

fn allows(doc: &mut Doc, allows: &[Allow]) {
    for a in allows {
        let line = format!("allow {} because {}", a.lint.node, doc.text(a.reason.span));
        doc.line(1, line, a.span);
    }
}

fn rule(doc: &mut Doc, r: &RuleDecl) {
    doc.line(
        0,
        format!("rule {} {} {} {{", r.id.node, r.clause.node, doc.text(r.title.span)),
        r.id.span,
    );
    if let Some(t) = &r.text {
        doc.line(1, format!("text {}", doc.text(t.span)), t.span);
    }
    allows(doc, &r.allows);
    let (text, at) = rule_body(doc.src, &r.body);
    doc.line(1, text, at);
    doc.line(0, "}", closing(r.span.end));
}

fn pool(doc: &mut Doc, p: &PoolDecl) {
    doc.line(
        0,
        format!("pool {} {} {} {{", p.id.node, p.clause.node, doc.text(p.title.span)),
        p.id.span,
    );
    if let Some(t) = &p.text {
        doc.line(1, format!("text {}", doc.text(t.span)), t.span);
    }
    allows(doc, &p.allows);
    let (budget, rule) = pool_lines(doc.src, p);
    doc.line(1, budget, p.amount.span);
    doc.line(1, rule, p.ration.span);
    doc.line(0, "}", closing(p.span.end));
}

/// A pool's budget and its rule for when demand exceeds it, one line each.
pub fn pool_lines(src: &str, p: &PoolDecl) -> (String, String) {
    let period = match p.period.node {
        PoolPeriod::Year => "per year".to_string(),
        PoolPeriod::Range(from, to) => format!("from {from} to {to}"),
    };
    let mut budget = format!("at most {} {period}", expr(src, &p.amount));
    if !p.members.is_empty() {
        let ids: Vec<&str> = p.members.iter().map(|m| m.node.as_str()).collect();
        budget.push_str(&format!(" for {}", ids.join(", ")));
    }
    if p.less_paid {
        budget.push_str(", less what the ledgers show paid");
    }
    let mut rule = format!(
        "when exceeded: {}",
        match &p.ration.node {
            Ration::ProRata => "pro rata".to_string(),
            Ration::CappedProRata(cap) => format!("at most {} each, then pro rata", expr(src, cap)),
            Ration::InOrder { key, words, then, .. } => {
                let mut t = format!("in order of {}, {words}", key.node);
                if let Some((k, _, w)) = then {
                    t.push_str(&format!(", then by {}, {w}", k.node));
                }
                t
            }
        }
    );
    if let Some((unit, mode)) = &p.rounding {
        rule.push_str(&format!(", each share rounded to {}", unit.span.text(src)));
        if let Some(m) = mode {
            rule.push(' ');
            rule.push_str(m.keyword());
        }
    }
    if let Some(r) = &p.residue {
        rule.push_str(&format!(", {}", r.node.words()));
    }
    (budget, rule)
}

/// A rule's statement on one line: `at most 600万元 per applicant per year over a, b in clause order`.
pub fn rule_body(src: &str, body: &RuleBody) -> (String, Span) {
    let ids = |members: &[Ident]| members.iter().map(|m| m.node.as_str()).collect::<Vec<_>>().join(", ");
    match body {
        RuleBody::SharedCap {
            limit,
            scope,
            members,
            order,
        } => (
            format!(
                "at most {}{} over {} {}",
                expr(src, limit),
                scope.words(),
                ids(members),
                order.node.words()
            ),
            limit.span.to(order.span),
        ),
        RuleBody::HighestOnly { members } => (
            format!("only the highest of {}", ids(members)),
            members.first().map_or(Span::default(), |m| m.span),
        ),
    }
}

/// Lines of an amount, relative depth first; the caller adds a prefix to the first.
pub(super) type Lines = Vec<(usize, String, Span)>;

fn emit_with_prefix(doc: &mut Doc, depth: usize, prefix: &str, lines: Lines) {
    for (i, (d, text, at)) in lines.into_iter().enumerate() {
        let text = if i == 0 { format!("{prefix}{text}") } else { text };
        doc.line(depth + d, text, at);
    }
}

/// An amount: a block form on several lines, anything else on one.
pub(super) fn amount(doc: &Doc, a: &Expr) -> Lines {
    let src = doc.src;
    match &a.kind {
        ExprKind::Capped { amount: inner, cap } => {
            let mut lines = amount(doc, inner);
            if let Some(last) = lines.last_mut() {
                last.1.push_str(&format!(", at most {}", expr(src, cap)));
            }
            lines
        }
        ExprKind::UpTo { ceiling, assessed } => {
            let mut t = format!("up to {}", expr(src, ceiling));
            if let Some(x) = assessed {
                t.push_str(&format!(", assessed {}", expr(src, x)));
            }
            vec![(0, t, a.span)]
        }
        ExprKind::Tier { key, rows } => {
            let keys: Vec<String> = rows.iter().map(|r| tier_key(doc, &r.key)).collect();
            let kw = keys
                .iter()
                .map(|k| UnicodeWidthStr::width(k.as_str()))
                .max()
                .unwrap_or(0);
            let mut out = vec![(0, format!("by {} {{", expr(src, key)), key.span)];
            for (r, k) in rows.iter().zip(&keys) {
                nest(&mut out, &format!("{} => ", pad(k, kw)), amount(doc, &r.amount), "");
            }
            out.push((0, "}".into(), block_end(doc, a)));
            out
        }
        ExprKind::Pick { policy, alternatives } => {
            let head = format!("{} {{", policy.node.keyword());
            let mut out = vec![(0, head.to_string(), policy.span)];
            let bodies: Vec<Lines> = alternatives.iter().map(|alt| amount(doc, &alt.amount)).collect();
            let width = alternatives
                .iter()
                .zip(&bodies)
                .filter(|(alt, b)| alt.when.is_some() && b.len() == 1)
                .map(|(_, b)| UnicodeWidthStr::width(b[0].1.as_str()))
                .max()
                .unwrap_or(0);
            for (alt, mut body) in alternatives.iter().zip(bodies) {
                match &alt.when {
                    None if alt.otherwise => nest(&mut out, "otherwise => ", body, ""),
                    None => nest(&mut out, "", body, ""),
                    Some(c) => {
                        if body.len() == 1 {
                            body[0].1 = pad(&body[0].1, width);
                        }
                        nest(&mut out, "", body, &format!(" when {}", expr(src, c)));
                    }
                }
            }
            out.push((0, "}".into(), block_end(doc, a)));
            out
        }
        ExprKind::Bands { base, rows } => {
            let ranges: Vec<String> = rows
                .iter()
                .map(|r| match &r.range.node {
                    BandRange::UpTo(hi) => format!("up to {}", expr(src, hi)),
                    BandRange::Between(lo, hi) => format!("{} to {}", expr(src, lo), expr(src, hi)),
                    BandRange::Above(lo) => format!("above {}", expr(src, lo)),
                })
                .collect();
            let width = ranges
                .iter()
                .map(|k| UnicodeWidthStr::width(k.as_str()))
                .max()
                .unwrap_or(0);
            let mut out = vec![(0, format!("in bands of {} {{", expr(src, base)), base.span)];
            for (r, k) in rows.iter().zip(&ranges) {
                out.push((1, format!("{} => {}", pad(k, width), expr(src, &r.rate)), r.range.span));
            }
            out.push((0, "}".into(), block_end(doc, a)));
            out
        }
        ExprKind::Each {
            var,
            list,
            filter,
            body,
            once_per,
        } => {
            let mut head = format!("each {} in {}", var.node, expr(src, list));
            let mut head_end = list.span;
            if let Some(f) = filter {
                head.push_str(&format!(" where {}", expr(src, f)));
                head_end = f.span;
            }
            head.push(':');
            let mut out = vec![(0, head, Span::new(a.span.start, head_end.end))];
            nest(&mut out, "", amount(doc, body), "");
            if let Some(k) = once_per {
                out.push((1, format!("once per {}", expr(src, k)), k.span));
            }
            out
        }
        ExprKind::Literal(_)
        | ExprKind::Path(_)
        | ExprKind::Binary(..)
        | ExprKind::Not(_)
        | ExprKind::Neg(_)
        | ExprKind::IsGiven { .. }
        | ExprKind::Is { .. }
        | ExprKind::Call { .. }
        | ExprKind::If(..)
        | ExprKind::Round { .. }
        | ExprKind::Aggregate(_)
        | ExprKind::DatePart(..)
        | ExprKind::Between { .. }
        | ExprKind::Period { .. }
        | ExprKind::Edge { .. }
        | ExprKind::Quantified(_) => {
            if let Some(lines) = spread(doc, a) {
                return lines;
            }
            let text = expr(src, a);
            // A long sum is written one term a line, each under the first.
            match sum_lines(src, a) {
                Some(terms) if UnicodeWidthStr::width(text.as_str()) > MAX_INLINE_WIDTH - 20 => terms
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (usize::from(i > 0), t, a.span))
                    .collect(),
                _ => vec![(0, text, a.span)],
            }
        }
    }
}

/// Arithmetic around a table, laid out so that the table keeps a line a row:
/// `3 * by age {` … `}`. `None` when no table is inside: it stays on one line.
fn spread(doc: &Doc, e: &Expr) -> Option<Lines> {
    use super::expr::{at_least, binary_precedence, precedence};
    match &e.kind {
        ExprKind::Tier { .. } | ExprKind::Pick { .. } | ExprKind::Bands { .. } => Some(amount(doc, e)),
        ExprKind::Binary(op, l, r) => {
            let p = binary_precedence(*op);
            let side = |x: &Expr, min: u8| -> Option<Lines> {
                let mut lines = spread(doc, x)?;
                if precedence(x) < min {
                    if let Some(first) = lines.first_mut() {
                        first.1.insert(0, '(');
                    }
                    if let Some(last) = lines.last_mut() {
                        last.1.push(')');
                    }
                }
                Some(lines)
            };
            let (left, right) = (side(l, p), side(r, p + 1));
            if left.is_none() && right.is_none() {
                return None;
            }
            let mut out = left.unwrap_or_else(|| vec![(0, at_least(doc.src, l, p), l.span)]);
            let right = right.unwrap_or_else(|| vec![(0, at_least(doc.src, r, p + 1), r.span)]);
            let depth = out.last().map_or(0, |x| x.0);
            for (i, (d, text, at)) in right.into_iter().enumerate() {
                match out.last_mut() {
                    Some(last) if i == 0 => last.1 = format!("{} {} {text}", last.1, op.symbol()),
                    _ => out.push((depth + d, text, at)),
                }
            }
            Some(out)
        }
        ExprKind::Literal(_)
        | ExprKind::Path(_)
        | ExprKind::Not(_)
        | ExprKind::Neg(_)
        | ExprKind::IsGiven { .. }
        | ExprKind::Is { .. }
        | ExprKind::Call { .. }
        | ExprKind::If(..)
        | ExprKind::Round { .. }
        | ExprKind::Aggregate(_)
        | ExprKind::DatePart(..)
        | ExprKind::Between { .. }
        | ExprKind::Period { .. }
        | ExprKind::Edge { .. }
        | ExprKind::Quantified(_)
        | ExprKind::UpTo { .. }
        | ExprKind::Each { .. }
        | ExprKind::Capped { .. } => None,
    }
}

/// Adds `inner` one level deeper, with `prefix` on its first line and `suffix` on its last.
fn nest(out: &mut Lines, prefix: &str, inner: Lines, suffix: &str) {
    let n = inner.len();
    for (i, (d, text, at)) in inner.into_iter().enumerate() {
        let mut text = if i == 0 { format!("{prefix}{text}") } else { text };
        if i + 1 == n {
            text.push_str(suffix);
        }
        out.push((d + 1, text.trim_end().to_string(), at));
    }
}

/// Where the closing brace of a table, bands or list of alternatives stands.
fn block_end(doc: &Doc, a: &Expr) -> Span {
    let end = a.span.end;
    let brace = doc
        .src
        .get(..end)
        .and_then(|s| s.rfind('}'))
        .unwrap_or(end.saturating_sub(1));
    Span::new(brace, brace + 1)
}

fn tier_key(doc: &Doc, k: &Spanned<TierKey>) -> String {
    match &k.node {
        TierKey::Otherwise => "otherwise".into(),
        TierKey::Name(n) => n.clone(),
        TierKey::Literal(_) | TierKey::Range(..) => compact(doc, k.span),
    }
}

fn benefit(doc: &mut Doc, b: &Benefit) {
    let head = format!("benefit {} {} {}", b.id.node, b.clause.node, doc.text(b.title.span));
    if b.text.is_none() && b.conditions.is_empty() {
        doc.line(0, head, b.id.span);
        return;
    }
    doc.line(0, format!("{head} {{"), b.id.span);
    if let Some(t) = &b.text {
        doc.line(1, format!("text {}", doc.text(t.span)), t.span);
    }
    for c in &b.conditions {
        doc.line(1, format!("when {}", expr(doc.src, c)), c.span);
    }
    doc.line(0, "}", closing(b.span.end));
}

fn clause(doc: &mut Doc, c: &Clause) {
    let head = format!("clause {} {} {}", c.id.node, c.clause.node, doc.text(c.title.span));
    match &c.text {
        None => doc.line(0, head, c.id.span),
        Some(t) => {
            doc.line(0, format!("{head} {{"), c.id.span);
            doc.line(1, format!("text {}", doc.text(t.span)), t.span);
            doc.line(0, "}", closing(c.span.end));
        }
    }
}

fn test(doc: &mut Doc, t: &TestBlock) {
    doc.line(0, format!("test {} {{", doc.text(t.name.span)), t.name.span);
    data_lines(doc, 1, "given  ", &t.given, "");
    match &t.expect {
        Expect::Errors(fields) => {
            let list: Vec<&str> = fields.iter().map(|f| f.node.as_str()).collect();
            let at = fields.first().map_or(t.given.span, |f| f.span);
            doc.line(1, format!("expect errors {{ {} }}", list.join(", ")), at);
        }
        Expect::Awards(pairs) if pairs.is_empty() => doc.line(1, "expect { }", closing(t.span.end)),
        Expect::Awards(pairs) => {
            let parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", key(&k.node), data(doc.src, v)))
                .collect();
            let at = pairs[0].0.span.to(pairs[pairs.len() - 1].1.span);
            let inline = format!("expect {{ {} }}", parts.join(", "));
            if 2 + UnicodeWidthStr::width(inline.as_str()) <= MAX_INLINE_WIDTH {
                doc.line(1, inline, at);
            } else {
                // Too long for a line: one award a line, as a reviewer reads a list.
                doc.line(1, "expect {", pairs[0].0.span);
                for ((k, v), part) in pairs.iter().zip(&parts) {
                    doc.line(2, format!("{part},"), k.span.to(v.span));
                }
                doc.line(1, "}", closing(pairs[pairs.len() - 1].1.span.end));
            }
        }
    }
    doc.line(0, "}", closing(t.span.end));
}

/// Test data on one line when it fits, else one entry or element per line.
fn data_lines(doc: &mut Doc, depth: usize, prefix: &str, d: &Spanned<Data>, suffix: &str) {
    let inline = data(doc.src, d);
    let width = 2 * depth + UnicodeWidthStr::width(prefix) + UnicodeWidthStr::width(inline.as_str());
    let (open, close, children): (&str, &str, Vec<(String, &Spanned<Data>)>) = match &d.node {
        Data::Object(fields) if width > MAX_INLINE_WIDTH && !fields.is_empty() => (
            "{",
            "}",
            fields.iter().map(|(k, v)| (format!("{}: ", key(&k.node)), v)).collect(),
        ),
        Data::Array(items) if width > MAX_INLINE_WIDTH && !items.is_empty() => {
            ("[", "]", items.iter().map(|v| (String::new(), v)).collect())
        }
        _ => {
            doc.line(depth, format!("{prefix}{inline}{suffix}"), d.span);
            return;
        }
    };
    doc.line(
        depth,
        format!(
            "{}{open}",
            prefix.trim_end_matches(' ').to_string() + if prefix.is_empty() { "" } else { " " }
        ),
        d.span,
    );
    for (p, v) in children {
        data_lines(doc, depth + 1, &p, v, ",");
    }
    doc.line(depth, format!("{close}{suffix}"), closing(d.span.end));
}
