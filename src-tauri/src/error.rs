//! The one error type every command returns: a tagged union in TypeScript (`kind`), precise
//! enough for the UI to put the message beside the field at fault.

use serde::Serialize;
use takt_core::model::Element;
use takt_core::ops::{EditError, Key};
use takt_core::validate::ValidationErrors;
use takt_store::StoreError;

/// One rule an edit would break.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Problem {
    pub element: Element,
    /// The field at fault, where one field is.
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// The edit would leave the map invalid; it was not applied.
    #[error("{message}")]
    Invalid {
        problems: Vec<Problem>,
        message: String,
    },
    /// The edit itself is malformed (a value of the wrong type, an unknown record or field).
    #[error("{message}")]
    Edit {
        key: Option<Key>,
        field: Option<String>,
        message: String,
    },
    /// In a future state, the edit would remove or bypass mandatory gates of the current state
    /// without a recorded justification; it was not applied (`apply_justified` applies it with
    /// one).
    #[error("{message}")]
    Unjustified {
        /// The gates' ids and names.
        gates: Vec<String>,
        names: Vec<String>,
        message: String,
    },
    /// A value typed into the app (not an edit of the map) is unusable.
    #[error("{message}")]
    Input { field: String, message: String },
    /// Opening, writing or copying a file failed; the message names the file.
    #[error("{message}")]
    File { path: String, message: String },
    /// No document is open.
    #[error("no document is open")]
    NoDocument,
}

impl AppError {
    pub fn from_validation(v: ValidationErrors) -> AppError {
        let problems: Vec<Problem> =
            v.0.iter()
                .map(|e| Problem {
                    element: e.element(),
                    field: e.field().map(str::to_owned),
                    message: e.to_string(),
                })
                .collect();
        AppError::Invalid {
            message: v.to_string(),
            problems,
        }
    }

    pub fn file(path: &std::path::Path, message: impl std::fmt::Display) -> AppError {
        AppError::File {
            path: path.display().to_string(),
            message: format!("{}: {message}", path.display()),
        }
    }
}

impl From<EditError> for AppError {
    fn from(e: EditError) -> AppError {
        let message = e.to_string();
        match e {
            EditError::Invalid(v) => AppError::from_validation(v),
            EditError::BadValue { key, field, .. } | EditError::UnknownField { key, field } => {
                AppError::Edit {
                    key: Some(key),
                    field: Some(field),
                    message,
                }
            }
            EditError::NotFound(key)
            | EditError::Exists(key)
            | EditError::IdChange(key)
            | EditError::NotPlaceable(key)
            | EditError::DiffMismatch(key)
            | EditError::BadIndex { key, .. } => AppError::Edit {
                key: Some(key),
                field: None,
                message,
            },
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Edit(e) => e.into(),
            StoreError::Unjustified { ref changes } => AppError::Unjustified {
                gates: changes.iter().map(|c| c.gate.clone()).collect(),
                names: changes.iter().map(|c| c.name.clone()).collect(),
                message: e.to_string(),
            },
            StoreError::ScenarioExists { .. } | StoreError::CurrentState { .. } => {
                AppError::Input {
                    field: "name".into(),
                    message: scenario_message(&e),
                }
            }
            other => {
                let path = match &other {
                    StoreError::NotFound { path }
                    | StoreError::Exists { path }
                    | StoreError::NotTakt { path, .. }
                    | StoreError::TooNew { path, .. }
                    | StoreError::Corrupt { path, .. }
                    | StoreError::InUse { path }
                    | StoreError::UnknownScenario { path, .. }
                    | StoreError::UnknownSnapshot { path, .. }
                    | StoreError::BadDate { path, .. }
                    | StoreError::Sqlite { path, .. } => path.display().to_string(),
                    _ => String::new(),
                };
                AppError::File {
                    path,
                    message: other.to_string(),
                }
            }
        }
    }
}

impl AppError {
    /// The error with the steps it names by id named by their names ("step 'Model risk
    /// review'", not "step 'mrm-review'"): ids are for files, names for people.
    pub fn with_names(self, map: &takt_core::ValueStream) -> AppError {
        let name = |m: String| name_steps(&m, map);
        match self {
            AppError::Invalid { problems, message } => AppError::Invalid {
                problems: problems
                    .into_iter()
                    .map(|p| Problem {
                        message: name(p.message),
                        ..p
                    })
                    .collect(),
                message: name(message),
            },
            AppError::Edit {
                key,
                field,
                message,
            } => AppError::Edit {
                key,
                field,
                message: name(message),
            },
            other => other,
        }
    }
}

/// `message` with every quoted step id ('train') replaced by the step's name, where it has one.
pub fn name_steps(message: &str, map: &takt_core::ValueStream) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(j) = rest.find('\'') else { break };
        let quoted = &rest[..j];
        match map.step(quoted) {
            Some(s) if !s.name.trim().is_empty() => out.push_str(&s.name),
            _ => out.push_str(quoted),
        }
        out.push('\'');
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// A scenario error without the file name in front (it is shown beside the name field).
fn scenario_message(e: &StoreError) -> String {
    match e {
        StoreError::ScenarioExists { name, .. } => {
            format!("a scenario named '{name}' exists already")
        }
        StoreError::CurrentState { .. } => "the current state cannot be deleted".into(),
        other => other.to_string(),
    }
}
