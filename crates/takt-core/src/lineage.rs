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
