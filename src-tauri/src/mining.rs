//! File ▸ Import ▸ Event Log: the wizard's side in Rust. A log the user picked is previewed
//! (its head, the columns guessed), its timestamps tried on the preview's rows as the user
//! maps the columns, read whole off the UI thread (progress, Cancel), and kept here while the
//! user moves the frequency filter and sees the map it makes; then the map opens as a new
//! document or joins the open one as a scenario.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use takt_core::ValueStream;

/// How the wizard maps the log's columns and reads its times.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct LogSettings {
    pub case: String,
    pub activity: String,
    /// None: one timestamp per event.
    pub start: Option<String>,
    pub end: String,
    pub resource: Option<String>,
    /// The zone of timestamps that name none: "UTC" or an offset such as "+02:00".
    pub tz: String,
    /// A chrono format, when the timestamps are not ISO 8601.
    pub time_format: Option<String>,
    /// Leave out events that end before they start.
    pub skip_reversed: bool,
    /// One timestamp per event: each starts when the case's previous event ended.
    pub start_from_previous: bool,
    /// The mined map's work calendar (the open document's, unless the user changes it).
    pub calendar: takt_core::Calendar,
}

/// The columns the reader guesses, by name.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LogGuess {
    pub case: Option<String>,
    pub activity: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub resource: Option<String>,
}

/// The head of the log the user picked.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LogPreview {
    pub file: String,
    /// "csv", or "xes" (its attributes are the standard's: no columns to map).
    pub format: String,
    pub bytes: f64,
    pub delimiter: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<u32>,
    pub guess: LogGuess,
}

/// How a preview row's timestamps read with the settings: RFC 3339 in UTC, or why not.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RowTimes {
    pub line: u32,
    pub start: Option<String>,
    pub end: Option<String>,
    pub problem: Option<String>,
}

/// The log read whole.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LogRead {
    pub events: u32,
    pub cases: u32,
    pub activities: u32,
    pub has_start: bool,
    pub median_case_s: f64,
}

/// The map the frequency filter makes, drawn.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MinedPreview {
    pub steps: u32,
    pub flows: u32,
    pub left_out: Vec<String>,
    pub svg: String,
    pub lead_time: String,
    pub process_time: String,
}

/// What the wizard holds between its steps.
pub struct PendingLog {
    pub path: PathBuf,
    /// `None` for an XES log.
    pub preview: Option<takt_mine::log::Preview>,
    pub read: Option<(takt_mine::Log, takt_mine::Mining)>,
    /// The calendar the log was read with, for the map it makes.
    pub calendar: takt_core::Calendar,
}

/// Whether a log is XES (the CLI's rule: `takt_mine::xes::looks_like_xes`).
pub fn is_xes(path: &std::path::Path) -> bool {
    takt_mine::xes::looks_like_xes(path)
}

fn input(field: &str, message: impl Into<String>) -> AppError {
    AppError::Input {
        field: field.into(),
        message: message.into(),
    }
}

fn log_error(e: takt_mine::LogError) -> AppError {
    input("log", e.to_string())
}

/// The head of the log at `path`.
pub fn preview(path: &std::path::Path) -> Result<(LogPreview, PendingLog), AppError> {
    let bytes = std::fs::metadata(path)
        .map(|m| m.len() as f64)
        .unwrap_or(0.0);
    if is_xes(path) {
        let none = LogGuess {
            case: None,
            activity: None,
            start: None,
            end: None,
            resource: None,
        };
        return Ok((
            LogPreview {
                file: path.display().to_string(),
                format: "xes".into(),
                bytes,
                delimiter: String::new(),
                header: vec![],
                rows: vec![],
                lines: vec![],
                guess: none,
            },
            PendingLog {
                path: path.to_path_buf(),
                preview: None,
                read: None,
                calendar: Default::default(),
            },
        ));
    }
    let p = takt_mine::log::preview(path, 12).map_err(log_error)?;
    let name = |i: Option<usize>| i.map(|i| p.header[i].clone());
    let shown = LogPreview {
        file: path.display().to_string(),
        format: "csv".into(),
        bytes,
        delimiter: p.delimiter.clone(),
        header: p.header.clone(),
        rows: p.rows.clone(),
        lines: p.lines.iter().map(|&l| l as u32).collect(),
        guess: LogGuess {
            case: name(p.guess.case),
            activity: name(p.guess.activity),
            start: name(p.guess.start),
            end: name(p.guess.end),
            resource: name(p.guess.resource),
        },
    };
    Ok((
        shown,
        PendingLog {
            path: path.to_path_buf(),
            preview: Some(p),
            read: None,
            calendar: Default::default(),
        },
    ))
}

fn time_options(s: &LogSettings) -> Result<takt_mine::TimeOptions, AppError> {
    Ok(takt_mine::TimeOptions {
        offset: takt_mine::log::parse_offset(&s.tz).map_err(|m| input("tz", m))?,
        format: s.time_format.clone().filter(|f| !f.trim().is_empty()),
    })
}

fn column(header: &[String], name: &str, field: &str) -> Result<usize, AppError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| input(field, format!("the log has no column '{name}'")))
}

/// How the preview's timestamps read with `s`.
pub fn times(pending: &PendingLog, s: &LogSettings) -> Result<Vec<RowTimes>, AppError> {
    let t = time_options(s)?;
    let parser = takt_mine::log::TimeParser::new(&t);
    // An XES log's times are read whole, by the standard's attributes.
    let Some(preview) = pending.preview.as_ref() else {
        return Ok(vec![]);
    };
    let h = &preview.header;
    let end = column(h, &s.end, "end")?;
    let start = match &s.start {
        Some(c) => Some(column(h, c, "start")?),
        None => None,
    };
    let show = |v: i64| {
        chrono::DateTime::from_timestamp_micros(v)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            .unwrap_or_default()
    };
    Ok(preview
        .rows
        .iter()
        .zip(&preview.lines)
        .map(|(row, &line)| {
            let cell = |i: usize| row.get(i).map(|v| v.trim()).unwrap_or("");
            let e = parser.parse(cell(end));
            let st = start.map(|i| (i, parser.parse(cell(i))));
            let mut problem = None;
            if e.is_none() {
                problem = Some(format!("'{}' is not a time ({})", cell(end), s.end));
            } else if let Some((i, None)) = st {
                if !cell(i).is_empty() {
                    problem = Some(format!("'{}' is not a time ({})", cell(i), h[i]));
                }
            } else if let (Some((_, Some(a))), Some(b)) = (st, e) {
                if b < a {
                    problem = Some("ends before it starts".into());
                }
            }
            RowTimes {
                line: line as u32,
                start: st.and_then(|(_, v)| v).map(show),
                end: e.map(show),
                problem,
            }
        })
        .collect())
}

/// Reads the whole log with `s`; `progress` gets the share read and answers whether to go on.
/// `None`: cancelled.
pub fn read(
    path: &std::path::Path,
    s: &LogSettings,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Option<(takt_mine::Log, takt_mine::Mining)>, AppError> {
    let c = s.calendar;
    if !(c.hours_per_day > 0.0 && c.hours_per_day <= 24.0) {
        return Err(input(
            "hours_per_day",
            "working hours in a day: more than 0, at most 24",
        ));
    }
    if !(c.days_per_week > 0.0 && c.days_per_week <= 7.0) {
        return Err(input(
            "days_per_week",
            "working days in a week: more than 0, at most 7",
        ));
    }
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0).max(1) as f32;
    if is_xes(path) {
        let Some(mut log) = takt_mine::xes::read_xes_file(
            path,
            &takt_mine::xes::XesKeys::default(),
            &time_options(s)?,
            &mut |bytes| progress(bytes as f32 / total * 0.9),
        )
        .map_err(log_error)?
        else {
            return Ok(None);
        };
        let m = takt_mine::mine(&mut log, s.start_from_previous);
        return Ok(Some((log, m)));
    }
    let opts = takt_mine::CsvOptions {
        columns: takt_mine::Columns {
            case: Some(s.case.clone()),
            activity: Some(s.activity.clone()),
            start: s.start.clone(),
            end: Some(s.end.clone()),
            resource: s.resource.clone(),
        },
        time: time_options(s)?,
        skip_reversed: s.skip_reversed,
        size_hint: std::fs::metadata(path).ok().map(|m| m.len()),
    };
    let f = std::fs::File::open(path).map_err(|e| AppError::file(path, e))?;
    let file = path.display().to_string();
    let Some(mut log) = takt_mine::log::read_csv_progress(
        std::io::BufReader::with_capacity(1 << 16, f),
        &file,
        &opts,
        &mut |bytes| progress(bytes as f32 / total * 0.9),
    )
    .map_err(log_error)?
    else {
        return Ok(None);
    };
    let m = takt_mine::mine(&mut log, s.start_from_previous);
    Ok(Some((log, m)))
}

/// What `read` found, for the wizard to say.
pub fn summary(log: &takt_mine::Log, m: &takt_mine::Mining) -> LogRead {
    let mut d = m.samples.durations.clone();
    d.sort_unstable_by(f64::total_cmp);
    LogRead {
        events: m.events.len() as u32,
        cases: (m.runs.len() - 1) as u32,
        activities: log.activities.len() as u32,
        has_start: log.has_start,
        median_case_s: if d.is_empty() {
            0.0
        } else {
            takt_mine::stats::percentile_sorted(&d, 0.5)
        },
    }
}

/// The map the log makes with the filter `min_share`, named after the log.
pub fn map_of(pending: &mut PendingLog, min_share: f64) -> Result<takt_mine::Mined, AppError> {
    if !(0.0..1.0).contains(&min_share) {
        return Err(input(
            "min_share",
            "the filter is a share from 0 to below 1",
        ));
    }
    let name = format!("Mined from {}", crate::session::title_of(&pending.path));
    let calendar = pending.calendar;
    let Some((log, m)) = pending.read.as_mut() else {
        return Err(input("log", "the log has not been read; read it first"));
    };
    let mut mined = takt_mine::build(
        log,
        &m.events,
        &m.runs,
        &mut m.samples,
        &takt_mine::MapOptions {
            name,
            min_share,
            pt: Default::default(),
        },
    );
    mined.map.calendar = calendar;
    Ok(mined)
}

/// The mined map drawn, with its headline figures.
pub fn picture(mined: &takt_mine::Mined) -> Result<MinedPreview, AppError> {
    let map: &ValueStream = &mined.map;
    let a = takt_core::analyze(map).map_err(AppError::from_validation)?;
    Ok(MinedPreview {
        steps: map.steps.len().saturating_sub(2) as u32,
        flows: map.flows.len() as u32,
        left_out: mined.left_out.clone(),
        svg: takt_report::svg::map_svg(map, &a),
        lead_time: crate::session::figure_of("lead_time_s", a.lead_time_s, map),
        process_time: crate::session::figure_of("process_time_s", a.process_time_s, map),
    })
}
