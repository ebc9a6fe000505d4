//! Compares two checked policies, not their text: what changed in meaning,
//! clause by clause (`compare`), and what it does to applicants and to the
//! budget (`impact`). Rendering is in `report::diff`.

pub mod impact;
mod measures;
mod schema;
pub mod text;

use crate::check::model::{ParamDef, Policy};
use crate::syntax::ast;
use serde::Serialize;

/// One version of a policy, with what a reviewer needs to see its rules as written.
pub struct Side<'a> {
    pub path: &'a str,
    pub policy: &'a Policy,
    pub ast: &'a ast::File,
    pub source: &'a str,
}

/// Everything that differs between two versions.
#[derive(Debug, Serialize)]
pub struct PolicyDiff {
    pub old_path: String,
    pub new_path: String,
    /// each version's title and version label, as a reviewer names it
    pub old_name: String,
    pub new_name: String,
    pub header: Vec<Change>,
    pub schema: Vec<SchemaChange>,
    pub params: Vec<ParamChange>,
    /// named values added, removed or given a new formula
    pub values: Vec<ItemChange>,
    pub measures: Vec<ItemChange>,
    /// rules across measures added, removed or changed
    pub rules: Vec<ItemChange>,
    /// budget pools added, removed or changed
    pub pools: Vec<ItemChange>,
    pub benefits: Vec<ItemChange>,
    /// the most an award can pay one applicant in a year, where it changed
    /// (`unbounded` when nothing bounds it, `—` when the award does not exist)
    pub exposure: Vec<Change>,
}

/// `关于…若干措施（征求意见稿）`: the title, and the version label when there is one.
fn policy_name(p: &Policy) -> String {
    match &p.header.version {
        Some(v) => format!("{}（{v}）", p.header.title),
        None => p.header.title.clone(),
    }
}

/// Which kind of rows changed: a stable code in JSON (`tier`, `band`), its
/// words in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rows {
    Tier,
    Band,
}

impl Rows {
    pub fn words(self) -> std::borrow::Cow<'static, str> {
        match self {
            Rows::Tier => t!("tier"),
            Rows::Band => t!("band"),
        }
    }
}

impl std::fmt::Display for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words())
    }
}

impl PolicyDiff {
    /// The heading of a review: `标题（征求意见稿） → （修订稿）`, the title said once when both share it.
    pub fn heading(&self) -> String {
        let old_title = self.old_name.split('（').next().unwrap_or("");
        let new_title = self.new_name.split('（').next().unwrap_or("");
        if self.old_name == self.new_name {
            return self.old_name.clone();
        }
        match self.new_name.strip_prefix(old_title) {
            Some(rest) if old_title == new_title && !rest.is_empty() => format!("{} → {rest}", self.old_name),
            _ => format!("{} → {}", self.old_name, self.new_name),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.header.is_empty()
            && self.schema.is_empty()
            && self.params.is_empty()
            && self.values.is_empty()
            && self.measures.is_empty()
            && self.rules.is_empty()
            && self.pools.is_empty()
            && self.benefits.is_empty()
            && self.exposure.is_empty()
    }
}

/// A value that changed: `what`, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub what: String,
    pub old: String,
    pub new: String,
}

/// A change to the case format: an input, a record field or an enum value.
/// A change to the case format. In JSON, `change` is a stable code
/// (`range-changed`) and `change_words` says it in the reader's language.
#[derive(Debug, Clone)]
pub struct SchemaChange {
    /// `dcmm_level`, `Standard.rank`, `Prize.fourth`
    pub item: String,
    pub change: SchemaChangeKind,
    pub old: Option<String>,
    pub new: Option<String>,
    /// existing case files would stop working
    pub breaking: bool,
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchemaChangeKind {
    NowRequired,
    NoLongerRequired,
    ValueAdded,
    ValueRemoved,
    Added,
    Removed,
    TypeChanged,
    RangeChanged,
    DefaultChanged,
    LabelChanged,
}

impl SchemaChangeKind {
    pub fn words(self) -> std::borrow::Cow<'static, str> {
        match self {
            SchemaChangeKind::NowRequired => t!("now required"),
            SchemaChangeKind::NoLongerRequired => t!("no longer required"),
            SchemaChangeKind::ValueAdded => t!("value added"),
            SchemaChangeKind::ValueRemoved => t!("value removed"),
            SchemaChangeKind::Added => t!("added"),
            SchemaChangeKind::Removed => t!("removed"),
            SchemaChangeKind::TypeChanged => t!("type changed"),
            SchemaChangeKind::RangeChanged => t!("range changed"),
            SchemaChangeKind::DefaultChanged => t!("default changed"),
            SchemaChangeKind::LabelChanged => t!("label changed"),
        }
    }
}

impl Serialize for SchemaChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut m = s.serialize_struct("SchemaChange", 7)?;
        m.serialize_field("item", &self.item)?;
        m.serialize_field("change", &self.change)?;
        m.serialize_field("change_words", &self.change.words())?;
        m.serialize_field("old", &self.old)?;
        m.serialize_field("new", &self.new)?;
        m.serialize_field("breaking", &self.breaking)?;
        m.serialize_field("why", &self.why)?;
        m.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamChange {
    pub name: String,
    /// the name it had before, when it was renamed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    pub label: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    /// measures that read it, in the new version (or the old, if removed)
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Renamed,
    Changed,
}

/// A measure or benefit that was added, removed, renamed or changed.
#[derive(Debug, Clone, Serialize)]
pub struct ItemChange {
    pub status: Status,
    pub id: String,
    /// the old id, when renamed
    pub old_id: Option<String>,
    pub clause: String,
    pub title: String,
    pub details: Vec<Detail>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    Title {
        old: String,
        new: String,
    },
    Clause {
        old: String,
        new: String,
    },
    /// the clause's own text, with a character-level diff
    Text {
        old: String,
        new: String,
        pieces: Vec<text::Piece>,
    },
    Conditions {
        removed: Vec<String>,
        added: Vec<String>,
    },
    /// the award rule as written, when it changed
    Award {
        old: Vec<String>,
        new: Vec<String>,
    },
    Precedence {
        old: String,
        new: String,
    },
    /// rows of a tier table or bands, by their keys
    Tiers {
        what: Rows,
        added: Vec<String>,
        removed: Vec<String>,
        changed: Vec<Change>,
    },
    Caps {
        removed: Vec<String>,
        added: Vec<String>,
    },
    Flag {
        what: String,
        old: bool,
        new: bool,
    },
    /// a parameter this measure reads changed value
    Parameter {
        name: String,
        old: String,
        new: String,
    },
    /// a named value this measure reads, or a rule across measures it belongs to, changed
    Reads {
        what: String,
        old: String,
        new: String,
    },
    /// the formula of a named value, or the statement of a rule across measures
    Formula {
        old: Vec<String>,
        new: Vec<String>,
    },
    /// the whole rule of an added or removed item, as written
    Rule {
        lines: Vec<String>,
    },
    /// the rule changed while the clause text did not (`rule_changed`), or the reverse:
    /// one of the two was probably forgotten
    Unmatched {
        rule_changed: bool,
    },
}

impl Detail {
    /// Adds `Unmatched` when a changed item's rule and text did not change
    /// together. `own` are the parameters its own rule reads: a named value or
    /// a rule across measures has its own text, so a change there (or in a
    /// parameter only they read) says nothing about this item's text.
    pub fn flag_unmatched(mut details: Vec<Detail>, own: &[&str]) -> Vec<Detail> {
        let text = details.iter().any(|d| matches!(d, Detail::Text { .. }));
        let rule = details.iter().any(|d| match d {
            Detail::Reads { .. } => false,
            Detail::Parameter { name, .. } => own.contains(&name.as_str()),
            d => d.affects_amounts(),
        });
        if text != rule {
            details.push(Detail::Unmatched { rule_changed: rule });
        }
        details
    }

    /// The reviewer's warning for `Unmatched`.
    pub fn unmatched_words(rule_changed: bool) -> String {
        if rule_changed {
            t!("the rule changed but its clause text did not: check the text still says what the rule does")
        } else {
            t!("the clause text changed but its rule did not: check the rule still does what the text says")
        }
        .into_owned()
    }
}

impl Detail {
    /// True when the change can alter an amount (not only wording).
    pub fn affects_amounts(&self) -> bool {
        !matches!(
            self,
            Detail::Title { .. } | Detail::Clause { .. } | Detail::Text { .. } | Detail::Unmatched { .. }
        )
    }

    /// One line for attribution: why an award moved.
    pub fn summary(&self) -> String {
        match self {
            Detail::Title { .. } => t!("title changed").into(),
            Detail::Clause { old, new } => t!("clause %{old} → %{new}", old = old, new = new).into(),
            Detail::Text { .. } => t!("clause text changed").into(),
            Detail::Unmatched { rule_changed } => Detail::unmatched_words(*rule_changed),
            Detail::Conditions { .. } => t!("conditions changed").into(),
            Detail::Award { .. } => t!("award rule changed").into(),
            Detail::Precedence { old, new } => t!("precedence %{old} → %{new}", old = old, new = new).into(),
            Detail::Tiers {
                what,
                added,
                removed,
                changed,
            } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(t!("%{what} added: %{rows}", what = what, rows = added.join("; ")).into_owned());
                }
                if !removed.is_empty() {
                    parts.push(t!("%{what} removed: %{rows}", what = what, rows = removed.join("; ")).into_owned());
                }
                for c in changed {
                    parts.push(format!("{what} {}: {} → {}", c.what, c.old, c.new));
                }
                parts.join(", ")
            }
            Detail::Caps { .. } => t!("caps changed").into(),
            Detail::Flag { what, new, .. } => if *new {
                t!("%{what} added", what = what)
            } else {
                t!("%{what} removed", what = what)
            }
            .into(),
            Detail::Parameter { name, old, new } => format!("{name}: {old} → {new}"),
            // A value's formula or a rule's statement is too long to repeat beside every case.
            Detail::Reads { what, .. } => t!("%{what} changed", what = what).into(),
            Detail::Formula { .. } => t!("formula changed").into(),
            Detail::Rule { .. } => t!("rule").into(),
        }
    }
}

/// Compares two versions of a policy.
pub fn compare(old: &Side, new: &Side) -> PolicyDiff {
    PolicyDiff {
        old_path: old.path.to_string(),
        new_path: new.path.to_string(),
        old_name: policy_name(old.policy),
        new_name: policy_name(new.policy),
        header: header(old.policy, new.policy),
        schema: schema::compare(old.policy, new.policy),
        params: params(old.policy, new.policy),
        values: measures::values(old, new),
        measures: measures::measures(old, new),
        rules: measures::rules(old, new),
        pools: measures::pools(old, new),
        benefits: measures::benefits(old, new),
        exposure: exposure(old, new),
    }
}

/// Worst-case exposure per award, where it differs between the versions.
fn exposure(old: &Side, new: &Side) -> Vec<Change> {
    let (a, b) = (
        crate::bounds::bounds(old.policy, old.source),
        crate::bounds::bounds(new.policy, new.source),
    );
    let show = |bounds: &crate::bounds::Bounds, id: &str| match bounds.awards.iter().find(|x| x.id == id) {
        None => "—".to_string(),
        Some(x) => x.max.map_or("unbounded".into(), crate::number::money),
    };
    let mut ids: Vec<&str> = a.awards.iter().map(|x| x.id.as_str()).collect();
    ids.extend(
        b.awards
            .iter()
            .map(|x| x.id.as_str())
            .filter(|id| !a.awards.iter().any(|x| x.id == *id)),
    );
    let mut out: Vec<Change> = ids
        .into_iter()
        .map(|id| Change {
            what: id.to_string(),
            old: show(&a, id),
            new: show(&b, id),
        })
        .filter(|c| c.old != c.new)
        .collect();
    let total = |x: &crate::bounds::Bounds| x.total.map_or("unbounded".into(), crate::number::money);
    if !out.is_empty() && total(&a) != total(&b) {
        out.push(Change {
            what: t!("total").into(),
            old: total(&a),
            new: total(&b),
        });
    }
    out
}

fn header(old: &Policy, new: &Policy) -> Vec<Change> {
    let (o, n) = (&old.header, &new.header);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let date = |d: &Option<ast::Date>| d.map_or("—".into(), |d| d.to_string());
    let period = |h: &crate::check::model::Header| h.in_force.map_or("—".into(), |(f, t)| format!("{f} to {t}"));
    let rounding = |p: &Policy| {
        p.header.rounding.as_ref().map_or("—".to_string(), |r| {
            let mode = r.mode.keyword();
            let places: Vec<&str> = [(r.after_rate, "after each rate"), (r.on_award, "on each award")]
                .into_iter()
                .filter_map(|(on, t)| on.then_some(t))
                .collect();
            format!("{} {mode} {}", r.unit, places.join(" and "))
        })
    };
    let pairs = [
        ("title", o.title.clone(), n.title.clone()),
        ("version", opt(&o.version), opt(&n.version)),
        ("effective", date(&o.effective), date(&n.effective)),
        ("in force", period(o), period(n)),
        ("currency", opt(&o.currency), opt(&n.currency)),
        ("rounding", rounding(old), rounding(new)),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(what, old, new)| Change {
            what: what.into(),
            old,
            new,
        })
        .collect()
}

/// A parameter's value as a drafter writes it, with its dated values.
pub fn param_value(p: &ParamDef, currency: crate::currency::Currency) -> String {
    let mut s = p.value.written(currency);
    for (from, v) in &p.dated {
        s.push_str(&format!(", from {from}: {}", v.written(currency)));
    }
    s
}

/// Parameters removed from `old` and added to `new` that are one parameter
/// renamed: the same measures read them, or they carry the same label.
/// Pairs of (old name, new name).
pub(crate) fn renamed_params(old: &Policy, new: &Policy) -> Vec<(String, String)> {
    let removed: Vec<_> = old
        .params
        .iter()
        .filter(|o| !new.params.iter().any(|n| n.name == o.name))
        .collect();
    let added: Vec<_> = new
        .params
        .iter()
        .filter(|n| !old.params.iter().any(|o| o.name == n.name))
        .collect();
    let mut pairs = Vec::new();
    for o in removed {
        let users = measures::users(old, &o.name);
        let same = |n: &&&ParamDef| {
            n.ty == o.ty
                && ((!users.is_empty() && measures::users(new, &n.name) == users)
                    || (o.label.is_some() && n.label == o.label))
        };
        let candidates: Vec<_> = added.iter().filter(same).collect();
        // Only a single, unclaimed candidate is a rename; anything else stays two changes.
        if let [n] = candidates.as_slice() {
            if !pairs.iter().any(|(_, taken): &(String, String)| *taken == n.name) {
                pairs.push((o.name.clone(), n.name.clone()));
            }
        }
    }
    pairs
}

fn params(old: &Policy, new: &Policy) -> Vec<ParamChange> {
    let renamed = renamed_params(old, new);
    let mut out = Vec::new();
    for o in &old.params {
        let now = renamed
            .iter()
            .find(|(a, _)| *a == o.name)
            .map_or(o.name.as_str(), |(_, b)| b.as_str());
        let n = new.params.iter().find(|p| p.name == now);
        let (old_v, new_v) = (
            param_value(o, old.currency()),
            n.map(|p| param_value(p, new.currency())),
        );
        if now == o.name && new_v.as_deref() == Some(old_v.as_str()) {
            continue;
        }
        let used_by = measures::users(if n.is_some() { new } else { old }, now);
        out.push(ParamChange {
            name: now.to_string(),
            old_name: (now != o.name).then(|| o.name.clone()),
            label: n.and_then(|p| p.label.clone()).or_else(|| o.label.clone()),
            old: Some(old_v),
            new: new_v,
            used_by,
        });
    }
    for n in new
        .params
        .iter()
        .filter(|n| !old.params.iter().any(|o| o.name == n.name) && !renamed.iter().any(|(_, b)| *b == n.name))
    {
        out.push(ParamChange {
            name: n.name.clone(),
            old_name: None,
            label: n.label.clone(),
            old: None,
            new: Some(param_value(n, new.currency())),
            used_by: measures::users(new, &n.name),
        });
    }
    out
}
