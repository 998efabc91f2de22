// The live analysis around the canvas: the metrics panel (with deltas to the current state),
// the warnings, and the timeline ladder along the critical path.

import type { Analysis, Comparison, Kaizen, Note, Op, Step, ValueStream, Warning } from "../bindings";
import { exactTime, fmtElapsed, fmtWorking, plural } from "../editor/format";
import { h, patchChildren } from "./dom";
import { deltasOf, deltaView, METRICS, metricExact, metricSub, metricText, stepName } from "./metrics";
import { wasteName } from "./vocabulary";

export function renderMetrics(el: HTMLElement, a: Analysis, map: ValueStream, cmp: Comparison | null, title?: string): void {
  const deltas = deltasOf(cmp);
  const tiles = METRICS.map((m) => {
    const d = m.delta ? deltaView(m, deltas.get(m.delta), map) : null;
    const exact = metricExact(m, a);
    return h(
      "div",
      { class: "metric", title: m.hint, "data-metric": m.key },
      h("div", { class: "metric-label" }, m.label),
      h("div", { class: "metric-value", "data-value": m.key, title: exact ? `${exact}. ${m.hint}` : m.hint }, metricText(m, a, map)),
      metricSub(m, a) ? h("div", { class: "metric-sub", "data-sub": m.key }, metricSub(m, a)) : null,
      d ? h("div", { class: `delta ${d.tone}`, "data-delta": m.key, title: d.exact }, d.text) : null,
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
  // Data assets that are waste (the lineage's inventory and copies), counted, not timed.
  const assets = Object.entries(a.waste_assets ?? {}).filter(([, n]) => (n ?? 0) > 0);
  const assetRows = assets.map(([k, n]) =>
    h(
      "li",
      { "data-waste-assets": k, title: k === "inventory" ? "Data assets nothing reads or derives from (the Lineage panel lists them)" : "Datasets copied from another with no transformation (the Lineage panel lists them)" },
      h("span", { class: "waste-name" }, k === "inventory" ? "Inventory (data)" : "Transportation (data)"),
      h("span", { class: "waste-bar" }),
      h("span", { class: "waste-value" }, plural(n ?? 0, "asset")),
    ),
  );
  const wasteEl = h(
    "div",
    { class: "waste", "data-metric": "waste" },
    h("div", { class: "metric-label" }, "Waste by category"),
    waste.length === 0 && assetRows.length === 0
      ? h("div", { class: "muted" }, "No waste tagged")
      : h(
          "ul",
          {},
          ...waste.map(([k, v]) =>
            h(
              "li",
              { "data-waste": k },
              h("span", { class: "waste-name" }, wasteName(k)),
              h("span", { class: "waste-bar" }, h("i", { class: `bar w${Math.round(((v ?? 0) / max) * 20)}` })),
              h("span", { class: "waste-value", title: exactTime(v, "elapsed") }, fmtElapsed(v, map)),
            ),
          ),
          ...assetRows,
        ),
  );
  // What this future state does to the current state's mandatory gates, with each justification.
  const mandatory = cmp?.mandatory ?? [];
  const gatesEl = mandatory.length
    ? h(
        "div",
        { class: "mandatory", id: "mandatory-changes" },
        h("div", { class: "metric-label" }, "Mandatory gates of the current state"),
        h(
          "ul",
          {},
          ...mandatory.map((m) => {
            const what = { removed: "Removed", bypassed: "Bypassed", unmarked: "No longer mandatory", changed: "Changed" }[m.change];
            const j = m.justification;
            return h(
              "li",
              { "data-gate": m.gate, class: j || m.change === "changed" ? "" : "bad" },
              h("strong", {}, `${what}: ${m.name}`),
              m.change === "changed" ? ` (${m.fields.join(", ")})` : "",
              j ? h("div", { class: "muted small" }, `“${j.text}” — ${j.author || "unknown"}${j.date ? `, ${j.date}` : ""}`) : m.change === "changed" ? "" : h("div", { class: "small" }, "No justification recorded"),
            );
          }),
        ),
      )
    : null;
  // Patched, not replaced: an edit changes a few values, and only they are laid out again.
  patchChildren(el, [h("h2", {}, title ?? (cmp ? "Metrics vs current state" : "Metrics")), h("div", { class: "metric-grid" }, ...tiles), wasteEl, ...(gatesEl ? [gatesEl] : [])]);
}

/** A warning's one-click fix: what the button says and the one edit it makes. */
export interface Fix {
  label: string;
  op: Op;
}

/**
 * The fix for a warning, where one is plain: a name shared with another step gets a number of
 * its own, gate details on a plain step make it a gate, a supplier's or customer's times are
 * cleared, a queue over its WIP limit gets a limit that holds it. Others need a person's choice.
 */
export function fixFor(w: Warning, map: ValueStream): Fix | null {
  const el = w.element;
  if (!el || !("id" in el)) return null;
  const key = { kind: el.kind as "step" | "flow", id: el.id };
  switch (w.code) {
    case "duplicate_name": {
      const step = (map.steps ?? []).find((s) => s.id === el.id);
      if (!step) return null;
      const base = (step.name ?? "").trim();
      const names = new Set((map.steps ?? []).map((s) => (s.name ?? "").trim().toLowerCase()));
      let n = 2;
      while (names.has(`${base} (${n})`.toLowerCase())) n++;
      return { label: `Rename to '${base} (${n})'`, op: { op: "set", key, field: "name", value: `${base} (${n})` } };
    }
    case "gate_details_on_step":
      return { label: "Make it a gate", op: { op: "set", key, field: "kind", value: "gate" } };
    case "endpoint_times":
      return {
        label: "Clear its times",
        op: { op: "batch", ops: ["pt", "lt", "pt_range", "lt_range"].map((field) => ({ op: "set" as const, key, field, value: null })) },
      };
    case "over_wip_limit": {
      const f = (map.flows ?? []).find((x) => (x.id ?? `${x.from}>${x.to}`) === el.id);
      if (!f || f.wip == null) return null;
      return { label: `Raise the limit to ${Math.ceil(f.wip)}`, op: { op: "set", key, field: "limit", value: Math.ceil(f.wip) } };
    }
    default:
      return null;
  }
}

/**
 * The warnings, each with its one-click fix where one is plain: `onFix` gets the warning and
 * works its fix out from the map as it is when the edit's turn comes (the list is kept while
 * the messages are the same; the map may have changed meanwhile).
 */
export function renderWarnings(el: HTMLElement, a: Analysis, map: ValueStream, onPick: (stepId: string) => void, onFix: (w: Warning) => void): void {
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
            const fix = fixFor(w, map);
            return h(
              "li",
              { class: id ? "link" : "", onclick: id ? () => onPick(id) : undefined, "data-code": w.code },
              w.message,
              fix
                ? h(
                    "button",
                    {
                      class: "fix",
                      title: "One edit; Undo takes it back",
                      onclick: (e: Event) => {
                        e.stopPropagation();
                        onFix(w);
                      },
                    },
                    fix.label,
                  )
                : null,
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
  const sig = JSON.stringify([path.slice(0, 60), rungs.slice(0, 60), a.lead_time_s, a.process_time_s, map.unit, map.calendar, path.slice(0, 60).map((i) => steps[i]?.name)]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  // The totals are the analysis's own: process time includes the expected rework passes.
  const totalPt = a.process_time_s ?? 0;
  const totalWait = Math.max(0, (a.lead_time_s ?? 0) - totalPt);
  // A ladder wider than a few screens is read by its totals; the first rungs show the shape
  // (a what-if preview brings only these: LADDER_SHOWN in src-tauri/src/session.rs).
  const shown = Math.min(path.length, rungs.length, 60);
  const cells: HTMLElement[] = [];
  for (let i = 0; i < shown; i++) {
    const s = steps[path[i]];
    const r = rungs[i];
    const wait = (r.wait_s ?? 0) + Math.max(0, (r.lt_s ?? 0) - (r.pt_s ?? 0));
    const rework = r.rework_s ?? 0;
    cells.push(
      h(
        "div",
        {
          class: "rung",
          title: `${s?.name ?? ""}: waiting ${exactTime(wait, "elapsed")}, process ${exactTime(r.pt_s ?? 0, "working")}${rework > 0 ? `; expected rework adds ${fmtElapsed(rework, map)}` : ""}`,
          onclick: () => s && onPick(s.id),
        },
        h(
          "div",
          { class: "rung-wait" },
          wait > 0 ? fmtElapsed(wait, map) : "",
          rework > 0 ? h("span", { class: "rework" }, ` ↺ +${fmtElapsed(rework, map)}`) : null,
        ),
        h("div", { class: "rung-name" }, s ? s.name || s.id : "?"),
        h("div", { class: "rung-pt" }, fmtWorking(r.pt_s ?? 0, map)),
      ),
    );
  }
  if (path.length > shown) cells.push(h("div", { class: "rung more" }, `+${path.length - shown} more`));
  // Patched, not replaced: a what-if preview changes a few rungs' figures on every move.
  patchChildren(el, [
    h("div", { class: "ladder-title" }, "Timeline (critical path)"),
    h("div", { class: "ladder-track", tabindex: "0", "aria-label": "Rungs of the critical path" }, ...cells),
    h(
      "div",
      { class: "ladder-total" },
      h("div", { class: "rung-wait", "data-value": "ladder-wait", title: exactTime(totalWait, "elapsed") }, `Wait ${fmtElapsed(totalWait, map)}`),
      h("div", { class: "rung-name", title: exactTime(a.lead_time_s, "elapsed") }, `LT ${fmtElapsed(a.lead_time_s, map)}`),
      h("div", { class: "rung-pt", "data-value": "ladder-pt", title: exactTime(totalPt, "working") }, `PT ${fmtWorking(totalPt, map)}`),
    ),
  ]);
}

const STATUS: { [k: string]: string } = { idea: "Idea", planned: "Planned", doing: "Doing", done: "Done", dropped: "Dropped" };

/** The improvement backlog: every kaizen item, what it improves, its status; a click shows it. */
export function renderKaizen(el: HTMLElement, map: ValueStream, selected: string | null, onPick: (id: string) => void): void {
  const items: Kaizen[] = map.kaizen ?? [];
  const target = (k: Kaizen) => {
    const t = k.target;
    if (t && "step" in t && t.step) return stepName(map, t.step);
    if (t && "flow" in t && t.flow) {
      const [a, b] = t.flow.split(">");
      return b ? `${stepName(map, a)} → ${stepName(map, b)}` : t.flow;
    }
    return "the whole map";
  };
  const sig = JSON.stringify([items, selected, (map.steps ?? []).map((s) => s.name)]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.replaceChildren(
    h("h2", {}, "Kaizen ", h("span", { class: "count" }, String(items.length))),
    items.length === 0
      ? h("div", { class: "muted" }, "No improvements yet: + Kaizen adds one to the selected step")
      : h(
          "ul",
          { class: "kaizen-items" },
          ...items.map((k) =>
            h(
              "li",
              { class: `link ${k.id === selected ? "selected" : ""}`, "data-kaizen": k.id, onclick: () => onPick(k.id), title: k.effect || k.title },
              h("span", { class: "kaizen-title" }, k.title || k.id),
              h("span", { class: `kaizen-status status-${k.status ?? "idea"}` }, STATUS[k.status ?? "idea"] ?? k.status ?? ""),
              h("span", { class: "muted kaizen-target" }, [target(k), k.owner, k.due].filter(Boolean).join(" · ")),
            ),
          ),
        ),
  );
}

/** The parking lot: every sticky note, its author; a click selects it on the canvas. */
export function renderNotes(el: HTMLElement, map: ValueStream, selected: string | null, onPick: (id: string) => void): void {
  const notes: Note[] = map.notes ?? [];
  const sig = JSON.stringify([notes, selected]);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.replaceChildren(
    h("h2", {}, "Parking lot ", h("span", { class: "count" }, String(notes.length))),
    notes.length === 0
      ? h("div", { class: "muted" }, "No notes: + Note keeps a question or an idea for later, in no figure")
      : h(
          "ul",
          { class: "note-items" },
          ...notes.map((n) =>
            h(
              "li",
              { class: `link note-${n.colour ?? "yellow"} ${n.id === selected ? "selected" : ""}`, "data-note": n.id, onclick: () => onPick(n.id) },
              h("span", { class: "note-text" }, n.text),
              n.author ? h("span", { class: "muted" }, ` — ${n.author}`) : null,
            ),
          ),
        ),
  );
}
