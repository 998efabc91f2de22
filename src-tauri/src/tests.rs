//! The commands, called through Tauri's IPC on its mock runtime, with the app's real
//! configuration and capabilities.

use crate::{open_first, AppState};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

struct Harness {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    dir: PathBuf,
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "takt-desktop-{name}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn start(name: &str, arg: Option<&Path>) -> Harness {
    let dir = temp_dir(name);
    let builder = specta_builder!(MockRuntime);
    let app = mock_builder()
        .invoke_handler(builder.invoke_handler())
        .build(tauri::generate_context!())
        .expect("the mock app builds");
    app.manage(AppState::new(dir.clone()));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    open_first(
        app.handle(),
        &app.state::<AppState>(),
        arg.map(Path::to_path_buf),
    );
    Harness {
        _app: app,
        window,
        dir,
    }
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }
    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

fn lead(v: &Value) -> f64 {
    v["analysis"]["lead_time_s"].as_f64().unwrap()
}

#[test]
fn the_first_start_opens_the_sample() {
    let h = start("sample", None);
    let l = h.ok("current", json!({}));
    assert_eq!(l["title"], "Sample - Model retraining");
    assert_eq!(l["scenario"], "Current state");
    assert_eq!(l["map"]["steps"].as_array().unwrap().len(), 11);
    assert!(l["comparison"].is_null());
    assert_eq!(l["can_undo"], false);
    // The analysis is the core's.
    let map = takt_core::format::parse(crate::SAMPLE).unwrap();
    let a = takt_core::analysis::analyze(&map).unwrap();
    assert_eq!(lead(&l), a.lead_time_s);
    assert!(h.dir.join("Sample - Model retraining.takt").exists());
}

#[test]
fn an_edit_returns_its_diff_and_the_fresh_analysis_and_undoes() {
    let h = start("edit", None);
    let before = h.ok("current", json!({}));
    let op = json!({"op": "set", "key": {"kind": "step", "id": "deploy"}, "field": "lt", "value": "20d"});
    let e = h.ok("apply", json!({ "op": op }));
    assert_eq!(e["diff"]["changes"].as_array().unwrap().len(), 1);
    assert!(lead(&e) > lead(&before));
    assert_eq!(e["can_undo"], true);
    assert_eq!(e["can_redo"], false);
    let u = h.ok("undo", json!({}));
    assert_eq!(lead(&u), lead(&before));
    assert_eq!(u["can_redo"], true);
    let r = h.ok("redo", json!({}));
    assert_eq!(lead(&r), lead(&e));
    // Nothing left to redo: an empty diff, nothing changes.
    let again = h.ok("redo", json!({}));
    assert!(again["diff"]["changes"].as_array().unwrap().is_empty());
}

#[test]
fn a_bad_edit_is_a_typed_error_naming_the_field_and_changes_nothing() {
    let h = start("bad", None);
    let before = h.ok("current", json!({}));
    let bad_value = json!({"op": "set", "key": {"kind": "step", "id": "deploy"}, "field": "pt", "value": "soon"});
    let e = h.call("apply", json!({ "op": bad_value })).unwrap_err();
    assert_eq!(e["kind"], "edit");
    assert_eq!(e["field"], "pt");
    assert_eq!(e["key"]["id"], "deploy");
    let invalid = json!({"op": "set", "key": {"kind": "step", "id": "deploy"}, "field": "pt", "value": "400d"});
    let e = h.call("apply", json!({ "op": invalid })).unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert_eq!(
        e["problems"][0]["element"],
        json!({"kind": "step", "id": "deploy"})
    );
    assert_eq!(e["problems"][0]["field"], "lt");
    let after = h.ok("current", json!({}));
    assert_eq!(after["map"], before["map"]);
    assert_eq!(after["can_undo"], false);
}

#[test]
fn a_future_state_is_compared_with_the_current_state() {
    let h = start("fork", None);
    let f = h.ok("fork_scenario", json!({"name": "Faster review"}));
    assert_eq!(f["scenario"], "Faster review");
    assert_eq!(f["scenarios"].as_array().unwrap().len(), 2);
    assert_eq!(f["comparison"]["metrics"][0]["delta"], 0.0);
    let op = json!({"op": "set", "key": {"kind": "step", "id": "mrm-review"}, "field": "lt", "value": "4wd"});
    let e = h.ok("apply", json!({ "op": op }));
    let d = &e["comparison"]["metrics"][0];
    assert_eq!(d["metric"], "lead_time_s");
    assert!(d["delta"].as_f64().unwrap() < 0.0);
    // The same name again is refused, by field.
    let err = h
        .call("fork_scenario", json!({"name": "Faster review"}))
        .unwrap_err();
    assert_eq!(err["kind"], "input");
    assert_eq!(err["field"], "name");
    // Back on the current state, the edit is not there.
    let c = h.ok("switch_scenario", json!({"name": "Current state"}));
    assert!(c["comparison"].is_null());
    assert!(lead(&c) > lead(&e));
}

#[test]
fn save_as_and_export_write_where_the_dialog_says() {
    let h = start("files", None);
    let answer = h.dir.join("answer");
    // The dialogs read their answer from this file (only tests set it).
    std::env::set_var("TAKT_DIALOG_ANSWER", &answer);
    let target = h.dir.join("Plan.takt");
    std::fs::write(&answer, target.display().to_string()).unwrap();
    let l = h.ok("save_as", json!({}));
    assert_eq!(l["title"], "Plan");
    assert!(target.exists());
    let op = json!({"op": "set", "key": {"kind": "step", "id": "deploy"}, "field": "name", "value": "Ship"});
    h.ok("apply", json!({ "op": op }));
    let json_out = h.dir.join("plan.json");
    std::fs::write(&answer, json_out.display().to_string()).unwrap();
    let written = h.ok("export_map", json!({"format": "json", "content": null}));
    assert_eq!(written, json!(json_out.display().to_string()));
    let map = takt_core::format::parse(&std::fs::read_to_string(&json_out).unwrap()).unwrap();
    assert_eq!(map.step("deploy").unwrap().name, "Ship");
    // A cancelled dialog writes nothing.
    std::fs::write(&answer, "").unwrap();
    assert_eq!(h.ok("save_as", json!({})), Value::Null);
    // The recent list has the saved document first.
    let recent = h.ok("recent_documents", json!({}));
    assert!(recent[0].as_str().unwrap().ends_with("Plan.takt"));
}

#[test]
fn a_file_named_at_start_that_cannot_open_is_reported_and_the_sample_opens() {
    let dir = temp_dir("badarg-file");
    let bad = dir.join("not-a-map.takt");
    std::fs::write(&bad, "hello").unwrap();
    let h = start("badarg", Some(&bad));
    let e = h.ok("startup_error", json!({}));
    assert_eq!(e["kind"], "file");
    assert!(e["message"].as_str().unwrap().contains("not-a-map.takt"));
    assert_eq!(std::fs::read(&bad).unwrap(), b"hello");
    assert_eq!(
        h.ok("current", json!({}))["title"],
        "Sample - Model retraining"
    );
    // Trying again fails the same way, and the sample stays.
    let again = h.call("retry_startup", json!({})).unwrap_err();
    assert_eq!(again["kind"], "file");
    // Once the file is a document, trying again opens it.
    std::fs::remove_file(&bad).unwrap();
    takt_store::Document::create(&bad, &takt_core::format::parse(crate::SAMPLE).unwrap())
        .unwrap()
        .close()
        .unwrap();
    let opened = h.ok("retry_startup", json!({}));
    assert_eq!(opened["title"], "not-a-map");
    assert_eq!(h.ok("current", json!({}))["title"], "not-a-map");
}

#[test]
fn only_takt_commands_are_callable() {
    let h = start("acl", None);
    assert!(h
        .call("plugin:fs|read_file", json!({"path": "/etc/passwd"}))
        .is_err());
    assert!(h.call("no_such_command", json!({})).is_err());
}
