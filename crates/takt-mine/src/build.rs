//! A value-stream map from a log's samples: every number on it measured, with its count.
//!
//! - One step per activity that occurs in at least `min_share` of the cases, between a
//!   supplier "Start" and a customer "End".
//! - PT is the median service time (end - start), LT the same elapsed median (the log cannot
//!   tell work from waiting inside an activity), with P10 and P90 as the range the simulation
//!   samples; the team is the activity's most frequent resource. Logs with one timestamp have no
//!   service time: PT comes from a `--pt-from` estimate or stays unknown.
//! - Flows are the directly-follows edges taken in at least `min_share` of the cases, their wait
//!   the median wait (negative waits, from overlapping work, as zero), P10 to P90 as its range.
//! - Two activities that overlap in time in most of the cases they share are concurrent: the
//!   edges between them are not flows, and a step whose next steps all run concurrently is an AND
//!   split. Any other step with several next steps is an XOR split, its probabilities the shares
//!   of the edges' counts.
//! - Edges that go back (found by a depth-first walk from Start, the most frequent edges first)
//!   are rework flows, their probability the share of the step's events followed by that edge.
//!   A rework flow the model's rules refuse (a loop left before its end) is left out and listed.

use crate::log::{Event, Log};
use crate::stats::{percentile_sorted, Samples};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use takt_core::duration::Duration;
use takt_core::model::{Flow, FlowKind, Provenance, Range, Split, Step, StepKind, Team};
use takt_core::ValueStream;

/// How the map is made.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// The map's name.
    pub name: String,
    /// Activities and edges seen in fewer cases than this share are left out.
    pub min_share: f64,
    /// Estimated process times by activity name (for logs with one timestamp).
    pub pt: BTreeMap<String, Duration>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            name: "Mined current state".into(),
            min_share: 0.05,
            pt: BTreeMap::new(),
        }
    }
}

/// The map, and what was left out of it.
#[derive(Debug, Clone)]
pub struct Mined {
    pub map: ValueStream,
    /// Sentences: activities and edges under the filter, rework flows refused.
    pub left_out: Vec<String>,
}

const START: u32 = u32::MAX - 1;
const END: u32 = u32::MAX - 2;

/// Pairs of activities that run concurrently: they overlap in time in most of the cases that
/// have both (checked for the pairs that follow each other directly, the only ones that matter).
fn concurrent(
    log: &Log,
    events: &[Event],
    runs: &[usize],
    candidates: &FxHashSet<(u32, u32)>,
) -> FxHashSet<(u32, u32)> {
    let mut out = FxHashSet::default();
    if !log.has_start || candidates.is_empty() {
        return out;
    }
    let na = log.activities.len();
    let mut stamp = vec![u32::MAX; na];
    let mut both: FxHashMap<(u32, u32), u64> = candidates.iter().map(|&p| (p, 0)).collect();
    let mut overlap: FxHashMap<(u32, u32), (u32, u64)> =
        candidates.iter().map(|&p| (p, (u32::MAX, 0))).collect();
    for c in 0..runs.len() - 1 {
        let case = &events[runs[c]..runs[c + 1]];
        for e in case {
            stamp[e.activity as usize] = c as u32;
        }
        for (&(a, b), n) in both.iter_mut() {
            if stamp[a as usize] == c as u32 && stamp[b as usize] == c as u32 {
                *n += 1;
            }
        }
        for (i, e) in case.iter().enumerate() {
            for f in &case[i + 1..] {
                if f.start >= e.end {
                    break;
                }
                if f.activity == e.activity {
                    continue;
                }
                let key = (e.activity.min(f.activity), e.activity.max(f.activity));
                if let Some((last, n)) = overlap.get_mut(&key) {
                    if *last != c as u32 {
                        *last = c as u32;
                        *n += 1;
                    }
                }
            }
        }
    }
    for (p, (_, n)) in overlap {
        if n * 2 > both[&p] {
            out.insert(p);
        }
    }
    out
}

/// A step id from an activity's name: lower case, words joined by '-'.
fn slug(name: &str, taken: &mut FxHashSet<String>) -> String {
    let mut s = String::new();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            s.extend(ch.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let base = s.trim_end_matches('-').to_owned();
    let base = if base.is_empty() || base == "start" || base == "end" {
        format!("activity-{base}").trim_end_matches('-').to_owned()
    } else {
        base
    };
    let mut id = base.clone();
    let mut k = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

fn secs(v: f64) -> Duration {
    Duration::secs((v * 1000.0).round() / 1000.0)
}

fn range(sorted: &[f64], clamp: bool) -> Range {
    let f = |q: f64| {
        let v = percentile_sorted(sorted, q);
        if clamp {
            v.max(0.0)
        } else {
            v
        }
    };
    Range {
        min: secs(f(0.1)),
        likely: Some(secs(f(0.5))),
        max: secs(f(0.9)),
    }
}

/// The map mined from a log's samples (see the module's notes).
pub fn build(
    log: &Log,
    events: &[Event],
    runs: &[usize],
    s: &mut Samples,
    opts: &MapOptions,
) -> Mined {
    let cases = (runs.len() - 1) as f64;
    let least = (opts.min_share * cases).max(1.0);
    let na = log.activities.len();
    let mut left_out = Vec::new();
    let kept: Vec<bool> = (0..na).map(|a| s.case_count[a] as f64 >= least).collect();
    for (a, &k) in kept.iter().enumerate() {
        if !k && s.case_count[a] > 0 {
            left_out.push(format!(
                "activity '{}': in {} of {} cases, under the {}% filter",
                log.activities[a],
                s.case_count[a],
                cases,
                opts.min_share * 100.0
            ));
        }
    }
    // The edges over the filter, between kept activities.
    let mut counts: FxHashMap<(u32, u32), u64> = FxHashMap::default();
    for (&(a, b), v) in &s.edges {
        if !kept[a as usize] || !kept[b as usize] {
            continue;
        }
        if (v.len() as f64) < least {
            left_out.push(format!(
                "'{}' -> '{}': {} times, under the filter",
                log.activities[a as usize],
                log.activities[b as usize],
                v.len()
            ));
            continue;
        }
        counts.insert((a, b), v.len() as u64);
    }
    let candidates: FxHashSet<(u32, u32)> = counts
        .keys()
        .filter(|(a, b)| a != b)
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect();
    let together = concurrent(log, events, runs, &candidates);
    counts.retain(|&(a, b), _| !together.contains(&(a.min(b), a.max(b))));
    for a in 0..na as u32 {
        if !kept[a as usize] {
            continue;
        }
        if s.starts[a as usize] as f64 >= least {
            counts.insert((START, a), s.starts[a as usize]);
        }
        if s.ends[a as usize] as f64 >= least {
            counts.insert((a, END), s.ends[a as usize]);
        }
    }
    // Out-edges by count, most frequent first.
    let mut outs: FxHashMap<u32, Vec<(u32, u64)>> = FxHashMap::default();
    for (&(a, b), &n) in &counts {
        outs.entry(a).or_default().push((b, n));
    }
    for v in outs.values_mut() {
        v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    }
    // Back edges: a depth-first walk from Start, then from whatever it did not reach.
    let mut state: FxHashMap<u32, u8> = FxHashMap::default(); // 1 on the stack, 2 done
    let mut back: FxHashSet<(u32, u32)> = FxHashSet::default();
    let mut roots = vec![START];
    let mut rest: Vec<u32> = (0..na as u32).filter(|&a| kept[a as usize]).collect();
    rest.sort_by_key(|&a| std::cmp::Reverse(s.case_count[a as usize]));
    roots.extend(rest);
    for root in roots {
        if state.contains_key(&root) {
            continue;
        }
        let mut stack: Vec<(u32, usize)> = vec![(root, 0)];
        state.insert(root, 1);
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            let next = outs.get(&v).and_then(|o| o.get(*i)).map(|x| x.0);
            *i += 1;
            match next {
                None => {
                    state.insert(v, 2);
                    stack.pop();
                }
                Some(w) => match state.get(&w) {
                    Some(1) => {
                        back.insert((v, w));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(w, 1);
                        stack.push((w, 0));
                    }
                },
            }
        }
    }

    // Steps.
    let mut map = ValueStream::new(opts.name.clone());
    let mut ids: FxHashSet<String> = FxHashSet::default();
    let mut id_of: FxHashMap<u32, String> = FxHashMap::default();
    id_of.insert(START, "start".into());
    id_of.insert(END, "end".into());
    ids.insert("start".into());
    ids.insert("end".into());
    let mut start = Step::new("start", "Start");
    start.kind = StepKind::Supplier;
    map.steps.push(start);
    let mut teams: BTreeMap<String, String> = BTreeMap::new();
    for (a, &k) in kept.iter().enumerate() {
        if !k {
            continue;
        }
        let name = &log.activities[a];
        let id = slug(name, &mut ids);
        id_of.insert(a as u32, id.clone());
        let mut st = Step::new(id, name.clone());
        let v = &mut s.service[a];
        v.sort_unstable_by(f64::total_cmp);
        let n = v.len();
        let median = percentile_sorted(v, 0.5);
        let mut note = format!("Mined from {n} events in {} cases.", s.case_count[a]);
        if log.has_start {
            st.pt = Some(secs(median));
            st.lt = Some(secs(median));
            st.pt_range = Some(Box::new(range(v, true)));
            st.lt_range = Some(Box::new(range(v, true)));
            st.provenance.insert("pt".into(), Provenance::Measured);
            st.provenance.insert("lt".into(), Provenance::Measured);
            note += &format!(
                " PT and LT: the median of {n} service times ({}; P10 {}, P90 {}).",
                crate::stats::human(median),
                crate::stats::human(percentile_sorted(v, 0.1)),
                crate::stats::human(percentile_sorted(v, 0.9))
            );
        } else if let Some(d) = opts.pt.get(name) {
            st.pt = Some(*d);
            st.provenance.insert("pt".into(), Provenance::Estimated);
            note += " PT: estimated (--pt-from); the log has one timestamp per event.";
        } else {
            note += " PT unknown: the log has one timestamp per event.";
        }
        if let Some((&r, &k)) = s.resources[a]
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
        {
            let team_name = &log.resources[r as usize];
            let tid = teams
                .entry(team_name.clone())
                .or_insert_with(|| slug(team_name, &mut FxHashSet::default()))
                .clone();
            st.team = Some(tid);
            note += &format!(" Team: {team_name} ({k} of {n} events).");
        }
        st.notes = note;
        map.steps.push(st);
    }
    let mut end = Step::new("end", "End");
    end.kind = StepKind::Customer;
    map.steps.push(end);
    let mut team_ids = FxHashSet::default();
    for (name, id) in &teams {
        if team_ids.insert(id.clone()) {
            map.teams.push(Team {
                id: id.clone(),
                name: name.clone(),
                color: None,
            });
        }
    }

    // Forward flows, XOR or AND at each split.
    let occurrences = |a: u32| -> u64 {
        match a {
            START => cases as u64,
            END => 0,
            a => s.service[a as usize].len() as u64,
        }
    };
    let mut from_ids: Vec<u32> = outs.keys().copied().collect();
    from_ids.sort_unstable();
    let mut reworks: Vec<(u64, Flow)> = Vec::new();
    for &a in &from_ids {
        let list = &outs[&a];
        let fwd: Vec<(u32, u64)> = list
            .iter()
            .copied()
            .filter(|&(b, _)| !back.contains(&(a, b)))
            .collect();
        let total: u64 = fwd.iter().map(|x| x.1).sum();
        let parallel = fwd.len() > 1
            && fwd.iter().enumerate().all(|(i, &(b, _))| {
                fwd[i + 1..]
                    .iter()
                    .all(|&(c, _)| b != END && c != END && together.contains(&(b.min(c), b.max(c))))
            });
        if fwd.len() > 1 && !parallel {
            if let Some(st) = map.steps.iter_mut().find(|x| x.id == id_of[&a]) {
                st.split = Some(Split::Xor);
            }
        }
        let mut given = 0.0;
        for (k, &(b, n)) in fwd.iter().enumerate() {
            let mut f = Flow::new(id_of[&a].clone(), id_of[&b].clone(), FlowKind::Push);
            if fwd.len() > 1 && !parallel {
                // Four decimals; the last takes the rest, so that they sum to 1.
                let p = if k + 1 == fwd.len() {
                    ((1.0 - given) * 1e4_f64).round() / 1e4
                } else {
                    (n as f64 / total as f64 * 1e4).round() / 1e4
                };
                given += p;
                f.p = Some(p);
                f.provenance.insert("p".into(), Provenance::Measured);
            }
            wait_of(&mut f, s.edges.get_mut(&(a, b)));
            map.flows.push(f);
        }
        for &(b, n) in list.iter().filter(|&&(b, _)| back.contains(&(a, b))) {
            let mut f = Flow::new(id_of[&a].clone(), id_of[&b].clone(), FlowKind::Rework);
            let p = (n as f64 / occurrences(a).max(1) as f64 * 1e4).round() / 1e4;
            f.p = Some(p.min(0.95));
            f.provenance.insert("p".into(), Provenance::Measured);
            wait_of(&mut f, s.edges.get_mut(&(a, b)));
            reworks.push((n, f));
        }
    }
    // Rework flows one at a time, the most frequent first, each kept if the model takes it.
    reworks.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then_with(|| x.1.from.cmp(&y.1.from))
            .then_with(|| x.1.to.cmp(&y.1.to))
    });
    for (n, f) in reworks {
        map.flows.push(f);
        if let Err(e) = takt_core::validate(&map) {
            let f = map.flows.pop().expect("just pushed");
            let why = e.0.first().map(|x| x.to_string()).unwrap_or_default();
            left_out.push(format!(
                "rework '{}' -> '{}' ({n} times): {why}",
                f.from, f.to
            ));
        }
    }
    left_out.sort();
    Mined { map, left_out }
}

/// The flow's measured wait: the median (zero if negative), P10 to P90 as its range.
fn wait_of(f: &mut Flow, waits: Option<&mut Vec<f64>>) {
    let Some(v) = waits else {
        return;
    };
    if v.is_empty() {
        return;
    }
    v.sort_unstable_by(f64::total_cmp);
    let median = percentile_sorted(v, 0.5).max(0.0);
    f.wait = Some(secs(median));
    let r = range(v, true);
    if r.max.value > 0.0 {
        f.wait_range = Some(r);
    }
    f.provenance.insert("wait".into(), Provenance::Measured);
    f.label = Some(format!("n = {}", v.len()));
}
