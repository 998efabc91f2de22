//! Crash test: a child process applies scripted edits (and undoes and redoes some) to a
//! document and reports each acknowledged one; the parent kills it with SIGKILL at a random
//! moment, reopens the file, and checks that SQLite finds it sound, that every acknowledged
//! action is there (and at most one more, the one in flight), and that undoing everything gives
//! back the start. `TAKT_CRASH_KILLS` sets the number of kills (default 200).

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use takt_core::format;
use takt_core::ops::{apply, apply_diff, Diff, Key, Op};
use takt_core::ValueStream;
use takt_store::Document;

const CHILD_ENV: &str = "TAKT_CRASH_CHILD";

/// The scripted actions: mostly edits, with undos and redos among them.
#[allow(clippy::large_enum_variant)] // a test script: size does not matter
#[derive(Debug, Clone)]
enum Action {
    Edit(Op),
    Undo,
    Redo,
}

fn start_map() -> ValueStream {
    takt_core::gen::generate(60, 7)
}

fn script(map: &ValueStream, len: usize) -> Vec<Action> {
    let ids: Vec<String> = map.steps.iter().skip(1).map(|s| s.id.clone()).collect();
    (0..len)
        .map(|k| match k % 10 {
            6 => Action::Undo,
            9 => Action::Redo,
            3 => Action::Edit(Op::Move {
                key: Key::step(&ids[k % ids.len()]),
                x: k as f64,
                y: 2.0 * k as f64,
            }),
            _ => Action::Edit(Op::Set {
                key: Key::step(&ids[(k * 7) % ids.len()]),
                field: "name".into(),
                value: json!(format!("edit {k}")),
            }),
        })
        .collect()
}

/// The child: runs the script on the document, printing "ack K" after action K is committed.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    use std::io::Write;
    let mut doc = Document::open(Path::new(&path)).expect("the child opens the document");
    let s = doc.current();
    let actions = script(&start_map(), 100_000);
    let mut out = std::io::stdout().lock();
    for (k, a) in actions.iter().enumerate() {
        match a {
            Action::Edit(op) => {
                doc.apply(s, op).expect("scripted edits are valid");
            }
            Action::Undo => {
                doc.undo(s).expect("undo");
            }
            Action::Redo => {
                doc.redo(s).expect("redo");
            }
        }
        writeln!(out, "ack {k}").unwrap();
        out.flush().unwrap();
    }
}

/// The map after the first `n` actions, replayed in memory.
fn replay(start: &ValueStream, actions: &[Action], n: usize) -> ValueStream {
    let mut map = start.clone();
    let mut done: Vec<Diff> = Vec::new();
    let mut undone: Vec<Diff> = Vec::new();
    for a in &actions[..n] {
        match a {
            Action::Edit(op) => {
                let d = apply(&mut map, op).unwrap();
                if !d.is_empty() {
                    done.push(d);
                    undone.clear();
                }
            }
            Action::Undo => {
                if let Some(d) = done.pop() {
                    apply_diff(&mut map, &d.inverse()).unwrap();
                    undone.push(d);
                }
            }
            Action::Redo => {
                if let Some(d) = undone.pop() {
                    apply_diff(&mut map, &d).unwrap();
                    done.push(d);
                }
            }
        }
    }
    map
}

/// A small deterministic generator for the kill times.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn killed_at_random_moments_no_acknowledged_edit_is_lost() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let kills: usize = std::env::var("TAKT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.takt");
    let start = start_map();
    drop(Document::create(&template, &start).unwrap());
    let start_json = format::to_json(&start);
    let actions = script(&start, 100_000);
    let exe = std::env::current_exe().unwrap();
    let mut rng = Lcg(0x7a47);
    let mut acked_total = 0usize;
    let mut in_flight_seen = 0usize;
    for round in 0..kills {
        let file: PathBuf = dir.path().join(format!("round{round}.takt"));
        std::fs::copy(&template, &file).unwrap();
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD_ENV, &file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill after a random number of acknowledged actions (0 to 40), part-way into the next.
        let target = rng.next() % 41;
        let extra_wait = Duration::from_micros(rng.next() % 3000);
        let mut acked: Option<usize> = None;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let started = Instant::now();
        while let Some(Ok(line)) = lines.next() {
            // The first one shares its line with the test harness's "test crash_child ... ".
            if let Some(k) = line.split("ack ").nth(1) {
                acked = Some(k.parse().unwrap());
                if acked.unwrap() as u64 >= target {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the child is stuck"
            );
        }
        std::thread::sleep(extra_wait);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Acknowledgements written before the kill are still in the pipe: count them all.
        for line in lines.map_while(Result::ok) {
            // The first one shares its line with the test harness's "test crash_child ... ".
            if let Some(k) = line.split("ack ").nth(1) {
                acked = Some(k.parse().unwrap());
            }
        }

        // Reopen: recovery, integrity, acknowledged actions.
        let check = rusqlite::Connection::open(&file).unwrap();
        let ok: String = check
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "round {round}: integrity");
        drop(check);
        let mut doc = Document::open(&file).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let s = doc.current();
        let on_disk = doc.export_json(s).unwrap();
        let acked_n = acked.map_or(0, |k| k + 1);
        let matches = |n: usize| format::to_json(&replay(&start, &actions, n)) == on_disk;
        let persisted = if matches(acked_n) {
            acked_n
        } else if matches(acked_n + 1) {
            in_flight_seen += 1;
            acked_n + 1
        } else {
            panic!("round {round}: the document matches neither {acked_n} acknowledged actions nor one more")
        };
        acked_total += persisted;
        // Undo is consistent: undoing everything gives back the start, byte for byte.
        while doc.undo(s).unwrap().is_some() {}
        assert_eq!(
            doc.export_json(s).unwrap(),
            start_json,
            "round {round}: undo all"
        );
        // Closed after the crash's log was replayed, the file is whole on its own again.
        doc.close().unwrap();
        let side: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| {
                n.to_string_lossy()
                    .starts_with(&format!("round{round}.takt-"))
            })
            .collect();
        assert!(side.is_empty(), "round {round}: left beside it: {side:?}");
    }
    eprintln!("{kills} kills, {acked_total} actions persisted, {in_flight_seen} in-flight commits found whole");
}

#[test]
fn the_replay_is_what_the_document_does() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let start = start_map();
    let mut doc = Document::create(&dir.path().join("r.takt"), &start).unwrap();
    let s = doc.current();
    let actions = script(&start, 60);
    for (k, a) in actions.iter().enumerate() {
        match a {
            Action::Edit(op) => drop(doc.apply(s, op).unwrap()),
            Action::Undo => drop(doc.undo(s).unwrap()),
            Action::Redo => drop(doc.redo(s).unwrap()),
        }
        assert_eq!(
            doc.export_json(s).unwrap(),
            format::to_json(&replay(&start, &actions, k + 1)),
            "after action {k}: {a:?}"
        );
    }
}

const HOLD_ENV: &str = "TAKT_HOLD_CHILD";

/// A child that opens the document, says so, and holds it until its input closes.
#[test]
fn hold_child() {
    let Ok(path) = std::env::var(HOLD_ENV) else {
        return;
    };
    use std::io::{Read, Write};
    let _doc = Document::open(Path::new(&path)).expect("the child opens the document");
    println!("holding");
    std::io::stdout().flush().unwrap();
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
}

#[test]
fn a_document_open_in_another_process_is_refused_and_unharmed() {
    if std::env::var(CHILD_ENV).is_ok() || std::env::var(HOLD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("held.takt");
    drop(Document::create(&file, &start_map()).unwrap());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "hold_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(HOLD_ENV, &file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        // It shares its line with the test harness's "test hold_child ... ".
        if line.ends_with("holding") {
            break;
        }
    }
    let err = Document::open(&file)
        .err()
        .expect("refused while another process holds it");
    assert!(matches!(err, takt_store::StoreError::InUse { .. }), "{err}");
    drop(child.stdin.take()); // let the child go
    child.wait().unwrap();
    let mut doc = Document::open(&file).expect("free again once the other process is gone");
    let s = doc.current();
    assert_eq!(doc.export_json(s).unwrap(), format::to_json(&start_map()));
}
