//! The policies a server serves: every `*.policy` file of one directory (with
//! its `.tests` file), each known by its file's stem. A file is loaded again
//! when it (or its tests file) changes; a version that fails to check is
//! refused with its diagnostics, and the one before it keeps serving.

use crate::date::Date;
use crate::load::{self, LoadError, Loaded};
use crate::report::diagnostics::{render, ErrorFormat};
use crate::report::result::Lines;
use crate::run::Runner;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

type RunnerOf<'p> = Runner<'p>;

self_cell::self_cell!(
    /// A loaded policy and its runner, built once: the case decoder's name
    /// tables borrow the policy, and rebuilding them on every request would cost
    /// more than evaluating the case.
    pub struct Ready {
        owner: Loaded,
        #[covariant]
        dependent: RunnerOf,
    }
);

/// One loaded version of a policy.
pub struct Entry {
    pub name: String,
    /// a digest of the policy's and its tests' text: which version this is
    pub digest: String,
    pub ready: Ready,
    pub lines: Lines,
    /// when it was loaded, seconds since 1970
    pub loaded_at: u64,
}

impl Entry {
    pub fn loaded(&self) -> &Loaded {
        self.ready.borrow_owner()
    }

    /// The runner for a request: parameters read as of `as_of`, else each case's own date.
    pub fn runner(&self, as_of: Option<Date>) -> Runner<'_> {
        self.ready.borrow_dependent().clone().as_of(as_of)
    }
}

/// A version that did not load, and why. Its diagnostics are kept as data
/// and worded when asked for: in the asker's language, each file named as the
/// served directory names it (never by a path of the server's disk).
#[derive(Clone)]
pub struct Refused {
    pub digest: String,
    pub at: u64,
    why: Why,
}

#[derive(Clone)]
enum Why {
    /// the file could not be read (the message names the file relatively)
    Unreadable(String),
    /// it does not check: each file's problems, its path relative to the directory
    Invalid(Vec<load::FileReport>),
}

impl Refused {
    /// The diagnostics as the plain format writes them, in the language of the moment.
    pub fn diagnostics(&self) -> String {
        match &self.why {
            Why::Unreadable(message) => message.clone(),
            Why::Invalid(reports) => reports
                .iter()
                .map(|r| render(&r.diagnostics, &r.path, &r.source, ErrorFormat::Plain, false))
                .collect(),
        }
    }
}

/// What a scan found changed, for the log.
pub enum Event {
    Loaded {
        name: String,
        digest: String,
    },
    Refused {
        name: String,
        diagnostics: String,
        /// the digest of the version still served under this name, if any
        serving: Option<String>,
    },
    Removed {
        name: String,
    },
}

#[derive(Clone, PartialEq, Eq)]
struct Stamp(Option<(SystemTime, u64)>, Option<(SystemTime, u64)>);

#[derive(Default)]
struct State {
    entries: BTreeMap<String, Arc<Entry>>,
    refused: BTreeMap<String, Refused>,
    stamps: BTreeMap<String, Stamp>,
    /// files seen changed by the watcher, not loaded yet: each is loaded once
    /// it is seen again unchanged, so that a file still being written is never read
    settling: BTreeMap<String, Stamp>,
}

pub struct Registry {
    dir: PathBuf,
    state: RwLock<State>,
}

impl Registry {
    pub fn new(dir: &Path) -> Registry {
        Registry {
            dir: dir.to_path_buf(),
            state: RwLock::new(State::default()),
        }
    }

    /// The version being served under `name`. Names come from the directory
    /// listing only: nothing a request says is ever turned into a path.
    pub fn get(&self, name: &str) -> Option<Arc<Entry>> {
        self.state.read().ok()?.entries.get(name).cloned()
    }

    pub fn all(&self) -> (Vec<Arc<Entry>>, BTreeMap<String, Refused>) {
        match self.state.read() {
            Ok(s) => (s.entries.values().cloned().collect(), s.refused.clone()),
            Err(_) => (Vec::new(), BTreeMap::new()),
        }
    }

    pub fn refused(&self, name: &str) -> Option<Refused> {
        self.state.read().ok()?.refused.get(name).cloned()
    }

    /// Loads what changed since the last scan.
    pub fn scan(&self) -> Vec<Event> {
        self.scan_files(false)
    }

    /// As `scan`, for the watcher: a changed file is loaded only when it is
    /// found the same on the next scan. An editor that writes a file in place
    /// (truncate, then write) is otherwise caught half-way, and the half is refused.
    pub fn scan_settled(&self) -> Vec<Event> {
        self.scan_files(true)
    }

    fn scan_files(&self, settle: bool) -> Vec<Event> {
        let mut events = Vec::new();
        let files = policy_files(&self.dir);
        let stamps: Vec<(String, PathBuf, Stamp)> = files
            .into_iter()
            .map(|(name, path)| {
                let stamp = Stamp(stamp(&path), stamp(&load::tests_path(&path)));
                (name, path, stamp)
            })
            .collect();
        let changed: Vec<&(String, PathBuf, Stamp)> = match self.state.write() {
            Ok(mut s) => {
                let changed: Vec<_> = stamps.iter().filter(|(n, _, st)| s.stamps.get(n) != Some(st)).collect();
                if settle {
                    // Ready: found as the scan before found it. The others wait a scan.
                    let (ready, waiting): (Vec<_>, Vec<_>) = changed
                        .into_iter()
                        .partition(|(n, _, st)| s.settling.get(n) == Some(st));
                    for (n, _, st) in &waiting {
                        s.settling.insert(n.clone(), st.clone());
                    }
                    for (n, _, _) in &ready {
                        s.settling.remove(n);
                    }
                    ready
                } else {
                    changed
                }
            }
            Err(_) => return events,
        };
        // Loading happens outside the lock: requests keep being served meanwhile.
        let results: Vec<(String, Stamp, Result<Entry, Refused>)> = changed
            .into_iter()
            .map(|(name, path, st)| (name.clone(), st.clone(), load_one(name, path)))
            .collect();
        let Ok(mut s) = self.state.write() else {
            return events;
        };
        for (name, st, result) in results {
            s.stamps.insert(name.clone(), st);
            match result {
                Ok(entry) => {
                    events.push(Event::Loaded {
                        name: name.clone(),
                        digest: entry.digest.clone(),
                    });
                    s.refused.remove(&name);
                    s.entries.insert(name, Arc::new(entry));
                }
                Err(refused) => {
                    events.push(Event::Refused {
                        name: name.clone(),
                        diagnostics: refused.diagnostics(),
                        serving: s.entries.get(&name).map(|e| e.digest.clone()),
                    });
                    s.refused.insert(name, refused);
                }
            }
        }
        let present: Vec<&String> = stamps.iter().map(|(n, _, _)| n).collect();
        let gone: Vec<String> = s.stamps.keys().filter(|n| !present.contains(n)).cloned().collect();
        for name in gone {
            s.stamps.remove(&name);
            s.refused.remove(&name);
            if s.entries.remove(&name).is_some() {
                events.push(Event::Removed { name });
            }
        }
        events
    }
}

fn load_one(name: &str, path: &Path) -> Result<Entry, Refused> {
    let source = load::read_source(path).unwrap_or_default();
    let tests = load::read_source(&load::tests_path(path)).unwrap_or_default();
    let digest = digest(&[&source, &tests]);
    let now = now();
    crate::lang::follow_source(&source);
    match load::load(path) {
        Ok(loaded) => Ok(Entry {
            name: name.to_string(),
            digest,
            lines: Lines::new(&loaded.program.policy),
            ready: Ready::new(loaded, |l| Runner::new(&l.program)),
            loaded_at: now,
        }),
        Err(LoadError::Io(message)) => Err(Refused {
            digest,
            at: now,
            why: Why::Unreadable(message.replace(&path.display().to_string(), &format!("{name}.policy"))),
        }),
        Err(LoadError::Invalid(mut reports)) => {
            // named as the directory names them: the policy and its tests file
            let tests_path = load::tests_path(path).display().to_string();
            for r in &mut reports {
                r.path = if r.path == tests_path {
                    format!("{name}.tests")
                } else {
                    format!("{name}.policy")
                };
            }
            Err(Refused {
                digest,
                at: now,
                why: Why::Invalid(reports),
            })
        }
    }
}

/// The `*.policy` files directly in `dir`, by stem, in name order.
fn policy_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "policy"))
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    out.sort();
    out
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// 64-bit FNV-1a of the texts, in hex: the same text gives the same version
/// on every machine and every run.
fn digest(texts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in texts {
        for b in t.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::{digest, Event, Registry};
    use std::path::Path;

    #[test]
    fn the_watcher_loads_a_changed_file_only_once_it_stops_changing() {
        let dir = std::env::temp_dir().join(format!("zhice-settle-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/corpus/P02-highest-only.policy");
        let text = std::fs::read_to_string(policy).expect("policy");
        let file = dir.join("p.policy");
        std::fs::write(&file, &text).expect("write");
        let r = Registry::new(&dir);
        let loaded = |events: &[Event]| events.iter().filter(|e| matches!(e, Event::Loaded { .. })).count();
        let refused = |events: &[Event]| events.iter().filter(|e| matches!(e, Event::Refused { .. })).count();
        // at start, everything at once
        assert_eq!(loaded(&r.scan()), 1);
        // half a file, as an editor writing in place leaves it for a moment: not read
        std::fs::write(&file, &text.as_bytes()[..text.len() / 3]).expect("write");
        let first = r.scan_settled();
        assert!(first.is_empty(), "a file seen changed once waits a scan");
        // the write finishes before the next scan: the whole file is what is loaded
        std::fs::write(&file, text.replacen("P02", "P02 ", 1)).expect("write");
        assert!(r.scan_settled().is_empty(), "changed again: it waits again");
        let settled = r.scan_settled();
        assert_eq!(
            (loaded(&settled), refused(&settled)),
            (1, 0),
            "loaded once it stopped changing"
        );
        assert!(r.scan_settled().is_empty(), "and not again");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn digests_depend_on_every_text() {
        assert_eq!(digest(&["a", "b"]), digest(&["a", "b"]));
        assert_ne!(digest(&["a", "b"]), digest(&["ab", ""]));
        assert_eq!(digest(&[""]).len(), 16);
    }
}
