// The audit trail: every edit of the document, newest first, with when, who, which scenario,
// and what changed in words (the store keeps it append-only; the `audit` command, the same
// trail as `takt audit`). Filters by element, person and date; clicking an entry selects the
// element it is about.

import type { AuditRow, Key } from "../bindings";
import { h } from "./dom";

const ACTION: Record<string, string> = { undo: "Undo: ", redo: "Redo: " };

export class AuditPanel {
  private rows: AuditRow[] = [];
  private filter = { element: "", author: "", since: "", until: "", all: false };
  /** Asks for the trail again (of the scenario on screen, or of every scenario). */
  reload: (all: boolean) => void = () => {};

  constructor(
    private el: HTMLElement,
    private pick: (key: Key) => void,
    private nameOf: (key: Key) => string,
  ) {}

  get all(): boolean {
    return this.filter.all;
  }

  show(rows: AuditRow[]): void {
    this.rows = rows;
    this.render();
  }

  private visible(): AuditRow[] {
    const f = this.filter;
    return this.rows.filter((r) => {
      const day = r.at ? r.at.slice(0, 10) : null;
      return (
        (!f.author || (r.author ?? "unknown") === f.author) &&
        (!f.since || (day != null && day >= f.since)) &&
        (!f.until || (day != null && day <= f.until)) &&
        (!f.element || r.sentences.some((s) => `${s.key.kind}:${s.key.id}` === f.element))
      );
    });
  }

  render(): void {
    const f = this.filter;
    const people = [...new Set(this.rows.map((r) => r.author ?? "unknown"))].sort();
    const elements = new Map<string, string>();
    for (const r of this.rows) for (const s of r.sentences) if (s.key.kind !== "meta") elements.set(`${s.key.kind}:${s.key.id}`, this.nameOf(s.key));
    const sel = (id: "element" | "author", label: string, options: [string, string][]) => {
      const s = h("select", { id: `audit-${id}`, "aria-label": label }, h("option", { value: "" }, `${label}: all`), ...options.map(([v, l]) => h("option", { value: v, selected: f[id] === v }, l)));
      s.addEventListener("change", () => {
        f[id] = s.value;
        this.render();
      });
      return s;
    };
    const date = (id: "since" | "until", label: string) => {
      const i = h("input", { type: "date", id: `audit-${id}`, "aria-label": label, title: label, value: f[id] });
      i.addEventListener("change", () => {
        f[id] = i.value;
        this.render();
      });
      return i;
    };
    const all = h("input", { type: "checkbox", id: "audit-all", checked: f.all });
    all.addEventListener("change", () => {
      f.all = all.checked;
      this.reload(f.all);
    });
    const rows = this.visible();
    const list = h(
      "ol",
      { class: "audit-list", id: "audit-list" },
      ...rows.map((r) => {
        const when = r.at ? new Date(r.at) : null;
        const lines = r.sentences.map((s) => {
          const li = h("li", { class: s.key.kind === "meta" ? "" : "link", "data-key": `${s.key.kind}:${s.key.id}` }, `${ACTION[r.action] ?? ""}${s.text}`);
          if (s.key.kind !== "meta")
            li.addEventListener("click", (e) => {
              e.stopPropagation();
              this.pick(s.key);
            });
          return li;
        });
        if (r.note) lines.push(h("li", {}, r.note));
        return h(
          "li",
          { class: `audit-entry act-${r.action}`, "data-seq": String(r.seq) },
          h(
            "div",
            { class: "audit-head" },
            h("time", { datetime: r.at ?? "", title: r.at ?? "before the audit trail was kept" }, when ? when.toLocaleString() : "before the trail"),
            h("span", { class: "audit-author" }, r.author ?? "unknown"),
            h("span", { class: "muted" }, r.scenario),
          ),
          h("ul", { class: "audit-sentences" }, ...lines),
        );
      }),
    );
    this.el.replaceChildren(
      h(
        "div",
        { class: "register-bar" },
        sel("element", "Element", [...elements].sort((a, b) => a[1].localeCompare(b[1]))),
        sel(
          "author",
          "Person",
          people.map((p) => [p, p]),
        ),
        h("label", { class: "muted" }, "From ", date("since", "From date")),
        h("label", { class: "muted" }, "to ", date("until", "To date")),
        h("label", { class: "chip" }, all, "Every scenario"),
        h("span", { class: "register-summary" }, `${rows.length} of ${this.rows.length} entries · append-only`),
      ),
      h("div", { class: "register-scroll" }, rows.length ? list : h("p", { class: "muted empty" }, this.rows.length ? "No entry matches the filters." : "No edits yet.")),
    );
  }
}
