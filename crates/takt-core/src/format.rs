//! The interchange file: JSON, format "takt", version 2 (version 1 is read too). Hand-editable and diffable: written with
//! a stable field order, two-space indents, defaults left out and whole numbers without a
//! fraction, so that reading and writing a canonical file gives back the same bytes.

use crate::model::Element;
use crate::model::ValueStream;
use crate::validate::{validate, ValidationErrors};

/// Times and shares for people, as the CLI, the warnings and the app write them.
pub use crate::figures::{figure, human, human_working, percent};
/// The interchange format version this program writes, and the oldest it reads.
pub use crate::model::{OLDEST_VERSION, VERSION};

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
            return Err(FormatError::NotTakt(format!(
                "it has no valid \"version\" ({OLDEST_VERSION} to {VERSION})"
            )))
        }
        Some(_) => {}
    }
    // Parse the text again (not the value) so that errors carry their line and column.
    let mut doc: ValueStream = serde_json::from_str(text).map_err(syntax)?;
    // An older version reads into this one's records (version 1's evidence strings become
    // items); written back, it is this version.
    doc.version = VERSION;
    Ok(doc)
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
        Element::Note(_) => "\"notes\": [",
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
