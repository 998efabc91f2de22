// The facilitator's instruments on a step (issue 16, part 4): the stopwatch of a time study and
// the step's standard-work checklist, as sections of the inspector.
//
// Stopwatch: S starts it on the selected step, L (or the Lap button) records the time since the
// last lap as one observed item, Esc stops it. Each lap is one edit (one undo): the step's
// samples, its process time (their median) and its range (their minimum and maximum), marked
// measured. The samples are listed under it, each editable and removable, also one edit each.

import type { Op, Step, ValueStream } from "../bindings";
import { durationSeconds, figure, fmtElapsed } from "../editor/format";
import { h } from "./dom";

/** The middle value of `xs` (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Seconds as a duration the file keeps ("12.4s"), to a tenth of a second. */
function seconds(s: number): string {
  return `${Math.round(s * 10) / 10}s`;
}

/**
 * The edit that makes `samples` (seconds) a step's time study: the samples, the process time
 * (their median) with its range (minimum, median, maximum), marked measured; a lead time under
 * the new process time is raised to it (LT >= PT). No samples: the study is cleared and the
 * process time left as it was.
 */
export function studyOp(step: Step, samples: number[], map: ValueStream): Op {
  const key = { kind: "step" as const, id: step.id };
  if (samples.length === 0) return { op: "set", key, field: "samples", value: null };
  const pt = median(samples);
  const provenance = { ...(step.provenance ?? {}), pt: "measured" as const };
  const next: Step = {
    ...step,
    samples: samples.map(seconds),
    pt: seconds(pt),
    pt_range: { min: seconds(Math.min(...samples)), likely: seconds(pt), max: seconds(Math.max(...samples)) },
    provenance,
  };
  const lt = durationSeconds(step.lt ?? null, map);
  if (lt != null && lt < Math.round(pt * 10) / 10) {
    next.lt = seconds(pt);
    next.lt_range = null;
  }
  return { op: "update", record: { step: next } };
}

/** The samples of a step, in seconds. */
export function samplesOf(step: Step, map: ValueStream): number[] {
  return (step.samples ?? []).map((d) => durationSeconds(d, map) ?? 0);
}

/** A stopwatch running on one step: when it started and when the last lap was taken. */
export class Stopwatch {
  running: { step: string; started: number; last: number } | null = null;
  constructor(private now: () => number = () => performance.now()) {}

  start(step: string): void {
    const t = this.now();
    this.running = { step, started: t, last: t };
  }
  /** The seconds since the last lap (or the start), and a new lap from now; null if stopped. */
  lap(): number | null {
    const r = this.running;
    if (!r) return null;
    const t = this.now();
    const s = (t - r.last) / 1000;
    r.last = t;
    return s;
  }
  stop(): void {
    this.running = null;
  }
  /** Seconds on the current lap. */
  current(): number {
    return this.running ? (this.now() - this.running.last) / 1000 : 0;
  }
  on(step: string): boolean {
    return this.running?.step === step;
  }
}

export interface InstrumentHost {
  /**
   * Makes the edit `build` returns when its turn comes (built from the step as it is then, so
   * that a quick second lap or an edit still on its way is not undone).
   */
  edit(build: () => Op | null): Promise<boolean>;
  /** The step as the document has it now, and the map. */
  step(id: string): Step | undefined;
  map(): ValueStream;
  /** The stopwatch was started, lapped or stopped: the inspector shows it anew. */
  changed(): void;
}

/** An edit of a step's samples, built from its samples as they are at the edit's turn. */
function editSamples(host: InstrumentHost, id: string, change: (samples: number[]) => number[]): Promise<boolean> {
  return host.edit(() => {
    const step = host.step(id);
    if (!step) return null;
    const map = host.map();
    return studyOp(step, change(samplesOf(step, map)), map);
  });
}

/** The stopwatch's section of a step's inspector. */
export function stopwatchSection(step: Step, map: ValueStream, watch: Stopwatch, host: InstrumentHost): HTMLElement {
  const samples = samplesOf(step, map);
  const on = watch.on(step.id);
  const clock = h("output", { class: "stopwatch-clock", id: "stopwatch-clock" }, on ? fmtClock(watch.current()) : "0.0 s");
  if (on) {
    const tick = window.setInterval(() => {
      if (!clock.isConnected || !watch.on(step.id)) window.clearInterval(tick);
      else clock.textContent = fmtClock(watch.current());
    }, 100);
  }
  const buttons = on
    ? [
        h("button", { id: "stopwatch-lap", class: "primary", title: "One item observed: its time becomes a sample (L)", onclick: () => void lap(step.id, watch, host) }, "Lap"),
        h("button", { id: "stopwatch-stop", title: "Stop the stopwatch (Esc)", onclick: () => {
            watch.stop();
            host.changed();
          },
        }, "Stop"),
      ]
    : [h("button", { id: "stopwatch-start", title: "Time the items of this step, one lap each (S)", onclick: () => {
          watch.start(step.id);
          host.changed();
        },
      }, "Start stopwatch")];
  const list = samples.map((s, i) => {
    const input = h("input", { type: "text", class: "sample", value: figure(s), "aria-label": `Sample ${i + 1} in seconds`, "data-sample": String(i) });
    input.addEventListener("change", () => {
      const v = Number(input.value.trim().replace(/\s*s$/, ""));
      if (!Number.isFinite(v) || v <= 0) {
        input.setCustomValidity("a time in seconds, above 0");
        input.reportValidity();
        return;
      }
      void editSamples(host, step.id, (now) => now.map((x, j) => (j === i ? v : x)));
    });
    const remove = h(
      "button",
      { class: "icon", title: "Remove this sample", "aria-label": `Remove sample ${i + 1}`, onclick: () => void editSamples(host, step.id, (now) => now.filter((_, j) => j !== i)) },
      "×",
    );
    return h("li", {}, h("span", { class: "muted" }, `${i + 1}.`), input, h("span", { class: "muted" }, "s"), remove);
  });
  const summary = samples.length
    ? `${samples.length} sample${samples.length === 1 ? "" : "s"}: min ${fmtElapsed(Math.min(...samples))}, median ${fmtElapsed(median(samples))}, max ${fmtElapsed(Math.max(...samples))}; PT is the median, measured`
    : "No samples: start the stopwatch and lap once per item observed";
  return h(
    "section",
    { class: "instrument stopwatch", id: "stopwatch" },
    h("h3", {}, "Time study"),
    h("div", { class: "stopwatch-row" }, clock, ...buttons),
    h("p", { class: "muted", id: "stopwatch-summary" }, summary),
    samples.length ? h("ol", { class: "samples", id: "samples" }, ...list) : null,
  );
}

function fmtClock(s: number): string {
  return `${(Math.floor(s * 10) / 10).toFixed(1)} s`;
}

/** The shortest lap taken as an item observed: a key held down repeats faster than this. */
const SHORTEST_LAP_S = 0.05;

/** One lap of the stopwatch on step `id`: its time becomes a sample, as one edit. */
export async function lap(id: string, watch: Stopwatch, host: InstrumentHost): Promise<void> {
  if (!watch.on(id)) return;
  if (watch.current() < SHORTEST_LAP_S) return;
  const s = watch.lap();
  if (s == null) return;
  await editSamples(host, id, (now) => [...now, s]);
}

/** The checklist's section: standard-work items, each done or not; one edit a change. */
export function checklistSection(step: Step, host: InstrumentHost): HTMLElement {
  const items = step.checklist ?? [];
  const key = { kind: "step" as const, id: step.id };
  // Each change is made to the checklist as it is at the edit's turn.
  const change = (f: (now: typeof items) => typeof items) =>
    void host.edit(() => {
      const now = host.step(step.id);
      if (!now) return null;
      const next = f(now.checklist ?? []);
      return { op: "set", key, field: "checklist", value: next.length ? next : null };
    });
  const rows = items.map((it, i) =>
    h(
      "li",
      { class: it.done ? "done" : "" },
      (() => {
        const box = h("input", { type: "checkbox", checked: it.done ?? false, "aria-label": `Done: ${it.text}`, "data-check": String(i) });
        box.addEventListener("change", () => change((now) => now.map((x, j) => (j === i ? { ...x, done: box.checked } : x))));
        return box;
      })(),
      h("span", { class: "check-text" }, it.text),
      h("button", { class: "icon", title: "Remove this item", "aria-label": `Remove ${it.text}`, onclick: () => change((now) => now.filter((_, j) => j !== i)) }, "×"),
    ),
  );
  const add = h("input", { type: "text", id: "checklist-add", placeholder: "Add an item and press Enter", "aria-label": "New checklist item" });
  add.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const text = add.value.trim();
    if (text) change((now) => [...now, { text, done: false }]);
  });
  const done = items.filter((x) => x.done).length;
  return h(
    "section",
    { class: "instrument checklist", id: "checklist" },
    h("h3", {}, "Standard work ", items.length ? h("span", { class: "count" }, `${done}/${items.length}`) : null),
    items.length ? h("ul", { class: "checklist-items" }, ...rows) : null,
    add,
  );
}
