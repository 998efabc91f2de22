// The lineage panel in the drawer: the answer to Impact or Upstream (with counts, each name a
// link to its asset or step, and a CSV of the list), each endpoint's freshness and the chain
// that sets it, and the waste candidates (assets nothing consumes, copies). Redrawn whole from
// the core's answers after every edit.

import type { DataAsset, Reach, ValueStream } from "../bindings";
import { fmtElapsed, plural } from "../editor/format";
import { KIND_LABEL, type LineageCanvas } from "../editor/lineage";
import { h } from "./dom";

export interface LineagePanelHost {
  pickAsset(id: string): void;
  pickStep(id: string): void;
  /** Saves text the user names a file for (the CSV). */
  saveCsv(name: string, text: string): void;
  /** Asks again (after an edit): the same question about the same asset. */
  ask(asset: string, downstream: boolean): void;
  clear(): void;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The answer as CSV: one row per asset, step and gate reached, with its kind and name. */
export function reachCsv(r: Reach, map: ValueStream): string {
  const assets = new Map((map.assets ?? []).map((a) => [a.id, a]));
  const steps = new Map((map.steps ?? []).map((s) => [s.id, s]));
  const rows = [["what", "id", "name", "kind", "team"]];
  for (const id of r.assets) {
    const a = assets.get(id);
    rows.push([r.ends.includes(id) ? (r.downstream ? "endpoint" : "source") : "asset", id, a?.name ?? "", a ? KIND_LABEL[a.kind] : "", a?.team ?? ""]);
  }
  for (const id of r.steps) {
    const s = steps.get(id);
    rows.push([r.downstream ? "step (reads)" : "step (writes)", id, s?.name ?? "", s?.kind ?? "process", s?.team ?? ""]);
  }
  for (const id of r.gates) {
    const s = steps.get(id);
    rows.push(["gate", id, s?.name ?? "", "gate", s?.team ?? ""]);
  }
  return `${rows.map((r) => r.map(field).join(",")).join("\n")}\n`;
}

export class LineagePanel {
  reach: Reach | null = null;

  constructor(
    private el: HTMLElement,
    private host: LineagePanelHost,
  ) {}

  show(map: ValueStream, canvas: LineageCanvas): void {
    const assets = map.assets ?? [];
    const byId = new Map(assets.map((a) => [a.id, a]));
    const steps = new Map((map.steps ?? []).map((s) => [s.id, s]));
    const assetLink = (id: string) => h("button", { class: "link", "data-asset": id, onclick: () => this.host.pickAsset(id) }, byId.get(id)?.name || id);
    const stepLink = (id: string) => h("button", { class: "link", "data-step": id, onclick: () => this.host.pickStep(id) }, steps.get(id)?.name || id);
    const list = (title: string, ids: string[], link: (id: string) => HTMLElement, testid: string) =>
      h("div", { class: "lineage-list", "data-list": testid }, h("h4", {}, `${title} `, h("span", { class: "count" }, String(ids.length))), ids.length ? h("ul", {}, ...ids.map((id) => h("li", {}, link(id)))) : h("p", { class: "muted" }, "none"));
    const parts: HTMLElement[] = [];
    const r = this.reach;
    if (r && byId.has(r.asset)) {
      const name = byId.get(r.asset)?.name || r.asset;
      parts.push(
        h(
          "section",
          { class: "lineage-answer", id: "lineage-answer", "data-direction": r.downstream ? "impact" : "upstream" },
          h(
            "div",
            { class: "lineage-answer-head" },
            h("h3", {}, r.downstream ? `Impact of ${name}` : `Upstream of ${name}`),
            h("span", { class: "muted" }, r.downstream
                ? `${plural(r.assets.length, "asset")}, ${r.steps.length === 1 ? "1 step reads" : `${r.steps.length} steps read`} them, ${plural(r.gates.length, "gate")}, ${plural(r.ends.length, "endpoint")}`
                : `${plural(r.assets.length, "asset")}, ${r.steps.length === 1 ? "1 step writes" : `${r.steps.length} steps write`} them, ${plural(r.gates.length, "gate")}, ${plural(r.ends.length, "source")}`),
            h("button", { id: "lineage-csv", title: "Save this list as CSV", onclick: () => this.host.saveCsv(`${r.downstream ? "impact" : "upstream"}-${r.asset.replace(/[^\w.-]+/g, "_")}.csv`, reachCsv(r, map)) }, "CSV…"),
            h("button", { title: "Clear the answer (Esc)", onclick: () => this.host.clear() }, "Clear"),
          ),
          h(
            "div",
            { class: "lineage-columns" },
            list("Assets", r.assets, assetLink, "assets"),
            list(r.downstream ? "Steps that read them" : "Steps that write them", r.steps, stepLink, "steps"),
            list("Gates", r.gates, stepLink, "gates"),
            list(r.downstream ? "Endpoints" : "Sources", r.ends, assetLink, "ends"),
          ),
        ),
      );
    } else if (r) {
      this.reach = null;
    }
    // Freshness: each endpoint, slowest first, with the chain that sets it.
    const endpoints = assets.filter((a) => a.kind === "endpoint").map((a) => ({ a, fresh: canvas.freshness(a.id) ?? 0 }));
    endpoints.sort((x, y) => y.fresh - x.fresh);
    const chainText = (a: DataAsset) =>
      canvas
        .chainOf(a.id)
        .slice(1)
        .map((id) => byId.get(id)?.name || id)
        .join(" ← ");
    parts.push(
      h(
        "section",
        { class: "lineage-fresh" },
        h("h3", {}, "Freshness of the endpoints"),
        endpoints.length
          ? h(
              "table",
              { class: "grid", id: "lineage-freshness" },
              h("thead", {}, h("tr", {}, h("th", {}, "Endpoint"), h("th", {}, "Lineage lead time"), h("th", {}, "Set by the chain"))),
              h(
                "tbody",
                {},
                ...endpoints.map(({ a, fresh }) => h("tr", { "data-asset": a.id }, h("td", {}, assetLink(a.id)), h("td", { class: "num" }, fresh > 0 ? fmtElapsed(fresh) : "—"), h("td", { class: "muted" }, chainText(a) || "—"))),
              ),
            )
          : h("p", { class: "muted" }, "No endpoints yet: add one (the palette's + Endpoint) to see how fresh its data can be."),
      ),
    );
    const unconsumed = assets.filter((a) => canvas.isUnconsumed(a.id)).map((a) => a.id);
    const copies = assets.filter((a) => canvas.isCopy(a.id)).map((a) => a.id);
    parts.push(
      h(
        "section",
        { class: "lineage-waste" },
        h("h3", {}, "Waste candidates"),
        h(
          "div",
          { class: "lineage-columns" },
          list("Inventory: nothing consumes them", unconsumed, assetLink, "unconsumed"),
          list("Transportation: copied with no transformation", copies, assetLink, "copies"),
        ),
      ),
    );
    this.el.replaceChildren(h("div", { class: "lineage-panel", id: "lineage-panel" }, ...parts));
  }
}
