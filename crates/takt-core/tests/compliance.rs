//! Compliance: evidence as records (and version 1's strings), the SLA and coverage warnings,
//! consecutive approvals by one role, the gate register, and what a future state does to the
//! current state's mandatory gates. Figures worked by hand in the comments.

mod common;
use common::*;
use serde_json::json;
use takt_core::compare::{compare, GateChange};
use takt_core::gates::{register, GateStatus};
use takt_core::model::{EvidenceKind, EvidenceStatus};
use takt_core::{analyze, Element};

fn codes(a: &takt_core::Analysis) -> Vec<&'static str> {
    a.warnings.iter().map(|w| w.code).collect()
}

/// Prepare -> Validate (gate, 5wd, SLA 2wd, mandatory) -> Approve (gate, 1wd) -> Deploy.
fn stream() -> serde_json::Value {
    json!({
        "teams": [{"id": "ds", "name": "Data science"}, {"id": "mrm", "name": "Model risk"}],
        "steps": [
            {"id": "prep", "name": "Prepare", "team": "ds", "pt": "1wd"},
            {"id": "val", "name": "Validate", "kind": "gate", "team": "mrm", "lt": "5wd",
             "gate": {"regulation": "SR 11-7", "control": "V", "approver": "Head of MRM",
                      "tier": 2, "sla": "2wd", "mandatory": true,
                      "evidence": [{"title": "Validation report", "kind": "test_report",
                                    "status": "accepted", "owner": "MRM", "due": "2026-12-15"}]}},
            {"id": "app", "name": "Approve", "kind": "gate", "team": "mrm", "lt": "1wd",
             "gate": {"regulation": "EU AI Act", "control": "Art. 14", "approver": "head of mrm"}},
            {"id": "dep", "name": "Deploy", "team": "ds", "pt": "1h"}
        ],
        "flows": [
            {"from": "prep", "to": "val"}, {"from": "val", "to": "app"}, {"from": "app", "to": "dep"}
        ]
    })
}

#[test]
fn version_1_evidence_strings_read_as_missing_items_and_write_back_as_the_current_version() {
    let text = include_str!("data/v1-model-retraining.json");
    assert!(text.contains("\"version\": 1"));
    let doc = takt_core::format::load(text).expect("a version 1 file still opens");
    let gate = doc.step("mrm-review").unwrap().gate.as_ref().unwrap();
    let titles: Vec<&str> = gate.evidence.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "model development document",
            "out-of-time backtest",
            "disparate-impact analysis"
        ]
    );
    for e in &gate.evidence {
        assert_eq!(
            (e.status, e.kind),
            (EvidenceStatus::Missing, EvidenceKind::Document)
        );
    }
    let written = takt_core::format::to_json(&doc);
    assert!(written.contains(&format!("\"version\": {}", takt_core::model::VERSION)));
    assert!(written.contains("\"title\": \"out-of-time backtest\""));
    let again = takt_core::format::load(&written).unwrap();
    assert_eq!(again, doc);
}

#[test]
fn an_unknown_status_or_a_bad_date_or_link_is_said_with_its_field() {
    let mut body = stream();
    body["steps"][1]["gate"]["evidence"][0]["status"] = json!("signed");
    let mut v = json!({"format": "takt", "version": 2, "name": "t"});
    for (k, x) in body.as_object().unwrap() {
        v[k] = x.clone();
    }
    let text = serde_json::to_string_pretty(&v).unwrap();
    let e = takt_core::format::parse(&text).unwrap_err().to_string();
    assert!(e.contains("unknown variant `signed`"), "{e}");
    assert!(e.starts_with("line "), "{e}");

    let mut doc = map(stream());
    let ev = &mut doc.steps[1].gate.as_mut().unwrap().evidence[0];
    ev.due = Some("15/12/2026".into());
    ev.link = Some("report final".into());
    let errs = takt_core::validate::validate(&doc).unwrap_err();
    let text = errs.to_string();
    assert!(
        text.contains("gate.evidence.due: evidence 'Validation report': the due date '15/12/2026' is not a date"),
        "{text}"
    );
    assert!(text.contains("gate.evidence.link"), "{text}");
    assert!(text.contains("is neither a URL"), "{text}");
}

#[test]
fn links_are_urls_or_paths() {
    use takt_core::validate::check_link;
    for ok in [
        "https://wiki.example.com/mrm/PD-2026",
        "file:///srv/evidence/backtest.pdf",
        "mailto:mrm@example.com",
        "/srv/evidence/backtest.pdf",
        "~/evidence/card.md",
        "./card.md",
        "reports/backtest.pdf",
        "C:\\evidence\\card.docx",
    ] {
        assert_eq!(check_link(ok), Ok(()), "{ok}");
    }
    for bad in [
        "backtest",
        "javascript:alert(1)",
        "https:/x",
        " /x",
        "",
        "http://a b",
    ] {
        assert!(check_link(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_gate_over_its_sla_is_warned_of() {
    // Validate takes 5 wd against an SLA of 2 wd.
    let doc = map(stream());
    let a = analyze(&doc).unwrap();
    let w = a
        .warnings
        .iter()
        .find(|w| w.code == "gate_over_sla")
        .unwrap();
    assert_eq!(w.element, Some(Element::Step("val".into())));
    assert_eq!(
        w.message,
        "gate 'Validate' takes 7 d, over its SLA of 2.8 d"
    );
    let mut ok = map(stream());
    ok.steps[1].gate.as_mut().unwrap().sla = Some("5wd".parse().unwrap());
    assert!(!codes(&analyze(&ok).unwrap()).contains(&"gate_over_sla"));
}

#[test]
fn consecutive_approvals_by_one_role_are_redundant() {
    // Validate flows straight into Approve, and the Head of MRM approves both (case aside).
    let doc = map(stream());
    let a = analyze(&doc).unwrap();
    assert_eq!(
        a.redundant_gates,
        vec![["val".to_string(), "app".to_string()]]
    );
    let w = a
        .warnings
        .iter()
        .find(|w| w.code == "redundant_gate")
        .unwrap();
    assert_eq!(
        w.message,
        "gates 'Validate' and 'Approve' are consecutive approvals by the same role (Head of MRM): a redundancy candidate"
    );
}

#[test]
fn a_required_control_no_gate_checks_is_uncovered() {
    let mut body = stream();
    body["catalogue"] = json!([
        {"regulation": "EU AI Act", "control": "Art. 14", "required": true},
        {"regulation": "EU AI Act", "control": "Art. 10", "required": true}
    ]);
    let doc = map(body);
    let a = analyze(&doc).unwrap();
    let uncovered: Vec<&str> = a
        .warnings
        .iter()
        .filter(|w| w.code == "uncovered_control")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        uncovered,
        ["no gate checks EU AI Act Art. 10 (Data and data governance), which the catalogue marks as required"]
    );
    let r = register(&doc, &a);
    assert_eq!(r.uncovered_controls.len(), 1);
    assert_eq!(r.uncovered_controls[0].control, "Art. 10");
}

#[test]
fn the_register_lists_every_gate_with_its_figures() {
    let doc = map(stream());
    let a = analyze(&doc).unwrap();
    let r = register(&doc, &a);
    // Lead time: 1 wd + 5 wd + 1 wd + 1 h = 7 wd + 1 h; 1 wd = 1.4 d = 120 960 s.
    let wd = 120_960.0;
    close(r.lead_time_s, 7.0 * wd + H);
    assert_eq!(r.gates.len(), 2);
    let v = &r.gates[0];
    assert_eq!(
        (v.id.as_str(), v.team.as_deref(), v.control_title.as_deref()),
        ("val", Some("Model risk"), Some("Model validation"))
    );
    assert_eq!((v.mandatory, v.tier, v.critical), (true, Some(2), true));
    close(v.lt_s, 5.0 * wd);
    close(v.sla_s.unwrap(), 2.0 * wd);
    assert_eq!(v.meets_sla, Some(false));
    close(v.share, 5.0 * wd / (7.0 * wd + H));
    assert_eq!(v.redundant_with, ["app"]);
    assert_eq!(v.status, GateStatus::OverSla);
    let p = &r.gates[1];
    assert_eq!((p.meets_sla, p.status), (None, GateStatus::Redundant));
    assert_eq!(p.control_title.as_deref(), Some("Human oversight"));
    // Merging saves the shorter gate: Approve's 1 wd.
    assert_eq!(r.redundancies.len(), 1);
    close(r.redundancies[0].saving_s, wd);
    let j = r.to_json();
    assert_eq!(j["gates"][0]["evidence"][0]["status"], "accepted");
    assert_eq!(j["gates"][0]["sla_s"], 2.0 * wd);
    assert_eq!(j["uncovered_controls"], json!([]));
}

#[test]
fn a_future_state_that_removes_or_bypasses_a_mandatory_gate_says_so() {
    let current = map(stream());
    // Removed.
    let mut removed = current.clone();
    removed.steps.retain(|s| s.id != "val");
    removed.flows.retain(|f| f.from != "val" && f.to != "val");
    removed
        .flows
        .push(serde_json::from_value(json!({"from": "prep", "to": "app"})).unwrap());
    let c = compare(&current, &removed).unwrap();
    assert_eq!(c.mandatory.len(), 1);
    assert_eq!(c.mandatory[0].change, GateChange::Removed);
    assert!(c.mandatory[0].unjustified());
    assert_eq!(
        c.mandatory[0].sentence(),
        "removes the mandatory gate 'Validate'"
    );

    // Bypassed: an XOR split sends 60% of items around it.
    let mut bypass = current.clone();
    bypass.steps[0].split = Some(takt_core::model::Split::Xor);
    bypass.flows[0].p = Some(0.4);
    bypass
        .flows
        .push(serde_json::from_value(json!({"from": "prep", "to": "app", "p": 0.6})).unwrap());
    let c = compare(&current, &bypass).unwrap();
    assert_eq!(c.mandatory[0].change, GateChange::Bypassed);

    // Changed, with the gate fields that differ; justified removal carries its justification.
    let mut changed = current.clone();
    changed.steps[1].lt = Some("2wd".parse().unwrap());
    changed.steps[1].gate.as_mut().unwrap().sla = Some("3wd".parse().unwrap());
    let c = compare(&current, &changed).unwrap();
    assert_eq!(c.mandatory[0].change, GateChange::Changed);
    assert_eq!(c.mandatory[0].fields, ["gate.sla", "lt"]);
    assert!(!c.mandatory[0].unjustified());

    removed.justifications = vec![takt_core::model::Justification {
        gate: "val".into(),
        text: "Validation moves into the CI pipeline".into(),
        author: "ana".into(),
        date: Some("2026-12-04".into()),
    }];
    let c = compare(&current, &removed).unwrap();
    assert!(!c.mandatory[0].unjustified());
    assert_eq!(c.mandatory[0].justification.as_ref().unwrap().author, "ana");
}
