//! `takt mine` against PM4Py, the mined map, and bad logs.

use serde_json::Value;
use std::path::PathBuf;
use takt_mine::{read_csv, CsvOptions, LogError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn mined(csv: &str) -> (takt_mine::Log, takt_mine::Mining) {
    let mut log = read_csv(csv.as_bytes(), "log.csv", &CsvOptions::default()).expect("reads");
    let m = takt_mine::mine(&mut log, false);
    (log, m)
}

fn close(a: &Value, b: &Value, what: &str) {
    match (a, b) {
        (Value::Null, Value::Null) => {}
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 0.5, "{what}: takt {x}, PM4Py {y}");
        }
        _ => panic!("{what}: takt {a}, PM4Py {b}"),
    }
}

/// The figures of a generated log (300 cases), computed once by PM4Py 2.7
/// (scripts/pm4py-oracle.py) and kept: every count equal, every time within 0.5 s.
#[test]
fn the_figures_match_pm4py() {
    let log_path = fixture("mlops-300.csv");
    let mut log = takt_mine::read_csv_file(&log_path, &CsvOptions::default()).expect("reads");
    let mut m = takt_mine::mine(&mut log, false);
    let ours = serde_json::to_value(takt_mine::stats::stats(&log, &mut m.samples)).unwrap();
    let theirs: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("mlops-300.pm4py.json")).unwrap())
            .unwrap();
    for key in ["events", "cases", "start_activities", "end_activities"] {
        assert_eq!(ours[key], theirs[key], "{key}");
    }
    let (oa, ta) = (
        ours["activities"].as_object().unwrap(),
        theirs["activities"].as_object().unwrap(),
    );
    assert_eq!(oa.keys().collect::<Vec<_>>(), ta.keys().collect::<Vec<_>>());
    for (name, o) in oa {
        let t = &ta[name];
        assert_eq!(o["count"], t["count"], "{name}");
        for k in ["mean", "median", "min", "max"] {
            close(
                &o["service_s"][k],
                &t["service_s"][k],
                &format!("{name} service {k}"),
            );
        }
    }
    let (oe, te) = (
        ours["edges"].as_array().unwrap(),
        theirs["edges"].as_array().unwrap(),
    );
    assert_eq!(oe.len(), te.len(), "edges");
    for (o, t) in oe.iter().zip(te) {
        let what = format!("{} -> {}", o["from"], o["to"]);
        assert_eq!(
            (&o["from"], &o["to"], &o["count"]),
            (&t["from"], &t["to"], &t["count"]),
            "{what}"
        );
        for k in ["mean", "median", "min", "max", "sum", "stdev"] {
            close(
                &o["wait_s"][k],
                &t["wait_s"][k],
                &format!("{what} wait {k}"),
            );
        }
    }
    for k in ["mean", "median", "p85", "min", "max"] {
        close(
            &ours["case_duration_s"][k],
            &theirs["case_duration_s"][k],
            &format!("case duration {k}"),
        );
    }
    // The overlapping tests give negative waits, kept as they are.
    assert!(oe
        .iter()
        .any(|e| e["wait_s"]["min"].as_f64().unwrap() < 0.0));
}

/// The generated log is what the fixture was made from.
#[test]
fn the_fixture_is_the_generator_s() {
    let mut out = Vec::new();
    takt_mine::gen::generate(300, 7, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        std::fs::read_to_string(fixture("mlops-300.csv")).unwrap()
    );
}

#[test]
fn the_mined_map_has_the_process_s_shape() {
    let mut out = Vec::new();
    takt_mine::gen::generate(2000, 3, &mut out).unwrap();
    let mut log = read_csv(&out[..], "gen.csv", &CsvOptions::default()).unwrap();
    let mut m = takt_mine::mine(&mut log, false);
    let mined = takt_mine::build(
        &log,
        &m.events,
        &m.runs,
        &mut m.samples,
        &takt_mine::MapOptions::default(),
    );
    let map = &mined.map;
    takt_core::validate(map).unwrap();
    let flow = |from: &str, to: &str| map.flows.iter().find(|f| f.from == from && f.to == to);
    // Failed validations go back to the pull (one in five); rejected reviews back to training (one in ten).
    let back = flow("validate-data", "pull-training-data").expect("the validation loop");
    assert_eq!(back.kind, takt_core::model::FlowKind::Rework);
    assert!((back.p.unwrap() - 0.2).abs() < 0.03, "{:?}", back.p);
    let review = flow("model-risk-review", "train-model").expect("the review loop");
    assert_eq!(review.kind, takt_core::model::FlowKind::Rework);
    assert!((review.p.unwrap() - 0.1).abs() < 0.03, "{:?}", review.p);
    // The two tests run in parallel: an AND split after training, no flow between them.
    assert!(
        flow("train-model", "bias-test").is_some()
            && flow("train-model", "performance-test").is_some()
    );
    assert!(
        flow("bias-test", "performance-test").is_none()
            && flow("performance-test", "bias-test").is_none()
    );
    let train = map.steps.iter().find(|s| s.id == "train-model").unwrap();
    assert_ne!(train.split, Some(takt_core::model::Split::Xor));
    // Every number measured; teams from the resources.
    assert_eq!(
        train.provenance.get("pt"),
        Some(&takt_core::model::Provenance::Measured)
    );
    assert_eq!(train.team.as_deref(), Some("data-science"));
    let pt = train.pt.unwrap().value;
    assert!(
        (3.0 * 3600.0..4.0 * 3600.0).contains(&pt),
        "median training time {pt}"
    );
    assert!(map.teams.iter().any(|t| t.name == "Model risk"));
    // It analyses: the lead time is of the order of the cases' median duration.
    let a = takt_core::analyze(map).unwrap();
    let st = takt_mine::stats::stats(&log, &mut m.samples);
    let ratio = a.lead_time_s / st.case_duration_s.median;
    assert!(
        (0.5..2.0).contains(&ratio),
        "lead time {} against median case {}",
        a.lead_time_s,
        st.case_duration_s.median
    );
    assert!(mined.left_out.is_empty(), "{:?}", mined.left_out);
}

#[test]
fn one_timestamp_per_event() {
    let csv = "case,activity,timestamp\n1,a,2026-01-01T10:00:00Z\n1,b,2026-01-01T11:00:00Z\n1,c,2026-01-01T11:30:00Z\n2,a,2026-01-02T10:00:00Z\n2,c,2026-01-02T12:00:00Z\n";
    let (log, mut m) = mined(csv);
    assert!(!log.has_start);
    let s = takt_mine::stats::stats(&log, &mut m.samples);
    // Waits between completions; no service time.
    let ab = s
        .edges
        .iter()
        .find(|e| e.from == "a" && e.to == "b")
        .unwrap();
    assert_eq!(ab.wait_s.median, 3600.0);
    assert_eq!(s.activities["a"].service_s.max, 0.0);
    // --pt-from previous: an event starts when the previous one ended.
    let mut log = read_csv(csv.as_bytes(), "log.csv", &CsvOptions::default()).unwrap();
    let mut m = takt_mine::mine(&mut log, true);
    let s = takt_mine::stats::stats(&log, &mut m.samples);
    assert_eq!(s.activities["b"].service_s.median, 3600.0);
    assert_eq!(s.activities["c"].service_s.median, (1800.0 + 7200.0) / 2.0);
}

#[test]
fn semicolons_a_byte_order_mark_and_local_times() {
    let csv = "\u{feff}Case ID;Activity;Start Time;End Time;Resource\nA;x;2026-01-01 09:00;2026-01-01 10:00;Ops\nA;y;2026-01-01 10:30;2026-01-01 11:00;Ops\n";
    let opts = CsvOptions {
        time: takt_mine::TimeOptions {
            offset: chrono::FixedOffset::east_opt(3600).unwrap(),
            format: None,
        },
        ..CsvOptions::default()
    };
    let log = read_csv(csv.as_bytes(), "log.csv", &opts).unwrap();
    assert_eq!(log.events.len(), 2);
    assert_eq!(log.resources, vec!["Ops"]);
    // 09:00 at +01:00 is 08:00 UTC.
    assert_eq!(log.events[0].start, 1_767_254_400_000_000);
}

fn error(csv: &[u8], opts: &CsvOptions) -> String {
    match read_csv(csv, "log.csv", opts) {
        Ok(_) => panic!("read"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_logs_say_what_and_where() {
    let d = CsvOptions::default();
    assert_eq!(
        error(b"case,when\n1,2026-01-01T00:00:00Z\n", &d),
        "log.csv: no activity column; the header has 'case', 'when'. Name it with --activity COLUMN"
    );
    let e = error(b"case,activity,timestamp\n1,a,2026-01-01T00:00:00Z\n1,b,yesterday\n1,c,2026-13-01T00:00:00Z\n", &d);
    assert!(e.starts_with("log.csv: 2 timestamps cannot be read"), "{e}");
    assert!(
        e.contains("log.csv:3: column 'timestamp': 'yesterday'"),
        "{e}"
    );
    assert!(
        e.contains("log.csv:4: column 'timestamp': '2026-13-01T00:00:00Z'"),
        "{e}"
    );
    let rev = b"case,activity,start,end\n1,a,2026-01-01T10:00:00Z,2026-01-01T09:00:00Z\n1,b,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z\n";
    let e = error(rev, &d);
    assert!(
        e.contains("1 events end before they start")
            && e.contains("log.csv:2: 'a' of case '1' ends 1 h before it starts"),
        "{e}"
    );
    let skip = CsvOptions {
        skip_reversed: true,
        ..CsvOptions::default()
    };
    assert_eq!(
        read_csv(&rev[..], "log.csv", &skip).unwrap().events.len(),
        1
    );
    assert_eq!(
        error(b"case,activity,timestamp\n", &d),
        "log.csv: the log has no events"
    );
    assert_eq!(error(b"", &d), "log.csv: the log has no events");
    assert!(error(b"\x1f\x8b\x08\x00rest", &d).contains("gzipped file, not a CSV"));
    assert!(error(b"<?xml version=\"1.0\"?><log/>", &d).contains("looks like XML"));
    assert!(error(b"just some words\nand more\n", &d).contains("line 1: not a CSV log"));
    assert!(error(b"a,b\x00,c\n", &d).contains("not text"));
    let e = error(
        b"case,activity,timestamp\n1,a,2026-01-01T00:00:00Z\n1\n",
        &d,
    );
    assert!(e.starts_with("log.csv:3: the row has 1 fields"), "{e}");
    let named = CsvOptions {
        columns: takt_mine::Columns {
            case: Some("ticket".into()),
            ..Default::default()
        },
        ..CsvOptions::default()
    };
    assert!(error(
        b"case,activity,timestamp\n1,a,2026-01-01T00:00:00Z\n",
        &named
    )
    .starts_with("log.csv: --case 'ticket': no such column"));
    assert!(matches!(
        read_csv(
            &b"case,activity,timestamp\n,a,2026-01-01T00:00:00Z\n"[..],
            "l",
            &d
        ),
        Err(LogError::Line { line: 2, .. })
    ));
}
