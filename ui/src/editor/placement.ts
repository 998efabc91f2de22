// Where new things go, and what a deletion leaves joined: rules of the editor that need no
// canvas (tested in editor.test.ts).

import type { Flow } from "../bindings";
import { COL, intersects, ROW, STEP_H, STEP_W, type Point, type Rect } from "./geometry";
import type { Scene } from "./scene";

const ITEM = new Set(["push", "pull", "fifo", undefined, null]);

/**
 * Free space for a new step: beside `near` (the selected step: to its right, then below,
 * then above, further out each round), or at `centre` and then around it. Free means no step
 * within half a column or row of it.
 */
export function freeSpot(scene: Scene, near: Rect | null, centre: Point): Point {
  const origin = near ? { x: near.x, y: near.y } : { x: Math.round(centre.x / 10) * 10, y: Math.round(centre.y / 10) * 10 };
  const free = (p: Point) => {
    const probe = { x: p.x - 40, y: p.y - 30, w: STEP_W + 80, h: STEP_H + 60 };
    return !scene.stepsIn(probe).some((b) => intersects(b.rect, probe));
  };
  const around: Point[] = near
    ? [
        { x: COL, y: 0 },
        { x: 0, y: ROW },
        { x: 0, y: -ROW },
        { x: COL, y: ROW },
        { x: COL, y: -ROW },
        { x: -COL, y: 0 },
      ]
    : [
        { x: 0, y: 0 },
        { x: COL, y: 0 },
        { x: 0, y: ROW },
        { x: -COL, y: 0 },
        { x: 0, y: -ROW },
        { x: COL, y: ROW },
      ];
  for (let ring = 1; ring <= 12; ring++) {
    for (const d of around) {
      const p = { x: origin.x + d.x * ring, y: origin.y + d.y * ring };
      if (free(p)) return p;
    }
  }
  return { x: origin.x + COL, y: origin.y };
}

/**
 * The flows that keep a chain joined when the steps `gone` are deleted: for each run of
 * deleted steps that each have exactly one item flow in and one out, from the step before the
 * run to the step after it (unless those two are joined already). The new flow takes the
 * queue, kind and label of the flow into the step after the run (that queue is still there)
 * and the probability of the flow out of the step before it (the branch it was).
 */
export function healingFlows(flows: Flow[], gone: Set<string>): Flow[] {
  const ins = new Map<string, Flow[]>();
  const outs = new Map<string, Flow[]>();
  for (const f of flows) {
    if (!ITEM.has(f.kind)) continue;
    (ins.get(f.to) ?? ins.set(f.to, []).get(f.to)!).push(f);
    (outs.get(f.from) ?? outs.set(f.from, []).get(f.from)!).push(f);
  }
  const chain = (id: string) => (ins.get(id)?.length ?? 0) === 1 && (outs.get(id)?.length ?? 0) === 1;
  const joined = new Set(flows.map((f) => `${f.from}>${f.to}`));
  const made: Flow[] = [];
  for (const id of gone) {
    if (!chain(id)) continue;
    const first = ins.get(id)![0];
    // The start of a run: the flow in comes from a step that stays.
    if (gone.has(first.from)) continue;
    let at = id;
    let last = outs.get(at)![0];
    const seen = new Set([at]);
    while (gone.has(last.to)) {
      at = last.to;
      if (seen.has(at) || !chain(at)) {
        last = null as unknown as Flow;
        break;
      }
      seen.add(at);
      last = outs.get(at)![0];
    }
    if (!last || first.from === last.to || joined.has(`${first.from}>${last.to}`)) continue;
    const f: Flow = { from: first.from, to: last.to };
    if (last.kind && last.kind !== "push") f.kind = last.kind;
    if (last.wait != null) f.wait = last.wait;
    if (last.wip != null) f.wip = last.wip;
    if (last.wait_range != null) f.wait_range = last.wait_range;
    if (last.waste?.length) f.waste = last.waste;
    if (last.label != null) f.label = last.label;
    if (first.p != null) f.p = first.p;
    joined.add(`${first.from}>${last.to}`);
    made.push(f);
  }
  return made;
}
