//! The book as one self-contained HTML page: no script, no external file;
//! readable on a phone, printable (the contents and links fold away on paper).

use super::{Book, Item};
use crate::report::html::escape as esc;

const STYLE: &str = r#"
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.7;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; line-height: 1.35; margin: 1.5rem 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.facts { color: var(--muted); margin: 0 0 1rem; padding: 0; list-style: none; }
.facts li { display: inline-block; margin-right: 1.25rem; }
nav ol { padding-left: 1.25rem; } nav li { margin: .15rem 0; }
blockquote { margin: .75rem 0; padding: .5rem 1rem; background: var(--soft); border-left: 4px solid var(--line); }
.kind { font-size: .8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 1rem; padding: 0 .5rem; margin-left: .5rem; vertical-align: middle; }
.rule li { margin: .2rem 0; }
.worst { font-weight: 600; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
pre, code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", ui-monospace, monospace; font-size: .85rem; }
pre { background: var(--soft); padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
details { margin: .5rem 0; } summary { cursor: pointer; color: var(--muted); }
.example { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .9rem; margin: .75rem 0; }
.step { margin: 0; }
.changes td.num { text-align: right; font-variant-numeric: tabular-nums; }
.changes .what { width: 9em; color: var(--muted); }
.changes h3.added, .changes h4.added { background: #efe; } .changes h3.removed, .changes h4.removed { background: #fee; }
ins { background: #dfd; text-decoration: none; } del { background: #fdd; }
@media (max-width: 40rem) { main { padding: .5rem .8rem 3rem; } h1 { font-size: 1.35rem; } }
@media print {
  nav, details, .back { display: none; }
  a { color: inherit; }
  main { max-width: none; padding: 0; }
  section.item { break-inside: avoid-page; }
  h2 { break-before: page; }
  h2:first-of-type { break-before: auto; }
}
"#;

/// Inline `code` in words becomes <code>; everything else is escaped.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", esc(part)));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

pub fn page(book: &Book) -> String {
    let lang = if crate::lang::is_zh() { "zh-CN" } else { "en" };
    let mut title = book.title.clone();
    if let Some(v) = &book.version {
        title.push_str(&format!("（{v}）"));
    }
    let mut h = String::new();
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    ));
    h.push_str(&format!("<h1 id=\"top\">{}</h1>\n<ul class=\"facts\">\n", esc(&title)));
    for (k, v) in &book.facts {
        h.push_str(&format!("<li>{}{}{}</li>\n", esc(k), super::colon(), esc(v)));
    }
    h.push_str("</ul>\n");
    h.push_str(&format!(
        "<nav>\n<h2 id=\"contents\">{}</h2>\n<ol>\n",
        esc(&t!("Contents"))
    ));
    for item in &book.items {
        h.push_str(&format!(
            "<li><a href=\"#{}\">{} {}</a></li>\n",
            item.anchor,
            esc(&item.clause),
            esc(&item.title)
        ));
    }
    h.push_str(&format!(
        "<li><a href=\"#parameters\">{}</a></li>\n",
        esc(&t!("Parameters"))
    ));
    if book.changes.is_some() {
        h.push_str(&format!(
            "<li><a href=\"#changes\">{}</a></li>\n",
            esc(&t!("Changes from the previous version"))
        ));
    }
    h.push_str("</ol>\n</nav>\n");
    h.push_str(&format!("<h2 id=\"measures\">{}</h2>\n", esc(&t!("The measures"))));
    for item in &book.items {
        section(&mut h, book, item);
    }
    h.push_str(&format!(
        "<h2 id=\"parameters\">{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        esc(&t!("Parameters")),
        esc(&t!("Parameter")),
        esc(&t!("Values, by date")),
        esc(&t!("Used by"))
    ));
    for p in &book.params {
        let values: Vec<String> = p.values.iter().map(|v| esc(v)).collect();
        let used: Vec<String> = p
            .used_by
            .iter()
            .map(|(a, title)| format!("<a href=\"#{a}\">{}</a>", esc(title)))
            .collect();
        h.push_str(&format!(
            "<tr id=\"{}\"><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            p.anchor,
            esc(p.label.as_deref().unwrap_or("")),
            esc(&p.name),
            values.join("<br>"),
            used.join("<br>")
        ));
    }
    h.push_str("</table>\n");
    if let Some(changes) = &book.changes {
        h.push_str(&format!(
            "<h2 id=\"changes\">{}</h2>\n<section class=\"changes\">\n",
            esc(&t!("Changes from the previous version"))
        ));
        // the same review `zhice diff` gives, its parts under this heading
        h.push_str(&crate::report::doc::html_fragment(&changes.blocks, 3));
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn section(h: &mut String, book: &Book, item: &Item) {
    h.push_str(&format!(
        "<section class=\"item\" id=\"{}\">\n<h3>{} {}<span class=\"kind\">{}</span></h3>\n",
        item.anchor,
        esc(&item.clause),
        esc(&item.title),
        esc(&item.kind)
    ));
    if let Some(text) = &item.text {
        h.push_str(&format!("<blockquote>{}</blockquote>\n", esc(text)));
    }
    if !item.rule.is_empty() {
        h.push_str(&format!(
            "<p><strong>{}</strong></p>\n<ul class=\"rule\">\n",
            esc(&t!("The rule, in words"))
        ));
        for line in &item.rule {
            h.push_str(&format!("<li>{}</li>\n", inline(line)));
        }
        h.push_str("</ul>\n");
    }
    if let Some(w) = &item.worst {
        h.push_str(&format!(
            "<p class=\"worst\">{}{}</p>\n",
            esc(&t!("Worst case: ")),
            esc(w)
        ));
    }
    if !item.params.is_empty() {
        let links: Vec<String> = item
            .params
            .iter()
            .filter_map(|&i| book.params.get(i))
            .map(|p| {
                format!(
                    "<a href=\"#{}\">{}</a>{}{}",
                    p.anchor,
                    esc(p.shown()),
                    super::colon(),
                    esc(&p.values.join(t!("; ").as_ref()))
                )
            })
            .collect();
        h.push_str(&format!(
            "<p>{}{}</p>\n",
            esc(&t!("Parameters: ")),
            links.join(t!("; ").as_ref())
        ));
    }
    for ex in &item.examples {
        h.push_str(&format!(
            "<div class=\"example\">\n<p><strong>{}{}</strong></p>\n<pre>{}</pre>\n<p>{}</p>\n",
            esc(&t!("Worked example: ")),
            esc(&ex.name),
            esc(&ex.given),
            esc(&ex.expected)
        ));
        for (depth, text) in &ex.steps {
            h.push_str(&format!(
                "<p class=\"step\" style=\"padding-left: {}rem\">{}</p>\n",
                depth,
                esc(text)
            ));
        }
        h.push_str("</div>\n");
    }
    if !item.written.is_empty() {
        h.push_str(&format!(
            "<details><summary>{}</summary>\n<pre>{}</pre>\n</details>\n",
            esc(&t!("The rule as written in the policy file")),
            esc(&item.written)
        ));
    }
    h.push_str(&format!(
        "<p class=\"back\"><a href=\"#contents\">{}</a></p>\n</section>\n",
        esc(&t!("Back to the contents"))
    ));
}
