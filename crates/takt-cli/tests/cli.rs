//! The `takt` binary as a user runs it: outputs, exit codes (0 ok, 1 invalid input, 2 usage) and
//! error messages that name the file, the line, the element and the field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn takt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_takt"))
        .args(args)
        .output()
        .expect("takt runs")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under the system temp dir, unique to this test.
fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("takt-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const RETRAIN: &str = r#"{ "format": "takt", "version": 1, "name": "Model retraining (current state)",
  "calendar": { "hours_per_day": 8, "days_per_week": 5 },
  "demand": { "items": 12, "per": "w" },
  "teams": [ { "id": "ds", "name": "Data science" }, { "id": "risk", "name": "Model risk" } ],
  "steps": [
    { "id": "train", "name": "Train candidate", "kind": "process", "team": "ds",
      "pt": "6h", "lt": "2d", "pca": 90, "servers": 1, "uptime": 95,
      "value": "va", "automation": "hybrid", "waste": ["waiting"] },
    { "id": "review", "name": "Model risk review", "kind": "gate", "team": "risk",
      "pt": "2h", "lt": "5wd",
      "gate": { "regulation": "SR 11-7", "control": "MRM-4", "approver": "Model risk officer",
                "mandatory": true } },
    { "id": "deploy", "name": "Deploy", "kind": "process", "team": "ds", "pt": "1h", "lt": "1h" } ],
  "flows": [
    { "from": "train", "to": "review", "kind": "push", "wait": "1d" },
    { "from": "review", "to": "train", "kind": "rework", "p": 0.2 },
    { "from": "review", "to": "deploy", "kind": "push", "wip": 3 } ] }
"#;

#[test]
fn analyze_json_has_the_documented_fields_and_hand_checked_values() {
    let f = temp_file("retrain.json", RETRAIN);
    let o = takt(&["analyze", &f, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for k in [
        "lead_time_s",
        "process_time_s",
        "va_time_s",
        "pce",
        "activity_ratio",
        "rolled_pca",
        "takt_s",
        "bottleneck",
        "critical_path",
        "handoffs",
        "gate_time_s",
        "waste_s",
        "warnings",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    // train 2d + wait 1d + review 5wd (7d) = 240 h per pass of the loop; rework 0.2 adds
    // 0.2 * 240 / 0.8 = 60 h; WIP 3 at 12 a week (14 h each) waits 42 h; deploy 1 h.
    let h = 3600.0;
    assert!((v["lead_time_s"].as_f64().unwrap() - 343.0 * h).abs() < 1e-6);
    // 6 + 2 + 1 h, and the rework passes 0.2 * 8 / 0.8 = 2 h.
    assert!((v["process_time_s"].as_f64().unwrap() - 11.0 * h).abs() < 1e-6);
    assert_eq!(v["bottleneck"], "train");
    assert_eq!(
        v["critical_path"],
        serde_json::json!(["train", "review", "deploy"])
    );
    assert_eq!(v["handoffs"]["total"], 3);
    // Positions in the core's analysis become ids and keys in the JSON.
    assert_eq!(
        v["handoffs"]["flows"],
        serde_json::json!(["train>review", "review>train", "review>deploy"])
    );
    assert_eq!(v["steps"][1]["id"], "review");
    assert_eq!(v["steps"][1]["visits"], 1.25);
    // Takt: 40 working hours a week / 12.
    assert!((v["takt_s"].as_f64().unwrap() - 40.0 * h / 12.0).abs() < 1e-6);
}

#[test]
fn analyze_report_is_readable_in_the_unit_asked_for() {
    let f = temp_file("retrain2.json", RETRAIN);
    let o = takt(&["analyze", &f, "--unit", "h"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("Lead time       343 h"), "{out}");
    assert!(
        out.contains("Critical path: train -> review -> deploy"),
        "{out}"
    );
    assert!(
        out.contains("Bottleneck      train (Train candidate)"),
        "{out}"
    );
}

#[test]
fn invalid_input_exits_1_naming_file_line_element_and_field() {
    let bad = RETRAIN.replace(r#""pt": "2h", "lt": "5wd""#, r#""pt": "-2h", "lt": "5wd""#);
    let f = temp_file("negative.json", &bad);
    let o = takt(&["analyze", &f]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // The review step is defined on line 9 of the file.
    assert!(
        err.contains("negative.json:9: step 'review': pt is -2h; times cannot be negative"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let f = temp_file(
        "broken.json",
        "{ \"format\": \"takt\",\n  \"version\": 1,\n  \"name\": \n}",
    );
    let o = takt(&["validate", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.json:4:1:"), "{}", stderr(&o));
}

#[test]
fn a_loop_of_ordinary_flows_is_named() {
    let bad = RETRAIN.replace(r#""kind": "rework", "p": 0.2"#, r#""kind": "push""#);
    let f = temp_file("loop.json", &bad);
    let o = takt(&["validate", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the flows 'train' -> 'review' -> 'train' form a loop"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_newer_format_is_refused_with_the_version() {
    // One past the version this program writes.
    let f = temp_file(
        "v5.json",
        &RETRAIN.replace("\"version\": 1", "\"version\": 5"),
    );
    let o = takt(&["analyze", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("version 5"), "{}", stderr(&o));
}

#[test]
fn wrong_usage_exits_2() {
    assert_eq!(takt(&["analyze"]).status.code(), Some(2));
    assert_eq!(takt(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        takt(&["simulate", "x.json", "--runs", "0"]).status.code(),
        Some(2)
    );
    assert_eq!(
        takt(&["analyze", "x.json", "--unit", "parsecs"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_missing_file_exits_1() {
    let o = takt(&["analyze", "/nonexistent/map.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/map.json: cannot read"));
}

#[test]
fn simulate_is_reproducible_and_reports_percentiles() {
    let f = temp_file("sim.json", RETRAIN);
    let a = takt(&["simulate", &f, "--runs", "2000", "--seed", "9", "--json"]);
    let b = takt(&["simulate", &f, "--runs", "2000", "--seed", "9", "--json"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed, same figures");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let (p50, p85, p95) = (
        v["p50_s"].as_f64().unwrap(),
        v["p85_s"].as_f64().unwrap(),
        v["p95_s"].as_f64().unwrap(),
    );
    assert!(p50 <= p85 && p85 <= p95);
    // Without ranges the only randomness is rework: the mean is near the expected 343 h.
    let mean = v["mean_s"].as_f64().unwrap() / 3600.0;
    assert!((mean - 343.0).abs() < 15.0, "mean {mean} h");
}

#[test]
fn gen_makes_a_valid_map_of_the_size_asked_for() {
    let o = takt(&["gen", "--steps", "300", "--seed", "5"]);
    assert!(o.status.success());
    let f = temp_file("gen.json", &stdout(&o));
    let v = takt(&["validate", &f]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stdout(&v).contains("(300 steps,"), "{}", stdout(&v));
    // Same seed, same map.
    assert_eq!(
        takt(&["gen", "--steps", "300", "--seed", "5"]).stdout,
        o.stdout
    );
}

#[test]
fn diff_shows_deltas_and_changed_steps() {
    let a = temp_file("a.json", RETRAIN);
    let b = temp_file(
        "b.json",
        &RETRAIN
            .replace(r#""p": 0.2"#, r#""p": 0.1"#)
            .replace(r#""lt": "5wd""#, r#""lt": "2wd""#),
    );
    let o = takt(&["diff", &a, &b, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lead = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "lead_time_s")
        .unwrap();
    assert!(lead["delta"].as_f64().unwrap() < 0.0);
    assert_eq!(v["steps_changed"][0]["id"], "review");
    assert_eq!(v["steps_changed"][0]["fields"], serde_json::json!(["lt"]));
    let text = stdout(&takt(&["diff", &a, &b]));
    assert!(text.contains("step changed: review (lt)"), "{text}");
}

#[test]
fn lineage_questions_need_an_existing_asset() {
    let f = temp_file("retrain3.json", RETRAIN);
    let o = takt(&["lineage", &f, "--impact", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("there is no data asset 'nope'"));
    // Two questions at once: wrong usage (exit 2), with the usage.
    let o = takt(&["lineage", &f, "--unconsumed", "--upstream", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Usage: takt lineage"), "{}", stderr(&o));
}

#[test]
fn lineage_without_a_question_is_the_whole_view() {
    let f = root().join("examples/feature-store.json");
    let f = f.to_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&takt(&["lineage", f, "--json"]))).unwrap();
    let asset = |id: &str| {
        v["assets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    // As examples.rs: the fraud endpoint in the last column, 179 100 s fresh, set by the chain
    // through tenure; the two unconsumed assets; the archive copy.
    let api = asset("fraud-api");
    assert_eq!(api["column"], 6);
    assert_eq!(api["fresh_s"], 179_100.0);
    assert_eq!(
        api["chain"],
        serde_json::json!(["fraud-model", "feast", "tenure", "accounts", "crm"])
    );
    assert_eq!(asset("crm")["column"], 0);
    assert_eq!(
        v["unconsumed"],
        serde_json::json!(["rfm-legacy", "transactions-archive"])
    );
    assert_eq!(v["copies"], serde_json::json!(["transactions-archive"]));
    assert_eq!(v["edges"].as_array().unwrap().len(), 19);
    let text = stdout(&takt(&["lineage", f]));
    assert!(
        text.starts_with("19 assets in 7 columns, 19 edges"),
        "{text}"
    );
    assert!(
        text.contains("Endpoint fraud-api: lineage lead time 2.07 d, set by fraud-model <- feast <- tenure <- accounts <- crm"),
        "{text}"
    );
    assert!(
        text.contains("Transportation waste candidates (copies): transactions-archive"),
        "{text}"
    );
}

#[test]
fn every_example_analyses_and_simulates() {
    let dir = root().join("examples");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let p = p.to_string_lossy().into_owned();
            let o = takt(&["analyze", &p]);
            assert!(o.status.success(), "{p}: {}", stderr(&o));
            let o = takt(&["simulate", &p, "--runs", "500"]);
            assert!(o.status.success(), "{p}: {}", stderr(&o));
            n += 1;
        }
    }
    assert!(n >= 4, "at least four example maps, found {n}");
}

#[test]
fn schema_is_published() {
    let o = takt(&["schema"]);
    assert!(o.status.success());
    let published = std::fs::read_to_string(root().join("schema/takt.schema.json")).unwrap();
    assert_eq!(
        stdout(&o),
        published,
        "schema/takt.schema.json is stale: run `make schema`"
    );
}

#[test]
fn documents_convert_both_ways_and_list_scenarios_and_history() {
    use takt_core::ops::{Key, Op};
    let dir = std::env::temp_dir().join(format!("takt-cli-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let map = root().join("examples/model-retraining-current.json");
    let map = map.to_string_lossy().into_owned();
    let doc = dir.join("m.takt").to_string_lossy().into_owned();
    let back = dir.join("back.json").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&doc);
    let _ = std::fs::remove_file(&back);

    assert!(takt(&["convert", &map, &doc]).status.success());
    // A future state with one edit, made through the store as the app would.
    {
        let mut d = takt_store::Document::open(std::path::Path::new(&doc)).unwrap();
        let future = d.fork(d.current(), "Automated checks").unwrap();
        let id = d.map(future).unwrap().steps[1].id.clone();
        let op = Op::Set {
            key: Key::step(&id),
            field: "name".into(),
            value: serde_json::json!("Renamed"),
        };
        d.apply(future, &op).unwrap();
    }
    let list = stdout(&takt(&["scenarios", &doc]));
    assert!(
        list.contains("Current state") && list.contains("Automated checks"),
        "{list}"
    );
    assert!(list.contains("from 'Current state'"), "{list}");
    let history = stdout(&takt(&["history", &doc, "--scenario", "Automated checks"]));
    assert!(
        history.contains("set step") && history.contains(" name"),
        "{history}"
    );
    assert_eq!(stdout(&takt(&["history", &doc])), "no edits yet\n");

    // The current state analyses like the map it came from.
    let a = takt(&["analyze", &doc, "--json"]);
    let b = takt(&["analyze", &map, "--json"]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    assert!(takt(&["analyze", &doc, "--scenario", "Automated checks"])
        .status
        .success());
    let o = takt(&["analyze", &doc, "--scenario", "Nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("there is no scenario 'Nope'"));

    // Back to JSON, byte for byte; an existing output is refused.
    assert!(takt(&["convert", &doc, &back]).status.success());
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&map).unwrap());
    let o = takt(&["convert", &map, &doc]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("exists already"));
}

#[test]
fn a_file_that_is_not_a_document_gets_a_clear_error() {
    let f = temp_file(
        "fake.takt",
        "SQLite format 3\0 but not really a database at all, no",
    );
    let o = takt(&["scenarios", &f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("fake.takt"), "{}", stderr(&o));
}

#[test]
fn gates_lists_the_register_as_json_and_text() {
    let f = root().join("examples/credit-risk-gates.json");
    let o = takt(&["gates", f.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let gates = v["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 6);
    let dq = &gates[0];
    assert_eq!(dq["id"], "dq-review");
    assert_eq!(dq["regulation"], "EU AI Act");
    assert_eq!(dq["control"], "Art. 10");
    assert_eq!(dq["sla_s"], 241_920);
    assert_eq!(dq["lt_s"], 362_880);
    assert_eq!(dq["meets_sla"], false);
    assert_eq!(dq["critical"], true);
    assert_eq!(dq["evidence"][1]["status"], "requested");
    assert_eq!(gates[1]["redundant_with"], serde_json::json!(["soundness"]));
    assert_eq!(v["uncovered_controls"].as_array().unwrap().len(), 3);

    let o = takt(&["gates", f.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains(
            "lead time 3 wd (4% of the lead time, on the critical path); SLA 2 wd NOT MET"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "redundancy: validation and soundness are consecutive approvals by the same role"
        ),
        "{text}"
    );
    assert!(
        text.contains("uncovered: no gate checks GDPR Art. 22"),
        "{text}"
    );
}

#[test]
fn audit_lists_who_changed_what_with_filters() {
    let dir = std::env::temp_dir().join(format!("takt-cli-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("audit.takt");
    let _ = std::fs::remove_file(&file);
    let map = takt_core::format::load(
        &std::fs::read_to_string(root().join("examples/credit-risk-gates.json")).unwrap(),
    )
    .unwrap();
    {
        let mut doc = takt_store::Document::create(&file, &map).unwrap();
        doc.set_author(Some("ana".into()));
        let s = doc.current();
        let set = |field: &str, v: serde_json::Value| takt_core::ops::Op::Set {
            key: takt_core::ops::Key::step("validation"),
            field: field.into(),
            value: v,
        };
        doc.apply(s, &set("lt", serde_json::json!("10wd"))).unwrap();
        doc.set_author(Some("ben".into()));
        doc.apply(s, &set("pca", serde_json::json!(90))).unwrap();
        doc.fork(s, "Future A").unwrap();
    }
    let path = file.to_str().unwrap();
    let o = takt(&["audit", path]);
    let text = stdout(&o);
    assert!(
        text.contains("ana           Current state     Set the lead time of 'Independent model validation' from 12 wd to 10 wd"),
        "{text}"
    );
    assert!(
        text.contains("Made future state 'Future A' from 'Current state'"),
        "{text}"
    );
    let o = takt(&["audit", path, "--author", "ben", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let entries = v["audit"].as_array().unwrap();
    // Ben's edit and his fork.
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["action"], "fork");
    assert_eq!(
        entries[0]["sentences"][0]["text"],
        "Set %C&A of 'Independent model validation' to 90"
    );
    let o = takt(&["audit", path, "--element", "Independent model validation"]);
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = takt(&["audit", path, "--scenario", "Future A"]);
    assert_eq!(stdout(&o).lines().count(), 1);
    let o = takt(&["audit", path, "--since", "31/12/2026"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("'31/12/2026' is not a date"));
    let o = takt(&[
        "audit",
        root()
            .join("examples/credit-risk-gates.json")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kept in a Takt document"));
}

#[test]
fn diff_lists_mandatory_gates_removed_with_their_justification() {
    let text = std::fs::read_to_string(root().join("examples/credit-risk-gates.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let steps = v["steps"].as_array_mut().unwrap();
    steps.retain(|s| s["id"] != "dq-review");
    let flows = v["flows"].as_array_mut().unwrap();
    flows.retain(|f| f["from"] != "dq-review" && f["to"] != "dq-review");
    flows.push(serde_json::json!({"from": "extract", "to": "develop"}));
    let kaizen = v["kaizen"].as_array_mut().unwrap();
    kaizen.retain(|k| k["target"]["step"] != "dq-review");
    let b = temp_file("no-dq.json", &v.to_string());
    let a = root().join("examples/credit-risk-gates.json");
    let o = takt(&["diff", a.to_str().unwrap(), &b]);
    assert!(
        stdout(&o).contains("mandatory gate: removes the mandatory gate 'Data quality and governance review'; NOT JUSTIFIED"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    v["justifications"] = serde_json::json!([{"gate": "dq-review", "text": "The checks run in the pipeline", "author": "ana", "date": "2026-12-04"}]);
    let b = temp_file("no-dq-justified.json", &v.to_string());
    let o = takt(&["diff", a.to_str().unwrap(), &b]);
    assert!(
        stdout(&o).contains("; justified by ana on 2026-12-04: The checks run in the pipeline"),
        "{}",
        stdout(&o)
    );
    let o = takt(&["diff", a.to_str().unwrap(), &b, "--json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["mandatory"][0]["change"], "removed");
    assert_eq!(j["mandatory"][0]["justification"]["author"], "ana");
}

#[test]
fn report_writes_the_compliance_report_as_pdf_html_or_json() {
    let dir = std::env::temp_dir().join(format!("takt-cli-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let map = root().join("examples/credit-risk-gates.json");
    let map = map.to_str().unwrap();
    for (format, name) in [("pdf", "r.pdf"), ("html", "r.html"), ("json", "r.json")] {
        let out = dir.join(name);
        let o = takt(&[
            "report",
            map,
            "--format",
            format,
            "--author",
            "Ana",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("(6 gates,"), "{}", stdout(&o));
        let bytes = std::fs::read(&out).unwrap();
        match format {
            "pdf" => assert!(bytes.starts_with(b"%PDF-")),
            "html" => assert!(String::from_utf8_lossy(&bytes).contains("<h2>Gate register</h2>")),
            _ => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v["report"], "compliance");
                assert_eq!(v["author"], "Ana");
                assert_eq!(v["gates"].as_array().unwrap().len(), 6);
                assert_eq!(v["uncovered_controls"].as_array().unwrap().len(), 3);
            }
        }
    }
    let o = takt(&[
        "report",
        map,
        "-o",
        dir.join("nowhere/r.pdf").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot write the report there"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("nowhere").exists());
}

#[test]
fn compare_puts_scenarios_side_by_side_with_a_waterfall_that_adds_up() {
    let ex = root().join("examples");
    let cur = ex.join("model-retraining-current.json");
    let fut = ex.join("model-retraining-future.json");
    let o = takt(&[
        "compare",
        cur.to_str().unwrap(),
        fut.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["baseline"], cur.to_str().unwrap());
    let s = &v["scenarios"][1];
    let lead = &s["metrics"][0];
    assert_eq!(lead["metric"], "lead_time_s");
    let bars = s["waterfall"].as_array().unwrap();
    let sum: f64 = bars.iter().map(|b| b["delta_s"].as_f64().unwrap()).sum();
    // The bars add up to the change of lead time, to the second.
    assert_eq!(sum, lead["delta"].as_f64().unwrap().round());
    // The model card replaces the evidence step (one change), and the MRM fast lane's flow
    // leads from the new step: the two items share a bar. Data validation has one of its own;
    // the rest (the MRM review's own times) no item claims.
    let titles: Vec<&str> = bars.iter().map(|b| b["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[0].contains(" + "));
    assert_eq!(bars[1]["kaizen"], "kz-auto-validation");
    assert_eq!(bars[2]["kaizen"], serde_json::Value::Null);
    assert!(s["steps_removed"]
        .as_array()
        .unwrap()
        .contains(&"evidence".into()));
    assert!(s["flows_added"]
        .as_array()
        .unwrap()
        .contains(&"model-card>mrm-review".into()));

    // The text shows the table and the bars.
    let o = takt(&["compare", cur.to_str().unwrap(), fut.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains("lead_time_s") && text.contains("(-25.7 wd)"),
        "{text}"
    );
    assert!(text.contains("Automate data validation"), "{text}");

    // A scenario with itself, or one alone: a clear message.
    let o = takt(&["compare", cur.to_str().unwrap(), cur.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is listed twice"), "{}", stderr(&o));
    let o = takt(&["compare", cur.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("compare 2 to 4 scenarios"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn snapshots_come_in_from_map_files_and_trend_as_an_xmr_chart() {
    let dir = std::env::temp_dir().join(format!("takt-cli-trend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = dir.join("t.takt");
    let _ = std::fs::remove_file(&doc);
    let ex = root().join("examples");
    let cur = ex.join("model-retraining-current.json");
    let fut = ex.join("model-retraining-future.json");
    let o = takt(&["convert", cur.to_str().unwrap(), doc.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d = doc.to_str().unwrap();
    for (file, at) in [
        (&cur, "2026-01-31"),
        (&fut, "2026-02-28"),
        (&cur, "2026-03-31"),
    ] {
        let o = takt(&["snapshot", d, "--from", file.to_str().unwrap(), "--at", at]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stdout(&o).contains(&format!("dated {at} from")),
            "{}",
            stdout(&o)
        );
    }
    // A date taken, a date that is not one, a file that is not a map: named, nothing added.
    let o = takt(&[
        "snapshot",
        d,
        "--from",
        cur.to_str().unwrap(),
        "--at",
        "2026-02-28",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("there is a snapshot dated 2026-02-28 already"),
        "{}",
        stderr(&o)
    );
    let o = takt(&[
        "snapshot",
        d,
        "--from",
        cur.to_str().unwrap(),
        "--at",
        "28.2.2026",
    ]);
    assert!(
        stderr(&o).contains("'28.2.2026' is not a date"),
        "{}",
        stderr(&o)
    );
    let not_map = temp_file("notes.json", "{\"hello\": 1}");
    let o = takt(&["snapshot", d, "--from", &not_map, "--at", "2026-04-30"]);
    assert!(stderr(&o).contains("notes.json"), "{}", stderr(&o));

    let o = takt(&["trend", d, "--metric", "lead_time_s", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    assert_eq!(points[1]["date"], "2026-02-28");
    let x: Vec<f64> = points
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    // Moving ranges |x1 - x0| and |x2 - x1|, both the same drop: mr_bar is that drop.
    assert!((v["mr_bar"].as_f64().unwrap() - (x[0] - x[1]).abs()).abs() < 1e-6);
    let mean = (x[0] + x[1] + x[2]) / 3.0;
    assert!((v["ucl"].as_f64().unwrap() - (mean + 2.66 * (x[0] - x[1]).abs())).abs() < 1e-6);
    assert_eq!(v["signals"], serde_json::json!([]));
    let o = takt(&["trend", d]);
    assert!(stdout(&o).contains("centre line"), "{}", stdout(&o));
    let o = takt(&["compare", d, "--scenarios", "Current state,Nope"]);
    assert!(stderr(&o).contains("no scenario 'Nope'"), "{}", stderr(&o));
    let o = takt(&[
        "simulate",
        cur.to_str().unwrap(),
        "--runs",
        "2000",
        "--within",
        "40wd",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let share = v["within"]["share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0, "{share}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_kaizen_board_lists_items_by_status_with_what_is_overdue() {
    let map = root().join("examples/model-retraining-current.json");
    let o = takt(&["board", map.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cards"].as_array().unwrap().len(), 3);
    assert_eq!(v["velocity"].as_array().unwrap().len(), 12);
    let o = takt(&["board", map.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains("Idea (") && text.contains("Done per week since"),
        "{text}"
    );
}

#[test]
fn openlineage_events_come_in_as_a_map_or_into_a_document() {
    let dir = std::env::temp_dir().join(format!("takt-cli-ol-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ev = |kind: &str, run: &str, t: &str| {
        format!(
            r#"{{"eventType": "{kind}", "eventTime": "2026-11-01T{t}Z", "run": {{"runId": "{run}"}}, "job": {{"namespace": "airflow", "name": "score"}}, "inputs": [{{"namespace": "s3://lake", "name": "features"}}], "outputs": [{{"namespace": "kafka", "name": "scores"}}]}}"#
        )
    };
    let good = [
        ev("START", "1", "10:00:00"),
        ev("COMPLETE", "1", "10:30:00"),
    ]
    .join("\n");
    let events = dir.join("events.jsonl");
    std::fs::write(&events, format!("{good}\nnot json\n")).unwrap();
    let out = dir.join("lineage.json");
    let (e, o) = (events.to_str().unwrap(), out.to_str().unwrap());
    // A broken line: named, nothing written.
    let r = takt(&["import", "openlineage", e, "-o", o]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        stderr(&r).contains("events.jsonl: line 3: not valid JSON"),
        "{}",
        stderr(&r)
    );
    assert!(
        stderr(&r).contains("nothing imported; 2 events are valid"),
        "{}",
        stderr(&r)
    );
    assert!(!out.exists());
    let r = takt(&["import", "openlineage", e, "-o", o, "--skip-bad"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stdout(&r).contains("2 events: 3 assets, 2 edges, 1 completed runs timed"),
        "{}",
        stdout(&r)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let job = v["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "airflow/score")
        .unwrap();
    assert_eq!(job["lt"], "30min");
    assert_eq!(job["provenance"]["lt"], "measured");

    // Into a document: one undoable edit; again, nothing new.
    std::fs::write(&events, &good).unwrap();
    let doc = dir.join("m.takt");
    let map = root().join("examples/model-retraining-current.json");
    assert!(
        takt(&["convert", map.to_str().unwrap(), doc.to_str().unwrap()])
            .status
            .success()
    );
    let r = takt(&["import", "openlineage", e, "--into", doc.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(stdout(&r).contains("5 records added"), "{}", stdout(&r));
    let r = takt(&["import", "openlineage", e, "--into", doc.to_str().unwrap()]);
    assert!(stdout(&r).contains("0 records added"), "{}", stdout(&r));
    let h = stdout(&takt(&["history", doc.to_str().unwrap()]));
    let entries: Vec<&str> = h.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(entries.len(), 1, "one entry: {h}");
    assert!(entries[0].contains("5 edits at once"), "{h}");
    std::fs::remove_dir_all(&dir).ok();
}

// ------------------------------------------------------------------------------------------------
// takt mine: event logs.
// ------------------------------------------------------------------------------------------------

#[test]
fn mine_prints_the_log_s_figures_and_writes_a_measured_map() {
    let log = root().join("examples/mlops-log.csv");
    let log = log.to_string_lossy();
    let o = takt(&["mine", &log]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("200 cases") && text.contains("Validate data -> Pull training data"),
        "{text}"
    );
    let o = takt(&["mine", &log, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cases"], 200);
    assert_eq!(v["start_activities"]["Detect drift"], 200);
    assert!(v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["from"] == "Train model"));
    let out = std::env::temp_dir().join(format!("takt-mined-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let outs = out.to_string_lossy();
    let o = takt(&["mine", &log, "-o", &outs]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("every number measured"),
        "{}",
        stdout(&o)
    );
    let o = takt(&["analyze", &outs]);
    assert!(o.status.success(), "{}", stderr(&o));
    // An existing file is never overwritten.
    let o = takt(&["mine", &log, "-o", &outs]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("exists already"));
    std::fs::remove_file(&out).unwrap();
}

#[test]
fn mine_refuses_bad_logs_and_writes_nothing() {
    let bad = temp_file(
        "bad-times.csv",
        "case,activity,timestamp\n1,a,2026-01-01T00:00:00Z\n1,b,31/12/2026\n",
    );
    let out = std::env::temp_dir().join(format!("takt-mined-bad-{}.json", std::process::id()));
    let outs = out.to_string_lossy();
    let o = takt(&["mine", &bad, "-o", &outs]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{bad}:3: column 'timestamp': '31/12/2026'")),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    // With the format, it reads.
    let o = takt(&["mine", &bad, "--time-format", "%d/%m/%Y", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = takt(&["mine", &bad, "--tz", "Europe/Paris"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--tz 'Europe/Paris'"), "{}", stderr(&o));
    let xes = temp_file("log.xes", "<log/>");
    let o = takt(&["mine", &xes]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the log has no events"),
        "{}",
        stderr(&o)
    );
    let fake = temp_file("log.xes.gz", "<log/>");
    let o = takt(&["mine", &fake]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the name says gzip (.gz), but the file is not gzipped"),
        "{}",
        stderr(&o)
    );
    let o = takt(&["mine", &bad, "--pt-from", "train"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--pt-from 'train'"), "{}", stderr(&o));
}

#[test]
fn steps_go_out_to_excel_and_csv_and_come_back_into_a_document() {
    let dir = std::env::temp_dir().join(format!("takt-steps-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let example = root().join("examples/model-retraining-current.json");
    let example = example.to_string_lossy();
    let o = takt(&["convert", &example, &p("doc.takt")]);
    assert!(o.status.success(), "{}", stderr(&o));
    for table in ["steps.xlsx", "steps.csv"] {
        let o = takt(&["export", "steps", &p("doc.takt"), "-o", &p(table)]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("11 steps"), "{}", stdout(&o));
        // Read back: nothing changes.
        let o = takt(&["import", "steps", &p(table), "--into", &p("doc.takt")]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stdout(&o).contains("0 steps updated, 0 added, 11 unchanged"),
            "{}",
            stdout(&o)
        );
    }
    // A time study updates the document as one edit, undone by one undo.
    let study = temp_file(
        "study.csv",
        "Step,Touch time,Queue (h)\nDrift triage and retrain decision,90min,6\n",
    );
    let o = takt(&[
        "import",
        "steps",
        &study,
        "--into",
        &p("doc.takt"),
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("Drift triage and retrain decision: PT 2h → 90min, wait before 4h → 6h"),
        "{}",
        stdout(&o)
    );
    let before = stdout(&takt(&["analyze", &p("doc.takt"), "--json"]));
    let o = takt(&["import", "steps", &study, "--into", &p("doc.takt")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = stdout(&takt(&["analyze", &p("doc.takt"), "--json"]));
    assert_ne!(before, after);
    // One entry in the history: the step and the flow into it, changed together.
    let o = takt(&["history", &p("doc.takt")]);
    assert_eq!(stdout(&o).trim(), "1  2 edits at once");
    // A bad cell: exit 1, the place named, the document as it was.
    let bad = temp_file(
        "bad.csv",
        "Name,PT\nDrift triage and retrain decision,soon\n",
    );
    let o = takt(&["import", "steps", &bad, "--into", &p("doc.takt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "{bad}, row 2, column B (PT): 'soon' is not a duration"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&takt(&["analyze", &p("doc.takt"), "--json"])), after);
    // A new map from the exported workbook, and columns named by hand.
    let o = takt(&["import", "steps", &p("steps.xlsx"), "-o", &p("new.json")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("11 steps, 3 teams"), "{}", stdout(&o));
    let o = takt(&["validate", &p("new.json")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let odd = temp_file("odd.csv", "Was,Took\nDrift triage and retrain decision,3\n");
    let o = takt(&[
        "import",
        "steps",
        &odd,
        "--col",
        "name=Was",
        "--col",
        "pt=Took",
        "--unit",
        "h",
        "--into",
        &p("new.json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("PT 2h → 3h"), "{}", stdout(&o));
    let o = takt(&[
        "import",
        "steps",
        &odd,
        "--col",
        "duration=Took",
        "--into",
        &p("new.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("'duration' is not a step field"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn templates_are_listed_and_written_as_maps_and_documents() {
    let o = takt(&["templates"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for key in [
        "model-retraining",
        "incident-triage",
        "model-release",
        "data-labeling",
        "feature-request",
        "data-quality-incident",
    ] {
        assert!(text.contains(key), "{key} listed: {text}");
    }
    let o = takt(&["templates", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 6);
    let dir = std::env::temp_dir().join(format!("takt-templates-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let map = dir.join("triage.json").to_string_lossy().into_owned();
    let o = takt(&["new", "--template", "incident-triage", "-o", &map]);
    assert!(o.status.success(), "{}", stderr(&o));
    let a: serde_json::Value =
        serde_json::from_slice(&takt(&["analyze", &map, "--json"]).stdout).unwrap();
    assert_eq!(a["lead_time_s"], 118_590.0);
    let listed = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "incident-triage")
        .unwrap();
    assert_eq!(listed["lead_time_s"], a["lead_time_s"]);
    // As a document too; an existing file is refused; an unknown name lists the names.
    let doc = dir.join("triage.takt").to_string_lossy().into_owned();
    assert!(takt(&["new", "--template", "incident-triage", "-o", &doc])
        .status
        .success());
    let o = takt(&["analyze", &doc, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = takt(&["new", "--template", "incident-triage", "-o", &map]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    let o = takt(&[
        "new",
        "--template",
        "retraining",
        "-o",
        &dir.join("x.json").to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no template 'retraining'; the templates are model-retraining, "),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
