//! File ▸ Import ▸ Step Table and File ▸ Export ▸ Steps: the step-table wizard's side in Rust.
//! A table the user picked (CSV or a workbook) is previewed with its columns guessed, its
//! mapping tried against the scenario on screen (what each row would change, or every problem
//! with its sheet, row and column), then applied as one edit or opened as a new document.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use takt_core::{Unit, ValueStream};
use takt_mine::table::{self, Field, Mapping, Table};

/// A step field a column can be mapped to.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TableField {
    /// Its key ("pt", "pt_min").
    pub key: String,
    /// Its header in an exported table ("PT", "PT minimum").
    pub label: String,
    /// Whether it holds durations.
    pub duration: bool,
}

/// A field mapped to a column of the table, by the column's header.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct FieldColumn {
    pub field: String,
    pub column: String,
}

/// The head of the table the user picked.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TablePreview {
    pub file: String,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    pub header: Vec<String>,
    /// The first rows, as the cells read.
    pub rows: Vec<Vec<String>>,
    /// Their numbers, as the spreadsheet shows them.
    pub numbers: Vec<u32>,
    pub total_rows: u32,
    pub fields: Vec<TableField>,
    /// The columns guessed from the header.
    pub guess: Vec<FieldColumn>,
}

/// How the wizard maps the table.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct TableSettings {
    pub columns: Vec<FieldColumn>,
    /// The unit of bare numbers in duration columns whose header names none.
    pub unit: Option<Unit>,
    /// Mark the numbers the table sets as measured or estimated (`None`: as they were).
    pub mark: Option<takt_core::Provenance>,
}

impl TableSettings {
    fn options(&self) -> table::Options {
        table::Options {
            unit: self.unit,
            mark: self.mark,
        }
    }
}

/// One step's changes.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StepChanges {
    pub step: String,
    pub changes: Vec<String>,
}

/// What the table would do to the scenario on screen, or what stops it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TablePlan {
    pub updated: Vec<StepChanges>,
    pub added: Vec<String>,
    pub teams: Vec<String>,
    pub unchanged: u32,
    /// Every problem kept (the first ten), each with its file, sheet, row and column.
    pub problems: Vec<String>,
    /// How many problems there are in all.
    pub problem_count: u32,
}

/// The table the wizard holds between its steps.
pub struct PendingTable {
    pub path: PathBuf,
    pub table: Table,
}

fn input(field: &str, message: impl Into<String>) -> AppError {
    AppError::Input {
        field: field.into(),
        message: message.into(),
    }
}

/// Reads the table at `path` (one sheet of a workbook: `sheet`, or the first with data).
pub fn read(
    path: &std::path::Path,
    sheet: Option<&str>,
) -> Result<(TablePreview, PendingTable), AppError> {
    let t = table::read(path, sheet).map_err(|e| AppError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let guess = table::guess(&t.header);
    let shown = TablePreview {
        file: path.display().to_string(),
        sheet: t.sheet.clone(),
        sheets: t.sheets.clone(),
        header: t.header.clone(),
        rows: t
            .rows
            .iter()
            .take(12)
            .map(|(_, r)| r.iter().map(|c| c.to_string()).collect())
            .collect(),
        numbers: t.rows.iter().take(12).map(|(n, _)| *n).collect(),
        total_rows: t.rows.len() as u32,
        fields: Field::ALL
            .iter()
            .map(|f| TableField {
                key: f.key().into(),
                label: f.header().into(),
                duration: f.is_duration(),
            })
            .collect(),
        guess: guess
            .columns
            .iter()
            .map(|(f, c)| FieldColumn {
                field: f.key().into(),
                column: t.header[*c].clone(),
            })
            .collect(),
    };
    Ok((
        shown,
        PendingTable {
            path: path.to_path_buf(),
            table: t,
        },
    ))
}

fn mapping(t: &Table, s: &TableSettings) -> Result<Mapping, AppError> {
    let pairs: Vec<(String, String)> = s
        .columns
        .iter()
        .filter(|c| !c.column.is_empty())
        .map(|c| (c.field.clone(), c.column.clone()))
        .collect();
    table::name_columns(&t.header, Mapping::default(), &pairs).map_err(|m| input("columns", m))
}

fn problems(e: &table::TableError) -> (Vec<String>, u32) {
    let count = match e {
        table::TableError::File(_) => 1,
        table::TableError::Cells { count, .. } => *count as u32,
    };
    (e.problems().iter().map(|p| p.to_string()).collect(), count)
}

/// What the table would do to `map`, and the edit that does it.
pub fn plan(
    pending: &PendingTable,
    map: &ValueStream,
    s: &TableSettings,
) -> Result<(TablePlan, Option<takt_core::Op>), AppError> {
    let m = mapping(&pending.table, s)?;
    Ok(match table::plan(map, &pending.table, &m, &s.options()) {
        Ok(p) => (
            TablePlan {
                updated: p
                    .updated
                    .iter()
                    .map(|(step, changes)| StepChanges {
                        step: step.clone(),
                        changes: changes.clone(),
                    })
                    .collect(),
                added: p.added.clone(),
                teams: p.teams.clone(),
                unchanged: p.unchanged as u32,
                problems: vec![],
                problem_count: 0,
            },
            p.op,
        ),
        Err(e) => {
            let (problems, problem_count) = problems(&e);
            (
                TablePlan {
                    updated: vec![],
                    added: vec![],
                    teams: vec![],
                    unchanged: 0,
                    problems,
                    problem_count,
                },
                None,
            )
        }
    })
}

/// A new map of the table's rows, in order; or every problem, as an error naming each.
pub fn new_map(pending: &PendingTable, s: &TableSettings) -> Result<ValueStream, AppError> {
    let m = mapping(&pending.table, s)?;
    table::new_map(&pending.table, &m, &s.options()).map_err(|e| AppError::File {
        path: pending.path.display().to_string(),
        message: e.to_string(),
    })
}
