//! The Takt document: a SQLite file (sqlite.org/appfileformat.html) that is always current.
//!
//! Every edit is validated by the core, then written with its history entry in one transaction
//! before it is acknowledged: there is no Save. Undo and redo replay the stored diffs, so they
//! survive closing the file. A document holds the current state and any number of future-state
//! scenarios, dated snapshots of the current state, and each scenario's edit history.
//!
//! Durability (see docs/RELIABILITY.md): WAL journal with `synchronous = FULL`, so an edit that
//! was acknowledged survives an application crash and a power cut.

mod schema;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use takt_core::analysis::Analysis;
use takt_core::compare::{Comparison, MandatoryChange};
use takt_core::ops::{self, Change, Diff, EditError, Kind, Op, Record};
use takt_core::{format, ValueStream};

pub use schema::{APPLICATION_ID, SCHEMA_VERSION};

/// What can go wrong with a document file. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: there is no such file")]
    NotFound { path: PathBuf },
    #[error("{path}: the file exists already; choose another name")]
    Exists { path: PathBuf },
    #[error("{path}: this is not a Takt document ({why})")]
    NotTakt { path: PathBuf, why: String },
    #[error("{path}: this document was written by a newer Takt: it needs a Takt that reads file format {found}, and this one reads up to {supported}. Update Takt to open it; the file was not changed.")]
    TooNew {
        path: PathBuf,
        found: i32,
        supported: i32,
    },
    #[error("{path}: the document is damaged ({detail}); it was not changed")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path}: the document is open in another Takt window or process; close it there first"
    )]
    InUse { path: PathBuf },
    #[error("{path}: there is no scenario '{name}'")]
    UnknownScenario { path: PathBuf, name: String },
    #[error("{path}: a scenario named '{name}' exists already")]
    ScenarioExists { path: PathBuf, name: String },
    #[error("{path}: the current state cannot be deleted")]
    CurrentState { path: PathBuf },
    #[error("{path}: there is no snapshot {id}")]
    UnknownSnapshot { path: PathBuf, id: i64 },
    #[error("{path}: '{date}' is not a date; write it as YYYY-MM-DD")]
    BadDate { path: PathBuf, date: String },
    #[error("{path}: there is a snapshot dated {date} already ('{label}'); one snapshot a day")]
    SnapshotDateTaken {
        path: PathBuf,
        date: String,
        label: String,
    },
    #[error("{file}: not a map to take as a snapshot: {why}")]
    NotAMap { file: String, why: String },
    #[error("'{metric}' is not a metric to chart; one of: {}", takt_core::compare::HEADLINE.join(", "))]
    UnknownMetric { metric: String },
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("{}", unjustified_message(.changes))]
    Unjustified {
        /// The mandatory gates the edit would remove or bypass without a justification.
        changes: Vec<MandatoryChange>,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub type ScenarioId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioKind {
    Current,
    Future,
}

/// One state of the value stream.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scenario {
    pub id: ScenarioId,
    pub name: String,
    pub kind: ScenarioKind,
    /// The scenario it was forked from.
    pub parent: Option<ScenarioId>,
}

/// An edit in a scenario's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub op: Op,
    /// Undone (and so redoable).
    pub undone: bool,
    /// Records the edit changed.
    pub changes: usize,
}

/// An entry of the audit trail: who did what, when, in which scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// When, RFC 3339 in UTC; `None` for edits made before the trail was kept.
    pub at: Option<String>,
    /// The operating system's user; `None`: unknown.
    pub author: Option<String>,
    pub scenario: ScenarioId,
    /// The scenario's name when the entry was made.
    pub scenario_name: String,
    /// "edit", "undo", "redo", "fork", "rename", "delete" or "snapshot".
    pub action: String,
    /// What changed, one sentence per field of each record.
    pub sentences: Vec<takt_core::audit::Sentence>,
    /// For scenario changes and snapshots: what happened, in words.
    pub note: String,
}

/// An analysis's headline metrics as the `snapshots.metrics` column keeps them.
fn headline_json(a: &Analysis) -> String {
    let values: Vec<Option<f64>> = takt_core::compare::headline(a)
        .into_iter()
        .map(|x| x.1)
        .collect();
    serde_json::to_string(&values).expect("numbers serialise")
}

fn unjustified_message(changes: &[MandatoryChange]) -> String {
    let what: Vec<String> = changes.iter().map(|c| c.sentence()).collect();
    format!(
        "this edit {} of the current state; in a future state that needs a recorded justification (why, who and when)",
        what.join(" and ")
    )
}

/// The user name of the person at the computer, for the audit trail.
pub fn os_user() -> Option<String> {
    for var in ["TAKT_AUTHOR", "USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return Some(v.trim().to_string());
            }
        }
    }
    whoami::username().ok().filter(|u| !u.trim().is_empty())
}

/// A dated copy of the current state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub id: i64,
    pub taken: String,
    pub label: String,
}

/// What an acknowledged edit survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL with `synchronous = FULL`: every commit is synced, so an acknowledged edit survives an
    /// application crash and a power cut. The default.
    PowerCut,
    /// WAL with `synchronous = NORMAL`: an acknowledged edit survives an application crash; a
    /// power cut may lose the last edits (never the file's consistency).
    AppCrash,
}

/// An open document. It holds the file exclusively while open, and leaves it whole on its own
/// when closed or dropped (see [`Document::close`]).
pub struct Document {
    conn: Connection,
    path: PathBuf,
    scenarios: Vec<Scenario>,
    maps: HashMap<ScenarioId, ValueStream>,
    /// Analyses of a scenario's recent states, each with the place in its history it is of
    /// (see `places`): the state an undo or redo returns to is often one of them.
    analyses: HashMap<ScenarioId, Vec<(i64, Analysis)>>,
    /// Bumped for a scenario on every change to its map: what a cached analysis is checked
    /// against.
    places: HashMap<ScenarioId, i64>,
    /// Open for writing (the checks at open read through a connection that is not), and not
    /// yet closed: what dropping it must close.
    writable: bool,
    /// Who the audit trail says made the edits (the operating system's user by default).
    author: Option<String>,
}

impl Drop for Document {
    /// A document dropped without [`Document::close`] is closed as well as it can be; what
    /// fails is left for the next open, which replays the log.
    fn drop(&mut self) {
        if self.writable {
            let _ = self.shut();
        }
    }
}

const EMPTY_DIFF: &str = r#"{"changes":[]}"#;

/// Appends an entry to the audit trail, stamped with the time now (the one place the store
/// reads the clock) and the author.
fn audit_row(
    tx: &Transaction,
    author: &Option<String>,
    scenario: ScenarioId,
    scenario_name: &str,
    action: &str,
    diff: &str,
    note: &str,
) -> rusqlite::Result<()> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tx.execute(
        "INSERT INTO audit (at, author, scenario, scenario_name, action, diff, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![at, author, scenario, scenario_name, action, diff, note],
    )?;
    Ok(())
}

/// The first bytes of every SQLite file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether a file looks like a SQLite database (and so may be a Takt document) rather than a
/// JSON map.
pub fn looks_like_document(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == SQLITE_MAGIC)
}

impl Document {
    fn sql(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// A document over an open connection, with its scenarios read.
    fn over(conn: Connection, path: &Path, writable: bool) -> Result<Document> {
        let mut doc = Document {
            conn,
            path: path.into(),
            scenarios: Vec::new(),
            maps: HashMap::new(),
            analyses: HashMap::new(),
            places: HashMap::new(),
            writable,
            author: os_user(),
        };
        doc.reload_scenarios()?;
        Ok(doc)
    }

    /// Creates a new document holding `map` as its current state. The file must not exist.
    pub fn create(path: &Path, map: &ValueStream) -> Result<Document> {
        if path.exists() {
            return Err(StoreError::Exists { path: path.into() });
        }
        takt_core::validate(map).map_err(|e| StoreError::Edit(EditError::Invalid(e)))?;
        let sql = |source| StoreError::Sqlite {
            path: path.into(),
            source,
        };
        let mut conn = Connection::open(path).map_err(sql)?;
        configure(&conn).map_err(sql)?;
        schema::migrate(&mut conn, 0).map_err(sql)?;
        let tx = conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO scenarios (name, kind, parent, position) VALUES ('Current state', 'current', NULL, 0)",
            [],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        insert_map(&tx, id, map).map_err(sql)?;
        tx.commit().map_err(sql)?;
        let mut doc = Document::over(conn, path, true)?;
        // What the document holds: an exported file's scenario name is not kept.
        let mut map = map.clone();
        map.scenario = None;
        doc.maps.insert(id, map);
        Ok(doc)
    }

    /// Opens a document. A file that is not a Takt document, is damaged, or was written by a
    /// newer Takt is refused with a clear error and left byte for byte as it was.
    pub fn open(path: &Path) -> Result<Document> {
        if !path.is_file() {
            return Err(StoreError::NotFound { path: path.into() });
        }
        let sql = |source| StoreError::Sqlite {
            path: path.into(),
            source,
        };
        let classify = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotTakt {
                path: path.into(),
                why: "it is not a SQLite database".into(),
            },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path: path.into(),
                detail: e.to_string(),
            },
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::InUse { path: path.into() }
            }
            _ => StoreError::Sqlite {
                path: path.into(),
                source: e,
            },
        };
        // A file with a log beside it (a crash, or another Takt using it) is checked on a
        // private copy of both, which SQLite may replay and change as it likes; its header is
        // read after the replay. Any other file is checked where it is, through a connection
        // that can write nothing and make nothing beside it (`immutable=1`: no locks, no
        // journal, no wal-index), after its header's bytes say it is ours, not too new and not
        // cut short: a file that is not is refused before SQLite sees it.
        let copy = PrivateCopy::of(path)?;
        let header = match &copy {
            None => Some(check_header(path)?),
            Some(c) => {
                // The copy's header bytes say what the log will make them: only the SQLite
                // magic is checked from them.
                if !looks_like_document(&c.file) {
                    return Err(StoreError::NotTakt {
                        path: path.into(),
                        why: "it is not a SQLite database".into(),
                    });
                }
                None
            }
        };
        let probe_path = copy.as_ref().map_or(path, |c| c.file.as_path());
        let uri = if copy.is_some() {
            file_uri(probe_path, false)
        } else {
            file_uri(probe_path, true)
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&uri, flags).map_err(classify)?;
        conn.busy_timeout(std::time::Duration::ZERO)
            .map_err(classify)?;
        let version = match header {
            Some(v) => v,
            None => {
                let app: i32 = conn
                    .pragma_query_value(None, "application_id", |r| r.get(0))
                    .map_err(classify)?;
                let version: i32 = conn
                    .pragma_query_value(None, "user_version", |r| r.get(0))
                    .map_err(classify)?;
                check_ids(path, app, version)?;
                version
            }
        };
        let check: Vec<String> = {
            let mut st = conn.prepare("PRAGMA quick_check").map_err(classify)?;
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(classify)?;
            rows.collect::<rusqlite::Result<_>>().map_err(classify)?
        };
        if check != ["ok"] {
            return Err(StoreError::Corrupt {
                path: path.into(),
                detail: check.join("; "),
            });
        }
        // The schema must be the one Takt's migrations make for the file's version.
        let found = schema::entries(&conn).map_err(classify)?;
        let want = schema::expected(version).map_err(sql)?;
        if found != want {
            let differs = found
                .iter()
                .zip(&want)
                .find(|(a, b)| a != b)
                .map(|(a, _)| a.1.clone())
                .unwrap_or_else(|| "its tables".into());
            return Err(StoreError::Corrupt {
                path: path.into(),
                detail: format!("its schema is not the one Takt writes ({differs} differs)"),
            });
        }
        // Load and validate the current state now, so a damaged record is refused at open.
        let preloaded = if version == SCHEMA_VERSION {
            let mut probe = Document::over(conn, path, false)?;
            let current = probe.current();
            probe.map(current)?;
            probe.maps.remove(&current).map(|m| (current, m))
        } else {
            drop(conn);
            None
        };
        drop(copy);
        // Ours: take the file for this process, then bring its schema up to date.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(classify)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(classify)?;
        conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;")
            .map_err(classify)?;
        configure(&conn).map_err(classify)?;
        if version < SCHEMA_VERSION {
            schema::migrate(&mut conn, version).map_err(sql)?;
        }
        let mut doc = Document::over(conn, path, true)?;
        match preloaded {
            Some((current, map)) => {
                doc.maps.insert(current, map);
            }
            None => {
                let current = doc.current();
                doc.map(current)?;
            }
        }
        Ok(doc)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the document so that its file is whole on its own: the log (`-wal`) is copied
    /// into the file, synced, and removed, and nothing is left beside it. A document that is
    /// dropped is closed the same way, without the errors; one that is not (a crash) loses
    /// nothing either: the next open replays the log.
    pub fn close(mut self) -> Result<()> {
        let done = self.shut();
        self.writable = false;
        done
    }

    /// Copies the log into the file and leaves it in rollback-journal mode, with nothing beside
    /// it (the next open puts it back in WAL mode: `configure`). Only a writable document is
    /// shut; the connection closes when the document is dropped.
    fn shut(&mut self) -> Result<()> {
        if !self.writable {
            return Ok(());
        }
        let sql = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        // TRUNCATE waits for nothing (this process holds the file alone) and empties the log;
        // leaving WAL mode then removes it.
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(sql)?;
        if busy != 0 {
            return Err(StoreError::InUse {
                path: self.path.clone(),
            });
        }
        self.conn
            .pragma_update(None, "journal_mode", "DELETE")
            .map_err(sql)?;
        self.writable = false;
        // With the log copied in and WAL mode left, nothing beside the file is needed: a
        // wal-index (`-shm`) left by the read-only checks at open of a file with a log (after
        // a crash) is removed too. No other process can be using them: this one holds the
        // file exclusively.
        for suffix in ["-wal", "-shm"] {
            let mut side = self.path.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
        Ok(())
    }

    /// How hard each commit is pushed to disk. The default, [`Durability::PowerCut`], is what
    /// Takt uses; the other exists to measure the difference (docs/RELIABILITY.md).
    pub fn set_durability(&self, d: Durability) -> Result<()> {
        let level = match d {
            Durability::PowerCut => "FULL",
            Durability::AppCrash => "NORMAL",
        };
        self.conn
            .pragma_update(None, "synchronous", level)
            .map_err(self.sql())
    }

    fn reload_scenarios(&mut self) -> Result<()> {
        let mut st = self
            .conn
            .prepare("SELECT id, name, kind, parent FROM scenarios ORDER BY position, id")
            .map_err(self.sql())?;
        let rows = st
            .query_map([], |r| {
                let kind: String = r.get(2)?;
                Ok(Scenario {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: if kind == "current" {
                        ScenarioKind::Current
                    } else {
                        ScenarioKind::Future
                    },
                    parent: r.get(3)?,
                })
            })
            .map_err(self.sql())?;
        let list = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sql())?;
        drop(st);
        if !list.iter().any(|s| s.kind == ScenarioKind::Current) {
            return Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: "it has no current state".into(),
            });
        }
        self.scenarios = list;
        Ok(())
    }

    /// The scenarios: the current state first, then the future states.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The current state's id.
    pub fn current(&self) -> ScenarioId {
        self.scenarios
            .iter()
            .find(|s| s.kind == ScenarioKind::Current)
            .map(|s| s.id)
            .unwrap_or_default()
    }

    /// A scenario by name.
    pub fn scenario(&self, name: &str) -> Result<ScenarioId> {
        self.scenarios
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .ok_or_else(|| StoreError::UnknownScenario {
                path: self.path.clone(),
                name: name.into(),
            })
    }

    fn known(&self, s: ScenarioId) -> Result<&Scenario> {
        self.scenarios
            .iter()
            .find(|x| x.id == s)
            .ok_or_else(|| StoreError::UnknownScenario {
                path: self.path.clone(),
                name: format!("#{s}"),
            })
    }

    /// A scenario's map (loaded once, then kept current by every edit).
    pub fn map(&mut self, s: ScenarioId) -> Result<&ValueStream> {
        self.known(s)?;
        if !self.maps.contains_key(&s) {
            let map = load_map(&self.conn, s).map_err(|e| match e {
                LoadError::Sqlite(source) => StoreError::Sqlite {
                    path: self.path.clone(),
                    source,
                },
                LoadError::Bad(detail) => StoreError::Corrupt {
                    path: self.path.clone(),
                    detail,
                },
            })?;
            self.maps.insert(s, map);
        }
        Ok(&self.maps[&s])
    }

    /// A scenario's analysis: kept from the edit, undo or redo that made its state (an undo
    /// back to a state analysed before finds it kept), or computed once for it.
    pub fn analysis(&mut self, s: ScenarioId) -> Result<&Analysis> {
        let place = self.place(s)?;
        let kept = self
            .analyses
            .get(&s)
            .and_then(|v| v.iter().position(|(p, _)| *p == place));
        let k = match kept {
            Some(k) => k,
            None => {
                let a = takt_core::analyze(self.map(s)?)
                    .map_err(|e| StoreError::Edit(EditError::Invalid(e)))?;
                self.keep(s, place, a);
                self.analyses[&s].len() - 1
            }
        };
        Ok(&self.analyses[&s][k].1)
    }

    /// Where a scenario is in its history: the number of edits applied and not undone. The
    /// history is a line: every edit up to this place is applied, every one after it undone.
    fn place(&mut self, s: ScenarioId) -> Result<i64> {
        if let Some(&p) = self.places.get(&s) {
            return Ok(p);
        }
        let p: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM history WHERE scenario = ?1 AND undone = 0",
                [s],
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        self.places.insert(s, p);
        Ok(p)
    }

    /// Keeps `analysis` as the scenario's at `place`, with the few before it (the states an
    /// undo returns to).
    fn keep(&mut self, s: ScenarioId, place: i64, analysis: Analysis) {
        const KEPT: usize = 3;
        let v = self.analyses.entry(s).or_default();
        v.retain(|(p, _)| *p != place);
        v.push((place, analysis));
        if v.len() > KEPT {
            v.remove(0);
        }
    }

    /// A future state's comparison with the current state (`None` for the current state):
    /// every headline metric's delta, the steps added, removed and changed. The current state's
    /// analysis is kept between edits of a future state, so an edit costs one analysis, of the
    /// scenario edited, and a comparison linear in the steps.
    pub fn comparison(&mut self, s: ScenarioId, analysis: &Analysis) -> Result<Option<Comparison>> {
        let base = self.current();
        if s == base {
            return Ok(None);
        }
        let place = self.place(base)?;
        self.analysis(base)?;
        self.map(s)?;
        let before = &self.maps[&base];
        let a = &self.analyses[&base]
            .iter()
            .find(|(p, _)| *p == place)
            .expect("analysed above")
            .1;
        let after = &self.maps[&s];
        Ok(Some(takt_core::compare::compare_analysed(
            before, a, after, analysis,
        )))
    }

    /// Applies an edit to a scenario and commits it with its history entry; returns the diff
    /// and the fresh analysis. On any error nothing changes, in memory or on disk.
    pub fn apply(&mut self, s: ScenarioId, op: &Op) -> Result<(Diff, Analysis)> {
        self.map(s)?;
        // In a future state, the mandatory gates of the current state it removes or bypasses
        // without a justification, before the edit (edits may not add to them).
        let guarded = self.mandatory_guard(s)?;
        let map = self.maps.get_mut(&s).expect("loaded above");
        let (diff, analysis) = ops::apply_analyzed(map, op)?;
        if diff.is_empty() {
            return Ok((diff, analysis));
        }
        if let Some(before) = guarded {
            let base = self.current();
            let current = &self.maps[&base];
            let base_analysis = self.kept(base).expect("analysed by the guard");
            let after = &self.maps[&s];
            let new: Vec<MandatoryChange> =
                takt_core::compare::mandatory_changes(current, base_analysis, after, &analysis)
                    .into_iter()
                    .filter(|c| c.unjustified() && !before.contains(&c.gate))
                    .collect();
            if !new.is_empty() {
                let map = self.maps.get_mut(&s).expect("loaded above");
                ops::apply_diff(map, &diff.inverse()).expect("a diff's own inverse applies");
                return Err(StoreError::Unjustified { changes: new });
            }
        }
        let mut seq = 0;
        let (author, name) = (self.author.clone(), self.known(s)?.name.clone());
        self.commit(s, &diff, |tx| {
            audit_row(tx, &author, s, &name, "edit", &json(&diff), "")?;
            tx.execute(
                "DELETE FROM history WHERE scenario = ?1 AND undone = 1",
                [s],
            )?;
            seq = tx.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM history WHERE scenario = ?1",
                [s],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO history (scenario, seq, op, diff) VALUES (?1, ?2, ?3, ?4)",
                params![s, seq, json(op), json(&diff)],
            )?;
            Ok(())
        })?;
        // The undone edits are gone: analyses of the states after this place are of another
        // line of history.
        self.places.insert(s, seq);
        if let Some(v) = self.analyses.get_mut(&s) {
            v.retain(|(p, _)| *p < seq);
        }
        self.keep(s, seq, analysis.clone());
        Ok((diff, analysis))
    }

    /// For an edit of a future state when the current state has mandatory gates: the gates the
    /// future state removes or bypasses without a justification now (`None`: nothing to guard).
    fn mandatory_guard(&mut self, s: ScenarioId) -> Result<Option<Vec<String>>> {
        let base = self.current();
        if s == base {
            return Ok(None);
        }
        let has_mandatory = self.map(base)?.steps.iter().any(|x| {
            x.kind == takt_core::model::StepKind::Gate
                && x.gate.as_ref().is_some_and(|g| g.mandatory)
        });
        if !has_mandatory {
            return Ok(None);
        }
        self.analysis(base)?;
        self.analysis(s)?;
        let a = self.kept(base).expect("analysed above");
        let now = self.kept(s).expect("analysed above");
        Ok(Some(
            takt_core::compare::mandatory_changes(&self.maps[&base], a, &self.maps[&s], now)
                .into_iter()
                .filter(|c| c.unjustified())
                .map(|c| c.gate)
                .collect(),
        ))
    }

    /// A scenario's map and its present analysis, together (without copying either).
    pub fn map_and_analysis(&mut self, s: ScenarioId) -> Result<(&ValueStream, &Analysis)> {
        self.analysis(s)?;
        let a = self.kept(s).expect("analysed above");
        Ok((&self.maps[&s], a))
    }

    /// The kept analysis of a scenario's present state, if there is one.
    fn kept(&self, s: ScenarioId) -> Option<&Analysis> {
        let place = *self.places.get(&s)?;
        self.analyses
            .get(&s)?
            .iter()
            .find(|(p, _)| *p == place)
            .map(|(_, a)| a)
    }

    /// Who the audit trail names for the edits from now on (the operating system's user by
    /// default; `None`: unknown).
    pub fn set_author(&mut self, author: Option<String>) {
        self.author = author;
    }

    /// The audit trail, oldest first: every edit, undo and redo, and every change of the
    /// scenarios, of one scenario or of all. Records are named as the scenario's map names them
    /// now (the current state's, for a deleted scenario).
    pub fn audit(&mut self, only: Option<ScenarioId>) -> Result<Vec<AuditEntry>> {
        type Row = (
            i64,
            Option<String>,
            Option<String>,
            i64,
            String,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = {
            let mut st = self
                .conn
                .prepare(
                    "SELECT seq, at, author, scenario, scenario_name, action, diff, note FROM audit
                     WHERE ?1 IS NULL OR scenario = ?1 ORDER BY seq",
                )
                .map_err(self.sql())?;
            let rows = st
                .query_map([only], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                })
                .map_err(self.sql())?;
            rows.collect::<rusqlite::Result<_>>().map_err(self.sql())?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (seq, at, author, scenario, scenario_name, action, diff, note) in rows {
            let diff: Diff = serde_json::from_str(&diff).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("audit entry {seq}: {e}"),
            })?;
            let named_by = if self.scenarios.iter().any(|x| x.id == scenario) {
                scenario
            } else {
                self.current()
            };
            let map = self.map(named_by)?;
            out.push(AuditEntry {
                seq,
                at,
                author,
                scenario,
                scenario_name,
                action,
                sentences: takt_core::audit::describe(&diff, map),
                note,
            });
        }
        Ok(out)
    }

    /// When each kaizen item of a scenario was last marked done, from the audit trail: the time
    /// (RFC 3339, UTC) of the last edit, undo or redo that took its status to done, for the
    /// items whose status is done now. Items done before the trail was kept have none.
    pub fn kaizen_done(&mut self, s: ScenarioId) -> Result<HashMap<String, String>> {
        use takt_core::model::KaizenStatus;
        let rows: Vec<(String, String)> = {
            let mut st = self
                .conn
                .prepare(
                    "SELECT at, diff FROM audit WHERE scenario = ?1 AND at IS NOT NULL
                     AND action IN ('edit', 'undo', 'redo') AND diff LIKE '%\"kaizen\"%'
                     ORDER BY seq",
                )
                .map_err(self.sql())?;
            let rows = st
                .query_map([s], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(self.sql())?;
            rows.collect::<rusqlite::Result<_>>().map_err(self.sql())?
        };
        let status = |p: &Option<takt_core::ops::Placed>| match p.as_ref().map(|p| &p.record) {
            Some(Record::Kaizen(k)) => Some(k.status),
            _ => None,
        };
        let mut done: HashMap<String, String> = HashMap::new();
        for (at, diff) in rows {
            let Ok(diff) = serde_json::from_str::<Diff>(&diff) else {
                continue;
            };
            for c in &diff.changes {
                if status(&c.after) == Some(KaizenStatus::Done)
                    && status(&c.before) != Some(KaizenStatus::Done)
                {
                    done.insert(c.key.id.clone(), at.clone());
                }
            }
        }
        let map = self.map(s)?;
        done.retain(|id, _| {
            map.kaizen
                .iter()
                .any(|k| &k.id == id && k.status == KaizenStatus::Done)
        });
        Ok(done)
    }

    /// Writes a diff already applied to the scenario's map, with `more` (its history row), in
    /// one transaction. If anything fails the map is put back, so memory and file agree.
    fn commit(
        &mut self,
        s: ScenarioId,
        diff: &Diff,
        more: impl FnOnce(&Transaction) -> rusqlite::Result<()>,
    ) -> Result<()> {
        let written = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            write_diff(&tx, s, diff)?;
            more(&tx)?;
            tx.commit()
        })();
        if let Err(source) = written {
            let map = self.maps.get_mut(&s).expect("the scenario's map is loaded");
            ops::apply_diff(map, &diff.inverse()).expect("a diff's own inverse applies");
            return Err(StoreError::Sqlite {
                path: self.path.clone(),
                source,
            });
        }
        Ok(())
    }

    /// Undoes the scenario's last edit: what it changed and the fresh analysis, as an edit
    /// returns them; `None` when there is nothing to undo.
    pub fn undo(&mut self, s: ScenarioId) -> Result<Option<(Diff, Analysis)>> {
        self.step_history(s, true)
    }

    /// Redoes the edit undone last; `None` when there is nothing to redo.
    pub fn redo(&mut self, s: ScenarioId) -> Result<Option<(Diff, Analysis)>> {
        self.step_history(s, false)
    }

    fn step_history(&mut self, s: ScenarioId, undo: bool) -> Result<Option<(Diff, Analysis)>> {
        self.map(s)?;
        let query = if undo {
            "SELECT seq, diff FROM history WHERE scenario = ?1 AND undone = 0 ORDER BY seq DESC LIMIT 1"
        } else {
            "SELECT seq, diff FROM history WHERE scenario = ?1 AND undone = 1 ORDER BY seq ASC LIMIT 1"
        };
        let entry: Option<(i64, String)> = self
            .conn
            .query_row(query, [s], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(self.sql())?;
        let Some((seq, text)) = entry else {
            return Ok(None);
        };
        let stored: Diff = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("history entry {seq}: {e}"),
        })?;
        let diff = if undo { stored.inverse() } else { stored };
        let map = self.maps.get_mut(&s).expect("loaded above");
        ops::apply_diff(map, &diff).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("history entry {seq} does not match the map: {e}"),
        })?;
        let (author, name) = (self.author.clone(), self.known(s)?.name.clone());
        let action = if undo { "undo" } else { "redo" };
        self.commit(s, &diff, |tx| {
            tx.execute(
                "UPDATE history SET undone = ?3 WHERE scenario = ?1 AND seq = ?2",
                params![s, seq, undo as i64],
            )?;
            audit_row(tx, &author, s, &name, action, &json(&diff), "")
        })?;
        // Undoing edit `seq` goes back to the place before it; redoing it, to it.
        self.places.insert(s, if undo { seq - 1 } else { seq });
        let analysis = self.analysis(s)?.clone();
        Ok(Some((diff, analysis)))
    }

    /// Whether the scenario has an edit to undo and one to redo (two indexed lookups; cheap
    /// enough to ask after every edit).
    pub fn undo_state(&self, s: ScenarioId) -> Result<(bool, bool)> {
        self.known(s)?;
        let has = |undone: i64| {
            self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM history WHERE scenario = ?1 AND undone = ?2)",
                params![s, undone],
                |r| r.get::<_, bool>(0),
            )
        };
        Ok((has(0).map_err(self.sql())?, has(1).map_err(self.sql())?))
    }

    /// The scenario's edits, oldest first.
    pub fn history(&self, s: ScenarioId) -> Result<Vec<HistoryEntry>> {
        self.known(s)?;
        let mut st = self
            .conn
            .prepare("SELECT seq, op, diff, undone FROM history WHERE scenario = ?1 ORDER BY seq")
            .map_err(self.sql())?;
        let rows = st
            .query_map([s], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, op, diff, undone) = row.map_err(self.sql())?;
            let bad = |e: serde_json::Error| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("history entry {seq}: {e}"),
            };
            let op: Op = serde_json::from_str(&op).map_err(bad)?;
            let diff: Diff = serde_json::from_str(&diff).map_err(bad)?;
            out.push(HistoryEntry {
                seq,
                op,
                undone: undone != 0,
                changes: diff.changes.len(),
            });
        }
        Ok(out)
    }

    /// Forks a future state from a scenario: a copy of its map, with a history of its own.
    pub fn fork(&mut self, from: ScenarioId, name: &str) -> Result<ScenarioId> {
        let from_name = self.known(from)?.name.clone();
        self.new_future(
            name,
            from,
            |tx, id| {
                tx.execute(
                    "INSERT INTO records (scenario, kind, id, position, body)
                     SELECT ?1, kind, id, position, body FROM records WHERE scenario = ?2",
                    params![id, from],
                )
                .map(|_| ())
            },
            &format!("Made future state '{name}' from '{from_name}'"),
        )
    }

    /// Adds a future state holding `map` (a mined current state, say), beside the others; `note`
    /// says in the audit trail where it came from. The map must be valid.
    pub fn add_scenario(
        &mut self,
        name: &str,
        map: &ValueStream,
        note: &str,
    ) -> Result<ScenarioId> {
        takt_core::validate(map).map_err(|e| StoreError::Edit(EditError::Invalid(e)))?;
        let parent = self.current();
        self.new_future(
            name,
            parent,
            |tx, id| insert_map(tx, id, map),
            &format!("Added '{name}': {note}"),
        )
    }

    /// A new future state named `name` (unique) after `parent`, its records put in by `fill`,
    /// with its line in the audit trail; all in one transaction.
    fn new_future(
        &mut self,
        name: &str,
        parent: ScenarioId,
        fill: impl FnOnce(&Transaction, ScenarioId) -> rusqlite::Result<()>,
        note: &str,
    ) -> Result<ScenarioId> {
        if self.scenarios.iter().any(|s| s.name == name) {
            return Err(StoreError::ScenarioExists {
                path: self.path.clone(),
                name: name.into(),
            });
        }
        let id = (|| -> rusqlite::Result<ScenarioId> {
            let tx = self.conn.transaction()?;
            tx.execute(
                "INSERT INTO scenarios (name, kind, parent, position)
                 VALUES (?1, 'future', ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM scenarios))",
                params![name, parent],
            )?;
            let id = tx.last_insert_rowid();
            fill(&tx, id)?;
            audit_row(&tx, &self.author, id, name, "fork", EMPTY_DIFF, note)?;
            tx.commit()?;
            Ok(id)
        })()
        .map_err(self.sql())?;
        self.reload_scenarios()?;
        Ok(id)
    }

    pub fn rename(&mut self, s: ScenarioId, name: &str) -> Result<()> {
        self.known(s)?;
        if self.scenarios.iter().any(|x| x.name == name && x.id != s) {
            return Err(StoreError::ScenarioExists {
                path: self.path.clone(),
                name: name.into(),
            });
        }
        let old = self.known(s)?.name.clone();
        let author = self.author.clone();
        (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute(
                "UPDATE scenarios SET name = ?2 WHERE id = ?1",
                params![s, name],
            )?;
            audit_row(
                &tx,
                &author,
                s,
                name,
                "rename",
                EMPTY_DIFF,
                &format!("Renamed scenario '{old}' to '{name}'"),
            )?;
            tx.commit()
        })()
        .map_err(self.sql())?;
        self.reload_scenarios()
    }

    /// Deletes a future state, with its history.
    pub fn delete(&mut self, s: ScenarioId) -> Result<()> {
        if self.known(s)?.kind == ScenarioKind::Current {
            return Err(StoreError::CurrentState {
                path: self.path.clone(),
            });
        }
        let name = self.known(s)?.name.clone();
        let author = self.author.clone();
        (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute("DELETE FROM scenarios WHERE id = ?1", [s])?;
            audit_row(
                &tx,
                &author,
                s,
                &name,
                "delete",
                EMPTY_DIFF,
                &format!("Deleted future state '{name}'"),
            )?;
            tx.commit()
        })()
        .map_err(self.sql())?;
        self.maps.remove(&s);
        self.analyses.remove(&s);
        self.places.remove(&s);
        self.reload_scenarios()
    }

    /// Compares two scenarios: metric deltas and the steps added, removed and changed.
    pub fn compare(
        &mut self,
        a: ScenarioId,
        b: ScenarioId,
    ) -> Result<takt_core::compare::Comparison> {
        let x = self.map(a)?.clone();
        let y = self.map(b)?;
        takt_core::compare::compare(&x, y).map_err(|(_, e)| StoreError::Edit(EditError::Invalid(e)))
    }

    /// Takes a dated snapshot of the current state. `taken` is a date, YYYY-MM-DD (the caller
    /// knows the date; the store does not read the clock).
    pub fn snapshot(&mut self, taken: &str, label: &str) -> Result<i64> {
        let s = self.current();
        let body = format::to_json(self.map(s)?);
        let metrics = headline_json(self.analysis(s)?);
        self.insert_snapshot(taken, label, body, metrics, None)
    }

    /// Takes an earlier state of the value stream, read from a map file (`source` names it in
    /// errors and in the trail), as a snapshot dated `taken`. The map must be valid; nothing is
    /// added otherwise.
    pub fn import_snapshot(
        &mut self,
        map: &ValueStream,
        source: &str,
        taken: &str,
        label: &str,
    ) -> Result<i64> {
        let a = takt_core::analyze(map).map_err(|e| StoreError::NotAMap {
            file: source.into(),
            why: e.to_string(),
        })?;
        let mut map = map.clone();
        map.scenario = None;
        let metrics = headline_json(&a);
        self.insert_snapshot(taken, label, format::to_json(&map), metrics, Some(source))
    }

    fn insert_snapshot(
        &mut self,
        taken: &str,
        label: &str,
        body: String,
        metrics: String,
        source: Option<&str>,
    ) -> Result<i64> {
        if !takt_core::validate::is_date(taken) {
            return Err(StoreError::BadDate {
                path: self.path.clone(),
                date: taken.into(),
            });
        }
        if let Some(other) = self.snapshots()?.into_iter().find(|x| x.taken == taken) {
            return Err(StoreError::SnapshotDateTaken {
                path: self.path.clone(),
                date: taken.into(),
                label: other.label,
            });
        }
        let s = self.current();
        let (author, name) = (self.author.clone(), self.known(s)?.name.clone());
        (|| -> rusqlite::Result<i64> {
            let tx = self.conn.transaction()?;
            tx.execute(
                "INSERT INTO snapshots (scenario, taken, label, body, metrics)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s, taken, label, body, metrics],
            )?;
            let id = tx.last_insert_rowid();
            let what = match source {
                None => format!("Took a snapshot of the current state dated {taken}"),
                Some(f) => format!("Took {f} as a snapshot dated {taken}"),
            };
            let what = if label.is_empty() {
                what
            } else {
                format!("{what}: '{label}'")
            };
            audit_row(&tx, &author, s, &name, "snapshot", EMPTY_DIFF, &what)?;
            tx.commit()?;
            Ok(id)
        })()
        .map_err(self.sql())
    }

    /// The snapshots, oldest first.
    pub fn snapshots(&self) -> Result<Vec<Snapshot>> {
        let mut st = self
            .conn
            .prepare("SELECT id, taken, label FROM snapshots ORDER BY taken, id")
            .map_err(self.sql())?;
        let rows = st
            .query_map([], |r| {
                Ok(Snapshot {
                    id: r.get(0)?,
                    taken: r.get(1)?,
                    label: r.get(2)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<rusqlite::Result<_>>().map_err(self.sql())
    }

    /// A snapshot's map, to read (snapshots are not edited).
    pub fn snapshot_map(&self, id: i64) -> Result<ValueStream> {
        let body: Option<String> = self
            .conn
            .query_row("SELECT body FROM snapshots WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql())?;
        let body = body.ok_or_else(|| StoreError::UnknownSnapshot {
            path: self.path.clone(),
            id,
        })?;
        format::load(&body).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("snapshot {id}: {e}"),
        })
    }

    /// A metric's trend over the snapshots, oldest first, as an XmR chart. `metric` is a
    /// headline metric's name (`lead_time_s`, `pce`, `gate_time_s`, `wip_items`, ...). Each
    /// snapshot's metrics are kept with it when it is taken (schema 3; an older file's are
    /// computed the first time and kept). The snapshots are those of the points (a snapshot
    /// that is not a valid map has none).
    pub fn trend(&mut self, metric: &str) -> Result<(Vec<Snapshot>, takt_core::xmr::Xmr)> {
        let k = takt_core::compare::HEADLINE
            .iter()
            .position(|m| *m == metric)
            .ok_or_else(|| StoreError::UnknownMetric {
                metric: metric.into(),
            })?;
        type Row = (i64, String, String, Option<String>);
        let rows: Vec<Row> = {
            let mut st = self
                .conn
                .prepare("SELECT id, taken, label, metrics FROM snapshots ORDER BY taken, id")
                .map_err(self.sql())?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(self.sql())?;
            rows.collect::<rusqlite::Result<_>>().map_err(self.sql())?
        };
        let mut points = Vec::with_capacity(rows.len());
        let mut of_points = Vec::with_capacity(rows.len());
        for (id, taken, label, metrics) in rows {
            let values: Vec<Option<f64>> = match metrics.and_then(|m| serde_json::from_str(&m).ok())
            {
                Some(v) => v,
                None => {
                    // A snapshot of an older file: its figures, computed once and kept.
                    let values: Vec<Option<f64>> = match takt_core::analyze(&self.snapshot_map(id)?)
                    {
                        Ok(a) => takt_core::compare::headline(&a)
                            .into_iter()
                            .map(|x| x.1)
                            .collect(),
                        Err(_) => vec![],
                    };
                    let text = serde_json::to_string(&values).expect("numbers serialise");
                    self.conn
                        .execute(
                            "UPDATE snapshots SET metrics = ?1 WHERE id = ?2",
                            params![text, id],
                        )
                        .map_err(self.sql())?;
                    values
                }
            };
            if let Some(Some(v)) = values.get(k) {
                points.push((taken.clone(), *v));
                of_points.push(Snapshot { id, taken, label });
            }
        }
        Ok((of_points, takt_core::xmr::xmr(&points)))
    }

    /// The scenario as an interchange (JSON) file's text.
    pub fn export_json(&mut self, s: ScenarioId) -> Result<String> {
        Ok(format::to_json(self.map(s)?))
    }

    /// The scenario as an interchange file that says which scenario it is (`"scenario"`).
    pub fn export_scenario_json(&mut self, s: ScenarioId) -> Result<String> {
        let name = self.known(s)?.name.clone();
        let mut map = self.map(s)?.clone();
        map.scenario = Some(name);
        Ok(format::to_json(&map))
    }

    /// Copies the document, consistent, to a new file while this one stays open (Save As,
    /// export). The target must not exist.
    pub fn save_as(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(StoreError::Exists {
                path: target.into(),
            });
        }
        let name = target.to_str().ok_or_else(|| StoreError::NotFound {
            path: target.into(),
        })?;
        self.conn
            .execute("VACUUM INTO ?1", [name])
            .map_err(self.sql())?;
        Ok(())
    }
}

/// The first bytes of a SQLite file's header that tell whether it is a Takt document: the
/// magic string, the page size, the page count, the user version and the application id.
const HEADER_LEN: usize = 100;

/// Checks what the header of the file says, from its bytes alone, and returns its schema
/// version: a file that is not SQLite, not Takt's, newer than this program, or shorter than its
/// header says is refused here, before SQLite opens it.
fn check_header(path: &Path) -> Result<i32> {
    use std::io::Read;
    let not_takt = |why: &str| StoreError::NotTakt {
        path: path.into(),
        why: why.into(),
    };
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.into(),
        detail,
    };
    let mut f = std::fs::File::open(path).map_err(|e| StoreError::Sqlite {
        path: path.into(),
        source: rusqlite::Error::InvalidPath(format!("{}: {e}", path.display()).into()),
    })?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(HEADER_LEN);
    f.by_ref()
        .take(HEADER_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| corrupt(format!("its header cannot be read: {e}")))?;
    if head.len() < SQLITE_MAGIC.len() || &head[..SQLITE_MAGIC.len()] != SQLITE_MAGIC {
        return Err(not_takt("it is not a SQLite database"));
    }
    if head.len() < HEADER_LEN {
        return Err(corrupt(format!(
            "it is cut short: {len} bytes, less than a database header"
        )));
    }
    let be16 = |i: usize| u16::from_be_bytes([head[i], head[i + 1]]);
    let be32 = |i: usize| u32::from_be_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let page = match be16(16) {
        1 => 65_536,
        p if p >= 512 && p.is_power_of_two() => p as u64,
        p => {
            return Err(corrupt(format!(
                "its page size, {p}, is not one SQLite writes"
            )))
        }
    };
    let version = be32(60) as i32;
    check_ids(path, be32(68) as i32, version)?;
    // The page count is valid when the change counter matches the version-valid-for number.
    let pages = be32(28) as u64;
    if len % page != 0 || (be32(24) == be32(92) && pages > 0 && len < pages * page) {
        return Err(corrupt(format!(
            "it is cut short: {len} bytes, where its header says {} pages of {page} bytes",
            pages
        )));
    }
    Ok(version)
}

/// Refuses a file whose application id is not Takt's, or whose schema is newer than this
/// program's.
fn check_ids(path: &Path, app: i32, version: i32) -> Result<()> {
    if app != APPLICATION_ID {
        return Err(StoreError::NotTakt {
            path: path.into(),
            why: if app == 0 {
                "a SQLite database of another program".to_string()
            } else {
                format!("its application id is {app:#x}, not Takt's")
            },
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.into(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    // Takt writes its application id and schema version in one transaction with the schema:
    // a file with the id and no version has no Takt schema. (An older schema, once there is
    // one, is to be migrated and checked on a private copy before the file is written.)
    if version < 1 {
        return Err(StoreError::Corrupt {
            path: path.into(),
            detail: format!("it has Takt's application id but no Takt schema (version {version})"),
        });
    }
    Ok(())
}

/// A `file:` URI for SQLite, read-only; `immutable`: nothing locked, journaled or made beside.
fn file_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'%' | b'?' | b'#' => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
}

/// A document and the log or journal beside it, copied into a private folder (a random name,
/// readable by this user alone) to be checked there; removed with it.
struct PrivateCopy {
    _dir: tempfile::TempDir,
    file: PathBuf,
}

impl PrivateCopy {
    /// A copy of `path` with what is beside it (a write-ahead log, or a hot rollback journal,
    /// which SQLite replays or rolls back when it opens the file), if there is any; `None`
    /// when there is nothing beside it.
    fn of(path: &Path) -> Result<Option<PrivateCopy>> {
        let side = |suffix: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        };
        let beside: Vec<&str> = ["-wal", "-journal"]
            .into_iter()
            .filter(|s| side(s).exists())
            .collect();
        if beside.is_empty() {
            return Ok(None);
        }
        let fail = |e: std::io::Error| StoreError::Sqlite {
            path: path.into(),
            source: rusqlite::Error::InvalidPath(format!("a private copy to check: {e}").into()),
        };
        let dir = tempfile::Builder::new()
            .prefix("takt-check-")
            .tempdir()
            .map_err(fail)?;
        let file = dir.path().join("check.takt");
        std::fs::copy(path, &file).map_err(fail)?;
        for s in beside {
            std::fs::copy(side(s), dir.path().join(format!("check.takt{s}"))).map_err(fail)?;
        }
        Ok(Some(PrivateCopy { _dir: dir, file }))
    }
}

/// Per-connection settings: WAL, every commit synced, foreign keys, no waiting on a lock.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(std::time::Duration::from_millis(0))?;
    Ok(())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("values serialise")
}

fn records_of(map: &ValueStream) -> Vec<Record> {
    let mut out = vec![Record::Meta(ops::meta(map))];
    out.extend(map.teams.iter().cloned().map(Record::Team));
    out.extend(map.steps.iter().cloned().map(Record::Step));
    out.extend(map.flows.iter().cloned().map(Record::Flow));
    out.extend(map.assets.iter().cloned().map(Record::Asset));
    out.extend(map.lineage.iter().cloned().map(Record::Lineage));
    out.extend(map.links.iter().cloned().map(Record::Link));
    out.extend(map.kaizen.iter().cloned().map(Record::Kaizen));
    out.extend(map.notes.iter().cloned().map(Record::Note));
    out
}

fn insert_map(tx: &Transaction, s: ScenarioId, map: &ValueStream) -> rusqlite::Result<()> {
    let mut st = tx.prepare(
        "INSERT INTO records (scenario, kind, id, position, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut position: HashMap<Kind, i64> = HashMap::new();
    for r in records_of(map) {
        let key = r.key();
        let p = position.entry(key.kind).or_insert(0);
        st.execute(params![s, key.kind.name(), key.id, *p, json(&r)])?;
        *p += 1;
    }
    Ok(())
}

enum LoadError {
    Sqlite(rusqlite::Error),
    Bad(String),
}

fn load_map(conn: &Connection, s: ScenarioId) -> std::result::Result<ValueStream, LoadError> {
    let mut st = conn
        .prepare("SELECT kind, id, body FROM records WHERE scenario = ?1 ORDER BY kind, position")
        .map_err(LoadError::Sqlite)?;
    let rows = st
        .query_map([s], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(LoadError::Sqlite)?;
    let mut map = ValueStream::new("");
    let mut meta = None;
    for row in rows {
        let (kind, id, body) = row.map_err(LoadError::Sqlite)?;
        let record: Record = serde_json::from_str(&body)
            .map_err(|e| LoadError::Bad(format!("record {kind} '{id}': {e}")))?;
        if record.key().kind.name() != kind || record.key().id != id {
            return Err(LoadError::Bad(format!(
                "record {kind} '{id}' holds {}",
                record.key()
            )));
        }
        match record {
            Record::Meta(m) => meta = Some(m),
            Record::Team(x) => map.teams.push(x),
            Record::Step(x) => map.steps.push(x),
            Record::Flow(x) => map.flows.push(x),
            Record::Asset(x) => map.assets.push(x),
            Record::Lineage(x) => map.lineage.push(x),
            Record::Link(x) => map.links.push(x),
            Record::Kaizen(x) => map.kaizen.push(x),
            Record::Note(x) => map.notes.push(x),
        }
    }
    let meta = meta.ok_or_else(|| LoadError::Bad("the map's own fields are missing".into()))?;
    ops::apply_diff(
        &mut map,
        &Diff {
            changes: vec![Change {
                key: ops::Key::new(Kind::Meta, ""),
                before: None,
                after: Some(ops::Placed {
                    index: 0,
                    record: Record::Meta(meta),
                }),
            }],
        },
    )
    .map_err(|e| LoadError::Bad(e.to_string()))?;
    takt_core::validate(&map).map_err(|e| LoadError::Bad(e.to_string()))?;
    Ok(map)
}

/// Writes a diff's changes to a scenario's records, keeping positions in step with the map's
/// collections.
fn write_diff(tx: &Transaction, s: ScenarioId, diff: &Diff) -> rusqlite::Result<()> {
    for c in &diff.changes {
        let kind = c.key.kind.name();
        if c.key.kind == Kind::Meta {
            if let Some(a) = &c.after {
                tx.execute(
                    "UPDATE records SET body = ?3 WHERE scenario = ?1 AND kind = ?2 AND id = ''",
                    params![s, kind, json(&a.record)],
                )?;
            }
            continue;
        }
        match (&c.before, &c.after) {
            (Some(b), Some(a)) if a.index == b.index => {
                tx.execute(
                    "UPDATE records SET body = ?4 WHERE scenario = ?1 AND kind = ?2 AND id = ?3",
                    params![s, kind, c.key.id, json(&a.record)],
                )?;
            }
            (before, after) => {
                if let Some(b) = before {
                    tx.execute(
                        "DELETE FROM records WHERE scenario = ?1 AND kind = ?2 AND id = ?3",
                        params![s, kind, c.key.id],
                    )?;
                    tx.execute(
                        "UPDATE records SET position = position - 1 WHERE scenario = ?1 AND kind = ?2 AND position > ?3",
                        params![s, kind, b.index],
                    )?;
                }
                if let Some(a) = after {
                    tx.execute(
                        "UPDATE records SET position = position + 1 WHERE scenario = ?1 AND kind = ?2 AND position >= ?3",
                        params![s, kind, a.index],
                    )?;
                    tx.execute(
                        "INSERT INTO records (scenario, kind, id, position, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![s, kind, c.key.id, a.index, json(&a.record)],
                    )?;
                }
            }
        }
    }
    Ok(())
}
