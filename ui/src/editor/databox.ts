// What a step's box shows and how tall that makes it: its name on up to three lines, and the
// data box under it with every figure the map has for the step (VSM-REFERENCE section 2).
// The scene sizes boxes with it and the renderer draws them with it, so the two agree.

import type { Step, StepMetrics, ValueStream } from "../bindings";
import { fmtDuration, fmtWorking } from "./format";
import { STEP_H, STEP_W } from "./geometry";

/** The name's font at 100%, and its line height, in world units. */
export const NAME_FONT = 13;
export const NAME_LINE = 16;
/** At most this many lines of name; the last is cut with an ellipsis beyond them. */
export const NAME_LINES = 3;
/** The name's band: its first line and the padding around it. */
export const HEADER_H = 30;
export const ROW_H = 17;
const NAME_WIDTH = STEP_W - 20;

let measurer: CanvasRenderingContext2D | null | undefined;

/** Width of `s` at the name's font, in world units at 100% (estimated where there is no canvas). */
function nameWidth(s: string): number {
  if (measurer === undefined) {
    measurer = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
    if (measurer) measurer.font = `600 ${NAME_FONT}px system-ui, sans-serif`;
  }
  return measurer ? measurer.measureText(s).width : s.length * 7.3;
}

const wrapped = new Map<string, string[]>();

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
  return HEADER_H + (nameLines(step.name || step.id).length - 1) * NAME_LINE;
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
    rows.push([
      ["PT", fmtDuration(step.pt ?? undefined) || "—"],
      ["LT", fmtDuration(step.lt ?? step.pt ?? undefined) || "—"],
    ]);
    const ect: [string, string] = ["ECT", metrics ? fmtWorking(metrics.ect_s, map) : "—"];
    const pca: [string, string] = ["%C&A", step.pca != null ? `${step.pca}%` : "—"];
    // A gate shows its %C&A where it has one (a process step always does).
    const withPca = kind === "process" || step.pca != null;
    if (withPca || hasCapacity(step)) rows.push([...(withPca ? [pca] : []), ...(hasCapacity(step) ? [ect] : [])]);
    if (step.servers != null || step.uptime != null) {
      rows.push([
        ["Servers", String(step.servers ?? 1)],
        ["Uptime", `${step.uptime ?? 100}%`],
      ]);
    }
    // The changeover with what it is shared among: a batch, or the demand in an EPE interval.
    if (step.changeover != null || step.batch != null || step.epe != null) {
      const co: [string, string] = ["C/O", fmtDuration(step.changeover ?? undefined) || "—"];
      const epe: [string, string] = ["EPE", fmtDuration(step.epe ?? undefined)];
      if (step.batch != null) {
        rows.push([co, ["Batch", String(step.batch)]]);
        if (step.epe != null) rows.push([epe]);
      } else rows.push(step.epe != null ? [co, epe] : [co]);
    }
  }
  // The team (and how automated the step is) across the box, unlabelled: its lane says whose.
  const endpoint = kind === "supplier" || kind === "customer";
  const team = (map.teams ?? []).find((x) => x.id === step.team)?.name ?? step.team ?? (endpoint ? "" : "no team");
  rows.push([["", step.automation && kind !== "gate" ? `${team} · ${step.automation}` : team]]);
  return rows;
}

/** How many data rows a step has (its height's share of them), without formatting them. */
function rowCount(step: Step): number {
  const kind = step.kind ?? "process";
  let n = 1; // team
  if (kind === "gate") n++;
  if (kind === "process" || kind === "gate") {
    n++; // PT, LT
    if (kind === "process" || step.pca != null || hasCapacity(step)) n++;
    if (step.servers != null || step.uptime != null) n++;
    if (step.changeover != null || step.batch != null || step.epe != null) n++;
    if (step.batch != null && step.epe != null) n++;
  }
  return n;
}

/** A step's box height: its name band and its data rows, at least the standard box. */
export function stepHeight(step: Step): number {
  return Math.max(STEP_H, headerHeight(step) + 12 + rowCount(step) * ROW_H);
}
