//! XES logs: lifecycles paired into intervals, gzip, the same figures as the same log in CSV.

use std::io::Write;
use std::path::PathBuf;
use takt_mine::xes::{read_xes_file, XesKeys};
use takt_mine::TimeOptions;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("takt-mine-xes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read(p: &std::path::Path) -> Result<takt_mine::Log, takt_mine::LogError> {
    read_xes_file(p, &XesKeys::default(), &TimeOptions::default(), &mut |_| {
        true
    })
    .map(|l| l.unwrap())
}

/// An event of the XES written: time, lifecycle, activity, resource.
type XesEvent = (String, String, String, String);

/// The fixture log (CSV) written as XES: each row a start and a complete event, in time order
/// within each trace.
fn as_xes(csv: &str) -> String {
    let mut traces: Vec<(String, Vec<XesEvent>)> = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let ev = |t: &str, lc: &str| {
            (
                t.to_string(),
                lc.to_string(),
                f[1].to_string(),
                f[4].to_string(),
            )
        };
        if traces.last().map(|t| t.0.as_str()) != Some(f[0]) {
            traces.push((f[0].to_string(), Vec::new()));
        }
        let t = &mut traces.last_mut().unwrap().1;
        t.push(ev(f[2], "start"));
        t.push(ev(f[3], "complete"));
    }
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<log xes.version=\"1.0\" xmlns=\"http://www.xes-standard.org/\">\n");
    for (case, mut evs) in traces {
        // Time order, starts before completes at one instant (the sort is stable).
        evs.sort_by(|a, b| a.0.cmp(&b.0));
        x += &format!("<trace><string key=\"concept:name\" value=\"{case}\"/>\n");
        for (t, lc, act, res) in evs {
            x += &format!("<event><string key=\"concept:name\" value=\"{act}\"/><string key=\"lifecycle:transition\" value=\"{lc}\"/><date key=\"time:timestamp\" value=\"{t}\"/><string key=\"org:resource\" value=\"{res}\"/></event>\n");
        }
        x += "</trace>\n";
    }
    x + "</log>\n"
}

#[test]
fn the_same_log_as_xes_and_gzipped_xes_gives_the_csv_s_figures() {
    let csv_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mlops-300.csv");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut from_csv = takt_mine::read_csv_file(&csv_path, &Default::default()).unwrap();
    let mut m = takt_mine::mine(&mut from_csv, false);
    let want = serde_json::to_value(takt_mine::stats::stats(&from_csv, &mut m.samples)).unwrap();
    let xes = as_xes(&csv);
    for (name, bytes) in [
        ("log.xes", xes.clone().into_bytes()),
        ("log.xes.gz", gzip(xes.as_bytes())),
    ] {
        let p = temp(name, &bytes);
        let mut log = read(&p).unwrap();
        assert!(log.has_start, "{name}");
        assert_eq!(log.resources.len(), 5, "{name}");
        let mut m = takt_mine::mine(&mut log, false);
        let got = serde_json::to_value(takt_mine::stats::stats(&log, &mut m.samples)).unwrap();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn lifecycles_pair_into_intervals() {
    let xes = r#"<?xml version="1.0"?>
<log xes.version="1.0">
  <trace>
    <string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="schedule"/><date key="time:timestamp" value="2026-01-01T08:00:00Z"/></event>
    <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2026-01-01T09:00:00Z"/></event>
    <event><string key="concept:name" value="a"/><string key="lifecycle:transition" value="complete"/><date key="time:timestamp" value="2026-01-01T10:00:00Z"/><string key="org:group" value="Ops"/></event>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2026-01-01T11:00:00Z"/></event>
    <event><string key="concept:name" value="c"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2026-01-01T12:00:00Z"/></event>
  </trace>
  <trace>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-02T10:00:00+01:00"/></event>
  </trace>
</log>"#;
    let log = read(&temp("life.xes", xes.as_bytes())).unwrap();
    // The scheduled and the never-completed events do not count; a start and its complete are one.
    assert_eq!(log.events.len(), 3);
    assert_eq!(log.activities, vec!["a", "b"]);
    assert_eq!(log.cases, vec!["c1", "trace 2"]);
    let hour = 3_600_000_000;
    assert_eq!(log.events[0].end - log.events[0].start, hour);
    assert_eq!(log.events[1].end, log.events[1].start);
    assert_eq!(log.resources, vec!["Ops"]);
    assert_eq!(log.events[2].end, log.events[0].end + 23 * hour);
}

#[test]
fn bad_xes_says_what_is_wrong() {
    let err = |name: &str, bytes: &[u8]| read(&temp(name, bytes)).unwrap_err().to_string();
    assert!(err("a.xes", b"case,activity\n1,a\n").contains("neither XML nor gzipped XML"));
    assert!(err("b.xes.gz", b"<log/>")
        .contains("the name says gzip (.gz), but the file is not gzipped"));
    assert!(err("c.xes", b"<log></log>").contains("the log has no events"));
    let e = err(
        "d.xes",
        b"<log><trace><event><string key=\"concept:name\" value=\"a\"/></event></trace></log>",
    );
    assert!(
        e.contains("trace 'trace 1', event 1 ('a'): no readable time:timestamp"),
        "{e}"
    );
    let e = err("e.xes.gz", &gzip(b"<log><trace><event><string key=\"concept:name\" value=\"a\"/><date key=\"time:timestamp\" value=\"2026-01-01T00:00:00Z\"/></event></trace><trace><event"));
    assert!(e.contains("not a readable XES log"), "{e}");
    let mut damaged = gzip(b"<log></log>");
    let n = damaged.len();
    damaged.truncate(n - 6);
    damaged[12] ^= 0xff;
    let e = err("f.xes.gz", &damaged);
    assert!(e.contains("f.xes.gz"), "{e}");
}

/// Found by the fuzzer: process_mining 0.6.2 stops the program on an empty `<event/>`; the reader
/// refuses one before it gets there, plain or gzipped.
#[test]
fn an_empty_event_is_an_error_not_a_crash() {
    let crash = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz/xes-empty-event.xes.gz");
    // Its later gzip members are damaged too: which fault is met first depends on how far the
    // decoder (its backend) reads ahead. Either is said; nothing stops the program.
    let e = read(&crash).unwrap_err().to_string();
    assert!(
        e.contains("an <event/> element with nothing in it")
            || e.contains("the gzip data is damaged"),
        "{e}"
    );
    for xml in [
        "<log><trace><event/></trace></log>",
        "<log><trace><event  \n /></trace></log>",
        "<log><trace><event id=\"a/>b\" x='1'/></trace></log>",
    ] {
        let e = read(&temp("empty.xes", xml.as_bytes()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("an <event/> element with nothing in it"), "{e}");
        let e = read(&temp("empty.xes.gz", &gzip(xml.as_bytes())))
            .unwrap_err()
            .to_string();
        assert!(e.contains("an <event/> element with nothing in it"), "{e}");
    }
    // <events/> and <event> with content are not it.
    let ok = "<log><trace><event><string key=\"concept:name\" value=\"a\"/><date key=\"time:timestamp\" value=\"2026-01-01T00:00:00Z\"/></event><events/></trace></log>";
    assert_eq!(
        read(&temp("fine.xes", ok.as_bytes())).unwrap().events.len(),
        1
    );
}
