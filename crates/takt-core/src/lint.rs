//! Lints: things a map may legally contain but a practitioner should look at, found in the map
//! and its compiled graph (names, teams, estimates, gates, changeovers, WIP without demand,
//! unused data). The warnings that need the analysis (takt, Little's law, redundant gates, a map
//! in pieces) are the analysis's own (`analysis::analysis_warnings`).

use crate::figures::{human, human_working};
use crate::graph::*;
use crate::model::*;
use serde::Serialize;

/// Something a map may legally contain but a practitioner should look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Warning {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Element>,
    pub message: String,
}

fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
    }
}

/// Groups of steps that share a name (ignoring case and blanks), by the folded-name hashes the
/// graph recorded; each group in document order.
pub(crate) fn duplicate_names(g: &Graph) -> Vec<Vec<usize>> {
    let doc = g.doc;
    let mut first: rustc_hash::FxHashMap<u64, usize> = Default::default();
    first.reserve(doc.steps.len());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_first: rustc_hash::FxHashMap<usize, usize> = Default::default();
    for (i, info) in g.info.iter().enumerate() {
        if info.lint & MISSING_NAME != 0 {
            continue;
        }
        match first.get(&g.name_hash[i]) {
            Some(&f) if same_name(&doc.steps[f].name, &doc.steps[i].name) => {
                let k = *group_of_first.entry(f).or_insert_with(|| {
                    groups.push(vec![f]);
                    groups.len() - 1
                });
                groups[k].push(i);
            }
            Some(_) => {} // a hash collision between different names: not a duplicate
            None => {
                first.insert(g.name_hash[i], i);
            }
        }
    }
    groups
}

pub(crate) fn warnings(g: &Graph, groups: &[Vec<usize>]) -> Vec<Warning> {
    let doc = g.doc;
    let mut w = Vec::new();
    let step = |id: &str| Some(Element::Step(id.to_string()));

    for &i in &g.linted {
        let i = i as usize;
        let info = &g.info[i];
        let s = &doc.steps[i];
        let mut warn = |code: &'static str, message: String| {
            w.push(Warning {
                code,
                element: step(&s.id),
                message,
            })
        };
        if info.lint & MISSING_NAME != 0 {
            warn("missing_name", format!("step '{}' has no name", s.id));
        }
        if info.lint & NO_TEAM != 0 {
            warn(
                "no_team",
                format!(
                    "step '{}' has no team, so its handoffs cannot be seen",
                    s.label()
                ),
            );
        }
        if info.lint & ESTIMATED != 0 {
            let estimated: Vec<&str> = s
                .provenance
                .iter()
                .filter(|(_, p)| **p == Provenance::Estimated)
                .map(|(f, _)| f.as_str())
                .collect();
            warn(
                "estimate",
                format!(
                    "step '{}': {} only estimated, not measured",
                    s.label(),
                    estimated.join(", ")
                ),
            );
        }
        if info.lint & GATE_WITHOUT_CONTROL != 0 {
            warn(
                "gate_without_control",
                format!(
                    "gate '{}' names no regulation or control; what does it check?",
                    s.label()
                ),
            );
        }
        if info.lint & GATE_DETAILS_ON_STEP != 0 {
            warn(
                "gate_details_on_step",
                format!(
                    "step '{}' carries gate details but is not a gate; they are ignored",
                    s.label()
                ),
            );
        }
        if info.lint & CHANGEOVER_UNAMORTISED != 0 {
            let c = s.changeover.map_or_else(String::new, |c| {
                human_working(c.seconds(&g.calendar), None, &g.calendar)
            });
            warn(
                "changeover_unamortised",
                match s.epe {
                    Some(e) => format!(
                        "step '{}' has a changeover of {c} and an EPE of {e}, but the map has no demand to share it among; it is not counted in its cycle time",
                        s.label()
                    ),
                    None => format!(
                        "step '{}' has a changeover of {c} but no batch size or EPE; it is not counted in its cycle time",
                        s.label()
                    ),
                },
            );
        }
        if info.lint & ENDPOINT_TIMES != 0 {
            warn(
                "endpoint_times",
                format!(
                    "{} '{}' has times of its own; suppliers and customers stand outside the stream and their times are not counted",
                    if s.kind == StepKind::Supplier { "supplier" } else { "customer" },
                    s.label()
                ),
            );
        }
    }
    for group in groups {
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
    // Queues over their WIP limit: their items, counted or by Little's law from their wait.
    let cal = &doc.calendar;
    let per_item = doc.demand.map(|d| d.per.seconds(cal) / d.items);
    for f in &doc.flows {
        let Some(limit) = f.limit else { continue };
        let items = f
            .wip
            .or_else(|| Some(f.wait?.seconds(cal) / per_item.filter(|s| *s > 0.0)?));
        let Some(n) = items.filter(|&n| n > limit + 1e-9) else {
            continue;
        };
        let name = |id: &str| {
            doc.step(id)
                .map_or(id.to_string(), |s| s.label().to_string())
        };
        w.push(Warning {
            code: "over_wip_limit",
            element: Some(Element::Flow(f.key())),
            message: format!(
                "the queue from '{}' to '{}' holds {} items, over its limit of {}",
                name(&f.from),
                name(&f.to),
                crate::figures::figure(n),
                crate::figures::figure(limit)
            ),
        });
    }
    for &k in &g.unconsumed {
        let id = &doc.assets[k as usize].id;
        w.push(Warning {
            code: "unconsumed_asset",
            element: Some(Element::Asset(id.clone())),
            message: format!(
                "data asset '{id}' is produced but nothing consumes it: a waste candidate"
            ),
        });
    }
    gate_warnings(g, &mut w);
    w
}

/// Gates over their SLA, and required controls no gate checks (coverage).
fn gate_warnings(g: &Graph, w: &mut Vec<Warning>) {
    let doc = g.doc;
    let cal = &doc.calendar;
    let mut gates = Vec::new();
    for (i, _) in g.info.iter().enumerate().filter(|(_, s)| s.gate) {
        let s = &doc.steps[i];
        gates.push(s);
        let Some(sla) = s.gate.as_ref().and_then(|gd| gd.sla) else {
            continue;
        };
        let lt = g.lt[i];
        let sla = sla.seconds(cal);
        if lt > sla {
            w.push(Warning {
                code: "gate_over_sla",
                element: Some(Element::Step(s.id.clone())),
                message: format!(
                    "gate '{}' takes {}, over its SLA of {}",
                    s.label(),
                    human(lt, doc.unit, cal),
                    human(sla, doc.unit, cal)
                ),
            });
        }
    }
    if doc.catalogue.iter().any(|c| c.required) {
        for c in crate::catalogue::required(doc) {
            let checked = gates.iter().any(|s| {
                s.gate.as_deref().is_some_and(|gd| {
                    crate::catalogue::checks(gd.regulation.as_deref(), gd.control.as_deref(), &c)
                })
            });
            if !checked {
                w.push(Warning {
                    code: "uncovered_control",
                    element: Some(Element::Map),
                    message: format!(
                        "no gate checks {}, which the catalogue marks as required",
                        c.named()
                    ),
                });
            }
        }
    }
}
