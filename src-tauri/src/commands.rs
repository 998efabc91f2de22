//! The commands the UI calls. Each takes the open session, calls it, and returns what the UI
//! draws; paths come only from native dialogs (or the recent-files list), never from the page.

use crate::error::AppError;
use crate::session::{free_path, Edited, Loaded, Session};
use crate::{dialogs, AppState};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::MutexGuard;
use takt_core::ops::Op;
use tauri::{AppHandle, Manager, Runtime, State};

fn lock<'a>(state: &'a State<'_, AppState>) -> MutexGuard<'a, Option<Session>> {
    // A panic while the lock was held cannot leave a half-made edit (the store commits whole
    // edits or nothing), so a poisoned lock is still safe to use.
    state.session.lock().unwrap_or_else(|p| p.into_inner())
}

fn with_session<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Session) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut guard = lock(state);
    let session = guard.as_mut().ok_or(AppError::NoDocument)?;
    f(session)
}

/// Puts the document's name and scenario in the window title.
pub fn set_title<R: Runtime>(app: &AppHandle<R>, title: &str) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(title);
    }
}

/// Runs `f` on the open session, then titles the window with the scenario it leaves on screen.
fn retitled<R: Runtime, T>(
    app: &AppHandle<R>,
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Session) -> Result<T, AppError>,
) -> Result<T, AppError> {
    with_session(state, |s| {
        let out = f(s)?;
        set_title(app, &s.window_title());
        Ok(out)
    })
}

/// Makes `session` the open document: remembers it in the recent files, titles the window.
pub fn install<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    mut session: Session,
) -> Result<Loaded, AppError> {
    let loaded = session.loaded()?;
    set_title(app, &session.window_title());
    state.remember(session.path());
    // Nobody is sent here for the document being replaced once it is closed: its socket goes
    // first (a Takt opening it right after must be able to listen for it).
    *state.handoff.lock().unwrap_or_else(|p| p.into_inner()) = None;
    // The document it replaces is closed whole (its log copied into it).
    let old = state
        .session
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(session);
    if let Some(old) = old {
        let path = old.path().to_path_buf();
        if let Err(e) = old.close() {
            eprintln!("takt: {} could not be closed cleanly: {e}", path.display());
        }
    }
    listen_for(app, state);
    crate::menu::refresh(app, state);
    Ok(loaded)
}

/// Listens for another Takt asking for the document on screen: it brings this window to the
/// front and tells the page (which says so).
fn listen_for<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let mut slot = state.handoff.lock().unwrap_or_else(|p| p.into_inner());
    // The previous document's socket goes first: the new document may be the same file.
    *slot = None;
    #[cfg(unix)]
    {
        let path = state
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|s| s.path().to_path_buf());
        if let Some(path) = path {
            let app = app.clone();
            *slot = crate::handoff::listen(&path, move || {
                use tauri_specta::Event;
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.unminimize();
                    let _ = w.show();
                    let _ = w.set_focus();
                }
                let _ = crate::MenuAction {
                    id: "asked-for".into(),
                }
                .emit(&app);
            });
        }
    }
}

/// The open document, as the UI draws it.
#[tauri::command]
#[specta::specta]
pub async fn current(state: State<'_, AppState>) -> Result<Loaded, AppError> {
    with_session(&state, |s| s.loaded())
}

/// Applies one edit (a batch counts as one) to the scenario on screen.
#[tauri::command]
#[specta::specta]
pub async fn apply(op: Op, state: State<'_, AppState>) -> Result<Edited, AppError> {
    with_session(&state, |s| s.apply(&op))
}

/// Applies an edit that removes or bypasses mandatory gates, with its justification.
#[tauri::command]
#[specta::specta]
pub async fn apply_justified(
    op: Op,
    gates: Vec<String>,
    justification: String,
    state: State<'_, AppState>,
) -> Result<Edited, AppError> {
    with_session(&state, |s| s.apply_justified(&op, &gates, &justification))
}

/// Opens item `index` of gate `step`'s evidence with the operating system's application for it.
/// The link is read from the document (the page names only the item), and checked again.
#[tauri::command]
#[specta::specta]
pub async fn open_evidence(
    step: String,
    index: u32,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    let link = with_session(&state, |s| s.evidence_link(&step, index as usize))?;
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(&link)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| AppError::Input {
            field: "gate.evidence.link".into(),
            message: format!("'{link}' could not be opened: {e}"),
        })
}

/// A report's format and page size, as the page asks for them.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Pdf,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

/// How far the report being written is.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReportProgress {
    pub share: f32,
    pub stage: String,
}

/// Writes the compliance report of the scenario on screen to a file the user picks (a save
/// dialog). The data is gathered under the session's lock; the typesetting runs on a thread of
/// its own, with its progress for `report_progress` and `cancel_report` heard between its
/// stages. The file is written whole or not at all. `None`: no file was picked, or the user
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_report<R: Runtime>(
    format: ReportFormat,
    paper: Paper,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let (date, author) = today_and_author();
    let (stem, report) = with_session(&state, |s| {
        let stem = format!("{} - {} - compliance report", s.title(), s.scenario_name());
        Ok((stem, s.compliance(&date, &author)?))
    })?;
    export(
        &app,
        &state,
        "Export compliance report",
        &stem,
        format,
        paper,
        move |f, p, progress| takt_report::render(&report, f, p, progress),
    )
    .await
}

/// Writes the executive report of 2 to 4 scenarios (the baseline first; none: the current
/// state and up to three future states) to a file the user picks, like `export_report`.
#[tauri::command]
#[specta::specta]
pub async fn export_executive<R: Runtime>(
    scenarios: Vec<String>,
    format: ReportFormat,
    paper: Paper,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let (date, author) = today_and_author();
    let (stem, input) = with_session(&state, |s| {
        let stem = format!("{} - executive report", s.title());
        Ok((stem, s.executive_input(&scenarios, &date, &author)?))
    })?;
    export(
        &app,
        &state,
        "Export executive report",
        &stem,
        format,
        paper,
        move |f, p, progress| {
            let e = takt_report::executive::executive(input, &mut *progress).map_err(|e| {
                if e == "cancelled" {
                    takt_report::ReportError::Cancelled
                } else {
                    takt_report::ReportError::Typeset(e)
                }
            })?;
            takt_report::render_executive(&e, f, p, progress)
        },
    )
    .await
}

/// Today (YYYY-MM-DD) and who prepares a report (the operating system's user).
fn today_and_author() -> (String, String) {
    let date = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    (
        date,
        takt_store::os_user().unwrap_or_else(|| "unknown".into()),
    )
}

/// Asks where to write a report, then makes it (`make`) on a thread of its own with the
/// progress and Cancel of `report_progress` and `cancel_report`, and writes it whole or not at
/// all.
async fn export<R: Runtime>(
    app: &AppHandle<R>,
    state: &State<'_, AppState>,
    title: &str,
    stem: &str,
    format: ReportFormat,
    paper: Paper,
    make: impl FnOnce(
            takt_report::Format,
            takt_report::Paper,
            takt_report::Progress<'_>,
        ) -> Result<Vec<u8>, takt_report::ReportError>
        + Send
        + 'static,
) -> Result<Option<String>, AppError> {
    use std::sync::atomic::Ordering;
    let (label, format) = match format {
        ReportFormat::Pdf => ("PDF document", takt_report::Format::Pdf),
        ReportFormat::Html => ("Web page (HTML)", takt_report::Format::Html),
        ReportFormat::Json => ("JSON", takt_report::Format::Json),
    };
    let Some(path) = dialogs::pick_save(app, title, stem, label, format.extension()) else {
        return Ok(None);
    };
    let paper = match paper {
        Paper::A4 => takt_report::Paper::A4,
        Paper::Letter => takt_report::Paper::Letter,
    };
    state.report_cancel.store(false, Ordering::SeqCst);
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) =
        Some((0.0, "Gathering the data".into()));
    let handle = app.clone();
    let written = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let mut progress = |share: f32, stage: &str| {
            *state.report.lock().unwrap_or_else(|p| p.into_inner()) = Some((share, stage.into()));
            !state.report_cancel.load(Ordering::SeqCst)
        };
        let bytes = make(format, paper, &mut progress)?;
        if state.report_cancel.load(Ordering::SeqCst) {
            return Err(takt_report::ReportError::Cancelled);
        }
        takt_report::write_atomically(&path, &bytes)?;
        Ok(path)
    })
    .await
    .map_err(|e| AppError::Input {
        field: "report".into(),
        message: format!("the report could not be written: {e}"),
    })?;
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = None;
    match written {
        Ok(path) => Ok(Some(path.display().to_string())),
        Err(takt_report::ReportError::Cancelled) => Ok(None),
        Err(e @ takt_report::ReportError::Write { .. }) => Err(AppError::File {
            path: String::new(),
            message: e.to_string(),
        }),
        Err(e) => Err(AppError::Input {
            field: "report".into(),
            message: e.to_string(),
        }),
    }
}

/// How far the report being written is (`None`: none is being written).
#[tauri::command]
#[specta::specta]
pub async fn report_progress(
    state: State<'_, AppState>,
) -> Result<Option<ReportProgress>, AppError> {
    Ok(state
        .report
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .map(|(share, stage)| ReportProgress { share, stage }))
}

/// Asks the report being written to stop (between its stages); no file is left.
#[tauri::command]
#[specta::specta]
pub async fn cancel_report(state: State<'_, AppState>) -> Result<(), AppError> {
    state
        .report_cancel
        .store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Scenarios side by side (2 to 4, the first the baseline).
#[tauri::command]
#[specta::specta]
pub async fn compare(
    scenarios: Vec<String>,
    state: State<'_, AppState>,
) -> Result<crate::session::CompareView, AppError> {
    with_session(&state, |s| s.compare(&scenarios))
}

/// The compare view's pictures: the ladders on one time axis and the maps marked with their
/// changes.
#[tauri::command]
#[specta::specta]
pub async fn compare_pictures(
    scenarios: Vec<String>,
    state: State<'_, AppState>,
) -> Result<crate::session::ComparePictures, AppError> {
    with_session(&state, |s| s.compare_pictures(&scenarios))
}

/// The waterfall of each scenario after the first against it, worked off the session's lock on
/// a thread of its own, with the progress and Cancel of a report (`report_progress`,
/// `cancel_report`). `None`: cancelled.
#[tauri::command]
#[specta::specta]
pub async fn waterfalls<R: Runtime>(
    scenarios: Vec<String>,
    metric: takt_core::waterfall::WaterfallMetric,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Vec<crate::session::WaterfallView>>, AppError> {
    use std::sync::atomic::Ordering;
    let maps = with_session(&state, |s| s.scenarios_for_comparison(&scenarios))?;
    state.report_cancel.store(false, Ordering::SeqCst);
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) =
        Some((0.0, "Attributing the changes".into()));
    let handle = app.clone();
    let done = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let base = &maps[0].0;
        let n = maps.len() - 1;
        let mut out = Vec::with_capacity(n);
        for (k, (m, _)) in maps[1..].iter().enumerate() {
            let progress = |done: u64, total: u64| {
                let share = (k as f32 + done as f32 / total.max(1) as f32) / n as f32;
                *state.report.lock().unwrap_or_else(|p| p.into_inner()) = Some((
                    share,
                    format!("Attributing the changes of '{}'", scenarios[k + 1]),
                ));
                !state.report_cancel.load(Ordering::SeqCst)
            };
            let w = match takt_core::waterfall::waterfall(base, m, metric, &progress) {
                Ok(w) => w,
                Err(takt_core::waterfall::WaterfallError::Cancelled) => return Ok(None),
                Err(e) => {
                    return Err(AppError::Input {
                        field: "scenarios".into(),
                        message: format!("{}: {e}", scenarios[k + 1]),
                    })
                }
            };
            let name = metric.name();
            let fmt = |v: f64| crate::session::figure_of(name, v, m);
            let signed = |v: f64| takt_core::figures::delta_text(name, v, m.unit, &m.calendar);
            let svg = takt_report::charts::waterfall_svg(
                &w,
                &scenarios[0],
                &scenarios[k + 1],
                &fmt,
                &signed,
            );
            out.push(crate::session::WaterfallView {
                scenario: scenarios[k + 1].clone(),
                waterfall: w,
                svg,
            });
        }
        Ok(Some(out))
    })
    .await
    .map_err(|e| AppError::Input {
        field: "scenarios".into(),
        message: format!("the waterfall could not be worked out: {e}"),
    })?;
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = None;
    done
}

/// Monte Carlo of 1 to 4 scenarios (`runs` each, seeded: the same seed gives the same
/// figures), off the session's lock with the report's progress and Cancel; the share within
/// `target` (a duration, "15wd") when given. `None`: cancelled.
#[tauri::command]
#[specta::specta]
pub async fn simulate<R: Runtime>(
    scenarios: Vec<String>,
    runs: u32,
    seed: u32,
    target: Option<String>,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<crate::session::SimulationView>, AppError> {
    use std::sync::atomic::Ordering;
    let maps = with_session(&state, |s| s.maps_of(&scenarios))?;
    let target_s = match target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => {
            let d: takt_core::Duration = t.parse().map_err(|e| AppError::Input {
                field: "target".into(),
                message: format!("the target: {e}"),
            })?;
            Some(d.seconds(&maps[0].calendar))
        }
    };
    let runs = runs.clamp(100, 1_000_000);
    state.report_cancel.store(false, Ordering::SeqCst);
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = Some((0.0, "Simulating".into()));
    let handle = app.clone();
    let done = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let n = maps.len();
        let mut sims = Vec::with_capacity(n);
        for (k, m) in maps.iter().enumerate() {
            let mut progress = |done: u32, total: u32| {
                let share = (k as f32 + done as f32 / total.max(1) as f32) / n as f32;
                *state.report.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((share, format!("Simulating '{}'", scenarios[k])));
                !state.report_cancel.load(Ordering::SeqCst)
            };
            match takt_core::simulate::simulate_with(m, runs, seed as u64, &mut progress) {
                Ok(Some(sim)) => sims.push(sim),
                Ok(None) => return Ok(None),
                Err(e) => {
                    return Err(AppError::Input {
                        field: "scenarios".into(),
                        message: format!("{}: {e}", scenarios[k]),
                    })
                }
            }
        }
        let named: Vec<(&str, &takt_core::simulate::Simulation)> =
            scenarios.iter().map(String::as_str).zip(&sims).collect();
        let fmt = |v: f64| crate::session::figure_of("lead_time_s", v, &maps[0]);
        let svg = takt_report::charts::histogram_svg(&named, target_s, &fmt);
        let series = scenarios
            .iter()
            .zip(sims)
            .map(|(name, s)| crate::session::SimSeries {
                scenario: name.clone(),
                runs: s.runs,
                mean_s: s.mean_s,
                p50_s: s.p50_s,
                p85_s: s.p85_s,
                p95_s: s.p95_s,
                min_s: s.min_s,
                max_s: s.max_s,
                deterministic_s: s.deterministic_s,
                within: target_s.map(|t| s.within(t)),
                critical: s.critical,
            })
            .collect();
        Ok(Some(crate::session::SimulationView {
            series,
            target_s,
            svg,
        }))
    })
    .await
    .map_err(|e| AppError::Input {
        field: "simulation".into(),
        message: format!("the simulation could not run: {e}"),
    })?;
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = None;
    done
}

/// The kaizen board of the scenario on screen, today.
#[tauri::command]
#[specta::specta]
pub async fn kaizen_board(
    state: State<'_, AppState>,
) -> Result<crate::session::BoardView, AppError> {
    let today = chrono::Local::now().date_naive();
    with_session(&state, |s| s.board(today))
}

/// Takes a snapshot of the current state, dated today, with a note.
#[tauri::command]
#[specta::specta]
pub async fn take_snapshot(note: String, state: State<'_, AppState>) -> Result<String, AppError> {
    let date = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    with_session(&state, |s| s.snapshot(&date, &note))?;
    Ok(date)
}

/// Takes a map file the user picks as a snapshot dated `date`. `false`: no file was picked.
#[tauri::command]
#[specta::specta]
pub async fn import_snapshot<R: Runtime>(
    date: String,
    note: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<bool, AppError> {
    if !takt_core::validate::is_date(&date) {
        return Err(AppError::Input {
            field: "date".into(),
            message: format!("'{date}' is not a date; write it as YYYY-MM-DD"),
        });
    }
    let Some(path) = dialogs::pick_file(
        &app,
        "Import an earlier state",
        "Takt map (JSON)",
        &["json"],
    ) else {
        return Ok(false);
    };
    with_session(&state, |s| s.import_snapshot(&path, &date, &note))?;
    Ok(true)
}

/// A snapshot, to read (snapshots are not edited).
#[tauri::command]
#[specta::specta]
pub async fn snapshot_view(
    id: f64,
    state: State<'_, AppState>,
) -> Result<crate::session::SnapshotView, AppError> {
    with_session(&state, |s| s.snapshot_view(id as i64))
}

/// A metric's trend over the snapshots, as an XmR chart.
#[tauri::command]
#[specta::specta]
pub async fn trend(
    metric: String,
    state: State<'_, AppState>,
) -> Result<crate::session::TrendView, AppError> {
    with_session(&state, |s| s.trend(&metric))
}

/// The lineage view of the scenario on screen: layout, freshness, waste candidates.
#[tauri::command]
#[specta::specta]
pub async fn lineage_view(
    state: State<'_, AppState>,
) -> Result<crate::session::LineageView, AppError> {
    with_session(&state, |s| s.lineage_view())
}

/// What lies downstream (`downstream`: impact) or upstream of an asset.
#[tauri::command]
#[specta::specta]
pub async fn lineage_reach(
    asset: String,
    downstream: bool,
    state: State<'_, AppState>,
) -> Result<takt_core::lineage::Reach, AppError> {
    with_session(&state, |s| s.lineage_reach(&asset, downstream))
}

/// Reads a file of OpenLineage events the user picks (JSON Lines or a JSON array); the page
/// shows what it holds, and the lines it could not read, before `merge_lineage`. `None`: no
/// file was picked.
#[tauri::command]
#[specta::specta]
pub async fn read_lineage<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<crate::session::LineageImport>, AppError> {
    let Some(path) = dialogs::pick_file(
        &app,
        "Import OpenLineage events",
        "OpenLineage events (JSON Lines or JSON)",
        &["jsonl", "ndjson", "json"],
    ) else {
        return Ok(None);
    };
    with_session(&state, |s| s.read_lineage(&path).map(Some))
}

/// Merges the events read last into the scenario on screen (one edit). `None`: nothing new.
#[tauri::command]
#[specta::specta]
pub async fn merge_lineage(state: State<'_, AppState>) -> Result<Option<Edited>, AppError> {
    with_session(&state, |s| s.merge_lineage())
}

/// Forgets the events read last.
#[tauri::command]
#[specta::specta]
pub async fn discard_lineage(state: State<'_, AppState>) -> Result<(), AppError> {
    with_session(&state, |s| {
        s.discard_lineage();
        Ok(())
    })
}

fn pending_log(state: &AppState) -> std::sync::MutexGuard<'_, Option<crate::mining::PendingLog>> {
    state.mining.lock().unwrap_or_else(|p| p.into_inner())
}

fn no_log() -> AppError {
    AppError::Input {
        field: "log".into(),
        message: "no event log is open in the import; choose one again".into(),
    }
}

/// File ▸ Import ▸ Event Log: the log the user picks, its head and the columns guessed (kept
/// for the wizard's next steps). `None`: no file was picked.
#[tauri::command]
#[specta::specta]
pub async fn read_log<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<crate::mining::LogPreview>, AppError> {
    let Some(path) = dialogs::pick_file(
        &app,
        "Import an event log",
        "Event log (CSV, XES)",
        &["csv", "tsv", "txt", "xes", "gz"],
    ) else {
        return Ok(None);
    };
    let (shown, pending) = crate::mining::preview(&path)?;
    *pending_log(&state) = Some(pending);
    Ok(Some(shown))
}

/// How the preview's timestamps read with these settings.
#[tauri::command]
#[specta::specta]
pub async fn log_times(
    settings: crate::mining::LogSettings,
    state: State<'_, AppState>,
) -> Result<Vec<crate::mining::RowTimes>, AppError> {
    let guard = pending_log(&state);
    crate::mining::times(guard.as_ref().ok_or_else(no_log)?, &settings)
}

/// Reads the whole log with these settings, off the UI thread with the report's progress and
/// Cancel. `None`: cancelled.
#[tauri::command]
#[specta::specta]
pub async fn mine_log<R: Runtime>(
    settings: crate::mining::LogSettings,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<crate::mining::LogRead>, AppError> {
    use std::sync::atomic::Ordering;
    let path = pending_log(&state)
        .as_ref()
        .ok_or_else(no_log)?
        .path
        .clone();
    state.report_cancel.store(false, Ordering::SeqCst);
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = Some((0.0, "Reading the log".into()));
    let handle = app.clone();
    let done = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let mut progress = |share: f32| {
            *state.report.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((share, "Reading the log".into()));
            !state.report_cancel.load(Ordering::SeqCst)
        };
        let Some((log, m)) = crate::mining::read(&path, &settings, &mut progress)? else {
            return Ok(None);
        };
        let read = crate::mining::summary(&log, &m);
        let mut guard = pending_log(&state);
        match guard.as_mut() {
            Some(p) if p.path == path => {
                p.read = Some((log, m));
                p.calendar = settings.calendar;
            }
            _ => return Err(no_log()),
        }
        Ok(Some(read))
    })
    .await
    .map_err(|e| AppError::Input {
        field: "log".into(),
        message: format!("the log could not be read: {e}"),
    })?;
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) = None;
    done
}

/// The map the log read last makes with the frequency filter `min_share`, drawn.
#[tauri::command]
#[specta::specta]
pub async fn mined_map(
    min_share: f64,
    state: State<'_, AppState>,
) -> Result<crate::mining::MinedPreview, AppError> {
    let mut guard = pending_log(&state);
    let mined = crate::mining::map_of(guard.as_mut().ok_or_else(no_log)?, min_share)?;
    crate::mining::picture(&mined)
}

/// Opens the mined map: as a new document (in the app's folder, named after the log), or as a
/// scenario "Measured" of the open document. The wizard's log is then let go.
#[tauri::command]
#[specta::specta]
pub async fn open_mined<R: Runtime>(
    min_share: f64,
    as_scenario: bool,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let (mined, path) = {
        let mut guard = pending_log(&state);
        let p = guard.as_mut().ok_or_else(no_log)?;
        (crate::mining::map_of(p, min_share)?, p.path.clone())
    };
    let loaded = if as_scenario {
        let source = path
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        retitled(&app, &state, |s| s.add_measured(mined.map, &source))?
    } else {
        let stem = format!("{} (mined)", crate::session::title_of(&path));
        let session = Session::create(&free_path(&state.documents_dir()?, &stem), &mined.map)?;
        install(&app, &state, session)?
    };
    *pending_log(&state) = None;
    Ok(loaded)
}

/// Lets go of the wizard's log (the wizard was closed).
#[tauri::command]
#[specta::specta]
pub async fn discard_log(state: State<'_, AppState>) -> Result<(), AppError> {
    *pending_log(&state) = None;
    Ok(())
}

fn pending_table(
    state: &AppState,
) -> std::sync::MutexGuard<'_, Option<crate::tables::PendingTable>> {
    state.table.lock().unwrap_or_else(|p| p.into_inner())
}

fn no_table() -> AppError {
    AppError::Input {
        field: "table".into(),
        message: "no step table is open in the import; choose one again".into(),
    }
}

/// File ▸ Import ▸ Step Table: the table the user picks (CSV, Excel or OpenDocument), its first
/// rows and the columns guessed. `None`: no file was picked.
#[tauri::command]
#[specta::specta]
pub async fn read_table<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<crate::tables::TablePreview>, AppError> {
    let Some(path) = dialogs::pick_file(
        &app,
        "Import a step table",
        "Step table (CSV, Excel, OpenDocument)",
        &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods"],
    ) else {
        return Ok(None);
    };
    let (shown, pending) = crate::tables::read(&path, None)?;
    *pending_table(&state) = Some(pending);
    Ok(Some(shown))
}

/// Another sheet of the workbook the wizard holds.
#[tauri::command]
#[specta::specta]
pub async fn table_sheet(
    sheet: String,
    state: State<'_, AppState>,
) -> Result<crate::tables::TablePreview, AppError> {
    let mut guard = pending_table(&state);
    let path = guard.as_ref().ok_or_else(no_table)?.path.clone();
    let (shown, pending) = crate::tables::read(&path, Some(&sheet))?;
    *guard = Some(pending);
    Ok(shown)
}

/// What the table, mapped so, would do to the scenario on screen: each step's changes, the
/// steps and teams it adds; or every problem, with its sheet, row and column.
#[tauri::command]
#[specta::specta]
pub async fn plan_table(
    settings: crate::tables::TableSettings,
    state: State<'_, AppState>,
) -> Result<crate::tables::TablePlan, AppError> {
    let guard = pending_table(&state);
    let pending = guard.as_ref().ok_or_else(no_table)?;
    with_session(&state, |s| {
        let map = s.current_map()?;
        Ok(crate::tables::plan(pending, &map, &settings)?.0)
    })
}

/// Applies the table to the scenario on screen as one edit (one undo takes it back). `None`:
/// it changes nothing. A table with problems changes nothing and says them all.
#[tauri::command]
#[specta::specta]
pub async fn apply_table(
    settings: crate::tables::TableSettings,
    state: State<'_, AppState>,
) -> Result<Option<Edited>, AppError> {
    let mut guard = pending_table(&state);
    let pending = guard.as_ref().ok_or_else(no_table)?;
    let path = pending.path.display().to_string();
    let out = with_session(&state, |s| {
        let map = s.current_map()?;
        let (plan, op) = crate::tables::plan(pending, &map, &settings)?;
        if plan.problem_count > 0 {
            return Err(AppError::File {
                path: path.clone(),
                message: plan.problems.join("\n"),
            });
        }
        op.map(|op| s.apply(&op)).transpose()
    })?;
    *guard = None;
    Ok(out)
}

/// Opens the table as a new document (in the app's folder, named after the file): a step per
/// row, in order, each flowing to the next.
#[tauri::command]
#[specta::specta]
pub async fn open_table<R: Runtime>(
    settings: crate::tables::TableSettings,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let (map, path) = {
        let guard = pending_table(&state);
        let p = guard.as_ref().ok_or_else(no_table)?;
        (crate::tables::new_map(p, &settings)?, p.path.clone())
    };
    let stem = crate::session::title_of(&path);
    let session = Session::create(&free_path(&state.documents_dir()?, &stem), &map)?;
    let loaded = install(&app, &state, session)?;
    *pending_table(&state) = None;
    Ok(loaded)
}

/// Lets go of the wizard's table (the wizard was closed).
#[tauri::command]
#[specta::specta]
pub async fn discard_table(state: State<'_, AppState>) -> Result<(), AppError> {
    *pending_table(&state) = None;
    Ok(())
}

/// File ▸ Export ▸ Steps: the scenario's steps as a table (Excel, or CSV), to a file the user
/// picks; read back with File ▸ Import ▸ Step Table, it changes nothing. `None`: cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_steps<R: Runtime>(
    excel: bool,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let (stem, map) = with_session(&state, |s| {
        Ok((
            format!("{} - {} - steps", s.title(), s.scenario_name()),
            s.current_map()?,
        ))
    })?;
    let (label, ext) = if excel {
        ("Excel workbook", "xlsx")
    } else {
        ("CSV table", "csv")
    };
    let Some(path) = dialogs::pick_save(&app, "Export steps", &stem, label, ext) else {
        return Ok(None);
    };
    let format = if excel {
        takt_mine::table::TableFormat::Excel
    } else {
        takt_mine::table::TableFormat::Csv
    };
    takt_mine::table::write(&map, &path, format).map_err(|message| AppError::File {
        path: path.display().to_string(),
        message,
    })?;
    Ok(Some(path.display().to_string()))
}

/// What-if levers: the metrics after `op`, against the scenario as it is, with nothing edited.
#[tauri::command]
#[specta::specta]
pub async fn preview(
    op: Op,
    state: State<'_, AppState>,
) -> Result<crate::session::Preview, AppError> {
    with_session(&state, |s| s.preview(&op))
}

/// A template in the gallery: what it is, its headline figures and a picture of its map.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TemplateCard {
    pub key: String,
    pub title: String,
    pub sentence: String,
    pub steps: u32,
    pub gates: u32,
    pub teams: u32,
    pub assets: u32,
    pub lead_time: String,
    pub pce: String,
    /// The map drawn as SVG.
    pub svg: String,
}

/// File ▸ New from Template: the gallery.
#[tauri::command]
#[specta::specta]
pub async fn templates() -> Result<Vec<TemplateCard>, AppError> {
    Ok(takt_core::templates::TEMPLATES
        .iter()
        .map(|t| {
            let takt_core::templates::Shown {
                map,
                analysis: a,
                gates,
            } = t.shown();
            TemplateCard {
                key: t.key.into(),
                title: t.title.into(),
                sentence: t.sentence.into(),
                steps: map.steps.len() as u32,
                gates: gates as u32,
                teams: map.teams.len() as u32,
                assets: map.assets.len() as u32,
                lead_time: crate::session::figure_of("lead_time_s", a.lead_time_s, &map),
                pce: crate::session::figure_of("pce", a.pce, &map),
                svg: takt_report::svg::map_svg(&map, &a),
            }
        })
        .collect())
}

/// Opens a template as a new document (in the app's folder, named after the template).
#[tauri::command]
#[specta::specta]
pub async fn open_template<R: Runtime>(
    key: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let t = takt_core::templates::find(&key).ok_or_else(|| AppError::Input {
        field: "template".into(),
        message: format!("no template '{key}'"),
    })?;
    let session = Session::create(&free_path(&state.documents_dir()?, t.title), &t.map())?;
    install(&app, &state, session)
}

/// View ▸ Presentation (issue 16): the window full screen without its menu bar, or back as it
/// was. The page reduces its own chrome; this is the window's part.
#[tauri::command]
#[specta::specta]
pub async fn set_presenting<R: Runtime>(on: bool, app: AppHandle<R>) -> Result<(), AppError> {
    let Some(w) = app.get_webview_window("main") else {
        return Ok(());
    };
    let done = if on {
        w.hide_menu().and_then(|()| w.set_fullscreen(true))
    } else {
        w.set_fullscreen(false).and_then(|()| w.show_menu())
    };
    done.map_err(|e| AppError::Input {
        field: "presentation".into(),
        message: format!("the window could not change: {e}"),
    })
}

/// One package Takt is built from, with its licence (Help ▸ About): a crate the binary links or
/// an npm package the page bundles, from `licences.json` (made by `make licences` from Cargo's
/// and npm's metadata; a test keeps it current).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct Licence {
    pub name: String,
    pub version: String,
    /// The SPDX expression the package declares.
    pub licence: String,
    pub repository: String,
    /// "crates.io" or "npm".
    pub source: String,
}

/// Help ▸ About: the version, the file format's version, and the licences of what Takt bundles.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct About {
    pub version: String,
    pub format_version: u32,
    pub licences: Vec<Licence>,
}

/// Help ▸ About Takt.
#[tauri::command]
#[specta::specta]
pub async fn about() -> Result<About, AppError> {
    let licences: Vec<Licence> =
        serde_json::from_str(include_str!("../licences.json")).map_err(|e| AppError::Input {
            field: "licences".into(),
            message: format!("the list of licences is damaged: {e}"),
        })?;
    Ok(About {
        version: env!("CARGO_PKG_VERSION").into(),
        format_version: takt_core::model::VERSION,
        licences,
    })
}

/// A pair of steps the user made by hand in the measured-versus-drawn panel.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct HandPair {
    pub drawn: String,
    pub measured: String,
}

/// A drawn scenario beside a measured one (mined from an event log): each step's and flow's
/// figures side by side, paired by name and by `by_hand`, differences over 25% flagged.
#[tauri::command]
#[specta::specta]
pub async fn calibration(
    drawn: String,
    measured: String,
    by_hand: Vec<HandPair>,
    state: State<'_, AppState>,
) -> Result<takt_core::calibrate::Calibration, AppError> {
    let maps = with_session(&state, |s| s.maps_of(&[drawn, measured]))?;
    let pairs: Vec<(String, String)> = by_hand.into_iter().map(|p| (p.drawn, p.measured)).collect();
    Ok(takt_core::calibrate::calibrate(&maps[0], &maps[1], &pairs))
}

/// The gate register of the scenario on screen. `watch`: every edit, undo and redo returns it
/// from now on (the page shows it), or no longer.
#[tauri::command]
#[specta::specta]
pub async fn gates(
    watch: bool,
    state: State<'_, AppState>,
) -> Result<takt_core::gates::Register, AppError> {
    with_session(&state, |s| {
        s.watch_register = watch;
        s.register()
    })
}

/// Adds the controls of a catalogue file the user picks to the document's catalogue (one edit of
/// the scenario on screen). `None`: no file was picked.
#[tauri::command]
#[specta::specta]
pub async fn import_catalogue<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Edited>, AppError> {
    let Some(path) = dialogs::pick_file(
        &app,
        "Import a regulation catalogue",
        "Takt catalogue (JSON)",
        &["json"],
    ) else {
        return Ok(None);
    };
    with_session(&state, |s| s.import_catalogue(&path).map(Some))
}

/// The regulation catalogue: Takt's, with the document's own entries.
#[tauri::command]
#[specta::specta]
pub async fn catalogue(
    state: State<'_, AppState>,
) -> Result<Vec<takt_core::catalogue::CatalogueEntry>, AppError> {
    with_session(&state, |s| s.catalogue())
}

/// The audit trail, newest first: of the scenario on screen, or of the whole document.
#[tauri::command]
#[specta::specta]
pub async fn audit(
    all: bool,
    state: State<'_, AppState>,
) -> Result<Vec<crate::session::AuditRow>, AppError> {
    with_session(&state, |s| s.audit(all))
}

#[tauri::command]
#[specta::specta]
pub async fn undo(state: State<'_, AppState>) -> Result<Edited, AppError> {
    with_session(&state, |s| s.undo())
}

#[tauri::command]
#[specta::specta]
pub async fn redo(state: State<'_, AppState>) -> Result<Edited, AppError> {
    with_session(&state, |s| s.redo())
}

/// Shows another scenario of the document.
#[tauri::command]
#[specta::specta]
pub async fn switch_scenario<R: Runtime>(
    name: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    retitled(&app, &state, |s| s.switch(&name))
}

/// Forks a future state from the scenario on screen and shows it.
#[tauri::command]
#[specta::specta]
pub async fn fork_scenario<R: Runtime>(
    name: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    retitled(&app, &state, |s| s.fork(&name))
}

#[tauri::command]
#[specta::specta]
pub async fn rename_scenario<R: Runtime>(
    name: String,
    to: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    retitled(&app, &state, |s| s.rename(&name, &to))
}

#[tauri::command]
#[specta::specta]
pub async fn delete_scenario<R: Runtime>(
    name: String,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    retitled(&app, &state, |s| s.delete(&name))
}

/// A new, empty document (in the app's folder until it is saved elsewhere).
#[tauri::command]
#[specta::specta]
pub async fn new_document<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let path = free_path(&state.documents_dir()?, "Untitled");
    let map = takt_core::model::ValueStream::new("Untitled value stream");
    let session = Session::create(&path, &map)?;
    install(&app, &state, session)
}

/// Opens a document: a `.takt` file, or a map file (`.json`), which is imported into a new
/// document beside the app's others. On failure the open document stays open.
/// `hand_off`: a document another Takt holds brings that Takt's window to the front (what a
/// person asked to open); without it (the recent files tried at start) it is only refused.
pub fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: &Path,
    hand_off: bool,
) -> Result<Loaded, AppError> {
    let current = state
        .session
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|s| s.path().to_path_buf());
    if current
        .as_deref()
        .is_some_and(|c| crate::session::same_file(c, path))
    {
        let mut guard = state.session.lock().unwrap_or_else(|p| p.into_inner());
        return guard.as_mut().ok_or(AppError::NoDocument)?.loaded();
    }
    let is_map = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let session = if is_map {
        let text = std::fs::read_to_string(path).map_err(|e| AppError::file(path, e))?;
        let map = takt_core::format::parse(&text).map_err(|e| AppError::File {
            path: path.display().to_string(),
            message: format!("{}: {e}", path.display()),
        })?;
        let stem = crate::session::title_of(path);
        Session::create(&free_path(&state.documents_dir()?, &stem), &map)?
    } else {
        // Opening checks the whole file before anything changes; the old document closes
        // only once the new one is open (they are different files, so both can be).
        match Session::open(path) {
            Ok(s) => s,
            // Held by another Takt (only the one holding it answers): its window comes to the
            // front instead.
            #[cfg(unix)]
            Err(_) if hand_off && crate::handoff::ask_focus(path) => {
                return Err(AppError::Input {
                    field: "open".into(),
                    message: format!(
                        "{} is open in another Takt window, now in front",
                        path.display()
                    ),
                })
            }
            Err(e) => return Err(e),
        }
    };
    install(app, state, session)
}

/// Opens a document the user picks; `None` when the dialog is cancelled.
#[tauri::command]
#[specta::specta]
pub async fn open_document<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Loaded>, AppError> {
    match dialogs::pick_open(&app) {
        Some(path) => open_path(&app, &state, &path, true).map(Some),
        None => Ok(None),
    }
}

/// The recently opened documents, newest first.
#[tauri::command]
#[specta::specta]
pub async fn recent_documents(state: State<'_, AppState>) -> Result<Vec<String>, AppError> {
    Ok(state
        .recent()
        .iter()
        .map(|p| p.display().to_string())
        .collect())
}

/// Opens the `index`th recent document.
#[tauri::command]
#[specta::specta]
pub async fn open_recent<R: Runtime>(
    index: u32,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let path = state
        .recent()
        .get(index as usize)
        .cloned()
        .ok_or_else(|| AppError::Input {
            field: "recent".into(),
            message: format!("there is no recent document {index}"),
        })?;
    open_path(&app, &state, &path, true)
}

/// Copies the document to a file the user picks and goes on in the copy; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Loaded>, AppError> {
    let suggested = with_session(&state, |s| Ok(s.title()))?;
    let Some(target) = dialogs::pick_save(&app, "Save As", &suggested, "Takt document", "takt")
    else {
        return Ok(None);
    };
    let loaded = retitled(&app, &state, |s| {
        s.save_as(&target)?;
        s.loaded()
    })?;
    state.remember(&target);
    crate::menu::refresh(&app, &state);
    Ok(Some(loaded))
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Png,
    Svg,
    /// A table the page made (the lineage panel's list).
    Csv,
}

/// Exports the scenario on screen. JSON comes from the core; PNG (base64) and SVG (text) are
/// drawn by the page and passed in `content`. Returns the path written, or `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_map<R: Runtime>(
    format: ExportFormat,
    content: Option<String>,
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let (stem, json) = with_session(&state, |s| {
        let name = format!("{} - {}", s.title(), s.scenario_name());
        let json = match format {
            ExportFormat::Json => Some(s.export_json()?),
            _ => None,
        };
        Ok((name, json))
    })?;
    let (label, ext) = match format {
        ExportFormat::Json => ("Takt map (JSON)", "json"),
        ExportFormat::Png => ("PNG image", "png"),
        ExportFormat::Svg => ("SVG image", "svg"),
        ExportFormat::Csv => ("CSV table", "csv"),
    };
    let Some(path) = dialogs::pick_save(&app, "Export", &stem, label, ext) else {
        return Ok(None);
    };
    let bytes: Vec<u8> = match format {
        ExportFormat::Json => json.unwrap_or_default().into_bytes(),
        ExportFormat::Svg => content
            .ok_or_else(|| missing("the SVG image"))?
            .into_bytes(),
        ExportFormat::Csv => content.ok_or_else(|| missing("the table"))?.into_bytes(),
        ExportFormat::Png => {
            let b64 = content.ok_or_else(|| missing("the PNG image"))?;
            let b64 = b64.strip_prefix("data:image/png;base64,").unwrap_or(&b64);
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).map_err(
                |e| AppError::Input {
                    field: "content".into(),
                    message: format!("the PNG image is not valid base64: {e}"),
                },
            )?
        }
    };
    write_new(&path, &bytes)?;
    Ok(Some(path.display().to_string()))
}

fn missing(what: &str) -> AppError {
    AppError::Input {
        field: "content".into(),
        message: format!("{what} was not sent"),
    }
}

/// Writes a file whole: to a temporary file beside it, then renamed over it, so a failed
/// export never leaves half a file.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    takt_report::write_atomically(path, bytes).map_err(|e| AppError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Why the document asked for at start could not be opened (once; `None` after). The page asks
/// once its first view is drawn, so this is also when the app became interactive: with
/// `TAKT_REPORT_STARTUP` set, that time is printed (the startup benchmark reads it).
#[tauri::command]
#[specta::specta]
pub async fn startup_error(state: State<'_, AppState>) -> Result<Option<AppError>, AppError> {
    if std::env::var_os("TAKT_REPORT_STARTUP").is_some() {
        if let Some(t) = crate::STARTED.get() {
            eprintln!(
                "takt: interactive {:.0} ms after start",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    Ok(state
        .startup_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take())
}

/// Tries again to open the document named on the command line, which could not be opened at
/// start (it may have been open in another Takt since closed). On failure the document on
/// screen stays, and the error says why.
#[tauri::command]
#[specta::specta]
pub async fn retry_startup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Loaded, AppError> {
    let path = state
        .startup_path
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| AppError::Input {
            field: "startup".into(),
            message: "no document named at start is waiting to be opened".into(),
        })?;
    let loaded = open_path(&app, &state, &path, true)?;
    *state.startup_path.lock().unwrap_or_else(|p| p.into_inner()) = None;
    Ok(loaded)
}

/// Quits: the document is closed whole (its log copied into it, nothing left beside it), then
/// the app ends. The menu's Quit does the same from Rust.
#[tauri::command]
#[specta::specta]
pub async fn quit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    state.close_document();
    app.exit(0);
    Ok(())
}
