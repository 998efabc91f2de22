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
pub fn analyse(doc: &ValueStream) -> Analysis {
    takt_core::analyze(doc).unwrap_or_else(|e| panic!("the map should be valid: {e}"))
}

/// The metrics of one step.
pub fn step<'a>(a: &'a Analysis, id: &str) -> &'a StepMetrics {
    a.steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step '{id}' in the analysis"))
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
