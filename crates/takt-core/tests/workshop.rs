//! A workshop's records (issue 16, format version 4): the parking lot's notes, a step's time
//! study samples and checklist, and a queue's WIP limit. Each is kept with the map, edited as
//! any record, checked where it can be wrong, and counted in no figure.

mod common;

use common::*;
use serde_json::json;
use takt_core::format::to_json;
use takt_core::ops::{apply, apply_diff, EditError, Key, Kind, Op, Record};
use takt_core::*;

fn base() -> ValueStream {
    map(json!({
        "demand": {"items": 10, "per": "1w"},
        "steps": [
            {"id": "a", "name": "Extract", "pt": "1h", "lt": "2h"},
            {"id": "b", "name": "Review", "pt": "2h", "lt": "1d"}
        ],
        "flows": [{"from": "a", "to": "b", "wip": 3}]
    }))
}

fn note(id: &str, text: &str) -> Note {
    serde_json::from_value(json!({"id": id, "text": text})).unwrap()
}

#[test]
fn notes_are_kept_moved_and_removed_as_records_and_counted_in_no_figure() {
    let mut doc = base();
    let before = analyze(&doc).unwrap();
    let mut n = note("n1", "Who approves the backfill?");
    n.author = Some("Priya".into());
    n.colour = NoteColour::Pink;
    let diff = apply(
        &mut doc,
        &Op::Add {
            record: Record::Note(n),
            index: None,
        },
    )
    .unwrap();
    assert_eq!(doc.notes.len(), 1);
    // In no figure: the analysis is the same, to the bit.
    let after = analyze(&doc).unwrap();
    assert_eq!(after.lead_time_s.to_bits(), before.lead_time_s.to_bits());
    assert_eq!(after.warnings.len(), before.warnings.len());
    // Moved like a burst; undone exactly.
    let key = Key::new(Kind::Note, "n1");
    apply(
        &mut doc,
        &Op::Move {
            key: key.clone(),
            x: 400.0,
            y: -80.0,
        },
    )
    .unwrap();
    assert_eq!((doc.notes[0].x, doc.notes[0].y), (Some(400.0), Some(-80.0)));
    // Written and read back whole, as the file's last collection.
    let text = to_json(&doc);
    assert!(text.contains("\"notes\": ["), "{text}");
    assert!(text.contains("\"colour\": \"pink\""));
    let again = format::load(&text).unwrap();
    assert_eq!(again, doc);
    apply(&mut doc, &Op::Remove { key }).unwrap();
    assert!(doc.notes.is_empty());
    let mut undo = base();
    apply_diff(&mut undo, &diff).unwrap();
    apply_diff(&mut undo, &diff.inverse()).unwrap();
    assert_eq!(undo, base());
}

#[test]
fn a_note_without_text_or_with_a_taken_id_is_refused_by_name() {
    let mut doc = base();
    apply(
        &mut doc,
        &Op::Add {
            record: Record::Note(note("n1", "Later")),
            index: None,
        },
    )
    .unwrap();
    let e = apply(
        &mut doc,
        &Op::Add {
            record: Record::Note(note("n2", "  ")),
            index: None,
        },
    )
    .unwrap_err();
    let EditError::Invalid(v) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(v.0[0].element(), Element::Note("n2".into()));
    assert_eq!(v.0[0].field(), Some("text"));
    assert!(e.to_string().contains("note 'n2'"), "{e}");
    let e = apply(
        &mut doc,
        &Op::Add {
            record: Record::Note(note("n1", "Again")),
            index: None,
        },
    )
    .unwrap_err();
    assert!(matches!(e, EditError::Exists(_)), "{e:?}");
    assert_eq!(doc.notes.len(), 1, "nothing changed");
}

#[test]
fn samples_and_a_checklist_ride_on_the_step() {
    let text = json!({"format": "takt", "version": 4, "name": "study", "steps": [
        {"id": "a", "name": "Label", "pt": "12s", "samples": ["10s", "12s", "15.5s"],
         "pt_range": {"min": "10s", "likely": "12s", "max": "15.5s"}, "provenance": {"pt": "measured"},
         "checklist": [{"text": "Guideline open", "done": true}, {"text": "Second reader"}]}
    ]})
    .to_string();
    let doc = format::load(&text).unwrap();
    let s = &doc.steps[0];
    assert_eq!(s.samples.len(), 3);
    assert_eq!(
        s.checklist[0],
        CheckItem {
            text: "Guideline open".into(),
            done: true
        }
    );
    assert!(!s.checklist[1].done);
    let written = to_json(&doc);
    assert!(written.contains("\"samples\": ["));
    assert!(
        !written.contains("\"done\": false"),
        "a default is left out"
    );
    assert_eq!(format::load(&written).unwrap(), doc);
    // A sample that is not a time, and an item without text, are named.
    let bad = text.replace("\"15.5s\"]", "\"soon\"]");
    assert!(format::load(&bad).is_err());
    let mut doc = doc;
    let e = apply(
        &mut doc,
        &Op::Set {
            key: Key::step("a"),
            field: "checklist".into(),
            value: json!([{"text": ""}]),
        },
    )
    .unwrap_err();
    let EditError::Invalid(v) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(v.0[0].field(), Some("checklist"));
}

#[test]
fn a_queue_over_its_wip_limit_is_flagged_counted_or_by_littles_law() {
    let mut doc = base();
    assert!(!analyze(&doc)
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.code == "over_wip_limit"));
    apply(
        &mut doc,
        &Op::Set {
            key: Key::flow("a>b"),
            field: "limit".into(),
            value: json!(2),
        },
    )
    .unwrap();
    let a = analyze(&doc).unwrap();
    let w = a
        .warnings
        .iter()
        .find(|w| w.code == "over_wip_limit")
        .expect("flagged");
    assert_eq!(w.element, Some(Element::Flow("a>b".into())));
    assert_eq!(
        w.message,
        "the queue from 'Extract' to 'Review' holds 3 items, over its limit of 2"
    );
    // At the limit: not over.
    apply(
        &mut doc,
        &Op::Set {
            key: Key::flow("a>b"),
            field: "limit".into(),
            value: json!(3),
        },
    )
    .unwrap();
    assert!(!analyze(&doc)
        .unwrap()
        .warnings
        .iter()
        .any(|w| w.code == "over_wip_limit"));
    // A wait of 1 week at 10 items a week is 10 items (Little's law): over a limit of 3.
    let ops = vec![
        Op::Set {
            key: Key::flow("a>b"),
            field: "wip".into(),
            value: json!(null),
        },
        Op::Set {
            key: Key::flow("a>b"),
            field: "wait".into(),
            value: json!("1w"),
        },
    ];
    apply(&mut doc, &Op::Batch { ops }).unwrap();
    let a = analyze(&doc).unwrap();
    let w = a
        .warnings
        .iter()
        .find(|w| w.code == "over_wip_limit")
        .expect("flagged by Little's law");
    assert!(w.message.contains("holds 10 items"), "{}", w.message);
    // A limit of 0 or less is refused.
    let e = apply(
        &mut doc,
        &Op::Set {
            key: Key::flow("a>b"),
            field: "limit".into(),
            value: json!(0),
        },
    )
    .unwrap_err();
    let EditError::Invalid(v) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(v.0[0].field(), Some("limit"));
}

#[test]
fn a_version_3_file_reads_and_writes_back_as_version_4() {
    let text = json!({"format": "takt", "version": 3, "name": "old", "steps": [{"id": "a", "name": "A", "pt": "1h"}]}).to_string();
    let doc = format::load(&text).unwrap();
    assert!(to_json(&doc).contains("\"version\": 4"));
    assert_eq!(takt_core::model::VERSION, 4);
}
