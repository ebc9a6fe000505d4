//! Helpers several test files share.

#![allow(dead_code, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The corpus entries encoded under `policies/corpus/`, in order.
pub const CORPUS: [&str; 9] = [
    "P01-group-cap",
    "P02-highest-only",
    "P03-relaxed-cap",
    "P04-marginal-bands",
    "P05-list-aggregates",
    "P06-growth",
    "P07-dates",
    "P08-area-rent",
    "P09-budget-pool",
];

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`.
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
