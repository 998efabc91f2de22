//! Speed of the document file: one edit committed (p50 and p99, with both durability settings),
//! opening a 10,000-step document ready for analysis, undo, and Save As of a 10,000-step
//! document. Targets and figures: docs/BENCHMARKS.md. `cargo bench -p takt-store`; under
//! `cargo test --benches` it runs a few iterations of each, untimed, to keep the harness working.

use std::path::Path;
use std::time::{Duration, Instant};
use takt_core::ops::{Key, Op};
use takt_store::{Document, Durability};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name:<44} n={:<5} p50 {:>9.3} ms   p99 {:>9.3} ms   max {:>9.3} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
}

fn commits(dir: &Path, steps: usize, durability: Durability, n: usize) -> Vec<Duration> {
    let file = dir.join(format!("commit-{steps}-{durability:?}.takt"));
    let _ = std::fs::remove_file(&file);
    let mut doc = Document::create(&file, &takt_core::gen::generate(steps, 42)).unwrap();
    doc.set_durability(durability).unwrap();
    let s = doc.current();
    let id = doc.map(s).unwrap().steps[steps / 2].id.clone();
    (0..n)
        .map(|k| {
            let op = Op::Set {
                key: Key::step(&id),
                field: "name".into(),
                value: serde_json::json!(format!("name {k}")),
            };
            let t = Instant::now();
            doc.apply(s, &op).unwrap();
            t.elapsed()
        })
        .collect()
}

fn main() {
    let timed = std::env::args().any(|a| a == "--bench");
    let (n, reps) = if timed { (2000, 20) } else { (5, 1) };
    let dir = tempfile::tempdir().unwrap();

    for d in [Durability::PowerCut, Durability::AppCrash] {
        report(
            &format!("edit committed, 1,000 steps, {d:?}"),
            commits(dir.path(), 1000, d, n),
        );
    }
    report(
        "edit committed, 10,000 steps, PowerCut",
        commits(dir.path(), 10_000, Durability::PowerCut, n / 4 + 1),
    );

    // A 10,000-step document.
    let big = dir.path().join("big.takt");
    let map = takt_core::gen::generate(10_000, 42);
    drop(Document::create(&big, &map).unwrap());
    let opens = (0..reps)
        .map(|_| {
            let t = Instant::now();
            let mut doc = Document::open(&big).unwrap();
            let s = doc.current();
            let _ = takt_core::analyze(doc.map(s).unwrap()).unwrap();
            t.elapsed()
        })
        .collect();
    report("open 10,000 steps, ready for analysis (incl.)", opens);

    let mut doc = Document::open(&big).unwrap();
    let s = doc.current();
    let id = doc.map(s).unwrap().steps[5000].id.clone();
    let mut undos = Vec::new();
    for k in 0..reps * 5 {
        let op = Op::Set {
            key: Key::step(&id),
            field: "name".into(),
            value: serde_json::json!(format!("u{k}")),
        };
        doc.apply(s, &op).unwrap();
        let t = Instant::now();
        doc.undo(s).unwrap().expect("an edit to undo");
        undos.push(t.elapsed());
    }
    report("undo, 10,000 steps (with its analysis)", undos);

    // A future state of the 10,000-step document: an edit, committed, analysed and compared
    // with the current state (what the app shows after each edit of a future state).
    let future = doc.fork(s, "Future").unwrap();
    let compared = (0..reps * 5)
        .map(|k| {
            let op = Op::Set {
                key: Key::step(&id),
                field: "pt".into(),
                value: serde_json::json!(format!("{}min", 10 + k % 50)),
            };
            let t = Instant::now();
            let (_, analysis) = doc.apply(future, &op).unwrap();
            let c = doc
                .comparison(future, &analysis)
                .unwrap()
                .expect("a future state");
            let e = t.elapsed();
            assert_eq!(c.steps_changed.len(), 1);
            e
        })
        .collect();
    report("future state, 10,000 steps: edit to comparison", compared);
    let (_, analysis) = doc
        .apply(
            future,
            &Op::Set {
                key: Key::step(&id),
                field: "pt".into(),
                value: serde_json::json!("5min"),
            },
        )
        .unwrap();
    let alone = (0..reps * 5)
        .map(|_| {
            let t = Instant::now();
            let _ = doc.comparison(future, &analysis).unwrap();
            t.elapsed()
        })
        .collect();
    report("  of which the comparison", alone);

    // The trend of 500 snapshots (monthly exports of a 200-step map, each a little different):
    // just opened, then again (each snapshot's figures are kept with it when it is taken).
    let trend_file = dir.path().join("trend.takt");
    let base = takt_core::gen::generate(200, 7);
    let mut tdoc = Document::create(&trend_file, &base).unwrap();
    let count = if timed { 500 } else { 5 };
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for k in 0..count {
        let mut m = base.clone();
        m.steps[10].pt = Some(format!("{}min", 10 + k % 40).parse().unwrap());
        let date = (start + chrono::Days::new(k as u64))
            .format("%Y-%m-%d")
            .to_string();
        tdoc.import_snapshot(&m, "gen.json", &date, "").unwrap();
    }
    tdoc.close().unwrap();
    let firsts = (0..reps.min(5))
        .map(|_| {
            let mut d = Document::open(&trend_file).unwrap();
            let t = Instant::now();
            let (points, _) = d.trend("lead_time_s").unwrap();
            let e = t.elapsed();
            assert_eq!(points.len(), count);
            e
        })
        .collect();
    report(&format!("trend of {count} snapshots, just opened"), firsts);
    let mut d = Document::open(&trend_file).unwrap();
    d.trend("lead_time_s").unwrap();
    let again = (0..reps * 5)
        .map(|_| {
            let t = Instant::now();
            d.trend("pce").unwrap();
            t.elapsed()
        })
        .collect();
    report(&format!("trend of {count} snapshots, again"), again);

    let saves = (0..reps)
        .map(|k| {
            let target = dir.path().join(format!("copy{k}.takt"));
            let t = Instant::now();
            doc.save_as(&target).unwrap();
            let e = t.elapsed();
            std::fs::remove_file(&target).unwrap();
            e
        })
        .collect();
    report("Save As, 10,000 steps", saves);
}
