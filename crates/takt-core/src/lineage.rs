//! Data lineage: which assets derive from which, and which steps read and write them.

use crate::model::*;
use crate::validate::ValidationErrors;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, IntoNeighbors, Reversed, Visitable};
use petgraph::{algo::toposort, Direction};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// What lies downstream of an asset: the assets that derive from it and the steps that read them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    pub asset: String,
    pub assets: Vec<String>,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineageError {
    #[error("there is no data asset '{0}'")]
    UnknownAsset(String),
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

/// The lineage as a graph (petgraph): node `i` is `doc.assets[i]`, an edge runs from an asset
/// to one that derives from it. Off the measured path (the analysis does not use it).
struct Index<'a> {
    ids: FxHashMap<&'a str, usize>,
    graph: DiGraph<(), ()>,
}

fn index(doc: &ValueStream) -> Index<'_> {
    let ids: FxHashMap<&str, usize> = doc
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut graph = DiGraph::with_capacity(doc.assets.len(), doc.lineage.len());
    for _ in &doc.assets {
        graph.add_node(());
    }
    for e in &doc.lineage {
        if let (Some(&a), Some(&b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
        }
    }
    Index { ids, graph }
}

/// Every asset reachable from `start` (not itself), in document order.
fn reach<G>(graph: G, start: usize) -> Vec<usize>
where
    G: IntoNeighbors<NodeId = NodeIndex> + Visitable<NodeId = NodeIndex>,
{
    let mut out = Vec::new();
    let mut dfs = Dfs::new(graph, NodeIndex::new(start));
    while let Some(v) = dfs.next(graph) {
        if v.index() != start {
            out.push(v.index());
        }
    }
    out.sort_unstable();
    out
}

fn lookup(doc: &ValueStream, ix: &Index, asset: &str) -> Result<usize, LineageError> {
    crate::validate::validate(doc)?;
    ix.ids
        .get(asset)
        .copied()
        .ok_or_else(|| LineageError::UnknownAsset(asset.to_string()))
}

/// Everything downstream of `asset`, and the steps that read any of it.
pub fn impact(doc: &ValueStream, asset: &str) -> Result<Impact, LineageError> {
    let ix = index(doc);
    let a = lookup(doc, &ix, asset)?;
    let mut hit = reach(&ix.graph, a);
    let assets = hit.iter().map(|&i| doc.assets[i].id.clone()).collect();
    hit.push(a);
    let hit_ids: rustc_hash::FxHashSet<&str> =
        hit.iter().map(|&i| doc.assets[i].id.as_str()).collect();
    let mut steps: Vec<String> = doc
        .links
        .iter()
        .filter(|l| l.mode == LinkMode::Read && hit_ids.contains(l.asset.as_str()))
        .map(|l| l.step.clone())
        .collect();
    steps.sort();
    steps.dedup();
    Ok(Impact {
        asset: asset.to_string(),
        assets,
        steps,
    })
}

/// Everything `asset` derives from, directly or not.
pub fn upstream(doc: &ValueStream, asset: &str) -> Result<Vec<String>, LineageError> {
    let ix = index(doc);
    let a = lookup(doc, &ix, asset)?;
    Ok(reach(Reversed(&ix.graph), a)
        .into_iter()
        .map(|i| doc.assets[i].id.clone())
        .collect())
}

/// How stale an asset's data can be at best: its own latency plus the slowest chain of upstream
/// latencies, in seconds. Computed in topological order, without recursion: a chain of any
/// length takes no stack.
pub fn lead_time(doc: &ValueStream, asset: &str) -> Result<f64, LineageError> {
    let ix = index(doc);
    let a = lookup(doc, &ix, asset)?;
    // Validated above: the lineage has no loop.
    let order = toposort(&ix.graph, None).expect("validated lineage has no loop");
    let mut fresh = vec![0.0f64; doc.assets.len()];
    for v in order {
        let i = v.index();
        let own = doc.assets[i].lt.map_or(0.0, |d| d.seconds(&doc.calendar));
        let up = ix
            .graph
            .neighbors_directed(v, Direction::Incoming)
            .map(|u| fresh[u.index()])
            .fold(0.0, f64::max);
        fresh[i] = own + up;
    }
    Ok(fresh[a])
}

/// Assets nothing consumes: no asset derives from them and no step reads them (endpoints are
/// consumed by their callers and never listed).
pub fn unconsumed(doc: &ValueStream) -> Result<Vec<String>, LineageError> {
    let g = crate::validate::Graph::build(doc)?;
    Ok(g.unconsumed
        .iter()
        .map(|&i| doc.assets[i as usize].id.clone())
        .collect())
}

/// What the lineage view draws, and the questions it answers without being asked: where each
/// asset sits, how fresh its data can be, and which assets are waste candidates. Indices are
/// positions in `doc.assets`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Overview {
    /// Each asset's column: sources (nothing upstream) in 0, every other asset one past its
    /// furthest input (the longest chain behind it), endpoints all in the last column.
    pub layer: Vec<u32>,
    /// Each asset's place in its column, ordered so that edges cross little (barycentres).
    pub row: Vec<u32>,
    /// How many assets each column holds.
    pub column: Vec<u32>,
    /// Each asset's lineage lead time: its own latency plus the slowest chain behind it, in
    /// seconds (as `lead_time`).
    pub fresh_s: Vec<f64>,
    /// The input on the chain that sets `fresh_s` (the first of the slowest; none for a
    /// source): follow it back to a source to draw the chain.
    pub via: Vec<Option<u32>>,
    /// Assets nothing consumes: inventory waste (as `unconsumed`).
    pub unconsumed: Vec<u32>,
    /// Datasets that copy another dataset with no transformation: transportation waste
    /// candidates (as `validate::Graph::copies`).
    pub copies: Vec<u32>,
}

/// The lineage view of a valid map: the layout in layers, freshness, and waste candidates.
pub fn overview(doc: &ValueStream) -> Result<Overview, LineageError> {
    let g = crate::validate::Graph::build(doc)?;
    let ix = index(doc);
    let n = doc.assets.len();
    // Validated above: the lineage has no loop.
    let order = toposort(&ix.graph, None).expect("validated lineage has no loop");
    let mut layer = vec![0u32; n];
    let mut fresh = vec![0.0f64; n];
    let mut via = vec![None; n];
    for &v in &order {
        let i = v.index();
        let mut best: Option<(f64, u32)> = None;
        for u in ix.graph.neighbors_directed(v, Direction::Incoming) {
            let u = u.index();
            layer[i] = layer[i].max(layer[u] + 1);
            if best.is_none_or(|(f, _)| fresh[u] > f) {
                best = Some((fresh[u], u as u32));
            }
        }
        let own = doc.assets[i].lt.map_or(0.0, |d| d.seconds(&doc.calendar));
        fresh[i] = own + best.map_or(0.0, |(f, _)| f);
        via[i] = best.map(|(_, u)| u);
    }
    let last = layer.iter().copied().max().unwrap_or(0);
    for (i, a) in doc.assets.iter().enumerate() {
        if a.kind == AssetKind::Endpoint
            && ix
                .graph
                .neighbors_directed(NodeIndex::new(i), Direction::Incoming)
                .next()
                .is_some()
        {
            layer[i] = last;
        }
    }
    let (row, column) = order_rows(&ix.graph, &layer, last as usize + 1);
    Ok(Overview {
        layer,
        row,
        column,
        fresh_s: fresh,
        via,
        unconsumed: g.unconsumed.clone(),
        copies: g.copies.clone(),
    })
}

/// Orders each column by the mean place of each asset's neighbours in the column before (then
/// after), sweeping right and left a few times: the barycentre heuristic of layered drawing
/// (Sugiyama's), which keeps most edges from crossing. Returns each asset's row and each
/// column's size.
fn order_rows(graph: &DiGraph<(), ()>, layer: &[u32], columns: usize) -> (Vec<u32>, Vec<u32>) {
    let n = layer.len();
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for (i, &l) in layer.iter().enumerate() {
        cols[l as usize].push(i);
    }
    let mut pos = vec![0.0f64; n];
    let place = |cols: &[Vec<usize>], pos: &mut [f64]| {
        for c in cols {
            for (r, &i) in c.iter().enumerate() {
                pos[i] = r as f64;
            }
        }
    };
    place(&cols, &mut pos);
    const SWEEPS: usize = 4;
    for sweep in 0..SWEEPS {
        let (dir, range): (Direction, Vec<usize>) = if sweep % 2 == 0 {
            (Direction::Incoming, (1..columns).collect())
        } else {
            (
                Direction::Outgoing,
                (0..columns.saturating_sub(1)).rev().collect(),
            )
        };
        for c in range {
            let mut keyed: Vec<(f64, usize)> = cols[c]
                .iter()
                .map(|&i| {
                    let (sum, k) = graph
                        .neighbors_directed(NodeIndex::new(i), dir)
                        .fold((0.0, 0u32), |(s, k), u| (s + pos[u.index()], k + 1));
                    // No neighbour on that side: it keeps its place.
                    (if k == 0 { pos[i] } else { sum / k as f64 }, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            cols[c] = keyed.into_iter().map(|(_, i)| i).collect();
            for (r, &i) in cols[c].iter().enumerate() {
                pos[i] = r as f64;
            }
        }
    }
    let row = pos.iter().map(|&p| p as u32).collect();
    (row, cols.iter().map(|c| c.len() as u32).collect())
}

/// What a change to an asset touches (downstream), or what an asset depends on (upstream),
/// in data and in work: the question behind the lineage view's Impact and Upstream.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reach {
    pub asset: String,
    /// Downstream (impact) or upstream.
    pub downstream: bool,
    /// The assets reached (not the asset itself), in document order.
    pub assets: Vec<String>,
    /// Downstream: the steps that read the asset or any asset reached; upstream: the steps
    /// that write any of them. In document order.
    pub steps: Vec<String>,
    /// The gates those steps pass through: each gate among them, and downstream (upstream) of
    /// them along the value stream's forward flows. In document order.
    pub gates: Vec<String>,
    /// Downstream: the endpoints reached; upstream: the sources.
    pub ends: Vec<String>,
}

/// Everything downstream (or upstream) of `asset`: the assets, the steps that read (write)
/// them, the gates that work passes through, and the endpoints (sources) at the end.
pub fn reach_of(doc: &ValueStream, asset: &str, downstream: bool) -> Result<Reach, LineageError> {
    let ix = index(doc);
    let a = lookup(doc, &ix, asset)?;
    let hit = if downstream {
        reach(&ix.graph, a)
    } else {
        reach(Reversed(&ix.graph), a)
    };
    let mut all: rustc_hash::FxHashSet<&str> =
        hit.iter().map(|&i| doc.assets[i].id.as_str()).collect();
    all.insert(asset);
    let mode = if downstream {
        LinkMode::Read
    } else {
        LinkMode::Write
    };
    let linked: rustc_hash::FxHashSet<&str> = doc
        .links
        .iter()
        .filter(|l| l.mode == mode && all.contains(l.asset.as_str()))
        .map(|l| l.step.as_str())
        .collect();
    // The value stream's forward flows, walked from those steps the same way.
    let steps_ix: FxHashMap<&str, usize> = doc
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut work = DiGraph::<(), ()>::with_capacity(doc.steps.len(), doc.flows.len());
    for _ in &doc.steps {
        work.add_node(());
    }
    for f in doc.flows.iter().filter(|f| f.kind.is_forward()) {
        if let (Some(&x), Some(&y)) = (steps_ix.get(f.from.as_str()), steps_ix.get(f.to.as_str())) {
            work.add_edge(NodeIndex::new(x), NodeIndex::new(y), ());
        }
    }
    let mut passes = vec![false; doc.steps.len()];
    for s in &linked {
        let start = NodeIndex::new(steps_ix[s]);
        passes[start.index()] = true;
        let mark = |v: NodeIndex, passes: &mut Vec<bool>| passes[v.index()] = true;
        if downstream {
            let mut dfs = Dfs::new(&work, start);
            while let Some(v) = dfs.next(&work) {
                mark(v, &mut passes);
            }
        } else {
            let rev = Reversed(&work);
            let mut dfs = Dfs::new(rev, start);
            while let Some(v) = dfs.next(rev) {
                mark(v, &mut passes);
            }
        }
    }
    let end = if downstream {
        AssetKind::Endpoint
    } else {
        AssetKind::Source
    };
    Ok(Reach {
        asset: asset.to_string(),
        downstream,
        assets: hit.iter().map(|&i| doc.assets[i].id.clone()).collect(),
        steps: doc
            .steps
            .iter()
            .filter(|s| linked.contains(s.id.as_str()))
            .map(|s| s.id.clone())
            .collect(),
        gates: doc
            .steps
            .iter()
            .enumerate()
            .filter(|&(i, s)| passes[i] && s.kind == StepKind::Gate)
            .map(|(_, s)| s.id.clone())
            .collect(),
        ends: hit
            .iter()
            .filter(|&&i| doc.assets[i].kind == end)
            .map(|&i| doc.assets[i].id.clone())
            .collect(),
    })
}
