//! Helpers shared by the integration tests: maps from small JSON bodies, and float comparisons.
#![allow(dead_code)]

use serde_json::{json, Value};
use takt_core::analysis::StepMetrics;
use takt_core::{Analysis, ValueStream};

/// Seconds in a minute, an hour and a calendar day.
pub const MIN: f64 = 60.0;
pub const H: f64 = 3600.0;
pub const D: f64 = 86_400.0;

/// A map from the body of a file: `format`, `version` and `name` are filled in. Parsed through
/// the interchange format, not validated.
pub fn map(body: Value) -> ValueStream {
    let mut v = json!({"format": "takt", "version": 1, "name": "test"});
    let obj = v.as_object_mut().unwrap();
    for (k, x) in body.as_object().expect("a JSON object").iter() {
        obj.insert(k.clone(), x.clone());
    }
    takt_core::format::parse(&v.to_string()).unwrap_or_else(|e| panic!("bad test map: {e}"))
}

/// The analysis of a map that must be valid.
/// An analysis with the step ids a test asserts on: `critical_path` as ids (the analysis keeps
/// positions), and `step(&a, id)` to find a step's metrics.
pub struct Analysed {
    pub analysis: Analysis,
    pub critical_path: Vec<String>,
    ids: Vec<String>,
}

impl std::ops::Deref for Analysed {
    type Target = Analysis;
    fn deref(&self) -> &Analysis {
        &self.analysis
    }
}

pub fn with_ids(doc: &ValueStream, analysis: Analysis) -> Analysed {
    Analysed {
        critical_path: analysis
            .critical_ids(doc)
            .into_iter()
            .map(String::from)
            .collect(),
        ids: doc.steps.iter().map(|s| s.id.clone()).collect(),
        analysis,
    }
}

pub fn analyse(doc: &ValueStream) -> Analysed {
    let a = takt_core::analyze(doc).unwrap_or_else(|e| panic!("the map should be valid: {e}"));
    with_ids(doc, a)
}

/// The metrics of one step.
pub fn step<'a>(a: &'a Analysed, id: &str) -> &'a StepMetrics {
    let i = a
        .ids
        .iter()
        .position(|s| s == id)
        .unwrap_or_else(|| panic!("no step '{id}' in the analysis"));
    &a.analysis.steps[i]
}

/// Equal within a relative 1e-9 (and an absolute 1e-9 near zero).
#[track_caller]
pub fn close(actual: f64, expected: f64) {
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "expected {expected}, got {actual} (difference {})",
        actual - expected
    );
}

/// Step ids, for comparing with a path.
pub fn ids(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// The warning codes of an analysis, for one element (by id) or all.
pub fn codes(a: &Analysis) -> Vec<&'static str> {
    a.warnings.iter().map(|w| w.code).collect()
}

/// Every figure an analysis reports, for checks that hold of all of them (finite, not negative).
pub fn numbers(a: &Analysis) -> Vec<f64> {
    let mut xs = vec![
        a.lead_time_s,
        a.process_time_s,
        a.work_content_s,
        a.va_time_s,
        a.pce,
        a.activity_ratio,
        a.rolled_pca,
        a.gate_time_s,
        a.gate_share,
        a.wip_items,
        a.handoffs.total_wait_s,
        a.handoffs.critical_wait_s,
        a.flow.flow_time_s,
        a.flow.flow_load,
        a.flow.flow_efficiency,
    ];
    xs.extend(a.takt_s);
    for s in &a.steps {
        xs.extend([s.visits, s.ect_s, s.rework_s]);
        xs.extend(s.utilisation);
    }
    for r in &a.ladder {
        xs.extend([r.wait_s, r.lt_s, r.pt_s, r.rework_s]);
    }
    xs.extend(a.waste_s.values().copied());
    if let Some(l) = &a.littles_law {
        xs.extend([l.wip, l.throughput_per_s, l.expected_wip, l.deviation]);
    }
    xs
}
