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
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (x: number) => (Math.round(x * 100) / 100).toString();

export class SvgContext {
  private parts: string[] = [];
  private defs: string[] = [];
  private path: string[] = [];
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
  };
  private clips = 0;
  lineDashOffset = 0;
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
    this.path = [];
  }
  moveTo(x: number, y: number): void {
    this.path.push(`M${n(x)} ${n(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.path.push(`L${n(x)} ${n(y)}`);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.path.push(`Q${n(cx)} ${n(cy)} ${n(x)} ${n(y)}`);
  }
  arc(x: number, y: number, r: number, a0: number, a1: number): void {
    const full = Math.abs(a1 - a0) >= Math.PI * 2 - 1e-9;
    const sx = x + r * Math.cos(a0);
    const sy = y + r * Math.sin(a0);
    if (full) {
      this.path.push(`M${n(x + r)} ${n(y)}A${n(r)} ${n(r)} 0 1 1 ${n(x - r)} ${n(y)}A${n(r)} ${n(r)} 0 1 1 ${n(x + r)} ${n(y)}`);
      return;
    }
    const ex = x + r * Math.cos(a1);
    const ey = y + r * Math.sin(a1);
    const large = (a1 - a0) % (2 * Math.PI) > Math.PI ? 1 : 0;
    this.path.push(`${this.path.length ? "L" : "M"}${n(sx)} ${n(sy)}A${n(r)} ${n(r)} 0 ${large} 1 ${n(ex)} ${n(ey)}`);
  }
  closePath(): void {
    this.path.push("Z");
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.path.push(`M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`);
  }

  // --- drawing ---
  private attrs(): string {
    const m = this.st.matrix;
    const t = m[0] === 1 && m[1] === 0 && m[2] === 0 && m[3] === 1 && m[4] === 0 && m[5] === 0 ? "" : ` transform="matrix(${m.map(n).join(" ")})"`;
    return t + (this.st.clip ? ` clip-path="url(#${this.st.clip})"` : "");
  }
  private strokeAttrs(): string {
    const dash = this.st.dash.length
      ? ` stroke-dasharray="${this.st.dash.map(n).join(" ")}"${this.lineDashOffset ? ` stroke-dashoffset="${n(this.lineDashOffset)}"` : ""}`
      : "";
    return ` fill="none" stroke="${esc(this.st.strokeStyle)}" stroke-width="${n(this.st.lineWidth)}"${dash}`;
  }
  fill(): void {
    if (this.path.length) this.parts.push(`<path d="${this.path.join("")}" fill="${esc(this.st.fillStyle)}"${this.attrs()}/>`);
  }
  stroke(): void {
    if (this.path.length) this.parts.push(`<path d="${this.path.join("")}"${this.strokeAttrs()}${this.attrs()}/>`);
  }
  clip(): void {
    const id = `c${++this.clips}`;
    const m = this.st.matrix;
    this.defs.push(`<clipPath id="${id}"><path d="${this.path.join("")}" transform="matrix(${m.map(n).join(" ")})"/></clipPath>`);
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

function parseFont(font: string): { weight: string; size: number; family: string } {
  const m = /^(?:(\d{3}|bold|normal)\s+)?([\d.]+)px\s+(.*)$/.exec(font.trim());
  if (!m) return { weight: "400", size: 10, family: "sans-serif" };
  return { weight: m[1] ?? "400", size: Number(m[2]), family: m[3] };
}
