//! A policy diff and its impact, for reviewers: as terminal text (`text`,
//! colour only on a terminal), Markdown for a review thread (`markdown`), one
//! standalone page (`html`), and JSON for tools (here). What the formats
//! share — markers, signs, how a detail reads — is here too.

mod document;

pub use crate::report::doc::Style;
pub use document::document;

use crate::diff::impact::{Impact, PoolImpact, PoolRound, LARGEST};
use crate::diff::text::{Piece, Tag};
use crate::diff::{Detail, ItemChange, PolicyDiff, Status};
use crate::number::money;
use crate::report::table::Align;
use rust_decimal::Decimal;
use serde_json::json;

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

/// The diff, and the impact when cases were given, for a terminal.
pub fn text(diff: &PolicyDiff, impact: Option<&Impact>, style: Style) -> String {
    crate::report::doc::text(&document(diff, impact), style)
}

/// The diff for a review thread.
pub fn markdown(diff: &PolicyDiff, impact: Option<&Impact>) -> String {
    crate::report::doc::markdown(&document(diff, impact))
}

/// The diff as one self-contained page: old and new side by side, clause text
/// marked character by character; no scripts, no fonts, no links out.
pub fn page(diff: &PolicyDiff, impact: Option<&Impact>) -> String {
    crate::report::doc::html(&document(diff, impact), STYLE)
}

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','WenQuanYi Zen Hei',sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222;line-height:1.5}\
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.05em;margin-bottom:.3em}\
table{border-collapse:collapse;margin:.5em 0;display:block;max-width:100%;overflow-x:auto}td,th{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}pre{margin:0;white-space:pre-wrap;font-size:.9em}\
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}\
.added{background:#efe}.removed{background:#fee}.what{width:9em;color:#555}\
@media (max-width:40rem){body{margin:1em auto;padding:0 .7em}figure{margin:1em 0}td,th{min-width:5em}td.num,th.num{min-width:0}}";
