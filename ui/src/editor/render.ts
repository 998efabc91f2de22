// Canvas2D drawing of a scene: only what is on screen, with less detail when zoomed out.
// The same code draws the exported PNG (onto an offscreen canvas) and SVG (onto an SVG context).

import type { Analysis, Flow, Kaizen, Step, StepMetrics, ValueStream } from "../bindings";
import { LANE_LEFT } from "./layout";
import { DATA_FONT, dataRows, headerHeight, INSET, NAME_FONT, NAME_LINE, NAME_PAD, nameLines, ROW_H } from "./databox";
import { fmtDuration, fmtPercent, plural } from "./format";
import { burstCentre, burstGrowth, portOf, type FlowPath, type Layer, type NoteBox, type Scene, type StepBox } from "./scene";
import { along, clipSegment, type Point, type Rect } from "./geometry";
import type { Viewport } from "./viewport";

export interface Theme {
  background: string;
  grid: string;
  lane: string;
  laneText: string;
  /** Behind a lane's name, which stays at the view's left edge, over the steps scrolled under it. */
  laneTag: string;
  surface: string;
  header: string;
  border: string;
  text: string;
  muted: string;
  accent: string;
  critical: string;
  bottleneck: string;
  gate: string;
  gateHeader: string;
  /** A redundant gate's badge. */
  compliance: string;
  endpoint: string;
  rework: string;
  info: string;
  queue: string;
  kaizen: string;
  selection: string;
  font: string;
}

export const LIGHT: Theme = {
  background: "#f7f7f4",
  grid: "#e7e6df",
  lane: "rgba(15, 76, 92, 0.045)",
  laneText: "#5b6b70",
  laneTag: "rgba(247, 247, 244, 0.9)",
  surface: "#ffffff",
  header: "#eef3f4",
  border: "#8a9599",
  text: "#172226",
  muted: "#5b6b70",
  accent: "#0f4c5c",
  critical: "#d97706",
  bottleneck: "#c2410c",
  gate: "#f5f0ff",
  gateHeader: "#e4d9fb",
  compliance: "#6d28d9",
  endpoint: "#eef2f7",
  rework: "#b91c1c",
  info: "#2563eb",
  queue: "#f59e0b",
  kaizen: "#eab308",
  selection: "#2563eb",
  // The system's interface font. Only families that exist, and few: WebKit makes a font for
  // each size and weight by asking fontconfig for every family listed, and the families of
  // other systems made that 13-14 ms a font on Linux where this takes 6 (system-ui resolves
  // to Segoe UI on Windows and to SF on macOS anyway).
  font: "system-ui, sans-serif",
};

export const DARK: Theme = {
  ...LIGHT,
  background: "#14191b",
  grid: "#1f2629",
  lane: "rgba(148, 210, 224, 0.05)",
  laneText: "#93a4a9",
  laneTag: "rgba(20, 25, 27, 0.9)",
  surface: "#1d2427",
  header: "#24343a",
  border: "#6b7b80",
  text: "#e8eef0",
  muted: "#9fb0b5",
  accent: "#5eb1c4",
  critical: "#f59e0b",
  bottleneck: "#fb923c",
  gate: "#241f33",
  gateHeader: "#3a2f5c",
  compliance: "#7c3aed",
  endpoint: "#222a33",
  rework: "#f87171",
  info: "#60a5fa",
  queue: "#fbbf24",
  kaizen: "#facc15",
  selection: "#60a5fa",
};

/**
 * Presentation mode's high-contrast theme: black on white, heavy borders and saturated marks,
 * for a washed-out projector (issue 16).
 */
export const CONTRAST: Theme = {
  ...LIGHT,
  background: "#ffffff",
  grid: "#ffffff",
  lane: "rgba(0, 0, 0, 0.06)",
  laneText: "#000000",
  laneTag: "rgba(255, 255, 255, 0.95)",
  surface: "#ffffff",
  header: "#dbe7ea",
  border: "#000000",
  text: "#000000",
  muted: "#1f2a2e",
  accent: "#003847",
  critical: "#c2410c",
  bottleneck: "#9a1c00",
  gate: "#efe6ff",
  gateHeader: "#cdb6ff",
  compliance: "#4c1d95",
  endpoint: "#e3e9f0",
  rework: "#a50000",
  info: "#0037c4",
  queue: "#e08a00",
  kaizen: "#f2c200",
  selection: "#0037c4",
};

export interface DrawState {
  scene: Scene;
  map: ValueStream;
  analysis: Analysis | null;
  viewport: Viewport;
  theme: Theme;
  selected: ReadonlySet<string>;
  selectedFlow: string | null;
  selectedKaizen?: string | null;
  /** The parking-lot note selected, drawn outlined. */
  selectedNote?: string | null;
  hover: string | null;
  /** A flow being drawn from a port, to the pointer. */
  connecting: { from: string; to: Point; target: string | null } | null;
  /** A box selection in progress. */
  marquee: Rect | null;
  /** Draw the background grid (not in exports). */
  grid: boolean;
  /**
   * Zoomed out, draw each lane's name at the view's left edge, over everything (default). The
   * pan bitmap leaves them out: they stay at the edge of the screen, not of the bitmap, and are
   * drawn over each pan frame, as over a full or a drag frame, so that all three look alike.
   */
  laneNames?: boolean;
  /** Filled in with what the frame drew of the steps' text, where given (see `TextStats`). */
  stats?: TextStats;
  /**
   * While steps are dragged: everything (default), what lies under the map (background, grid,
   * lanes), what stays (steps, flows and bursts a drag leaves, drawn once into a transparent
   * bitmap), or what moves (drawn over a copy of it, with the pointer's overlays).
   */
  layer?: DrawLayer;
  /**
   * Draw only the steps and flows that meet this world rectangle (default: the view). A frame
   * that redraws part of the view, under a clip, passes the clip widened by what they reach.
   */
  cull?: Rect;
}

/**
 * What to draw: the layers of a drag (`Layer`: everything, what moves, what stays) and what lies
 * under them all ("under": the background, the grid and the lanes, which a drag can stretch, so
 * a drag frame draws them afresh under the copy of what stays).
 */
export type DrawLayer = Layer | "under";

/** Steps and flows on the critical path, as sets of ids and keys. */
export interface Highlights {
  critical: Set<string>;
  criticalFlows: Set<string>;
  bottleneck: string | null;
  overTakt: Set<string>;
  /** Steps no flow joins to the piece of the map that sets the lead time. */
  disconnected: Set<string>;
  /** Gates whose lead time exceeds their SLA. */
  overSla: Set<string>;
  /** Gates redundant with another (one control checked twice, one role approving twice). */
  redundant: Set<string>;
  /** How often each step was on the critical path in a Monte Carlo (0-1), when shown. */
  critShare: Map<string, number> | null;
  /** Steps a lineage question reached (impact, upstream) or that touch the hovered asset. */
  lineage: Set<string> | null;
  /** Flows (by key) whose queue holds more than its WIP limit. */
  overLimit: Set<string>;
}

export function highlights(map: ValueStream, a: Analysis | null): Highlights {
  const steps = map.steps ?? [];
  const critical = new Set<string>();
  const criticalFlows = new Set<string>();
  if (a) {
    const ids = a.critical_path.map((i) => steps[i]?.id).filter((x): x is string => !!x);
    for (const id of ids) critical.add(id);
    for (let i = 1; i < ids.length; i++) criticalFlows.add(`${ids[i - 1]}>${ids[i]}`);
  }
  return {
    critical,
    criticalFlows,
    bottleneck: a?.bottleneck ?? null,
    overTakt: new Set(a?.over_takt ?? []),
    disconnected: new Set((a?.disconnected ?? []).map((i) => steps[i]?.id).filter((x): x is string => !!x)),
    overSla: new Set((a?.warnings ?? []).filter((w) => w.code === "gate_over_sla" && w.element?.kind === "step").map((w) => (w.element as { id: string }).id)),
    redundant: new Set((a?.redundant_gates ?? []).flat()),
    critShare: null,
    lineage: null,
    overLimit: new Set((a?.warnings ?? []).filter((w) => w.code === "over_wip_limit" && w.element?.kind === "flow").map((w) => (w.element as { id: string }).id)),
  };
}

/** The frame being drawn: its scale, offset and device-pixel ratio. */
const frame = { scale: 1, ox: 0, oy: 0, r: 1 };
let font = { weight: "400", size: 12, family: "sans-serif" };

function setFont(weight: string, worldSize: number, family: string): void {
  font = { weight, size: worldSize, family };
}

/**
 * Text is drawn in screen space, in a whole-pixel font. WebKit builds a font object for every
 * distinct CSS font string: world-space sizes that follow the zoom made a new one on every
 * frame of a zoom (20 ms each). Whole screen pixels are a small set, made once each.
 */
function screenFont(): string {
  return `${font.weight} ${nearestSize(font.size * frame.scale * frame.r)}px ${font.family}`;
}

/** The screen font sizes text is drawn in: few enough that each is made once, early. */
const SIZES = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 27, 30, 34, 38, 43, 48, 54, 60];
const WEIGHTS = ["400", "600", "700"];

export function nearestSize(px: number): number {
  if (px <= SIZES[0]) return SIZES[0];
  for (let i = 1; i < SIZES.length; i++) {
    if (px <= SIZES[i]) return px - SIZES[i - 1] < SIZES[i] - px ? SIZES[i - 1] : SIZES[i];
  }
  return Math.round(px);
}

/**
 * Makes WebKit build every font the drawing uses, a few at a time while the app is idle, so
 * that the first zoom through a size does not pay for it in a frame.
 */
export function warmFonts(ctx: CanvasRenderingContext2D, family: string): void {
  const todo = WEIGHTS.flatMap((w) => SIZES.map((px) => `${w} ${px}px ${family}`));
  const next = () => {
    const f = todo.shift();
    if (!f) return;
    // Drawn outside the canvas: nothing shows, but the font and its glyphs are made.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = f;
    ctx.fillText("Ag 0.5 d", -1000, -1000);
    ctx.restore();
    setTimeout(next, 16);
  };
  setTimeout(next, 500);
}

/** Width of `s` in world units, in the current font. */
function measure(ctx: CanvasRenderingContext2D, s: string): number {
  ctx.font = screenFont();
  return ctx.measureText(s).width / (frame.scale * frame.r);
}

/**
 * Draws `s` at a world point, in the current font; `maxWidth` (world units) narrows it to fit
 * where the whole-pixel font is a little wider than the world size it stands for.
 */
function drawText(ctx: CanvasRenderingContext2D, s: string, x: number, y: number, maxWidth?: number): void {
  ctx.font = screenFont();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const sx = (x * frame.scale + frame.ox) * frame.r;
  const sy = (y * frame.scale + frame.oy) * frame.r;
  if (maxWidth != null) ctx.fillText(s, sx, sy, maxWidth * frame.scale * frame.r);
  else ctx.fillText(s, sx, sy);
  worldTransform(ctx);
}

function worldTransform(ctx: CanvasRenderingContext2D): void {
  const { r, scale, ox, oy } = frame;
  ctx.setTransform(r * scale, 0, 0, r * scale, r * ox, r * oy);
}

/** Sets up `frame` for drawing the view `v` on `ctx`. */
function beginFrame(ctx: CanvasRenderingContext2D, v: Viewport): void {
  frame.scale = v.scale;
  frame.ox = v.ox;
  frame.oy = v.oy;
  frame.r = dpr(ctx);
}

export function draw(ctx: CanvasRenderingContext2D, s: DrawState, hl: Highlights): void {
  const { viewport: v, theme: t } = s;
  const layer = s.layer ?? "all";
  if (layer === "all" && s.scene.dragging) {
    // In the order of a drag frame: what a drag moves goes on top.
    for (const l of ["under", "still", "moving"] as const) draw(ctx, { ...s, layer: l }, hl);
    return;
  }
  beginFrame(ctx, v);
  ctx.save();
  ctx.setTransform(dpr(ctx), 0, 0, dpr(ctx), 0, 0);
  if (layer === "all" || layer === "under") {
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, v.width, v.height);
  }
  worldTransform(ctx);
  const view = v.visible();
  if (layer === "all" || layer === "under") {
    if (s.grid && v.scale >= 0.4) drawGrid(ctx, view, t, v.scale);
    drawLanes(ctx, s.scene, view, t, v.scale);
    // Zoomed in, the names are part of the map (in a pan's bitmap too); see `drawNames`.
    drawNames(ctx, s.scene, view, t, v.scale, true);
  }
  if (layer === "under") {
    ctx.restore();
    return;
  }
  const near = s.cull ?? view;
  // In the document's order, as the steps: the index answers in the order of its cells, which
  // differs with the rectangle asked, and where two flows cross the one drawn last shows.
  const flows = s.scene.flowsIn(near, layer).sort((a, b) => a.index - b.index);
  for (const f of flows) drawFlow(ctx, f, s, hl);
  const boxes = s.scene.stepsIn(near, layer).sort((a, b) => a.index - b.index);
  const detail = v.scale >= 0.55 ? 2 : v.scale >= 0.22 ? 1 : 0;
  for (const b of boxes) drawStep(ctx, b, s, hl, detail);
  if (detail > 0) for (const f of flows) drawFlowMarks(ctx, f, s, hl);
  if (layer === "all" || layer === "still") {
    for (const b of s.scene.bursts) {
      const c = burstCentre(b, v.scale);
      drawKaizen(ctx, b.kaizen, c.x, c.y, t, detail, s.selectedKaizen === b.kaizen.id);
    }
    for (const n of s.scene.notes) drawNote(ctx, n, t, detail, s.selectedNote === n.note.id);
  }
  if (layer === "still") {
    ctx.restore();
    return;
  }
  if (s.laneNames !== false) drawNames(ctx, s.scene, view, t, v.scale);
  if (s.connecting) {
    const from = s.scene.box(s.connecting.from);
    if (from) {
      const p = portOf(from.rect);
      ctx.strokeStyle = t.selection;
      ctx.lineWidth = 2 / v.scale;
      ctx.setLineDash([6 / v.scale, 4 / v.scale]);
      line(ctx, p, s.connecting.to);
      ctx.setLineDash([]);
      arrowHead(ctx, p, s.connecting.to, 10, t.selection);
    }
  }
  if (s.marquee) {
    ctx.fillStyle = "rgba(37, 99, 235, 0.08)";
    ctx.strokeStyle = t.selection;
    ctx.lineWidth = 1 / v.scale;
    ctx.fillRect(s.marquee.x, s.marquee.y, s.marquee.w, s.marquee.h);
    ctx.strokeRect(s.marquee.x, s.marquee.y, s.marquee.w, s.marquee.h);
  }
  ctx.restore();
}

/**
 * What a frame drew of the steps' text: how many names and data boxes, the smallest name in
 * screen pixels, and how many names of up to 24 characters were cut (none should be). The
 * legibility test reads it from the real window (issue 16).
 */
export interface TextStats {
  names: number;
  dataBoxes: number;
  namePx: number;
  cutShort: number;
}

export function emptyStats(): TextStats {
  return { names: 0, dataBoxes: 0, namePx: Infinity, cutShort: 0 };
}

export function dpr(ctx: CanvasRenderingContext2D): number {
  return (ctx as unknown as { takt_dpr?: number }).takt_dpr ?? 1;
}

/** Records the device-pixel ratio the canvas backing store uses. */
export function setPixelRatio(ctx: CanvasRenderingContext2D, ratio: number): void {
  (ctx as unknown as { takt_dpr?: number }).takt_dpr = ratio;
}

function drawGrid(ctx: CanvasRenderingContext2D, view: Rect, t: Theme, scale: number): void {
  const step = 40;
  ctx.strokeStyle = t.grid;
  ctx.lineWidth = 1 / scale;
  ctx.beginPath();
  for (let x = Math.floor(view.x / step) * step; x < view.x + view.w; x += step) {
    ctx.moveTo(x, view.y);
    ctx.lineTo(x, view.y + view.h);
  }
  for (let y = Math.floor(view.y / step) * step; y < view.y + view.h; y += step) {
    ctx.moveTo(view.x, y);
    ctx.lineTo(view.x + view.w, y);
  }
  ctx.stroke();
}

/**
 * The lanes on screen and the visible part of their bands, from `x0`, `w` wide (a band is as
 * wide as the map, which zoomed in is hundreds of thousands of pixels: too much for the
 * rasteriser to clip on every frame).
 */
function visibleLanes(scene: Scene, view: Rect, margin: number): { x0: number; w: number; lanes: Scene["lanes"] } | null {
  const x0 = Math.max(scene.bounds.x - margin, view.x);
  const w = Math.min(scene.bounds.x + scene.bounds.w + 80, view.x + view.w) - x0;
  if (w <= 0) return null;
  return { x0, w, lanes: scene.lanes.filter((lane) => lane.y <= view.y + view.h && lane.y + lane.h >= view.y) };
}

/** The widest lane name, in screen pixels at the names' size at 100% (and below). */
function laneNamesWidth(ctx: CanvasRenderingContext2D, scene: Scene, t: Theme): number {
  ctx.save();
  ctx.font = `600 12px ${t.font}`;
  const w = Math.max(0, ...scene.lanes.map((lane) => ctx.measureText(lane.name).width));
  ctx.restore();
  return w;
}

/**
 * Fits `r` (a map's extent, with its lanes' bands) into `v` with `margin` screen pixels round
 * it. Where that zoom is too far out for the lanes' names to sit over their first rows, the
 * names go left of the map, and the fit leaves room for them there.
 */
export function fitMap(v: Viewport, r: Rect, margin: number, ctx: CanvasRenderingContext2D, scene: Scene, t: Theme): void {
  v.fit(r, margin);
  if (scene.lanes.length && v.scale < LANE_NAMES_INSIDE) v.fit(r, margin, margin + laneNamesWidth(ctx, scene, t) + 16);
}

/** From this zoom up, a lane's name is drawn over its first row, in the lane's own band. */
export const LANE_NAMES_INSIDE = 0.7;

/**
 * How far left of the map the lanes' bands reach, in world units. Zoomed in, a little (the
 * name is over the lane's first row); zoomed out, where a name would cover the steps' tops,
 * 120 or room for the widest name at this zoom (a name is 12 screen pixels high however far
 * out), so that a name at the band's start lies clear of the steps.
 */
function laneMargin(ctx: CanvasRenderingContext2D, scene: Scene, t: Theme, scale: number): number {
  if (scale >= LANE_NAMES_INSIDE) return LANE_LEFT;
  setFont("600", laneFontSize(scale), t.font);
  const widest = Math.max(0, ...scene.lanes.map((lane) => measure(ctx, lane.name)));
  return Math.max(120, widest + 16 / scale);
}

/** A lane name's size in world units: 11 screen pixels at least inside, 12 outside. */
function laneFontSize(scale: number): number {
  // As much larger as the names are (presentation mode's are).
  if (scale >= LANE_NAMES_INSIDE) return Math.max(11, 11 / scale) * (NAME_FONT / 14);
  return Math.max(12, 12 / Math.max(scale, 0.25));
}

function drawLanes(ctx: CanvasRenderingContext2D, scene: Scene, view: Rect, t: Theme, scale: number): void {
  const seen = visibleLanes(scene, view, laneMargin(ctx, scene, t, scale));
  if (!seen) return;
  const { x0, w } = seen;
  for (const lane of seen.lanes) {
    ctx.fillStyle = t.lane;
    ctx.fillRect(x0, lane.y, w, lane.h);
    ctx.strokeStyle = t.grid;
    ctx.lineWidth = 1 / scale;
    line(ctx, { x: x0, y: lane.y }, { x: x0 + w, y: lane.y });
  }
}

/**
 * The lanes' names. Zoomed in, over each lane's first row at its start, under the flows (which
 * may cross the strip they sit in: a supplier's delivery to the first step does); zoomed out,
 * at the left of their bands or, scrolled past that, of the view, on a tag over everything.
 * `under` says which of the two this call draws.
 */
function drawNames(ctx: CanvasRenderingContext2D, scene: Scene, view: Rect, t: Theme, scale: number, under = false): void {
  const inside = scale >= LANE_NAMES_INSIDE;
  if (inside !== under) return;
  const seen = visibleLanes(scene, view, laneMargin(ctx, scene, t, scale));
  if (!seen) return;
  const fs = laneFontSize(scale);
  setFont("600", fs, t.font);
  ctx.textBaseline = "top";
  for (const lane of seen.lanes) {
    const x = inside ? lane.nameX + 6 / scale : seen.x0 + 8 / scale;
    const y = lane.y + (inside ? 4 : 6) / scale;
    // The tag keeps the name legible over a step scrolled under it.
    const pad = 4 / scale;
    ctx.fillStyle = t.laneTag;
    roundRect(ctx, x - pad, y - pad / 2, measure(ctx, lane.name) + 2 * pad, fs * 1.2 + pad, 3 / scale);
    ctx.fill();
    ctx.fillStyle = t.laneText;
    drawText(ctx, lane.name, x, y);
  }
}

/** Only the lanes' names, over a pan or a drag frame (see `DrawState.laneNames`). */
export function drawLaneNames(ctx: CanvasRenderingContext2D, scene: Scene, v: Viewport, t: Theme): void {
  beginFrame(ctx, v);
  ctx.save();
  worldTransform(ctx);
  drawNames(ctx, scene, v.visible(), t, v.scale);
  ctx.restore();
}

function stepFill(step: Step, t: Theme): [string, string] {
  switch (step.kind) {
    case "gate":
      return [t.gate, t.gateHeader];
    case "supplier":
    case "customer":
      return [t.endpoint, t.header];
    default:
      return [t.surface, t.header];
  }
}

function drawStep(ctx: CanvasRenderingContext2D, b: StepBox, s: DrawState, hl: Highlights, detail: number): void {
  const { rect: r, step } = b;
  const t = s.theme;
  const scale = s.viewport.scale;
  const critical = hl.critical.has(step.id);
  const selected = s.selected.has(step.id);
  const [fill, header] = stepFill(step, t);
  const name = step.name || step.id;
  const band = headerHeight(step);
  ctx.fillStyle = fill;
  shapePath(ctx, step, r);
  ctx.fill();
  if (detail > 0) {
    // Header band.
    ctx.save();
    shapePath(ctx, step, r);
    ctx.clip();
    ctx.fillStyle = header;
    ctx.fillRect(r.x, r.y, r.w, detail === 1 ? r.h : band);
    ctx.restore();
  }
  // The Monte Carlo's critical-path frequency: a tint as strong as the share.
  const share = hl.critShare?.get(step.id) ?? 0;
  if (hl.critShare && share > 0) {
    ctx.save();
    ctx.globalAlpha = 0.1 + 0.45 * share;
    ctx.fillStyle = t.critical;
    shapePath(ctx, step, r);
    ctx.fill();
    ctx.restore();
  }
  ctx.lineWidth = critical ? 3 : 1.25;
  ctx.strokeStyle = critical ? t.critical : t.border;
  shapePath(ctx, step, r);
  ctx.stroke();
  if (hl.lineage?.has(step.id)) {
    ctx.save();
    ctx.globalAlpha = 0.12;
    ctx.fillStyle = t.selection;
    shapePath(ctx, step, r);
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 4;
    ctx.strokeStyle = t.selection;
    ctx.setLineDash([8, 4]);
    shapePath(ctx, step, r);
    ctx.stroke();
    ctx.restore();
  }
  if (hl.critShare && detail > 0) {
    const label = `${Math.round(share * 100)}% critical`;
    setFont("700", 10, t.font);
    ctx.fillStyle = t.critical;
    ctx.textBaseline = "alphabetic";
    ctx.textAlign = "right";
    drawText(ctx, label, r.x + r.w - 6, r.y + r.h + 12);
    ctx.textAlign = "left";
  }
  if (step.kind === "supplier" || step.kind === "customer") drawRoof(ctx, r, t);
  if (detail > 0) {
    ctx.fillStyle = t.text;
    ctx.textBaseline = "middle";
    // At least 11 screen pixels, however far out the zoom.
    const stats = s.stats;
    if (detail === 1) {
      const size = Math.max(13, 11 / scale);
      setFont("600", size, t.font);
      fitText(ctx, name, r.x + 10, r.y + r.h / 2, r.w - 20);
      if (stats) {
        stats.names++;
        stats.namePx = Math.min(stats.namePx, size * scale);
        if (name.length <= 24 && measure(ctx, name) > r.w - 20) stats.cutShort++;
      }
    } else {
      // The whole name, on up to three lines (the box is as tall as they need).
      setFont("600", NAME_FONT, t.font);
      const lines = nameLines(name);
      lines.forEach((l, i) => {
        drawText(ctx, l, r.x + INSET, r.y + NAME_PAD + NAME_LINE / 2 + i * NAME_LINE, r.w - 2 * INSET);
      });
      const metrics = s.analysis ? s.analysis.steps[b.index] : null;
      drawDataBox(ctx, step, r, band, t, s.map, metrics);
      // Standard work: how many of the checklist's items are done, at the box's foot.
      const items = step.checklist ?? [];
      if (items.length) {
        setFont("600", DATA_FONT - 1, t.font);
        ctx.fillStyle = items.every((x) => x.done) ? t.accent : t.muted;
        ctx.textAlign = "right";
        ctx.textBaseline = "bottom";
        drawText(ctx, `☑ ${items.filter((x) => x.done).length}/${items.length}`, r.x + r.w - INSET / 2, r.y + r.h - 3);
        ctx.textAlign = "left";
        ctx.textBaseline = "middle";
      }
      if (stats) {
        stats.names++;
        stats.dataBoxes++;
        stats.namePx = Math.min(stats.namePx, NAME_FONT * scale);
        if (name.length <= 24 && lines[lines.length - 1].endsWith("…")) stats.cutShort++;
      }
    }
  }
  if (step.split === "xor") {
    const c = { x: r.x + r.w, y: r.y + r.h - 18 };
    ctx.fillStyle = t.surface;
    ctx.strokeStyle = t.accent;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(c.x, c.y - 9);
    ctx.lineTo(c.x + 9, c.y);
    ctx.lineTo(c.x, c.y + 9);
    ctx.lineTo(c.x - 9, c.y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    if (detail > 0) {
      ctx.fillStyle = t.accent;
      setFont("700", 10, t.font);
      ctx.textAlign = "center";
      drawText(ctx, "×", c.x, c.y + 0.5);
      ctx.textAlign = "left";
    }
  }
  if (selected) {
    ctx.strokeStyle = t.selection;
    ctx.lineWidth = 2 / Math.min(1, scale);
    ctx.strokeRect(r.x - 4, r.y - 4, r.w + 8, r.h + 8);
  }
  // The badge goes over the selection outline, so that both read.
  const apart = hl.disconnected.has(step.id);
  if (hl.bottleneck === step.id || hl.overTakt.has(step.id) || apart) {
    const bott = hl.bottleneck === step.id;
    const label = apart ? "Not connected" : bott ? "Bottleneck" : "Over takt";
    const k = Math.min(2.2, Math.max(1, 0.7 / scale));
    setFont("700", 11 * k, t.font);
    const w = measure(ctx, label) + 14 * k;
    ctx.fillStyle = apart ? t.rework : bott ? t.bottleneck : t.queue;
    roundRect(ctx, r.x + r.w - w - 6, r.y - 11 * k, w, 20 * k, 10 * k);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textBaseline = "middle";
    drawText(ctx, label, r.x + r.w - w - 6 + 7 * k, r.y - 1 * k);
  }
  // Compliance goes on the left: a gate over its SLA, or redundant with another.
  const sla = hl.overSla.has(step.id);
  if (sla || hl.redundant.has(step.id)) {
    const label = sla ? "Over SLA" : "Redundant";
    const k = Math.min(2.2, Math.max(1, 0.7 / scale));
    setFont("700", 11 * k, t.font);
    const w = measure(ctx, label) + 14 * k;
    ctx.fillStyle = sla ? t.rework : t.compliance;
    roundRect(ctx, r.x + 6, r.y - 11 * k, w, 20 * k, 10 * k);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textBaseline = "middle";
    drawText(ctx, label, r.x + 6 + 7 * k, r.y - 1 * k);
  }
  if (selected || s.hover === step.id) {
    const p = portOf(r);
    ctx.fillStyle = t.surface;
    ctx.strokeStyle = t.selection;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(p.x, p.y, 7, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}

function shapePath(ctx: CanvasRenderingContext2D, step: Step, r: Rect): void {
  ctx.beginPath();
  if (step.kind === "gate") {
    // A chamfered box: the standard "checkpoint" look, told apart at any zoom.
    const c = 14;
    ctx.moveTo(r.x + c, r.y);
    ctx.lineTo(r.x + r.w - c, r.y);
    ctx.lineTo(r.x + r.w, r.y + c);
    ctx.lineTo(r.x + r.w, r.y + r.h - c);
    ctx.lineTo(r.x + r.w - c, r.y + r.h);
    ctx.lineTo(r.x + c, r.y + r.h);
    ctx.lineTo(r.x, r.y + r.h - c);
    ctx.lineTo(r.x, r.y + c);
    ctx.closePath();
  } else {
    roundRect(ctx, r.x, r.y, r.w, r.h, 6);
  }
}

/** The factory roof of supplier and customer icons. */
function drawRoof(ctx: CanvasRenderingContext2D, r: Rect, t: Theme): void {
  const teeth = 3;
  const w = r.w / teeth;
  ctx.beginPath();
  ctx.moveTo(r.x, r.y);
  for (let i = 0; i < teeth; i++) {
    ctx.lineTo(r.x + i * w, r.y - 16);
    ctx.lineTo(r.x + (i + 1) * w, r.y);
  }
  ctx.closePath();
  ctx.fillStyle = t.header;
  ctx.fill();
  ctx.strokeStyle = t.border;
  ctx.lineWidth = 1.25;
  ctx.stroke();
}

/**
 * The data box under the name: every figure the map has for the step (`databox.ts`), one or
 * two to a row.
 */
function drawDataBox(ctx: CanvasRenderingContext2D, step: Step, r: Rect, band: number, t: Theme, map: ValueStream, metrics: StepMetrics | null): void {
  setFont("400", DATA_FONT, t.font);
  ctx.textBaseline = "middle";
  let y = r.y + band + 5 + ROW_H / 2;
  const inner = r.w - 2 * INSET;
  const half = inner / 2;
  for (const row of dataRows(step, map, metrics)) {
    row.forEach(([k, val], i) => {
      const x = r.x + INSET + i * half;
      const room = row.length === 1 ? inner : half - 2;
      // Figures one to a row start in one column; two to a row, after their labels.
      const lw = k === "" ? 0 : row.length === 1 ? DATA_FONT * 3.4 : measure(ctx, k) + 4;
      ctx.fillStyle = t.muted;
      if (k) {
        drawText(ctx, k, x, y);
        ctx.fillStyle = t.text;
      }
      fitText(ctx, val, x + lw, y, room - lw);
    });
    y += ROW_H;
  }
}

function flowColour(f: Flow, t: Theme, critical: boolean): string {
  if (f.kind === "rework") return t.rework;
  if (f.kind === "information") return t.info;
  return critical ? t.critical : t.border;
}

function drawFlow(ctx: CanvasRenderingContext2D, fp: FlowPath, s: DrawState, hl: Highlights): void {
  const t = s.theme;
  const f = fp.flow;
  const critical = hl.criticalFlows.has(`${f.from}>${f.to}`);
  const selected = s.selectedFlow === fp.key;
  const colour = selected ? t.selection : flowColour(f, t, critical);
  ctx.strokeStyle = colour;
  ctx.lineWidth = f.kind === "information" ? 1.5 : critical ? 3 : 2;
  const dash = f.kind === "rework" ? [7, 5] : f.kind === "information" ? [3, 4] : null;
  if (dash) ctx.setLineDash(dash);
  const period = dash ? dash[0] + dash[1] : 1;
  // Only the part on screen: a long dashed line costs the rasteriser every dash of its length,
  // visible or not (a flow across a 2,000-step map made a frame take 80 ms).
  const view = s.viewport.visible();
  const pad = 20 / s.viewport.scale;
  const box = { x: view.x - pad, y: view.y - pad, w: view.w + 2 * pad, h: view.h + 2 * pad };
  let travelled = 0;
  ctx.beginPath();
  for (let i = 1; i < fp.points.length; i++) {
    const a = fp.points[i - 1];
    const b = fp.points[i];
    const c = clipSegment(a, b, box);
    if (c) {
      if (dash) {
        // The pattern continues from the flow's start: a clipped segment starts that far into
        // it, whatever the box (a pan bitmap's is wider than the view's), so both draw the
        // same dashes. Reduced here, where doubles keep it exact.
        ctx.stroke();
        ctx.beginPath();
        ctx.lineDashOffset = (travelled + Math.hypot(c[0].x - a.x, c[0].y - a.y)) % period;
      }
      ctx.moveTo(c[0].x, c[0].y);
      ctx.lineTo(c[1].x, c[1].y);
    }
    travelled += Math.hypot(b.x - a.x, b.y - a.y);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineDashOffset = 0;
  if (f.kind === "fifo") {
    // FIFO lane: a second rail.
    const [a, b] = [fp.points[0], fp.points[fp.points.length - 1]];
    const n = norm(a, b);
    ctx.lineWidth = 1.25;
    line(ctx, { x: a.x + n.x * 7, y: a.y + n.y * 7 }, { x: b.x + n.x * 7, y: b.y + n.y * 7 });
  }
  const n = fp.points.length;
  arrowHead(ctx, fp.points[n - 2], fp.points[n - 1], f.kind === "information" ? 8 : 11, colour);
}

/** Labels on a flow: queue triangle with WIP or wait, XOR and rework probabilities, kind. */
function drawFlowMarks(ctx: CanvasRenderingContext2D, fp: FlowPath, s: DrawState, hl: Highlights): void {
  const t = s.theme;
  const f = fp.flow;
  const mid = midpoint(fp.points);
  // Zoomed out, labels grow (up to 2.5x) so that they stay legible.
  const k = Math.min(2.5, Math.max(1, 0.75 / s.viewport.scale));
  setFont("400", 12 * k, t.font);
  ctx.textBaseline = "middle";
  if (f.wip != null || f.wait != null) {
    // Inventory / queue triangle.
    ctx.beginPath();
    ctx.moveTo(mid.x, mid.y - 14 * k);
    ctx.lineTo(mid.x + 13 * k, mid.y + 9 * k);
    ctx.lineTo(mid.x - 13 * k, mid.y + 9 * k);
    ctx.closePath();
    ctx.fillStyle = t.queue;
    ctx.fill();
    ctx.strokeStyle = t.text;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.fillStyle = "#1a1a1a";
    setFont("700", 11 * k, t.font);
    ctx.textAlign = "center";
    drawText(ctx, "I", mid.x, mid.y + 2 * k);
    setFont("400", 12 * k, t.font);
    ctx.fillStyle = t.text;
    const over = hl.overLimit.has(fp.key);
    const label = (f.wip != null ? plural(f.wip, "item") : fmtDuration(f.wait ?? undefined)) + (f.limit != null ? ` · max ${f.limit}` : "");
    if (over) ctx.fillStyle = t.rework;
    pill(ctx, label, mid.x, mid.y + 24 * k, t, k);
    if (over) {
      // A queue over its WIP limit: flagged above its triangle.
      setFont("700", 11 * k, t.font);
      const w = measure(ctx, "Over limit") + 14 * k;
      ctx.fillStyle = t.rework;
      roundRect(ctx, mid.x - w / 2, mid.y - 38 * k, w, 18 * k, 9 * k);
      ctx.fill();
      ctx.fillStyle = "#fff";
      drawText(ctx, "Over limit", mid.x, mid.y - 29 * k);
    }
    ctx.textAlign = "left";
  }
  const from = s.scene.box(f.from)?.step;
  if (f.kind === "rework" || (from?.split === "xor" && f.p != null)) {
    const at = f.kind === "rework" ? mid : along(fp.points, 0.3);
    const label = f.kind === "rework" ? `rework ${fmtPercent(f.p ?? 0)}` : fmtPercent(f.p ?? 0);
    ctx.textAlign = "center";
    ctx.fillStyle = f.kind === "rework" ? t.rework : t.accent;
    pill(ctx, label, at.x, at.y - (f.kind === "rework" ? 0 : 12 * k), t, k);
    ctx.textAlign = "left";
  }
  if (f.kind === "pull" || f.kind === "fifo") {
    const at = along(fp.points, 0.72);
    const max = f.limit != null && f.wip == null && f.wait == null ? ` max ${f.limit}` : "";
    if (f.kind === "pull") supermarket(ctx, at.x - 30 * k, at.y - 12 * k, k, t);
    ctx.textAlign = "center";
    ctx.fillStyle = t.muted;
    pill(ctx, f.kind === "pull" ? `pull${max}` : `FIFO${max}`, at.x, at.y - 12 * k, t, k);
    ctx.textAlign = "left";
  }
}

/**
 * The textbook's supermarket, where a pull flow's items wait to be withdrawn: a box open on the
 * side the items are taken from, with shelves.
 */
function supermarket(ctx: CanvasRenderingContext2D, x: number, y: number, k: number, t: Theme): void {
  const w = 16 * k;
  const h = 18 * k;
  ctx.fillStyle = t.surface;
  ctx.fillRect(x - w / 2, y - h / 2, w, h);
  ctx.strokeStyle = t.text;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x - w / 2, y - h / 2);
  ctx.lineTo(x + w / 2, y - h / 2);
  ctx.lineTo(x + w / 2, y + h / 2);
  ctx.lineTo(x - w / 2, y + h / 2);
  for (const f of [1 / 3, 2 / 3]) {
    ctx.moveTo(x - w / 2, y - h / 2 + h * f);
    ctx.lineTo(x + w / 2, y - h / 2 + h * f);
  }
  ctx.stroke();
}

function pill(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, t: Theme, k = 1): void {
  const colour = ctx.fillStyle;
  const w = measure(ctx, text) + 10 * k;
  ctx.fillStyle = t.surface;
  roundRect(ctx, x - w / 2, y - 9 * k, w, 18 * k, 9 * k);
  ctx.fill();
  ctx.fillStyle = colour;
  ctx.textAlign = "center";
  drawText(ctx, text, x, y + 0.5);
}

function drawKaizen(ctx: CanvasRenderingContext2D, k: Kaizen, x: number, y: number, t: Theme, detail: number, selected: boolean): void {
  const spikes = 10;
  const g = burstGrowth(frame.scale);
  ctx.beginPath();
  for (let i = 0; i < spikes * 2; i++) {
    const a = (Math.PI * i) / spikes;
    const rad = (i % 2 === 0 ? 34 : 24) * g;
    const px = x + Math.cos(a) * rad * 1.5;
    const py = y + Math.sin(a) * rad;
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
  ctx.fillStyle = t.kaizen;
  ctx.fill();
  ctx.strokeStyle = selected ? t.selection : t.bottleneck;
  ctx.lineWidth = selected ? 3 : 1.5;
  ctx.stroke();
  if (detail > 0) {
    ctx.fillStyle = "#1a1a1a";
    setFont("600", 11 * g, t.font);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    // On two lines where one is not enough; the whole title is in the kaizen list.
    const words = k.title.split(/\s+/);
    let first = "";
    let i = 0;
    while (i < words.length && measure(ctx, first ? `${first} ${words[i]}` : words[i]) <= 74 * g) first = first ? `${first} ${words[i++]}` : words[i++];
    if (i === 0 || i >= words.length) fitText(ctx, k.title, x, y, 80 * g);
    else {
      fitText(ctx, first, x, y - 6.5 * g, 74 * g);
      fitText(ctx, words.slice(i).join(" "), x, y + 6.5 * g, 68 * g);
    }
    ctx.textAlign = "left";
  }
}

/** A note's paper, by its colour. */
const NOTE_PAPER: Record<string, string> = { yellow: "#fff3a3", pink: "#ffd1e3", blue: "#cfe8ff", green: "#d4f5c9" };

/** A sticky note of the parking lot: its text on up to four lines, its author under it. */
function drawNote(ctx: CanvasRenderingContext2D, nb: NoteBox, t: Theme, detail: number, selected: boolean): void {
  const r = nb.rect;
  const n = nb.note;
  ctx.save();
  ctx.shadowColor = "rgba(0, 0, 0, 0.18)";
  ctx.shadowBlur = 6;
  ctx.shadowOffsetY = 2;
  ctx.fillStyle = NOTE_PAPER[n.colour ?? "yellow"] ?? NOTE_PAPER.yellow;
  ctx.fillRect(r.x, r.y, r.w, r.h);
  ctx.restore();
  ctx.strokeStyle = selected ? t.selection : "rgba(0, 0, 0, 0.25)";
  ctx.lineWidth = selected ? 3 : 1;
  ctx.strokeRect(r.x, r.y, r.w, r.h);
  if (detail === 0) return;
  ctx.fillStyle = "#1a1a1a";
  ctx.textBaseline = "top";
  const size = Math.max(13, 11 / frame.scale);
  setFont("500", size, t.font);
  const max = Math.max(1, Math.floor((r.h - 28) / (size * 1.2)));
  wrapText(n.text, r.w - 16, max, (x) => measure(ctx, x)).forEach((l, i) => {
    fitText(ctx, l, r.x + 8, r.y + 8 + i * size * 1.2, r.w - 16);
  });
  if (n.author) {
    setFont("400", Math.max(11, 10 / frame.scale), t.font);
    ctx.fillStyle = "#4a4a4a";
    ctx.textBaseline = "bottom";
    ctx.textAlign = "right";
    fitText(ctx, `— ${n.author}`, r.x + r.w - 8, r.y + r.h - 6, r.w - 16);
    ctx.textAlign = "left";
  }
}

// --- helpers ---------------------------------------------------------------------------------

/**
 * `text` broken at spaces into at most `max` lines no wider than `width` (by `measure`); the
 * last is cut with "…" where the text needs more. The exports' labels and the notes use it.
 */
export function wrapText(text: string, width: number, max: number, measure: (s: string) => number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    const t = line ? `${line} ${w}` : w;
    if (measure(t) <= width || !line) line = t;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= max) return lines;
  let last = lines.slice(max - 1).join(" ");
  while (last.length > 1 && measure(`${last}…`) > width) last = last.slice(0, -1).trimEnd();
  return [...lines.slice(0, max - 1), `${last}…`];
}


function line(ctx: CanvasRenderingContext2D, a: Point, b: Point): void {
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.stroke();
}

function norm(a: Point, b: Point): Point {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  return { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
}

function arrowHead(ctx: CanvasRenderingContext2D, from: Point, to: Point, size: number, colour: string): void {
  const ang = Math.atan2(to.y - from.y, to.x - from.x);
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.moveTo(to.x, to.y);
  ctx.lineTo(to.x - size * Math.cos(ang - 0.4), to.y - size * Math.sin(ang - 0.4));
  ctx.lineTo(to.x - size * Math.cos(ang + 0.4), to.y - size * Math.sin(ang + 0.4));
  ctx.closePath();
  ctx.fill();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.quadraticCurveTo(x + w, y, x + w, y + r);
  ctx.lineTo(x + w, y + h - r);
  ctx.quadraticCurveTo(x + w, y + h, x + w - r, y + h);
  ctx.lineTo(x + r, y + h);
  ctx.quadraticCurveTo(x, y + h, x, y + h - r);
  ctx.lineTo(x, y + r);
  ctx.quadraticCurveTo(x, y, x + r, y);
  ctx.closePath();
}

function midpoint(points: Point[]): Point {
  return along(points, 0.5);
}


/** Draws `text` cut with an ellipsis to `max` width. */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, max: number): void {
  if (measure(ctx, text) <= max) {
    drawText(ctx, text, x, y);
    return;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(ctx, `${text.slice(0, mid)}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  drawText(ctx, `${text.slice(0, lo)}…`, x, y);
}
