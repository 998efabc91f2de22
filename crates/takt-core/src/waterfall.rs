//! Which change buys how much: a scenario's difference from a baseline in one metric (lead
//! time, gate time or PCE), split over the kaizen items whose changes make it.
//!
//! **Changes.** A step or flow added, removed or changed (a step's place on the canvas aside) is
//! one change, and so is a change of the map's own figures (calendar, demand, simulation
//! settings). A step's change belongs to the first kaizen item (the scenario's, then the
//! baseline's) whose target is that step; a flow's to the first whose target is the flow, else
//! (a flow to or from a step added or removed, which cannot be there without it) the step's
//! group, else the item whose target is its source step, else its target step. A removed step that no
//! item claims goes with the added step that takes its place (the same steps before it, or
//! after it): replacing a step is one change. The rest form one group that no kaizen item claims
//! (`kaizen: None`).
//!
//! **A coalition** (a set of groups) is the baseline with that set's changes made: its steps in
//! the baseline's order with the set's changed ones replaced and removed ones left out, then
//! the set's added steps; the same for flows, without a flow whose end is not there (it goes
//! with the step); the map's own figures the scenario's when the unclaimed group is in the set.
//! Where two groups set the probabilities of one XOR split, a coalition with one of them can
//! leave its given probabilities summing to other than 1: they are scaled to sum to 1. When a
//! coalition still breaks a rule of the map (one item's changes need another's), the groups of
//! a smallest such coalition and the group that makes it whole share one bar (`together`), and
//! the attribution starts again.
//!
//! **Attribution** is order-independent: each group's bar is its Shapley value, the mean over
//! every order of adding the groups of what adding it changes. Exact (every coalition
//! evaluated, on every core) up to [`EXACT_GROUPS`] groups; above that, the mean over orders
//! drawn with a fixed seed, with each bar's standard error. Either way the bars sum to the total
//! change; they are then rounded to whole seconds (PCE to a hundredth of a percentage point) so
//! that the rounded bars sum exactly to the rounded total (largest remainder).

use crate::analysis::analyze;
use crate::model::{Flow, KaizenTarget, Step, ValueStream};
use crate::rng::Rng;
use crate::validate::{ModelError, ValidationErrors};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Up to this many groups every coalition is evaluated (2^12 = 4,096 analyses).
pub const EXACT_GROUPS: usize = 12;

/// Above [`EXACT_GROUPS`], about this many analyses are spent on sampled orders.
const SAMPLED_EVALUATIONS: usize = 4096;

/// The seed of the sampled orders: a map gives the same bars every time.
const SEED: u64 = 0x7A4B_7E11;

/// The metric a waterfall splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum WaterfallMetric {
    #[default]
    LeadTime,
    GateTime,
    Pce,
}

impl WaterfallMetric {
    /// The metric's name, as the headline metrics name it ("lead_time_s").
    pub fn name(self) -> &'static str {
        match self {
            WaterfallMetric::LeadTime => "lead_time_s",
            WaterfallMetric::GateTime => "gate_time_s",
            WaterfallMetric::Pce => "pce",
        }
    }

    /// Reads a metric's name ("lead_time_s", "lead_time", "gate_time_s", "pce").
    pub fn parse(s: &str) -> Option<WaterfallMetric> {
        match s {
            "lead_time_s" | "lead_time" => Some(WaterfallMetric::LeadTime),
            "gate_time_s" | "gate_time" => Some(WaterfallMetric::GateTime),
            "pce" => Some(WaterfallMetric::Pce),
            _ => None,
        }
    }

    fn of(self, a: &crate::analysis::Analysis) -> f64 {
        match self {
            WaterfallMetric::LeadTime => a.lead_time_s,
            WaterfallMetric::GateTime => a.gate_time_s,
            WaterfallMetric::Pce => a.pce,
        }
    }

    /// What the bars are rounded to: a second, or a hundredth of a percentage point.
    fn quantum(self) -> f64 {
        match self {
            WaterfallMetric::Pce => 1e-4,
            _ => 1.0,
        }
    }
}

/// One bar: what one kaizen item's changes (or the unclaimed ones) do to the metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Bar {
    /// The kaizen item, or `None` for the changes no item claims.
    pub kaizen: Option<String>,
    pub title: String,
    /// The bar, rounded (seconds, or a share for PCE).
    pub delta: f64,
    /// The standard error of a sampled bar (`None` when exact).
    pub error: Option<f64>,
    /// The steps this group adds, removes or changes, by id.
    pub steps: Vec<String>,
    /// The flows it adds, removes or changes, by key.
    pub flows: Vec<String>,
    /// Whether it changes the map's own figures (calendar, demand, simulation settings).
    pub map: bool,
    /// When the changes of several kaizen items cannot be made apart (one needs another's), they
    /// share one bar: the items (`None`: the unclaimed changes). Empty for one item's bar.
    pub together: Vec<Option<String>>,
}

/// Why evaluating the coalitions stopped.
enum Fail {
    Cancelled,
    /// This coalition of bars breaks a rule of the map.
    Apart(Vec<usize>),
}

/// The bars to put together when the coalition `failing` breaks a rule: a smallest part of it
/// that still does, plus the one bar whose changes, added, make it whole; all of them when no
/// one bar does.
fn together(game: &Game, mut failing: Vec<usize>) -> Vec<usize> {
    let n = game.n;
    let ok = |bars: &[usize]| game.value(&|bar| bars.contains(&bar)).is_ok();
    let mut k = 0;
    while k < failing.len() && failing.len() > 1 {
        let mut less = failing.clone();
        less.remove(k);
        if ok(&less) {
            k += 1;
        } else {
            failing = less;
        }
    }
    for c in (0..n).filter(|c| !failing.contains(c)) {
        let mut more = failing.clone();
        more.push(c);
        if ok(&more) {
            more.sort_unstable();
            return more;
        }
    }
    (0..n).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Waterfall {
    pub metric: WaterfallMetric,
    pub before: f64,
    pub after: f64,
    /// Largest effect first (by size), the unclaimed group last.
    pub bars: Vec<Bar>,
    /// Every coalition evaluated (true), or orders sampled.
    pub exact: bool,
    /// Analyses run.
    pub evaluations: u64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WaterfallError {
    #[error("{which} breaks a rule of the map: {errors}")]
    Invalid {
        which: &'static str,
        errors: ValidationErrors,
    },
    #[error("cancelled")]
    Cancelled,
}

/// A change to make in a coalition: which group it belongs to, and the record after it (`None`
/// to remove).
struct Change<'a, T> {
    group: usize,
    after: Option<&'a T>,
}

/// The changes between two maps, grouped.
struct Plan<'a> {
    before: &'a ValueStream,
    after: &'a ValueStream,
    /// Per baseline step: its change, if any.
    steps: Vec<Option<Change<'a, Step>>>,
    added_steps: Vec<(usize, &'a Step)>,
    flows: Vec<Option<Change<'a, Flow>>>,
    added_flows: Vec<(usize, &'a Flow)>,
    /// The group of the map's own figures' change, if they changed.
    meta_group: Option<usize>,
    groups: Vec<Bar>,
}

/// The step added in `after` that takes the place of `removed` (a step of `before` only): the
/// first with the same steps sending items to it, or receiving items from it.
fn replacement<'a>(
    before: &ValueStream,
    after: &'a ValueStream,
    removed: &str,
    was: &FxHashSet<&str>,
) -> Option<&'a str> {
    let ends = |m: &ValueStream, id: &str| {
        let mut into: Vec<String> = Vec::new();
        let mut out: Vec<String> = Vec::new();
        for f in m.flows.iter().filter(|f| f.kind.is_forward()) {
            if f.to == id {
                into.push(f.from.clone());
            }
            if f.from == id {
                out.push(f.to.clone());
            }
        }
        into.sort();
        out.sort();
        (into, out)
    };
    let (into, out) = ends(before, removed);
    after
        .steps
        .iter()
        .filter(|t| !was.contains(t.id.as_str()))
        .find(|t| {
            let (i, o) = ends(after, &t.id);
            (!into.is_empty() && i == into) || (!out.is_empty() && o == out)
        })
        .map(|t| t.id.as_str())
}

fn same_but_place(s: &Step, t: &Step) -> bool {
    if s == t {
        return true;
    }
    let (mut a, mut b) = (s.clone(), t.clone());
    (a.x, a.y, b.x, b.y) = (None, None, None, None);
    a == b
}

/// The map's figures that change metrics: everything of its own but names, words, the
/// catalogue and justifications.
fn figures_differ(a: &ValueStream, b: &ValueStream) -> bool {
    a.calendar != b.calendar || a.demand != b.demand || a.simulation != b.simulation
}

impl<'a> Plan<'a> {
    fn new(before: &'a ValueStream, after: &'a ValueStream) -> Plan<'a> {
        // The kaizen items that claim steps and flows: the scenario's first, then the baseline's.
        let mut by_step: FxHashMap<&str, &'a crate::model::Kaizen> = FxHashMap::default();
        let mut by_flow: FxHashMap<&str, &'a crate::model::Kaizen> = FxHashMap::default();
        for k in after.kaizen.iter().chain(&before.kaizen) {
            match &k.target {
                Some(KaizenTarget::Step(s)) => {
                    by_step.entry(s.as_str()).or_insert(k);
                }
                Some(KaizenTarget::Flow(f)) => {
                    by_flow.entry(f.as_str()).or_insert(k);
                }
                None => {}
            }
        }
        let mut groups: Vec<Bar> = Vec::new();
        let mut index: FxHashMap<Option<&str>, usize> = FxHashMap::default();
        let mut group = |k: Option<&'a crate::model::Kaizen>| -> usize {
            *index.entry(k.map(|k| k.id.as_str())).or_insert_with(|| {
                groups.push(Bar {
                    kaizen: k.map(|k| k.id.clone()),
                    title: k.map_or_else(
                        || "Changes no kaizen item claims".to_string(),
                        |k| k.title.clone(),
                    ),
                    delta: 0.0,
                    error: None,
                    steps: Vec::new(),
                    flows: Vec::new(),
                    map: false,
                    together: Vec::new(),
                });
                groups.len() - 1
            })
        };
        let step_group = |id: &str| by_step.get(id).copied();

        let at: FxHashMap<&str, &Step> = after.steps.iter().map(|s| (s.id.as_str(), s)).collect();
        let was: FxHashSet<&str> = before.steps.iter().map(|s| s.id.as_str()).collect();
        // The group of each step added or removed, by id: a flow to or from one cannot be
        // there without it, so it goes with it.
        let mut whole: FxHashMap<&str, usize> = FxHashMap::default();
        let mut touched: Vec<(usize, String, bool)> = Vec::new();
        let mut added_steps = Vec::new();
        for t in after.steps.iter().filter(|t| !was.contains(t.id.as_str())) {
            let g = group(step_group(&t.id));
            whole.insert(&t.id, g);
            touched.push((g, t.id.clone(), true));
            added_steps.push((g, t));
        }
        let mut steps = Vec::with_capacity(before.steps.len());
        for s in &before.steps {
            let change = match at.get(s.id.as_str()) {
                Some(t) if same_but_place(s, t) => None,
                Some(t) => Some(Change {
                    group: group(step_group(&s.id)),
                    after: Some(*t),
                }),
                None => {
                    // A removed step no item claims goes with the added step that takes its
                    // place (the same steps before it, or after it), if there is one.
                    let g = match step_group(&s.id) {
                        Some(k) => group(Some(k)),
                        None => match replacement(before, after, &s.id, &was) {
                            Some(t) => whole[t],
                            None => group(None),
                        },
                    };
                    whole.insert(&s.id, g);
                    Some(Change {
                        group: g,
                        after: None,
                    })
                }
            };
            if let Some(c) = &change {
                touched.push((c.group, s.id.clone(), true));
            }
            steps.push(change);
        }
        let flow_group =
            |f: &Flow, group: &mut dyn FnMut(Option<&'a crate::model::Kaizen>) -> usize| {
                if let Some(k) = by_flow.iter().find(|(k, _)| f.key_is(k)).map(|(_, v)| *v) {
                    return group(Some(k));
                }
                if let Some(&g) = whole
                    .get(f.from.as_str())
                    .or_else(|| whole.get(f.to.as_str()))
                {
                    return g;
                }
                group(step_group(&f.from).or_else(|| step_group(&f.to)))
            };

        let key = |f: &Flow| f.key();
        let af: FxHashMap<String, &Flow> = after.flows.iter().map(|f| (key(f), f)).collect();
        let mut flows = Vec::with_capacity(before.flows.len());
        for f in &before.flows {
            let k = key(f);
            let change = match af.get(&k) {
                Some(t) if *t == f => None,
                t => {
                    let g = flow_group(t.copied().unwrap_or(f), &mut group);
                    touched.push((g, k, false));
                    Some(Change {
                        group: g,
                        after: t.copied(),
                    })
                }
            };
            flows.push(change);
        }
        let bf: FxHashSet<String> = before.flows.iter().map(key).collect();
        let mut added_flows = Vec::new();
        for t in after.flows.iter().filter(|t| !bf.contains(&key(t))) {
            let g = flow_group(t, &mut group);
            touched.push((g, key(t), false));
            added_flows.push((g, t));
        }
        let meta_group = figures_differ(before, after).then(|| group(None));
        for (g, id, step) in touched {
            if step {
                groups[g].steps.push(id);
            } else {
                groups[g].flows.push(id);
            }
        }
        if let Some(g) = meta_group {
            groups[g].map = true;
        }
        Plan {
            before,
            after,
            steps,
            added_steps,
            flows,
            added_flows,
            meta_group,
            groups,
        }
    }

    /// The baseline with the changes of the groups in `set` made.
    fn coalition(&self, set: &dyn Fn(usize) -> bool) -> ValueStream {
        let with_meta = self.meta_group.is_some_and(set);
        let base = if with_meta { self.after } else { self.before };
        let mut m = ValueStream {
            steps: Vec::with_capacity(self.before.steps.len() + self.added_steps.len()),
            flows: Vec::new(),
            teams: self.after.teams.clone(),
            assets: Vec::new(),
            lineage: Vec::new(),
            links: Vec::new(),
            kaizen: Vec::new(),
            notes: Vec::new(),
            ..ValueStream::new(base.name.clone())
        };
        m.set_meta(base.meta());
        m.justifications.clear();
        m.catalogue.clear();
        for t in &self.before.teams {
            if !m.teams.iter().any(|x| x.id == t.id) {
                m.teams.push(t.clone());
            }
        }
        for (s, c) in self.before.steps.iter().zip(&self.steps) {
            match c {
                Some(c) if set(c.group) => m.steps.extend(c.after.cloned()),
                _ => m.steps.push(s.clone()),
            }
        }
        for (g, s) in &self.added_steps {
            if set(*g) {
                m.steps.push((*s).clone());
            }
        }
        let ids: FxHashSet<&str> = m.steps.iter().map(|s| s.id.as_str()).collect();
        let mut flows: Vec<Flow> = Vec::with_capacity(self.before.flows.len());
        for (f, c) in self.before.flows.iter().zip(&self.flows) {
            match c {
                Some(c) if set(c.group) => flows.extend(c.after.cloned()),
                _ => flows.push(f.clone()),
            }
        }
        for (g, f) in &self.added_flows {
            if set(*g) {
                flows.push((*f).clone());
            }
        }
        flows.retain(|f| ids.contains(f.from.as_str()) && ids.contains(f.to.as_str()));
        m.flows = flows;
        m
    }

    /// The metric of the coalition `set`, after scaling split probabilities that no longer sum
    /// to 1.
    fn value(
        &self,
        metric: WaterfallMetric,
        set: &dyn Fn(usize) -> bool,
    ) -> Result<f64, ValidationErrors> {
        let mut m = self.coalition(set);
        match analyze(&m) {
            Ok(a) => Ok(metric.of(&a)),
            Err(e) => {
                if !rescale_splits(&mut m, &e) {
                    return Err(e);
                }
                analyze(&m).map(|a| metric.of(&a))
            }
        }
    }
}

/// Scales the given probabilities of each XOR split `errors` names so they sum to 1. False when
/// some error is of another kind.
fn rescale_splits(m: &mut ValueStream, errors: &ValidationErrors) -> bool {
    let mut steps = Vec::new();
    for e in &errors.0 {
        match e {
            ModelError::XorProbabilities {
                element: crate::model::Element::Step(id),
                ..
            } => steps.push(id.clone()),
            _ => return false,
        }
    }
    for id in steps {
        let branch = |f: &Flow| f.from == id && f.kind.is_forward();
        let sum: f64 = m
            .flows
            .iter()
            .filter(|f| branch(f))
            .filter_map(|f| f.p)
            .sum();
        if sum <= 0.0 {
            return false;
        }
        for f in m.flows.iter_mut().filter(|f| branch(f)) {
            if let Some(p) = f.p.as_mut() {
                *p /= sum;
            }
        }
    }
    true
}

/// The waterfall of `metric` from `before` to `after`. `progress(done, total)` is called now and
/// then, from any thread; it returns false to cancel.
pub fn waterfall(
    before: &ValueStream,
    after: &ValueStream,
    metric: WaterfallMetric,
    progress: &(dyn Fn(u64, u64) -> bool + Sync),
) -> Result<Waterfall, WaterfallError> {
    let a = analyze(before).map_err(|errors| WaterfallError::Invalid {
        which: "the baseline",
        errors,
    })?;
    let b = analyze(after).map_err(|errors| WaterfallError::Invalid {
        which: "the scenario",
        errors,
    })?;
    let plan = Plan::new(before, after);
    let (v0, v1) = (metric.of(&a), metric.of(&b));
    // Each group's bar; groups whose changes cannot be made apart share one.
    let mut parts: Vec<usize> = (0..plan.groups.len()).collect();
    let (phi, error, exact, evaluations) = loop {
        let n = parts.iter().max().map_or(0, |m| m + 1);
        let game = Game {
            plan: &plan,
            parts: &parts,
            n,
            metric,
            v0,
            v1,
        };
        let run = if n == 0 {
            Ok((vec![], vec![], true, 0))
        } else if n <= EXACT_GROUPS {
            all_coalitions(&game, progress)
                .map(|v| (shapley(&v, n), vec![None; n], true, (1u64 << n) - 2))
        } else {
            sampled(&game, progress)
                .map(|(phi, err, evals)| (phi, err.into_iter().map(Some).collect(), false, evals))
        };
        match run {
            Ok(r) => break r,
            Err(Fail::Cancelled) => return Err(WaterfallError::Cancelled),
            Err(Fail::Apart(failing)) => {
                let join = together(&game, failing);
                let keep = join[0];
                parts.iter_mut().for_each(|p| {
                    if join.contains(p) {
                        *p = keep;
                    }
                });
                // Number the bars 0..n again, in order.
                let mut seen: Vec<usize> = parts.clone();
                seen.sort_unstable();
                seen.dedup();
                parts
                    .iter_mut()
                    .for_each(|p| *p = seen.binary_search(p).unwrap_or(0));
            }
        }
    };
    let rounded = round_to_total(&phi, v1 - v0, metric.quantum());
    let mut bars: Vec<Bar> = Vec::with_capacity(rounded.len());
    for (k, delta) in rounded.iter().enumerate() {
        let members: Vec<&Bar> = plan
            .groups
            .iter()
            .zip(&parts)
            .filter(|(_, &p)| p == k)
            .map(|(g, _)| g)
            .collect();
        let mut bar = members[0].clone();
        for m in &members[1..] {
            bar.title = format!("{} + {}", bar.title, m.title);
            bar.steps.extend(m.steps.iter().cloned());
            bar.flows.extend(m.flows.iter().cloned());
            bar.map |= m.map;
            if bar.kaizen.is_none() {
                bar.kaizen = m.kaizen.clone();
            }
        }
        bar.together = if members.len() > 1 {
            members.iter().map(|m| m.kaizen.clone()).collect()
        } else {
            vec![]
        };
        bar.delta = *delta;
        bar.error = error[k];
        bars.push(bar);
    }
    bars.sort_by(|x, y| {
        (x.kaizen.is_none())
            .cmp(&y.kaizen.is_none())
            .then(y.delta.abs().total_cmp(&x.delta.abs()))
    });
    Ok(Waterfall {
        metric,
        before: v0,
        after: v1,
        bars,
        exact,
        evaluations,
    })
}

/// The game whose Shapley values the bars are: the groups' changes, which bar each group is
/// in (`parts`, `n` bars), the metric, and its value with none and with every change made.
struct Game<'p, 'a> {
    plan: &'p Plan<'a>,
    parts: &'p [usize],
    n: usize,
    metric: WaterfallMetric,
    v0: f64,
    v1: f64,
}

impl Game<'_, '_> {
    /// The metric with the changes of the bars `has` says are in.
    fn value(&self, has: &dyn Fn(usize) -> bool) -> Result<f64, ValidationErrors> {
        self.plan.value(self.metric, &|g| has(self.parts[g]))
    }
}

/// The metric of every coalition, by bit mask (bit k: bar k), on every core.
fn all_coalitions(
    game: &Game,
    progress: &(dyn Fn(u64, u64) -> bool + Sync),
) -> Result<Vec<f64>, Fail> {
    let (n, v0, v1) = (game.n, game.v0, game.v1);
    let full = (1usize << n) - 1;
    let mut v = vec![0.0; full + 1];
    v[0] = v0;
    v[full] = v1;
    let todo: Vec<usize> = (1..full).collect();
    let total = todo.len() as u64;
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(todo.len().max(1));
    let chunk = todo.len().div_ceil(threads).max(1);
    type Values = Result<Vec<(usize, f64)>, (usize, ValidationErrors)>;
    let results: Vec<Values> = std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|masks| {
                let (done, stop) = (&done, &stop);
                scope.spawn(move || {
                    let mut out = Vec::with_capacity(masks.len());
                    for &mask in masks {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let x = game
                            .value(&|bar| mask & (1 << bar) != 0)
                            .map_err(|e| (mask, e))?;
                        out.push((mask, x));
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if d % 32 == 0 && !progress(d, total) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a waterfall thread panicked"))
            .collect()
    });
    for r in results {
        match r {
            Ok(values) => values.into_iter().for_each(|(m, x)| v[m] = x),
            Err((mask, _)) => {
                return Err(Fail::Apart(
                    (0..n).filter(|b| mask & (1 << b) != 0).collect(),
                ))
            }
        }
    }
    if stop.load(Ordering::Relaxed) {
        return Err(Fail::Cancelled);
    }
    progress(total, total);
    Ok(v)
}

/// Exact Shapley values from the metric of every coalition.
fn shapley(v: &[f64], n: usize) -> Vec<f64> {
    // weight(k) = k! (n - k - 1)! / n!
    let mut fact = vec![1.0f64; n + 1];
    for k in 1..=n {
        fact[k] = fact[k - 1] * k as f64;
    }
    let weight: Vec<f64> = (0..n)
        .map(|k| fact[k] * fact[n - k - 1] / fact[n])
        .collect();
    (0..n)
        .map(|i| {
            let bit = 1usize << i;
            (0..v.len())
                .filter(|m| m & bit == 0)
                .map(|m| weight[m.count_ones() as usize] * (v[m | bit] - v[m]))
                .sum()
        })
        .collect()
}

/// Shapley values estimated from orders drawn with a fixed seed: each order's marginal
/// contributions sum to the total, so their means do too. Returns the means, their standard
/// errors and the analyses run.
fn sampled(
    game: &Game,
    progress: &(dyn Fn(u64, u64) -> bool + Sync),
) -> Result<(Vec<f64>, Vec<f64>, u64), Fail> {
    let (n, v0, v1) = (game.n, game.v0, game.v1);
    let orders = (SAMPLED_EVALUATIONS / n).max(32);
    let total = (orders * n) as u64;
    let mut rng = Rng::new(SEED);
    let mut sum = vec![0.0f64; n];
    let mut sq = vec![0.0f64; n];
    let mut cache: FxHashMap<Vec<u64>, f64> = FxHashMap::default();
    let words = n.div_ceil(64);
    let mut evaluations = 0u64;
    for o in 0..orders {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        let mut set = vec![0u64; words];
        let mut prev = v0;
        for (step, &g) in order.iter().enumerate() {
            set[g / 64] |= 1 << (g % 64);
            let x = if step + 1 == n {
                v1
            } else if let Some(&x) = cache.get(&set) {
                x
            } else {
                let s = set.clone();
                let has = |b: usize| s[b / 64] & (1 << (b % 64)) != 0;
                let x = game
                    .value(&has)
                    .map_err(|_| Fail::Apart((0..n).filter(|&b| has(b)).collect()))?;
                evaluations += 1;
                cache.insert(s, x);
                x
            };
            let d = x - prev;
            sum[g] += d;
            sq[g] += d * d;
            prev = x;
        }
        let done = ((o + 1) * n) as u64;
        if !progress(done, total) {
            return Err(Fail::Cancelled);
        }
    }
    let m = orders as f64;
    let mean: Vec<f64> = sum.iter().map(|s| s / m).collect();
    let err = (0..n)
        .map(|g| {
            let var = (sq[g] - m * mean[g] * mean[g]).max(0.0) / (m - 1.0);
            (var / m).sqrt()
        })
        .collect();
    Ok((mean, err, evaluations))
}

/// Rounds each value to a multiple of `quantum` so that they sum exactly to `total` rounded
/// the same way: each is rounded down, then the units still missing go to the largest
/// remainders (or are taken from the smallest, when the total is below the floors' sum).
fn round_to_total(values: &[f64], total: f64, quantum: f64) -> Vec<f64> {
    if values.is_empty() {
        return vec![];
    }
    let units: Vec<f64> = values.iter().map(|v| v / quantum).collect();
    let target = (total / quantum).round() as i64;
    let mut floors: Vec<i64> = units.iter().map(|u| u.floor() as i64).collect();
    let mut missing = target - floors.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (units[a] - units[a].floor(), units[b] - units[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut k = 0;
    while missing > 0 {
        floors[order[k % order.len()]] += 1;
        missing -= 1;
        k += 1;
    }
    k = order.len();
    while missing < 0 {
        k = if k == 0 { order.len() - 1 } else { k - 1 };
        floors[order[k]] -= 1;
        missing += 1;
    }
    floors.iter().map(|&f| f as f64 * quantum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_the_total() {
        let r = round_to_total(&[1.4, 1.4, 1.2], 4.0, 1.0);
        assert_eq!(r.iter().sum::<f64>(), 4.0);
        assert_eq!(r, vec![2.0, 1.0, 1.0]);
        let r = round_to_total(&[-0.6, -0.6, 0.2], -1.0, 1.0);
        assert_eq!(r.iter().sum::<f64>(), -1.0);
    }

    #[test]
    fn shapley_of_an_interaction_splits_it() {
        // v(∅)=0, v({0})=0, v({1})=0, v({0,1})=10: neither alone helps; both split the 10.
        let v = [0.0, 0.0, 0.0, 10.0];
        assert_eq!(shapley(&v, 2), vec![5.0, 5.0]);
        // Additive: v({0})=3, v({1})=4, v({0,1})=7.
        let v = [0.0, 3.0, 4.0, 7.0];
        assert_eq!(shapley(&v, 2), vec![3.0, 4.0]);
    }
}
