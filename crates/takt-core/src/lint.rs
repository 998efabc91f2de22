//! Warnings: things a map may legally contain but a practitioner should look at. Lints of
//! standard work (names, teams, estimates, gates) and warnings from the analysis (takt, Little's
//! law, redundant gates, unused data).

use crate::analysis::{Analysis, Warning};
use crate::format::human;
use crate::model::*;
use crate::validate::{Element, Graph};

pub(crate) fn warnings(g: &Graph, a: &Analysis) -> Vec<Warning> {
    let doc = g.doc;
    let mut w = Vec::new();
    let step = |id: &str| Some(Element::Step(id.to_string()));

    // Steps by name, ignoring case and surrounding blanks, without building lower-case copies.
    let fold = |name: &str| {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        let name = name.trim();
        if name.is_ascii() {
            for b in name.bytes() {
                h.write_u8(b.to_ascii_lowercase());
            }
        } else {
            for c in name.chars().flat_map(char::to_lowercase) {
                h.write_u32(c as u32);
            }
        }
        h.finish()
    };
    let same = |a: &str, b: &str| {
        let (a, b) = (a.trim(), b.trim());
        if a.is_ascii() && b.is_ascii() {
            a.eq_ignore_ascii_case(b)
        } else {
            a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase))
        }
    };
    // First step with each folded name; groups of the names seen again.
    let mut first: rustc_hash::FxHashMap<u64, usize> = Default::default();
    first.reserve(doc.steps.len());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_first: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for (i, s) in doc.steps.iter().enumerate() {
        if s.name.trim().is_empty() {
            w.push(Warning {
                code: "missing_name",
                element: step(&s.id),
                message: format!("step '{}' has no name", s.id),
            });
        } else {
            let h = fold(&s.name);
            match first.get(&h) {
                Some(&f) if same(&doc.steps[f].name, &s.name) => {
                    let g = *group_of_first.entry(f).or_insert_with(|| {
                        groups.push(vec![f]);
                        groups.len() - 1
                    });
                    groups[g].push(i);
                }
                Some(_) => {} // a hash collision between different names: not a duplicate
                None => {
                    first.insert(h, i);
                }
            }
        }
        let works = matches!(s.kind, StepKind::Process | StepKind::Gate);
        if works && s.team.is_none() {
            w.push(Warning {
                code: "no_team",
                element: step(&s.id),
                message: format!(
                    "step '{}' has no team, so its handoffs cannot be seen",
                    s.label()
                ),
            });
        }
        let estimated: Vec<&str> = s
            .provenance
            .iter()
            .filter(|(_, p)| **p == Provenance::Estimated)
            .map(|(f, _)| f.as_str())
            .collect();
        if !estimated.is_empty() {
            w.push(Warning {
                code: "estimate",
                element: step(&s.id),
                message: format!(
                    "step '{}': {} only estimated, not measured",
                    s.label(),
                    estimated.join(", ")
                ),
            });
        }
        match (s.kind, &s.gate) {
            (StepKind::Gate, gd) => {
                let has = |o: Option<&Option<String>>| {
                    o.and_then(|v| v.as_deref())
                        .is_some_and(|v| !v.trim().is_empty())
                };
                if !has(gd.as_ref().map(|g| &g.regulation)) && !has(gd.as_ref().map(|g| &g.control))
                {
                    w.push(Warning {
                        code: "gate_without_control",
                        element: step(&s.id),
                        message: format!(
                            "gate '{}' names no regulation or control; what does it check?",
                            s.label()
                        ),
                    });
                }
            }
            (_, Some(_)) => w.push(Warning {
                code: "gate_details_on_step",
                element: step(&s.id),
                message: format!(
                    "step '{}' carries gate details but is not a gate; they are ignored",
                    s.label()
                ),
            }),
            _ => {}
        }
        if s.kind.is_endpoint() && (s.pt.is_some() || s.lt.is_some()) {
            w.push(Warning {
                code: "endpoint_times",
                element: step(&s.id),
                message: format!(
                    "{} '{}' has times of its own; suppliers and customers stand outside the stream and their times are not counted",
                    if s.kind == StepKind::Supplier { "supplier" } else { "customer" },
                    s.label()
                ),
            });
        }
    }
    for group in &groups {
        let ids: Vec<&str> = group.iter().map(|&k| doc.steps[k].id.as_str()).collect();
        let s = doc.steps[group[0]].name.trim();
        w.push(Warning {
            code: "duplicate_name",
            element: step(ids[1]),
            message: format!(
                "steps {} share the name '{}'",
                ids.iter()
                    .map(|i| format!("'{i}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                s
            ),
        });
    }

    if doc.demand.is_none() && doc.flows.iter().any(|f| f.wip.is_some()) {
        w.push(Warning {
            code: "wip_without_demand",
            element: Some(Element::Map),
            message: "flows count WIP but the map has no demand, so the WIP cannot be turned into waiting time".into(),
        });
    }
    if let Some(t) = a.takt_s {
        let unit = doc.unit;
        for sm in a.steps.iter().filter(|s| s.ect_s > t) {
            w.push(Warning {
                code: "over_takt",
                element: step(&sm.id),
                message: format!(
                    "step '{}' needs {} of work per item, more than the takt of {}",
                    doc.step(&sm.id).map_or(sm.id.as_str(), |s| s.label()),
                    human(sm.ect_s, unit, &doc.calendar),
                    human(t, unit, &doc.calendar)
                ),
            });
        }
    }
    if let Some(l) = &a.littles_law {
        if !l.consistent {
            w.push(Warning {
                code: "littles_law",
                element: Some(Element::Map),
                message: format!(
                    "Little's law: {:.1} items are waiting, but throughput x lead time gives {:.1} ({:.0}% apart); the WIP counts or the times are off",
                    l.wip,
                    l.expected_wip,
                    l.deviation * 100.0
                ),
            });
        }
    }
    for [x, y] in &a.redundant_gates {
        w.push(Warning {
            code: "redundant_gate",
            element: step(y),
            message: format!("gates '{x}' and '{y}' are on one path and check the same control: a redundancy candidate"),
        });
    }
    for id in crate::lineage::unconsumed(doc) {
        w.push(Warning {
            code: "unconsumed_asset",
            element: Some(Element::Asset(id.clone())),
            message: format!(
                "data asset '{id}' is produced but nothing consumes it: a waste candidate"
            ),
        });
    }
    let _ = g;
    w
}
