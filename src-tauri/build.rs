//! Takt's own commands are declared once, in `src/commands.rs` (`#[tauri::command]`). From
//! there this build step makes the three things that list them:
//! - the app manifest, so that each command needs a permission (`allow-NAME`);
//! - `capabilities/main.json`, the window's one capability, which grants those permissions
//!   and nothing else of Takt's (written only when it would change);
//! - `$OUT_DIR/commands.rs`, the `takt_commands!` macro `lib.rs` collects them with.

use std::path::Path;

/// The commands of `src/commands.rs`, in order, and whether each is generic over the runtime.
fn commands() -> Vec<(String, bool)> {
    let text = std::fs::read_to_string("src/commands.rs").expect("src/commands.rs is readable");
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[tauri::command]" {
            continue;
        }
        let sig = lines
            .by_ref()
            .map(str::trim)
            .find(|l| l.starts_with("pub async fn ") || l.starts_with("pub fn "))
            .expect("a #[tauri::command] is followed by its function");
        let rest = sig.split("fn ").nth(1).expect("fn NAME");
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let generic = rest[name.len()..].starts_with("<R: Runtime>");
        out.push((name, generic));
    }
    assert!(!out.is_empty(), "no commands found in src/commands.rs");
    out
}

/// The capability: Takt's own commands, menu events, the dialog plugin; no shell, no files.
fn capability(names: &[&str]) -> String {
    let mut permissions = vec![
        "core:event:allow-listen".to_string(),
        "core:event:allow-unlisten".to_string(),
        "dialog:default".to_string(),
    ];
    permissions.extend(
        names
            .iter()
            .map(|n| format!("allow-{}", n.replace('_', "-"))),
    );
    let list = permissions
        .iter()
        .map(|p| format!("    \"{p}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    format!(
        "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"main\",\n  \"description\": \"The main window: Takt's own commands (made by build.rs from src/commands.rs), menu events and native dialogs; no shell, no file system.\",\n  \"windows\": [\n    \"main\"\n  ],\n  \"permissions\": [\n{list}\n  ]\n}}\n"
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src/commands.rs");
    let commands = commands();
    let names: Vec<&str> = commands.iter().map(|(n, _)| n.as_str()).collect();

    let cap = capability(&names);
    let path = Path::new("capabilities/main.json");
    if std::fs::read_to_string(path).ok().as_deref() != Some(cap.as_str()) {
        std::fs::write(path, cap).expect("capabilities/main.json is writable");
    }

    let list = commands
        .iter()
        .map(|(n, generic)| {
            if *generic {
                format!("{n}::<$r>")
            } else {
                n.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("commands.rs");
    std::fs::write(
        out,
        format!(
            "/// Every command of `commands.rs`, for runtime `$r` (made by build.rs).\nmacro_rules! takt_commands {{\n    ($r:ty) => {{\n        tauri_specta::collect_commands![{list}]\n    }};\n}}\n"
        ),
    )
    .expect("OUT_DIR is writable");

    let names: &'static [&'static str] = Box::leak(
        names
            .into_iter()
            .map(|n| &*Box::leak(n.to_string().into_boxed_str()))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("the Tauri build step failed");
}
