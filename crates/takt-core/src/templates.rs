//! Maps to start from (File ▸ New from Template, `takt templates`, `takt new --template`): six
//! AI and data operations value streams, each with its teams, queues, gates and their
//! regulations, lineage and kaizen ideas, and a description that says where its numbers come
//! from. Shipped in the binary (`templates/*.json` at the repository's root); each has a test
//! with its hand-checked figures (`tests/templates.rs`).

use crate::analysis::{analyze, Analysis};
use crate::format;
use crate::model::{StepKind, ValueStream};

/// A template: its key (for the command line), title, one sentence for the gallery, and map.
pub struct Template {
    pub key: &'static str,
    pub title: &'static str,
    pub sentence: &'static str,
    json: &'static str,
}

impl Template {
    /// The template's map.
    pub fn map(&self) -> ValueStream {
        format::load(self.json).expect("every template is a valid map (tests/templates.rs)")
    }

    /// The map with what the gallery and `takt templates` say of it.
    pub fn shown(&self) -> Shown {
        let map = self.map();
        let analysis = analyze(&map).expect("every template is a valid map (tests/templates.rs)");
        let gates = map
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Gate)
            .count();
        Shown {
            map,
            analysis,
            gates,
        }
    }
}

/// A template's map, its analysis and its number of gates.
pub struct Shown {
    pub map: ValueStream,
    pub analysis: Analysis,
    pub gates: usize,
}

/// Every template, in the gallery's order.
pub const TEMPLATES: [Template; 6] = [
    Template {
        key: "model-retraining",
        title: "Model retraining after drift",
        sentence: "A credit-risk model retrained when its drift monitor fires, through independent validation (SR 11-7) to a canary.",
        json: include_str!("../../../templates/model-retraining.json"),
    },
    Template {
        key: "incident-triage",
        title: "Incident triage for a model-serving SLO",
        sentence: "An error-budget alert on a fraud-scoring service: runbook fixes, escalation to ML Platform, an upstream pipeline fix, the post-incident review.",
        json: include_str!("../../../templates/incident-triage.json"),
    },
    Template {
        key: "model-release",
        title: "Model release with risk and security gates",
        sentence: "A trained model packaged, evaluated and taken through model-risk, security and AI-regulation gates and a change board to production.",
        json: include_str!("../../../templates/model-release.json"),
    },
    Template {
        key: "data-labeling",
        title: "Data labeling queue",
        sentence: "Training data through a privacy check, a labeling vendor's queue, QA sampling with rework, and adjudication into the training set.",
        json: include_str!("../../../templates/data-labeling.json"),
    },
    Template {
        key: "feature-request",
        title: "Feature-request intake to a feature store",
        sentence: "A new feature from three source systems through pipelines and a GDPR review into the feature store and two models' endpoints.",
        json: include_str!("../../../templates/feature-request.json"),
    },
    Template {
        key: "data-quality-incident",
        title: "Data-quality incident",
        sentence: "A failed data-quality check on an upstream table: triage, root cause with the source owner, an approved backfill, re-validation and review.",
        json: include_str!("../../../templates/data-quality-incident.json"),
    },
];

/// The template of a key.
pub fn find(key: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.key == key)
}
