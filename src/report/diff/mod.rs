//! A policy diff and its impact, for reviewers: as terminal text (`text`,
//! colour only on a terminal), Markdown for a review thread (`markdown`), one
//! standalone page (`html`), and JSON for tools (here). What the formats
//! share — markers, signs, how a detail reads — is here too.

mod html;
mod markdown;
mod text;

pub use html::page;
pub use markdown::markdown;
pub use text::text;

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

/// The diff and impact as JSON.
pub fn json(diff: &PolicyDiff, impact: Option<&Impact>) -> serde_json::Value {
    json!({ "diff": diff, "impact": impact })
}
