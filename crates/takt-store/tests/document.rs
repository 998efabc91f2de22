//! The document file: round trips, edits committed and kept, undo and redo across reopening,
//! scenarios, snapshots, Save As, and files that are refused and left untouched.

use serde_json::json;
use std::path::{Path, PathBuf};
use takt_core::format;
use takt_core::ops::{Key, Op};
use takt_core::ValueStream;
use takt_store::{Document, ScenarioKind, StoreError};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn sample() -> ValueStream {
    let p = examples()
        .into_iter()
        .find(|p| p.ends_with("model-retraining-current.json"))
        .unwrap();
    format::load(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn set(id: &str, field: &str, value: serde_json::Value) -> Op {
    Op::Set {
        key: Key::step(id),
        field: field.into(),
        value,
    }
}

#[test]
fn every_example_round_trips_to_identical_json() {
    let dir = tempfile::tempdir().unwrap();
    for p in examples() {
        let text = std::fs::read_to_string(&p).unwrap();
        let map = format::load(&text).unwrap();
        let file = dir
            .path()
            .join(p.file_stem().unwrap())
            .with_extension("takt");
        {
            let mut doc = Document::create(&file, &map).unwrap();
            let s = doc.current();
            assert_eq!(doc.export_json(s).unwrap(), text, "{}", p.display());
        }
        let mut doc = Document::open(&file).unwrap();
        let s = doc.current();
        assert_eq!(
            doc.export_json(s).unwrap(),
            text,
            "{} after reopening",
            p.display()
        );
    }
}

#[test]
fn edits_are_on_disk_when_acknowledged_and_undo_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.takt");
    let start = format::to_json(&sample());
    let first_step = sample().steps[1].id.clone();
    {
        let mut doc = Document::create(&file, &sample()).unwrap();
        let s = doc.current();
        doc.apply(s, &set(&first_step, "name", json!("Renamed step")))
            .unwrap();
        doc.apply(s, &set(&first_step, "pt", json!("1h"))).unwrap();
        doc.undo(s).unwrap().expect("one edit to undo");
        // Dropped without any save.
    }
    let mut doc = Document::open(&file).unwrap();
    let s = doc.current();
    let map = doc.map(s).unwrap();
    assert_eq!(map.step(&first_step).unwrap().name, "Renamed step");
    let history = doc.history(s).unwrap();
    assert_eq!(history.len(), 2);
    assert!(!history[0].undone && history[1].undone);
    // Redo what was undone before closing, then undo everything: the start, byte for byte.
    doc.redo(s).unwrap().expect("the undone edit");
    assert_eq!(
        doc.map(s)
            .unwrap()
            .step(&first_step)
            .unwrap()
            .pt
            .unwrap()
            .to_string(),
        "1h"
    );
    while doc.undo(s).unwrap().is_some() {}
    assert_eq!(doc.export_json(s).unwrap(), start);
    assert!(doc.undo(s).unwrap().is_none(), "nothing left to undo");
}

#[test]
fn a_new_edit_clears_what_could_be_redone() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("r.takt"), &sample()).unwrap();
    let s = doc.current();
    let id = sample().steps[1].id.clone();
    doc.apply(s, &set(&id, "name", json!("A"))).unwrap();
    doc.undo(s).unwrap();
    doc.apply(s, &set(&id, "name", json!("B"))).unwrap();
    assert!(doc.redo(s).unwrap().is_none());
    assert_eq!(doc.history(s).unwrap().len(), 1);
}

#[test]
fn a_bad_edit_is_refused_and_changes_nothing_in_memory_or_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.takt");
    let mut doc = Document::create(&file, &sample()).unwrap();
    let s = doc.current();
    let id = sample().steps[1].id.clone();
    let before = doc.export_json(s).unwrap();
    let err = doc.apply(s, &set(&id, "pt", json!("-3h"))).unwrap_err();
    let StoreError::Edit(e) = &err else {
        panic!("{err}")
    };
    let first = e.first_invalid().expect("a validation error");
    assert_eq!(first.field(), Some("pt"), "{err}");
    assert!(
        err.to_string().contains("times cannot be negative"),
        "{err}"
    );
    assert_eq!(doc.export_json(s).unwrap(), before);
    assert!(doc.history(s).unwrap().is_empty());
    drop(doc);
    let mut doc = Document::open(&file).unwrap();
    let s = doc.current();
    assert_eq!(doc.export_json(s).unwrap(), before);
}

#[test]
fn scenarios_fork_rename_compare_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.takt");
    let mut doc = Document::create(&file, &sample()).unwrap();
    let current = doc.current();
    let future = doc.fork(current, "Future state").unwrap();
    let id = sample().steps[1].id.clone();
    doc.apply(future, &set(&id, "pt", json!("30min"))).unwrap();
    doc.apply(future, &set(&id, "lt", json!("1h"))).unwrap();
    // The current state is untouched, and each has its own history.
    assert_eq!(
        doc.export_json(current).unwrap(),
        format::to_json(&sample())
    );
    assert!(doc.history(current).unwrap().is_empty());
    assert_eq!(doc.history(future).unwrap().len(), 2);
    let c = doc.compare(current, future).unwrap();
    assert_eq!(c.steps_changed.len(), 1);
    assert_eq!(c.steps_changed[0].id, id);
    let lead = c
        .metrics
        .iter()
        .find(|m| m.metric == "lead_time_s")
        .unwrap();
    assert!(
        lead.delta.unwrap() < 0.0,
        "a shorter step shortens the lead time"
    );
    // Names are unique; the current state stays.
    assert!(matches!(
        doc.fork(current, "Future state"),
        Err(StoreError::ScenarioExists { .. })
    ));
    doc.rename(future, "Automated validation").unwrap();
    assert!(matches!(
        doc.delete(current),
        Err(StoreError::CurrentState { .. })
    ));
    drop(doc);
    let mut doc = Document::open(&file).unwrap();
    let names: Vec<(&str, ScenarioKind)> = doc
        .scenarios()
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("Current state", ScenarioKind::Current),
            ("Automated validation", ScenarioKind::Future)
        ]
    );
    let future = doc.scenario("Automated validation").unwrap();
    doc.undo(future)
        .unwrap()
        .expect("the future state's own history survives");
    doc.delete(future).unwrap();
    assert_eq!(doc.scenarios().len(), 1);
    assert!(matches!(
        doc.scenario("Automated validation"),
        Err(StoreError::UnknownScenario { .. })
    ));
}

#[test]
fn a_map_joins_the_document_as_a_scenario_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.takt");
    let mut doc = Document::create(&file, &sample()).unwrap();
    let mut mined = ValueStream::new("Mined");
    mined.steps.push(takt_core::model::Step::new("a", "A"));
    mined.steps.push(takt_core::model::Step::new("b", "B"));
    mined.flows.push(takt_core::model::Flow::new(
        "a",
        "b",
        takt_core::model::FlowKind::Push,
    ));
    let s = doc
        .add_scenario("Measured", &mined, "mined from the event log runs.csv")
        .unwrap();
    assert_eq!(doc.map(s).unwrap().steps.len(), 2);
    assert!(doc.history(s).unwrap().is_empty());
    // The current state is as it was; the trail says where the scenario came from.
    assert_eq!(
        doc.export_json(doc.current()).unwrap(),
        format::to_json(&sample())
    );
    let trail = doc.audit(Some(s)).unwrap();
    assert_eq!(trail[0].action, "fork");
    assert_eq!(
        trail[0].note,
        "Added 'Measured': mined from the event log runs.csv"
    );
    // Names stay unique; an invalid map is refused and adds nothing.
    assert!(matches!(
        doc.add_scenario("Measured", &mined, ""),
        Err(StoreError::ScenarioExists { .. })
    ));
    let mut bad = mined.clone();
    bad.flows[0].to = "nowhere".into();
    assert!(doc.add_scenario("Bad", &bad, "").is_err());
    assert_eq!(doc.scenarios().len(), 2);
    drop(doc);
    let mut doc = Document::open(&file).unwrap();
    let s = doc.scenario("Measured").unwrap();
    assert_eq!(doc.map(s).unwrap().flows.len(), 1);
}

#[test]
fn snapshots_are_dated_copies_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("n.takt"), &sample()).unwrap();
    let s = doc.current();
    let id = sample().steps[1].id.clone();
    let before = doc.map(s).unwrap().clone();
    let first = doc.snapshot("2026-10-01", "baseline").unwrap();
    doc.apply(s, &set(&id, "name", json!("Later"))).unwrap();
    doc.snapshot("2026-11-01", "").unwrap();
    assert!(matches!(
        doc.snapshot("Nov 1", ""),
        Err(StoreError::BadDate { .. })
    ));
    let list = doc.snapshots().unwrap();
    assert_eq!(
        list.iter().map(|s| s.taken.as_str()).collect::<Vec<_>>(),
        ["2026-10-01", "2026-11-01"]
    );
    assert_eq!(list[0].label, "baseline");
    assert_eq!(doc.snapshot_map(first).unwrap(), before);
    assert!(matches!(
        doc.snapshot_map(99),
        Err(StoreError::UnknownSnapshot { .. })
    ));
}

#[test]
fn earlier_states_come_in_as_dated_snapshots_and_make_a_trend() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("t.takt"), &sample()).unwrap();
    let lead = |m: &ValueStream| takt_core::analyze(m).unwrap().lead_time_s;
    // Three monthly exports: the sample, then with the first step's lead time doubled, then
    // with it back again.
    let a = sample();
    let mut b = sample();
    b.steps[1].lt = Some("20wd".parse().unwrap());
    doc.import_snapshot(&a, "jan.json", "2026-01-31", "January")
        .unwrap();
    doc.import_snapshot(&b, "feb.json", "2026-02-28", "")
        .unwrap();
    doc.import_snapshot(&a, "mar.json", "2026-03-31", "")
        .unwrap();
    let trail = doc.audit(None).unwrap();
    assert!(trail
        .iter()
        .any(|e| e.note == "Took jan.json as a snapshot dated 2026-01-31: 'January'"));

    // Nothing is added from a date taken, a date that is not one, or a map that breaks a rule.
    let before = doc.snapshots().unwrap();
    let taken = doc
        .import_snapshot(&a, "again.json", "2026-02-28", "")
        .unwrap_err();
    assert_eq!(
        taken.to_string(),
        format!(
            "{}: there is a snapshot dated 2026-02-28 already (''); one snapshot a day",
            doc.path().display()
        )
    );
    assert!(matches!(
        doc.import_snapshot(&a, "x.json", "31/01/2026", ""),
        Err(StoreError::BadDate { .. })
    ));
    let mut broken = sample();
    broken.flows[0].to = "nowhere".into();
    let e = doc
        .import_snapshot(&broken, "broken.json", "2026-04-30", "")
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("broken.json: not a map to take as a snapshot: "),
        "{e}"
    );
    assert_eq!(doc.snapshots().unwrap(), before);

    let (points, x) = doc.trend("lead_time_s").unwrap();
    assert_eq!(points.len(), 3);
    let values: Vec<f64> = x.points.iter().map(|p| p.value).collect();
    assert_eq!(values, [lead(&a), lead(&b), lead(&a)]);
    let d = lead(&b) - lead(&a);
    // Mean moving range: (d + d) / 2 = d.
    assert_eq!(x.mr_bar, Some(d));
    assert!(matches!(
        doc.trend("speed"),
        Err(StoreError::UnknownMetric { .. })
    ));
}

#[test]
fn the_trail_says_when_each_kaizen_item_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("k.takt"), &sample()).unwrap();
    let s = doc.current();
    let ids: Vec<String> = sample().kaizen.iter().map(|k| k.id.clone()).collect();
    let status = |id: &str, v: &str| Op::Set {
        key: Key::new(takt_core::ops::Kind::Kaizen, id),
        field: "status".into(),
        value: json!(v),
    };
    doc.apply(s, &status(&ids[0], "done")).unwrap();
    doc.apply(s, &status(&ids[1], "done")).unwrap();
    // Reopened: not done any more. Undone and redone: done again, at the redo.
    doc.apply(s, &status(&ids[1], "doing")).unwrap();
    doc.apply(s, &status(&ids[2], "done")).unwrap();
    doc.undo(s).unwrap();
    doc.redo(s).unwrap();
    let done = doc.kaizen_done(s).unwrap();
    let mut got: Vec<&str> = done.keys().map(String::as_str).collect();
    got.sort();
    let mut want = vec![ids[0].as_str(), ids[2].as_str()];
    want.sort();
    assert_eq!(got, want);
    // An RFC 3339 time in UTC, of today.
    assert!(
        done[&ids[0]].ends_with('Z') || done[&ids[0]].contains("+00:00"),
        "{}",
        done[&ids[0]]
    );
}

#[test]
fn a_schema_2_file_gets_its_snapshots_figures_when_a_trend_first_needs_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.takt");
    {
        let mut doc = Document::create(&file, &sample()).unwrap();
        doc.snapshot("2026-10-01", "").unwrap();
        doc.snapshot("2026-11-01", "").unwrap();
    }
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch("ALTER TABLE snapshots DROP COLUMN metrics; PRAGMA user_version = 2;")
            .unwrap();
    }
    let lead = takt_core::analyze(&sample()).unwrap().lead_time_s;
    let mut doc = Document::open(&file).unwrap();
    let (points, x) = doc.trend("lead_time_s").unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(
        x.points.iter().map(|p| p.value).collect::<Vec<_>>(),
        [lead, lead]
    );
    doc.close().unwrap();
    // Kept: the column is filled.
    let c = rusqlite::Connection::open(&file).unwrap();
    let empty: i64 = c
        .query_row(
            "SELECT count(*) FROM snapshots WHERE metrics IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(empty, 0);
}

#[test]
fn save_as_copies_a_consistent_document_while_the_source_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("a.takt"), &sample()).unwrap();
    let s = doc.current();
    let id = sample().steps[1].id.clone();
    doc.apply(s, &set(&id, "name", json!("Copied"))).unwrap();
    let copy = dir.path().join("b.takt");
    doc.save_as(&copy).unwrap();
    // The source goes on being edited.
    doc.apply(s, &set(&id, "name", json!("After the copy")))
        .unwrap();
    let mut other = Document::open(&copy).unwrap();
    let t = other.current();
    assert_eq!(other.map(t).unwrap().step(&id).unwrap().name, "Copied");
    assert_eq!(
        other.history(t).unwrap().len(),
        1,
        "the history comes along"
    );
    assert!(matches!(doc.save_as(&copy), Err(StoreError::Exists { .. })));
}

#[test]
fn a_document_open_elsewhere_is_refused_without_harm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("busy.takt");
    let mut doc = Document::create(&file, &sample()).unwrap();
    let before = listing(dir.path());
    let err = Document::open(&file).err().expect("refused");
    assert!(matches!(err, StoreError::InUse { .. }), "{err}");
    assert_eq!(
        listing(dir.path()),
        before,
        "the refusal made nothing beside it"
    );
    assert!(err.to_string().contains("open in another Takt"), "{err}");
    // The first holder goes on working.
    let s = doc.current();
    let id = sample().steps[1].id.clone();
    doc.apply(s, &set(&id, "name", json!("Still mine")))
        .unwrap();
    drop(doc);
    assert!(Document::open(&file).is_ok());
}

/// Opens `bytes` as a document, in a folder of its own: the error. The file must be byte for
/// byte as before and its folder exactly as it was: nothing made beside it (no -wal, -shm or
/// -journal), even for a moment that outlives the refusal.
fn refuse(dir: &Path, name: &str, bytes: &[u8]) -> StoreError {
    let folder = dir.join(format!("{name}.d"));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(name);
    std::fs::write(&file, bytes).unwrap();
    let err = Document::open(&file)
        .err()
        .unwrap_or_else(|| panic!("{name} was opened"));
    assert!(
        std::fs::read(&file).unwrap() == bytes,
        "{name} was modified"
    );
    assert_eq!(listing(&folder), [name], "{name} left something beside it");
    assert!(
        err.to_string().contains(&*file.to_string_lossy()),
        "the error names the file: {err}"
    );
    err
}

#[test]
fn the_fuzzers_damaged_schemas_are_refused_without_a_byte_changed() {
    // Found by fuzzing open_document (shared/fuzz-findings): SQLite found the schema damaged
    // only after it had rewritten header fields and made a -shm beside the file.
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for name in [
        "damaged-schema-rewrites-header.takt",
        "damaged-history-schema-rewrites-header.takt",
    ] {
        let bytes = std::fs::read(data.join(name)).unwrap();
        let e = refuse(dir.path(), name, &bytes);
        assert!(matches!(e, StoreError::Corrupt { .. }), "{name}: {e}");
        assert!(e.to_string().contains("it was not changed"), "{e}");
    }
}

#[test]
fn files_that_are_not_takt_documents_are_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let e = refuse(dir.path(), "text.takt", b"{\"format\": \"takt\"}\n");
    assert!(matches!(e, StoreError::NotTakt { .. }), "{e}");
    assert!(e.to_string().contains("not a Takt document"), "{e}");
    assert!(matches!(
        refuse(dir.path(), "empty.takt", b""),
        StoreError::NotTakt { .. } | StoreError::Corrupt { .. }
    ));
    // A SQLite database of another program.
    let other = dir.path().join("other.db");
    {
        let c = rusqlite_free::open(&other);
        drop(c);
    }
    let bytes = std::fs::read(&other).unwrap();
    let e = refuse(dir.path(), "other.takt", &bytes);
    assert!(matches!(e, StoreError::NotTakt { .. }), "{e}");
}

#[test]
fn a_file_with_takts_id_but_no_schema_is_refused_untouched() {
    // Takt writes its id and its schema version together: an id without a version is no
    // document of ours, and must not be migrated (written) before it is refused.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("id-only.db");
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch("CREATE TABLE t (x); PRAGMA application_id = 1413565268;")
            .unwrap();
    }
    let bytes = std::fs::read(&file).unwrap();
    let e = refuse(dir.path(), "id-only.takt", &bytes);
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("no Takt schema"), "{e}");
}

#[test]
fn a_document_from_a_newer_takt_is_refused_naming_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.takt");
    drop(Document::create(&file, &sample()).unwrap());
    rusqlite_free::set_user_version(&file, 99);
    let bytes = std::fs::read(&file).unwrap();
    let e = refuse(dir.path(), "new2.takt", &bytes);
    assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
    assert!(e.to_string().contains("file format 99"), "{e}");
}

#[test]
fn a_truncated_or_damaged_document_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whole.takt");
    {
        // Big enough to span many pages.
        let map = takt_core::gen::generate(300, 1);
        drop(Document::create(&file, &map).unwrap());
    }
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() > 8 * 4096, "{} bytes", bytes.len());
    let e = refuse(dir.path(), "half.takt", &bytes[..bytes.len() / 2]);
    assert!(
        matches!(e, StoreError::Corrupt { .. } | StoreError::NotTakt { .. }),
        "{e}"
    );
    // Scribble over a page in the middle.
    let mut scribbled = bytes.clone();
    let mid = bytes.len() / 2 / 4096 * 4096;
    for b in &mut scribbled[mid + 16..mid + 4000] {
        *b = 0xA5;
    }
    let e = refuse(dir.path(), "scribbled.takt", &scribbled);
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
}

#[test]
fn a_document_with_a_damaged_record_is_refused_and_untouched() {
    // Found by fuzzing: SQLite finds the file sound, but a record's JSON is not a record. The
    // file must be refused before anything is written to it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.takt");
    drop(Document::create(&file, &sample()).unwrap());
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.execute(
            "UPDATE records SET body = '{\"step\": {\"id\": 7}}' WHERE kind = 'step' AND position = 1",
            [],
        )
        .unwrap();
    }
    let bytes = std::fs::read(&file).unwrap();
    let e = refuse(dir.path(), "damaged2.takt", &bytes);
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("record step"), "{e}");
}

/// Plain SQLite, to make files the store must refuse.
mod rusqlite_free {
    use std::path::Path;

    pub fn open(path: &Path) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');")
            .unwrap();
        c
    }

    pub fn set_user_version(path: &Path, v: i32) {
        let c = rusqlite::Connection::open(path).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        c.pragma_update(None, "user_version", v).unwrap();
    }
}

/// The files in `dir`, by name, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_closed_document_is_whole_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("whole.takt");
    let id = sample().steps[1].id.clone();
    // Opened, not only created: the checks at open use a second connection.
    Document::create(&file, &sample()).unwrap().close().unwrap();
    let mut doc = Document::open(&file).unwrap();
    let s = doc.current();
    for i in 0..20 {
        doc.apply(s, &set(&id, "name", json!(format!("Edit {i}"))))
            .unwrap();
    }
    let future = doc.fork(s, "Future").unwrap();
    doc.apply(future, &set(&id, "pt", json!("1h"))).unwrap();
    assert!(
        listing(dir.path()).len() > 1,
        "while open, the log is beside the file: {:?}",
        listing(dir.path())
    );
    doc.close().unwrap();
    assert_eq!(
        listing(dir.path()),
        ["whole.takt"],
        "nothing is left beside it"
    );
    // Copied alone to another folder, it holds every edit and its history.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("copy.takt");
    std::fs::copy(&file, &copy).unwrap();
    let mut doc = Document::open(&copy).unwrap();
    let s = doc.current();
    assert_eq!(doc.map(s).unwrap().step(&id).unwrap().name, "Edit 19");
    assert_eq!(doc.history(s).unwrap().len(), 20);
    let future = doc.scenario("Future").unwrap();
    assert_eq!(
        doc.map(future)
            .unwrap()
            .step(&id)
            .unwrap()
            .pt
            .unwrap()
            .to_string(),
        "1h"
    );
    doc.undo(s).unwrap().expect("the last edit undoes");
    assert_eq!(doc.map(s).unwrap().step(&id).unwrap().name, "Edit 18");
    doc.close().unwrap();
    assert_eq!(listing(other.path()), ["copy.takt"]);
}

#[test]
fn the_analyses_kept_for_undo_and_redo_are_the_states_own() {
    // Every analysis the document returns, kept or not, equals one made afresh of the map it
    // returns it with: through edits, undos back to kept states, redos, and a new edit that
    // cuts off what was undone (its states' analyses must not come back).
    let dir = tempfile::tempdir().unwrap();
    let mut doc = Document::create(&dir.path().join("kept.takt"), &sample()).unwrap();
    let s = doc.current();
    let id = sample().steps[2].id.clone();
    let fresh = |doc: &mut Document| takt_core::analyze(doc.map(s).unwrap()).unwrap();
    for pt in ["1h", "2h", "3h"] {
        let (_, a) = doc.apply(s, &set(&id, "pt", json!(pt))).unwrap();
        assert_eq!(a, fresh(&mut doc));
    }
    for _ in 0..2 {
        let (_, a) = doc.undo(s).unwrap().expect("an edit to undo");
        assert_eq!(a, fresh(&mut doc));
    }
    let (_, a) = doc.redo(s).unwrap().expect("an edit to redo");
    assert_eq!(a, fresh(&mut doc));
    assert_eq!(doc.analysis(s).unwrap().clone(), fresh(&mut doc));
    // A new edit at place 2 drops the undone third; undo it and redo nothing.
    let (_, a) = doc.apply(s, &set(&id, "pt", json!("5h"))).unwrap();
    assert_eq!(a, fresh(&mut doc));
    let (_, a) = doc.undo(s).unwrap().expect("the new edit");
    assert_eq!(a, fresh(&mut doc));
    let (_, a) = doc.redo(s).unwrap().expect("the new edit again");
    assert_eq!(a, fresh(&mut doc));
    assert_eq!(
        doc.map(s)
            .unwrap()
            .step(&id)
            .unwrap()
            .pt
            .unwrap()
            .to_string(),
        "5h"
    );
    // Reopened, the places are read from the history.
    drop(doc);
    let mut doc = Document::open(&dir.path().join("kept.takt")).unwrap();
    let (_, a) = doc.undo(s).unwrap().expect("after reopening");
    assert_eq!(a, fresh(&mut doc));
}

// ---------------------------------------------------------------------------------------------
// The audit trail and mandatory gates.

#[test]
fn the_audit_trail_says_who_did_what_and_when_and_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.takt");
    let mut doc = Document::create(&file, &sample()).unwrap();
    doc.set_author(Some("ana".into()));
    let s = doc.current();
    doc.apply(s, &set("mrm-review", "lt", json!("3wd")))
        .unwrap();
    doc.undo(s).unwrap();
    doc.set_author(None);
    doc.redo(s).unwrap();
    let f = doc.fork(s, "Future A").unwrap();
    doc.rename(f, "Future B").unwrap();
    doc.snapshot("2026-12-04", "baseline").unwrap();
    let trail = doc.audit(None).unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["edit", "undo", "redo", "fork", "rename", "snapshot"]
    );
    assert_eq!(trail[0].author.as_deref(), Some("ana"));
    assert_eq!(trail[2].author, None);
    assert_eq!(
        trail[0].sentences[0].text,
        "Set the lead time of 'Independent model validation' from 5 wd to 3 wd"
    );
    assert_eq!(
        trail[1].sentences[0].text,
        "Set the lead time of 'Independent model validation' from 3 wd to 5 wd"
    );
    assert_eq!(trail[4].note, "Renamed scenario 'Future A' to 'Future B'");
    let at = trail[0].at.as_deref().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert_eq!(doc.audit(Some(f)).unwrap().len(), 2);
    drop(doc);

    // Append-only: SQLite itself refuses to change or delete an entry.
    let c = rusqlite::Connection::open(&file).unwrap();
    for sql in ["UPDATE audit SET author = 'eve'", "DELETE FROM audit"] {
        let e = c.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{e}");
    }
}

#[test]
fn a_document_from_before_the_trail_keeps_its_edits_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.takt");
    {
        let mut doc = Document::create(&file, &sample()).unwrap();
        let s = doc.current();
        doc.apply(s, &set("mrm-review", "lt", json!("4wd")))
            .unwrap();
        doc.apply(s, &set("mrm-review", "lt", json!("3wd")))
            .unwrap();
        doc.undo(s).unwrap();
    }
    // Make it the schema-1 file it would have been: no trail, user_version 1.
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_is_append_only_update; DROP TRIGGER audit_is_append_only_delete;
             DROP TABLE audit; ALTER TABLE snapshots DROP COLUMN metrics;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut doc = Document::open(&file).unwrap();
    let trail = doc.audit(None).unwrap();
    // The edit not undone is kept, with no time and no author.
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].at.as_deref(), trail[0].author.as_deref()),
        (None, None)
    );
    assert_eq!(
        trail[0].sentences[0].text,
        "Set the lead time of 'Independent model validation' from 5 wd to 4 wd"
    );
}

#[test]
fn a_future_state_removes_a_mandatory_gate_only_with_a_justification() {
    let dir = tempfile::tempdir().unwrap();
    let mut map = sample();
    map.steps
        .iter_mut()
        .find(|s| s.id == "mrm-review")
        .unwrap()
        .gate
        .as_mut()
        .unwrap()
        .mandatory = true;
    let mut doc = Document::create(&dir.path().join("m.takt"), &map).unwrap();
    let current = doc.current();
    let f = doc.fork(current, "Future A").unwrap();
    let remove = Op::Remove {
        key: Key::step("mrm-review"),
    };
    let before = doc.export_json(f).unwrap();
    let e = doc.apply(f, &remove).unwrap_err();
    let StoreError::Unjustified { changes } = &e else {
        panic!("{e}")
    };
    assert_eq!(changes[0].gate, "mrm-review");
    assert_eq!(
        e.to_string(),
        "this edit removes the mandatory gate 'Independent model validation' of the current state; in a future state that needs a recorded justification (why, who and when)"
    );
    assert_eq!(doc.export_json(f).unwrap(), before, "nothing changed");
    assert_eq!(doc.audit(Some(f)).unwrap().len(), 1, "only the fork");

    // The current state describes what is: removing it there needs no justification.
    // With a justification, in one edit, the future state may remove it.
    let mut meta = doc.map(f).unwrap().meta();
    meta.justifications = vec![takt_core::model::Justification {
        gate: "mrm-review".into(),
        text: "Validation runs in the pipeline; MRM samples 1 in 10".into(),
        author: "ana".into(),
        date: Some("2026-12-04".into()),
    }];
    let justified = Op::Batch {
        ops: vec![
            Op::Update {
                record: takt_core::ops::Record::Meta(meta),
            },
            remove.clone(),
        ],
    };
    doc.apply(f, &justified).unwrap();
    let a = doc.analysis(f).unwrap().clone();
    let c = doc.comparison(f, &a).unwrap().unwrap();
    assert_eq!(c.mandatory.len(), 1);
    assert!(!c.mandatory[0].unjustified());
    // Later edits elsewhere in the future state are not held up by it.
    doc.apply(f, &set("train", "pt", json!("5h"))).unwrap();
    doc.apply(current, &remove).unwrap();
}
