//! Fuzz target for the JSON importer: arbitrary bytes through `format::parse` and `format::load`;
//! for every map that loads, the invariants of the analysis, the canonical writer and the Monte
//! Carlo (see `takt_fuzz::check_loaded`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > takt_fuzz::MAX_LEN {
        return;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        takt_fuzz::check_text(text);
    }
});
