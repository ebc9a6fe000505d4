//! A document as Markdown, for a review thread or a wiki.

use super::*;

/// Text fit for a Markdown table cell or list item.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn inlines(xs: &[Inline]) -> String {
    xs.iter()
        .map(|x| match x {
            Inline::Text(s) => md(s),
            Inline::Code(s) => format!("`{}`", md(s)),
            Inline::Strong(s) | Inline::Added(s) => format!("**{}**", md(s)),
            Inline::Removed(s) => format!("~~{}~~", md(s)),
            Inline::Link { text, href } => format!("[{}]({href})", md(text)),
            Inline::Anchor(id) => format!("<a id=\"{id}\"></a>"),
            Inline::Break => "<br>".into(),
        })
        .collect()
}

fn code(lines: &[String]) -> String {
    format!("```\n{}\n```", lines.join("\n"))
}

/// The document as Markdown.
pub fn markdown(doc: &Doc) -> String {
    markdown_at(doc, 2)
}

/// The document as Markdown, its title at heading `level` (1 for a document of its own).
pub fn markdown_at(doc: &Doc, level: usize) -> String {
    let mut out = format!("{} {}\n", "#".repeat(level), md(&doc.title));
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("\n{}\n", inlines(&doc.subtitle)));
    }
    blocks(&doc.blocks, level + 1, &mut out);
    out
}

/// Blocks to place inside another document, their sections headed at `level`
/// (`3` under a `##` of that document).
pub fn markdown_fragment(bs: &[Block], level: usize) -> String {
    let mut out = String::new();
    blocks(bs, level, &mut out);
    out
}

fn blocks(bs: &[Block], level: usize, out: &mut String) {
    // a section's heading at this level; its items one below (the blocks inside it are at level + 1)
    let h = "#".repeat(level.min(6));
    for b in bs {
        match b {
            Block::Section {
                title,
                id,
                badge,
                blocks: inner,
            } => {
                if let Some(id) = id {
                    out.push_str(&format!("\n<a id=\"{id}\"></a>\n"));
                }
                let badge = badge.as_ref().map(|b| format!("（{}）", md(b))).unwrap_or_default();
                out.push_str(&format!("\n{h} {}{badge}\n", md(title)));
                blocks(inner, level + 1, out);
            }
            Block::Quote(s) => out.push_str(&format!("\n> {}\n", s.replace('\n', "\n> "))),
            Block::Warning(head, points) => {
                out.push_str(&format!("\n> **{}**\n>\n", md(head)));
                for p in points {
                    out.push_str(&format!("> - {}\n", inlines(p)));
                }
            }
            Block::Code { lang, text } => out.push_str(&format!("\n```{lang}\n{text}\n```\n")),
            Block::Facts(facts) => {
                out.push('\n');
                for (k, v) in facts {
                    out.push_str(&format!("- {}{}{}\n", md(k), crate::lang::colon(), md(v)));
                }
            }
            Block::Contents(entries) => {
                out.push_str(&format!("\n<a id=\"contents\"></a>\n\n{h} {}\n\n", md(&t!("Contents"))));
                for (href, text) in entries {
                    out.push_str(&format!("- [{}](#{href})\n", md(text)));
                }
            }
            Block::Group(inner) => blocks(inner, level, out),
            // folded for the technical reader, as GitHub and most viewers fold it
            Block::Folded { summary, blocks: inner } => {
                out.push_str(&format!("\n<details><summary>{}</summary>\n", md(summary)));
                blocks(inner, level, out);
                out.push_str("\n</details>\n");
            }
            Block::Para(xs) => out.push_str(&format!("\n{}\n", inlines(xs))),
            Block::Item { head, rows, .. } => {
                if head.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("\n{h} {}\n\n", inlines(head)));
                }
                for r in rows {
                    match (&r.before, &r.after) {
                        // a rule before and after: both as code
                        (Side::Code(old), Side::Code(new)) => out.push_str(&format!(
                            "- {}\n\n{}\n\n  {}\n\n{}\n\n",
                            t!("%{what}, before:", what = r.what),
                            code(old),
                            t!("after:"),
                            code(new)
                        )),
                        (Side::Code(lines), Side::Empty) | (Side::Empty, Side::Code(lines)) => {
                            out.push_str(&format!("\n{}\n\n", code(lines)));
                        }
                        _ => {
                            for (_, line) in &r.lines {
                                out.push_str(&format!("- {}\n", inlines(line)));
                            }
                        }
                    }
                }
            }
            Block::Table(t) => {
                out.push_str(&format!(
                    "\n| {} |\n|",
                    t.head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
                ));
                for a in &t.align {
                    out.push_str(match a {
                        Align::Left => "---|",
                        Align::Right => "---:|",
                    });
                }
                out.push('\n');
                for r in &t.rows {
                    let cells: Vec<String> = r.iter().map(|c| inlines(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
            Block::List(items) => {
                out.push('\n');
                for i in items {
                    out.push_str(&format!("- {}\n", inlines(i)));
                }
            }
            Block::Lines(lines) => {
                out.push('\n');
                for (depth, line) in lines {
                    out.push_str(&format!("{}- {}\n", "  ".repeat(*depth), inlines(line)));
                }
            }
            // Markdown as threads and wikis render it shows no inline SVG; the table beside a chart says the same
            Block::Chart(_) => {}
        }
    }
}
