//! Fuzz target for the event-log reader (`takt mine`, the import wizard): arbitrary bytes
//! through `takt_mine::read_csv`, then the statistics and the mined map. It never panics; what
//! it reads always gives finite figures and a valid map, at every frequency filter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > takt_fuzz::MAX_LEN {
        return;
    }
    // The first byte chooses the options: times without a zone at +01:00, a chrono format,
    // reversed events skipped, starts from the previous event.
    let (flags, data) = data.split_first().map_or((0, data), |(f, d)| (*f, d));
    let opts = takt_mine::CsvOptions {
        time: takt_mine::TimeOptions {
            offset: chrono::FixedOffset::east_opt(if flags & 1 != 0 { 3600 } else { 0 }).unwrap(),
            format: (flags & 2 != 0).then(|| "%d/%m/%Y %H:%M".to_string()),
        },
        skip_reversed: flags & 4 != 0,
        ..Default::default()
    };
    let Ok(mut log) = takt_mine::read_csv(data, "fuzz.csv", &opts) else {
        return;
    };
    let mut m = takt_mine::mine(&mut log, flags & 8 != 0);
    for share in [0.0, 0.05, 0.5] {
        let mined = takt_mine::build(
            &log,
            &m.events,
            &m.runs,
            &mut m.samples,
            &takt_mine::MapOptions {
                min_share: share,
                ..Default::default()
            },
        );
        if let Err(e) = takt_core::validate(&mined.map) {
            panic!("the mined map is not valid: {e}");
        }
    }
    let s = takt_mine::stats::stats(&log, &mut m.samples);
    assert_eq!(s.events as usize, m.events.len());
    let d = s.case_duration_s;
    for v in [d.mean, d.median, d.p85, d.min, d.max] {
        assert!(v.is_finite() && v >= 0.0, "case duration {v}");
    }
    for e in &s.edges {
        assert!(e.wait_s.mean.is_finite() && e.wait_s.min <= e.wait_s.median && e.wait_s.median <= e.wait_s.max);
    }
});
