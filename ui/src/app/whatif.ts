// What-if levers: sliders on a step's PT, LT, servers and uptime and on a flow's WIP, wait and
// probability. While a slider moves, the metrics panel and the ladder show what the map would
// give (the core analyses a copy; nothing is edited); releasing it makes one edit, Esc makes
// none and puts the figures back.

import type { Duration, Flow, Key, Op, Range, Step, Unit, ValueStream } from "../bindings";
import { durationSeconds, fmtElapsed, fmtWorking, round, unitSeconds } from "../editor/format";
import { h } from "./dom";

/** What the levers need of the app. */
export interface LeverHost {
  /** Shows what the map would give after `op`, said in `label`; false if the core refuses it. */
  preview(op: Op, label: string): Promise<boolean>;
  /** Puts the real figures back. */
  endPreview(): void;
  /** Makes the edit. */
  commit(op: Op): void;
}

type Kind = "working" | "elapsed" | "count" | "percent" | "share";

interface Lever {
  field: string;
  label: string;
  kind: Kind;
  /** The value now (seconds for times), null when the record has none. */
  now: number | null;
  min: number;
  max: number;
  step: number;
  /** The unit a time is written back in. */
  unit?: Unit;
}

const UNITS: readonly string[] = ["s", "min", "h", "d", "wd", "w"] satisfies Unit[];

/** The unit a duration was written in (seconds for a bare number). */
function unitOf(d: Duration | null | undefined): Unit {
  if (typeof d === "string") {
    const m = /([a-z]+)\s*$/i.exec(d);
    if (m && UNITS.includes(m[1])) return m[1] as Unit;
  }
  return "h";
}

/** A slider's range for a time: up to three times the value (a working day's worth from none). */
function timeLever(field: string, label: string, kind: Kind, d: Duration | null | undefined, map: ValueStream): Lever {
  const now = durationSeconds(d ?? null, map);
  // The value now is on the slider's grid (100 steps up from 0), so that it starts where it is.
  const max = now ? 3 * now : 8 * 3600;
  const step = now ? now / 100 : max / 200;
  return { field, label, kind, now, min: 0, max, step, unit: unitOf(d) };
}

/** The levers of a step. */
function stepLevers(s: Step, map: ValueStream): Lever[] {
  if (s.kind === "supplier" || s.kind === "customer") return [];
  const servers = s.servers ?? 1;
  return [
    timeLever("pt", "Process time", "working", s.pt, map),
    timeLever("lt", "Lead time", "elapsed", s.lt, map),
    { field: "servers", label: "Servers", kind: "count", now: servers, min: 1, max: Math.max(10, 3 * servers), step: 1 },
    { field: "uptime", label: "Uptime", kind: "percent", now: s.uptime ?? 100, min: 1, max: 100, step: 1 },
  ];
}

/** The levers of a flow. */
function flowLevers(f: Flow, map: ValueStream): Lever[] {
  const out: Lever[] = [];
  if (f.kind === "information") return out;
  if (f.wip != null) out.push({ field: "wip", label: "WIP", kind: "count", now: f.wip, min: 0, max: Math.max(20, 3 * f.wip), step: 1 });
  else out.push(timeLever("wait", "Wait", "elapsed", f.wait, map));
  if (f.p != null) out.push({ field: "p", label: f.kind === "rework" ? "Rework probability" : "Probability", kind: "share", now: f.p, min: 0, max: f.kind === "rework" ? 0.95 : 1, step: 0.01 });
  return out;
}

function shown(l: Lever, v: number, map: ValueStream): string {
  switch (l.kind) {
    case "working":
      return fmtWorking(v, map);
    case "elapsed":
      return fmtElapsed(v, map);
    case "count":
      return round(v);
    case "percent":
      return `${round(v)}%`;
    case "share":
      return `${Math.round(v * 100)}%`;
  }
}

/** The value an edit sets: a time in the unit it was written in, rounded to what reads. */
function value(l: Lever, v: number, map: ValueStream): Duration | number {
  if (l.kind === "working" || l.kind === "elapsed") {
    const unit = l.unit ?? "h";
    const per = unitSeconds(unit, map);
    const n = Math.round((v / per) * 100) / 100;
    return unit === "s" ? n : `${n}${unit}`;
  }
  if (l.kind === "share") return Math.round(v * 100) / 100;
  return Math.round(v);
}

/**
 * The "What if" section of the inspector for a step or a flow: a slider per lever. `null` when
 * the record has none (a supplier, a customer, an information flow).
 */
export function leverSection(key: Key, record: Step | Flow, map: ValueStream, host: LeverHost): HTMLElement | null {
  const levers = key.kind === "step" ? stepLevers(record as Step, map) : flowLevers(record as Flow, map);
  if (!levers.length) return null;
  const rows = levers.map((l) => {
    const start = l.now ?? 0;
    const input = h("input", { type: "range", id: `lever-${l.field}`, "data-lever": l.field, min: l.min, max: l.max, step: l.step, value: start, "aria-label": `What if: ${l.label}` });
    const out = h("output", { class: "lever-value", for: `lever-${l.field}` }, l.now == null ? "—" : shown(l, start, map));
    let cancelled = false;
    let pending: number | null = null;
    let busy = false;
    const opFor = (v: number): Op => {
      const ops: Op[] = [];
      // A process time past the lead time takes the lead time with it, and a lead time below
      // the process time takes the process time down: LT >= PT (VSM-REFERENCE section 2).
      if (key.kind === "step" && (l.field === "pt" || l.field === "lt")) {
        const step = record as Step;
        const other = l.field === "pt" ? "lt" : "pt";
        const od = l.field === "pt" ? step.lt : step.pt;
        const o = durationSeconds(od ?? null, map);
        if (o != null && (l.field === "pt" ? v > o : v < o)) ops.push({ op: "set", key, field: other, value: value({ ...l, unit: unitOf(od) }, v, map) });
      }
      const set: Op = { op: "set", key, field: l.field, value: value(l, v, map) };
      // One edit: the core checks the map once the whole batch is applied.
      const done = (last: Op): Op => (ops.length ? { op: "batch", ops: [...ops, last] } : last);
      // A time beyond its range takes the range with it.
      const rangeField = l.field === "pt" ? "pt_range" : l.field === "lt" ? "lt_range" : l.field === "wait" ? "wait_range" : null;
      const range = rangeField ? (record as unknown as Record<string, Range | null | undefined>)[rangeField] : null;
      if (!rangeField || !range) return done(set);
      const lo = durationSeconds(range.min, map) ?? 0;
      const hi = durationSeconds(range.max, map) ?? 0;
      if (v >= lo && v <= hi) return done(set);
      const wider: Range = { ...range, min: v < lo ? value(l, v, map) : range.min, max: v > hi ? value(l, v, map) : range.max };
      return done({ op: "batch", ops: [{ op: "set", key, field: rangeField, value: wider }, set] });
    };
    const label = (v: number) => `What if ${l.label.toLowerCase()} ${l.now == null ? "—" : shown(l, start, map)} → ${shown(l, v, map)}`;
    // One preview in flight; the newest value goes next.
    const run = async () => {
      if (busy || pending == null) return;
      busy = true;
      const v = pending;
      pending = null;
      const ok = await host.preview(opFor(v), label(v));
      busy = false;
      input.classList.toggle("refused", !ok);
      if (cancelled) host.endPreview();
      else void run();
    };
    input.addEventListener("pointerdown", () => {
      cancelled = false;
    });
    input.addEventListener("input", () => {
      if (cancelled) return;
      const v = Number(input.value);
      out.textContent = shown(l, v, map);
      pending = v;
      void run();
    });
    input.addEventListener("change", () => {
      const v = Number(input.value);
      pending = null;
      if (cancelled || v === start) {
        host.endPreview();
        return;
      }
      host.commit(opFor(v));
    });
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      // Esc: no edit, the figures as they are.
      e.preventDefault();
      e.stopPropagation();
      cancelled = true;
      pending = null;
      input.value = String(start);
      out.textContent = l.now == null ? "—" : shown(l, start, map);
      input.classList.remove("refused");
      host.endPreview();
    });
    return h("label", { class: "lever" }, h("span", { class: "lever-label" }, l.label), input, out);
  });
  return h("div", { class: "levers", id: "levers" }, h("h3", {}, "What if"), h("p", { class: "muted small" }, "Drag to see the metrics change; release to apply, Esc to cancel."), ...rows);
}
