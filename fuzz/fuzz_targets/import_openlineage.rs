//! Fuzz target for the OpenLineage importer: arbitrary bytes through `openlineage::read`, as
//! JSON Lines or a JSON array. It never panics, and what it reads always makes a valid map:
//! every edge joins two assets, ids are unique, latencies are finite and not negative, and the
//! lineage does not loop (the edges that would close a loop are cut).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > takt_fuzz::MAX_LEN {
        return;
    }
    let Ok(l) = takt_core::openlineage::read(data) else {
        return;
    };
    let mut map = takt_core::ValueStream::new("fuzz");
    map.assets = l.assets;
    map.lineage = l.edges;
    if let Err(e) = takt_core::validate(&map) {
        panic!("imported lineage is not a valid map: {e}");
    }
    let ops = takt_core::openlineage::merge_ops(&map, &Default::default());
    assert!(ops.is_empty(), "nothing to merge from nothing");
});
