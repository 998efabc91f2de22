//! Edit operations: every `Op` variant on every record kind, cascades, errors that leave the
//! document untouched, and diffs whose inverse restores the document exactly.

mod common;

use common::*;
use serde_json::{json, Value};
use takt_core::format::to_json;
use takt_core::ops::{apply, apply_diff, get, Change, Diff, EditError, Key, Kind, Op, Record};
use takt_core::*;

/// A small map with a record of every kind.
fn base() -> ValueStream {
    map(json!({
        "description": "Edit fixture",
        "teams": [{"id": "t1", "name": "Data"}, {"id": "t2", "name": "Risk"}],
        "steps": [
            {"id": "a", "name": "Extract", "team": "t1", "pt": "1h", "lt": "2h"},
            {"id": "b", "name": "Review", "team": "t2", "kind": "gate", "lt": "4h",
             "gate": {"regulation": "SR 11-7", "control": "MRM-4"}},
            {"id": "c", "name": "Deploy", "team": "t1", "pt": "30min"}
        ],
        "flows": [
            {"from": "a", "to": "b", "wait": "1h"},
            {"from": "b", "to": "c"},
            {"from": "b", "to": "a", "kind": "rework", "p": 0.1},
            {"id": "info", "from": "c", "to": "a", "kind": "information"}
        ],
        "assets": [
            {"id": "src", "name": "Source", "kind": "source", "team": "t1"},
            {"id": "m", "name": "Model", "kind": "model", "team": "t2"},
            {"id": "ep", "name": "Endpoint", "kind": "endpoint"}
        ],
        "lineage": [{"from": "src", "to": "m"}, {"from": "m", "to": "ep"}],
        "links": [
            {"step": "a", "asset": "src", "mode": "read"},
            {"step": "b", "asset": "m", "mode": "read"},
            {"step": "c", "asset": "ep", "mode": "write"}
        ],
        "kaizen": [
            {"id": "k1", "title": "Shorter review", "target": {"step": "b"}},
            {"id": "k2", "title": "No queue", "target": {"flow": "a>b"}},
            {"id": "k3", "title": "Whole map"}
        ]
    }))
}

/// Applies an edit that must succeed; checks that the inverse of its diff restores the document
/// exactly and that replaying the diff redoes it. Returns the diff.
#[track_caller]
fn ok(doc: &mut ValueStream, op: &Op) -> Diff {
    let before = doc.clone();
    let diff = apply(doc, op).unwrap_or_else(|e| panic!("{op:?} should apply: {e}"));
    validate(doc).expect("an applied edit leaves a valid map");
    let after = doc.clone();
    let mut undo = after.clone();
    apply_diff(&mut undo, &diff.inverse()).expect("the inverse applies");
    assert_eq!(undo, before, "undo of {op:?}");
    assert_eq!(to_json(&undo), to_json(&before));
    apply_diff(&mut undo, &diff).expect("the diff replays");
    assert_eq!(undo, after, "redo of {op:?}");
    diff
}

/// Applies an edit that must fail; checks that the document is exactly as before.
#[track_caller]
fn fails(doc: &mut ValueStream, op: &Op) -> EditError {
    let before = doc.clone();
    let text = to_json(doc);
    let e = apply(doc, op).expect_err("the edit should fail");
    assert_eq!(*doc, before, "a failed {op:?} changed the document");
    assert_eq!(to_json(doc), text);
    e
}

fn set(key: Key, field: &str, value: Value) -> Op {
    Op::Set {
        key,
        field: field.into(),
        value,
    }
}

fn add(record: Record) -> Op {
    Op::Add {
        record,
        index: None,
    }
}

fn remove(key: Key) -> Op {
    Op::Remove { key }
}

fn step_ids(doc: &ValueStream) -> Vec<&str> {
    doc.steps.iter().map(|s| s.id.as_str()).collect()
}

fn flow_keys(doc: &ValueStream) -> Vec<String> {
    doc.flows.iter().map(|f| f.key()).collect()
}

#[test]
fn the_fixture_is_valid() {
    validate(&base()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Add.

#[test]
fn add_every_kind_of_record() {
    let mut doc = base();
    let records = [
        Record::Team(Team {
            id: "t3".into(),
            name: "Ops".into(),
            color: Some("#336699".into()),
        }),
        Record::Step(Step {
            team: Some("t3".into()),
            pt: Some(Duration::hours(2.0)),
            ..Step::new("d", "Monitor")
        }),
        Record::Flow(Flow {
            wait: Some(Duration::new(1.0, Unit::D)),
            ..Flow::new("c", "d", FlowKind::Fifo)
        }),
        Record::Asset(DataAsset {
            id: "fs".into(),
            name: "Feature store".into(),
            kind: AssetKind::FeatureStore,
            team: None,
            lt: Some(Duration::hours(1.0)),
            provenance: Default::default(),
            notes: String::new(),
            x: None,
            y: None,
        }),
        Record::Lineage(LineageEdge {
            from: "src".into(),
            to: "fs".into(),
        }),
        Record::Link(AssetLink {
            step: "d".into(),
            asset: "fs".into(),
            mode: LinkMode::Read,
        }),
        Record::Kaizen(Kaizen {
            id: "k4".into(),
            title: "Automate monitoring".into(),
            target: Some(KaizenTarget::Flow("c>d".into())),
            effect: "1d to 1h".into(),
            owner: Some("ops".into()),
            status: KaizenStatus::Planned,
            due: Some("2025-06-30".into()),
            x: None,
            y: None,
        }),
    ];
    for r in records {
        let key = r.key();
        let diff = ok(&mut doc, &add(r.clone()));
        // One change: nothing before, the record after, at the end of its collection.
        assert_eq!(diff.changes.len(), 1);
        let c = &diff.changes[0];
        assert_eq!(c.key, key);
        assert!(c.before.is_none());
        assert_eq!(c.after.as_ref().unwrap().record, r);
        assert_eq!(get(&doc, &key), Some(r.clone()));
    }
    assert_eq!(step_ids(&doc), vec!["a", "b", "c", "d"]);
    assert_eq!(doc.flows.last().unwrap().key(), "c>d");
    assert_eq!(analyse(&doc).critical_path, ids(&["a", "b", "c", "d"]));
}

#[test]
fn add_at_an_index() {
    let mut doc = base();
    let diff = ok(
        &mut doc,
        &Op::Add {
            record: Record::Step(Step::new("first", "First")),
            index: Some(0),
        },
    );
    assert_eq!(step_ids(&doc), vec!["first", "a", "b", "c"]);
    assert_eq!(diff.changes[0].after.as_ref().unwrap().index, 0);
    // At the end is allowed (index = length), past it is not.
    ok(
        &mut doc,
        &Op::Add {
            record: Record::Step(Step::new("last", "Last")),
            index: Some(4),
        },
    );
    let e = fails(
        &mut doc,
        &Op::Add {
            record: Record::Step(Step::new("far", "Far")),
            index: Some(7),
        },
    );
    assert_eq!(
        e,
        EditError::BadIndex {
            key: Key::step("far"),
            index: 7,
            len: 5
        }
    );
}

#[test]
fn add_refuses_an_existing_key() {
    let mut doc = base();
    let e = fails(&mut doc, &add(Record::Step(Step::new("a", "Another a"))));
    assert_eq!(e, EditError::Exists(Key::step("a")));
    assert_eq!(e.to_string(), "step 'a' exists already");
    // A flow is keyed "from>to".
    let e = fails(
        &mut doc,
        &add(Record::Flow(Flow::new("a", "b", FlowKind::Pull))),
    );
    assert_eq!(e, EditError::Exists(Key::flow("a>b")));
}

#[test]
fn adding_the_meta_record_updates_it() {
    let mut doc = base();
    let mut m = takt_core::ops::meta(&doc);
    m.name = "Renamed".into();
    let diff = ok(&mut doc, &add(Record::Meta(m)));
    assert_eq!(doc.name, "Renamed");
    assert_eq!(diff.changes.len(), 1);
    assert!(diff.changes[0].before.is_some());
}

#[test]
fn an_added_record_that_breaks_a_rule_is_refused() {
    let mut doc = base();
    // A flow c -> a closes a loop a -> b -> c -> a of ordinary flows.
    let e = fails(
        &mut doc,
        &add(Record::Flow(Flow::new("c", "a", FlowKind::Push))),
    );
    let err = e.first_invalid().expect("a validation error");
    assert!(matches!(err, ModelError::Cycle { .. }), "{err:?}");
    assert!(e.to_string().contains("form a loop"), "{e}");
    // A step with a team that does not exist.
    let e = fails(
        &mut doc,
        &add(Record::Step(Step {
            team: Some("nobody".into()),
            ..Step::new("d", "D")
        })),
    );
    let err = e.first_invalid().unwrap();
    assert_eq!(err.element(), Element::Step("d".into()));
    assert_eq!(err.field(), Some("team"));
    // A flow to a step that does not exist.
    let e = fails(
        &mut doc,
        &add(Record::Flow(Flow::new("c", "zz", FlowKind::Push))),
    );
    assert_eq!(e.first_invalid().unwrap().field(), Some("to"));
}

// ---------------------------------------------------------------------------------------------
// Update.

#[test]
fn update_every_kind_of_record() {
    let mut doc = base();
    let mut step = doc.step("c").unwrap().clone();
    step.pt = Some(Duration::hours(1.0));
    step.value = Some(ValueClass::Va);
    let mut flow = doc.flow("a>b").unwrap().clone();
    flow.wait = Some(Duration::new(2.0, Unit::Wd));
    let mut team = doc.team("t2").unwrap().clone();
    team.name = "Model risk".into();
    let mut asset = doc.assets[1].clone();
    asset.lt = Some(Duration::hours(3.0));
    let mut kaizen = doc.kaizen[2].clone();
    kaizen.status = KaizenStatus::Done;
    let mut m = takt_core::ops::meta(&doc);
    m.demand = Some(Demand {
        items: 10.0,
        per: Duration::new(1.0, Unit::W),
    });
    let lineage = doc.lineage[0].clone();
    let link = doc.links[0].clone();
    let records = [
        Record::Step(step),
        Record::Flow(flow),
        Record::Team(team),
        Record::Asset(asset),
        Record::Kaizen(kaizen),
        Record::Meta(m),
    ];
    for r in records {
        let key = r.key();
        let index = ops::find(&doc, &key).unwrap();
        let diff = ok(&mut doc, &Op::Update { record: r.clone() });
        assert_eq!(diff.changes.len(), 1, "{key:?}");
        let c = &diff.changes[0];
        assert_eq!(c.before.as_ref().unwrap().index as usize, index);
        assert_eq!(c.after.as_ref().unwrap().index as usize, index);
        assert_eq!(c.after.as_ref().unwrap().record, r);
        assert_eq!(get(&doc, &key), Some(r));
    }
    assert_eq!(doc.demand.unwrap().items, 10.0);
    // A record updated to itself changes nothing: an empty diff.
    for r in [Record::Lineage(lineage), Record::Link(link)] {
        let diff = ok(&mut doc, &Op::Update { record: r });
        assert!(diff.is_empty());
    }
}

#[test]
fn update_of_a_missing_record_fails() {
    let mut doc = base();
    let e = fails(
        &mut doc,
        &Op::Update {
            record: Record::Step(Step::new("zz", "Nobody")),
        },
    );
    assert_eq!(e, EditError::NotFound(Key::step("zz")));
    assert_eq!(e.to_string(), "step 'zz' does not exist");
}

#[test]
fn an_update_that_breaks_a_rule_is_refused() {
    let mut doc = base();
    let mut a = doc.step("a").unwrap().clone();
    a.lt = Some(Duration::new(30.0, Unit::Min));
    let e = fails(
        &mut doc,
        &Op::Update {
            record: Record::Step(a),
        },
    );
    let err = e.first_invalid().unwrap();
    assert!(matches!(err, ModelError::LeadBelowProcess { .. }));
    assert_eq!(err.element(), Element::Step("a".into()));
}

// ---------------------------------------------------------------------------------------------
// Remove and its cascades.

#[test]
fn removing_a_step_removes_its_flows_and_links_and_unpins_kaizen() {
    let mut doc = base();
    let diff = ok(&mut doc, &remove(Key::step("b")));
    assert_eq!(step_ids(&doc), vec!["a", "c"]);
    // a>b, b>c and the rework b>a went with b; the information flow c>a stays.
    assert_eq!(flow_keys(&doc), vec!["info"]);
    // The link b/m/read went; the others stay.
    let links: Vec<String> = doc.links.iter().map(|l| l.key()).collect();
    assert_eq!(links, vec!["a/src/read", "c/ep/write"]);
    // k1 was pinned to b and k2 to the flow a>b: both are now on the whole map.
    assert!(doc.kaizen.iter().all(|k| k.target.is_none()));
    assert_eq!(doc.kaizen.len(), 3);
    // The diff lists every record it touched, each once.
    let mut keys: Vec<String> = diff.changes.iter().map(|c| c.key.to_string()).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "asset link 'b/m/read'",
            "flow 'a>b'",
            "flow 'b>a'",
            "flow 'b>c'",
            "kaizen item 'k1'",
            "kaizen item 'k2'",
            "step 'b'",
        ]
    );
    let removed = diff.changes.iter().filter(|c| c.after.is_none()).count();
    let updated = diff
        .changes
        .iter()
        .filter(|c| c.before.is_some() && c.after.is_some())
        .count();
    assert_eq!((removed, updated), (5, 2));
    // The step itself goes last.
    assert_eq!(diff.changes.last().unwrap().key, Key::step("b"));
}

#[test]
fn removing_a_flow_unpins_its_kaizen() {
    let mut doc = base();
    // Without the rework b -> a first: with a -> b gone it would no longer go backwards.
    ok(&mut doc, &remove(Key::flow("b>a")));
    let diff = ok(&mut doc, &remove(Key::flow("a>b")));
    assert_eq!(diff.changes.len(), 2);
    assert_eq!(doc.kaizen[1].target, None);
    assert_eq!(doc.kaizen[0].target, Some(KaizenTarget::Step("b".into())));
}

#[test]
fn removing_an_asset_removes_its_lineage_and_links() {
    let mut doc = base();
    ok(&mut doc, &remove(Key::new(Kind::Asset, "m")));
    assert!(doc.lineage.is_empty());
    assert_eq!(doc.links.len(), 2);
    assert!(doc.links.iter().all(|l| l.asset != "m"));
}

#[test]
fn removing_a_team_lets_go_of_its_steps_and_assets() {
    let mut doc = base();
    let diff = ok(&mut doc, &remove(Key::new(Kind::Team, "t1")));
    assert_eq!(doc.teams.len(), 1);
    assert_eq!(doc.step("a").unwrap().team, None);
    assert_eq!(doc.step("c").unwrap().team, None);
    assert_eq!(doc.step("b").unwrap().team.as_deref(), Some("t2"));
    assert_eq!(doc.assets[0].team, None);
    // a, c, src updated; t1 removed.
    assert_eq!(diff.changes.len(), 4);
}

#[test]
fn remove_every_other_kind() {
    let mut doc = base();
    ok(&mut doc, &remove(Key::new(Kind::Lineage, "m>ep")));
    ok(&mut doc, &remove(Key::new(Kind::Link, "c/ep/write")));
    ok(&mut doc, &remove(Key::new(Kind::Kaizen, "k3")));
    assert_eq!(doc.lineage.len(), 1);
    assert_eq!(doc.links.len(), 2);
    assert_eq!(doc.kaizen.len(), 2);
    // Missing records and the map itself cannot be removed.
    let e = fails(&mut doc, &remove(Key::new(Kind::Kaizen, "k3")));
    assert_eq!(e, EditError::NotFound(Key::new(Kind::Kaizen, "k3")));
    let e = fails(&mut doc, &remove(Key::new(Kind::Meta, "")));
    assert!(matches!(e, EditError::NotFound(_)));
}

#[test]
fn a_removal_that_breaks_a_rule_is_refused() {
    // s (XOR) -> x (p 0.3) and y (p 0.7): removing y leaves an XOR whose branches sum to 0.3.
    let mut doc = map(json!({
        "steps": [
            {"id": "s", "name": "S", "split": "xor"},
            {"id": "x", "name": "X"},
            {"id": "y", "name": "Y"}
        ],
        "flows": [{"from": "s", "to": "x", "p": 0.3}, {"from": "s", "to": "y", "p": 0.7}]
    }));
    let e = fails(&mut doc, &remove(Key::step("y")));
    let err = e.first_invalid().unwrap();
    assert!(
        matches!(err, ModelError::XorProbabilities { .. }),
        "{err:?}"
    );
    assert_eq!(err.element(), Element::Step("s".into()));
}

// ---------------------------------------------------------------------------------------------
// Move.

#[test]
fn move_places_steps_assets_and_kaizen() {
    let mut doc = base();
    let diff = ok(
        &mut doc,
        &Op::Move {
            key: Key::step("a"),
            x: 120.0,
            y: -40.5,
        },
    );
    assert_eq!(diff.changes.len(), 1);
    let a = doc.step("a").unwrap();
    assert_eq!((a.x, a.y), (Some(120.0), Some(-40.5)));
    ok(
        &mut doc,
        &Op::Move {
            key: Key::new(Kind::Asset, "m"),
            x: 1.0,
            y: 2.0,
        },
    );
    assert_eq!((doc.assets[1].x, doc.assets[1].y), (Some(1.0), Some(2.0)));
    ok(
        &mut doc,
        &Op::Move {
            key: Key::new(Kind::Kaizen, "k3"),
            x: 3.0,
            y: 4.0,
        },
    );
    assert_eq!((doc.kaizen[2].x, doc.kaizen[2].y), (Some(3.0), Some(4.0)));
    // Moving to where it is changes nothing.
    let diff = ok(
        &mut doc,
        &Op::Move {
            key: Key::step("a"),
            x: 120.0,
            y: -40.5,
        },
    );
    assert!(diff.is_empty());
}

#[test]
fn move_refuses_what_has_no_place() {
    let mut doc = base();
    for key in [
        Key::flow("a>b"),
        Key::new(Kind::Team, "t1"),
        Key::new(Kind::Meta, ""),
    ] {
        let e = fails(
            &mut doc,
            &Op::Move {
                key: key.clone(),
                x: 1.0,
                y: 1.0,
            },
        );
        assert_eq!(e, EditError::NotPlaceable(key));
    }
    let e = fails(
        &mut doc,
        &Op::Move {
            key: Key::step("zz"),
            x: 1.0,
            y: 1.0,
        },
    );
    assert_eq!(e, EditError::NotFound(Key::step("zz")));
    let e = fails(
        &mut doc,
        &Op::Move {
            key: Key::step("a"),
            x: f64::NAN,
            y: 1.0,
        },
    );
    assert!(
        matches!(e, EditError::BadValue { ref field, .. } if field == "x"),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Set.

#[test]
fn set_a_field_of_every_kind() {
    let mut doc = base();
    ok(&mut doc, &set(Key::step("c"), "pt", json!("45min")));
    assert_eq!(
        doc.step("c").unwrap().pt,
        Some(Duration::new(45.0, Unit::Min))
    );
    ok(&mut doc, &set(Key::step("c"), "pca", json!(95)));
    assert_eq!(doc.step("c").unwrap().pca, Some(95.0));
    ok(&mut doc, &set(Key::step("c"), "waste", json!(["motion"])));
    ok(
        &mut doc,
        &set(
            Key::step("c"),
            "lt_range",
            json!({"min": "30min", "max": "2h"}),
        ),
    );
    ok(&mut doc, &set(Key::flow("a>b"), "wait", json!("3wd")));
    assert_eq!(
        doc.flow("a>b").unwrap().wait,
        Some(Duration::new(3.0, Unit::Wd))
    );
    ok(&mut doc, &set(Key::flow("b>a"), "p", json!(0.25)));
    ok(&mut doc, &set(Key::flow("info"), "to", json!("b")));
    assert_eq!(doc.flow("info").unwrap().to, "b");
    ok(
        &mut doc,
        &set(Key::new(Kind::Team, "t1"), "color", json!("#ff0000")),
    );
    ok(
        &mut doc,
        &set(Key::new(Kind::Asset, "m"), "lt", json!("2h")),
    );
    ok(
        &mut doc,
        &set(Key::new(Kind::Kaizen, "k3"), "status", json!("doing")),
    );
    assert_eq!(doc.kaizen[2].status, KaizenStatus::Doing);
    ok(
        &mut doc,
        &set(Key::new(Kind::Kaizen, "k3"), "target", json!({"step": "c"})),
    );
    ok(
        &mut doc,
        &set(Key::new(Kind::Meta, ""), "name", json!("Renamed")),
    );
    assert_eq!(doc.name, "Renamed");
    ok(
        &mut doc,
        &set(
            Key::new(Kind::Meta, ""),
            "calendar",
            json!({"hours_per_day": 8, "days_per_week": 6}),
        ),
    );
    assert_eq!(doc.calendar.days_per_week, 6.0);
    ok(
        &mut doc,
        &set(
            Key::new(Kind::Meta, ""),
            "demand",
            json!({"items": 40, "per": "w"}),
        ),
    );
    // Takt with 48 working hours in the week and 40 items: 1.2h.
    close(analyse(&doc).takt_s.unwrap(), 1.2 * H);
    // Setting a field to the value it has changes nothing.
    let diff = ok(&mut doc, &set(Key::step("c"), "pca", json!(95)));
    assert!(diff.is_empty());
}

#[test]
fn set_null_clears_a_field() {
    let mut doc = base();
    ok(&mut doc, &set(Key::step("a"), "lt", Value::Null));
    assert_eq!(doc.step("a").unwrap().lt, None);
    ok(&mut doc, &set(Key::flow("a>b"), "wait", Value::Null));
    assert_eq!(doc.flow("a>b").unwrap().wait, None);
    ok(
        &mut doc,
        &set(Key::new(Kind::Kaizen, "k1"), "target", Value::Null),
    );
    assert_eq!(doc.kaizen[0].target, None);
    ok(
        &mut doc,
        &set(Key::new(Kind::Meta, ""), "description", Value::Null),
    );
    assert_eq!(doc.description, "");
    // Lead time defaults to the process time: a is now 1h, and the queue is gone.
    // Lead time = (1h + 4h) x 1 / (1 - 0.1) + 30min, the loop a..b with p 0.1.
    close(analyse(&doc).lead_time_s, 5.0 * H / 0.9 + 0.5 * H);
}

#[test]
fn set_refuses_a_bad_value_and_names_the_field() {
    let mut doc = base();
    let e = fails(&mut doc, &set(Key::step("a"), "pt", json!("three hours")));
    let EditError::BadValue {
        key,
        field,
        message,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(key, &Key::step("a"));
    assert_eq!(field, "pt");
    assert!(!message.is_empty());
    assert_eq!(
        e.to_string(),
        "step 'a': the process time: 'three hours' is not a duration (write a number of seconds, or a number and a unit such as \"6h\" or \"5wd\")"
    );
    // In words: what the field holds and what was typed, not serde's types.
    let gate = set(Key::step("a"), "kind", json!("gate"));
    apply(&mut doc, &gate).unwrap();
    let e = fails(
        &mut doc,
        &set(Key::step("a"), "gate", json!({"tier": "high"})),
    );
    assert_eq!(
        e.to_string(),
        "step 'a': the tier is a whole number from 1 (1 = the lowest authority that may approve); 'high' is not"
    );
    let e = fails(&mut doc, &set(Key::step("a"), "pca", json!("most")));
    assert_eq!(
        e.to_string(),
        "step 'a': %C&A is a percentage from 0 to 100; 'most' is not"
    );
    let e = fails(&mut doc, &set(Key::step("a"), "kind", json!("robot")));
    assert_eq!(
        e.to_string(),
        "step 'a': 'robot' is not a choice here; choose one of process, gate, supplier, customer"
    );
    for (field, value) in [
        ("pca", json!("high")),
        ("kind", json!("robot")),
        ("waste", json!(["boredom"])),
        ("servers", json!([1, 2])),
    ] {
        let e = fails(&mut doc, &set(Key::step("a"), field, value));
        assert!(
            matches!(&e, EditError::BadValue { field: f, .. } if f == field),
            "{field}: {e:?}"
        );
    }
    // Clearing a field that must be there.
    let e = fails(&mut doc, &set(Key::flow("a>b"), "from", Value::Null));
    assert!(
        matches!(&e, EditError::BadValue { field, .. } if field == "from"),
        "{e:?}"
    );
}

#[test]
fn set_refuses_unknown_fields_and_id_changes() {
    let mut doc = base();
    let e = fails(&mut doc, &set(Key::step("a"), "colour", json!("red")));
    assert_eq!(
        e,
        EditError::UnknownField {
            key: Key::step("a"),
            field: "colour".into()
        }
    );
    assert_eq!(e.to_string(), "step 'a' has no field 'colour'");
    let e = fails(&mut doc, &set(Key::step("a"), "id", json!("a2")));
    assert_eq!(e, EditError::IdChange(Key::step("a")));
    // A flow without an explicit id is keyed by its ends: changing one changes the key.
    let e = fails(&mut doc, &set(Key::flow("b>c"), "to", json!("a")));
    assert_eq!(e, EditError::IdChange(Key::flow("b>c")));
    let e = fails(
        &mut doc,
        &set(Key::new(Kind::Link, "a/src/read"), "mode", json!("write")),
    );
    assert!(matches!(e, EditError::IdChange(_)), "{e:?}");
    let e = fails(&mut doc, &set(Key::step("zz"), "pt", json!(1)));
    assert_eq!(e, EditError::NotFound(Key::step("zz")));
}

#[test]
fn every_field_of_the_format_can_be_set() {
    // Each property the JSON Schema lists for a step, flow, kaizen item and the map can be set
    // (here: cleared); none is an unknown field.
    let schema: Value = serde_json::from_str(&takt_core::format::schema()).unwrap();
    let defs = &schema["definitions"];
    let cases = [
        ("Step", Key::step("a")),
        ("Flow", Key::flow("a>b")),
        ("Team", Key::new(Kind::Team, "t1")),
        ("DataAsset", Key::new(Kind::Asset, "m")),
        ("Kaizen", Key::new(Kind::Kaizen, "k1")),
        ("AssetLink", Key::new(Kind::Link, "a/src/read")),
        ("LineageEdge", Key::new(Kind::Lineage, "src>m")),
    ];
    for (def, key) in cases {
        let props = defs[def]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no {def} in the schema"));
        for field in props.keys() {
            let mut doc = base();
            let r = apply(&mut doc, &set(key.clone(), field, Value::Null));
            assert!(
                !matches!(r, Err(EditError::UnknownField { .. })),
                "{def}.{field}: {r:?}"
            );
        }
    }
    // The map's own fields: everything but its collections and format/version.
    let props = schema["properties"].as_object().unwrap();
    for field in props.keys() {
        let collection = [
            "teams", "steps", "flows", "assets", "lineage", "links", "kaizen", "notes",
        ];
        // "scenario" is said in an exported file, not kept in a document: it is not edited.
        if collection.contains(&field.as_str())
            || ["format", "version", "scenario"].contains(&field.as_str())
        {
            continue;
        }
        let mut doc = base();
        let r = apply(&mut doc, &set(Key::new(Kind::Meta, ""), field, Value::Null));
        assert!(
            !matches!(r, Err(EditError::UnknownField { .. })),
            "map.{field}: {r:?}"
        );
    }
}

#[test]
fn a_set_that_breaks_a_rule_is_refused() {
    let mut doc = base();
    // a: PT 1h, LT 2h. LT 30min is below the PT.
    let e = fails(&mut doc, &set(Key::step("a"), "lt", json!("30min")));
    let err = e.first_invalid().unwrap();
    assert_eq!(err.element(), Element::Step("a".into()));
    assert_eq!(err.field(), Some("lt"));
    // Rework p of 1.
    let e = fails(&mut doc, &set(Key::flow("b>a"), "p", json!(1)));
    assert!(matches!(
        e.first_invalid(),
        Some(ModelError::ReworkProbability { .. })
    ));
    // %C&A above 100.
    let e = fails(&mut doc, &set(Key::step("c"), "pca", json!(101)));
    assert_eq!(e.first_invalid().unwrap().field(), Some("pca"));
    // The XOR split on a step whose flows carry no p is fine (they share 1); a p on an AND flow
    // is not.
    let e = fails(&mut doc, &set(Key::flow("b>c"), "p", json!(0.5)));
    assert_eq!(e.first_invalid().unwrap().field(), Some("p"));
}

// ---------------------------------------------------------------------------------------------
// Batch.

#[test]
fn a_batch_applies_as_one() {
    let mut doc = base();
    // Insert d between b and c: remove b>c, add d, add b>d and d>c. Half-way (d without flows)
    // the map is valid too, but the batch is one diff.
    let op = Op::Batch {
        ops: vec![
            remove(Key::flow("b>c")),
            add(Record::Step(Step {
                team: Some("t1".into()),
                pt: Some(Duration::hours(1.0)),
                ..Step::new("d", "Package")
            })),
            add(Record::Flow(Flow::new("b", "d", FlowKind::Push))),
            add(Record::Flow(Flow::new("d", "c", FlowKind::Push))),
            set(Key::new(Kind::Kaizen, "k3"), "target", json!({"step": "d"})),
        ],
    };
    let diff = ok(&mut doc, &op);
    assert_eq!(diff.changes.len(), 5);
    assert_eq!(analyse(&doc).critical_path, ids(&["a", "b", "d", "c"]));
}

#[test]
fn a_batch_may_pass_through_an_invalid_state() {
    let mut doc = base();
    // Setting a's PT to 3h alone would put it above its LT of 2h; with the LT raised in the same
    // batch, the result is valid. Only the end state is validated.
    let op = Op::Batch {
        ops: vec![
            set(Key::step("a"), "pt", json!("3h")),
            set(Key::step("a"), "lt", json!("5h")),
        ],
    };
    ok(&mut doc, &op);
    assert_eq!(doc.step("a").unwrap().pt, Some(Duration::hours(3.0)));
}

#[test]
fn a_batch_is_all_or_nothing() {
    let mut doc = base();
    // The last op fails (no such step): the first two must not stay.
    let op = Op::Batch {
        ops: vec![
            set(Key::step("a"), "name", json!("Changed")),
            remove(Key::step("c")),
            set(Key::step("zz"), "pt", json!(1)),
        ],
    };
    let e = fails(&mut doc, &op);
    assert_eq!(e, EditError::NotFound(Key::step("zz")));
    // Every op applies but the result is invalid: nothing stays either.
    let op = Op::Batch {
        ops: vec![
            set(Key::step("a"), "name", json!("Changed")),
            add(Record::Flow(Flow::new("c", "a", FlowKind::Push))),
        ],
    };
    let e = fails(&mut doc, &op);
    assert!(matches!(e.first_invalid(), Some(ModelError::Cycle { .. })));
    // Nested batches.
    let op = Op::Batch {
        ops: vec![
            Op::Batch {
                ops: vec![set(Key::step("a"), "notes", json!("checked"))],
            },
            Op::Batch { ops: vec![] },
            remove(Key::new(Kind::Kaizen, "k2")),
        ],
    };
    ok(&mut doc, &op);
    assert_eq!(doc.step("a").unwrap().notes, "checked");
}

// ---------------------------------------------------------------------------------------------
// Diffs.

#[test]
fn undoing_a_sequence_of_edits_restores_every_state() {
    let mut doc = base();
    let ops = vec![
        remove(Key::step("b")),
        add(Record::Step(Step::new("x", "X"))),
        add(Record::Flow(Flow::new("a", "x", FlowKind::Push))),
        add(Record::Flow(Flow::new("x", "c", FlowKind::Push))),
        set(Key::step("x"), "pt", json!("2h")),
        Op::Move {
            key: Key::step("x"),
            x: 10.0,
            y: 20.0,
        },
        remove(Key::new(Kind::Team, "t2")),
        remove(Key::new(Kind::Asset, "src")),
        set(Key::new(Kind::Meta, ""), "unit", json!("h")),
        Op::Add {
            record: Record::Team(Team {
                id: "t0".into(),
                name: "First".into(),
                color: None,
            }),
            index: Some(0),
        },
    ];
    let mut states = vec![to_json(&doc)];
    let mut diffs = vec![];
    for op in &ops {
        diffs.push(ok(&mut doc, op));
        states.push(to_json(&doc));
    }
    // Back, one diff at a time: every intermediate state comes back byte for byte.
    for (i, d) in diffs.iter().enumerate().rev() {
        apply_diff(&mut doc, &d.inverse()).unwrap();
        assert_eq!(to_json(&doc), states[i], "after undoing op {i}");
    }
    assert_eq!(doc, base());
    // And forward again.
    for (i, d) in diffs.iter().enumerate() {
        apply_diff(&mut doc, d).unwrap();
        assert_eq!(to_json(&doc), states[i + 1], "after redoing op {i}");
    }
}

#[test]
fn a_diff_that_does_not_match_is_refused_without_a_trace() {
    let mut doc = base();
    let diff = ok(&mut doc, &remove(Key::step("b")));
    // Replaying the removal on the document where b is gone does not match.
    let before = doc.clone();
    let e = apply_diff(&mut doc, &diff).unwrap_err();
    assert!(matches!(e, EditError::DiffMismatch(_)), "{e:?}");
    assert_eq!(doc, before);
    // A diff whose later change fails puts back its earlier changes.
    let mut doc = base();
    let bogus = Diff {
        changes: vec![
            Change {
                key: Key::new(Kind::Kaizen, "k3"),
                before: Some(takt_core::ops::Placed {
                    index: 2,
                    record: Record::Kaizen(doc.kaizen[2].clone()),
                }),
                after: None,
            },
            Change {
                key: Key::step("a"),
                before: Some(takt_core::ops::Placed {
                    index: 1,
                    record: Record::Step(doc.steps[0].clone()),
                }),
                after: None,
            },
        ],
    };
    let before = doc.clone();
    let e = apply_diff(&mut doc, &bogus).unwrap_err();
    assert_eq!(e, EditError::DiffMismatch(Key::step("a")));
    assert_eq!(doc, before);

    // A change that would take a record out and put it back past the end is refused before it
    // takes anything out.
    let placed = |index: u32| takt_core::ops::Placed {
        index,
        record: Record::Step(before.steps[0].clone()),
    };
    let far = Diff {
        changes: vec![Change {
            key: Key::step("a"),
            before: Some(placed(0)),
            after: Some(placed(9)),
        }],
    };
    let e = apply_diff(&mut doc, &far).unwrap_err();
    assert_eq!(e, EditError::DiffMismatch(Key::step("a")));
    assert_eq!(doc, before);
    // Within range, a change may move a record; its inverse moves it back.
    let to_end = Diff {
        changes: vec![Change {
            key: Key::step("a"),
            before: Some(placed(0)),
            after: Some(placed(2)),
        }],
    };
    apply_diff(&mut doc, &to_end).unwrap();
    assert_eq!(step_ids(&doc), vec!["b", "c", "a"]);
    apply_diff(&mut doc, &to_end.inverse()).unwrap();
    assert_eq!(doc, before);
}

#[test]
fn ops_and_diffs_travel_as_json() {
    // The ops a client sends and the diffs it gets back survive a JSON round trip.
    let op: Op = serde_json::from_value(json!({
        "op": "set", "key": {"kind": "step", "id": "a"}, "field": "pt", "value": "90min"
    }))
    .unwrap();
    let mut doc = base();
    let diff = ok(&mut doc, &op);
    let text = serde_json::to_string(&diff).unwrap();
    let back: Diff = serde_json::from_str(&text).unwrap();
    assert_eq!(back, diff);
    let op = Op::Batch {
        ops: vec![
            remove(Key::step("c")),
            Op::Move {
                key: Key::step("a"),
                x: 1.5,
                y: 2.0,
            },
        ],
    };
    let back: Op = serde_json::from_str(&serde_json::to_string(&op).unwrap()).unwrap();
    assert_eq!(back, op);
}

#[test]
fn a_stale_diff_is_refused_and_changes_nothing() {
    // Undo must not overwrite later edits: the diff of an edit, replayed backwards after the same
    // record changed again, no longer matches and is refused whole.
    let mut doc = base();
    let first = apply(
        &mut doc,
        &Op::Set {
            key: Key::step("c"),
            field: "name".into(),
            value: json!("Ship"),
        },
    )
    .unwrap();
    apply(
        &mut doc,
        &Op::Set {
            key: Key::step("c"),
            field: "name".into(),
            value: json!("Release"),
        },
    )
    .unwrap();
    let before = to_json(&doc);
    let err = apply_diff(&mut doc, &first.inverse()).unwrap_err();
    assert!(
        matches!(err, EditError::DiffMismatch(ref k) if *k == Key::step("c")),
        "{err}"
    );
    assert_eq!(to_json(&doc), before);
}

#[test]
fn apply_analyzed_is_apply_then_analyze_and_refuses_like_apply() {
    use takt_core::ops::apply_analyzed;
    let op = Op::Set {
        key: Key::step("c"),
        field: "pt".into(),
        value: json!("2h"),
    };
    let (mut x, mut y) = (base(), base());
    let (diff, analysis) = apply_analyzed(&mut x, &op).unwrap();
    assert_eq!(diff, apply(&mut y, &op).unwrap());
    assert_eq!(analysis, analyze(&y).unwrap());
    // A bad edit: lead time below process time. Nothing changes.
    let before = to_json(&x);
    let bad = Op::Set {
        key: Key::step("a"),
        field: "lt".into(),
        value: json!("10min"),
    };
    let err = apply_analyzed(&mut x, &bad).unwrap_err();
    assert!(
        matches!(
            err.first_invalid(),
            Some(ModelError::LeadBelowProcess { .. })
        ),
        "{err}"
    );
    assert_eq!(to_json(&x), before);
}
