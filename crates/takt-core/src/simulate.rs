//! Monte Carlo of the lead time: seeded and reproducible (the same map, runs and seed give the
//! same figures on every machine).
//!
//! Each run samples every step's lead time and every queue from its range (triangular or PERT;
//! fixed where no range is given), takes one branch at each XOR split, waits for every branch that
//! was taken at a join (so AND joins take the max of samples), and at a step with rework flows
//! draws failures: each failure waits on the rework flow and runs the loop body again, with fresh
//! samples, before the step decides again. These are the semantics of the deterministic analysis,
//! so the simulated mean matches it where there is no AND join, and exceeds it at AND joins
//! (merge bias).

use crate::analysis::find_loops;
use crate::model::*;
use crate::rng::Rng;
use crate::validate::{Graph, ValidationErrors};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub runs: u32,
    pub seed: u64,
    pub mean_s: f64,
    pub p50_s: f64,
    pub p85_s: f64,
    pub p95_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    /// The deterministic expected lead time, for comparison.
    pub deterministic_s: f64,
    /// How often each step sat on the critical path (share of runs), most often first.
    pub critical: Vec<CriticalShare>,
    /// Every run's lead time, shortest first (for histograms and "within a target"; not
    /// written out).
    #[serde(skip)]
    pub samples: Vec<f64>,
}

impl Simulation {
    /// The steps sometimes but not always on the critical path, most often first: where the
    /// critical path is decided (a source, a sink and a step every item passes are always on
    /// it, and say nothing).
    pub fn contested(&self) -> impl Iterator<Item = &CriticalShare> {
        self.critical.iter().filter(|c| c.share < 0.995)
    }

    /// The share of runs that finished within `target` seconds.
    pub fn within(&self, target: f64) -> f64 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let k = self.samples.partition_point(|&x| x <= target);
        k as f64 / self.samples.len() as f64
    }

    /// Counts of runs in `bins` equal bins from `lo` to `hi` (a run at `hi` in the last one;
    /// runs outside are not counted).
    pub fn histogram(&self, lo: f64, hi: f64, bins: usize) -> Vec<u32> {
        let mut out = vec![0u32; bins.max(1)];
        let width = (hi - lo) / out.len() as f64;
        for &x in &self.samples {
            if x < lo || x > hi {
                continue;
            }
            let k = if width > 0.0 {
                (((x - lo) / width) as usize).min(out.len() - 1)
            } else {
                0
            };
            out[k] += 1;
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriticalShare {
    pub step: String,
    pub share: f64,
}

/// A value to sample: fixed, or a (min, likely, max) range.
#[derive(Debug, Clone, Copy)]
enum Sample {
    Fixed(f64),
    Range { a: f64, c: f64, b: f64 },
}

impl Sample {
    fn from_range(point: f64, r: Option<&Range>, cal: &crate::duration::Calendar) -> Sample {
        match r {
            None => Sample::Fixed(point),
            Some(r) => {
                let a = r.min.seconds(cal);
                let b = r.max.seconds(cal);
                let c = r.likely.map_or(point, |l| l.seconds(cal)).clamp(a, b);
                if b - a <= 0.0 {
                    Sample::Fixed(a)
                } else {
                    Sample::Range { a, c, b }
                }
            }
        }
    }
    #[inline]
    fn draw(&self, rng: &mut Rng, dist: Distribution) -> f64 {
        match *self {
            Sample::Fixed(v) => v,
            Sample::Range { a, c, b } => match dist {
                Distribution::Triangular => {
                    let u = rng.uniform();
                    let f = (c - a) / (b - a);
                    if u < f {
                        a + (u * (b - a) * (c - a)).sqrt()
                    } else {
                        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                    }
                }
                Distribution::Pert => {
                    let alpha = 1.0 + 4.0 * (c - a) / (b - a);
                    let beta = 1.0 + 4.0 * (b - c) / (b - a);
                    let x = rng.gamma(alpha);
                    let y = rng.gamma(beta);
                    a + (b - a) * x / (x + y)
                }
            },
        }
    }
}

struct Body {
    start: u32,
    end: u32,
    nodes: Vec<u32>,
    /// For each body node, its predecessors inside the body: (local index, flow).
    preds: Vec<Vec<(u32, u32)>>,
    /// For each body node, its forward flows to other body nodes.
    succs: Vec<Vec<u32>>,
}

struct Model<'a> {
    g: &'a Graph<'a>,
    dist: Distribution,
    lt: Vec<Sample>,
    wait: Vec<Sample>,
    bodies: Vec<Body>,
    /// Rework flows out of each step: (flow, body index).
    rework: Vec<Vec<(u32, u32)>>,
}

/// Runs the Monte Carlo. `runs` must be at least 1.
pub fn simulate(doc: &ValueStream, runs: u32, seed: u64) -> Result<Simulation, ValidationErrors> {
    simulate_with(doc, runs, seed, &mut |_, _| true).map(|s| s.expect("not cancelled"))
}

/// Runs the Monte Carlo, telling `progress(done, runs)` every 500 runs; when it returns false
/// the simulation stops and gives `None`.
pub fn simulate_with(
    doc: &ValueStream,
    runs: u32,
    seed: u64,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<Option<Simulation>, ValidationErrors> {
    let g = Graph::build(doc)?;
    let deterministic = crate::analysis::analyze_graph(&g).lead_time_s;
    let cal = g.calendar;
    let lt = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.kind.is_endpoint() {
                Sample::Fixed(0.0)
            } else if s.lt_range.is_some() {
                Sample::from_range(g.lt[i], s.lt_range.as_deref(), &cal)
            } else if s.lt.is_none() {
                Sample::from_range(g.pt[i], s.pt_range.as_deref(), &cal)
            } else {
                Sample::Fixed(g.lt[i])
            }
        })
        .collect();
    let wait = doc
        .flows
        .iter()
        .zip(&g.flows)
        .map(|(f, c)| Sample::from_range(c.wait, f.wait_range.as_ref(), &cal))
        .collect();
    let loops = find_loops(&g);
    let mut rework = vec![Vec::new(); g.n];
    let mut bodies = Vec::with_capacity(loops.flows.len());
    for (j, (&f, nodes)) in loops.flows.iter().zip(loops.bodies).enumerate() {
        let fl = &g.flows[f as usize];
        rework[fl.from as usize].push((f, j as u32));
        let local = |v: u32| {
            nodes
                .binary_search_by_key(&g.pos[v as usize], |&b| g.pos[b as usize])
                .ok()
        };
        let preds = nodes
            .iter()
            .map(|&x| {
                g.ins(x as usize)
                    .iter()
                    .filter_map(|&e| local(g.flows[e as usize].from).map(|l| (l as u32, e)))
                    .collect()
            })
            .collect();
        let succs = nodes
            .iter()
            .map(|&x| {
                g.outs(x as usize)
                    .iter()
                    .copied()
                    .filter(|&e| local(g.flows[e as usize].to).is_some())
                    .collect()
            })
            .collect();
        bodies.push(Body {
            start: fl.to,
            end: fl.from,
            nodes: nodes.to_vec(),
            preds,
            succs,
        });
    }
    let m = Model {
        g: &g,
        dist: doc.simulation.map(|s| s.distribution).unwrap_or_default(),
        lt,
        wait,
        bodies,
        rework,
    };

    let runs = runs.max(1);
    let mut rng = Rng::new(seed);
    let n = g.n;
    let mut finish = vec![0.0f64; n];
    let mut active = vec![false; n];
    let mut pred = vec![u32::MAX; n];
    let mut choice = vec![u32::MAX; n];
    let mut on_path = vec![0u32; n];
    let mut samples = Vec::with_capacity(runs as usize);
    let mut budget;
    for run in 0..runs {
        if run % 500 == 0 && run > 0 && !progress(run, runs) {
            return Ok(None);
        }
        budget = 100_000u32;
        active.iter_mut().for_each(|a| *a = false);
        let mut end = (0.0f64, u32::MAX);
        for &x in &g.topo {
            let xi = x as usize;
            let ins = g.ins(xi);
            let mut start = 0.0;
            pred[xi] = u32::MAX;
            if ins.is_empty() {
                active[xi] = true;
            } else {
                let mut any = false;
                for &f in ins {
                    // A flow carries the item when its source ran and routed it this way.
                    let fl = &g.flows[f as usize];
                    let from = fl.from as usize;
                    let routed = choice[from] == u32::MAX || choice[from] == f;
                    if !active[from] || !routed {
                        continue;
                    }
                    any = true;
                    let t = finish[fl.from as usize] + m.wait[f as usize].draw(&mut rng, m.dist);
                    if t > start || pred[xi] == u32::MAX {
                        start = t;
                        pred[xi] = fl.from;
                    }
                }
                active[xi] = any;
            }
            if !active[xi] {
                continue;
            }
            choice[xi] = m.choose(x, &mut rng);
            let t =
                start + m.lt[xi].draw(&mut rng, m.dist) + m.rework_time(x, &mut rng, &mut budget);
            finish[xi] = t;
            if t >= end.0 {
                end = (t, x);
            }
        }
        samples.push(end.0);
        let mut x = end.1;
        while x != u32::MAX {
            on_path[x as usize] += 1;
            x = pred[x as usize];
        }
    }

    let mean = samples.iter().sum::<f64>() / runs as f64;
    samples.sort_by(f64::total_cmp);
    let pct = |q: f64| {
        let k = ((q * runs as f64).ceil() as usize).clamp(1, runs as usize) - 1;
        samples[k]
    };
    let mut critical: Vec<CriticalShare> = on_path
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(i, &c)| CriticalShare {
            step: doc.steps[i].id.clone(),
            share: c as f64 / runs as f64,
        })
        .collect();
    critical.sort_by(|a, b| b.share.total_cmp(&a.share));
    progress(runs, runs);
    Ok(Some(Simulation {
        runs,
        seed,
        mean_s: mean,
        p50_s: pct(0.50),
        p85_s: pct(0.85),
        p95_s: pct(0.95),
        min_s: samples[0],
        max_s: samples[runs as usize - 1],
        deterministic_s: deterministic,
        critical,
        samples,
    }))
}

impl Model<'_> {
    /// Draws the XOR branch of step `x` for this pass (`u32::MAX` for an AND step).
    fn choose(&self, x: u32, rng: &mut Rng) -> u32 {
        if !self.g.info[x as usize].xor {
            return u32::MAX;
        }
        let outs = self.g.outs(x as usize);
        let mut u = rng.uniform();
        for &f in outs {
            let p = self.g.flows[f as usize].p;
            if u < p {
                return f;
            }
            u -= p;
        }
        *outs.last().unwrap_or(&u32::MAX)
    }

    /// Extra time at step `u` from failures sent back by its rework flows.
    fn rework_time(&self, u: u32, rng: &mut Rng, budget: &mut u32) -> f64 {
        let flows = &self.rework[u as usize];
        if flows.is_empty() {
            return 0.0;
        }
        let mut extra = 0.0;
        loop {
            if *budget == 0 {
                return extra;
            }
            *budget -= 1;
            let mut r = rng.uniform();
            let mut back = None;
            for &(f, j) in flows {
                let p = self.g.flows[f as usize].p;
                if r < p {
                    back = Some((f, j));
                    break;
                }
                r -= p;
            }
            match back {
                None => return extra,
                Some((f, j)) => {
                    extra += self.wait[f as usize].draw(rng, self.dist) + self.pass(j, rng, budget);
                }
            }
        }
    }

    /// One more pass of a loop body: from the start of its first step to the end of its last,
    /// including the failures of loops that end inside it.
    fn pass(&self, j: u32, rng: &mut Rng, budget: &mut u32) -> f64 {
        let b = &self.bodies[j as usize];
        let k = b.nodes.len();
        let mut fin = vec![0.0f64; k];
        let mut act = vec![false; k];
        let mut taken: Vec<u32> = Vec::new();
        for (l, &x) in b.nodes.iter().enumerate() {
            let mut start = 0.0;
            if x == b.start {
                act[l] = true;
            } else {
                for &(pl, f) in &b.preds[l] {
                    let from = b.nodes[pl as usize];
                    let routed = !self.g.info[from as usize].xor || taken.contains(&f);
                    if act[pl as usize] && routed {
                        act[l] = true;
                        start = f64::max(
                            start,
                            fin[pl as usize] + self.wait[f as usize].draw(rng, self.dist),
                        );
                    }
                }
            }
            if !act[l] {
                continue;
            }
            if self.g.info[x as usize].xor {
                // Branch inside the body, renormalised over the branches that stay in it.
                let succ = &b.succs[l];
                let total: f64 = succ.iter().map(|&f| self.g.flows[f as usize].p).sum();
                let mut u = rng.uniform() * total;
                let mut pick = succ.last().copied();
                for &f in succ {
                    let p = self.g.flows[f as usize].p;
                    if u < p {
                        pick = Some(f);
                        break;
                    }
                    u -= p;
                }
                taken.extend(pick);
            }
            let rework = if x == b.end {
                0.0
            } else {
                self.rework_time(x, rng, budget)
            };
            fin[l] = start + self.lt[x as usize].draw(rng, self.dist) + rework;
        }
        fin[k - 1]
    }
}
