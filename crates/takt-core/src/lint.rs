//! Warnings: things a map may legally contain but a practitioner should look at. Lints of
//! standard work (names, teams, estimates, gates) and warnings from the analysis (takt, Little's
//! law, redundant gates, unused data).

use crate::analysis::{Analysis, Warning};
use crate::format::human_working;
use crate::model::*;
use crate::validate::{Element, Graph};

/// Lint facts about a step, gathered while the graph is built (one walk over the steps).
pub(crate) const MISSING_NAME: u8 = 1;
pub(crate) const NO_TEAM: u8 = 2;
pub(crate) const ESTIMATED: u8 = 4;
pub(crate) const GATE_WITHOUT_CONTROL: u8 = 8;
pub(crate) const GATE_DETAILS_ON_STEP: u8 = 16;
pub(crate) const ENDPOINT_TIMES: u8 = 32;
pub(crate) const CHANGEOVER_UNAMORTISED: u8 = 64;

/// What the lints look for in a step, as flags; `blank_name` when its name is blank (the
/// caller has read the name already).
pub(crate) fn step_flags(s: &Step, blank_name: bool, demand: bool) -> u8 {
    let mut f = 0;
    if blank_name {
        f |= MISSING_NAME;
    }
    if matches!(s.kind, StepKind::Process | StepKind::Gate) && s.team.is_none() {
        f |= NO_TEAM;
    }
    if s.provenance.values().any(|p| *p == Provenance::Estimated) {
        f |= ESTIMATED;
    }
    let named = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    match (s.kind, &s.gate) {
        (StepKind::Gate, Some(gd)) if named(&gd.regulation) || named(&gd.control) => {}
        (StepKind::Gate, _) => f |= GATE_WITHOUT_CONTROL,
        (_, Some(_)) => f |= GATE_DETAILS_ON_STEP,
        _ => {}
    }
    if s.kind.is_endpoint() && (s.pt.is_some() || s.lt.is_some()) {
        f |= ENDPOINT_TIMES;
    }
    // A changeover with nothing to share it among is not charged (see
    // `validate::changeover_per_item`).
    if !s.kind.is_endpoint()
        && s.changeover.is_some()
        && s.batch.is_none()
        && !(s.epe.is_some() && demand)
    {
        f |= CHANGEOVER_UNAMORTISED;
    }
    f
}

/// A hash of a name that ignores case and surrounding blanks, without building a lower-case
/// copy on the heap: ASCII names (the usual case) are folded in a stack buffer and hashed a
/// word at a time.
pub(crate) fn fold_name(name: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let name = name.trim();
    let mut h = name.len() as u64;
    if name.is_ascii() {
        for chunk in name.as_bytes().chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            w.make_ascii_lowercase();
            h = mix(h, u64::from_le_bytes(w));
        }
    } else {
        for c in name.chars().flat_map(char::to_lowercase) {
            h = mix(h, c as u64);
        }
    }
    h
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

pub(crate) fn warnings(g: &Graph, a: &Analysis, groups: &[Vec<usize>]) -> Vec<Warning> {
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

    if let Some(&first) = a.disconnected.first() {
        let names: Vec<String> = a
            .disconnected
            .iter()
            .take(3)
            .map(|&i| format!("'{}'", doc.steps[i as usize].label()))
            .collect();
        let more = a.disconnected.len().saturating_sub(names.len());
        w.push(Warning {
            code: "disconnected",
            element: step(&doc.steps[first as usize].id),
            message: format!(
                "the map is in pieces: {}{} {} not joined by flows to the steps that set the lead time, so {} not counted in it",
                names.join(", "),
                match more {
                    0 => String::new(),
                    1 => " and 1 more step".into(),
                    k => format!(" and {k} more steps"),
                },
                if a.disconnected.len() == 1 { "is" } else { "are" },
                if a.disconnected.len() == 1 { "it is" } else { "they are" },
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
        // The analysis listed them; their positions from the index (not a pass over every
        // step's metrics).
        for id in &a.over_takt {
            let Some(i) = g.step_index.get(id) else {
                continue;
            };
            let (s, sm) = (&doc.steps[i as usize], &a.steps[i as usize]);
            w.push(Warning {
                code: "over_takt",
                element: step(&s.id),
                message: format!(
                    "step '{}' needs {} of work per item, more than the takt of {}",
                    s.label(),
                    human_working(sm.ect_s, unit, &doc.calendar),
                    human_working(t, unit, &doc.calendar)
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
        let name = |id: &str| {
            g.step_index.get(id).map_or(id.to_string(), |i| {
                doc.steps[i as usize].label().to_string()
            })
        };
        w.push(Warning {
            code: "redundant_gate",
            element: step(y),
            message: format!(
                "gates '{}' and '{}' are on one path and check the same control: a redundancy candidate",
                name(x),
                name(y)
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
    let _ = g;
    w
}
