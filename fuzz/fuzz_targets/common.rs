//! What the fuzz targets share: the bundled policy, compiled once.

use std::sync::OnceLock;
use zhice::compile::Program;

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
