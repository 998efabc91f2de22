// Export of the whole map as an image: its title and scenario, the headline metrics (with their
// change against the current state, for a future state) above it, the map fitted to the page,
// and the timeline ladder with its steps' names below, at twice the screen's pixel density.

import type { Analysis, Comparison } from "../bindings";
import type { Editor } from "../editor/editor";
import { fmtElapsed, fmtPercent, fmtWorking } from "../editor/format";
import { draw, fitMap, highlights, LIGHT, setPixelRatio, wrapText } from "../editor/render";
import { SvgContext } from "../editor/svg";
import { Viewport } from "../editor/viewport";
import { Scene } from "../editor/scene";
import { withSizes } from "../editor/databox";
import { deltasOf, deltaView, METRICS, metricText } from "./metrics";

const MARGIN = 40;
const RATIO = 2;
const NAME_LINES = 3;

/** What is exported besides the map: the scenario it is, and its comparison with the current state. */
export interface ExportContext {
  /** The document's title. */
  title: string;
  scenario: string;
  /** The current state (no deltas) or a future state. */
  current: boolean;
  comparison: Comparison | null;
}

function header(cx: ExportContext): number {
  return cx.comparison ? 150 : 128;
}

function size(scene: Scene, cx: ExportContext): { width: number; mapH: number; height: number; ladder: number } {
  const b = scene.extent;
  const width = Math.max(960, Math.min(12000, b.w + 2 * MARGIN + 160));
  const mapH = Math.max(300, Math.min(12000, b.h + 2 * MARGIN + 60));
  const ladder = 150;
  return { width, mapH, ladder, height: header(cx) + mapH + ladder };
}

/**
 * The map laid out for print: wide boxes with every name whole (the editor's boxes are narrow,
 * for a legible *Fit*, and cut names past three lines). Call it with the print sizes in use.
 */
function printScene(ed: Editor): Scene {
  const scene = new Scene();
  scene.build(ed.mirror);
  return scene;
}

/** The map as a PNG data URL. */
export function exportPng(ed: Editor, a: Analysis, cx: ExportContext): string {
  return withSizes("print", () => {
    const scene = printScene(ed);
    const { width, height } = size(scene, cx);
    const canvas = document.createElement("canvas");
    canvas.width = width * RATIO;
    canvas.height = height * RATIO;
    const ctx = canvas.getContext("2d")!;
    paintExport(ctx, ed, scene, a, cx, RATIO);
    return canvas.toDataURL("image/png");
  });
}

/** The map as an SVG document: the same drawing, as vectors. */
export function exportSvg(ed: Editor, a: Analysis, cx: ExportContext): string {
  return withSizes("print", () => {
    const scene = printScene(ed);
    const { width, height } = size(scene, cx);
    const svg = new SvgContext(width, height);
    paintExport(svg as unknown as CanvasRenderingContext2D, ed, scene, a, cx, 1);
    return svg.toString();
  });
}

/** `text` broken into at most `max` lines no wider than `width`, in the context's font. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number, max: number): string[] {
  return wrapText(text, width, max, (t) => ctx.measureText(t).width);
}

function paintExport(ctx: CanvasRenderingContext2D, ed: Editor, scene: Scene, a: Analysis, cx: ExportContext, ratio: number): void {
  const { width, mapH, height } = size(scene, cx);
  const top = header(cx);
  const b = scene.extent;
  const t = LIGHT;
  const map = ed.mirror.map;
  setPixelRatio(ctx, ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, width, height);
  // The map.
  const v = new Viewport();
  v.width = width;
  v.height = mapH;
  fitMap(v, { x: b.x - 60, y: b.y - 30, w: b.w + 120, h: b.h + 60 }, MARGIN, ctx, scene, t);
  v.oy += top;
  v.height = mapH + top;
  draw(
    ctx,
    { scene, map, analysis: a, viewport: v, theme: t, selected: new Set(), selectedFlow: null, hover: null, connecting: null, marquee: null, grid: false },
    highlights(map, a),
  );
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  // Title, scenario and metrics.
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, width, top);
  ctx.textBaseline = "top";
  ctx.fillStyle = t.text;
  ctx.font = `700 22px ${t.font}`;
  ctx.fillText(map.name, MARGIN, 18);
  ctx.font = `600 14px ${t.font}`;
  ctx.fillStyle = cx.current ? t.muted : t.accent;
  const scenario = cx.current ? `${cx.scenario} · ${cx.title}` : `${cx.scenario} (a future state) · ${cx.title}`;
  ctx.fillText(scenario, MARGIN, 46);
  const deltas = deltasOf(cx.comparison);
  const cellH = cx.comparison ? 70 : 48;
  const cell = Math.min(190, (width - 2 * MARGIN) / METRICS.length);
  METRICS.forEach((m, i) => {
    const x = MARGIN + i * cell;
    const y = 72;
    ctx.strokeStyle = t.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(x, y, cell - 8, cellH);
    ctx.fillStyle = t.muted;
    ctx.font = `12px ${t.font}`;
    ctx.fillText(wrap(ctx, m.label, cell - 20, 1)[0] ?? "", x + 8, y + 6);
    ctx.fillStyle = t.text;
    // A step's name in a smaller type, on two lines where it needs them; a share after its time.
    const name = m.kind === "name";
    ctx.font = name ? `700 12px ${t.font}` : `700 16px ${t.font}`;
    const text = m.key === "gate_time_s" ? `${metricText(m, a, map)} (${fmtPercent(a.gate_share, 0)})` : metricText(m, a, map);
    wrap(ctx, text, cell - 24, name ? 2 : 1).forEach((l, k) => {
      ctx.fillText(l, x + 8, y + (name ? 22 : 24) + k * 14);
    });
    const d = m.delta ? deltaView(m, deltas.get(m.delta), map) : null;
    if (d) {
      ctx.font = `600 12px ${t.font}`;
      ctx.fillStyle = d.tone === "good" ? "#15803d" : d.tone === "bad" ? "#b91c1c" : t.muted;
      ctx.fillText(wrap(ctx, d.text, cell - 24, 1)[0] ?? "", x + 8, y + 48);
    }
  });
  // The ladder: waits above, process times below, each rung with its step's name.
  const y0 = top + mapH + 18;
  const steps = map.steps ?? [];
  const n = a.critical_path.length;
  const w = n ? Math.max(70, (width - 2 * MARGIN - 170) / n) : 0;
  ctx.font = `700 13px ${t.font}`;
  ctx.fillStyle = t.text;
  ctx.fillText("Timeline (critical path)", MARGIN, y0 - 14);
  ctx.textBaseline = "middle";
  ctx.strokeStyle = t.text;
  ctx.lineWidth = 1.5;
  a.critical_path.forEach((si, i) => {
    const r = a.ladder[i];
    const x = MARGIN + i * w;
    const wait = (r.wait_s ?? 0) + Math.max(0, (r.lt_s ?? 0) - (r.pt_s ?? 0));
    ctx.beginPath();
    ctx.moveTo(x, y0 + 20);
    ctx.lineTo(x + w / 2, y0 + 20);
    ctx.lineTo(x + w / 2, y0 + 60);
    ctx.lineTo(x + w, y0 + 60);
    ctx.lineTo(x + w, y0 + 20);
    ctx.stroke();
    ctx.font = `12px ${t.font}`;
    ctx.fillStyle = t.muted;
    ctx.fillText(wait > 0 ? fmtElapsed(wait, map) : "", x + 4, y0 + 10);
    ctx.fillStyle = t.text;
    ctx.fillText(fmtWorking(r.pt_s ?? 0, map), x + w / 2 + 4, y0 + 70);
    // The step's name, whole where it fits in three lines.
    const s = steps[si];
    ctx.font = `11px ${t.font}`;
    ctx.fillStyle = t.text;
    wrap(ctx, s ? s.name || s.id : "?", w - 6, NAME_LINES).forEach((l, k) => {
      ctx.fillText(l, x + 3, y0 + 86 + k * 13);
    });
  });
  ctx.fillStyle = t.text;
  ctx.font = `700 13px ${t.font}`;
  ctx.fillText(`LT ${fmtElapsed(a.lead_time_s, map)}`, MARGIN + n * w + 16, y0 + 20);
  ctx.fillText(`PT ${fmtWorking(a.process_time_s, map)}`, MARGIN + n * w + 16, y0 + 60);
}
