// The gate register: every gate of the scenario on screen in a table that sorts by any column
// and filters by regulation, team and status, with a text search. The core computes it (the
// `gates` command, the same register as `takt gates`); this draws it. Selecting a row selects
// the gate on the canvas, and the row of the gate selected on the canvas is marked.

import type { GateRow, GateStatus, Register, ValueStream } from "../bindings";
import { fmtElapsed, fmtPercent } from "../editor/format";
import { h } from "./dom";

export const STATUS: Record<GateStatus, string> = {
  over_sla: "Over SLA",
  evidence_missing: "Evidence missing",
  redundant: "Redundant",
  evidence_outstanding: "Evidence outstanding",
  in_order: "In order",
};

type Col = { id: string; label: string; title?: string; key: (g: GateRow) => string | number; cell: (g: GateRow, ctx: Ctx) => Node | string; num?: boolean };
type Ctx = { map: ValueStream; names: Map<string, string> };

const control = (g: GateRow) => [g.regulation, g.control].filter(Boolean).join(" ");

const COLS: Col[] = [
  { id: "name", label: "Gate", key: (g) => g.name.toLowerCase(), cell: (g) => h("span", { class: "gate-name" }, g.name, g.mandatory ? h("span", { class: "tag mandatory", title: "Mandatory: a future state may not remove it without a justification" }, "mandatory") : "") },
  { id: "status", label: "Status", key: (g) => Object.keys(STATUS).indexOf(g.status), cell: (g) => h("span", { class: `status st-${g.status}` }, STATUS[g.status]) },
  { id: "control", label: "Regulation · control", key: (g) => control(g).toLowerCase(), cell: (g) => h("span", { title: g.control_title ?? "" }, control(g) || "—", g.control_title ? h("span", { class: "muted small" }, ` ${g.control_title}`) : "") },
  {
    id: "sla",
    label: "SLA",
    num: true,
    key: (g) => g.sla_s ?? Number.POSITIVE_INFINITY,
    cell: (g, c) => (g.sla_s == null ? "—" : h("span", { class: g.meets_sla === false ? "bad" : "good", title: g.meets_sla === false ? "Its lead time exceeds the SLA" : "Met" }, fmtElapsed(g.sla_s, c.map), g.meets_sla === false ? " ✗" : " ✓")),
  },
  { id: "lt", label: "Lead time", num: true, key: (g) => g.lt_s ?? 0, cell: (g, c) => fmtElapsed(g.lt_s, c.map) },
  { id: "share", label: "Share of LT", title: "Expected time an item spends in the gate (rework passes included), as a share of the lead time", num: true, key: (g) => g.share ?? 0, cell: (g) => fmtPercent(g.share) },
  { id: "critical", label: "Critical", key: (g) => (g.critical ? 0 : 1), cell: (g) => (g.critical ? h("span", { class: "tag critical" }, "on path") : "—") },
  {
    id: "evidence",
    label: "Evidence",
    key: (g) => (g.evidence.length ? g.evidence.filter((e) => e.status === "accepted").length / g.evidence.length : 2),
    cell: (g) =>
      g.evidence.length
        ? h(
            "span",
            { class: "ev-summary", title: g.evidence.map((e) => `${e.title}: ${e.status}${e.owner ? `, ${e.owner}` : ""}${e.due ? `, due ${e.due}` : ""}`).join("\n") },
            ...g.evidence.map((e) => h("span", { class: `dot ev-${e.status}` })),
            ` ${g.evidence.filter((e) => e.status === "accepted").length}/${g.evidence.length} accepted`,
          )
        : h("span", { class: "muted" }, "none listed"),
  },
  { id: "approver", label: "Approver", key: (g) => (g.approver ?? "").toLowerCase(), cell: (g) => g.approver ?? "—" },
  { id: "tier", label: "Tier", num: true, key: (g) => g.tier ?? 0, cell: (g) => (g.tier == null ? "—" : String(g.tier)) },
  { id: "team", label: "Team", key: (g) => (g.team ?? "").toLowerCase(), cell: (g) => g.team ?? "—" },
  { id: "redundant", label: "Redundant with", key: (g) => g.redundant_with.length, cell: (g, c) => (g.redundant_with.length ? g.redundant_with.map((id) => c.names.get(id) ?? id).join(", ") : "—") },
];

export class GateRegister {
  private sort: { col: string; desc: boolean } = { col: "share", desc: true };
  private filter = { regulation: "", team: "", status: "", text: "" };
  private register: Register | null = null;
  private map: ValueStream | null = null;
  private selected = new Set<string>();
  /** Milliseconds the last render took (for the benchmark). */
  lastRenderMs = 0;

  constructor(
    private el: HTMLElement,
    private pick: (id: string) => void,
  ) {}

  show(register: Register, map: ValueStream, selected: Set<string>): void {
    this.register = register;
    this.map = map;
    this.selected = selected;
    this.render();
  }

  /** Marks the rows of the gates selected on the canvas. */
  select(selected: Set<string>): void {
    this.selected = selected;
    if (selected.size === 1) this.reveal([...selected][0]);
    for (const tr of this.el.querySelectorAll<HTMLElement>("tr[data-gate]")) tr.classList.toggle("selected", selected.has(tr.dataset.gate!));
  }

  private rows(): GateRow[] {
    const r = this.register!;
    const f = this.filter;
    const text = f.text.trim().toLowerCase();
    const rows = r.gates.filter(
      (g) =>
        (!f.regulation || g.regulation === f.regulation) &&
        (!f.team || g.team === f.team) &&
        (!f.status || g.status === f.status) &&
        (!text ||
          [g.name, g.id, g.team, g.regulation, g.control, g.control_title, g.approver, ...g.evidence.map((e) => e.title)]
            .filter(Boolean)
            .join(" ")
            .toLowerCase()
            .includes(text)),
    );
    const col = COLS.find((c) => c.id === this.sort.col) ?? COLS[0];
    const dir = this.sort.desc ? -1 : 1;
    // Stable: ties keep document order.
    return rows
      .map((g, i) => ({ g, i, k: col.key(g) }))
      .sort((a, b) => (a.k < b.k ? -dir : a.k > b.k ? dir : a.i - b.i))
      .map((x) => x.g);
  }

  render(): void {
    const t0 = performance.now();
    const r = this.register;
    const map = this.map;
    if (!r || !map) return;
    const names = new Map(r.gates.map((g) => [g.id, g.name]));
    const ctx: Ctx = { map, names };
    const distinct = (f: (g: GateRow) => string | null) => [...new Set(r.gates.map(f).filter((x): x is string => !!x))].sort();
    const select = (id: keyof typeof this.filter, label: string, options: [string, string][]) => {
      const s = h("select", { id: `register-${id}`, "aria-label": label }, h("option", { value: "" }, `${label}: all`), ...options.map(([v, l]) => h("option", { value: v, selected: this.filter[id] === v }, l)));
      s.addEventListener("change", () => {
        this.filter[id] = s.value;
        this.render();
      });
      return s;
    };
    const search = h("input", { type: "search", id: "register-search", placeholder: "Search gates, controls, evidence", value: this.filter.text, spellcheck: false });
    search.addEventListener("input", () => {
      this.filter.text = search.value;
      this.renderBody(ctx);
    });
    const head = h(
      "tr",
      {},
      ...COLS.map((c) => {
        const on = this.sort.col === c.id;
        const th = h("th", { class: `${c.num ? "num" : ""} ${on ? "sorted" : ""}`, title: c.title ?? `Sort by ${c.label.toLowerCase()}`, "data-col": c.id, "aria-sort": on ? (this.sort.desc ? "descending" : "ascending") : "none" }, c.label, on ? (this.sort.desc ? " ▾" : " ▴") : "");
        th.addEventListener("click", () => {
          this.sort = { col: c.id, desc: on ? !this.sort.desc : !!c.num };
          this.render();
        });
        return th;
      }),
    );
    const summary = h("div", { class: "register-summary", id: "register-summary" });
    // Redrawn after every edit: the table keeps its scroll position.
    const scrolled = this.el.querySelector<HTMLElement>(".register-scroll")?.scrollTop ?? 0;
    this.el.replaceChildren(
      h(
        "div",
        { class: "register-bar" },
        select("regulation", "Regulation", distinct((g) => g.regulation).map((x) => [x, x])),
        select("team", "Team", distinct((g) => g.team).map((x) => [x, x])),
        select(
          "status",
          "Status",
          (Object.keys(STATUS) as GateStatus[]).map((k) => [k, STATUS[k]]),
        ),
        search,
        summary,
      ),
      h("div", { class: "register-scroll" }, h("table", { class: "register", id: "register-table" }, h("thead", {}, head), h("tbody", { id: "register-body" }))),
      this.findings(r, ctx),
    );
    this.renderBody(ctx, scrolled);
    this.lastRenderMs = performance.now() - t0;
  }

  /** The rows in their order after the filters and the sort; the table draws those in view. */
  private sorted: GateRow[] = [];
  private ctx: Ctx | null = null;
  /** A row's height, measured from the first drawn (rows are one line: their cells do not wrap). */
  private rowH = 30;
  private scheduled = false;

  private renderBody(ctx: Ctx, top?: number): void {
    const r = this.register!;
    this.ctx = ctx;
    this.sorted = this.rows();
    const scroll = this.el.querySelector<HTMLElement>(".register-scroll");
    if (scroll && !scroll.dataset.windowed) {
      scroll.dataset.windowed = "1";
      scroll.addEventListener("scroll", () => {
        if (this.scheduled) return;
        this.scheduled = true;
        requestAnimationFrame(() => {
          this.scheduled = false;
          this.drawWindow();
        });
      });
    }
    this.drawWindow(top);
    const s = this.el.querySelector("#register-summary");
    if (s) s.textContent = `${this.sorted.length} of ${r.gates.length} gates · gate time ${fmtElapsed(r.gate_time_s, ctx.map)} (${fmtPercent((r.lead_time_s ?? 0) > 0 ? (r.gate_time_s ?? 0) / (r.lead_time_s ?? 1) : 0)} of the lead time)`;
  }

  /**
   * Draws the rows in view (and a screenful either side), with spacers for the rest: a
   * register of a thousand gates opens, sorts and scrolls in a few milliseconds.
   */
  private drawWindow(at?: number): void {
    const body = this.el.querySelector("#register-body");
    const scroll = this.el.querySelector<HTMLElement>(".register-scroll");
    const ctx = this.ctx;
    if (!body || !scroll || !ctx) return;
    const n = this.sorted.length;
    const view = Math.max(scroll.clientHeight, 300);
    const top = at ?? scroll.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowH) - Math.ceil(view / this.rowH));
    const last = Math.min(n, Math.ceil((top + 2 * view) / this.rowH));
    const frag = document.createDocumentFragment();
    // Sized through the CSSOM: the page's CSP refuses style attributes.
    const spacer = (rows: number) => {
      const tr = h("tr", { class: "spacer" });
      tr.style.height = `${rows * this.rowH}px`;
      return tr;
    };
    if (first > 0) frag.append(spacer(first));
    for (let i = first; i < last; i++) {
      const g = this.sorted[i];
      const tr = h("tr", { "data-gate": g.id, class: `${this.selected.has(g.id) ? "selected" : ""}` }, ...COLS.map((c) => h("td", { class: c.num ? "num" : "" }, c.cell(g, ctx))));
      tr.addEventListener("click", () => this.pick(g.id));
      frag.append(tr);
    }
    if (last < n) frag.append(spacer(n - last));
    body.replaceChildren(frag);
    // A table drawn anew (after an edit) goes back to where it was scrolled.
    if (at != null) scroll.scrollTop = at;
    // Measured once, from the first row drawn (a fraction of a pixel of difference between rows
    // is what the spacers absorb).
    const drawn = body.querySelector<HTMLElement>("tr[data-gate]");
    if (!this.measured && drawn && drawn.getBoundingClientRect().height > 0) {
      this.measured = true;
      this.rowH = drawn.getBoundingClientRect().height;
      this.drawWindow();
    }
  }
  private measured = false;

  /** Brings a gate's row into view (selected on the canvas). */
  private reveal(id: string): void {
    const i = this.sorted.findIndex((g) => g.id === id);
    const scroll = this.el.querySelector<HTMLElement>(".register-scroll");
    if (i < 0 || !scroll) return;
    const head = this.el.querySelector<HTMLElement>("#register-table thead")?.offsetHeight ?? 0;
    const top = i * this.rowH;
    if (top < scroll.scrollTop || top + this.rowH > scroll.scrollTop + scroll.clientHeight - head) {
      scroll.scrollTop = Math.max(0, top - scroll.clientHeight / 3);
      this.drawWindow();
    }
  }

  /** Redundancies with what a merge would save, and required controls no gate checks. */
  private findings(r: Register, ctx: Ctx): HTMLElement {
    const items: HTMLElement[] = [];
    // The first ones, by the time a merge saves: a generated map can have hundreds.
    const LIMIT = 25;
    const worst = [...r.redundancies].sort((a, b) => (b.saving_s ?? 0) - (a.saving_s ?? 0));
    for (const x of worst.slice(0, LIMIT)) {
      const [a, b] = x.gates.map((id) => ctx.names.get(id) ?? id);
      const li = h("li", { class: "finding redundancy", "data-gates": x.gates.join(" ") }, h("strong", {}, `${a} and ${b}`), ` ${x.reason}: merging them saves up to ${fmtElapsed(x.saving_s, ctx.map)} per item`);
      li.addEventListener("click", () => this.pick(x.gates[1]));
      items.push(li);
    }
    if (worst.length > LIMIT) items.push(h("li", { class: "muted" }, `and ${worst.length - LIMIT} more redundancies (all of them: takt gates FILE)`));
    for (const c of r.uncovered_controls) {
      items.push(h("li", { class: "finding uncovered", title: c.source }, h("strong", {}, `${c.regulation} ${c.control}`), `${c.title ? ` (${c.title})` : ""}: required, and no gate checks it`));
    }
    return items.length ? h("ul", { class: "register-findings", id: "register-findings" }, ...items) : h("div");
  }
}
