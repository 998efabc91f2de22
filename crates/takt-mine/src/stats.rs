//! The performance directly-follows graph of a log, with PM4Py's semantics (so that figures can
//! be checked against `pm4py.discover_performance_dfg`, `get_service_time` and
//! `get_all_case_durations`):
//!
//! - within a case, events are ordered by start, then end (then by their line in the file);
//! - each pair of consecutive events (a, b) is one occurrence of the edge a -> b, and its wait is
//!   `b.start - a.end`, **not clamped at zero**: overlapping work gives negative waits, which show
//!   parallelism;
//! - an activity's service time is `end - start` of each of its events;
//! - a case's duration runs from its earliest end to its latest end;
//! - medians are the mean of the two middle values for even counts, standard deviations use
//!   n - 1 (none for one value), percentiles interpolate linearly between the two nearest ranks.

use crate::log::{Event, Log};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// Mean, median and extremes of a set of durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// An edge's waits: a summary with the sum and the sample standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Waits {
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    /// None for a single wait.
    pub stdev: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityStats {
    pub count: u64,
    pub service_s: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeStats {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub wait_s: Waits,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CaseDurations {
    pub mean: f64,
    pub median: f64,
    pub p85: f64,
    pub min: f64,
    pub max: f64,
}

/// What `takt mine --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub events: u64,
    pub cases: u64,
    pub start_activities: BTreeMap<String, u64>,
    pub end_activities: BTreeMap<String, u64>,
    pub activities: BTreeMap<String, ActivityStats>,
    /// Most frequent first.
    pub edges: Vec<EdgeStats>,
    pub case_duration_s: CaseDurations,
}

/// Orders `events` in place by case (cases in the order first seen: their ids), and within a
/// case by start, then end, then the file's order (its line: unique, so the order is one, and
/// the sort needs no room of its own). Returns where each case's run begins, plus the end.
pub fn by_case(events: &mut [Event], cases: usize) -> Vec<usize> {
    // Logs grouped by case and in time already (the common export) are left as they are.
    if !events.is_sorted_by_key(|e| (e.case, e.start, e.end, e.line)) {
        events.sort_unstable_by_key(|e| (e.case, e.start, e.end, e.line));
    }
    let mut start = vec![0usize; cases + 1];
    for e in events.iter() {
        start[e.case as usize + 1] += 1;
    }
    for i in 0..cases {
        start[i + 1] += start[i];
    }
    start
}

/// The statistics of values (reordered: the median is found by selection, not a sort).
fn summary(v: &mut [f64]) -> Summary {
    let n = v.len();
    let (mut lo, mut hi, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for &x in v.iter() {
        lo = lo.min(x);
        hi = hi.max(x);
        sum += x;
    }
    Summary {
        mean: sum / n as f64,
        median: quantile(v, 0.5),
        min: lo,
        max: hi,
    }
}

/// The `q` quantile (0..=1) of values, interpolated linearly between the two nearest ranks
/// (numpy's default), found by selection (the values are reordered).
pub fn quantile(v: &mut [f64], q: f64) -> f64 {
    let n = v.len();
    if n == 1 {
        return v[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let (_, &mut a, rest) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let frac = pos - lo as f64;
    if frac == 0.0 || rest.is_empty() {
        return a;
    }
    let b = rest.iter().copied().fold(f64::INFINITY, f64::min);
    a + (b - a) * frac
}

/// The `q` quantile (0..=1) of sorted values, interpolated linearly (numpy's default).
pub fn percentile_sorted(v: &[f64], q: f64) -> f64 {
    let n = v.len();
    if n == 1 {
        return v[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

fn waits(v: &mut [f64]) -> Waits {
    let s = summary(v);
    let n = v.len();
    let sum: f64 = v.iter().sum();
    let stdev = (n > 1).then(|| {
        let var = v.iter().map(|x| (x - s.mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        var.sqrt()
    });
    Waits {
        mean: s.mean,
        median: s.median,
        min: s.min,
        max: s.max,
        sum,
        stdev,
    }
}

/// Raw samples, kept for the map (ranges, percentiles) and summarised for the statistics.
pub struct Samples {
    /// Per activity: service times (s).
    pub service: Vec<Vec<f64>>,
    /// Per activity: the number of distinct cases it occurs in.
    pub case_count: Vec<u64>,
    /// Per edge (from, to): waits (s).
    pub edges: FxHashMap<(u32, u32), Vec<f64>>,
    pub starts: Vec<u64>,
    pub ends: Vec<u64>,
    /// Per case: its duration (s).
    pub durations: Vec<f64>,
    /// Per activity, per resource: how many events.
    pub resources: Vec<FxHashMap<u32, u64>>,
}

/// The samples of a log's events (grouped and ordered by `by_case`).
pub fn samples(log: &Log, events: &[Event], runs: &[usize]) -> Samples {
    let na = log.activities.len();
    let mut per = vec![0usize; na];
    for e in events {
        per[e.activity as usize] += 1;
    }
    let mut s = Samples {
        service: per.iter().map(|&n| Vec::with_capacity(n)).collect(),
        case_count: vec![0; na],
        edges: FxHashMap::default(),
        starts: vec![0; na],
        ends: vec![0; na],
        durations: Vec::with_capacity(log.cases.len()),
        resources: vec![FxHashMap::default(); na],
    };
    // Each edge's waits in a vector of the right size: counted first.
    let mut counts: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    for c in 0..runs.len() - 1 {
        for w in events[runs[c]..runs[c + 1]].windows(2) {
            *counts.entry((w[0].activity, w[1].activity)).or_default() += 1;
        }
    }
    s.edges = counts
        .into_iter()
        .map(|(k, n)| (k, Vec::with_capacity(n)))
        .collect();
    let mut seen = vec![u32::MAX; na];
    for c in 0..runs.len() - 1 {
        let case = &events[runs[c]..runs[c + 1]];
        let (Some(first), Some(last)) = (case.first(), case.last()) else {
            continue;
        };
        s.starts[first.activity as usize] += 1;
        s.ends[last.activity as usize] += 1;
        let mut lo = i64::MAX;
        let mut hi = i64::MIN;
        for (i, e) in case.iter().enumerate() {
            let a = e.activity as usize;
            s.service[a].push((e.end - e.start) as f64 / 1e6);
            if seen[a] != c as u32 {
                seen[a] = c as u32;
                s.case_count[a] += 1;
            }
            if e.resource != crate::log::NONE {
                *s.resources[a].entry(e.resource).or_default() += 1;
            }
            lo = lo.min(e.end);
            hi = hi.max(e.end);
            if let Some(next) = case.get(i + 1) {
                s.edges
                    .entry((e.activity, next.activity))
                    .or_default()
                    .push((next.start - e.end) as f64 / 1e6);
            }
        }
        s.durations.push((hi - lo) as f64 / 1e6);
    }
    s
}

/// The statistics `takt mine --json` prints.
pub fn stats(log: &Log, s: &mut Samples) -> Stats {
    let name = |a: u32| log.activities[a as usize].clone();
    let mut activities = BTreeMap::new();
    for (a, v) in s.service.iter_mut().enumerate() {
        if v.is_empty() {
            continue;
        }
        activities.insert(
            name(a as u32),
            ActivityStats {
                count: v.len() as u64,
                service_s: summary(v),
            },
        );
    }
    let mut edges: Vec<EdgeStats> = s
        .edges
        .iter_mut()
        .map(|(&(a, b), v)| EdgeStats {
            from: name(a),
            to: name(b),
            count: v.len() as u64,
            wait_s: waits(v),
        })
        .collect();
    edges.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then_with(|| x.from.cmp(&y.from))
            .then_with(|| x.to.cmp(&y.to))
    });
    let count_map = |v: &[u64]| {
        v.iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(a, &n)| (name(a as u32), n))
            .collect::<BTreeMap<_, _>>()
    };
    let d = &mut s.durations;
    let sm = summary(d);
    Stats {
        events: s.service.iter().map(|v| v.len() as u64).sum(),
        cases: d.len() as u64,
        start_activities: count_map(&s.starts),
        end_activities: count_map(&s.ends),
        activities,
        edges,
        case_duration_s: CaseDurations {
            mean: sm.mean,
            median: sm.median,
            p85: quantile(d, 0.85),
            min: sm.min,
            max: sm.max,
        },
    }
}

/// A number of seconds for people: "3.5 h", "12 min", "40 s".
pub fn human(s: f64) -> String {
    let a = s.abs();
    let (v, u) = if a >= 86_400.0 {
        (s / 86_400.0, "d")
    } else if a >= 3600.0 {
        (s / 3600.0, "h")
    } else if a >= 60.0 {
        (s / 60.0, "min")
    } else {
        (s, "s")
    };
    let t = format!("{v:.1}");
    format!("{} {u}", t.strip_suffix(".0").unwrap_or(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles_as_numpy() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        let s = summary(&mut v);
        assert_eq!(s.median, 2.5);
        assert_eq!(s.mean, 2.5);
        assert_eq!((s.min, s.max), (1.0, 4.0));
        assert_eq!(quantile(&mut v, 0.85), 3.55);
        let mut sorted = vec![1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile_sorted(&sorted, 0.85), 3.55);
        assert_eq!(quantile(&mut sorted, 0.5), 2.5);
        assert_eq!(quantile(&mut [7.0, 1.0, 5.0], 0.5), 5.0);
        let w = waits(&mut [1.0, 2.0, 3.0, 4.0]);
        assert!((w.stdev.unwrap() - 1.2909944487358056).abs() < 1e-12);
        assert_eq!(waits(&mut [5.0]).stdev, None);
    }
}
