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
    crate::menu::refresh(app, state);
    Ok(loaded)
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
    use std::sync::atomic::Ordering;
    let date = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let author = takt_store::os_user().unwrap_or_else(|| "unknown".into());
    let (stem, report) = with_session(&state, |s| {
        let stem = format!("{} - {} - compliance report", s.title(), s.scenario_name());
        Ok((stem, s.compliance(&date, &author)?))
    })?;
    let (label, format) = match format {
        ReportFormat::Pdf => ("PDF document", takt_report::Format::Pdf),
        ReportFormat::Html => ("Web page (HTML)", takt_report::Format::Html),
        ReportFormat::Json => ("JSON", takt_report::Format::Json),
    };
    let Some(path) = dialogs::pick_save(
        &app,
        "Export compliance report",
        &stem,
        label,
        format.extension(),
    ) else {
        return Ok(None);
    };
    let paper = match paper {
        Paper::A4 => takt_report::Paper::A4,
        Paper::Letter => takt_report::Paper::Letter,
    };
    state.report_cancel.store(false, Ordering::SeqCst);
    *state.report.lock().unwrap_or_else(|p| p.into_inner()) =
        Some((0.0, "Gathering the gates".into()));
    let handle = app.clone();
    let written = tauri::async_runtime::spawn_blocking(move || {
        let state = handle.state::<AppState>();
        let mut progress = |share: f32, stage: &str| {
            *state.report.lock().unwrap_or_else(|p| p.into_inner()) = Some((share, stage.into()));
            !state.report_cancel.load(Ordering::SeqCst)
        };
        let bytes = takt_report::render(&report, format, paper, &mut progress)?;
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
pub fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    path: &Path,
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
        Session::open(path)?
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
        Some(path) => open_path(&app, &state, &path).map(Some),
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
    open_path(&app, &state, &path)
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
    };
    let Some(path) = dialogs::pick_save(&app, "Export", &stem, label, ext) else {
        return Ok(None);
    };
    let bytes: Vec<u8> = match format {
        ExportFormat::Json => json.unwrap_or_default().into_bytes(),
        ExportFormat::Svg => content
            .ok_or_else(|| missing("the SVG image"))?
            .into_bytes(),
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
    let loaded = open_path(&app, &state, &path)?;
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
