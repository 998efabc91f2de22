//! Regression tests for what fuzzing the JSON importer found (`fuzz/`, see docs/RELIABILITY.md):
//! each input minimised by hand from a fuzzer artifact, inline, with the behaviour it must have.
//!
//! The invariants the fuzzer checks for every map that `format::load` accepts: the analysis
//! succeeds and every figure is finite, PCE and the activity ratio lie in [0, 1], the lead time is
//! not below the process time, `to_json` reads back as the same map and is a fixed point, and the
//! Monte Carlo gives finite figures.

mod common;

use takt_core::format::{self, FormatError};
use takt_core::simulate::simulate;
use takt_core::{analyze, Element, ModelError};

/// A map with the given steps, flows and extra top-level fields.
fn map(extra: &str, steps: &str, flows: &str) -> String {
    format!(
        r#"{{"format": "takt", "version": 1, "name": "m", {extra} "steps": [{steps}], "flows": [{flows}]}}"#
    )
}

/// The one validation error `load` gives for `text`.
#[track_caller]
fn refused(text: &str) -> ModelError {
    match format::load(text) {
        Err(FormatError::Invalid(v)) => {
            assert_eq!(v.0.len(), 1, "expected one error, got {v:#?}");
            v.0.into_iter().next().unwrap()
        }
        other => panic!("expected the map to be refused, got {other:?}"),
    }
}

#[track_caller]
fn says(e: &ModelError, element: Element, field: &str, words: &[&str]) {
    assert_eq!(e.element(), element, "{e:?}");
    assert_eq!(e.field(), Some(field), "{e:?}");
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "'{msg}' does not say '{w}'");
    }
}

/// Everything the fuzzer checks of a map that loads.
#[track_caller]
fn sound(text: &str) {
    let doc = format::load(text).unwrap_or_else(|e| panic!("the map should load: {e}"));
    let a = analyze(&doc).expect("a loaded map analyses");
    let xs = common::numbers(&a);
    assert!(xs.iter().all(|x| x.is_finite()), "not finite: {a:?}");
    assert!((0.0..=1.0).contains(&a.pce) && (0.0..=1.0).contains(&a.activity_ratio));
    assert!(a.lead_time_s >= a.process_time_s - 1e-6 * a.lead_time_s.max(1.0));
    let json = format::to_json(&doc);
    let back = format::load(&json).expect("the canonical text loads");
    assert_eq!(back, doc, "load(to_json(doc)) != doc\n{json}");
    assert_eq!(format::to_json(&back), json, "to_json is not a fixed point");
    let s = simulate(&doc, 20, 1).expect("a loaded map simulates");
    for x in [
        s.mean_s,
        s.p50_s,
        s.p85_s,
        s.p95_s,
        s.min_s,
        s.max_s,
        s.deterministic_s,
    ] {
        assert!(x.is_finite(), "simulation not finite: {s:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Finding 1: numbers did not read back as written. serde_json's default float parser is not
// correctly rounded (it can land one unit in the last place off); the canonical writer prints the
// shortest text that a correct parser reads back exactly. A time in seconds given as text
// ("0.44313725490196076s", parsed by Rust's correct parser) came back as 0.4431372549019608 after
// `to_json` and `load`; a plain JSON number such as a position 2.347135155778617e214 did too.
// The fix is serde_json's correct parser: the `float_roundtrip` feature in the workspace's
// `serde_json` dependency (Cargo.toml). These tests fail without it.

#[test]
fn a_time_in_seconds_written_as_text_reads_back_exactly() {
    let text = map("", r#"{"id": "a", "pt": "0.44313725490196076s"}"#, "");
    sound(&text);
}

#[test]
fn a_number_with_seventeen_digits_reads_back_exactly() {
    let text = map("", r#"{"id": "a", "x": 2.347135155778617e214}"#, "");
    sound(&text);
}

// ---------------------------------------------------------------------------------------------
// Finding 2: finite but huge times overflowed. A time only had to be finite; two steps of 1e308 s
// in a row gave a lead time of infinity, and a single step of f64::MAX seconds a Monte Carlo mean
// of infinity (the sum of 20 runs). Now no time may exceed 1e12 s (about 31 700 years).

#[test]
fn huge_times_in_a_row_are_refused() {
    let text = map(
        "",
        r#"{"id": "a", "pt": 1e308}, {"id": "b", "pt": 1e308}"#,
        r#"{"from": "a", "to": "b"}"#,
    );
    let e = format::load(&text).expect_err("times of 1e308 s are refused");
    let FormatError::Invalid(v) = e else {
        panic!("{e:?}")
    };
    assert_eq!(v.0.len(), 2, "{v:#?}");
    says(
        &v.0[0],
        Element::Step("a".into()),
        "pt",
        &["1e308", "longest time", "1e12 s"],
    );
}

#[test]
fn the_largest_double_as_a_time_is_refused() {
    let text = map("", r#"{"id": "a", "pt": 1.7976931348623157e308}"#, "");
    says(
        &refused(&text),
        Element::Step("a".into()),
        "pt",
        &["1.7976931348623157e308", "longest time"],
    );
}

#[test]
fn huge_times_are_refused_in_every_unit_and_field() {
    for (step, flow, field) in [
        (r#""lt": "1e300w""#, "", "lt"),
        (r#""changeover": "2e11wd""#, "", "changeover"),
        (r#""lt_range": {"min": 0, "max": "1e200h"}"#, "", "lt_range"),
        ("", r#", "wait": 1e13"#, "wait"),
    ] {
        let sep = if step.is_empty() { "" } else { ", " };
        let text = map(
            "",
            &format!(r#"{{"id": "a"{sep}{step}}}, {{"id": "b"}}"#),
            &format!(r#"{{"from": "a", "to": "b"{flow}}}"#),
        );
        let e = refused(&text);
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(e.to_string().contains("longest time"), "{e}");
    }
    let text = map(r#""demand": {"items": 1, "per": "1e300w"},"#, "", "");
    says(
        &refused(&text),
        Element::Map,
        "demand.per",
        &["1e300w", "longest time"],
    );
}

#[test]
fn times_up_to_the_limit_load_and_stay_finite() {
    // 1e12 s on every step of a chain, with waits and a rework loop: every figure is finite.
    let text = map(
        "",
        r#"{"id": "a", "pt": 1e12}, {"id": "b", "pt": 1e12, "lt_range": {"min": 1e12, "max": 1e12}}, {"id": "c", "pt": 1e12}"#,
        r#"{"from": "a", "to": "b", "wait": 1e12}, {"from": "b", "to": "c"}, {"from": "c", "to": "a", "kind": "rework", "p": 0.9}"#,
    );
    sound(&text);
}

// ---------------------------------------------------------------------------------------------
// Finding 3: tiny divisors and huge multipliers made infinite figures. A demand of 5e-324 items
// per 255 s gave a takt of infinity; a step with 1e-300 servers, uptime 1e-320 % or a batch of
// 1e-300, an infinite effective cycle time; 1e308 items a day, an infinite utilisation; a WIP of
// 1e305 items, an infinite wait. Now servers and batch sizes are at least 1e-6, uptime at least
// 1e-6 %, WIP at most 1e12 items, and demand must give one item every 1e12 s at most with a takt
// of at least 1e-6 s.

#[test]
fn demand_of_almost_no_items_is_refused() {
    let text = map(r#""demand": {"items": 5e-324, "per": 255},"#, "", "");
    says(
        &refused(&text),
        Element::Map,
        "demand.items",
        &["5e-324 items per 255s", "one item every 1e12 s at most"],
    );
}

#[test]
fn demand_of_countless_items_is_refused() {
    // A takt of 2e-304 s: the step's utilisation was infinite.
    let text = map(
        r#""demand": {"items": 1e308, "per": "d"},"#,
        r#"{"id": "a", "pt": "1000h"}"#,
        "",
    );
    says(
        &refused(&text),
        Element::Map,
        "demand.items",
        &["takt of 1e-6 s at least"],
    );
}

#[test]
fn tiny_servers_uptime_and_batches_are_refused() {
    for (fields, field) in [
        (r#""pt": 1e9, "servers": 1e-300"#, "servers"),
        (r#""pt": 1, "uptime": 1e-320"#, "uptime"),
        (r#""pt": 1, "changeover": "1e5h", "batch": 1e-300"#, "batch"),
    ] {
        let text = map("", &format!(r#"{{"id": "a", {fields}}}"#), "");
        says(
            &refused(&text),
            Element::Step("a".into()),
            field,
            &["at least 1e-6"],
        );
    }
}

#[test]
fn countless_wip_is_refused() {
    let text = map(
        r#""demand": {"items": 1, "per": "d"},"#,
        r#"{"id": "a"}, {"id": "b"}"#,
        r#"{"from": "a", "to": "b", "wip": 1e305}"#,
    );
    says(
        &refused(&text),
        Element::Flow("a>b".into()),
        "wip",
        &["at most 1e12"],
    );
}

#[test]
fn small_but_sensible_amounts_still_load() {
    // Half a server at 1% uptime, batches of 0.5, a demand of 0.001 items a week, WIP of 1e6.
    let text = map(
        r#""demand": {"items": 0.001, "per": "w"},"#,
        r#"{"id": "a", "pt": "1h", "servers": 0.5, "uptime": 1, "changeover": "2h", "batch": 0.5}, {"id": "b", "pt": 1}"#,
        r#"{"from": "a", "to": "b", "wip": 1e6}"#,
    );
    sound(&text);
}

// ---------------------------------------------------------------------------------------------
// Finding 4: rework loops nested inside each other multiply their expected passes, 1 / (1 - P)
// each. Twenty nested loops that each send back all but 1e-16 of the items gave an infinite lead
// time even with times of 1e12 s. Now a map whose loops, nested, would send an item round more
// than 1e100 times on average is refused.

/// A chain of `n` steps of process time `pt` (JSON), with `loops` rework flows nested inside
/// each other (the k-th from the k-th step from the end back to step k), each of probability `p`.
fn nested_loops(n: usize, pt: &str, loops: usize, p: &str) -> String {
    let steps: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "s{i}", "pt": {pt}}}"#))
        .collect();
    let mut flows: Vec<String> = (0..n - 1)
        .map(|i| format!(r#"{{"from": "s{i}", "to": "s{}"}}"#, i + 1))
        .collect();
    for k in 0..loops {
        flows.push(format!(
            r#"{{"from": "s{}", "to": "s{k}", "kind": "rework", "p": {p}}}"#,
            n - 1 - k
        ));
    }
    map("", &steps.join(", "), &flows.join(", "))
}

#[test]
fn nested_near_certain_rework_is_refused() {
    let text = nested_loops(40, "1e12", 20, "0.9999999999999999");
    let e = refused(&text);
    assert_eq!(e.field(), Some("p"), "{e}");
    assert!(matches!(e.element(), Element::Flow(_)), "{e}");
    assert!(e.to_string().contains("more than 1e100 times"), "{e}");
}

#[test]
fn nested_rework_of_ordinary_odds_still_loads() {
    // Ten loops nested inside each other, each sending back half the items: 2^10 passes of the
    // innermost step per item, a large but finite figure.
    let text = nested_loops(20, r#""1h""#, 10, "0.5");
    sound(&text);
    let a = analyze(&format::load(&text).unwrap()).unwrap();
    assert!(
        (a.steps[10].visits - 1024.0).abs() < 1e-6,
        "{}",
        a.steps[10].visits
    );
}
