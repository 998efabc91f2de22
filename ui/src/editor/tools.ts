// Pointer input as a small state machine. It knows nothing of the DOM: the editor feeds it
// screen points and it acts through a host, so its rules are tested without a browser.

import type { Op } from "../bindings";
import { normRect, snap, type Point, type Rect } from "./geometry";
import { burstCentre, type Hit, type Scene } from "./scene";
import type { Viewport } from "./viewport";

export interface ToolHost {
  scene: Scene;
  viewport: Viewport;
  selection: Set<string>;
  selectedFlow: string | null;
  setSelection(ids: Iterable<string>, flow?: string | null): void;
  /** Selects a kaizen burst (and nothing else). */
  selectKaizen(id: string): void;
  /** Selects a note of the parking lot (and nothing else). */
  selectNote(id: string): void;
  /** Steps being dragged, moved by this much (world units), not yet committed. */
  setDrag(ids: string[] | null, delta: Point): void;
  setMarquee(r: Rect | null): void;
  setConnecting(c: { from: string; to: Point; target: string | null } | null): void;
  setHover(id: string | null): void;
  commit(op: Op): void;
  /** Whether item flows lead from step `a` to step `b`. */
  reaches(a: string, b: string): boolean;
  editName(id: string): void;
  /** `bitmapsValid`: only the viewport's offset changed (see `Editor.redraw`). */
  redraw(bitmapsValid?: boolean): void;
  /** A pan gesture begins (`true`) or ends. */
  panning(on: boolean): void;
}

export interface Modifiers {
  button: number;
  shift: boolean;
  /** Space held, or another pan modifier. */
  pan: boolean;
}

type Mode =
  | { kind: "idle" }
  | { kind: "press"; at: Point; hit: Hit; shift: boolean }
  | { kind: "drag"; at: Point; ids: string[]; origin: Map<string, Point>; delta: Point }
  | { kind: "pan"; last: Point }
  | { kind: "marquee"; start: Point; additive: Set<string> }
  | { kind: "connect"; from: string }
  | { kind: "burst"; what: "kaizen" | "note"; id: string; at: Point; origin: Point; delta: Point };

/** Screen pixels the pointer moves before a press becomes a drag. */
export const DRAG_THRESHOLD = 4;
/** Screen pixels within which a dragged step aligns with another. */
export const ALIGN = 8;

export class Tools {
  mode: Mode = { kind: "idle" };
  constructor(private host: ToolHost) {}

  private world(p: Point): Point {
    return this.host.viewport.toWorld(p);
  }

  down(p: Point, m: Modifiers): void {
    const h = this.host;
    if (m.button === 1 || m.button === 2 || m.pan) {
      this.mode = { kind: "pan", last: p };
      h.panning(true);
      return;
    }
    const hit = h.scene.hit(this.world(p), this.host.viewport.scale);
    if (hit.kind === "kaizen") {
      h.selectKaizen(hit.id);
      const b = burstCentre(h.scene.bursts.find((x) => x.kaizen.id === hit.id)!, h.viewport.scale);
      this.mode = { kind: "burst", what: "kaizen", id: hit.id, at: p, origin: { x: b.x, y: b.y }, delta: { x: 0, y: 0 } };
      return;
    }
    if (hit.kind === "note") {
      h.selectNote(hit.id);
      const r = h.scene.notes.find((x) => x.note.id === hit.id)!.rect;
      this.mode = { kind: "burst", what: "note", id: hit.id, at: p, origin: { x: r.x, y: r.y }, delta: { x: 0, y: 0 } };
      return;
    }
    if (hit.kind === "step" && hit.port) {
      this.mode = { kind: "connect", from: hit.id };
      h.setConnecting({ from: hit.id, to: this.world(p), target: null });
      return;
    }
    if (hit.kind === "step") {
      if (m.shift) {
        const next = new Set(h.selection);
        if (next.has(hit.id)) next.delete(hit.id);
        else next.add(hit.id);
        h.setSelection(next, null);
      } else if (!h.selection.has(hit.id)) {
        h.setSelection([hit.id], null);
      }
      this.mode = { kind: "press", at: p, hit, shift: m.shift };
      return;
    }
    if (hit.kind === "flow") {
      h.setSelection([], hit.key);
      this.mode = { kind: "idle" };
      return;
    }
    const additive = m.shift ? new Set(h.selection) : new Set<string>();
    if (!m.shift) h.setSelection([], null);
    this.mode = { kind: "marquee", start: this.world(p), additive };
  }

  move(p: Point): void {
    const h = this.host;
    const mode = this.mode;
    switch (mode.kind) {
      case "idle": {
        const hit = h.scene.hit(this.world(p), this.host.viewport.scale);
        h.setHover(hit.kind === "step" ? hit.id : null);
        return;
      }
      case "pan":
        h.viewport.panBy(p.x - mode.last.x, p.y - mode.last.y);
        mode.last = p;
        h.redraw(true);
        return;
      case "press": {
        if (Math.hypot(p.x - mode.at.x, p.y - mode.at.y) < DRAG_THRESHOLD) return;
        const ids = [...h.selection];
        // Where the steps were when the drag began (the scene moves them as it goes).
        const origin = new Map<string, Point>();
        for (const id of ids) {
          const b = h.scene.box(id);
          if (b) origin.set(id, { x: b.rect.x, y: b.rect.y });
        }
        this.mode = { kind: "drag", at: mode.at, ids: ids.filter((id) => origin.has(id)), origin, delta: { x: 0, y: 0 } };
        this.move(p);
        return;
      }
      case "drag": {
        const s = h.viewport.scale;
        const raw = { x: (p.x - mode.at.x) / s, y: (p.y - mode.at.y) / s };
        mode.delta = this.aligned(mode.ids, mode.origin, raw);
        h.setDrag(mode.ids, mode.delta);
        return;
      }
      case "burst": {
        const s = h.viewport.scale;
        if (Math.hypot(p.x - mode.at.x, p.y - mode.at.y) < DRAG_THRESHOLD && mode.delta.x === 0 && mode.delta.y === 0) return;
        mode.delta = {
          x: snap(mode.origin.x + (p.x - mode.at.x) / s) - mode.origin.x,
          y: snap(mode.origin.y + (p.y - mode.at.y) / s) - mode.origin.y,
        };
        h.setDrag([`${mode.what}:${mode.id}`], mode.delta);
        return;
      }
      case "marquee": {
        const r = normRect(mode.start, this.world(p));
        h.setMarquee(r);
        const ids = new Set(mode.additive);
        for (const b of h.scene.stepsIn(r)) ids.add(b.step.id);
        h.setSelection(ids, null);
        return;
      }
      case "connect": {
        const w = this.world(p);
        const hit = h.scene.hit(w, this.host.viewport.scale);
        const target = hit.kind === "step" && hit.id !== mode.from ? hit.id : null;
        h.setConnecting({ from: mode.from, to: w, target });
        return;
      }
    }
  }

  up(p: Point): void {
    const h = this.host;
    const mode = this.mode;
    this.mode = { kind: "idle" };
    switch (mode.kind) {
      case "pan":
        h.panning(false);
        return;
      case "drag": {
        h.setDrag(null, { x: 0, y: 0 });
        if (mode.delta.x === 0 && mode.delta.y === 0) return;
        const ops: Op[] = [];
        for (const id of mode.ids) {
          const o = mode.origin.get(id)!;
          ops.push({ op: "move", key: { kind: "step", id }, x: o.x + mode.delta.x, y: o.y + mode.delta.y });
        }
        if (ops.length) h.commit(ops.length === 1 ? ops[0] : { op: "batch", ops });
        return;
      }
      case "burst":
        h.setDrag(null, { x: 0, y: 0 });
        if (mode.delta.x !== 0 || mode.delta.y !== 0) {
          h.commit({ op: "move", key: { kind: mode.what, id: mode.id }, x: mode.origin.x + mode.delta.x, y: mode.origin.y + mode.delta.y });
        }
        return;
      case "press":
        if (!mode.shift && h.selection.size > 1) h.setSelection([(mode.hit as { id: string }).id], null);
        return;
      case "marquee":
        h.setMarquee(null);
        return;
      case "connect": {
        h.setConnecting(null);
        const hit = h.scene.hit(this.world(p), this.host.viewport.scale);
        if (hit.kind === "step" && hit.id !== mode.from) {
          // Back to a step upstream: work going back is rework (an item flow would close a
          // loop, which the core refuses). It starts at a 10% chance, to be adjusted.
          const back = h.reaches(hit.id, mode.from);
          const flow = back ? { from: mode.from, to: hit.id, kind: "rework" as const, p: 0.1 } : { from: mode.from, to: hit.id };
          h.commit({ op: "add", record: { flow } });
        }
        return;
      }
      default:
        return;
    }
  }

  doubleClick(p: Point): void {
    const hit = this.host.scene.hit(this.world(p), this.host.viewport.scale);
    if (hit.kind === "step") this.host.editName(hit.id);
  }

  /**
   * The drag offset after snapping: the lead step's corner snaps to the grid, or lines up with
   * another step's edge when it is within a few pixels of it.
   */
  private aligned(ids: string[], origin: Map<string, Point>, raw: Point): Point {
    const h = this.host;
    const lead = origin.get(ids[0]);
    if (!lead) return raw;
    const x = lead.x + raw.x;
    const y = lead.y + raw.y;
    let nx = snap(x);
    let ny = snap(y);
    const near = ALIGN / h.viewport.scale;
    const moving = new Set(ids);
    const around = h.scene.stepsIn({ x: x - 600, y: y - 400, w: 1400, h: 900 });
    let bx = near;
    let by = near;
    for (const b of around) {
      if (moving.has(b.step.id)) continue;
      const dx = Math.abs(b.rect.x - x);
      const dy = Math.abs(b.rect.y - y);
      if (dx < bx) {
        bx = dx;
        nx = b.rect.x;
      }
      if (dy < by) {
        by = dy;
        ny = b.rect.y;
      }
    }
    return { x: nx - lead.x, y: ny - lead.y };
  }
}
