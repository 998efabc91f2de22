//! Checks shared by the fuzz targets: what must hold for every map that `format::load` accepts.

use takt_core::analysis::Analysis;
use takt_core::simulate::{simulate, Simulation};
use takt_core::{analyze, format, ValueStream};

/// Inputs larger than this are skipped: they only slow the fuzzer down.
pub const MAX_LEN: usize = 64 * 1024;

/// Feeds text to the importer; for a map that loads, checks the analysis, the canonical writer
/// and the Monte Carlo. Panics on any broken invariant.
pub fn check_text(text: &str) {
    let _ = format::parse(text);
    if let Ok(doc) = format::load(text) {
        check_loaded(&doc);
    }
}

/// The invariants of a map that loaded.
pub fn check_loaded(doc: &ValueStream) {
    // A map that loads analyses, with finite figures.
    let a = analyze(doc).unwrap_or_else(|e| panic!("load accepted a map analyze refuses: {e}"));
    check_analysis(&a);

    // The canonical writer round-trips and is a fixed point.
    let json = format::to_json(doc);
    let back = format::load(&json)
        .unwrap_or_else(|e| panic!("the canonical text does not load: {e}\n{json}"));
    assert_eq!(&back, doc, "load(to_json(doc)) != doc\n{json}");
    let again = format::to_json(&back);
    assert_eq!(again, json, "to_json is not a fixed point");

    // The Monte Carlo runs and gives finite figures.
    let sim = simulate(doc, 20, 1).unwrap_or_else(|e| panic!("simulate refuses a loaded map: {e}"));
    check_simulation(&sim);
}

fn finite(name: &str, v: f64) {
    assert!(v.is_finite(), "{name} is {v}");
}

pub fn check_analysis(a: &Analysis) {
    let scalars = [
        ("lead_time_s", a.lead_time_s),
        ("process_time_s", a.process_time_s),
        ("work_content_s", a.work_content_s),
        ("va_time_s", a.va_time_s),
        ("pce", a.pce),
        ("activity_ratio", a.activity_ratio),
        ("rolled_pca", a.rolled_pca),
        ("gate_time_s", a.gate_time_s),
        ("gate_share", a.gate_share),
        ("wip_items", a.wip_items),
        ("handoffs.total_wait_s", a.handoffs.total_wait_s),
        ("handoffs.critical_wait_s", a.handoffs.critical_wait_s),
        ("flow.flow_time_s", a.flow.flow_time_s),
        ("flow.flow_load", a.flow.flow_load),
        ("flow.flow_efficiency", a.flow.flow_efficiency),
    ];
    for (name, v) in scalars {
        finite(name, v);
    }
    if let Some(t) = a.takt_s {
        finite("takt_s", t);
    }
    for r in &a.ladder {
        finite("ladder.wait_s", r.wait_s);
        finite("ladder.lt_s", r.lt_s);
        finite("ladder.pt_s", r.pt_s);
        finite("ladder.rework_s", r.rework_s);
    }
    for (k, v) in &a.waste_s {
        finite(&format!("waste_s[{k}]"), *v);
    }
    if let Some(l) = &a.littles_law {
        finite("littles_law.wip", l.wip);
        finite("littles_law.throughput_per_s", l.throughput_per_s);
        finite("littles_law.expected_wip", l.expected_wip);
        finite("littles_law.deviation", l.deviation);
    }
    for s in &a.steps {
        finite("steps.visits", s.visits);
        finite("steps.ect_s", s.ect_s);
        finite("steps.rework_s", s.rework_s);
        if let Some(u) = s.utilisation {
            finite("steps.utilisation", u);
        }
    }
    assert!((0.0..=1.0).contains(&a.pce), "pce {} outside [0, 1]", a.pce);
    assert!(
        (0.0..=1.0).contains(&a.activity_ratio),
        "activity_ratio {} outside [0, 1]",
        a.activity_ratio
    );
    let lead = a.lead_time_s;
    assert!(
        lead >= a.process_time_s - 1e-6 * lead.max(1.0),
        "lead time {lead} below process time {}",
        a.process_time_s
    );
}

pub fn check_simulation(s: &Simulation) {
    for (name, v) in [
        ("mean_s", s.mean_s),
        ("p50_s", s.p50_s),
        ("p85_s", s.p85_s),
        ("p95_s", s.p95_s),
        ("min_s", s.min_s),
        ("max_s", s.max_s),
        ("deterministic_s", s.deterministic_s),
    ] {
        finite(&format!("simulation.{name}"), v);
    }
    for c in &s.critical {
        finite("simulation.critical.share", c.share);
    }
}
