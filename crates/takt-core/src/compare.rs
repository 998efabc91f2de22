//! Comparing two maps (two scenarios, or two versions of one): every headline metric's delta,
//! and the steps added, removed and changed.

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
    pub bottleneck: [Option<String>; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepChange {
    pub id: String,
    pub fields: Vec<String>,
}

/// The headline metrics, by name, in report order.
pub fn headline(a: &Analysis) -> Vec<(&'static str, Option<f64>)> {
    vec![
        ("lead_time_s", Some(a.lead_time_s)),
        ("process_time_s", Some(a.process_time_s)),
        ("work_content_s", Some(a.work_content_s)),
        ("va_time_s", Some(a.va_time_s)),
        ("pce", Some(a.pce)),
        ("activity_ratio", Some(a.activity_ratio)),
        ("rolled_pca", Some(a.rolled_pca)),
        ("takt_s", a.takt_s),
        ("handoffs", Some(a.handoffs.total as f64)),
        ("handoffs_critical", Some(a.handoffs.critical as f64)),
        ("gate_time_s", Some(a.gate_time_s)),
        ("wip_items", Some(a.wip_items)),
        ("steps", Some(a.steps.len() as f64)),
    ]
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
    Comparison {
        metrics,
        steps_added,
        steps_removed,
        steps_changed,
        bottleneck: [a.bottleneck.clone(), b.bottleneck.clone()],
    }
}

/// The fields of two versions of a step that differ, by name.
fn changed_fields(s: &crate::model::Step, t: &crate::model::Step) -> Vec<String> {
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
