//! The book as one self-contained HTML page: no script, no external file;
//! readable on a phone, printable (the contents and links fold away on paper).

use super::Book;

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
.warning { margin: 1rem 0; padding: .5rem 1rem; background: #fff4e5; border: 1px solid #e5a000; border-left: 6px solid #c77700; border-radius: .3rem; }
.warning ul { margin: .25rem 0; padding-left: 1.25rem; }
blockquote { margin: .75rem 0; padding: .5rem 1rem; background: var(--soft); border-left: 4px solid var(--line); }
.kind { font-size: .8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 1rem; padding: 0 .5rem; margin-left: .5rem; vertical-align: middle; }
.rule li { margin: .2rem 0; }
.worst { font-weight: 600; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
pre, code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", ui-monospace, monospace; font-size: .85rem; }
pre { background: var(--soft); padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1rem 0; } figcaption { color: var(--muted); font-size: .9rem; }
details { margin: .5rem 0; } summary { cursor: pointer; color: var(--muted); }
.group { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem .9rem; margin: .75rem 0; }
.group p[class^=depth] { margin: 0; } .depth1 { padding-left: 1rem; } .depth2 { padding-left: 2rem; } .depth3 { padding-left: 3rem; } .depth4 { padding-left: 4rem; }
.item td.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
.changes .what { width: 9em; color: var(--muted); }
.changes h3.added, .changes h4.added { background: #efe; } .changes h3.removed, .changes h4.removed { background: #fee; }
ins { background: #dfd; text-decoration: none; } del { background: #fdd; }
@media (max-width: 40rem) { main { padding: .5rem .8rem 3rem; } h1 { font-size: 1.35rem; } }
@media print {
  nav, details, p:has(> a[href='#contents']:only-child) { display: none; }
  a { color: inherit; }
  main { max-width: none; padding: 0; }
  section.item { break-inside: avoid-page; }
  h2 { break-before: page; }
  h2:first-of-type { break-before: auto; }
}
"#;

/// The book as one standalone page; a draft carries its stamp on every
/// screen and every printed page.
pub fn page(book: &Book) -> String {
    let doc = super::document::document(book);
    if book.draft {
        let stamp = format!(
            "{STYLE}body::after {{ content: \"{}\"; position: fixed; top: 35%; left: 0; right: 0; text-align: center; \
             font-size: 7rem; font-weight: 700; color: rgba(198, 40, 40, .14); transform: rotate(-18deg); pointer-events: none; }}\n",
            t!("DRAFT")
        );
        crate::report::doc::html(&doc, &stamp)
    } else {
        crate::report::doc::html(&doc, STYLE)
    }
}
