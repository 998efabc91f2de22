//! The executive report: its data from a real document (a future state with three changes,
//! two claimed by kaizen items; two snapshots for a trend), written as JSON, HTML and a real PDF
//! of one to three pages.

use serde_json::json;
use std::path::Path;
use takt_core::ops::{Key, Op};
use takt_report::{Format, Paper};
use takt_store::Document;

fn load(name: &str) -> takt_core::ValueStream {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    takt_core::format::load(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn set(id: &str, field: &str, value: serde_json::Value) -> Op {
    Op::Set {
        key: Key::step(id),
        field: field.into(),
        value,
    }
}

#[test]
fn the_executive_report_compares_attributes_simulates_and_trends() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(
        &dir.path().join("m.takt"),
        &load("model-retraining-current.json"),
    )
    .unwrap();
    let current = doc.current();
    let f = doc.fork(current, "Future A").unwrap();
    for op in [
        set("validate", "lt", json!("5h")),
        set("evidence", "lt", json!("1wd")),
        set("deploy", "lt", json!("4h")),
    ] {
        doc.apply(f, &op).unwrap();
    }
    doc.import_snapshot(
        &load("model-retraining-current.json"),
        "jan.json",
        "2026-01-31",
        "",
    )
    .unwrap();
    doc.import_snapshot(
        &load("model-retraining-future.json"),
        "feb.json",
        "2026-02-28",
        "",
    )
    .unwrap();
    let input = takt_report::executive_input(&mut doc, &[], "2026-12-05", "Lee Leader").unwrap();
    let mut stages = Vec::new();
    let e = takt_report::executive::executive(input, &mut |share, stage| {
        stages.push((share, stage.to_string()));
        true
    })
    .unwrap();
    assert_eq!(e.scenarios, ["Current state", "Future A"]);
    assert!(stages.iter().any(|(_, s)| s == "Simulating 'Future A'"));
    // The table: lead time, shorter in the future state, in green.
    let lead = &e.rows[0];
    assert_eq!(lead.metric, "lead_time_s");
    assert_eq!(lead.cells[0].tone, "");
    assert_eq!(lead.cells[1].tone, "good");
    assert!(
        lead.cells[1].delta_text.starts_with('-'),
        "{}",
        lead.cells[1].delta_text
    );
    // The waterfall adds up; deploy's 1 d -> 4 h (20 h) is the unclaimed bar.
    let w = &e.waterfalls[0];
    let sum: f64 = w.bars.iter().map(|b| b.delta_s).sum();
    assert_eq!(sum, (w.after_s - w.before_s).round());
    let unclaimed = w.bars.iter().find(|b| b.kaizen.is_none()).unwrap();
    assert_eq!(unclaimed.delta_s, -20.0 * 3600.0);
    // The top kaizen items, the largest cut first, with their owners from the map.
    assert_eq!(e.kaizen.len(), 2);
    assert!(e.kaizen[0].effect_s <= e.kaizen[1].effect_s);
    assert!(e.kaizen.iter().all(|k| !k.owner.is_empty()));
    // Two snapshots: a trend.
    assert_eq!(e.trend.as_ref().map(|x| x.points.len()), Some(2));
    assert_eq!(e.simulation.len(), 2);
    assert_eq!(e.simulation[0].runs, takt_report::executive::RUNS);

    let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(json["report"], "executive");
    assert_eq!(json["waterfalls"][0]["scenario"], "Future A");
    let html = e.to_html();
    assert!(html.contains("What each change buys") && html.contains("<svg"));

    let pdf = takt_report::render_executive(&e, Format::Pdf, Paper::A4, &mut |_, _| true).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let file = dir.path().join("exec.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo (poppler-utils) runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!((1..=3).contains(&pages), "{pages} pages");
    let text = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for heading in [
        "The scenarios side by side",
        "What each change buys",
        "Lead time as a distribution",
        "The trend",
        "Top kaizen items by effect",
        "The maps",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    // Cancelled: an error, no report.
    let again = takt_report::executive_input(&mut doc, &[], "2026-12-05", "Lee").unwrap();
    assert_eq!(
        takt_report::executive::executive(again, &mut |_, _| false).unwrap_err(),
        "cancelled"
    );
}
