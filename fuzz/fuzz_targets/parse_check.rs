//! Parsing and checking never panic, hang or overflow the stack, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = zhice::load::load_text("fuzz", text.to_string(), None);
    }
});
