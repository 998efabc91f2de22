//! Takt's desktop app: a thin Tauri shell over `takt-core` and `takt-store`. The UI (`ui/`)
//! draws; every edit comes here as a core operation, is applied and committed by the store, and
//! goes back as a diff and a fresh analysis.

pub mod commands;
pub mod dialogs;
pub mod error;
#[cfg(unix)]
pub mod handoff;
pub mod menu;
pub mod mining;
pub mod session;
pub mod tables;

use error::AppError;
use serde::Serialize;
use session::Session;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};

/// When the process started, for the startup figure (`TAKT_REPORT_STARTUP`).
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// The bundled sample, opened on the first start.
pub const SAMPLE: &str = include_str!("../../examples/model-retraining-current.json");
const SAMPLE_NAME: &str = "Sample - Model retraining";
const RECENT_MAX: usize = 10;

/// What the app holds: the open document, its folder for new documents, the recent files.
pub struct AppState {
    pub session: Mutex<Option<Session>>,
    data_dir: PathBuf,
    recent: Mutex<Vec<PathBuf>>,
    /// Why the document asked for at start could not be opened, for the UI to say.
    pub startup_error: Mutex<Option<AppError>>,
    /// The document named on the command line, while it could not be opened (the page offers
    /// to try again: it may have been open in another Takt).
    pub startup_path: Mutex<Option<PathBuf>>,
    /// The report being written: how far it is (a share and what it is doing), and whether
    /// the user asked to cancel it.
    pub report: Mutex<Option<(f32, String)>>,
    pub report_cancel: std::sync::atomic::AtomicBool,
    /// The event log the import wizard is working on (File ▸ Import ▸ Event Log).
    pub mining: Mutex<Option<mining::PendingLog>>,
    /// The step table the import wizard is working on (File ▸ Import ▸ Step Table).
    pub table: Mutex<Option<tables::PendingTable>>,
    /// Listening for another Takt asking for the document on screen (see `handoff`).
    pub handoff: Mutex<Option<handoff::Listener>>,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> AppState {
        let recent = std::fs::read_to_string(data_dir.join("recent.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Vec<PathBuf>>(&t).ok())
            .unwrap_or_default();
        AppState {
            session: Mutex::new(None),
            data_dir,
            recent: Mutex::new(recent),
            startup_error: Mutex::new(None),
            startup_path: Mutex::new(None),
            report: Mutex::new(None),
            report_cancel: std::sync::atomic::AtomicBool::new(false),
            mining: Mutex::new(None),
            table: Mutex::new(None),
            handoff: Mutex::new(None),
        }
    }

    /// The folder for new and imported documents (created on first use).
    pub fn documents_dir(&self) -> Result<PathBuf, AppError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| AppError::file(&self.data_dir, e))?;
        Ok(self.data_dir.clone())
    }

    /// Says on stderr why what was asked for at start did not open, and keeps it for the page.
    fn report_startup(&self, e: AppError) {
        eprintln!("takt: {e}");
        *self.startup_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    }

    /// Closes the open document, if any, so that its file is whole on its own (switching
    /// documents, closing the window, quitting, a signal). A failure is said on stderr: the
    /// edits are safe in the log, which the next open replays.
    pub fn close_document(&self) {
        // Nobody is told this Takt holds the document any more (its socket goes).
        *self.handoff.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let session = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(s) = session {
            let path = s.path().to_path_buf();
            if let Err(e) = s.close() {
                eprintln!("takt: {} could not be closed cleanly: {e}", path.display());
            }
        }
    }

    pub fn recent(&self) -> Vec<PathBuf> {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Puts `path` first in the recent files (best effort: a list that cannot be saved is
    /// only a convenience lost).
    pub fn remember(&self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.retain(|p| p != &path);
        recent.insert(0, path);
        recent.truncate(RECENT_MAX);
        if std::fs::create_dir_all(&self.data_dir).is_ok() {
            let _ = std::fs::write(
                self.data_dir.join("recent.json"),
                serde_json::to_string_pretty(&*recent).unwrap_or_default(),
            );
        }
    }
}

/// Sent to the page when a menu item is chosen; the page runs the action, so that a menu item
/// and its shortcut do the same thing.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct MenuAction {
    pub id: String,
}

// `takt_commands!`: every command of `commands.rs`, listed by build.rs from there.
include!(concat!(env!("OUT_DIR"), "/commands.rs"));

/// The commands and events for runtime `$r` (a macro: the command list names each generic
/// command at one concrete runtime).
macro_rules! specta_builder {
    ($r:ty) => {{
        use $crate::commands::*;
        tauri_specta::Builder::<$r>::new()
            .commands(takt_commands!($r))
            .events(tauri_specta::collect_events![$crate::MenuAction])
            // Only `serde_json::Value` (a field value in `Op::Set`) holds an i64: a number in
            // JSON, and a number in JavaScript, as JSON.parse would make it anyway.
            .dangerously_cast_bigints_to_number()
            // The types read and write the same way; one TypeScript type each.
            .disable_serde_phases()
    }};
}

/// The commands and events of the app.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    specta_builder!(tauri::Wry)
}

/// Writes the TypeScript bindings (`ui/src/bindings.ts`).
pub fn export_bindings(path: &Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated by `make bindings` from src-tauri: do not edit.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Opens what the app should show first: the sample with `--sample`; the file named on the
/// command line; else the last document; else the bundled sample.
pub fn open_first<R: Runtime>(app: &AppHandle<R>, state: &AppState, arg: Option<PathBuf>) {
    if std::env::args().any(|a| a == "--sample") {
        if let Err(e) = open_sample(app, state) {
            state.report_startup(e);
        }
        return;
    }
    if let Some(path) = arg {
        match commands::open_path(app, state, &path, true) {
            Ok(_) => return,
            Err(e) => {
                // Another document is shown, but the page says so, and offers to try again.
                *state.startup_path.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
                state.report_startup(e);
            }
        }
    }
    for path in state.recent() {
        if path.exists() && commands::open_path(app, state, &path, false).is_ok() {
            return;
        }
    }
    if let Err(e) = open_sample(app, state) {
        state.report_startup(e);
    }
}

/// Opens the sample document, making it from the bundled map the first time.
fn open_sample<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> Result<(), AppError> {
    let dir = state.documents_dir()?;
    let path = dir.join(format!("{SAMPLE_NAME}.takt"));
    if path.exists() {
        if let Ok(s) = Session::open(&path) {
            return commands::install(app, state, s).map(|_| ());
        }
    }
    let map = takt_core::format::parse(SAMPLE).expect("the bundled sample is a valid map");
    let s = Session::create(&session::free_path(&dir, SAMPLE_NAME), &map)?;
    commands::install(app, state, s).map(|_| ())
}

/// The document named on the command line, if any (flags are left to others).
fn path_argument() -> Option<PathBuf> {
    std::env::args_os()
        .skip(1)
        .map(PathBuf::from)
        .find(|p| !p.to_string_lossy().starts_with('-'))
}

/// Asks the page to quit (File > Quit, the window's close button): it commits the field being
/// typed in and the edits on their way, then calls `quit`, which closes the document whole and
/// ends the app. A page that does not answer within 3 s (busy, or broken) is not waited for:
/// the app ends anyway, closing the document on the way out (`RunEvent::Exit`).
pub fn request_quit<R: Runtime>(app: &AppHandle<R>) {
    use tauri_specta::Event;
    let _ = MenuAction { id: "quit".into() }.emit(app);
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        app.exit(0);
    });
}

/// On SIGTERM, SIGINT or SIGHUP the document is closed (whole, nothing beside it) and the app
/// exits, as if quit.
#[cfg(unix)]
fn close_on_signals<R: Runtime>(app: &AppHandle<R>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    let app = app.clone();
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            app.state::<AppState>().close_document();
            app.exit(0);
        }
    });
    Ok(())
}

pub fn run() {
    // A document another Takt holds is shown there: its window comes to the front, and this
    // Takt, which would only have said it is in use, does not start.
    #[cfg(unix)]
    if !std::env::args().any(|a| a == "--sample") {
        if let Some(path) = path_argument() {
            if handoff::ask_focus(&path) {
                eprintln!(
                    "takt: {} is open in another Takt window, now in front",
                    path.display()
                );
                std::process::exit(0);
            }
        }
    }
    let builder = specta_builder();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = match std::env::var_os("TAKT_DATA_DIR") {
                Some(d) => PathBuf::from(d),
                None => app.path().app_data_dir()?,
            };
            app.manage(AppState::new(data_dir));
            let handle = app.handle().clone();
            let state = app.state::<AppState>();
            #[cfg(unix)]
            close_on_signals(&handle)?;
            open_first(&handle, &state, path_argument());
            menu::install(&handle, &state)?;
            Ok(())
        })
        .on_window_event(|window, event| {
            // The close button quits as File > Quit does: through the page, which saves what
            // is on its way first.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                request_quit(window.app_handle());
            }
        })
        .build(tauri::generate_context!())
        .expect("Takt could not start its window");
    app.run(|app, event| {
        // However the app ends (the window closed, Quit, a signal), the document is closed
        // first, so that its file is whole on its own.
        if let tauri::RunEvent::Exit = event {
            app.state::<AppState>().close_document();
        }
    });
}

#[cfg(test)]
mod tests;
