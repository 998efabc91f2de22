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

pub struct Session {
    doc: Document,
    scenario: ScenarioId,
    /// The page shows the gate register: every edit returns it.
    pub watch_register: bool,
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
}

/// A name typed for a scenario, trimmed; an empty one is refused.
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
