//! The book as one document, which the HTML page and the Markdown both render.

use super::{Book, Item};
use crate::report::doc::{text_of, words, Align, Block, Doc, Inline, Inlines, Table};

/// The whole book: facts, contents, the measures, the parameter index, and
/// the changes from the previous version when there is one.
pub fn document(book: &Book) -> Doc {
    let mut title = book.title.clone();
    if let Some(v) = &book.version {
        // the version in brackets as the title's own script writes them
        let chinese = title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        title.push_str(&if chinese {
            format!("（{v}）")
        } else {
            format!(" ({v})")
        });
    }
    if book.draft {
        title = t!("DRAFT: %{title}", title = title).into_owned();
    }
    let mut contents: Vec<(String, String)> = book
        .items
        .iter()
        .map(|i| (i.anchor.clone(), format!("{} {}", i.clause, i.title)))
        .collect();
    if !book.outputs.is_empty() {
        contents.push(("outputs".into(), t!("What each result reports").into_owned()));
    }
    contents.push(("parameters".into(), t!("Parameters").into_owned()));
    if book.changes.is_some() {
        contents.push(("changes".into(), t!("Changes from the previous version").into_owned()));
    }
    let mut blocks = Vec::new();
    if !book.facts.is_empty() {
        blocks.push(Block::Facts(book.facts.clone()));
    }
    if book.draft {
        blocks.push(Block::Warning(
            t!("A draft, not the published text").into_owned(),
            vec![text_of(t!(
                "Written for the drafters with --draft: what it says may still change, and any problems of this version are listed next."
            ))],
        ));
    }
    if !book.problems.is_empty() {
        blocks.push(Block::Warning(
            t!("Before reading on: this version of the policy does not agree with itself").into_owned(),
            book.problems.iter().map(|p| text_of(p.clone())).collect(),
        ));
    }
    blocks.push(Block::Contents(contents));
    blocks.push(Block::Section {
        title: t!("The measures").into_owned(),
        id: Some("measures".into()),
        badge: None,
        blocks: book.items.iter().map(|i| item(book, i)).collect(),
    });
    if !book.outputs.is_empty() {
        let rows = book
            .outputs
            .iter()
            .map(|(name, label, rule)| {
                vec![
                    vec![Inline::Code(name.clone())],
                    text_of(label.clone().unwrap_or_default()),
                    text_of(rule.clone()),
                ]
            })
            .collect();
        blocks.push(Block::Section {
            title: t!("What each result reports").into_owned(),
            id: Some("outputs".into()),
            badge: None,
            blocks: vec![
                Block::Para(text_of(
                    t!("Besides the amounts, every result states these, worked out as follows.").into_owned(),
                )),
                Block::Table(Table {
                    head: vec![t!("output").into(), t!("meaning").into(), t!("worked out as").into()],
                    align: vec![Align::Left, Align::Left, Align::Left],
                    rows,
                }),
            ],
        });
    }
    blocks.push(Block::Section {
        title: t!("Parameters").into_owned(),
        id: Some("parameters".into()),
        badge: None,
        blocks: vec![parameters(book)],
    });
    if let Some(changes) = &book.changes {
        // the same review `zhice diff` gives, its parts under this heading
        blocks.push(Block::Section {
            title: t!("Changes from the previous version").into_owned(),
            id: Some("changes".into()),
            badge: None,
            blocks: changes.blocks.clone(),
        });
    }
    // Where the book came from, for whoever needs to find the file: at its end, not its head.
    blocks.push(Block::Para(text_of(
        t!("This book was made by zhice from %{path}.", path = book.source).into_owned(),
    )));
    Doc {
        title,
        subtitle: Vec::new(),
        blocks,
    }
}

fn strong(s: impl Into<String>) -> Inlines {
    vec![Inline::Strong(s.into())]
}

fn item(book: &Book, item: &Item) -> Block {
    let mut blocks = Vec::new();
    if let Some(text) = &item.text {
        blocks.push(Block::Quote(text.clone()));
    }
    if !item.rule.is_empty() {
        blocks.push(Block::Para(strong(t!("The rule, in words"))));
        blocks.push(Block::List(item.rule.iter().map(|l| words(l)).collect()));
    }
    if let Some(w) = &item.worst {
        blocks.push(Block::Para(strong(format!("{}{w}", t!("Worst case: ")))));
    }
    if let Some((chart, notes)) = &item.curve {
        blocks.push(Block::Chart(chart.clone()));
        blocks.push(Block::List(notes.iter().map(|n| text_of(n.clone())).collect()));
    }
    if !item.params.is_empty() {
        let mut line = text_of(t!("Parameters: "));
        for (k, p) in item.params.iter().filter_map(|&i| book.params.get(i)).enumerate() {
            if k > 0 {
                line.push(Inline::Text(t!("; ").into_owned()));
            }
            line.push(Inline::Link {
                text: p.shown().to_string(),
                href: format!("#{}", p.anchor),
            });
            line.push(Inline::Text(format!(
                "{}{}",
                crate::lang::colon(),
                p.values.join(t!("; ").as_ref())
            )));
        }
        blocks.push(Block::Para(line));
    }
    for ex in &item.examples {
        let mut example = vec![
            Block::Para(strong(format!("{}{}", t!("Worked example: "), ex.name))),
            Block::Facts(ex.facts.clone()),
            Block::Folded {
                summary: t!("The case as the program reads it (JSON)").into_owned(),
                blocks: vec![Block::Code {
                    lang: "json",
                    text: ex.given.clone(),
                }],
            },
            Block::Para(text_of(ex.expected.clone())),
            Block::Lines(ex.steps.iter().map(|(d, s)| (*d, text_of(s.clone()))).collect()),
        ];
        if let Some(f) = &ex.failing {
            example.push(Block::Warning(
                t!("This example contradicts its rule").into_owned(),
                vec![text_of(f.clone())],
            ));
        }
        blocks.push(Block::Group(example));
    }
    if !item.written.is_empty() {
        blocks.push(Block::Folded {
            summary: t!("The rule as written in the policy file").into_owned(),
            blocks: vec![Block::Code {
                lang: "zhice",
                text: item.written.clone(),
            }],
        });
    }
    blocks.push(Block::Para(vec![Inline::Link {
        text: t!("Back to the contents").into_owned(),
        href: "#contents".into(),
    }]));
    Block::Section {
        title: format!("{} {}", item.clause, item.title),
        id: Some(item.anchor.clone()),
        badge: Some(item.kind.clone()),
        blocks,
    }
}

/// Every parameter: where links land, its label and name, every dated value, who uses it.
fn parameters(book: &Book) -> Block {
    let joined = |xs: Vec<Inlines>| {
        let mut out = Vec::new();
        for (i, x) in xs.into_iter().enumerate() {
            if i > 0 {
                out.push(Inline::Break);
            }
            out.extend(x);
        }
        out
    };
    let rows = book
        .params
        .iter()
        .map(|p| {
            vec![
                vec![
                    Inline::Anchor(p.anchor.clone()),
                    Inline::Text(p.label.clone().unwrap_or_default()),
                    Inline::Text(" ".into()),
                    Inline::Code(p.name.clone()),
                ],
                joined(p.values.iter().map(|v| text_of(v.clone())).collect()),
                joined(
                    p.used_by
                        .iter()
                        .map(|(a, title)| {
                            vec![Inline::Link {
                                text: title.clone(),
                                href: format!("#{a}"),
                            }]
                        })
                        .collect(),
                ),
            ]
        })
        .collect();
    Block::Table(Table {
        head: vec![
            t!("Parameter").into_owned(),
            t!("Values, by date").into_owned(),
            t!("Used by").into_owned(),
        ],
        align: vec![Align::Left; 3],
        rows,
    })
}
