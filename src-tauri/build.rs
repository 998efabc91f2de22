/// Takt's own commands. Listing them makes each one need a permission, which the window's one
/// capability (`capabilities/main.json`) grants; nothing else is callable from the page.
const COMMANDS: &[&str] = &[
    "current",
    "apply",
    "undo",
    "redo",
    "switch_scenario",
    "fork_scenario",
    "rename_scenario",
    "delete_scenario",
    "new_document",
    "open_document",
    "recent_documents",
    "open_recent",
    "save_as",
    "export_map",
    "startup_error",
    "retry_startup",
    "quit",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("the Tauri build step failed");
}
