// Automatic layout: columns by the longest run of item flows before a step (so work reads left
// to right), swimlanes by team (in the map's team order; steps without a team last).

import type { ValueStream } from "../bindings";
import { COL, ROW, type Point } from "./geometry";

const ITEM_FLOWS = new Set(["push", "pull", "fifo", undefined]);

export interface Layout {
  /** Position of each step, by its index in `map.steps`. */
  positions: Point[];
}

export function autoLayout(map: ValueStream): Layout {
  const steps = map.steps ?? [];
  const flows = map.flows ?? [];
  const n = steps.length;
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    index.set(s.id, i);
  });
  const outs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Array<number>(n).fill(0);
  for (const f of flows) {
    if (!ITEM_FLOWS.has(f.kind ?? undefined)) continue;
    const a = index.get(f.from);
    const b = index.get(f.to);
    if (a === undefined || b === undefined || a === b) continue;
    outs[a].push(b);
    indeg[b]++;
  }
  // Longest path from any source (Kahn's order; the core guarantees no cycle of item flows).
  const rank = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h];
    for (const v of outs[u]) {
      rank[v] = Math.max(rank[v], rank[u] + 1);
      if (--indeg[v] === 0) queue.push(v);
    }
  }
  // Customers sit after everything they receive from; suppliers stay first.
  const teams = new Map<string, number>();
  (map.teams ?? []).forEach((t, i) => {
    teams.set(t.id, i);
  });
  const laneOf = (i: number) => {
    const t = steps[i].team;
    return t != null && teams.has(t) ? teams.get(t)! : teams.size;
  };
  // Rows within each lane: how many steps share a column there.
  const laneRows = new Map<number, number>();
  const slot = new Array<number>(n).fill(0);
  const used = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = `${laneOf(i)}:${rank[i]}`;
    const s = used.get(k) ?? 0;
    used.set(k, s + 1);
    slot[i] = s;
    laneRows.set(laneOf(i), Math.max(laneRows.get(laneOf(i)) ?? 0, s + 1));
  }
  const laneTop = new Map<number, number>();
  let y = 0;
  for (let lane = 0; lane <= teams.size; lane++) {
    laneTop.set(lane, y);
    y += (laneRows.get(lane) ?? 0) * ROW;
  }
  const positions = steps.map((_, i) => ({
    x: rank[i] * COL,
    y: laneTop.get(laneOf(i))! + slot[i] * ROW,
  }));
  return { positions };
}
