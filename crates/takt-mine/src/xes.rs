//! XES logs (IEEE 1849), plain or gzipped, read with the `process_mining` crate's streaming
//! parser (rust4pm): one trace at a time, so memory follows the events kept, not the file.
//!
//! - A trace is a case, named by its `concept:name` (or its number in the file).
//! - An event's activity is its `concept:name`, its time `time:timestamp`, its resource
//!   `org:group` or else `org:resource` (other keys can be named).
//! - Lifecycles: a `start` is paired with the next `complete` of the same activity in the trace
//!   (first in, first out), which gives the event its start and end; a `complete` without a
//!   start is an instant (one timestamp); starts never completed, and other transitions
//!   (schedule, suspend, ...), do not count.
//! - A file whose first bytes are gzip's is decompressed, whatever its name; a name ending in
//!   `.gz` on a file that is not gzipped is an error.

use crate::log::{Event, Interner, Log, LogError, TimeOptions, TimeParser, NONE};
use process_mining::core::event_data::case_centric::xes::{
    stream_xes_bufread, XESImportOptions, XESParseError,
};
use process_mining::core::event_data::case_centric::{Attribute, AttributeValue};
use std::cell::Cell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{BufRead, Read};
use std::path::Path;
use std::rc::Rc;

/// Which attributes hold what (the XES standard's keys unless named).
#[derive(Debug, Clone)]
pub struct XesKeys {
    pub activity: String,
    pub timestamp: String,
    /// None: `org:group`, else `org:resource`.
    pub resource: Option<String>,
}

impl Default for XesKeys {
    fn default() -> Self {
        XesKeys {
            activity: "concept:name".into(),
            timestamp: "time:timestamp".into(),
            resource: None,
        }
    }
}

/// Refuses an empty `<event/>` element as it streams by: process_mining 0.6.2's reader stops
/// the program on one (a `todo!`, found by our fuzzer), so it never sees one. An event needs its
/// activity and its time; one without is a fault of the file, said as such.
struct NoEmptyEvents<R> {
    inner: R,
    /// Where in an `<event ...>` tag the stream is: 1-6 `<event` matched so far, 8 in its
    /// attributes, 9 and 10 in a quoted value, 7 after a `/` (a `>` now ends an empty event).
    state: u8,
}

const EMPTY_EVENT: &str =
    "an <event/> element with nothing in it (an event needs its activity and its time)";

impl<R: Read> Read for NoEmptyEvents<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            let space = b.is_ascii_whitespace();
            self.state = match (self.state, b) {
                // In a tag's attributes: quoted values may hold anything.
                (9, b'"') | (10, b'\'') => 8,
                (9, _) => 9,
                (10, _) => 10,
                (8, b'"') => 9,
                (8, b'\'') => 10,
                (8 | 6, b'/') => 7,
                (7, b'>') => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        EMPTY_EVENT,
                    ))
                }
                (8, b'>') => 0,
                (7 | 8, _) => 8,
                (_, b'<') => 1,
                (1, b'e') => 2,
                (2, b'v') => 3,
                (3, b'e') => 4,
                (4, b'n') => 5,
                (5, b't') => 6,
                (6, _) if space => 8,
                _ => 0,
            };
        }
        Ok(n)
    }
}

/// Counts the bytes read through it (for progress).
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

fn time_of(v: &AttributeValue, parser: &TimeParser) -> Option<i64> {
    match v {
        AttributeValue::Date(d) => Some(d.timestamp_micros()),
        AttributeValue::String(s) => parser.parse(s),
        _ => None,
    }
}

fn text_of(a: Option<&Attribute>) -> Option<String> {
    match &a?.value {
        AttributeValue::String(s) => Some(s.clone()),
        AttributeValue::Int(i) => Some(i.to_string()),
        AttributeValue::ID(u) => Some(u.to_string()),
        AttributeValue::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn get<'a>(attrs: &'a [Attribute], key: &str) -> Option<&'a Attribute> {
    attrs.iter().find(|a| a.key == key)
}

/// Whether a log is XES: by its name (.xes, .xes.gz), else, unless named as CSV (.csv, .tsv,
/// .txt), by its first bytes (gzip, or XML). The CLI and the app decide the same way.
pub fn looks_like_xes(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".xes") || name.ends_with(".xes.gz") {
        return true;
    }
    if name.ends_with(".csv") || name.ends_with(".tsv") || name.ends_with(".txt") {
        return false;
    }
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = &head[..n];
    head.starts_with(&[0x1f, 0x8b]) || head.trim_ascii_start().starts_with(b"<")
}

/// Reads an XES log; `progress` gets the bytes read (of the file, compressed) after each trace
/// and answers whether to go on. `None`: cancelled.
pub fn read_xes_file(
    path: &Path,
    keys: &XesKeys,
    time: &TimeOptions,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Option<Log>, LogError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| LogError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    read_xes(f, &file, keys, time, progress)
}

/// Reads an XES log from `input`; `file` names it in errors (and says whether it is named as
/// gzipped).
pub fn read_xes<R: Read>(
    f: R,
    file: &str,
    keys: &XesKeys,
    time: &TimeOptions,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Option<Log>, LogError> {
    let file = file.to_owned();
    let io = |e: std::io::Error| LogError::Io {
        file: file.clone(),
        message: e.to_string(),
    };
    let fail = |message: String| LogError::Format {
        file: file.clone(),
        message,
    };
    // The first bytes, looked at without taking them.
    let read = Rc::new(Cell::new(0u64));
    let mut input = std::io::BufReader::with_capacity(
        1 << 16,
        Counting {
            inner: f,
            read: read.clone(),
        },
    );
    let head = input.fill_buf().map_err(io)?;
    let magic = [
        head.first().copied().unwrap_or(0),
        head.get(1).copied().unwrap_or(0),
    ];
    let got = head.len();
    let gz = got >= 2 && magic == [0x1f, 0x8b];
    let named_gz = file.to_lowercase().ends_with(".gz");
    if named_gz && !gz {
        return Err(fail(
            "the name says gzip (.gz), but the file is not gzipped".into(),
        ));
    }
    if got == 0 {
        return Err(LogError::Empty { file });
    }
    if !gz && magic[0] != b'<' && !magic[0].is_ascii_whitespace() && magic != [0xef, 0xbb] {
        return Err(fail(
            "this is not an XES log: it is neither XML nor gzipped XML".into(),
        ));
    }
    // Decompressed here, so that the check for empty events sees the XML.
    let xml: Box<dyn Read> = if gz {
        Box::new(flate2::bufread::MultiGzDecoder::new(input))
    } else {
        Box::new(input)
    };
    let input = std::io::BufReader::with_capacity(
        1 << 16,
        NoEmptyEvents {
            inner: xml,
            state: 0,
        },
    );
    let mut wanted: HashSet<String> = [
        keys.activity.as_str(),
        keys.timestamp.as_str(),
        "lifecycle:transition",
        "org:group",
        "org:resource",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    if let Some(r) = &keys.resource {
        wanted.insert(r.clone());
    }
    let opts = XESImportOptions {
        ignore_log_attributes_except: Some(HashSet::new()),
        ignore_trace_attributes_except: Some(["concept:name".to_string()].into_iter().collect()),
        ignore_event_attributes_except: Some(wanted),
        verbose: false,
        ..XESImportOptions::default()
    };
    let (mut stream, _log_data) = stream_xes_bufread(input, false, opts)
        .map_err(|e| fail(format!("not a readable XES log: {}", describe(&e))))?;
    let parser = TimeParser::new(time);
    let mut cases = Interner::default();
    let mut acts = Interner::default();
    let mut res = Interner::default();
    let mut events = Vec::new();
    let mut has_start = false;
    let mut bad: Vec<String> = Vec::new();
    let mut bad_count = 0usize;
    let mut n_trace = 0u32;
    for trace in &mut stream {
        n_trace += 1;
        let name = text_of(get(&trace.attributes, "concept:name"))
            .unwrap_or_else(|| format!("trace {n_trace}"));
        let case = cases.get_bytes(name.as_bytes()).expect("a String is text");
        let mut open: HashMap<String, VecDeque<i64>> = HashMap::new();
        for (k, e) in trace.events.iter().enumerate() {
            let a = &e.attributes;
            let Some(act) = text_of(get(a, &keys.activity)) else {
                bad_count += 1;
                if bad.len() < 10 {
                    bad.push(format!(
                        "{file}: trace '{name}', event {}: no activity ({})",
                        k + 1,
                        keys.activity
                    ));
                }
                continue;
            };
            let Some(t) = get(a, &keys.timestamp).and_then(|x| time_of(&x.value, &parser)) else {
                bad_count += 1;
                if bad.len() < 10 {
                    bad.push(format!(
                        "{file}: trace '{name}', event {} ('{act}'): no readable {}",
                        k + 1,
                        keys.timestamp
                    ));
                }
                continue;
            };
            let transition = text_of(get(a, "lifecycle:transition")).map(|s| s.to_lowercase());
            match transition.as_deref() {
                Some("start") => {
                    open.entry(act).or_default().push_back(t);
                    continue;
                }
                None | Some("complete") => {}
                Some(_) => continue,
            }
            let start = match open.get_mut(&act).and_then(VecDeque::pop_front) {
                Some(s) if s <= t => {
                    has_start = true;
                    s
                }
                _ => t,
            };
            let activity = acts.get_bytes(act.as_bytes()).expect("a String is text");
            let r = match &keys.resource {
                Some(key) => text_of(get(a, key)),
                None => text_of(get(a, "org:group")).or_else(|| text_of(get(a, "org:resource"))),
            };
            let resource = match r {
                Some(r) if !r.trim().is_empty() => {
                    res.get_bytes(r.trim().as_bytes()).expect("text")
                }
                _ => NONE,
            };
            events.push(Event {
                case,
                activity,
                resource,
                line: u32::try_from(events.len() + 1).unwrap_or(u32::MAX),
                start,
                end: t,
            });
        }
        if !progress(read.get()) {
            return Ok(None);
        }
    }
    if let Some(e) = stream.check_for_errors() {
        return Err(fail(format!(
            "not a readable XES log after {n_trace} traces: {}",
            describe(&e)
        )));
    }
    if bad_count > 0 {
        return Err(fail(format!(
            "{bad_count} events cannot be read:\n{}",
            bad.join("\n")
        )));
    }
    if events.is_empty() {
        return Err(LogError::Empty { file });
    }
    Ok(Some(Log {
        cases: cases.names,
        activities: acts.names,
        resources: res.names,
        events,
        has_start,
    }))
}

fn describe(e: &XESParseError) -> String {
    use XESParseError as E;
    match e {
        E::NoTopLevelLog | E::ExpectedLogData => "there is no <log> element".into(),
        E::IOError(io) if io.to_string().contains(EMPTY_EVENT) => EMPTY_EVENT.into(),
        E::IOError(io) => io.to_string(),
        E::XMLParsingError(x) if x.to_string().contains(EMPTY_EVENT) => EMPTY_EVENT.into(),
        E::XMLParsingError(x)
            if x.to_string().contains("deflate") || x.to_string().contains("gzip") =>
        {
            format!("the gzip data is damaged ({x})")
        }
        E::XMLParsingError(x) => format!("the XML is broken ({x})"),
        E::MissingKey(k) => format!("an attribute has no '{k}'"),
        E::InvalidKeyValue(k) => format!("an attribute's '{k}' is not valid"),
        other => format!("{other:?}"),
    }
}
