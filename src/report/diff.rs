//! A policy diff and its impact as terminal text (colour only on a terminal),
//! Markdown for a review thread, and JSON for tools. HTML is in `diff_html`.

use crate::diff::impact::{Impact, PoolImpact, PoolRound, LARGEST};
use crate::diff::text::{Piece, Tag};
use crate::diff::{Detail, ItemChange, PolicyDiff, Status};
use crate::number::money;
use crate::report::table::{Align, Table};
use rust_decimal::Decimal;
use serde_json::json;

/// Colours for a terminal, or none.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn added(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn removed(self, s: &str) -> String {
        self.paint("31", s)
    }
    fn heading(self, s: &str) -> String {
        self.paint("1", s)
    }
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", money(d))
    } else {
        money(d)
    }
}

fn marker(status: Status) -> &'static str {
    match status {
        Status::Added => "+",
        Status::Removed => "-",
        Status::Renamed => ">",
        Status::Changed => "~",
    }
}

/// Clause text with removed runs in `[-…-]` and added runs in `{+…+}` (coloured on a terminal).
fn pieces_text(pieces: &[Piece], style: Style) -> String {
    pieces
        .iter()
        .map(|p| match p.tag {
            Tag::Same => p.text.clone(),
            Tag::Removed => style.removed(&format!("[-{}-]", p.text)),
            Tag::Added => style.added(&format!("{{+{}+}}", p.text)),
        })
        .collect()
}

fn detail_lines(d: &Detail, style: Style) -> Vec<String> {
    match d {
        Detail::Title { old, new } => vec![t!("title: %{old} → %{new}", old = old, new = new).into()],
        Detail::Clause { old, new } => vec![t!("clause: %{old} → %{new}", old = old, new = new).into()],
        Detail::Text { pieces, .. } => vec![t!("text: %{text}", text = pieces_text(pieces, style)).into()],
        Detail::Conditions { removed, added } => removed
            .iter()
            .map(|c| style.removed(&format!("- when {c}")))
            .chain(added.iter().map(|c| style.added(&format!("+ when {c}"))))
            .collect(),
        Detail::Award { old, new } => {
            let mut out = vec![t!("award:").into_owned()];
            out.extend(old.iter().map(|l| style.removed(&format!("- {l}"))));
            out.extend(new.iter().map(|l| style.added(&format!("+ {l}"))));
            out
        }
        Detail::Precedence { old, new } => vec![t!("precedence: %{old} → %{new}", old = old, new = new).into()],
        Detail::Tiers {
            what,
            added,
            removed,
            changed,
        } => removed
            .iter()
            .map(|r| style.removed(&format!("- {what} {r}")))
            .chain(added.iter().map(|r| style.added(&format!("+ {what} {r}"))))
            .chain(
                changed
                    .iter()
                    .map(|c| format!("{what} {}: {} → {}", c.what, c.old, c.new)),
            )
            .collect(),
        Detail::Caps { removed, added } => removed
            .iter()
            .map(|c| style.removed(&format!("- {c}")))
            .chain(added.iter().map(|c| style.added(&format!("+ {c}"))))
            .collect(),
        Detail::Flag { what, new, .. } => {
            vec![if *new {
                style.added(&format!("+ {what}"))
            } else {
                style.removed(&format!("- {what}"))
            }]
        }
        Detail::Parameter { name, old, new } => {
            vec![t!("parameter %{name}: %{old} → %{new}", name = name, old = old, new = new).into()]
        }
        Detail::Reads { what, old, new } => vec![format!("{what}: {old} → {new}")],
        Detail::Formula { old, new } => {
            let mut out = vec![t!("formula:").into_owned()];
            out.extend(old.iter().map(|l| style.removed(&format!("- {l}"))));
            out.extend(new.iter().map(|l| style.added(&format!("+ {l}"))));
            out
        }
        Detail::Rule { lines } => lines.clone(),
        Detail::Unmatched { rule_changed } => vec![format!("⚠ {}", Detail::unmatched_words(*rule_changed))],
    }
}

/// The itemised sections of a diff, in the order a reviewer reads them.
pub(crate) fn sections(diff: &PolicyDiff) -> [(String, &Vec<ItemChange>); 5] {
    [
        (t!("Values").into(), &diff.values),
        (t!("Measures").into(), &diff.measures),
        (t!("Rules across measures").into(), &diff.rules),
        (t!("Budget pools").into(), &diff.pools),
        (t!("Benefits").into(), &diff.benefits),
    ]
}

fn item_heading(c: &ItemChange) -> String {
    // A named value has no clause: its label stands beside its name.
    if c.clause.is_empty() {
        return format!("{} {} {}", marker(c.status), c.id, c.title)
            .trim_end()
            .to_string();
    }
    match (&c.status, &c.old_id) {
        (Status::Renamed, Some(old)) => format!("{} {old} → {} · {} {}", marker(c.status), c.id, c.clause, c.title),
        _ => format!("{} {} · {} {}", marker(c.status), c.id, c.clause, c.title),
    }
}

/// The diff, and the impact when cases were given, for a terminal.
pub fn text(diff: &PolicyDiff, impact: Option<&Impact>, style: Style) -> String {
    let mut out = format!("{}\n  {} → {}\n", diff.heading(), diff.old_path, diff.new_path);
    if diff.is_empty() {
        out.push_str(&format!("\n{}\n", t!("no differences in meaning")));
    }
    if !diff.header.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading(&t!("Header"))));
        for c in &diff.header {
            out.push_str(&format!("  {}: {} → {}\n", c.what, c.old, c.new));
        }
    }
    if !diff.schema.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading(&t!("Case format"))));
        for c in &diff.schema {
            let flag = if c.breaking {
                style.removed(&format!("{} ", t!("BREAKING")))
            } else {
                String::new()
            };
            let values = match (&c.old, &c.new) {
                (Some(o), Some(n)) => format!(": {o} → {n}"),
                (None, Some(n)) => format!(": {n}"),
                (Some(o), None) => t!(": was %{old}", old = o).into_owned(),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "  {flag}{} {}{values} ({})\n",
                c.item,
                c.change.words(),
                c.why
            ));
        }
    }
    if !diff.params.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading(&t!("Parameters"))));
        for p in &diff.params {
            let label = p.label.as_ref().map(|l| format!("（{l}）")).unwrap_or_default();
            let change = match (&p.old, &p.new) {
                (Some(o), Some(n)) => format!("{o} → {n}"),
                (None, Some(n)) => style.added(&t!("added: %{new}", new = n)),
                (Some(o), None) => style.removed(&t!("removed: was %{old}", old = o)),
                (None, None) => String::new(),
            };
            let users = if p.used_by.is_empty() {
                String::new()
            } else {
                format!("  [{}]", p.used_by.join(", "))
            };
            out.push_str(&format!("  {}{label}: {change}{users}\n", param_name(p)));
        }
    }
    for (title, items) in sections(diff) {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", style.heading(&title)));
        for c in items {
            let head = item_heading(c);
            let head = match c.status {
                Status::Added => style.added(&head),
                Status::Removed => style.removed(&head),
                _ => head,
            };
            out.push_str(&format!("  {head}\n"));
            for d in &c.details {
                for line in detail_lines(d, style) {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
    }
    if !diff.exposure.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.heading(&t!("Worst case per applicant per year"))
        ));
        for c in &diff.exposure {
            out.push_str(&format!("  {}: {} → {}\n", c.what, c.old, c.new));
        }
    }
    if let Some(imp) = impact {
        out.push_str(&impact_text(imp, style));
    }
    out
}

fn impact_text(imp: &Impact, style: Style) -> String {
    let heading = t!("Impact on %{cases} case(s)", cases = imp.cases);
    let mut out = format!("\n{}\n", style.heading(&heading));
    if let Some(w) = &imp.weight {
        out.push_str(&format!("  {}\n", t!("amounts weighted by `%{field}`", field = w)));
    }
    out.push_str(&format!(
        "  {}\n",
        t!(
            "total: %{old} → %{new} (%{change})",
            old = money(imp.total_old),
            new = money(imp.total_new),
            change = signed(imp.total_new - imp.total_old)
        )
    ));
    out.push_str(&format!(
        "  {}\n",
        t!(
            "applicants: %{gain} gain, %{lose} lose, %{same} unchanged, %{rejected} rejected",
            gain = imp.gainers,
            lose = imp.losers,
            same = imp.unchanged,
            rejected = imp.rejected.len()
        )
    ));
    let (moved, still): (Vec<_>, Vec<_>) = imp
        .awards
        .iter()
        .filter(|a| !a.total_old.is_zero() || !a.total_new.is_zero())
        .partition(|a| a.changed());
    if !moved.is_empty() {
        let mut table = Table::new(&[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ]);
        table.row(vec![
            t!("award").into(),
            t!("measure").into(),
            t!("before").into(),
            t!("after").into(),
            t!("change").into(),
            t!("recipients").into(),
        ]);
        for a in &moved {
            table.row(vec![
                a.id.clone(),
                a.title.clone(),
                money(a.total_old),
                money(a.total_new),
                signed(a.total_new - a.total_old),
                format!("{} → {}", a.beneficiaries_old, a.beneficiaries_new),
            ]);
        }
        out.push('\n');
        out.push_str(&table.render("  "));
    }
    if !still.is_empty() {
        out.push_str(&format!(
            "  {}\n",
            t!("%{count} other award(s) unchanged", count = still.len())
        ));
    }
    for p in &imp.pools {
        let [pool, amount, demand, granted, cut] = pool_cells(p);
        out.push_str(&format!(
            "\n  {}\n    {}\n    {}\n    {}\n",
            t!("pool %{pool}: %{amount}", pool = pool, amount = amount),
            t!("asked    %{amount}", amount = demand),
            t!("granted  %{amount}", amount = granted),
            t!("cut      %{cut}", cut = cut)
        ));
    }
    if !imp.changed.is_empty() {
        out.push_str(&format!(
            "\n  {}\n",
            t!(
                "largest changes (of %{count} changed case(s))",
                count = imp.changed.len()
            )
        ));
        for c in imp.changed.iter().take(LARGEST) {
            out.push_str(&format!(
                "  {}  {} → {} ({})\n",
                c.id,
                money(c.total_old),
                money(c.total_new),
                signed(c.total_new - c.total_old)
            ));
            for a in &c.awards {
                out.push_str(&format!(
                    "      {} {}: {}\n",
                    a.id,
                    signed(a.new - a.old),
                    a.because.join("; ")
                ));
            }
        }
    }
    let no_id = t!("(no id)");
    for r in imp.rejected.iter().take(LARGEST) {
        let id = r.id.as_deref().unwrap_or(&no_id);
        let errors: Vec<String> = r.errors.iter().map(|e| field_error(&e.field, &e.message)).collect();
        out.push_str(&format!(
            "  {}\n",
            t!(
                "line %{line} %{id} rejected by %{by} (counted in neither total): %{errors}",
                line = r.line,
                id = id,
                by = by_words(&r.by),
                errors = errors.join("; ")
            )
        ));
    }
    out
}

/// `` `field`: message ``, or the message alone for an error about the whole line.
pub(super) fn field_error(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_string()
    } else {
        format!("`{field}`: {message}")
    }
}

/// A parameter as the review names it: `voucher_rate → model_voucher_rate` when renamed.
pub(super) fn param_name(p: &crate::diff::ParamChange) -> String {
    match &p.old_name {
        Some(old) => format!("{old} → {}", p.name),
        None => p.name.clone(),
    }
}

/// Which version rejected a case (`old`, `new` or `both`), in words.
pub(super) fn by_words(by: &str) -> String {
    match by {
        "old" => t!("the old version"),
        "new" => t!("the new version"),
        _ => t!("both versions"),
    }
    .into_owned()
}

/// A pool under both versions: which, its amount, what was asked, what was
/// granted, and the cut when demand exceeded it.
pub(super) fn pool_cells(p: &PoolImpact) -> [String; 5] {
    let side = |r: &Option<PoolRound>, f: &dyn Fn(&PoolRound) -> String| r.as_ref().map_or("—".to_string(), f);
    let both = |f: &dyn Fn(&PoolRound) -> String| format!("{} → {}", side(&p.old, f), side(&p.new, f));
    [
        format!("{} {}", p.id, p.period),
        both(&|r| money(r.amount)),
        both(&|r| money(r.demand)),
        both(&|r| money(r.granted)),
        both(&|r| r.cut.clone().unwrap_or_else(|| t!("none").into())),
    ]
}

/// Text fit for a Markdown table cell or list item.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The diff for a review thread.
pub fn markdown(diff: &PolicyDiff, impact: Option<&Impact>) -> String {
    let mut out = format!(
        "## {}\n\n`{}` → `{}`\n",
        t!("Policy changes: %{heading}", heading = md(&diff.heading())),
        diff.old_path,
        diff.new_path
    );
    if diff.is_empty() {
        out.push_str(&format!("\n{}\n", t!("No differences in meaning.")));
    }
    let (before, after) = (t!("before"), t!("after"));
    if !diff.header.is_empty() {
        out.push_str(&format!(
            "\n### {}\n\n| | {before} | {after} |\n|---|---|---|\n",
            t!("Header")
        ));
        for c in &diff.header {
            out.push_str(&format!("| {} | {} | {} |\n", c.what, md(&c.old), md(&c.new)));
        }
    }
    if !diff.schema.is_empty() {
        out.push_str(&format!(
            "\n### {}\n\n| {} | {} | {before} | {after} | {} | |\n|---|---|---|---|---|---|\n",
            t!("Case format"),
            t!("field"),
            t!("change"),
            t!("breaking")
        ));
        for c in &diff.schema {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                c.item,
                c.change.words(),
                c.old.as_deref().map(md).unwrap_or_default(),
                c.new.as_deref().map(md).unwrap_or_default(),
                if c.breaking {
                    format!("**{}**", t!("yes"))
                } else {
                    t!("no").into_owned()
                },
                c.why
            ));
        }
    }
    if !diff.params.is_empty() {
        out.push_str(&format!(
            "\n### {}\n\n| {} | {before} | {after} | {} |\n|---|---|---|---|\n",
            t!("Parameters"),
            t!("parameter"),
            t!("used by")
        ));
        for p in &diff.params {
            let label = p.label.as_ref().map(|l| format!(" {l}")).unwrap_or_default();
            out.push_str(&format!(
                "| `{}`{} | {} | {} | {} |\n",
                param_name(p),
                md(&label),
                p.old.as_deref().map(md).unwrap_or_else(|| "—".into()),
                p.new.as_deref().map(md).unwrap_or_else(|| "—".into()),
                p.used_by.join(", ")
            ));
        }
    }
    for (title, items) in sections(diff) {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n"));
        for c in items {
            let status = match c.status {
                Status::Added => t!("added"),
                Status::Removed => t!("removed"),
                Status::Renamed => t!("renamed"),
                Status::Changed => t!("changed"),
            };
            let name = match &c.old_id {
                Some(old) => format!("`{old}` → `{}`", c.id),
                None => format!("`{}`", c.id),
            };
            out.push_str(&format!("\n#### {name} {} {} ({status})\n\n", c.clause, c.title));
            for d in &c.details {
                match d {
                    Detail::Text { pieces, .. } => {
                        let t: String = pieces
                            .iter()
                            .map(|p| match p.tag {
                                Tag::Same => md(&p.text),
                                Tag::Removed => format!("~~{}~~", md(&p.text)),
                                Tag::Added => format!("**{}**", md(&p.text)),
                            })
                            .collect();
                        out.push_str(&format!("- {}\n", t!("text: %{text}", text = t)));
                    }
                    Detail::Rule { lines } => out.push_str(&format!("\n```\n{}\n```\n\n", lines.join("\n"))),
                    Detail::Award { old, new } | Detail::Formula { old, new } => out.push_str(&format!(
                        "- {}\n\n```\n{}\n```\n\n  {}\n\n```\n{}\n```\n\n",
                        t!("rule, before:"),
                        old.join("\n"),
                        t!("after:"),
                        new.join("\n")
                    )),
                    other => {
                        for line in detail_lines(other, Style { color: false }) {
                            out.push_str(&format!("- {}\n", md(&line)));
                        }
                    }
                }
            }
        }
    }
    if !diff.exposure.is_empty() {
        out.push_str(&format!(
            "\n### {}\n\n| {} | {before} | {after} |\n|---|---:|---:|\n",
            t!("Worst case per applicant per year"),
            t!("award")
        ));
        for c in &diff.exposure {
            out.push_str(&format!("| `{}` | {} | {} |\n", c.what, c.old, c.new));
        }
    }
    if let Some(imp) = impact {
        out.push_str(&format!(
            "\n### {}\n\n",
            t!("Impact on %{cases} case(s)", cases = imp.cases)
        ));
        if let Some(w) = &imp.weight {
            out.push_str(&format!("{}\n\n", t!("amounts weighted by `%{field}`", field = w)));
        }
        out.push_str(&format!(
            "{}\n\n",
            t!(
                "Total **%{old} → %{new}** (%{change}). %{gain} applicants gain, %{lose} lose, %{same} unchanged, %{rejected} rejected.",
                old = money(imp.total_old),
                new = money(imp.total_new),
                change = signed(imp.total_new - imp.total_old),
                gain = imp.gainers,
                lose = imp.losers,
                same = imp.unchanged,
                rejected = imp.rejected.len()
            )
        ));
        out.push_str(&format!(
            "| {} | {} | {before} | {after} | {} | {} |\n|---|---|---:|---:|---:|---:|\n",
            t!("award"),
            t!("measure"),
            t!("change"),
            t!("recipients")
        ));
        let shown = imp
            .awards
            .iter()
            .filter(|a| !a.total_old.is_zero() || !a.total_new.is_zero());
        let still = shown.clone().filter(|a| !a.changed()).count();
        for a in shown.filter(|a| a.changed()) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} → {} |\n",
                a.id,
                md(&a.title),
                money(a.total_old),
                money(a.total_new),
                signed(a.total_new - a.total_old),
                a.beneficiaries_old,
                a.beneficiaries_new
            ));
        }
        if still > 0 {
            out.push_str(&format!(
                "\n{}\n",
                t!("%{count} other award(s) unchanged", count = still)
            ));
        }
        if !imp.pools.is_empty() {
            out.push_str(&format!(
                "\n| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|\n",
                t!("pool"),
                t!("amount"),
                t!("asked"),
                t!("granted"),
                t!("cut")
            ));
            for p in &imp.pools {
                let [pool, amount, demand, granted, cut] = pool_cells(p);
                out.push_str(&format!("| `{pool}` | {amount} | {demand} | {granted} | {cut} |\n"));
            }
        }
        if !imp.changed.is_empty() {
            out.push_str(&format!(
                "\n| {} | {before} | {after} | {} | {} |\n|---|---:|---:|---:|---|\n",
                t!("case"),
                t!("change"),
                t!("because")
            ));
            for c in imp.changed.iter().take(LARGEST) {
                let because: Vec<String> = c
                    .awards
                    .iter()
                    .map(|a| format!("`{}` {}: {}", a.id, signed(a.new - a.old), a.because.join("; ")))
                    .collect();
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    md(&c.id),
                    money(c.total_old),
                    money(c.total_new),
                    signed(c.total_new - c.total_old),
                    md(&because.join("<br>"))
                ));
            }
        }
        for r in imp.rejected.iter().take(LARGEST) {
            let errors: Vec<String> = r
                .errors
                .iter()
                .map(|e| field_error(&e.field, &md(&e.message)))
                .collect();
            let no_id = t!("(no id)");
            out.push_str(&format!(
                "\n- {}",
                t!(
                    "line %{line} %{id} rejected by %{by}, counted in neither total: %{errors}",
                    line = r.line,
                    id = md(r.id.as_deref().unwrap_or(&no_id)),
                    by = by_words(&r.by),
                    errors = errors.join("; ")
                )
            ));
        }
        if !imp.rejected.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// The diff and impact as JSON.
pub fn json(diff: &PolicyDiff, impact: Option<&Impact>) -> serde_json::Value {
    json!({ "diff": diff, "impact": impact })
}
