//! Measures, benefits and rules across measures: conditions are yes/no,
//! awards and caps are money, a cap's condition belongs to the cap, and a rule
//! names measures that exist, in an order the policy states.

use super::model::*;
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::syntax::ast;

/// The days a measure's own conditions allow, within the policy's period:
/// `date >= D` and `date > D` raise the first, `date <= D` and `date < D` lower the last.
fn date_gate(conditions: &[Expr], (mut from, mut to): Period) -> Period {
    for c in conditions {
        let ExprKind::Binary(op, l, r) = &c.kind else { continue };
        let (ExprKind::CaseDate, ExprKind::Const(Const::Date(d))) = (&l.kind, &r.kind) else {
            continue;
        };
        match op {
            BinOp::Ge => from = from.max(Some(*d)),
            BinOp::Gt => from = from.max(d.plus_days(1)),
            BinOp::Le => to = Some(to.map_or(*d, |t| t.min(*d))),
            BinOp::Lt => to = d.plus_days(-1).map(|x| to.map_or(x, |t| t.min(x))).or(to),
            _ => {}
        }
    }
    (from, to)
}

type Period = (Option<crate::date::Date>, Option<crate::date::Date>);

impl Checker<'_> {
    pub(super) fn measure(&mut self, m: &ast::Measure) -> Option<Measure> {
        let saved = self.begin_item();
        let out = self.measure_body(m);
        self.end_item(saved);
        out
    }

    fn measure_body(&mut self, m: &ast::Measure) -> Option<Measure> {
        if m.text.is_none() {
            self.error(
                Diagnostic::warning(
                    "zhice::check::no-text",
                    words!("measure `%{id}` has no clause text", id = m.id.node),
                    m.id.span,
                )
                .label(words!("no `text`"))
                .help(words!(
                    "keep the clause's own words beside the rule: `text \"…\"`; explanations show them"
                )),
            );
        }
        let conditions: Vec<Expr> = m
            .conditions
            .iter()
            .filter_map(|c| self.expect(c, &Ty::Bool, &t!("a condition")))
            .collect();
        let caps: Vec<Cap> = m.caps.iter().filter_map(|c| self.cap(c)).collect();
        // `when date >= 2027-01-01`: the award is only worked out on those days
        let policy_period = self.period;
        self.period = date_gate(&conditions, policy_period);
        let award = m.award.as_ref().map(|a| self.expect(a, &Ty::Money, &t!("an award")));
        self.period = policy_period;
        let award = match award {
            Some(a) => a,
            None => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::no-award",
                        words!("measure `%{id}` awards nothing", id = m.id.node),
                        m.id.span,
                    )
                    .label(words!("no `award`"))
                    .help(words!(
                        "add `award …`; a measure that grants a service, not money, is a `benefit`"
                    )),
                );
                None
            }
        };
        let award = award?;
        if conditions.len() != m.conditions.len() || caps.len() != m.caps.len() {
            return None;
        }
        // what was paid before is never below 0: a negative amount cannot be topped up or paid once
        if let (Some(s), Some(other)) = (m.signed, m.top_up.or(m.once)) {
            self.error(
                Diagnostic::error(
                    "zhice::check::signed",
                    words!("an amount that may be negative is not topped up or paid once"),
                    s,
                )
                .label(words!("may be negative"))
                .related(other, words!("this reads what was paid before"))
                .help(words!(
                    "a clawback or a net amount is its own measure; remove `may be negative` or the other statement"
                )),
            );
        }
        Some(Measure {
            id_span: m.id.span,
            id: m.id.node.clone(),
            clause: m.clause.node.clone(),
            title: m.title.node.clone(),
            text: m.text.as_ref().map(|t| t.node.clone()),
            conditions,
            award,
            top_up: m.top_up.is_some(),
            once: m.once.is_some(),
            caps,
            signed: m.signed.is_some(),
            span: m.span,
        })
    }

    fn cap(&mut self, c: &ast::Cap) -> Option<Cap> {
        let limit = self.expect(&c.limit, &Ty::Money, &t!("a cap"));
        let condition = match &c.condition {
            Some(k) => Some(CapCondition {
                unless: k.unless,
                expr: self.expect(&k.expr, &Ty::Bool, &t!("the condition of a cap"))?,
            }),
            None => None,
        };
        Some(Cap {
            limit: limit?,
            scope: c.scope,
            condition,
            span: c.span,
        })
    }

    pub(super) fn benefit(&mut self, b: &ast::Benefit) -> Benefit {
        let saved = self.begin_item();
        let conditions = b
            .conditions
            .iter()
            .filter_map(|c| self.expect(c, &Ty::Bool, &t!("a condition")))
            .collect();
        self.end_item(saved);
        Benefit {
            id: b.id.node.clone(),
            clause: b.clause.node.clone(),
            title: b.title.node.clone(),
            text: b.text.as_ref().map(|t| t.node.clone()),
            conditions,
        }
    }

    pub(super) fn rule(&mut self, r: &ast::RuleDecl) -> Option<RuleDef> {
        let saved = self.begin_item();
        let kind = match &r.body {
            ast::RuleBody::SharedCap {
                limit,
                scope,
                members,
                order,
            } => {
                let limit = self.expect(limit, &Ty::Money, &t!("a shared cap"));
                let members = self.members(members);
                let (limit, members) = (limit, members);
                let mut members = members?;
                if order.node == AllocOrder::Clause {
                    members = self.clause_order(&members, order.span, &r.body)?;
                }
                Some(RuleKind::SharedCap {
                    limit: limit?,
                    scope: *scope,
                    order: order.node,
                    members,
                })
            }
            ast::RuleBody::HighestOnly { members } => {
                self.members(members).map(|members| RuleKind::HighestOnly { members })
            }
        };
        self.end_item(saved);
        if r.text.is_none() {
            self.error(
                Diagnostic::warning(
                    "zhice::check::no-text",
                    words!("rule `%{id}` has no clause text", id = r.id.node),
                    r.id.span,
                )
                .label(words!("no `text`"))
                .help(words!(
                    "keep the clause's own words beside the rule: `text \"…\"`; explanations show them"
                )),
            );
        }
        Some(RuleDef {
            id: r.id.node.clone(),
            clause: r.clause.node.clone(),
            title: r.title.node.clone(),
            text: r.text.as_ref().map(|t| t.node.clone()),
            kind: kind?,
            span: r.span,
            id_span: r.id.span,
        })
    }

    /// The measures a rule names: each a measure of this policy, each once, at least two.
    fn members(&mut self, ids: &[ast::Ident]) -> Option<Vec<usize>> {
        let mut out: Vec<usize> = Vec::new();
        let mut ok = true;
        for id in ids {
            if self.file.measures.iter().any(|m| m.id.node == id.node) {
                self.used(id.span, super::names::Symbol::Measure(id.node.clone()));
            }
            match self.file.measures.iter().position(|m| m.id.node == id.node) {
                Some(i) if out.contains(&i) => {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::rule-member",
                            words!("`%{id}` is named twice", id = id.node),
                            id.span,
                        )
                        .label(words!("named again"))
                        .help(words!("name each measure once")),
                    );
                    ok = false;
                }
                Some(i) if self.file.measures[i].signed.is_some() => {
                    // a cap or a budget shares out what is paid: a negative amount would add room
                    self.error(
                        Diagnostic::error(
                            "zhice::check::signed",
                            words!(
                                "`%{id}` may be negative and cannot share a cap or a budget",
                                id = id.node
                            ),
                            id.span,
                        )
                        .label(words!("may be negative"))
                        .help(words!("share caps and budgets among awards that are never below 0")),
                    );
                    ok = false;
                }
                Some(i) => out.push(i),
                None => {
                    let is_other = self.item_ids.iter().any(|(n, _)| *n == id.node);
                    let (near, help) = if is_other {
                        (
                            None,
                            t!("a rule across measures names measures: benefits and clauses award no money")
                                .into_owned(),
                        )
                    } else {
                        let near = closest(&id.node, self.file.measures.iter().map(|m| m.id.node.as_str()));
                        (near.map(str::to_string), t!("name the id of a measure").into_owned())
                    };
                    self.error(
                        Diagnostic::error(
                            "zhice::check::rule-member",
                            words!("`%{id}` is not a measure of this policy", id = id.node),
                            id.span,
                        )
                        .label(words!("no such measure"))
                        .suggest(near, help),
                    );
                    ok = false;
                }
            }
        }
        if ok && out.len() < 2 {
            let at = ids.first().map_or(crate::span::Span::default(), |i| i.span);
            self.error(
                Diagnostic::error(
                    "zhice::check::rule-member",
                    words!("a rule across measures names at least two"),
                    at,
                )
                .label(words!("only one measure"))
                .help(words!(
                    "a cap on one measure is written in the measure: `at most … per applicant per year`"
                )),
            );
            return None;
        }
        ok.then_some(out)
    }

    /// The members sorted by their clause references (第四条（一） before 第四条（二）).
    fn clause_order(&mut self, members: &[usize], at: crate::span::Span, _body: &ast::RuleBody) -> Option<Vec<usize>> {
        let mut keyed = Vec::new();
        for &i in members {
            let m = &self.file.measures[i];
            match clause_key(&m.clause.node) {
                Some(k) => keyed.push((k, i)),
                None => {
                    self.error(
                        Diagnostic::error(
                            "zhice::check::clause-order",
                            words!(
                                "the clause reference `%{clause}` gives no order",
                                clause = m.clause.node
                            ),
                            m.clause.span,
                        )
                        .label(words!("not numbered like 第四条（一）"))
                        .related(at, words!("the rule is filled in clause order"))
                        .help(words!(
                            "number the clause (第四条（一）, （二）), or fill the cap `in the order listed`"
                        )),
                    );
                    return None;
                }
            }
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        for w in keyed.windows(2) {
            if w[0].0 == w[1].0 {
                let (a, b) = (&self.file.measures[w[0].1], &self.file.measures[w[1].1]);
                self.error(
                    Diagnostic::error(
                        "zhice::check::clause-order",
                        words!(
                            "`%{id}` and `%{id2}` share the clause %{clause}",
                            id = a.id.node,
                            id2 = b.id.node,
                            clause = b.clause.node
                        ),
                        at,
                    )
                    .label(words!("which is filled first?"))
                    .related(a.clause.span, words!("this clause"))
                    .related(b.clause.span, words!("the same clause"))
                    .help(words!(
                        "write `in the order listed` and list them in the order the clause means"
                    )),
                );
                return None;
            }
        }
        Some(keyed.into_iter().map(|(_, i)| i).collect())
    }
}

/// The levels of a clause reference, for ordering: `第四条（一）` → [4, 1],
/// `（三）` → [3], `3.(1)` → [3, 1], `一、（二）` → [1, 2], `①` → [1]. Chinese or
/// Arabic numerals. `None` when some part is not a number (`附则`).
pub fn clause_key(reference: &str) -> Option<Vec<u32>> {
    let mut key = Vec::new();
    let mut rest = reference;
    if let Some(after) = rest.strip_prefix('第') {
        let (num, tail) = after.split_once('条')?;
        key.push(numeral(num)?);
        rest = tail;
    } else if let Some((num, tail)) = rest.split_once('、') {
        key.push(numeral(num)?);
        rest = tail;
    } else {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        rest = &rest[digits.len()..];
        for part in digits.split('.').filter(|p| !p.is_empty()) {
            key.push(part.parse().ok()?);
        }
    }
    while !rest.is_empty() {
        let c = rest.chars().next()?;
        if ('①'..='⑳').contains(&c) {
            key.push(c as u32 - '①' as u32 + 1);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let close = match c {
            '（' => '）',
            '(' => ')',
            _ => return None,
        };
        let (inner, tail) = rest[c.len_utf8()..].split_once(close)?;
        key.push(numeral(inner)?);
        rest = tail;
    }
    (!key.is_empty()).then_some(key)
}

/// A number written in Arabic digits or Chinese numerals up to 九千九百九十九.
fn numeral(text: &str) -> Option<u32> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let mut total = 0;
    let mut current = 0;
    let mut any = false;
    for c in text.chars() {
        any = true;
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '〇' => {
                current = 0;
                continue;
            }
            _ => {
                current = digit(c)?;
                continue;
            }
        };
        total += if current == 0 { 1 } else { current } * unit;
        current = 0;
    }
    any.then_some(total + current)
}

#[cfg(test)]
mod tests {
    use super::clause_key;

    #[test]
    fn clause_references_give_their_order() {
        assert_eq!(clause_key("第四条（一）"), Some(vec![4, 1]));
        assert_eq!(clause_key("第四条（十二）"), Some(vec![4, 12]));
        assert_eq!(clause_key("（二十一）"), Some(vec![21]));
        assert_eq!(clause_key("第三条"), Some(vec![3]));
        assert_eq!(clause_key("第十条(3)"), Some(vec![10, 3]));
        assert_eq!(clause_key("第一百零五条"), Some(vec![105]));
        assert_eq!(clause_key("（3）（1）"), Some(vec![3, 1]));
        assert_eq!(clause_key("3.(1)"), Some(vec![3, 1]));
        assert_eq!(clause_key("1."), Some(vec![1]));
        assert_eq!(clause_key("2.3"), Some(vec![2, 3]));
        assert_eq!(clause_key("三、（二）"), Some(vec![3, 2]));
        assert_eq!(clause_key("⑫"), Some(vec![12]));
        assert_eq!(clause_key("附则"), None);
        assert!(clause_key("（一）") < clause_key("（二）"));
        assert!(clause_key("1.") < clause_key("1.(2)"));
        assert!(clause_key("2.") < clause_key("10."));
    }
}
