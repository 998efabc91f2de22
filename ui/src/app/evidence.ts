// A gate's evidence as records: each item with its title, kind, status, owner, due date, link
// and note, edited in place. Each change is one edit of the gate, built from the gate as it is
// when its turn comes; the core checks it (a due date that is not a date, a link that is neither
// a URL nor a path) and its error shows under the evidence, with the document unchanged. A link
// is shown, and opened only when the user clicks Open (by the operating system, from the
// document's own record: the page never hands a path over).

import type { Evidence, EvidenceKind, EvidenceStatus, Key, Op, Step } from "../bindings";
import { h } from "./dom";

export const KINDS: [EvidenceKind, string][] = [
  ["document", "Document"],
  ["test_report", "Test report"],
  ["sign_off", "Sign-off"],
  ["log_extract", "Log extract"],
  ["dataset_card", "Dataset card"],
  ["model_card", "Model card"],
];

export const STATUSES: [EvidenceStatus, string][] = [
  ["missing", "Missing"],
  ["requested", "Requested"],
  ["provided", "Provided"],
  ["accepted", "Accepted"],
  ["expired", "Expired"],
];

export interface EvidenceHost {
  /** Sends the edit built from the gate as it is then (null: nothing to do); true if applied. */
  edit(build: (now: Step) => Op | null): Promise<boolean>;
  /** Asks the operating system to open item `index`'s link (read from the document). */
  open(index: number): void;
}

type Field = "title" | "kind" | "status" | "owner" | "due" | "link" | "note";

/** The edit that sets `items` as the gate's evidence. */
function evidenceOp(key: Key, s: Step, items: Evidence[]): Op {
  const gate = { ...(s.gate ?? {}), evidence: items };
  if (!items.length) delete (gate as { evidence?: Evidence[] }).evidence;
  return { op: "set", key, field: "gate", value: gate as never };
}

/** The evidence editor of a gate; `error` is where the core's errors about it go. */
export function evidenceEditor(key: Key, s: Step, host: EvidenceHost, error: HTMLElement): HTMLElement {
  const items = s.gate?.evidence ?? [];
  const change = (i: number, field: Field, value: string) =>
    host.edit((now) => {
      const list = [...(now.gate?.evidence ?? [])];
      const item = list[i];
      if (!item) return null;
      const next: Evidence = { ...item };
      const v = value.trim();
      if (field === "kind") next.kind = v as EvidenceKind;
      else if (field === "status") next.status = v as EvidenceStatus;
      else if (field === "title" || field === "note") next[field] = v;
      else if (v) next[field] = v;
      else delete next[field];
      list[i] = next;
      return evidenceOp(key, now, list);
    });
  const rows = items.map((e, i) => {
    const input = (field: Field, placeholder: string, value: string) => {
      const el = h("input", { type: "text", class: `ev-${field}`, id: `ev-${i}-${field}`, placeholder, spellcheck: false, autocomplete: "off", "aria-label": `Evidence ${i + 1} ${field}` });
      el.value = value;
      el.dataset.shown = value;
      el.addEventListener("change", () => void change(i, field, el.value));
      el.addEventListener("keydown", (k) => {
        if (k.key === "Enter") {
          k.preventDefault();
          void change(i, field, el.value);
        }
      });
      return el;
    };
    const select = (field: "kind" | "status", options: [string, string][], value: string) => {
      const el = h("select", { class: `ev-${field}`, id: `ev-${i}-${field}`, "aria-label": `Evidence ${i + 1} ${field}` }, ...options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
      el.addEventListener("change", () => void change(i, field, el.value));
      return el;
    };
    const remove = h("button", { class: "link-button", title: `Remove '${e.title}'`, "data-remove-evidence": String(i) }, "Remove");
    remove.addEventListener("click", () => void host.edit((now) => evidenceOp(key, now, (now.gate?.evidence ?? []).filter((_, k) => k !== i))));
    const open = h("button", { class: "link-button", title: e.link ? `Open ${e.link} with the system's application` : "No link", disabled: !e.link }, "Open");
    open.addEventListener("click", () => host.open(i));
    return h(
      "li",
      { class: `evidence-item ev-${e.status}`, "data-evidence": String(i) },
      h("div", { class: "ev-line" }, input("title", "Title", e.title), select("status", STATUSES, e.status ?? "missing")),
      h("div", { class: "ev-line" }, select("kind", KINDS, e.kind ?? "document"), input("owner", "Owner", e.owner ?? ""), input("due", "Due YYYY-MM-DD", e.due ?? "")),
      h("div", { class: "ev-line" }, input("link", "Link: https://… or /path", e.link ?? ""), open),
      h("div", { class: "ev-line" }, input("note", "Note", e.note ?? ""), remove),
    );
  });
  const add = h("input", { type: "text", id: "ev-new", placeholder: "New evidence item, Enter", spellcheck: false, autocomplete: "off" });
  add.addEventListener("keydown", async (k) => {
    if (k.key !== "Enter") return;
    k.preventDefault();
    const title = add.value.trim();
    if (!title) return;
    // Emptied first: the inspector keeps what is typed in a field through the rebuild the edit
    // brings, and the item is added now.
    add.value = "";
    if (!(await host.edit((now) => evidenceOp(key, now, [...(now.gate?.evidence ?? []), { title, kind: "document", status: "missing" }])))) {
      const again = document.getElementById("ev-new") as HTMLInputElement | null;
      if (again) again.value = title;
    }
  });
  const accepted = items.filter((e) => e.status === "accepted").length;
  return h(
    "div",
    { class: "field evidence", id: "evidence-editor" },
    h("span", { class: "field-label" }, `Evidence${items.length ? ` (${accepted} of ${items.length} accepted)` : ""}`),
    h("ol", { class: "evidence-list" }, ...rows),
    add,
    error,
  );
}
