//! An event log in memory, and the CSV reader.
//!
//! Events are kept as numbers: the case, activity and resource interned (an index into a table
//! of names), the start and end as microseconds since 1970 (UTC). A million events take 32 MB.
//!
//! The CSV reader sniffs the delimiter (comma, semicolon or tab: the one the header holds most
//! of, outside quotes), takes the columns named on the command line or guesses them from common
//! names, and parses timestamps as RFC 3339 / ISO 8601 with or without a zone (no zone: the
//! given offset, UTC by default), or with a chrono format. Every problem names the file's line.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use rustc_hash::FxHashMap;
use std::io::Read;
use std::path::Path;

/// No resource recorded.
pub const NONE: u32 = u32::MAX;

/// One event: an activity of a case, from `start` to `end` (microseconds since 1970, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub case: u32,
    pub activity: u32,
    pub resource: u32,
    /// The file's line (1-based; the header is line 1).
    pub line: u32,
    pub start: i64,
    pub end: i64,
}

/// An event log: events and the names they refer to.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub cases: Vec<String>,
    pub activities: Vec<String>,
    pub resources: Vec<String>,
    pub events: Vec<Event>,
    /// Whether events carry a start of their own (otherwise `start == end`).
    pub has_start: bool,
}

/// A table of names, each numbered once.
#[derive(Default)]
pub struct Interner {
    index: FxHashMap<Box<[u8]>, u32>,
    pub names: Vec<String>,
}

impl Interner {
    /// The number of the name `b`; `None` if it is new and not text (UTF-8).
    pub fn get_bytes(&mut self, b: &[u8]) -> Option<u32> {
        if let Some(&i) = self.index.get(b) {
            return Some(i);
        }
        let name = std::str::from_utf8(b).ok()?;
        let i = self.names.len() as u32;
        self.index.insert(b.into(), i);
        self.names.push(name.to_owned());
        Some(i)
    }
}

/// Which column holds what: a header name each, or `None` to guess.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub case: Option<String>,
    pub activity: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub resource: Option<String>,
}

/// How timestamps without a zone are read, and a format to read them with.
#[derive(Debug, Clone)]
pub struct TimeOptions {
    /// The zone of timestamps that name none (UTC unless told).
    pub offset: FixedOffset,
    /// A chrono format (`%d/%m/%Y %H:%M`), tried before the ISO forms.
    pub format: Option<String>,
}

impl Default for TimeOptions {
    fn default() -> Self {
        TimeOptions {
            offset: FixedOffset::east_opt(0).expect("UTC"),
            format: None,
        }
    }
}

/// What is wrong with a log, with the file and line where it can be seen.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    #[error("{file}:{line}: {message}")]
    Line {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: no {what} column; the header has {header}. Name it with --{flag} COLUMN")]
    MissingColumn {
        file: String,
        what: &'static str,
        flag: &'static str,
        header: String,
    },
    #[error("{file}: {count} timestamps cannot be read{}:\n{}", format_hint(.format), .rows.join("\n"))]
    Timestamps {
        file: String,
        count: usize,
        format: Option<String>,
        /// The first ten, as "file:line: column 'x': 'value'".
        rows: Vec<String>,
    },
    #[error("{file}: {count} events end before they start (--skip-reversed leaves them out):\n{}", .rows.join("\n"))]
    Reversed {
        file: String,
        count: usize,
        rows: Vec<String>,
    },
    #[error("{file}: the log has no events")]
    Empty { file: String },
}

fn format_hint(f: &Option<String>) -> String {
    match f {
        Some(f) => format!(" with --time-format '{f}' or as RFC 3339"),
        None => {
            " as RFC 3339 / ISO 8601 (give --time-format in chrono's syntax, e.g. '%d/%m/%Y %H:%M')"
                .into()
        }
    }
}

/// The zone of timestamps that name none, as people write it: UTC, Z, or an offset such as
/// +02:00 or -0530 (named zones are not known). The error says what was given.
pub fn parse_offset(tz: &str) -> Result<FixedOffset, String> {
    let t = tz.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(FixedOffset::east_opt(0).expect("UTC"));
    }
    let bad = || {
        format!("'{tz}' is not a time zone here: give UTC or an offset such as +02:00 (named zones are not known)")
    };
    let (sign, rest) = match t.as_bytes()[0] {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let h: i32 = digits[..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..].parse().map_err(|_| bad())?;
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// How to read a CSV log.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    pub columns: Columns,
    pub time: TimeOptions,
    /// Leave out events that end before they start (otherwise an error).
    pub skip_reversed: bool,
    /// The file's size, when known: room for its events is reserved from the rows in its head.
    pub size_hint: Option<u64>,
}

/// The column names tried, in order, when a column is not named.
const CASE_NAMES: &[&str] = &[
    "case:concept:name",
    "case_id",
    "caseid",
    "case id",
    "case",
    "trace_id",
    "run_id",
    "ticket_id",
];
const ACTIVITY_NAMES: &[&str] = &[
    "concept:name",
    "activity",
    "activity_name",
    "activity name",
    "task",
    "event",
    "step",
];
const START_NAMES: &[&str] = &[
    "start_timestamp",
    "start_time",
    "start timestamp",
    "start time",
    "start",
    "started_at",
    "time:start",
];
const END_NAMES: &[&str] = &[
    "time:timestamp",
    "end_timestamp",
    "end_time",
    "end timestamp",
    "end time",
    "complete_timestamp",
    "completed_at",
    "timestamp",
    "end",
    "time",
];
const RESOURCE_NAMES: &[&str] = &[
    "org:group",
    "org:resource",
    "resource",
    "team",
    "group",
    "user",
];

/// The column guessed for each role, by header index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Guess {
    pub case: Option<usize>,
    pub activity: Option<usize>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub resource: Option<usize>,
}

/// Guesses each role's column from the header (names compared without case), as the reader does.
pub fn guess(header: &[String]) -> Guess {
    let find = |names: &[&str], taken: &[Option<usize>]| {
        names.iter().find_map(|n| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(n))
                .filter(|i| !taken.contains(&Some(*i)))
        })
    };
    let case = find(CASE_NAMES, &[]);
    let activity = find(ACTIVITY_NAMES, &[case]);
    let start = find(START_NAMES, &[case, activity]);
    let end = find(END_NAMES, &[case, activity, start]);
    let resource = find(RESOURCE_NAMES, &[case, activity, start, end]);
    Guess {
        case,
        activity,
        start,
        end,
        resource,
    }
}

/// The delimiter the header line uses most, outside quotes.
pub fn sniff(header: &[u8]) -> Option<u8> {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            b'\n' => break,
            _ => {}
        }
    }
    let (i, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, usize::MAX - i))?;
    (n > 0).then_some([b',', b';', b'\t'][i])
}

/// Reads a CSV event log from a file.
pub fn read_csv_file(path: &Path, opts: &CsvOptions) -> Result<Log, LogError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| LogError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let size_hint = f.metadata().ok().map(|m| m.len());
    let opts = CsvOptions {
        size_hint,
        ..opts.clone()
    };
    read_csv(std::io::BufReader::with_capacity(1 << 16, f), &file, &opts)
}

/// Up to `n` bytes from the start of `input` (fewer only at its end).
fn read_head<R: Read>(input: &mut R, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = vec![0u8; n];
    let mut got = 0;
    while got < head.len() {
        let k = input.read(&mut head[got..])?;
        if k == 0 {
            break;
        }
        got += k;
    }
    head.truncate(got);
    Ok(head)
}

/// What the first block of a file says it is: a CSV log's text after any byte-order mark, and
/// its header's delimiter; or why it is not one (gzip, not text, empty, XML, no delimiter).
fn check_head<'h>(head: &'h [u8], file: &str) -> Result<(&'h [u8], u8), LogError> {
    let fail = |message: String| LogError::Format {
        file: file.to_owned(),
        message,
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        return Err(fail(
            "this is a gzipped file, not a CSV; an XES log is read with --format xes".into(),
        ));
    }
    if head.iter().take(8192).any(|&b| b == 0)
        || std::str::from_utf8(&head[..head.len().min(4096)])
            .is_err_and(|e| e.error_len().is_some())
    {
        return Err(fail("this is not a CSV log: it is not text (UTF-8)".into()));
    }
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(LogError::Empty {
            file: file.to_owned(),
        });
    }
    if body.trim_ascii_start().starts_with(b"<") {
        return Err(fail(
            "this looks like XML, not a CSV; an XES log is read with --format xes".into(),
        ));
    }
    let delim = sniff(body).ok_or_else(|| {
        fail(
            "line 1: not a CSV log: the header has no comma, semicolon or tab between columns"
                .into(),
        )
    })?;
    Ok((body, delim))
}

/// Reads a CSV event log; `file` names it in errors.
pub fn read_csv<R: Read>(input: R, file: &str, opts: &CsvOptions) -> Result<Log, LogError> {
    read_csv_progress(input, file, opts, &mut |_| true).map(|l| l.expect("never cancelled"))
}

/// Reads a CSV event log, telling `progress` how many bytes it has read now and then (every
/// 16,384 rows); `None` when `progress` answers false (the user cancelled).
pub fn read_csv_progress<R: Read>(
    mut input: R,
    file: &str,
    opts: &CsvOptions,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Option<Log>, LogError> {
    let io = |e: std::io::Error| LogError::Io {
        file: file.to_owned(),
        message: e.to_string(),
    };
    // The first block: what kind of file this is, and the header's delimiter.
    let head = read_head(&mut input, 64 * 1024).map_err(io)?;
    let (body, delim) = check_head(&head, file)?;
    let fail = |message: String| LogError::Format {
        file: file.to_owned(),
        message,
    };
    let skip = head.len() - body.len();
    // Room for the events: the rows in the head, scaled to the whole file.
    let room = opts.size_hint.map_or(0, |size| {
        let rows = body.iter().filter(|&&b| b == b'\n').count().max(1) as f64;
        (size as f64 / (body.len() as f64 / rows) * 1.02) as usize + 16
    });
    let chained = std::io::Cursor::new(head).chain(input);
    let mut chained = chained;
    // Drop the byte-order mark.
    std::io::copy(&mut (&mut chained).take(skip as u64), &mut std::io::sink()).map_err(io)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(chained);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let shown = || {
        header
            .iter()
            .map(|h| format!("'{h}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let named = |name: &Option<String>,
                 what: &'static str,
                 flag: &'static str|
     -> Result<Option<usize>, LogError> {
        match name {
            None => Ok(None),
            Some(n) => header
                .iter()
                .position(|h| h == n)
                .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(n)))
                .map(Some)
                .ok_or_else(|| LogError::Format {
                    file: file.to_owned(),
                    message: format!(
                        "--{flag} '{n}': no such column for the {what}; the header has {}",
                        shown()
                    ),
                }),
        }
    };
    let c = &opts.columns;
    let g = guess(&header);
    let need = |i: Option<usize>, what: &'static str, flag: &'static str| {
        i.ok_or_else(|| LogError::MissingColumn {
            file: file.to_owned(),
            what,
            flag,
            header: shown(),
        })
    };
    let case_col = need(
        named(&c.case, "case id", "case")?.or(g.case),
        "case id",
        "case",
    )?;
    let act_col = need(
        named(&c.activity, "activity", "activity")?.or(g.activity),
        "activity",
        "activity",
    )?;
    let start_col =
        named(&c.start, "start time", "start")?.or(if c.start.is_none() { g.start } else { None });
    let mut end_col =
        named(&c.end, "end time", "end")?.or(if c.end.is_none() { g.end } else { None });
    // One timestamp only: it is the end (the completion).
    if end_col.is_none() && start_col.is_some() && c.start.is_none() {
        end_col = start_col;
    }
    let end_col = need(end_col, "timestamp (end)", "end")?;
    let start_col = start_col.filter(|&s| s != end_col);
    let res_col = named(&c.resource, "resource", "resource")?.or(if c.resource.is_none() {
        g.resource
    } else {
        None
    });

    let mut cases = Interner::default();
    let mut acts = Interner::default();
    let mut res = Interner::default();
    let mut events = Vec::with_capacity(room);
    let mut bad_times: Vec<String> = Vec::new();
    let mut bad_count = 0usize;
    let mut reversed: Vec<String> = Vec::new();
    let mut reversed_count = 0usize;
    let parser = TimeParser::new(&opts.time);
    let mut rec = csv::ByteRecord::new();
    let mut last_case: (Vec<u8>, u32) = (Vec::new(), u32::MAX);
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(LogError::Line {
                    file: file.to_owned(),
                    line,
                    message: format!("not a CSV row: {e}"),
                });
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        if line & 0x3fff == 0 && !progress(rec.position().map_or(0, |p| p.byte())) {
            return Ok(None);
        }
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.is_empty()) {
            continue; // a blank line
        }
        // Fields as bytes: text is checked (UTF-8) only where a name is new or a time is not
        // in the common ISO form.
        let field = |i: usize| -> Result<&[u8], LogError> {
            rec.get(i)
                .map(<[u8]>::trim_ascii)
                .ok_or_else(|| LogError::Line {
                    file: file.to_owned(),
                    line,
                    message: format!(
                        "the row has {} fields; column '{}' is field {}",
                        rec.len(),
                        header[i],
                        i + 1
                    ),
                })
        };
        let not_text = |col: usize| LogError::Line {
            file: file.to_owned(),
            line,
            message: format!("column '{}' is not text (UTF-8)", header[col]),
        };
        let case_b = field(case_col)?;
        let act_b = field(act_col)?;
        if case_b.is_empty() || act_b.is_empty() {
            return Err(LogError::Line {
                file: file.to_owned(),
                line,
                message: format!(
                    "the {} is empty",
                    if case_b.is_empty() {
                        format!("case id (column '{}')", header[case_col])
                    } else {
                        format!("activity (column '{}')", header[act_col])
                    }
                ),
            });
        }
        let end_b = field(end_col)?;
        let end = parser.parse_bytes(end_b).ok_or((end_col, end_b));
        let start = match start_col {
            Some(sc) => {
                let s = field(sc)?;
                // A missing start: an instant event at its end.
                if s.is_empty() {
                    end
                } else {
                    parser.parse_bytes(s).ok_or((sc, s))
                }
            }
            None => end,
        };
        let (start, end) = match (start, end) {
            (Ok(s), Ok(e)) => (s, e),
            (Err((col, val)), _) | (_, Err((col, val))) => {
                bad_count += 1;
                if bad_times.len() < 10 {
                    bad_times.push(format!(
                        "{file}:{line}: column '{}': '{}'",
                        header[col],
                        String::from_utf8_lossy(val)
                    ));
                }
                continue;
            }
        };
        if end < start {
            reversed_count += 1;
            if reversed.len() < 10 {
                reversed.push(format!(
                    "{file}:{line}: '{}' of case '{}' ends {} before it starts",
                    String::from_utf8_lossy(act_b),
                    String::from_utf8_lossy(case_b),
                    crate::stats::human(((start - end) as f64) / 1e6)
                ));
            }
            if opts.skip_reversed {
                continue;
            }
        }
        let resource = match res_col {
            Some(rc) => match rec.get(rc).map(<[u8]>::trim_ascii) {
                Some(r) if !r.is_empty() => res.get_bytes(r).ok_or_else(|| not_text(rc))?,
                _ => NONE,
            },
            None => NONE,
        };
        // Rows of one case mostly come together: the last case's id is kept at hand.
        let case = if last_case.1 != u32::MAX && last_case.0 == case_b {
            last_case.1
        } else {
            let id = cases.get_bytes(case_b).ok_or_else(|| not_text(case_col))?;
            last_case.0.clear();
            last_case.0.extend_from_slice(case_b);
            last_case.1 = id;
            id
        };
        let activity = acts.get_bytes(act_b).ok_or_else(|| not_text(act_col))?;
        events.push(Event {
            case,
            activity,
            resource,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            start,
            end,
        });
    }
    if bad_count > 0 {
        return Err(LogError::Timestamps {
            file: file.to_owned(),
            count: bad_count,
            format: opts.time.format.clone(),
            rows: bad_times,
        });
    }
    if reversed_count > 0 && !opts.skip_reversed {
        return Err(LogError::Reversed {
            file: file.to_owned(),
            count: reversed_count,
            rows: reversed,
        });
    }
    if events.is_empty() {
        return Err(LogError::Empty {
            file: file.to_owned(),
        });
    }
    Ok(Some(Log {
        cases: cases.names,
        activities: acts.names,
        resources: res.names,
        events,
        has_start: start_col.is_some(),
    }))
}

/// The head of a CSV log, for a person to map its columns: the header, the first rows with
/// their lines, the delimiter, and the columns the reader would guess.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    pub delimiter: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<u64>,
    pub guess: Guess,
}

/// The first `n` rows of a CSV log (it must be text with a header; see `read_csv`).
pub fn preview(path: &Path, n: usize) -> Result<Preview, LogError> {
    let file = path.display().to_string();
    let mut f = std::fs::File::open(path).map_err(|e| LogError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let head = read_head(&mut f, 256 * 1024).map_err(|e| LogError::Io {
        file: file.clone(),
        message: e.to_string(),
    })?;
    // The same checks as a whole read, on the head cut at its last whole line.
    let got = head.len();
    let cut = if got == 256 * 1024 {
        head.iter()
            .rposition(|&b| b == b'\n')
            .map_or(got, |i| i + 1)
    } else {
        got
    };
    let (body, delim) = check_head(&head[..cut], &file)?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(body);
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| LogError::Format {
            file: file.clone(),
            message: format!("line 1: {e}"),
        })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for r in rdr.records().take(n) {
        let r = r.map_err(|e| LogError::Line {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: format!("not a CSV row: {e}"),
        })?;
        lines.push(r.position().map_or(0, |p| p.line()));
        rows.push(r.iter().map(str::to_owned).collect());
    }
    Ok(Preview {
        delimiter: match delim {
            b',' => "comma",
            b';' => "semicolon",
            _ => "tab",
        }
        .into(),
        guess: guess(&header),
        header,
        rows,
        lines,
    })
}

/// Timestamps to microseconds since 1970 (UTC).
pub struct TimeParser<'a> {
    opts: &'a TimeOptions,
    zoned: bool,
    /// The last date read and its day number: a log's timestamps share their dates.
    day: std::cell::Cell<(i64, i64)>,
}

impl<'a> TimeParser<'a> {
    pub fn new(opts: &'a TimeOptions) -> Self {
        let zoned = opts.format.as_deref().is_some_and(|f| {
            f.contains("%z")
                || f.contains("%:z")
                || f.contains("%#z")
                || f.contains("%Z")
                || f.contains("%s")
        });
        TimeParser {
            opts,
            zoned,
            day: std::cell::Cell::new((i64::MIN, 0)),
        }
    }

    /// The instant the bytes `b` name: the common ISO form read from the bytes, the rest as
    /// text (`parse`).
    pub fn parse_bytes(&self, b: &[u8]) -> Option<i64> {
        if self.opts.format.is_none() {
            if let Some(t) = fast_iso(b, self.opts.offset.local_minus_utc() as i64, &self.day) {
                return Some(t);
            }
        }
        self.parse(std::str::from_utf8(b).ok()?)
    }

    /// The instant `s` names, or `None` if it names none.
    pub fn parse(&self, s: &str) -> Option<i64> {
        if let Some(f) = &self.opts.format {
            let t = if self.zoned {
                DateTime::parse_from_str(s, f)
                    .ok()
                    .map(|d| d.timestamp_micros())
            } else {
                NaiveDateTime::parse_from_str(s, f)
                    .ok()
                    .or_else(|| {
                        NaiveDate::parse_from_str(s, f)
                            .ok()
                            .and_then(|d| d.and_hms_opt(0, 0, 0))
                    })
                    .map(|n| self.local(n))
            };
            if t.is_some() {
                return t;
            }
        }
        if let Some(t) = fast_iso(
            s.as_bytes(),
            self.opts.offset.local_minus_utc() as i64,
            &self.day,
        ) {
            return Some(t);
        }
        // RFC 3339 with a zone (chrono's parser takes a space for the T, too).
        if let Ok(d) = s.parse::<DateTime<FixedOffset>>() {
            return Some(d.timestamp_micros());
        }
        for f in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(n) = NaiveDateTime::parse_from_str(s, f) {
                return Some(self.local(n));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|n| self.local(n))
    }

    fn local(&self, n: NaiveDateTime) -> i64 {
        n.and_utc().timestamp_micros() - self.opts.offset.local_minus_utc() as i64 * 1_000_000
    }
}

/// The common shape `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` read without chrono's general
/// parser (a million events have two million timestamps). `None` for anything else, which the
/// general parsers then try.
fn fast_iso(b: &[u8], default_offset_s: i64, day: &std::cell::Cell<(i64, i64)>) -> Option<i64> {
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as i64;
        }
        Some(v)
    };
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59
    {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let mut digits = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if digits < 6 {
                micros = micros * 10 + (b[i] - b'0') as i64;
            }
            digits += 1;
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        for _ in digits..6 {
            micros *= 10;
        }
    }
    let offset = if i == b.len() {
        default_offset_s
    } else if &b[i..] == b"Z" || &b[i..] == b"z" {
        0
    } else if b.len() == i + 6 && (b[i] == b'+' || b[i] == b'-') && b[i + 3] == b':' {
        let o = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
        if b[i] == b'-' {
            -o
        } else {
            o
        }
    } else {
        return None;
    };
    let date = (y * 100 + mo) * 100 + d;
    let days = match day.get() {
        (k, n) if k == date => n,
        _ => {
            let n = days_from_civil(y, mo, d);
            day.set((date, n));
            n
        }
    };
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - offset) * 1_000_000 + micros)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        let t = TimeOptions::default();
        let p = TimeParser::new(&t);
        for s in [
            "2026-03-01T09:15:00Z",
            "2026-03-01T09:15:00.25+01:00",
            "2024-02-29 23:59:59.123456-05:30",
            "1999-12-31T00:00:00.000000001Z",
            "2026-03-01T09:15:00",
        ] {
            let chrono_says = s
                .parse::<DateTime<FixedOffset>>()
                .map(|d| d.timestamp_micros())
                .unwrap_or_else(|_| {
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                        .unwrap()
                        .and_utc()
                        .timestamp_micros()
                });
            assert_eq!(p.parse(s), Some(chrono_says), "{s}");
        }
        assert_eq!(
            fast_iso(
                b"2026-02-30T00:00:00Z",
                0,
                &std::cell::Cell::new((i64::MIN, 0))
            ),
            None
        );
        assert_eq!(p.parse("2026-02-30T00:00:00Z"), None);
        assert_eq!(p.parse("yesterday"), None);
    }

    #[test]
    fn a_time_zone_for_timestamps_without_one() {
        let t = TimeOptions {
            offset: FixedOffset::east_opt(3600).unwrap(),
            format: None,
        };
        let p = TimeParser::new(&t);
        assert_eq!(
            p.parse("2026-03-01T10:00:00"),
            p.parse("2026-03-01T09:00:00Z")
        );
        assert_eq!(p.parse("2026-03-01 10:00"), p.parse("2026-03-01T09:00:00Z"));
        let f = TimeOptions {
            format: Some("%d/%m/%Y %H:%M".into()),
            ..TimeOptions::default()
        };
        assert_eq!(
            TimeParser::new(&f).parse("01/03/2026 09:00"),
            p.parse("2026-03-01T09:00:00Z")
        );
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        assert_eq!(sniff(b"case;activity;\"a,b\";time\n1,2"), Some(b';'));
        assert_eq!(sniff(b"case\tactivity\ttime"), Some(b'\t'));
        assert_eq!(sniff(b"case,activity,time"), Some(b','));
        assert_eq!(sniff(b"just words"), None);
    }
}
