// After an edit that changed a few steps' or flows' records and moved nothing (a step's times,
// its %C&A, a queue's wait), the next frame redraws only around what changed: the boxes and
// paths whose records changed, and those whose highlight changed with the analysis (critical
// path, bottleneck, over takt). On a large map this keeps an edit's frame to a small part of
// the canvas, for the page to draw and for WebKit to paint. This module is the arithmetic,
// apart from the canvas, so that it is tested without a browser.

import type { Rect } from "./geometry";
import type { Highlights } from "./render";
import type { FlowPath, Scene, StepBox } from "./scene";
import type { Viewport } from "./viewport";

/**
 * How far beyond its box or path anything drawn for a step or flow reaches: badges, ports,
 * selection outlines, queue triangles and labels (which grow when zoomed out). In world units,
 * plus screen pixels.
 */
export const REACH = 40;
export const REACH_PX = 40;

/** Above this share of the view a region is drawn as the whole view. */
const MOST = 0.5;

/** Where the scene changed: the records in `changed`, and what the analysis highlights anew. */
export function changedRects(scene: Scene, changed: { boxes: StepBox[]; flows: FlowPath[] }, before: Highlights, after: Highlights): Rect[] {
  const rects: Rect[] = [];
  for (const b of changed.boxes) rects.push(b.rect);
  for (const f of changed.flows) rects.push(f.bounds);
  const steps = new Set<string>();
  const flipped = (a: Set<string>, b: Set<string>, into: Set<string>) => {
    for (const x of a) if (!b.has(x)) into.add(x);
    for (const x of b) if (!a.has(x)) into.add(x);
  };
  flipped(before.critical, after.critical, steps);
  flipped(before.overTakt, after.overTakt, steps);
  flipped(before.overSla, after.overSla, steps);
  flipped(before.redundant, after.redundant, steps);
  if (before.bottleneck !== after.bottleneck) {
    if (before.bottleneck) steps.add(before.bottleneck);
    if (after.bottleneck) steps.add(after.bottleneck);
  }
  for (const id of steps) {
    const b = scene.box(id);
    if (b) rects.push(b.rect);
  }
  const flows = new Set<string>();
  flipped(before.criticalFlows, after.criticalFlows, flows);
  if (flows.size > 0) for (const f of scene.flows) if (flows.has(`${f.flow.from}>${f.flow.to}`)) rects.push(f.bounds);
  return rects;
}

/**
 * What to redraw for the changed world rectangles `rects`: nothing (all off screen), the whole
 * view (most of it changed), or a clip in whole device pixels (`ratio` to a screen pixel, so
 * that no edge is drawn at partial coverage) and the world rectangle whose steps and flows
 * must be drawn to fill it (the clip widened by their reach, so that a neighbour's badge or
 * label that overlaps the clip is drawn too).
 */
export function regionPlan(rects: Rect[], v: Viewport, ratio = 1): "none" | "all" | { clip: Rect; cull: Rect } {
  if (rects.length === 0) return "none";
  const reach = REACH + REACH_PX / v.scale;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x - reach);
    y0 = Math.min(y0, r.y - reach);
    x1 = Math.max(x1, r.x + r.w + reach);
    y1 = Math.max(y1, r.y + r.h + reach);
  }
  const a = v.toScreen({ x: x0, y: y0 });
  const b = v.toScreen({ x: x1, y: y1 });
  const dx0 = Math.max(0, Math.floor(a.x * ratio));
  const dy0 = Math.max(0, Math.floor(a.y * ratio));
  const dx1 = Math.min(Math.ceil(v.width * ratio), Math.ceil(b.x * ratio));
  const dy1 = Math.min(Math.ceil(v.height * ratio), Math.ceil(b.y * ratio));
  if (dx1 <= dx0 || dy1 <= dy0) return "none";
  const clip = { x: dx0, y: dy0, w: dx1 - dx0, h: dy1 - dy0 };
  if (clip.w * clip.h > MOST * v.width * v.height * ratio * ratio) return "all";
  const w0 = v.toWorld({ x: clip.x / ratio, y: clip.y / ratio });
  const k = ratio * v.scale;
  const cull = { x: w0.x - reach, y: w0.y - reach, w: clip.w / k + 2 * reach, h: clip.h / k + 2 * reach };
  return { clip, cull };
}
