//! Measured versus drawn: a map drawn in a workshop beside one mined from an event log, step by
//! step and flow by flow, with the differences over a quarter flagged (issue 15).
//!
//! Steps are paired by name (compared without case, spaces or punctuation: "Train model" and
//! "train-model" are one), each name once, in the drawn map's order; pairs given by hand come
//! first and take their steps out of the matching by name. Suppliers and customers are left out
//! (their times are outside the stream). A flow of the drawn map is paired with the measured
//! flow between the steps its ends are paired with.
//!
//! A figure differs when the measured value is more than 25% away from the drawn one (a drawn
//! zero differs from any measured value that is not zero). Times are seconds, each map's own
//! calendar turning working days into seconds.

use crate::model::{Step, ValueStream};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Differences over this share of the drawn value are flagged.
pub const FLAG_OVER: f64 = 0.25;

/// One figure, drawn and measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Figure {
    /// "pt", "lt", "wait" or "p".
    pub field: String,
    pub drawn: Option<f64>,
    pub measured: Option<f64>,
    /// (measured - drawn) / drawn; none where either is missing or the drawn value is zero.
    pub change: Option<f64>,
    pub flagged: bool,
}

/// A drawn step and its measured one (either may be missing: not paired).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepPair {
    pub drawn: Option<String>,
    pub drawn_name: Option<String>,
    pub measured: Option<String>,
    pub measured_name: Option<String>,
    /// "name", "hand", or "" when not paired.
    pub by: String,
    pub figures: Vec<Figure>,
}

/// A drawn flow and its measured one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlowPair {
    /// "from>to" of each.
    pub drawn: Option<String>,
    pub measured: Option<String>,
    /// The drawn flow's ends' names, "A -> B" (the measured flow's where none was drawn).
    pub label: String,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Calibration {
    pub steps: Vec<StepPair>,
    pub flows: Vec<FlowPair>,
    /// How many figures differ by more than a quarter.
    pub flagged: u32,
}

/// A name for matching: lower case letters and digits only.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn figure(field: &str, drawn: Option<f64>, measured: Option<f64>) -> Figure {
    let (change, flagged) = match (drawn, measured) {
        (Some(d), Some(m)) if d.abs() > 1e-12 => {
            let c = (m - d) / d;
            (Some(c), c.abs() > FLAG_OVER + 1e-12)
        }
        (Some(_), Some(m)) => (None, m.abs() > 1e-12),
        _ => (None, false),
    };
    Figure {
        field: field.into(),
        drawn,
        measured,
        change,
        flagged,
    }
}

fn step_figures(
    d: Option<&Step>,
    dm: &ValueStream,
    m: Option<&Step>,
    mm: &ValueStream,
) -> Vec<Figure> {
    let pt = |s: Option<&Step>, map: &ValueStream| {
        s.and_then(|s| s.pt).map(|x| x.seconds(&map.calendar))
    };
    let lt = |s: Option<&Step>, map: &ValueStream| {
        s.and_then(|s| s.lt.or(s.pt))
            .map(|x| x.seconds(&map.calendar))
    };
    vec![
        figure("pt", pt(d, dm), pt(m, mm)),
        figure("lt", lt(d, dm), lt(m, mm)),
    ]
}

/// The drawn map beside the measured one; `by_hand` pairs (drawn id, measured id) first.
pub fn calibrate(
    drawn: &ValueStream,
    measured: &ValueStream,
    by_hand: &[(String, String)],
) -> Calibration {
    let inner = |s: &&Step| !s.kind.is_endpoint();
    let d_steps: Vec<&Step> = drawn.steps.iter().filter(inner).collect();
    let m_steps: Vec<&Step> = measured.steps.iter().filter(inner).collect();
    let mut pair_of: HashMap<&str, (&str, &'static str)> = HashMap::new();
    let mut taken: HashSet<&str> = HashSet::new();
    for (d, m) in by_hand {
        let ds = d_steps.iter().find(|s| &s.id == d);
        let ms = m_steps.iter().find(|s| &s.id == m);
        if let (Some(ds), Some(ms)) = (ds, ms) {
            if !pair_of.contains_key(ds.id.as_str()) && !taken.contains(ms.id.as_str()) {
                pair_of.insert(ds.id.as_str(), (ms.id.as_str(), "hand"));
                taken.insert(ms.id.as_str());
            }
        }
    }
    for ds in &d_steps {
        if pair_of.contains_key(ds.id.as_str()) {
            continue;
        }
        let k = key(if ds.name.is_empty() { &ds.id } else { &ds.name });
        if let Some(ms) = m_steps.iter().find(|ms| {
            !taken.contains(ms.id.as_str())
                && key(if ms.name.is_empty() { &ms.id } else { &ms.name }) == k
        }) {
            pair_of.insert(ds.id.as_str(), (ms.id.as_str(), "name"));
            taken.insert(ms.id.as_str());
        }
    }
    let m_by_id: HashMap<&str, &Step> = m_steps.iter().map(|s| (s.id.as_str(), *s)).collect();
    let mut steps = Vec::new();
    for ds in &d_steps {
        let paired = pair_of.get(ds.id.as_str());
        let ms = paired.and_then(|(m, _)| m_by_id.get(m).copied());
        steps.push(StepPair {
            drawn: Some(ds.id.clone()),
            drawn_name: Some(ds.name.clone()),
            measured: ms.map(|s| s.id.clone()),
            measured_name: ms.map(|s| s.name.clone()),
            by: paired.map_or("", |p| p.1).into(),
            figures: step_figures(Some(ds), drawn, ms, measured),
        });
    }
    for ms in &m_steps {
        if !taken.contains(ms.id.as_str()) {
            steps.push(StepPair {
                drawn: None,
                drawn_name: None,
                measured: Some(ms.id.clone()),
                measured_name: Some(ms.name.clone()),
                by: String::new(),
                figures: step_figures(None, drawn, Some(ms), measured),
            });
        }
    }
    // Flows between paired steps.
    let name_of = |map: &ValueStream, id: &str| {
        map.steps
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_owned(), |s| {
                if s.name.is_empty() {
                    s.id.clone()
                } else {
                    s.name.clone()
                }
            })
    };
    let mut flows = Vec::new();
    let mut used: HashSet<usize> = HashSet::new();
    for f in drawn
        .flows
        .iter()
        .filter(|f| f.kind.is_forward() || f.kind == crate::model::FlowKind::Rework)
    {
        let (Some((a, _)), Some((b, _))) =
            (pair_of.get(f.from.as_str()), pair_of.get(f.to.as_str()))
        else {
            continue;
        };
        let found = measured.flows.iter().enumerate().find(|(i, g)| {
            !used.contains(i)
                && g.from == *a
                && g.to == *b
                && (g.kind == crate::model::FlowKind::Rework)
                    == (f.kind == crate::model::FlowKind::Rework)
        });
        let g = found.map(|(i, g)| {
            used.insert(i);
            g
        });
        let wait = |x: &crate::model::Flow, map: &ValueStream| {
            x.wait.map(|w| w.seconds(&map.calendar)).unwrap_or(0.0)
        };
        flows.push(FlowPair {
            drawn: Some(f.key()),
            measured: g.map(|g| g.key()),
            label: format!("{} -> {}", name_of(drawn, &f.from), name_of(drawn, &f.to)),
            figures: vec![
                figure("wait", Some(wait(f, drawn)), g.map(|g| wait(g, measured))),
                figure("p", f.p, g.and_then(|g| g.p)),
            ],
        });
    }
    let flagged = steps
        .iter()
        .flat_map(|s| &s.figures)
        .chain(flows.iter().flat_map(|f| &f.figures))
        .filter(|f| f.flagged)
        .count() as u32;
    Calibration {
        steps,
        flows,
        flagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::Duration;
    use crate::model::{Flow, FlowKind};

    fn map(steps: &[(&str, &str, f64)], flows: &[(&str, &str, f64)]) -> ValueStream {
        let mut m = ValueStream::new("m");
        for (id, name, pt) in steps {
            let mut s = Step::new(*id, *name);
            s.pt = Some(Duration::secs(*pt));
            m.steps.push(s);
        }
        for (a, b, w) in flows {
            let mut f = Flow::new(*a, *b, FlowKind::Push);
            f.wait = Some(Duration::secs(*w));
            m.flows.push(f);
        }
        m
    }

    #[test]
    fn steps_pair_by_name_and_by_hand_and_differences_are_flagged() {
        let drawn = map(
            &[
                ("t", "Train model", 3600.0),
                ("r", "Review", 1800.0),
                ("d", "Deploy", 600.0),
            ],
            &[("t", "r", 7200.0), ("r", "d", 0.0)],
        );
        let measured = map(
            &[
                ("train-model", "train-model", 4000.0),
                ("model-risk-review", "Model risk review", 3000.0),
                ("deploy", "Deploy", 600.0),
                ("x", "Extra", 5.0),
            ],
            &[
                ("train-model", "model-risk-review", 7000.0),
                ("model-risk-review", "deploy", 60.0),
            ],
        );
        let c = calibrate(
            &drawn,
            &measured,
            &[("r".into(), "model-risk-review".into())],
        );
        let by: Vec<(&str, &str)> = c
            .steps
            .iter()
            .map(|s| (s.drawn.as_deref().unwrap_or("-"), s.by.as_str()))
            .collect();
        assert_eq!(by, [("t", "name"), ("r", "hand"), ("d", "name"), ("-", "")]);
        // Train: 4000 against 3600, +11%: not flagged. Review: 3000 against 1800, +67%: flagged.
        assert!(!c.steps[0].figures[0].flagged);
        assert!((c.steps[0].figures[0].change.unwrap() - 4000.0 / 3600.0 + 1.0).abs() < 1e-12);
        assert!(c.steps[1].figures[0].flagged);
        // Flows between paired steps; a drawn zero wait against a measured minute is flagged.
        assert_eq!(c.flows.len(), 2);
        assert_eq!(
            c.flows[0].measured.as_deref(),
            Some("train-model>model-risk-review")
        );
        assert!(!c.flows[0].figures[0].flagged);
        assert!(c.flows[1].figures[0].flagged);
        assert_eq!(c.flows[1].label, "Review -> Deploy");
        // PT and LT (LT falls back to PT) of the review, the second flow's wait.
        assert_eq!(c.flagged, 3);
    }
}
