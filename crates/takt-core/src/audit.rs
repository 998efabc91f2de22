//! Edits in words, for the audit trail: "Set the lead time of 'Independent model validation'
//! from 5 wd to 3 wd". One sentence per changed field of each record a diff changed; records
//! are named by their names in the map given (the map as it is now; ids where it has none).

use crate::model::ValueStream;
use crate::ops::{Change, Diff, Key, Kind, Record};
use serde_json::Value;

/// One sentence about one record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sentence {
    pub key: Key,
    pub text: String,
}

/// What a diff did, in words.
pub fn describe(diff: &Diff, map: &ValueStream) -> Vec<Sentence> {
    // Steps the diff removed are named from the diff itself.
    let mut gone: Vec<(&str, &str)> = Vec::new();
    for c in &diff.changes {
        if let Some(Record::Step(s)) = c.before.as_ref().map(|p| &p.record) {
            gone.push((&s.id, s.label()));
        }
    }
    let names = Names { map, gone };
    let mut out = Vec::new();
    let mut moved = Vec::new();
    for c in &diff.changes {
        for text in change(c, &names) {
            let s = Sentence {
                key: c.key.clone(),
                text,
            };
            if s.text.starts_with("Moved ") {
                moved.push(s);
            } else {
                out.push(s);
            }
        }
    }
    // An edit that places many records at once (the automatic layout, or a deletion that
    // writes where the layout drew the steps) is said once.
    if moved.len() > 2 {
        out.insert(
            0,
            Sentence {
                key: Key::new(Kind::Meta, ""),
                text: format!("Placed {} records on the canvas", moved.len()),
            },
        );
    } else {
        out.extend(moved);
    }
    out
}

/// Steps' names: in the map, or in the diff for the steps it removed.
struct Names<'a> {
    map: &'a ValueStream,
    gone: Vec<(&'a str, &'a str)>,
}

impl Names<'_> {
    fn step(&self, id: &str) -> String {
        match self.map.step(id) {
            Some(s) => s.label().to_string(),
            None => self
                .gone
                .iter()
                .find(|(g, _)| *g == id)
                .map_or(id, |(_, n)| n)
                .to_string(),
        }
    }
}

/// The record's kind in words, and its name.
fn named(key: &Key, record: Option<&Record>, names: &Names) -> String {
    let step_name = |id: &str| names.step(id);
    match (key.kind, record) {
        (Kind::Meta, _) => "the map".into(),
        (Kind::Step, Some(Record::Step(s))) => format!("'{}'", s.label()),
        (Kind::Step, _) => format!("'{}'", step_name(&key.id)),
        (Kind::Flow, Some(Record::Flow(f))) => {
            format!("the flow '{}' → '{}'", step_name(&f.from), step_name(&f.to))
        }
        (Kind::Team, Some(Record::Team(t))) => format!("team '{}'", t.name),
        (Kind::Kaizen, Some(Record::Kaizen(k))) => format!("kaizen item '{}'", k.title),
        (Kind::Note, Some(Record::Note(n))) => format!("note '{}'", n.text),
        (Kind::Asset, Some(Record::Asset(a))) if !a.name.trim().is_empty() => {
            format!("data asset '{}'", a.name)
        }
        _ => key.to_string(),
    }
}

fn change(c: &Change, map: &Names) -> Vec<String> {
    let before = c.before.as_ref().map(|p| &p.record);
    let after = c.after.as_ref().map(|p| &p.record);
    let name = named(&c.key, after.or(before), map);
    match (before, after) {
        (None, Some(_)) => match c.key.kind {
            Kind::Step | Kind::Kaizen | Kind::Team | Kind::Asset | Kind::Note => {
                vec![format!(
                    "Added {} {}",
                    c.key.kind.words(),
                    name.trim_start_matches(&format!("{} ", c.key.kind.words()))
                )]
            }
            _ => vec![format!("Added {name}")],
        },
        (Some(_), None) => match c.key.kind {
            Kind::Step => vec![format!("Removed step {name}")],
            _ => vec![format!("Removed {name}")],
        },
        (Some(b), Some(a)) => {
            let (x, y) = (body(b), body(a));
            let mut out = Vec::new();
            let mut moved = false;
            fields(&x, &y, "", &mut |path, from, to| match path {
                "x" | "y" => moved = true,
                "name" | "title" => out.push(format!(
                    "Renamed {} {} to {}",
                    c.key.kind.words(),
                    shown(from),
                    shown(to)
                )),
                "gate.evidence" => out.extend(evidence(&name, from, to)),
                "justifications" => out.extend(justifications(map, from, to)),
                _ => out.push(set(path, &name, from, to)),
            });
            if moved {
                out.push(format!("Moved {name}"));
            }
            out
        }
        (None, None) => vec![],
    }
}

/// A record as a JSON object (its variant's body).
fn body(r: &Record) -> Value {
    let v = serde_json::to_value(r).unwrap_or_default();
    v.as_object()
        .and_then(|o| o.values().next().cloned())
        .unwrap_or_default()
}

/// Calls `f(path, before, after)` for every field that differs, one level into the gate's
/// details (so "gate.sla", not "gate").
fn fields(x: &Value, y: &Value, prefix: &str, f: &mut dyn FnMut(&str, &Value, &Value)) {
    let null = Value::Null;
    let mut keys: Vec<&String> = x
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .chain(y.as_object().into_iter().flat_map(|o| o.keys()))
        .collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (a, b) = (x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null));
        if a == b {
            continue;
        }
        let path = format!("{prefix}{k}");
        if path == "gate" && (a.is_object() || b.is_object()) {
            fields(a, b, "gate.", f);
        } else {
            f(&path, a, b);
        }
    }
}

/// A field's name in words.
fn field_name(path: &str) -> String {
    match path {
        "pt" => "the process time".into(),
        "lt" => "the lead time".into(),
        "pca" => "%C&A".into(),
        "wait" => "the queue wait".into(),
        "wip" => "the WIP".into(),
        "p" => "the probability".into(),
        "team" => "the team".into(),
        "kind" => "the kind".into(),
        "notes" => "the notes".into(),
        "gate.sla" => "the SLA".into(),
        "gate.mandatory" => "mandatory".into(),
        "gate.regulation" => "the regulation".into(),
        "gate.control" => "the control".into(),
        "gate.approver" => "the approver".into(),
        "gate.tier" => "the tier".into(),
        "pt_range" => "the process-time range".into(),
        "lt_range" => "the lead-time range".into(),
        other => format!("the {}", other.replace(['_', '.'], " ")),
    }
}

/// A value as people read it: durations with a space ("5 wd"), text quoted, yes and no.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = &s[digits.len()..];
            if !digits.is_empty()
                && !unit.is_empty()
                && digits.parse::<f64>().is_ok()
                && ["s", "min", "h", "d", "wd", "w"].contains(&unit)
            {
                format!("{digits} {unit}")
            } else {
                format!("'{s}'")
            }
        }
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => "nothing".into(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            _ => n.to_string(),
        },
        Value::Array(a) => a.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{} {}", k.replace('_', " "), shown(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn set(path: &str, name: &str, from: &Value, to: &Value) -> String {
    let field = field_name(path);
    match (from.is_null(), to.is_null()) {
        (true, false) => format!("Set {field} of {name} to {}", shown(to)),
        (false, true) => format!("Cleared {field} of {name} (was {})", shown(from)),
        _ => format!(
            "Set {field} of {name} from {} to {}",
            shown(from),
            shown(to)
        ),
    }
}

/// Justifications recorded or withdrawn (a future state's, for its mandatory gates).
fn justifications(names: &Names, from: &Value, to: &Value) -> Vec<String> {
    let items = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
    let (a, b) = (items(from), items(to));
    let gate = |v: &Value| names.step(v["gate"].as_str().unwrap_or(""));
    let mut out = Vec::new();
    for y in b.iter().filter(|y| !a.contains(y)) {
        let by = [y["author"].as_str(), y["date"].as_str()]
            .into_iter()
            .flatten()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!(
            "Recorded a justification for the mandatory gate '{}': '{}'{}",
            gate(y),
            y["text"].as_str().unwrap_or(""),
            if by.is_empty() {
                String::new()
            } else {
                format!(" ({by})")
            }
        ));
    }
    for x in a.iter().filter(|x| !b.contains(x)) {
        out.push(format!(
            "Withdrew the justification for the mandatory gate '{}'",
            gate(x)
        ));
    }
    out
}

/// Evidence items by title: added, removed, and each field changed.
fn evidence(gate: &str, from: &Value, to: &Value) -> Vec<String> {
    let items = |v: &Value| -> Vec<Value> { v.as_array().cloned().unwrap_or_default() };
    let (a, b) = (items(from), items(to));
    let title = |v: &Value| v["title"].as_str().unwrap_or("").to_string();
    let mut out = Vec::new();
    for x in &a {
        match b.iter().find(|y| title(y) == title(x)) {
            None => out.push(format!("Removed evidence '{}' from {gate}", title(x))),
            Some(y) => fields(x, y, "", &mut |path, p, q| {
                out.push(format!(
                    "Set the {} of evidence '{}' of {gate} from {} to {}",
                    path.replace('_', " "),
                    title(x),
                    shown(p),
                    shown(q)
                ))
            }),
        }
    }
    for y in &b {
        if !a.iter().any(|x| title(x) == title(y)) {
            out.push(format!("Added evidence '{}' to {gate}", title(y)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{apply, Op};
    use crate::Duration;

    fn sample() -> ValueStream {
        crate::format::load(include_str!(
            "../../../examples/model-retraining-current.json"
        ))
        .unwrap()
    }

    fn said(map: &mut ValueStream, op: Op) -> Vec<String> {
        let diff = apply(map, &op).unwrap();
        describe(&diff, map).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn edits_are_said_in_words() {
        let mut m = sample();
        let key = Key::step("mrm-review");
        let lt = m.step("mrm-review").unwrap().lt.unwrap();
        assert_eq!(lt, "5wd".parse::<Duration>().unwrap());
        assert_eq!(
            said(
                &mut m,
                Op::Set {
                    key: key.clone(),
                    field: "lt".into(),
                    value: "3wd".into()
                }
            ),
            ["Set the lead time of 'Independent model validation' from 5 wd to 3 wd"]
        );
        let mut gate = m.step("mrm-review").unwrap().gate.clone().unwrap();
        gate.sla = Some("2wd".parse().unwrap());
        gate.evidence[2].status = crate::model::EvidenceStatus::Accepted;
        assert_eq!(
            said(
                &mut m,
                Op::Set {
                    key: key.clone(),
                    field: "gate".into(),
                    value: serde_json::to_value(&gate).unwrap()
                }
            ),
            [
                "Set the status of evidence 'Disparate-impact analysis' of 'Independent model validation' from 'requested' to 'accepted'",
                "Set the SLA of 'Independent model validation' from 10 wd to 2 wd"
            ]
        );
        assert_eq!(
            said(
                &mut m,
                Op::Move {
                    key: key.clone(),
                    x: 5.0,
                    y: 6.0
                }
            ),
            ["Moved 'Independent model validation'"]
        );
        let removed = said(&mut m, Op::Remove { key });
        // The flows that hung on it go with it, named by their ends; the kaizen items pinned
        // to them lose their target.
        assert!(removed.contains(&"Removed step 'Independent model validation'".to_string()));
        assert!(removed.contains(
            &"Removed the flow 'Assemble validation evidence pack' → 'Independent model validation'"
                .to_string()
        ));
        assert!(removed.contains(&"Cleared the target of kaizen item 'Tiered MRM review: fast lane for challenger retrains' (was flow 'evidence>mrm-review')".to_string()), "{removed:?}");
    }

    #[test]
    fn many_moves_are_said_once_and_justifications_are_said_in_full() {
        let mut m = sample();
        let ids: Vec<String> = m.steps.iter().take(3).map(|s| s.id.clone()).collect();
        let moves = Op::Batch {
            ops: ids
                .iter()
                .map(|id| Op::Move {
                    key: Key::step(id.clone()),
                    x: 1.0,
                    y: 2.0,
                })
                .collect(),
        };
        assert_eq!(said(&mut m, moves), ["Placed 3 records on the canvas"]);
        let mut meta = m.meta();
        meta.justifications = vec![crate::model::Justification {
            gate: "mrm-review".into(),
            text: "Sampled by MRM".into(),
            author: "ana".into(),
            date: Some("2026-12-04".into()),
        }];
        assert_eq!(
            said(
                &mut m,
                Op::Update {
                    record: Record::Meta(meta)
                }
            ),
            ["Recorded a justification for the mandatory gate 'Independent model validation': 'Sampled by MRM' (ana, 2026-12-04)"]
        );
    }
}
