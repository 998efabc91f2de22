// What a step's box shows and how tall that makes it: its name on up to three lines, and the
// data box under it with every figure the map has for the step (VSM-REFERENCE section 2).
// The scene sizes boxes with it and the renderer draws them with it, so the two agree.

import type { Step, StepMetrics, ValueStream } from "../bindings";
import { fmtDuration, fmtWorking } from "./format";
import { setWide, STEP_H, STEP_W } from "./geometry";

/**
 * The name's font at 100%, and its line height, in world units. The box is narrow for its
 * text (about a dozen letters a line) so that a map fits a room's screen with its names
 * large: the bundled sample's names read at 12 px and more at *Fit* on a 1600x1000 window.
 * Presentation mode makes every text larger for the same boxes, a little wider (`setPresenting`).
 */
export let NAME_FONT = 14;
export let NAME_LINE = 16;
/** At most this many lines of name; the last is cut with an ellipsis beyond them. */
export let NAME_LINES = 3;
/** Padding above and below the name's lines, inside its band. */
export let NAME_PAD = 6;
/** The data box's font and the height of one of its rows. */
export let DATA_FONT = 12;
export let ROW_H = 14;
/** Left and right padding of the name and the figures. */
export const INSET = 8;
let NAME_WIDTH = STEP_W - 2 * INSET;
/** In presentation mode a box leaves out how automated its step is (the room needs times). */
let presenting = false;

/**
 * The sizes boxes are laid out and drawn with: the editor's (narrow boxes, names on up to three
 * lines: legible at *Fit*), presentation mode's (every text larger, boxes a little wider), or
 * a printed picture's (an export: wide boxes, every name whole on as many lines as it needs).
 */
export type Sizes = "editor" | "presentation" | "print";
let sizes: Sizes = "editor";

export function setSizes(to: Sizes): void {
  if (to === sizes) return;
  sizes = to;
  presenting = to === "presentation";
  setWide(to === "presentation" ? 160 : to === "print" ? 190 : 124);
  NAME_FONT = to === "presentation" ? 19 : to === "print" ? 13 : 14;
  NAME_LINE = to === "presentation" ? 22 : 16;
  NAME_LINES = to === "print" ? 8 : 3;
  NAME_PAD = to === "presentation" ? 7 : 6;
  DATA_FONT = to === "presentation" ? 15 : 12;
  ROW_H = to === "presentation" ? 18 : 14;
  NAME_WIDTH = STEP_W - 2 * INSET;
  // Each set of sizes keeps its own wrapped names: switching back and forth (presentation mode
  // on and off) wraps nothing again.
  wrapped = wrappedBy[to];
  if (measurer) measurer.font = `600 ${NAME_FONT}px system-ui, sans-serif`;
}

/** The sizes in use. */
export function currentSizes(): Sizes {
  return sizes;
}

/** Presentation mode's sizes, or the editor's. */
export function setPresenting(on: boolean): void {
  setSizes(on ? "presentation" : "editor");
}

/** Runs `f` with the sizes `to`, then puts back those in use. */
export function withSizes<T>(to: Sizes, f: () => T): T {
  const was = sizes;
  setSizes(to);
  try {
    return f();
  } finally {
    setSizes(was);
  }
}

let measurer: CanvasRenderingContext2D | null | undefined;

/** Width of `s` at the name's font, in world units at 100% (estimated where there is no canvas). */
function nameWidth(s: string): number {
  if (measurer === undefined) {
    measurer = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
    if (measurer) measurer.font = `600 ${NAME_FONT}px system-ui, sans-serif`;
  }
  return measurer ? measurer.measureText(s).width : s.length * NAME_FONT * 0.62;
}

const wrappedBy: { [k in Sizes]: Map<string, string[]> } = { editor: new Map(), presentation: new Map(), print: new Map() };
let wrapped = wrappedBy.editor;

/**
 * The name broken into lines that fit the box, at word boundaries where it can (a word too
 * long for a line is broken inside), at most `NAME_LINES`; the last line ends with an
 * ellipsis if the name needs more. Cached: names change rarely and are measured once.
 */
export function nameLines(name: string): string[] {
  const hit = wrapped.get(name);
  if (hit) return hit;
  const words = name.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  const push = (l: string) => lines.push(l);
  for (let w of words) {
    const tryLine = line ? `${line} ${w}` : w;
    if (nameWidth(tryLine) <= NAME_WIDTH) {
      line = tryLine;
      continue;
    }
    if (line) push(line);
    line = "";
    // A word wider than the box is broken where it must be.
    while (nameWidth(w) > NAME_WIDTH) {
      let k = w.length - 1;
      while (k > 1 && nameWidth(w.slice(0, k)) > NAME_WIDTH) k--;
      push(w.slice(0, k));
      w = w.slice(k);
    }
    line = w;
  }
  if (line) push(line);
  let out = lines.length ? lines : [""];
  if (out.length > NAME_LINES) {
    let last = `${out[NAME_LINES - 1]} ${out.slice(NAME_LINES).join(" ")}`;
    while (last.length > 1 && nameWidth(`${last}…`) > NAME_WIDTH) last = last.slice(0, -1).trimEnd();
    out = [...out.slice(0, NAME_LINES - 1), `${last}…`];
  }
  if (wrapped.size > 20_000) wrapped.clear();
  wrapped.set(name, out);
  return out;
}

/** The height of the name band for a step. */
export function headerHeight(step: Step): number {
  return 2 * NAME_PAD + nameLines(step.name || step.id).length * NAME_LINE;
}

/** One row of the data box: one figure across the box, or two side by side. */
export type DataRow = [string, string][];

/** Whether the step has what makes its effective cycle time differ from its process time. */
function hasCapacity(s: Step): boolean {
  return s.servers != null || s.uptime != null || s.changeover != null || s.batch != null || s.epe != null;
}

/**
 * The rows of a step's data box: what the map has for it. How many there are depends only on
 * the record (the box's height does not change with the analysis); `metrics` fills in the
 * effective cycle time where it is shown.
 */
export function dataRows(step: Step, map: ValueStream, metrics?: StepMetrics | null): DataRow[] {
  const rows: DataRow[] = [];
  const kind = step.kind ?? "process";
  if (kind === "gate") {
    const g = step.gate;
    const reg = [g?.regulation, g?.control].filter(Boolean).join(" · ");
    rows.push([["Gate", reg || "no regulation"]]);
  }
  if (kind === "process" || kind === "gate") {
    // One figure a row: a box a dozen letters wide has no room for two durations side by side.
    rows.push([["PT", fmtDuration(step.pt ?? undefined) || "—"]]);
    rows.push([["LT", fmtDuration(step.lt ?? step.pt ?? undefined) || "—"]]);
    // A gate shows its %C&A where it has one (a process step always does).
    if (kind === "process" || step.pca != null) rows.push([["%C&A", step.pca != null ? `${step.pca}%` : "—"]]);
    if (hasCapacity(step)) rows.push([["ECT", metrics ? fmtWorking(metrics.ect_s, map) : "—"]]);
    // Short figures go two to a row.
    if (step.servers != null || step.uptime != null) {
      rows.push([
        ["Srv", String(step.servers ?? 1)],
        ["Up", `${step.uptime ?? 100}%`],
      ]);
    }
    // The changeover with what it is shared among: a batch, or the demand in an EPE interval.
    if (step.changeover != null) rows.push([["C/O", fmtDuration(step.changeover ?? undefined) || "—"]]);
    if (step.batch != null) rows.push([["Batch", String(step.batch)]]);
    if (step.epe != null) rows.push([["EPE", fmtDuration(step.epe ?? undefined)]]);
  }
  // How automated the step is, across the box; the team only where no lane says it (a step
  // of no team, or of a team the map does not list).
  const endpoint = kind === "supplier" || kind === "customer";
  const laned = step.team != null && (map.teams ?? []).some((x) => x.id === step.team);
  const team = laned ? "" : (step.team ?? (endpoint ? "" : "no team"));
  const auto = step.automation && kind !== "gate" && !presenting ? step.automation : "";
  const last = [team, auto].filter(Boolean).join(" · ");
  if (last) rows.push([["", last]]);
  return rows;
}

/** How many data rows a step has (its height's share of them), without formatting them. */
function rowCount(step: Step, map: ValueStream | null): number {
  const kind = step.kind ?? "process";
  let n = 0;
  if (kind === "process" || kind === "gate") {
    n += 2; // PT, LT
    if (kind === "gate") n++;
    if (kind === "process" || step.pca != null) n++;
    if (hasCapacity(step)) n++;
    if (step.servers != null || step.uptime != null) n++;
    if (step.changeover != null) n++;
    if (step.batch != null) n++;
    if (step.epe != null) n++;
  }
  const endpoint = kind === "supplier" || kind === "customer";
  const laned = step.team != null && (map?.teams ?? []).some((x) => x.id === step.team);
  if ((!laned && (step.team != null || !endpoint)) || (step.automation && kind !== "gate" && !presenting)) n++;
  return n;
}

/**
 * A step's box height: its name band and its data rows, at least the standard box. `map`
 * says which teams have lanes (a step in one does not repeat its team in its box).
 */
export function stepHeight(step: Step, map: ValueStream | null): number {
  const rows = rowCount(step, map);
  // A supplier or customer shows its name only, under its factory roof: it need not be as tall.
  const least = step.kind === "supplier" || step.kind === "customer" ? STEP_H - 20 : STEP_H;
  return Math.max(least, headerHeight(step) + (rows ? rows * ROW_H + 10 : 0));
}
