//! Event logs to value-stream maps (issue 15): read a CSV log, compute the performance
//! directly-follows graph with PM4Py's semantics (`stats`), and make a map whose every number
//! is measured (`build`); and step tables in and out of spreadsheets (`table`).

pub mod build;
pub mod gen;
pub mod log;
pub mod stats;
pub mod table;
pub mod xes;

pub use build::{build, MapOptions, Mined};
pub use log::{read_csv, read_csv_file, Columns, CsvOptions, Event, Log, LogError, TimeOptions};
pub use stats::{Samples, Stats};

/// A log grouped by case and ordered within each case, with its samples.
pub struct Mining {
    pub events: Vec<Event>,
    pub runs: Vec<usize>,
    pub samples: Samples,
}

/// Groups and orders the log's events (taking them: `log.events` is empty after), and takes
/// their samples. With `start_from_previous`, a log with one timestamp per event gets a start
/// for each: the end of the case's previous event (the first event of a case stays an instant).
pub fn mine(log: &mut Log, start_from_previous: bool) -> Mining {
    // One copy of the events, sorted where they are: a million take 32 MB.
    let mut events = std::mem::take(&mut log.events);
    let runs = stats::by_case(&mut events, log.cases.len());
    if start_from_previous && !log.has_start {
        for c in 0..runs.len() - 1 {
            for i in runs[c] + 1..runs[c + 1] {
                events[i].start = events[i - 1].end;
            }
        }
        log.has_start = true;
    }
    let samples = stats::samples(log, &events, &runs);
    Mining {
        events,
        runs,
        samples,
    }
}
