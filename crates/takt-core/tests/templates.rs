//! The templates to start from: each is a valid, realistic map (teams, queues, gates with their
//! regulations, lineage, kaizen ideas, a description that says where its numbers come from),
//! and each one's headline figures are checked by hand, like the examples'.

use takt_core::templates::{find, TEMPLATES};
use takt_core::{analyze, Analysis, StepKind};

fn close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0),
        "{what}: {actual} != {expected}"
    );
}

fn analysed(key: &str) -> Analysis {
    analyze(&find(key).unwrap().map()).unwrap()
}

#[test]
fn every_template_is_a_realistic_map() {
    assert_eq!(TEMPLATES.len(), 6);
    for t in TEMPLATES.iter() {
        let m = t.map();
        takt_core::validate(&m).unwrap_or_else(|e| panic!("{}: {e}", t.key));
        assert!(m.teams.len() >= 3, "{}: teams", t.key);
        assert!(
            m.steps.first().unwrap().kind == StepKind::Supplier
                && m.steps.last().unwrap().kind == StepKind::Customer,
            "{}: from a supplier to a customer",
            t.key
        );
        assert!(
            m.flows.iter().any(|f| f.wait.is_some() || f.wip.is_some()),
            "{}: queues",
            t.key
        );
        let gates: Vec<_> = m
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Gate)
            .collect();
        assert!(!gates.is_empty(), "{}: gates", t.key);
        for g in gates {
            let d = g
                .gate
                .as_deref()
                .unwrap_or_else(|| panic!("{}: {} has no gate details", t.key, g.id));
            assert!(
                d.regulation.is_some(),
                "{}: {} names no regulation",
                t.key,
                g.id
            );
        }
        assert!(
            m.assets.len() >= 5 && !m.lineage.is_empty() && !m.links.is_empty(),
            "{}: lineage",
            t.key
        );
        assert!(m.kaizen.len() >= 2, "{}: kaizen ideas", t.key);
        assert!(m.demand.is_some(), "{}: demand", t.key);
        let d = m.description.to_lowercase();
        assert!(
            d.len() > 300 && d.contains("illustrative"),
            "{}: the description says where the numbers come from",
            t.key
        );
        assert_eq!(find(t.key).map(|f| f.title), Some(t.title));
        // Names a room can read.
        for s in &m.steps {
            assert!(
                s.name.chars().count() <= 60,
                "{}: '{}' is long",
                t.key,
                s.name
            );
        }
    }
    assert!(find("nope").is_none());
}

#[test]
fn model_retraining() {
    // The map of examples/model-retraining-current.json with its lineage: the figures checked
    // by hand in tests/examples.rs (model_retraining_current).
    let a = analysed("model-retraining");
    close(a.lead_time_s, 4_797_120.0, "lead_time_s");
    close(a.process_time_s, 152_400.0, "process_time_s");
    close(a.pce, 52_800.0 / 4_797_120.0, "pce");
    close(a.gate_time_s, 806_400.0, "gate_time_s");
}

#[test]
fn incident_triage() {
    // examples/incident-triage.json with its lineage: tests/examples.rs (incident_triage).
    let a = analysed("incident-triage");
    close(a.lead_time_s, 118_590.0, "lead_time_s");
    close(a.process_time_s, 8_610.0, "process_time_s");
    close(a.pce, 6_210.0 / 118_590.0, "pce");
    close(a.gate_time_s, 14_400.0, "gate_time_s");
}

#[test]
fn feature_request() {
    // examples/feature-store.json: tests/examples.rs (feature_store_flow).
    let a = analysed("feature-request");
    close(a.lead_time_s, 1_984_320.0, "lead_time_s");
    close(a.process_time_s, 72_000.0, "process_time_s");
    close(a.pce, 50_400.0 / 1_984_320.0, "pce");
    close(a.gate_time_s, 241_920.0, "gate_time_s");
}

#[test]
fn data_labeling() {
    let a = analysed("data-labeling");
    // On a 5-day week 1 wd = 33.6 h = 120 960 s. Critical path: request, spec, prepare,
    // privacy gate, label, QA, adjudicate, assemble, training.
    //   Waits: 1 + 2 + 5 (the vendor's FIFO) + 1 + 1                = 10 wd
    //   Step LTs: 2 + 1 + 3 + 8 + 1 + 2 + 1                          = 18 wd
    //   Rework QA -> label, p 0.2: one pass label 8 + wait 1 + QA 1 = 10 wd, with the
    //     rework flow's wait 2 = 12 wd, times p / (1 - p) = 0.25     =  3 wd
    //   31 wd x 120 960 = 3 749 760 s
    close(a.lead_time_s, 3_749_760.0, "lead_time_s");
    // PT: 4 + 2 + 2 + 40 + 4 + 6 + 2 = 60 h, plus (40 + 4) x 0.25 = 11 h: 71 h = 255 600 s.
    close(a.process_time_s, 255_600.0, "process_time_s");
    // VA: labeling 40 x 1.25 + adjudication 6 = 56 h = 201 600 s.
    close(a.pce, 201_600.0 / 3_749_760.0, "pce");
}

#[test]
fn data_quality_incident() {
    let a = analysed("data-quality-incident");
    // In hours (1 wd = 33.6 h). Critical path: check, triage, root cause, backfill plan,
    // change approval, backfill, re-validation, review; the notify branch is shorter.
    //   Waits: 2 + 33.6 + 33.6 + 24 + 67.2                 = 160.4 h
    //   Step LTs: 4 + 67.2 + 33.6 + 67.2 + 8 + 4 + 67.2    = 251.2 h
    //   Rework re-validation -> backfill, p 0.2: (8 + 4 + the flow's 4) x 0.25 = 4 h
    //   415.6 h x 3 600 = 1 496 160 s
    close(a.lead_time_s, 1_496_160.0, "lead_time_s");
    // PT: 1 + 4 + 3 + 1 + 2 + 1 + 3 = 15 h, plus (2 + 1) x 0.25: 15.75 h = 56 700 s.
    close(a.process_time_s, 56_700.0, "process_time_s");
    // VA: 4 + 2 x 1.25 = 6.5 h = 23 400 s.
    close(a.pce, 23_400.0 / 1_496_160.0, "pce");
}

#[test]
fn model_release() {
    let a = analysed("model-release");
    // Critical path: package, offline evaluation, model-risk validation, the AI-regulation
    // conformity check (its branch, 0 + 5 + 2 = 7 wd, is longer than security's 1 + 3 + 2 = 6),
    // change board, canary, promotion.
    //   Waits: 1 + 5 (validation FIFO) + 2 (CAB agenda) wd + 1 d  = 8 wd + 24 h
    //   Step LTs: 1 + 3 + 10 + 5 + 1 wd, canary 3 d, promote 4 h  = 20 wd + 76 h
    //   Rework model risk -> offline evaluation, p 0.2:
    //     (3 + 5 + 10 + the flow's 2) x 0.25                      = 5 wd
    //   33 wd = 1 108.8 h, + 100 h = 1 208.8 h x 3 600 = 4 351 680 s
    close(a.lead_time_s, 4_351_680.0, "lead_time_s");
    // PT: 4 + 8 + 24 + 8 + 1 + 2 + 1 = 48 h, plus (8 + 24) x 0.25 = 8 h: 56 h = 201 600 s.
    close(a.process_time_s, 201_600.0, "process_time_s");
    // VA: 8 x 1.25 + 1 = 11 h = 39 600 s.
    close(a.pce, 39_600.0 / 4_351_680.0, "pce");
    // Four gates, each with its regulation.
    let m = takt_core::templates::find("model-release").unwrap().map();
    assert_eq!(
        m.steps.iter().filter(|s| s.kind == StepKind::Gate).count(),
        4
    );
}
