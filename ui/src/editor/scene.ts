// What is where: every step's box and every flow's path in world space, rebuilt when the
// document changes, with a spatial index for hit tests and culling.

import type { Flow, Kaizen, Note, Step } from "../bindings";
import { autoLayout, LANE_BOTTOM, LANE_LEFT, LANE_TOP } from "./layout";
import { flowKey, type Mirror } from "./mirror";
import { SpatialIndex } from "./spatial";
import { currentSizes, stepHeight, type Sizes } from "./databox";
import {
  along,
  boxExit,
  clipSegment,
  COL,
  contains,
  intersects,
  segmentDistance,
  STEP_W,
  type Point,
  type Rect,
} from "./geometry";

/** What to draw of a map while steps are dragged: everything, what moves, or what stays. */
export type Layer = "all" | "moving" | "still";

export interface StepBox {
  index: number;
  step: Step;
  rect: Rect;
}

export interface FlowPath {
  index: number;
  flow: Flow;
  key: string;
  /** Points of the path (a polyline; rework flows loop under their steps). */
  points: Point[];
  bounds: Rect;
}

export interface Lane {
  team: string;
  name: string;
  y: number;
  h: number;
  /**
   * Where the lane's name starts when drawn over its first row (zoomed in): the band's start,
   * or, where a flow or its queue crosses the strip there (a supplier's delivery down into the
   * first step does), after the first column whose strip no flow crosses.
   */
  nameX: number;
}

/**
 * A kaizen burst where it is drawn: its centre, or, for one placed over its step ("above"),
 * the tip it stands on at the step's top edge (it grows upwards, away from the step, when
 * zoomed out: see `burstCentre`).
 */
export interface Burst {
  kaizen: Kaizen;
  x: number;
  y: number;
  anchor?: "centre" | "above";
}

/** Where a burst's centre is drawn at zoom `scale`. */
export function burstCentre(b: Burst, scale: number): Point {
  return b.anchor === "above" ? { x: b.x, y: b.y - BURST.h * burstGrowth(scale) } : { x: b.x, y: b.y };
}

/** A parking-lot note where it is drawn. */
export interface NoteBox {
  note: Note;
  rect: Rect;
}

/** A sticky note's size at 100%. */
export const NOTE = { w: 150, h: 96 };

/** Half the width and height of a kaizen burst at 100%. */
export const BURST = { w: 51, h: 34 };

/** How much bursts grow when zoomed out (so that they stay legible), at `scale`. */
export function burstGrowth(scale: number): number {
  return Math.min(2.5, Math.max(1, 0.75 / scale));
}

export type Hit =
  | { kind: "kaizen"; id: string }
  | { kind: "note"; id: string }
  | { kind: "step"; id: string; port: boolean }
  | { kind: "flow"; key: string }
  | { kind: "none" };

const PORT_R = 9;
/** Screen pixels a click may miss by. */
const HIT_PX = 4;

export class Scene {
  boxes: StepBox[] = [];
  flows: FlowPath[] = [];
  lanes: Lane[] = [];
  bursts: Burst[] = [];
  notes: NoteBox[] = [];
  bounds: Rect = { x: 0, y: 0, w: 0, h: 0 };
  private byId = new Map<string, StepBox>();
  private stepIndex = new SpatialIndex<StepBox>(512);
  private flowIndex = new SpatialIndex<FlowPath>(512);

  /**
   * The automatic layout, per set of sizes (presentation mode lays the map out with larger
   * boxes): switching sizes back and forth lays nothing out again.
   */
  private layoutCache = new Map<Sizes, { mirror: Mirror; version: number; positions: Point[] }>();
  /** What the last build was of: the mirror and its layout version (see `refresh`). */
  private built: { mirror: Mirror; layoutVersion: number } | null = null;
  /**
   * The steps a drag moves and the flows that touch them. While a drag lasts, only these
   * change: the indexes keep them where the drag began, queries skip them there and test them
   * where they are, so a move costs the dragged steps, not a rebuild of the whole map.
   */
  private moving: { ids: Set<string>; boxes: StepBox[]; base: Point[]; flows: FlowPath[]; keys: Set<string>; still: Extent } | null = null;

  /** Rebuilds from the mirror; `offsets` moves steps being dragged (not yet committed). */
  build(m: Mirror, offsets?: Map<string, Point>): void {
    this.moving = null;
    this.built = offsets?.size ? null : { mirror: m, layoutVersion: m.layoutVersion };
    const steps = m.steps;
    const needLayout = steps.some((s) => s.x == null || s.y == null);
    // Layout depends only on where things are and how they connect: computed once for each
    // layout version, not once per drag move or per edit of a step's times.
    let layout: { positions: Point[] } | null = null;
    if (needLayout) {
      const sizes = currentSizes();
      let c = this.layoutCache.get(sizes);
      if (!c || c.mirror !== m || c.version !== m.layoutVersion) {
        c = { mirror: m, version: m.layoutVersion, positions: autoLayout(m.map).positions };
        this.layoutCache.set(sizes, c);
      }
      layout = c;
    }
    this.boxes = steps.map((step, index) => {
      const p = step.x != null && step.y != null ? { x: step.x, y: step.y } : layout!.positions[index];
      const d = offsets?.get(step.id);
      return {
        index,
        step,
        rect: { x: p.x + (d?.x ?? 0), y: p.y + (d?.y ?? 0), w: STEP_W, h: stepHeight(step, m.map) },
      };
    });
    this.byId.clear();
    for (const b of this.boxes) this.byId.set(b.step.id, b);
    this.flows = [];
    m.flows.forEach((flow, index) => {
      const a = this.byId.get(flow.from);
      const b = this.byId.get(flow.to);
      if (!a || !b) return;
      const points = flowPoints(flow, a.rect, b.rect);
      this.flows.push({ index, flow, key: flowKey(flow), points, bounds: boundsOf(points, 12) });
    });
    this.stepIndex.clear();
    for (const b of this.boxes) this.stepIndex.insert(b, b.rect);
    this.flowIndex.clear();
    for (const f of this.flows) this.flowIndex.insert(f, f.bounds);
    this.measure(m);
    this.bursts = this.placeBursts(m, offsets);
    this.notes = this.placeNotes(m, offsets);
  }

  /**
   * Where each note of the parking lot is drawn: where it was put, or, without a position, in a
   * column right of the map (the parking lot), one under another.
   */
  private placeNotes(m: Mirror, offsets?: Map<string, Point>): NoteBox[] {
    const b = this.bounds;
    let row = 0;
    return (m.map.notes ?? []).map((note) => {
      const d = offsets?.get(`note:${note.id}`);
      const at = note.x != null && note.y != null ? { x: note.x, y: note.y } : { x: b.x + b.w + 60, y: b.y + row++ * (NOTE.h + 16) };
      return { note, rect: { x: at.x + (d?.x ?? 0), y: at.y + (d?.y ?? 0), w: NOTE.w, h: NOTE.h } };
    });
  }

  /**
   * Where each kaizen burst is drawn: where it was put, or, without a position, by what it
   * improves: above its step, above the middle of its flow, or over the map's top-left corner
   * for the whole map (several on one target side by side).
   */
  private placeBursts(m: Mirror, offsets?: Map<string, Point>): Burst[] {
    const byFlow = new Map(this.flows.map((f) => [f.key, f]));
    const taken = new Map<string, number>();
    const next = (target: string) => {
      const k = taken.get(target) ?? 0;
      taken.set(target, k + 1);
      return k;
    };
    return (m.map.kaizen ?? []).map((kaizen) => {
      const d = offsets?.get(`kaizen:${kaizen.id}`);
      let x: number;
      let y: number;
      let anchor: Burst["anchor"] = "centre";
      const t = kaizen.target;
      const step = t && "step" in t && t.step ? this.byId.get(t.step) : undefined;
      const flow = t && "flow" in t && t.flow ? byFlow.get(t.flow) : undefined;
      if (kaizen.x != null && kaizen.y != null) {
        x = kaizen.x;
        y = kaizen.y;
      } else if (step) {
        const k = next(`s:${step.step.id}`);
        // Over the left of its top edge (the right is where the bottleneck's badge goes),
        // standing on it.
        x = step.rect.x + BURST.w - 4 + k * 2.1 * BURST.w;
        y = step.rect.y + 6;
        anchor = "above";
      } else if (flow) {
        const k = next(`f:${flow.key}`);
        const p = along(flow.points, 0.5);
        x = p.x + k * 2.2 * BURST.w;
        y = p.y - BURST.h - 26;
      } else {
        const k = next("map");
        x = this.bounds.x + BURST.w + k * 2.2 * BURST.w;
        y = this.bounds.y - BURST.h - 40;
      }
      return { kaizen, x: x + (d?.x ?? 0), y: y + (d?.y ?? 0), anchor };
    });
  }

  /**
   * Brings the scene up to date without rebuilding it, after edits that changed only records
   * kept in place (`Mirror.layoutVersion` unchanged since the last build): every box and path
   * stays where it is and takes its new record. Returns what to redraw: the boxes and flows
   * whose records changed, with the flows at a changed step and the steps at a changed flow
   * (a flow draws its source's split, for one); null when a build is needed instead.
   */
  refresh(m: Mirror): { boxes: StepBox[]; flows: FlowPath[] } | null {
    const b = this.built;
    if (!b || b.mirror !== m || b.layoutVersion !== m.layoutVersion || this.moving) return null;
    if (m.steps.length !== this.boxes.length) return null;
    const boxes: StepBox[] = [];
    const flows: FlowPath[] = [];
    this.boxes.forEach((box, i) => {
      if (box.step !== m.steps[i]) {
        box.step = m.steps[i];
        boxes.push(box);
      }
    });
    const ends = new Set<string>();
    for (const f of this.flows) {
      const now = m.flows[f.index];
      if (now && f.flow !== now) {
        f.flow = now;
        flows.push(f);
        ends.add(f.flow.from).add(f.flow.to);
      }
    }
    const steps = new Set(boxes.map((box) => box.step.id));
    if (steps.size > 0) {
      const taken = new Set(flows);
      for (const f of this.flows) if (!taken.has(f) && (steps.has(f.flow.from) || steps.has(f.flow.to))) flows.push(f);
    }
    for (const id of ends) {
      const box = this.byId.get(id);
      if (box && !steps.has(id)) boxes.push(box);
    }
    return { boxes, flows };
  }

  /**
   * Lanes and the map's bounds, from where `boxes` are, added to `base` (during a drag: the
   * extent of the boxes that stay, with `boxes` the moving ones).
   */
  private measure(m: Mirror, boxes: StepBox[] = this.boxes, base?: Extent): void {
    const e = extentOf(boxes, base);
    this.lanes = lanesOf(m, e);
    this.bounds = e.boxes ? { x: e.x0, y: e.y0, w: e.x1 - e.x0, h: e.y1 - e.y0 } : { x: 0, y: 0, w: 0, h: 0 };
    for (const lane of this.lanes) lane.nameX = this.laneNameX(lane);
  }

  /** See `Lane.nameX`: the first place along the lane's top strip no flow crosses. */
  private laneNameX(lane: Lane): number {
    const start = this.bounds.x - LANE_LEFT;
    // The name's room at the widest it is drawn over its row (11 px at 70%: 16 world units).
    const w = lane.name.length * 16 * 0.62 + 16;
    const free = (x: number) => {
      const r = { x, y: lane.y, w, h: LANE_TOP };
      return !this.flowsIn(r).some((f) => {
        for (let i = 1; i < f.points.length; i++) if (clipSegment(f.points[i - 1], f.points[i], r)) return true;
        // The queue's triangle and wait, at the flow's middle.
        const mid = along(f.points, 0.5);
        return contains({ x: r.x - 24, y: r.y - 30, w: r.w + 48, h: r.h + 60 }, mid);
      });
    };
    if (free(start)) return start;
    for (let k = 0; k < 12; k++) {
      const x = this.bounds.x + k * COL + STEP_W + 6;
      if (x > this.bounds.x + this.bounds.w) break;
      if (free(x)) return x;
    }
    return start;
  }

  /**
   * Moves the steps `ids` (of the last build) by `delta` from where they were built, and the
   * flows that touch them, without rebuilding the rest (see `moving`). The next `build` ends it.
   */
  drag(m: Mirror, ids: string[], delta: Point): void {
    const mv = this.moving;
    if (!mv || mv.ids.size !== ids.length || ids.some((id) => !mv.ids.has(id))) {
      const boxes = ids.map((id) => this.byId.get(id)).filter((b): b is StepBox => b != null);
      const set = new Set(boxes.map((b) => b.step.id));
      const flows = this.flows.filter((f) => set.has(f.flow.from) || set.has(f.flow.to));
      this.moving = {
        ids: set,
        boxes,
        base: boxes.map((b) => ({ x: b.rect.x, y: b.rect.y })),
        flows,
        keys: new Set(flows.map((f) => f.key)),
        // Where the other steps are does not change while the drag lasts: measured once.
        still: extentOf(this.boxes.filter((b) => !set.has(b.step.id))),
      };
    }
    const moving = this.moving!;
    moving.boxes.forEach((b, k) => {
      b.rect = { ...b.rect, x: moving.base[k].x + delta.x, y: moving.base[k].y + delta.y };
    });
    for (const f of moving.flows) {
      f.points = flowPoints(f.flow, this.byId.get(f.flow.from)!.rect, this.byId.get(f.flow.to)!.rect);
      f.bounds = boundsOf(f.points, 12);
    }
    this.measure(m, moving.boxes, moving.still);
  }

  /** The map's bounds with its kaizen bursts (at 100%): what *Fit* and the exports show. */
  get extent(): Rect {
    let { x, y, w, h } = this.bounds;
    if (this.boxes.length === 0 && this.bursts.length === 0 && this.notes.length === 0) return this.bounds;
    let x1 = x + w;
    let y1 = y + h;
    if (this.boxes.length === 0) {
      x = Infinity;
      y = Infinity;
      x1 = -Infinity;
      y1 = -Infinity;
    }
    // A lane's band reaches over its first row (where its name is) and left of its steps.
    for (const lane of this.lanes) y = Math.min(y, lane.y);
    if (this.lanes.length) x = Math.min(x, this.bounds.x - LANE_LEFT);
    for (const n of this.notes) {
      x = Math.min(x, n.rect.x);
      y = Math.min(y, n.rect.y);
      x1 = Math.max(x1, n.rect.x + n.rect.w);
      y1 = Math.max(y1, n.rect.y + n.rect.h);
    }
    for (const b of this.bursts) {
      const c = burstCentre(b, 1);
      x = Math.min(x, c.x - BURST.w);
      y = Math.min(y, c.y - BURST.h);
      x1 = Math.max(x1, c.x + BURST.w);
      y1 = Math.max(y1, c.y + BURST.h);
    }
    return { x, y, w: x1 - x, h: y1 - y };
  }

  box(id: string): StepBox | undefined {
    return this.byId.get(id);
  }

  /**
   * The steps near `r`: all of them, or only those a drag moves ("moving") or leaves where they
   * are ("still"). The two layers make up the whole: a drag frame copies the still layer, drawn
   * once, and draws only the moving one over it.
   */
  stepsIn(r: Rect, layer: Layer = "all"): StepBox[] {
    const mv = this.moving;
    const near = layer === "moving" ? (mv?.boxes ?? []) : layer === "still" && mv ? this.stepIndex.query(r).filter((b) => !mv.ids.has(b.step.id)) : this.stepCandidates(r);
    return near.filter((b) => intersects(b.rect, r));
  }
  /** The flows near `r`, of a layer as `stepsIn`: a flow moves when either of its ends does. */
  flowsIn(r: Rect, layer: Layer = "all"): FlowPath[] {
    const mv = this.moving;
    const near = layer === "moving" ? (mv?.flows ?? []) : layer === "still" && mv ? this.flowIndex.query(r).filter((f) => !mv.keys.has(f.key)) : this.flowCandidates(r);
    return near.filter((f) => intersects(f.bounds, r));
  }
  /** Whether a drag is moving steps (the layers differ). */
  get dragging(): boolean {
    return this.moving != null;
  }
  /** What the index holds near `r`, with the steps of a drag where they are now. */
  private stepCandidates(r: Rect): StepBox[] {
    const mv = this.moving;
    const near = this.stepIndex.query(r);
    return mv ? near.filter((b) => !mv.ids.has(b.step.id)).concat(mv.boxes) : near;
  }
  private flowCandidates(r: Rect): FlowPath[] {
    const mv = this.moving;
    const near = this.flowIndex.query(r);
    return mv ? near.filter((f) => !mv.keys.has(f.key)).concat(mv.flows) : near;
  }

  /** What is under a world point, at zoom `scale` (it allows a few screen pixels either way). */
  hit(p: Point, scale: number): Hit {
    const tolerance = HIT_PX / scale;
    // Notes are drawn over everything, bursts under them.
    for (let i = this.notes.length - 1; i >= 0; i--) {
      const r = this.notes[i].rect;
      if (p.x >= r.x - tolerance && p.x <= r.x + r.w + tolerance && p.y >= r.y - tolerance && p.y <= r.y + r.h + tolerance) {
        return { kind: "note", id: this.notes[i].note.id };
      }
    }
    // Bursts are drawn on top of the map, grown as the renderer grows them.
    const g = burstGrowth(scale);
    for (let i = this.bursts.length - 1; i >= 0; i--) {
      const b = burstCentre(this.bursts[i], scale);
      if (Math.abs(p.x - b.x) <= BURST.w * g + tolerance && Math.abs(p.y - b.y) <= BURST.h * g + tolerance) {
        return { kind: "kaizen", id: this.bursts[i].kaizen.id };
      }
    }
    const probe = { x: p.x - tolerance, y: p.y - tolerance, w: 2 * tolerance, h: 2 * tolerance };
    const near = this.stepCandidates({ x: probe.x - PORT_R, y: probe.y, w: probe.w + 2 * PORT_R, h: probe.h });
    // Last drawn is on top.
    near.sort((a, b) => b.index - a.index);
    for (const b of near) {
      const port = portOf(b.rect);
      if (Math.hypot(p.x - port.x, p.y - port.y) <= PORT_R + tolerance) {
        return { kind: "step", id: b.step.id, port: true };
      }
      if (contains(b.rect, p)) return { kind: "step", id: b.step.id, port: false };
    }
    let best: FlowPath | null = null;
    let bestD = tolerance + 4;
    for (const f of this.flowCandidates(probe)) {
      for (let i = 1; i < f.points.length; i++) {
        const d = segmentDistance(p, f.points[i - 1], f.points[i]);
        if (d < bestD) {
          bestD = d;
          best = f;
        }
      }
    }
    return best ? { kind: "flow", key: best.key } : { kind: "none" };
  }
}

/** The connection port: a circle on the right edge of a step. */
export function portOf(r: Rect): Point {
  return { x: r.x + r.w, y: r.y + r.h / 2 };
}

function flowPoints(flow: Flow, a: Rect, b: Rect): Point[] {
  if (flow.kind === "rework") {
    // Back under both steps: down from the source, along, up into the target.
    const y = Math.max(a.y + a.h, b.y + b.h) + 34;
    const ax = a.x + a.w * 0.35;
    const bx = b.x + b.w * 0.65;
    return [
      { x: ax, y: a.y + a.h },
      { x: ax, y },
      { x: bx, y },
      { x: bx, y: b.y + b.h },
    ];
  }
  const ca = { x: a.x + a.w / 2, y: a.y + a.h / 2 };
  const cb = { x: b.x + b.w / 2, y: b.y + b.h / 2 };
  if (flow.kind === "information") {
    // Information flows run above the item flows.
    const y = Math.min(a.y, b.y) - 26;
    return [
      { x: ca.x, y: a.y },
      { x: ca.x, y },
      { x: cb.x, y },
      { x: cb.x, y: b.y },
    ];
  }
  return [boxExit(a, cb), boxExit(b, ca)];
}


function boundsOf(points: Point[], pad: number): Rect {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad };
}

/** How far a set of boxes reaches: overall (with room under the last row), and per team. */
interface Extent {
  boxes: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Each team's top and bottom edge. */
  teams: Map<string, { y0: number; y1: number }>;
}

/** The extent of `boxes`, added to `base` (which is not changed). */
function extentOf(boxes: StepBox[], base?: Extent): Extent {
  const e: Extent = base
    ? { ...base, teams: new Map([...base.teams].map(([k, v]) => [k, { ...v }])) }
    : { boxes: 0, x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, teams: new Map() };
  for (const b of boxes) {
    const r = b.rect;
    e.boxes++;
    e.x0 = Math.min(e.x0, r.x);
    e.y0 = Math.min(e.y0, r.y);
    e.x1 = Math.max(e.x1, r.x + r.w);
    e.y1 = Math.max(e.y1, r.y + r.h + 40);
    const team = b.step.team;
    if (team == null) continue;
    const t = e.teams.get(team);
    if (t) {
      t.y0 = Math.min(t.y0, r.y);
      t.y1 = Math.max(t.y1, r.y + r.h);
    } else e.teams.set(team, { y0: r.y, y1: r.y + r.h });
  }
  return e;
}

/** A band for each team with steps, in the order of the map's teams. */
function lanesOf(m: Mirror, e: Extent): Lane[] {
  const lanes: Lane[] = [];
  for (const t of m.map.teams ?? []) {
    const span = e.teams.get(t.id);
    if (span) lanes.push({ team: t.id, name: t.name, y: span.y0 - LANE_TOP, h: span.y1 - span.y0 + LANE_TOP + LANE_BOTTOM, nameX: 0 });
  }
  return lanes;
}
