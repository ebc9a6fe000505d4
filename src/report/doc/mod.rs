//! One document model for the reports: what a report says is built once as
//! a `Doc` (sections, paragraphs, tables, lists, before-and-after rows, code,
//! and room for charts), and each format has one renderer (`text` for a
//! terminal, `markdown` for a review thread, `html` for one standalone page).
//! A report decides what to say; a renderer decides only how it looks.

mod html;
mod markdown;
mod text;

pub use html::{html, html_fragment};
pub use markdown::{markdown, markdown_at, markdown_fragment};
pub use text::{text, Style};

pub use crate::report::table::Align;

/// A run of text and how it is marked.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    /// code, a name or a file: `data_space`
    Code(String),
    Strong(String),
    /// what a new version adds
    Added(String),
    /// what a new version takes away
    Removed(String),
    /// a link within the document (`#anchor`)
    Link {
        text: String,
        href: String,
    },
    /// a place a link can land on
    Anchor(String),
    /// a line break within a cell
    Break,
}

pub type Inlines = Vec<Inline>;

pub fn text_of(s: impl Into<String>) -> Inlines {
    vec![Inline::Text(s.into())]
}

/// Whether a thing was added, removed or changed: a colour on a terminal, a
/// class on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Added,
    Removed,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// a titled part of the document; `id` a link can land on, `badge` a
    /// word beside the title (what kind of item it is)
    Section {
        title: String,
        id: Option<String>,
        badge: Option<String>,
        blocks: Vec<Block>,
    },
    /// the law's own words
    Quote(String),
    /// text shown as written, and what it is written in (`json`, `zhice`)
    Code {
        lang: &'static str,
        text: String,
    },
    /// facts about the whole document, `key: value`
    Facts(Vec<(String, String)>),
    /// a table of contents: where each entry lands, and its words
    Contents(Vec<(String, String)>),
    /// blocks that belong together (a worked example), boxed on a page
    Group(Vec<Block>),
    /// blocks for the technical reader, folded away on a page
    Folded {
        summary: String,
        blocks: Vec<Block>,
    },
    Para(Inlines),
    Table(Table),
    /// an item of the document that changed (a measure, a rule): its heading,
    /// and what changed in it, before and after
    Item {
        head: Inlines,
        tone: Tone,
        rows: Vec<Compare>,
    },
    /// points, one a line
    List(Vec<Inlines>),
    /// lines in an outline, each at its depth (the steps of a calculation)
    Lines(Vec<(usize, Inlines)>),
    /// room for a picture: a static SVG with its title, for the formats that show pictures
    Chart(Chart),
    /// what a reader must know before trusting what follows: a heading and its points
    Warning(String, Vec<Inlines>),
}

#[derive(Debug, Clone)]
pub struct Table {
    pub head: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<Inlines>>,
}

/// One thing that changed: what, its two sides, and how it reads in one
/// line (the form a terminal and a thread show; a page shows the sides).
#[derive(Debug, Clone)]
pub struct Compare {
    pub what: String,
    pub before: Side,
    pub after: Side,
    /// the lines it reads as, one after another, each with its tone; marked
    /// runs show what moved within a line
    pub lines: Vec<(Tone, Inlines)>,
}

#[derive(Debug, Clone)]
pub enum Side {
    Empty,
    Inline(Inlines),
    /// lines of the policy's language, shown as code
    Code(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub svg: String,
}

impl Block {
    /// A titled part.
    pub fn section(title: String, blocks: Vec<Block>) -> Block {
        Block::Section {
            title,
            id: None,
            badge: None,
            blocks,
        }
    }
}

/// Inline `code` in words (`data_space` between backticks) as code; the rest as text.
pub fn words(s: &str) -> Inlines {
    s.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                Inline::Code(part.to_string())
            } else {
                Inline::Text(part.to_string())
            }
        })
        .collect()
}

/// A document: its title, a line under it, and its blocks.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub title: String,
    pub subtitle: Inlines,
    pub blocks: Vec<Block>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        Doc {
            title: "Changes".into(),
            subtitle: vec![
                Inline::Code("a.policy".into()),
                Inline::Text(" → ".into()),
                Inline::Code("b.policy".into()),
            ],
            blocks: vec![Block::section(
                "Measures".into(),
                vec![
                    Block::Item {
                        head: text_of("~ m · 第一条 补贴"),
                        tone: Tone::Plain,
                        rows: vec![Compare {
                            what: "cap".into(),
                            before: Side::Inline(text_of("30万元")),
                            after: Side::Inline(text_of("50万元")),
                            lines: vec![(Tone::Plain, text_of("cap: 30万元 → 50万元"))],
                        }],
                    },
                    Block::Table(Table {
                        head: vec!["award".into(), "total".into()],
                        align: vec![Align::Left, Align::Right],
                        rows: vec![vec![vec![Inline::Code("m|x".into())], text_of("1.00")]],
                    }),
                    Block::List(vec![vec![Inline::Removed("old".into()), Inline::Added("new".into())]]),
                ],
            )],
        }
    }

    #[test]
    fn one_document_three_formats() {
        let d = sample();
        let t = text(&d, Style { color: false });
        assert!(
            t.starts_with(
                "Changes\n  a.policy → b.policy\n\nMeasures\n  ~ m · 第一条 补贴\n      cap: 30万元 → 50万元\n"
            ),
            "{t}"
        );
        assert!(t.contains("  m|x     1.00\n"), "{t}");
        assert!(t.contains("[-old-]{+new+}"), "{t}");
        let m = markdown(&d);
        assert!(
            m.starts_with("## Changes\n\n`a.policy` → `b.policy`\n\n### Measures\n"),
            "{m}"
        );
        assert!(m.contains("| `m\\|x` | 1.00 |"), "{m}");
        assert!(m.contains("~~old~~**new**"), "{m}");
        let h = html(&d, "");
        assert!(
            h.contains("<h1 id=\"top\">Changes</h1>") && h.contains("<td>30万元</td><td>50万元</td>"),
            "{h}"
        );
        assert!(
            h.contains("<del>old</del><ins>new</ins>") && h.contains("<code>m|x</code>"),
            "{h}"
        );
    }
}
