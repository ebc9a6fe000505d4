//! What the fuzz targets share: the bundled policies, each loaded once.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zhice::compile::Program;
use zhice::load::Loaded;

pub fn tongzhou() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let source = include_str!("../../policies/tongzhou-2025-draft.policy").to_string();
        match zhice::load::load_text("tongzhou", source, None) {
            Ok(l) => l.program,
            Err(_) => panic!("the bundled policy must load"),
        }
    })
}

/// The repository's `policies/` folder.
pub fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

/// Every bundled policy (Tongzhou, the amendment, the corpus, the examples),
/// by file name, in name order.
pub fn bundled() -> &'static [(String, Loaded)] {
    static ALL: OnceLock<Vec<(String, Loaded)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut files = Vec::new();
        for dir in ["", "corpus", "examples"] {
            let Ok(entries) = std::fs::read_dir(policies_dir().join(dir)) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "policy") {
                    files.push(p);
                }
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|p| match zhice::load::load(&p) {
                Ok(l) => (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), l),
                Err(_) => panic!("the bundled policy {} must load", p.display()),
            })
            .collect()
    })
}

/// The bundled policy called `name` (its file name).
pub fn named(name: &str) -> &'static Loaded {
    match bundled().iter().find(|(n, _)| n == name) {
        Some((_, l)) => l,
        None => panic!("no bundled policy {name}"),
    }
}
