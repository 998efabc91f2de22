//! A state-machine test: random sequences of edits, undos, redos, forks, snapshots and
//! reopenings, applied to a document and to a simple in-memory reference model. After every
//! step the document equals the model; at the end, undoing everything gives back each
//! scenario's starting JSON byte for byte.

use proptest::prelude::*;
use serde_json::json;
use takt_core::format::to_json;
use takt_core::ops::{apply, apply_diff, Diff, Key, Op};
use takt_core::ValueStream;
use takt_store::Document;

#[derive(Debug, Clone)]
enum Action {
    Edit {
        scenario: usize,
        step: usize,
        what: u8,
        value: u32,
    },
    Undo(usize),
    Redo(usize),
    Fork(usize),
    Snapshot,
    Reopen,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0..4usize, 0..40usize, 0..5u8, 0..1000u32)
            .prop_map(|(scenario, step, what, value)| Action::Edit { scenario, step, what, value }),
        2 => (0..4usize).prop_map(Action::Undo),
        1 => (0..4usize).prop_map(Action::Redo),
        1 => (0..4usize).prop_map(Action::Fork),
        1 => Just(Action::Snapshot),
        1 => Just(Action::Reopen),
    ]
}

/// An edit of the kind `what` on the step at `step`; some are invalid on purpose.
fn edit(map: &ValueStream, step: usize, what: u8, value: u32) -> Op {
    let id = map.steps[step % map.steps.len()].id.clone();
    let key = Key::step(&id);
    match what {
        0 => Op::Set {
            key,
            field: "name".into(),
            value: json!(format!("step {value}")),
        },
        // Process times above the lead time are refused.
        1 => Op::Set {
            key,
            field: "pt".into(),
            value: json!(format!("{}min", value % 600)),
        },
        2 => Op::Move {
            key,
            x: value as f64,
            y: 1.0,
        },
        3 => Op::Remove { key },
        _ => Op::Set {
            key,
            field: "pca".into(),
            value: json!(value % 130),
        },
    }
}

struct Model {
    name: String,
    map: ValueStream,
    start: String,
    done: Vec<Diff>,
    undone: Vec<Diff>,
}

fn run(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.takt");
    let start = takt_core::gen::generate(30, 11);
    let mut doc = Some(Document::create(&file, &start).unwrap());
    let mut models = vec![Model {
        name: "Current state".into(),
        start: to_json(&start),
        map: start,
        done: vec![],
        undone: vec![],
    }];
    let mut snapshots: Vec<String> = Vec::new();
    for a in actions {
        let d = doc.as_mut().unwrap();
        match a {
            Action::Edit {
                scenario,
                step,
                what,
                value,
            } => {
                let n = models.len();
                let current = models[0].map.clone();
                let m = &mut models[scenario % n];
                let id = d.scenario(&m.name).unwrap();
                let op = edit(&m.map, step, what, value);
                let unjustified = |map: &ValueStream| -> Vec<String> {
                    takt_core::compare::compare(&current, map)
                        .map(|c| c.mandatory)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|c| c.unjustified())
                        .map(|c| c.gate)
                        .collect()
                };
                let is_future = scenario % n != 0;
                let before = if is_future {
                    unjustified(&m.map)
                } else {
                    vec![]
                };
                let mut want = apply(&mut m.map, &op);
                // A future state may not remove or bypass one more mandatory gate of the
                // current state without a justification: the document refuses the edit.
                if let Ok(diff) = &want {
                    if is_future && unjustified(&m.map).iter().any(|g| !before.contains(g)) {
                        apply_diff(&mut m.map, &diff.inverse()).unwrap();
                        want = Err(takt_core::ops::EditError::NotFound(Key::step("refused")));
                    }
                }
                let got = d.apply(id, &op);
                prop_assert_eq!(want.is_ok(), got.is_ok(), "{:?}", op);
                if let Ok(diff) = want {
                    if !diff.is_empty() {
                        m.done.push(diff);
                        m.undone.clear();
                    }
                }
            }
            Action::Undo(k) => {
                let n = models.len();
                let m = &mut models[k % n];
                let id = d.scenario(&m.name).unwrap();
                let got = d.undo(id).unwrap();
                let want = m.done.pop();
                prop_assert_eq!(got.is_some(), want.is_some());
                if let Some(diff) = want {
                    apply_diff(&mut m.map, &diff.inverse()).unwrap();
                    m.undone.push(diff);
                }
            }
            Action::Redo(k) => {
                let n = models.len();
                let m = &mut models[k % n];
                let id = d.scenario(&m.name).unwrap();
                let got = d.redo(id).unwrap();
                let want = m.undone.pop();
                prop_assert_eq!(got.is_some(), want.is_some());
                if let Some(diff) = want {
                    apply_diff(&mut m.map, &diff).unwrap();
                    m.done.push(diff);
                }
            }
            Action::Fork(k) => {
                let from = &models[k % models.len()];
                let name = format!("Future {}", models.len());
                let id = d.scenario(&from.name).unwrap();
                d.fork(id, &name).unwrap();
                let map = from.map.clone();
                models.push(Model {
                    name,
                    start: to_json(&map),
                    map,
                    done: vec![],
                    undone: vec![],
                });
            }
            Action::Snapshot => {
                // One snapshot a day: each on a day of its own.
                let n = snapshots.len();
                d.snapshot(
                    &format!(
                        "20{:02}-{:02}-{:02}",
                        26 + n / 336,
                        1 + n / 28 % 12,
                        1 + n % 28
                    ),
                    "",
                )
                .unwrap();
                snapshots.push(to_json(&models[0].map));
            }
            Action::Reopen => {
                // Close first: an open document holds its file.
                drop(doc.take());
                doc = Some(Document::open(&file).unwrap());
            }
        }
        // The document equals the model, scenario by scenario, and so do the snapshots.
        let d = doc.as_mut().unwrap();
        prop_assert_eq!(d.scenarios().len(), models.len());
        for m in &models {
            let id = d.scenario(&m.name).unwrap();
            prop_assert_eq!(
                d.export_json(id).unwrap(),
                to_json(&m.map),
                "scenario {}",
                &m.name
            );
        }
        let list = d.snapshots().unwrap();
        prop_assert_eq!(list.len(), snapshots.len());
        for (s, want) in list.iter().zip(&snapshots) {
            prop_assert_eq!(&to_json(&d.snapshot_map(s.id).unwrap()), want);
        }
    }
    // Undo everything: each scenario's start, byte for byte.
    let d = doc.as_mut().unwrap();
    for m in &models {
        let id = d.scenario(&m.name).unwrap();
        while d.undo(id).unwrap().is_some() {}
        prop_assert_eq!(
            d.export_json(id).unwrap(),
            m.start.clone(),
            "scenario {}",
            &m.name
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_document_behaves_like_the_model(actions in prop::collection::vec(action(), 1..40)) {
        run(actions)?;
    }
}
