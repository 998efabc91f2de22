// The inspector: every field of the selected step or flow (or of the map, when nothing is
// selected). A field commits on Enter or when it loses focus; an error from the core appears
// under the field at fault, the typed text stays for fixing, and the document is unchanged.

import type { Flow, Kaizen, Key, Op, Step, ValueStream, Waste } from "../bindings";
import { fmtDuration, parseDurationInput } from "../editor/format";
import { h } from "./dom";

export interface InspectorHost {
  edit(op: Op): Promise<boolean>;
}

type FieldKind = "text" | "duration" | "number" | "select" | "textarea" | "check";

interface FieldSpec {
  field: string;
  label: string;
  kind: FieldKind;
  options?: [string, string][];
  hint?: string;
  /** Reads the value shown from the record. */
  get: (r: never) => string | boolean;
  /** Makes the edit for a typed value (default: set `field`). */
  op?: (key: Key, text: string | boolean, record: never) => Op;
}

const WASTES: [Waste, string][] = [
  ["defects", "Defects"],
  ["overproduction", "Overproduction"],
  ["waiting", "Waiting"],
  ["non_utilised_talent", "Non-utilised talent"],
  ["transportation", "Transportation"],
  ["inventory", "Inventory"],
  ["motion", "Motion"],
  ["extra_processing", "Extra processing"],
];

const str = (v: unknown) => (v == null ? "" : String(v));

function setOp(key: Key, field: string, value: unknown): Op {
  return { op: "set", key, field, value: value as never };
}

function numberValue(text: string): number | string | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t.replace(/%$/, ""));
  // Not a number: send the text, so the core says what is wrong with it, by field.
  return Number.isFinite(n) ? n : t;
}

function gateOp(sub: string, parse: (t: string | boolean) => unknown) {
  return (key: Key, text: string | boolean, s: Step): Op => {
    const gate: { [k: string]: unknown } = { ...(s.gate ?? {}) };
    const v = parse(text);
    if (v == null || v === "" || v === false) delete gate[sub];
    else gate[sub] = v;
    return setOp(key, "gate", Object.keys(gate).length ? gate : null);
  };
}

function stepFields(map: ValueStream, s: Step): FieldSpec[] {
  const teams: [string, string][] = [["", "— none —"], ...(map.teams ?? []).map((t) => [t.id, t.name] as [string, string])];
  const f: FieldSpec[] = [
    { field: "name", label: "Name", kind: "text", get: (x: Step) => x.name ?? "" },
    {
      field: "kind",
      label: "Kind",
      kind: "select",
      options: [
        ["process", "Process"],
        ["gate", "Gate"],
        ["supplier", "Supplier"],
        ["customer", "Customer"],
      ],
      get: (x: Step) => x.kind ?? "process",
    },
    { field: "team", label: "Team", kind: "select", options: teams, get: (x: Step) => x.team ?? "" },
    { field: "pt", label: "Process time", kind: "duration", hint: "e.g. 6h, 90min, 2wd", get: (x: Step) => fmtDuration(x.pt ?? undefined) },
    { field: "lt", label: "Lead time", kind: "duration", hint: "defaults to the process time", get: (x: Step) => fmtDuration(x.lt ?? undefined) },
    { field: "pca", label: "%C&A", kind: "number", hint: "0–100", get: (x: Step) => str(x.pca) },
    { field: "servers", label: "Servers", kind: "number", get: (x: Step) => str(x.servers) },
    { field: "uptime", label: "Uptime %", kind: "number", hint: "0–100", get: (x: Step) => str(x.uptime) },
    { field: "changeover", label: "Changeover", kind: "duration", get: (x: Step) => fmtDuration(x.changeover ?? undefined) },
    { field: "batch", label: "Batch size", kind: "number", get: (x: Step) => str(x.batch) },
    {
      field: "value",
      label: "Value",
      kind: "select",
      options: [
        ["", "— unclassified —"],
        ["va", "Value-adding"],
        ["bnva", "Business non-value-adding"],
        ["nva", "Non-value-adding"],
      ],
      get: (x: Step) => x.value ?? "",
    },
    {
      field: "automation",
      label: "Automation",
      kind: "select",
      options: [
        ["", "—"],
        ["manual", "Manual"],
        ["hybrid", "Hybrid"],
        ["automated", "Automated"],
      ],
      get: (x: Step) => x.automation ?? "",
    },
    {
      field: "split",
      label: "Split",
      kind: "select",
      options: [
        ["", "AND (all branches)"],
        ["xor", "XOR (one branch, by p)"],
      ],
      get: (x: Step) => (x.split === "xor" ? "xor" : ""),
    },
  ];
  if (s.kind === "gate") {
    f.push(
      { field: "gate.regulation", label: "Regulation", kind: "text", get: (x: Step) => x.gate?.regulation ?? "", op: gateOp("regulation", (t) => String(t).trim()) },
      { field: "gate.control", label: "Control / article", kind: "text", get: (x: Step) => x.gate?.control ?? "", op: gateOp("control", (t) => String(t).trim()) },
      { field: "gate.approver", label: "Approver", kind: "text", get: (x: Step) => x.gate?.approver ?? "", op: gateOp("approver", (t) => String(t).trim()) },
      { field: "gate.tier", label: "Tier", kind: "number", get: (x: Step) => str(x.gate?.tier), op: gateOp("tier", (t) => numberValue(String(t))) },
      {
        field: "gate.evidence",
        label: "Evidence",
        kind: "text",
        hint: "comma-separated",
        get: (x: Step) => (x.gate?.evidence ?? []).join(", "),
        op: gateOp("evidence", (t) => {
          const list = String(t).split(",").map((e) => e.trim()).filter(Boolean);
          return list.length ? list : null;
        }),
      },
      { field: "gate.sla", label: "SLA", kind: "duration", get: (x: Step) => fmtDuration(x.gate?.sla ?? undefined), op: gateOp("sla", (t) => parseDurationInput(String(t))) },
      { field: "gate.mandatory", label: "Mandatory", kind: "check", get: (x: Step) => !!x.gate?.mandatory, op: gateOp("mandatory", (t) => t === true) },
    );
  }
  f.push({ field: "notes", label: "Notes", kind: "textarea", get: (x: Step) => x.notes ?? "" });
  return f;
}

function flowFields(): FieldSpec[] {
  return [
    {
      field: "kind",
      label: "Kind",
      kind: "select",
      options: [
        ["push", "Push"],
        ["pull", "Pull"],
        ["fifo", "FIFO"],
        ["information", "Information"],
        ["rework", "Rework"],
      ],
      get: (x: Flow) => x.kind ?? "push",
    },
    { field: "wait", label: "Queue wait", kind: "duration", hint: "e.g. 1d, 4h", get: (x: Flow) => fmtDuration(x.wait ?? undefined) },
    { field: "wip", label: "WIP (items)", kind: "number", hint: "becomes a wait through demand", get: (x: Flow) => str(x.wip) },
    { field: "p", label: "Probability", kind: "number", hint: "0–1: an XOR branch, or a rework return", get: (x: Flow) => str(x.p) },
    { field: "label", label: "Label", kind: "text", get: (x: Flow) => x.label ?? "" },
  ];
}

function kaizenFields(map: ValueStream): FieldSpec[] {
  const steps: [string, string][] = [["", "— none —"], ...(map.steps ?? []).map((s) => [s.id, s.name || s.id] as [string, string])];
  return [
    { field: "title", label: "Title", kind: "text", get: (k: Kaizen) => k.title },
    {
      field: "target",
      label: "Improves step",
      kind: "select",
      options: steps,
      get: (k: Kaizen) => (k.target && "step" in k.target ? k.target.step ?? "" : ""),
      op: (key, t) => setOp(key, "target", t === "" ? null : { step: t }),
    },
    { field: "effect", label: "Expected effect", kind: "textarea", hint: "e.g. review wait from 5wd to 2wd", get: (k: Kaizen) => k.effect ?? "" },
    { field: "owner", label: "Owner", kind: "text", get: (k: Kaizen) => k.owner ?? "" },
    {
      field: "status",
      label: "Status",
      kind: "select",
      options: [
        ["idea", "Idea"],
        ["planned", "Planned"],
        ["doing", "Doing"],
        ["done", "Done"],
        ["dropped", "Dropped"],
      ],
      get: (k: Kaizen) => k.status ?? "idea",
    },
    { field: "due", label: "Due date", kind: "text", hint: "YYYY-MM-DD", get: (k: Kaizen) => k.due ?? "" },
  ];
}

/** The value an edit sets, from the typed text. */
function valueOf(spec: FieldSpec, text: string | boolean): unknown {
  if (typeof text === "boolean") return text;
  switch (spec.kind) {
    case "duration":
      return parseDurationInput(text);
    case "number":
      return numberValue(text);
    case "select":
      return text === "" ? null : text;
    default:
      return spec.field === "name" ? text.trim() : text === "" ? null : text;
  }
}

export class Inspector {
  /** The field whose edit is on its way to the core: its error shows under it. */
  pending: string | null = null;
  private errors = new Map<string, HTMLElement>();
  private inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();

  constructor(
    private el: HTMLElement,
    private host: InspectorHost,
  ) {}

  /** Shows the fields of a step, a flow, several steps, or the map. */
  show(map: ValueStream, steps: Step[], flow: Flow | null, flowKey: string | null, kaizen: Kaizen | null = null): void {
    this.errors.clear();
    this.inputs.clear();
    if (kaizen) {
      const key: Key = { kind: "kaizen", id: kaizen.id };
      this.el.replaceChildren(h("h2", {}, "Kaizen ", h("code", {}, kaizen.id)), ...kaizenFields(map).map((f) => this.row(f, key, kaizen)));
    } else if (steps.length === 1) {
      const s = steps[0];
      const key: Key = { kind: "step", id: s.id };
      this.el.replaceChildren(
        h("h2", {}, "Step ", h("code", {}, s.id)),
        ...stepFields(map, s).map((f) => this.row(f, key, s)),
        this.wasteRow(key, s),
      );
    } else if (steps.length > 1) {
      this.el.replaceChildren(h("h2", {}, `${steps.length} steps selected`), h("p", { class: "muted" }, "Drag to move them together; Delete removes them; Ctrl+D duplicates."));
    } else if (flow && flowKey) {
      const key: Key = { kind: "flow", id: flowKey };
      this.el.replaceChildren(
        h("h2", {}, "Flow ", h("code", {}, `${flow.from} → ${flow.to}`)),
        ...flowFields().map((f) => this.row(f, key, flow)),
      );
    } else {
      this.el.replaceChildren(...this.mapFields(map));
    }
  }

  /** Puts an error from the core under its field; false if that field is not on show. */
  showError(field: string | null, message: string): boolean {
    for (const e of this.errors.values()) e.textContent = "";
    if (!field) return false;
    const el = this.errors.get(field) ?? this.errors.get(`gate.${field}`);
    if (!el) return false;
    el.textContent = message;
    this.inputs.get(field)?.classList.add("invalid");
    return true;
  }

  private clearError(field: string): void {
    const e = this.errors.get(field);
    if (e) e.textContent = "";
    this.inputs.get(field)?.classList.remove("invalid");
  }

  private row(spec: FieldSpec, key: Key, record: unknown): HTMLElement {
    const id = `f-${spec.field.replace(/\W/g, "-")}`;
    const current = spec.get(record as never);
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (spec.kind === "select") {
      input = h("select", { id }, ...(spec.options ?? []).map(([v, l]) => h("option", { value: v, selected: v === current }, l)));
    } else if (spec.kind === "textarea") {
      input = h("textarea", { id, rows: 3 });
      input.value = String(current);
    } else if (spec.kind === "check") {
      input = h("input", { id, type: "checkbox", checked: current === true });
    } else {
      input = h("input", { id, type: "text", spellcheck: false, autocomplete: "off", placeholder: spec.hint ?? "" });
      input.value = String(current);
    }
    input.dataset.field = spec.field;
    const error = h("div", { class: "field-error", role: "alert", "data-error-for": spec.field });
    this.errors.set(spec.field, error);
    this.inputs.set(spec.field, input);
    let last = current;
    const commit = async () => {
      const text = spec.kind === "check" ? (input as HTMLInputElement).checked : input.value;
      if (text === last) return;
      const op = spec.op ? spec.op(key, text, record as never) : setOp(key, spec.field, valueOf(spec, text));
      this.clearError(spec.field);
      this.pending = spec.field;
      try {
        if (await this.host.edit(op)) last = text;
      } finally {
        this.pending = null;
      }
    };
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (e) => {
      const k = e as KeyboardEvent;
      if (k.key === "Enter" && spec.kind !== "textarea") {
        e.preventDefault();
        void commit();
      } else if (k.key === "Escape") {
        if (spec.kind !== "check") input.value = String(last);
        this.clearError(spec.field);
        input.blur();
      }
    });
    return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, spec.label), input, error);
  }

  private wasteRow(key: Key, s: Step): HTMLElement {
    const tags = new Set((s.waste ?? []).map((w) => (typeof w === "string" ? w : w.kind)));
    const boxes = WASTES.map(([w, label]) => {
      const cb = h("input", { type: "checkbox", checked: tags.has(w) });
      cb.addEventListener("change", () => {
        const next = (s.waste ?? []).filter((t) => (typeof t === "string" ? t : t.kind) !== w);
        if (cb.checked) next.push(w);
        void this.host.edit(setOp(key, "waste", next.length ? next : null));
      });
      return h("label", { class: "chip" }, cb, label);
    });
    const error = h("div", { class: "field-error", "data-error-for": "waste" });
    this.errors.set("waste", error);
    return h("div", { class: "field" }, h("span", { class: "field-label" }, "Waste"), h("div", { class: "chips" }, ...boxes), error);
  }

  private mapFields(map: ValueStream): HTMLElement[] {
    const key: Key = { kind: "meta", id: "" };
    const meta = {
      name: map.name,
      description: map.description ?? "",
      calendar: map.calendar,
      demand: map.demand,
      unit: map.unit,
      simulation: map.simulation,
    };
    const specs: FieldSpec[] = [
      { field: "name", label: "Map name", kind: "text", get: () => map.name },
      { field: "description", label: "Description", kind: "textarea", get: () => map.description ?? "" },
      {
        field: "demand",
        label: "Demand",
        kind: "text",
        hint: "items per period, e.g. 12/w",
        get: () => (map.demand ? `${map.demand.items}/${fmtDuration(map.demand.per).replace(/^1 /, "")}` : ""),
        op: (k, t) => {
          const m = /^\s*([\d.]+)\s*(?:\/|per)\s*([\w. ]+)\s*$/.exec(String(t));
          const demand = String(t).trim() === "" ? null : m ? { items: Number(m[1]), per: m[2].replace(/\s+/g, "") } : String(t);
          return setOp(k, "demand", demand);
        },
      },
      {
        field: "calendar",
        label: "Working calendar",
        kind: "text",
        hint: "hours per day / days per week, e.g. 8/5",
        get: () => `${map.calendar?.hours_per_day ?? 8}/${map.calendar?.days_per_week ?? 5}`,
        op: (k, t) => {
          const m = /^\s*([\d.]+)\s*\/\s*([\d.]+)\s*$/.exec(String(t));
          return setOp(k, "calendar", m ? { hours_per_day: Number(m[1]), days_per_week: Number(m[2]) } : String(t));
        },
      },
    ];
    const teams = (map.teams ?? []).map((t) =>
      h("li", {}, h("span", { class: "team-id" }, t.id), " ", t.name),
    );
    const newTeam = h("input", { type: "text", placeholder: "New team name, Enter", id: "new-team" });
    const teamError = h("div", { class: "field-error" });
    newTeam.addEventListener("keydown", async (e) => {
      if ((e as KeyboardEvent).key !== "Enter") return;
      const name = newTeam.value.trim();
      if (!name) return;
      const id = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "team";
      teamError.textContent = "";
      if (await this.host.edit({ op: "add", record: { team: { id, name } } })) newTeam.value = "";
    });
    this.errors.set("team", teamError);
    return [
      h("h2", {}, "Map"),
      ...specs.map((f) => this.row(f, key, meta)),
      h("div", { class: "field" }, h("span", { class: "field-label" }, "Teams (swimlanes)"), h("ul", { class: "teams" }, ...teams), newTeam, teamError),
      h("p", { class: "muted hint" }, "Select a step or a flow to edit it. Double-click a step to rename it."),
    ];
  }
}
