//! The book as Markdown: for a repository, a wiki or a word processor.

use super::Book;

pub fn document(book: &Book) -> String {
    let mut m = String::new();
    let mut title = book.title.clone();
    if let Some(v) = &book.version {
        title.push_str(&format!("（{v}）"));
    }
    m.push_str(&format!("# {title}\n\n"));
    for (k, v) in &book.facts {
        m.push_str(&format!("- {k}{}{v}\n", super::colon()));
    }
    m.push_str(&format!("\n## {}\n\n", t!("Contents")));
    for item in &book.items {
        m.push_str(&format!("- [{} {}](#{})\n", item.clause, item.title, item.anchor));
    }
    m.push_str(&format!("- [{}](#parameters)\n", t!("Parameters")));
    if book.changes.is_some() {
        m.push_str(&format!("- [{}](#changes)\n", t!("Changes from the previous version")));
    }
    m.push_str(&format!("\n## {}\n", t!("The measures")));
    for item in &book.items {
        m.push_str(&format!(
            "\n<a id=\"{}\"></a>\n\n### {} {}（{}）\n\n",
            item.anchor, item.clause, item.title, item.kind
        ));
        if let Some(text) = &item.text {
            m.push_str(&format!("> {}\n\n", text.replace('\n', "\n> ")));
        }
        if !item.rule.is_empty() {
            m.push_str(&format!("**{}**\n\n", t!("The rule, in words")));
            for line in &item.rule {
                m.push_str(&format!("- {line}\n"));
            }
            m.push('\n');
        }
        if let Some(w) = &item.worst {
            m.push_str(&format!("**{}{}**\n\n", t!("Worst case: "), w));
        }
        if !item.params.is_empty() {
            let links: Vec<String> = item
                .params
                .iter()
                .filter_map(|&i| book.params.get(i))
                .map(|p| format!("[{}](#{})", p.shown(), p.anchor))
                .collect();
            m.push_str(&format!("{}{}\n\n", t!("Parameters: "), links.join(t!("; ").as_ref())));
        }
        for ex in &item.examples {
            m.push_str(&format!(
                "**{}{}**\n\n```json\n{}\n```\n\n{}\n\n",
                t!("Worked example: "),
                ex.name,
                ex.given,
                ex.expected
            ));
            for (depth, text) in &ex.steps {
                m.push_str(&format!("{}- {}\n", "  ".repeat(*depth), text));
            }
            m.push('\n');
        }
    }
    m.push_str(&format!(
        "\n<a id=\"parameters\"></a>\n\n## {}\n\n| {} | {} | {} |\n|---|---|---|\n",
        t!("Parameters"),
        t!("Parameter"),
        t!("Values, by date"),
        t!("Used by")
    ));
    for p in &book.params {
        let used: Vec<String> = p.used_by.iter().map(|(a, title)| format!("[{title}](#{a})")).collect();
        m.push_str(&format!(
            "| <a id=\"{}\"></a>{} `{}` | {} | {} |\n",
            p.anchor,
            p.label.as_deref().unwrap_or(""),
            p.name,
            p.values.join("<br>"),
            used.join("<br>")
        ));
    }
    if let Some(changes) = &book.changes {
        m.push_str(&format!(
            "\n<a id=\"changes\"></a>\n\n## {}\n",
            t!("Changes from the previous version"),
        ));
        // the same review `zhice diff` gives, its parts under this heading
        m.push_str(&crate::report::doc::markdown_fragment(&changes.blocks, 3));
    }
    m
}
