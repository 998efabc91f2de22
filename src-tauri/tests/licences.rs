//! The licences of what the app is built from, shown in Help ▸ About: every crate the app's
//! binary links (the normal dependencies of `takt-desktop`, from `cargo metadata`, our own
//! crates left out) and every npm package the page bundles (the production entries of
//! `ui/package-lock.json`), each with its version, licence and repository. They are kept in
//! `src-tauri/licences.json`, which the binary embeds; this test fails when it is stale, and
//! `make licences` (TAKT_UPDATE_LICENCES=1) writes it again.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The crates `takt-desktop` links on this platform, from the lock file (no network).
fn crates() -> Vec<Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let platform = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &platform])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value = serde_json::from_slice(&out.stdout).unwrap();
    let members: BTreeSet<&str> = m["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    let packages: BTreeMap<&str, &Value> = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: BTreeMap<&str, &Value> = m["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let root_id = packages
        .values()
        .find(|p| p["name"] == "takt-desktop")
        .map(|p| p["id"].as_str().unwrap())
        .unwrap();
    // Normal dependencies only: build scripts and tests are not in the binary.
    let mut seen = BTreeSet::new();
    let mut todo = vec![root_id];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for d in nodes[id]["deps"].as_array().unwrap() {
            let normal = d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                todo.push(d["pkg"].as_str().unwrap());
            }
        }
    }
    seen.into_iter()
        .filter(|id| !members.contains(id))
        .map(|id| {
            let p = packages[id];
            json!({
                "name": p["name"],
                "version": p["version"],
                "licence": p["license"].as_str().unwrap_or("see its repository"),
                "repository": p["repository"].as_str().unwrap_or(""),
                "source": "crates.io",
            })
        })
        .collect()
}

/// The npm packages the page bundles: the lock file's entries that are not for development.
fn npm() -> Vec<Value> {
    let lock: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("ui/package-lock.json")).unwrap(),
    )
    .unwrap();
    lock["packages"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, p)| !path.is_empty() && p["dev"] != true)
        .map(|(path, p)| {
            let name = path.rsplit("node_modules/").next().unwrap();
            json!({
                "name": name,
                "version": p["version"],
                "licence": p["license"].as_str().unwrap_or("see its repository"),
                "repository": format!("https://www.npmjs.com/package/{name}"),
                "source": "npm",
            })
        })
        .collect()
}

#[test]
fn licences_are_current() {
    let mut all = crates();
    all.extend(npm());
    all.sort_by_key(|v| {
        (
            v["source"].to_string(),
            v["name"].to_string(),
            v["version"].to_string(),
        )
    });
    assert!(all.len() > 100, "the app links hundreds of crates");
    let want = serde_json::to_string_pretty(&all).unwrap() + "\n";
    let committed = root().join("src-tauri/licences.json");
    if std::env::var_os("TAKT_UPDATE_LICENCES").is_some() {
        std::fs::write(&committed, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        have == want,
        "src-tauri/licences.json is stale (a dependency changed): run `make licences` and commit the result"
    );
}
