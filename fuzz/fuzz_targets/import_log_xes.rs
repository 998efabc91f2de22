//! Fuzz target for the XES reader (`takt mine log.xes`): arbitrary bytes through
//! `takt_mine::xes::read_xes` (as a plain file and, when they start with gzip's magic, as a
//! gzipped one), then the statistics and the mined map. It never panics; what it reads always
//! gives a valid map.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > takt_fuzz::MAX_LEN {
        return;
    }
    let keys = takt_mine::xes::XesKeys::default();
    let time = takt_mine::TimeOptions::default();
    let Ok(Some(mut log)) = takt_mine::xes::read_xes(data, "fuzz.xes", &keys, &time, &mut |_| true) else {
        return;
    };
    let mut m = takt_mine::mine(&mut log, false);
    let mined = takt_mine::build(&log, &m.events, &m.runs, &mut m.samples, &Default::default());
    if let Err(e) = takt_core::validate(&mined.map) {
        panic!("the mined map is not valid: {e}");
    }
    let s = takt_mine::stats::stats(&log, &mut m.samples);
    assert_eq!(s.events as usize, m.events.len());
});
