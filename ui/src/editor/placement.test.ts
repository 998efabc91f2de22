import { describe, expect, it } from "vitest";
import type { Flow, Step, ValueStream } from "../bindings";
import { dataRows, headerHeight, nameLines, NAME_LINES, ROW_H, setPresenting, stepHeight } from "./databox";
import { COL, ROW, STEP_H, STEP_W } from "./geometry";
import { metaOf, Mirror } from "./mirror";
import { freeSpot, healingFlows } from "./placement";
import { Scene } from "./scene";

const f = (from: string, to: string, more: Partial<Flow> = {}): Flow => ({ from, to, ...more });

describe("deleting steps in a chain", () => {
  const chain = [f("a", "b", { p: 0.3 }), f("b", "c", { wait: "2d", kind: "fifo" }), f("c", "d", { wip: 4 })];

  it("joins the step before to the step after, keeping the branch's p and the next queue", () => {
    expect(healingFlows(chain, new Set(["b"]))).toEqual([f("a", "c", { kind: "fifo", wait: "2d", p: 0.3 })]);
  });
  it("joins across a run of deleted steps", () => {
    expect(healingFlows(chain, new Set(["b", "c"]))).toEqual([f("a", "d", { wip: 4, p: 0.3 })]);
  });
  it("leaves a step with two flows in or out, an end of the map, or a joined pair alone", () => {
    const split = [...chain, f("x", "c")];
    expect(healingFlows(split, new Set(["c"]))).toEqual([]);
    expect(healingFlows(chain, new Set(["a"]))).toEqual([]);
    expect(healingFlows(chain, new Set(["d"]))).toEqual([]);
    expect(healingFlows([...chain, f("a", "c")], new Set(["b"]))).toEqual([]);
  });
  it("does not count information or rework flows as the chain", () => {
    const withInfo = [...chain, f("b", "a", { kind: "rework", p: 0.1 }), f("d", "b", { kind: "information" })];
    expect(healingFlows(withInfo, new Set(["b"]))).toEqual([f("a", "c", { kind: "fifo", wait: "2d", p: 0.3 })]);
  });
});

function sceneOf(steps: Partial<Step>[]): Scene {
  const map: ValueStream = { format: "takt", version: 1, name: "m", steps: steps.map((s, i) => ({ id: `s${i}`, name: `S${i}`, ...s })) as Step[] };
  const scene = new Scene();
  scene.build(new Mirror(map));
  return scene;
}

describe("a new step's place", () => {
  it("is beside the selected step, in free space", () => {
    const scene = sceneOf([{ x: 0, y: 0 }]);
    const near = scene.box("s0")!.rect;
    expect(freeSpot(scene, near, { x: 0, y: 0 })).toEqual({ x: COL, y: 0 });
  });
  it("goes below when the right is taken, and never onto a step", () => {
    const scene = sceneOf([{ x: 0, y: 0 }, { x: COL, y: 0 }]);
    const p = freeSpot(scene, scene.box("s0")!.rect, { x: 0, y: 0 });
    expect(p).toEqual({ x: 0, y: ROW });
    const again = sceneOf([{ x: 0, y: 0 }, { x: COL, y: 0 }, { x: 0, y: ROW }]);
    const q = freeSpot(again, again.box("s0")!.rect, { x: 0, y: 0 });
    for (const b of again.boxes) expect(Math.abs(b.rect.x - q.x) >= COL / 2 || Math.abs(b.rect.y - q.y) >= ROW / 2).toBe(true);
  });
  it("is the middle of the view when nothing is selected and it is free", () => {
    const scene = sceneOf([{ x: 0, y: 0 }]);
    expect(freeSpot(scene, null, { x: 2000, y: 2000 })).toEqual({ x: 2000, y: 2000 });
  });
});

describe("a step's box", () => {
  const map: ValueStream = { format: "takt", version: 1, name: "m", teams: [{ id: "press", name: "Press shop" }] };
  it("shows every figure the map has: servers, uptime, changeover, batch and the effective cycle time", () => {
    const step: Step = { id: "st", name: "Stamping", team: "press", pt: "1s", pca: 99.5, servers: 1, uptime: 85, changeover: "1h", batch: 1200, automation: "automated" };
    const rows = dataRows(step, map, { visits: 1, ect_s: 4.71, utilisation: 0.07, critical: true, rework_s: 0 });
    // One duration a row (a box a dozen letters wide); the team is its lane's, not repeated.
    expect(rows).toEqual([
      [["PT", "1 s"]],
      [["LT", "1 s"]],
      [["%C&A", "99.5%"]],
      [["ECT", "4.71 s"]],
      [
        ["Srv", "1"],
        ["Up", "85%"],
      ],
      [["C/O", "1 h"]],
      [["Batch", "1200"]],
      [["", "automated"]],
    ]);
    // A step of no lane's team says whose it is.
    expect(dataRows({ ...step, team: "paint" }, map, null).at(-1)).toEqual([["", "paint · automated"]]);
    expect(dataRows({ ...step, team: null, automation: null }, map, null).at(-1)).toEqual([["", "no team"]]);
    expect(stepHeight(step, map)).toBeGreaterThan(STEP_H);
    expect(stepHeight(step, map)).toBe(headerHeight(step) + rows.length * ROW_H + 10);
  });
  it("keeps the standard size for the usual step, and its height does not hang on the analysis", () => {
    const step: Step = { id: "a", name: "Train", team: "press", pt: "6h", lt: "3d" };
    expect(stepHeight(step, map)).toBe(STEP_H);
    expect(dataRows(step, map, null).length).toBe(dataRows(step, map, { visits: 1, ect_s: 1, utilisation: null, critical: false, rework_s: 0 }).length);
  });
  it("wraps a long name onto up to three lines, each word whole", () => {
    const name = "Independent model validation";
    const lines = nameLines(name);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(NAME_LINES);
    expect(lines.join(" ")).toBe(name);
    const long = "word ".repeat(40).trim();
    const cut = nameLines(long);
    expect(cut.length).toBe(NAME_LINES);
    expect(cut[NAME_LINES - 1].endsWith("…")).toBe(true);
  });
  it("in presentation mode is larger, without the automation, and the editor's again after it", () => {
    const step: Step = { id: "a", name: "Retrain the candidate model", team: "press", pt: "6h", lt: "3d", pca: 90, automation: "manual" };
    const normal = { h: stepHeight(step, map), rows: dataRows(step, map, null), lines: nameLines(step.name!) };
    setPresenting(true);
    try {
      expect(STEP_W).toBeGreaterThan(124);
      expect(dataRows(step, map, null)).toEqual(normal.rows.slice(0, -1));
      expect(nameLines(step.name!).length).toBeGreaterThanOrEqual(normal.lines.length);
      expect(stepHeight(step, map)).toBeGreaterThan(normal.h);
    } finally {
      setPresenting(false);
    }
    expect(STEP_W).toBe(124);
    expect(stepHeight(step, map)).toBe(normal.h);
    expect(dataRows(step, map, null)).toEqual(normal.rows);
  });
  it("reads whole for every name of up to 24 characters", () => {
    for (const name of ["Independent verification", "Retrain candidate models", "Feature-store backfilling", "Labelling-queue triaging", "ABCDEFGHIJKLMNOPQRSTUVWX", "Canary rollout to scoring"].filter((n) => n.length <= 24)) {
      const lines = nameLines(name);
      expect(lines.length, name).toBeLessThanOrEqual(NAME_LINES);
      expect(lines.join("").replace(/ /g, ""), name).toBe(name.replace(/ /g, ""));
    }
  });
});

describe("the map's own fields in the mirror", () => {
  it("are the core's meta record, whatever fields it has; one left out is at its default", () => {
    const m = new Mirror({ format: "takt", version: 1, name: "Old", description: "Was here", unit: "wd", steps: [{ id: "a", name: "A" }] });
    m.apply({
      changes: [
        {
          key: { kind: "meta", id: "" },
          before: { index: 0, record: { meta: { name: "Old", description: "Was here", unit: "wd" } } },
          after: { index: 0, record: { meta: { name: "New", demand: { items: 6, per: "1w" } } } },
        },
      ],
    });
    expect(m.map.name).toBe("New");
    expect(m.map.description).toBeUndefined();
    expect(m.map.unit).toBeUndefined();
    expect(m.map.demand).toEqual({ items: 6, per: "1w" });
    expect(m.map.steps?.length).toBe(1);
    expect(metaOf(m.map)).toEqual({ name: "New", demand: { items: 6, per: "1w" } });
  });
});
