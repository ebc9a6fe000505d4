//! The diff as one self-contained HTML page: old and new side by side, clause
//! text marked character by character. No scripts, no fonts, no links out:
//! a reviewer opens the file in a browser with no server and no network.

use crate::diff::impact::{Impact, LARGEST};
use crate::diff::text::Tag;
use crate::diff::{Detail, ItemChange, PolicyDiff, Status};
use crate::number::money;
use crate::report::html::escape as esc;
use rust_decimal::Decimal;

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','WenQuanYi Zen Hei',sans-serif;margin:2em auto;max-width:72em;color:#222;line-height:1.5}\
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}h3{font-size:1.05em;margin-bottom:.3em}\
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}pre{margin:0;white-space:pre-wrap;font-size:.9em}\
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}\
.added{background:#efe}.removed{background:#fee}.breaking{color:#a00;font-weight:bold}.what{width:9em;color:#555}";

fn pre(lines: &[String]) -> String {
    format!("<pre>{}</pre>", esc(&lines.join("\n")))
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", money(d))
    } else {
        money(d)
    }
}

/// One row of the side-by-side table: what, before, after (already HTML).
fn row(out: &mut String, what: &str, old: &str, new: &str) {
    out.push_str(&format!(
        "<tr><td class=\"what\">{}</td><td>{old}</td><td>{new}</td></tr>\n",
        esc(what)
    ));
}

fn item(out: &mut String, c: &ItemChange) {
    let status = match c.status {
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Renamed => "renamed",
        Status::Changed => "changed",
    };
    let name = match &c.old_id {
        Some(old) => format!("{} → {}", esc(old), esc(&c.id)),
        None => esc(&c.id),
    };
    out.push_str(&format!(
        "<h3 class=\"{status}\"><code>{name}</code> {} {} <small>({})</small></h3>\n",
        esc(&c.clause),
        esc(&c.title),
        esc(&t!(status))
    ));
    out.push_str(&format!(
        "<table><tr><th></th><th>{}</th><th>{}</th></tr>\n",
        esc(&t!("before")),
        esc(&t!("after"))
    ));
    for d in &c.details {
        match d {
            Detail::Title { old, new } => row(out, &t!("title"), &esc(old), &esc(new)),
            Detail::Clause { old, new } => row(out, &t!("clause"), &esc(old), &esc(new)),
            Detail::Text { pieces, .. } => {
                let side = |keep: Tag, mark: &str| -> String {
                    pieces
                        .iter()
                        .filter(|p| p.tag == Tag::Same || p.tag == keep)
                        .map(|p| {
                            if p.tag == Tag::Same {
                                esc(&p.text)
                            } else {
                                format!("<{mark}>{}</{mark}>", esc(&p.text))
                            }
                        })
                        .collect()
                };
                row(
                    out,
                    &t!("clause text"),
                    &side(Tag::Removed, "del"),
                    &side(Tag::Added, "ins"),
                );
            }
            Detail::Conditions { removed, added } => {
                let when = |xs: &[String], mark: &str| {
                    xs.iter()
                        .map(|c| format!("<{mark}>when {}</{mark}>", esc(c)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                row(out, &t!("conditions"), &when(removed, "del"), &when(added, "ins"));
            }
            Detail::Award { old, new } => row(out, &t!("award"), &pre(old), &pre(new)),
            Detail::Precedence { old, new } => row(out, &t!("precedence"), &esc(old), &esc(new)),
            Detail::Tiers {
                what,
                added,
                removed,
                changed,
            } => {
                for r in removed {
                    row(
                        out,
                        &t!("%{what} removed", what = what),
                        &format!("<del>{}</del>", esc(r)),
                        "",
                    );
                }
                for r in added {
                    row(
                        out,
                        &t!("%{what} added", what = what),
                        "",
                        &format!("<ins>{}</ins>", esc(r)),
                    );
                }
                for c in changed {
                    row(out, &format!("{what} {}", c.what), &esc(&c.old), &esc(&c.new));
                }
            }
            Detail::Caps { removed, added } => {
                let list = |xs: &[String], mark: &str| {
                    xs.iter()
                        .map(|c| format!("<{mark}>{}</{mark}>", esc(c)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                row(out, &t!("caps"), &list(removed, "del"), &list(added, "ins"));
            }
            Detail::Flag { what, old, new } => {
                let yes = |b: bool| if b { esc(what) } else { "—".to_string() };
                row(out, what, &yes(*old), &yes(*new));
            }
            Detail::Parameter { name, old, new } => {
                row(out, &t!("parameter %{name}", name = name), &esc(old), &esc(new))
            }
            Detail::Reads { what, old, new } => row(out, what, &esc(old), &esc(new)),
            Detail::Formula { old, new } => row(out, &t!("formula"), &pre(old), &pre(new)),
            Detail::Rule { lines } => match c.status {
                Status::Removed => row(out, &t!("rule"), &pre(lines), ""),
                _ => row(out, &t!("rule"), "", &pre(lines)),
            },
            Detail::Unmatched { rule_changed } => {
                out.push_str(&format!(
                    "<tr class=\"unmatched\"><td colspan=\"3\">⚠ {}</td></tr>\n",
                    esc(&Detail::unmatched_words(*rule_changed))
                ));
            }
        }
    }
    out.push_str("</table>\n");
}

/// The whole page.
pub fn page(diff: &PolicyDiff, impact: Option<&Impact>) -> String {
    let title = diff.heading();
    let lang = if crate::lang::is_zh() { "zh-CN" } else { "en" };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>zhice diff: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p><code>{}</code> → <code>{}</code></p>\n",
        esc(&title),
        esc(&t!("Policy changes: %{heading}", heading = title)),
        esc(&diff.old_path),
        esc(&diff.new_path)
    );
    if diff.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", esc(&t!("No differences in meaning."))));
    }
    let (before, after) = (esc(&t!("before")), esc(&t!("after")));
    if !diff.header.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><tr><th></th><th>{before}</th><th>{after}</th></tr>\n",
            esc(&t!("Header"))
        ));
        for c in &diff.header {
            row(&mut out, &c.what, &esc(&c.old), &esc(&c.new));
        }
        out.push_str("</table>\n");
    }
    if !diff.schema.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><tr><th>{}</th><th>{}</th><th>{before}</th><th>{after}</th><th></th></tr>\n",
            esc(&t!("Case format")),
            esc(&t!("field")),
            esc(&t!("change"))
        ));
        for c in &diff.schema {
            let flag = if c.breaking {
                format!("<span class=\"breaking\">{}</span>: ", esc(&t!("breaking")))
            } else {
                String::new()
            };
            out.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{flag}{}</td></tr>\n",
                esc(&c.item),
                esc(&c.change.words()),
                esc(c.old.as_deref().unwrap_or("")),
                esc(c.new.as_deref().unwrap_or("")),
                esc(&c.why)
            ));
        }
        out.push_str("</table>\n");
    }
    if !diff.params.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><tr><th>{}</th><th>{before}</th><th>{after}</th><th>{}</th></tr>\n",
            esc(&t!("Parameters")),
            esc(&t!("parameter")),
            esc(&t!("used by"))
        ));
        for p in &diff.params {
            out.push_str(&format!(
                "<tr><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&super::param_name(p)),
                esc(p.label.as_deref().unwrap_or("")),
                esc(p.old.as_deref().unwrap_or("—")),
                esc(p.new.as_deref().unwrap_or("—")),
                esc(&p.used_by.join(", "))
            ));
        }
        out.push_str("</table>\n");
    }
    for (title, items) in crate::report::diff::sections(diff) {
        if !items.is_empty() {
            out.push_str(&format!("<h2>{}</h2>\n", esc(&title)));
            for c in items {
                item(&mut out, c);
            }
        }
    }
    if !diff.exposure.is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><tr><th></th><th>{before}</th><th>{after}</th></tr>\n",
            esc(&t!("Worst case per applicant per year"))
        ));
        for c in &diff.exposure {
            row(&mut out, &c.what, &esc(&c.old), &esc(&c.new));
        }
        out.push_str("</table>\n");
    }
    if let Some(imp) = impact {
        impact_html(&mut out, imp);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn impact_html(out: &mut String, imp: &Impact) {
    let w = |key: &str| esc(&t!(key));
    out.push_str(&format!(
        "<h2>{}</h2>\n",
        esc(&t!("Impact on %{cases} case(s)", cases = imp.cases))
    ));
    if let Some(field) = &imp.weight {
        out.push_str(&format!(
            "<p>{}</p>\n",
            esc(&t!("amounts weighted by `%{field}`", field = field))
        ));
    }
    out.push_str(&format!(
        "<p>{}</p>\n",
        esc(&t!(
            "total: %{old} → %{new} (%{change})",
            old = money(imp.total_old),
            new = money(imp.total_new),
            change = signed(imp.total_new - imp.total_old)
        )),
    ));
    out.push_str(&format!(
        "<p>{}</p>\n",
        esc(&t!(
            "applicants: %{gain} gain, %{lose} lose, %{same} unchanged, %{rejected} rejected",
            gain = imp.gainers,
            lose = imp.losers,
            same = imp.unchanged,
            rejected = imp.rejected.len()
        ))
    ));
    out.push_str(&format!(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        w("award"),
        w("measure"),
        w("before"),
        w("after"),
        w("change"),
        w("recipients")
    ));
    let shown = imp
        .awards
        .iter()
        .filter(|a| !a.total_old.is_zero() || !a.total_new.is_zero());
    let still = shown.clone().filter(|a| !a.changed()).count();
    for a in shown.filter(|a| a.changed()) {
        out.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} → {}</td></tr>\n",
            esc(&a.id),
            esc(&a.title),
            money(a.total_old),
            money(a.total_new),
            signed(a.total_new - a.total_old),
            a.beneficiaries_old,
            a.beneficiaries_new
        ));
    }
    out.push_str("</table>\n");
    if still > 0 {
        out.push_str(&format!(
            "<p>{}</p>\n",
            esc(&t!("%{count} other award(s) unchanged", count = still))
        ));
    }
    if !imp.pools.is_empty() {
        out.push_str(&format!(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            w("pool"),
            w("amount"),
            w("asked"),
            w("granted"),
            w("cut")
        ));
        for p in &imp.pools {
            let cells = super::pool_cells(p);
            out.push_str(&format!("<tr><td><code>{}</code></td>", esc(&cells[0])));
            for c in &cells[1..] {
                out.push_str(&format!("<td class=\"num\">{}</td>", esc(c)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    if !imp.changed.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3>\n",
            esc(&t!(
                "largest changes (of %{count} changed case(s))",
                count = imp.changed.len()
            ))
        ));
        out.push_str(&format!(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
            w("case"),
            w("before"),
            w("after"),
            w("change"),
            w("because")
        ));
        for c in imp.changed.iter().take(LARGEST) {
            let because: Vec<String> = c
                .awards
                .iter()
                .map(|a| {
                    format!(
                        "<code>{}</code> {}: {}",
                        esc(&a.id),
                        signed(a.new - a.old),
                        esc(&a.because.join("; "))
                    )
                })
                .collect();
            out.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                esc(&c.id),
                money(c.total_old),
                money(c.total_new),
                signed(c.total_new - c.total_old),
                because.join("<br>")
            ));
        }
        out.push_str("</table>\n");
    }
    if !imp.rejected.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3>\n<ul>\n",
            esc(&t!("Cases not evaluated (counted in neither total)"))
        ));
        for r in imp.rejected.iter().take(LARGEST) {
            let errors: Vec<String> = r
                .errors
                .iter()
                .map(|e| {
                    if e.field.is_empty() {
                        esc(&e.message)
                    } else {
                        format!("<code>{}</code>: {}", esc(&e.field), esc(&e.message))
                    }
                })
                .collect();
            let no_id = t!("(no id)");
            out.push_str(&format!(
                "<li>{} — {}</li>\n",
                esc(&t!(
                    "line %{line} %{id}: rejected by %{by}",
                    line = r.line,
                    id = r.id.as_deref().unwrap_or(&no_id),
                    by = super::by_words(&r.by)
                )),
                errors.join("; ")
            ));
        }
        out.push_str("</ul>\n");
    }
}
