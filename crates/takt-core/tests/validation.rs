//! Every typed validation error, produced by a minimal bad map: it names the element and the
//! field at fault, and its message reads as a sentence a person can act on. Then the errors of
//! the file format itself.

mod common;

use common::*;
use serde_json::json;
use takt_core::format::{self, FormatError};
use takt_core::{validate, Duration, Element, ModelError, ValueStream};

/// All the errors of a map that must be invalid.
fn errors(doc: &ValueStream) -> Vec<ModelError> {
    validate(doc).expect_err("the map should be invalid").0
}

/// The one error of a map that breaks exactly one rule.
#[track_caller]
fn only(doc: &ValueStream) -> ModelError {
    let errs = errors(doc);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    errs.into_iter().next().unwrap()
}

/// Checks the element, the field, and that the message names the element and contains `words`.
#[track_caller]
fn check(err: &ModelError, element: Element, field: Option<&str>, words: &[&str]) {
    assert_eq!(err.element(), element, "{err:?}");
    assert_eq!(err.field(), field, "{err:?}");
    let msg = err.to_string();
    if let Some(id) = element.id() {
        assert!(
            msg.contains(&format!("'{id}'")),
            "'{msg}' does not name '{id}'"
        );
    }
    for w in words {
        assert!(msg.contains(w), "'{msg}' does not say '{w}'");
    }
    // Readable: no Rust debug output in the message.
    for junk in ["Some(", "None", "Step(", "Flow(", "Map", "{", "}"] {
        assert!(!msg.contains(junk), "'{msg}' contains '{junk}'");
    }
}

fn step_el(id: &str) -> Element {
    Element::Step(id.into())
}
fn flow_el(id: &str) -> Element {
    Element::Flow(id.into())
}

/// Two steps a -> b, with the given fields merged into step a and the flow.
fn two(step_a: serde_json::Value, flow: serde_json::Value) -> ValueStream {
    let mut a = json!({"id": "a", "name": "A", "pt": "1h"});
    for (k, v) in step_a.as_object().unwrap() {
        a[k] = v.clone();
    }
    let mut f = json!({"from": "a", "to": "b"});
    for (k, v) in flow.as_object().unwrap() {
        f[k] = v.clone();
    }
    map(json!({
        "steps": [a, {"id": "b", "name": "B", "pt": "1h"}],
        "flows": [f]
    }))
}

#[test]
fn a_valid_map_validates() {
    assert!(validate(&two(json!({}), json!({}))).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Times.

#[test]
fn negative_times() {
    let e = only(&two(json!({"pt": "-1h", "lt": null}), json!({})));
    assert!(matches!(e, ModelError::NegativeTime { .. }));
    check(&e, step_el("a"), Some("pt"), &["-1h", "cannot be negative"]);

    let e = only(&two(json!({"lt": "-2h", "pt": null}), json!({})));
    check(&e, step_el("a"), Some("lt"), &["-2h", "negative"]);

    let e = only(&two(json!({}), json!({"wait": -5})));
    check(&e, flow_el("a>b"), Some("wait"), &["-5s", "negative"]);

    let e = only(&two(json!({"changeover": "-10min"}), json!({})));
    check(&e, step_el("a"), Some("changeover"), &["-10min"]);

    let e = only(&two(
        json!({"kind": "gate", "gate": {"control": "C", "sla": "-1d"}}),
        json!({}),
    ));
    check(&e, step_el("a"), Some("gate.sla"), &["-1d"]);

    let mut doc = two(json!({}), json!({}));
    doc.assets.push(takt_core::DataAsset {
        id: "m".into(),
        name: "Model".into(),
        kind: takt_core::AssetKind::Model,
        team: None,
        lt: Some(Duration::hours(-3.0)),
        provenance: Default::default(),
        notes: String::new(),
        x: None,
        y: None,
    });
    let e = only(&doc);
    check(&e, Element::Asset("m".into()), Some("lt"), &["-3h"]);
}

#[test]
fn non_finite_times() {
    // JSON has no NaN or infinity, but a map built in code can.
    let mut doc = two(json!({}), json!({}));
    doc.steps[0].pt = Some(Duration::hours(f64::NAN));
    let e = only(&doc);
    assert!(matches!(e, ModelError::NotFinite { .. }));
    check(&e, step_el("a"), Some("pt"), &["not a finite number"]);

    let mut doc = two(json!({}), json!({}));
    doc.steps[1].lt = Some(Duration::secs(f64::INFINITY));
    check(&only(&doc), step_el("b"), Some("lt"), &["inf", "finite"]);

    let mut doc = two(json!({}), json!({}));
    doc.flows[0].wait = Some(Duration::secs(f64::NEG_INFINITY));
    check(&only(&doc), flow_el("a>b"), Some("wait"), &["finite"]);
}

#[test]
fn lead_time_below_process_time() {
    let e = only(&two(json!({"pt": "2h", "lt": "1h"}), json!({})));
    assert!(matches!(e, ModelError::LeadBelowProcess { .. }));
    check(
        &e,
        step_el("a"),
        Some("lt"),
        &["lead time 1h", "below its process time 2h"],
    );
    // Compared in elapsed time through the calendar: 1 wd is 1.4 d in a 5-day week, so PT 1d
    // with LT 1wd is fine and PT 1wd with LT 1d is not.
    assert!(validate(&two(json!({"pt": "1d", "lt": "1wd"}), json!({}))).is_ok());
    let e = only(&two(json!({"pt": "1wd", "lt": "1d"}), json!({})));
    check(&e, step_el("a"), Some("lt"), &["1d", "1wd"]);
    // Equal is fine.
    assert!(validate(&two(json!({"pt": "60min", "lt": "1h"}), json!({}))).is_ok());
}

#[test]
fn ranges_must_be_ordered() {
    let e = only(&two(
        json!({"pt_range": {"min": "2h", "max": "1h"}}),
        json!({}),
    ));
    assert!(matches!(e, ModelError::Invalid { .. }));
    check(&e, step_el("a"), Some("pt_range"), &["out of order"]);
    // The point value is the most likely value when none is given: 1h is outside 2h..3h.
    let e = only(&two(
        json!({"pt_range": {"min": "2h", "max": "3h"}}),
        json!({}),
    ));
    check(&e, step_el("a"), Some("pt_range"), &["most likely 1h"]);
    let e = only(&two(
        json!({}),
        json!({"wait": "1h", "wait_range": {"min": "30min", "likely": "4h", "max": "2h"}}),
    ));
    check(&e, flow_el("a>b"), Some("wait_range"), &["min 30min"]);
}

// ---------------------------------------------------------------------------------------------
// Percentages, counts, probabilities.

#[test]
fn percentages_and_counts_out_of_range() {
    let cases = [
        (json!({"pca": 120}), "pca", "120"),
        (json!({"pca": -1}), "pca", "-1"),
        (json!({"uptime": 0}), "uptime", "above 0"),
        (json!({"uptime": 101}), "uptime", "101"),
        (json!({"servers": 0}), "servers", "above 0"),
        (json!({"batch": -2}), "batch", "-2"),
        (
            json!({"waste": [{"kind": "motion", "share": 1.5}]}),
            "waste",
            "1.5",
        ),
        (
            json!({"waste": [{"kind": "motion", "share": 0.7}, {"kind": "waiting", "share": 0.6}]}),
            "waste",
            "1.3",
        ),
    ];
    for (fields, field, word) in cases {
        let e = only(&two(fields.clone(), json!({})));
        assert!(
            matches!(e, ModelError::OutOfRange { .. }),
            "{fields}: {e:?}"
        );
        check(&e, step_el("a"), Some(field), &[word, "must be"]);
    }
    // 0 and 100 are fine for %C&A; 100 for uptime.
    assert!(validate(&two(json!({"pca": 0, "uptime": 100}), json!({}))).is_ok());
    assert!(validate(&two(json!({"pca": 100}), json!({}))).is_ok());

    let e = only(&two(json!({}), json!({"wip": -1})));
    check(&e, flow_el("a>b"), Some("wip"), &["-1", "count of items"]);
}

#[test]
fn calendar_and_demand_out_of_range() {
    let mut doc = two(json!({}), json!({}));
    doc.calendar.days_per_week = 8.0;
    let e = only(&doc);
    check(
        &e,
        Element::Map,
        Some("calendar.days_per_week"),
        &["8", "at most 7"],
    );
    assert!(e.to_string().starts_with("the map"), "{e}");

    let mut doc = two(json!({}), json!({}));
    doc.calendar.hours_per_day = 0.0;
    check(
        &only(&doc),
        Element::Map,
        Some("calendar.hours_per_day"),
        &[],
    );

    let doc = map(json!({"demand": {"items": 0, "per": "d"}}));
    check(
        &only(&doc),
        Element::Map,
        Some("demand.items"),
        &["above 0"],
    );

    let doc = map(json!({"demand": {"items": 5, "per": "0d"}}));
    check(&only(&doc), Element::Map, Some("demand.per"), &["0d"]);
}

fn xor(ps: &[Option<f64>]) -> ValueStream {
    let mut steps = vec![json!({"id": "s", "name": "S", "pt": "1h", "split": "xor"})];
    let mut flows = vec![];
    for (i, p) in ps.iter().enumerate() {
        let id = format!("b{i}");
        steps.push(json!({"id": id, "name": id, "pt": "1h"}));
        let mut f = json!({"from": "s", "to": id});
        if let Some(p) = p {
            f["p"] = json!(p);
        }
        flows.push(f);
    }
    map(json!({"steps": steps, "flows": flows}))
}

#[test]
fn xor_probabilities_must_sum_to_one() {
    let e = only(&xor(&[Some(0.5), Some(0.3)]));
    assert!(matches!(e, ModelError::XorProbabilities { .. }));
    check(&e, step_el("s"), Some("p"), &["sum to 0.8, not 1"]);
    // Given probabilities above 1, with a branch left to share the rest.
    let e = only(&xor(&[Some(0.7), Some(0.6), None]));
    check(&e, step_el("s"), Some("p"), &["1.3"]);
    // Fine: all given and summing to 1; some given and the rest shared; none given.
    assert!(validate(&xor(&[Some(0.25), Some(0.75)])).is_ok());
    assert!(validate(&xor(&[Some(0.4), None, None])).is_ok());
    assert!(validate(&xor(&[None, None, None])).is_ok());
    assert!(validate(&xor(&[Some(1.0), None])).is_ok());
    // A branch probability outside [0, 1] is out of range on the flow itself.
    let e = errors(&xor(&[Some(1.5), None]))
        .into_iter()
        .find(|e| matches!(e, ModelError::OutOfRange { .. }))
        .expect("p out of range");
    check(&e, flow_el("s>b0"), Some("p"), &["1.5", "probability"]);
}

#[test]
fn a_branch_probability_needs_an_xor_step() {
    let e = only(&two(json!({}), json!({"p": 0.5})));
    assert!(matches!(e, ModelError::Invalid { .. }));
    check(&e, flow_el("a>b"), Some("p"), &["xor", "'a'"]);
}

fn loop_map(rework: serde_json::Value) -> ValueStream {
    map(json!({
        "steps": [
            {"id": "a", "name": "A", "pt": "1h"},
            {"id": "b", "name": "B", "pt": "1h"},
            {"id": "c", "name": "C", "pt": "1h"},
            {"id": "d", "name": "D", "pt": "1h"},
            {"id": "e", "name": "E", "pt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c"},
            {"from": "c", "to": "d"},
            rework
        ]
    }))
}

#[test]
fn rework_probability_must_be_in_zero_to_one() {
    for p in [1.0, 1.5, -0.1] {
        let e = only(&loop_map(
            json!({"from": "c", "to": "a", "kind": "rework", "p": p}),
        ));
        assert!(matches!(e, ModelError::ReworkProbability { .. }), "{e:?}");
        check(
            &e,
            flow_el("c>a"),
            Some("p"),
            &[&p.to_string(), "at least 0 and below 1"],
        );
    }
    assert!(validate(&loop_map(
        json!({"from": "c", "to": "a", "kind": "rework", "p": 0.0})
    ))
    .is_ok());
    assert!(validate(&loop_map(
        json!({"from": "c", "to": "a", "kind": "rework", "p": 0.999})
    ))
    .is_ok());
    // Without p.
    let e = only(&loop_map(json!({"from": "c", "to": "a", "kind": "rework"})));
    assert!(matches!(e, ModelError::Invalid { .. }));
    check(&e, flow_el("c>a"), Some("p"), &["needs the probability"]);
}

#[test]
fn rework_flows_out_of_one_step_must_send_back_less_than_everything() {
    let mut doc = loop_map(json!({"from": "c", "to": "a", "kind": "rework", "p": 0.6}));
    doc.flows.push(takt_core::Flow {
        p: Some(0.5),
        ..takt_core::Flow::new("c", "b", takt_core::FlowKind::Rework)
    });
    let e = only(&doc);
    assert!(matches!(e, ModelError::ReworkTotal { .. }));
    check(&e, step_el("c"), Some("p"), &["1.1", "below 1"]);
}

// ---------------------------------------------------------------------------------------------
// References and ids.

#[test]
fn dangling_references() {
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            {"id": "a", "name": "A", "team": "ghost-team"},
            {"id": "b", "name": "B", "team": "t"}
        ],
        "flows": [
            {"from": "a", "to": "nowhere"},
            {"from": "nobody", "to": "b"},
            {"from": "a", "to": "b"}
        ],
        "assets": [
            {"id": "m", "name": "M", "kind": "model", "team": "ghost-team"}
        ],
        "lineage": [{"from": "ghost-source", "to": "m"}, {"from": "m", "to": "ghost-ep"}],
        "links": [
            {"step": "ghost-step", "asset": "m", "mode": "read"},
            {"step": "a", "asset": "ghost-asset", "mode": "write"}
        ],
        "kaizen": [
            {"id": "k1", "title": "K1", "target": {"step": "ghost-step"}},
            {"id": "k2", "title": "K2", "target": {"flow": "b>a"}},
            {"id": "k3", "title": "K3", "target": {"flow": "a>b"}}
        ]
    }));
    let errs = errors(&doc);
    let expected: Vec<(Element, &str, &str, &str)> = vec![
        (step_el("a"), "team", "team", "ghost-team"),
        (flow_el("a>nowhere"), "to", "step", "nowhere"),
        (flow_el("nobody>b"), "from", "step", "nobody"),
        (Element::Asset("m".into()), "team", "team", "ghost-team"),
        (
            Element::Lineage("ghost-source>m".into()),
            "from",
            "data asset",
            "ghost-source",
        ),
        (
            Element::Lineage("m>ghost-ep".into()),
            "to",
            "data asset",
            "ghost-ep",
        ),
        (
            Element::Link("ghost-step/m/read".into()),
            "step",
            "step",
            "ghost-step",
        ),
        (
            Element::Link("a/ghost-asset/write".into()),
            "asset",
            "data asset",
            "ghost-asset",
        ),
        (Element::Kaizen("k1".into()), "target", "step", "ghost-step"),
        (Element::Kaizen("k2".into()), "target", "flow", "b>a"),
    ];
    assert_eq!(errs.len(), expected.len(), "{errs:#?}");
    for (e, (element, field, kind, target)) in errs.iter().zip(expected) {
        assert!(matches!(e, ModelError::Dangling { .. }), "{e:?}");
        check(
            e,
            element,
            Some(field),
            &[
                &format!("refers to {kind} '{target}'"),
                "which does not exist",
            ],
        );
    }
}

#[test]
fn duplicate_ids() {
    let doc = map(json!({
        "teams": [{"id": "t", "name": "T"}, {"id": "t", "name": "T again"}],
        "steps": [
            {"id": "a", "name": "A"},
            {"id": "b", "name": "B"},
            {"id": "a", "name": "A again"}
        ],
        "flows": [
            {"from": "a", "to": "b"},
            {"from": "a", "to": "b", "kind": "pull"},
            {"id": "f", "from": "a", "to": "b", "kind": "information"},
            {"id": "f", "from": "b", "to": "a", "kind": "information"}
        ],
        "assets": [
            {"id": "m", "name": "M", "kind": "model"},
            {"id": "m", "name": "M", "kind": "dataset"},
            {"id": "n", "name": "N", "kind": "endpoint"}
        ],
        "lineage": [{"from": "m", "to": "n"}, {"from": "m", "to": "n"}],
        "links": [
            {"step": "a", "asset": "m", "mode": "read"},
            {"step": "a", "asset": "m", "mode": "read"}
        ],
        "kaizen": [{"id": "k", "title": "K"}, {"id": "k", "title": "K again"}]
    }));
    let errs = errors(&doc);
    let dups: Vec<Element> = errs
        .iter()
        .filter(|e| matches!(e, ModelError::DuplicateId { .. }))
        .map(|e| e.element())
        .collect();
    assert_eq!(
        dups,
        vec![
            Element::Team("t".into()),
            step_el("a"),
            flow_el("a>b"),
            flow_el("f"),
            Element::Asset("m".into()),
            Element::Lineage("m>n".into()),
            Element::Link("a/m/read".into()),
            Element::Kaizen("k".into()),
        ],
        "{errs:#?}"
    );
    for e in errs
        .iter()
        .filter(|e| matches!(e, ModelError::DuplicateId { .. }))
    {
        check(e, e.element(), Some("id"), &["defined twice", "unique"]);
    }
}

#[test]
fn a_flow_id_that_spells_another_flows_ends_is_a_duplicate() {
    // A flow without an id is known by "from>to"; an explicit id can spell the same key, before
    // or after it. Only the later of the two is the duplicate.
    let steps =
        json!([{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}]);
    let dup_flows = |flows: serde_json::Value| -> Vec<usize> {
        let doc = map(json!({"steps": steps.clone(), "flows": flows.clone()}));
        let errs = validate(&doc).err().map(|e| e.0).unwrap_or_default();
        let keys: Vec<String> = doc.flows.iter().map(|f| f.key()).collect();
        errs.iter()
            .filter(|e| matches!(e, ModelError::DuplicateId { .. }))
            .map(|e| match e.element() {
                Element::Flow(k) => {
                    // The position of the flow the error names: the later one with that key.
                    keys.iter()
                        .rposition(|x| *x == k)
                        .expect("a flow of the map")
                }
                other => panic!("not a flow: {other:?}"),
            })
            .collect()
    };
    // Derived first, explicit second.
    assert_eq!(
        dup_flows(json!([{"from": "a", "to": "b"}, {"id": "a>b", "from": "b", "to": "c"}])),
        vec![1]
    );
    // Explicit first, derived second.
    assert_eq!(
        dup_flows(json!([{"id": "a>b", "from": "b", "to": "c"}, {"from": "a", "to": "b"}])),
        vec![1]
    );
    // An explicit id that names ends no flow without an id has: no duplicate.
    assert_eq!(
        dup_flows(json!([{"id": "a>c", "from": "a", "to": "b"}, {"from": "b", "to": "c"}])),
        Vec::<usize>::new()
    );
    // Same ends, different kinds: still one key.
    assert_eq!(
        dup_flows(json!([
            {"from": "a", "to": "b"}, {"from": "b", "to": "c"},
            {"from": "a", "to": "b", "kind": "information"}
        ])),
        vec![2]
    );
}

#[test]
fn a_duplicate_among_many_flows_from_one_step_is_found() {
    // Forty flows fan out from one step (more than the check compares pairwise), and one of them
    // repeats an earlier pair.
    let mut steps = vec![json!({"id": "hub", "name": "Hub"})];
    let mut flows = Vec::new();
    for k in 0..40 {
        steps.push(json!({"id": format!("s{k}"), "name": format!("S{k}")}));
        flows.push(json!({"from": "hub", "to": format!("s{k}"), "kind": "information"}));
    }
    flows.push(json!({"from": "hub", "to": "s17", "kind": "information"}));
    let doc = map(json!({"steps": steps, "flows": flows}));
    let e = only(&doc);
    assert!(matches!(e, ModelError::DuplicateId { .. }), "{e:?}");
    assert_eq!(e.element(), flow_el("hub>s17"));
}

#[test]
fn ids_of_every_length_resolve() {
    // Step ids of 0 to 20 bytes (short ones are packed into a number, long ones are not), ASCII
    // and not, each referred to by a flow listed far from the steps it joins.
    // For each length, ids that differ in one byte only, at each position in turn.
    let base = "abcdefghijklmnopqrst";
    let mut ids: Vec<String> = Vec::new();
    for n in 1..=20 {
        ids.push(base[..n].to_string());
        for p in 0..n {
            ids.push(format!("{}Z{}", &base[..p], &base[p + 1..n]));
        }
    }
    ids.extend((1..=8).map(|n| "é".repeat(n)));
    let steps: Vec<_> = ids.iter().map(|id| json!({"id": id, "name": id})).collect();
    // Each flow joins two steps far apart in the list, backwards in the list.
    let flows: Vec<_> = (0..ids.len() - 1)
        .rev()
        .map(|k| json!({"from": ids[(k * 11) % ids.len()], "to": ids[(k * 11 + 3) % ids.len()], "kind": "information"}))
        .collect();
    let doc = map(json!({"steps": steps, "flows": flows}));
    validate(&doc).expect("every id resolves");
    // A flow to an id one byte off any of them is dangling.
    for near in [
        base.to_string() + "u",
        "abcdefghijklmnY".into(),
        "abcdYfgh".into(),
        "abY".into(),
        "".into(),
    ] {
        let mut bad = doc.clone();
        bad.flows[0].to = near.clone();
        let errs = validate(&bad).expect_err("a dangling flow").0;
        assert!(
            errs.iter()
                .any(|e| matches!(e, ModelError::Dangling { target, .. } if *target == near)),
            "{near:?}: {errs:?}"
        );
    }
}

#[test]
fn a_large_map_reports_its_errors_in_document_order() {
    // Errors come step by step, each step's in the order of a small map, even where one (a
    // duplicate id) is found only once every step has been indexed.
    let mut doc = takt_core::gen::generate(2_500, 5);
    let id = |doc: &ValueStream, i: usize| doc.steps[i].id.clone();
    doc.steps[10].pt = Some("-1h".parse().unwrap());
    doc.steps[1_400].team = Some("nobody".into());
    doc.steps[1_400].pca = Some(150.0);
    let first = id(&doc, 3);
    doc.steps[1_800].id = first.clone(); // a duplicate, in the second half
    doc.steps[1_800].team = Some("nobody".into());
    doc.steps[2_000].id = first.clone(); // a duplicate and nothing else
    doc.steps[2_300].id = " ".into();
    doc.steps[2_300].uptime = Some(-5.0);
    let errs = validate(&doc).expect_err("invalid").0;
    let got: Vec<(Element, Option<&str>, &str)> = errs
        .iter()
        .take(8)
        .map(|e| {
            let kind = match e {
                ModelError::DuplicateId { .. } => "duplicate",
                ModelError::Dangling { .. } => "dangling",
                _ => "value",
            };
            (e.element(), e.field(), kind)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (step_el(&id(&doc, 10)), Some("pt"), "value"),
            (step_el(&id(&doc, 1_400)), Some("team"), "dangling"),
            (step_el(&id(&doc, 1_400)), Some("pca"), "value"),
            (step_el(&first), Some("id"), "duplicate"),
            (step_el(&first), Some("team"), "dangling"),
            (step_el(&first), Some("id"), "duplicate"),
            (step_el(" "), Some("id"), "value"),
            (step_el(" "), Some("uptime"), "value"),
        ],
        "{errs:#?}"
    );
}

#[test]
fn a_large_map_reports_its_flow_errors_in_document_order() {
    // A duplicate flow is found only after the pass over every flow; its error still comes
    // first among its own, and between the errors of the flows around it.
    let mut doc = takt_core::gen::generate(2_500, 6);
    let wait = |s: &str| Some(s.parse::<Duration>().unwrap());
    doc.flows[20].wait = wait("-1h");
    doc.flows[20].wip = None;
    let mut copy = doc.flows[30].clone();
    copy.wait = wait("-2h");
    doc.flows.insert(1_500, copy);
    doc.flows[1_600].wip = Some(-3.0);
    let key = |i: usize| doc.flows[i].key();
    let errs = validate(&doc).expect_err("invalid").0;
    let got: Vec<(Element, Option<&str>, bool)> = errs
        .iter()
        .map(|e| {
            let duplicate = matches!(e, ModelError::DuplicateId { .. });
            (e.element(), e.field(), duplicate)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (flow_el(&key(20)), Some("wait"), false),
            (flow_el(&key(1_500)), Some("id"), true),
            (flow_el(&key(1_500)), Some("wait"), false),
            (flow_el(&key(1_600)), Some("wip"), false),
        ],
        "{errs:#?}"
    );
}

#[test]
fn lineage_and_kaizen_errors_follow_the_flow_errors_on_any_map() {
    // Large maps check the lineage and kaizen items on the second core while the flows are
    // checked; the errors come out in the same order as on a small map, checked in sequence.
    for steps in [100, 2_500] {
        let mut doc = takt_core::gen::generate(steps, 6);
        doc.flows[5].wait = Some("-1h".parse::<Duration>().unwrap());
        doc.flows[5].wip = None;
        doc.lineage[3].to = "no-such-asset".into();
        doc.kaizen.push(
            serde_json::from_value(json!({"id": "k1", "title": "Faster review",
                                          "target": {"step": "no-such-step"}}))
            .unwrap(),
        );
        let errs = validate(&doc).expect_err("invalid").0;
        let got: Vec<(Element, Option<&str>)> =
            errs.iter().map(|e| (e.element(), e.field())).collect();
        assert_eq!(
            got,
            vec![
                (flow_el(&doc.flows[5].key()), Some("wait")),
                (Element::Lineage(doc.lineage[3].key()), Some("to")),
                (Element::Kaizen("k1".into()), Some("target")),
            ],
            "{steps} steps: {errs:#?}"
        );
    }
}

#[test]
fn empty_ids() {
    let doc = map(json!({"steps": [{"id": " ", "name": "Blank"}]}));
    let e = only(&doc);
    assert!(matches!(e, ModelError::Invalid { .. }));
    assert_eq!(e.element(), step_el(" "));
    assert_eq!(e.field(), Some("id"));
    assert!(e.to_string().contains("the id is empty"));
}

// ---------------------------------------------------------------------------------------------
// Routing.

#[test]
fn a_loop_of_ordinary_flows_names_its_steps() {
    // x -> a -> b -> c -> a: the loop is a, b, c (x only leads into it).
    let doc = map(json!({
        "steps": [
            {"id": "x", "name": "X"}, {"id": "a", "name": "A"},
            {"id": "b", "name": "B"}, {"id": "c", "name": "C"}
        ],
        "flows": [
            {"from": "x", "to": "a"},
            {"from": "a", "to": "b"},
            {"from": "b", "to": "c", "kind": "fifo"},
            {"from": "c", "to": "a", "kind": "pull"}
        ]
    }));
    let e = only(&doc);
    let ModelError::Cycle { steps } = &e else {
        panic!("{e:?}")
    };
    // The steps, in flow order, starting anywhere on the loop.
    let order = ["a", "b", "c"];
    assert_eq!(steps.len(), 3, "{steps:?}");
    let k = order
        .iter()
        .position(|s| *s == steps[0])
        .expect("on the loop");
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s, order[(k + i) % 3], "{steps:?}");
    }
    assert_eq!(e.element(), step_el(&steps[0]));
    assert_eq!(e.field(), None);
    let msg = e.to_string();
    assert!(msg.contains("form a loop"), "{msg}");
    assert!(msg.contains("only rework flows may go back"), "{msg}");
    for s in order {
        assert!(msg.contains(&format!("'{s}'")), "{msg}");
    }
    assert!(!msg.contains("'x'"), "{msg}");
    // The loop is written closed: it ends where it starts.
    assert!(
        msg.contains(&format!("'{}' -> '{}'", steps[2], steps[0])),
        "{msg}"
    );

    // A step flowing into itself.
    let doc = map(json!({
        "steps": [{"id": "a", "name": "A"}],
        "flows": [{"from": "a", "to": "a"}]
    }));
    let errs = errors(&doc);
    assert!(
        errs.iter()
            .any(|e| matches!(e, ModelError::Cycle { steps } if steps == &ids(&["a"]))),
        "{errs:?}"
    );
    // Information flows may go anywhere: they carry no item.
    let doc = map(json!({
        "steps": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "flows": [{"from": "a", "to": "b"}, {"from": "b", "to": "a", "kind": "information"}]
    }));
    assert!(validate(&doc).is_ok());
}

#[test]
fn rework_must_go_backwards() {
    // a -> b -> c -> d; "rework" a -> c goes forwards.
    let e = only(&loop_map(
        json!({"from": "a", "to": "c", "kind": "rework", "p": 0.1}),
    ));
    assert!(matches!(e, ModelError::ReworkNotBackwards { .. }));
    check(
        &e,
        flow_el("a>c"),
        Some("to"),
        &["from 'a' back to 'c'", "'c' is not upstream of 'a'"],
    );
    // e is not connected at all: not upstream either.
    let e = only(&loop_map(
        json!({"from": "d", "to": "e", "kind": "rework", "p": 0.1}),
    ));
    check(&e, flow_el("d>e"), Some("to"), &["not upstream"]);
}

#[test]
fn a_rework_loop_may_only_be_left_at_its_end() {
    // a -> b -> c -> d and b -> e; rework c -> a: the loop a..c is left at b, towards e.
    let mut doc = loop_map(json!({"from": "c", "to": "a", "kind": "rework", "p": 0.1}));
    doc.flows
        .push(takt_core::Flow::new("b", "e", takt_core::FlowKind::Push));
    let e = only(&doc);
    assert!(matches!(e, ModelError::ReworkLoopExit { .. }));
    check(
        &e,
        flow_el("c>a"),
        Some("to"),
        &["step 'b'", "to 'e'", "at its end ('c')"],
    );
    // Leaving at the end is fine: c -> e as well as c -> d.
    let mut doc = loop_map(json!({"from": "c", "to": "a", "kind": "rework", "p": 0.1}));
    doc.flows
        .push(takt_core::Flow::new("c", "e", takt_core::FlowKind::Push));
    assert!(validate(&doc).is_ok());
}

#[test]
fn information_flows_carry_no_queue() {
    let e = only(&two(
        json!({}),
        json!({"kind": "information", "wait": "1h"}),
    ));
    check(&e, flow_el("a>b"), Some("wait"), &["information flow"]);
    let e = only(&two(json!({}), json!({"kind": "information", "wip": 3})));
    check(&e, flow_el("a>b"), Some("wip"), &["information flow"]);
    let e = only(&two(json!({}), json!({"wait": "1h", "wip": 3})));
    check(
        &e,
        flow_el("a>b"),
        Some("wip"),
        &["either as a wait or as a WIP"],
    );
}

#[test]
fn lineage_cycle() {
    let doc = map(json!({
        "assets": [
            {"id": "x", "name": "X", "kind": "dataset"},
            {"id": "y", "name": "Y", "kind": "feature"},
            {"id": "z", "name": "Z", "kind": "model"}
        ],
        "lineage": [{"from": "x", "to": "y"}, {"from": "y", "to": "z"}, {"from": "z", "to": "x"}]
    }));
    let e = only(&doc);
    let ModelError::LineageCycle { assets } = &e else {
        panic!("{e:?}")
    };
    let mut sorted = assets.clone();
    sorted.sort();
    assert_eq!(sorted, ids(&["x", "y", "z"]));
    assert_eq!(e.element(), Element::Asset(assets[0].clone()));
    assert_eq!(e.field(), None);
    let msg = e.to_string();
    assert!(msg.contains("lineage edges") && msg.contains("data cannot derive from itself"));
    for a in ["'x'", "'y'", "'z'"] {
        assert!(msg.contains(a), "{msg}");
    }
}

#[test]
fn kaizen_due_dates_are_dates() {
    let doc = map(json!({"kaizen": [{"id": "k", "title": "K", "due": "2025-02-30"}]}));
    let e = only(&doc);
    check(
        &e,
        Element::Kaizen("k".into()),
        Some("due"),
        &["2025-02-30", "YYYY-MM-DD"],
    );
    let doc = map(json!({"kaizen": [{"id": "k", "title": "K", "due": "2024-02-29"}]}));
    assert!(validate(&doc).is_ok());
}

#[test]
fn every_error_is_reported_in_document_order() {
    let doc = map(json!({
        "steps": [
            {"id": "a", "name": "A", "pca": 150},
            {"id": "b", "name": "B", "pt": "3h", "lt": "2h"}
        ],
        "flows": [{"from": "a", "to": "b", "wait": "-1h"}]
    }));
    let errs = validate(&doc).unwrap_err();
    let got: Vec<(Element, Option<&str>)> =
        errs.0.iter().map(|e| (e.element(), e.field())).collect();
    assert_eq!(
        got,
        vec![
            (step_el("a"), Some("pca")),
            (step_el("b"), Some("lt")),
            (flow_el("a>b"), Some("wait")),
        ]
    );
    // One line per error.
    assert_eq!(errs.to_string().lines().count(), 3);
    // The analysis refuses an invalid map with the same errors.
    assert_eq!(takt_core::analyze(&doc).unwrap_err(), errs);
}

// ---------------------------------------------------------------------------------------------
// The file format.

#[test]
fn bad_json_gives_a_line_and_a_column() {
    // The comma after `"version": 1` is missing: the parser stops at the `"` that opens
    // "name", the third character of line 4.
    let text = "{\n  \"format\": \"takt\",\n  \"version\": 1\n  \"name\": \"x\"\n}\n";
    let e = format::parse(text).unwrap_err();
    let FormatError::Syntax {
        line,
        column,
        message,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*line, *column), (4, 3));
    assert!(!message.contains(" at line "), "{message}");
    assert!(e.to_string().starts_with("line 4, column 3: "), "{e}");
    // Truncated input.
    let e = format::parse("{\"format\": \"takt\", ").unwrap_err();
    assert!(matches!(e, FormatError::Syntax { line: 1, .. }), "{e:?}");
}

#[test]
fn unknown_fields_are_refused() {
    let text = r#"{
  "format": "takt",
  "version": 1,
  "name": "x",
  "steps": [
    {"id": "a", "name": "A", "ptt": "1h"}
  ]
}"#;
    let e = format::parse(text).unwrap_err();
    let FormatError::Syntax { line, message, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*line, 6);
    assert!(message.contains("unknown field `ptt`"), "{message}");
    // At the top level too.
    let e =
        format::parse(r#"{"format": "takt", "version": 1, "name": "x", "stpes": []}"#).unwrap_err();
    assert!(e.to_string().contains("unknown field `stpes`"), "{e}");
}

#[test]
fn bad_values_are_refused_with_their_place() {
    let text = "{\"format\": \"takt\", \"version\": 1, \"name\": \"x\",\n\"steps\": [{\"id\": \"a\", \"pt\": \"3y\"}]}";
    let e = format::parse(text).unwrap_err();
    assert!(matches!(e, FormatError::Syntax { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("unknown time unit 'y'"), "{e}");
}

#[test]
fn only_takt_maps_are_read() {
    let e = format::parse(r#"{"format": "bpmn", "version": 1, "name": "x"}"#).unwrap_err();
    assert!(matches!(e, FormatError::NotTakt(_)));
    assert!(e.to_string().contains("\"bpmn\", not \"takt\""), "{e}");
    let e = format::parse(r#"{"version": 1, "name": "x"}"#).unwrap_err();
    assert!(matches!(e, FormatError::NotTakt(_)), "{e:?}");
    let e = format::parse("[1, 2]").unwrap_err();
    assert!(matches!(e, FormatError::NotTakt(_)), "{e:?}");
    let e = format::parse(r#"{"format": "takt", "name": "x"}"#).unwrap_err();
    assert!(matches!(e, FormatError::NotTakt(_)), "{e:?}");
    let e = format::parse(r#"{"format": "takt", "version": 0, "name": "x"}"#).unwrap_err();
    assert!(matches!(e, FormatError::NotTakt(_)), "{e:?}");
}

#[test]
fn a_newer_version_is_refused_by_name() {
    let e = format::parse(r#"{"format": "takt", "version": 5, "name": "x"}"#).unwrap_err();
    assert_eq!(e, FormatError::TooNew { found: 5 });
    let msg = e.to_string();
    assert!(msg.contains("version 5"), "{msg}");
    assert!(msg.contains("reads version 4 and older"), "{msg}");
}

#[test]
fn load_validates_and_parse_does_not() {
    let text = r#"{"format": "takt", "version": 1, "name": "x",
        "steps": [{"id": "a", "name": "A", "pt": "2h", "lt": "1h"}]}"#;
    let doc = format::parse(text).expect("parse does not validate");
    assert_eq!(doc.steps.len(), 1);
    let e = format::load(text).unwrap_err();
    let FormatError::Invalid(errs) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(errs.0.len(), 1);
    assert_eq!(errs.0[0].element(), step_el("a"));
    assert_eq!(errs.0[0].field(), Some("lt"));
    // And `locate` finds the line of the element in the file: the step is on line 2.
    assert_eq!(format::locate(text, &errs.0[0].element()), Some(2));
}

#[test]
fn a_canonical_file_reads_and_writes_back_the_same_bytes() {
    let doc = map(json!({
        "calendar": {"hours_per_day": 7.5, "days_per_week": 5},
        "demand": {"items": 12, "per": "13w"},
        "unit": "wd",
        "teams": [{"id": "t", "name": "T"}],
        "steps": [
            {"id": "a", "name": "A", "team": "t", "pt": "1.5h", "lt": "2wd", "pca": 92.5,
             "waste": ["waiting", {"kind": "motion", "share": 0.25}],
             "lt_range": {"min": "1wd", "max": "5wd"}},
            {"id": "b", "name": "B", "team": "t", "pt": 90, "split": "xor"},
            {"id": "c", "name": "C", "team": "t", "pt": "1h"},
            {"id": "d", "name": "D", "team": "t", "pt": "1h"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wip": 4},
            {"from": "b", "to": "c", "p": 0.1},
            {"from": "b", "to": "d"},
            {"from": "b", "to": "a", "kind": "rework", "p": 0.05, "wait": "1d"}
        ]
    }));
    let text = format::to_json(&doc);
    let again = format::load(&text).expect("valid");
    assert_eq!(again, doc);
    assert_eq!(format::to_json(&again), text);
    // Whole numbers without a fraction, units kept as entered.
    assert!(text.contains("\"pt\": 90"), "{text}");
    assert!(text.contains("\"lt\": \"2wd\""), "{text}");
    assert!(text.contains("\"per\": \"13w\""), "{text}");
}

#[test]
fn an_information_flow_has_no_probability() {
    let doc = map(serde_json::json!({
        "steps": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "flows": [{"from": "a", "to": "b", "kind": "information", "p": 0.5}]
    }));
    let err = only(&doc);
    check(
        &err,
        flow_el("a>b"),
        Some("p"),
        &["information flow", "no probability"],
    );
}
