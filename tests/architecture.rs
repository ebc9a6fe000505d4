//! The structure docs/architecture.md describes holds in the code, read as
//! Rust (syn), not as text:
//! - each module of `src/` uses only modules of a lower layer (and its own files);
//! - each layer uses only the outside crates it is allowed (pest only in
//!   `syntax`, miette only in `report` and `cli`, axum and tokio only in
//!   `serve`, lsp-server only in `lsp`), and only `cli` prints;
//! - the files of one module do not import each other in a circle;
//! - no `match` over an expression kind ends in a catch-all arm, so that a new
//!   form makes the compiler name every place that must handle it;
//! - the layer table of the architecture page is the one this file checks.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use support::rust_files;
use syn::visit::Visit;

/// Lowest first. A module may use modules of lower layers only.
const LAYERS: &[&[&str]] = &[
    &["span", "date", "json", "number", "lang", "whole"],
    &["value", "diagnostic", "currency"],
    &["syntax"],
    &["check", "format"],
    &["compile"],
    &["case"],
    &["eval"],
    &["pool"],
    &["run"],
    &["bounds", "sample"],
    &["diff", "testing"],
    &["report"],
    &["batch", "load"],
    &["grants"],
    &["lsp", "serve", "book"],
    &["cli"],
];

/// Outside crates that only some modules may use; every other crate of
/// Cargo.toml (std, serde, rust_decimal, the message catalogue…) is for all.
const CONFINED: &[(&str, &[&str])] = &[
    ("pest", &["syntax"]),
    ("pest_derive", &["syntax"]),
    ("miette", &["report", "cli"]),
    ("clap", &["cli"]),
    ("indicatif", &["cli"]),
    ("axum", &["serve"]),
    ("tokio", &["serve"]),
    ("tower", &["serve"]),
    ("tower_http", &["serve"]),
    ("utoipa", &["serve"]),
    ("tracing", &["serve"]),
    ("tracing_subscriber", &["serve"]),
    ("tracing_appender", &["serve"]),
    ("http_body_util", &["serve"]),
    ("futures_util", &["serve"]),
    ("self_cell", &["serve"]),
    ("lsp_server", &["lsp"]),
    ("lsp_types", &["lsp"]),
    ("rayon", &["batch", "pool"]),
    // messages go through `t!` (lib.rs), which asks `lang` for the language of the moment
    ("rust_i18n", &["lib", "lang"]),
    ("csv", &["batch"]),
    ("rusqlite", &["grants"]),
    ("sha2", &["grants"]),
    ("postgres", &["grants"]),
    ("calamine", &["batch"]),
    ("encoding_rs", &["batch"]),
    ("encoding_rs_io", &["batch"]),
    ("rust_xlsxwriter", &["batch"]),
    ("hyper_util", &["serve"]),
];

/// Macros that write to the terminal: only the binary's own code may.
const PRINTING: &[&str] = &["println", "eprintln", "print", "eprint", "dbg"];
const PRINTS: &[&str] = &["cli"];

/// The enums whose variants are the forms of the language.
const FORM_KINDS: &[&str] = &["ExprKind"];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// One source file of `src/`, parsed.
struct Source {
    /// the path under `src/`
    rel: PathBuf,
    /// the module path: `["lsp", "complete"]` for `lsp/complete.rs`
    module: Vec<String>,
    syntax: syn::File,
}

impl Source {
    fn top(&self) -> &str {
        self.module.first().map_or("", String::as_str)
    }
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(&src).expect("under src").to_path_buf();
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&f).expect("source");
            let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            Source { rel, module, syntax }
        })
        .collect()
}

/// Whether an item is unit-test code (`#[cfg(test)]`): tests may build what
/// they test from higher up.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Meta>().is_ok_and(|m| m.path().is_ident("test")))
}

/// Everything a file names outside itself: paths (in `use`, types and
/// expressions) and macro calls, with the file's tests left out.
#[derive(Default)]
struct Names {
    /// every path, as its segments (`crate::pool::Ledger` → crate, pool, Ledger)
    paths: Vec<Vec<String>>,
    macros: Vec<String>,
}

impl<'a> Visit<'a> for Names {
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        if !is_test(&u.attrs) {
            let mut prefix = Vec::new();
            use_paths(&u.tree, &mut prefix, &mut self.paths);
        }
    }
    fn visit_path(&mut self, p: &'a syn::Path) {
        self.paths
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }
    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        // `#[derive(clap::ValueEnum)]` uses clap as surely as a `use` does.
        if a.path().is_ident("derive") {
            let _ = a.parse_nested_meta(|m| {
                self.paths
                    .push(m.path.segments.iter().map(|s| s.ident.to_string()).collect());
                Ok(())
            });
        }
        syn::visit::visit_attribute(self, a);
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if let Some(last) = m.path.segments.last() {
            self.macros.push(last.ident.to_string());
        }
        // A path written inside a macro's tokens (`t!(…)`, `json!(…)`) is
        // still a use: read it as an expression when it is one.
        if let Ok(args) = m.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for e in &args {
                self.visit_expr(e);
            }
        }
        syn::visit::visit_macro(self, m);
    }
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => out.push(prefix.iter().cloned().chain([n.ident.to_string()]).collect()),
        syn::UseTree::Rename(r) => out.push(prefix.iter().cloned().chain([r.ident.to_string()]).collect()),
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_paths(t, prefix, out)),
    }
}

fn names(s: &Source) -> Names {
    let mut n = Names::default();
    n.visit_file(&s.syntax);
    n
}

#[test]
fn no_module_uses_a_later_stage() {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for s in sources() {
        let top = s.top().to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let own = layer(&top)
            .unwrap_or_else(|| panic!("`src/{top}` is in no layer: add it to LAYERS and to docs/architecture.md"));
        for path in names(&s).paths {
            let [krate, used, ..] = path.as_slice() else { continue };
            if krate != "crate" {
                continue;
            }
            checked += 1;
            let Some(theirs) = layer(used) else {
                wrong.push(format!(
                    "{}: uses `crate::{used}`, which is in no layer",
                    s.rel.display()
                ));
                continue;
            };
            if *used != top && theirs >= own {
                wrong.push(format!(
                    "{}: `{top}` (layer {own}) uses `crate::{used}` (layer {theirs})",
                    s.rel.display()
                ));
            }
        }
    }
    assert!(checked > 100, "found only {checked} uses: the scan is broken");
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "uses against the layering:\n{}", wrong.join("\n"));
}

#[test]
fn outside_crates_stay_in_their_layer_and_only_the_binary_prints() {
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for s in sources() {
        let top = s.top().to_string();
        let n = names(&s);
        // one segment alone is a local name (`csv` the flag), not the crate
        for path in n.paths.iter().filter(|p| p.len() > 1) {
            let Some(first) = path.first() else { continue };
            let Some((_, allowed)) = CONFINED.iter().find(|(c, _)| c == first) else {
                continue;
            };
            seen.insert(first.clone());
            if !allowed.contains(&top.as_str()) {
                wrong.push(format!(
                    "{}: uses `{first}`, which only {} may use",
                    s.rel.display(),
                    allowed.join(", ")
                ));
            }
        }
        if !PRINTS.contains(&top.as_str()) && top != "main" {
            for m in n.macros.iter().filter(|m| PRINTING.contains(&m.as_str())) {
                wrong.push(format!(
                    "{}: prints with `{m}!`; only {} may",
                    s.rel.display(),
                    PRINTS.join(", ")
                ));
            }
        }
    }
    for krate in ["pest", "miette", "axum", "tokio", "lsp_server"] {
        assert!(seen.contains(krate), "no use of `{krate}` found: the scan is broken");
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "outside crates or printing out of place:\n{}",
        wrong.join("\n")
    );
}

/// The sibling files of each module a file uses: `super::x`, `self::x`,
/// `crate::m::x` and a bare `x::` where `x` is a sibling.
fn sibling_edges(all: &[Source]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = all.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for s in all {
        let Some((_, parent)) = s.module.split_last() else {
            continue;
        };
        for path in names(s).paths {
            // Resolve the path to an absolute module path, as far as it goes.
            let absolute: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => path[1..].to_vec(),
                Some("super") => {
                    let mut up = parent.to_vec();
                    let mut rest = &path[1..];
                    while rest.first().is_some_and(|p| p == "super") {
                        up.pop();
                        rest = &rest[1..];
                    }
                    up.into_iter().chain(rest.iter().cloned()).collect()
                }
                Some("self") => s.module.iter().cloned().chain(path[1..].iter().cloned()).collect(),
                Some(first) => {
                    // a child of this file's module used by its bare name (`mod x; x::f()`)
                    let mut own = s.module.clone();
                    own.push(first.to_string());
                    if !modules.contains(&own) {
                        continue;
                    }
                    s.module.iter().cloned().chain(path.iter().cloned()).collect()
                }
                None => continue,
            };
            // The longest known module the path names is the file it reaches.
            let target = (1..=absolute.len())
                .rev()
                .map(|k| absolute[..k].to_vec())
                .find(|m| modules.contains(m));
            let Some(target) = target else { continue };
            // Only siblings: two files directly under the same module.
            let (Some((_, tp)), true) = (target.split_last(), target != s.module) else {
                continue;
            };
            if tp == parent && target.len() == s.module.len() {
                edges.entry(s.module.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

#[test]
fn the_files_of_a_module_do_not_import_each_other_in_a_circle() {
    let all = sources();
    let edges = sibling_edges(&all);
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 20,
        "found too few imports between sibling files: the scan is broken"
    );
    // Depth-first search for a back edge, reporting the circle it closes.
    fn visit(
        at: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
        circles: &mut Vec<String>,
    ) {
        if let Some(k) = path.iter().position(|p| p == at) {
            let names: Vec<String> = path[k..].iter().chain([at]).map(|m| m.join("::")).collect();
            circles.push(names.join(" → "));
            return;
        }
        if !done.insert(at.clone()) {
            return;
        }
        path.push(at.clone());
        for next in edges.get(at).into_iter().flatten() {
            visit(next, edges, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        visit(start, &edges, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(
        circles.is_empty(),
        "files that import each other in a circle:\n{}",
        circles.join("\n")
    );
}

/// The `match`es whose arms name a form of the language, and their catch-alls.
#[derive(Default)]
struct FormMatches {
    matches: usize,
    wildcards: Vec<usize>,
}

fn names_a_form(p: &syn::Pat) -> bool {
    let path = match p {
        syn::Pat::Path(p) => &p.path,
        syn::Pat::TupleStruct(p) => &p.path,
        syn::Pat::Struct(p) => &p.path,
        syn::Pat::Or(o) => return o.cases.iter().any(names_a_form),
        syn::Pat::Reference(r) => return names_a_form(&r.pat),
        syn::Pat::Ident(syn::PatIdent {
            subpat: Some((_, p)), ..
        }) => return names_a_form(p),
        _ => return false,
    };
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs.len() >= 2 && FORM_KINDS.contains(&segs[segs.len() - 2].as_str())
}

/// `_`, or a bare binding: an arm that takes every form not named above it.
fn catches_all(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Wild(_) => true,
        syn::Pat::Ident(i) => {
            i.subpat.is_none() && i.ident.to_string().starts_with(|c: char| c.is_lowercase() || c == '_')
        }
        syn::Pat::Or(o) => o.cases.iter().any(catches_all),
        _ => false,
    }
}

impl<'a> Visit<'a> for FormMatches {
    fn visit_expr_match(&mut self, m: &'a syn::ExprMatch) {
        if m.arms.iter().any(|a| names_a_form(&a.pat)) {
            self.matches += 1;
            for a in &m.arms {
                if catches_all(&a.pat) {
                    self.wildcards.push(a.pat_span_line());
                }
            }
        }
        syn::visit::visit_expr_match(self, m);
    }
}

trait Line {
    fn pat_span_line(&self) -> usize;
}

impl Line for syn::Arm {
    fn pat_span_line(&self) -> usize {
        syn::spanned::Spanned::span(&self.pat).start().line
    }
}

/// The catch-all arms over a form of the language in `text`, by line.
fn form_wildcards(text: &str) -> (usize, Vec<usize>) {
    let file = syn::parse_file(text).expect("parses");
    let mut v = FormMatches::default();
    v.visit_file(&file);
    (v.matches, v.wildcards)
}

#[test]
fn no_match_over_a_form_of_the_language_has_a_catch_all_arm() {
    let mut matches = 0;
    let mut wrong = Vec::new();
    for s in sources() {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(&s.rel)).expect("source");
        let (n, lines) = form_wildcards(&text);
        matches += n;
        wrong.extend(lines.into_iter().map(|l| format!("src/{}:{l}", s.rel.display())));
    }
    assert!(
        matches > 30,
        "found only {matches} matches over expression kinds: the scan is broken"
    );
    assert!(
        wrong.is_empty(),
        "a catch-all arm in a match over an expression kind (name every form, so a new one is a compile error):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_a_catch_all_over_a_form() {
    let (n, lines) = form_wildcards(
        "fn f(e: &Expr) -> u8 { match &e.kind {\n ExprKind::Const(_) => 1,\n _ => 0 } }\n\
         fn g(e: &Expr) -> u8 { match &e.kind { ExprKind::Const(_) | ExprKind::Input(_) => 1, ExprKind::Not(x) => g(x) } }\n\
         fn h(k: Other) -> u8 { match k { Other::A => 1, _ => 0 } }",
    );
    assert_eq!(
        (n, lines),
        (2, vec![3]),
        "one catch-all, in the first of two form matches"
    );
}

/// Files past this many lines must be one concern and say so.
const LONG_FILE: usize = 600;

#[test]
fn a_long_file_is_one_concern_and_says_why() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        let lines = text.lines().count();
        let doc: String = text.lines().take_while(|l| l.starts_with("//!")).collect();
        if lines > LONG_FILE && !doc.contains("One concern, long on purpose:") {
            wrong.push(format!(
                "{} ({lines} lines)",
                f.strip_prefix(&src).expect("under src").display()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "files over {LONG_FILE} lines that neither split by what they do nor say `//! One concern, long on purpose: …`:\n{}",
        wrong.join("\n")
    );
}

/// The layer table of docs/architecture.md: its rows `| n | `a`, `b` | … |`.
fn documented_layers() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
        .expect("architecture.md");
    let section = doc
        .split("## Layers")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Layers section");
    let mut layers = Vec::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (Some(n), Some(modules)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        assert_eq!(n, layers.len(), "docs/architecture.md: layer {n} is out of order");
        layers.push(
            modules
                .split(',')
                .map(|m| m.trim().trim_matches('`').to_string())
                .filter(|m| !m.is_empty())
                .collect(),
        );
    }
    layers
}

#[test]
fn the_layers_are_the_ones_the_architecture_page_names_and_they_exist() {
    let doc = documented_layers();
    let code: Vec<Vec<String>> = LAYERS
        .iter()
        .map(|l| l.iter().map(|m| m.to_string()).collect())
        .collect();
    assert_eq!(doc, code, "docs/architecture.md's layer table and LAYERS here differ");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            src.join(format!("{module}.rs")).is_file() || src.join(module).join("mod.rs").is_file(),
            "layer module `{module}` has no src/{module}.rs or src/{module}/mod.rs"
        );
    }
}
