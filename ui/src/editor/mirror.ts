// The page's copy of the scenario on screen. The core owns the document; the mirror only
// applies the diffs the core returns, so it always matches what is on disk.

import type { Change, Diff, Flow, Key, Meta, Record, Step, ValueStream } from "../bindings";
import { stepHeight } from "./databox";

type Collection = "teams" | "steps" | "flows" | "assets" | "lineage" | "links" | "kaizen" | "notes";

const COLLECTION: { [k in Exclude<Key["kind"], "meta">]: Collection } = {
  team: "teams",
  step: "steps",
  flow: "flows",
  asset: "assets",
  lineage: "lineage",
  link: "links",
  kaizen: "kaizen",
  note: "notes",
};

/** What of a map is not its own fields: its collections, and the file's format, version and scenario. */
const NOT_OWN = new Set<string>([...Object.values(COLLECTION), "format", "version", "scenario"]);

/**
 * The map's own fields, as a `Meta` record: whatever the map holds but its collections (the
 * core declares them once; nothing here lists them).
 */
export function metaOf(map: ValueStream): Meta {
  return Object.fromEntries(Object.entries(map).filter(([k]) => !NOT_OWN.has(k))) as Meta;
}

/** The record inside a `Record` union value. */
export function recordBody(r: Record): unknown {
  return Object.values(r)[0];
}

/** A flow's key, as the core derives it: its id, or "from>to". */
export function flowKey(f: Flow): string {
  return f.id ?? `${f.from}>${f.to}`;
}

let mirrors = 0;

export class Mirror {
  map: ValueStream;
  /**
   * Which mirror this is: each document or scenario shown gets a new one, so that a view
   * drawn from another (whose `version` may be the same number) is told apart.
   */
  readonly generation = ++mirrors;
  /** Bumped on every change; caches compare it. */
  version = 0;
  /**
   * Bumped on every change that can move something on the canvas or change what is drawn
   * besides steps and flows: anything but an update of a step or a flow that keeps where it
   * is, its team, its kind and its ends. An edit that changes only such records (a step's
   * times, name or notes) leaves the scene's geometry as it was (see `Scene.refresh`).
   */
  layoutVersion = 0;
  private stepIndex = new Map<string, number>();
  private flowIndex = new Map<string, number>();

  constructor(map: ValueStream) {
    this.map = normalise(map);
    this.reindex();
  }

  get steps(): Step[] {
    return this.map.steps ?? [];
  }
  get flows(): Flow[] {
    return this.map.flows ?? [];
  }

  stepAt(id: string): number | undefined {
    return this.stepIndex.get(id);
  }
  step(id: string): Step | undefined {
    const i = this.stepIndex.get(id);
    return i === undefined ? undefined : this.steps[i];
  }
  flow(key: string): Flow | undefined {
    const i = this.flowIndex.get(key);
    return i === undefined ? undefined : this.flows[i];
  }
  flowAt(key: string): number | undefined {
    return this.flowIndex.get(key);
  }

  /** Applies a diff from the core, in order. */
  apply(diff: Diff): void {
    for (const c of diff.changes) this.change(c);
    if (diff.changes.length > 0) {
      this.version++;
      if (!diff.changes.every((c) => inPlace(c, this.map))) this.layoutVersion++;
      this.reindex();
    }
  }

  private change(c: Change): void {
    if (c.key.kind === "meta") {
      const after = c.after?.record;
      if (after && "meta" in after && after.meta) {
        // The map's own fields are the record's: one left out is at its default.
        const map = this.map as unknown as { [k: string]: unknown };
        for (const k of Object.keys(map)) if (!NOT_OWN.has(k)) delete map[k];
        Object.assign(map, after.meta);
      }
      return;
    }
    const name = COLLECTION[c.key.kind];
    this.map[name] ??= [];
    const list = this.map[name] as unknown[];
    if (c.before && c.after && c.before.index === c.after.index) {
      list[c.after.index] = recordBody(c.after.record);
      return;
    }
    if (c.before) list.splice(c.before.index, 1);
    if (c.after) list.splice(c.after.index, 0, recordBody(c.after.record));
  }

  private reindex(): void {
    this.stepIndex.clear();
    this.steps.forEach((s, i) => {
      this.stepIndex.set(s.id, i);
    });
    this.flowIndex.clear();
    this.flows.forEach((f, i) => {
      this.flowIndex.set(flowKey(f), i);
    });
  }

  /** A fresh id for a new step, from its name: "Train model" -> "train-model", "train-model-2". */
  newStepId(name: string): string {
    const base =
      name
        .toLowerCase()
        .normalize("NFKD")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 40) || "step";
    let id = base;
    for (let n = 2; this.stepIndex.has(id); n++) id = `${base}-${n}`;
    return id;
  }
}

/** Whether a change updates a step or a flow where it is, with its place in the scene kept. */
function inPlace(c: Change, map: ValueStream): boolean {
  if (!c.before || !c.after || c.before.index !== c.after.index) return false;
  const [a, b] = [c.before.record, c.after.record];
  const [s, t] = [a.step, b.step];
  // Its box keeps its size too: a longer name or another data row makes it taller.
  if (s && t) return s.id === t.id && s.team === t.team && s.kind === t.kind && s.x === t.x && s.y === t.y && stepHeight(s, map) === stepHeight(t, map);
  const [f, g] = [a.flow, b.flow];
  if (f && g) return f.id === g.id && f.from === g.from && f.to === g.to && f.kind === g.kind;
  return false;
}

/** Collections absent from the file are empty arrays in the mirror. */
function normalise(map: ValueStream): ValueStream {
  const m = structuredClone(map);
  m.teams ??= [];
  m.steps ??= [];
  m.flows ??= [];
  m.assets ??= [];
  m.lineage ??= [];
  m.links ??= [];
  m.kaizen ??= [];
  m.notes ??= [];
  return m;
}
