// Canvas2D drawing of a scene: only what is on screen, with less detail when zoomed out.
// The same code draws the exported PNG (onto an offscreen canvas) and SVG (onto an SVG context).

import type { Analysis, Flow, Kaizen, Step, ValueStream } from "../bindings";
import { fmtDuration, fmtPercent } from "./format";
import { portOf, type FlowPath, type Scene, type StepBox } from "./scene";
import type { Point, Rect } from "./geometry";
import type { Viewport } from "./viewport";

export interface Theme {
  background: string;
  grid: string;
  lane: string;
  laneText: string;
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
  endpoint: "#eef2f7",
  rework: "#b91c1c",
  info: "#2563eb",
  queue: "#f59e0b",
  kaizen: "#eab308",
  selection: "#2563eb",
  font: "system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
};

export const DARK: Theme = {
  ...LIGHT,
  background: "#14191b",
  grid: "#1f2629",
  lane: "rgba(148, 210, 224, 0.05)",
  laneText: "#93a4a9",
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
  endpoint: "#222a33",
  rework: "#f87171",
  info: "#60a5fa",
  queue: "#fbbf24",
  kaizen: "#facc15",
  selection: "#60a5fa",
};

export interface DrawState {
  scene: Scene;
  map: ValueStream;
  analysis: Analysis | null;
  viewport: Viewport;
  theme: Theme;
  selected: ReadonlySet<string>;
  selectedFlow: string | null;
  hover: string | null;
  /** A flow being drawn from a port, to the pointer. */
  connecting: { from: string; to: Point; target: string | null } | null;
  /** A box selection in progress. */
  marquee: Rect | null;
  /** Draw the background grid (not in exports). */
  grid: boolean;
}

/** Steps and flows on the critical path, as sets of ids and keys. */
export interface Highlights {
  critical: Set<string>;
  criticalFlows: Set<string>;
  bottleneck: string | null;
  overTakt: Set<string>;
}

export function highlights(map: ValueStream, a: Analysis | null): Highlights {
  const steps = map.steps ?? [];
  const critical = new Set<string>();
  const criticalFlows = new Set<string>();
  if (a) {
    const ids = a.critical_path.map((i) => steps[i]?.id).filter((x): x is string => !!x);
    ids.forEach((id) => critical.add(id));
    for (let i = 1; i < ids.length; i++) criticalFlows.add(`${ids[i - 1]}>${ids[i]}`);
  }
  return {
    critical,
    criticalFlows,
    bottleneck: a?.bottleneck ?? null,
    overTakt: new Set(a?.over_takt ?? []),
  };
}

export function draw(ctx: CanvasRenderingContext2D, s: DrawState, hl: Highlights): void {
  const { viewport: v, theme: t } = s;
  ctx.save();
  ctx.setTransform(dpr(ctx), 0, 0, dpr(ctx), 0, 0);
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, v.width, v.height);
  const r = dpr(ctx);
  ctx.setTransform(r * v.scale, 0, 0, r * v.scale, r * v.ox, r * v.oy);
  const view = v.visible();
  if (s.grid && v.scale >= 0.4) drawGrid(ctx, view, t, v.scale);
  drawLanes(ctx, s.scene, view, t, v.scale);
  const flows = s.scene.flowsIn(view);
  for (const f of flows) drawFlow(ctx, f, s, hl);
  const boxes = s.scene.stepsIn(view).sort((a, b) => a.index - b.index);
  const detail = v.scale >= 0.55 ? 2 : v.scale >= 0.22 ? 1 : 0;
  for (const b of boxes) drawStep(ctx, b, s, hl, detail);
  if (detail > 0) for (const f of flows) drawFlowMarks(ctx, f, s, hl);
  for (const k of s.map.kaizen ?? []) drawKaizen(ctx, k, t, detail);
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

function dpr(ctx: CanvasRenderingContext2D): number {
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

function drawLanes(ctx: CanvasRenderingContext2D, scene: Scene, view: Rect, t: Theme, scale: number): void {
  const x0 = Math.min(scene.bounds.x - 120, view.x);
  const w = Math.max(scene.bounds.x + scene.bounds.w + 80, view.x + view.w) - x0;
  for (const lane of scene.lanes) {
    if (lane.y > view.y + view.h || lane.y + lane.h < view.y) continue;
    ctx.fillStyle = t.lane;
    ctx.fillRect(x0, lane.y, w, lane.h);
    ctx.strokeStyle = t.grid;
    ctx.lineWidth = 1 / scale;
    line(ctx, { x: x0, y: lane.y }, { x: x0 + w, y: lane.y });
    const fs = Math.max(12, 12 / Math.max(scale, 0.25));
    ctx.fillStyle = t.laneText;
    ctx.font = `600 ${fs}px ${t.font}`;
    ctx.textBaseline = "top";
    ctx.fillText(lane.name, Math.max(view.x, x0) + 8 / scale, lane.y + 6 / scale);
  }
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
  ctx.fillStyle = fill;
  shapePath(ctx, step, r);
  ctx.fill();
  if (detail > 0) {
    // Header band.
    ctx.save();
    shapePath(ctx, step, r);
    ctx.clip();
    ctx.fillStyle = header;
    ctx.fillRect(r.x, r.y, r.w, detail === 1 ? r.h : 30);
    ctx.restore();
  }
  ctx.lineWidth = critical ? 3 : 1.25;
  ctx.strokeStyle = critical ? t.critical : t.border;
  shapePath(ctx, step, r);
  ctx.stroke();
  if (step.kind === "supplier" || step.kind === "customer") drawRoof(ctx, r, t);
  if (detail > 0) {
    ctx.fillStyle = t.text;
    ctx.textBaseline = "middle";
    // At least 11 screen pixels, however far out the zoom.
    ctx.font = `600 ${detail === 1 ? Math.max(13, 11 / scale) : 13}px ${t.font}`;
    const name = step.name || step.id;
    fitText(ctx, name, r.x + 10, detail === 1 ? r.y + r.h / 2 : r.y + 15, r.w - 20);
    if (detail === 2) drawDataBox(ctx, step, r, t, s.map);
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
      ctx.font = `700 10px ${t.font}`;
      ctx.textAlign = "center";
      ctx.fillText("×", c.x, c.y + 0.5);
      ctx.textAlign = "left";
    }
  }
  if (hl.bottleneck === step.id || hl.overTakt.has(step.id)) {
    const bott = hl.bottleneck === step.id;
    const label = bott ? "Bottleneck" : "Over takt";
    ctx.font = `700 11px ${t.font}`;
    const w = ctx.measureText(label).width + 14;
    ctx.fillStyle = bott ? t.bottleneck : t.queue;
    roundRect(ctx, r.x + r.w - w - 6, r.y - 11, w, 20, 10);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textBaseline = "middle";
    ctx.fillText(label, r.x + r.w - w + 1, r.y - 1);
  }
  if (selected) {
    ctx.strokeStyle = t.selection;
    ctx.lineWidth = 2 / Math.min(1, scale);
    ctx.strokeRect(r.x - 4, r.y - 4, r.w + 8, r.h + 8);
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

function drawDataBox(ctx: CanvasRenderingContext2D, step: Step, r: Rect, t: Theme, map: ValueStream): void {
  ctx.font = `12px ${t.font}`;
  ctx.textBaseline = "middle";
  const rows: [string, string][] = [];
  if (step.kind === "gate") {
    const g = step.gate;
    const reg = [g?.regulation, g?.control].filter(Boolean).join(" · ");
    rows.push(["Gate", reg || "no regulation"]);
  }
  if (step.kind === "process" || step.kind === "gate" || step.kind == null) {
    rows.push(["PT", fmtDuration(step.pt ?? undefined) || "—"]);
    rows.push(["LT", fmtDuration(step.lt ?? step.pt ?? undefined) || "—"]);
    if (step.kind !== "gate") rows.push(["%C&A", step.pca != null ? `${step.pca}%` : "—"]);
  }
  const team = (map.teams ?? []).find((x) => x.id === step.team)?.name ?? step.team;
  rows.push(["Team", team ?? "—"]);
  if (step.automation && step.kind !== "gate") rows[rows.length - 1][1] += ` · ${step.automation}`;
  let y = r.y + 30 + 12;
  for (const [k, val] of rows.slice(0, 5)) {
    ctx.fillStyle = t.muted;
    ctx.fillText(k, r.x + 10, y);
    ctx.fillStyle = t.text;
    fitText(ctx, val, r.x + 54, y, r.w - 64);
    y += 17;
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
  if (f.kind === "rework") ctx.setLineDash([7, 5]);
  else if (f.kind === "information") ctx.setLineDash([3, 4]);
  ctx.beginPath();
  ctx.moveTo(fp.points[0].x, fp.points[0].y);
  for (let i = 1; i < fp.points.length; i++) ctx.lineTo(fp.points[i].x, fp.points[i].y);
  ctx.stroke();
  ctx.setLineDash([]);
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
  ctx.font = `12px ${t.font}`;
  ctx.textBaseline = "middle";
  if (f.wip != null || f.wait != null) {
    // Inventory / queue triangle.
    ctx.beginPath();
    ctx.moveTo(mid.x, mid.y - 14);
    ctx.lineTo(mid.x + 13, mid.y + 9);
    ctx.lineTo(mid.x - 13, mid.y + 9);
    ctx.closePath();
    ctx.fillStyle = t.queue;
    ctx.fill();
    ctx.strokeStyle = t.text;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.fillStyle = "#1a1a1a";
    ctx.font = `700 11px ${t.font}`;
    ctx.textAlign = "center";
    ctx.fillText("I", mid.x, mid.y + 2);
    ctx.font = `12px ${t.font}`;
    ctx.fillStyle = t.text;
    const label = f.wip != null ? `${f.wip} items` : fmtDuration(f.wait ?? undefined);
    pill(ctx, label, mid.x, mid.y + 24, t);
    ctx.textAlign = "left";
  }
  const from = s.scene.box(f.from)?.step;
  if (f.kind === "rework" || (from?.split === "xor" && f.p != null)) {
    const at = f.kind === "rework" ? mid : along(fp.points, 0.3);
    const label = f.kind === "rework" ? `rework ${fmtPercent(f.p ?? 0)}` : fmtPercent(f.p ?? 0);
    ctx.textAlign = "center";
    ctx.fillStyle = f.kind === "rework" ? t.rework : t.accent;
    pill(ctx, label, at.x, at.y - (f.kind === "rework" ? 0 : 12), t);
    ctx.textAlign = "left";
  }
  if (f.kind === "pull" || f.kind === "fifo") {
    const at = along(fp.points, 0.72);
    ctx.textAlign = "center";
    ctx.fillStyle = t.muted;
    pill(ctx, f.kind === "pull" ? "pull" : "FIFO", at.x, at.y - 12, t);
    ctx.textAlign = "left";
  }
  void hl;
}

function pill(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, t: Theme): void {
  const colour = ctx.fillStyle;
  const w = ctx.measureText(text).width + 10;
  ctx.fillStyle = t.surface;
  roundRect(ctx, x - w / 2, y - 9, w, 18, 9);
  ctx.fill();
  ctx.fillStyle = colour;
  ctx.textAlign = "center";
  ctx.fillText(text, x, y + 0.5);
}

function drawKaizen(ctx: CanvasRenderingContext2D, k: Kaizen, t: Theme, detail: number): void {
  if (k.x == null || k.y == null) return;
  const spikes = 10;
  ctx.beginPath();
  for (let i = 0; i < spikes * 2; i++) {
    const a = (Math.PI * i) / spikes;
    const rad = i % 2 === 0 ? 34 : 24;
    const x = k.x + Math.cos(a) * rad * 1.5;
    const y = k.y + Math.sin(a) * rad;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.closePath();
  ctx.fillStyle = t.kaizen;
  ctx.fill();
  ctx.strokeStyle = t.bottleneck;
  ctx.lineWidth = 1.5;
  ctx.stroke();
  if (detail > 0) {
    ctx.fillStyle = "#1a1a1a";
    ctx.font = `600 11px ${t.font}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    fitText(ctx, k.title, k.x, k.y, 80, true);
    ctx.textAlign = "left";
  }
}

// --- helpers ---------------------------------------------------------------------------------

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
  ctx.arcTo(x + w, y, x + w, y + r, r);
  ctx.lineTo(x + w, y + h - r);
  ctx.arcTo(x + w, y + h, x + w - r, y + h, r);
  ctx.lineTo(x + r, y + h);
  ctx.arcTo(x, y + h, x, y + h - r, r);
  ctx.lineTo(x, y + r);
  ctx.arcTo(x, y, x + r, y, r);
  ctx.closePath();
}

function midpoint(points: Point[]): Point {
  return along(points, 0.5);
}

/** The point a share `t` of the way along a polyline. */
function along(points: Point[], t: number): Point {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
  let want = total * t;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const d = Math.hypot(b.x - a.x, b.y - a.y);
    if (want <= d && d > 0) return { x: a.x + ((b.x - a.x) * want) / d, y: a.y + ((b.y - a.y) * want) / d };
    want -= d;
  }
  return points[points.length - 1];
}

/** Draws `text` cut with an ellipsis to `max` width. */
function fitText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, max: number, centred = false): void {
  if (ctx.measureText(text).width <= max) {
    ctx.fillText(text, x, y);
    return;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + "…").width <= max) lo = mid;
    else hi = mid - 1;
  }
  ctx.fillText(text.slice(0, lo) + "…", x, y);
  void centred;
}
