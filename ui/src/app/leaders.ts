// What leaders read, in the drawer under the canvas: scenarios side by side (a metrics table
// with each cell's delta against the baseline, the changes of each, and the waterfall of what
// each kaizen item buys), and a metric's trend over the snapshots as an XmR chart. The figures
// and the charts are the core's and takt-report's (the same SVG as the reports); this module
// only lays them out and binds clicks.

import type { ComparePictures, CompareView, Comparison, SimulationView, TrendView, WaterfallMetric, WaterfallView } from "../bindings";
import type { ValueStream } from "../bindings";
import { figure, fmtPercent, fmtTime } from "../editor/format";
import { h } from "./dom";
import { deltaView, METRICS, type MetricDef, stepName } from "./metrics";

/** The compare table's rows: the headline metrics with a delta, then WIP. */
const ROWS: MetricDef[] = [
  ...METRICS.filter((m) => m.delta),
  { key: "wip_items", label: "WIP", value: (a) => a.wip_items, delta: "wip_items", better: "lower", kind: "count", hint: "Items waiting in queues" },
];

/** A metric's value as the panel writes it, from the number alone. */
function valueText(m: MetricDef, v: number | null, map: ValueStream): string {
  if (v == null) return m.key === "takt_s" ? "no demand" : "–";
  if (m.kind === "elapsed" || m.kind === "working") return fmtTime(v, map, m.kind);
  if (m.kind === "share") return fmtPercent(v);
  return figure(v);
}

export interface CompareHost {
  scenarios(): string[];
  /** Works out the waterfalls (with progress and Cancel); null when cancelled. */
  waterfalls(names: string[], metric: WaterfallMetric): Promise<WaterfallView[] | null>;
  compare(names: string[]): Promise<CompareView | null>;
  /** Shows a bar's changes on the map: the steps (and a flow) of `scenario`. */
  highlight(scenario: string, steps: string[], flows: string[]): void;
  simulate(names: string[], runs: number, seed: number, target: string | null): Promise<SimulationView | null>;
  pictures(names: string[]): Promise<ComparePictures | null>;
}

/** Runs of the compare view's Monte Carlo (per scenario, seed 1). */
const COMPARE_RUNS = 2_000;

export class ComparePanel {
  /** The scenarios compared, the baseline first. */
  picked: string[] = [];
  private metric: WaterfallMetric = "lead_time";
  private view: CompareView | null = null;
  private falls: WaterfallView[] | null = null;
  private fallsFor = "";
  private sim: SimulationView | null = null;
  private pictures: ComparePictures | null = null;
  constructor(
    private el: HTMLElement,
    private host: CompareHost,
  ) {}

  /** The effect the last waterfall measured for a kaizen item, in words ("−9 wd in Future A"). */
  measured(id: string): string | null {
    for (const w of this.falls ?? []) {
      const bar = w.waterfall.bars.find((b) => b.kaizen === id || b.together.includes(id));
      if (!bar) continue;
      const map = this.view?.maps[this.view.names.indexOf(w.scenario)];
      if (!map) continue;
      const m = w.waterfall.metric === "pce" ? ROWS.find((r) => r.key === "pce")! : ROWS[0]!;
      const delta = bar.delta ?? 0;
      const d = deltaView(m, { metric: m.key, before: 1, after: 1 + delta, delta }, map);
      const text = d ? d.text.replace(/ \(.*\)$/, "") : "no change";
      return `${text} of ${m.label.toLowerCase()} in ${w.scenario}${bar.together.length ? " (with other items)" : ""}`;
    }
    return null;
  }

  /** Fetches and draws the comparison again (after an edit of any scenario, or a new pick). */
  async refresh(withWaterfalls = false): Promise<void> {
    const all = this.host.scenarios();
    this.picked = this.picked.filter((n) => all.includes(n));
    if (this.picked.length < 2) this.picked = all.slice(0, 4);
    if (this.picked.length < 2) {
      this.view = null;
      this.render("Compare needs two scenarios or more: fork a future state first (Scenario ▸ Fork Future State…).");
      return;
    }
    this.view = await this.host.compare(this.picked);
    this.pictures = await this.host.pictures(this.picked);
    const key = `${this.picked.join("\u0000")}|${this.metric}`;
    if (withWaterfalls || this.fallsFor !== key) {
      this.falls = null;
      this.render();
      const falls = await this.host.waterfalls(this.picked, this.metric);
      if (falls) {
        this.falls = falls;
        this.fallsFor = key;
      }
    }
    const sim = await this.host.simulate(this.picked, COMPARE_RUNS, 1, null);
    if (sim) this.sim = sim;
    this.render();
  }

  private render(message?: string): void {
    const all = this.host.scenarios();
    const pick = h("div", { class: "compare-pick", id: "compare-pick" }, h("span", { class: "muted" }, "Compare:"));
    for (const name of all) {
      const box = h("input", { type: "checkbox", checked: this.picked.includes(name), "data-scenario": name });
      box.addEventListener("change", () => {
        if (box.checked) {
          if (this.picked.length >= 4) {
            box.checked = false;
            return;
          }
          this.picked.push(name);
        } else this.picked = this.picked.filter((n) => n !== name);
        if (this.picked.length >= 2) void this.refresh();
        else this.render("Pick two to four scenarios.");
      });
      pick.append(h("label", { class: "check" }, box, name));
    }
    const base = h("select", { id: "compare-baseline", "aria-label": "Baseline" }, ...this.picked.map((n) => h("option", { value: n, selected: n === this.picked[0] }, n)));
    base.addEventListener("change", () => {
      this.picked = [base.value, ...this.picked.filter((n) => n !== base.value)];
      void this.refresh();
    });
    const metric = h(
      "select",
      { id: "waterfall-metric", "aria-label": "Waterfall of" },
      ...(
        [
          ["lead_time", "Lead time"],
          ["gate_time", "Gate time"],
          ["pce", "PCE"],
        ] as [WaterfallMetric, string][]
      ).map(([v, l]) => h("option", { value: v, selected: v === this.metric }, l)),
    );
    metric.addEventListener("change", () => {
      this.metric = metric.value as WaterfallMetric;
      void this.refresh(true);
    });
    pick.append(h("span", { class: "muted" }, "Baseline:"), base, h("span", { class: "muted" }, "Waterfall of:"), metric);
    const body = h("div", { class: "compare-body", id: "compare-body" });
    if (message || !this.view) body.append(h("p", { class: "muted" }, message ?? "…"));
    else {
      body.append(this.table(this.view));
      body.append(this.changes(this.view));
      const wf = h("div", { class: "waterfalls", id: "waterfalls" });
      if (!this.falls) wf.append(h("p", { class: "muted" }, "Attributing the changes…"));
      else
        for (const [k, w] of this.falls.entries()) {
          const box = h("div", { class: "waterfall-box", "data-scenario": w.scenario }, h("h4", {}, `${w.scenario}: what each change buys`));
          const chart = h("div", { class: "chart-box" });
          chart.innerHTML = w.svg;
          chart.addEventListener("click", (e) => {
            const bar = (e.target as Element).closest("[data-bar]");
            if (!bar) return;
            const b = w.waterfall.bars[Number(bar.getAttribute("data-bar"))];
            for (const x of chart.querySelectorAll(".bar.picked")) x.classList.remove("picked");
            bar.classList.add("picked");
            if (b) this.host.highlight(this.picked[k + 1]!, b.steps, b.flows);
          });
          box.append(chart);
          wf.append(box);
        }
      body.append(wf);
      const pics = this.pictures;
      const v = this.view;
      if (pics && pics.maps.length === v.names.length) {
        const ladders = h("div", { class: "chart-box", id: "compare-ladders" }, h("h4", {}, "Timelines on one axis"));
        ladders.insertAdjacentHTML("beforeend", pics.ladders_svg);
        body.append(ladders);
        const widest = Math.max(...pics.maps.map((m) => m.width ?? 0), 1);
        const maps = h("div", { class: "small-multiples", id: "compare-maps" });
        pics.maps.forEach((m, i) => {
          const box = h("div", { class: "multiple", "data-scenario": v.names[i]! }, h("h4", {}, v.names[i]!));
          box.insertAdjacentHTML("beforeend", m.svg);
          // One scale: each map as wide as its drawing against the widest, two to a row.
          box.style.width = `${Math.max(20, ((m.width ?? widest) / widest) * (pics.maps.length > 1 ? 49 : 100))}%`;
          maps.append(box);
        });
        body.append(maps);
      }
      if (this.sim && this.sim.series.length === this.picked.length) {
        const chart = h("div", { class: "chart-box", id: "compare-histogram" });
        chart.innerHTML = this.sim.svg;
        body.append(chart);
      }
    }
    this.el.replaceChildren(pick, body);
  }

  private table(v: CompareView): HTMLElement {
    const head = h("tr", {}, h("th", {}, ""), ...v.names.map((n, i) => h("th", { scope: "col" }, i === 0 ? `${n} (baseline)` : n)));
    const rows: HTMLElement[] = [];
    const cell = (m: MetricDef, k: number, c: Comparison, map: ValueStream) => {
      const d = c.metrics.find((x) => x.metric === m.delta);
      const td = h("td", { class: "num" }, valueText(m, d?.after ?? null, map));
      const dv = k > 0 ? deltaView(m, d, map) : null;
      if (dv && dv.tone !== "same") td.append(h("div", { class: `delta ${dv.tone}`, title: dv.exact }, dv.text));
      return td;
    };
    for (const m of ROWS) {
      const tr = h("tr", { "data-metric": m.key }, h("th", { scope: "row", title: m.hint }, m.label));
      tr.append(...v.comparisons.map((c, k) => cell(m, k, c, v.maps[k]!)));
      rows.push(tr);
    }
    const sim = this.sim && this.sim.series.length === v.names.length && this.sim.series.every((x, i) => x.scenario === v.names[i]) ? this.sim : null;
    if (sim) {
      const lead = ROWS[0]!;
      for (const [key, label] of [
        ["p85_s", "Lead time P85 (simulated)"],
        ["p95_s", "Lead time P95 (simulated)"],
      ] as const) {
        const tr = h("tr", { "data-metric": key }, h("th", { scope: "row", title: `${COMPARE_RUNS} Monte Carlo runs, seed 1` }, label));
        tr.append(...sim.series.map((x, k) => h("td", { class: "num" }, valueText(lead, x[key], v.maps[k]!))));
        rows.push(tr);
      }
      const crit = h(
        "tr",
        { "data-metric": "critical_frequency" },
        h("th", { scope: "row", title: "The steps sometimes but not always on the critical path (where it is decided), and how often: Monte Carlo" }, "Critical-path frequency"),
      );
      crit.append(
        ...sim.series.map((x, k) => {
          const contested = x.critical.filter((c) => (c.share ?? 0) < 0.995).slice(0, 3);
          return h("td", {}, contested.length ? contested.map((c) => `${stepName(v.maps[k]!, c.step)} ${Math.round((c.share ?? 0) * 100)}%`).join(", ") : "one path, always");
        }),
      );
      rows.push(crit);
    }
    const bn = h("tr", { "data-metric": "bottleneck" }, h("th", { scope: "row" }, "Bottleneck"));
    bn.append(...v.comparisons.map((c, k) => h("td", {}, stepName(v.maps[k]!, c.bottleneck[1]))));
    rows.push(bn);
    const waste: MetricDef = { key: "waste", label: "", value: () => null, delta: "waste", better: "lower", kind: "elapsed", hint: "" };
    const cats = [...new Set(v.comparisons.flatMap((c) => c.waste.map((w) => w.category)))].sort();
    for (const cat of cats) {
      const tr = h("tr", { "data-metric": `waste:${cat}` }, h("th", { scope: "row", title: "Waste per item, DOWNTIME category" }, `Waste: ${cat.replace(/_/g, " ")}`));
      v.comparisons.forEach((c, k) => {
        const w = c.waste.find((x) => x.category === cat);
        const map = v.maps[k]!;
        const td = h("td", { class: "num" }, valueText(waste, w?.after ?? 0, map));
        const dv = k > 0 && w ? deltaView(waste, { metric: "waste", before: w.before, after: w.after, delta: w.delta }, map) : null;
        if (dv && dv.tone !== "same") td.append(h("div", { class: `delta ${dv.tone}`, title: dv.exact }, dv.text));
        tr.append(td);
      });
      rows.push(tr);
    }
    return h("table", { class: "compare-table", id: "compare-table" }, h("thead", {}, head), h("tbody", {}, ...rows));
  }

  private changes(v: CompareView): HTMLElement {
    const box = h("div", { class: "compare-changes" });
    v.comparisons.slice(1).forEach((c, i) => {
      const map = v.maps[i + 1]!;
      const base = v.maps[0]!;
      const name = (m: ValueStream, id: string) => m.steps?.find((s) => s.id === id)?.name || id;
      const list = h("ul", {});
      for (const id of c.steps_added) list.append(h("li", { class: "added" }, `+ ${name(map, id)}`));
      for (const id of c.steps_removed) list.append(h("li", { class: "removed" }, `− ${name(base, id)}`));
      for (const s of c.steps_changed) {
        const fields = s.fields.filter((f) => f !== "x" && f !== "y");
        if (fields.length) list.append(h("li", { class: "changed", title: fields.join(", ") }, `~ ${name(map, s.id)} (${fields.join(", ")})`));
      }
      if (!list.childElementCount) list.append(h("li", { class: "muted" }, "No step changed"));
      box.append(h("div", {}, h("h4", {}, `${v.names[i + 1]}: steps`), list));
    });
    return box;
  }
}

export interface TrendHost {
  trend(metric: string): Promise<TrendView | null>;
  /** Opens a snapshot to read. */
  open(id: number): void;
  takeSnapshot(): Promise<void>;
  importSnapshot(): Promise<void>;
}

export class TrendPanel {
  private metric = "lead_time_s";
  view: TrendView | null = null;
  constructor(
    private el: HTMLElement,
    private host: TrendHost,
  ) {}

  async refresh(): Promise<void> {
    this.view = await this.host.trend(this.metric);
    this.render();
  }

  private render(): void {
    const metric = h(
      "select",
      { id: "trend-metric", "aria-label": "Metric" },
      ...[
        ["lead_time_s", "Lead time"],
        ["pce", "PCE"],
        ["gate_time_s", "Gate time"],
        ["wip_items", "WIP"],
      ].map(([v, l]) => h("option", { value: v!, selected: v === this.metric }, l!)),
    );
    metric.addEventListener("change", () => {
      this.metric = metric.value;
      void this.refresh();
    });
    const bar = h(
      "div",
      { class: "compare-pick" },
      h("span", { class: "muted" }, "Trend of"),
      metric,
      h("button", { id: "take-snapshot", onclick: () => void this.host.takeSnapshot() }, "Take snapshot…"),
      h("button", { id: "import-snapshot", onclick: () => void this.host.importSnapshot() }, "Import earlier state…"),
    );
    const body = h("div", { class: "compare-body", id: "trend-body" });
    const v = this.view;
    if (v) {
      const chart = h("div", { class: "chart-box", id: "trend-chart" });
      chart.innerHTML = v.svg;
      // A point opens its snapshot, read-only.
      chart.addEventListener("click", (e) => {
        const p = (e.target as Element).closest("[data-point]");
        const snap = p ? v.snapshots[Number(p.getAttribute("data-point"))] : null;
        if (snap) this.host.open(snap.id ?? 0);
      });
      body.append(chart);
      const signals = v.xmr.signals.map((s) => h("li", {}, `${v.xmr.points[s.index]?.date}: ${s.rule === "outside_limits" ? "outside the natural process limits" : "eight or more in a row on one side of the centre line"}`));
      body.append(
        h("div", { class: "compare-changes" }, h("div", {}, h("h4", {}, "Signals"), h("ul", { id: "trend-signals" }, ...(signals.length ? signals : [h("li", { class: "muted" }, v.xmr.points.length > 1 ? "None: the variation is routine" : "Two snapshots or more make a chart")]))),
          h("div", {}, h("h4", {}, "Snapshots"), h("ul", {}, ...v.snapshots.map((s) => h("li", {}, `${s.taken}${s.label ? ` — ${s.label}` : ""}`))))),
      );
    }
    this.el.replaceChildren(bar, body);
  }
}

export interface SimulationHost {
  /** The scenario on screen. */
  scenario(): string;
  simulate(names: string[], runs: number, seed: number, target: string | null): Promise<SimulationView | null>;
  /** Tints the map by each step's critical-path frequency (null: no tint). */
  tint(share: Map<string, number> | null): void;
  pick(step: string): void;
  nameOf(step: string): string;
}

/** Lead time as a distribution: the Monte Carlo of the scenario on screen, rerun after edits. */
export class SimulationPanel {
  private runs = 10_000;
  private seed = 1;
  private target = "";
  private tinted = true;
  view: SimulationView | null = null;
  private error = "";
  constructor(
    private el: HTMLElement,
    private host: SimulationHost,
  ) {}

  async refresh(): Promise<void> {
    this.error = "";
    try {
      const v = await this.host.simulate([this.host.scenario()], this.runs, this.seed, this.target.trim() || null);
      // Cancelled: what was drawn stays; nothing half-drawn.
      if (v) this.view = v;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.render();
  }

  hide(): void {
    this.host.tint(null);
  }

  private render(): void {
    const runs = h("select", { id: "sim-runs", "aria-label": "Runs" }, ...[1_000, 10_000, 100_000].map((n) => h("option", { value: String(n), selected: n === this.runs }, `${n.toLocaleString("en")} runs`)));
    runs.addEventListener("change", () => {
      this.runs = Number(runs.value);
      void this.refresh();
    });
    const seed = h("input", { type: "number", id: "sim-seed", min: "0", step: "1", value: String(this.seed), "aria-label": "Seed", class: "narrow" });
    seed.addEventListener("change", () => {
      this.seed = Math.max(0, Math.floor(Number(seed.value) || 0));
      void this.refresh();
    });
    const target = h("input", { type: "text", id: "sim-target", value: this.target, placeholder: "e.g. 30wd", "aria-label": "Target", class: "narrow", spellcheck: false });
    target.addEventListener("change", () => {
      this.target = target.value;
      void this.refresh();
    });
    const tint = h("input", { type: "checkbox", id: "sim-tint", checked: this.tinted });
    tint.addEventListener("change", () => {
      this.tinted = tint.checked;
      this.applyTint();
    });
    // The target's error stays under the controls, where it was typed, until it is mended.
    const error = this.error ? h("p", { class: "field-error", id: "sim-error", role: "alert" }, this.error) : "";
    const bar = h(
      "div",
      { class: "compare-pick" },
      h("span", { class: "muted" }, `Monte Carlo of ${this.host.scenario()}:`),
      runs,
      h("span", { class: "muted" }, "seed"),
      seed,
      h("span", { class: "muted" }, "Chance of finishing within"),
      target,
      h("label", { class: "check" }, tint, "Tint the map by how often each step is critical"),
      error,
    );
    const body = h("div", { class: "compare-body", id: "sim-body" });
    const v = this.view;
    if (v) {
      const chart = h("div", { class: "chart-box", id: "sim-chart" });
      chart.innerHTML = v.svg;
      body.append(chart);
      const s = v.series[0];
      if (s) {
        const within = s.within != null ? h("p", { id: "sim-within", class: "big" }, `${(s.within * 100).toFixed(1)}% of items finish within ${this.target}`) : null;
        const list = h("ol", { id: "sim-critical" });
        for (const c of s.critical.slice(0, 15)) {
          const li = h("li", { class: "link", "data-step": c.step, onclick: () => this.host.pick(c.step) }, `${this.host.nameOf(c.step)} — ${((c.share ?? 0) * 100).toFixed(1)}%`);
          list.append(li);
        }
        body.append(h("div", { class: "compare-changes" }, h("div", {}, within ?? "", h("h4", {}, "How often each step is on the critical path"), list)));
      }
    }
    this.el.replaceChildren(bar, body);
    this.applyTint();
  }

  private applyTint(): void {
    const s = this.view?.series[0];
    this.host.tint(this.tinted && s ? new Map(s.critical.map((c) => [c.step, c.share ?? 0])) : null);
  }
}
