//! The compiled graph of a map: dense indices for ids, compressed adjacency, a topological
//! order and packed per-step facts, which the analysis walks instead of the records. The
//! validating compiler that fills it is `validate::Graph::build`; what it finds about a step for
//! the lints (its facts) and the one loop finder for steps and lineage are here.

use crate::duration::Calendar;
use crate::model::*;
use rustc_hash::FxHashMap;

/// Maps at least this large use the second core (validation and analysis).
pub(crate) const PARALLEL_FROM: usize = 2_000;

/// A flow as the analysis sees it.
#[derive(Debug, Clone, Copy)]
pub struct FlowC {
    pub from: u32,
    pub to: u32,
    pub kind: FlowKind,
    /// Expected queue time, seconds (WIP converted through demand).
    pub wait: f64,
    /// Branch probability (XOR) or failure probability (rework); 1 otherwise.
    pub p: f64,
    /// Has waste tags of its own.
    pub tagged: bool,
    /// `p` was given in the document (not derived).
    pub given_p: bool,
}

/// Ids to positions (of steps, or of data assets). Ids of up to 15 bytes (slugs, the usual
/// case) are packed into a 128-bit key, kept by position, and found through an open-addressed
/// table of positions: 4 bytes a slot, so that at a hundred thousand steps it still fits in the
/// cache next to the keys. Longer ids fall back to a map of string slices.
pub struct IdIndex<'a> {
    /// Each id's `key`, by position.
    keys: Vec<u128>,
    /// Position + 1 of an id whose key hashes to the slot or, probing linearly, before it; 0
    /// for an empty slot.
    slots: Vec<u32>,
    shift: u32,
    long: FxHashMap<&'a str, u32>,
}

/// The key of every id longer than 15 bytes: no packed id has it (their last byte is the
/// length, at most 15).
const LONG: u128 = u128::MAX;

/// Little-endian bytes of `b` (at most 8) in a word, from at most two loads each of a fixed
/// size (a copy of variable length would be a call to `memcpy`, in the hottest loop of
/// validation).
fn word(b: &[u8]) -> u64 {
    let n = b.len();
    let load4 = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as u64;
    match n {
        0 => 0,
        1..=3 => {
            b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
        }
        4..=7 => load4(b) | load4(&b[n - 4..]) << (8 * (n - 4)),
        _ => u64::from_le_bytes(b[..8].try_into().expect("8 bytes")),
    }
}

impl<'a> IdIndex<'a> {
    /// The id's bytes and its length in one number, or `LONG`.
    pub(crate) fn key(id: &str) -> u128 {
        let b = id.as_bytes();
        let n = b.len();
        if n > 15 {
            return LONG;
        }
        let (lo, hi) = if n <= 8 {
            (word(b), 0)
        } else {
            (word(&b[..8]), word(&b[8..]))
        };
        (lo as u128) | (hi as u128) << 64 | (n as u128) << 120
    }

    /// Indexes ids by their `keys` (`id(i)`, the id at position `i`, is read only when it is
    /// long). Also returns the positions whose id an earlier position has, ascending.
    pub(crate) fn build(keys: Vec<u128>, id: impl Fn(usize) -> &'a str) -> (Self, Vec<u32>) {
        let bits = (2 * keys.len()).next_power_of_two().trailing_zeros().max(4);
        let mut index = IdIndex {
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
            keys,
            long: FxHashMap::default(),
        };
        let mut duplicates = Vec::new();
        for (i, &key) in index.keys.iter().enumerate() {
            let fresh = if key == LONG {
                index.long.insert(id(i), i as u32).is_none()
            } else {
                match index.probe(key) {
                    Ok(_) => false,
                    Err(s) => {
                        index.slots[s] = i as u32 + 1;
                        true
                    }
                }
            };
            if !fresh {
                duplicates.push(i as u32);
            }
        }
        (index, duplicates)
    }

    /// The position of the short id with this key (`Ok`), or the empty slot where it would go.
    fn probe(&self, key: u128) -> Result<u32, usize> {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let x = (key as u64) ^ ((key >> 64) as u64).wrapping_mul(K).rotate_left(29);
        let mask = self.slots.len() - 1;
        let mut s = (x.wrapping_mul(K) >> self.shift) as usize;
        loop {
            match self.slots[s] {
                0 => return Err(s),
                v if self.keys[v as usize - 1] == key => return Ok(v - 1),
                _ => s = (s + 1) & mask,
            }
        }
    }

    fn lookup(&self, key: u128, id: &str) -> Option<u32> {
        if key == LONG {
            self.long.get(id).copied()
        } else {
            self.probe(key).ok()
        }
    }

    /// The positions of a reference's two ends (a flow's steps, a lineage edge's assets), each
    /// looked for first near the last end found (`find`); `last` carries it from one reference
    /// to the next (`u32::MAX` at first).
    pub(crate) fn find_ends(
        &self,
        from: &str,
        to: &str,
        last: &mut u32,
    ) -> (Option<u32>, Option<u32>) {
        let a = self.find(from, *last);
        let b = self.find(to, a.unwrap_or(*last));
        *last = b.unwrap_or(*last);
        (a, b)
    }

    /// Like `get`, but first looks at the positions near `near` (`u32::MAX` for nowhere). A
    /// reference usually points near the one before it (flows and lineage edges are listed in
    /// the order of what they join), and those keys are in the cache.
    pub(crate) fn find(&self, id: &str, near: u32) -> Option<u32> {
        const RADIUS: u32 = 4;
        let key = Self::key(id);
        if key != LONG && (near as usize) < self.keys.len() {
            let lo = near.saturating_sub(RADIUS) as usize;
            let hi = (near as usize + RADIUS as usize + 1).min(self.keys.len());
            if let Some(k) = self.keys[lo..hi].iter().position(|&k| k == key) {
                return Some((lo + k) as u32);
            }
        }
        self.lookup(key, id)
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.lookup(Self::key(id), id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

/// What the analysis needs of a step, packed (the step records are large; the analysis walks
/// these instead).
#[derive(Debug, Clone, Copy, Default)]
pub struct StepInfo {
    pub xor: bool,
    /// Supplier or customer: its own times are not counted.
    pub endpoint: bool,
    pub gate: bool,
    pub value: Option<ValueClass>,
    /// Has waste tags.
    pub tagged: bool,
    /// Percent complete and accurate, as a share.
    pub pca: f64,
    /// Servers x availability.
    pub capacity: f64,
    /// Changeover per item, seconds ([`changeover_per_item`]).
    pub changeover: f64,
    /// Team index, or `u32::MAX`.
    pub team: u32,
    /// What the lints found in the step (flags of `lint.rs`).
    pub lint: u8,
}

/// The waste tags of the tagged elements of one kind (steps or flows), in document order: the
/// k-th run belongs to the k-th tagged element.
#[derive(Default)]
pub struct TagRuns {
    tags: Vec<WasteTag>,
    ends: Vec<u32>,
}

impl TagRuns {
    /// Adds an element's tags, and says whether it has any (an untagged element has no run).
    pub(crate) fn push(&mut self, tags: &[WasteTag]) -> bool {
        if tags.is_empty() {
            return false;
        }
        self.tags.extend_from_slice(tags);
        self.ends.push(self.tags.len() as u32);
        true
    }

    /// The tags of the k-th tagged element.
    pub fn get(&self, k: usize) -> &[WasteTag] {
        let start = k.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        &self.tags[start..self.ends[k] as usize]
    }
}

/// The validated, compiled routing of a map: dense indices, adjacency and a topological order.
pub struct Graph<'a> {
    pub doc: &'a ValueStream,
    pub calendar: Calendar,
    pub n: usize,
    pub flows: Vec<FlowC>,
    /// Forward (item) flows out of each step: `out[out_start[i]..out_start[i+1]]`, flow indices.
    pub out_start: Vec<u32>,
    pub out: Vec<u32>,
    pub in_start: Vec<u32>,
    pub inc: Vec<u32>,
    /// Rework flows out of each step.
    pub rework_start: Vec<u32>,
    pub rework: Vec<u32>,
    /// Steps in topological order of the forward flows, and each step's position in it.
    pub topo: Vec<u32>,
    pub pos: Vec<u32>,
    /// Seconds of elapsed time per demanded item (the inverse of throughput), when there is demand.
    pub seconds_per_item: Option<f64>,
    /// Items counted waiting on the flows, all together (Little's law). Kept apart from the
    /// flows: only the consistency check reads it.
    pub wip_items: f64,
    pub step_index: IdIndex<'a>,
    /// Process and lead time of each step in seconds (0 for suppliers and customers).
    pub pt: Vec<f64>,
    pub lt: Vec<f64>,
    pub info: Vec<StepInfo>,
    /// The waste tags of the tagged steps and flows, copied out of their records: at a hundred
    /// thousand steps every record the analysis read again would be a cache miss.
    pub step_tags: TagRuns,
    pub flow_tags: TagRuns,
    /// Each step's name folded to lower case and hashed, for duplicate names (apart from
    /// `info`: only the lints read it).
    pub name_hash: Vec<u64>,
    /// The steps the lints found something in (`StepInfo::lint` is not 0), in order.
    pub linted: Vec<u32>,
    /// Data assets nothing consumes (no asset derives from them, no step reads them), except
    /// endpoints, which their callers consume.
    pub unconsumed: Vec<u32>,
    /// Datasets that copy another with no transformation: transportation waste candidates.
    pub copies: Vec<u32>,
    /// Each rework flow and its loop body (steps in topological order, the flow's target first
    /// and its source last), ordered by the topological position of the source.
    pub loops: Vec<(u32, Vec<u32>)>,
}

impl<'a> Graph<'a> {
    pub fn outs(&self, i: usize) -> &[u32] {
        &self.out[self.out_start[i] as usize..self.out_start[i + 1] as usize]
    }
    pub fn ins(&self, i: usize) -> &[u32] {
        &self.inc[self.in_start[i] as usize..self.in_start[i + 1] as usize]
    }
    pub fn reworks(&self, i: usize) -> &[u32] {
        &self.rework[self.rework_start[i] as usize..self.rework_start[i + 1] as usize]
    }
}

/// Lint facts about a step, gathered while the graph is built (one walk over the steps).
pub(crate) const MISSING_NAME: u8 = 1;
pub(crate) const NO_TEAM: u8 = 2;
pub(crate) const ESTIMATED: u8 = 4;
pub(crate) const GATE_WITHOUT_CONTROL: u8 = 8;
pub(crate) const GATE_DETAILS_ON_STEP: u8 = 16;
pub(crate) const ENDPOINT_TIMES: u8 = 32;
pub(crate) const CHANGEOVER_UNAMORTISED: u8 = 64;

/// What the lints look for in a step, as flags; `blank_name` when its name is blank (the
/// caller has read the name already).
pub(crate) fn step_flags(s: &Step, blank_name: bool, demand: bool) -> u8 {
    let mut f = 0;
    if blank_name {
        f |= MISSING_NAME;
    }
    if matches!(s.kind, StepKind::Process | StepKind::Gate) && s.team.is_none() {
        f |= NO_TEAM;
    }
    if s.provenance.values().any(|p| *p == Provenance::Estimated) {
        f |= ESTIMATED;
    }
    let named = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    match (s.kind, &s.gate) {
        (StepKind::Gate, Some(gd)) if named(&gd.regulation) || named(&gd.control) => {}
        (StepKind::Gate, _) => f |= GATE_WITHOUT_CONTROL,
        (_, Some(_)) => f |= GATE_DETAILS_ON_STEP,
        _ => {}
    }
    if s.kind.is_endpoint() && (s.pt.is_some() || s.lt.is_some()) {
        f |= ENDPOINT_TIMES;
    }
    // A changeover with nothing to share it among is not charged (see
    // `validate::changeover_per_item`).
    if !s.kind.is_endpoint()
        && s.changeover.is_some()
        && s.batch.is_none()
        && !(s.epe.is_some() && demand)
    {
        f |= CHANGEOVER_UNAMORTISED;
    }
    f
}

/// A hash of a name that ignores case and surrounding blanks, without building a lower-case
/// copy on the heap: ASCII names (the usual case) are folded in a stack buffer and hashed a
/// word at a time.
pub(crate) fn fold_name(name: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let name = name.trim();
    let mut h = name.len() as u64;
    if name.is_ascii() {
        for chunk in name.as_bytes().chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            w.make_ascii_lowercase();
            h = mix(h, u64::from_le_bytes(w));
        }
    } else {
        for c in name.chars().flat_map(char::to_lowercase) {
            h = mix(h, c as u64);
        }
    }
    h
}

/// A loop among directed `edges` of `n` nodes, as node indices starting from the lowest, if
/// there is one.
pub(crate) fn find_cycle(n: usize, edges: &[(u32, u32)]) -> Option<Vec<u32>> {
    // Compressed adjacency, then Kahn's algorithm: what it cannot order holds a loop.
    let mut start = vec![0u32; n + 1];
    let mut indeg = vec![0u32; n];
    for &(a, b) in edges {
        start[a as usize + 1] += 1;
        indeg[b as usize] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut adj = vec![0u32; edges.len()];
    for &(a, b) in edges {
        adj[fill[a as usize] as usize] = b;
        fill[a as usize] += 1;
    }
    let mut ready: Vec<u32> = (0..n as u32).filter(|&v| indeg[v as usize] == 0).collect();
    let mut done = 0;
    while let Some(v) = ready.pop() {
        done += 1;
        for &w in &adj[start[v as usize] as usize..start[v as usize + 1] as usize] {
            indeg[w as usize] -= 1;
            if indeg[w as usize] == 0 {
                ready.push(w);
            }
        }
    }
    if done == n {
        return None;
    }
    // Every unordered node has an unordered successor.
    let first = (0..n as u32).find(|&v| indeg[v as usize] > 0)?;
    let cyc = walk_to_cycle(n, first, |v| {
        adj[start[v as usize] as usize..start[v as usize + 1] as usize]
            .iter()
            .copied()
            .find(|&w| indeg[w as usize] > 0)
    })?;
    Some(cyc)
}

/// The loop found by walking from `first` through `next` until a node repeats: every node a
/// topological sort left unordered has a neighbour (successor or predecessor, as `next` looks)
/// also left, so the walk meets a loop. Returned in the order walked, starting from its lowest
/// node; `None` if `next` finds no neighbour. Shared by the steps' flows and the lineage.
pub(crate) fn walk_to_cycle(
    n: usize,
    first: u32,
    next: impl Fn(u32) -> Option<u32>,
) -> Option<Vec<u32>> {
    let mut seen = vec![usize::MAX; n];
    let mut path = Vec::new();
    let mut v = first;
    loop {
        if seen[v as usize] != usize::MAX {
            let mut cyc = path[seen[v as usize]..].to_vec();
            let low = (0..cyc.len()).min_by_key(|&k| cyc[k]).unwrap_or(0);
            cyc.rotate_left(low);
            return Some(cyc);
        }
        seen[v as usize] = path.len();
        path.push(v);
        v = next(v)?;
    }
}
