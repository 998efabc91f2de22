// A drawing context that writes SVG: the subset of CanvasRenderingContext2D that render.ts
// uses, so the exported SVG is drawn by the same code as the screen, as vectors.

interface State {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  dash: number[];
  matrix: [number, number, number, number, number, number];
  clip: string | null;
  alpha: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (x: number) => (Math.round(x * 100) / 100).toString();

export class SvgContext {
  private parts: string[] = [];
  private defs: string[] = [];
  private cur = new SvgPath();
  private stack: State[] = [];
  private st: State = {
    fillStyle: "#000",
    strokeStyle: "#000",
    lineWidth: 1,
    font: "10px sans-serif",
    textAlign: "start",
    textBaseline: "alphabetic",
    dash: [],
    matrix: [1, 0, 0, 1, 0, 0],
    clip: null,
    alpha: 1,
  };
  private clips = 0;
  lineDashOffset = 0;
  /** Kept for the code that sets it; an SVG has no bitmaps to smooth. */
  imageSmoothingEnabled = true;
  private measure: CanvasRenderingContext2D | null;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    // Text widths come from a real canvas with the same fonts.
    this.measure = typeof document !== "undefined" ? document.createElement("canvas").getContext("2d") : null;
  }

  // --- state ---
  get fillStyle(): string {
    return this.st.fillStyle;
  }
  set fillStyle(v: string) {
    this.st.fillStyle = v;
  }
  get strokeStyle(): string {
    return this.st.strokeStyle;
  }
  set strokeStyle(v: string) {
    this.st.strokeStyle = v;
  }
  get lineWidth(): number {
    return this.st.lineWidth;
  }
  set lineWidth(v: number) {
    this.st.lineWidth = v;
  }
  get font(): string {
    return this.st.font;
  }
  set font(v: string) {
    this.st.font = v;
  }
  get textAlign(): CanvasTextAlign {
    return this.st.textAlign;
  }
  set textAlign(v: CanvasTextAlign) {
    this.st.textAlign = v;
  }
  get textBaseline(): CanvasTextBaseline {
    return this.st.textBaseline;
  }
  set textBaseline(v: CanvasTextBaseline) {
    this.st.textBaseline = v;
  }
  get globalAlpha(): number {
    return this.st.alpha;
  }
  set globalAlpha(v: number) {
    this.st.alpha = v;
  }
  setLineDash(d: number[]): void {
    this.st.dash = [...d];
  }
  save(): void {
    this.stack.push({ ...this.st, dash: [...this.st.dash], matrix: [...this.st.matrix] });
  }
  restore(): void {
    const s = this.stack.pop();
    if (s) this.st = s;
  }
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    this.st.matrix = [a, b, c, d, e, f];
  }
  scale(x: number, y: number): void {
    const m = this.st.matrix;
    this.st.matrix = [m[0] * x, m[1] * x, m[2] * y, m[3] * y, m[4], m[5]];
  }

  // --- paths ---
  beginPath(): void {
    this.cur = new SvgPath();
  }
  moveTo(x: number, y: number): void {
    this.cur.moveTo(x, y);
  }
  lineTo(x: number, y: number): void {
    this.cur.lineTo(x, y);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.cur.quadraticCurveTo(cx, cy, x, y);
  }
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void {
    this.cur.bezierCurveTo(c1x, c1y, c2x, c2y, x, y);
  }
  arc(x: number, y: number, r: number, a0: number, a1: number, ccw = false): void {
    this.cur.arc(x, y, r, a0, a1, ccw);
  }
  ellipse(x: number, y: number, rx: number, ry: number, rot: number, a0: number, a1: number, ccw = false): void {
    this.cur.ellipse(x, y, rx, ry, rot, a0, a1, ccw);
  }
  closePath(): void {
    this.cur.closePath();
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.cur.rect(x, y, w, h);
  }
  roundRect(x: number, y: number, w: number, h: number, radii: number | number[] = 0): void {
    this.cur.roundRect(x, y, w, h, radii);
  }

  // --- drawing ---
  private attrs(): string {
    const m = this.st.matrix;
    const t = m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1 && m[4] === 0 && m[5] === 0 ? "" : ` transform="matrix(${m.map(n).join(" ")})"`;
    const o = this.st.alpha < 1 ? ` opacity="${n(this.st.alpha)}"` : "";
    return t + o + (this.st.clip ? ` clip-path="url(#${this.st.clip})"` : "");
  }
  private strokeAttrs(): string {
    const dash = this.st.dash.length
      ? ` stroke-dasharray="${this.st.dash.map(n).join(" ")}"${this.lineDashOffset ? ` stroke-dashoffset="${n(this.lineDashOffset)}"` : ""}`
      : "";
    return ` fill="none" stroke="${esc(this.st.strokeStyle)}" stroke-width="${n(this.st.lineWidth)}"${dash}`;
  }
  /** Fills the current path, or `path` (made by `pathFor`). */
  fill(path?: SvgPath | CanvasFillRule): void {
    const d = (path instanceof SvgPath ? path : this.cur).d;
    if (d) this.parts.push(`<path d="${d}" fill="${esc(this.st.fillStyle)}"${this.attrs()}/>`);
  }
  /** Strokes the current path, or `path` (made by `pathFor`). */
  stroke(path?: SvgPath): void {
    const d = (path instanceof SvgPath ? path : this.cur).d;
    if (d) this.parts.push(`<path d="${d}"${this.strokeAttrs()}${this.attrs()}/>`);
  }
  clip(): void {
    const id = `c${++this.clips}`;
    const m = this.st.matrix;
    this.defs.push(`<clipPath id="${id}"><path d="${this.cur.d}" transform="matrix(${m.map(n).join(" ")})"/></clipPath>`);
    this.st.clip = id;
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${esc(this.st.fillStyle)}"${this.attrs()}/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"${this.strokeAttrs()}${this.attrs()}/>`);
  }
  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    // Narrowed to `maxWidth` as a canvas narrows it, where the text is wider.
    const fit = maxWidth != null && this.measureText(text).width > maxWidth ? ` textLength="${n(maxWidth)}" lengthAdjust="spacingAndGlyphs"` : "";
    const anchor = this.st.textAlign === "center" ? "middle" : this.st.textAlign === "right" || this.st.textAlign === "end" ? "end" : "start";
    const base =
      this.st.textBaseline === "middle" ? "central" : this.st.textBaseline === "top" ? "hanging" : this.st.textBaseline === "bottom" ? "text-after-edge" : "alphabetic";
    const { weight, size, family } = parseFont(this.st.font);
    this.parts.push(
      `<text x="${n(x)}" y="${n(y)}" fill="${esc(this.st.fillStyle)}" font-family="${esc(family)}" font-size="${n(size)}" font-weight="${weight}" text-anchor="${anchor}" dominant-baseline="${base}"${fit}${this.attrs()}>${esc(text)}</text>`,
    );
  }
  measureText(text: string): { width: number } {
    if (this.measure) {
      this.measure.font = this.st.font;
      return { width: this.measure.measureText(text).width };
    }
    return { width: text.length * parseFont(this.st.font).size * 0.55 };
  }

  /** The document. */
  toString(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${n(this.width)}" height="${n(this.height)}" viewBox="0 0 ${n(this.width)} ${n(this.height)}"><defs>${this.defs.join("")}</defs>${this.parts.join("\n")}</svg>\n`;
  }
}

/**
 * A path for `ctx`: a Path2D on a canvas, one the SVG context can read on an SvgContext (a
 * Path2D keeps its segments to itself).
 */
export function pathFor(ctx: CanvasRenderingContext2D): Path2D {
  return ctx instanceof SvgContext ? (new SvgPath() as unknown as Path2D) : new Path2D();
}

/** The segments of a path, as SVG path data: the subset of Path2D the drawing code uses. */
export class SvgPath {
  private segs: string[] = [];

  get d(): string {
    return this.segs.join("");
  }
  moveTo(x: number, y: number): void {
    this.segs.push(`M${n(x)} ${n(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.segs.push(`${this.segs.length ? "L" : "M"}${n(x)} ${n(y)}`);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.segs.push(`Q${n(cx)} ${n(cy)} ${n(x)} ${n(y)}`);
  }
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void {
    this.segs.push(`C${n(c1x)} ${n(c1y)} ${n(c2x)} ${n(c2y)} ${n(x)} ${n(y)}`);
  }
  closePath(): void {
    this.segs.push("Z");
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.segs.push(`M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`);
  }
  arc(x: number, y: number, r: number, a0: number, a1: number, ccw = false): void {
    this.ellipse(x, y, r, r, 0, a0, a1, ccw);
  }
  /**
   * An elliptical arc as a canvas draws it: a line from the current point to its start, then
   * the arc from `a0` to `a1`, clockwise on screen unless `ccw`; a whole turn or more is the
   * whole ellipse.
   */
  ellipse(x: number, y: number, rx: number, ry: number, rot: number, a0: number, a1: number, ccw = false): void {
    const cos = Math.cos(rot);
    const sin = Math.sin(rot);
    const at = (a: number) => {
      const ex = rx * Math.cos(a);
      const ey = ry * Math.sin(a);
      return `${n(x + ex * cos - ey * sin)} ${n(y + ex * sin + ey * cos)}`;
    };
    const deg = n((rot * 180) / Math.PI);
    const turn = Math.PI * 2;
    const sweep = ccw ? 0 : 1;
    this.segs.push(`${this.segs.length ? "L" : "M"}${at(a0)}`);
    if ((ccw ? a0 - a1 : a1 - a0) >= turn - 1e-9) {
      const mid = ccw ? a0 - Math.PI : a0 + Math.PI;
      this.segs.push(`A${n(rx)} ${n(ry)} ${deg} 1 ${sweep} ${at(mid)}A${n(rx)} ${n(ry)} ${deg} 1 ${sweep} ${at(a0)}`);
      return;
    }
    const span = (((ccw ? a0 - a1 : a1 - a0) % turn) + turn) % turn;
    if (span === 0) return;
    this.segs.push(`A${n(rx)} ${n(ry)} ${deg} ${span > Math.PI ? 1 : 0} ${sweep} ${at(a1)}`);
  }
  /** A rectangle with rounded corners; `radii` as a canvas takes them (1 to 4 values). */
  roundRect(x: number, y: number, w: number, h: number, radii: number | number[] = 0): void {
    const r = typeof radii === "number" ? [radii] : radii.length ? radii : [0];
    const [tl, tr, br, bl] =
      r.length === 1 ? [r[0], r[0], r[0], r[0]] : r.length === 2 ? [r[0], r[1], r[0], r[1]] : r.length === 3 ? [r[0], r[1], r[2], r[1]] : [r[0], r[1], r[2], r[3]];
    // Radii that overlap are scaled down together, as a canvas does.
    const f = Math.min(1, w / Math.max(1e-9, tl + tr), w / Math.max(1e-9, bl + br), h / Math.max(1e-9, tl + bl), h / Math.max(1e-9, tr + br));
    const [a, b, c, d] = [tl * f, tr * f, br * f, bl * f];
    const arc = (rr: number, ex: number, ey: number) => (rr > 0 ? `A${n(rr)} ${n(rr)} 0 0 1 ${n(ex)} ${n(ey)}` : `L${n(ex)} ${n(ey)}`);
    this.segs.push(
      `M${n(x + a)} ${n(y)}L${n(x + w - b)} ${n(y)}${arc(b, x + w, y + b)}L${n(x + w)} ${n(y + h - c)}${arc(c, x + w - c, y + h)}L${n(x + d)} ${n(y + h)}${arc(d, x, y + h - d)}L${n(x)} ${n(y + a)}${arc(a, x + a, y)}Z`,
    );
  }
}

function parseFont(font: string): { weight: string; size: number; family: string } {
  const m = /^(?:(\d{3}|bold|normal)\s+)?([\d.]+)px\s+(.*)$/.exec(font.trim());
  if (!m) return { weight: "400", size: 10, family: "sans-serif" };
  return { weight: m[1] ?? "400", size: Number(m[2]), family: m[3] };
}
