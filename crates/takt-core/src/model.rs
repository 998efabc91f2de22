//! The value-stream document: records keyed by stable ids.
//!
//! These types are also the interchange format (see [`crate::format`]): field names are the ones a
//! person writes by hand, defaults are omitted on output, and unknown fields are refused so that a
//! typo is reported instead of silently ignored.

use crate::duration::{Calendar, Duration, Unit};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The interchange format version this program reads and writes.
pub const VERSION: u32 = 4;

/// The oldest interchange format version this program still reads: version 1 wrote a gate's
/// evidence as plain strings, read as titles with the status "missing".
pub const OLDEST_VERSION: u32 = 1;

/// A calendar date written YYYY-MM-DD.
pub fn is_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// A calendar date written as YYYY-MM-DD (a kaizen item's due date, a snapshot's date), by
/// chrono: the day exists in its month and year (2028-02-29, not 2027-02-29).
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The map's own fields (everything but its collections), declared once. They make both the
/// head of [`ValueStream`] and [`Meta`], the record an edit of the map's fields carries, with
/// [`ValueStream::meta`] and [`ValueStream::set_meta`] between them; the edit operations, the
/// schema and the page's mirror take them from there.
macro_rules! map_with_fields {
    ($( $(#[doc = $doc:literal])* #[serde($($serde:tt)*)] $name:ident : $ty:ty, )*) => {
        /// A whole value stream: one scenario of a map.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(deny_unknown_fields)]
        pub struct ValueStream {
            /// Always "takt".
            pub format: String,
            /// Interchange format version; this program writes version 2 and reads 1 and 2.
            pub version: u32,
            $( $(#[doc = $doc])* #[serde($($serde)*)] pub $name: $ty, )*
            /// The scenario of a document this map was exported from ("Current state",
            /// "Future A"): said in an exported file, not kept in a document (its scenarios
            /// have names of their own).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub scenario: Option<String>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub teams: Vec<Team>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub steps: Vec<Step>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub flows: Vec<Flow>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub assets: Vec<DataAsset>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub lineage: Vec<LineageEdge>,
            /// Which steps read and write which data assets.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub links: Vec<AssetLink>,
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub kaizen: Vec<Kaizen>,
            /// The parking lot: sticky notes a workshop leaves on the canvas (questions, ideas
            /// for later). Kept with the map, in no figure.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub notes: Vec<Note>,
        }

        /// The map's own fields: everything but its collections (the record an edit of them
        /// carries).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(deny_unknown_fields)]
        pub struct Meta {
            $( $(#[doc = $doc])* #[serde($($serde)*)] pub $name: $ty, )*
        }

        impl ValueStream {
            /// The map's own fields.
            pub fn meta(&self) -> Meta {
                Meta { $( $name: self.$name.clone(), )* }
            }
            /// Sets the map's own fields.
            pub fn set_meta(&mut self, m: Meta) {
                $( self.$name = m.$name; )*
            }
        }
    };
}

map_with_fields! {
    #[serde()]
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Calendar::is_default")]
    calendar: Calendar,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    demand: Option<Demand>,
    /// The unit the map's times are shown in (the core always computes in seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<Unit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    simulation: Option<SimulationSettings>,
    /// The document's own regulation catalogue: controls added to the one Takt ships, or shipped
    /// ones given the document's own wording or marked as required.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    catalogue: Vec<Control>,
    /// Why a future state removes or bypasses a mandatory gate of the current state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    justifications: Vec<Justification>,
}

impl ValueStream {
    pub fn new(name: impl Into<String>) -> Self {
        ValueStream {
            format: "takt".into(),
            version: VERSION,
            name: name.into(),
            scenario: None,
            description: String::new(),
            calendar: Calendar::default(),
            demand: None,
            unit: None,
            simulation: None,
            catalogue: vec![],
            justifications: vec![],
            teams: vec![],
            steps: vec![],
            flows: vec![],
            assets: vec![],
            lineage: vec![],
            links: vec![],
            kaizen: vec![],
            notes: vec![],
        }
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }
    pub fn flow(&self, key: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.key() == key)
    }
}

/// Customer demand: `items` per period `per` (a unit such as "w", or a duration such as "13w").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Demand {
    pub items: f64,
    #[serde(with = "period")]
    #[cfg_attr(feature = "specta", specta(type = Duration))]
    #[schemars(schema_with = "crate::duration::period_schema")]
    pub per: Duration,
}

/// `per` is written as a bare unit ("d") when it is one of that unit.
mod period {
    use crate::duration::{Duration, Unit};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        if d.value == 1.0 {
            s.serialize_str(d.unit.symbol())
        } else {
            serde::Serialize::serialize(d, s)
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Duration::secs(n)),
            Raw::S(s) => match s.parse::<Unit>() {
                Ok(unit) => Ok(Duration::new(1.0, unit)),
                Err(_) => s.parse().map_err(serde::de::Error::custom),
            },
        }
    }
}

/// How the Monte Carlo samples ranges.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    #[serde(default)]
    pub distribution: Distribution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    #[default]
    Triangular,
    Pert,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    #[default]
    Process,
    /// Approves or blocks: regulatory, risk, security or plain approval.
    Gate,
    /// Where work or data comes from; its own times are outside the stream.
    Supplier,
    /// Who the stream serves; its own times are outside the stream.
    Customer,
}

impl StepKind {
    pub fn is_endpoint(self) -> bool {
        matches!(self, StepKind::Supplier | StepKind::Customer)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ValueClass {
    /// Value-adding: the customer would pay for it.
    Va,
    /// Business-necessary but not value-adding (a legal gate, say).
    Bnva,
    /// Pure waste.
    Nva,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Automation {
    Manual,
    Automated,
    Hybrid,
}

/// The eight wastes (DOWNTIME).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Waste {
    Defects,
    Overproduction,
    Waiting,
    NonUtilisedTalent,
    Transportation,
    Inventory,
    Motion,
    ExtraProcessing,
}

impl Waste {
    pub const ALL: [Waste; 8] = [
        Waste::Defects,
        Waste::Overproduction,
        Waste::Waiting,
        Waste::NonUtilisedTalent,
        Waste::Transportation,
        Waste::Inventory,
        Waste::Motion,
        Waste::ExtraProcessing,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Waste::Defects => "defects",
            Waste::Overproduction => "overproduction",
            Waste::Waiting => "waiting",
            Waste::NonUtilisedTalent => "non_utilised_talent",
            Waste::Transportation => "transportation",
            Waste::Inventory => "inventory",
            Waste::Motion => "motion",
            Waste::ExtraProcessing => "extra_processing",
        }
    }
}

/// A waste tag: the category alone ("waiting"), or with the share of the step's non-value time it
/// explains (`{"kind": "waiting", "share": 0.6}`). Untagged shares split what is left equally.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum WasteTag {
    Plain(Waste),
    Share { kind: Waste, share: f64 },
}

impl WasteTag {
    pub fn kind(&self) -> Waste {
        match self {
            WasteTag::Plain(w) | WasteTag::Share { kind: w, .. } => *w,
        }
    }
    pub fn share(&self) -> Option<f64> {
        match self {
            WasteTag::Plain(_) => None,
            WasteTag::Share { share, .. } => Some(*share),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// All outgoing item flows run in parallel (the default).
    And,
    /// Each item takes one outgoing flow, chosen with the flows' probabilities `p`.
    Xor,
}

/// Where a number came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// From an event log or a time study.
    Measured,
    /// A workshop guess.
    Estimated,
}

/// Minimum, most likely and maximum, for the Monte Carlo. `likely` defaults to the point value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likely: Option<Duration>,
    pub max: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct GateDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulation: Option<String>,
    /// The article of the regulation, or the control id, this gate checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// Approval tier (1 = the lowest authority that may approve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Duration>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mandatory: bool,
}

/// What an evidence item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    #[default]
    Document,
    TestReport,
    SignOff,
    LogExtract,
    DatasetCard,
    ModelCard,
}

/// Where an evidence item stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    Default,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    #[default]
    Missing,
    Requested,
    Provided,
    Accepted,
    Expired,
}

impl EvidenceKind {
    /// The kind in words ("test report").
    pub fn words(self) -> &'static str {
        match self {
            EvidenceKind::Document => "document",
            EvidenceKind::TestReport => "test report",
            EvidenceKind::SignOff => "sign off",
            EvidenceKind::LogExtract => "log extract",
            EvidenceKind::DatasetCard => "dataset card",
            EvidenceKind::ModelCard => "model card",
        }
    }
}

impl EvidenceStatus {
    /// The status in words ("missing").
    pub fn words(self) -> &'static str {
        match self {
            EvidenceStatus::Missing => "missing",
            EvidenceStatus::Requested => "requested",
            EvidenceStatus::Provided => "provided",
            EvidenceStatus::Accepted => "accepted",
            EvidenceStatus::Expired => "expired",
        }
    }
}

/// One item of evidence a gate needs: a record, not a string. Version 1 files wrote a title
/// alone ("Validation report"); it reads as an item of that title with the status "missing".
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub title: String,
    #[serde(default)]
    pub kind: EvidenceKind,
    #[serde(default)]
    pub status: EvidenceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Due date, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Where the item is: a URL or a path (shown; opened only by the user's click).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The record form of [`Evidence`], read field by field (so that an unknown status is named).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceRecord {
    title: String,
    #[serde(default)]
    kind: EvidenceKind,
    #[serde(default)]
    status: EvidenceStatus,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    note: String,
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Evidence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an evidence item: a record with a title, or a title alone")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Evidence, E> {
                Ok(Evidence {
                    title: v.to_string(),
                    ..Evidence::default()
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Evidence, A::Error> {
                let r =
                    EvidenceRecord::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Evidence {
                    title: r.title,
                    kind: r.kind,
                    status: r.status,
                    owner: r.owner,
                    due: r.due,
                    link: r.link,
                    note: r.note,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// An entry of a regulation catalogue: a control (an article, a section, a control group) a
/// gate can check, with where it was transcribed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The regulation or framework, as gates name it ("EU AI Act", "SR 11-7").
    pub regulation: String,
    /// The article, section or control id ("Art. 14", "GOVERN 1").
    pub control: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// A group of controls within the regulation ("Govern", "Annex A").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The source document and the place in it ("Regulation (EU) 2024/1689, Article 14").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// When the entry was transcribed from its source, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcribed: Option<String>,
    /// Some gate must check this control (coverage): a future state that drops the only gate
    /// for it is flagged.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

impl Control {
    /// The control as people name it: "EU AI Act Art. 14 (Human oversight)".
    pub fn named(&self) -> String {
        let mut s = format!("{} {}", self.regulation.trim(), self.control.trim());
        if !self.title.trim().is_empty() {
            s.push_str(&format!(" ({})", self.title.trim()));
        }
        s
    }
}

/// Why a future state removes or bypasses a mandatory gate of the current state: recorded
/// with its author and date, or the edit is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Justification {
    /// The id of the gate (a step of the current state).
    pub gate: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// A step of the stream: a process box, a gate, a supplier or a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "is_default_kind")]
    pub kind: StepKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Process (touch) time for one item. Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pt: Option<Duration>,
    /// Lead time at the step, from arriving to leaving. Default: the process time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<Duration>,
    /// Percent complete and accurate, 0-100. Default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pca: Option<f64>,
    /// People or machines working in parallel. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<f64>,
    /// Availability, percent of scheduled time the step can work. Default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime: Option<f64>,
    /// Time lost switching between item types: charged once per batch with a batch size, once
    /// per EPE interval with an EPE (and demand), and not at all (with a warning) with neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeover: Option<Duration>,
    /// Items handled together (the changeover is charged once per batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<f64>,
    /// Every part every: the interval in which the step cycles through all its item types
    /// ("2w"). With demand, the changeover is charged once per interval: shared by the items
    /// demanded in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epe: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<Automation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waste: Vec<WasteTag>,
    /// How outgoing item flows are taken: all in parallel (and, the default) or one of them (xor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<Split>,
    // Gate details and ranges are boxed: most steps have none, and a small step record keeps
    // the analysis (which walks every step on every edit) in cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Box<GateDetails>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pt_range: Option<Box<Range>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt_range: Option<Box<Range>>,
    /// Where each number came from, by field name ("pt", "lt", "pca", ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Provenance>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// A time study: the process time of each item observed (the app's stopwatch, one lap an
    /// item). With samples, the process time is their median and its range their minimum and
    /// maximum, marked measured (the stopwatch writes all of it in one edit a sample).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Duration>,
    /// Standard work: the items a step's work is checked against, each done or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<CheckItem>,
    /// Position on the canvas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

/// One item of a step's standard-work checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CheckItem {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
}

fn is_default_kind(k: &StepKind) -> bool {
    *k == StepKind::Process
}

impl Step {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Step {
            id: id.into(),
            name: name.into(),
            kind: StepKind::Process,
            team: None,
            pt: None,
            lt: None,
            pca: None,
            servers: None,
            uptime: None,
            changeover: None,
            batch: None,
            epe: None,
            value: None,
            automation: None,
            waste: vec![],
            split: None,
            gate: None,
            pt_range: None,
            lt_range: None,
            provenance: BTreeMap::new(),
            notes: String::new(),
            samples: vec![],
            checklist: vec![],
            x: None,
            y: None,
        }
    }
    pub fn is_xor(&self) -> bool {
        self.split == Some(Split::Xor)
    }
    /// The name, or the id where the name is empty.
    pub fn label(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    #[default]
    Push,
    /// Pull through a kanban or supermarket.
    Pull,
    /// A first-in-first-out lane.
    Fifo,
    /// Information only: carries no item, never counts in lead time.
    Information,
    /// Goes back upstream with probability `p` when an item fails.
    Rework,
}

impl FlowKind {
    /// Flows that move an item forward (push, pull, FIFO).
    pub fn is_forward(self) -> bool {
        matches!(self, FlowKind::Push | FlowKind::Pull | FlowKind::Fifo)
    }
}

/// A flow from one step to another, with an optional queue on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Optional; defaults to "from>to".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "is_default_flow_kind")]
    pub kind: FlowKind,
    /// Queue time on the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Duration>,
    /// Items waiting on the flow; becomes a wait through demand (Little's law).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wip: Option<f64>,
    /// The most items the queue may hold (a FIFO lane's maximum, a kanban's cards): a queue
    /// holding more is flagged (warning `over-wip-limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// Probability: of this branch for a flow out of an XOR step; of failing back for rework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_range: Option<Range>,
    /// Waste the queue is, if not plain waiting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waste: Vec<WasteTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Provenance>,
}

fn is_default_flow_kind(k: &FlowKind) -> bool {
    *k == FlowKind::Push
}

impl Flow {
    pub fn new(from: impl Into<String>, to: impl Into<String>, kind: FlowKind) -> Self {
        Flow {
            id: None,
            from: from.into(),
            to: to.into(),
            kind,
            wait: None,
            wip: None,
            limit: None,
            p: None,
            wait_range: None,
            waste: vec![],
            label: None,
            provenance: BTreeMap::new(),
        }
    }
    /// The stable key: the explicit id, or "from>to".
    pub fn key(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => format!("{}>{}", self.from, self.to),
        }
    }
    pub fn key_is(&self, key: &str) -> bool {
        match &self.id {
            Some(id) => id == key,
            None => {
                key.len() == self.from.len() + 1 + self.to.len()
                    && key.starts_with(self.from.as_str())
                    && key[self.from.len()..].starts_with('>')
                    && key.ends_with(self.to.as_str())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Source,
    Dataset,
    Job,
    Feature,
    FeatureStore,
    Model,
    ModelVersion,
    Endpoint,
}

/// A data asset: a source system, data set, pipeline job, feature, feature store, model, model
/// version or endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub kind: AssetKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Time to produce or refresh this asset once its inputs are there (its latency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<Duration>,
    /// Where each number came from, by field name ("lt"): an imported run history is measured.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Provenance>,
    /// Free text (an imported dataset's schema fields).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

impl DataAsset {
    /// An asset with a name and a kind, and nothing else yet.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: AssetKind) -> Self {
        DataAsset {
            id: id.into(),
            name: name.into(),
            kind,
            team: None,
            lt: None,
            provenance: BTreeMap::new(),
            notes: String::new(),
            x: None,
            y: None,
        }
    }
}

/// `to` derives from `from`: data moves from the upstream asset to the downstream one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct LineageEdge {
    pub from: String,
    pub to: String,
}

impl LineageEdge {
    pub fn key(&self) -> String {
        format!("{}>{}", self.from, self.to)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LinkMode {
    Read,
    Write,
}

/// A step reads or writes a data asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AssetLink {
    pub step: String,
    pub asset: String,
    pub mode: LinkMode,
}

impl AssetLink {
    pub fn key(&self) -> String {
        let mode = match self.mode {
            LinkMode::Read => "read",
            LinkMode::Write => "write",
        };
        format!("{}/{}/{}", self.step, self.asset, mode)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum KaizenStatus {
    #[default]
    Idea,
    Planned,
    Doing,
    Done,
    Dropped,
}

/// What a kaizen burst is pinned to: a step, a flow (by key), or the whole map when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum KaizenTarget {
    Step(String),
    Flow(String),
}

/// An improvement idea: a kaizen burst on the map, a line in the backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Kaizen {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<KaizenTarget>,
    /// The expected effect, in words ("review wait from 5wd to 2wd").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub status: KaizenStatus,
    /// Due date, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

/// A sticky note in the parking lot: what a workshop wants kept but not drawn into the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub colour: NoteColour,
    /// Who raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum NoteColour {
    #[default]
    Yellow,
    Pink,
    Blue,
    Green,
}

/// An element of the document, as errors and warnings name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Element {
    Map,
    Team(String),
    Step(String),
    Flow(String),
    Asset(String),
    Lineage(String),
    Link(String),
    Kaizen(String),
    Note(String),
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Map => write!(f, "the map"),
            Element::Team(id) => write!(f, "team '{id}'"),
            Element::Step(id) => write!(f, "step '{id}'"),
            Element::Flow(id) => write!(f, "flow '{id}'"),
            Element::Asset(id) => write!(f, "data asset '{id}'"),
            Element::Lineage(id) => write!(f, "lineage edge '{id}'"),
            Element::Link(id) => write!(f, "asset link '{id}'"),
            Element::Kaizen(id) => write!(f, "kaizen item '{id}'"),
            Element::Note(id) => write!(f, "note '{id}'"),
        }
    }
}

impl Element {
    /// The id, where the element has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Element::Map => None,
            Element::Team(id)
            | Element::Step(id)
            | Element::Flow(id)
            | Element::Asset(id)
            | Element::Lineage(id)
            | Element::Link(id)
            | Element::Kaizen(id)
            | Element::Note(id) => Some(id),
        }
    }
}
