//! The gate register: every gate of a map with what compliance staff ask of it (the control it
//! checks, who approves, the SLA and whether the gate meets it, its share of the lead time,
//! whether it is on the critical path, its evidence, the gates it is redundant with), the
//! redundancies with the time a merge would save, and the required controls no gate checks.
//! The app's register, `takt gates` and the compliance report all read this.

use crate::analysis::{redundancy_reason, Analysis};
use crate::catalogue;
use crate::model::{Control, Evidence, EvidenceStatus, StepKind, ValueStream};
use serde::Serialize;

/// One gate of the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GateRow {
    pub id: String,
    pub name: String,
    /// The team's name (its id when it has none).
    pub team: Option<String>,
    pub regulation: Option<String>,
    pub control: Option<String>,
    /// The control's title in the document's catalogue, when the catalogue has it.
    pub control_title: Option<String>,
    pub approver: Option<String>,
    pub tier: Option<u32>,
    pub mandatory: bool,
    /// The SLA in seconds of elapsed time.
    pub sla_s: Option<f64>,
    /// Whether the gate's lead time is within its SLA (none without an SLA).
    pub meets_sla: Option<bool>,
    /// The gate's own lead time, seconds.
    pub lt_s: f64,
    /// The expected time an item spends in the gate (its lead time times its expected visits,
    /// rework passes included) as a share of the map's lead time, 0-1.
    pub share: f64,
    pub critical: bool,
    /// The gates it is redundant with (ids).
    pub redundant_with: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// Where the gate stands, for filtering: over its SLA, redundant, evidence missing or
    /// expired, evidence outstanding (not yet all accepted), or in order.
    pub status: GateStatus,
}

/// A gate's standing, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    OverSla,
    EvidenceMissing,
    Redundant,
    EvidenceOutstanding,
    InOrder,
}

impl GateStatus {
    /// The standing in words ("Over SLA").
    pub fn words(self) -> &'static str {
        match self {
            GateStatus::OverSla => "Over SLA",
            GateStatus::EvidenceMissing => "Evidence missing",
            GateStatus::Redundant => "Redundant",
            GateStatus::EvidenceOutstanding => "Evidence outstanding",
            GateStatus::InOrder => "In order",
        }
    }
}

/// Two redundant gates, why, and what merging them would save.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Redundancy {
    pub gates: [String; 2],
    pub reason: String,
    /// The expected time per item merging the two would save: the shorter gate's lead time
    /// times its expected visits (the longer review stays).
    pub saving_s: f64,
}

/// The register of a map.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Register {
    pub gates: Vec<GateRow>,
    pub redundancies: Vec<Redundancy>,
    /// Controls the document's catalogue requires that no gate checks.
    pub uncovered_controls: Vec<Control>,
    /// The map's lead time, seconds (what the shares are of).
    pub lead_time_s: f64,
    pub gate_time_s: f64,
}

/// The register of an analysed map (`a` is `doc`'s analysis).
pub fn register(doc: &ValueStream, a: &Analysis) -> Register {
    let cal = &doc.calendar;
    let cat = catalogue::merged(doc);
    let index: rustc_hash::FxHashMap<&str, usize> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let lt_of = |i: usize| {
        let s = &doc.steps[i];
        s.lt.or(s.pt).map_or(0.0, |d| d.seconds(cal))
    };
    let visits = |i: usize| a.steps.get(i).map_or(0.0, |m| m.visits);
    let mut redundancies = Vec::new();
    let mut partners: rustc_hash::FxHashMap<&str, Vec<String>> = Default::default();
    for [x, y] in &a.redundant_gates {
        let (Some(&i), Some(&j)) = (index.get(x.as_str()), index.get(y.as_str())) else {
            continue;
        };
        let saving = (lt_of(i) * visits(i)).min(lt_of(j) * visits(j));
        redundancies.push(Redundancy {
            gates: [x.clone(), y.clone()],
            reason: redundancy_reason(doc, x, y),
            saving_s: saving,
        });
        partners.entry(x).or_default().push(y.clone());
        partners.entry(y).or_default().push(x.clone());
    }
    let team_name = |id: &str| {
        doc.teams
            .iter()
            .find(|t| t.id == id)
            .map_or(id.to_string(), |t| {
                if t.name.trim().is_empty() {
                    t.id.clone()
                } else {
                    t.name.clone()
                }
            })
    };
    let lead = a.lead_time_s;
    let mut gates = Vec::new();
    for (i, s) in doc.steps.iter().enumerate() {
        if s.kind != StepKind::Gate {
            continue;
        }
        let gd = s.gate.as_deref().cloned().unwrap_or_default();
        let lt = lt_of(i);
        let sla_s = gd.sla.map(|d| d.seconds(cal));
        let redundant_with = partners.remove(s.id.as_str()).unwrap_or_default();
        let meets_sla = sla_s.map(|sla| lt <= sla);
        let control_title =
            catalogue::entry_for(&cat, gd.regulation.as_deref(), gd.control.as_deref())
                .map(|e| e.title.clone())
                .filter(|t| !t.is_empty());
        let status = if meets_sla == Some(false) {
            GateStatus::OverSla
        } else if gd
            .evidence
            .iter()
            .any(|e| matches!(e.status, EvidenceStatus::Missing | EvidenceStatus::Expired))
        {
            GateStatus::EvidenceMissing
        } else if !redundant_with.is_empty() {
            GateStatus::Redundant
        } else if gd
            .evidence
            .iter()
            .any(|e| e.status != EvidenceStatus::Accepted)
        {
            GateStatus::EvidenceOutstanding
        } else {
            GateStatus::InOrder
        };
        gates.push(GateRow {
            id: s.id.clone(),
            name: s.label().to_string(),
            team: s.team.as_deref().map(team_name),
            regulation: gd.regulation,
            control: gd.control,
            control_title,
            approver: gd.approver,
            tier: gd.tier,
            mandatory: gd.mandatory,
            sla_s,
            meets_sla,
            lt_s: lt,
            share: if lead > 0.0 {
                (lt * visits(i) / lead).min(1.0)
            } else {
                0.0
            },
            critical: a.steps.get(i).is_some_and(|m| m.critical),
            redundant_with,
            evidence: gd.evidence,
            status,
        });
    }
    let uncovered_controls = cat
        .into_iter()
        .filter(|c| c.required)
        .filter(|c| {
            !gates
                .iter()
                .any(|g| catalogue::checks(g.regulation.as_deref(), g.control.as_deref(), c))
        })
        .collect();
    Register {
        gates,
        redundancies,
        uncovered_controls,
        lead_time_s: lead,
        gate_time_s: a.gate_time_s,
    }
}

impl Register {
    /// The register as the JSON of `takt gates --json`: `{"gates": [...], "uncovered_controls":
    /// [...], "redundancies": [...]}`, one object per gate in document order.
    pub fn to_json(&self) -> serde_json::Value {
        let gates: Vec<serde_json::Value> = self
            .gates
            .iter()
            .map(|g| {
                serde_json::json!({
                    "id": g.id,
                    "name": g.name,
                    "team": g.team,
                    "regulation": g.regulation,
                    "control": g.control,
                    "control_title": g.control_title,
                    "approver": g.approver,
                    "tier": g.tier,
                    "mandatory": g.mandatory,
                    "sla_s": g.sla_s,
                    "meets_sla": g.meets_sla,
                    "lt_s": g.lt_s,
                    "share": g.share,
                    "critical": g.critical,
                    "redundant_with": g.redundant_with,
                    "status": g.status,
                    "evidence": g.evidence.iter().map(|e| serde_json::json!({
                        "title": e.title,
                        "kind": e.kind,
                        "status": e.status,
                        "owner": e.owner,
                        "due": e.due,
                        "link": e.link,
                        "note": e.note,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "gates": gates,
            "uncovered_controls": self.uncovered_controls,
            "redundancies": self.redundancies,
            "lead_time_s": self.lead_time_s,
            "gate_time_s": self.gate_time_s,
        })
    }
}
