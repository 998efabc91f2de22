// Numbers as people read them on a map.

import type { Duration, Unit } from "../bindings";

const SECONDS: { [u in Exclude<Unit, "wd">]: number } = { s: 1, min: 60, h: 3600, d: 86400, w: 604800 };

/** Elapsed seconds, in `unit` if given, else in the largest unit that reads naturally. */
export function fmtSeconds(s: number | null | undefined, unit?: Unit | null): string {
  if (s == null || !Number.isFinite(s)) return "—";
  if (unit && unit !== "wd") return `${round(s / SECONDS[unit])} ${unit}`;
  const a = Math.abs(s);
  if (a < 60) return `${round(s)} s`;
  if (a < 3600) return `${round(s / 60)} min`;
  if (a < 86400) return `${round(s / 3600)} h`;
  return `${round(s / 86400)} d`;
}

/** A duration as written in the file ("6h", 90). */
export function fmtDuration(d: Duration | undefined): string {
  if (d == null) return "";
  if (typeof d === "number") return fmtSeconds(d);
  return d.replace(/^(-?[\d.]+(?:e-?\d+)?)\s*([a-z]+)$/i, "$1 $2");
}

export function fmtPercent(x: number | null | undefined, digits = 1): string {
  if (x == null || !Number.isFinite(x)) return "—";
  return `${(x * 100).toFixed(digits).replace(/\.0+$/, "")}%`;
}

export function round(x: number): string {
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toFixed(digits).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** What a typed duration becomes in an edit: a number of seconds, or the text with a unit. */
export function parseDurationInput(text: string): Duration | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t.replace(/\s+/g, "");
}
