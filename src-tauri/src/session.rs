//! An open document in the app: the file, the scenario on screen, and what the UI is sent after
//! each change. Everything here is plain Rust over `takt-store`; the Tauri commands in
//! `commands.rs` only lock the session and call it.

use crate::error::AppError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use takt_core::analysis::Analysis;
use takt_core::compare::Comparison;
use takt_core::model::ValueStream;
use takt_core::ops::{Diff, Op};
use takt_store::{Document, ScenarioId, ScenarioKind};

/// One scenario, as the tabs show it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ScenarioTab {
    pub name: String,
    /// The current state (there is exactly one) or a future state.
    pub current: bool,
}

/// Everything the UI needs to draw a document: sent when a document is opened and whenever the
/// scenario on screen changes.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Loaded {
    /// The document file.
    pub path: String,
    /// The document's name (the file name without `.takt`).
    pub title: String,
    pub scenarios: Vec<ScenarioTab>,
    /// The scenario on screen.
    pub scenario: String,
    pub map: ValueStream,
    pub analysis: Analysis,
    /// For a future state: its metrics against the current state's.
    pub comparison: Option<Comparison>,
    pub can_undo: bool,
    pub can_redo: bool,
}

/// What an edit, undo or redo changed, and the fresh analysis. `diff` is empty when nothing
/// changed (an undo with nothing to undo).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Edited {
    pub diff: Diff,
    pub analysis: Analysis,
    pub comparison: Option<Comparison>,
    pub can_undo: bool,
    pub can_redo: bool,
    /// The gate register after the change, while the page shows it (`watch_register`): it is
    /// drawn with the edit, in the same frame.
    pub register: Option<takt_core::gates::Register>,
}

/// One entry of the audit trail, as the audit panel lists it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AuditRow {
    pub seq: f64,
    /// RFC 3339, UTC; none for edits made before the trail was kept.
    pub at: Option<String>,
    /// The operating system's user; none: unknown.
    pub author: Option<String>,
    pub scenario: String,
    pub action: String,
    pub sentences: Vec<takt_core::audit::Sentence>,
    pub note: String,
}

/// Scenarios side by side: each compared with the first (the baseline).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CompareView {
    pub names: Vec<String>,
    /// One per scenario, the baseline's with itself first.
    pub comparisons: Vec<Comparison>,
    /// Each scenario's map, for the small multiples and the names of changed steps.
    pub maps: Vec<ValueStream>,
}

/// The compare view's pictures: the ladders on one time axis, and each scenario's map marked
/// with its changes, with the width of its drawing (to show them at one scale).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ComparePictures {
    pub ladders_svg: String,
    pub maps: Vec<MapPicture>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MapPicture {
    pub svg: String,
    pub width: f64,
}

/// A scenario's waterfall against the baseline, and its chart.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WaterfallView {
    pub scenario: String,
    pub waterfall: takt_core::waterfall::Waterfall,
    pub svg: String,
}

/// One scenario's Monte Carlo, as the simulation panel and the compare view show it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SimSeries {
    pub scenario: String,
    pub runs: u32,
    pub mean_s: f64,
    pub p50_s: f64,
    pub p85_s: f64,
    pub p95_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    pub deterministic_s: f64,
    /// The share of runs that finished within the target (when one was given).
    pub within: Option<f64>,
    /// How often each step was on the critical path, most often first.
    pub critical: Vec<takt_core::simulate::CriticalShare>,
}

/// Monte Carlo of 1 to 4 scenarios: each one's figures, and the overlaid histogram.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SimulationView {
    pub series: Vec<SimSeries>,
    /// The target, in seconds, when one was given.
    pub target_s: Option<f64>,
    pub svg: String,
}

/// The kaizen board of the scenario on screen, with its velocity chart.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BoardView {
    pub board: takt_core::board::Board,
    pub velocity_svg: String,
}

/// A snapshot opened to read: its map drawn, and its headline figures.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SnapshotView {
    pub taken: String,
    pub label: String,
    pub name: String,
    pub svg: String,
    /// Each headline metric's name and value, for people.
    pub metrics: Vec<(String, String)>,
}

/// A snapshot, as the trend lists it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SnapshotRow {
    pub id: f64,
    pub taken: String,
    pub label: String,
}

/// A metric's trend over the snapshots: the XmR chart, its picture, and the snapshot of each
/// point.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TrendView {
    pub metric: String,
    pub xmr: takt_core::xmr::Xmr,
    pub snapshots: Vec<SnapshotRow>,
    pub svg: String,
}

/// Scenarios' maps with their analyses (copies, to work on off the lock).
type Analysed = Vec<(ValueStream, Analysis)>;

/// The lineage view of the scenario on screen: the core's layout and answers, with the asset
/// ids they index (the page may have moved on by the time they arrive).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LineageView {
    pub ids: Vec<String>,
    pub overview: takt_core::lineage::Overview,
}

/// A line of an OpenLineage file that could not be read.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EventProblem {
    pub line: u32,
    pub message: String,
}

/// OpenLineage events read from a file, before they are merged into the scenario on screen.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LineageImport {
    pub file: String,
    pub events: u32,
    pub assets: u32,
    pub edges: u32,
    /// Completed runs whose durations gave jobs their measured latency.
    pub runs: u32,
    /// What merging adds: assets and edges the scenario does not have yet.
    pub new_records: u32,
    /// Lines (or array elements, with `array`) that could not be read: nothing is imported
    /// until the user confirms importing the rest.
    pub problems: Vec<EventProblem>,
    pub array: bool,
    /// Edges left out because lineage cannot loop, as `from>to`.
    pub cut: Vec<String>,
}

pub struct Session {
    doc: Document,
    scenario: ScenarioId,
    /// The page shows the gate register: every edit returns it.
    pub watch_register: bool,
    /// OpenLineage events read, waiting for the user to confirm importing them (their file
    /// had lines that could not be read).
    pending_lineage: Option<(String, takt_core::openlineage::Lineage)>,
}

impl Session {
    /// Opens a `.takt` document on its current state.
    pub fn open(path: &Path) -> Result<Session, AppError> {
        let doc = Document::open(path)?;
        let scenario = doc.current();
        Ok(Session {
            doc,
            scenario,
            watch_register: false,
            pending_lineage: None,
        })
    }

    /// Creates a document at `path` holding `map` as its current state.
    pub fn create(path: &Path, map: &ValueStream) -> Result<Session, AppError> {
        let doc = Document::create(path, map)?;
        let scenario = doc.current();
        Ok(Session {
            doc,
            scenario,
            watch_register: false,
            pending_lineage: None,
        })
    }

    pub fn path(&self) -> &Path {
        self.doc.path()
    }

    /// Closes the document: its file is then whole on its own, nothing left beside it.
    pub fn close(self) -> Result<(), AppError> {
        Ok(self.doc.close()?)
    }

    pub fn title(&self) -> String {
        title_of(self.doc.path())
    }

    pub fn scenario_name(&self) -> String {
        self.doc
            .scenarios()
            .iter()
            .find(|s| s.id == self.scenario)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    /// The window title: document, scenario, app.
    pub fn window_title(&self) -> String {
        format!("{} — {} — Takt", self.title(), self.scenario_name())
    }

    pub fn loaded(&mut self) -> Result<Loaded, AppError> {
        let map = self.doc.map(self.scenario)?.clone();
        let analysis = self.doc.analysis(self.scenario)?.clone();
        let comparison = self.comparison(&analysis)?;
        let (can_undo, can_redo) = self.doc.undo_state(self.scenario)?;
        Ok(Loaded {
            path: self.doc.path().display().to_string(),
            title: self.title(),
            scenarios: self
                .doc
                .scenarios()
                .iter()
                .map(|s| ScenarioTab {
                    name: s.name.clone(),
                    current: s.kind == ScenarioKind::Current,
                })
                .collect(),
            scenario: self.scenario_name(),
            map,
            analysis,
            comparison,
            can_undo,
            can_redo,
        })
    }

    /// A future state's metrics against the current state's; `None` on the current state.
    fn comparison(&mut self, analysis: &Analysis) -> Result<Option<Comparison>, AppError> {
        Ok(self.doc.comparison(self.scenario, analysis)?)
    }

    fn edited(&mut self, diff: Diff, analysis: Analysis) -> Result<Edited, AppError> {
        let comparison = self.comparison(&analysis)?;
        let (can_undo, can_redo) = self.doc.undo_state(self.scenario)?;
        let register = if self.watch_register {
            let map = self.doc.map(self.scenario)?;
            Some(takt_core::gates::register(map, &analysis))
        } else {
            None
        };
        Ok(Edited {
            diff,
            analysis,
            comparison,
            can_undo,
            can_redo,
            register,
        })
    }

    /// Applies an edit to the scenario on screen and commits it. On error nothing changes.
    pub fn apply(&mut self, op: &Op) -> Result<Edited, AppError> {
        match self.doc.apply(self.scenario, op) {
            Ok((diff, analysis)) => self.edited(diff, analysis),
            Err(e) => {
                let e = AppError::from(e);
                Err(match self.doc.map(self.scenario) {
                    Ok(map) => e.with_names(map),
                    Err(_) => e,
                })
            }
        }
    }

    /// Applies an edit that removes or bypasses mandatory gates of the current state, with the
    /// justification for each (the user's words; the author and today's date added here), as
    /// one edit: the justifications and the edit commit together, or neither.
    pub fn apply_justified(
        &mut self,
        op: &Op,
        gates: &[String],
        text: &str,
    ) -> Result<Edited, AppError> {
        if text.trim().is_empty() {
            return Err(AppError::Input {
                field: "justification".into(),
                message: "say why the gate may go: the justification is what an auditor reads"
                    .into(),
            });
        }
        let mut meta = self.doc.map(self.scenario)?.meta();
        let author = takt_store::os_user().unwrap_or_default();
        let date = chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        meta.justifications.retain(|j| !gates.contains(&j.gate));
        for g in gates {
            meta.justifications.push(takt_core::model::Justification {
                gate: g.clone(),
                text: text.trim().to_string(),
                author: author.clone(),
                date: Some(date.clone()),
            });
        }
        let batch = Op::Batch {
            ops: vec![
                Op::Update {
                    record: takt_core::ops::Record::Meta(meta),
                },
                op.clone(),
            ],
        };
        self.apply(&batch)
    }

    /// The link of a gate's evidence item, checked (a URL or a path).
    pub fn evidence_link(&mut self, step: &str, index: usize) -> Result<String, AppError> {
        let map = self.doc.map(self.scenario)?;
        let link = map
            .step(step)
            .and_then(|s| s.gate.as_ref())
            .and_then(|g| g.evidence.get(index))
            .and_then(|e| e.link.clone());
        let Some(link) = link else {
            return Err(AppError::Input {
                field: "gate.evidence.link".into(),
                message: "this evidence item has no link".into(),
            });
        };
        takt_core::validate::check_link(&link).map_err(|why| AppError::Input {
            field: "gate.evidence.link".into(),
            message: format!("the link '{link}' {why}"),
        })?;
        Ok(link)
    }

    /// The compliance report of the scenario on screen, gathered (to be written off the lock).
    pub fn compliance(
        &mut self,
        date: &str,
        author: &str,
    ) -> Result<takt_report::Compliance, AppError> {
        Ok(takt_report::of_document(
            &mut self.doc,
            self.scenario,
            date,
            author,
        )?)
    }

    /// Reads a catalogue file and adds its controls to the document's catalogue (an entry for a
    /// control the document has replaces it), as one edit of the scenario on screen. A file
    /// that is not a valid catalogue is refused with its line, column and field, and nothing
    /// changes.
    pub fn import_catalogue(&mut self, path: &Path) -> Result<Edited, AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| AppError::file(path, e))?;
        let entries = takt_core::catalogue::parse(&text).map_err(|e| AppError::File {
            path: path.display().to_string(),
            message: format!("{}: {e}", path.display()),
        })?;
        let mut own = self.doc.map(self.scenario)?.catalogue.clone();
        for e in entries {
            let same = own.iter_mut().find(|c| {
                takt_core::catalogue::regulation_matches(&c.regulation, &e.regulation)
                    && takt_core::catalogue::norm(&c.control)
                        == takt_core::catalogue::norm(&e.control)
            });
            match same {
                Some(c) => *c = e,
                None => own.push(e),
            }
        }
        let value = serde_json::to_value(&own).map_err(|e| AppError::Input {
            field: "catalogue".into(),
            message: e.to_string(),
        })?;
        self.apply(&Op::Set {
            key: takt_core::ops::Key::new(takt_core::ops::Kind::Meta, ""),
            field: "catalogue".into(),
            value,
        })
    }

    /// The named scenarios' maps and analyses (copies, to work on off the lock).
    pub fn scenarios_for_comparison(&mut self, names: &[String]) -> Result<Analysed, AppError> {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        takt_core::compare::check_set(&refs).map_err(|e| AppError::Input {
            field: "scenarios".into(),
            message: e.to_string(),
        })?;
        names
            .iter()
            .map(|n| {
                let id = self.doc.scenario(n)?;
                let (m, a) = self.doc.map_and_analysis(id)?;
                Ok((m.clone(), a.clone()))
            })
            .collect()
    }

    /// The executive report's data: the named scenarios and the trend.
    pub fn executive_input(
        &mut self,
        names: &[String],
        date: &str,
        author: &str,
    ) -> Result<takt_report::executive::ExecutiveInput, AppError> {
        Ok(takt_report::executive_input(
            &mut self.doc,
            names,
            date,
            author,
        )?)
    }

    /// The kaizen board of the scenario on screen on `today`.
    pub fn board(&mut self, today: chrono::NaiveDate) -> Result<BoardView, AppError> {
        let done = self.doc.kaizen_done(self.scenario)?;
        let board = takt_core::board::board(self.doc.map(self.scenario)?, &done, today);
        let velocity_svg = takt_report::charts::velocity_svg(&board.velocity);
        Ok(BoardView {
            board,
            velocity_svg,
        })
    }

    /// Copies of 1 to 4 named scenarios' maps, to simulate off the lock.
    pub fn maps_of(&mut self, names: &[String]) -> Result<Vec<ValueStream>, AppError> {
        if names.is_empty() || names.len() > takt_core::compare::MAX_COMPARED {
            return Err(AppError::Input {
                field: "scenarios".into(),
                message: format!("simulate 1 to 4 scenarios; {} given", names.len()),
            });
        }
        names
            .iter()
            .map(|n| {
                let id = self.doc.scenario(n)?;
                Ok(self.doc.map(id)?.clone())
            })
            .collect()
    }

    /// The named scenarios (copies) and each one's comparison with the first.
    fn compared(&mut self, names: &[String]) -> Result<(Analysed, Vec<Comparison>), AppError> {
        let got = self.scenarios_for_comparison(names)?;
        let set: Vec<(&str, &ValueStream, &Analysis)> = names
            .iter()
            .zip(&got)
            .map(|(n, (m, a))| (n.as_str(), m, a))
            .collect();
        let comparisons = takt_core::compare::compare_set(&set).map_err(|e| AppError::Input {
            field: "scenarios".into(),
            message: e.to_string(),
        })?;
        Ok((got, comparisons))
    }

    /// Scenarios side by side, the first the baseline.
    pub fn compare(&mut self, names: &[String]) -> Result<CompareView, AppError> {
        let (got, comparisons) = self.compared(names)?;
        Ok(CompareView {
            names: names.to_vec(),
            comparisons,
            maps: got.into_iter().map(|(m, _)| m).collect(),
        })
    }

    /// The ladders and the marked maps of scenarios compared with the first.
    pub fn compare_pictures(&mut self, names: &[String]) -> Result<ComparePictures, AppError> {
        let (got, comparisons) = self.compared(names)?;
        let set: Vec<(&str, &ValueStream, &Analysis)> = names
            .iter()
            .zip(&got)
            .map(|(n, (m, a))| (n.as_str(), m, a))
            .collect();
        let base = &got[0].0;
        let fmt = |v: f64| figure_of("lead_time_s", v, base);
        let ladders_svg = takt_report::charts::ladders_svg(&set, &fmt);
        let maps = got
            .iter()
            .zip(&comparisons)
            .enumerate()
            .map(|(i, ((m, a), c))| {
                let marks = if i == 0 {
                    takt_report::svg::Marks::default()
                } else {
                    takt_report::svg::Marks::of(base, c)
                };
                let svg = takt_report::svg::map_svg_with(m, a, &marks);
                let width = takt_report::svg::width_of(&svg);
                MapPicture { svg, width }
            })
            .collect();
        Ok(ComparePictures { ladders_svg, maps })
    }

    /// Takes a snapshot of the current state, dated `date`.
    pub fn snapshot(&mut self, date: &str, note: &str) -> Result<(), AppError> {
        self.doc.snapshot(date, note)?;
        Ok(())
    }

    /// Takes a map file as a snapshot dated `date`; a file that is not a map is named.
    pub fn import_snapshot(&mut self, path: &Path, date: &str, note: &str) -> Result<(), AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| AppError::file(path, e))?;
        let map = takt_core::format::load(&text).map_err(|e| AppError::File {
            path: path.display().to_string(),
            message: format!("{}: not a map to take as a snapshot: {e}", path.display()),
        })?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        self.doc.import_snapshot(&map, &name, date, note)?;
        Ok(())
    }

    /// A snapshot, to read: its map as a picture and its headline figures.
    pub fn snapshot_view(&mut self, id: i64) -> Result<SnapshotView, AppError> {
        let snap = self
            .doc
            .snapshots()?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| AppError::Input {
                field: "snapshot".into(),
                message: format!("there is no snapshot {id}"),
            })?;
        let map = self.doc.snapshot_map(id)?;
        let a = takt_core::analyze(&map).map_err(|e| AppError::Input {
            field: "snapshot".into(),
            message: format!("the snapshot of {}: {e}", snap.taken),
        })?;
        let metrics = takt_core::compare::headline(&a)
            .into_iter()
            .filter_map(|(name, v)| Some((name.to_string(), figure_of(name, v?, &map))))
            .collect();
        Ok(SnapshotView {
            taken: snap.taken,
            label: snap.label,
            name: map.name.clone(),
            svg: takt_report::svg::map_svg(&map, &a),
            metrics,
        })
    }

    /// A metric's trend over the snapshots, with its chart.
    pub fn trend(&mut self, metric: &str) -> Result<TrendView, AppError> {
        let (snaps, xmr) = self.doc.trend(metric)?;
        let map = self.doc.map(self.doc.current())?;
        let title = match metric {
            "lead_time_s" => "Lead time",
            "pce" => "Process cycle efficiency",
            "gate_time_s" => "Gate time",
            "wip_items" => "Work in process",
            other => other,
        };
        let fmt = |v: f64| figure_of(metric, v, map);
        let svg = takt_report::charts::xmr_svg(&xmr, title, &fmt);
        Ok(TrendView {
            metric: metric.into(),
            xmr,
            snapshots: snaps
                .into_iter()
                .map(|s| SnapshotRow {
                    id: s.id as f64,
                    taken: s.taken,
                    label: s.label,
                })
                .collect(),
            svg,
        })
    }

    /// The lineage view of the scenario on screen.
    pub fn lineage_view(&mut self) -> Result<LineageView, AppError> {
        let map = self.doc.map(self.scenario)?;
        let overview = takt_core::lineage::overview(map).map_err(lineage_error)?;
        Ok(LineageView {
            ids: map.assets.iter().map(|a| a.id.clone()).collect(),
            overview,
        })
    }

    /// What lies downstream (impact) or upstream of an asset of the scenario on screen.
    pub fn lineage_reach(
        &mut self,
        asset: &str,
        downstream: bool,
    ) -> Result<takt_core::lineage::Reach, AppError> {
        let map = self.doc.map(self.scenario)?;
        takt_core::lineage::reach_of(map, asset, downstream).map_err(lineage_error)
    }

    /// Reads a file of OpenLineage events and keeps what it describes until `merge_lineage`.
    pub fn read_lineage(&mut self, path: &Path) -> Result<LineageImport, AppError> {
        let file = std::fs::File::open(path).map_err(|e| AppError::file(path, e))?;
        let l = takt_core::openlineage::read(std::io::BufReader::new(file))
            .map_err(|e| AppError::file(path, e))?;
        let map = self.doc.map(self.scenario)?;
        let new_records = takt_core::openlineage::merge_ops(map, &l).len() as u32;
        let shown = LineageImport {
            file: path.display().to_string(),
            events: l.events as u32,
            assets: l.assets.len() as u32,
            edges: l.edges.len() as u32,
            runs: l.runs as u32,
            new_records,
            problems: l
                .problems
                .iter()
                .map(|p| EventProblem {
                    line: p.line as u32,
                    message: p.message.clone(),
                })
                .collect(),
            array: l.array,
            cut: l.cut.clone(),
        };
        self.pending_lineage = Some((shown.file.clone(), l));
        Ok(shown)
    }

    /// Merges the events read last into the scenario on screen, as one edit: the assets it has
    /// already (by id) stay as they are, the rest are added. `None`: nothing was new.
    pub fn merge_lineage(&mut self) -> Result<Option<Edited>, AppError> {
        let Some((_, l)) = self.pending_lineage.take() else {
            return Err(AppError::Input {
                field: "openlineage".into(),
                message: "no OpenLineage file is waiting to be imported; import it again".into(),
            });
        };
        let ops = takt_core::openlineage::merge_ops(self.doc.map(self.scenario)?, &l);
        if ops.is_empty() {
            return Ok(None);
        }
        self.apply(&Op::Batch { ops }).map(Some)
    }

    /// Forgets the events read last (the user chose not to import them).
    pub fn discard_lineage(&mut self) {
        self.pending_lineage = None;
    }

    /// The gate register of the scenario on screen.
    pub fn register(&mut self) -> Result<takt_core::gates::Register, AppError> {
        let (map, analysis) = self.doc.map_and_analysis(self.scenario)?;
        Ok(takt_core::gates::register(map, analysis))
    }

    /// The document's regulation catalogue (the shipped one with the document's own entries),
    /// with the gates of the scenario on screen that check each control.
    pub fn catalogue(&mut self) -> Result<Vec<takt_core::catalogue::CatalogueEntry>, AppError> {
        Ok(takt_core::catalogue::entries(self.doc.map(self.scenario)?))
    }

    /// The audit trail, newest first: of the scenario on screen, or of the whole document.
    pub fn audit(&mut self, all: bool) -> Result<Vec<AuditRow>, AppError> {
        let only = if all { None } else { Some(self.scenario) };
        let mut rows: Vec<AuditRow> = self
            .doc
            .audit(only)?
            .into_iter()
            .map(|e| AuditRow {
                seq: e.seq as f64,
                at: e.at,
                author: e.author,
                scenario: e.scenario_name,
                action: e.action,
                sentences: e.sentences,
                note: e.note,
            })
            .collect();
        rows.reverse();
        Ok(rows)
    }

    pub fn undo(&mut self) -> Result<Edited, AppError> {
        let stepped = self.doc.undo(self.scenario)?;
        self.stepped(stepped)
    }

    pub fn redo(&mut self) -> Result<Edited, AppError> {
        let stepped = self.doc.redo(self.scenario)?;
        self.stepped(stepped)
    }

    /// After an undo or redo (`None`: there was nothing to step over, and nothing changed).
    fn stepped(&mut self, stepped: Option<(Diff, Analysis)>) -> Result<Edited, AppError> {
        let (diff, analysis) = match stepped {
            Some(x) => x,
            None => (Diff::default(), self.doc.analysis(self.scenario)?.clone()),
        };
        self.edited(diff, analysis)
    }

    pub fn switch(&mut self, name: &str) -> Result<Loaded, AppError> {
        self.scenario = self.doc.scenario(name)?;
        self.loaded()
    }

    /// Forks a future state from the scenario on screen and switches to it.
    pub fn fork(&mut self, name: &str) -> Result<Loaded, AppError> {
        self.scenario = self.doc.fork(self.scenario, new_name(name)?)?;
        self.loaded()
    }

    /// Adds `map` (mined from an event log) as a future state beside the others, named
    /// "Measured" (or "Measured 2", ...), with the current state's name, calendar, demand and
    /// unit so that the two compare like for like; switches to it.
    pub fn add_measured(&mut self, mut map: ValueStream, source: &str) -> Result<Loaded, AppError> {
        let current = self.doc.current();
        let base = self.doc.map(current)?;
        map.name = base.name.clone();
        map.calendar = base.calendar;
        map.demand = base.demand;
        map.unit = base.unit;
        let taken: Vec<String> = self
            .doc
            .scenarios()
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let mut name = "Measured".to_string();
        let mut k = 2;
        while taken.contains(&name) {
            name = format!("Measured {k}");
            k += 1;
        }
        self.scenario =
            self.doc
                .add_scenario(&name, &map, &format!("mined from the event log {source}"))?;
        self.loaded()
    }

    pub fn rename(&mut self, name: &str, to: &str) -> Result<Loaded, AppError> {
        let to = new_name(to)?;
        let s = self.doc.scenario(name)?;
        self.doc.rename(s, to)?;
        self.loaded()
    }

    /// Deletes a future state; the current state stays on screen if it was the one deleted.
    pub fn delete(&mut self, name: &str) -> Result<Loaded, AppError> {
        let s = self.doc.scenario(name)?;
        self.doc.delete(s)?;
        if s == self.scenario {
            self.scenario = self.doc.current();
        }
        self.loaded()
    }

    /// Copies the document to `target` and goes on working in the copy, on the same scenario.
    /// If anything fails, the session stays on the original file.
    pub fn save_as(&mut self, target: &Path) -> Result<(), AppError> {
        let name = self.scenario_name();
        // The open file itself, however its path is spelled: nothing to copy (and renaming a
        // copy over it would cut the open connection off from its file).
        if same_file(target, self.doc.path()) {
            return Ok(());
        }
        if target.exists() {
            // The user agreed to replace it (the dialog asked). Copy beside it, then rename
            // over it, so that a failure leaves the old file whole.
            let tmp = target.with_extension("takt-saving");
            let _ = std::fs::remove_file(&tmp);
            self.doc.save_as(&tmp)?;
            std::fs::rename(&tmp, target).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                AppError::file(target, e)
            })?;
        } else {
            self.doc.save_as(target)?;
        }
        let copy = Document::open(target)?;
        self.scenario = copy.scenario(&name).unwrap_or_else(|_| copy.current());
        self.doc = copy;
        Ok(())
    }

    /// The scenario on screen as an interchange (JSON) file's text.
    pub fn export_json(&mut self) -> Result<String, AppError> {
        Ok(self.doc.export_scenario_json(self.scenario)?)
    }

    /// What-if: the analysis of the scenario on screen after `op`, and its change against the
    /// scenario as it is; nothing is edited (the core's analysis runs on a copy).
    pub fn preview(&mut self, op: &Op) -> Result<Preview, AppError> {
        let (before, a) = self.doc.map_and_analysis(self.scenario)?;
        let mut after = before.clone();
        takt_core::apply(&mut after, op).map_err(|e| AppError::from(e).with_names(before))?;
        let analysis = takt_core::analyze(&after)
            .map_err(|e| AppError::from_validation(e).with_names(&after))?;
        let comparison = takt_core::compare::compare_analysed(before, a, &after, &analysis);
        // The panels show the headline figures, the waste and the ladder: each step's figures
        // and the warnings stay here (at 1,000 steps they are most of a 150 KB analysis, and
        // the page parses what it is sent on every move of the slider).
        let mut analysis = analysis;
        analysis.steps = Vec::new();
        analysis.warnings = Vec::new();
        // The ladder shows its first rungs and counts the rest (from the critical path): a long
        // path's other rungs were most of what was left (41 KB of 52 at 1,000 steps).
        analysis.ladder.truncate(LADDER_SHOWN);
        Ok(Preview {
            analysis,
            comparison,
        })
    }

    /// A copy of the map of the scenario on screen.
    pub fn current_map(&mut self) -> Result<ValueStream, AppError> {
        Ok(self.doc.map(self.scenario)?.clone())
    }
}

/// How many rungs of the timeline ladder the page shows (ui/src/app/panels.ts: the rest are
/// counted, "+N more").
pub const LADDER_SHOWN: usize = 60;

/// What an edit would do, before it is made.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Preview {
    /// The analysis after the edit, without each step's figures and the warnings (`steps` and
    /// `warnings` are empty) and with the ladder's first 60 rungs: what the metrics panel and
    /// the ladder show.
    pub analysis: Analysis,
    pub comparison: takt_core::compare::Comparison,
}

/// A name typed for a scenario, trimmed; an empty one is refused.
/// A metric's value for people, in the map's unit: a time, a share, or a count.
pub fn figure_of(metric: &str, v: f64, map: &ValueStream) -> String {
    takt_core::figures::metric_text(metric, v, map.unit, &map.calendar)
}

fn new_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Input {
            field: "name".into(),
            message: "a scenario needs a name".into(),
        });
    }
    Ok(name)
}

/// Whether two paths name one file: the same file on disk (device and inode) where both
/// exist, else the same path once resolved.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A document's name: its file name without the extension.
pub fn title_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Untitled".into())
}

/// A file in `dir` named `stem.takt`, or `stem 2.takt`, `stem 3.takt`... whichever is free.
pub fn free_path(dir: &Path, stem: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.takt"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} {n}.takt"));
        n += 1;
    }
    path
}

fn lineage_error(e: takt_core::lineage::LineageError) -> AppError {
    AppError::Input {
        field: "asset".into(),
        message: e.to_string(),
    }
}
