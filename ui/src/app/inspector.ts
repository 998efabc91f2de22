// The inspector: every field of the selected step, flow or kaizen item (or of the map, when
// nothing is selected). A field commits on Enter or when it loses focus; an error from the core
// appears under the field at fault, the typed text stays for fixing, and the document is
// unchanged. Each edit is built when its turn comes (after the edits sent before it), from the
// record as it then is: two fields committed in quick succession never undo each other.

import type { Analysis, Control, DataAsset, Flow, Kaizen, Key, LinkMode, Note, Op, Range, Step, ValueStream } from "../bindings";
import { KIND_LABEL } from "../editor/lineage";
import { durationSeconds, exactTime, figure, fmtDuration, fmtPercent, fmtWorking, parseDurationInput } from "../editor/format";
import { metaOf } from "../editor/mirror";
import { h } from "./dom";
import { evidenceEditor } from "./evidence";
import { WASTES } from "./vocabulary";

/** An edit, or a function that builds it when its turn comes (null: nothing to do). */
export type EditRequest = Op | (() => Op | null);

export interface InspectorHost {
  edit(op: EditRequest): Promise<boolean>;
  /** Opens a gate's evidence link with the operating system (read from the document). */
  openEvidence(step: string, index: number): void;
  /** The record with this key as it is now (in the page's mirror of the document). */
  record(key: Key): unknown;
  /** The what-if levers of a step or a flow, if any. */
  levers?(key: Key, record: Step | Flow): HTMLElement | null;
  /** A step's instruments: its time study and its checklist (see stopwatch.ts). */
  instruments?(step: Step): HTMLElement[];
}

type FieldKind = "text" | "duration" | "number" | "select" | "textarea" | "check" | "lines";

interface FieldSpec {
  field: string;
  label: string;
  kind: FieldKind;
  options?: [string, string][];
  hint?: string;
  /** A datalist of suggestions (the regulation catalogue). */
  list?: string;
  /** Reads the value shown from the record. */
  get: (r: never) => string | boolean;
  /** Makes the edit for a typed value from the record as it is now (default: set `field`). */
  op?: (key: Key, text: string | boolean, record: never) => Op;
}

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

/** The range fields and the point value each belongs to. */
const RANGES: { [field: string]: { range: "pt_range" | "lt_range" | "wait_range"; label: string } } = {
  pt: { range: "pt_range", label: "process time" },
  lt: { range: "lt_range", label: "lead time" },
  wait: { range: "wait_range", label: "queue wait" },
};

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
    { field: "servers", label: "Servers", kind: "number", hint: "1", get: (x: Step) => str(x.servers) },
    { field: "uptime", label: "Uptime %", kind: "number", hint: "100", get: (x: Step) => str(x.uptime) },
    { field: "changeover", label: "Changeover", kind: "duration", get: (x: Step) => fmtDuration(x.changeover ?? undefined) },
    { field: "batch", label: "Batch size", kind: "number", hint: "the changeover is charged once per batch", get: (x: Step) => str(x.batch) },
    {
      field: "epe",
      label: "EPE (every part every)",
      kind: "duration",
      hint: "e.g. 2w: the changeover is shared by the demand in it",
      get: (x: Step) => fmtDuration(x.epe ?? undefined),
    },
    {
      field: "value",
      label: "Value",
      kind: "select",
      options: [
        // Unclassified, a process box counts as value-adding, a gate as business-necessary.
        ["", s.kind === "gate" ? "— unclassified: business-necessary —" : s.kind === "supplier" || s.kind === "customer" ? "— unclassified —" : "— unclassified: value-adding —"],
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
      { field: "gate.regulation", label: "Regulation", kind: "text", list: "catalogue-regulations", hint: "pick from the catalogue, or type", get: (x: Step) => x.gate?.regulation ?? "", op: gateOp("regulation", (t) => String(t).trim()) },
      { field: "gate.control", label: "Control / article", kind: "text", list: "catalogue-controls", hint: "e.g. Art. 14", get: (x: Step) => x.gate?.control ?? "", op: gateOp("control", (t) => String(t).trim()) },
      { field: "gate.approver", label: "Approver", kind: "text", get: (x: Step) => x.gate?.approver ?? "", op: gateOp("approver", (t) => String(t).trim()) },
      { field: "gate.tier", label: "Tier", kind: "number", hint: "1 = the lowest authority", get: (x: Step) => str(x.gate?.tier), op: gateOp("tier", (t) => numberValue(String(t))) },
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
    { field: "limit", label: "WIP limit", kind: "number", hint: "the most items the queue may hold: a FIFO lane's maximum, a kanban's cards", get: (x: Flow) => str(x.limit) },
    { field: "p", label: "Probability", kind: "number", hint: "0–1: an XOR branch, or a rework return", get: (x: Flow) => str(x.p) },
    { field: "label", label: "Label", kind: "text", get: (x: Flow) => x.label ?? "" },
  ];
}

function kaizenFields(map: ValueStream): FieldSpec[] {
  const steps: [string, string][] = [["", "— the whole map —"], ...(map.steps ?? []).map((s) => [s.id, s.name || s.id] as [string, string])];
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

function noteFields(): FieldSpec[] {
  return [
    { field: "text", label: "Note", kind: "textarea", hint: "kept in the document, in no figure", get: (n: Note) => n.text },
    {
      field: "colour",
      label: "Colour",
      kind: "select",
      options: [
        ["yellow", "Yellow"],
        ["pink", "Pink"],
        ["blue", "Blue"],
        ["green", "Green"],
      ],
      get: (n: Note) => n.colour ?? "yellow",
    },
    { field: "author", label: "Raised by", kind: "text", get: (n: Note) => n.author ?? "" },
  ];
}

function assetFields(map: ValueStream): FieldSpec[] {
  const teams: [string, string][] = [["", "— none —"], ...(map.teams ?? []).map((t) => [t.id, t.name] as [string, string])];
  return [
    { field: "name", label: "Name", kind: "text", get: (a: DataAsset) => a.name ?? "" },
    { field: "kind", label: "Kind", kind: "select", options: Object.entries(KIND_LABEL) as [string, string][], get: (a: DataAsset) => a.kind },
    { field: "team", label: "Owner team", kind: "select", options: teams, get: (a: DataAsset) => a.team ?? "" },
    { field: "lt", label: "Latency", kind: "duration", hint: "to refresh once its inputs are there: 2h, 1d", get: (a: DataAsset) => fmtDuration(a.lt ?? undefined) },
    { field: "notes", label: "Notes", kind: "textarea", hint: "what it holds, its schema, where it lives", get: (a: DataAsset) => a.notes ?? "" },
  ];
}

/** The value an edit sets, from the typed text. */
function typedValue(spec: FieldSpec, text: string | boolean): unknown {
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

/** A conflict between a typed time and its range, and how to widen the range to take it. */
interface RangeConflict {
  field: string;
  message: string;
  widen: () => Promise<boolean>;
}

export class Inspector {
  /** The field whose edit is on its way to the core: its error shows under it. */
  pending: string | null = null;
  private errors = new Map<string, HTMLElement>();
  private inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  private map: ValueStream | null = null;
  /** The typed value that was refused, per field, for a range conflict. */
  private refused = new Map<string, { key: Key; text: string }>();
  /** The document's regulation catalogue: suggestions for a gate's regulation and control. */
  catalogue: Control[] = [];

  constructor(
    private el: HTMLElement,
    private host: InspectorHost,
  ) {}

  /** Shows the fields of a step, a flow, several steps, a kaizen item, or the map. */
  show(map: ValueStream, steps: Step[], flow: Flow | null, flowKey: string | null, kaizen: Kaizen | null = null, analysis: Analysis | null = null, note: Note | null = null): void {
    // The field being typed in keeps its focus, and what was typed into it, through the
    // rebuild that each edit brings (Tab commits a field and moves on to the next).
    const active = document.activeElement;
    const typing =
      (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement) && this.el.contains(active) && active.id
        ? {
            id: active.id,
            value: active.value,
            changed: active.value !== active.dataset.shown,
            start: active instanceof HTMLSelectElement ? null : active.selectionStart,
            end: active instanceof HTMLSelectElement ? null : active.selectionEnd,
          }
        : null;
    this.render(map, steps, flow, flowKey, kaizen, analysis, note);
    if (typing) {
      const again = this.el.querySelector(`#${CSS.escape(typing.id)}`);
      if (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement || again instanceof HTMLSelectElement) {
        if (typing.changed) again.value = typing.value;
        again.focus();
        if (!(again instanceof HTMLSelectElement) && typing.start != null && typing.end != null && again.type !== "checkbox") {
          again.setSelectionRange(typing.start, typing.end);
        }
      }
    }
  }

  private render(map: ValueStream, steps: Step[], flow: Flow | null, flowKey: string | null, kaizen: Kaizen | null, analysis: Analysis | null, note: Note | null): void {
    this.errors.clear();
    this.inputs.clear();
    this.refused.clear();
    this.map = map;
    if (note) {
      const key: Key = { kind: "note", id: note.id };
      this.el.replaceChildren(this.header("Parking lot", note.text.split("\n")[0] || note.id, note.id), ...noteFields().map((f) => this.row(f, key, note)));
    } else if (kaizen) {
      const key: Key = { kind: "kaizen", id: kaizen.id };
      this.el.replaceChildren(this.header("Kaizen", kaizen.title || kaizen.id, kaizen.id), ...kaizenFields(map).map((f) => this.row(f, key, kaizen)));
    } else if (steps.length === 1) {
      const s = steps[0];
      const key: Key = { kind: "step", id: s.id };
      const rows: HTMLElement[] = [];
      for (const f of stepFields(map, s)) {
        rows.push(this.row(f, key, s));
        if (f.field === "pt" || f.field === "lt") rows.push(this.rangeRow(f.field, key, s));
        if (f.field === "gate.tier") rows.push(this.evidenceRow(key, s));
      }
      if (s.kind === "gate") rows.push(this.catalogueLists(s));
      this.el.replaceChildren(
        this.header(s.kind === "gate" ? "Gate" : s.kind === "supplier" ? "Supplier" : s.kind === "customer" ? "Customer" : "Step", s.name || s.id, s.id),
        ...rows,
        this.wasteRow(key, s),
        ...[this.host.levers?.(key, s) ?? null].filter((x): x is HTMLElement => x !== null),
        ...(this.host.instruments?.(s) ?? []),
        this.computed(map, s, analysis),
      );
    } else if (steps.length > 1) {
      this.el.replaceChildren(h("h2", {}, `${steps.length} steps selected`), h("p", { class: "muted" }, "Drag to move them together; Delete removes them; Ctrl+D duplicates."));
    } else if (flow && flowKey) {
      const key: Key = { kind: "flow", id: flowKey };
      const name = (id: string) => map.steps?.find((s) => s.id === id)?.name || id;
      const rows: HTMLElement[] = [];
      for (const f of flowFields()) {
        rows.push(this.row(f, key, flow));
        if (f.field === "wait") rows.push(this.rangeRow("wait", key, flow));
      }
      const levers = this.host.levers?.(key, flow) ?? null;
      this.el.replaceChildren(this.header("Flow", `${name(flow.from)} → ${name(flow.to)}`, flowKey), ...rows, ...(levers ? [levers] : []));
    } else {
      this.el.replaceChildren(...this.mapFields(map));
    }
  }

  /**
   * Shows a data asset's fields, the steps that read and write it (each link removable, one
   * added with a step and a mode), and, read-only, its freshness and where its numbers came from.
   */
  showAsset(map: ValueStream, a: DataAsset, fresh: { fresh: string; flags: string[] }): void {
    this.errors.clear();
    this.inputs.clear();
    this.refused.clear();
    this.map = map;
    const key: Key = { kind: "asset", id: a.id };
    const stepName = (id: string) => map.steps?.find((s) => s.id === id)?.name || id;
    const links = (map.links ?? []).filter((l) => l.asset === a.id);
    const linkRow = (mode: LinkMode) => {
      const mine = links.filter((l) => l.mode === mode);
      return h(
        "div",
        { class: "asset-links", "data-mode": mode },
        h("span", { class: "field-label" }, mode === "read" ? "Read by" : "Written by"),
        mine.length
          ? h(
              "ul",
              {},
              ...mine.map((l) =>
                h(
                  "li",
                  {},
                  stepName(l.step),
                  " ",
                  h("button", { class: "link", title: "Remove this link", "data-unlink": `${l.step}/${mode}`, onclick: () => void this.host.edit({ op: "remove", key: { kind: "link", id: `${l.step}/${a.id}/${mode}` } }) }, "×"),
                ),
              ),
            )
          : h("span", { class: "muted" }, " no step"),
      );
    };
    const stepSel = h("select", { id: "link-step" }, h("option", { value: "" }, "— a step —"), ...(map.steps ?? []).map((s) => h("option", { value: s.id }, s.name || s.id)));
    const modeSel = h("select", { id: "link-mode" }, h("option", { value: "read" }, "reads it"), h("option", { value: "write" }, "writes it"));
    const add = h(
      "button",
      {
        id: "link-add",
        onclick: () => {
          const step = stepSel.value;
          const mode = modeSel.value as LinkMode;
          if (!step) return;
          void this.host.edit(() => ((this.map?.links ?? []).some((l) => l.step === step && l.asset === a.id && l.mode === mode) ? null : { op: "add", record: { link: { step, asset: a.id, mode } } }));
        },
      },
      "Link",
    );
    const measured = Object.entries(a.provenance ?? {}).map(([f, p]) => `${f === "lt" ? "latency" : f} ${p}`);
    this.el.replaceChildren(
      this.header(KIND_LABEL[a.kind], a.name || a.id, a.id),
      ...assetFields(map).map((f) => this.row(f, key, a)),
      h("div", { class: "asset-link-block" }, linkRow("write"), linkRow("read"), h("div", { class: "asset-link-add" }, stepSel, modeSel, add)),
      h(
        "div",
        { class: "computed" },
        h("div", { class: "computed-title muted" }, "From the lineage"),
        h("div", { class: "readonly" }, h("span", { class: "field-label" }, "Lineage lead time"), h("span", { class: "readonly-value", "data-computed": "fresh", title: "Its own latency plus the slowest chain of latencies behind it" }, fresh.fresh)),
        ...fresh.flags.map((f) => h("div", { class: "readonly warn" }, f)),
        ...(measured.length ? [h("div", { class: "readonly muted" }, `Provenance: ${measured.join("; ")}`)] : []),
      ),
    );
  }

  private header(kind: string, name: string, id: string): HTMLElement {
    return h("h2", { class: "inspector-title", title: `id: ${id}` }, h("span", { class: "muted kind" }, kind), " ", h("span", { class: "name", "data-name": "" }, name));
  }

  /** The step's figures from the analysis: read-only. */
  private computed(map: ValueStream, s: Step, a: Analysis | null): HTMLElement {
    const i = (map.steps ?? []).findIndex((x) => x.id === s.id);
    const m = a && i >= 0 ? a.steps[i] : null;
    const row = (label: string, value: string, title: string, id: string) =>
      h("div", { class: "readonly" }, h("span", { class: "field-label" }, label), h("span", { class: "readonly-value", "data-computed": id, title }, value));
    if (!m) return h("div");
    const over = a?.over_takt.includes(s.id);
    return h(
      "div",
      { class: "computed", "aria-label": "From the analysis" },
      h("div", { class: "computed-title muted" }, "From the analysis"),
      row("Effective cycle time", `${fmtWorking(m.ect_s, map)} of work per item`, `${exactTime(m.ect_s, "working")}: (PT × visits + changeover / batch) / (servers × uptime)`, "ect"),
      row(
        "Utilisation",
        m.utilisation == null ? "— (no demand)" : `${fmtPercent(m.utilisation)}${over ? " — over takt" : ""}`,
        "Effective cycle time / takt: the share of the step's capacity the demand uses",
        "utilisation",
      ),
      row("Visits per item", figure(m.visits ?? 0), "Expected runs of the step per item, rework included", "visits"),
    );
  }

  /** Puts an error from the core under its field; false if that field is not on show. */
  showError(field: string | null, message: string, problems: { field: string | null }[] = []): boolean {
    for (const e of this.errors.values()) e.replaceChildren();
    if (!field) return false;
    const el = this.errors.get(field) ?? this.errors.get(`gate.${field}`);
    if (!el) return false;
    const conflict = this.rangeConflict(field, problems);
    if (conflict) {
      const widen = h("button", { class: "link-button", "data-widen": field }, "Widen the range");
      widen.addEventListener("click", () => void conflict.widen());
      el.replaceChildren(conflict.message, " ", widen);
    } else {
      el.textContent = message;
    }
    this.inputs.get(field)?.classList.add("invalid");
    return true;
  }

  /** A typed time outside its range: says so, and offers to widen the range to take it. */
  private rangeConflict(field: string, problems: { field: string | null }[]): RangeConflict | null {
    const r = RANGES[field];
    const typed = this.refused.get(field);
    const map = this.map;
    if (!r || !typed || !map || !problems.some((p) => p.field === r.range)) return null;
    const record = this.host.record(typed.key) as { [k: string]: unknown } | undefined;
    const range = record?.[r.range] as Range | undefined;
    const value = parseDurationInput(typed.text);
    const v = durationSeconds(value, map);
    if (!range || v == null || value == null) return null;
    const lo = durationSeconds(range.min, map) ?? 0;
    const hi = durationSeconds(range.max, map) ?? 0;
    const side = v < lo ? `below the range's minimum of ${fmtDuration(range.min)}` : v > hi ? `above the range's maximum of ${fmtDuration(range.max)}` : "outside its range";
    const message = `A ${r.label} of ${fmtDuration(value)} is ${side} (${fmtDuration(range.min)} – ${fmtDuration(range.max)}, used by the simulation).`;
    const widen = () =>
      this.host.edit(() => {
        const now = this.host.record(typed.key) as { [k: string]: unknown } | undefined;
        const cur = now?.[r.range] as Range | undefined;
        if (!cur) return null;
        const next: Range = { ...cur };
        if (v < (durationSeconds(cur.min, map) ?? 0)) next.min = value;
        if (v > (durationSeconds(cur.max, map) ?? 0)) next.max = value;
        return { op: "batch", ops: [setOp(typed.key, r.range, next), setOp(typed.key, field, value)] };
      });
    return { field, message, widen };
  }

  private clearError(field: string): void {
    const e = this.errors.get(field);
    if (e) e.replaceChildren();
    this.inputs.get(field)?.classList.remove("invalid");
  }

  private row(spec: FieldSpec, key: Key, record: unknown): HTMLElement {
    const id = `f-${spec.field.replace(/\W/g, "-")}`;
    const current = spec.get(record as never);
    let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (spec.kind === "select") {
      input = h("select", { id }, ...(spec.options ?? []).map(([v, l]) => h("option", { value: v, selected: v === current }, l)));
    } else if (spec.kind === "textarea" || spec.kind === "lines") {
      input = h("textarea", { id, rows: 3, placeholder: spec.hint ?? "" });
      input.value = String(current);
    } else if (spec.kind === "check") {
      input = h("input", { id, type: "checkbox", checked: current === true });
    } else {
      input = h("input", { id, type: "text", spellcheck: false, autocomplete: "off", placeholder: spec.hint ?? "", ...(spec.list ? { list: spec.list } : {}) });
      input.value = String(current);
    }
    input.dataset.field = spec.field;
    // What the field showed when drawn: a value that differs was typed (see `show`).
    input.dataset.shown = spec.kind === "check" ? "" : String(current);
    const error = h("div", { class: "field-error", role: "alert", "data-error-for": spec.field });
    this.errors.set(spec.field, error);
    this.inputs.set(spec.field, input);
    let last = current;
    /** A value the core refused, still in the field: leaving the field does not send it again. */
    let refused: string | boolean | null = null;
    const commit = async () => {
      const text = spec.kind === "check" ? (input as HTMLInputElement).checked : input.value;
      if (text === last || text === refused) return;
      this.clearError(spec.field);
      if (typeof text === "string") this.refused.set(spec.field, { key, text });
      try {
        // Built from the record as it is when the edit's turn comes; its error, if any, is
        // this field's (the field is marked pending when the edit is sent, not before).
        const ok = await this.host.edit(() => {
          this.pending = spec.field;
          const now = (this.host.record(key) ?? record) as never;
          return spec.op ? spec.op(key, text, now) : setOp(key, spec.field, typedValue(spec, text));
        });
        if (ok) {
          last = text;
          refused = null;
          this.refused.delete(spec.field);
        } else refused = text;
      } finally {
        if (this.pending === spec.field) this.pending = null;
      }
    };
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (e) => {
      const k = e as KeyboardEvent;
      if (k.key === "Enter" && spec.kind !== "textarea" && spec.kind !== "lines") {
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

  /** A time's range for the simulation: min and max (the time itself is the most likely). */
  private rangeRow(field: "pt" | "lt" | "wait", key: Key, record: unknown): HTMLElement {
    const r = RANGES[field];
    const range = (record as { [k: string]: unknown })[r.range] as Range | null | undefined;
    const id = `f-${r.range.replace(/_/g, "-")}`;
    const min = h("input", { id: `${id}-min`, type: "text", spellcheck: false, autocomplete: "off", placeholder: "min", "aria-label": `Minimum ${r.label}` });
    const max = h("input", { id: `${id}-max`, type: "text", spellcheck: false, autocomplete: "off", placeholder: "max", "aria-label": `Maximum ${r.label}` });
    min.value = fmtDuration(range?.min ?? undefined);
    max.value = fmtDuration(range?.max ?? undefined);
    const error = h("div", { class: "field-error", role: "alert", "data-error-for": r.range });
    this.errors.set(r.range, error);
    this.inputs.set(r.range, min);
    let last = `${min.value}|${max.value}`;
    const commit = async () => {
      const now = `${min.value}|${max.value}`;
      if (now === last) return;
      this.clearError(r.range);
      const lo = parseDurationInput(min.value);
      const hi = parseDurationInput(max.value);
      if ((lo == null) !== (hi == null)) {
        error.textContent = `A range needs both a minimum and a maximum (leave both empty for none).`;
        return;
      }
      try {
        const ok = await this.host.edit(() => {
          this.pending = r.range;
          const cur = (this.host.record(key) as { [k: string]: unknown } | undefined)?.[r.range] as Range | null | undefined;
          const value = lo == null || hi == null ? null : { ...(cur?.likely != null ? { likely: cur.likely } : {}), min: lo, max: hi };
          return setOp(key, r.range, value);
        });
        if (ok) last = now;
      } finally {
        if (this.pending === r.range) this.pending = null;
      }
    };
    for (const input of [min, max]) {
      input.addEventListener("change", commit);
      input.addEventListener("keydown", (e) => {
        if ((e as KeyboardEvent).key === "Enter") {
          e.preventDefault();
          void commit();
        }
      });
    }
    return h(
      "div",
      { class: "field range", title: `For the Monte Carlo simulation: the ${r.label} lies between these; the ${r.label} above is the most likely` },
      h("span", { class: "field-label" }, "Range (min – max)"),
      h("div", { class: "range-inputs" }, min, h("span", { class: "muted" }, "–"), max),
      error,
    );
  }

  /** The gate's evidence records; the core's errors about any of them show under them. */
  private evidenceRow(key: Key, s: Step): HTMLElement {
    const error = h("div", { class: "field-error", role: "alert", "data-error-for": "gate.evidence" });
    for (const f of ["gate.evidence", "gate.evidence.title", "gate.evidence.due", "gate.evidence.link"]) this.errors.set(f, error);
    return evidenceEditor(key, s, {
      edit: async (build) => {
        error.replaceChildren();
        try {
          return await this.host.edit(() => {
            this.pending = "gate.evidence";
            const now = (this.host.record(key) as Step | undefined) ?? s;
            return build(now);
          });
        } finally {
          if (this.pending === "gate.evidence") this.pending = null;
        }
      },
      open: (i) => this.host.openEvidence(s.id, i),
    }, error);
  }

  /** Suggestions for the regulation and control fields, from the catalogue. */
  private catalogueLists(s: Step): HTMLElement {
    const reg = (s.gate?.regulation ?? "").trim().toLowerCase();
    const regs = [...new Set(this.catalogue.map((c) => c.regulation))];
    const controls = this.catalogue.filter((c) => !reg || c.regulation.toLowerCase() === reg);
    return h(
      "div",
      { hidden: true },
      h("datalist", { id: "catalogue-regulations" }, ...regs.map((r) => h("option", { value: r }))),
      h("datalist", { id: "catalogue-controls" }, ...controls.map((c) => h("option", { value: c.control, label: `${c.regulation} ${c.control}: ${c.title}` }))),
    );
  }

  private wasteRow(key: Key, s: Step): HTMLElement {
    const tags = new Set((s.waste ?? []).map((w) => (typeof w === "string" ? w : w.kind)));
    const boxes = WASTES.map(([w, label]) => {
      const cb = h("input", { type: "checkbox", checked: tags.has(w) });
      cb.addEventListener("change", () => {
        const on = cb.checked;
        void this.host.edit(() => {
          const now = (this.host.record(key) as Step | undefined) ?? s;
          const next = (now.waste ?? []).filter((t) => (typeof t === "string" ? t : t.kind) !== w);
          if (on) next.push(w);
          return setOp(key, "waste", next.length ? next : null);
        });
      });
      return h("label", { class: "chip" }, cb, label);
    });
    const error = h("div", { class: "field-error", "data-error-for": "waste" });
    this.errors.set("waste", error);
    return h("div", { class: "field" }, h("span", { class: "field-label" }, "Waste"), h("div", { class: "chips" }, ...boxes), error);
  }

  private mapFields(map: ValueStream): HTMLElement[] {
    const key: Key = { kind: "meta", id: "" };
    const meta = metaOf(map);
    const specs: FieldSpec[] = [
      { field: "name", label: "Map name", kind: "text", get: () => map.name },
      { field: "description", label: "Description", kind: "textarea", get: () => map.description ?? "" },
      {
        field: "demand",
        label: "Demand",
        kind: "text",
        hint: "items per period, e.g. 12/13w",
        get: () => (map.demand ? `${map.demand.items}/${fmtDuration(map.demand.per).replace(/^1 /, "").replace(/\s+/g, "")}` : ""),
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
      {
        field: "unit",
        label: "Show times in",
        kind: "select",
        options: [
          ["", "— the unit that reads best —"],
          ["min", "Minutes"],
          ["h", "Hours"],
          ["d", "Days"],
          ["wd", "Working days"],
          ["w", "Weeks"],
        ],
        get: () => map.unit ?? "",
      },
    ];
    const teams = (map.teams ?? []).map((t) => h("li", {}, h("span", { class: "team-id" }, t.id), " ", t.name));
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
      h("h2", { class: "inspector-title" }, h("span", { class: "muted kind" }, "Map"), " ", h("span", { class: "name" }, map.name)),
      ...specs.map((f) => this.row(f, key, meta)),
      h("div", { class: "field" }, h("span", { class: "field-label" }, "Teams (swimlanes)"), h("ul", { class: "teams", id: "map-teams" }, ...teams), newTeam, teamError),
      h("p", { class: "muted hint" }, "Select a step or a flow to edit it. Double-click a step to rename it."),
    ];
  }
}
