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
        })
        .collect()
}

fn code(lines: &[String]) -> String {
    format!("```\n{}\n```", lines.join("\n"))
}

/// The document as Markdown.
pub fn markdown(doc: &Doc) -> String {
    let mut out = format!("## {}\n", md(&doc.title));
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("\n{}\n", inlines(&doc.subtitle)));
    }
    blocks(&doc.blocks, 3, &mut out);
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
            Block::Section { title, blocks: inner } => {
                out.push_str(&format!("\n{h} {}\n", md(title)));
                blocks(inner, level + 1, out);
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
            Block::Chart(c) => out.push_str(&format!("\n*{}*\n", md(&c.title))),
        }
    }
}
