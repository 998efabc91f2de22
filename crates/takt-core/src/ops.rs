//! Edits. Every change to a document is an [`Op`], applied by [`apply`], which validates the
//! result and returns a [`Diff`] of the records it added, updated and removed. Applying
//! [`Diff::inverse`] restores the previous document exactly; nobody writes an inverse by hand.

use crate::model::*;
use crate::validate::{validate, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The kinds of record a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Meta,
    Team,
    Step,
    Flow,
    Asset,
    Lineage,
    Link,
    Kaizen,
    Note,
}

impl Kind {
    /// The kind's name, as the file format and the document's tables write it ("step").
    pub fn name(self) -> &'static str {
        match self {
            Kind::Meta => "meta",
            Kind::Team => "team",
            Kind::Step => "step",
            Kind::Flow => "flow",
            Kind::Asset => "asset",
            Kind::Lineage => "lineage",
            Kind::Link => "link",
            Kind::Kaizen => "kaizen",
            Kind::Note => "note",
        }
    }
}

/// A record's stable address: its kind and id (flows, lineage edges and links have derived ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Key {
    pub kind: Kind,
    pub id: String,
}

impl Key {
    pub fn new(kind: Kind, id: impl Into<String>) -> Self {
        Key {
            kind,
            id: id.into(),
        }
    }
    pub fn step(id: impl Into<String>) -> Self {
        Key::new(Kind::Step, id)
    }
    pub fn flow(id: impl Into<String>) -> Self {
        Key::new(Kind::Flow, id)
    }
}

impl Kind {
    /// The kind in words ("data asset"; the map is "the map").
    pub fn words(self) -> &'static str {
        match self {
            Kind::Meta => "the map",
            Kind::Team => "team",
            Kind::Step => "step",
            Kind::Flow => "flow",
            Kind::Asset => "data asset",
            Kind::Lineage => "lineage edge",
            Kind::Link => "asset link",
            Kind::Kaizen => "kaizen item",
            Kind::Note => "note",
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.kind == Kind::Meta {
            return write!(f, "the map");
        }
        write!(f, "{} '{}'", self.kind.words(), self.id)
    }
}

pub use crate::model::Meta;

/// One record of any kind. (Steps are the largest and the most common record, so boxing them
/// would save nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Record {
    Meta(Meta),
    Team(Team),
    Step(Step),
    Flow(Flow),
    Asset(DataAsset),
    Lineage(LineageEdge),
    Link(AssetLink),
    Kaizen(Kaizen),
    Note(Note),
}

impl Record {
    pub fn key(&self) -> Key {
        match self {
            Record::Meta(_) => Key::new(Kind::Meta, ""),
            Record::Team(t) => Key::new(Kind::Team, &t.id),
            Record::Step(s) => Key::new(Kind::Step, &s.id),
            Record::Flow(f) => Key::new(Kind::Flow, f.key()),
            Record::Asset(a) => Key::new(Kind::Asset, &a.id),
            Record::Lineage(e) => Key::new(Kind::Lineage, e.key()),
            Record::Link(l) => Key::new(Kind::Link, l.key()),
            Record::Kaizen(k) => Key::new(Kind::Kaizen, &k.id),
            Record::Note(n) => Key::new(Kind::Note, &n.id),
        }
    }
}

/// An edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Add a record, at the end of its collection or at `index`.
    Add {
        record: Record,
        #[serde(default)]
        index: Option<u32>,
    },
    /// Replace a record by one with the same key.
    Update { record: Record },
    /// Remove a record; removing a step or asset also removes what hangs on it.
    Remove { key: Key },
    /// Place a step, asset, kaizen burst or note on the canvas.
    Move { key: Key, x: f64, y: f64 },
    /// Set one field (a JSON value, `null` to clear it) of a record.
    Set {
        key: Key,
        field: String,
        value: serde_json::Value,
    },
    /// Several edits as one: all apply, or none.
    Batch { ops: Vec<Op> },
}

/// A record at its position in its collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Placed {
    pub index: u32,
    pub record: Record,
}

/// One record's change: added (no before), removed (no after) or updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub key: Key,
    pub before: Option<Placed>,
    pub after: Option<Placed>,
}

/// What an edit changed, in the order it changed it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    /// The diff that undoes this one.
    pub fn inverse(&self) -> Diff {
        Diff {
            changes: self
                .changes
                .iter()
                .rev()
                .map(|c| Change {
                    key: c.key.clone(),
                    before: c.after.clone(),
                    after: c.before.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("{0} does not exist")]
    NotFound(Key),
    #[error("{0} exists already")]
    Exists(Key),
    #[error("{key} has no field '{field}'")]
    UnknownField { key: Key, field: String },
    /// A value of the wrong kind for a field; the message says, in words, what the field holds.
    #[error("{key}: {message}")]
    BadValue {
        key: Key,
        field: String,
        message: String,
    },
    #[error("{0}: its id cannot change; ids are stable (add a new record and remove the old one)")]
    IdChange(Key),
    #[error("{0} has no position on the canvas")]
    NotPlaceable(Key),
    #[error("{key}: cannot add at position {index}; the collection has {len} records")]
    BadIndex { key: Key, index: u32, len: u32 },
    #[error("the diff does not match the document at {0}")]
    DiffMismatch(Key),
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

impl EditError {
    /// The first validation error, for a caller that shows one message beside one field.
    pub fn first_invalid(&self) -> Option<&crate::validate::ModelError> {
        match self {
            EditError::Invalid(v) => v.0.first(),
            _ => None,
        }
    }
}

/// Applies `op`, validates the result, and returns what changed. On any error the document is
/// left exactly as it was.
pub fn apply(doc: &mut ValueStream, op: &Op) -> Result<Diff, EditError> {
    let mut diff = Diff::default();
    let result = run(doc, op, &mut diff).and_then(|()| validate(doc).map_err(EditError::from));
    match result {
        Ok(()) => Ok(diff),
        Err(e) => {
            apply_diff(doc, &diff.inverse()).expect("an edit's own inverse always applies");
            Err(e)
        }
    }
}

/// Applies `op` and analyses the result, validating once: what an editor calls on every edit.
/// On any error the document is left exactly as it was.
pub fn apply_analyzed(
    doc: &mut ValueStream,
    op: &Op,
) -> Result<(Diff, crate::analysis::Analysis), EditError> {
    let mut diff = Diff::default();
    if let Err(e) = run(doc, op, &mut diff) {
        apply_diff(doc, &diff.inverse()).expect("an edit's own inverse always applies");
        return Err(e);
    }
    let analysis = match crate::validate::Graph::build(doc) {
        Ok(g) => crate::analysis::analyze_graph(&g),
        Err(e) => {
            apply_diff(doc, &diff.inverse()).expect("an edit's own inverse always applies");
            return Err(e.into());
        }
    };
    Ok((diff, analysis))
}

/// Replays a diff (or an inverse diff), checking that each record is where the diff says.
/// It does not validate: a diff taken from a valid edit leads to a valid document.
pub fn apply_diff(doc: &mut ValueStream, diff: &Diff) -> Result<(), EditError> {
    let mut undo: Vec<Change> = Vec::with_capacity(diff.changes.len());
    for c in &diff.changes {
        match apply_change(doc, c) {
            Ok(u) => undo.push(u),
            Err(e) => {
                // Put back exactly what this call already changed (the records that were there,
                // which need not be the ones the diff expected).
                for u in undo.iter().rev() {
                    apply_change(doc, u).expect("undoing a change just made");
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Applies one change, all or nothing, and returns the change that undoes what it did.
fn apply_change(doc: &mut ValueStream, c: &Change) -> Result<Change, EditError> {
    let mismatch = || EditError::DiffMismatch(c.key.clone());
    if c.key.kind == Kind::Meta {
        let old = Placed {
            index: 0,
            record: Record::Meta(meta(doc)),
        };
        if c.before.as_ref().is_some_and(|b| b.record != old.record) {
            return Err(mismatch());
        }
        if let Some(Placed {
            record: Record::Meta(m),
            ..
        }) = &c.after
        {
            set_meta(doc, m.clone());
        }
        return Ok(Change {
            key: c.key.clone(),
            before: c.after.clone(),
            after: Some(old),
        });
    }
    // Check everything before changing anything.
    let at = find(doc, &c.key);
    // The record must be where the diff says and as the diff says: a stale diff (one taken
    // before later edits) is refused rather than allowed to overwrite them.
    let old = match (&c.before, at) {
        (Some(b), Some(at)) if at == b.index as usize => {
            let record = record_at(doc, c.key.kind, at);
            if record != b.record {
                return Err(mismatch());
            }
            Some(Placed {
                index: b.index,
                record,
            })
        }
        (None, None) => None,
        _ => return Err(mismatch()),
    };
    if let Some(a) = &c.after {
        let same_place = old.as_ref().is_some_and(|o| o.index == a.index);
        let len = len(doc, c.key.kind) - usize::from(old.is_some());
        if !same_place && a.index as usize > len {
            return Err(mismatch());
        }
    }
    match (&old, &c.after) {
        (Some(o), Some(a)) if o.index == a.index => {
            replace(doc, a.index as usize, a.record.clone())
        }
        _ => {
            if let Some(o) = &old {
                remove_at(doc, c.key.kind, o.index as usize);
            }
            if let Some(a) = &c.after {
                insert_at(doc, a.index as usize, a.record.clone());
            }
        }
    }
    Ok(Change {
        key: c.key.clone(),
        before: c.after.clone(),
        after: old,
    })
}

pub fn meta(doc: &ValueStream) -> Meta {
    doc.meta()
}

fn set_meta(doc: &mut ValueStream, m: Meta) {
    doc.set_meta(m);
}

/// Position of the record with this key.
pub fn find(doc: &ValueStream, key: &Key) -> Option<usize> {
    let id = key.id.as_str();
    match key.kind {
        Kind::Meta => Some(0),
        Kind::Team => doc.teams.iter().position(|r| r.id == id),
        Kind::Step => doc.steps.iter().position(|r| r.id == id),
        Kind::Flow => doc.flows.iter().position(|r| r.key_is(id)),
        Kind::Asset => doc.assets.iter().position(|r| r.id == id),
        Kind::Lineage => doc.lineage.iter().position(|r| r.key() == id),
        Kind::Link => doc.links.iter().position(|r| r.key() == id),
        Kind::Kaizen => doc.kaizen.iter().position(|r| r.id == id),
        Kind::Note => doc.notes.iter().position(|r| r.id == id),
    }
}

/// The record with this key.
pub fn get(doc: &ValueStream, key: &Key) -> Option<Record> {
    let i = find(doc, key)?;
    Some(record_at(doc, key.kind, i))
}

fn record_at(doc: &ValueStream, kind: Kind, i: usize) -> Record {
    match kind {
        Kind::Meta => Record::Meta(meta(doc)),
        Kind::Team => Record::Team(doc.teams[i].clone()),
        Kind::Step => Record::Step(doc.steps[i].clone()),
        Kind::Flow => Record::Flow(doc.flows[i].clone()),
        Kind::Asset => Record::Asset(doc.assets[i].clone()),
        Kind::Lineage => Record::Lineage(doc.lineage[i].clone()),
        Kind::Link => Record::Link(doc.links[i].clone()),
        Kind::Kaizen => Record::Kaizen(doc.kaizen[i].clone()),
        Kind::Note => Record::Note(doc.notes[i].clone()),
    }
}

fn len(doc: &ValueStream, kind: Kind) -> usize {
    match kind {
        Kind::Meta => 1,
        Kind::Team => doc.teams.len(),
        Kind::Step => doc.steps.len(),
        Kind::Flow => doc.flows.len(),
        Kind::Asset => doc.assets.len(),
        Kind::Lineage => doc.lineage.len(),
        Kind::Link => doc.links.len(),
        Kind::Kaizen => doc.kaizen.len(),
        Kind::Note => doc.notes.len(),
    }
}

fn insert_at(doc: &mut ValueStream, i: usize, r: Record) {
    match r {
        Record::Meta(m) => set_meta(doc, m),
        Record::Team(x) => doc.teams.insert(i, x),
        Record::Step(x) => doc.steps.insert(i, x),
        Record::Flow(x) => doc.flows.insert(i, x),
        Record::Asset(x) => doc.assets.insert(i, x),
        Record::Lineage(x) => doc.lineage.insert(i, x),
        Record::Link(x) => doc.links.insert(i, x),
        Record::Kaizen(x) => doc.kaizen.insert(i, x),
        Record::Note(x) => doc.notes.insert(i, x),
    }
}

fn replace(doc: &mut ValueStream, i: usize, r: Record) {
    match r {
        Record::Meta(m) => set_meta(doc, m),
        Record::Team(x) => doc.teams[i] = x,
        Record::Step(x) => doc.steps[i] = x,
        Record::Flow(x) => doc.flows[i] = x,
        Record::Asset(x) => doc.assets[i] = x,
        Record::Lineage(x) => doc.lineage[i] = x,
        Record::Link(x) => doc.links[i] = x,
        Record::Kaizen(x) => doc.kaizen[i] = x,
        Record::Note(x) => doc.notes[i] = x,
    }
}

fn remove_at(doc: &mut ValueStream, kind: Kind, i: usize) {
    match kind {
        Kind::Meta => {}
        Kind::Team => drop(doc.teams.remove(i)),
        Kind::Step => drop(doc.steps.remove(i)),
        Kind::Flow => drop(doc.flows.remove(i)),
        Kind::Asset => drop(doc.assets.remove(i)),
        Kind::Lineage => drop(doc.lineage.remove(i)),
        Kind::Link => drop(doc.links.remove(i)),
        Kind::Kaizen => drop(doc.kaizen.remove(i)),
        Kind::Note => drop(doc.notes.remove(i)),
    }
}

// Recording primitives: each changes the document and appends the change to the diff.

fn rec_add(
    doc: &mut ValueStream,
    diff: &mut Diff,
    r: Record,
    index: Option<u32>,
) -> Result<(), EditError> {
    let key = r.key();
    if key.kind == Kind::Meta {
        return rec_update(doc, diff, r);
    }
    if find(doc, &key).is_some() {
        return Err(EditError::Exists(key));
    }
    let n = len(doc, key.kind) as u32;
    let at = index.unwrap_or(n);
    if at > n {
        return Err(EditError::BadIndex {
            key,
            index: at,
            len: n,
        });
    }
    insert_at(doc, at as usize, r.clone());
    diff.changes.push(Change {
        key,
        before: None,
        after: Some(Placed {
            index: at,
            record: r,
        }),
    });
    Ok(())
}

fn rec_update(doc: &mut ValueStream, diff: &mut Diff, r: Record) -> Result<(), EditError> {
    let key = r.key();
    let i = find(doc, &key).ok_or_else(|| EditError::NotFound(key.clone()))?;
    let old = record_at(doc, key.kind, i);
    if old == r {
        return Ok(());
    }
    replace(doc, i, r.clone());
    diff.changes.push(Change {
        key,
        before: Some(Placed {
            index: i as u32,
            record: old,
        }),
        after: Some(Placed {
            index: i as u32,
            record: r,
        }),
    });
    Ok(())
}

fn rec_remove(doc: &mut ValueStream, diff: &mut Diff, key: &Key) -> Result<(), EditError> {
    let i = find(doc, key).ok_or_else(|| EditError::NotFound(key.clone()))?;
    if key.kind == Kind::Meta {
        return Err(EditError::NotFound(key.clone()));
    }
    let old = record_at(doc, key.kind, i);
    remove_at(doc, key.kind, i);
    diff.changes.push(Change {
        key: key.clone(),
        before: Some(Placed {
            index: i as u32,
            record: old,
        }),
        after: None,
    });
    Ok(())
}

fn run(doc: &mut ValueStream, op: &Op, diff: &mut Diff) -> Result<(), EditError> {
    match op {
        Op::Add { record, index } => rec_add(doc, diff, record.clone(), *index),
        Op::Update { record } => rec_update(doc, diff, record.clone()),
        Op::Remove { key } => {
            cascade(doc, diff, key)?;
            rec_remove(doc, diff, key)
        }
        Op::Move { key, x, y } => {
            if !(x.is_finite() && y.is_finite()) {
                return Err(EditError::BadValue {
                    key: key.clone(),
                    field: "x".into(),
                    message: "a position must be a finite number".into(),
                });
            }
            let r = get(doc, key).ok_or_else(|| EditError::NotFound(key.clone()))?;
            let moved = match r {
                Record::Step(mut s) => {
                    (s.x, s.y) = (Some(*x), Some(*y));
                    Record::Step(s)
                }
                Record::Asset(mut a) => {
                    (a.x, a.y) = (Some(*x), Some(*y));
                    Record::Asset(a)
                }
                Record::Kaizen(mut k) => {
                    (k.x, k.y) = (Some(*x), Some(*y));
                    Record::Kaizen(k)
                }
                Record::Note(mut n) => {
                    (n.x, n.y) = (Some(*x), Some(*y));
                    Record::Note(n)
                }
                _ => return Err(EditError::NotPlaceable(key.clone())),
            };
            rec_update(doc, diff, moved)
        }
        Op::Set { key, field, value } => {
            let r = get(doc, key).ok_or_else(|| EditError::NotFound(key.clone()))?;
            let updated = set_field(key, r, field, value)?;
            if updated.key() != *key {
                return Err(EditError::IdChange(key.clone()));
            }
            rec_update(doc, diff, updated)
        }
        Op::Batch { ops } => {
            for o in ops {
                run(doc, o, diff)?;
            }
            Ok(())
        }
    }
}

/// Sets one field through the record's JSON form, so that every field of every kind can be set
/// and a wrong value is refused by the same rules as the file format.
fn set_field(
    key: &Key,
    r: Record,
    field: &str,
    value: &serde_json::Value,
) -> Result<Record, EditError> {
    let mut json = serde_json::to_value(&r).expect("records serialise");
    let obj = json
        .as_object_mut()
        .and_then(|o| o.values_mut().next())
        .and_then(|v| v.as_object_mut())
        .expect("a record serialises as {kind: {fields}}");
    let known = known_fields(key.kind);
    if !known.iter().any(|f| f == field) {
        return Err(EditError::UnknownField {
            key: key.clone(),
            field: field.to_string(),
        });
    }
    if value.is_null() {
        obj.remove(field);
    } else {
        obj.insert(field.to_string(), value.clone());
    }
    // The value is read as the file format reads it; only a refused one is read again with
    // its path tracked (slower), to say which part of the field is at fault.
    if let Ok(r) = Record::deserialize(&json) {
        return Ok(r);
    }
    serde_path_to_error::deserialize::<_, Record>(&json).map_err(|e| {
        // The path inside the record ("step.gate.tier"): the part of the field at fault.
        let path: Vec<String> = e.path().iter().skip(1).map(|s| s.to_string()).collect();
        let at = path.join(".");
        let shown = path
            .iter()
            .try_fold(&json[key.kind.name()], |v, k| v.get(k.as_str()))
            .filter(|v| !v.is_object());
        EditError::BadValue {
            key: key.clone(),
            field: field.to_string(),
            message: in_words(
                if at.is_empty() { field } else { &at },
                shown,
                &e.inner().to_string(),
            ),
        }
    })
}

/// A field's name in words ("the process time").
fn field_words(path: &str) -> String {
    match path {
        "pt" => "the process time".into(),
        "lt" => "the lead time".into(),
        "wait" => "the queue wait".into(),
        "changeover" => "the changeover".into(),
        "gate.sla" => "the SLA".into(),
        "pt_range" => "the process-time range".into(),
        "lt_range" => "the lead-time range".into(),
        "wait_range" => "the wait range".into(),
        "due" => "the due date".into(),
        other => other.replace(['_', '.'], " "),
    }
}

/// What a field holds, in words, for the fields people type numbers and choices into.
fn expected(path: &str) -> Option<&'static str> {
    Some(match path.rsplit('.').next().unwrap_or(path) {
        "tier" => "the tier is a whole number from 1 (1 = the lowest authority that may approve)",
        "pca" => "%C&A is a percentage from 0 to 100",
        "uptime" => "uptime is a percentage from 0 to 100",
        "servers" => "servers is the number of people or machines working in parallel, 1 or more",
        "batch" => "the batch size is a number of items, 1 or more",
        "wip" => "WIP is a number of items waiting",
        "p" => "a probability is a number from 0 to 1",
        "mandatory" => "mandatory is yes or no",
        "items" => "demand is a number of items per period, such as 12/13w",
        "hours_per_day" => "working hours per day is a number of hours, such as 8",
        "days_per_week" => "working days per week is a number of days, such as 5",
        "x" | "y" => "a position is a number",
        "share" => "a waste's share is a number from 0 to 1",
        _ => return None,
    })
}

/// A serde error about a value typed into a field, said in words: what the field holds and
/// what was typed ("the tier is a whole number from 1; 'high' is not"), not serde's
/// "invalid type: string \"high\", expected u32".
fn in_words(path: &str, value: Option<&serde_json::Value>, serde: &str) -> String {
    let shown = match value {
        Some(serde_json::Value::String(s)) => format!("'{s}'"),
        Some(v) => format!("'{v}'"),
        None => "the value given".into(),
    };
    if let Some(rest) = serde.strip_prefix("unknown variant ") {
        // "unknown variant `x`, expected one of `a`, `b`"
        let choices = rest
            .split_once("expected ")
            .map(|(_, c)| c.replace("one of ", "").replace('`', ""))
            .unwrap_or_default();
        return format!("{shown} is not a choice here; choose one of {choices}");
    }
    if serde.starts_with("invalid type") || serde.starts_with("invalid value") {
        if let Some(words) = expected(path) {
            return format!("{words}; {shown} is not");
        }
        let want = serde.rsplit("expected ").next().unwrap_or("");
        let want = match want {
            "u32" | "u64" | "usize" | "i32" | "i64" => "a whole number",
            "f64" | "f32" => "a number",
            "a boolean" => "yes or no",
            "a string" => "text",
            "a sequence" => "a list",
            other => other,
        };
        return format!("{} must be {want}; {shown} is not", path.replace('_', " "));
    }
    // Errors our own types raise (a duration, a range) are in words already.
    format!("{}: {serde}", field_words(path))
}

/// The fields a record of `kind` has, as the file format names them: from the types' JSON
/// Schema (one source: the model), read once.
fn known_fields(kind: Kind) -> &'static [String] {
    use std::sync::OnceLock;
    fn props<T: schemars::JsonSchema>() -> Vec<String> {
        let schema = schemars::schema_for!(T);
        schema
            .schema
            .object
            .map(|o| o.properties.keys().cloned().collect())
            .unwrap_or_default()
    }
    static FIELDS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    let all = FIELDS.get_or_init(|| {
        vec![
            props::<Meta>(),
            props::<Team>(),
            props::<Step>(),
            props::<Flow>(),
            props::<DataAsset>(),
            props::<LineageEdge>(),
            props::<AssetLink>(),
            props::<Kaizen>(),
            props::<Note>(),
        ]
    });
    let k = match kind {
        Kind::Meta => 0,
        Kind::Team => 1,
        Kind::Step => 2,
        Kind::Flow => 3,
        Kind::Asset => 4,
        Kind::Lineage => 5,
        Kind::Link => 6,
        Kind::Kaizen => 7,
        Kind::Note => 8,
    };
    &all[k]
}

/// Kaizen items pinned to a step or flow that goes are pinned to the map instead.
fn unpin(doc: &mut ValueStream, diff: &mut Diff, target: KaizenTarget) -> Result<(), EditError> {
    let pinned: Vec<Kaizen> = doc
        .kaizen
        .iter()
        .filter(|k| k.target.as_ref() == Some(&target))
        .cloned()
        .collect();
    for mut k in pinned {
        k.target = None;
        rec_update(doc, diff, Record::Kaizen(k))?;
    }
    Ok(())
}

/// Before a record goes, what hangs on it goes too (flows and links of a step, edges and links of
/// an asset) or lets go of it (a team's steps, a kaizen item's target).
fn cascade(doc: &mut ValueStream, diff: &mut Diff, key: &Key) -> Result<(), EditError> {
    if find(doc, key).is_none() {
        return Err(EditError::NotFound(key.clone()));
    }
    let id = key.id.as_str();
    match key.kind {
        Kind::Step => {
            let flows: Vec<String> = doc
                .flows
                .iter()
                .filter(|f| f.from == id || f.to == id)
                .map(|f| f.key())
                .collect();
            for f in flows {
                cascade(doc, diff, &Key::flow(&f))?;
                rec_remove(doc, diff, &Key::flow(f))?;
            }
            let links: Vec<String> = doc
                .links
                .iter()
                .filter(|l| l.step == id)
                .map(|l| l.key())
                .collect();
            for l in links {
                rec_remove(doc, diff, &Key::new(Kind::Link, l))?;
            }
            unpin(doc, diff, KaizenTarget::Step(id.to_string()))?;
        }
        Kind::Flow => {
            unpin(doc, diff, KaizenTarget::Flow(id.to_string()))?;
        }
        Kind::Asset => {
            let edges: Vec<String> = doc
                .lineage
                .iter()
                .filter(|e| e.from == id || e.to == id)
                .map(|e| e.key())
                .collect();
            for e in edges {
                rec_remove(doc, diff, &Key::new(Kind::Lineage, e))?;
            }
            let links: Vec<String> = doc
                .links
                .iter()
                .filter(|l| l.asset == id)
                .map(|l| l.key())
                .collect();
            for l in links {
                rec_remove(doc, diff, &Key::new(Kind::Link, l))?;
            }
        }
        Kind::Team => {
            let members: Vec<Step> = doc
                .steps
                .iter()
                .filter(|s| s.team.as_deref() == Some(id))
                .cloned()
                .collect();
            for mut s in members {
                s.team = None;
                rec_update(doc, diff, Record::Step(s))?;
            }
            let assets: Vec<DataAsset> = doc
                .assets
                .iter()
                .filter(|a| a.team.as_deref() == Some(id))
                .cloned()
                .collect();
            for mut a in assets {
                a.team = None;
                rec_update(doc, diff, Record::Asset(a))?;
            }
        }
        _ => {}
    }
    Ok(())
}
