//! The diff and its impact as one document: every format renders this.

use super::*;
use crate::report::doc::{text_of, Block, Compare, Doc, Inline, Inlines, Side, Table, Tone};

fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

fn plain(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// A before-and-after row whose two sides are plain text.
fn change(what: &str, old: &str, new: &str) -> Compare {
    Compare {
        what: what.to_string(),
        before: Side::Inline(text_of(old)),
        after: Side::Inline(text_of(new)),
        lines: vec![(Tone::Plain, text_of(format!("{what}: {old} → {new}")))],
    }
}

/// Lines added and removed, each marked (`- when …`, `+ when …`).
fn lines(removed: &[String], added: &[String], prefix: &str) -> Vec<(Tone, Inlines)> {
    removed
        .iter()
        .map(|l| (Tone::Removed, text_of(format!("- {prefix}{l}"))))
        .chain(added.iter().map(|l| (Tone::Added, text_of(format!("+ {prefix}{l}")))))
        .collect()
}

fn joined(xs: &[String], mark: fn(String) -> Inline) -> Side {
    if xs.is_empty() {
        return Side::Empty;
    }
    let mut out = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push(plain("; "));
        }
        out.push(mark(x.clone()));
    }
    Side::Inline(out)
}

/// One detail of a changed item, as a row.
fn compare(d: &Detail, status: Status) -> Compare {
    match d {
        Detail::Title { old, new } => change(&t!("title"), old, new),
        Detail::Clause { old, new } => change(&t!("clause"), old, new),
        Detail::Text { pieces, .. } => {
            let mark = |p: &Piece| match p.tag {
                Tag::Same => plain(p.text.clone()),
                Tag::Removed => Inline::Removed(p.text.clone()),
                Tag::Added => Inline::Added(p.text.clone()),
            };
            let side = |keep: Tag| {
                pieces
                    .iter()
                    .filter(|p| p.tag == Tag::Same || p.tag == keep)
                    .map(mark)
                    .collect()
            };
            // the words before the clause text, as `text: %{text}` says them
            let mut line = text_of(t!("text: %{text}", text = "").into_owned());
            line.extend(pieces.iter().map(mark));
            Compare {
                what: t!("clause text").into(),
                before: Side::Inline(side(Tag::Removed)),
                after: Side::Inline(side(Tag::Added)),
                lines: vec![(Tone::Plain, line)],
            }
        }
        Detail::Conditions { removed, added } => Compare {
            what: t!("conditions").into(),
            before: joined(
                &removed.iter().map(|c| format!("when {c}")).collect::<Vec<_>>(),
                Inline::Removed,
            ),
            after: joined(
                &added.iter().map(|c| format!("when {c}")).collect::<Vec<_>>(),
                Inline::Added,
            ),
            lines: lines(removed, added, "when "),
        },
        Detail::Award { old, new } | Detail::Formula { old, new } => {
            let what = match d {
                Detail::Award { .. } => t!("award"),
                _ => t!("formula"),
            };
            let mut ls = vec![(Tone::Plain, text_of(format!("{what}:")))];
            ls.extend(lines(old, new, ""));
            Compare {
                what: what.into(),
                before: Side::Code(old.clone()),
                after: Side::Code(new.clone()),
                lines: ls,
            }
        }
        Detail::Precedence { old, new } => change(&t!("precedence"), old, new),
        Detail::Tiers {
            what,
            added,
            removed,
            changed,
        } => {
            let mut ls = lines(removed, added, &format!("{what} "));
            ls.extend(changed.iter().map(|c| {
                (
                    Tone::Plain,
                    text_of(format!("{what} {}: {} → {}", c.what, c.old, c.new)),
                )
            }));
            let mut before = Vec::new();
            let mut after = Vec::new();
            for r in removed {
                before.push(Inline::Removed(r.clone()));
            }
            for r in added {
                after.push(Inline::Added(r.clone()));
            }
            for c in changed {
                before.push(plain(format!(" {}: {}", c.what, c.old)));
                after.push(plain(format!(" {}: {}", c.what, c.new)));
            }
            Compare {
                what: what.to_string(),
                before: Side::Inline(before),
                after: Side::Inline(after),
                lines: ls,
            }
        }
        Detail::Caps { removed, added } => Compare {
            what: t!("caps").into(),
            before: joined(removed, Inline::Removed),
            after: joined(added, Inline::Added),
            lines: lines(removed, added, ""),
        },
        Detail::Flag { what, old, new } => {
            let yes = |b: bool| if b { text_of(what.clone()) } else { text_of("—") };
            let line = if *new {
                (Tone::Added, text_of(format!("+ {what}")))
            } else {
                (Tone::Removed, text_of(format!("- {what}")))
            };
            Compare {
                what: what.clone(),
                before: Side::Inline(yes(*old)),
                after: Side::Inline(yes(*new)),
                lines: vec![line],
            }
        }
        Detail::Parameter { name, old, new } => {
            let mut c = change(&t!("parameter %{name}", name = name), old, new);
            c.lines = vec![(
                Tone::Plain,
                text_of(t!("parameter %{name}: %{old} → %{new}", name = name, old = old, new = new).into_owned()),
            )];
            c
        }
        Detail::Reads { what, old, new } => change(what, old, new),
        Detail::Rule { lines: rule } => {
            let (before, after) = match status {
                Status::Removed => (Side::Code(rule.clone()), Side::Empty),
                _ => (Side::Empty, Side::Code(rule.clone())),
            };
            Compare {
                what: t!("rule").into(),
                before,
                after,
                lines: rule.iter().map(|l| (Tone::Plain, text_of(l.clone()))).collect(),
            }
        }
        Detail::Unmatched { rule_changed } => {
            let words = format!("⚠ {}", Detail::unmatched_words(*rule_changed));
            Compare {
                what: "⚠".into(),
                before: Side::Empty,
                after: Side::Inline(text_of(Detail::unmatched_words(*rule_changed))),
                lines: vec![(Tone::Plain, text_of(words))],
            }
        }
    }
}

fn item(c: &ItemChange) -> Block {
    let tone = match c.status {
        Status::Added => Tone::Added,
        Status::Removed => Tone::Removed,
        Status::Renamed | Status::Changed => Tone::Plain,
    };
    Block::Item {
        head: text_of(item_heading(c)),
        tone,
        rows: c.details.iter().map(|d| compare(d, c.status)).collect(),
    }
}

fn table(head: Vec<String>, align: &[Align], rows: Vec<Vec<Inlines>>) -> Block {
    Block::Table(Table {
        head,
        align: align.to_vec(),
        rows,
    })
}

/// The diff, and the impact when cases were given.
pub fn document(diff: &PolicyDiff, impact: Option<&Impact>) -> Doc {
    let mut blocks = Vec::new();
    if diff.is_empty() {
        blocks.push(Block::Para(text_of(t!("No differences in meaning.").into_owned())));
    }
    let (before, after) = (t!("before").into_owned(), t!("after").into_owned());
    let section = Block::section;
    if !diff.header.is_empty() {
        // the header's fields by their keywords; the title, which has none, in words
        let rows = diff
            .header
            .iter()
            .map(|c| {
                let what = if c.what == "title" {
                    t!("title").into_owned()
                } else {
                    c.what.clone()
                };
                change(&what, &c.old, &c.new)
            })
            .collect();
        blocks.push(section(
            t!("Header").into(),
            vec![Block::Item {
                head: Vec::new(),
                tone: Tone::Plain,
                rows,
            }],
        ));
    }
    if !diff.schema.is_empty() {
        let rows = diff
            .schema
            .iter()
            .map(|c| {
                let breaking = if c.breaking {
                    vec![Inline::Strong(t!("yes").into_owned())]
                } else {
                    text_of(t!("no").into_owned())
                };
                vec![
                    vec![code(&c.item)],
                    text_of(c.change.words().into_owned()),
                    text_of(c.old.clone().unwrap_or_default()),
                    text_of(c.new.clone().unwrap_or_default()),
                    breaking,
                    text_of(c.why.clone()),
                ]
            })
            .collect();
        blocks.push(section(
            t!("Case format").into(),
            vec![table(
                vec![
                    t!("field").into(),
                    t!("change").into(),
                    before.clone(),
                    after.clone(),
                    t!("breaking").into(),
                    t!("why").into(),
                ],
                &[Align::Left; 6],
                rows,
            )],
        ));
    }
    if !diff.params.is_empty() {
        let rows = diff
            .params
            .iter()
            .map(|p| {
                let mut name = vec![code(param_name(p))];
                if let Some(l) = &p.label {
                    name.push(plain(format!(" {l}")));
                }
                vec![
                    name,
                    text_of(p.old.clone().unwrap_or_else(|| "—".into())),
                    text_of(p.new.clone().unwrap_or_else(|| "—".into())),
                    text_of(p.used_by.join(", ")),
                ]
            })
            .collect();
        blocks.push(section(
            t!("Parameters").into(),
            vec![table(
                vec![
                    t!("parameter").into(),
                    before.clone(),
                    after.clone(),
                    t!("used by").into(),
                ],
                &[Align::Left; 4],
                rows,
            )],
        ));
    }
    for (title, items) in sections(diff) {
        if !items.is_empty() {
            blocks.push(section(title, items.iter().map(item).collect()));
        }
    }
    if !diff.exposure.is_empty() {
        let rows = diff
            .exposure
            .iter()
            .map(|c| vec![vec![code(&c.what)], text_of(c.old.clone()), text_of(c.new.clone())])
            .collect();
        blocks.push(section(
            t!("Worst case per applicant per year").into(),
            vec![table(
                vec![t!("award").into(), before.clone(), after.clone()],
                &[Align::Left, Align::Right, Align::Right],
                rows,
            )],
        ));
    }
    if let Some(imp) = impact {
        blocks.push(section(
            t!("Impact on %{cases} case(s)", cases = imp.cases).into(),
            impact_blocks(imp, &before, &after),
        ));
    }
    let title = t!("Policy changes: %{heading}", heading = diff.heading()).into_owned();
    Doc {
        title,
        subtitle: vec![code(&diff.old_path), plain(" → "), code(&diff.new_path)],
        blocks,
    }
}

fn impact_blocks(imp: &Impact, before: &str, after: &str) -> Vec<Block> {
    let mut out = Vec::new();
    if let Some(w) = &imp.weight {
        out.push(Block::Para(text_of(
            t!("amounts weighted by `%{field}`", field = w).into_owned(),
        )));
    }
    out.push(Block::Para(text_of(
        t!(
            "total: %{old} → %{new} (%{change})",
            old = money(imp.total_old),
            new = money(imp.total_new),
            change = signed(imp.total_new - imp.total_old)
        )
        .into_owned(),
    )));
    out.push(Block::Para(text_of(
        t!(
            "applicants: %{gain} gain, %{lose} lose, %{same} unchanged, %{rejected} rejected",
            gain = imp.gainers,
            lose = imp.losers,
            same = imp.unchanged,
            rejected = imp.rejected.len()
        )
        .into_owned(),
    )));
    out.extend(
        crate::report::chart::impact(imp, before, after)
            .into_iter()
            .map(Block::Chart),
    );
    let (moved, still): (Vec<_>, Vec<_>) = imp
        .awards
        .iter()
        .filter(|a| !a.total_old.is_zero() || !a.total_new.is_zero())
        .partition(|a| a.changed());
    if !moved.is_empty() {
        let rows = moved
            .iter()
            .map(|a| {
                vec![
                    vec![code(&a.id)],
                    text_of(a.title.clone()),
                    text_of(money(a.total_old)),
                    text_of(money(a.total_new)),
                    text_of(signed(a.total_new - a.total_old)),
                    text_of(format!("{} → {}", a.beneficiaries_old, a.beneficiaries_new)),
                ]
            })
            .collect();
        out.push(table(
            vec![
                t!("award").into(),
                t!("measure").into(),
                before.to_string(),
                after.to_string(),
                t!("change").into(),
                t!("recipients").into(),
            ],
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ],
            rows,
        ));
    }
    if !still.is_empty() {
        out.push(Block::Para(text_of(
            t!("%{count} other award(s) unchanged", count = still.len()).into_owned(),
        )));
    }
    if !imp.pools.is_empty() {
        let rows = imp
            .pools
            .iter()
            .map(|p| {
                let [pool, amount, demand, granted, cut] = pool_cells(p);
                vec![
                    vec![code(pool)],
                    text_of(amount),
                    text_of(demand),
                    text_of(granted),
                    text_of(cut),
                ]
            })
            .collect();
        out.push(table(
            vec![
                t!("pool").into(),
                t!("amount").into(),
                t!("asked").into(),
                t!("granted").into(),
                t!("cut").into(),
            ],
            &[Align::Left, Align::Right, Align::Right, Align::Right, Align::Right],
            rows,
        ));
    }
    let moved: Vec<_> = imp.outputs.iter().filter(|o| o.changed > 0).collect();
    if !moved.is_empty() {
        out.push(Block::Para(text_of(t!("outputs that changed").into_owned())));
        let rows = moved
            .iter()
            .flat_map(|o| {
                o.moves.iter().map(move |m| {
                    let mut name = vec![code(&o.id)];
                    if let Some(l) = &o.label {
                        name.push(plain(format!(" {l}")));
                    }
                    vec![
                        name,
                        text_of(m.old.clone()),
                        text_of(m.new.clone()),
                        text_of(m.cases.to_string()),
                    ]
                })
            })
            .collect();
        out.push(table(
            vec![
                t!("output").into(),
                before.to_string(),
                after.to_string(),
                t!("cases").into(),
            ],
            &[Align::Left, Align::Left, Align::Left, Align::Right],
            rows,
        ));
    }
    if !imp.changed.is_empty() {
        out.push(Block::Para(text_of(
            t!(
                "largest changes (of %{count} changed case(s))",
                count = imp.changed.len()
            )
            .into_owned(),
        )));
        let rows = imp
            .changed
            .iter()
            .take(LARGEST)
            .map(|c| {
                let mut because = Vec::new();
                for (i, a) in c.awards.iter().enumerate() {
                    if i > 0 {
                        because.push(plain("; "));
                    }
                    because.push(code(&a.id));
                    because.push(plain(format!(" {}: {}", signed(a.new - a.old), a.because.join("; "))));
                }
                vec![
                    text_of(c.id.clone()),
                    text_of(money(c.total_old)),
                    text_of(money(c.total_new)),
                    text_of(signed(c.total_new - c.total_old)),
                    because,
                ]
            })
            .collect();
        out.push(table(
            vec![
                t!("case").into(),
                before.to_string(),
                after.to_string(),
                t!("change").into(),
                t!("because").into(),
            ],
            &[Align::Left, Align::Right, Align::Right, Align::Right, Align::Left],
            rows,
        ));
    }
    if !imp.only_new.is_zero() || !imp.only_old.is_zero() {
        out.push(Block::Para(text_of(
            t!(
                "beside the totals, cases one version rejects: the new version grants %{new} to those the old rejects, the old %{old} to those the new rejects",
                new = money(imp.only_new),
                old = money(imp.only_old)
            )
            .into_owned(),
        )));
    }
    if !imp.rejected.is_empty() {
        let no_id = t!("(no id)");
        let items = imp
            .rejected
            .iter()
            .take(LARGEST)
            .map(|r| {
                let errors: Vec<String> = r
                    .errors
                    .iter()
                    .map(|e| field_error(&e.field, &e.message.text()))
                    .collect();
                let mut line = t!(
                    "line %{line} %{id} rejected by %{by} (counted in neither total): %{errors}",
                    line = r.line,
                    id = r.id.as_deref().unwrap_or(&no_id),
                    by = by_words(&r.by),
                    errors = errors.join("; ")
                )
                .into_owned();
                // what the other version grants it: a new tier's amount is not hidden
                if let Some(g) = r.granted {
                    let awards: Vec<String> = r.awards.iter().map(|(id, a)| format!("{id} {}", money(*a))).collect();
                    let version = if r.by == "old" {
                        t!("the new version")
                    } else {
                        t!("the old version")
                    };
                    line.push_str(&t!(
                        "; %{version} grants %{amount}",
                        version = version,
                        amount = money(g)
                    ));
                    if !awards.is_empty() {
                        line.push_str(&format!(" ({})", awards.join(", ")));
                    }
                }
                text_of(line)
            })
            .collect();
        out.push(Block::List(items));
    }
    out
}
