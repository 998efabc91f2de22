// File ▸ Import ▸ Event Log: a wizard in one dialog. The log's first rows, its columns mapped
// (guessed by the reader, editable), how each row's timestamps read with the mapping (the rows
// that fail in red), then the whole log read (progress and Cancel for big ones), a frequency
// filter that redraws the map it will make, and the choice: a new document, or a scenario
// "Measured" beside the hand-drawn current state.

import { type Calendar, commands, type LogPreview, type LogRead, type LogSettings, type Loaded } from "../bindings";
import { call } from "../api";
import { fmtElapsed } from "../editor/format";
import { errorText, focusOpenDialog, h } from "./dom";

/** What the wizard needs of the app. */
export interface WizardHost {
  longWork<T>(title: string, work: () => Promise<T | null>, quiet?: boolean): Promise<T | null>;
  show(l: Loaded): void;
  toast(text: string): void;
  /** Whether a document is open (to add the mined map to as a scenario). */
  hasDocument(): boolean;
  /** The open document's work calendar, offered for the mined map. */
  calendar(): Calendar | null;
}

const NONE = "";

function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} bytes`;
}

export class LogWizard {
  private dialog!: HTMLElement;
  private read: LogRead | null = null;
  private share = 0.05;
  private timesSeq = 0;
  private mapSeq = 0;

  constructor(
    private host: WizardHost,
    private preview: LogPreview,
  ) {}

  /** Opens the wizard on the log the user picked. */
  static async start(host: WizardHost): Promise<void> {
    if (focusOpenDialog()) return;
    const p = await call(commands.readLog());
    if (!p) return;
    new LogWizard(host, p).open();
  }

  private select(id: string, label: string, value: string | null, optional: boolean): HTMLSelectElement {
    const s = h("select", { id, "aria-label": label });
    if (optional) s.append(h("option", { value: NONE }, "— none —"));
    for (const c of this.preview.header) s.append(h("option", { value: c }, c));
    s.value = value ?? (optional ? NONE : (this.preview.header[0] ?? ""));
    s.addEventListener("change", () => this.changed());
    return s;
  }

  private fields!: {
    case: HTMLSelectElement;
    activity: HTMLSelectElement;
    start: HTMLSelectElement;
    end: HTMLSelectElement;
    resource: HTMLSelectElement;
    tz: HTMLInputElement;
    format: HTMLInputElement;
    reversed: HTMLInputElement;
    previous: HTMLInputElement;
    hours: HTMLInputElement;
    days: HTMLInputElement;
  };

  private settings(): LogSettings {
    const f = this.fields;
    const fmt = f.format.value.trim();
    return {
      case: f.case.value,
      activity: f.activity.value,
      start: f.start.value || null,
      end: f.end.value,
      resource: f.resource.value || null,
      tz: f.tz.value.trim() || "UTC",
      time_format: fmt || null,
      skip_reversed: f.reversed.checked,
      start_from_previous: !f.start.value && f.previous.checked,
      calendar: { hours_per_day: Number(f.hours.value), days_per_week: Number(f.days.value) },
    };
  }

  private open(): void {
    const p = this.preview;
    const g = p.guess;
    this.fields = {
      case: this.select("log-case", "Case id", g.case, false),
      activity: this.select("log-activity", "Activity", g.activity, false),
      start: this.select("log-start", "Start time", g.start, true),
      end: this.select("log-end", "End time", g.end, false),
      resource: this.select("log-resource", "Resource or team", g.resource, true),
      tz: h("input", { id: "log-tz", type: "text", value: "UTC", spellcheck: false, "aria-label": "Time zone" }),
      format: h("input", { id: "log-format", type: "text", value: "", placeholder: "ISO 8601 (or e.g. %d/%m/%Y %H:%M)", spellcheck: false, "aria-label": "Time format" }),
      reversed: h("input", { id: "log-skip-reversed", type: "checkbox" }),
      previous: h("input", { id: "log-previous", type: "checkbox" }),
      hours: h("input", { id: "log-hours", type: "number", min: 1, max: 24, step: 0.5, value: this.host.calendar()?.hours_per_day ?? 8, "aria-label": "Working hours per day" }),
      days: h("input", { id: "log-days", type: "number", min: 1, max: 7, step: 0.5, value: this.host.calendar()?.days_per_week ?? 5, "aria-label": "Working days per week" }),
    };
    const f = this.fields;
    for (const i of [f.tz, f.format, f.hours, f.days]) i.addEventListener("input", () => this.changed());
    const xes = p.format === "xes";
    for (const i of [f.reversed, f.previous]) i.addEventListener("change", () => this.changed());
    const row = (label: string, el: HTMLElement) => h("label", { class: "log-field" }, h("span", {}, label), el);
    const close = () => {
      this.dialog.remove();
      void call(commands.discardLog()).catch(() => {});
    };
    const readBtn = h("button", { id: "log-read", class: "primary", onclick: () => void this.readLog() }, "Read the log");
    this.dialog = h(
      "div",
      { class: "modal", role: "dialog", "aria-modal": "true", id: "log-wizard", "aria-labelledby": "log-title" },
      h(
        "div",
        { class: "modal-box wide" },
        h("h3", { id: "log-title" }, "Import an event log"),
        h("div", { class: "muted", id: "log-file" }, xes ? `${p.file} · ${bytes(p.bytes ?? 0)} · an XES log: traces are the cases, concept:name the activity, lifecycle start and complete paired, org:group or org:resource the team` : `${p.file} · ${bytes(p.bytes ?? 0)} · ${p.delimiter}-separated · ${p.header.length} columns`),
        h(
          "div",
          { class: "log-columns" },
          ...(xes ? [] : [row("Case id", f.case), row("Activity", f.activity), row("Start time", f.start), row("End time", f.end), row("Resource or team", f.resource)]),
          row("Time zone (times without one)", f.tz),
          ...(xes ? [] : [row("Time format", f.format)]),
          row("Working hours per day", f.hours),
          row("Working days per week", f.days),
        ),
        h(
          "div",
          { class: "log-options" },
          xes ? null : h("label", {}, f.reversed, " Leave out events that end before they start"),
          h("label", { id: "log-previous-label" }, f.previous, " One timestamp per event: each starts when the case's previous event ended"),
        ),
        xes ? null : h("div", { class: "log-table-wrap" }, h("table", { id: "log-preview", class: "log-table" })),
        h("div", { class: "field-error", id: "log-error", role: "alert" }),
        h("div", { id: "log-result" }),
        h("div", { class: "modal-actions", id: "log-actions" }, h("button", { id: "log-cancel", onclick: close }, "Cancel"), readBtn),
      ),
    );
    this.dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
    });
    document.body.append(this.dialog);
    this.changed();
    (xes ? readBtn : f.case).focus();
  }

  /** The mapping changed: the times re-read on the preview's rows; a map read before is stale. */
  private changed(): void {
    const f = this.fields;
    (f.previous.parentElement as HTMLElement).hidden = !!f.start.value;
    if (this.read) {
      this.read = null;
      this.dialog.classList.remove("read");
      this.dialog.querySelector("#log-result")!.replaceChildren();
      this.actions(false);
    }
    void this.showTimes();
  }

  private async showTimes(): Promise<void> {
    if (this.preview.format === "xes") return;
    const seq = ++this.timesSeq;
    const err = this.dialog.querySelector("#log-error")!;
    let times: Awaited<ReturnType<typeof commands.logTimes>> | null = null;
    try {
      times = await commands.logTimes(this.settings());
    } catch (e) {
      times = null;
      err.textContent = errorText(e);
    }
    if (seq !== this.timesSeq) return;
    const table = this.dialog.querySelector("#log-preview") as HTMLTableElement;
    const ok = times && times.status === "ok" ? times.data : null;
    err.textContent = times && times.status === "error" ? errorText(times.error) : "";
    const p = this.preview;
    const s = this.settings();
    const roleOf = (c: string) => (c === s.case ? "case" : c === s.activity ? "activity" : c === s.start ? "start" : c === s.end ? "end" : c === s.resource ? "resource" : "");
    const head = h("tr", {}, h("th", {}, "Line"), ...p.header.map((c) => h("th", { "data-role": roleOf(c) || null }, c, roleOf(c) ? h("span", { class: "log-role" }, roleOf(c)) : null)), h("th", {}, "Reads as (UTC)"));
    const rows = p.rows.map((r, i) => {
      const t = ok?.[i];
      const bad = !!t?.problem;
      const reads = !t ? "" : bad ? (t.problem ?? "") : t.start && t.start !== t.end ? `${t.start} → ${t.end}` : (t.end ?? "");
      return h("tr", { class: bad ? "bad" : null, "data-line": p.lines[i] }, h("td", { class: "muted" }, String(p.lines[i])), ...p.header.map((_, k) => h("td", {}, r[k] ?? "")), h("td", { class: bad ? "log-bad" : "log-ok" }, reads));
    });
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, ...rows));
  }

  private actions(read: boolean): void {
    const box = this.dialog.querySelector("#log-actions")!;
    const cancel = box.querySelector("#log-cancel")!;
    const readBtn = h("button", { id: "log-read", class: read ? null : "primary", onclick: () => void this.readLog() }, read ? "Read again" : "Read the log");
    const extra = read
      ? [
          h("button", { id: "log-scenario", disabled: !this.host.hasDocument(), title: "Beside the hand-drawn current state, to compare", onclick: () => void this.finish(true) }, "Add as scenario “Measured”"),
          h("button", { id: "log-open", class: "primary", onclick: () => void this.finish(false) }, "Open as a new document"),
        ]
      : [];
    box.replaceChildren(cancel, readBtn, ...extra);
  }

  private async readLog(): Promise<void> {
    const err = this.dialog.querySelector("#log-error")!;
    err.textContent = "";
    try {
      const r = await this.host.longWork("Reading the event log", () => call(commands.mineLog(this.settings())), true);
      if (!r) return; // cancelled
      this.read = r;
    } catch (e) {
      err.textContent = errorText(e);
      return;
    }
    const r = this.read!;
    // The rows shrink to a glance; the map takes the room.
    this.dialog.classList.add("read");
    const slider = h("input", { id: "log-share", type: "range", min: 0, max: 50, step: 1, value: Math.round(this.share * 100), "aria-label": "Frequency filter" });
    const shown = h("output", { id: "log-share-value" }, `${Math.round(this.share * 100)}%`);
    slider.addEventListener("input", () => {
      this.share = Number(slider.value) / 100;
      shown.textContent = `${slider.value}%`;
      void this.showMap();
    });
    const timing = r.has_start ? "" : " · one timestamp per event: process times unknown";
    this.dialog.querySelector("#log-result")!.replaceChildren(
      h("div", { id: "log-summary" }, `${r.events.toLocaleString("en")} events, ${r.cases.toLocaleString("en")} cases, ${r.activities} activities · median case ${fmtElapsed(r.median_case_s ?? 0)}${timing}`),
      h("label", { class: "log-filter" }, "Keep activities and flows seen in at least ", slider, " ", shown, " of the cases"),
      h("div", { id: "log-map-figures", class: "muted" }),
      h("div", { id: "log-map", class: "log-map" }),
      h("ul", { id: "log-left-out", class: "muted log-left-out" }),
    );
    this.actions(true);
    await this.showMap();
  }

  private async showMap(): Promise<void> {
    const seq = ++this.mapSeq;
    let m: Awaited<ReturnType<typeof commands.minedMap>>;
    try {
      m = await commands.minedMap(this.share);
    } catch (e) {
      this.dialog.querySelector("#log-error")!.textContent = errorText(e);
      return;
    }
    if (seq !== this.mapSeq || !this.dialog.isConnected) return;
    if (m.status === "error") {
      this.dialog.querySelector("#log-error")!.textContent = errorText(m.error);
      return;
    }
    const v = m.data;
    this.dialog.querySelector("#log-map-figures")!.textContent = `${v.steps} steps, ${v.flows} flows · lead time ${v.lead_time} · process time ${v.process_time} · every number measured`;
    const pic = this.dialog.querySelector("#log-map") as HTMLElement;
    pic.innerHTML = v.svg;
    pic.dataset.steps = String(v.steps);
    const list = this.dialog.querySelector("#log-left-out")!;
    list.replaceChildren(...v.left_out.slice(0, 12).map((l) => h("li", {}, `Left out: ${l}`)), ...(v.left_out.length > 12 ? [h("li", {}, `and ${v.left_out.length - 12} more`)] : []));
  }

  private async finish(asScenario: boolean): Promise<void> {
    try {
      const l = await call(commands.openMined(this.share, asScenario));
      this.dialog.remove();
      this.host.show(l);
      this.host.toast(asScenario ? `Added the mined map as “${l.scenario}”` : `Opened the mined map: ${l.title}`);
    } catch (e) {
      this.dialog.querySelector("#log-error")!.textContent = errorText(e);
    }
  }
}
