//! OpenLineage run events in: the lineage they describe, as data assets and derives-from edges.
//!
//! Events are the JSON objects of the OpenLineage spec (`eventType`, `eventTime`, `run.runId`,
//! `job {namespace, name}`, `inputs`/`outputs` `[{namespace, name, facets}]`), one per line
//! (JSON Lines, as Marquez and the OpenLineage clients write them) or as one JSON array. They are
//! read one at a time (a line, or an element of the array), so memory follows the lineage and
//! the runs still open, not the file.
//!
//! - Each dataset is an asset of kind dataset, id `namespace/name`, named by its name; the
//!   fields of its `schema` facet are kept in its notes. A dataset seen in several events is one
//!   asset.
//! - Each job is an asset of kind job, id `namespace/name`.
//! - Edges run input -> job -> output.
//! - A job's latency (`lt`) is the median duration of its completed runs (COMPLETE minus START
//!   of one `runId`), marked measured; runs that fail, abort or never complete do not count.
//! - Other facets and fields are ignored. A line that is not JSON, or an event without a `job`
//!   (namespace and name), is a problem named by its line (an array's element by its number);
//!   the caller decides whether to import the rest.

use crate::duration::{Duration, Unit};
use crate::model::{AssetKind, DataAsset, LineageEdge, Provenance};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;
use std::io::BufRead;

/// A line (or array element) that could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The line (1-based) of a JSON Lines file, or the element (1-based) of a JSON array.
    pub line: usize,
    pub message: String,
}

/// What a file of events describes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lineage {
    /// Datasets and jobs, in the order they were first seen.
    pub assets: Vec<DataAsset>,
    pub edges: Vec<LineageEdge>,
    /// Events read.
    pub events: usize,
    /// Completed runs whose duration counted.
    pub runs: usize,
    pub problems: Vec<Problem>,
    /// Whether the problems' numbers are elements of an array (else lines).
    pub array: bool,
    /// Edges left out because lineage cannot loop (a job that writes a dataset it reads, or
    /// jobs that feed each other), as `from>to`.
    pub cut: Vec<String>,
}

#[derive(Default)]
struct Job {
    /// Start times of runs still open, by run id.
    open: FxHashMap<String, chrono::DateTime<chrono::FixedOffset>>,
    /// Durations of completed runs, seconds.
    durations: Vec<f64>,
}

#[derive(Default)]
struct Builder {
    out: Lineage,
    index: FxHashMap<String, usize>,
    edges: FxHashSet<(String, String)>,
    jobs: FxHashMap<String, Job>,
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str().filter(|s| !s.is_empty())
}

impl Builder {
    fn asset(&mut self, id: &str, name: &str, kind: AssetKind) -> usize {
        if let Some(&k) = self.index.get(id) {
            return k;
        }
        self.out.assets.push(DataAsset::new(id, name, kind));
        self.index.insert(id.to_string(), self.out.assets.len() - 1);
        self.out.assets.len() - 1
    }

    fn edge(&mut self, from: &str, to: &str) {
        if self.edges.insert((from.to_string(), to.to_string())) {
            self.out.edges.push(LineageEdge {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }

    /// The datasets of `inputs` or `outputs`, as asset ids.
    fn datasets(&mut self, list: Option<&Value>) -> Vec<String> {
        let mut ids = Vec::new();
        for d in list.and_then(Value::as_array).into_iter().flatten() {
            let (Some(ns), Some(name)) = (text(d, "namespace"), text(d, "name")) else {
                continue;
            };
            let id = format!("{ns}/{name}");
            let k = self.asset(&id, name, AssetKind::Dataset);
            let fields: Vec<String> = d
                .pointer("/facets/schema/fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|f| {
                    let n = text(f, "name")?;
                    Some(match text(f, "type") {
                        Some(t) => format!("{n} ({t})"),
                        None => n.to_string(),
                    })
                })
                .collect();
            if !fields.is_empty() && self.out.assets[k].notes.is_empty() {
                self.out.assets[k].notes = format!("Schema: {}", fields.join(", "));
            }
            ids.push(id);
        }
        ids
    }

    fn event(&mut self, at: usize, v: &Value) {
        let job = v.get("job");
        let (Some(ns), Some(name)) = (
            job.and_then(|j| text(j, "namespace")),
            job.and_then(|j| text(j, "name")),
        ) else {
            self.out.problems.push(Problem {
                line: at,
                message: "the event has no job (namespace and name)".into(),
            });
            return;
        };
        self.out.events += 1;
        let job_id = format!("{ns}/{name}");
        self.asset(&job_id, name, AssetKind::Job);
        let inputs = self.datasets(v.get("inputs"));
        let outputs = self.datasets(v.get("outputs"));
        for i in &inputs {
            self.edge(i, &job_id);
        }
        for o in &outputs {
            // A job that updates a dataset in place reads and writes it: lineage cannot loop,
            // so the dataset stays its input.
            if inputs.contains(o) {
                let key = format!("{job_id}>{o}");
                if !self.out.cut.contains(&key) {
                    self.out.cut.push(key);
                }
                continue;
            }
            self.edge(&job_id, o);
        }
        let run = v.pointer("/run/runId").and_then(Value::as_str);
        let time = text(v, "eventTime").and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let (Some(run), Some(time)) = (run, time) else {
            return;
        };
        let j = self.jobs.entry(job_id).or_default();
        match text(v, "eventType").unwrap_or("") {
            "START" => {
                j.open.insert(run.to_string(), time);
            }
            "COMPLETE" => {
                if let Some(start) = j.open.remove(run) {
                    let secs = (time - start).num_milliseconds() as f64 / 1000.0;
                    if secs >= 0.0 {
                        j.durations.push(secs);
                        self.out.runs += 1;
                    }
                }
            }
            "FAIL" | "ABORT" => {
                j.open.remove(run);
            }
            _ => {}
        }
    }

    fn line(&mut self, at: usize, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) if v.is_object() => self.event(at, &v),
            Ok(_) => self.out.problems.push(Problem {
                line: at,
                message: "not an event (a JSON object)".into(),
            }),
            Err(e) => self.out.problems.push(Problem {
                line: at,
                message: format!("not valid JSON: {e}"),
            }),
        }
    }

    fn finish(mut self) -> Lineage {
        // Loops across jobs (one writes what another reads and the other way round): the edge
        // that closes each is left out.
        loop {
            let pairs: Vec<(u32, u32)> = self
                .out
                .edges
                .iter()
                .map(|e| (self.index[&e.from] as u32, self.index[&e.to] as u32))
                .collect();
            let Some(cycle) = crate::graph::find_cycle(self.out.assets.len(), &pairs) else {
                break;
            };
            let (Some(&last), Some(&first)) = (cycle.last(), cycle.first()) else {
                break;
            };
            let at = pairs.iter().position(|&p| p == (last, first)).or_else(|| {
                cycle
                    .windows(2)
                    .find_map(|w| pairs.iter().position(|&p| p == (w[0], w[1])))
            });
            let Some(at) = at else { break };
            let e = self.out.edges.remove(at);
            self.out.cut.push(e.key());
        }
        for (id, job) in &mut self.jobs {
            if job.durations.is_empty() {
                continue;
            }
            let d = &mut job.durations;
            d.sort_by(f64::total_cmp);
            let n = d.len();
            let median = if n % 2 == 1 {
                d[n / 2]
            } else {
                (d[n / 2 - 1] + d[n / 2]) / 2.0
            };
            let k = self.index[id];
            let a = &mut self.out.assets[k];
            // In the unit that reads: minutes under two hours, hours from there.
            a.lt = Some(if median < 60.0 {
                Duration::secs(median)
            } else if median < 7200.0 {
                Duration::new(median / 60.0, Unit::Min)
            } else {
                Duration::new(median / 3600.0, Unit::H)
            });
            a.provenance.insert("lt".into(), Provenance::Measured);
        }
        self.out
    }
}

/// Reads OpenLineage events from JSON Lines or a JSON array.
pub fn read<R: BufRead>(mut reader: R) -> std::io::Result<Lineage> {
    let mut b = Builder::default();
    // A JSON array starts with '['; anything else is read as JSON Lines.
    let first = loop {
        let buf = reader.fill_buf()?;
        match buf.iter().position(|c| !c.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    if first == Some(b'[') {
        b.out.array = true;
        array(reader, &mut b)?;
    } else {
        let mut line = String::new();
        let mut at = 0;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                break;
            }
            at += 1;
            b.line(at, &line);
        }
    }
    Ok(b.finish())
}

/// The elements of a JSON array, one at a time.
fn array<R: BufRead>(reader: R, b: &mut Builder) -> std::io::Result<()> {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    struct Each<'b>(&'b mut Builder);
    impl<'de> Visitor<'de> for Each<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of OpenLineage events")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut at = 0;
            while let Some(v) = seq.next_element::<Value>()? {
                at += 1;
                if v.is_object() {
                    self.0.event(at, &v);
                } else {
                    self.0.out.problems.push(Problem {
                        line: at,
                        message: "not an event (a JSON object)".into(),
                    });
                }
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    if let Err(e) = (&mut de).deserialize_seq(Each(b)) {
        b.out.problems.push(Problem {
            line: e.line(),
            message: format!("the array is not valid JSON from here: {e}"),
        });
    }
    Ok(())
}

/// The edits that merge imported lineage into a map: the assets it does not have (by id) and
/// the edges it does not have, as one batch's operations (empty: nothing new).
pub fn merge_ops(map: &crate::model::ValueStream, l: &Lineage) -> Vec<crate::ops::Op> {
    use crate::ops::{Op, Record};
    let have: FxHashSet<&str> = map.assets.iter().map(|a| a.id.as_str()).collect();
    let edges: FxHashSet<String> = map.lineage.iter().map(|e| e.key()).collect();
    let add = |record| Op::Add {
        record,
        index: None,
    };
    l.assets
        .iter()
        .filter(|a| !have.contains(a.id.as_str()))
        .map(|a| add(Record::Asset(a.clone())))
        .chain(
            l.edges
                .iter()
                .filter(|e| !edges.contains(&e.key()))
                .map(|e| add(Record::Lineage(e.clone()))),
        )
        .collect()
}
