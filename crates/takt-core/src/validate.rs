//! Validation: every rule a document must satisfy, each broken rule a typed error that names the
//! element and the field. [`Graph::build`] validates and compiles the routing in one pass, so the
//! analysis never sees an invalid map.

use crate::duration::{Calendar, Duration};
pub use crate::graph::{FlowC, Graph, IdIndex, StepInfo, TagRuns};
use crate::model::*;
pub use crate::model::{is_date, parse_date};
use rustc_hash::FxHashMap;
use std::fmt;

/// The longest time a map may hold, in seconds (about 31 700 years). Anything longer is a typo,
/// and times below it can be added up and multiplied by the analysis and the Monte Carlo
/// without overflowing to infinity.
pub const MAX_SECONDS: f64 = 1e12;
/// The smallest servers, batch size and uptime (in percent) a map may give: the analysis divides
/// times by them.
pub const MIN_AMOUNT: f64 = 1e-6;
/// The largest WIP a map may give: the analysis multiplies it by the time per demanded item.
pub const MAX_AMOUNT: f64 = 1e12;

/// A rule the document breaks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("{element}: {field} is {value}; times cannot be negative")]
    NegativeTime {
        element: Element,
        field: &'static str,
        value: String,
    },
    #[error("{element}: {field} is {value}, which is not a finite number")]
    NotFinite {
        element: Element,
        field: &'static str,
        value: String,
    },
    #[error(
        "{element}: lead time {lt} is below its process time {pt}; lead time includes process time"
    )]
    LeadBelowProcess {
        element: Element,
        pt: String,
        lt: String,
    },
    #[error("{element}: {field} is {value}; it must be {rule}")]
    OutOfRange {
        element: Element,
        field: &'static str,
        value: f64,
        rule: &'static str,
    },
    #[error("{element}: the probabilities p of its XOR branches sum to {sum}, not 1")]
    XorProbabilities { element: Element, sum: f64 },
    #[error("{element}: p is {p}; a rework probability must be at least 0 and below 1")]
    ReworkProbability { element: Element, p: f64 },
    #[error("{element}: its rework flows send back {sum} of the items in all; the total must be below 1")]
    ReworkTotal { element: Element, sum: f64 },
    #[error("{element}: {field} refers to {target_kind} '{target}', which does not exist")]
    Dangling {
        element: Element,
        field: &'static str,
        target_kind: &'static str,
        target: String,
    },
    #[error("{element} is defined twice; ids must be unique")]
    DuplicateId { element: Element },
    #[error("the flows {} form a loop; only rework flows may go back upstream", path(.steps))]
    Cycle { steps: Vec<String> },
    #[error("{element} goes from '{from}' back to '{to}', but '{to}' is not upstream of '{from}'; rework must go backwards")]
    ReworkNotBackwards {
        element: Element,
        from: String,
        to: String,
    },
    #[error("{element}: step '{step}' inside the loop it closes also sends items to '{exit}', outside the loop; a rework loop may only be left at its end ('{end}')")]
    ReworkLoopExit {
        element: Element,
        step: String,
        exit: String,
        end: String,
    },
    #[error("the lineage edges {} form a loop; data cannot derive from itself", path(.assets))]
    LineageCycle { assets: Vec<String> },
    #[error("{element}: {field}: {message}")]
    Invalid {
        element: Element,
        field: &'static str,
        message: String,
    },
}

fn path(ids: &[String]) -> String {
    let mut s = ids
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(" -> ");
    if let Some(first) = ids.first() {
        s.push_str(&format!(" -> '{first}'"));
    }
    s
}

impl ModelError {
    /// The element at fault.
    pub fn element(&self) -> Element {
        match self {
            ModelError::NegativeTime { element, .. }
            | ModelError::NotFinite { element, .. }
            | ModelError::LeadBelowProcess { element, .. }
            | ModelError::OutOfRange { element, .. }
            | ModelError::XorProbabilities { element, .. }
            | ModelError::ReworkProbability { element, .. }
            | ModelError::ReworkTotal { element, .. }
            | ModelError::Dangling { element, .. }
            | ModelError::DuplicateId { element }
            | ModelError::ReworkNotBackwards { element, .. }
            | ModelError::ReworkLoopExit { element, .. }
            | ModelError::Invalid { element, .. } => element.clone(),
            ModelError::Cycle { steps } => {
                Element::Step(steps.first().cloned().unwrap_or_default())
            }
            ModelError::LineageCycle { assets } => {
                Element::Asset(assets.first().cloned().unwrap_or_default())
            }
        }
    }

    /// The field at fault, where one field is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ModelError::NegativeTime { field, .. }
            | ModelError::NotFinite { field, .. }
            | ModelError::OutOfRange { field, .. }
            | ModelError::Dangling { field, .. }
            | ModelError::Invalid { field, .. } => Some(field),
            ModelError::LeadBelowProcess { .. } => Some("lt"),
            ModelError::XorProbabilities { .. }
            | ModelError::ReworkProbability { .. }
            | ModelError::ReworkTotal { .. } => Some("p"),
            ModelError::ReworkNotBackwards { .. } | ModelError::ReworkLoopExit { .. } => Some("to"),
            ModelError::DuplicateId { .. } => Some("id"),
            ModelError::Cycle { .. } | ModelError::LineageCycle { .. } => None,
        }
    }
}

/// All the rules a document breaks, in document order; never empty.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ModelError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Checks every rule; `Ok` when the document is a valid map.
pub fn validate(doc: &ValueStream) -> Result<(), ValidationErrors> {
    Graph::build(doc).map(|_| ())
}

impl<'a> Graph<'a> {
    /// Validates the document and compiles its routing.
    pub fn build(doc: &'a ValueStream) -> Result<Graph<'a>, ValidationErrors> {
        let mut errs = Vec::new();
        let cal = doc.calendar;
        check_map(doc, &mut errs);

        // Teams.
        let mut team_ids: FxHashMap<&str, u32> = FxHashMap::default();
        for (k, t) in doc.teams.iter().enumerate() {
            check_id(&t.id, &|| Element::Team(t.id.clone()), &mut errs);
            if team_ids.insert(&t.id, k as u32).is_some() {
                errs.push(ModelError::DuplicateId {
                    element: Element::Team(t.id.clone()),
                });
            }
        }

        // Steps, in one pass over the records: on a large map the records do not stay in the
        // cache, and a second pass would read them from memory again.
        let n = doc.steps.len();
        let mut keys: Vec<u128> = Vec::with_capacity(n);
        let mut name_hash: Vec<u64> = Vec::with_capacity(n);
        let mut info = Vec::with_capacity(n);
        let mut linted = Vec::new();
        let mut step_tags = TagRuns::default();
        let mut pt = Vec::with_capacity(n);
        let mut lt = Vec::with_capacity(n);
        // Steps with a blank id (rare), and where each step with errors starts in `errs`:
        // errors about ids are only known once every id is indexed, and go before the step's
        // others.
        let mut blank_ids = Vec::new();
        let first_step_error = errs.len();
        let mut step_errors: Vec<(u32, usize)> = Vec::new();
        for (i, s) in doc.steps.iter().enumerate() {
            let before = errs.len();
            keys.push(IdIndex::key(&s.id));
            if is_blank_id(&s.id) {
                blank_ids.push(i as u32);
            }
            let name = s.name.trim();
            name_hash.push(crate::graph::fold_name(name));
            let mut team_ix = u32::MAX;
            if let Some(team) = &s.team {
                if let Some(&k) = team_ids.get(team.as_str()) {
                    team_ix = k;
                } else {
                    errs.push(ModelError::Dangling {
                        element: Element::Step(s.id.clone()),
                        field: "team",
                        target_kind: "team",
                        target: team.clone(),
                    });
                }
            }
            check_step(s, &cal, &mut errs);
            let endpoint = s.kind.is_endpoint();
            let p = if endpoint {
                0.0
            } else {
                s.pt.map_or(0.0, |d| d.seconds(&cal))
            };
            pt.push(p);
            lt.push(if endpoint {
                0.0
            } else {
                s.lt.map_or(p, |d| d.seconds(&cal))
            });
            let lint = crate::graph::step_flags(s, name.is_empty(), doc.demand.is_some());
            if lint != 0 {
                linted.push(i as u32);
            }
            info.push(StepInfo {
                xor: s.is_xor(),
                endpoint,
                gate: s.kind == StepKind::Gate,
                value: value_class(s),
                tagged: step_tags.push(&s.waste),
                pca: if endpoint {
                    1.0
                } else {
                    s.pca.unwrap_or(100.0) / 100.0
                },
                capacity: s.servers.unwrap_or(1.0) * s.uptime.unwrap_or(100.0) / 100.0,
                changeover: changeover_per_item(s, doc.demand.as_ref(), &cal),
                team: team_ix,
                lint,
            });
            if errs.len() > before {
                step_errors.push((i as u32, before));
            }
        }
        let (step_index, duplicate_ids) = IdIndex::build(keys, |i| &doc.steps[i].id);
        if !blank_ids.is_empty() || !duplicate_ids.is_empty() {
            let el = |i: u32| Element::Step(doc.steps[i as usize].id.clone());
            let mut early = Vec::with_capacity(blank_ids.len() + duplicate_ids.len());
            for &i in &blank_ids {
                let mut e = Vec::new();
                check_id(&doc.steps[i as usize].id, &|| el(i), &mut e);
                early.extend(e.into_iter().map(|e| (i, e)));
            }
            for &i in &duplicate_ids {
                early.push((i, ModelError::DuplicateId { element: el(i) }));
            }
            // A step's blank id before its being a duplicate: a stable sort.
            early.sort_by_key(|e| e.0);
            put_first(&mut errs, first_step_error, &step_errors, early);
        }

        // Flows; the lineage and kaizen checks on the second core meanwhile, on a large map.
        // Their errors follow the flows' either way, as the checks run in sequence.
        let seconds_per_item = doc.demand.map(|d| d.per.seconds(&cal) / d.items);
        let lineage = |errs: &mut Vec<ModelError>| {
            let unconsumed = check_lineage(doc, &step_index, errs);
            check_kaizen(doc, &step_index, errs);
            check_notes(doc, errs);
            unconsumed
        };
        let (fp, (unconsumed, copies)) = if n >= crate::graph::PARALLEL_FROM {
            std::thread::scope(|scope| {
                let side = scope.spawn(|| {
                    let mut errs = Vec::new();
                    (lineage(&mut errs), errs)
                });
                let fp = check_flows(doc, &step_index, &cal, seconds_per_item, &mut errs);
                let (found, lineage_errs) = side.join().expect("the lineage checks do not panic");
                errs.extend(lineage_errs);
                (fp, found)
            })
        } else {
            let fp = check_flows(doc, &step_index, &cal, seconds_per_item, &mut errs);
            (fp, lineage(&mut errs))
        };
        let FlowPass {
            flows,
            tags: flow_tags,
            wip_items,
            out_deg: fwd_out_deg,
            in_deg: fwd_in_deg,
            rework_deg: rw_deg,
        } = fp;

        if !errs.is_empty() {
            return Err(ValidationErrors(errs));
        }

        // Adjacency in compressed rows.
        let prefix = |deg: &[u32]| {
            let mut start = vec![0u32; n + 1];
            for i in 0..n {
                start[i + 1] = start[i] + deg[i];
            }
            start
        };
        let out_start = prefix(&fwd_out_deg);
        let in_start = prefix(&fwd_in_deg);
        let rework_start = prefix(&rw_deg);
        let mut out = vec![0u32; out_start[n] as usize];
        let mut inc = vec![0u32; in_start[n] as usize];
        let mut rework = vec![0u32; rework_start[n] as usize];
        let (mut o, mut ic, mut r) = (out_start.clone(), in_start.clone(), rework_start.clone());
        for (fi, f) in flows.iter().enumerate() {
            if f.kind.is_forward() {
                out[o[f.from as usize] as usize] = fi as u32;
                o[f.from as usize] += 1;
                inc[ic[f.to as usize] as usize] = fi as u32;
                ic[f.to as usize] += 1;
            } else if f.kind == FlowKind::Rework {
                rework[r[f.from as usize] as usize] = fi as u32;
                r[f.from as usize] += 1;
            }
        }
        let mut g = Graph {
            doc,
            calendar: cal,
            n,
            flows,
            out_start,
            out,
            in_start,
            inc,
            rework_start,
            rework,
            topo: Vec::new(),
            pos: Vec::new(),
            seconds_per_item,
            wip_items,
            step_index,
            pt,
            lt,
            info,
            step_tags,
            flow_tags,
            name_hash,
            linted,
            unconsumed,
            copies,
            loops: Vec::new(),
        };

        // XOR probabilities: unspecified branches share what the specified ones leave.
        for i in 0..n {
            let id = || doc.steps[i].id.clone();
            let outs = g.out_start[i] as usize..g.out_start[i + 1] as usize;
            let outs = outs.map(|k| g.out[k]);
            if g.info[i].xor {
                let fc = &g.flows;
                let given: f64 = outs
                    .clone()
                    .filter(|&f| fc[f as usize].given_p)
                    .map(|f| fc[f as usize].p)
                    .sum();
                let missing = outs.clone().filter(|&f| !fc[f as usize].given_p).count();
                let rest = 1.0 - given;
                if (missing == 0 && outs.len() > 0 && rest.abs() > 1e-6)
                    || (missing > 0 && rest < -1e-9)
                {
                    errs.push(ModelError::XorProbabilities {
                        element: Element::Step(id()),
                        sum: round6(given),
                    });
                } else if missing > 0 {
                    for f in outs {
                        if !g.flows[f as usize].given_p {
                            g.flows[f as usize].p = rest.max(0.0) / missing as f64;
                        }
                    }
                }
            } else {
                for f in outs {
                    if g.flows[f as usize].given_p {
                        errs.push(ModelError::Invalid {
                            element: Element::Flow(doc.flows[f as usize].key()),
                            field: "p",
                            message: format!(
                                "a branch probability only applies to the flows out of an XOR step, and '{}' is not one (set its split to \"xor\")",
                                doc.steps[i].id
                            ),
                        });
                    }
                    g.flows[f as usize].p = 1.0;
                }
            }
            let total: f64 = g.reworks(i).iter().map(|&f| g.flows[f as usize].p).sum();
            if total >= 1.0 {
                errs.push(ModelError::ReworkTotal {
                    element: Element::Step(id()),
                    sum: round6(total),
                });
            }
        }

        // Topological order; a loop of forward flows is an error that names its steps.
        let mut indeg: Vec<u32> = (0..n).map(|i| g.in_start[i + 1] - g.in_start[i]).collect();
        let mut stack: Vec<u32> = (0..n as u32)
            .rev()
            .filter(|&i| indeg[i as usize] == 0)
            .collect();
        let mut topo = Vec::with_capacity(n);
        while let Some(v) = stack.pop() {
            topo.push(v);
            for &f in g.outs(v as usize).iter().rev() {
                let w = g.flows[f as usize].to;
                indeg[w as usize] -= 1;
                if indeg[w as usize] == 0 {
                    stack.push(w);
                }
            }
        }
        if topo.len() < n {
            errs.push(ModelError::Cycle {
                steps: find_cycle(&g, &indeg),
            });
            return Err(ValidationErrors(errs));
        }
        let mut pos = vec![0u32; n];
        for (k, &v) in topo.iter().enumerate() {
            pos[v as usize] = k as u32;
        }
        g.topo = topo;
        g.pos = pos;

        // Rework flows go backwards, and close single-exit loops.
        let mut loops = Vec::new();
        for (fi, f) in g.flows.iter().enumerate() {
            if f.kind != FlowKind::Rework {
                continue;
            }
            let flow = &doc.flows[fi];
            let el = || Element::Flow(flow.key());
            match g.loop_body(f.to, f.from) {
                None => errs.push(ModelError::ReworkNotBackwards {
                    element: el(),
                    from: flow.from.clone(),
                    to: flow.to.clone(),
                }),
                Some(body) => {
                    if let Some((step, exit)) = g.loop_exit(&body, f.from) {
                        errs.push(ModelError::ReworkLoopExit {
                            element: el(),
                            step: doc.steps[step as usize].id.clone(),
                            exit: doc.steps[exit as usize].id.clone(),
                            end: flow.from.clone(),
                        });
                    }
                    loops.push((fi as u32, body));
                }
            }
        }
        loops.sort_by_key(|(f, _)| g.pos[g.flows[*f as usize].from as usize]);
        g.loops = loops;
        if errs.is_empty() {
            check_rework_passes(&g, &mut errs);
        }

        if errs.is_empty() {
            Ok(g)
        } else {
            Err(ValidationErrors(errs))
        }
    }

    /// The steps on forward paths from `start` to `end` (both included), in topological order;
    /// `None` when `end` is not downstream of `start`.
    pub fn loop_body(&self, start: u32, end: u32) -> Option<Vec<u32>> {
        let (ps, pe) = (self.pos[start as usize], self.pos[end as usize]);
        if ps > pe {
            return None;
        }
        if start == end {
            return Some(vec![start]);
        }
        // Ancestors of `end` inside the window of the topological order, then those reachable
        // from `start`: both searches stay between the two positions.
        let window = (pe - ps + 1) as usize;
        let mut mark = vec![0u8; window];
        let idx = |v: u32| (self.pos[v as usize] - ps) as usize;
        let mut stack = vec![end];
        mark[idx(end)] = 1;
        while let Some(v) = stack.pop() {
            for &f in self.ins(v as usize) {
                let u = self.flows[f as usize].from;
                if self.pos[u as usize] >= ps && mark[idx(u)] == 0 {
                    mark[idx(u)] = 1;
                    stack.push(u);
                }
            }
        }
        if mark[idx(start)] == 0 {
            return None;
        }
        mark[idx(start)] = 2;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &f in self.outs(v as usize) {
                let w = self.flows[f as usize].to;
                if self.pos[w as usize] <= pe && mark[idx(w)] == 1 {
                    mark[idx(w)] = 2;
                    stack.push(w);
                }
            }
        }
        Some(
            (ps..=pe)
                .map(|p| self.topo[p as usize])
                .filter(|&v| mark[idx(v)] == 2)
                .collect(),
        )
    }

    /// Whether `to` is downstream of `from` along forward flows (or is `from`).
    pub fn reaches(&self, from: u32, to: u32) -> bool {
        let (pf, pt) = (self.pos[from as usize], self.pos[to as usize]);
        if pf > pt {
            return false;
        }
        let mut seen = vec![false; (pt - pf + 1) as usize];
        let mut stack = vec![from];
        while let Some(v) = stack.pop() {
            if v == to {
                return true;
            }
            for &f in self.outs(v as usize) {
                let w = self.flows[f as usize].to;
                let pw = self.pos[w as usize];
                if pw <= pt && !seen[(pw - pf) as usize] {
                    seen[(pw - pf) as usize] = true;
                    stack.push(w);
                }
            }
        }
        false
    }

    /// A step of the loop body (other than its end) with a forward flow leaving the body.
    fn loop_exit(&self, body: &[u32], end: u32) -> Option<(u32, u32)> {
        let inside = |v: u32| {
            body.binary_search_by_key(&self.pos[v as usize], |&b| self.pos[b as usize])
                .is_ok()
        };
        for &v in body {
            if v == end {
                continue;
            }
            for &f in self.outs(v as usize) {
                let w = self.flows[f as usize].to;
                if !inside(w) {
                    return Some((v, w));
                }
            }
        }
        None
    }
}

/// Loops whose ends lie inside other loops multiply their expected passes: `1 / (1 - P)` for
/// each end along a chain of loops, each end inside the body of the next. Past 1e100 passes per
/// item the figures mean nothing and soon overflow to infinity, so such a map is refused (it takes
/// rework probabilities within a hair of 1, or a few hundred loops nested inside each other).
fn check_rework_passes(g: &Graph, errs: &mut Vec<ModelError>) {
    // ln(1e100).
    const LIMIT: f64 = 230.258_509_299_404_6;
    // ln of the expected passes through the loops that end at each step, inner loops included.
    let mut passes = vec![0.0f64; g.n];
    for (f, body) in &g.loops {
        let u = g.flows[*f as usize].from;
        let total: f64 = g
            .reworks(u as usize)
            .iter()
            .map(|&r| g.flows[r as usize].p)
            .sum();
        let inner = body
            .iter()
            .filter(|&&x| x != u)
            .map(|&x| passes[x as usize])
            .fold(0.0, f64::max);
        let here = inner - (-total).ln_1p();
        passes[u as usize] = passes[u as usize].max(here);
        if here > LIMIT {
            errs.push(ModelError::Invalid {
                element: Element::Flow(g.doc.flows[*f as usize].key()),
                field: "p",
                message: "with the rework loops inside it, an item would go round this loop more than 1e100 times on average; lower the rework probabilities".into(),
            });
            return;
        }
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Steps of one loop among the steps Kahn's algorithm could not order.
fn find_cycle(g: &Graph, indeg: &[u32]) -> Vec<String> {
    let start = (0..g.n).find(|&i| indeg[i] > 0).unwrap_or(0) as u32;
    // Walked backwards along unordered predecessors, then turned to run with the flows,
    // starting from the step that comes first in the document.
    let back = |v: u32| {
        g.ins(v as usize)
            .iter()
            .map(|&f| g.flows[f as usize].from)
            .find(|&u| indeg[u as usize] > 0)
    };
    let Some(mut cyc) = crate::graph::walk_to_cycle(g.n, start, back) else {
        return vec![g.doc.steps[start as usize].id.clone()];
    };
    cyc.reverse();
    let low = (0..cyc.len()).min_by_key(|&k| cyc[k]).unwrap_or(0);
    cyc.rotate_left(low);
    cyc.into_iter()
        .map(|i| g.doc.steps[i as usize].id.clone())
        .collect()
}

/// Flows whose key another flow before them has (by position, ascending). A flow without an id
/// is keyed by its ends, so those are grouped by their source step: a sort by position, not a
/// table of every pair, which at a hundred thousand flows no longer fits in the cache. `with_id`
/// lists the flows that have an id (rare), by position.
fn duplicate_flows(
    doc: &ValueStream,
    steps: &IdIndex,
    ends: &[(Option<u32>, Option<u32>)],
    with_id: &[u32],
) -> Vec<u32> {
    let n = doc.steps.len();
    let mut ids = with_id.iter().copied().peekable();
    // Flows without an id whose ends are known, with those ends.
    let mut derived: Vec<(u32, u32, u32)> = Vec::with_capacity(ends.len());
    for (fi, &e) in ends.iter().enumerate() {
        let fi = fi as u32;
        if ids.next_if_eq(&fi).is_some() {
            continue;
        }
        if let (Some(a), Some(b)) = e {
            derived.push((fi, a, b));
        }
    }
    // Derived keys: flows grouped by source, each group in document order.
    let mut start = vec![0u32; n + 2];
    for &(_, a, _) in &derived {
        start[a as usize + 2] += 1;
    }
    for i in 2..start.len() {
        start[i] += start[i - 1];
    }
    let mut by_source = vec![0u32; derived.len()];
    for &(fi, a, _) in &derived {
        let at = &mut start[a as usize + 1];
        by_source[*at as usize] = fi;
        *at += 1;
    }
    let group = |a: u32| &by_source[start[a as usize] as usize..start[a as usize + 1] as usize];
    let target = |fi: u32| ends[fi as usize].1.unwrap_or(u32::MAX);
    // The first flow with these ends and no id.
    let first_derived = |a: u32, b: u32| group(a).iter().copied().find(|&f| target(f) == b);
    let mut dups = Vec::new();
    for a in 0..n as u32 {
        let g = group(a);
        if g.len() < 2 {
            continue;
        }
        if g.len() <= 16 {
            for (j, &f) in g.iter().enumerate() {
                if g[..j].iter().any(|&e| target(e) == target(f)) {
                    dups.push(f);
                }
            }
        } else {
            let mut sorted: Vec<(u32, u32)> = g.iter().map(|&f| (target(f), f)).collect();
            sorted.sort_unstable();
            dups.extend(
                sorted
                    .windows(2)
                    .filter(|w| w[0].0 == w[1].0)
                    .map(|w| w[1].1),
            );
        }
    }
    // Explicit ids (rare): against each other, and against the derived keys before them.
    if !with_id.is_empty() {
        let mut explicit: FxHashMap<&str, u32> = FxHashMap::default();
        for &fi in with_id {
            if let Some(id) = &doc.flows[fi as usize].id {
                explicit.entry(id).or_insert(fi);
            }
        }
        for &fi in with_id {
            let id = doc.flows[fi as usize].id.as_deref().unwrap_or_default();
            let duplicate = explicit[id] < fi
                || id
                    .split_once('>')
                    .is_some_and(|(a, b)| match (steps.get(a), steps.get(b)) {
                        (Some(a), Some(b)) => first_derived(a, b).is_some_and(|d| d < fi),
                        _ => false,
                    });
            if duplicate {
                dups.push(fi);
            }
        }
        for &(fi, _, _) in &derived {
            let f = &doc.flows[fi as usize];
            if explicit.get(f.key().as_str()).is_some_and(|&e| e < fi) {
                dups.push(fi);
            }
        }
    }
    dups.sort_unstable();
    dups.dedup();
    dups
}

/// Puts `early` (errors found only after a pass over a list of elements, by position in the
/// list, ascending) into `errs`, each before the other errors of its element. The pass's errors
/// start at `first` in `errs`; `marks` gives each element with errors and where its errors start.
fn put_first(
    errs: &mut Vec<ModelError>,
    first: usize,
    marks: &[(u32, usize)],
    early: Vec<(u32, ModelError)>,
) {
    let end_of_all = errs.len();
    let mut rest = errs.split_off(first).into_iter();
    let mut early = early.into_iter().peekable();
    let mut starts = marks.iter().enumerate().peekable();
    loop {
        let next = [early.peek().map(|e| e.0), starts.peek().map(|(_, m)| m.0)]
            .into_iter()
            .flatten()
            .min();
        let Some(i) = next else { break };
        while let Some((_, e)) = early.next_if(|e| e.0 == i) {
            errs.push(e);
        }
        if let Some((k, &(_, at))) = starts.next_if(|(_, m)| m.0 == i) {
            // This element's errors run to where the next one's start.
            let end = marks.get(k + 1).map_or(end_of_all, |m| m.1);
            errs.extend(rest.by_ref().take(end - at));
        }
    }
}

fn is_blank_id(id: &str) -> bool {
    // Blank ids are rare: look at the first byte before trimming.
    id.is_empty() || (!id.as_bytes()[0].is_ascii_alphanumeric() && id.trim().is_empty())
}

fn check_id(id: &str, el: &dyn Fn() -> Element, errs: &mut Vec<ModelError>) {
    if is_blank_id(id) {
        errs.push(ModelError::Invalid {
            element: el(),
            field: "id",
            message: "the id is empty".into(),
        });
    }
}

fn check_time(
    el: &dyn Fn() -> Element,
    field: &'static str,
    d: &Duration,
    cal: &Calendar,
    errs: &mut Vec<ModelError>,
) {
    let s = d.seconds(cal);
    if !s.is_finite() {
        errs.push(ModelError::NotFinite {
            element: el(),
            field,
            value: d.to_string(),
        });
    } else if s < 0.0 {
        errs.push(ModelError::NegativeTime {
            element: el(),
            field,
            value: d.to_string(),
        });
    } else if s > MAX_SECONDS {
        errs.push(ModelError::Invalid {
            element: el(),
            field,
            message: format!(
                "{} is longer than the longest time a map may hold, 1e12 s (about 31 700 years)",
                short(d)
            ),
        });
    }
}

/// A duration as written, with huge and tiny numbers in exponent form.
fn short(d: &Duration) -> String {
    format!("{}{}", num(d.value), d.unit)
}

/// A number for a message: in exponent form when plain digits would run long.
fn num(v: f64) -> String {
    if v != 0.0 && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

fn check_range(
    el: &dyn Fn() -> Element,
    field: &'static str,
    r: &Range,
    point: Option<&Duration>,
    cal: &Calendar,
    errs: &mut Vec<ModelError>,
) {
    let before = errs.len();
    check_time(el, field, &r.min, cal, errs);
    check_time(el, field, &r.max, cal, errs);
    if let Some(l) = &r.likely {
        check_time(el, field, l, cal, errs);
    }
    if errs.len() > before {
        return;
    }
    let (lo, hi) = (r.min.seconds(cal), r.max.seconds(cal));
    let likely = r.likely.as_ref().or(point).map(|d| d.seconds(cal));
    let ordered = lo <= hi && likely.is_none_or(|m| lo <= m + 1e-9 && m <= hi + 1e-9);
    if !ordered {
        let l = r
            .likely
            .as_ref()
            .or(point)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        errs.push(ModelError::Invalid {
            element: el(),
            field,
            message: format!(
                "min {}, most likely {}, max {} are out of order; they must be min <= likely <= max",
                r.min, l, r.max
            ),
        });
    }
}

fn check_percent(
    el: &dyn Fn() -> Element,
    field: &'static str,
    v: Option<f64>,
    zero_ok: bool,
    errs: &mut Vec<ModelError>,
) {
    if let Some(v) = v {
        let ok = v.is_finite() && v <= 100.0 && if zero_ok { v >= 0.0 } else { v > 0.0 };
        if ok && !zero_ok && v < MIN_AMOUNT {
            errs.push(ModelError::OutOfRange {
                element: el(),
                field,
                value: v,
                rule: "at least 1e-6 (percent)",
            });
        } else if !ok {
            errs.push(ModelError::OutOfRange {
                element: el(),
                field,
                value: v,
                rule: if zero_ok {
                    "a percentage between 0 and 100"
                } else {
                    "a percentage above 0 and at most 100"
                },
            });
        }
    }
}

fn check_positive(
    el: &dyn Fn() -> Element,
    field: &'static str,
    v: Option<f64>,
    errs: &mut Vec<ModelError>,
) {
    if let Some(v) = v {
        if !(v.is_finite() && v > 0.0) {
            errs.push(ModelError::OutOfRange {
                element: el(),
                field,
                value: v,
                rule: "a number above 0",
            });
        } else if v < MIN_AMOUNT {
            errs.push(ModelError::OutOfRange {
                element: el(),
                field,
                value: v,
                rule: "at least 1e-6",
            });
        }
    }
}

fn check_waste(el: &dyn Fn() -> Element, tags: &[WasteTag], errs: &mut Vec<ModelError>) {
    let mut total = 0.0;
    for t in tags {
        if let Some(s) = t.share() {
            if !(s.is_finite() && (0.0..=1.0).contains(&s)) {
                errs.push(ModelError::OutOfRange {
                    element: el(),
                    field: "waste",
                    value: s,
                    rule: "a share between 0 and 1",
                });
                return;
            }
            total += s;
        }
    }
    if total > 1.0 + 1e-9 {
        errs.push(ModelError::OutOfRange {
            element: el(),
            field: "waste",
            value: round6(total),
            rule: "at most 1 when the shares are added up",
        });
    }
}

fn check_step(s: &Step, cal: &Calendar, errs: &mut Vec<ModelError>) {
    let el = || Element::Step(s.id.clone());
    let before = errs.len();
    if let Some(pt) = &s.pt {
        check_time(&el, "pt", pt, cal, errs);
    }
    if let Some(lt) = &s.lt {
        check_time(&el, "lt", lt, cal, errs);
    }
    if errs.len() == before {
        if let (Some(pt), Some(lt)) = (&s.pt, &s.lt) {
            if lt.seconds(cal) < pt.seconds(cal) * (1.0 - 1e-12) {
                errs.push(ModelError::LeadBelowProcess {
                    element: el(),
                    pt: pt.to_string(),
                    lt: lt.to_string(),
                });
            }
        }
    }
    if let Some(c) = &s.changeover {
        check_time(&el, "changeover", c, cal, errs);
    }
    if let Some(e) = &s.epe {
        let before = errs.len();
        check_time(&el, "epe", e, cal, errs);
        if errs.len() == before && e.seconds(cal) <= 0.0 {
            errs.push(ModelError::Invalid {
                element: el(),
                field: "epe",
                message: format!(
                    "EPE is {e}; the interval in which every item type is made must be longer than 0"
                ),
            });
        }
    }
    check_percent(&el, "pca", s.pca, true, errs);
    check_percent(&el, "uptime", s.uptime, false, errs);
    check_positive(&el, "servers", s.servers, errs);
    check_positive(&el, "batch", s.batch, errs);
    for d in &s.samples {
        check_time(&el, "samples", d, cal, errs);
    }
    if s.checklist.iter().any(|c| c.text.trim().is_empty()) {
        errs.push(ModelError::Invalid {
            element: el(),
            field: "checklist",
            message: "a checklist item needs a text".into(),
        });
    }
    if let Some(r) = &s.pt_range {
        check_range(&el, "pt_range", r, s.pt.as_ref(), cal, errs);
    }
    if let Some(r) = &s.lt_range {
        check_range(
            &el,
            "lt_range",
            r,
            s.lt.as_ref().or(s.pt.as_ref()),
            cal,
            errs,
        );
    }
    if let Some(g) = &s.gate {
        if let Some(sla) = &g.sla {
            check_time(&el, "gate.sla", sla, cal, errs);
        }
        for e in &g.evidence {
            check_evidence(&el, e, errs);
        }
    }
    check_waste(&el, &s.waste, errs);
}

/// An evidence item: a title, a due date that is a date, a link that is a URL or a path.
fn check_evidence(el: &dyn Fn() -> Element, e: &Evidence, errs: &mut Vec<ModelError>) {
    let invalid = |field, message| ModelError::Invalid {
        element: el(),
        field,
        message,
    };
    if e.title.trim().is_empty() {
        errs.push(invalid(
            "gate.evidence.title",
            "an evidence item needs a title".into(),
        ));
    }
    let named = || format!("evidence '{}'", e.title.trim());
    if let Some(due) = &e.due {
        if !is_date(due) {
            errs.push(invalid(
                "gate.evidence.due",
                format!(
                    "{}: the due date '{due}' is not a date; write it as YYYY-MM-DD",
                    named()
                ),
            ));
        }
    }
    if let Some(link) = &e.link {
        if let Err(why) = check_link(link) {
            errs.push(invalid(
                "gate.evidence.link",
                format!("{}: the link '{link}' {why}", named()),
            ));
        }
    }
}

/// A link is a URL (`https://…`, `file:///…`, `mailto:…`) or a path (`/…`, `~/…`, `./…`,
/// `C:\…`, `reports/x.pdf`): something the operating system can open, on the user's click.
pub fn check_link(link: &str) -> Result<(), &'static str> {
    let l = link.trim();
    if l.is_empty() || l != link {
        return Err("has spaces around it or is empty");
    }
    if l.chars().any(char::is_control) {
        return Err("holds control characters");
    }
    if let Some((scheme, rest)) = l.split_once(':') {
        let is_scheme = scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme {
            let scheme = scheme.to_ascii_lowercase();
            if ["javascript", "data", "vbscript"].contains(&scheme.as_str()) {
                return Err("is a script or data URL, which Takt does not open");
            }
            if scheme == "mailto" {
                return if rest.contains('@') {
                    Ok(())
                } else {
                    Err("is not an e-mail address")
                };
            }
            return if rest.starts_with("//") && rest.len() > 2 && !rest.contains(' ') {
                Ok(())
            } else {
                Err("is not a URL (write it as https://host/path)")
            };
        }
    }
    let drive = l.len() > 2 && l.as_bytes()[1] == b':' && l.as_bytes()[0].is_ascii_alphabetic();
    if l.contains('/') || l.contains('\\') || drive {
        Ok(())
    } else {
        Err("is neither a URL (https://…) nor a path (/…, ~/…, ./…)")
    }
}

/// The value class a step counts as: its own, or, unclassified, value-adding for a process
/// step (Rother and Shook count the processing time of process boxes as value-adding) and
/// business-necessary for a gate. Suppliers and customers stand outside the stream.
pub fn value_class(s: &Step) -> Option<ValueClass> {
    s.value.or(match s.kind {
        StepKind::Process => Some(ValueClass::Va),
        StepKind::Gate => Some(ValueClass::Bnva),
        StepKind::Supplier | StepKind::Customer => None,
    })
}

/// The changeover a step spends per item (VSM-REFERENCE section 4): once per batch with a batch
/// size; once per EPE interval with an EPE and demand, shared by the items demanded in one
/// interval; otherwise not charged (the lints warn: `changeover_unamortised`). Seconds.
pub fn changeover_per_item(s: &Step, demand: Option<&Demand>, cal: &Calendar) -> f64 {
    let Some(c) = s.changeover.map(|c| c.seconds(cal)) else {
        return 0.0;
    };
    if let Some(b) = s.batch {
        return c / b;
    }
    match (s.epe, demand) {
        (Some(e), Some(d)) => {
            let items = d.items * e.seconds(cal) / d.per.seconds(cal);
            if items > 0.0 {
                c / items
            } else {
                0.0
            }
        }
        _ => 0.0,
    }
}

fn check_map(doc: &ValueStream, errs: &mut Vec<ModelError>) {
    check_catalogue(&doc.catalogue, errs);
    for j in &doc.justifications {
        let invalid = |field, message| ModelError::Invalid {
            element: Element::Map,
            field,
            message,
        };
        if j.text.trim().is_empty() {
            errs.push(invalid(
                "justifications",
                format!("the justification for gate '{}' says nothing", j.gate),
            ));
        }
        if let Some(d) = j.date.as_deref().filter(|d| !is_date(d)) {
            errs.push(invalid(
                "justifications",
                format!(
                    "the justification for gate '{}' is dated '{d}', which is not a date; write it as YYYY-MM-DD",
                    j.gate
                ),
            ));
        }
    }
    let c = &doc.calendar;
    let before = errs.len();
    if !(c.hours_per_day.is_finite() && c.hours_per_day > 0.0 && c.hours_per_day <= 24.0) {
        errs.push(ModelError::OutOfRange {
            element: Element::Map,
            field: "calendar.hours_per_day",
            value: c.hours_per_day,
            rule: "above 0 and at most 24",
        });
    }
    if !(c.days_per_week.is_finite() && c.days_per_week > 0.0 && c.days_per_week <= 7.0) {
        errs.push(ModelError::OutOfRange {
            element: Element::Map,
            field: "calendar.days_per_week",
            value: c.days_per_week,
            rule: "above 0 and at most 7",
        });
    }
    if let Some(d) = &doc.demand {
        if !(d.items.is_finite() && d.items > 0.0) {
            errs.push(ModelError::OutOfRange {
                element: Element::Map,
                field: "demand.items",
                value: d.items,
                rule: "a number of items above 0",
            });
        }
        let per = d.per.seconds(c);
        if !(per.is_finite() && per > 0.0) {
            errs.push(ModelError::Invalid {
                element: Element::Map,
                field: "demand.per",
                message: format!("the period {} must be a time above 0", d.per),
            });
        } else if per > MAX_SECONDS {
            check_time(&|| Element::Map, "demand.per", &d.per, c, errs);
        } else if errs.len() == before && d.items.is_finite() && d.items > 0.0 {
            // The analysis divides by the takt and multiplies WIP by the time per item.
            let per_item = per / d.items;
            let takt = per_item * c.working_share();
            if !(takt >= 1e-6 && per_item <= MAX_SECONDS) {
                errs.push(ModelError::Invalid {
                    element: Element::Map,
                    field: "demand.items",
                    message: format!(
                        "{} items per {} is one item every {} s (a takt of {} s of working time); demand must give one item every 1e12 s at most, with a takt of 1e-6 s at least",
                        num(d.items),
                        short(&d.per),
                        num(per_item),
                        num(takt)
                    ),
                });
            }
        }
    }
}

/// A regulation catalogue's entries: each names its regulation and control, once, with a
/// transcription date that is a date.
pub fn check_catalogue(entries: &[Control], errs: &mut Vec<ModelError>) {
    let mut seen = std::collections::HashSet::new();
    for c in entries {
        let invalid = |field, message| ModelError::Invalid {
            element: Element::Map,
            field,
            message,
        };
        if c.regulation.trim().is_empty() || c.control.trim().is_empty() {
            errs.push(invalid(
                "catalogue",
                format!(
                    "a catalogue entry needs a regulation and a control; '{}' / '{}' lacks one",
                    c.regulation, c.control
                ),
            ));
            continue;
        }
        if !seen.insert((c.regulation.trim(), c.control.trim())) {
            errs.push(invalid(
                "catalogue",
                format!(
                    "the catalogue lists {} {} twice",
                    c.regulation.trim(),
                    c.control.trim()
                ),
            ));
        }
        if let Some(d) = c.transcribed.as_deref().filter(|d| !is_date(d)) {
            errs.push(invalid(
                "catalogue",
                format!(
                    "{} {}: transcribed '{d}' is not a date; write it as YYYY-MM-DD",
                    c.regulation.trim(),
                    c.control.trim()
                ),
            ));
        }
    }
}

/// Checks assets, lineage and links; returns the assets nothing consumes.
/// Checks the assets, the lineage and the links; returns the assets nothing consumes and the
/// copies (see `copies`).
fn check_lineage(
    doc: &ValueStream,
    steps: &IdIndex,
    errs: &mut Vec<ModelError>,
) -> (Vec<u32>, Vec<u32>) {
    // Keys and lookups with hints, as for steps and flows (see `Graph::build`).
    let keys: Vec<u128> = doc.assets.iter().map(|a| IdIndex::key(&a.id)).collect();
    let (assets, duplicates) = IdIndex::build(keys, |i| &doc.assets[i].id);
    let mut duplicates = duplicates.into_iter().peekable();
    for (i, a) in doc.assets.iter().enumerate() {
        let el = || Element::Asset(a.id.clone());
        check_id(&a.id, &el, errs);
        if duplicates.next_if_eq(&(i as u32)).is_some() {
            errs.push(ModelError::DuplicateId { element: el() });
        }
        if let Some(lt) = &a.lt {
            check_time(&el, "lt", lt, &doc.calendar, errs);
        }
        if let Some(t) = &a.team {
            if doc.team(t).is_none() {
                errs.push(ModelError::Dangling {
                    element: el(),
                    field: "team",
                    target_kind: "team",
                    target: t.clone(),
                });
            }
        }
    }
    // Edges are keyed by their ends: by position where both are known, else by name.
    let mut known: FxHashMap<(u32, u32), ()> = FxHashMap::default();
    known.reserve(doc.lineage.len());
    let mut unknown: FxHashMap<(&str, &str), ()> = FxHashMap::default();
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(doc.lineage.len());
    let mut consumed = vec![false; doc.assets.len()];
    let mut ok = true;
    let mut last = u32::MAX;
    for e in &doc.lineage {
        let el = || Element::Lineage(e.key());
        let (from, to) = assets.find_ends(&e.from, &e.to, &mut last);
        for (field, id, end) in [("from", &e.from, from), ("to", &e.to, to)] {
            if end.is_none() {
                ok = false;
                errs.push(ModelError::Dangling {
                    element: el(),
                    field,
                    target_kind: "data asset",
                    target: id.clone(),
                });
            }
        }
        let repeated = match (from, to) {
            (Some(a), Some(b)) => known.insert((a, b), ()).is_some(),
            _ => unknown.insert((&e.from, &e.to), ()).is_some(),
        };
        if repeated {
            errs.push(ModelError::DuplicateId { element: el() });
        }
        if let (Some(a), Some(b)) = (from, to) {
            edges.push((a, b));
            consumed[a as usize] = true;
        }
    }
    if ok {
        if let Some(cycle) = crate::graph::find_cycle(doc.assets.len(), &edges) {
            errs.push(ModelError::LineageCycle {
                assets: cycle
                    .into_iter()
                    .map(|i| doc.assets[i as usize].id.clone())
                    .collect(),
            });
        }
    }
    let mut link_keys: FxHashMap<(&str, &str, LinkMode), ()> = FxHashMap::default();
    for l in &doc.links {
        let el = || Element::Link(l.key());
        if !steps.contains(&l.step) {
            errs.push(ModelError::Dangling {
                element: el(),
                field: "step",
                target_kind: "step",
                target: l.step.clone(),
            });
        }
        if !assets.contains(&l.asset) {
            errs.push(ModelError::Dangling {
                element: el(),
                field: "asset",
                target_kind: "data asset",
                target: l.asset.clone(),
            });
        }
        if link_keys.insert((&l.step, &l.asset, l.mode), ()).is_some() {
            errs.push(ModelError::DuplicateId { element: el() });
        }
        if l.mode == LinkMode::Read {
            if let Some(a) = assets.get(&l.asset) {
                consumed[a as usize] = true;
            }
        }
    }
    let unconsumed = doc
        .assets
        .iter()
        .enumerate()
        .filter(|(i, a)| !consumed[*i] && a.kind != AssetKind::Endpoint)
        .map(|(i, _)| i as u32)
        .collect();
    (unconsumed, copies(doc, &edges))
}

/// Datasets that copy another dataset with no transformation, as transportation waste
/// candidates: a dataset whose one input is a dataset (drawn straight from it, no job between),
/// or whose one input is a job with one input and one output where both datasets have the same
/// name in different places (a replication job: `pg/public.orders` to `s3://lake/orders.parquet`).
fn copies(doc: &ValueStream, edges: &[(u32, u32)]) -> Vec<u32> {
    let n = doc.assets.len();
    let mut ins: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut outs = vec![0u32; n];
    for &(a, b) in edges {
        ins[b as usize].push(a);
        outs[a as usize] += 1;
    }
    let mut out = Vec::new();
    for (i, a) in doc.assets.iter().enumerate() {
        if a.kind != AssetKind::Dataset {
            continue;
        }
        let [u] = ins[i][..] else { continue };
        let u = u as usize;
        let copy = match doc.assets[u].kind {
            AssetKind::Dataset => true,
            AssetKind::Job => match ins[u][..] {
                [x] => {
                    outs[u] == 1
                        && doc.assets[x as usize].kind == AssetKind::Dataset
                        && base_name(&doc.assets[x as usize].id) == base_name(&a.id)
                }
                _ => false,
            },
            _ => false,
        };
        if copy {
            out.push(i as u32);
        }
    }
    out
}

/// A dataset's name without where it is kept: the last part of its path, without a file
/// extension or a database schema ("pg/public.orders" and "s3://lake/orders.parquet": "orders").
fn base_name(id: &str) -> String {
    let last = id.rsplit('/').next().unwrap_or(id);
    let last = [
        "parquet", "csv", "json", "jsonl", "avro", "orc", "delta", "gz",
    ]
    .iter()
    .fold(last, |s, ext| {
        s.strip_suffix(&format!(".{ext}")[..]).unwrap_or(s)
    });
    last.rsplit('.').next().unwrap_or(last).to_ascii_lowercase()
}

/// The flows, compiled, and their degrees for the adjacency.
struct FlowPass {
    flows: Vec<FlowC>,
    tags: TagRuns,
    wip_items: f64,
    out_deg: Vec<u32>,
    in_deg: Vec<u32>,
    rework_deg: Vec<u32>,
}

/// Checks and compiles the flows, one pass over their records (as for the steps); duplicates
/// are found after it and their errors placed first.
fn check_flows(
    doc: &ValueStream,
    step_index: &IdIndex,
    cal: &Calendar,
    seconds_per_item: Option<f64>,
    errs: &mut Vec<ModelError>,
) -> FlowPass {
    let n = doc.steps.len();
    let mut flows = Vec::with_capacity(doc.flows.len());
    let mut flow_tags = TagRuns::default();
    let mut wip_items = 0.0;
    let mut fwd_out_deg = vec![0u32; n + 1];
    let mut fwd_in_deg = vec![0u32; n + 1];
    let mut rw_deg = vec![0u32; n + 1];
    // One pass over the records, as for the steps; duplicates are found after it.
    let mut ends: Vec<(Option<u32>, Option<u32>)> = Vec::with_capacity(doc.flows.len());
    let mut last = u32::MAX;
    let mut with_id = Vec::new();
    let first_flow_error = errs.len();
    let mut flow_errors: Vec<(u32, usize)> = Vec::new();
    for (fi, f) in doc.flows.iter().enumerate() {
        let before = errs.len();
        let el = || Element::Flow(f.key());
        if let Some(id) = &f.id {
            with_id.push(fi as u32);
            check_id(id, &el, errs);
        }
        let (from, to) = step_index.find_ends(&f.from, &f.to, &mut last);
        ends.push((from, to));
        for (field, end, ix) in [("from", &f.from, from), ("to", &f.to, to)] {
            if ix.is_none() {
                errs.push(ModelError::Dangling {
                    element: el(),
                    field,
                    target_kind: "step",
                    target: end.clone(),
                });
            }
        }
        check_positive(&el, "limit", f.limit, errs);
        let mut wait = 0.0;
        if let Some(w) = &f.wait {
            check_time(&el, "wait", w, cal, errs);
            wait = w.seconds(cal);
        }
        if let Some(q) = f.wip {
            if !q.is_finite() || q < 0.0 {
                errs.push(ModelError::OutOfRange {
                    element: el(),
                    field: "wip",
                    value: q,
                    rule: "a count of items, 0 or more",
                });
            } else if q > MAX_AMOUNT {
                errs.push(ModelError::OutOfRange {
                    element: el(),
                    field: "wip",
                    value: q,
                    rule: "a count of items, at most 1e12",
                });
            } else {
                wip_items += q;
                if f.wait.is_some() {
                    errs.push(ModelError::Invalid {
                        element: el(),
                        field: "wip",
                        message: "give the queue either as a wait or as a WIP count, not both"
                            .into(),
                    });
                }
                if let Some(spi) = seconds_per_item {
                    wait = q * spi;
                }
            }
        }
        if let Some(r) = &f.wait_range {
            check_range(&el, "wait_range", r, f.wait.as_ref(), cal, errs);
        }
        check_waste(&el, &f.waste, errs);
        if f.kind == FlowKind::Information && f.p.is_some() {
            errs.push(ModelError::Invalid {
                element: el(),
                field: "p",
                message: "an information flow carries no item, so it has no probability".into(),
            });
        }
        if f.kind == FlowKind::Information && (f.wait.is_some() || f.wip.is_some()) {
            errs.push(ModelError::Invalid {
                element: el(),
                field: if f.wait.is_some() { "wait" } else { "wip" },
                message: "an information flow carries no item, so it has no queue".into(),
            });
        }
        let mut p = 1.0;
        match (f.kind, f.p) {
            (FlowKind::Rework, None) => errs.push(ModelError::Invalid {
                element: el(),
                field: "p",
                message: "a rework flow needs the probability p that an item is sent back".into(),
            }),
            (FlowKind::Rework, Some(q)) => {
                if !(q.is_finite() && (0.0..1.0).contains(&q)) {
                    errs.push(ModelError::ReworkProbability {
                        element: el(),
                        p: q,
                    });
                } else {
                    p = q;
                }
            }
            (_, Some(q)) => {
                if !(q.is_finite() && (0.0..=1.0).contains(&q)) {
                    errs.push(ModelError::OutOfRange {
                        element: el(),
                        field: "p",
                        value: q,
                        rule: "a probability between 0 and 1",
                    });
                } else {
                    p = q;
                }
            }
            (_, None) => {}
        }
        if f.kind.is_forward() && f.from == f.to {
            errs.push(ModelError::Cycle {
                steps: vec![f.from.clone()],
            });
        }
        let ok = from.is_some() && to.is_some();
        let (from, to) = (from.unwrap_or(0), to.unwrap_or(0));
        if ok {
            if f.kind.is_forward() {
                fwd_out_deg[from as usize] += 1;
                fwd_in_deg[to as usize] += 1;
            } else if f.kind == FlowKind::Rework {
                rw_deg[from as usize] += 1;
            }
        }
        flows.push(FlowC {
            from,
            to,
            kind: f.kind,
            wait,
            p,
            tagged: flow_tags.push(&f.waste),
            given_p: f.p.is_some(),
        });
        if errs.len() > before {
            flow_errors.push((fi as u32, before));
        }
    }
    let duplicates = duplicate_flows(doc, step_index, &ends, &with_id);
    if !duplicates.is_empty() {
        let early = duplicates.into_iter().map(|fi| {
            let element = Element::Flow(doc.flows[fi as usize].key());
            (fi, ModelError::DuplicateId { element })
        });
        put_first(errs, first_flow_error, &flow_errors, early.collect());
    }

    FlowPass {
        flows,
        tags: flow_tags,
        wip_items,
        out_deg: fwd_out_deg,
        in_deg: fwd_in_deg,
        rework_deg: rw_deg,
    }
}

/// The parking lot's notes: each with an id of its own and a text.
fn check_notes(doc: &ValueStream, errs: &mut Vec<ModelError>) {
    let mut ids: FxHashMap<&str, ()> = FxHashMap::default();
    for n in &doc.notes {
        let el = || Element::Note(n.id.clone());
        check_id(&n.id, &el, errs);
        if ids.insert(&n.id, ()).is_some() {
            errs.push(ModelError::DuplicateId { element: el() });
        }
        if n.text.trim().is_empty() {
            errs.push(ModelError::Invalid {
                element: el(),
                field: "text",
                message: "a note needs a text".into(),
            });
        }
        for (field, v) in [("x", n.x), ("y", n.y)] {
            if v.is_some_and(|v| !v.is_finite()) {
                errs.push(ModelError::Invalid {
                    element: el(),
                    field,
                    message: "a position must be a finite number".into(),
                });
            }
        }
    }
}

fn check_kaizen(doc: &ValueStream, steps: &IdIndex, errs: &mut Vec<ModelError>) {
    let mut ids: FxHashMap<&str, ()> = FxHashMap::default();
    for k in &doc.kaizen {
        let el = || Element::Kaizen(k.id.clone());
        check_id(&k.id, &el, errs);
        if ids.insert(&k.id, ()).is_some() {
            errs.push(ModelError::DuplicateId { element: el() });
        }
        match &k.target {
            Some(KaizenTarget::Step(s)) if !steps.contains(s) => errs.push(ModelError::Dangling {
                element: el(),
                field: "target",
                target_kind: "step",
                target: s.clone(),
            }),
            Some(KaizenTarget::Flow(f)) if !doc.flows.iter().any(|x| x.key_is(f)) => {
                errs.push(ModelError::Dangling {
                    element: el(),
                    field: "target",
                    target_kind: "flow",
                    target: f.clone(),
                })
            }
            _ => {}
        }
        if let Some(due) = &k.due {
            if !is_date(due) {
                errs.push(ModelError::Invalid {
                    element: el(),
                    field: "due",
                    message: format!("'{due}' is not a date; write it as YYYY-MM-DD"),
                });
            }
        }
    }
}
