// Automatic layout, drawn as the textbook draws a value stream: work left to right in columns
// by the longest run of item flows before a step, swimlanes by team (in the map's team order;
// steps without a team last), and the supplier and customer outside the lanes, over the first
// and the last step they deliver to or receive from (top left and top right), not in columns
// of their own. Rows are as tall as the boxes in them and columns as close as their queues
// allow, so that *Fit* shows a map as large as the canvas holds it (issue 16).

import type { Step, ValueStream } from "../bindings";
import { stepHeight } from "./databox";
import { COL, type Point } from "./geometry";

const ITEM_FLOWS = new Set(["push", "pull", "fifo", undefined, null]);

/** Room over a lane's first row for its name, and under its last row. */
export const LANE_TOP = 24;
export const LANE_BOTTOM = 12;
/** How far left of its steps a lane's band reaches (zoomed in: see render.ts). */
export const LANE_LEFT = 16;
/** Between two rows of one lane, and between the supplier's and customer's row and the lanes. */
const ROW_GAP = 16;
const OUTER_GAP = 32;

export interface Layout {
  /** Position of each step, by its index in `map.steps`. */
  positions: Point[];
}

function isEndpoint(s: Step): boolean {
  return s.kind === "supplier" || s.kind === "customer";
}

export function autoLayout(map: ValueStream): Layout {
  const steps = map.steps ?? [];
  const flows = map.flows ?? [];
  const n = steps.length;
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    index.set(s.id, i);
  });
  const teams = new Map<string, number>();
  (map.teams ?? []).forEach((t, i) => {
    teams.set(t.id, i);
  });
  const laned = (i: number) => steps[i].team != null && teams.has(steps[i].team!);
  // A supplier or customer of no lane sits outside the lanes, over the steps it serves.
  const outside = steps.map((s, i) => isEndpoint(s) && !laned(i));
  const outs: number[][] = Array.from({ length: n }, () => []);
  const ins: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Array<number>(n).fill(0);
  for (const f of flows) {
    if (!ITEM_FLOWS.has(f.kind)) continue;
    const a = index.get(f.from);
    const b = index.get(f.to);
    if (a === undefined || b === undefined || a === b) continue;
    outs[a].push(b);
    ins[b].push(a);
    if (!outside[a] && !outside[b]) indeg[b]++;
  }
  // Longest path from any source among the steps in lanes (Kahn's order; the core guarantees
  // no cycle of item flows).
  const rank = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (!outside[i] && indeg[i] === 0) queue.push(i);
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h];
    for (const v of outs[u]) {
      if (outside[v]) continue;
      rank[v] = Math.max(rank[v], rank[u] + 1);
      if (--indeg[v] === 0) queue.push(v);
    }
  }
  // Outside, a customer goes over the last step it receives from, a supplier over the first it
  // delivers to; one joined only to others outside goes first (or last for a customer).
  const inner = steps.map((_, i) => i).filter((i) => !outside[i]);
  const last = inner.length ? Math.max(...inner.map((i) => rank[i])) : 0;
  for (let i = 0; i < n; i++) {
    if (!outside[i]) continue;
    const before = ins[i].filter((j) => !outside[j]).map((j) => rank[j]);
    const after = outs[i].filter((j) => !outside[j]).map((j) => rank[j]);
    if (steps[i].kind === "customer") rank[i] = before.length ? Math.max(...before) : after.length ? Math.min(...after) : last;
    else rank[i] = after.length ? Math.min(...after) : before.length ? Math.max(...before) : 0;
  }
  // Bands from the top: the row outside the lanes (-1), each team's lane, then steps of no team.
  const bandOf = (i: number) => (outside[i] ? -1 : laned(i) ? teams.get(steps[i].team!)! : teams.size);
  // Within a band, steps that share a column take a row each.
  const slot = new Array<number>(n).fill(0);
  const used = new Map<string, number>();
  // Each band's rows and the height of each (its tallest box).
  const rows = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const band = bandOf(i);
    const k = `${band}:${rank[i]}`;
    const s = used.get(k) ?? 0;
    used.set(k, s + 1);
    slot[i] = s;
    const heights = rows.get(band) ?? [];
    heights[s] = Math.max(heights[s] ?? 0, stepHeight(steps[i], map));
    rows.set(band, heights);
  }
  // Each row's top, band by band.
  const rowTop = new Map<string, number>();
  let y = 0;
  for (let band = -1; band <= teams.size; band++) {
    const heights = rows.get(band);
    if (!heights) continue;
    const lane = band >= 0;
    if (lane) y += LANE_TOP;
    heights.forEach((h, r) => {
      rowTop.set(`${band}:${r}`, y);
      y += h + (r < heights.length - 1 ? ROW_GAP : 0);
    });
    y += lane ? LANE_BOTTOM : OUTER_GAP;
  }
  const positions = steps.map((_, i) => ({
    x: rank[i] * COL,
    y: rowTop.get(`${bandOf(i)}:${slot[i]}`)!,
  }));
  return { positions };
}
