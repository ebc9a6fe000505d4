//! The documents an editor has open, and what zhice knows of each policy: a
//! policy and its sibling `.tests` file are analysed together, from the
//! editor's text when the file is open and from disk when it is not.

use super::known::{self, Known};
use super::text::LineIndex;
use crate::check::names::{NameUse, Symbol};
use crate::load::{self, Analysed};
use lsp_types::Url;
use std::collections::HashMap;
use std::path::PathBuf;

/// A policy and its tests file, analysed.
pub struct Unit {
    pub policy: Url,
    pub tests: Option<Url>,
    pub policy_text: String,
    pub tests_text: Option<String>,
    pub policy_lines: LineIndex,
    pub tests_lines: Option<LineIndex>,
    pub analysed: Analysed,
    /// the names declared by the last version that parsed, for completion
    pub known: Vec<Known>,
}

/// Which file of a unit a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Policy,
    Tests,
}

impl Unit {
    pub fn text(&self, side: Side) -> &str {
        match side {
            Side::Policy => &self.policy_text,
            Side::Tests => self.tests_text.as_deref().unwrap_or(""),
        }
    }

    pub fn lines(&self, side: Side) -> Option<&LineIndex> {
        match side {
            Side::Policy => Some(&self.policy_lines),
            Side::Tests => self.tests_lines.as_ref(),
        }
    }

    pub fn uri(&self, side: Side) -> Option<&Url> {
        match side {
            Side::Policy => Some(&self.policy),
            Side::Tests => self.tests.as_ref(),
        }
    }

    /// The name written at `offset` of `side`, as the checker resolved it.
    pub fn name_at(&self, side: Side, offset: usize) -> Option<&NameUse> {
        let in_tests = side == Side::Tests;
        self.analysed
            .names
            .iter()
            .find(|n| n.in_tests == in_tests && n.span.start <= offset && offset <= n.span.end)
    }

    /// Every occurrence of `symbol`, declaration first.
    pub fn occurrences(&self, symbol: &Symbol) -> Vec<&NameUse> {
        let mut all: Vec<&NameUse> = self.analysed.names.iter().filter(|n| n.symbol == *symbol).collect();
        all.sort_by_key(|n| (!n.decl, n.in_tests, n.span.start));
        all.dedup_by_key(|n| (n.in_tests, n.span));
        all
    }
}

#[derive(Default)]
pub struct Workspace {
    /// open documents: their text as the editor has it
    open: HashMap<Url, String>,
    /// analysed policies, by the policy's address
    units: HashMap<Url, Unit>,
}

impl Workspace {
    pub fn set(&mut self, uri: Url, text: String) {
        self.open.insert(uri, text);
    }

    pub fn close(&mut self, uri: &Url) {
        self.open.remove(uri);
    }

    pub fn text(&self, uri: &Url) -> Option<&str> {
        self.open.get(uri).map(String::as_str)
    }

    /// The unit a document belongs to, and which file of it the document is.
    pub fn unit(&self, uri: &Url) -> Option<(&Unit, Side)> {
        let (policy, side) = addresses(uri);
        self.units.get(&policy).map(|u| (u, side))
    }

    /// Analyses the unit `uri` belongs to again; gives its policy's address.
    pub fn analyse(&mut self, uri: &Url) -> Option<Url> {
        let (policy, _) = addresses(uri);
        let tests = tests_address(&policy);
        let policy_text = self.read(&policy)?;
        let tests_text = tests.as_ref().and_then(|t| self.read(t));
        let shown = policy
            .to_file_path()
            .map_or_else(|_| policy.to_string(), |p| p.display().to_string());
        let tests_arg = match (&tests, &tests_text) {
            (Some(t), Some(text)) => {
                let shown = t
                    .to_file_path()
                    .map_or_else(|_| t.to_string(), |p| p.display().to_string());
                Some((shown, text.clone()))
            }
            _ => None,
        };
        let analysed = load::analyse(&shown, policy_text.clone(), tests_arg);
        let known = match analysed.ast() {
            Some(ast) => known::known(ast, &policy_text),
            None => self.units.remove(&policy).map(|u| u.known).unwrap_or_default(),
        };
        let unit = Unit {
            known,
            tests: tests.filter(|_| tests_text.is_some()),
            policy_lines: LineIndex::new(&policy_text),
            tests_lines: tests_text.as_deref().map(LineIndex::new),
            policy: policy.clone(),
            policy_text,
            tests_text,
            analysed,
        };
        self.units.insert(policy.clone(), unit);
        Some(policy)
    }

    /// Every policy analysed so far.
    pub fn policies(&self) -> Vec<Url> {
        self.units.keys().cloned().collect()
    }

    pub fn get(&self, policy: &Url) -> Option<&Unit> {
        self.units.get(policy)
    }

    /// The editor's text when the file is open, else the file on disk.
    fn read(&self, uri: &Url) -> Option<String> {
        if let Some(text) = self.open.get(uri) {
            return Some(text.clone());
        }
        let path = uri.to_file_path().ok()?;
        load::read_source(&path).ok()
    }
}

/// The policy a document belongs to, and which file of it the document is:
/// `x.tests` belongs to `x.policy`; any other document is a policy.
fn addresses(uri: &Url) -> (Url, Side) {
    if uri.path().ends_with(".tests") {
        if let Some(policy) = sibling(uri, "policy") {
            return (policy, Side::Tests);
        }
    }
    (uri.clone(), Side::Policy)
}

fn tests_address(policy: &Url) -> Option<Url> {
    sibling(policy, "tests")
}

fn sibling(uri: &Url, extension: &str) -> Option<Url> {
    let path: PathBuf = uri.to_file_path().ok()?;
    Url::from_file_path(path.with_extension(extension)).ok()
}
