//! Takt's reports, for the command line and the app alike. The compliance report of a
//! scenario (`compliance.rs`) is one set of data written as JSON, HTML or PDF; the PDF is
//! typeset by typst as a library (`world.rs`: everything in memory, the fonts embedded, nothing
//! fetched), PDF/A-2b, A4 or US Letter. A report file is written whole or not at all: to a
//! temporary file beside the target, then renamed over it.

pub mod charts;
pub mod compliance;
pub mod executive;
pub mod svg;
pub mod world;

use std::path::Path;

pub use compliance::{Compliance, Input};

/// What went wrong, said for people.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: cannot write the report there: {why}")]
    Write { path: String, why: String },
    #[error("the report could not be typeset: {0}")]
    Typeset(String),
    #[error("cancelled")]
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

/// The page size of a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// The paper's name in typst.
    fn typst(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// Where a report being made is, for a progress bar: each stage says what comes next, with
/// the share of the work done. The callback returns false to cancel.
pub type Progress<'a> = &'a mut dyn FnMut(f32, &str) -> bool;

/// The report's bytes in a format.
pub fn render(
    c: &Compliance,
    format: Format,
    paper: Paper,
    progress: Progress,
) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Json => Ok(c.to_json().into_bytes()),
        Format::Html => Ok(c.to_html().into_bytes()),
        Format::Pdf => pdf(c, paper, progress),
    }
}

/// The compliance report as a PDF/A-2b file.
pub fn pdf(c: &Compliance, paper: Paper, progress: Progress) -> Result<Vec<u8>, ReportError> {
    if !progress(0.1, "Typesetting the report") {
        return Err(ReportError::Cancelled);
    }
    let data = serde_json::to_vec(c).expect("a report serialises");
    let pdf = world::render_pdf(
        include_str!("../templates/compliance.typ").to_string(),
        vec![
            ("data.json".into(), data),
            ("map.svg".into(), c.svg.clone().into_bytes()),
        ],
        &[("paper", paper.typst())],
        date_of(&c.date),
        &c.title,
    )
    .map_err(ReportError::Typeset)?;
    if !progress(0.95, "Writing the file") {
        return Err(ReportError::Cancelled);
    }
    Ok(pdf)
}

/// The executive report's bytes in a format.
pub fn render_executive(
    e: &executive::Executive,
    format: Format,
    paper: Paper,
    progress: Progress,
) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Json => Ok(e.to_json().into_bytes()),
        Format::Html => Ok(e.to_html().into_bytes()),
        Format::Pdf => {
            if !progress(0.8, "Typesetting the report") {
                return Err(ReportError::Cancelled);
            }
            let mut files = vec![(
                "data.json".to_string(),
                serde_json::to_vec(e).expect("a report serialises"),
            )];
            files.extend(
                e.svgs
                    .iter()
                    .map(|(n, s)| (n.clone(), s.clone().into_bytes())),
            );
            let pdf = world::render_pdf(
                include_str!("../templates/executive.typ").to_string(),
                files,
                &[("paper", paper.typst())],
                date_of(&e.date),
                &e.title,
            )
            .map_err(ReportError::Typeset)?;
            if !progress(0.97, "Writing the file") {
                return Err(ReportError::Cancelled);
            }
            Ok(pdf)
        }
    }
}

fn date_of(s: &str) -> (i32, u32, u32) {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .unwrap_or_else(|_| chrono::Local::now().date_naive());
    (d.year(), d.month(), d.day())
}

/// Writes `bytes` to `path` whole or not at all: into a temporary file in the same folder,
/// synced, then renamed over `path`. On any failure nothing is left behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    use std::io::Write;
    let fail = |why: String| ReportError::Write {
        path: path.display().to_string(),
        why,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(fail(format!("the folder {} does not exist", dir.display())));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".takt-report-")
        .tempfile_in(dir)
        .map_err(|e| fail(e.to_string()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    tmp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

/// The compliance report of a document's scenario. `date` is today (YYYY-MM-DD), `author` who
/// prepares the report.
pub fn of_document(
    doc: &mut takt_store::Document,
    scenario: takt_store::ScenarioId,
    date: &str,
    author: &str,
) -> Result<Compliance, takt_store::StoreError> {
    let info = doc
        .scenarios()
        .iter()
        .find(|s| s.id == scenario)
        .cloned()
        .ok_or_else(|| takt_store::StoreError::UnknownScenario {
            path: doc.path().to_path_buf(),
            name: scenario.to_string(),
        })?;
    let future = info.kind == takt_store::ScenarioKind::Future;
    let analysis = doc.analysis(scenario)?.clone();
    let mandatory = match doc.comparison(scenario, &analysis)? {
        Some(c) => c.mandatory,
        None => vec![],
    };
    let audit = doc.audit(Some(scenario))?;
    let current = doc.current();
    let other_gates = doc
        .map(current)?
        .steps
        .iter()
        .filter(|s| s.kind == takt_core::model::StepKind::Gate)
        .map(|s| s.id.clone())
        .collect();
    let source = doc
        .path()
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let map = doc.map(scenario)?.clone();
    Ok(Compliance::new(Input {
        map: &map,
        analysis: &analysis,
        scenario: info.name,
        future,
        source,
        date: date.into(),
        author: author.into(),
        mandatory,
        audit: Some(audit),
        other_gates,
    }))
}

/// The compliance report of a map file (its scenario is its own; it has no audit trail).
pub fn of_map(
    map: &takt_core::ValueStream,
    analysis: &takt_core::Analysis,
    source: &str,
    date: &str,
    author: &str,
) -> Compliance {
    Compliance::new(Input {
        map,
        analysis,
        scenario: map
            .scenario
            .clone()
            .unwrap_or_else(|| "Current state".into()),
        future: false,
        source: source.into(),
        date: date.into(),
        author: author.into(),
        mandatory: vec![],
        audit: None,
        other_gates: vec![],
    })
}

/// The executive report's input from a document: the named scenarios (2 to 4, the baseline
/// first; none named: the current state and up to three future states) and the lead time's
/// trend over the snapshots (when there are two or more).
pub fn executive_input(
    doc: &mut takt_store::Document,
    names: &[String],
    date: &str,
    author: &str,
) -> Result<executive::ExecutiveInput, takt_store::StoreError> {
    let names: Vec<String> = if names.is_empty() {
        doc.scenarios()
            .iter()
            .take(takt_core::compare::MAX_COMPARED)
            .map(|s| s.name.clone())
            .collect()
    } else {
        names.to_vec()
    };
    let mut scenarios = Vec::with_capacity(names.len());
    for n in names {
        let id = doc.scenario(&n)?;
        scenarios.push((n, doc.map(id)?.clone()));
    }
    let (_, x) = doc.trend("lead_time_s")?;
    Ok(executive::ExecutiveInput {
        scenarios,
        trend: (x.points.len() >= 2).then_some(x),
        source: doc
            .path()
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        date: date.into(),
        author: author.into(),
    })
}
