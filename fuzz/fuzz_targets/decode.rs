//! Decoding a case line never panics, whatever the bytes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(line) = std::str::from_utf8(data) {
        let _ = zhice::case::Reader::new(&common::tongzhou().policy).line(line, 1);
    }
});
