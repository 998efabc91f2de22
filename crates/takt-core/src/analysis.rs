//! The analysis of a value stream, recomputed from scratch on every edit (it is fast enough:
//! see docs/BENCHMARKS.md). Semantics are those of `VSM-REFERENCE.md` section 3 and 4; where the
//! reference leaves a choice open, the choice is documented here and in ARCHITECTURE.md.
//!
//! # Routing semantics
//! - **Sequence** adds; an **AND** split runs every branch and the latest branch wins; an **XOR**
//!   split takes the probability-weighted mean of its branches.
//! - A **rework** flow `u -> v` with probability `p` sends a failed item back to `v`; the steps on
//!   the forward paths from `v` to `u` (the loop body) are run again and `u` decides again. The
//!   expected extra time is charged at `u`: `p (w + B) / (1 - P)`, where `B` is one pass of the body
//!   (with the extras of the loops inside it), `w` the rework flow's wait and `P` the total rework
//!   probability out of `u`. Processing loops in topological order of their ends solves nested and
//!   overlapping loops exactly for AND-free bodies: it is the absorbing Markov chain's expected
//!   time to absorption (tests check both against hand-worked chains).
//! - **Visits** (for work content, utilisation and the bottleneck): the probability `P` a step is
//!   reached in one pass (XOR weights; at a join, arrivals down different branches of a
//!   dominating XOR split add up, arrivals that come together count once), plus, for every loop
//!   whose body holds the step, the loop's expected returns `R` times the chance one pass of the
//!   body runs the step. `R_j = p_j V(u_j)` is solved as a linear system per group of coupled
//!   loops, so nested, overlapping and side-entered loops are exact for AND-free maps.
//! - **Critical path**: the lead-time recursion follows the latest branch at AND splits and all
//!   branches, weighted, at XOR splits; the listed path (and ladder) takes the most likely branch
//!   at an XOR split. Critical-path process time, VA time and gate time come from the same
//!   recursion as the lead time, so PCE and the activity ratio never exceed 100%.
//! - Supplier and customer steps stand outside the stream: their own times are not counted.

use crate::figures::human_working;
use crate::graph::{Graph, PARALLEL_FROM};
pub use crate::lint::Warning;
use crate::model::*;
use crate::validate::ValidationErrors;
use serde::Serialize;
use std::collections::BTreeMap;

const NONE: u32 = u32::MAX;

/// Everything the analysis reports. Times are seconds of elapsed time unless a name says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Analysis {
    /// Expected end-to-end lead time along the critical path.
    pub lead_time_s: f64,
    /// Process time along the critical path (including expected rework passes).
    pub process_time_s: f64,
    /// Process time of every step, weighted by its expected visits.
    pub work_content_s: f64,
    /// Process time of value-adding steps on the critical path.
    pub va_time_s: f64,
    /// Process cycle efficiency: VA time / lead time.
    pub pce: f64,
    /// Critical-path process time / lead time.
    pub activity_ratio: f64,
    /// Product of %C&A along the critical path, as a share (0-1): items that pass first time.
    pub rolled_pca: f64,
    /// Available working time per demanded item (seconds of working time); none without demand.
    pub takt_s: Option<f64>,
    /// The step with the largest effective cycle time.
    pub bottleneck: Option<String>,
    /// Steps whose effective cycle time exceeds takt.
    pub over_takt: Vec<String>,
    /// The critical path, in order, as positions in the map's `steps` (see [`Analysis::to_json`]
    /// for ids).
    pub critical_path: Vec<u32>,
    /// The timeline ladder along the critical path.
    pub ladder: Vec<Rung>,
    pub handoffs: Handoffs,
    /// Time in gates on the critical path, and its share of the lead time.
    pub gate_time_s: f64,
    pub gate_share: f64,
    /// Pairs of gates on one path that check the same control, or that are consecutive
    /// approvals by the same role.
    pub redundant_gates: Vec<[String; 2]>,
    /// Non-value time by waste category, per item, over the whole map.
    pub waste_s: BTreeMap<String, f64>,
    /// Data assets that are waste, by category: "inventory" (nothing consumes them) and
    /// "transportation" (datasets copied with no transformation); categories with none left out.
    pub waste_assets: BTreeMap<String, u32>,
    /// Items counted waiting on flows (inventory).
    pub wip_items: f64,
    /// Steps that no chain of item flows joins to the piece of the map the critical path runs
    /// through, as positions in the map's `steps` (ids in [`Analysis::to_json`]): the lead time
    /// does not count them. Empty when the map is in one piece.
    pub disconnected: Vec<u32>,
    pub littles_law: Option<LittlesLaw>,
    pub flow: FlowMetrics,
    pub steps: Vec<StepMetrics>,
    pub warnings: Vec<Warning>,
}

/// One rung of the timeline ladder: `ladder[i]` belongs to `critical_path[i]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rung {
    /// Queue before the step, on the flow the critical path arrives by.
    pub wait_s: f64,
    pub lt_s: f64,
    pub pt_s: f64,
    /// Expected time of rework passes charged at this step.
    pub rework_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Handoffs {
    /// Item and rework flows between steps of different teams.
    pub total: u32,
    pub total_wait_s: f64,
    pub critical: u32,
    pub critical_wait_s: f64,
    /// The handoff flows, as positions in the map's `flows` (cheap for large maps; a caller
    /// with the map turns them into keys or highlights).
    pub flows: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LittlesLaw {
    pub wip: f64,
    /// Items per elapsed second.
    pub throughput_per_s: f64,
    /// Throughput x lead time.
    pub expected_wip: f64,
    /// |wip - expected| / expected.
    pub deviation: f64,
    pub consistent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FlowMetrics {
    pub flow_time_s: f64,
    pub flow_load: f64,
    pub flow_efficiency: f64,
}

/// The metrics of one step; `Analysis::steps[i]` belongs to the map's `steps[i]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepMetrics {
    /// Expected times the step runs per item (rework included).
    pub visits: f64,
    /// Working time the step spends per demanded item, per server: (PT x visits + changeover /
    /// batch) / (servers x availability).
    pub ect_s: f64,
    /// Effective cycle time / takt: share of the step's capacity the demand uses.
    pub utilisation: Option<f64>,
    pub critical: bool,
    /// Expected extra time from rework flows leaving this step.
    pub rework_s: f64,
}

impl Analysis {
    /// The analysis as JSON for people and other programs: what the struct holds, with step ids
    /// in `steps`, `critical_path` and flow keys in `handoffs.flows` where the struct keeps
    /// positions (the analysis itself allocates nothing per step).
    pub fn to_json(&self, doc: &ValueStream) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("an analysis serialises");
        let id = |i: u32| serde_json::Value::from(doc.steps[i as usize].id.as_str());
        v["critical_path"] = self.critical_path.iter().map(|&i| id(i)).collect();
        v["disconnected"] = self.disconnected.iter().map(|&i| id(i)).collect();
        v["handoffs"]["flows"] = self
            .handoffs
            .flows
            .iter()
            .map(|&f| serde_json::Value::from(doc.flows[f as usize].key()))
            .collect();
        if let Some(steps) = v["steps"].as_array_mut() {
            for (i, s) in steps.iter_mut().enumerate() {
                if let Some(o) = s.as_object_mut() {
                    let mut with_id = serde_json::Map::with_capacity(o.len() + 1);
                    with_id.insert("id".into(), id(i as u32));
                    with_id.append(o);
                    *o = with_id;
                }
            }
        }
        v
    }

    /// The metrics of the step with this id.
    pub fn step(&self, doc: &ValueStream, id: &str) -> Option<&StepMetrics> {
        doc.steps
            .iter()
            .position(|s| s.id == id)
            .map(|i| &self.steps[i])
    }

    /// The ids along the critical path.
    pub fn critical_ids<'d>(&self, doc: &'d ValueStream) -> Vec<&'d str> {
        self.critical_path
            .iter()
            .map(|&i| doc.steps[i as usize].id.as_str())
            .collect()
    }
}

/// Time, process time, VA time and gate time accumulated together along a path.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Acc {
    time: f64,
    pt: f64,
    va: f64,
    gate: f64,
}

impl Acc {
    fn add(self, o: Acc) -> Acc {
        Acc {
            time: self.time + o.time,
            pt: self.pt + o.pt,
            va: self.va + o.va,
            gate: self.gate + o.gate,
        }
    }
    fn scale(self, k: f64) -> Acc {
        Acc {
            time: self.time * k,
            pt: self.pt * k,
            va: self.va * k,
            gate: self.gate * k,
        }
    }
    fn wait(w: f64) -> Acc {
        Acc {
            time: w,
            ..Acc::default()
        }
    }
}

/// A product of shares (the rolled %C&A) that has fallen below the smallest normal number, as 0.
/// Such a product is far below any figure shown, and left alone it would stay there: a share
/// times the smallest subnormal number rounds back to it. Arithmetic on subnormal numbers takes
/// some hundred times as long, and on a long map most steps' rolled %C&A would be one (94% of
/// them at 100,000 steps).
fn flush(x: f64) -> f64 {
    if x < f64::MIN_POSITIVE {
        0.0
    } else {
        x
    }
}

/// Validates and analyses a map.
pub fn analyze(doc: &ValueStream) -> Result<Analysis, ValidationErrors> {
    let g = Graph::build(doc)?;
    Ok(analyze_graph(&g))
}

/// Loops of a map: for each rework flow, its body and expected returns per entry.
pub(crate) struct Loops<'g> {
    /// Rework flow indices, ordered by the topological position of their source.
    pub flows: Vec<u32>,
    pub bodies: Vec<&'g [u32]>,
    /// Expected returns through each rework flow, per item.
    pub returns: Vec<f64>,
}

pub(crate) fn find_loops<'g>(g: &'g Graph) -> Loops<'g> {
    Loops {
        flows: g.loops.iter().map(|(f, _)| *f).collect(),
        bodies: g.loops.iter().map(|(_, b)| b.as_slice()).collect(),
        returns: Vec::new(),
    }
}

/// Probability each step runs in one pass without rework, and the dominator tree it is built on.
pub(crate) struct Reach {
    pub p: Vec<f64>,
    /// Immediate dominator of each step along forward flows; `n` (a virtual root before every
    /// source) for the sources.
    pub idom: Vec<u32>,
}

/// At a join, the probability that at least one arrival comes. Arrivals from different branches
/// of an XOR split that dominates the join exclude each other and add up; arrivals from one
/// branch, or from the branches of an AND split, come together and the likeliest counts.
fn join(g: &Graph, idom: &[u32], x: u32, cap: f64, arrivals: &mut [(u32, f64)]) -> f64 {
    let root = g.n as u32;
    let d = idom[x as usize];
    if arrivals.len() == 1 {
        return arrivals[0].1;
    }
    if d == root || !g.info[d as usize].xor {
        return arrivals.iter().map(|a| a.1).fold(0.0, f64::max);
    }
    // Replace each arrival's source by the branch of `d` it comes down: the child of `d` in the
    // dominator tree above it (or the join itself, for a flow straight from `d`).
    for a in arrivals.iter_mut() {
        let mut y = a.0;
        if y == d {
            y = x;
        } else {
            while idom[y as usize] != d && idom[y as usize] != root {
                y = idom[y as usize];
            }
        }
        a.0 = y;
    }
    arrivals.sort_unstable_by_key(|a| a.0);
    let mut sum = 0.0;
    let mut k = 0;
    while k < arrivals.len() {
        let branch = arrivals[k].0;
        let mut best = 0.0f64;
        while k < arrivals.len() && arrivals[k].0 == branch {
            best = best.max(arrivals[k].1);
            k += 1;
        }
        sum += best;
    }
    sum.min(cap)
}

pub(crate) fn reach_probability(g: &Graph) -> Reach {
    let n = g.n;
    let root = n as u32;
    let mut idom = vec![root; n];
    let mut depth = vec![0u32; n + 1];
    let mut p = vec![0.0f64; n];
    let mut arrivals: Vec<(u32, f64)> = Vec::new();
    for &x in &g.topo {
        let ins = g.ins(x as usize);
        if ins.is_empty() {
            p[x as usize] = 1.0;
            idom[x as usize] = root;
            depth[x as usize] = 1;
            continue;
        }
        // Immediate dominator: the nearest common dominator of all predecessors.
        let mut d = g.flows[ins[0] as usize].from;
        for &f in &ins[1..] {
            let mut a = d;
            let mut b = g.flows[f as usize].from;
            while a != b {
                let (da, db) = (depth[a as usize], depth[b as usize]);
                if da >= db {
                    a = if a == root { root } else { idom[a as usize] };
                }
                if db >= da {
                    b = if b == root { root } else { idom[b as usize] };
                }
            }
            d = a;
        }
        idom[x as usize] = d;
        depth[x as usize] = depth[d as usize] + 1;
        arrivals.clear();
        arrivals.extend(ins.iter().map(|&f| {
            let fl = &g.flows[f as usize];
            (fl.from, p[fl.from as usize] * fl.p)
        }));
        let cap = if d == root { 1.0 } else { p[d as usize] };
        p[x as usize] = join(g, &idom, x, cap, &mut arrivals);
    }
    Reach { p, idom }
}

/// Solves how often each loop sends an item back (per item), and each step's expected visits:
/// `V(x) = P(x) + sum over loops j holding x of R_j a_j(x)`, where `a_j(x)` is the probability
/// that one pass of loop j's body runs x, and `R_j = p_j V(u_j)` for the loop's end `u_j`.
pub(crate) fn solve_visits(g: &Graph, loops: &mut Loops, reach: &Reach) -> Vec<f64> {
    let k = loops.flows.len();
    let mut visits = reach.p.clone();
    loops.returns = vec![0.0; k];
    if k == 0 {
        return visits;
    }
    // a_j(x) along each body, in the body's (topological) order.
    let mut stamp = vec![NONE; g.n];
    let mut a_here = vec![0.0f64; g.n];
    let mut arrivals: Vec<(u32, f64)> = Vec::new();
    let mut activation: Vec<Vec<f64>> = Vec::with_capacity(k);
    for (j, &body) in loops.bodies.iter().enumerate() {
        for &x in body {
            stamp[x as usize] = j as u32;
        }
        let start = body[0];
        let mut acts = Vec::with_capacity(body.len());
        for &x in body {
            let v = if x == start {
                1.0
            } else {
                arrivals.clear();
                for &f in g.ins(x as usize) {
                    let fl = &g.flows[f as usize];
                    if stamp[fl.from as usize] == j as u32 {
                        arrivals.push((fl.from, a_here[fl.from as usize] * fl.p));
                    }
                }
                let d = reach.idom[x as usize];
                let cap = if d as usize != g.n && stamp[d as usize] == j as u32 {
                    a_here[d as usize]
                } else {
                    1.0
                };
                join(g, &reach.idom, x, cap, &mut arrivals)
            };
            a_here[x as usize] = v;
            acts.push(v);
        }
        activation.push(acts);
    }
    // For each loop end, the loops whose body holds it and the activation there.
    let end_of: Vec<u32> = loops
        .flows
        .iter()
        .map(|&f| g.flows[f as usize].from)
        .collect();
    // (end, loop), sorted: the loops ending at a step are a run of it (a list per step would
    // be a table as long as the map).
    let mut ending: Vec<(u32, u32)> = end_of
        .iter()
        .enumerate()
        .map(|(j, &u)| (u, j as u32))
        .collect();
    ending.sort_unstable();
    // coupling[j] = (k, a_k(u_j)) for every loop k whose body holds u_j (k = j included).
    let mut coupling: Vec<Vec<(u32, f64)>> = vec![Vec::new(); k];
    for (kk, body) in loops.bodies.iter().enumerate() {
        for (pos, &x) in body.iter().enumerate() {
            let from = ending.partition_point(|e| e.0 < x);
            for &(_, j) in ending[from..].iter().take_while(|e| e.0 == x) {
                coupling[j as usize].push((kk as u32, activation[kk][pos]));
            }
        }
    }
    let p: Vec<f64> = loops.flows.iter().map(|&f| g.flows[f as usize].p).collect();
    // Components of the coupling graph, solved one at a time: (I - M) R = b with
    // M[j][k] = p_j a_k(u_j) and b_j = p_j P(u_j).
    let mut comp = vec![NONE; k];
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); k];
    for j in 0..k {
        for &(m, _) in &coupling[j] {
            if m as usize != j {
                adj[j].push(m);
                adj[m as usize].push(j as u32);
            }
        }
    }
    let mut returns = vec![0.0; k];
    for start in 0..k {
        if comp[start] != NONE {
            continue;
        }
        let mut members = vec![start as u32];
        comp[start] = start as u32;
        let mut i = 0;
        while i < members.len() {
            for &m in &adj[members[i] as usize] {
                if comp[m as usize] == NONE {
                    comp[m as usize] = start as u32;
                    members.push(m);
                }
            }
            i += 1;
        }
        let size = members.len();
        let local: rustc_hash::FxHashMap<u32, usize> =
            members.iter().enumerate().map(|(a, &m)| (m, a)).collect();
        let mut a = vec![vec![0.0; size + 1]; size];
        for (row, &j) in members.iter().enumerate() {
            let pj = p[j as usize];
            a[row][row] += 1.0;
            for &(m, act) in &coupling[j as usize] {
                a[row][local[&m]] -= pj * act;
            }
            a[row][size] = pj * reach.p[end_of[j as usize] as usize];
        }
        let x = if size == 1 {
            vec![a[0][1] / a[0][0]]
        } else {
            gauss(a)
        };
        for (row, &j) in members.iter().enumerate() {
            returns[j as usize] = x[row].max(0.0);
        }
    }
    for (j, &body) in loops.bodies.iter().enumerate() {
        for (pos, &x) in body.iter().enumerate() {
            visits[x as usize] += returns[j] * activation[j][pos];
        }
    }
    loops.returns = returns;
    visits
}

/// Gaussian elimination with partial pivoting on an augmented matrix.
fn gauss(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, piv);
        let d = a[c][c];
        if d.abs() < 1e-300 {
            continue;
        }
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / d;
                if f != 0.0 {
                    for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                        *x -= f * p;
                    }
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if a[i][i].abs() < 1e-300 {
                0.0
            } else {
                a[i][n] / a[i][i]
            }
        })
        .collect()
}

/// Parts of the analysis that need only the graph, not the lead-time recursion: on large maps
/// they run on a second core while the recursion runs on the first.
struct Side {
    redundant_gates: Vec<[String; 2]>,
    duplicate_names: Vec<Vec<usize>>,
    handoffs: Handoffs,
    /// Each step's piece of the map (see [`pieces`]); empty when the map is in one piece.
    pieces: Vec<u32>,
}

/// The pieces of the map: steps joined by item flows (either way) are in one piece. Returns a
/// piece label per step (its piece's root), or nothing when the map is in one piece. A union
/// of the flows' ends with path halving: linear in the map.
fn pieces(g: &Graph) -> Vec<u32> {
    let n = g.n;
    if n < 2 {
        return Vec::new();
    }
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    let mut count = n;
    for f in &g.flows {
        if !f.kind.is_forward() {
            continue;
        }
        let (a, b) = (root(&mut parent, f.from), root(&mut parent, f.to));
        if a != b {
            parent[a.max(b) as usize] = a.min(b);
            count -= 1;
        }
    }
    if count == 1 {
        return Vec::new();
    }
    (0..n as u32).map(|i| root(&mut parent, i)).collect()
}

fn side(g: &Graph) -> Side {
    let team = |i: u32| Some(g.info[i as usize].team).filter(|&t| t != u32::MAX);
    let mut handoffs = Handoffs::default();
    for (fi, f) in g.flows.iter().enumerate() {
        if !(f.kind.is_forward() || f.kind == FlowKind::Rework) {
            continue;
        }
        if let (Some(a), Some(b)) = (team(f.from), team(f.to)) {
            if a != b {
                handoffs.total += 1;
                handoffs.total_wait_s += f.wait;
                handoffs.flows.push(fi as u32);
            }
        }
    }
    Side {
        redundant_gates: redundant_gates(g),
        duplicate_names: crate::lint::duplicate_names(g),
        handoffs,
        pieces: pieces(g),
    }
}

pub(crate) fn analyze_graph(g: &Graph) -> Analysis {
    if g.n < PARALLEL_FROM {
        return finish(g, main_part(g), side(g));
    }
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| side(g));
        let main = main_part(g);
        let side = helper.join().expect("the side analysis does not panic");
        finish(g, main, side)
    })
}

fn finish(g: &Graph, main: (Analysis, Vec<u32>), side: Side) -> Analysis {
    let (mut a, path_flows) = main;
    let team = |i: u32| Some(g.info[i as usize].team).filter(|&t| t != u32::MAX);
    a.handoffs = side.handoffs;
    for &f in &path_flows {
        let fl = &g.flows[f as usize];
        if let (Some(x), Some(y)) = (team(fl.from), team(fl.to)) {
            if x != y {
                a.handoffs.critical += 1;
                a.handoffs.critical_wait_s += fl.wait;
            }
        }
    }
    a.redundant_gates = side.redundant_gates;
    if let Some(&first) = a.critical_path.first() {
        if !side.pieces.is_empty() {
            let main = side.pieces[first as usize];
            a.disconnected = (0..g.n as u32)
                .filter(|&i| side.pieces[i as usize] != main)
                .collect();
        }
    }
    let mut warnings = crate::lint::warnings(g, &side.duplicate_names);
    warnings.extend(analysis_warnings(g, &a));
    a.warnings = warnings;
    a
}

/// The warnings the analysis finds: a map in pieces, steps over takt, a WIP count Little's law
/// does not bear out, redundant gates.
fn analysis_warnings(g: &Graph, a: &Analysis) -> Vec<Warning> {
    let doc = g.doc;
    let mut w = Vec::new();
    let step = |id: &str| Some(Element::Step(id.to_string()));
    if let Some(&first) = a.disconnected.first() {
        let names: Vec<String> = a
            .disconnected
            .iter()
            .take(3)
            .map(|&i| format!("'{}'", doc.steps[i as usize].label()))
            .collect();
        let more = a.disconnected.len().saturating_sub(names.len());
        w.push(Warning {
            code: "disconnected",
            element: step(&doc.steps[first as usize].id),
            message: format!(
                "the map is in pieces: {}{} {} not joined by flows to the steps that set the lead time, so {} not counted in it",
                names.join(", "),
                match more {
                    0 => String::new(),
                    1 => " and 1 more step".into(),
                    k => format!(" and {k} more steps"),
                },
                if a.disconnected.len() == 1 { "is" } else { "are" },
                if a.disconnected.len() == 1 { "it is" } else { "they are" },
            ),
        });
    }
    if let Some(t) = a.takt_s {
        let unit = doc.unit;
        // The analysis listed them; their positions from the index (not a pass over every
        // step's metrics).
        for id in &a.over_takt {
            let Some(i) = g.step_index.get(id) else {
                continue;
            };
            let (s, sm) = (&doc.steps[i as usize], &a.steps[i as usize]);
            w.push(Warning {
                code: "over_takt",
                element: step(&s.id),
                message: format!(
                    "step '{}' needs {} of work per item, more than the takt of {}",
                    s.label(),
                    human_working(sm.ect_s, unit, &doc.calendar),
                    human_working(t, unit, &doc.calendar)
                ),
            });
        }
    }
    if let Some(l) = &a.littles_law {
        if !l.consistent {
            w.push(Warning {
                code: "littles_law",
                element: Some(Element::Map),
                message: format!(
                    "Little's law: {:.1} items are waiting, but throughput x lead time gives {:.1} ({:.0}% apart); the WIP counts or the times are off",
                    l.wip,
                    l.expected_wip,
                    l.deviation * 100.0
                ),
            });
        }
    }
    for [x, y] in &a.redundant_gates {
        let name = |id: &str| {
            g.step_index.get(id).map_or(id.to_string(), |i| {
                doc.steps[i as usize].label().to_string()
            })
        };
        w.push(Warning {
            code: "redundant_gate",
            element: step(y),
            message: format!(
                "gates '{}' and '{}' {}: a redundancy candidate",
                name(x),
                name(y),
                redundancy_reason(doc, x, y)
            ),
        });
    }
    w
}

/// Why two gates are redundant, in words: they check one control, or one role approves twice.
pub fn redundancy_reason(doc: &ValueStream, x: &str, y: &str) -> String {
    let gate = |id: &str| doc.step(id).and_then(|s| s.gate.as_deref());
    let (a, b) = (gate(x), gate(y));
    let same = |f: fn(&GateDetails) -> Option<&String>| match (a.and_then(f), b.and_then(f)) {
        (Some(p), Some(q)) => p.trim().eq_ignore_ascii_case(q.trim()) && !p.trim().is_empty(),
        _ => false,
    };
    if same(|g| g.control.as_ref()) && same(|g| g.regulation.as_ref()) {
        let g = a.unwrap();
        format!(
            "are on one path and check the same control ({} {})",
            g.regulation.as_deref().unwrap_or("").trim(),
            g.control.as_deref().unwrap_or("").trim()
        )
    } else if same(|g| g.control.as_ref()) {
        "are on one path and check the same control".into()
    } else {
        format!(
            "are consecutive approvals by the same role ({})",
            a.and_then(|g| g.approver.as_deref()).unwrap_or("").trim()
        )
    }
}

/// The lead-time recursion and everything that follows from it; handoffs, redundant gates and
/// warnings are filled in by `finish`.
fn main_part(g: &Graph) -> (Analysis, Vec<u32>) {
    let doc = g.doc;
    let cal = g.calendar;
    let n = g.n;
    let (pt, lt) = (&g.pt, &g.lt);

    let reach = reach_probability(g);
    let mut loops = find_loops(g);
    let visits = solve_visits(g, &mut loops, &reach);
    let reach = reach.p;

    let base = |i: usize| {
        let s = &g.info[i];
        Acc {
            time: lt[i],
            pt: pt[i],
            va: if s.value == Some(ValueClass::Va) {
                pt[i]
            } else {
                0.0
            },
            gate: if s.gate { lt[i] } else { 0.0 },
        }
    };

    // Rework extras, loops in topological order of their ends.
    let mut extra = vec![Acc::default(); n];
    let mut stamp = vec![(NONE, 0u32); n];
    // One pass of a body, by position in the body.
    let mut d: Vec<Acc> = Vec::new();
    let mut j = 0;
    while j < loops.flows.len() {
        let u = g.flows[loops.flows[j] as usize].from;
        let mut total_p = 0.0;
        let mut sum = Acc::default();
        while j < loops.flows.len() && g.flows[loops.flows[j] as usize].from == u {
            let fl = g.flows[loops.flows[j] as usize];
            let body = &loops.bodies[j];
            for (k, &x) in body.iter().enumerate() {
                stamp[x as usize] = (j as u32, k as u32);
            }
            d.clear();
            d.resize(body.len(), Acc::default());
            // One pass of the body, from the start of v to the end of u.
            for (k, &x) in body.iter().enumerate().rev() {
                d[k] = if x == u {
                    base(x as usize)
                } else {
                    base(x as usize)
                        .add(extra[x as usize])
                        .add(combine(g, x, &stamp, j as u32, &d))
                };
            }
            // The body starts at the rework flow's target, first in topological order.
            sum = sum.add(Acc::wait(fl.wait).add(d[0]).scale(fl.p));
            total_p += fl.p;
            j += 1;
        }
        extra[u as usize] = sum.scale(1.0 / (1.0 - total_p));
    }

    // Lead time: backward over the forward flows.
    let mut e = vec![Acc::default(); n];
    let mut rolled = vec![1.0f64; n];
    let mut next = vec![NONE; n];
    for &x in g.topo.iter().rev() {
        let xi = x as usize;
        let s = &g.info[xi];
        let own = base(xi).add(extra[xi]);
        let outs = g.outs(xi);
        let pca = s.pca;
        if outs.is_empty() {
            e[xi] = own;
            rolled[xi] = pca;
            continue;
        }
        if s.xor {
            let mut acc = Acc::default();
            let mut r = 0.0;
            let mut best = (f64::NEG_INFINITY, f64::NEG_INFINITY, NONE);
            for &f in outs {
                let fl = &g.flows[f as usize];
                let branch = Acc::wait(fl.wait).add(e[fl.to as usize]);
                acc = acc.add(branch.scale(fl.p));
                r += fl.p * rolled[fl.to as usize];
                if (fl.p, branch.time) > (best.0, best.1) {
                    best = (fl.p, branch.time, f);
                }
            }
            e[xi] = own.add(acc);
            rolled[xi] = flush(pca * r);
            next[xi] = best.2;
        } else {
            let mut best = (
                Acc {
                    time: f64::NEG_INFINITY,
                    ..Acc::default()
                },
                NONE,
            );
            for &f in outs {
                let fl = &g.flows[f as usize];
                let branch = Acc::wait(fl.wait).add(e[fl.to as usize]);
                if branch.time > best.0.time {
                    best = (branch, f);
                }
            }
            e[xi] = own.add(best.0);
            rolled[xi] = flush(pca * rolled[g.flows[best.1 as usize].to as usize]);
            next[xi] = best.1;
        }
    }
    let start = (0..n)
        .filter(|&i| g.ins(i).is_empty())
        .max_by(|&a, &b| e[a].time.total_cmp(&e[b].time).then(b.cmp(&a)));
    let total = start.map(|s| e[s]).unwrap_or_default();
    let rolled_pca = start.map(|s| rolled[s]).unwrap_or(1.0);

    // The listed critical path and its ladder, sized first: on a large map the path holds
    // thousands of steps, and growing the lists by doubling copies them over and over.
    let mut len = 0;
    let mut at = start.map_or(NONE, |s| s as u32);
    while at != NONE {
        len += 1;
        at = match next[at as usize] {
            NONE => NONE,
            f => g.flows[f as usize].to,
        };
    }
    let mut critical_path = Vec::with_capacity(len);
    let mut ladder = Vec::with_capacity(len);
    let mut on_path = vec![false; n];
    let mut path_flows = Vec::with_capacity(len);
    if let Some(s) = start {
        let mut x = s as u32;
        let mut wait = 0.0;
        loop {
            let xi = x as usize;
            on_path[xi] = true;
            critical_path.push(x);
            ladder.push(Rung {
                wait_s: wait,
                lt_s: lt[xi],
                pt_s: pt[xi],
                rework_s: extra[xi].time,
            });
            let f = next[xi];
            if f == NONE {
                break;
            }
            path_flows.push(f);
            wait = g.flows[f as usize].wait;
            x = g.flows[f as usize].to;
        }
    }

    // Takt, effective cycle times, bottleneck, work content, and the steps' waste, in one pass
    // over the per-step tables (on a large map each pass streams them from memory).
    let takt_s = doc
        .demand
        .map(|dm| dm.per.seconds(&cal) * cal.working_share() / dm.items);
    let mut steps = Vec::with_capacity(n);
    let mut bottleneck: Option<(f64, usize)> = None;
    let mut over_takt = Vec::new();
    let mut work_content_s = 0.0;
    // Waste by category: first-pass time of tagged steps and queues, rework passes as defects.
    // Seconds by category (Waste::ALL order), then untagged NVA time.
    let mut waste = [0.0f64; 9];
    let slot = |w: Waste| Waste::ALL.iter().position(|&x| x == w).unwrap_or(8);
    let mut add_waste = |tags: &[WasteTag], seconds: f64, default: Option<Waste>| {
        if seconds <= 0.0 {
            return;
        }
        if tags.is_empty() {
            waste[default.map_or(8, slot)] += seconds;
            return;
        }
        let given: f64 = tags.iter().filter_map(|t| t.share()).sum();
        let plain = tags.iter().filter(|t| t.share().is_none()).count();
        let rest = if plain > 0 {
            (1.0 - given).max(0.0) / plain as f64
        } else {
            0.0
        };
        for t in tags {
            waste[slot(t.kind())] += seconds * t.share().unwrap_or(rest);
        }
    };
    let mut tagged = 0;
    for (i, s) in g.info.iter().enumerate() {
        let work = pt[i] * visits[i];
        work_content_s += work;
        let ect = if s.endpoint {
            0.0
        } else {
            (work + s.changeover) / s.capacity
        };
        if !s.endpoint && bottleneck.is_none_or(|(b, _)| ect > b) && ect > 0.0 {
            bottleneck = Some((ect, i));
        }
        let utilisation = takt_s.map(|t| if t > 0.0 { ect / t } else { 0.0 });
        if takt_s.is_some_and(|t| ect > t) {
            over_takt.push(doc.steps[i].id.clone());
        }
        let rework = extra[i].time;
        steps.push(StepMetrics {
            visits: visits[i],
            ect_s: ect,
            utilisation,
            critical: on_path[i],
            rework_s: rework,
        });
        let nonvalue = match s.value {
            Some(ValueClass::Nva) => lt[i],
            _ if !s.tagged => 0.0,
            _ => lt[i] - pt[i],
        };
        let tags = if s.tagged {
            tagged += 1;
            g.step_tags.get(tagged - 1)
        } else {
            &[]
        };
        if nonvalue > 0.0 {
            add_waste(tags, nonvalue * reach[i], None);
        }
        if rework > 0.0 {
            add_waste(&[], rework * reach[i], Some(Waste::Defects));
        }
    }
    let wip_items = g.wip_items;
    let mut tagged = 0;
    for f in &g.flows {
        let tags = if f.tagged {
            tagged += 1;
            g.flow_tags.get(tagged - 1)
        } else {
            &[]
        };
        if f.kind.is_forward() && f.wait > 0.0 {
            add_waste(
                tags,
                f.wait * reach[f.from as usize] * f.p,
                Some(Waste::Waiting),
            );
        }
    }

    let littles_law = match (g.seconds_per_item, wip_items > 0.0) {
        (Some(spi), true) => {
            let throughput = 1.0 / spi;
            let expected = throughput * total.time;
            let deviation = if expected > 0.0 {
                (wip_items - expected).abs() / expected
            } else {
                f64::INFINITY
            };
            Some(LittlesLaw {
                wip: wip_items,
                throughput_per_s: throughput,
                expected_wip: expected,
                deviation: if deviation.is_finite() {
                    deviation
                } else {
                    1.0
                },
                consistent: deviation <= 0.25,
            })
        }
        _ => None,
    };

    let ratio = |a: f64| {
        if total.time > 0.0 {
            (a / total.time).min(1.0)
        } else {
            0.0
        }
    };
    let gate_share = ratio(total.gate);
    let a = Analysis {
        lead_time_s: total.time,
        process_time_s: total.pt,
        work_content_s,
        va_time_s: total.va,
        pce: ratio(total.va),
        activity_ratio: ratio(total.pt),
        rolled_pca,
        takt_s,
        bottleneck: bottleneck.map(|(_, i)| doc.steps[i].id.clone()),
        over_takt,
        critical_path,
        ladder,
        handoffs: Handoffs::default(),
        gate_time_s: total.gate,
        gate_share,
        redundant_gates: Vec::new(),
        waste_s: waste
            .iter()
            .enumerate()
            .filter(|(_, &v)| v > 0.0)
            .map(|(k, &v)| {
                let name = Waste::ALL.get(k).map_or("untagged", |w| w.name());
                (name.to_string(), v)
            })
            .collect(),
        waste_assets: [
            ("inventory", g.unconsumed.len()),
            ("transportation", g.copies.len()),
        ]
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(k, n)| (k.to_string(), n as u32))
        .collect(),
        wip_items,
        disconnected: Vec::new(),
        littles_law,
        flow: FlowMetrics {
            flow_time_s: total.time,
            flow_load: wip_items,
            flow_efficiency: ratio(total.pt),
        },
        steps,
        warnings: Vec::new(),
    };
    (a, path_flows)
}

/// The time after a step inside a loop body: its flows to other body steps, combined.
fn combine(g: &Graph, x: u32, stamp: &[(u32, u32)], j: u32, d: &[Acc]) -> Acc {
    let xi = x as usize;
    let at = |f: u32| stamp[g.flows[f as usize].to as usize].1 as usize;
    let inside = g
        .outs(xi)
        .iter()
        .copied()
        .filter(|&f| stamp[g.flows[f as usize].to as usize].0 == j);
    if g.info[xi].xor {
        let (mut acc, mut psum) = (Acc::default(), 0.0);
        for f in inside {
            let fl = &g.flows[f as usize];
            acc = acc.add(Acc::wait(fl.wait).add(d[at(f)]).scale(fl.p));
            psum += fl.p;
        }
        if psum > 0.0 {
            acc.scale(1.0 / psum)
        } else {
            acc
        }
    } else {
        let mut best: Option<Acc> = None;
        for f in inside {
            let fl = &g.flows[f as usize];
            let b = Acc::wait(fl.wait).add(d[at(f)]);
            if best.is_none_or(|c| b.time > c.time) {
                best = Some(b);
            }
        }
        best.unwrap_or_default()
    }
}

/// Gates on one path that check the same control (same regulation, same control id), and
/// consecutive approvals by the same role (a gate's item flow straight into another gate with
/// the same approver). A pair found both ways is listed once.
fn redundant_gates(g: &Graph) -> Vec<[String; 2]> {
    let doc = g.doc;
    // Groups of gates checking one control, in the order the controls first appear.
    let mut group_of: rustc_hash::FxHashMap<(&str, &str), usize> = Default::default();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for (i, _) in g.info.iter().enumerate().filter(|(_, s)| s.gate) {
        let s = &doc.steps[i];
        let Some(gd) = &s.gate else { continue };
        let Some(c) = gd
            .control
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        let reg = gd.regulation.as_deref().map_or("", str::trim);
        let k = *group_of.entry((reg, c)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[k].push(i as u32);
    }
    let mut out = Vec::new();
    // Consecutive approvals by one role: a gate whose item flow leads straight to another gate
    // with the same approver.
    let approver = |i: usize| {
        doc.steps[i]
            .gate
            .as_ref()
            .and_then(|gd| gd.approver.as_deref())
            .map(str::trim)
            .filter(|a| !a.is_empty())
    };
    for (i, _) in g.info.iter().enumerate().filter(|(_, s)| s.gate) {
        let Some(a) = approver(i) else { continue };
        for &f in g.outs(i) {
            let j = g.flows[f as usize].to as usize;
            if g.info[j].gate && approver(j).is_some_and(|b| b.eq_ignore_ascii_case(a)) {
                out.push([doc.steps[i].id.clone(), doc.steps[j].id.clone()]);
            }
        }
    }
    for mut gates in groups {
        gates.sort_by_key(|&x| g.pos[x as usize]);
        // Small groups: every pair on one path. Large ones (generated maps): each gate against
        // the few nearest before it, so the check stays linear.
        let reach_back = if gates.len() <= 8 { gates.len() } else { 3 };
        for k in 1..gates.len() {
            for &a in gates[k.saturating_sub(reach_back)..k].iter().rev() {
                let b = gates[k];
                if g.reaches(a, b) {
                    out.push([
                        doc.steps[a as usize].id.clone(),
                        doc.steps[b as usize].id.clone(),
                    ]);
                    if reach_back < gates.len() {
                        break;
                    }
                }
            }
        }
    }
    let mut seen = rustc_hash::FxHashSet::default();
    out.retain(|p| seen.insert(p.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_core_changes_nothing() {
        // Large maps compute the side part on another thread; the result must be the same.
        let doc = crate::gen::generate(PARALLEL_FROM + 500, 3);
        let g = Graph::build(&doc).unwrap();
        let parallel = analyze_graph(&g);
        let sequential = finish(&g, main_part(&g), side(&g));
        assert_eq!(parallel, sequential);
        assert!(parallel.handoffs.total > 0 && !parallel.warnings.is_empty());
    }
}
