// Measured versus drawn, in the drawer under the canvas: a drawn scenario (the current state)
// beside one mined from an event log (Measured), each step's PT and LT and each flow's wait and
// probability side by side, paired by name (the core's rule), the rest paired here by hand; a
// difference over 25% in red. The pairs made by hand are kept for the document in this
// browser's storage.

import { call } from "../api";
import { commands, type Calibration, type Figure, type HandPair } from "../bindings";
import { fmtElapsed } from "../editor/format";
import { h } from "./dom";

export interface CalibrationHost {
  /** The document's title and its scenarios' names, the current state first. */
  scenarios(): { title: string; names: string[] };
  pick(id: string): void;
}

function pct(x: number): string {
  return `${x > 0 ? "+" : ""}${Math.round(x * 100)}%`;
}

function value(f: Figure, v: number | null): string {
  if (v == null) return "—";
  return f.field === "p" ? `${Math.round(v * 100)}%` : fmtElapsed(v);
}

export class CalibrationPanel {
  drawn = "";
  measured = "";
  private view: Calibration | null = null;

  constructor(
    private el: HTMLElement,
    private host: CalibrationHost,
  ) {}

  private storeKey(): string {
    return `takt.pairs.${this.host.scenarios().title}.${this.drawn}.${this.measured}`;
  }

  private pairs(): HandPair[] {
    try {
      return JSON.parse(localStorage.getItem(this.storeKey()) ?? "[]") as HandPair[];
    } catch {
      return [];
    }
  }

  private setPairs(p: HandPair[]): void {
    localStorage.setItem(this.storeKey(), JSON.stringify(p));
  }

  /** Fetches the comparison again (after an edit, or when opened). */
  async refresh(): Promise<void> {
    const { names } = this.host.scenarios();
    if (!names.includes(this.drawn)) this.drawn = names[0] ?? "";
    if (!names.includes(this.measured) || this.measured === this.drawn) {
      this.measured = names.find((n) => /^Measured/.test(n)) ?? names.find((n) => n !== this.drawn) ?? "";
    }
    if (!this.measured) {
      this.view = null;
      this.el.replaceChildren(h("div", { class: "calibration", id: "calibration" }, h("p", { class: "muted" }, "Measured against drawn needs two scenarios: import an event log (File ▸ Import ▸ Event Log…) and add it as the scenario “Measured”.")));
      return;
    }
    this.view = await call(commands.calibration(this.drawn, this.measured, this.pairs()));
    this.render();
  }

  private pick(id: string, label: string, value: string, names: string[], set: (v: string) => void): HTMLSelectElement {
    const s = h("select", { id, "aria-label": label }, ...names.map((n) => h("option", { value: n, selected: n === value }, n)));
    s.addEventListener("change", () => {
      set(s.value);
      void this.refresh();
    });
    return s;
  }

  private cells(figs: Figure[], fields: string[]): HTMLElement[] {
    return fields.flatMap((field) => {
      const f = figs.find((x) => x.field === field);
      if (!f) return [h("td", {}), h("td", {}), h("td", {})];
      const cls = f.flagged ? "flagged" : null;
      return [
        h("td", { class: "num" }, value(f, f.drawn)),
        h("td", { class: `num${cls ? " flagged" : ""}`, "data-field": field }, value(f, f.measured)),
        h("td", { class: `num${cls ? " flagged" : ""}` }, f.change != null ? pct(f.change) : f.flagged ? "new" : ""),
      ];
    });
  }

  private render(): void {
    const v = this.view!;
    const { names } = this.host.scenarios();
    const unpairedMeasured = v.steps.filter((s) => !s.drawn && s.measured);
    const pairs = this.pairs();
    const stepRows = v.steps
      .filter((s) => s.drawn)
      .map((s) => {
        let measuredCell: HTMLElement;
        if (s.measured && s.by !== "hand") measuredCell = h("td", {}, s.measured_name ?? s.measured);
        else {
          const sel = h("select", { class: "pair-by-hand", "aria-label": `Pair ${s.drawn_name} with`, "data-drawn": s.drawn ?? "" }, h("option", { value: "" }, "— pair by hand —"));
          const options = [...(s.measured ? [{ id: s.measured, name: s.measured_name ?? s.measured }] : []), ...unpairedMeasured.map((m) => ({ id: m.measured!, name: m.measured_name ?? m.measured! }))];
          for (const o of options) sel.append(h("option", { value: o.id, selected: o.id === s.measured }, o.name));
          sel.addEventListener("change", () => {
            const rest = pairs.filter((p) => p.drawn !== s.drawn);
            if (sel.value) rest.push({ drawn: s.drawn!, measured: sel.value });
            this.setPairs(rest);
            void this.refresh();
          });
          measuredCell = h("td", {}, sel);
        }
        return h(
          "tr",
          { "data-step": s.drawn ?? "", class: s.figures.some((f) => f.flagged) ? "has-flag" : null },
          h("td", {}, h("a", {
                href: "#",
                onclick: (e: Event) => {
                  e.preventDefault();
                  this.host.pick(s.drawn!);
                },
              }, s.drawn_name || s.drawn || "")),
          measuredCell,
          ...this.cells(s.figures, ["pt", "lt"]),
        );
      });
    const flowRows = v.flows.map((f) => h("tr", { "data-flow": f.drawn ?? "" }, h("td", {}, f.label), h("td", {}, f.measured ? "paired" : "not measured"), ...this.cells(f.figures, ["wait", "p"])));
    const head = (a: string, b: string) => h("tr", {}, h("th", {}, "Drawn"), h("th", {}, "Measured"), h("th", { class: "num" }, `${a} drawn`), h("th", { class: "num" }, "measured"), h("th", { class: "num" }, "change"), h("th", { class: "num" }, `${b} drawn`), h("th", { class: "num" }, "measured"), h("th", { class: "num" }, "change"));
    this.el.replaceChildren(
      h(
        "div",
        { class: "calibration", id: "calibration" },
        h(
          "div",
          { class: "calibration-head" },
          h("strong", {}, "Measured against drawn"),
          this.pick("calibration-drawn", "Drawn scenario", this.drawn, names, (x) => (this.drawn = x)),
          h("span", {}, "against"),
          this.pick("calibration-measured", "Measured scenario", this.measured, names, (x) => (this.measured = x)),
          h("span", { id: "calibration-flagged", class: v.flagged ? "flag-count" : "muted" }, v.flagged ? `${v.flagged} ${v.flagged === 1 ? "figure differs" : "figures differ"} by more than 25%` : "No figure differs by more than 25%"),
        ),
        h("table", { class: "calibration-table", id: "calibration-steps" }, h("thead", {}, head("PT", "LT")), h("tbody", {}, ...stepRows)),
        unpairedMeasured.length ? h("p", { class: "muted", id: "calibration-unpaired" }, `Measured, not drawn: ${unpairedMeasured.map((m) => m.measured_name ?? m.measured).join(", ")}`) : "",
        h("table", { class: "calibration-table", id: "calibration-flows" }, h("thead", {}, head("Wait", "p").cloneNode(true)), h("tbody", {}, ...flowRows)),
      ),
    );
    const ft = this.el.querySelector("#calibration-flows thead tr")!;
    ft.firstChild!.textContent = "Flow (drawn)";
    ft.childNodes[1].textContent = "";
  }
}
