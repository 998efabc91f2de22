//! The core's layers: no module uses one above it (ARCHITECTURE.md draws them). A module may
//! use the modules of lower layers only; the crate root (`lib.rs`) re-exports from any. Test
//! modules (`#[cfg(test)]` to the end of a file) and comments are not read.

use std::collections::BTreeMap;

/// Bottom first. A new module goes in the lowest layer whose modules it needs are all below.
const LAYERS: &[&[&str]] = &[
    // Words: durations and the calendar, the random numbers of the Monte Carlo, control charts.
    &["duration", "rng", "xmr"],
    // The model (the document's records) and figures for people.
    &["model", "figures"],
    // The compiled graph: indices, adjacency, order, the facts the lints read, loop finding; the
    // regulation catalogue; the kaizen board.
    &["graph", "catalogue", "board", "calibrate"],
    // Validation: every rule, and the compiler that fills the graph.
    &["validate"],
    // Lints: what a valid map may hold that a practitioner should look at.
    &["lint"],
    // The analysis, and lineage queries.
    &["analysis", "lineage"],
    // What reads analyses or maps whole: comparison, simulation, edits, the file format, the
    // generator, the gate register, the waterfall of a scenario's changes.
    &[
        "compare",
        "simulate",
        "ops",
        "format",
        "gen",
        "gates",
        "waterfall",
    ],
    // Edits in words, for the audit trail; OpenLineage events read and merged as edits; the
    // templates (maps read from the format).
    &["audit", "openlineage", "templates"],
];

fn layer_of() -> BTreeMap<&'static str, usize> {
    LAYERS
        .iter()
        .enumerate()
        .flat_map(|(k, ms)| ms.iter().map(move |m| (*m, k)))
        .collect()
}

/// The modules a source file uses (`crate::name`), outside comments and test modules.
fn uses(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out: Vec<String> = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| {
            l.match_indices("crate::").map(move |(i, _)| {
                l[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
        })
        .filter(|m| !m.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn no_core_module_uses_one_above_it() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers = layer_of();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" {
            continue;
        }
        let Some(&mine) = layers.get(name.as_str()) else {
            problems.push(format!("{name}.rs is in no layer: add it to LAYERS"));
            continue;
        };
        seen.push(name.clone());
        for used in uses(&std::fs::read_to_string(&path).unwrap()) {
            if used == name {
                continue;
            }
            match layers.get(used.as_str()) {
                Some(&theirs) if theirs < mine => {}
                Some(&theirs) => problems.push(format!(
                    "{name} (layer {mine}) uses {used} (layer {theirs}): a module uses only the layers below it"
                )),
                None => problems.push(format!("{name} uses crate::{used}, which is in no layer")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every module of the table was read (a module renamed away would leave a hole).
    assert_eq!(seen.len(), layers.len(), "the modules read: {seen:?}");
}

#[test]
fn the_check_finds_a_use_from_below() {
    // What the test reads: code, not comments or test modules.
    let text = "//! See crate::format.\nuse crate::model::*;\nfn f() { crate::graph::x(); }\n#[cfg(test)]\nmod tests { use crate::gen; }\n";
    assert_eq!(uses(text), ["graph", "model"]);
}
