// The live analysis around the canvas: the metrics panel (with deltas to the current state),
// the warnings, and the timeline ladder along the critical path.

import type { Analysis, Comparison, Step, ValueStream } from "../bindings";
import { fmtPercent, fmtSeconds, round } from "../editor/format";
import { h, patchChildren } from "./dom";

type Better = "lower" | "higher" | "neutral";

interface MetricDef {
  key: string;
  label: string;
  value: (a: Analysis, map: ValueStream) => string;
  /** The comparison's metric name, for the delta. */
  delta?: string;
  better: Better;
  kind: "time" | "share" | "count";
  hint: string;
}

const stepName = (map: ValueStream, id: string | null | undefined) => {
  if (!id) return "—";
  const s = (map.steps ?? []).find((x) => x.id === id);
  return s ? s.name || s.id : id;
};

const METRICS: MetricDef[] = [
  {
    key: "lead_time_s",
    label: "Lead time",
    value: (a, m) => fmtSeconds(a.lead_time_s, m.unit),
    delta: "lead_time_s",
    better: "lower",
    kind: "time",
    hint: "Expected end-to-end time along the critical path, queues and rework included",
  },
  {
    key: "process_time_s",
    label: "Process time",
    value: (a, m) => fmtSeconds(a.process_time_s, m.unit),
    delta: "process_time_s",
    better: "lower",
    kind: "time",
    hint: "Hands-on time along the critical path, rework passes included",
  },
  {
    key: "pce",
    label: "PCE",
    value: (a) => fmtPercent(a.pce),
    delta: "pce",
    better: "higher",
    kind: "share",
    hint: "Process cycle efficiency: value-adding time / lead time",
  },
  {
    key: "activity_ratio",
    label: "Activity ratio",
    value: (a) => fmtPercent(a.activity_ratio),
    delta: "activity_ratio",
    better: "higher",
    kind: "share",
    hint: "Critical-path process time / lead time",
  },
  {
    key: "rolled_pca",
    label: "Rolled %C&A",
    value: (a) => fmtPercent(a.rolled_pca),
    delta: "rolled_pca",
    better: "higher",
    kind: "share",
    hint: "Share of items that pass every step first time",
  },
  {
    key: "takt_s",
    label: "Takt",
    value: (a) => (a.takt_s == null ? "no demand" : fmtSeconds(a.takt_s)),
    delta: "takt_s",
    better: "neutral",
    kind: "time",
    hint: "Available working time per demanded item",
  },
  {
    key: "bottleneck",
    label: "Bottleneck",
    value: (a, m) => stepName(m, a.bottleneck),
    better: "neutral",
    kind: "count",
    hint: "The step with the longest effective cycle time",
  },
  {
    key: "handoffs",
    label: "Handoffs",
    value: (a) => `${a.handoffs.total} (${a.handoffs.critical} critical)`,
    delta: "handoffs",
    better: "lower",
    kind: "count",
    hint: "Flows between teams; in brackets, those on the critical path",
  },
  {
    key: "gate_time_s",
    label: "Gate time",
    value: (a, m) => `${fmtSeconds(a.gate_time_s, m.unit)} (${fmtPercent(a.gate_share, 0)})`,
    delta: "gate_time_s",
    better: "lower",
    kind: "time",
    hint: "Time in gates on the critical path, and its share of the lead time",
  },
];

const WASTE_NAMES: { [k: string]: string } = {
  defects: "Defects",
  overproduction: "Overproduction",
  waiting: "Waiting",
  non_utilised_talent: "Non-utilised talent",
  transportation: "Transportation",
  inventory: "Inventory",
  motion: "Motion",
  extra_processing: "Extra processing",
};

export function renderMetrics(el: HTMLElement, a: Analysis, map: ValueStream, cmp: Comparison | null): void {
  const deltas = new Map((cmp?.metrics ?? []).map((d) => [d.metric, d]));
  const tiles = METRICS.map((m) => {
    const d = m.delta ? deltas.get(m.delta) : undefined;
    return h(
      "div",
      { class: "metric", title: m.hint, "data-metric": m.key },
      h("div", { class: "metric-label" }, m.label),
      h("div", { class: "metric-value", "data-value": m.key }, m.value(a, map)),
      d ? deltaBadge(m, d.delta, d.before, map) : null,
    );
  });
  if (cmp && cmp.bottleneck[0] !== cmp.bottleneck[1]) {
    const tile = tiles[METRICS.findIndex((m) => m.key === "bottleneck")];
    tile.append(h("div", { class: "delta neutral" }, `was ${stepName(map, cmp.bottleneck[0])}`));
  }
  const waste = Object.entries(a.waste_s ?? {})
    .filter(([, v]) => (v ?? 0) > 0)
    .sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0));
  const max = Math.max(1, ...waste.map(([, v]) => v ?? 0));
  const wasteEl = h(
    "div",
    { class: "waste", "data-metric": "waste" },
    h("div", { class: "metric-label" }, "Waste by category"),
    waste.length === 0
      ? h("div", { class: "muted" }, "No waste tagged")
      : h(
          "ul",
          {},
          ...waste.map(([k, v]) =>
            h(
              "li",
              { "data-waste": k },
              h("span", { class: "waste-name" }, WASTE_NAMES[k] ?? k),
              h("span", { class: "waste-bar" }, h("i", { class: `bar w${Math.round(((v ?? 0) / max) * 20)}` })),
              h("span", { class: "waste-value" }, fmtSeconds(v, map.unit)),
            ),
          ),
        ),
  );
  // Patched, not replaced: an edit changes a few values, and only they are laid out again.
  patchChildren(el, [h("h2", {}, cmp ? "Metrics vs current state" : "Metrics"), h("div", { class: "metric-grid" }, ...tiles), wasteEl]);
}

function deltaBadge(m: MetricDef, delta: number | null, before: number | null, map: ValueStream): HTMLElement | null {
  if (delta == null || before == null) return null;
  if (Math.abs(delta) < 1e-9) return h("div", { class: "delta same", "data-delta": m.key }, "no change");
  const sign = delta > 0 ? "+" : "−";
  const mag = Math.abs(delta);
  const text =
    m.kind === "time" ? fmtSeconds(mag, map.unit) : m.kind === "share" ? `${round(mag * 100)} pts` : round(mag);
  const good = m.better === "neutral" ? "neutral" : (delta < 0) === (m.better === "lower") ? "good" : "bad";
  const pct = before !== 0 && m.kind !== "share" ? ` (${sign}${round((mag / Math.abs(before)) * 100)}%)` : "";
  return h("div", { class: `delta ${good}`, "data-delta": m.key }, `${sign}${text}${pct}`);
}

export function renderWarnings(el: HTMLElement, a: Analysis, onPick: (stepId: string) => void): void {
  const ws = a.warnings ?? [];
  // Unchanged warnings are not rebuilt (most edits change none).
  const sig = ws.map((w) => w.message).join("\n");
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.replaceChildren(
    h("h2", {}, `Warnings `, h("span", { class: "count" }, String(ws.length))),
    ws.length > 50 ? h("div", { class: "muted" }, `The first 50 of ${ws.length}`) : "",
    ws.length === 0
      ? h("div", { class: "muted" }, "None")
      : h(
          "ul",
          { class: "warning-list" },
          ...ws.slice(0, 50).map((w) => {
            const id = w.element && "id" in w.element && w.element.kind === "step" ? w.element.id : null;
            return h(
              "li",
              { class: id ? "link" : "", onclick: id ? () => onPick(id) : undefined, "data-code": w.code },
              w.message,
            );
          }),
        ),
  );
}

/** The ladder: waits above, process times below, one rung per step of the critical path. */
export function renderLadder(el: HTMLElement, a: Analysis, map: ValueStream, onPick: (stepId: string) => void): void {
  const steps: Step[] = map.steps ?? [];
  const path = a.critical_path;
  const rungs = a.ladder;
  const sig = JSON.stringify([path.slice(0, 60), rungs.slice(0, 60), a.lead_time_s, a.process_time_s, map.unit, path.slice(0, 60).map((i) => steps[i]?.name)]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  // The totals are the analysis's own: process time includes the expected rework passes.
  const totalPt = a.process_time_s ?? 0;
  const totalWait = Math.max(0, (a.lead_time_s ?? 0) - totalPt);
  // A ladder wider than a few screens is read by its totals; the first rungs show the shape.
  const shown = Math.min(path.length, 60);
  const cells: HTMLElement[] = [];
  for (let i = 0; i < shown; i++) {
    const s = steps[path[i]];
    const r = rungs[i];
    const wait = (r.wait_s ?? 0) + Math.max(0, (r.lt_s ?? 0) - (r.pt_s ?? 0));
    const rework = r.rework_s ?? 0;
    cells.push(
      h(
        "div",
        { class: "rung", title: `${s?.name ?? ""}${rework > 0 ? ` — expected rework adds ${fmtSeconds(rework, map.unit)}` : ""}`, onclick: () => s && onPick(s.id) },
        h(
          "div",
          { class: "rung-wait" },
          wait > 0 ? fmtSeconds(wait, map.unit) : "",
          rework > 0 ? h("span", { class: "rework" }, ` ↺ +${fmtSeconds(rework, map.unit)}`) : null,
        ),
        h("div", { class: "rung-name" }, s ? s.name || s.id : "?"),
        h("div", { class: "rung-pt" }, fmtSeconds(r.pt_s ?? 0, map.unit)),
      ),
    );
  }
  if (path.length > shown) cells.push(h("div", { class: "rung more" }, `+${path.length - shown} more`));
  el.replaceChildren(
    h("div", { class: "ladder-title" }, "Timeline (critical path)"),
    h("div", { class: "ladder-track", tabindex: "0", "aria-label": "Rungs of the critical path" }, ...cells),
    h(
      "div",
      { class: "ladder-total" },
      h("div", { class: "rung-wait", "data-value": "ladder-wait" }, `Wait ${fmtSeconds(totalWait, map.unit)}`),
      h("div", { class: "rung-name" }, `LT ${fmtSeconds(a.lead_time_s, map.unit)}`),
      h("div", { class: "rung-pt", "data-value": "ladder-pt" }, `PT ${fmtSeconds(totalPt, map.unit)}`),
    ),
  );
}
