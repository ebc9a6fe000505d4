//! Measures, benefits and their award amounts: tier tables must be complete and
//! non-overlapping, alternatives must say which applies when several do.

use super::model::*;
use super::overlap::{disjoint, same};
use super::Checker;
use crate::diagnostic::{closest, Diagnostic};
use crate::span::Span;
use crate::syntax::ast;
use rust_decimal::Decimal;

/// Tier tables over ranges wider than this are checked for completeness by
/// interval arithmetic only, never by listing values.
const MAX_LISTED_TIER_VALUES: i64 = 10_000;

impl Checker {
    pub(super) fn measure(&mut self, m: &ast::Measure) -> Option<Measure> {
        self.scope.clear();
        self.n_locals = 0;
        if m.text.is_none() {
            self.error(
                Diagnostic::warning(
                    "zhice::check::no-text",
                    format!("measure `{}` has no clause text", m.id.node),
                    m.id.span,
                )
                .label("no `text`")
                .help("keep the clause's own words beside the rule: `text \"…\"`; explanations show them"),
            );
        }
        let conditions: Vec<Expr> = m
            .conditions
            .iter()
            .filter_map(|c| self.expect(c, &Ty::Bool, "a condition"))
            .collect();
        let caps: Vec<Cap> = m
            .caps
            .iter()
            .filter_map(|c| {
                let limit = self.expect(&c.limit, &Ty::Money, "a cap")?;
                Some(Cap {
                    limit,
                    scope: c.scope,
                    span: c.span,
                })
            })
            .collect();
        let award = match &m.award {
            Some(a) => self.amount(a),
            None => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::no-award",
                        format!("measure `{}` awards nothing", m.id.node),
                        m.id.span,
                    )
                    .label("no `award`")
                    .help("add `award …`; a measure that grants a service, not money, is a `benefit`"),
                );
                None
            }
        };
        let award = award?;
        if conditions.len() != m.conditions.len() || caps.len() != m.caps.len() {
            return None;
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
            n_locals: self.n_locals,
            span: m.span,
        })
    }

    pub(super) fn benefit(&mut self, b: &ast::Benefit) -> Benefit {
        self.scope.clear();
        let conditions = b
            .conditions
            .iter()
            .filter_map(|c| self.expect(c, &Ty::Bool, "a condition"))
            .collect();
        Benefit {
            id: b.id.node.clone(),
            clause: b.clause.node.clone(),
            title: b.title.node.clone(),
            text: b.text.as_ref().map(|t| t.node.clone()),
            conditions,
        }
    }

    fn amount(&mut self, a: &ast::Amount) -> Option<Amount> {
        let kind = match &a.kind {
            ast::AmountKind::Expr(e) => AmountKind::Expr(self.expect(e, &Ty::Money, "an award")?),
            ast::AmountKind::UpTo { ceiling, assessed } => {
                let ceiling = self.expect(ceiling, &Ty::Money, "the ceiling after `up to`");
                let assessed = match assessed {
                    None => None,
                    Some(x) => {
                        let checked = self.expr(x)?;
                        if *checked.ty.required() != Ty::Money {
                            self.error(
                                Diagnostic::error("zhice::check::type", "the assessed amount must be money", x.span)
                                    .label(format!("this is {}", self.type_name(&checked.ty)))
                                    .help("name the input or field that holds the amount an expert review fixed"),
                            );
                            return None;
                        }
                        Some(checked)
                    }
                };
                AmountKind::UpTo {
                    ceiling: ceiling?,
                    assessed,
                }
            }
            ast::AmountKind::Tier { key, rows } => self.tier(key, rows)?,
            ast::AmountKind::Pick { policy, alternatives } => self.pick(policy, alternatives)?,
            ast::AmountKind::Each {
                var,
                list,
                filter,
                body,
                once_per,
            } => {
                let list = self.expr(list)?;
                let Ty::List(item) = list.ty.clone() else {
                    self.error(
                        Diagnostic::error("zhice::check::not-a-list", "`each` goes through a list", list.span)
                            .label(format!("this is {}", self.type_name(&list.ty)))
                            .help("declare the input as `list of …`"),
                    );
                    return None;
                };
                let local = self.n_locals;
                self.n_locals += 1;
                self.scope.push((var.node.clone(), (*item).clone(), local));
                let filter = filter
                    .as_ref()
                    .map(|f| self.expect(f, &Ty::Bool, "the filter after `where`"));
                let body = self.amount(body);
                let once_per = once_per.as_ref().map(|k| {
                    let key = self.expr(k)?;
                    if !matches!(key.ty, Ty::Text | Ty::Enum(_) | Ty::Int) {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::item-key",
                                "`once per` needs a key that names the item",
                                k.span,
                            )
                            .label(format!("this is {}", self.type_name(&key.ty)))
                            .help("use a text, choice or number that identifies the item, e.g. `once per item.id`"),
                        );
                        return None;
                    }
                    Some(key)
                });
                self.scope.pop();
                let filter = match filter {
                    Some(f) => Some(f?),
                    None => None,
                };
                let once_per = match once_per {
                    Some(k) => Some(k?),
                    None => None,
                };
                AmountKind::Each {
                    local,
                    var: var.node.clone(),
                    list,
                    filter,
                    body: Box::new(body?),
                    once_per,
                }
            }
        };
        let cap = match &a.cap {
            Some(c) => Some(self.expect(c, &Ty::Money, "a cap")?),
            None => None,
        };
        Some(Amount {
            kind,
            cap,
            span: a.span,
        })
    }

    fn pick(&mut self, policy: &crate::span::Spanned<HitPolicy>, alts: &[ast::Alternative]) -> Option<AmountKind> {
        let mut out: Vec<Alternative> = Vec::new();
        let mut ok = true;
        for (i, alt) in alts.iter().enumerate() {
            let when = match &alt.when {
                Some(c) => self.expect(c, &Ty::Bool, "the condition of an alternative"),
                None => {
                    if i + 1 != alts.len() {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unreachable",
                                "alternatives after `otherwise` are never used",
                                alts[i + 1].span,
                            )
                            .label("never reached")
                            .related(alt.span, "`otherwise` applies before this")
                            .help("move `otherwise => …` to the end"),
                        );
                        ok = false;
                    }
                    None
                }
            };
            let amount = self.amount(&alt.amount);
            match (amount, &alt.when, when) {
                (Some(amount), None, _) => out.push(Alternative {
                    when: None,
                    amount,
                    span: alt.span,
                }),
                (Some(amount), Some(_), Some(w)) => out.push(Alternative {
                    when: Some(w),
                    amount,
                    span: alt.span,
                }),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        for (j, b) in out.iter().enumerate() {
            for a in &out[..j] {
                let (Some(ca), Some(cb)) = (&a.when, &b.when) else {
                    continue;
                };
                if policy.node == HitPolicy::First && same(ca, cb) {
                    self.error(
                        Diagnostic::error("zhice::check::unreachable", "this alternative can never apply", b.span)
                            .label("same condition as an earlier one")
                            .related(a.span, "this one always applies first")
                            .help("change its condition, or remove it"),
                    );
                } else if policy.node == HitPolicy::One && !disjoint(ca, cb) {
                    self.error(
                        Diagnostic::error("zhice::check::overlap", "two alternatives may both apply and the policy does not say which wins", b.span)
                            .label("may apply together with the earlier one")
                            .related(a.span, "this one may apply too")
                            .related(policy.span, "`one of` requires that at most one applies")
                            .help("state the precedence: `the highest of` (按照最高标准), `the first of` (in written order) or `the sum of` (all that apply)"),
                    );
                }
            }
        }
        Some(AmountKind::Pick {
            policy: policy.node,
            alternatives: out,
        })
    }

    fn tier(&mut self, key: &ast::Expr, rows: &[ast::TierRow]) -> Option<AmountKind> {
        let key = self.expr(key)?;
        let domain = match key.ty.required() {
            Ty::Enum(en) => Domain::Enum(*en),
            Ty::Int => Domain::Int(self.int_range(&key)),
            _ => {
                self.error(
                    Diagnostic::error(
                        "zhice::check::tier-key",
                        "a tier table is keyed by a level or a choice",
                        key.span,
                    )
                    .label(format!("this is {}", self.type_name(&key.ty)))
                    .help("key the table by an int (`by dcmm_level`) or an enum (`by item.level`)"),
                );
                return None;
            }
        };
        let mut out: Vec<TierRow> = Vec::new();
        let mut ok = true;
        for (i, row) in rows.iter().enumerate() {
            let k = self.tier_key(&row.key, &domain);
            if k == Some(TierKey::Otherwise) && i + 1 != rows.len() {
                self.error(
                    Diagnostic::error(
                        "zhice::check::unreachable",
                        "rows after `otherwise` are never used",
                        rows[i + 1].key.span,
                    )
                    .label("never reached")
                    .related(row.key.span, "`otherwise` takes every remaining value")
                    .help("move `otherwise => …` to the end"),
                );
                ok = false;
            }
            let amount = self.amount(&row.amount);
            match (k, amount) {
                (Some(key), Some(amount)) => out.push(TierRow {
                    key,
                    amount,
                    span: row.key.span,
                }),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        self.tier_coverage(&key, &domain, &out);
        Some(AmountKind::Tier { key, rows: out })
    }

    /// The declared range of an int key, when it is an input or a record field.
    fn int_range(&self, key: &Expr) -> Range {
        match &key.kind {
            ExprKind::Input(i) => self.inputs[*i].range.clone(),
            ExprKind::Field(rec, fi) => match rec.ty.required() {
                Ty::Record(r) => self.records[*r].fields[*fi].range.clone(),
                _ => Range::default(),
            },
            _ => Range::default(),
        }
    }

    fn tier_key(&mut self, k: &crate::span::Spanned<ast::TierKey>, domain: &Domain) -> Option<TierKey> {
        let bad = |me: &mut Self, what: &str| {
            me.error(
                Diagnostic::error("zhice::check::tier-key", format!("this row key does not fit the table: {what}"), k.span)
                    .label("wrong kind of key")
                    .help("rows of a table keyed by a level are numbers or ranges (`3 =>`, `1..3 =>`); by a choice, its values"),
            );
            None
        };
        let int = |lit: &ast::Literal| match lit {
            ast::Literal::Number(d) if d.fract().is_zero() => i64::try_from(*d).ok(),
            _ => None,
        };
        match (&k.node, domain) {
            (ast::TierKey::Otherwise, _) => Some(TierKey::Otherwise),
            (ast::TierKey::Name(n), Domain::Enum(en)) => {
                let en = *en;
                match self.enums[en].values.iter().position(|(v, _)| v == n) {
                    Some(i) => Some(TierKey::Value(i)),
                    None => {
                        let names: Vec<&str> = self.enums[en].values.iter().map(|(v, _)| v.as_str()).collect();
                        let help = match closest(n, names.iter().copied()) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => format!("the values of `{}` are {}", self.enums[en].name, names.join(", ")),
                        };
                        self.error(
                            Diagnostic::error(
                                "zhice::check::unknown-value",
                                format!("`{n}` is not a value of `{}`", self.enums[en].name),
                                k.span,
                            )
                            .label("unknown value")
                            .help(help),
                        );
                        None
                    }
                }
            }
            (ast::TierKey::Literal(lit), Domain::Int(_)) => match int(lit) {
                Some(n) => Some(TierKey::Ints(n, n)),
                None => bad(self, "expected a whole number"),
            },
            (ast::TierKey::Range(lo, hi), Domain::Int(_)) => match (int(lo), int(hi)) {
                (Some(lo), Some(hi)) if lo <= hi => Some(TierKey::Ints(lo, hi)),
                _ => bad(self, "expected a range of whole numbers, smaller first"),
            },
            (_, Domain::Enum(_)) => bad(self, "expected a value of the choice"),
            (ast::TierKey::Name(_), Domain::Int(_)) => bad(self, "expected a number"),
        }
    }

    fn tier_coverage(&mut self, key: &Expr, domain: &Domain, rows: &[TierRow]) {
        let has_otherwise = rows.iter().any(|r| r.key == TierKey::Otherwise);
        let mut missing: Vec<String> = Vec::new();
        match domain {
            Domain::Enum(en) => {
                let n = self.enums[*en].values.len();
                let mut seen: Vec<Option<Span>> = vec![None; n];
                for row in rows {
                    let TierKey::Value(v) = row.key else { continue };
                    if let Some(first) = seen[v] {
                        self.overlap_error(row.span, first);
                    }
                    seen[v] = Some(row.span);
                }
                missing = (0..n)
                    .filter(|v| seen[*v].is_none())
                    .map(|v| self.enums[*en].values[v].0.clone())
                    .collect();
            }
            Domain::Int(range) => {
                let lo_dom = range.min.and_then(|d| i64::try_from(d.ceil()).ok());
                let hi_dom = range.max.and_then(|d| i64::try_from(d.floor()).ok());
                let ints: Vec<(i64, i64, Span)> = rows
                    .iter()
                    .filter_map(|r| match r.key {
                        TierKey::Ints(a, b) => Some((a, b, r.span)),
                        _ => None,
                    })
                    .collect();
                for (j, (a, b, s)) in ints.iter().enumerate() {
                    if let Some((_, _, first)) = ints[..j].iter().find(|(c, d, _)| a <= d && c <= b) {
                        self.overlap_error(*s, *first);
                    }
                    if lo_dom.is_some_and(|lo| *b < lo) || hi_dom.is_some_and(|hi| *a > hi) {
                        self.error(
                            Diagnostic::warning("zhice::lint::unreachable-row", "this row can never apply", *s)
                                .label("outside the declared range")
                                .related(key.span, format!("declared as {}", describe_range(range)))
                                .help("remove the row, or widen the input's declared range"),
                        );
                    }
                }
                match (lo_dom, hi_dom) {
                    (Some(lo), Some(hi)) if hi.saturating_sub(lo) <= MAX_LISTED_TIER_VALUES => {
                        missing = (lo..=hi)
                            .filter(|v| !ints.iter().any(|(a, b, _)| a <= v && v <= b))
                            .map(|v| v.to_string())
                            .collect();
                    }
                    _ if !has_otherwise => {
                        self.error(
                            Diagnostic::error(
                                "zhice::check::tier-incomplete",
                                "the tier table may meet a value it has no row for",
                                key.span,
                            )
                            .label("no declared range to cover")
                            .help("declare the input's range (`int 3..5`) or add `otherwise => …`"),
                        );
                    }
                    _ => {}
                }
            }
        }
        if !missing.is_empty() && !has_otherwise {
            self.error(
                Diagnostic::error(
                    "zhice::check::tier-incomplete",
                    format!("the tier table has no row for {}", missing.join(", ")),
                    key.span,
                )
                .label("some values have no row")
                .help(format!(
                    "add rows for {} or an `otherwise => …` row",
                    missing.join(", ")
                )),
            );
        }
        if missing.is_empty() && has_otherwise {
            if let Some(row) = rows.iter().find(|r| r.key == TierKey::Otherwise) {
                self.error(
                    Diagnostic::warning(
                        "zhice::check::unreachable",
                        "`otherwise` is never used: the rows cover every value",
                        row.span,
                    )
                    .label("never reached")
                    .help("remove the `otherwise` row"),
                );
            }
        }
    }

    fn overlap_error(&mut self, at: Span, first: Span) {
        self.error(
            Diagnostic::error(
                "zhice::check::tier-overlap",
                "two rows of the tier table cover the same value",
                at,
            )
            .label("overlaps an earlier row")
            .related(first, "earlier row")
            .help("each value must have exactly one row"),
        );
    }
}

enum Domain {
    Enum(usize),
    Int(Range),
}

fn describe_range(r: &Range) -> String {
    let show = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{}..{}", show(r.min), show(r.max))
}
