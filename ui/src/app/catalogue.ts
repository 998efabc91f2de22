// The regulation catalogue: the controls Takt ships (each with its source and the date it was
// transcribed) and the document's own, with the gates that check each. The document marks the
// controls it requires (a future state that drops the only gate for one is warned of), adds
// controls of its own, or imports a catalogue file. Every change is one edit of the map's
// `catalogue` field, so it is undone like any other.

import type { CatalogueEntry, Control, Op, ValueStream } from "../bindings";
import { h } from "./dom";

export interface CatalogueHost {
  /** Sets the document's own entries (built from them as they are when the edit's turn comes). */
  edit(build: (own: Control[]) => Control[] | null): Promise<boolean>;
  /** File ▸ Import Catalogue…: a catalogue file added to the document's. */
  importFile(): void;
  pick(stepId: string): void;
  today(): string;
}

const same = (a: Control, b: Control) => a.regulation.trim().toLowerCase() === b.regulation.trim().toLowerCase() && a.control.trim().toLowerCase().replace(/\s+/g, " ") === b.control.trim().toLowerCase().replace(/\s+/g, " ");

/** The edit of the map's own catalogue. */
export function catalogueOp(own: Control[]): Op {
  return { op: "set", key: { kind: "meta", id: "" }, field: "catalogue", value: (own.length ? own : null) as never };
}

export class CatalogueView {
  private filter = { regulation: "", show: "", text: "" };
  private entries: CatalogueEntry[] = [];
  private map: ValueStream | null = null;

  constructor(
    private el: HTMLElement,
    private host: CatalogueHost,
  ) {}

  show(entries: CatalogueEntry[], map: ValueStream): void {
    this.entries = entries;
    this.map = map;
    this.render();
  }

  private setRequired(c: Control, required: boolean): void {
    void this.host.edit((own) => {
      const next = own.map((o) => ({ ...o }));
      const mine = next.find((o) => same(o, c));
      if (mine) mine.required = required;
      else next.push({ regulation: c.regulation, control: c.control, required });
      return next;
    });
  }

  private render(): void {
    const f = this.filter;
    const names = new Map((this.map?.steps ?? []).map((s) => [s.id, s.name || s.id]));
    const regs = [...new Set(this.entries.map((e) => e.control.regulation))];
    const text = f.text.trim().toLowerCase();
    const rows = this.entries.filter(
      (e) =>
        (!f.regulation || e.control.regulation === f.regulation) &&
        (f.show !== "required" || e.control.required) &&
        (f.show !== "unchecked" || (e.control.required && e.gates.length === 0)) &&
        (f.show !== "own" || e.own) &&
        (!text || [e.control.regulation, e.control.control, e.control.title, e.control.group, e.control.source].join(" ").toLowerCase().includes(text)),
    );
    const reg = h("select", { id: "catalogue-regulation", "aria-label": "Regulation" }, h("option", { value: "" }, "Regulation: all"), ...regs.map((r) => h("option", { value: r, selected: f.regulation === r }, r)));
    reg.addEventListener("change", () => {
      f.regulation = reg.value;
      this.render();
    });
    const show = h(
      "select",
      { id: "catalogue-show", "aria-label": "Show" },
      ...[
        ["", "Every control"],
        ["required", "Required by this document"],
        ["unchecked", "Required, no gate checks it"],
        ["own", "The document's own entries"],
      ].map(([v, l]) => h("option", { value: v, selected: f.show === v }, l)),
    );
    show.addEventListener("change", () => {
      f.show = show.value;
      this.render();
    });
    const search = h("input", { type: "search", id: "catalogue-search", placeholder: "Search controls and sources", value: f.text, spellcheck: false });
    search.addEventListener("change", () => {
      f.text = search.value;
      this.render();
    });
    const importBtn = h("button", { id: "catalogue-import", title: "Add the controls of a catalogue file (JSON) to the document's" }, "Import catalogue…");
    importBtn.addEventListener("click", () => this.host.importFile());
    const body = rows.map((e) => {
      const c = e.control;
      const req = h("input", { type: "checkbox", checked: c.required, "aria-label": `${c.regulation} ${c.control} required` });
      req.addEventListener("change", () => this.setRequired(c, req.checked));
      const gates = e.gates.length
        ? h(
            "span",
            {},
            ...e.gates.map((id, i) => {
              const a = h("button", { class: "link-button" }, names.get(id) ?? id);
              a.addEventListener("click", () => this.host.pick(id));
              return i ? h("span", {}, ", ", a) : a;
            }),
          )
        : h("span", { class: c.required ? "bad" : "muted" }, c.required ? "none: uncovered" : "—");
      return h(
        "tr",
        { "data-control": `${c.regulation}|${c.control}` },
        h("td", { class: "num" }, req),
        h("td", {}, h("strong", {}, `${c.regulation} ${c.control}`), e.own ? h("span", { class: "tag" }, "document") : ""),
        h("td", { title: c.title }, c.title),
        h("td", { class: "muted" }, c.group),
        h("td", {}, gates),
        h("td", { class: "muted small", title: `${c.source}${c.transcribed ? `, transcribed ${c.transcribed}` : ""}` }, c.source, c.transcribed ? ` (${c.transcribed})` : ""),
      );
    });
    // A control of the document's own.
    const field = (id: string, placeholder: string) => h("input", { type: "text", id: `new-control-${id}`, placeholder, spellcheck: false, autocomplete: "off" });
    const nr = field("regulation", "Regulation, e.g. Internal");
    const nc = field("control", "Control, e.g. MRM-7.3");
    const nt = field("title", "Title");
    const ns = field("source", "Source, e.g. Model risk policy v4, 7.3");
    const add = h("button", { id: "new-control-add" }, "Add control");
    const error = h("div", { class: "field-error", "data-error-for": "catalogue" });
    add.addEventListener("click", async () => {
      const c: Control = { regulation: nr.value.trim(), control: nc.value.trim(), title: nt.value.trim(), source: ns.value.trim(), transcribed: this.host.today(), required: false };
      if (!c.regulation || !c.control) {
        error.textContent = "A control needs its regulation and its id.";
        return;
      }
      error.textContent = "";
      if (await this.host.edit((own) => [...own.filter((o) => !same(o, c)), c])) for (const i of [nr, nc, nt, ns]) i.value = "";
    });
    const required = this.entries.filter((e) => e.control.required);
    this.el.replaceChildren(
      h(
        "div",
        { class: "register-bar" },
        reg,
        show,
        search,
        importBtn,
        h("span", { class: "register-summary" }, `${rows.length} of ${this.entries.length} controls · ${required.length} required, ${required.filter((e) => e.gates.length === 0).length} unchecked`),
      ),
      h(
        "div",
        { class: "register-scroll" },
        h("table", { class: "register catalogue", id: "catalogue-table" }, h("thead", {}, h("tr", {}, h("th", {}, "Required"), h("th", {}, "Control"), h("th", {}, "Title"), h("th", {}, "Group"), h("th", {}, "Checked by"), h("th", {}, "Source (transcribed)"))), h("tbody", {}, ...body)),
      ),
      h("div", { class: "register-bar new-control" }, nr, nc, nt, ns, add, error),
    );
  }
}
