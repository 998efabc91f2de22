//! The compliance report of one scenario: a cover (map, scenario, date, author), the map, the
//! gate register, each gate in detail (control, approver, tier, evidence and statuses, SLA,
//! lead time), redundancies and uncovered controls, on a future state what it removes or
//! changes against the current state with each justification, and the audit trail of the
//! gates. One set of data ([`Compliance`]) written three ways: JSON, HTML and PDF.

use crate::svg::{esc, map_svg};
use serde::Serialize;
use takt_core::compare::MandatoryChange;
use takt_core::gates::{register, Register};
use takt_core::model::{Control, StepKind, ValueStream};
use takt_core::Analysis;
use takt_store::AuditEntry;

/// Everything the report says, with every figure also written for people.
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub title: String,
    pub map: String,
    pub scenario: String,
    /// "current" or "future".
    pub scenario_kind: String,
    /// The document (or map file) it is of.
    pub source: String,
    pub date: String,
    pub author: String,
    pub lead_time: String,
    pub gate_time: String,
    pub gate_share: String,
    pub register: Register,
    /// The register's rows as people read them (times in the map's unit).
    pub rows: Vec<Row>,
    pub redundancies: Vec<Finding>,
    pub uncovered: Vec<Control>,
    /// On a future state: what it does to the current state's mandatory gates.
    pub mandatory: Vec<MandatoryChange>,
    /// The trail of the gates: entries that changed a gate of this scenario.
    pub audit: Vec<AuditLine>,
    /// Whether the trail was available (a document keeps one; a map file does not).
    pub has_audit: bool,
    #[serde(skip)]
    pub svg: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub team: String,
    pub control: String,
    pub control_title: String,
    pub control_source: String,
    pub approver: String,
    pub tier: String,
    pub mandatory: bool,
    pub sla: String,
    pub meets_sla: String,
    pub lt: String,
    pub share: String,
    pub critical: bool,
    pub status: String,
    pub redundant_with: String,
    pub evidence: Vec<EvidenceLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceLine {
    pub title: String,
    pub kind: String,
    pub status: String,
    pub owner: String,
    pub due: String,
    pub link: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub gates: String,
    pub reason: String,
    pub saving: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditLine {
    pub at: String,
    pub author: String,
    pub scenario: String,
    pub text: String,
}

/// What the report of a scenario needs, gathered.
pub struct Input<'a> {
    pub map: &'a ValueStream,
    pub analysis: &'a Analysis,
    pub scenario: String,
    pub future: bool,
    pub source: String,
    pub date: String,
    pub author: String,
    /// Against the current state (a future state only).
    pub mandatory: Vec<MandatoryChange>,
    /// The document's trail (none for a map file).
    pub audit: Option<Vec<AuditEntry>>,
    /// Gates of the current state (a future state's trail may remove them).
    pub other_gates: Vec<String>,
}

impl Compliance {
    pub fn new(i: Input) -> Compliance {
        let (doc, a) = (i.map, i.analysis);
        let (unit, cal) = (doc.unit, &doc.calendar);
        let human = |s: f64| takt_core::format::human(s, unit, cal);
        let r = register(doc, a);
        let catalogue = takt_core::catalogue::merged(doc);
        let names: std::collections::HashMap<&str, &str> = r
            .gates
            .iter()
            .map(|g| (g.id.as_str(), g.name.as_str()))
            .collect();
        let name_of = |id: &str| names.get(id).copied().unwrap_or(id).to_string();
        let rows: Vec<Row> = r
            .gates
            .iter()
            .map(|g| {
                let source = takt_core::catalogue::entry_for(
                    &catalogue,
                    g.regulation.as_deref(),
                    g.control.as_deref(),
                )
                .map(|e| e.source.clone())
                .unwrap_or_default();
                Row {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    team: g.team.clone().unwrap_or_default(),
                    control: [g.regulation.as_deref(), g.control.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                    control_title: g.control_title.clone().unwrap_or_default(),
                    control_source: source,
                    approver: g.approver.clone().unwrap_or_default(),
                    tier: g.tier.map_or(String::new(), |t| t.to_string()),
                    mandatory: g.mandatory,
                    sla: g.sla_s.map_or(String::new(), human),
                    meets_sla: match g.meets_sla {
                        Some(true) => "met".into(),
                        Some(false) => "NOT MET".into(),
                        None => String::new(),
                    },
                    lt: human(g.lt_s),
                    share: takt_core::format::percent(g.share, 1),
                    critical: g.critical,
                    status: g.status.words().into(),
                    redundant_with: g
                        .redundant_with
                        .iter()
                        .map(|id| name_of(id))
                        .collect::<Vec<_>>()
                        .join(", "),
                    evidence: g
                        .evidence
                        .iter()
                        .map(|e| EvidenceLine {
                            title: e.title.clone(),
                            kind: e.kind.words().into(),
                            status: e.status.words().into(),
                            owner: e.owner.clone().unwrap_or_default(),
                            due: e.due.clone().unwrap_or_default(),
                            link: e.link.clone().unwrap_or_default(),
                            note: e.note.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        let redundancies = r
            .redundancies
            .iter()
            .map(|x| Finding {
                gates: format!("{} and {}", name_of(&x.gates[0]), name_of(&x.gates[1])),
                reason: x.reason.clone(),
                saving: human(x.saving_s),
            })
            .collect();
        let gate_ids: std::collections::HashSet<&str> = doc
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Gate)
            .map(|s| s.id.as_str())
            .collect();
        let removed: std::collections::HashSet<&str> = i
            .mandatory
            .iter()
            .map(|m| m.gate.as_str())
            .chain(i.other_gates.iter().map(String::as_str))
            .collect();
        let has_audit = i.audit.is_some();
        let audit = i
            .audit
            .unwrap_or_default()
            .into_iter()
            .flat_map(|e| {
                let at = e.at.as_deref().map_or("before the trail".to_string(), |t| {
                    t.replace('T', " ").trim_end_matches('Z').to_string()
                });
                let who = e.author.clone().unwrap_or_else(|| "unknown".into());
                let prefix = match e.action.as_str() {
                    "undo" => "Undo: ",
                    "redo" => "Redo: ",
                    _ => "",
                };
                e.sentences
                    .into_iter()
                    .filter(|s| {
                        s.key.kind == takt_core::ops::Kind::Step
                            && (gate_ids.contains(s.key.id.as_str())
                                || removed.contains(s.key.id.as_str()))
                            || s.text.contains("justification")
                    })
                    .map(|s| AuditLine {
                        at: at.clone(),
                        author: who.clone(),
                        scenario: e.scenario_name.clone(),
                        text: format!("{prefix}{}", s.text),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        Compliance {
            title: format!("Compliance report: {}", doc.name),
            map: doc.name.clone(),
            scenario: i.scenario,
            scenario_kind: if i.future { "future" } else { "current" }.into(),
            source: i.source,
            date: i.date,
            author: i.author,
            lead_time: human(a.lead_time_s),
            gate_time: human(a.gate_time_s),
            gate_share: takt_core::format::percent(a.gate_share, 1),
            rows,
            redundancies,
            uncovered: r.uncovered_controls.clone(),
            mandatory: i.mandatory,
            audit,
            has_audit,
            svg: map_svg(doc, a),
            register: r,
        }
    }

    /// The report as JSON: the register (as `takt gates --json` gives it), the findings, the
    /// mandatory changes and the audit entries of the gates.
    pub fn to_json(&self) -> String {
        let mut register = self.register.to_json();
        takt_core::format::integral_numbers(&mut register);
        let v = serde_json::json!({
            "report": "compliance",
            "title": self.title,
            "map": self.map,
            "scenario": self.scenario,
            "scenario_kind": self.scenario_kind,
            "source": self.source,
            "date": self.date,
            "author": self.author,
            "gates": register["gates"],
            "redundancies": register["redundancies"],
            "uncovered_controls": register["uncovered_controls"],
            "lead_time_s": register["lead_time_s"],
            "gate_time_s": register["gate_time_s"],
            "mandatory": self.mandatory,
            "audit": self.audit,
        });
        let mut s = serde_json::to_string_pretty(&v).expect("a report serialises");
        s.push('\n');
        s
    }

    /// The report as one HTML file (the map inline as SVG; no script, no outside file).
    pub fn to_html(&self) -> String {
        let mut h = String::new();
        let e = |s: &str| esc(s);
        h.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.push_str(&format!("<title>{}</title>", e(&self.title)));
        h.push_str(
            "<style>body{font:14px/1.45 system-ui,sans-serif;color:#172226;max-width:1100px;margin:2em auto;padding:0 1em}\
             h1{font-size:26px}h2{border-bottom:1px solid #dcdfdc;padding-bottom:4px;margin-top:2em}\
             table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #dcdfdc;padding:4px 6px;text-align:left;vertical-align:top}\
             th{background:#f1f3f2}.bad{color:#b91c1c;font-weight:600}.muted{color:#5b6b70}.map svg{max-width:100%;height:auto;border:1px solid #dcdfdc}\
             .gate{break-inside:avoid;margin:1.2em 0}@media print{h2{break-before:page}}</style></head><body>\n",
        );
        h.push_str(&format!(
            "<header><h1>{}</h1><p>Scenario <strong>{}</strong> ({} state) of <em>{}</em><br>{} · prepared by {} · source {}</p>\
             <p>Lead time {} · gate time {} ({} of the lead time) · {} gates</p></header>\n",
            e(&self.title),
            e(&self.scenario),
            e(&self.scenario_kind),
            e(&self.map),
            e(&self.date),
            e(&self.author),
            e(&self.source),
            e(&self.lead_time),
            e(&self.gate_time),
            e(&self.gate_share),
            self.rows.len()
        ));
        h.push_str(&format!(
            "<h2>The map</h2><div class=\"map\">{}</div>\n",
            self.svg
        ));
        h.push_str("<h2>Gate register</h2><table><thead><tr><th>Gate</th><th>Team</th><th>Regulation · control</th><th>Approver</th><th>Tier</th><th>SLA</th><th>Lead time</th><th>Share</th><th>Critical</th><th>Status</th></tr></thead><tbody>\n");
        for r in &self.rows {
            h.push_str(&format!(
                "<tr><td>{}{}</td><td>{}</td><td>{}<br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td class=\"{}\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e(&r.name),
                if r.mandatory { " <span class=\"muted\">(mandatory)</span>" } else { "" },
                e(&r.team),
                e(&r.control),
                e(&r.control_title),
                e(&r.approver),
                e(&r.tier),
                if r.meets_sla == "NOT MET" { "bad" } else { "" },
                e(&r.sla),
                if r.meets_sla.is_empty() { String::new() } else { format!(" ({})", e(&r.meets_sla)) },
                e(&r.lt),
                e(&r.share),
                if r.critical { "yes" } else { "" },
                e(&r.status)
            ));
        }
        h.push_str("</tbody></table>\n<h2>Gates in detail</h2>\n");
        for r in &self.rows {
            h.push_str(&format!(
                "<section class=\"gate\"><h3>{}</h3><p>Checks <strong>{}</strong> {}{} · approver {} · tier {} · SLA {} · lead time {}{}</p>",
                e(&r.name),
                e(&r.control),
                e(&r.control_title),
                if r.control_source.is_empty() { String::new() } else { format!(" <span class=\"muted\">({})</span>", e(&r.control_source)) },
                e(if r.approver.is_empty() { "none named" } else { &r.approver }),
                e(if r.tier.is_empty() { "—" } else { &r.tier }),
                e(if r.sla.is_empty() { "none" } else { &r.sla }),
                e(&r.lt),
                if r.redundant_with.is_empty() { String::new() } else { format!(" · redundant with {}", e(&r.redundant_with)) },
            ));
            if r.evidence.is_empty() {
                h.push_str("<p class=\"muted\">No evidence listed.</p>");
            } else {
                h.push_str("<table><thead><tr><th>Evidence</th><th>Kind</th><th>Status</th><th>Owner</th><th>Due</th><th>Link</th><th>Note</th></tr></thead><tbody>");
                for x in &r.evidence {
                    h.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        e(&x.title),
                        e(&x.kind),
                        if x.status == "missing" || x.status == "expired" { "bad" } else { "" },
                        e(&x.status),
                        e(&x.owner),
                        e(&x.due),
                        e(&x.link),
                        e(&x.note)
                    ));
                }
                h.push_str("</tbody></table>");
            }
            h.push_str("</section>\n");
        }
        h.push_str("<h2>Findings</h2>");
        if self.redundancies.is_empty() && self.uncovered.is_empty() {
            h.push_str("<p>No redundant gates; every required control is checked.</p>");
        }
        if !self.redundancies.is_empty() {
            h.push_str("<h3>Redundant gates</h3><ul>");
            for f in &self.redundancies {
                h.push_str(&format!(
                    "<li><strong>{}</strong> {}: a merge saves up to {} per item</li>",
                    e(&f.gates),
                    e(&f.reason),
                    e(&f.saving)
                ));
            }
            h.push_str("</ul>");
        }
        if !self.uncovered.is_empty() {
            h.push_str("<h3>Required controls no gate checks</h3><ul>");
            for c in &self.uncovered {
                h.push_str(&format!(
                    "<li class=\"bad\">{} {} {}<br><span class=\"muted\">{}</span></li>",
                    e(&c.regulation),
                    e(&c.control),
                    e(&c.title),
                    e(&c.source)
                ));
            }
            h.push_str("</ul>");
        }
        if self.scenario_kind == "future" {
            h.push_str("<h2>Against the current state</h2>");
            if self.mandatory.is_empty() {
                h.push_str("<p>This future state keeps every mandatory gate of the current state as it is.</p>");
            } else {
                h.push_str("<table><thead><tr><th>Mandatory gate</th><th>Change</th><th>Justification</th></tr></thead><tbody>");
                for m in &self.mandatory {
                    let j = m.justification.as_ref().map_or_else(
                        || {
                            if m.change.needs_justification() {
                                "<span class=\"bad\">none recorded</span>".to_string()
                            } else {
                                String::new()
                            }
                        },
                        |j| {
                            format!(
                                "{} <span class=\"muted\">({}, {})</span>",
                                e(&j.text),
                                e(if j.author.is_empty() {
                                    "unknown"
                                } else {
                                    &j.author
                                }),
                                e(j.date.as_deref().unwrap_or("no date"))
                            )
                        },
                    );
                    h.push_str(&format!(
                        "<tr><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                        e(&m.name),
                        m.change.words(),
                        if m.fields.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", e(&m.fields.join(", ")))
                        },
                        j
                    ));
                }
                h.push_str("</tbody></table>");
            }
        }
        h.push_str("<h2>Audit trail of the gates</h2>");
        if !self.has_audit {
            h.push_str(
                "<p class=\"muted\">A map file keeps no audit trail; a Takt document does.</p>",
            );
        } else if self.audit.is_empty() {
            h.push_str("<p>No edit of the gates has been recorded.</p>");
        } else {
            h.push_str("<table><thead><tr><th>When (UTC)</th><th>Who</th><th>Scenario</th><th>What</th></tr></thead><tbody>");
            for l in &self.audit {
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    e(&l.at),
                    e(&l.author),
                    e(&l.scenario),
                    e(&l.text)
                ));
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("\n</body></html>\n");
        h
    }
}
