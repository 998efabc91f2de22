//! Comparing two maps (two scenarios, or two versions of one): every headline metric's delta,
//! the steps added, removed and changed, and what the second does to the first's mandatory
//! gates.

use crate::analysis::{analyze, Analysis};
use crate::model::ValueStream;
use crate::validate::ValidationErrors;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricDelta {
    pub metric: &'static str,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub delta: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Comparison {
    pub metrics: Vec<MetricDelta>,
    pub steps_added: Vec<String>,
    pub steps_removed: Vec<String>,
    /// Steps in both maps whose records differ, with the fields that differ.
    pub steps_changed: Vec<StepChange>,
    /// Flows by key (`from>to` or their id).
    pub flows_added: Vec<String>,
    pub flows_removed: Vec<String>,
    pub flows_changed: Vec<StepChange>,
    /// Waste per item by category (the DOWNTIME wastes), in either map.
    pub waste: Vec<WasteDelta>,
    pub bottleneck: [Option<String>; 2],
    /// Every mandatory gate of the first map that the second removes, bypasses or changes,
    /// with the second map's justification for it.
    pub mandatory: Vec<MandatoryChange>,
}

/// What a future state does to a mandatory gate of the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GateChange {
    /// The gate is gone (or is no longer a gate).
    Removed,
    /// The gate is there, but items no longer all pass it: flows go around it, an XOR split
    /// skips it, or it is cut off from the stream.
    Bypassed,
    /// Still a gate, no longer marked mandatory.
    Unmarked,
    /// Still a mandatory gate on every item's way, with fields changed.
    Changed,
}

impl GateChange {
    /// The change in a word, as the file format writes it ("removed").
    pub fn words(self) -> &'static str {
        match self {
            GateChange::Removed => "removed",
            GateChange::Bypassed => "bypassed",
            GateChange::Unmarked => "unmarked",
            GateChange::Changed => "changed",
        }
    }

    /// Whether the change needs a recorded justification (removing or bypassing).
    pub fn needs_justification(self) -> bool {
        self != GateChange::Changed
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MandatoryChange {
    pub gate: String,
    pub name: String,
    pub change: GateChange,
    /// The fields that differ (for a changed gate).
    pub fields: Vec<String>,
    pub justification: Option<crate::model::Justification>,
}

impl MandatoryChange {
    /// Removed or bypassed, with no justification recorded.
    pub fn unjustified(&self) -> bool {
        self.change.needs_justification() && self.justification.is_none()
    }
    /// The change in words: "removes the mandatory gate 'MRM review'".
    pub fn sentence(&self) -> String {
        let what = match self.change {
            GateChange::Removed => "removes",
            GateChange::Bypassed => "bypasses",
            GateChange::Unmarked => "no longer marks as mandatory",
            GateChange::Changed => "changes",
        };
        let mut s = format!("{what} the mandatory gate '{}'", self.name);
        if self.change == GateChange::Changed {
            s.push_str(&format!(" ({})", self.fields.join(", ")));
        }
        s
    }
}

/// The mandatory gates of `before` that `after` removes, bypasses, unmarks or changes. A gate is
/// bypassed when items reach it less often than before (a split skips it) or not at all (it is
/// cut off from the piece of the map that sets the lead time).
pub fn mandatory_changes(
    before: &ValueStream,
    a: &Analysis,
    after: &ValueStream,
    b: &Analysis,
) -> Vec<MandatoryChange> {
    use crate::model::StepKind;
    let mut out = Vec::new();
    let index: rustc_hash::FxHashMap<&str, usize> = after
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    for (i, s) in before.steps.iter().enumerate() {
        let mandatory = |s: &crate::model::Step| {
            s.kind == StepKind::Gate && s.gate.as_ref().is_some_and(|g| g.mandatory)
        };
        if !mandatory(s) {
            continue;
        }
        let found = index.get(s.id.as_str()).map(|&k| (k, &after.steps[k]));
        let (change, fields) = match found {
            None => (GateChange::Removed, vec![]),
            Some((_, t)) if t.kind != StepKind::Gate => (GateChange::Removed, vec![]),
            Some((k, t)) => {
                let cut_off = b.disconnected.contains(&(k as u32));
                let visits = |an: &Analysis, at: usize| an.steps.get(at).map_or(0.0, |m| m.visits);
                // Rework passes aside: the chance one item reaches the gate at all.
                let reached_before = visits(a, i).min(1.0);
                let reached_after = visits(b, k).min(1.0);
                if cut_off || reached_after + 1e-9 < reached_before {
                    (GateChange::Bypassed, vec![])
                } else if !mandatory(t) {
                    (GateChange::Unmarked, vec![])
                } else if t != s {
                    let mut fields: Vec<String> = Vec::new();
                    for f in changed_fields(s, t) {
                        match f.as_str() {
                            "x" | "y" => {}
                            "gate" => fields.extend(
                                value_fields(&s.gate, &t.gate)
                                    .into_iter()
                                    .map(|g| format!("gate.{g}")),
                            ),
                            _ => fields.push(f),
                        }
                    }
                    if fields.is_empty() {
                        continue;
                    }
                    (GateChange::Changed, fields)
                } else {
                    continue;
                }
            }
        };
        out.push(MandatoryChange {
            gate: s.id.clone(),
            name: s.label().to_string(),
            change,
            fields,
            justification: after
                .justifications
                .iter()
                .find(|j| j.gate == s.id)
                .cloned(),
        });
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepChange {
    pub id: String,
    pub fields: Vec<String>,
}

/// One category of waste in two maps, seconds per item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WasteDelta {
    pub category: String,
    pub before: f64,
    pub after: f64,
    pub delta: f64,
}

/// The headline metrics' names, in report order.
pub const HEADLINE: [&str; 13] = [
    "lead_time_s",
    "process_time_s",
    "work_content_s",
    "va_time_s",
    "pce",
    "activity_ratio",
    "rolled_pca",
    "takt_s",
    "handoffs",
    "handoffs_critical",
    "gate_time_s",
    "wip_items",
    "steps",
];

/// The headline metrics, by name, in report order.
pub fn headline(a: &Analysis) -> Vec<(&'static str, Option<f64>)> {
    let values = [
        Some(a.lead_time_s),
        Some(a.process_time_s),
        Some(a.work_content_s),
        Some(a.va_time_s),
        Some(a.pce),
        Some(a.activity_ratio),
        Some(a.rolled_pca),
        a.takt_s,
        Some(a.handoffs.total as f64),
        Some(a.handoffs.critical as f64),
        Some(a.gate_time_s),
        Some(a.wip_items),
        Some(a.steps.len() as f64),
    ];
    HEADLINE.into_iter().zip(values).collect()
}

/// Compares two analysed maps.
pub fn compare_analysed(
    before: &ValueStream,
    a: &Analysis,
    after: &ValueStream,
    b: &Analysis,
) -> Comparison {
    let metrics = headline(a)
        .into_iter()
        .zip(headline(b))
        .map(|((metric, x), (_, y))| MetricDelta {
            metric,
            before: x,
            after: y,
            delta: match (x, y) {
                (Some(x), Some(y)) => Some(y - x),
                _ => None,
            },
        })
        .collect();
    // Steps matched by id, linear in the steps: a future state keeps its steps mostly where the
    // current state has them, so each is looked for at the same position first, then by id.
    let at: rustc_hash::FxHashMap<&str, usize> = after
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let find = |i: usize, id: &str| match after.steps.get(i) {
        Some(t) if t.id == id => Some(t),
        _ => at.get(id).map(|&k| &after.steps[k]),
    };
    let mut steps_changed = Vec::new();
    let mut steps_removed = Vec::new();
    let mut kept = 0;
    for (i, s) in before.steps.iter().enumerate() {
        match find(i, &s.id) {
            None => steps_removed.push(s.id.clone()),
            Some(t) => {
                kept += 1;
                if t != s {
                    steps_changed.push(StepChange {
                        id: s.id.clone(),
                        fields: changed_fields(s, t),
                    });
                }
            }
        }
    }
    let steps_added = if kept == after.steps.len() {
        Vec::new()
    } else {
        let was: rustc_hash::FxHashSet<&str> = before.steps.iter().map(|s| s.id.as_str()).collect();
        after
            .steps
            .iter()
            .filter(|s| !was.contains(s.id.as_str()))
            .map(|s| s.id.clone())
            .collect()
    };
    let (flows_added, flows_removed, flows_changed) = compare_flows(before, after);
    let mut waste: Vec<WasteDelta> = a
        .waste_s
        .keys()
        .chain(b.waste_s.keys())
        .map(|category| {
            let x = a.waste_s.get(category).copied().unwrap_or(0.0);
            let y = b.waste_s.get(category).copied().unwrap_or(0.0);
            WasteDelta {
                category: category.clone(),
                before: x,
                after: y,
                delta: y - x,
            }
        })
        .collect();
    waste.sort_by(|x, y| x.category.cmp(&y.category));
    waste.dedup_by(|x, y| x.category == y.category);
    Comparison {
        metrics,
        steps_added,
        steps_removed,
        steps_changed,
        flows_added,
        flows_removed,
        flows_changed,
        waste,
        bottleneck: [a.bottleneck.clone(), b.bottleneck.clone()],
        mandatory: mandatory_changes(before, a, after, b),
    }
}

/// Two flows with one key, without making the key.
fn same_key(f: &crate::model::Flow, t: &crate::model::Flow) -> bool {
    match (&f.id, &t.id) {
        (Some(a), Some(b)) => a == b,
        (None, None) => f.from == t.from && f.to == t.to,
        _ => f.key() == t.key(),
    }
}

/// The flows `after` adds, removes and changes, by key; linear like the steps' (each looked for
/// at the same position first).
fn compare_flows(
    before: &ValueStream,
    after: &ValueStream,
) -> (Vec<String>, Vec<String>, Vec<StepChange>) {
    let mut at: Option<rustc_hash::FxHashMap<String, usize>> = None;
    let (mut removed, mut changed) = (Vec::new(), Vec::new());
    let mut kept = 0;
    for (i, f) in before.flows.iter().enumerate() {
        let t = match after.flows.get(i) {
            Some(t) if same_key(f, t) => Some(t),
            _ => {
                let index = at.get_or_insert_with(|| {
                    after
                        .flows
                        .iter()
                        .enumerate()
                        .map(|(k, t)| (t.key(), k))
                        .collect()
                });
                index.get(&f.key()).map(|&k| &after.flows[k])
            }
        };
        match t {
            None => removed.push(f.key()),
            Some(t) => {
                kept += 1;
                if t != f {
                    changed.push(StepChange {
                        id: f.key(),
                        fields: value_fields(f, t),
                    });
                }
            }
        }
    }
    let added = if kept == after.flows.len() {
        Vec::new()
    } else {
        let was: rustc_hash::FxHashSet<String> = before.flows.iter().map(|f| f.key()).collect();
        after
            .flows
            .iter()
            .map(|t| t.key())
            .filter(|k| !was.contains(k))
            .collect()
    };
    (added, removed, changed)
}

/// The fields of two versions of a step that differ, by name.
fn changed_fields(s: &crate::model::Step, t: &crate::model::Step) -> Vec<String> {
    value_fields(s, t)
}

/// The fields of two versions of a record that differ, by name.
fn value_fields<T: Serialize>(s: &T, t: &T) -> Vec<String> {
    let (x, y) = (
        serde_json::to_value(s).unwrap_or_default(),
        serde_json::to_value(t).unwrap_or_default(),
    );
    let mut fields: Vec<String> = x
        .as_object()
        .into_iter()
        .flat_map(|o| o.keys())
        .chain(y.as_object().into_iter().flat_map(|o| o.keys()))
        .filter(|k| x.get(k.as_str()) != y.get(k.as_str()))
        .cloned()
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// Validates, analyses and compares two maps.
pub fn compare(
    before: &ValueStream,
    after: &ValueStream,
) -> Result<Comparison, (usize, ValidationErrors)> {
    let a = analyze(before).map_err(|e| (0, e))?;
    let b = analyze(after).map_err(|e| (1, e))?;
    Ok(compare_analysed(before, &a, after, &b))
}

/// What can be wrong with a set of scenarios to compare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("compare 2 to 4 scenarios (the first is the baseline); {0} given")]
    Count(usize),
    #[error("'{0}' is listed twice: compare a scenario with others, not with itself")]
    Twice(String),
}

/// The most scenarios a comparison shows side by side.
pub const MAX_COMPARED: usize = 4;

/// Checks the names of a set of scenarios to compare: 2 to 4, none twice.
pub fn check_set(names: &[&str]) -> Result<(), SetError> {
    if !(2..=MAX_COMPARED).contains(&names.len()) {
        return Err(SetError::Count(names.len()));
    }
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(SetError::Twice(n.to_string()));
        }
    }
    Ok(())
}

/// Compares each of a set of analysed scenarios with the first (the baseline, compared with
/// itself: no deltas); the names are checked with [`check_set`].
pub fn compare_set(set: &[(&str, &ValueStream, &Analysis)]) -> Result<Vec<Comparison>, SetError> {
    check_set(&set.iter().map(|s| s.0).collect::<Vec<_>>())?;
    let (_, base, a) = set[0];
    Ok(set
        .iter()
        .map(|(_, m, b)| compare_analysed(base, a, m, b))
        .collect())
}
