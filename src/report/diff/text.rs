//! The diff as terminal text.

use super::*;

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
