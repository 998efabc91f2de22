// Numbers as people read them on a map. Times come in two kinds (VSM-REFERENCE section 1):
// elapsed time (lead time, waits, queues, gate time) and working time (takt, process and cycle
// times). Both are shown in the map's unit; a working day (wd) of elapsed time spans
// 7 / days_per_week calendar days, a working day of working time is the calendar's working
// hours. The same functions are in the core (`takt_core::format::human`, `human_working`); both
// are checked against crates/takt-core/tests/data/time-formats.json.

import type { Calendar, Duration, Unit, ValueStream } from "../bindings";

export type TimeKind = "elapsed" | "working";

/** What a time figure needs of its map: the unit it is shown in and the work calendar. */
export interface Clock {
  unit?: ValueStream["unit"];
  calendar?: Calendar | null;
}

const HOUR = 3600;
const DAY = 86_400;

function calendarOf(c: Calendar | null | undefined): { hours: number; days: number } {
  return { hours: c?.hours_per_day ?? 8, days: c?.days_per_week ?? 5 };
}

/** Seconds of elapsed time in one `unit`. */
function elapsedSeconds(unit: Unit, cal: { days: number }): number {
  switch (unit) {
    case "s":
      return 1;
    case "min":
      return 60;
    case "h":
      return HOUR;
    case "d":
      return DAY;
    case "wd":
      return (7 * DAY) / cal.days;
    case "w":
      return 7 * DAY;
  }
}

/** Seconds of elapsed time in one `unit`, through the map's calendar (for working days). */
export function unitSeconds(unit: Unit, clock?: Clock | null): number {
  return elapsedSeconds(unit, calendarOf(clock?.calendar));
}

/** Seconds of elapsed time in a duration as written ("5wd", 90), through the map's calendar. */
export function durationSeconds(d: Duration | null | undefined, clock?: Clock | null): number | null {
  if (d == null) return null;
  if (typeof d === "number") return d;
  const m = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*([a-z]+)\s*$/i.exec(d);
  if (!m || !["s", "min", "h", "d", "wd", "w"].includes(m[2])) return null;
  return Number(m[1]) * elapsedSeconds(m[2] as Unit, calendarOf(clock?.calendar));
}

/**
 * A number as the figures show it: 3 significant digits or the whole number (0 decimals from
 * 100, 1 from 10, else 2), trailing zeros dropped, rounded half away from zero (by hand:
 * `toFixed` breaks ties otherwise than the core's formatting).
 */
export function figure(v: number): string {
  if (!Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  const scale = 10 ** digits;
  let r = Math.round(a * scale) / scale;
  if (v < 0 && r !== 0) r = -r;
  const text = r.toFixed(digits);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

/**
 * Whether a figure reads in a unit: zero, or at least a tenth of one (seconds in a map shown in
 * working days would read "0 wd"; they are shown in the unit that reads instead).
 */
function legible(v: number): boolean {
  return v === 0 || Math.abs(v) >= 0.1;
}

/** Elapsed seconds in the map's unit (where it reads), or in the largest unit that reads naturally. */
export function fmtElapsed(s: number | null | undefined, clock?: Clock | null): string {
  if (s == null || !Number.isFinite(s)) return "—";
  const cal = calendarOf(clock?.calendar);
  let unit = clock?.unit ?? null;
  if (unit && !legible(s / elapsedSeconds(unit, cal))) unit = null;
  if (!unit) {
    const a = Math.abs(s);
    unit = a < 60 ? "s" : a < HOUR ? "min" : a < DAY ? "h" : a < 14 * DAY ? "d" : "w";
  }
  return `${figure(s / elapsedSeconds(unit, cal))} ${unit}`;
}

/** Working seconds: in working hours and working days (of the calendar's hours). */
export function fmtWorking(s: number | null | undefined, clock?: Clock | null): string {
  if (s == null || !Number.isFinite(s)) return "—";
  const cal = calendarOf(clock?.calendar);
  const day = cal.hours * HOUR;
  let unit = clock?.unit ?? null;
  if (unit === "d" || unit === "w") unit = "wd";
  const per = (u: Unit) => (u === "wd" ? day : elapsedSeconds(u, cal));
  if (unit && !legible(s / per(unit))) unit = null;
  if (!unit) {
    const a = Math.abs(s);
    unit = a < 60 ? "s" : a < HOUR ? "min" : a < day ? "h" : "wd";
  }
  return `${figure(s / per(unit))} ${unit}`;
}

export function fmtTime(s: number | null | undefined, clock: Clock | null | undefined, kind: TimeKind): string {
  return kind === "working" ? fmtWorking(s, clock) : fmtElapsed(s, clock);
}

/** The exact value, for a hover: "142,848 s of elapsed time". */
export function exactTime(s: number | null | undefined, kind: TimeKind): string {
  if (s == null || !Number.isFinite(s)) return "";
  const n = Math.abs(s) >= 1000 ? grouped(Math.round(s)) : String(Math.round(s * 1000) / 1000);
  return `${n} s of ${kind === "working" ? "working" : "elapsed"} time`;
}

/** Elapsed seconds with no map at hand (a raw number typed into a field). */
export function fmtSeconds(s: number | null | undefined): string {
  return fmtElapsed(s, null);
}

/** A duration as written in the file ("6h", 90). */
export function fmtDuration(d: Duration | undefined): string {
  if (d == null) return "";
  if (typeof d === "number") return fmtSeconds(d);
  return d.replace(/^(-?[\d.]+(?:e-?\d+)?)\s*([a-z]+)$/i, "$1 $2");
}

/**
 * A share as a percentage, with enough digits that a small non-zero share does not read as
 * zero (0.0046%, not 0.0%).
 */
export function fmtPercent(x: number | null | undefined, digits = 1): string {
  if (x == null || !Number.isFinite(x)) return "—";
  const p = x * 100;
  const rounded = (d: number) => {
    const scale = 10 ** d;
    const r = Math.round(Math.abs(p) * scale) / scale;
    return p < 0 && r !== 0 ? -r : r;
  };
  let d = digits;
  while (p !== 0 && d < 8 && rounded(d) === 0) d++;
  if (p !== 0 && d > digits) d++; // two significant digits once the share is that small
  const text = rounded(d).toFixed(d);
  return `${text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text}%`;
}

export function round(x: number): string {
  return figure(x);
}

/** "1 step", "3 steps". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n === 1 ? "1" : Number.isInteger(n) ? grouped(n) : n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}

/** What a typed duration becomes in an edit: a number of seconds, or the text with a unit. */
export function parseDurationInput(text: string): Duration | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t.replace(/\s+/g, "");
}

/**
 * A whole number with its thousands grouped by commas ("12,345"), as en-GB writes it: by hand,
 * because WebKit's `toLocaleString` costs tens of microseconds a call, and the ladder's titles
 * made a hundred calls on every what-if preview (a quarter of its time).
 */
export function grouped(n: number): string {
  const s = String(Math.abs(n));
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return n < 0 ? `-${out}` : out;
}
