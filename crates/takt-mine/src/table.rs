//! Step tables: the time studies people keep in spreadsheets. A table of steps (name, team, PT,
//! LT, %C&A, wait before, ...) is read from CSV or from a workbook (Excel `.xlsx`/`.xls`/`.xlsb`,
//! OpenDocument `.ods`, through calamine), its columns mapped to step fields (guessed from the
//! header, or given), and either made into a new map (the rows in order, one flow between each
//! and the next) or applied to a map's steps as one edit (rows matched by ID, else by name).
//! A map's steps are written back to CSV or Excel (rust_xlsxwriter) in the same columns, so that
//! a table exported and read back changes nothing.
//!
//! Rules a reader relies on:
//! - Durations are written as the map writes them ("6h", "5wd", "90s"); a bare number takes the
//!   unit its header names ("PT (min)", "Wait [d]") or the unit given, and is an error without
//!   one. Excel time cells ("0:12:30", "[h]:mm") are durations; "h:mm" and "h:mm:ss" text too.
//! - %C&A and uptime are 0-100 ("95" or "95%"); a column under another header than the
//!   export's whose every number is at most 1 (a percent-formatted Excel column) holds fractions.
//! - An empty cell leaves the map's value as it is; nothing in a table clears a field.
//! - Every problem names the file, the sheet (for a workbook), the row as the spreadsheet numbers
//!   it (the header is row 1), and the column by letter and header.

use calamine::{Data, Reader};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use takt_core::{
    Automation, Duration, Flow, FlowKind, Op, Provenance, Range, Record, Step, Team, Unit,
    ValueClass, ValueStream,
};

/// How a table's values are taken.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Options {
    /// The unit of bare numbers in duration columns whose header names none.
    pub unit: Option<Unit>,
    /// Where the table's numbers came from (a time study: measured), marked on each number it
    /// sets; `None` leaves each number's mark as it was.
    pub mark: Option<Provenance>,
}

/// The numbers a step carries, with the name their provenance is kept under.
const MARKED: [(Field, &str); 8] = [
    (Field::Pt, "pt"),
    (Field::Lt, "lt"),
    (Field::Pca, "pca"),
    (Field::Servers, "servers"),
    (Field::Uptime, "uptime"),
    (Field::Batch, "batch"),
    (Field::Changeover, "changeover"),
    (Field::Epe, "epe"),
];

/// A step field a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    Name,
    Kind,
    Team,
    Pt,
    Lt,
    Pca,
    Wait,
    Servers,
    Uptime,
    Batch,
    Changeover,
    Epe,
    Value,
    Automation,
    PtMin,
    PtLikely,
    PtMax,
    LtMin,
    LtLikely,
    LtMax,
    Notes,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Duration,
    Number,
    Percent,
    Word,
}

struct Info {
    field: Field,
    /// The header written on export.
    header: &'static str,
    /// Header names recognised (compared lower-case, without a unit in brackets).
    names: &'static [&'static str],
    ty: Type,
}

const FIELDS: &[Info] = &[
    Info {
        field: Field::Id,
        header: "ID",
        names: &["id", "step id"],
        ty: Type::Text,
    },
    Info {
        field: Field::Name,
        header: "Name",
        names: &[
            "name",
            "step",
            "step name",
            "process",
            "process step",
            "activity",
            "task",
        ],
        ty: Type::Text,
    },
    Info {
        field: Field::Kind,
        header: "Kind",
        names: &["kind", "type", "step type", "step kind"],
        ty: Type::Word,
    },
    Info {
        field: Field::Team,
        header: "Team",
        names: &["team", "owner", "owning team", "department", "group"],
        ty: Type::Text,
    },
    Info {
        field: Field::Pt,
        header: "PT",
        names: &[
            "pt",
            "p/t",
            "process time",
            "processing time",
            "touch time",
            "work time",
        ],
        ty: Type::Duration,
    },
    Info {
        field: Field::Lt,
        header: "LT",
        names: &["lt", "l/t", "lead time", "elapsed time", "throughput time"],
        ty: Type::Duration,
    },
    Info {
        field: Field::Pca,
        header: "%C&A",
        names: &[
            "%c&a",
            "% c&a",
            "c&a",
            "%ca",
            "pca",
            "c&a %",
            "percent complete and accurate",
            "complete and accurate",
        ],
        ty: Type::Percent,
    },
    Info {
        field: Field::Wait,
        header: "Wait before",
        names: &[
            "wait before",
            "queue before",
            "wait",
            "wait time",
            "waiting time",
            "queue",
            "queue time",
        ],
        ty: Type::Duration,
    },
    Info {
        field: Field::Servers,
        header: "Servers",
        names: &["servers", "people", "operators", "staff", "headcount"],
        ty: Type::Number,
    },
    Info {
        field: Field::Uptime,
        header: "Uptime %",
        names: &["uptime", "uptime %", "availability", "availability %"],
        ty: Type::Percent,
    },
    Info {
        field: Field::Batch,
        header: "Batch",
        names: &["batch", "batch size"],
        ty: Type::Number,
    },
    Info {
        field: Field::Changeover,
        header: "Changeover",
        names: &[
            "changeover",
            "c/o",
            "changeover time",
            "setup",
            "setup time",
        ],
        ty: Type::Duration,
    },
    Info {
        field: Field::Epe,
        header: "EPE",
        names: &["epe", "every part every"],
        ty: Type::Duration,
    },
    Info {
        field: Field::Value,
        header: "Value class",
        names: &["value class", "value", "classification", "va/nva"],
        ty: Type::Word,
    },
    Info {
        field: Field::Automation,
        header: "Automation",
        names: &["automation", "automated"],
        ty: Type::Word,
    },
    Info {
        field: Field::PtMin,
        header: "PT minimum",
        names: &[
            "pt minimum",
            "pt min.",
            "minimum pt",
            "process time minimum",
        ],
        ty: Type::Duration,
    },
    Info {
        field: Field::PtLikely,
        header: "PT most likely",
        names: &["pt most likely", "pt likely", "process time most likely"],
        ty: Type::Duration,
    },
    Info {
        field: Field::PtMax,
        header: "PT maximum",
        names: &[
            "pt maximum",
            "pt max.",
            "maximum pt",
            "process time maximum",
        ],
        ty: Type::Duration,
    },
    Info {
        field: Field::LtMin,
        header: "LT minimum",
        names: &["lt minimum", "lt min.", "minimum lt", "lead time minimum"],
        ty: Type::Duration,
    },
    Info {
        field: Field::LtLikely,
        header: "LT most likely",
        names: &["lt most likely", "lt likely", "lead time most likely"],
        ty: Type::Duration,
    },
    Info {
        field: Field::LtMax,
        header: "LT maximum",
        names: &["lt maximum", "lt max.", "maximum lt", "lead time maximum"],
        ty: Type::Duration,
    },
    Info {
        field: Field::Notes,
        header: "Notes",
        names: &["notes", "note", "comment", "comments", "description"],
        ty: Type::Text,
    },
];

fn info(f: Field) -> &'static Info {
    FIELDS
        .iter()
        .find(|i| i.field == f)
        .expect("every field has its info")
}

impl Field {
    pub const ALL: [Field; 22] = [
        Field::Id,
        Field::Name,
        Field::Kind,
        Field::Team,
        Field::Pt,
        Field::Lt,
        Field::Pca,
        Field::Wait,
        Field::Servers,
        Field::Uptime,
        Field::Batch,
        Field::Changeover,
        Field::Epe,
        Field::Value,
        Field::Automation,
        Field::PtMin,
        Field::PtLikely,
        Field::PtMax,
        Field::LtMin,
        Field::LtLikely,
        Field::LtMax,
        Field::Notes,
    ];

    /// The header an exported table gives this field's column.
    pub fn header(self) -> &'static str {
        info(self).header
    }

    /// Its name on the command line and in JSON ("pt", "pt_min").
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Kind => "kind",
            Field::Team => "team",
            Field::Pt => "pt",
            Field::Lt => "lt",
            Field::Pca => "pca",
            Field::Wait => "wait",
            Field::Servers => "servers",
            Field::Uptime => "uptime",
            Field::Batch => "batch",
            Field::Changeover => "changeover",
            Field::Epe => "epe",
            Field::Value => "value",
            Field::Automation => "automation",
            Field::PtMin => "pt_min",
            Field::PtLikely => "pt_likely",
            Field::PtMax => "pt_max",
            Field::LtMin => "lt_min",
            Field::LtLikely => "lt_likely",
            Field::LtMax => "lt_max",
            Field::Notes => "notes",
        }
    }

    pub fn from_key(k: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == k)
    }

    /// Whether its values are durations (and so take a unit).
    pub fn is_duration(self) -> bool {
        info(self).ty == Type::Duration
    }
}

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A spreadsheet time or duration, in seconds.
    Time(f64),
    /// A spreadsheet date (never a duration), as written.
    Date(String),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(t) | Cell::Date(t) => f.write_str(t),
            Cell::Number(n) => write!(f, "{n}"),
            Cell::Time(s) => f.write_str(&clock(*s)),
        }
    }
}

/// Seconds as h:mm:ss.
fn clock(s: f64) -> String {
    let t = s.round() as i64;
    format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

/// A table read from a file.
#[derive(Debug, Clone)]
pub struct Table {
    pub file: String,
    /// The sheet it came from, for a workbook.
    pub sheet: Option<String>,
    /// The workbook's sheets (empty for CSV).
    pub sheets: Vec<String>,
    pub header: Vec<String>,
    /// The index of the header's first column in the sheet (0 = column A).
    pub first_col: u32,
    /// Each row with its number as the spreadsheet or a text editor shows it (header: row 1 of
    /// the table's range).
    pub rows: Vec<(u32, Vec<Cell>)>,
}

/// Where a problem is: file, sheet, row and column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    /// The column's letter and header: "D (PT)".
    pub column: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ", sheet \"{s}\"")?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        Ok(())
    }
}

/// One problem and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub place: Place,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// What is wrong with a table: every problem found (the first ten are kept), or none readable.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TableError {
    #[error("{0}")]
    File(Problem),
    #[error("{count} problem{} in the table:\n{}", plural_s(.count), lines(.first))]
    Cells { count: usize, first: Vec<Problem> },
}

fn plural_s(n: &usize) -> &'static str {
    if *n == 1 {
        ""
    } else {
        "s"
    }
}

fn lines(ps: &[Problem]) -> String {
    ps.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl TableError {
    /// Every problem kept, in order.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            TableError::File(p) => vec![p.clone()],
            TableError::Cells { first, .. } => first.clone(),
        }
    }
}

fn file_error(file: &str, sheet: Option<&str>, message: impl Into<String>) -> TableError {
    TableError::File(Problem {
        place: Place {
            file: file.to_owned(),
            sheet: sheet.map(str::to_owned),
            row: None,
            column: None,
        },
        message: message.into(),
    })
}

/// The spreadsheet's letters for a column (0 = A, 26 = AA).
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Whether a file is a workbook (by its name, else by its first bytes).
fn is_workbook(path: &Path, head: &[u8]) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => true,
        Some("csv" | "tsv" | "txt") => false,
        _ => head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]),
    }
}

/// Reads a step table: a CSV file, or one sheet of a workbook (the first with anything in it
/// when `sheet` is `None`).
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Table, TableError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| file_error(&file, None, e.to_string()))?
        .len();
    if size > MAX_BYTES {
        return Err(file_error(
            &file,
            None,
            format!(
                "{:.0} MB is more than a step table holds (at most {} MB); is this an event log? (File > Import > Event Log)",
                size as f64 / 1e6,
                MAX_BYTES / 1_000_000
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| file_error(&file, None, e.to_string()))?;
    read_bytes(&bytes, path, sheet)
}

/// The largest table file read, and the most rows: a map of steps, not an event log.
pub const MAX_BYTES: u64 = 64_000_000;
pub const MAX_ROWS: usize = 20_000;

/// Reads a step table from its bytes; `path` names it (and its extension says what it is).
pub fn read_bytes(bytes: &[u8], path: &Path, sheet: Option<&str>) -> Result<Table, TableError> {
    let file = path.display().to_string();
    let t = if is_workbook(path, bytes) {
        check_compound_file(bytes).map_err(|why| {
            file_error(
                &file,
                None,
                format!("cannot read this workbook: it is damaged ({why})"),
            )
        })?;
        // A reader of foreign formats may stop on a file it did not foresee (as process_mining
        // did on XES: docs/RELIABILITY.md): said as this file's fault, not the program's end.
        std::panic::catch_unwind(|| read_workbook(bytes, &file, sheet)).unwrap_or_else(|_| {
            Err(file_error(
                &file,
                None,
                "cannot read this workbook: it is damaged or not a workbook (the reader stopped on it)",
            ))
        })?
    } else {
        read_csv(bytes, &file)?
    };
    if t.rows.len() > MAX_ROWS {
        return Err(file_error(
            &file,
            t.sheet.as_deref(),
            format!(
                "{} rows: a step table has at most {MAX_ROWS} (one per step); is this an event log? (File > Import > Event Log)",
                t.rows.len()
            ),
        ));
    }
    Ok(t)
}

/// The first sector id that is not a sector (ENDOFCHAIN, FREESECT and the other markers).
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
/// Sector ids from here are the FAT's and DIFAT's own markers.
const DIFSECT: u32 = 0xFFFF_FFFC;

fn le32(c: &[u8]) -> u32 {
    u32::from_le_bytes([c[0], c[1], c[2], c[3]])
}

/// An Excel 97-2003 file is a compound file: streams kept as chains of sectors, each sector's
/// next in a table (the FAT; small streams in the mini FAT). calamine follows a chain without
/// bounding it, so a chain that loops grows memory until the machine runs out (found by fuzzing:
/// docs/RELIABILITY.md). The tables are checked for a loop before calamine reads the file;
/// anything else wrong is left to calamine, which says so.
fn check_compound_file(b: &[u8]) -> Result<(), String> {
    const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if !b.starts_with(&MAGIC) || b.len() < 512 {
        return Ok(());
    }
    let u32_at = |o: usize| le32(&b[o..o + 4]);
    let shift = u16::from_le_bytes([b[0x1E], b[0x1F]]);
    if !(7..=16).contains(&shift) {
        return Ok(());
    }
    let size = 1usize << shift;
    let maxid = b.len() / size;
    // As calamine reads a sector: past the last id an error (then nothing to check), else what
    // the file holds of it, however short.
    let sector = |id: u32| -> Option<&[u8]> {
        if id as usize > maxid {
            return None;
        }
        let start = (id as usize + 1) * size;
        Some(b.get(start..(start + size).min(b.len())).unwrap_or(&[]))
    };
    // The FAT's sectors: 109 named in the header, the rest in a chain of DIFAT sectors.
    let mut difat: Vec<u32> = (0..109).map(|i| u32_at(0x4C + 4 * i)).collect();
    let mut id = u32_at(0x44);
    let mut seen = 0usize;
    while id < RESERVED_SECTORS {
        seen += 1;
        let Some(s) = sector(id).filter(|_| seen <= maxid + 1) else {
            return Ok(());
        };
        let mut v: Vec<u32> = s.chunks_exact(4).map(le32).collect();
        id = v.pop().unwrap_or(RESERVED_SECTORS);
        difat.extend(v);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        let Some(s) = sector(id) else {
            return Ok(());
        };
        fat.extend(s.chunks_exact(4).map(le32));
    }
    if let Some(at) = first_loop(&fat) {
        return Err(format!("the chain of sectors loops at sector {at}"));
    }
    // The mini FAT: a chain in the FAT (now known to end), of at most its stated length.
    let (mut id, mut left) = (u32_at(0x3C), u32_at(0x40) as usize);
    let mut mini = Vec::new();
    while id < RESERVED_SECTORS && left > 0 {
        let Some(s) = sector(id) else {
            return Ok(());
        };
        mini.extend(s.chunks_exact(4).map(le32));
        left -= 1;
        id = fat.get(id as usize).copied().unwrap_or(RESERVED_SECTORS);
    }
    match first_loop(&mini) {
        Some(at) => Err(format!("the chain of small sectors loops at sector {at}")),
        None => Ok(()),
    }
}

/// The first entry of a table of next-pointers that a chain comes back to, if any.
fn first_loop(next: &[u32]) -> Option<usize> {
    // 0: not reached yet; 1: on the walk under way; 2: known to end.
    let mut state = vec![0u8; next.len()];
    let mut walk = Vec::new();
    for start in 0..next.len() {
        if state[start] != 0 {
            continue;
        }
        let mut i = start;
        let looped = loop {
            match state[i] {
                1 => break true,
                2 => break false,
                _ => {}
            }
            state[i] = 1;
            walk.push(i);
            let n = next[i];
            if n >= RESERVED_SECTORS || n as usize >= next.len() {
                break false;
            }
            i = n as usize;
        };
        if looped {
            return Some(i);
        }
        for j in walk.drain(..) {
            state[j] = 2;
        }
    }
    None
}

fn read_csv(bytes: &[u8], file: &str) -> Result<Table, TableError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(file_error(
            file,
            None,
            "this is a gzipped file, not a table",
        ));
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if body.iter().take(8192).any(|&b| b == 0) || std::str::from_utf8(body).is_err() {
        return Err(file_error(
            file,
            None,
            "this is not a CSV table: it is not text (UTF-8); a workbook is read by its extension (.xlsx, .xls, .ods)",
        ));
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(file_error(file, None, "the table is empty"));
    }
    // A one-column table has no delimiter: commas then.
    let delim = crate::log::sniff(body).unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(false)
        .from_reader(body);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // Lines counted from byte offsets: the reader's own count misses blank lines.
    let (mut at, mut line) = (0usize, 1u32);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            TableError::File(Problem {
                place: Place {
                    file: file.to_owned(),
                    sheet: None,
                    row: Some(line as u32),
                    column: None,
                },
                message: format!("not a CSV row: {e}"),
            })
        })?;
        // The reader's position is where the previous record ended: blank lines come first.
        let mut byte = rec
            .position()
            .map_or(at, |p| p.byte() as usize)
            .min(body.len());
        while byte < body.len() && matches!(body[byte], b'\n' | b'\r') {
            byte += 1;
        }
        line += body[at.min(byte)..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        at = byte;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match &header {
            None => header = Some(rec.iter().map(|c| c.trim().to_owned()).collect()),
            Some(_) => rows.push((
                line,
                rec.iter()
                    .map(|c| {
                        if c.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(unguard(c).to_owned())
                        }
                    })
                    .collect(),
            )),
        }
    }
    Ok(Table {
        file: file.to_owned(),
        sheet: None,
        sheets: vec![],
        header: header.unwrap_or_default(),
        first_col: 0,
        rows,
    })
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(unguard(s).to_owned()),
        Data::DateTime(dt) => {
            let days = dt.as_f64();
            // A time cell holds a fraction of a day; a duration cell ([h]:mm) any number of them.
            if dt.is_duration() || (0.0..1.0).contains(&days) {
                Cell::Time(days * 86_400.0)
            } else {
                Cell::Date(
                    dt.as_datetime()
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| days.to_string()),
                )
            }
        }
        Data::DateTimeIso(s) => match iso_time(s) {
            Some(t) => Cell::Time(t),
            None => Cell::Date(s.clone()),
        },
        Data::DurationIso(s) => match iso_duration(s) {
            Some(t) => Cell::Time(t),
            None => Cell::Text(s.clone()),
        },
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// A text as written, without the apostrophe an export puts before what a spreadsheet would
/// take for a formula (see `to_csv`).
fn unguard(t: &str) -> &str {
    match t.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => t,
    }
}

/// A time of day written in ISO 8601 without a date ("12:30:00"), in seconds.
fn iso_time(s: &str) -> Option<f64> {
    if s.contains('-') {
        return None;
    }
    hms(s)
}

/// An ISO 8601 duration ("PT12M30S", "P1DT2H"), in seconds.
fn iso_duration(s: &str) -> Option<f64> {
    let rest = s.trim().strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = 0.0;
    let mut take = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                num.push(if c == ',' { '.' } else { c });
            } else {
                let (_, secs) = units.iter().find(|(u, _)| *u == c)?;
                total += num.parse::<f64>().ok()? * secs;
                num.clear();
            }
        }
        num.is_empty().then_some(())
    };
    take(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    take(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    Some(total)
}

fn read_workbook(bytes: &[u8], file: &str, sheet: Option<&str>) -> Result<Table, TableError> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        file_error(
            file,
            None,
            format!("cannot read this workbook (Excel .xlsx, .xls, .xlsb or OpenDocument .ods): {e}"),
        )
    })?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(file_error(file, None, "the workbook has no sheets"));
    }
    let (name, range) = match sheet {
        Some(s) => {
            let name = names
                .iter()
                .find(|n| n.as_str() == s)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(s)))
                .ok_or_else(|| {
                    file_error(
                        file,
                        None,
                        format!(
                            "no sheet \"{s}\"; the workbook has {}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?
                .clone();
            let r = book
                .worksheet_range(&name)
                .map_err(|e| file_error(file, Some(&name), e.to_string()))?;
            (name, r)
        }
        None => {
            let mut found = None;
            for n in &names {
                let r = book
                    .worksheet_range(n)
                    .map_err(|e| file_error(file, Some(n), e.to_string()))?;
                if r.used_cells()
                    .any(|(_, _, d)| !matches!(cell(d), Cell::Empty))
                {
                    found = Some((n.clone(), r));
                    break;
                }
            }
            found.ok_or_else(|| file_error(file, None, "every sheet of the workbook is empty"))?
        }
    };
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let cells: Vec<Cell> = r.iter().map(cell).collect();
        if cells.iter().all(|c| matches!(c, Cell::Empty)) {
            continue;
        }
        let number = row0 + i as u32 + 1;
        match &header {
            None => header = Some(cells.iter().map(|c| c.to_string()).collect()),
            Some(_) => rows.push((number, cells)),
        }
    }
    Ok(Table {
        file: file.to_owned(),
        sheet: Some(name),
        sheets: names,
        header: header.unwrap_or_default(),
        first_col: col0,
        rows,
    })
}

/// A header without the unit it names, lower-case, single-spaced; and the unit.
fn parse_header(h: &str) -> (String, Option<Unit>) {
    let t = h.trim();
    let mut name = t;
    let mut unit = None;
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let (Some(a), true) = (t.rfind(open), t.ends_with(close)) {
            let inner = &t[a + 1..t.len() - 1];
            if let Some(u) = unit_word(inner) {
                unit = Some(u);
                name = t[..a].trim_end();
            }
        }
    }
    let norm = name
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (norm, unit)
}

/// A unit as people write it: "min", "minutes", "hrs", "working days".
pub fn unit_word(w: &str) -> Option<Unit> {
    let w = w.trim().to_lowercase();
    Some(match w.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::S,
        "min" | "mins" | "minute" | "minutes" | "m" => Unit::Min,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::H,
        "d" | "day" | "days" | "calendar days" => Unit::D,
        "wd" | "working day" | "working days" | "work days" | "workdays" => Unit::Wd,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::W,
        _ => return None,
    })
}

/// Which column holds which field (by index into the header), and each duration column's unit
/// for bare numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: BTreeMap<Field, usize>,
    /// The unit a duration column's header names.
    pub units: BTreeMap<Field, Unit>,
}

/// Guesses the mapping from the header: each field the first column whose name is one of the
/// field's names.
pub fn guess(header: &[String]) -> Mapping {
    let parsed: Vec<(String, Option<Unit>)> = header.iter().map(|h| parse_header(h)).collect();
    let mut m = Mapping::default();
    let mut taken = vec![false; header.len()];
    // Longer names first, so that "PT most likely" is not taken as PT.
    let mut wanted: Vec<(usize, &Info, &str)> = FIELDS
        .iter()
        .flat_map(|i| i.names.iter().map(move |n| (n.len(), i, *n)))
        .collect();
    wanted.sort_by_key(|w| std::cmp::Reverse(w.0));
    for (_, i, n) in wanted {
        if m.columns.contains_key(&i.field) {
            continue;
        }
        if let Some(c) = parsed
            .iter()
            .enumerate()
            .position(|(c, (p, _))| !taken[c] && p == n)
        {
            taken[c] = true;
            m.columns.insert(i.field, c);
            if let Some(u) = parsed[c].1 {
                m.units.insert(i.field, u);
            }
        }
    }
    // The export's own headers, whatever their names say.
    for i in FIELDS {
        if m.columns.contains_key(&i.field) {
            continue;
        }
        if let Some(c) = parsed
            .iter()
            .enumerate()
            .position(|(c, (p, _))| !taken[c] && *p == i.header.to_lowercase())
        {
            taken[c] = true;
            m.columns.insert(i.field, c);
        }
    }
    m
}

/// Maps columns named on the command line ("pt=Touch time (min)") over a guess.
pub fn name_columns(
    header: &[String],
    guessed: Mapping,
    named: &[(String, String)],
) -> Result<Mapping, String> {
    let mut m = guessed;
    for (key, col) in named {
        let f = Field::from_key(key).ok_or_else(|| {
            format!(
                "'{key}' is not a step field; the fields are {}",
                Field::ALL.map(|f| f.key()).join(", ")
            )
        })?;
        let c = header
            .iter()
            .position(|h| h == col)
            .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(col)))
            .ok_or_else(|| {
                format!(
                    "{key}='{col}': no such column; the header has {}",
                    header
                        .iter()
                        .map(|h| format!("'{h}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        m.columns.retain(|_, v| *v != c);
        m.columns.insert(f, c);
        m.units.remove(&f);
        if let Some(u) = parse_header(&header[c]).1 {
            m.units.insert(f, u);
        }
    }
    Ok(m)
}

/// A value read from a cell.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Duration(Duration),
    Number(f64),
}

/// A row read: the values of its non-empty mapped cells.
#[derive(Debug, Clone)]
struct Row {
    number: u32,
    values: BTreeMap<Field, Value>,
}

impl Row {
    fn text(&self, f: Field) -> Option<&str> {
        match self.values.get(&f) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
    fn duration(&self, f: Field) -> Option<Duration> {
        match self.values.get(&f) {
            Some(Value::Duration(d)) => Some(*d),
            _ => None,
        }
    }
    fn number(&self, f: Field) -> Option<f64> {
        match self.values.get(&f) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }
}

/// A number as written: "12", "12.5", "1e3"; never "12abc".
fn number(t: &str) -> Option<f64> {
    t.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// "h:mm" or "h:mm:ss", in seconds.
fn hms(t: &str) -> Option<f64> {
    let parts: Vec<&str> = t.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut s = 0.0;
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let v: f64 = p.parse().ok()?;
        if i > 0 && v >= 60.0 {
            return None;
        }
        s = s * 60.0 + v;
    }
    Some(if parts.len() == 2 { s * 60.0 } else { s })
}

/// A readable unit for a duration from a clock: minutes under an hour, else hours.
fn from_seconds(s: f64, unit: Option<Unit>) -> Duration {
    let cal = takt_core::Calendar::default();
    match unit {
        Some(u) if u != Unit::Wd => Duration::new(s / u.seconds(&cal), u),
        _ if s < 3600.0 => Duration::new(s / 60.0, Unit::Min),
        _ => Duration::new(s / 3600.0, Unit::H),
    }
}

fn duration(c: &Cell, unit: Option<Unit>) -> Result<Duration, String> {
    let no_unit = |n: f64| {
        format!("{n} has no unit: write it with one (\"{n}h\", \"{n}min\"), name the unit in the header (\"PT (h)\"), or choose a unit for bare numbers")
    };
    let d = match c {
        Cell::Empty => unreachable!("empty cells are skipped"),
        Cell::Time(s) => from_seconds(*s, unit),
        Cell::Number(n) => Duration::new(*n, unit.ok_or_else(|| no_unit(*n))?),
        Cell::Date(t) => return Err(format!("'{t}' is a date, not a duration")),
        Cell::Text(t) => {
            if let Some(n) = number(t) {
                Duration::new(n, unit.ok_or_else(|| no_unit(n))?)
            } else if let Some(s) = hms(t) {
                from_seconds(s, unit)
            } else {
                let t2 = t.trim();
                let split = t2
                    .find(|c: char| c.is_alphabetic())
                    .ok_or_else(|| format!("'{t}' is not a duration"))?;
                let (n, u) = t2.split_at(split);
                let n = number(n).ok_or_else(|| format!("'{t}' is not a duration: write a number and a unit, such as \"6h\", \"90min\" or \"2wd\""))?;
                let u = unit_word(u).ok_or_else(|| {
                    format!(
                        "'{t}': '{}' is not a time unit (s, min, h, d, wd, w)",
                        u.trim()
                    )
                })?;
                Duration::new(n, u)
            }
        }
    };
    if !d.value.is_finite() {
        return Err(format!("'{c}' is not a duration"));
    }
    if d.value < 0.0 {
        return Err(format!("'{c}' is negative; a duration cannot be"));
    }
    Ok(d)
}

fn text_of(c: &Cell) -> String {
    match c {
        Cell::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Reads the mapped cells of every row; every problem is collected.
fn rows(table: &Table, m: &Mapping, bare_unit: Option<Unit>) -> Result<Vec<Row>, TableError> {
    let mut problems = Vec::new();
    let mut count = 0;
    // Percent columns whose every number is at most 1 hold fractions.
    let mut fraction: HashMap<Field, bool> = HashMap::new();
    for (&f, &c) in &m.columns {
        if info(f).ty != Type::Percent {
            continue;
        }
        let nums: Vec<f64> = table
            .rows
            .iter()
            .filter_map(|(_, r)| match r.get(c) {
                Some(Cell::Number(n)) => Some(*n),
                Some(Cell::Text(t)) if !t.trim_end().ends_with('%') => number(t),
                _ => None,
            })
            .collect();
        // The export's own header says 0-100, whatever the numbers.
        let own = table
            .header
            .get(c)
            .is_some_and(|h| h.trim() == info(f).header);
        fraction.insert(
            f,
            !own && !nums.is_empty() && nums.iter().all(|n| (0.0..=1.0).contains(n)),
        );
    }
    // Each row's cells in the order of its columns, so that problems read left to right.
    let mut by_column: Vec<(Field, usize)> = m.columns.iter().map(|(f, c)| (*f, *c)).collect();
    by_column.sort_by_key(|(_, c)| *c);
    let mut out = Vec::with_capacity(table.rows.len());
    for (number_, cells) in &table.rows {
        let mut row = Row {
            number: *number_,
            values: BTreeMap::new(),
        };
        for &(f, c) in &by_column {
            let Some(cell) = cells.get(c).filter(|c| !matches!(c, Cell::Empty)) else {
                continue;
            };
            let i = info(f);
            let v = match i.ty {
                // Names and notes as written (a name's spaces are weighed when it is matched);
                // IDs and teams without spaces at the ends.
                Type::Text if matches!(f, Field::Name | Field::Notes) => {
                    Ok(Value::Text(text_of(cell)))
                }
                Type::Text => Ok(Value::Text(text_of(cell).trim().to_owned())),
                Type::Duration => {
                    duration(cell, m.units.get(&f).copied().or(bare_unit)).map(Value::Duration)
                }
                Type::Number => match cell {
                    Cell::Number(n) => Ok(*n),
                    Cell::Text(t) => number(t).ok_or_else(|| format!("'{t}' is not a number")),
                    other => Err(format!("'{other}' is not a number")),
                }
                .and_then(|n| {
                    if n > 0.0 {
                        Ok(Value::Number(n))
                    } else {
                        Err(format!("{n}: must be more than 0"))
                    }
                }),
                Type::Percent => {
                    let (n, pct) = match cell {
                        Cell::Number(n) => (Some(*n), false),
                        Cell::Text(t) => match t.trim_end().strip_suffix('%') {
                            Some(p) => (number(p), true),
                            None => (number(t), false),
                        },
                        _ => (None, false),
                    };
                    match n {
                        None => Err(format!("'{cell}' is not a percentage (0-100)")),
                        Some(n) => {
                            let v = if !pct && fraction[&f] { n * 100.0 } else { n };
                            if (0.0..=100.0).contains(&v) {
                                Ok(Value::Number(v))
                            } else {
                                Err(format!("{v}% is outside 0-100"))
                            }
                        }
                    }
                }
                Type::Word => word(f, &text_of(cell)).map(Value::Text),
            };
            match v {
                Ok(v) => {
                    row.values.insert(f, v);
                }
                Err(message) => {
                    count += 1;
                    if problems.len() < 10 {
                        problems.push(Problem {
                            place: place(table, Some(*number_), Some(c)),
                            message,
                        });
                    }
                }
            }
        }
        out.push(row);
    }
    if count > 0 {
        return Err(TableError::Cells {
            count,
            first: problems,
        });
    }
    Ok(out)
}

/// A kind, value class or automation as the map writes it, from the words people use.
fn word(f: Field, t: &str) -> Result<String, String> {
    let w = t.trim().to_lowercase().replace(['-', '_'], " ");
    let (found, options): (Option<&str>, &str) = match f {
        Field::Kind => (
            match w.as_str() {
                "process" | "step" | "" => Some("process"),
                "gate" | "approval" | "approval gate" | "review" => Some("gate"),
                "supplier" | "source" => Some("supplier"),
                "customer" => Some("customer"),
                _ => None,
            },
            "process, gate, supplier or customer",
        ),
        Field::Value => (
            match w.as_str() {
                "va" | "value adding" | "value added" => Some("va"),
                "bnva" | "business necessary" | "necessary" | "nnva" => Some("bnva"),
                "nva" | "non value adding" | "waste" => Some("nva"),
                _ => None,
            },
            "VA, BNVA or NVA",
        ),
        Field::Automation => (
            match w.as_str() {
                "manual" => Some("manual"),
                "automated" | "automatic" | "auto" => Some("automated"),
                "hybrid" | "semi automated" => Some("hybrid"),
                _ => None,
            },
            "manual, automated or hybrid",
        ),
        _ => (Some(t), ""),
    };
    found.map(str::to_owned).ok_or_else(|| {
        format!(
            "'{t}' is not a {} ({options})",
            info(f).header.to_lowercase()
        )
    })
}

fn place(table: &Table, row: Option<u32>, col: Option<usize>) -> Place {
    Place {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        row,
        column: col.map(|c| {
            format!(
                "{} ({})",
                column_letter(table.first_col + c as u32),
                table.header.get(c).map(String::as_str).unwrap_or("")
            )
        }),
    }
}

/// What applying a table to a map does, for the user to see before it happens.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// One edit: every change of the table, all or nothing.
    #[serde(skip)]
    pub op: Option<Op>,
    /// Steps changed, by name, with the fields changed ("PT 6h → 4h").
    pub updated: Vec<(String, Vec<String>)>,
    /// Steps the table adds (not in the map), by name.
    pub added: Vec<String>,
    /// Teams the table names that the map lacks (added).
    pub teams: Vec<String>,
    /// Rows that change nothing.
    pub unchanged: usize,
}

fn slug(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if base.is_empty() {
        base = "step".into();
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn set_range(
    slot: &mut Option<Box<Range>>,
    min: Option<Duration>,
    likely: Option<Duration>,
    max: Option<Duration>,
) -> Result<(), &'static str> {
    if min.is_none() && likely.is_none() && max.is_none() {
        return Ok(());
    }
    let old = slot.as_deref();
    let min = min.or(old.map(|r| r.min));
    let max = max.or(old.map(|r| r.max));
    let likely = likely.or(old.and_then(|r| r.likely));
    match (min, max) {
        (Some(min), Some(max)) => {
            *slot = Some(Box::new(Range { min, likely, max }));
            Ok(())
        }
        _ => Err("a range needs both its minimum and its maximum"),
    }
}

/// Sets a row's values on a step (teams by name or id, new ones added to `teams`). The error
/// names the field at fault.
fn fill(
    step: &mut Step,
    row: &Row,
    teams: &mut Vec<Team>,
    mark: Option<Provenance>,
) -> Result<(), (Field, String)> {
    if let Some(p) = mark {
        for (f, key) in MARKED {
            if row.values.contains_key(&f) {
                step.provenance.insert(key.to_owned(), p);
            }
        }
    }
    if let Some(n) = row.text(Field::Name) {
        if n.trim() != step.name.trim() {
            step.name = n.trim().to_owned();
        }
    }
    if let Some(k) = row.text(Field::Kind) {
        step.kind = serde_json::from_value(serde_json::Value::String(k.into()))
            .map_err(|e| (Field::Kind, e.to_string()))?;
    }
    if let Some(t) = row.text(Field::Team) {
        let found = teams
            .iter()
            .find(|x| x.name == t)
            .or_else(|| teams.iter().find(|x| x.name.eq_ignore_ascii_case(t)))
            .or_else(|| teams.iter().find(|x| x.id == t));
        let id = match found {
            Some(x) => x.id.clone(),
            None => {
                let id = slug(t, &|id| teams.iter().any(|x| x.id == id));
                teams.push(Team {
                    id: id.clone(),
                    name: t.to_owned(),
                    color: None,
                });
                id
            }
        };
        step.team = Some(id);
    }
    if let Some(d) = row.duration(Field::Pt) {
        step.pt = Some(d);
    }
    if let Some(d) = row.duration(Field::Lt) {
        step.lt = Some(d);
    }
    if let Some(n) = row.number(Field::Pca) {
        step.pca = Some(n);
    }
    if let Some(n) = row.number(Field::Servers) {
        step.servers = Some(n);
    }
    if let Some(n) = row.number(Field::Uptime) {
        step.uptime = Some(n);
    }
    if let Some(n) = row.number(Field::Batch) {
        step.batch = Some(n);
    }
    if let Some(d) = row.duration(Field::Changeover) {
        step.changeover = Some(d);
    }
    if let Some(d) = row.duration(Field::Epe) {
        step.epe = Some(d);
    }
    if let Some(v) = row.text(Field::Value) {
        step.value = Some(
            serde_json::from_value::<ValueClass>(serde_json::Value::String(v.into()))
                .map_err(|e| (Field::Value, e.to_string()))?,
        );
    }
    if let Some(v) = row.text(Field::Automation) {
        step.automation = Some(
            serde_json::from_value::<Automation>(serde_json::Value::String(v.into()))
                .map_err(|e| (Field::Automation, e.to_string()))?,
        );
    }
    if let Some(n) = row.text(Field::Notes) {
        step.notes = n.to_owned();
    }
    set_range(
        &mut step.pt_range,
        row.duration(Field::PtMin),
        row.duration(Field::PtLikely),
        row.duration(Field::PtMax),
    )
    .map_err(|m| (Field::PtMin, m.to_owned()))?;
    set_range(
        &mut step.lt_range,
        row.duration(Field::LtMin),
        row.duration(Field::LtLikely),
        row.duration(Field::LtMax),
    )
    .map_err(|m| (Field::LtMin, m.to_owned()))?;
    Ok(())
}

/// Item flows into a step (not information, not rework).
fn incoming<'m>(map: &'m ValueStream, id: &str) -> Vec<&'m Flow> {
    map.flows
        .iter()
        .filter(|f| f.to == id && f.kind.is_forward())
        .collect()
}

struct Problems<'t> {
    table: &'t Table,
    m: &'t Mapping,
    count: usize,
    first: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, row: u32, field: Option<Field>, message: String) {
        self.add_at(Some(row), field, message);
    }
    /// A problem no row can be named for has no row.
    fn add_at(&mut self, row: Option<u32>, field: Option<Field>, message: String) {
        self.count += 1;
        if self.first.len() < 10 {
            let col = field.and_then(|f| self.m.columns.get(&f).copied());
            self.first.push(Problem {
                place: place(self.table, row, col),
                message,
            });
        }
    }
    fn finish(self) -> Result<(), TableError> {
        if self.count == 0 {
            Ok(())
        } else {
            Err(TableError::Cells {
                count: self.count,
                first: self.first,
            })
        }
    }
}

/// The table's field for a validation error's field.
fn field_of(f: Option<&str>) -> Option<Field> {
    Some(match f? {
        "pt" => Field::Pt,
        "lt" => Field::Lt,
        "pca" => Field::Pca,
        "servers" => Field::Servers,
        "uptime" => Field::Uptime,
        "batch" => Field::Batch,
        "changeover" => Field::Changeover,
        "epe" => Field::Epe,
        "wait" => Field::Wait,
        "team" => Field::Team,
        "id" => Field::Id,
        "pt_range" => Field::PtMin,
        "lt_range" => Field::LtMin,
        _ => return None,
    })
}

/// Checks a map made or changed from a table, naming each rule broken by its row and column.
fn check(map: &ValueStream, rows_by_step: &HashMap<String, u32>, p: &mut Problems) {
    if let Err(errs) = takt_core::validate(map) {
        for e in errs.0 {
            let el = e.element();
            let id = match &el {
                takt_core::Element::Step(id) => Some(id.clone()),
                takt_core::Element::Flow(k) => map
                    .flows
                    .iter()
                    .find(|f| f.key() == *k)
                    .map(|f| f.to.clone()),
                _ => None,
            };
            let field = match &el {
                takt_core::Element::Flow(_) => Some(Field::Wait),
                _ => field_of(e.field()),
            };
            match id.and_then(|id| rows_by_step.get(&id).copied()) {
                Some(row) => p.add(row, field, e.to_string()),
                None => p.add_at(None, None, e.to_string()),
            }
        }
    }
}

/// A new map from a table: a step per row, in order, each flowing to the next (its wait before
/// on that flow).
pub fn new_map(table: &Table, m: &Mapping, opts: &Options) -> Result<ValueStream, TableError> {
    let Some(&name_col) = m.columns.get(&Field::Name) else {
        return Err(file_error(
            &table.file,
            table.sheet.as_deref(),
            format!(
                "no column of step names; the header has {}",
                shown(&table.header)
            ),
        ));
    };
    let _ = name_col;
    let rows = rows(table, m, opts.unit)?;
    let mut map = ValueStream::new(table.sheet.clone().unwrap_or_else(|| {
        Path::new(&table.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }));
    let mut p = Problems {
        table,
        m,
        count: 0,
        first: vec![],
    };
    let mut by_step = HashMap::new();
    let mut teams = Vec::new();
    let mut prev: Option<String> = None;
    for row in &rows {
        let Some(name) = row.text(Field::Name) else {
            p.add(row.number, Some(Field::Name), "the step has no name".into());
            continue;
        };
        let id = match row.text(Field::Id) {
            Some(id) => id.to_owned(),
            None => slug(name, &|id| map.steps.iter().any(|s| s.id == id)),
        };
        if map.steps.iter().any(|s| s.id == id) {
            p.add(
                row.number,
                Some(Field::Id),
                format!("the ID '{id}' is taken by an earlier row"),
            );
            continue;
        }
        let mut step = Step::new(&id, name.trim());
        if let Err((f, msg)) = fill(&mut step, row, &mut teams, opts.mark) {
            p.add(row.number, Some(f), msg);
            continue;
        }
        if let Some(from) = &prev {
            let mut flow = Flow::new(from, &id, FlowKind::Push);
            flow.wait = row.duration(Field::Wait);
            if let (Some(p), Some(_)) = (opts.mark, flow.wait) {
                flow.provenance.insert("wait".into(), p);
            }
            map.flows.push(flow);
        } else if row.duration(Field::Wait).is_some() {
            p.add(
                row.number,
                Some(Field::Wait),
                "the first step has no flow before it to wait on".into(),
            );
        }
        by_step.insert(id.clone(), row.number);
        prev = Some(id);
        map.steps.push(step);
    }
    map.teams = teams;
    if map.steps.is_empty() && p.count == 0 {
        return Err(file_error(
            &table.file,
            table.sheet.as_deref(),
            "the table has no steps",
        ));
    }
    check(&map, &by_step, &mut p);
    p.finish()?;
    Ok(map)
}

fn shown(header: &[String]) -> String {
    header
        .iter()
        .map(|h| format!("'{h}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(d: &Option<Duration>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// The changes a row makes to a step, for the user to read.
fn changes(old: &Step, new: &Step, teams: &[Team]) -> Vec<String> {
    let mut out = Vec::new();
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    let team = |t: &Option<String>| {
        t.as_ref()
            .map(|id| {
                teams
                    .iter()
                    .find(|x| &x.id == id)
                    .map(|x| x.name.clone())
                    .unwrap_or(id.clone())
            })
            .unwrap_or_else(|| "—".into())
    };
    macro_rules! diff {
        ($label:expr, $a:expr, $b:expr) => {
            if $a != $b {
                out.push(format!("{} {} → {}", $label, $a, $b));
            }
        };
    }
    diff!("name", old.name, new.name);
    diff!(
        "kind",
        format!("{:?}", old.kind).to_lowercase(),
        format!("{:?}", new.kind).to_lowercase()
    );
    diff!("team", team(&old.team), team(&new.team));
    diff!("PT", describe(&old.pt), describe(&new.pt));
    diff!("LT", describe(&old.lt), describe(&new.lt));
    diff!("%C&A", num(old.pca), num(new.pca));
    diff!("servers", num(old.servers), num(new.servers));
    diff!("uptime", num(old.uptime), num(new.uptime));
    diff!("batch", num(old.batch), num(new.batch));
    diff!(
        "changeover",
        describe(&old.changeover),
        describe(&new.changeover)
    );
    diff!("EPE", describe(&old.epe), describe(&new.epe));
    if old.value != new.value {
        out.push("value class".into());
    }
    if old.automation != new.automation {
        out.push("automation".into());
    }
    if old.pt_range != new.pt_range {
        out.push("PT range".into());
    }
    if old.lt_range != new.lt_range {
        out.push("LT range".into());
    }
    if old.notes != new.notes {
        out.push("notes".into());
    }
    let marked: Vec<&str> = MARKED
        .iter()
        .filter(|(_, k)| old.provenance.get(*k) != new.provenance.get(*k))
        .map(|(_, k)| *k)
        .collect();
    if !marked.is_empty() {
        let how = new.provenance.get(marked[0]).copied();
        out.push(format!("{} marked {}", marked.join(", "), word_of(how)));
    }
    out
}

fn word_of(p: Option<Provenance>) -> &'static str {
    match p {
        Some(Provenance::Measured) => "measured",
        Some(Provenance::Estimated) => "estimated",
        None => "unknown",
    }
}

/// What a table does to a map: each row matched to a step by ID (when the table has IDs), else
/// by name (ignoring case); matched steps take the row's values, the rest are added (with no
/// flows: the user draws them). Nothing is changed here: the plan carries one edit to apply.
pub fn plan(
    map: &ValueStream,
    table: &Table,
    m: &Mapping,
    opts: &Options,
) -> Result<Plan, TableError> {
    if !m.columns.contains_key(&Field::Name) && !m.columns.contains_key(&Field::Id) {
        return Err(file_error(
            &table.file,
            table.sheet.as_deref(),
            format!(
                "no column of step names or IDs to match the map's steps by; the header has {}",
                shown(&table.header)
            ),
        ));
    }
    let rows = rows(table, m, opts.unit)?;
    let mut p = Problems {
        table,
        m,
        count: 0,
        first: vec![],
    };
    let mut after = map.clone();
    let mut teams = map.teams.clone();
    let mut plan = Plan::default();
    let mut by_step: HashMap<String, u32> = HashMap::new();
    let mut ops = Vec::new();
    let mut flow_ops = Vec::new();
    for row in &rows {
        let found = match (row.text(Field::Id), row.text(Field::Name)) {
            (Some(id), _) => after.steps.iter().position(|s| s.id == id),
            (None, Some(n)) => {
                let hits: Vec<usize> = after
                    .steps
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.name.trim().eq_ignore_ascii_case(n.trim()))
                    .map(|(i, _)| i)
                    .collect();
                if hits.len() > 1 {
                    p.add(
                        row.number,
                        Some(Field::Name),
                        format!(
                            "{} steps are named '{n}'; add an ID column to say which",
                            hits.len()
                        ),
                    );
                    continue;
                }
                hits.first().copied()
            }
            (None, None) => {
                p.add(
                    row.number,
                    Some(Field::Name),
                    "the row names no step".into(),
                );
                continue;
            }
        };
        if let Some(&earlier) = found.and_then(|i| by_step.get(&after.steps[i].id)) {
            let f = if row.text(Field::Id).is_some() {
                Field::Id
            } else {
                Field::Name
            };
            p.add(
                row.number,
                Some(f),
                format!("row {earlier} is about the same step"),
            );
            continue;
        }
        let Some(i) = found else {
            if let (Some(id), Some(n)) = (row.text(Field::Id), row.text(Field::Name)) {
                if let Some(s) = after
                    .steps
                    .iter()
                    .find(|s| s.name.trim().eq_ignore_ascii_case(n.trim()))
                {
                    p.add(
                        row.number,
                        Some(Field::Id),
                        format!(
                            "no step has the ID '{id}', but '{}' (ID '{}') has this name; give its ID, or leave the ID column out to match by name",
                            s.name, s.id
                        ),
                    );
                    continue;
                }
            }
            let Some(name) = row.text(Field::Name) else {
                p.add(
                    row.number,
                    Some(Field::Id),
                    "no step has this ID, and the row has no name to add one by".into(),
                );
                continue;
            };
            let id = match row.text(Field::Id) {
                Some(id) => id.to_owned(),
                None => slug(name, &|id| after.steps.iter().any(|s| s.id == id)),
            };
            let mut step = Step::new(&id, name.trim());
            if let Err((f, msg)) = fill(&mut step, row, &mut teams, opts.mark) {
                p.add(row.number, Some(f), msg);
                continue;
            }
            if row.duration(Field::Wait).is_some() {
                p.add(
                    row.number,
                    Some(Field::Wait),
                    format!("'{name}' is new: it has no flow into it to wait on yet"),
                );
                continue;
            }
            by_step.insert(id, row.number);
            plan.added.push(name.to_owned());
            ops.push(Op::Add {
                record: Record::Step(step.clone()),
                index: None,
            });
            after.steps.push(step);
            continue;
        };
        let old = after.steps[i].clone();
        let mut step = old.clone();
        if let Err((f, msg)) = fill(&mut step, row, &mut teams, opts.mark) {
            p.add(row.number, Some(f), msg);
            continue;
        }
        by_step.insert(step.id.clone(), row.number);
        let mut ch = changes(&old, &step, &teams);
        if !ch.is_empty() {
            ops.push(Op::Update {
                record: Record::Step(step.clone()),
            });
        }
        if let Some(w) = row.duration(Field::Wait) {
            let inc: Vec<Flow> = incoming(&after, &step.id).into_iter().cloned().collect();
            match inc.as_slice() {
                [f] => {
                    let mut g = f.clone();
                    g.wait = Some(w);
                    if let Some(p) = opts.mark {
                        g.provenance.insert("wait".into(), p);
                    }
                    if g != *f {
                        if f.wait != Some(w) {
                            ch.push(format!("wait before {} → {w}", describe(&f.wait)));
                        } else {
                            ch.push(format!("wait before marked {}", word_of(opts.mark)));
                        }
                        if let Some(x) = after.flows.iter_mut().find(|x| x.key() == f.key()) {
                            *x = g.clone();
                        }
                        flow_ops.push(Op::Update {
                            record: Record::Flow(g),
                        });
                    }
                }
                [] => p.add(
                    row.number,
                    Some(Field::Wait),
                    format!("'{}' has no flow into it to wait on", step.name),
                ),
                many => p.add(
                    row.number,
                    Some(Field::Wait),
                    format!(
                        "'{}' has {} flows into it; set their waits on the map",
                        step.name,
                        many.len()
                    ),
                ),
            }
        }
        if ch.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.updated.push((step.name.clone(), ch));
        }
        after.steps[i] = step;
    }
    // Teams first: the steps refer to them.
    let new_teams: Vec<Team> = teams[map.teams.len()..].to_vec();
    plan.teams = new_teams.iter().map(|t| t.name.clone()).collect();
    let mut all = Vec::new();
    for t in &new_teams {
        all.push(Op::Add {
            record: Record::Team(t.clone()),
            index: None,
        });
    }
    after.teams = teams;
    all.extend(ops);
    all.extend(flow_ops);
    check(&after, &by_step, &mut p);
    p.finish()?;
    if !all.is_empty() {
        plan.op = Some(Op::Batch { ops: all });
    }
    Ok(plan)
}

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Text(String),
    Number(f64),
}

/// The map's steps as a table: the header, then a row per step in the map's order.
pub fn export(map: &ValueStream) -> (Vec<&'static str>, Vec<Vec<Option<Out>>>) {
    let header: Vec<&str> = Field::ALL.iter().map(|f| f.header()).collect();
    let word = |v: serde_json::Value| v.as_str().map(|s| Out::Text(s.to_owned()));
    let dur = |d: &Option<Duration>| d.map(|d| Out::Text(d.to_string()));
    let num = |n: Option<f64>| n.map(Out::Number);
    let rows = map
        .steps
        .iter()
        .map(|s| {
            let inc = incoming(map, &s.id);
            let wait = match inc.as_slice() {
                [f] => f.wait,
                _ => None,
            };
            let team = s.team.as_ref().map(|id| {
                Out::Text(
                    map.teams
                        .iter()
                        .find(|t| &t.id == id)
                        .map(|t| t.name.clone())
                        .unwrap_or(id.clone()),
                )
            });
            let range = |r: &Option<Box<Range>>| {
                (
                    r.as_ref().map(|r| Out::Text(r.min.to_string())),
                    r.as_ref()
                        .and_then(|r| r.likely)
                        .map(|d| Out::Text(d.to_string())),
                    r.as_ref().map(|r| Out::Text(r.max.to_string())),
                )
            };
            let (pn, pl, px) = range(&s.pt_range);
            let (ln, ll, lx) = range(&s.lt_range);
            Field::ALL
                .iter()
                .map(|f| match f {
                    Field::Id => Some(Out::Text(s.id.clone())),
                    Field::Name => Some(Out::Text(s.name.clone())),
                    Field::Kind => word(serde_json::to_value(s.kind).expect("a kind")),
                    Field::Team => team.clone(),
                    Field::Pt => dur(&s.pt),
                    Field::Lt => dur(&s.lt),
                    Field::Pca => num(s.pca),
                    Field::Wait => dur(&wait),
                    Field::Servers => num(s.servers),
                    Field::Uptime => num(s.uptime),
                    Field::Batch => num(s.batch),
                    Field::Changeover => dur(&s.changeover),
                    Field::Epe => dur(&s.epe),
                    Field::Value => s
                        .value
                        .and_then(|v| word(serde_json::to_value(v).expect("a class"))),
                    Field::Automation => s
                        .automation
                        .and_then(|v| word(serde_json::to_value(v).expect("a word"))),
                    Field::PtMin => pn.clone(),
                    Field::PtLikely => pl.clone(),
                    Field::PtMax => px.clone(),
                    Field::LtMin => ln.clone(),
                    Field::LtLikely => ll.clone(),
                    Field::LtMax => lx.clone(),
                    Field::Notes => (!s.notes.is_empty()).then(|| Out::Text(s.notes.clone())),
                })
                .collect()
        })
        .collect();
    (header, rows)
}

/// The map's steps as CSV text.
///
/// It starts with a byte-order mark, so that Excel reads it as UTF-8; a text that a spreadsheet
/// would take for a formula (`=`, `+`, `-`, `@`, a tab or a return first) is written after an
/// apostrophe, which the reader takes off again.
pub fn to_csv(map: &ValueStream) -> Vec<u8> {
    let (header, rows) = export(map);
    let mut w = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    w.write_record(&header).expect("writing to memory");
    for r in rows {
        w.write_record(r.iter().map(|c| match c {
            None => String::new(),
            Some(Out::Text(t)) if looks_like_formula(t) => format!("'{t}"),
            Some(Out::Text(t)) => t.clone(),
            Some(Out::Number(n)) => n.to_string(),
        }))
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Whether a spreadsheet would run `t` as a formula (OWASP's CSV injection).
fn looks_like_formula(t: &str) -> bool {
    t.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The map's steps as an Excel workbook (.xlsx): one sheet named after the map, the header
/// bold and frozen, numbers as numbers, durations as the map writes them.
pub fn to_xlsx(map: &ValueStream) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = export(map);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Excel's sheet names: at most 31 UTF-16 units, none of []:*?/\, no apostrophe at either end.
    let mut name = String::new();
    for c in map.name.chars().filter(|c| !"[]:*?/\\".contains(*c)) {
        if name.encode_utf16().count() + c.len_utf16() > 31 {
            break;
        }
        name.push(c);
    }
    let name = name.trim().trim_matches('\'').trim().to_owned();
    let name = if name.is_empty() {
        "Steps".to_owned()
    } else {
        name
    };
    sheet.set_name(name.trim()).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (rr, cc) = (r as u32 + 1, c as u16);
            match v {
                None => {}
                Some(Out::Text(t)) => {
                    widths[c] = widths[c].max(t.chars().count());
                    sheet.write_string(rr, cc, t).map_err(|e| e.to_string())?;
                }
                Some(Out::Number(n)) => {
                    sheet.write_number(rr, cc, *n).map_err(|e| e.to_string())?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, (*w as f64 + 2.0).min(48.0))
            .map_err(|e| e.to_string())?;
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// The kind of table to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Excel,
}

impl TableFormat {
    /// The format a file's name asks for: `.xlsx` Excel, `.csv`/`.tsv`/`.txt` CSV; anything
    /// else (a map, a document, a workbook format this program cannot write) is refused.
    pub fn of(path: &Path) -> Result<TableFormat, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("xlsx") => Ok(TableFormat::Excel),
            Some("csv" | "tsv" | "txt") => Ok(TableFormat::Csv),
            _ => Err(format!(
                "{}: a step table is written as .xlsx (Excel) or .csv",
                path.display()
            )),
        }
    }
}

/// Writes the map's steps to `path` in `format` (its name must say the same: `TableFormat::of`),
/// whole or not at all: a temporary file beside it, flushed to disk, renamed into place.
pub fn write(map: &ValueStream, path: &Path, format: TableFormat) -> Result<(), String> {
    if TableFormat::of(path)? != format {
        return Err(format!(
            "{}: the name says {}, not {}",
            path.display(),
            if format == TableFormat::Excel {
                "CSV"
            } else {
                "Excel"
            },
            if format == TableFormat::Excel {
                "Excel (.xlsx)"
            } else {
                "CSV (.csv)"
            }
        ));
    }
    let bytes = match format {
        TableFormat::Excel => to_xlsx(map).map_err(|e| format!("{}: {e}", path.display()))?,
        TableFormat::Csv => to_csv(map),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.partial",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let done = (|| {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    done.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", path.display())
    })
}
