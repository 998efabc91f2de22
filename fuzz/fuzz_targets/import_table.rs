//! Fuzz target for the step-table reader (`takt import steps`, the import wizard): arbitrary
//! bytes read as CSV, as an Excel workbook (.xlsx, .xls) and as OpenDocument (.ods), then made
//! into a map and planned onto an example map. It never panics (a panic of calamine's is caught
//! by the reader and said as a damaged file); what it accepts is a valid map.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

const EXAMPLE: &str = include_str!("../../examples/model-retraining-current.json");

fuzz_target!(|data: &[u8]| {
    if data.len() > takt_fuzz::MAX_LEN {
        return;
    }
    // calamine may panic on a damaged workbook; the reader catches that and says the file is
    // damaged (a test keeps each such input). libFuzzer's hook would abort on the panic even
    // so: a quiet one lets the catch work, and a panic anywhere else still ends the run.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    // The first byte chooses what the file is called, and the unit of bare numbers.
    let (flags, data) = data.split_first().map_or((0, data), |(f, d)| (*f, d));
    let name = ["t.csv", "t.xlsx", "t.xls", "t.ods"][(flags & 3) as usize];
    let opts = takt_mine::table::Options {
        unit: (flags & 4 != 0).then_some(takt_core::Unit::H),
        mark: (flags & 8 != 0).then_some(takt_core::Provenance::Measured),
    };
    let Ok(t) = takt_mine::table::read_bytes(data, Path::new(name), None) else {
        return;
    };
    let m = takt_mine::table::guess(&t.header);
    if let Ok(map) = takt_mine::table::new_map(&t, &m, &opts) {
        if let Err(e) = takt_core::validate(&map) {
            panic!("the new map is not valid: {e}");
        }
    }
    let base: takt_core::ValueStream = serde_json::from_str(EXAMPLE).unwrap();
    if let Ok(p) = takt_mine::table::plan(&base, &t, &m, &opts) {
        if let Some(op) = p.op {
            let mut after = base.clone();
            takt_core::apply(&mut after, &op).expect("a plan's edit applies");
            if let Err(e) = takt_core::validate(&after) {
                panic!("the planned map is not valid: {e}");
            }
        }
    }
});
