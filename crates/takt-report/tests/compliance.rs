//! The compliance report: its data from a real document (a future state that removes a
//! mandatory gate with a justification, and the trail of the gates), written as JSON, HTML
//! and a real PDF (PDF/A-2b, its title in the metadata, A4 or Letter), and written whole or
//! not at all.

use serde_json::json;
use std::path::Path;
use takt_core::ops::{Key, Op, Record};
use takt_report::{Format, Paper};
use takt_store::Document;

fn example() -> takt_core::ValueStream {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/credit-risk-gates.json");
    takt_core::format::load(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn document(dir: &Path) -> (Document, i64) {
    let mut doc = Document::create(&dir.join("cr.takt"), &example()).unwrap();
    doc.set_author(Some("ana".into()));
    let current = doc.current();
    doc.apply(
        current,
        &Op::Set {
            key: Key::step("oversight"),
            field: "lt".into(),
            value: json!("6wd"),
        },
    )
    .unwrap();
    let f = doc.fork(current, "Future A").unwrap();
    let mut meta = doc.map(f).unwrap().meta();
    meta.justifications = vec![takt_core::model::Justification {
        gate: "soundness".into(),
        text: "Folded into the independent validation <and> *its* memo".into(),
        author: "ana".into(),
        date: Some("2026-12-04".into()),
    }];
    doc.apply(
        f,
        &Op::Batch {
            ops: vec![
                Op::Update {
                    record: Record::Meta(meta),
                },
                Op::Remove {
                    key: Key::step("soundness"),
                },
                Op::Add {
                    record: Record::Flow(
                        serde_json::from_value(json!({"from": "validation", "to": "oversight"}))
                            .unwrap(),
                    ),
                    index: None,
                },
            ],
        },
    )
    .unwrap();
    (doc, f)
}

#[test]
fn the_report_of_a_future_state_says_what_it_removes_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let (mut doc, f) = document(dir.path());
    let c = takt_report::of_document(&mut doc, f, "2026-12-04", "Ana Auditor").unwrap();
    assert_eq!(c.scenario, "Future A");
    assert_eq!(c.rows.len(), 5);
    let j: serde_json::Value = serde_json::from_str(&c.to_json()).unwrap();
    assert_eq!(j["scenario_kind"], "future");
    assert_eq!(j["gates"].as_array().unwrap().len(), 5);
    assert_eq!(
        j["mandatory"].as_array().unwrap().len(),
        0,
        "soundness was not mandatory"
    );
    // The current state's trail is the current state's; the future state's has the removal.
    let said: Vec<&str> = j["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        said.contains(&"Removed step 'Conceptual soundness review'"),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("Recorded a justification")),
        "{said:?}"
    );

    // Made mandatory in the current state, the removal is listed with its justification.
    let current = doc.current();
    let mut gate = doc
        .map(current)
        .unwrap()
        .step("soundness")
        .unwrap()
        .gate
        .clone()
        .unwrap();
    gate.mandatory = true;
    doc.apply(
        current,
        &Op::Set {
            key: Key::step("soundness"),
            field: "gate".into(),
            value: serde_json::to_value(&gate).unwrap(),
        },
    )
    .unwrap();
    let c = takt_report::of_document(&mut doc, f, "2026-12-04", "Ana Auditor").unwrap();
    assert_eq!(c.mandatory.len(), 1);
    let html = c.to_html();
    // Text is escaped, never markup.
    assert!(html.contains("Folded into the independent validation &lt;and&gt; *its* memo"));
    assert!(!html.contains("<and>"));
    assert!(html.contains("<h2>Against the current state</h2>"));
}

#[test]
fn the_pdf_is_pdf_a_with_its_title_and_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let (mut doc, f) = document(dir.path());
    let c = takt_report::of_document(&mut doc, f, "2026-12-04", "Ana Auditor").unwrap();
    let mut stages = Vec::new();
    let a4 = takt_report::render(&c, Format::Pdf, Paper::A4, &mut |share, stage| {
        stages.push((share, stage.to_string()));
        true
    })
    .unwrap();
    assert!(a4.starts_with(b"%PDF-"));
    assert!(!stages.is_empty());
    let text = String::from_utf8_lossy(&a4);
    // PDF/A-2b: the part and conformance in the XMP metadata; the title in it too.
    assert!(
        text.contains("pdfaid:part") && text.contains("2"),
        "PDF/A metadata"
    );
    assert!(text.contains("Compliance report: Credit-risk PD model release"));
    // A4 is 595 x 842 points, Letter 612 x 792.
    assert!(text.contains("595.") || text.contains("595 "), "A4 pages");
    let letter = takt_report::render(&c, Format::Pdf, Paper::Letter, &mut |_, _| true).unwrap();
    assert!(String::from_utf8_lossy(&letter).contains("612"));

    // Cancelled: no bytes.
    let e = takt_report::render(&c, Format::Pdf, Paper::A4, &mut |_, _| false).unwrap_err();
    assert!(matches!(e, takt_report::ReportError::Cancelled));
}

#[test]
fn a_report_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    takt_report::write_atomically(&target, b"<html>first</html>").unwrap();
    takt_report::write_atomically(&target, b"<html>second</html>").unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"<html>second</html>");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.html"]);
    let e = takt_report::write_atomically(&dir.path().join("missing/report.pdf"), b"x")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("missing/report.pdf: cannot write the report there"),
        "{e}"
    );
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn a_map_file_has_no_trail_and_says_so() {
    let map = example();
    let a = takt_core::analyze(&map).unwrap();
    let c = takt_report::of_map(&map, &a, "credit-risk-gates.json", "2026-12-04", "ana");
    assert!(!c.has_audit);
    assert!(c.to_html().contains("A map file keeps no audit trail"));
    assert_eq!(c.uncovered.len(), 3);
}
