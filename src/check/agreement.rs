//! Does the rule say what its clause text says? The amounts and rates written
//! in a measure's text (20%, 500万元, 1.2亿元, 三十万元…) are compared with the
//! money and rate constants and parameters its rule uses. A value on one side
//! only is a warning at both places: the text and the rule were edited apart.

use super::model::{Const, Expr, ExprKind, Policy, RationRule};
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};
use crate::syntax::ast;
use rust_decimal::Decimal;

pub const TEXT_AGREEMENT: &str = "zhice::lint::text-agreement";

/// The lints an `allow` may name, by the last part of their code.
pub const ALLOWABLE: [&str; 2] = ["text-agreement", "clause-copy"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Money,
    Rate,
}

/// A value written in clause text: yuan for money, a fraction for rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated {
    pub kind: Kind,
    pub value: Decimal,
    /// as written (`50 万元`)
    pub written: String,
    pub span: Span,
}

/// A value the rule uses: a constant, or a parameter with each value it takes over time.
struct Used<'a> {
    kind: Kind,
    values: Vec<Decimal>,
    expr: &'a Expr,
    /// the parameter's name, for the message
    param: Option<&'a str>,
}

/// One item with clause text: a measure, a rule or a pool.
struct Item<'a> {
    id: &'a ast::Ident,
    clause: &'a str,
    text: &'a Spanned<String>,
    /// the expressions whose values the text must state
    direct: Vec<&'a Expr>,
    /// expressions the text may also state: named values read, rules over this measure
    indirect: Vec<&'a Expr>,
}

fn allow_lists(file: &ast::File) -> impl Iterator<Item = (&Vec<ast::Allow>, Span)> {
    file.measures
        .iter()
        .map(|m| (&m.allows, m.span))
        .chain(file.rules.iter().map(|r| (&r.allows, r.span)))
        .chain(file.pools.iter().map(|p| (&p.allows, p.span)))
}

/// `allow` lines that name no lint, or give no reason: errors.
pub fn allow_errors(file: &ast::File) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in allow_lists(file).flat_map(|(list, _)| list) {
        if !ALLOWABLE.contains(&a.lint.node.as_str()) {
            out.push(
                Diagnostic::error(
                    "zhice::check::unknown-lint",
                    words!("there is no lint `%{lint}` to allow", lint = a.lint.node),
                    a.lint.span,
                )
                .label(words!("not a lint that can be allowed"))
                .help(words!(
                    "lints that can be allowed: %{allowable}",
                    allowable = ALLOWABLE.join(", ")
                )),
            );
        } else if a.reason.node.trim().is_empty() {
            out.push(
                Diagnostic::error(
                    "zhice::check::allow-reason",
                    words!("an `allow` needs its reason"),
                    a.reason.span,
                )
                .label(words!("empty reason"))
                .help(words!("say why the warning is expected here, for the reviewer")),
            );
        }
    }
    out
}

/// An allow that silences nothing is a warning: it would hide the next real mismatch.
pub fn unused_allows(file: &ast::File, fired: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (list, item) in allow_lists(file) {
        for a in list {
            let used = fired.iter().any(|d| silences(a, d) && within(d.span, item));
            if ALLOWABLE.contains(&a.lint.node.as_str()) && !used {
                out.push(
                    Diagnostic::warning(
                        "zhice::lint::unused-allow",
                        words!("`allow %{lint}` silences nothing here", lint = a.lint.node),
                        a.span,
                    )
                    .label(words!("no such warning in this item"))
                    .help(words!("remove it: an unneeded allow would hide the next real mismatch")),
                );
            }
        }
    }
    out
}

fn silences(a: &ast::Allow, d: &Diagnostic) -> bool {
    d.code.rsplit("::").next() == Some(a.lint.node.as_str())
}

fn within(s: Span, item: Span) -> bool {
    s.start >= item.start && s.end <= item.end
}

/// Every warning the lint finds, allowed ones included: the caller drops those
/// an `allow` silences (see `silenced`).
pub fn lint(p: &Policy, file: &ast::File) -> Vec<Diagnostic> {
    let mut items = Vec::new();
    for (i, (m, am)) in p.measures.iter().zip(&file.measures).enumerate() {
        let Some(text) = &am.text else { continue };
        let direct: Vec<&Expr> = m.exprs().collect();
        let mut indirect = Vec::new();
        for r in &p.rules {
            if let super::model::RuleKind::SharedCap { limit, members, .. } = &r.kind {
                if members.contains(&i) {
                    indirect.push(limit);
                }
            }
        }
        for pool in &p.pools {
            if pool.members.contains(&i) {
                indirect.push(&pool.amount);
            }
        }
        items.push(Item {
            id: &am.id,
            clause: &am.clause.node,
            text,
            direct,
            indirect,
        });
    }
    for (r, ar) in p.rules.iter().zip(&file.rules) {
        let Some(text) = &ar.text else { continue };
        items.push(Item {
            id: &ar.id,
            clause: &ar.clause.node,
            text,
            direct: r.exprs().collect(),
            indirect: Vec::new(),
        });
    }
    for (pool, ap) in p.pools.iter().zip(&file.pools) {
        let Some(text) = &ap.text else { continue };
        let mut direct = vec![&pool.amount];
        if let RationRule::CappedProRata(each) = &pool.ration {
            direct.push(each);
        }
        items.push(Item {
            id: &ap.id,
            clause: &ap.clause.node,
            text,
            direct,
            indirect: Vec::new(),
        });
    }
    let mut out = Vec::new();
    for item in &items {
        // A clause encoded by several items (模型券 and 算力券 of one 第四条（八）)
        // states values for all of them: each is used if any of them uses it.
        let mut all = Vec::new();
        for other in items.iter().filter(|o| o.clause == item.clause) {
            all.extend(used_values(p, &other.direct, true));
            all.extend(used_values(p, &other.indirect, true));
        }
        out.extend(compare(p, item, &all));
    }
    out.extend(super::copies::copies(file));
    out
}

/// True when an `allow` in the item around `d` silences it.
pub fn silenced(file: &ast::File, d: &Diagnostic) -> bool {
    allow_lists(file).any(|(list, span)| within(d.span, span) && list.iter().any(|a| silences(a, d)))
}

/// `all`: what the rules of every item quoting this text use.
fn compare(p: &Policy, item: &Item, all: &[Used]) -> Vec<Diagnostic> {
    let stated = stated_values(item.text);
    if stated.is_empty() {
        // A text that quotes no figure at all (a placeholder, or amounts left
        // to implementing rules) cannot be compared.
        return Vec::new();
    }
    let direct = used_values(p, &item.direct, false);
    let mut out = Vec::new();
    let mut reported: Vec<Span> = Vec::new();
    for u in &direct {
        if stated.iter().any(|s| s.kind == u.kind && u.values.contains(&s.value)) {
            continue;
        }
        if reported.contains(&u.expr.span) {
            continue;
        }
        reported.push(u.expr.span);
        let shown = u
            .values
            .iter()
            .map(|v| show(u.kind, *v))
            .collect::<Vec<_>>()
            .join(" / ");
        let message = match u.param {
            Some(name) => words!(
                "the rule of `%{id}` uses parameter `%{name}` (%{shown}), which its clause text does not state",
                id = item.id.node,
                name = name,
                shown = shown
            ),
            None => words!(
                "the rule of `%{id}` uses %{shown}, which its clause text does not state",
                id = item.id.node,
                shown = shown
            ),
        };
        out.push(
            Diagnostic::warning(TEXT_AGREEMENT, message, u.expr.span)
            .label(words!("%{shown} is not in the text", shown = shown))
            .related(item.text.span, words!("the clause text"))
            .help(words!("make the text and the rule say the same; if the published text is at odds with the rule on purpose, write `allow text-agreement because \"…\"` in `%{id}`", id = item.id.node)),
        );
    }
    for s in &stated {
        if all.iter().any(|u| u.kind == s.kind && u.values.contains(&s.value)) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                TEXT_AGREEMENT,
                words!("the clause text of `%{id}` states %{written}, which its rule does not use", id = item.id.node, written = s.written),
                s.span)
            .label(words!("%{show} is not in the rule", show = show(s.kind, s.value)))
            .related(item.id.span, words!("the rule"))
            .help(words!("make the text and the rule say the same; if the published text is at odds with the rule on purpose, write `allow text-agreement because \"…\"` in `%{id}`", id = item.id.node)),
        );
    }
    out
}

/// The money and rate values in `exprs`; with `deep`, also those of the named values they read.
fn used_values<'a>(p: &'a Policy, exprs: &[&'a Expr], deep: bool) -> Vec<Used<'a>> {
    let mut out = Vec::new();
    let mut seen_values = Vec::new();
    let mut stack: Vec<&'a Expr> = exprs.to_vec();
    while let Some(e) = stack.pop() {
        e.walk(&mut |x| match &x.kind {
            ExprKind::Const(c) => {
                if let Some((kind, v)) = valued(c) {
                    out.push(Used {
                        kind,
                        values: vec![v],
                        expr: x,
                        param: None,
                    });
                }
            }
            ExprKind::Param(i) => {
                let param = &p.params[*i];
                let values: Vec<(Kind, Decimal)> = std::iter::once(&param.value)
                    .chain(param.dated.iter().map(|(_, c)| c))
                    .filter_map(valued)
                    .collect();
                if let Some((kind, _)) = values.first() {
                    out.push(Used {
                        kind: *kind,
                        values: values.iter().map(|(_, v)| *v).collect(),
                        expr: x,
                        param: Some(&param.name),
                    });
                }
            }
            ExprKind::Value(i) if deep && !seen_values.contains(i) => {
                seen_values.push(*i);
                stack.push(&p.values[*i].expr);
            }
            ExprKind::Input(_)
            | ExprKind::Local(_)
            | ExprKind::Award(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Shift(..)
            | ExprKind::Edge(..)
            | ExprKind::Field(..)
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. }
            | ExprKind::Value(_) => {}
        });
    }
    out
}

/// Zero is never stated (`otherwise => 0元`, `> 0元`), so it is never compared.
fn valued(c: &Const) -> Option<(Kind, Decimal)> {
    match c {
        Const::Money(v) if !v.is_zero() => Some((Kind::Money, v.normalize())),
        Const::Rate(v) if !v.is_zero() => Some((Kind::Rate, v.normalize())),
        _ => None,
    }
}

/// How a value reads in a message: `500万元`, `20%`.
pub fn show(kind: Kind, v: Decimal) -> String {
    match kind {
        Kind::Rate => format!("{}%", (v * Decimal::ONE_HUNDRED).normalize()),
        Kind::Money if v >= Decimal::from(10_000) && (v % Decimal::from(100)).is_zero() => {
            format!("{}万元", (v / Decimal::from(10_000)).normalize())
        }
        Kind::Money => format!("{}元", v.normalize()),
    }
}

/// The amounts and rates written in a clause text, with where each is.
pub fn stated_values(text: &Spanned<String>) -> Vec<Stated> {
    let s = text.node.as_str();
    // Positions map into the source only when the string has no escapes.
    let exact = text.span.end - text.span.start == s.len() + 2;
    let at = |a: usize, b: usize| {
        if exact {
            Span::new(text.span.start + 1 + a, text.span.start + 1 + b)
        } else {
            text.span
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let prev = s[..i].chars().next_back();
        let starts = prev.is_none_or(|c| !(c.is_ascii_digit() || c == '.' || numeral(c).is_some()));
        let percent_words = rest.strip_prefix("百分之");
        let number = match percent_words {
            Some(r) => read_number(r).map(|(v, n)| (v, n + "百分之".len(), true)),
            None if starts => read_number(rest).map(|(v, n)| (v, n, false)),
            None => None,
        };
        let Some((value, len, percent_words)) = number else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let after = &rest[len..];
        let gap = after.len() - after.trim_start_matches([' ', '\u{3000}']).len();
        let after = &after[gap..];
        let unit = if percent_words {
            Some((Kind::Rate, Decimal::new(1, 2), 0))
        } else {
            unit(after)
        };
        match unit {
            Some((kind, scale, ulen)) => {
                let end = if percent_words { len } else { len + gap + ulen };
                out.push(Stated {
                    kind,
                    value: (value * scale).normalize(),
                    written: rest[..end].to_string(),
                    span: at(i, i + end),
                });
                i += end;
            }
            None => i += len,
        }
    }
    out
}

/// The unit after a number: its kind, its scale and its length in bytes.
fn unit(after: &str) -> Option<(Kind, Decimal, usize)> {
    let money = |scale: i64, len: usize| Some((Kind::Money, Decimal::from(scale), len));
    if after.starts_with('%') || after.starts_with('％') {
        return Some((
            Kind::Rate,
            Decimal::new(1, 2),
            after.chars().next().map_or(1, char::len_utf8),
        ));
    }
    for (word, scale) in [
        ("亿元", 100_000_000),
        ("千万元", 10_000_000),
        ("百万元", 1_000_000),
        ("万元", 10_000),
        ("千元", 1_000),
        ("元", 1),
    ] {
        if after.starts_with(word) {
            return money(scale, word.len());
        }
    }
    // `100万、50万元`: the unit is written once for a list.
    for (word, scale) in [("亿", 100_000_000), ("万", 10_000)] {
        if let Some(r) = after.strip_prefix(word) {
            if r.starts_with(['、', '，', ',', '至', '到', '-', '~', '～', '或', '和']) {
                return money(scale, word.len());
            }
        }
    }
    None
}

/// A number at the start of `s`: Arabic (`1.2`, `2,000`) or Chinese (`三十`, `一千五百`).
fn read_number(s: &str) -> Option<(Decimal, usize)> {
    let first = s.chars().next()?;
    if first.is_ascii_digit() {
        let mut end = 0;
        let mut digits = String::new();
        let b = s.as_bytes();
        while end < b.len() {
            let c = b[end];
            if c.is_ascii_digit() {
                digits.push(c as char);
                end += 1;
            } else if c == b'.' && end + 1 < b.len() && b[end + 1].is_ascii_digit() && !digits.contains('.') {
                digits.push('.');
                end += 1;
            } else if c == b','
                && !digits.contains('.')
                && b.len() >= end + 4
                && b[end + 1..end + 4].iter().all(u8::is_ascii_digit)
                && b.get(end + 4).is_none_or(|c| !c.is_ascii_digit())
            {
                end += 1;
            } else {
                break;
            }
        }
        return digits.parse::<Decimal>().ok().map(|v| (v, end));
    }
    numeral(first)?;
    let len: usize = s
        .chars()
        .take_while(|c| numeral(*c).is_some())
        .map(char::len_utf8)
        .sum();
    chinese(&s[..len]).map(|v| (Decimal::from(v), len))
}

/// A Chinese numeral character: a digit (value < 10) or a multiplier (十, 百, 千).
fn numeral(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// `三十` → 30, `一千五百` → 1500, `十二` → 12; `None` for what is not a number
/// (a lone `一` of `一次性` never reaches here: it has no unit after it).
fn chinese(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut digit: Option<u64> = None;
    for c in s.chars() {
        let v = numeral(c)?;
        if v < 10 {
            if digit.is_some() && v != 0 {
                return None;
            }
            digit = Some(v);
        } else {
            total = total.checked_add(digit.unwrap_or(1).checked_mul(v)?)?;
            digit = None;
        }
    }
    total.checked_add(digit.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        let t = Spanned::new(text.to_string(), Span::new(0, text.len() + 2));
        stated_values(&t).iter().map(|s| show(s.kind, s.value)).collect()
    }

    #[test]
    fn reads_the_ways_amounts_are_written() {
        assert_eq!(
            values("最高按照固定资产投资的20%给予支持，最高给予500万元支持"),
            ["20%", "500万元"]
        );
        assert_eq!(
            values("分别给予最高100万、50万元、30 万元奖励"),
            ["100万元", "50万元", "30万元"]
        );
        assert_eq!(
            values("总额1.2亿元，单项三十万元，补贴12.5％"),
            ["12000万元", "30万元", "12.5%"]
        );
        assert_eq!(values("一千五百元；百分之二十；2,000元"), ["1500元", "20%", "2000元"]);
    }

    #[test]
    fn ignores_numbers_without_a_unit() {
        assert!(values("第一条（一）排名前3的一次性奖励，每年1次").is_empty());
        assert!(values("1万平方米").is_empty());
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese("三十"), Some(30));
        assert_eq!(chinese("十二"), Some(12));
        assert_eq!(chinese("一千五百"), Some(1500));
        assert_eq!(chinese("两百"), Some(200));
        assert_eq!(chinese("三五"), None);
    }

    #[test]
    fn spans_point_at_the_value() {
        let text = "给予最高50万元支持";
        let t = Spanned::new(text.to_string(), Span::new(10, 10 + text.len() + 2));
        let s = &stated_values(&t)[0];
        assert_eq!(s.written, "50万元");
        assert_eq!(&format!("\"{text}\"")[s.span.start - 10..s.span.end - 10], "50万元");
    }
}
