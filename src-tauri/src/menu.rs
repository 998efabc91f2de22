//! The native menu. Every item but Quit is sent to the page as a [`MenuAction`], which runs the
//! same action as the item's shortcut or button there. Quit asks the page to quit
//! (`request_quit`): it commits what is being typed and the edits on their way first.

use crate::{AppState, MenuAction};
use std::sync::Mutex;
use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, Submenu, SubmenuBuilder};
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

/// The Open Recent submenu, refilled when the recent files change (replacing the whole menu
/// would make GTK drop and re-add every accelerator).
struct Recent<R: Runtime>(Mutex<Option<Submenu<R>>>);

fn fill_recent<R: Runtime>(
    app: &AppHandle<R>,
    menu: &Submenu<R>,
    state: &AppState,
) -> tauri::Result<()> {
    for item in menu.items()? {
        menu.remove(&item)?;
    }
    let files = state.recent();
    if files.is_empty() {
        menu.append(
            &MenuItemBuilder::new("No recent documents")
                .enabled(false)
                .build(app)?,
        )?;
    }
    for (i, path) in files.iter().enumerate() {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        menu.append(&MenuItemBuilder::with_id(format!("recent:{i}"), label).build(app)?)?;
    }
    Ok(())
}

fn build<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> tauri::Result<(Menu<R>, Submenu<R>)> {
    let item = |id: &str, text: &str, keys: Option<&str>| {
        let b = MenuItemBuilder::with_id(id, text);
        match keys {
            Some(k) => b.accelerator(k).build(app),
            None => b.build(app),
        }
    };
    let recent = SubmenuBuilder::new(app, "Open Recent").build()?;
    fill_recent(app, &recent, state)?;
    let import = SubmenuBuilder::new(app, "Import")
        .item(&item("import-log", "Event Log…", None)?)
        .item(&item("import-table", "Step Table (CSV, Excel)…", None)?)
        .item(&item("import-openlineage", "OpenLineage Events…", None)?)
        .item(&item("import-catalogue", "Regulation Catalogue…", None)?)
        .build()?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&item("new", "New", Some("CmdOrCtrl+N"))?)
        .item(&item(
            "new-template",
            "New from Template…",
            Some("CmdOrCtrl+Shift+N"),
        )?)
        .item(&item("open", "Open…", Some("CmdOrCtrl+O"))?)
        .item(&recent)
        .separator()
        .item(&item("save-as", "Save As…", Some("CmdOrCtrl+Shift+S"))?)
        .item(&item("export-png", "Export PNG…", Some("CmdOrCtrl+E"))?)
        .item(&item("export-svg", "Export SVG…", None)?)
        .item(&item("export-json", "Export JSON…", None)?)
        .item(&item("export-steps-xlsx", "Export Steps as Excel…", None)?)
        .item(&item("export-steps-csv", "Export Steps as CSV…", None)?)
        .item(&item("export-report", "Export Compliance Report…", None)?)
        .item(&item("export-executive", "Export Executive Report…", None)?)
        .item(&import)
        .separator()
        // Our own item, not the predefined one: GTK shows that one greyed out, without its key.
        .item(&item("quit", "Quit", Some("CmdOrCtrl+Q"))?)
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .item(&item("undo", "Undo", Some("CmdOrCtrl+Z"))?)
        .item(&item("redo", "Redo", Some("CmdOrCtrl+Shift+Z"))?)
        .separator()
        .item(&item("copy", "Copy", Some("CmdOrCtrl+C"))?)
        .item(&item("paste", "Paste", Some("CmdOrCtrl+V"))?)
        .item(&item("duplicate", "Duplicate", Some("CmdOrCtrl+D"))?)
        .item(&item("delete", "Delete", Some("Delete"))?)
        .item(&item("select-all", "Select All", Some("CmdOrCtrl+A"))?)
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item("zoom-in", "Zoom In", Some("CmdOrCtrl+="))?)
        .item(&item("zoom-out", "Zoom Out", Some("CmdOrCtrl+-"))?)
        .item(&item("zoom-fit", "Fit to Screen", Some("CmdOrCtrl+0"))?)
        .item(&item("presentation", "Presentation", Some("F5"))?)
        .item(&item(
            "presentation-contrast",
            "High Contrast in Presentation",
            Some("F6"),
        )?)
        .separator()
        .item(&item("layout", "Automatic Layout", Some("CmdOrCtrl+L"))?)
        .separator()
        .item(&item("lineage", "Lineage", Some("CmdOrCtrl+Shift+L"))?)
        .item(&item("lineage-both", "Steps and Data", None)?)
        .separator()
        .item(&item("gates", "Gate Register", Some("CmdOrCtrl+G"))?)
        .item(&item("audit", "Audit Trail", Some("CmdOrCtrl+Shift+H"))?)
        .item(&item("catalogue", "Regulation Catalogue", None)?)
        .item(&item(
            "simulation",
            "Simulation",
            Some("CmdOrCtrl+Shift+M"),
        )?)
        .item(&item("board", "Kaizen Board", Some("CmdOrCtrl+Shift+K"))?)
        .item(&item("trend", "Trend", Some("CmdOrCtrl+Shift+T"))?)
        .build()?;
    let scenario = SubmenuBuilder::new(app, "Scenario")
        .item(&item("fork", "Fork Future State…", None)?)
        .separator()
        .item(&item(
            "compare",
            "Compare Scenarios…",
            Some("CmdOrCtrl+Shift+C"),
        )?)
        .item(&item("calibration", "Measured against Drawn", None)?)
        .item(&item("snapshot", "Take Snapshot…", None)?)
        .item(&item("import-snapshot", "Import Earlier State…", None)?)
        .build()?;
    let help = SubmenuBuilder::new(app, "Help")
        .item(&item("about", "About Takt", None)?)
        .build()?;
    let menu = MenuBuilder::new(app)
        .items(&[&file, &edit, &view, &scenario, &help])
        .build()?;
    Ok((menu, recent))
}

/// Refills Open Recent (the recent files changed); nothing before the menu is installed.
pub fn refresh<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let Some(recent) = app.try_state::<Recent<R>>() else {
        return;
    };
    let guard = recent.0.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(menu) = guard.as_ref() {
        if let Err(e) = fill_recent(app, menu, state) {
            eprintln!("takt: the Open Recent menu could not be updated: {e}");
        }
    }
}

/// Sets the menu and sends its items to the page.
pub fn install<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> tauri::Result<()> {
    let (menu, recent) = build(app, state)?;
    app.set_menu(menu)?;
    app.manage(Recent(Mutex::new(Some(recent))));
    app.on_menu_event(|app, event| {
        let id = event.id().as_ref().to_string();
        if id == "quit" {
            crate::request_quit(app);
            return;
        }
        let _ = MenuAction { id }.emit(app);
    });
    Ok(())
}
