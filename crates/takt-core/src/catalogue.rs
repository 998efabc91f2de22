//! The regulation catalogue: the controls a gate can check. Takt ships one (the EU AI Act's
//! articles for high-risk systems, SR 11-7, ISO/IEC 42001 Annex A, the NIST AI RMF, GDPR
//! Art. 22 and 35; `data/catalogue.json`, each entry with its source and the date it was
//! transcribed); a document adds its own entries, gives shipped ones its own wording, and marks
//! the controls it requires (`ValueStream::catalogue`).
//!
//! A catalogue file is JSON: `{"format": "takt-catalogue", "version": 1, "controls": [...]}`.
//! Reading one names the line, column and field of whatever is wrong.

use crate::model::Control;
use crate::model::ValueStream;
use serde::Deserialize;
use std::sync::OnceLock;

/// The catalogue Takt ships.
pub fn shipped() -> &'static [Control] {
    static SHIPPED: OnceLock<Vec<Control>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        parse(include_str!("../data/catalogue.json"))
            .expect("the shipped catalogue is valid (a test reads it)")
    })
}

/// A regulation or control name as gates and catalogues are matched: trimmed, spaces
/// collapsed, case folded ("Art.  14" is "art. 14").
pub fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether a gate's control (`gate`) checks a catalogue control (`control`): the same, or a
/// part of it ("Art. 14(4)" checks "Art. 14"; "Art. 143" does not).
pub fn control_matches(gate: &str, control: &str) -> bool {
    let (g, c) = (norm(gate), norm(control));
    if c.is_empty() {
        return false;
    }
    match g.strip_prefix(&c) {
        Some("") => true,
        Some(rest) => !rest.starts_with(|ch: char| ch.is_alphanumeric()),
        None => false,
    }
}

/// Whether a gate's regulation names the catalogue's (case and spaces aside).
pub fn regulation_matches(gate: &str, regulation: &str) -> bool {
    norm(gate) == norm(regulation)
}

/// The document's catalogue: the shipped entries, each overlaid by the document's entry for
/// the same control (its non-empty fields win, and it may mark the control required), then the
/// document's own entries, in its order.
pub fn merged(doc: &ValueStream) -> Vec<Control> {
    let mut out: Vec<Control> = shipped().to_vec();
    for own in &doc.catalogue {
        let same = out.iter_mut().find(|c| {
            regulation_matches(&c.regulation, &own.regulation)
                && norm(&c.control) == norm(&own.control)
        });
        match same {
            Some(c) => overlay(c, own),
            None => out.push(own.clone()),
        }
    }
    out
}

fn overlay(c: &mut Control, own: &Control) {
    for (mine, theirs) in [
        (&mut c.title, &own.title),
        (&mut c.group, &own.group),
        (&mut c.source, &own.source),
    ] {
        if !theirs.trim().is_empty() {
            *mine = theirs.clone();
        }
    }
    if own.transcribed.is_some() {
        c.transcribed = own.transcribed.clone();
    }
    c.required = own.required;
}

/// A control of the document's catalogue, whether the document has an entry of its own for it,
/// and the gates that check it (ids, in document order).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogueEntry {
    pub control: Control,
    pub own: bool,
    pub gates: Vec<String>,
}

/// Whether a gate's regulation and control check a catalogue control.
pub fn checks(regulation: Option<&str>, control: Option<&str>, c: &Control) -> bool {
    regulation.is_some_and(|r| regulation_matches(r, &c.regulation))
        && control.is_some_and(|k| control_matches(k, &c.control))
}

/// The catalogue entry a gate's regulation and control name: the most specific that matches
/// ("V.1" before "V").
pub fn entry_for<'a>(
    catalogue: &'a [Control],
    regulation: Option<&str>,
    control: Option<&str>,
) -> Option<&'a Control> {
    catalogue
        .iter()
        .filter(|e| checks(regulation, control, e))
        .max_by_key(|e| e.control.len())
}

/// The document's catalogue with, for each control, the gates that check it.
pub fn entries(doc: &ValueStream) -> Vec<CatalogueEntry> {
    let gates: Vec<(&str, &crate::model::GateDetails)> = doc
        .steps
        .iter()
        .filter(|s| s.kind == crate::model::StepKind::Gate)
        .filter_map(|s| Some((s.id.as_str(), s.gate.as_deref()?)))
        .collect();
    merged(doc)
        .into_iter()
        .map(|c| {
            let own = doc.catalogue.iter().any(|o| {
                regulation_matches(&o.regulation, &c.regulation)
                    && norm(&o.control) == norm(&c.control)
            });
            let gates = gates
                .iter()
                .filter(|(_, g)| checks(g.regulation.as_deref(), g.control.as_deref(), &c))
                .map(|(id, _)| id.to_string())
                .collect();
            CatalogueEntry {
                control: c,
                own,
                gates,
            }
        })
        .collect()
}

/// The controls of a catalogue a document marks as required.
pub fn required(doc: &ValueStream) -> Vec<Control> {
    merged(doc).into_iter().filter(|c| c.required).collect()
}

/// What is wrong in a catalogue file, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}{}: {message}", if field.is_empty() { String::new() } else { format!(", {field}") })]
pub struct CatalogueError {
    pub line: usize,
    pub column: usize,
    /// The field at fault, as a path into the file ("controls[3].transcribed").
    pub field: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
    controls: Vec<Entry>,
}

/// A catalogue entry as a file holds it: checked while it is read, so that an error carries
/// the line of the field at fault.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(deserialize_with = "named")]
    regulation: String,
    #[serde(deserialize_with = "named")]
    control: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    source: String,
    #[serde(default, deserialize_with = "date")]
    transcribed: Option<String>,
    #[serde(default)]
    required: bool,
}

fn named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("it is empty; name it"));
    }
    Ok(s)
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    if crate::model::is_date(&s) {
        Ok(Some(s))
    } else {
        Err(serde::de::Error::custom(format!(
            "'{s}' is not a date; write it as YYYY-MM-DD"
        )))
    }
}

/// Reads a catalogue file.
pub fn parse(text: &str) -> Result<Vec<Control>, CatalogueError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let file: File = serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        let message = match msg.rfind(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        CatalogueError {
            line: inner.line(),
            column: inner.column(),
            field: if field == "." { String::new() } else { field },
            message,
        }
    })?;
    let whole = |field: &str, message: String| CatalogueError {
        line: 1,
        column: 1,
        field: field.into(),
        message,
    };
    if file.format != "takt-catalogue" {
        return Err(whole(
            "format",
            format!(
                "this is not a Takt catalogue: its \"format\" is \"{}\", not \"takt-catalogue\"",
                file.format
            ),
        ));
    }
    if file.version != 1 {
        return Err(whole(
            "version",
            format!(
                "this catalogue is version {}; this program reads version 1",
                file.version
            ),
        ));
    }
    let controls: Vec<Control> = file
        .controls
        .into_iter()
        .map(|e| Control {
            regulation: e.regulation,
            control: e.control,
            title: e.title,
            group: e.group,
            source: e.source,
            transcribed: e.transcribed,
            required: e.required,
        })
        .collect();
    // A control listed twice: the second one's line.
    let mut seen = std::collections::HashSet::new();
    for (i, c) in controls.iter().enumerate() {
        if !seen.insert((norm(&c.regulation), norm(&c.control))) {
            let line = nth_entry_line(text, i).unwrap_or(1);
            return Err(CatalogueError {
                line,
                column: 1,
                field: format!("controls[{i}].control"),
                message: format!(
                    "{} {} is listed twice",
                    c.regulation.trim(),
                    c.control.trim()
                ),
            });
        }
    }
    Ok(controls)
}

/// The line on which the `i`-th entry of the `controls` array opens.
fn nth_entry_line(text: &str, i: usize) -> Option<usize> {
    let start = text.find("\"controls\"")?;
    let (mut depth, mut count, mut in_str, mut esc) = (0i32, 0usize, false, false);
    for (at, ch) in text[start..].char_indices() {
        if in_str {
            match (esc, ch) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_str = true,
            '[' | '{' => {
                depth += 1;
                if ch == '{' && depth == 2 {
                    if count == i {
                        return Some(text[..start + at].lines().count().max(1));
                    }
                    count += 1;
                }
            }
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    None
}

/// Writes a catalogue file (the document's entries, say), as [`parse`] reads it.
pub fn write(name: &str, controls: &[Control]) -> String {
    let value = serde_json::json!({
        "format": "takt-catalogue",
        "version": 1,
        "name": name,
        "controls": controls,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("a catalogue serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_reads_and_every_entry_has_its_source_and_date() {
        let c = shipped();
        assert!(c.len() >= 40);
        for e in c {
            assert!(!e.source.is_empty() && e.transcribed.is_some(), "{e:?}");
            assert!(!e.required, "the shipped catalogue requires nothing");
        }
        let has = |r: &str, k: &str| c.iter().any(|e| e.regulation == r && e.control == k);
        for art in [9, 10, 11, 12, 13, 14, 15, 17, 43, 72] {
            assert!(has("EU AI Act", &format!("Art. {art}")), "Art. {art}");
        }
        assert!(has("SR 11-7", "V") && has("GDPR", "Art. 35") && has("NIST AI RMF", "MANAGE 4"));
        assert!(has("ISO/IEC 42001", "A.10"));
    }

    #[test]
    fn a_gate_checks_a_control_or_a_part_of_it() {
        assert!(control_matches("Art. 14", "art.  14"));
        assert!(control_matches("Art. 14(4)", "Art. 14"));
        assert!(!control_matches("Art. 143", "Art. 14"));
        assert!(!control_matches("Art. 1", "Art. 14"));
        assert!(regulation_matches(" eu ai act", "EU AI Act"));
    }

    #[test]
    fn a_bad_catalogue_file_is_told_by_line_and_field() {
        let text = "{\n  \"format\": \"takt-catalogue\",\n  \"version\": 1,\n  \"controls\": [\n    {\"regulation\": \"X\", \"control\": \"1\"},\n    {\"regulation\": \"X\", \"control\": \"2\",\n     \"transcribed\": \"2026-13-01\"}\n  ]\n}\n";
        let e = parse(text).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (7, "controls[1].transcribed"));
        assert!(e.message.contains("'2026-13-01' is not a date"), "{e}");

        let blank = text
            .replace("\"control\": \"2\"", "\"control\": \" \"")
            .replace("2026-13-01", "2026-12-01");
        let e = parse(&blank).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (6, "controls[1].control"));

        let twice = text
            .replace("\"control\": \"2\"", "\"control\": \"1\"")
            .replace("2026-13-01", "2026-12-01");
        let e = parse(&twice).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (6, "controls[1].control"));
        assert!(e.message.contains("listed twice"));

        let unknown = text.replace(
            "\"control\": \"1\"",
            "\"control\": \"1\", \"owner\": \"me\"",
        );
        let e = parse(&unknown).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("unknown field `owner`"), "{e}");

        let e = parse("{\"format\": \"takt\", \"version\": 1, \"controls\": []}").unwrap_err();
        assert!(e.message.contains("not a Takt catalogue"));
    }

    #[test]
    fn a_document_overlays_and_extends_the_catalogue() {
        let mut doc = ValueStream::new("m");
        doc.catalogue = vec![
            Control {
                regulation: "eu ai act".into(),
                control: "Art. 14".into(),
                title: String::new(),
                group: String::new(),
                source: String::new(),
                transcribed: None,
                required: true,
            },
            Control {
                regulation: "Internal".into(),
                control: "MRM-7".into(),
                title: "Champion/challenger".into(),
                group: String::new(),
                source: "Model risk policy v3, 4.2".into(),
                transcribed: Some("2026-11-30".into()),
                required: true,
            },
        ];
        let m = merged(&doc);
        assert_eq!(m.len(), shipped().len() + 1);
        let req = required(&doc);
        assert_eq!(req.len(), 2);
        assert_eq!(req[0].title, "Human oversight");
        assert_eq!(req[1].control, "MRM-7");
        let again = parse(&write("mine", &doc.catalogue)).unwrap();
        assert_eq!(again, doc.catalogue);
        let mut gate = crate::model::Step::new("g", "Oversight sign-off");
        gate.kind = crate::model::StepKind::Gate;
        gate.gate = Some(Box::new(crate::model::GateDetails {
            regulation: Some("EU AI Act".into()),
            control: Some("Art. 14(4)".into()),
            ..Default::default()
        }));
        doc.steps.push(gate);
        let e = entries(&doc);
        let art14 = e.iter().find(|x| x.control.control == "Art. 14").unwrap();
        assert!(art14.own && art14.control.required);
        assert_eq!(art14.gates, ["g"]);
        assert!(e
            .iter()
            .find(|x| x.control.control == "Art. 9")
            .unwrap()
            .gates
            .is_empty());
    }
}
