//! `zhice doc`: a policy as a book for the people who approve it and the
//! public in a consultation. Each measure under its clause: the clause text,
//! the rule in plain words, its parameters with every dated value, its worst
//! case, and the drafters' tests of it as worked examples with their
//! explanation; a parameter index; the changes from a previous version.
//! `document.rs` builds it once as a document; `html.rs` and `markdown.rs`
//! render that document.

mod curve;
mod document;
pub mod html;
pub mod markdown;
mod words;

use crate::check::model::{Expected, Expr, ExprKind, Policy};
use crate::load::Loaded;
use crate::syntax::ast;
use words::Words;

pub struct Book {
    pub title: String,
    pub version: Option<String>,
    /// header facts in words: effective date, currency, rounding
    pub facts: Vec<(String, String)>,
    pub items: Vec<Item>,
    pub params: Vec<Param>,
    /// the declared outputs: name, label, and how each is worked out, in words
    pub outputs: Vec<(String, Option<String>, String)>,
    /// the review of what changed since the previous version, as Markdown and as text
    /// the review of what changed from the previous version, as `zhice diff` builds it
    pub changes: Option<crate::report::doc::Doc>,
    /// the policy file the book was made from, named at its end
    pub source: String,
    /// what a reader must know before trusting the book: drafters' tests that
    /// fail, rules whose numbers disagree with their clause text
    pub problems: Vec<String>,
    /// written with `--draft`: every page says so
    pub draft: bool,
}

pub struct Item {
    pub anchor: String,
    pub id: String,
    pub clause: String,
    pub title: String,
    /// measure, service, rule across measures, budget pool, clause
    pub kind: String,
    pub text: Option<String>,
    /// the rule in plain words, one line each
    pub rule: Vec<String>,
    /// the rule as written in the policy file
    pub written: String,
    /// indices into `Book::params`
    pub params: Vec<usize>,
    pub worst: Option<String>,
    /// how the award moves with the measure's main input, and its corners in words
    pub curve: Option<(crate::report::doc::Chart, Vec<String>)>,
    pub examples: Vec<Example>,
}

pub struct Example {
    pub name: String,
    /// the case, as JSON
    pub given: String,
    /// the case in words: each field's label and its value as a reader writes it
    pub facts: Vec<(String, String)>,
    /// what the test expects of this measure
    pub expected: String,
    /// set when the rule as written gives another amount than the test expects
    pub failing: Option<String>,
    /// the explanation of this measure's arithmetic: depth and text
    pub steps: Vec<(usize, String)>,
}

pub struct Param {
    pub anchor: String,
    pub name: String,
    pub label: Option<String>,
    /// every value as written, in words: `500万元`, `自 2026-01-01 起 800万元`
    pub values: Vec<String>,
    /// anchors and titles of the items that use it
    pub used_by: Vec<(String, String)>,
}

impl Param {
    /// Its label, or its name when it has none.
    pub fn shown(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// The version a book is compared with, and the applications that show what the change does.
pub struct Previous<'a> {
    pub path: &'a str,
    pub loaded: &'a Loaded,
    /// JSONL
    pub cases: Option<&'a str>,
}

/// The book of a loaded policy, with the changes from `previous` when given.
pub fn build(loaded: &Loaded, previous: Option<Previous>, path: &str) -> Book {
    let p = &*loaded.program.policy;
    let src = loaded.source();
    let ast = &loaded.ast;
    let written_params: Vec<String> = ast.params.iter().map(|d| param_words(d, src)).collect();
    // checked parameters are in declaration order, as the AST's
    let words = Words {
        policy: p,
        src,
        params: &written_params,
    };
    let bounds = crate::bounds::bounds(p, src);
    let runner = crate::run::Runner::new(&loaded.program);
    let mut params: Vec<Param> = ast
        .params
        .iter()
        .map(|d| Param {
            anchor: format!("p-{}", d.name.node),
            name: d.name.node.clone(),
            label: d.label.clone(),
            values: std::iter::once(d.value.span.text(src).to_string())
                .chain(d.dated.iter().map(|(date, v)| {
                    t!("%{value} from %{date}", value = v.span.text(src), date = date.node).into_owned()
                }))
                .collect(),
            used_by: Vec::new(),
        })
        .collect();
    let mut items = Vec::new();
    for (i, m) in p.measures.iter().enumerate() {
        let anchor = format!("m-{}", m.id);
        let mut rule = Vec::new();
        for c in &m.conditions {
            rule.push(format!("{}{}", t!("When: "), words.expr(c)));
        }
        rule.push(format!("{}{}", t!("Award: "), words.expr(&m.award)));
        for cap in &m.caps {
            let mut line = words::cap(&words, &cap.limit, cap.scope);
            if let Some(cond) = &cap.condition {
                let c = words.expr(&cond.expr);
                line = if cond.unless {
                    t!("%{cap}, unless %{c}", cap = line, c = c).into_owned()
                } else {
                    t!("%{cap}, when %{c}", cap = line, c = c).into_owned()
                };
            }
            rule.push(line);
        }
        if m.top_up {
            rule.push(t!("Top-up: what was already paid under this measure is deducted").into_owned());
        }
        if m.once {
            rule.push(t!("Once per applicant").into_owned());
        }
        if m.signed {
            rule.push(t!("The amount may be negative: what is owed back is recovered").into_owned());
        }
        let used = params_of(m.exprs());
        for &u in &used {
            if let Some(param) = params.get_mut(u) {
                param
                    .used_by
                    .push((anchor.clone(), format!("{} {}", m.clause, m.title)));
            }
        }
        let worst = bounds.awards.iter().find(|b| b.id == m.id).map(|b| match b.max {
            Some(max) => t!(
                "at most %{max} for one applicant in a year",
                max = p.currency().amount(max)
            )
            .into_owned(),
            None => t!("no bound: the award grows with what the case gives").into_owned(),
        });
        items.push(Item {
            anchor,
            id: m.id.clone(),
            clause: m.clause.clone(),
            title: m.title.clone(),
            kind: t!("measure").into_owned(),
            text: m.text.clone(),
            rule,
            written: m.span.text(src).to_string(),
            params: used,
            worst,
            curve: curve::picture(&runner, i),
            examples: examples(&runner, &words, i),
        });
    }
    for b in &p.benefits {
        let decl = ast.benefits.iter().find(|d| d.id.node == b.id);
        let rule = b
            .conditions
            .iter()
            .map(|c| format!("{}{}", t!("When: "), words.expr(c)))
            .collect();
        items.push(Item {
            anchor: format!("b-{}", b.id),
            id: b.id.clone(),
            clause: b.clause.clone(),
            title: b.title.clone(),
            kind: t!("service").into_owned(),
            text: b.text.clone(),
            rule,
            written: decl.map(|d| d.span.text(src).to_string()).unwrap_or_default(),
            params: Vec::new(),
            worst: None,
            curve: None,
            examples: Vec::new(),
        });
    }
    for r in &p.rules {
        items.push(other(
            &r.id,
            &r.clause,
            &r.title,
            &r.text,
            t!("rule across measures").into_owned(),
            r.span.text(src),
        ));
    }
    for pool in &p.pools {
        let decl = ast.pools.iter().find(|d| d.id.node == pool.id);
        let written = decl.map(|d| d.span.text(src)).unwrap_or("");
        items.push(other(
            &pool.id,
            &pool.clause,
            &pool.title,
            &pool.text,
            t!("budget pool").into_owned(),
            written,
        ));
    }
    for c in &p.clauses {
        let decl = ast.clauses.iter().find(|d| d.id.node == c.id);
        let written = decl.map(|d| d.span.text(src)).unwrap_or("");
        items.push(other(
            &c.id,
            &c.clause,
            &c.title,
            &c.text,
            t!("clause").into_owned(),
            written,
        ));
    }
    // in clause order, as the published text is
    items.sort_by_key(|i| {
        let key = crate::check::clause_key(&i.clause);
        (key.is_none(), key)
    });
    let mut facts = Vec::new();
    if let Some(d) = p.header.effective {
        facts.push((t!("Effective").into_owned(), d.to_string()));
    }
    if let Some((from, to)) = p.header.in_force {
        facts.push((t!("In force").into_owned(), format!("{from} – {to}")));
    }
    // Yuan go without saying for a Chinese reader; another currency is stated.
    if let Some(c) = p.header.currency.as_ref().filter(|c| c.as_str() != "CNY") {
        facts.push((t!("Currency").into_owned(), c.clone()));
    }
    let changes = previous.map(
        |Previous {
             path: old_path,
             loaded: old,
             cases,
         }| {
            let old_side = crate::diff::Side {
                path: old_path,
                policy: &old.program.policy,
                ast: &old.ast,
                source: old.source(),
            };
            let new_side = crate::diff::Side {
                path,
                policy: p,
                ast,
                source: src,
            };
            let diff = crate::diff::compare(&old_side, &new_side);
            let impact =
                cases.map(|text| crate::diff::impact::impact(&diff, &old.program, &loaded.program, text, None));
            crate::report::diff::document(&diff, impact.as_ref())
        },
    );
    let outputs = p
        .values
        .iter()
        .filter(|v| v.output)
        .map(|v| (v.name.clone(), v.label.clone(), words.expr(&v.expr)))
        .collect();
    Book {
        source: path.to_string(),
        problems: problems(loaded),
        draft: false,
        title: p.header.title.clone(),
        version: p.header.version.clone(),
        facts,
        items,
        params,
        outputs,
        changes,
    }
}

/// A case as a reader writes it: each field under its label, amounts in
/// yuan, yes and no, choices by their label, lists item by item.
fn case_facts(p: &Policy, case: &serde_json::Value) -> Vec<(String, String)> {
    let Some(fields) = case.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, v) in fields {
        let (label, shown) = match key.as_str() {
            "id" => continue,
            "year" => (t!("award year").into_owned(), plain(v)),
            "date" => (t!("application date").into_owned(), plain(v)),
            "prior_awards" => (
                t!("already paid").into_owned(),
                v.as_array().map_or_else(
                    || plain(v),
                    |xs| {
                        xs.iter()
                            .map(|x| prior(p, x))
                            .collect::<Vec<_>>()
                            .join(t!("; ").as_ref())
                    },
                ),
            ),
            name => match p.inputs.iter().find(|i| i.name == name) {
                Some(def) => (
                    def.label.clone().unwrap_or_else(|| def.name.clone()),
                    shown(p, &def.ty, v),
                ),
                None => (name.to_string(), plain(v)),
            },
        };
        out.push((label, shown));
    }
    out
}

/// A JSON value as written, without quotes around a string.
fn plain(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// A prior award: which measure, which year, how much.
fn prior(p: &Policy, x: &serde_json::Value) -> String {
    let award = x["award"].as_str().unwrap_or("");
    let title = p
        .measures
        .iter()
        .find(|m| m.id == award)
        .map_or(award, |m| m.title.as_str());
    let amount = decimal_of(&x["amount"]).map_or_else(|| plain(&x["amount"]), |d| p.currency().amount(d));
    t!(
        "%{title} in %{year}: %{amount}",
        title = title,
        year = plain(&x["year"]),
        amount = amount
    )
    .into_owned()
}

fn decimal_of(v: &serde_json::Value) -> Option<rust_decimal::Decimal> {
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    text.trim().parse().ok()
}

/// A value of a declared type as a reader writes it.
fn shown(p: &Policy, ty: &crate::check::model::Ty, v: &serde_json::Value) -> String {
    use crate::check::model::Ty;
    match (ty.required(), v) {
        (_, serde_json::Value::Null) => t!("not given").into_owned(),
        (Ty::Money, _) => decimal_of(v).map_or_else(|| plain(v), |d| p.currency().amount(d)),
        (Ty::Bool, serde_json::Value::Bool(b)) => if *b { t!("yes") } else { t!("no") }.into_owned(),
        (Ty::Enum(en), _) => {
            let name = plain(v);
            p.enums
                .get(*en)
                .and_then(|e| {
                    e.values
                        .iter()
                        .find(|(n, l)| *n == name || l.as_deref() == Some(name.as_str()))
                })
                .map_or(name.clone(), |(n, l)| l.clone().unwrap_or_else(|| n.clone()))
        }
        (Ty::List(_), serde_json::Value::Array(xs)) if xs.is_empty() => t!("none").into_owned(),
        (Ty::List(item), serde_json::Value::Array(xs)) => {
            let items: Vec<String> = xs.iter().map(|x| shown(p, item, x)).collect();
            match item.required() {
                // records read one to a line: `1. …; 2. …`
                Ty::Record(_) => items
                    .iter()
                    .enumerate()
                    .map(|(k, x)| format!("{}. {x}", k + 1))
                    .collect::<Vec<_>>()
                    .join(t!("; ").as_ref()),
                _ => items.join("、"),
            }
        }
        (Ty::Record(r), serde_json::Value::Object(fields)) => {
            let Some(def) = p.records.get(*r) else {
                return plain(v);
            };
            if fields.is_empty() {
                return t!("(nothing given)").into_owned();
            }
            fields
                .iter()
                .map(|(k, x)| match def.fields.iter().find(|f| f.name == *k) {
                    Some(f) => format!(
                        "{}{}{}",
                        f.label.clone().unwrap_or_else(|| f.name.clone()),
                        crate::lang::colon(),
                        shown(p, &f.ty, x)
                    ),
                    None => format!("{k}{}{}", crate::lang::colon(), plain(x)),
                })
                .collect::<Vec<_>>()
                // (labels hold 、 themselves: fields are set apart by a comma)
                .join(if crate::lang::is_zh() { "，" } else { ", " })
        }
        _ => plain(v),
    }
}

/// The drafters' tests that fail and the rules whose numbers disagree with
/// their clause text: a book that shows them without saying so would publish
/// a contradiction.
fn problems(loaded: &Loaded) -> Vec<String> {
    let mut out = Vec::new();
    for r in crate::testing::run(&loaded.program).results {
        if !r.problems.is_empty() {
            out.push(
                t!(
                    "The drafters' test \"%{name}\" fails: %{problems}",
                    name = r.test.name,
                    problems = r.problems.join(t!("; ").as_ref())
                )
                .into_owned(),
            );
        }
    }
    for report in &loaded.reports {
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::check::TEXT_AGREEMENT)
        {
            let (line, _) = crate::span::line_col(&report.source, d.span.start);
            let said = t!(
                "%{message} (%{path}, line %{line})",
                message = d.message.text(),
                path = report.path,
                line = line
            )
            .into_owned();
            if !out.contains(&said) {
                out.push(said);
            }
        }
    }
    out
}

/// An item with no award of its own: a rule across measures, a pool, a clause.
fn other(id: &str, clause: &str, title: &str, text: &Option<String>, kind: String, written: &str) -> Item {
    Item {
        anchor: format!("i-{id}"),
        id: id.to_string(),
        clause: clause.to_string(),
        title: title.to_string(),
        kind,
        text: text.clone(),
        rule: Vec::new(),
        written: written.to_string(),
        params: Vec::new(),
        worst: None,
        curve: None,
        examples: Vec::new(),
    }
}

/// `500万元`, or with dated values `500万元（自 2026-01-01 起 800万元）`.
fn param_words(d: &ast::ParamDecl, src: &str) -> String {
    let mut s = d.value.span.text(src).to_string();
    for (date, v) in &d.dated {
        s.push_str(&t!(
            " (%{value} from %{date})",
            value = v.span.text(src),
            date = date.node
        ));
    }
    s
}

fn params_of<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<usize> {
    let mut out = Vec::new();
    for e in exprs {
        e.walk(&mut |x| {
            if let ExprKind::Param(i) = x.kind {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        });
    }
    out.sort_unstable();
    out
}

/// The drafters' tests that pay under measure `m`, each with its explanation of `m`.
fn examples(runner: &crate::run::Runner, words: &Words, m: usize) -> Vec<Example> {
    let program = runner.program;
    let p: &Policy = &program.policy;
    let mut out = Vec::new();
    for test in &p.tests {
        let Expected::Awards(awards, _) = &test.expect else {
            continue;
        };
        let Some((_, amount)) = awards.iter().find(|(i, a)| *i == m && !a.is_zero()) else {
            continue;
        };
        // A worked example is a round of one, as the drafters' test runs it.
        let Ok((crate::run::Ran { outcome, .. }, _)) = runner.one(&test.given, crate::run::Mode::Explained) else {
            continue;
        };
        let worded = words::Worded {
            words,
            written: crate::report::explain::Written(program),
        };
        let steps = crate::report::explain::steps(program, &outcome, m, &worded);
        let given = serde_json::from_str::<serde_json::Value>(&test.given)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| test.given.clone());
        // The arithmetic shown is the rule's: a test it contradicts says so beside it.
        let got = outcome.awards.get(m).copied().unwrap_or_default();
        let failing = (got != *amount).then(|| {
            t!(
                "This test fails: the rule as written gives %{got}, not the %{expected} the test expects.",
                got = p.currency().amount(got),
                expected = p.currency().amount(*amount)
            )
            .into_owned()
        });
        out.push(Example {
            name: test.name.clone(),
            facts: serde_json::from_str(&test.given)
                .map(|v| case_facts(p, &v))
                .unwrap_or_default(),
            given,
            // "expected" of a failing test is the test's claim, not what is due
            expected: if failing.is_some() {
                t!("the test expects: %{amount}", amount = p.currency().amount(*amount)).into_owned()
            } else {
                t!("expected: %{amount}", amount = p.currency().amount(*amount)).into_owned()
            },
            failing,
            steps,
        });
        // a few worked examples say more than every test
        if out.len() == 3 {
            break;
        }
    }
    out
}
