//! A document as one self-contained HTML page: no scripts, no fonts, no links
//! out, readable on a phone and printable.

use super::*;
use crate::report::html::escape as esc;

fn inlines(xs: &[Inline]) -> String {
    xs.iter()
        .map(|x| match x {
            Inline::Text(s) => esc(s),
            Inline::Code(s) => format!("<code>{}</code>", esc(s)),
            Inline::Strong(s) => format!("<strong>{}</strong>", esc(s)),
            Inline::Added(s) => format!("<ins>{}</ins>", esc(s)),
            Inline::Removed(s) => format!("<del>{}</del>", esc(s)),
            Inline::Link { text, href } => format!("<a href=\"{}\">{}</a>", esc(href), esc(text)),
            Inline::Anchor(id) => format!("<span id=\"{}\"></span>", esc(id)),
            Inline::Break => "<br>".into(),
        })
        .collect()
}

fn side(s: &Side) -> String {
    match s {
        Side::Empty => String::new(),
        Side::Inline(xs) => inlines(xs),
        Side::Code(lines) => format!("<pre>{}</pre>", esc(&lines.join("\n"))),
    }
}

fn tone_class(t: Tone) -> &'static str {
    match t {
        Tone::Plain => "changed",
        Tone::Added => "added",
        Tone::Removed => "removed",
    }
}

/// The document as a page, with the stylesheet `css`.
pub fn html(doc: &Doc, css: &str) -> String {
    let lang = if crate::lang::is_zh() { "zh-CN" } else { "en" };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n<h1 id=\"top\">{}</h1>\n",
        esc(&doc.title),
        esc(&doc.title)
    );
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", inlines(&doc.subtitle)));
    }
    blocks(&doc.blocks, 2, &mut out);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Blocks to place inside another page, their sections headed at `level`
/// (`3` under an `h2` of that page).
pub fn html_fragment(bs: &[Block], level: usize) -> String {
    let mut out = String::new();
    blocks(bs, level, &mut out);
    out
}

fn blocks(bs: &[Block], level: usize, out: &mut String) {
    // a section's heading at this level; its items one below (the blocks inside it are at level + 1)
    let h = level.min(6);
    for b in bs {
        match b {
            Block::Section {
                title,
                id,
                badge: Some(badge),
                blocks: inner,
            } => {
                // an item of its own (a measure): a section a link lands on
                let id = id.as_ref().map(|i| format!(" id=\"{}\"", esc(i))).unwrap_or_default();
                out.push_str(&format!(
                    "<section class=\"item\"{id}>\n<h{h}>{}<span class=\"kind\">{}</span></h{h}>\n",
                    esc(title),
                    esc(badge)
                ));
                blocks(inner, level + 1, out);
                out.push_str("</section>\n");
            }
            Block::Section {
                title,
                id,
                badge: None,
                blocks: inner,
            } => {
                let id = id.as_ref().map(|i| format!(" id=\"{}\"", esc(i))).unwrap_or_default();
                out.push_str(&format!("<h{h}{id}>{}</h{h}>\n", esc(title)));
                blocks(inner, level + 1, out);
            }
            Block::Quote(s) => out.push_str(&format!("<blockquote>{}</blockquote>\n", esc(s))),
            Block::Warning(head, points) => {
                out.push_str(&format!(
                    "<div class=\"warning\" role=\"alert\"><p><strong>{}</strong></p>\n<ul>\n",
                    esc(head)
                ));
                for p in points {
                    out.push_str(&format!("<li>{}</li>\n", inlines(p)));
                }
                out.push_str("</ul></div>\n");
            }
            Block::Code { text, .. } => out.push_str(&format!("<pre>{}</pre>\n", esc(text))),
            Block::Facts(facts) => {
                out.push_str("<ul class=\"facts\">\n");
                for (k, v) in facts {
                    out.push_str(&format!("<li>{}{}{}</li>\n", esc(k), crate::lang::colon(), esc(v)));
                }
                out.push_str("</ul>\n");
            }
            Block::Contents(entries) => {
                out.push_str(&format!(
                    "<nav>\n<h{h} id=\"contents\">{}</h{h}>\n<ol>\n",
                    esc(&t!("Contents"))
                ));
                for (href, text) in entries {
                    out.push_str(&format!("<li><a href=\"#{}\">{}</a></li>\n", esc(href), esc(text)));
                }
                out.push_str("</ol>\n</nav>\n");
            }
            Block::Group(inner) => {
                out.push_str("<div class=\"group\">\n");
                blocks(inner, level, out);
                out.push_str("</div>\n");
            }
            Block::Folded { summary, blocks: inner } => {
                out.push_str(&format!("<details><summary>{}</summary>\n", esc(summary)));
                blocks(inner, level, out);
                out.push_str("</details>\n");
            }
            Block::Para(xs) => out.push_str(&format!("<p>{}</p>\n", inlines(xs))),
            Block::Item { head, tone, rows } => {
                if !head.is_empty() {
                    out.push_str(&format!(
                        "<h{h} class=\"{}\">{}</h{h}>\n",
                        tone_class(*tone),
                        inlines(head)
                    ));
                }
                out.push_str(&format!(
                    "<table><tr><th></th><th>{}</th><th>{}</th></tr>\n",
                    esc(&t!("before")),
                    esc(&t!("after"))
                ));
                for r in rows {
                    out.push_str(&format!(
                        "<tr><td class=\"what\">{}</td><td>{}</td><td>{}</td></tr>\n",
                        esc(&r.what),
                        side(&r.before),
                        side(&r.after)
                    ));
                }
                out.push_str("</table>\n");
            }
            Block::Table(t) => {
                out.push_str("<table><tr>");
                for h in &t.head {
                    out.push_str(&format!("<th>{}</th>", esc(h)));
                }
                out.push_str("</tr>\n");
                for r in &t.rows {
                    out.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        let class = match t.align.get(i) {
                            Some(Align::Right) => " class=\"num\"",
                            _ => "",
                        };
                        out.push_str(&format!("<td{class}>{}</td>", inlines(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", inlines(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::Lines(lines) => {
                for (depth, line) in lines {
                    out.push_str(&format!("<p class=\"depth{}\">{}</p>\n", depth.min(&9), inlines(line)));
                }
            }
            Block::Chart(c) => out.push_str(&format!(
                "<figure>{}<figcaption>{}</figcaption></figure>\n",
                c.svg,
                esc(&c.title)
            )),
        }
    }
}
