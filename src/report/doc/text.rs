//! A document for a terminal: headings bold and additions green, removals red
//! when the terminal shows colour; tables aligned in cells.

use super::*;
use crate::report::table::Table as Columns;

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
    fn tone(self, tone: Tone, s: &str) -> String {
        match tone {
            Tone::Plain => s.to_string(),
            Tone::Added => self.paint("32", s),
            Tone::Removed => self.paint("31", s),
        }
    }
    fn heading(self, s: &str) -> String {
        self.paint("1", s)
    }
}

fn inlines(xs: &[Inline], style: Style) -> String {
    xs.iter()
        .map(|x| match x {
            Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) => s.clone(),
            Inline::Link { text, .. } => text.clone(),
            Inline::Anchor(_) => String::new(),
            Inline::Break => " ".into(),
            Inline::Added(s) => style.tone(Tone::Added, &format!("{{+{s}+}}")),
            Inline::Removed(s) => style.tone(Tone::Removed, &format!("[-{s}-]")),
        })
        .collect()
}

/// The document as terminal text.
pub fn text(doc: &Doc, style: Style) -> String {
    let mut out = String::new();
    if !doc.title.is_empty() {
        out.push_str(&format!("{}\n", doc.title));
    }
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("  {}\n", inlines(&doc.subtitle, style)));
    }
    blocks(&doc.blocks, style, &mut out);
    out
}

fn blocks(bs: &[Block], style: Style, out: &mut String) {
    for (i, b) in bs.iter().enumerate() {
        let first = i == 0;
        // a run of items stands apart from what follows it
        let after_items = i > 0 && matches!(bs[i - 1], Block::Item { .. }) && !matches!(b, Block::Item { .. });
        if after_items && !matches!(b, Block::Table(_)) {
            out.push('\n');
        }
        match b {
            Block::Section {
                title,
                badge,
                blocks: inner,
                ..
            } => {
                let badge = badge.as_ref().map(|b| format!("（{b}）")).unwrap_or_default();
                out.push_str(&format!("\n{}\n", style.heading(&format!("{title}{badge}"))));
                blocks(inner, style, out);
            }
            Block::Quote(s) => out.push_str(&format!("  「{s}」\n")),
            Block::Warning(head, points) => {
                out.push_str(&format!("  !! {head}\n"));
                for p in points {
                    out.push_str(&format!("  !! - {}\n", inlines(p, style)));
                }
            }
            Block::Code { text: s, .. } => {
                for l in s.lines() {
                    out.push_str(&format!("    {l}\n"));
                }
            }
            Block::Facts(facts) => {
                for (k, v) in facts {
                    out.push_str(&format!("  {k}: {v}\n"));
                }
            }
            Block::Contents(_) => {}
            Block::Group(inner) | Block::Folded { blocks: inner, .. } => blocks(inner, style, out),
            Block::Para(xs) => out.push_str(&format!("  {}\n", inlines(xs, style))),
            Block::Item { head, tone, rows } => {
                if !head.is_empty() {
                    out.push_str(&format!("  {}\n", style.tone(*tone, &inlines(head, style))));
                }
                // rows of an item under a heading stand in from it
                let indent = if head.is_empty() { "  " } else { "      " };
                for (tone, line) in rows.iter().flat_map(|r| &r.lines) {
                    out.push_str(&format!("{indent}{}\n", style.tone(*tone, &inlines(line, style))));
                }
            }
            Block::Table(t) => {
                let mut columns = Columns::new(&t.align);
                if !t.head.is_empty() {
                    columns.row(t.head.clone());
                }
                for r in &t.rows {
                    columns.row(r.iter().map(|c| inlines(c, style)).collect());
                }
                // a table stands apart from what comes before it in its part
                if !first || after_items {
                    out.push('\n');
                }
                out.push_str(&columns.render("  "));
            }
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("  {}\n", inlines(i, style)));
                }
            }
            Block::Lines(lines) => {
                for (depth, line) in lines {
                    out.push_str(&format!("{}{}\n", "  ".repeat(*depth), inlines(line, style)));
                }
            }
            // a terminal shows no pictures; the table beside a chart says the same
            Block::Chart(_) => {}
        }
    }
}
