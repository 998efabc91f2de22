// File ▸ Import ▸ Step Table: a wizard in one dialog for the time studies people keep in
// spreadsheets. The table's first rows (a sheet chosen for a workbook), each step field mapped
// to a column (guessed from the header, editable), the unit of bare numbers, and, as the mapping
// changes, what the table would do to the map on screen: each step's changes, the steps and
// teams it adds, or every problem with its sheet, row and column. Then one edit (one undo takes
// it back), or a new document of the rows in order.

import { commands, type Edited, type Loaded, type TablePlan, type TablePreview, type Provenance, type TableSettings, type Unit } from "../bindings";
import { call } from "../api";
import { plural } from "../editor/format";
import { errorText, focusOpenDialog, h } from "./dom";

/** What the wizard needs of the app. */
export interface TableHost {
  show(l: Loaded): void;
  afterEdit(e: Edited): void;
  toast(text: string): void;
  /** Whether a document is open (to apply the table to). */
  hasDocument(): boolean;
}

const NONE = "";
const UNITS: [Unit | "", string][] = [
  ["", "— none: say the unit in each cell —"],
  ["s", "seconds"],
  ["min", "minutes"],
  ["h", "hours"],
  ["d", "days"],
  ["wd", "working days"],
];

export class TableWizard {
  private dialog!: HTMLElement;
  private selects = new Map<string, HTMLSelectElement>();
  private unit!: HTMLSelectElement;
  private mark!: HTMLSelectElement;
  private seq = 0;
  private plan: TablePlan | null = null;

  constructor(
    private host: TableHost,
    private preview: TablePreview,
  ) {}

  /** Opens the wizard on the table the user picks. */
  static async start(host: TableHost): Promise<void> {
    if (focusOpenDialog()) return;
    const p = await call(commands.readTable());
    if (!p) return;
    new TableWizard(host, p).open();
  }

  private settings(): TableSettings {
    const columns = [...this.selects].filter(([, s]) => s.value !== NONE).map(([field, s]) => ({ field, column: s.value }));
    return { columns, unit: (this.unit.value || null) as Unit | null, mark: (this.mark.value || null) as Provenance | null };
  }

  private close(): void {
    this.dialog.remove();
    void call(commands.discardTable()).catch(() => {});
  }

  private open(): void {
    this.unit = h("select", { id: "table-unit", "aria-label": "Unit of bare numbers" }, ...UNITS.map(([v, l]) => h("option", { value: v }, l)));
    this.unit.addEventListener("change", () => void this.replan());
    this.mark = h("select", { id: "table-mark", "aria-label": "Mark the numbers" }, h("option", { value: "" }, "as they were"), h("option", { value: "measured" }, "measured (a time study)"), h("option", { value: "estimated" }, "estimated"));
    this.mark.addEventListener("change", () => void this.replan());
    this.dialog = h(
      "div",
      { class: "modal", role: "dialog", "aria-modal": "true", id: "table-wizard", "aria-labelledby": "table-title" },
      h(
        "div",
        { class: "modal-box wide" },
        h("h3", { id: "table-title" }, "Import a step table"),
        h("div", { class: "muted", id: "table-file" }),
        h("div", { id: "table-sheet-row" }),
        h("div", { class: "log-columns table-columns", id: "table-columns" }),
        h("label", { class: "log-field table-unit" }, h("span", {}, "Bare numbers in duration columns whose header names no unit are in"), this.unit),
        h("label", { class: "log-field table-unit" }, h("span", {}, "Mark the numbers the table sets as"), this.mark),
        h("div", { class: "log-table-wrap" }, h("table", { id: "table-preview", class: "log-table" })),
        h("div", { class: "field-error", id: "table-error", role: "alert" }),
        h("div", { id: "table-plan", class: "table-plan" }),
        h(
          "div",
          { class: "modal-actions", id: "table-actions" },
          h("button", { id: "table-cancel", onclick: () => this.close() }, "Cancel"),
          h("button", { id: "table-new", onclick: () => void this.openNew() }, "Open as a new map"),
          h("button", { id: "table-apply", class: "primary", disabled: true, onclick: () => void this.apply() }, "Update this map"),
        ),
      ),
    );
    this.dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close();
    });
    document.body.append(this.dialog);
    this.fill();
    (this.dialog.querySelector("#table-sheet, #table-col-name") as HTMLElement | null)?.focus();
  }

  /** Draws the file line, the sheet choice, the mapping and the rows for the current preview. */
  private fill(): void {
    const p = this.preview;
    const sheet = p.sheet ? ` · sheet “${p.sheet}”` : "";
    this.dialog.querySelector("#table-file")!.textContent = `${p.file}${sheet} · ${plural(p.total_rows, "row")} · ${plural(p.header.length, "column")}`;
    const sheetRow = this.dialog.querySelector("#table-sheet-row")!;
    if (p.sheets.length > 1) {
      const s = h("select", { id: "table-sheet", "aria-label": "Sheet" }, ...p.sheets.map((n) => h("option", { value: n }, n)));
      s.value = p.sheet ?? p.sheets[0];
      s.addEventListener("change", () => void this.sheet(s.value));
      sheetRow.replaceChildren(h("label", { class: "log-field" }, h("span", {}, "Sheet"), s));
    } else sheetRow.replaceChildren();
    const guessed = new Map(p.guess.map((g) => [g.field, g.column]));
    this.selects.clear();
    const cells = p.fields.map((f) => {
      const s = h("select", { id: `table-col-${f.key}`, "data-field": f.key, "aria-label": f.label }, h("option", { value: NONE }, "—"), ...p.header.map((c) => h("option", { value: c }, c || "(no header)")));
      s.value = guessed.get(f.key) ?? NONE;
      s.addEventListener("change", () => {
        this.rows();
        void this.replan();
      });
      this.selects.set(f.key, s);
      return h("label", { class: "log-field" }, h("span", {}, f.label), s);
    });
    this.dialog.querySelector("#table-columns")!.replaceChildren(...cells);
    this.rows();
    void this.replan();
  }

  /** The first rows, each mapped column headed by its field. */
  private rows(): void {
    const p = this.preview;
    const fieldOf = new Map<string, string>();
    for (const [key, s] of this.selects) if (s.value !== NONE) fieldOf.set(s.value, p.fields.find((f) => f.key === key)?.label ?? key);
    const head = h("tr", {}, h("th", {}, "Row"), ...p.header.map((c) => h("th", { "data-role": fieldOf.has(c) ? "mapped" : null }, c, fieldOf.has(c) ? h("span", { class: "log-role" }, fieldOf.get(c)!) : null)));
    const body = p.rows.map((r, i) => h("tr", { "data-row": p.numbers[i] }, h("td", { class: "muted" }, String(p.numbers[i])), ...p.header.map((_, k) => h("td", {}, r[k] ?? ""))));
    (this.dialog.querySelector("#table-preview") as HTMLTableElement).replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
  }

  private async sheet(name: string): Promise<void> {
    try {
      this.preview = await call(commands.tableSheet(name));
      this.fill();
    } catch (e) {
      this.dialog.querySelector("#table-error")!.textContent = errorText(e);
    }
  }

  /** What the table, mapped so, would do to the map on screen; or its problems. */
  private async replan(): Promise<void> {
    const seq = ++this.seq;
    const out = this.dialog.querySelector("#table-plan")!;
    const err = this.dialog.querySelector("#table-error")!;
    const apply = this.dialog.querySelector("#table-apply") as HTMLButtonElement;
    if (!this.host.hasDocument()) {
      apply.disabled = true;
      out.replaceChildren(h("div", { class: "muted" }, "No map is open: the table can open as a new map."));
      return;
    }
    let plan: TablePlan;
    try {
      plan = await call(commands.planTable(this.settings()));
    } catch (e) {
      if (seq !== this.seq) return;
      this.plan = null;
      apply.disabled = true;
      err.textContent = errorText(e);
      out.replaceChildren();
      return;
    }
    if (seq !== this.seq || !this.dialog.isConnected) return;
    this.plan = plan;
    err.textContent = "";
    if (plan.problem_count > 0) {
      apply.disabled = true;
      const more = plan.problem_count > plan.problems.length ? [h("li", {}, `and ${plural(plan.problem_count - plan.problems.length, "more")}`)] : [];
      out.replaceChildren(
        h("div", { id: "table-problem-count", class: "log-bad" }, `${plural(plan.problem_count, "problem")}: nothing changes until ${plan.problem_count === 1 ? "it is" : "they are"} mended`),
        h("ul", { id: "table-problems", class: "table-problems" }, ...plan.problems.map((p) => h("li", {}, p)), ...more),
      );
      return;
    }
    const changed = plan.updated.length + plan.added.length;
    apply.disabled = changed === 0;
    const summary = `${plural(plan.updated.length, "step")} updated, ${plan.added.length} added, ${plan.unchanged} already as the table says${plan.teams.length ? `; new ${plan.teams.length === 1 ? "team" : "teams"}: ${plan.teams.join(", ")}` : ""}`;
    out.replaceChildren(
      h("div", { id: "table-summary" }, summary),
      h(
        "ul",
        { id: "table-changes", class: "table-changes" },
        ...plan.updated.map((u) => h("li", { "data-step": u.step }, h("b", {}, u.step), `: ${u.changes.join(", ")}`)),
        ...plan.added.map((a) => h("li", { class: "added", "data-step": a }, h("b", {}, a), ": added (draw its flows on the map)")),
      ),
    );
  }

  private async apply(): Promise<void> {
    const err = this.dialog.querySelector("#table-error")!;
    try {
      const r = await call(commands.applyTable(this.settings()));
      const p = this.plan;
      this.dialog.remove();
      if (r) this.host.afterEdit(r);
      this.host.toast(p ? `Step table applied: ${plural(p.updated.length, "step")} updated, ${p.added.length} added (one undo takes it back)` : "Step table applied");
    } catch (e) {
      err.textContent = errorText(e);
    }
  }

  private async openNew(): Promise<void> {
    const err = this.dialog.querySelector("#table-error")!;
    try {
      const l = await call(commands.openTable(this.settings()));
      this.dialog.remove();
      this.host.show(l);
      this.host.toast(`Opened the step table as a new map: ${l.title}`);
    } catch (e) {
      err.textContent = errorText(e);
    }
  }
}
