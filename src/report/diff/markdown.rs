//! The diff as Markdown, for a review thread.

use super::*;

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
