// Export of the whole map as an image: the map fitted to the page, the metrics box above it and
// the timeline ladder below, at twice the screen's pixel density.

import type { Analysis } from "../bindings";
import type { Editor } from "../editor/editor";
import { fmtPercent, fmtSeconds } from "../editor/format";
import { draw, highlights, laneNamesWidth, LIGHT, setPixelRatio } from "../editor/render";
import { SvgContext } from "../editor/svg";
import { Viewport } from "../editor/viewport";

const HEADER = 120;
const LADDER = 110;
const MARGIN = 40;
const RATIO = 2;

function size(ed: Editor): { width: number; mapH: number; height: number } {
  const b = ed.scene.bounds;
  const width = Math.max(800, Math.min(12000, b.w + 2 * MARGIN + 120));
  const mapH = Math.max(300, Math.min(12000, b.h + 2 * MARGIN + 60));
  return { width, mapH, height: HEADER + mapH + LADDER };
}

/** The map as a PNG data URL. */
export function exportPng(ed: Editor, a: Analysis): string {
  const { width, height } = size(ed);
  const canvas = document.createElement("canvas");
  canvas.width = width * RATIO;
  canvas.height = height * RATIO;
  const ctx = canvas.getContext("2d")!;
  paintExport(ctx, ed, a, RATIO);
  return canvas.toDataURL("image/png");
}

/** The map as an SVG document: the same drawing, as vectors. */
export function exportSvg(ed: Editor, a: Analysis): string {
  const { width, height } = size(ed);
  const svg = new SvgContext(width, height);
  paintExport(svg as unknown as CanvasRenderingContext2D, ed, a, 1);
  return svg.toString();
}

function paintExport(ctx: CanvasRenderingContext2D, ed: Editor, a: Analysis, ratio: number): void {
  const { width, mapH, height } = size(ed);
  const b = ed.scene.bounds;
  const t = LIGHT;
  setPixelRatio(ctx, ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, width, height);
  // The map.
  const v = new Viewport();
  v.width = width;
  v.height = mapH;
  v.fit({ x: b.x - 60, y: b.y - 30, w: b.w + 120, h: b.h + 60 }, MARGIN, MARGIN + laneNamesWidth(ctx, ed.scene, t) + 16);
  v.oy += HEADER;
  v.height = mapH + HEADER;
  const map = ed.mirror.map;
  draw(
    ctx,
    { scene: ed.scene, map, analysis: a, viewport: v, theme: t, selected: new Set(), selectedFlow: null, hover: null, connecting: null, marquee: null, grid: false },
    highlights(map, a),
  );
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  // Title and metrics box.
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, width, HEADER);
  ctx.fillStyle = t.text;
  ctx.font = `700 22px ${t.font}`;
  ctx.textBaseline = "top";
  ctx.fillText(map.name, MARGIN, 20);
  const metrics: [string, string][] = [
    ["Lead time", fmtSeconds(a.lead_time_s, map.unit)],
    ["Process time", fmtSeconds(a.process_time_s, map.unit)],
    ["PCE", fmtPercent(a.pce)],
    ["Activity ratio", fmtPercent(a.activity_ratio)],
    ["Rolled %C&A", fmtPercent(a.rolled_pca)],
    ["Takt", a.takt_s == null ? "—" : fmtSeconds(a.takt_s)],
    ["Handoffs", String(a.handoffs.total)],
    ["Gate time", fmtSeconds(a.gate_time_s, map.unit)],
  ];
  const cell = Math.min(170, (width - 2 * MARGIN) / metrics.length);
  metrics.forEach(([k, val], i) => {
    const x = MARGIN + i * cell;
    ctx.strokeStyle = t.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(x, 58, cell - 8, 48);
    ctx.fillStyle = t.muted;
    ctx.font = `12px ${t.font}`;
    ctx.fillText(k, x + 8, 64);
    ctx.fillStyle = t.text;
    ctx.font = `700 17px ${t.font}`;
    ctx.fillText(val, x + 8, 82);
  });
  // The ladder.
  const y0 = HEADER + mapH + 20;
  const steps = map.steps ?? [];
  const n = a.critical_path.length;
  const w = n ? Math.max(40, (width - 2 * MARGIN - 160) / n) : 0;
  ctx.font = `12px ${t.font}`;
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
    ctx.fillStyle = t.muted;
    ctx.fillText(wait > 0 ? fmtSeconds(wait, map.unit) : "", x + 4, y0 + 8);
    ctx.fillStyle = t.text;
    ctx.fillText(fmtSeconds(r.pt_s ?? 0, map.unit), x + w / 2 + 4, y0 + 74);
    void steps[si];
  });
  ctx.fillStyle = t.text;
  ctx.font = `700 13px ${t.font}`;
  ctx.fillText(`LT ${fmtSeconds(a.lead_time_s, map.unit)}`, MARGIN + n * w + 16, y0 + 20);
  ctx.fillText(`PT ${fmtSeconds(a.process_time_s, map.unit)}`, MARGIN + n * w + 16, y0 + 60);
}
