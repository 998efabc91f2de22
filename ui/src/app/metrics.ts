// The headline metrics, defined once: the metrics panel and the exported images show the same
// figures, with the same units, deltas and hovers.

import type { Analysis, Comparison, MetricDelta, ValueStream } from "../bindings";
import { exactTime, figure, fmtPercent, fmtTime, type TimeKind } from "../editor/format";

export type Better = "lower" | "higher" | "neutral";
export type MetricKind = TimeKind | "share" | "count" | "name";

export interface MetricDef {
  key: string;
  label: string;
  /** The figure: seconds for times, a share (0-1), a count, or a step's id. */
  value: (a: Analysis) => number | string | null;
  /** The comparison's metric name, for the delta. */
  delta?: string;
  better: Better;
  kind: MetricKind;
  hint: string;
}

export const stepName = (map: ValueStream, id: string | null | undefined): string => {
  if (!id) return "—";
  const s = (map.steps ?? []).find((x) => x.id === id);
  return s ? s.name || s.id : id;
};

export const METRICS: MetricDef[] = [
  {
    key: "lead_time_s",
    label: "Lead time",
    value: (a) => a.lead_time_s,
    delta: "lead_time_s",
    better: "lower",
    kind: "elapsed",
    hint: "Expected end-to-end elapsed time along the critical path, queues and rework included",
  },
  {
    key: "process_time_s",
    label: "Process time",
    value: (a) => a.process_time_s,
    delta: "process_time_s",
    better: "lower",
    kind: "working",
    hint: "Hands-on working time along the critical path, rework passes included",
  },
  {
    key: "pce",
    label: "PCE",
    value: (a) => a.pce,
    delta: "pce",
    better: "higher",
    kind: "share",
    hint: "Process cycle efficiency: value-adding time / lead time",
  },
  {
    key: "activity_ratio",
    label: "Activity ratio",
    value: (a) => a.activity_ratio,
    delta: "activity_ratio",
    better: "higher",
    kind: "share",
    hint: "Critical-path process time / lead time",
  },
  {
    key: "rolled_pca",
    label: "Rolled %C&A",
    value: (a) => a.rolled_pca,
    delta: "rolled_pca",
    better: "higher",
    kind: "share",
    hint: "Share of items that pass every step first time",
  },
  {
    key: "takt_s",
    label: "Takt",
    value: (a) => a.takt_s,
    delta: "takt_s",
    better: "neutral",
    kind: "working",
    hint: "Available working time per demanded item",
  },
  {
    key: "bottleneck",
    label: "Bottleneck",
    value: (a) => a.bottleneck,
    better: "neutral",
    kind: "name",
    hint: "The step with the longest effective cycle time",
  },
  {
    key: "handoffs",
    label: "Handoffs",
    value: (a) => a.handoffs.total,
    delta: "handoffs",
    better: "lower",
    kind: "count",
    hint: "Flows between teams; in brackets, those on the critical path",
  },
  {
    key: "gate_time_s",
    label: "Gate time",
    value: (a) => a.gate_time_s,
    delta: "gate_time_s",
    better: "lower",
    kind: "elapsed",
    hint: "Elapsed time in gates on the critical path, and its share of the lead time",
  },
];

/** The figure as the panel and the exports show it. */
export function metricText(m: MetricDef, a: Analysis, map: ValueStream): string {
  const v = m.value(a);
  switch (m.key) {
    case "takt_s":
      if (v == null) return "no demand";
      break;
    case "handoffs":
      return `${a.handoffs.total} (${a.handoffs.critical} critical)`;
  }
  switch (m.kind) {
    case "elapsed":
    case "working":
      return fmtTime(v as number | null, map, m.kind);
    case "share":
      return fmtPercent(v as number | null);
    case "count":
      return figure(v as number);
    case "name":
      return stepName(map, v as string | null);
  }
}

/** A line under the figure, where it has one ("17% of lead time"). */
export function metricSub(m: MetricDef, a: Analysis): string | null {
  return m.key === "gate_time_s" ? `${fmtPercent(a.gate_share, 0)} of lead time` : null;
}

/** The exact value behind a figure, for a hover. */
export function metricExact(m: MetricDef, a: Analysis): string {
  const v = m.value(a);
  if (m.kind === "elapsed" || m.kind === "working") return exactTime(v as number | null, m.kind);
  if (m.kind === "share" && typeof v === "number") return `${Number((v * 100).toPrecision(8))}%`;
  return "";
}

export interface DeltaView {
  text: string;
  /** good, bad, neutral, or same (no change). */
  tone: "good" | "bad" | "neutral" | "same";
  /** The exact change, for a hover. */
  exact: string;
}

/** A metric's change against the baseline, as a person writes it ("−1.5 wd (−4%)", "no change"). */
export function deltaView(m: MetricDef, d: MetricDelta | undefined, map: ValueStream): DeltaView | null {
  if (!d || d.delta == null || d.before == null) return null;
  const delta = d.delta;
  const kind = m.kind === "working" || m.kind === "elapsed" ? m.kind : null;
  const exact = kind ? `${exactTime(delta, kind)} (was ${exactTime(d.before, kind)})` : `${delta}`;
  const mag = Math.abs(delta);
  // No change says so; "+0 pts" says nothing.
  if (mag < 1e-9) return { text: "no change", tone: "same", exact };
  let text =
    kind != null ? fmtTime(mag, map, kind) : m.kind === "share" ? `${fmtPercent(mag).replace(/%$/, "")} pts` : figure(mag);
  // A change too small for the map's unit ("+0 wd") is shown in a unit it reads in ("+40 s").
  if (kind != null && /^0 /.test(text)) text = fmtTime(mag, { unit: null, calendar: map.calendar }, kind);
  const sign = delta > 0 ? "+" : "−";
  const tone = m.better === "neutral" ? "neutral" : (delta < 0) === (m.better === "lower") ? "good" : "bad";
  const pct = d.before !== 0 && m.kind !== "share" ? ` (${sign}${figure((mag / Math.abs(d.before)) * 100)}%)` : "";
  return { text: `${sign}${text}${pct}`, tone, exact };
}

export function deltasOf(cmp: Comparison | null): Map<string, MetricDelta> {
  return new Map((cmp?.metrics ?? []).map((d) => [d.metric, d]));
}
