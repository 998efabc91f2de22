//! Takt's core: the value-stream model, edit operations with diffs, validation, the live
//! analysis, the Monte Carlo, lineage queries and the JSON interchange format. Pure: no file,
//! network or clock access; callers pass in what it needs.

pub mod analysis;
pub mod audit;
pub mod board;
pub mod calibrate;
pub mod catalogue;
pub mod compare;
pub mod duration;
pub mod figures;
pub mod format;
pub mod gates;
pub mod gen;
pub mod graph;
pub mod lineage;
mod lint;
pub mod model;
pub mod openlineage;
pub mod ops;
pub mod rng;
pub mod simulate;
pub mod templates;
pub mod validate;
pub mod waterfall;
pub mod xmr;

pub use analysis::{analyze, Analysis};
pub use duration::{Calendar, Duration, Unit};
pub use model::*;
pub use ops::{apply, apply_diff, Diff, EditError, Key, Kind, Op, Record};
pub use validate::{validate, ModelError, ValidationErrors};
