//! Native file dialogs. End-to-end tests cannot click in a GTK dialog, so when the environment
//! names an answer file (`TAKT_DIALOG_ANSWER`), a dialog returns the path written in it instead
//! (an empty file is a cancel). The app never sets it.

use std::path::PathBuf;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

fn scripted() -> Option<Option<PathBuf>> {
    let file = std::env::var_os("TAKT_DIALOG_ANSWER")?;
    let answer = std::fs::read_to_string(file).unwrap_or_default();
    let answer = answer.trim();
    Some((!answer.is_empty()).then(|| PathBuf::from(answer)))
}

/// A document or map file to open.
pub fn pick_open<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    pick_file(app, "Open", "Takt document or map", &["takt", "json"])
}

/// A file to read, of the kinds `exts` name.
pub fn pick_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    label: &str,
    exts: &[&str],
) -> Option<PathBuf> {
    if let Some(answer) = scripted() {
        return answer;
    }
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(label, exts)
        .blocking_pick_file()
        .and_then(|p| p.into_path().ok())
}

/// A new file to write, with the extension added if the user left it off.
pub fn pick_save<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    stem: &str,
    label: &str,
    ext: &str,
) -> Option<PathBuf> {
    let path = match scripted() {
        Some(answer) => answer,
        None => app
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(format!("{stem}.{ext}"))
            .add_filter(label, &[ext])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok()),
    }?;
    Some(if path.extension().is_none() {
        path.with_extension(ext)
    } else {
        path
    })
}
