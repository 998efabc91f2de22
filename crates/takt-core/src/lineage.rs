//! Data lineage: which assets derive from which, and which steps read and write them.

use crate::model::*;
use crate::validate::ValidationErrors;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// A loop among `out` adjacency lists, as node indices, if there is one.
pub(crate) fn find_cycle(out: &[Vec<u32>]) -> Option<Vec<u32>> {
    let n = out.len();
    // Iterative three-colour depth-first search.
    let mut colour = vec![0u8; n];
    let mut parent = vec![u32::MAX; n];
    for s in 0..n {
        if colour[s] != 0 {
            continue;
        }
        let mut stack = vec![(s as u32, 0usize)];
        colour[s] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if let Some(&w) = out[v as usize].get(*k) {
                *k += 1;
                match colour[w as usize] {
                    0 => {
                        colour[w as usize] = 1;
                        parent[w as usize] = v;
                        stack.push((w, 0));
                    }
                    1 => {
                        let mut cyc = vec![v];
                        let mut x = v;
                        while x != w {
                            x = parent[x as usize];
                            cyc.push(x);
                        }
                        cyc.reverse();
                        return Some(cyc);
                    }
                    _ => {}
                }
            } else {
                colour[v as usize] = 2;
                stack.pop();
            }
        }
    }
    None
}

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

struct Index<'a> {
    ids: FxHashMap<&'a str, usize>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
}

fn index(doc: &ValueStream) -> Index<'_> {
    let ids: FxHashMap<&str, usize> = doc
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut up = vec![Vec::new(); doc.assets.len()];
    let mut down = vec![Vec::new(); doc.assets.len()];
    for e in &doc.lineage {
        if let (Some(&a), Some(&b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            down[a].push(b);
            up[b].push(a);
        }
    }
    Index { ids, up, down }
}

fn reach(adj: &[Vec<usize>], start: usize) -> Vec<usize> {
    let mut seen = vec![false; adj.len()];
    let mut out = Vec::new();
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(v) = stack.pop() {
        for &w in &adj[v] {
            if !seen[w] {
                seen[w] = true;
                out.push(w);
                stack.push(w);
            }
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
    let mut hit = reach(&ix.down, a);
    let assets = hit.iter().map(|&i| doc.assets[i].id.clone()).collect();
    hit.push(a);
    let hit_ids: Vec<&str> = hit.iter().map(|&i| doc.assets[i].id.as_str()).collect();
    let mut steps: Vec<String> = doc
        .links
        .iter()
        .filter(|l| l.mode == LinkMode::Read && hit_ids.contains(&l.asset.as_str()))
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
    Ok(reach(&ix.up, a)
        .into_iter()
        .map(|i| doc.assets[i].id.clone())
        .collect())
}

/// How stale an asset's data can be at best: its own latency plus the slowest chain of upstream
/// latencies, in seconds.
pub fn lead_time(doc: &ValueStream, asset: &str) -> Result<f64, LineageError> {
    let ix = index(doc);
    let a = lookup(doc, &ix, asset)?;
    let mut memo = vec![f64::NAN; doc.assets.len()];
    fn go(doc: &ValueStream, ix: &Index, v: usize, memo: &mut [f64]) -> f64 {
        if !memo[v].is_nan() {
            return memo[v];
        }
        let own = doc.assets[v].lt.map_or(0.0, |d| d.seconds(&doc.calendar));
        let up = ix.up[v]
            .iter()
            .map(|&u| go(doc, ix, u, memo))
            .fold(0.0, f64::max);
        memo[v] = own + up;
        memo[v]
    }
    Ok(go(doc, &ix, a, &mut memo))
}

/// Assets nothing consumes: no asset derives from them and no step reads them (endpoints are
/// consumed by their callers and never listed).
pub fn unconsumed(doc: &ValueStream) -> Vec<String> {
    if doc.assets.is_empty() {
        return Vec::new();
    }
    let ix = index(doc);
    let read: std::collections::HashSet<&str> = doc
        .links
        .iter()
        .filter(|l| l.mode == LinkMode::Read)
        .map(|l| l.asset.as_str())
        .collect();
    doc.assets
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            a.kind != AssetKind::Endpoint && ix.down[*i].is_empty() && !read.contains(a.id.as_str())
        })
        .map(|(_, a)| a.id.clone())
        .collect()
}
