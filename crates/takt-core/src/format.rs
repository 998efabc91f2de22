//! The interchange file: JSON, format "takt", version 1. Hand-editable and diffable: written with
//! a stable field order, two-space indents, defaults left out and whole numbers without a
//! fraction, so that reading and writing a canonical file gives back the same bytes.

use crate::duration::{Calendar, Unit, DAY, HOUR};
use crate::model::ValueStream;
use crate::validate::{validate, Element, ValidationErrors};

/// The interchange format version this program reads and writes.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("this is not a Takt map: {0}")]
    NotTakt(String),
    #[error("this map is Takt format version {found}; this program reads version {VERSION} and older. Update Takt to open it.")]
    TooNew { found: u64 },
    #[error("{0}")]
    Invalid(ValidationErrors),
}

/// Reads a map without validating it (see [`load`]).
pub fn parse(text: &str) -> Result<ValueStream, FormatError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(syntax)?;
    let obj = value
        .as_object()
        .ok_or_else(|| FormatError::NotTakt("the file is not a JSON object".into()))?;
    match obj.get("format").and_then(|f| f.as_str()) {
        Some("takt") => {}
        Some(other) => {
            return Err(FormatError::NotTakt(format!(
                "its \"format\" is \"{other}\", not \"takt\""
            )))
        }
        None => {
            return Err(FormatError::NotTakt(
                "it has no \"format\": \"takt\" field".into(),
            ))
        }
    }
    match obj.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > VERSION as u64 => return Err(FormatError::TooNew { found: v }),
        Some(0) | None => {
            return Err(FormatError::NotTakt(
                "it has no valid \"version\" (1)".into(),
            ))
        }
        Some(_) => {}
    }
    // Parse the text again (not the value) so that errors carry their line and column.
    serde_json::from_str(text).map_err(syntax)
}

/// Reads and validates a map.
pub fn load(text: &str) -> Result<ValueStream, FormatError> {
    let doc = parse(text)?;
    validate(&doc).map_err(FormatError::Invalid)?;
    Ok(doc)
}

fn syntax(e: serde_json::Error) -> FormatError {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; keep the message without it.
    let message = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    FormatError::Syntax {
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Writes a map in the canonical form.
pub fn to_json(doc: &ValueStream) -> String {
    let mut v = serde_json::to_value(doc).expect("a map always serialises");
    integral_numbers(&mut v);
    let mut s = serde_json::to_string_pretty(&v).expect("a JSON value always serialises");
    s.push('\n');
    s
}

/// Whole numbers are written without ".0".
pub fn integral_numbers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *n = serde_json::Number::from(f as i64);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(o) => o.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// The JSON Schema of the interchange format.
pub fn schema() -> String {
    let schema = schemars::schema_for!(ValueStream);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serialises");
    s.push('\n');
    s
}

/// The line (1-based) of the file where an element is defined, found by its id: for naming the
/// place of an error in a hand-edited file.
pub fn locate(text: &str, element: &Element) -> Option<usize> {
    let id = element.id()?;
    let quoted = |k: &str, v: &str| [format!("\"{k}\": \"{v}\""), format!("\"{k}\":\"{v}\"")];
    let lines: Vec<&str> = text.lines().collect();
    let find = |k: &str, v: &str, from: usize| {
        let pats = quoted(k, v);
        (from..lines.len()).find(|&i| pats.iter().any(|p| lines[i].contains(p.as_str())))
    };
    let section = match element {
        Element::Team(_) => "\"teams\"",
        Element::Step(_) => "\"steps\"",
        Element::Flow(_) => "\"flows\"",
        Element::Asset(_) => "\"assets\"",
        Element::Lineage(_) => "\"lineage\"",
        Element::Link(_) => "\"links\"",
        Element::Kaizen(_) => "\"kaizen\"",
        Element::Map => return None,
    };
    let start = lines.iter().position(|l| l.contains(section)).unwrap_or(0);
    if let Some(i) = find("id", id, start) {
        return Some(i + 1);
    }
    // Derived keys: "from>to" (flows, lineage) and "step/asset/mode" (links).
    let (a, b, ka, kb) = if let Some((a, b)) = id.split_once('>') {
        (a, b, "from", "to")
    } else if let Some((a, rest)) = id.split_once('/') {
        (a, rest.split('/').next().unwrap_or(""), "step", "asset")
    } else {
        return None;
    };
    let mut from = start;
    while let Some(i) = find(ka, a, from) {
        let pats = quoted(kb, b);
        if (i.saturating_sub(3)..(i + 4).min(lines.len()))
            .any(|j| pats.iter().any(|p| lines[j].contains(p.as_str())))
        {
            return Some(i + 1);
        }
        from = i + 1;
    }
    None
}

/// A time for people: in the map's unit if it has one (and the figure reads in it: a tenth of the
/// unit or more), else in the largest unit that keeps the number readable ("2.5 h", "3.2 d"). For **elapsed** time (lead time, waits, queues, gate
/// time): a working day (`wd`) is elapsed time through the calendar, `7 / days_per_week` days.
/// Working time (takt, process and cycle times) is [`human_working`].
///
/// The page's `fmtElapsed` (`ui/src/editor/format.ts`) is the same function; both are checked
/// against `crates/takt-core/tests/data/time-formats.json`.
pub fn human(seconds: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    let unit = unit
        .filter(|u| legible(seconds / u.seconds(cal)))
        .unwrap_or({
            let a = seconds.abs();
            if a < 60.0 {
                Unit::S
            } else if a < HOUR {
                Unit::Min
            } else if a < DAY {
                Unit::H
            } else if a < 14.0 * DAY {
                Unit::D
            } else {
                Unit::W
            }
        });
    format!("{} {}", figure(seconds / unit.seconds(cal)), unit.symbol())
}

/// A **working** time for people (takt, process times, effective cycle times: VSM-REFERENCE
/// section 1): an hour is an hour, and a working day is the calendar's working hours (8 h by
/// default), not the 1.4 calendar days a working day of elapsed time spans. A map shown in
/// days or weeks shows its working times in working days; without a unit, the largest of s,
/// min, h and wd that keeps the number readable.
pub fn human_working(seconds: f64, unit: Option<Unit>, cal: &Calendar) -> String {
    let day = cal.hours_per_day * HOUR;
    let per = |u: Unit| if u == Unit::Wd { day } else { u.seconds(cal) };
    let unit = match unit.map(|u| match u {
        Unit::D | Unit::W | Unit::Wd => Unit::Wd,
        u => u,
    }) {
        Some(u) if legible(seconds / per(u)) => u,
        _ => {
            let a = seconds.abs();
            if a < 60.0 {
                Unit::S
            } else if a < HOUR {
                Unit::Min
            } else if a < day {
                Unit::H
            } else {
                Unit::Wd
            }
        }
    };
    format!("{} {}", figure(seconds / per(unit)), unit.symbol())
}

/// A share (0-1) as a percentage with `digits` decimals, or as many more as a small non-zero
/// share needs to read as non-zero, and two significant ones then ("0.0046%", not "0.0%").
/// The page's `fmtPercent` is the same function (checked against the same shared cases).
pub fn percent(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let p = x * 100.0;
    let rounded = |d: usize| {
        let scale = 10f64.powi(d as i32);
        let r = (p.abs() * scale).round() / scale;
        if p < 0.0 && r != 0.0 {
            -r
        } else {
            r
        }
    };
    let mut d = digits;
    while p != 0.0 && d < 8 && rounded(d) == 0.0 {
        d += 1;
    }
    if p != 0.0 && d > digits {
        d += 1;
    }
    let text = format!("{:.*}", d, rounded(d));
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}%")
}

/// Whether a figure reads in a unit: zero, or at least a tenth of one. Seconds in a map shown
/// in working days would read "0 wd"; such a figure is shown in the unit that reads instead.
fn legible(v: f64) -> bool {
    v == 0.0 || v.abs() >= 0.1
}

/// A number as the figures show it: 3 significant digits or the whole number (0 decimals from
/// 100, 1 from 10, else 2), trailing zeros dropped. Rounded half away from zero by hand, so
/// that the page's JavaScript, whose `toFixed` breaks ties differently, writes the same digits.
pub fn figure(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let digits = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let scale = 10f64.powi(digits);
    let r = (v.abs() * scale).round() / scale;
    let r = if v < 0.0 && r != 0.0 { -r } else { r };
    let text = format!("{r:.*}", digits as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
