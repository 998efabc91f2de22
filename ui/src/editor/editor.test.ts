import { describe, expect, it } from "vitest";
import type { Diff, Op, Step, ValueStream } from "../bindings";
import { autoLayout } from "./layout";
import { Mirror } from "./mirror";
import { Scene } from "./scene";
import { SpatialIndex } from "./spatial";
import { Tools, type ToolHost } from "./tools";
import { Viewport } from "./viewport";
import { fmtElapsed, fmtSeconds, parseDurationInput } from "./format";
import { PAN_MARGIN, panFrame } from "./pancache";
import { COL, STEP_H, STEP_W, type Point, type Rect } from "./geometry";
import { draw, highlights, LANE_NAMES_INSIDE, LIGHT, type DrawLayer } from "./render";
import { changedRects, REACH, REACH_PX, regionPlan } from "./region";

function chain(n: number, positioned = true): ValueStream {
  return {
    format: "takt",
    version: 1,
    name: "chain",
    teams: [
      { id: "a", name: "A" },
      { id: "b", name: "B" },
    ],
    steps: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      name: `Step ${i}`,
      team: i % 2 ? "b" : "a",
      pt: "1h",
      ...(positioned ? { x: i * 300, y: 0 } : {}),
    })),
    flows: Array.from({ length: n - 1 }, (_, i) => ({ from: `s${i}`, to: `s${i + 1}` })),
  };
}

describe("the mirror", () => {
  it("applies adds, updates, moves and removes at the core's positions", () => {
    const m = new Mirror(chain(3));
    const add: Diff = {
      changes: [{ key: { kind: "step", id: "n" }, before: null, after: { index: 1, record: { step: { id: "n", name: "New" } } } }],
    };
    m.apply(add);
    expect(m.steps.map((s) => s.id)).toEqual(["s0", "n", "s1", "s2"]);
    expect(m.step("s1")?.name).toBe("Step 1");
    const update: Diff = {
      changes: [
        {
          key: { kind: "step", id: "n" },
          before: { index: 1, record: { step: { id: "n", name: "New" } } },
          after: { index: 1, record: { step: { id: "n", name: "Renamed" } } },
        },
      ],
    };
    m.apply(update);
    expect(m.step("n")?.name).toBe("Renamed");
    const remove: Diff = {
      changes: [{ key: { kind: "step", id: "n" }, before: { index: 1, record: { step: { id: "n", name: "Renamed" } } }, after: null }],
    };
    m.apply(remove);
    expect(m.steps.map((s) => s.id)).toEqual(["s0", "s1", "s2"]);
    expect(m.step("n")).toBeUndefined();
    expect(m.version).toBe(3);
  });

  it("undoes a diff exactly with its inverse", () => {
    const m = new Mirror(chain(4));
    const start = structuredClone(m.map);
    const diff: Diff = {
      changes: [
        { key: { kind: "flow", id: "s0>s1" }, before: { index: 0, record: { flow: { from: "s0", to: "s1" } } }, after: null },
        { key: { kind: "step", id: "s0" }, before: { index: 0, record: { step: m.steps[0] } }, after: null },
      ],
    };
    m.apply(diff);
    expect(m.steps).toHaveLength(3);
    const inverse: Diff = { changes: [...diff.changes].reverse().map((c) => ({ key: c.key, before: c.after, after: c.before })) };
    m.apply(inverse);
    expect(m.map).toEqual(start);
  });

  it("makes fresh ids from names", () => {
    const m = new Mirror(chain(1));
    expect(m.newStepId("Train the model!")).toBe("train-the-model");
    m.apply({ changes: [{ key: { kind: "step", id: "train" }, before: null, after: { index: 1, record: { step: { id: "train", name: "" } } } }] });
    expect(m.newStepId("Train")).toBe("train-2");
    expect(m.newStepId("***")).toBe("step");
  });
});

describe("the spatial index", () => {
  it("finds exactly the items a rectangle meets, once each, on a large map", () => {
    const idx = new SpatialIndex<number>(256);
    const rects: Rect[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = { x: (i % 50) * 260, y: Math.floor(i / 50) * 170, w: STEP_W, h: STEP_H };
      rects.push(r);
      idx.insert(i, r);
    }
    const q = { x: 1000, y: 500, w: 900, h: 600 };
    const got = idx.query(q).filter((i) => {
      const r = rects[i];
      return r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h;
    });
    const want = rects.map((r, i) => [r, i] as const).filter(([r]) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h).map(([, i]) => i);
    expect(got.sort((a, b) => a - b)).toEqual(want);
    expect(new Set(idx.query(q)).size).toBe(idx.query(q).length);
  });
});

describe("automatic layout", () => {
  it("puts each step a column after the steps that feed it, in its team's lane", () => {
    const map = chain(4, false);
    map.flows!.push({ from: "s0", to: "s2" });
    const { positions } = autoLayout(map);
    expect(positions.map((p) => p.x)).toEqual([0, COL, 2 * COL, 3 * COL]);
    // Lanes in team order: a's steps above b's.
    expect(positions[0].y).toBe(positions[2].y);
    expect(positions[1].y).toBeGreaterThan(positions[0].y);
  });

  it("ignores rework and information flows when ranking", () => {
    const map = chain(3, false);
    map.flows!.push({ from: "s2", to: "s0", kind: "rework", p: 0.1 });
    map.flows!.push({ from: "s2", to: "s1", kind: "information" });
    expect(autoLayout(map).positions.map((p) => p.x)).toEqual([0, COL, 2 * COL]);
  });
});

describe("the viewport", () => {
  it("zooms about the pointer and round-trips points", () => {
    const v = new Viewport();
    const at = { x: 300, y: 200 };
    const w = v.toWorld(at);
    v.zoomAt(2.5, at);
    expect(v.toScreen(w).x).toBeCloseTo(at.x);
    expect(v.toScreen(w).y).toBeCloseTo(at.y);
    expect(v.toWorld(v.toScreen({ x: 17, y: -4 })).x).toBeCloseTo(17);
  });

  it("fits a map on screen, never above 100%", () => {
    const v = new Viewport();
    v.width = 1000;
    v.height = 600;
    v.fit({ x: 0, y: 0, w: 5000, h: 1000 });
    const vis = v.visible();
    expect(vis.x).toBeLessThanOrEqual(0);
    expect(vis.x + vis.w).toBeGreaterThanOrEqual(5000);
    v.fit({ x: 0, y: 0, w: 100, h: 100 });
    expect(v.scale).toBe(1);
    // With room kept on the left (for the lanes' names).
    v.fit({ x: 300, y: 0, w: 5000, h: 1000 }, 48, 220);
    expect(v.toScreen({ x: 300, y: 0 }).x).toBeCloseTo(220);
    expect(v.toScreen({ x: 5300, y: 0 }).x).toBeCloseTo(1000 - 48);
    v.fit({ x: 300, y: 0, w: 100, h: 100 }, 48, 220);
    expect(v.toScreen({ x: 300, y: 0 }).x).toBeGreaterThanOrEqual(220);
  });
});

/** A tool host that records what the tools ask for. */
function host(map: ValueStream): ToolHost & { ops: Op[]; drag: Point | null; calls: string[] } {
  const scene = new Scene();
  scene.build(new Mirror(map));
  const h = {
    scene,
    viewport: new Viewport(),
    selection: new Set<string>(),
    selectedFlow: null as string | null,
    ops: [] as Op[],
    drag: null as Point | null,
    setSelection(ids: Iterable<string>, flow: string | null = null) {
      h.selection = new Set(ids);
      h.selectedFlow = flow;
      h.kaizen = null;
    },
    kaizen: null as string | null,
    selectKaizen(id: string) {
      h.selection = new Set();
      h.kaizen = id;
    },
    note: null as string | null,
    selectNote(id: string) {
      h.selection = new Set();
      h.note = id;
    },
    setDrag(ids: string[] | null, d: Point) {
      h.drag = ids ? d : null;
    },
    setMarquee() {},
    setConnecting() {},
    setHover() {},
    commit(op: Op) {
      h.ops.push(op);
    },
    reaches(a: string, b: string) {
      // A chain: s<i> reaches s<j> for j >= i.
      return Number(a.slice(1)) <= Number(b.slice(1));
    },
    editName() {},
    calls: [] as string[],
    redraw(bitmapsValid?: boolean) {
      h.calls.push(bitmapsValid ? "pan frame" : "redraw");
    },
    panning(on: boolean) {
      h.calls.push(on ? "pan begins" : "pan ends");
    },
  };
  h.viewport.ox = 0;
  h.viewport.oy = 0;
  return h;
}

const centre = (i: number) => ({ x: i * 300 + STEP_W / 2, y: STEP_H / 2 });
const left = { button: 0, shift: false, pan: false };

describe("the tools", () => {
  it("select by click, add with shift-click, clear on empty canvas", () => {
    const h = host(chain(3));
    const t = new Tools(h);
    t.down(centre(0), left);
    t.up(centre(0));
    expect([...h.selection]).toEqual(["s0"]);
    t.down(centre(2), { ...left, shift: true });
    t.up(centre(2));
    expect([...h.selection].sort()).toEqual(["s0", "s2"]);
    t.down({ x: 150, y: 600 }, left);
    t.up({ x: 150, y: 600 });
    expect(h.selection.size).toBe(0);
  });

  it("box-selects the steps a dragged rectangle meets", () => {
    const h = host(chain(4));
    const t = new Tools(h);
    t.down({ x: -20, y: -20 }, left);
    t.move({ x: 500, y: 60 });
    t.up({ x: 500, y: 60 });
    expect([...h.selection].sort()).toEqual(["s0", "s1"]);
  });

  it("drags the selection as one snapped move edit", () => {
    const h = host(chain(3));
    const t = new Tools(h);
    t.down(centre(0), left);
    t.move({ x: centre(0).x + 2, y: centre(0).y });
    expect(h.ops).toHaveLength(0);
    t.move({ x: centre(0).x + 53, y: centre(0).y + 207 });
    t.up({ x: centre(0).x + 53, y: centre(0).y + 207 });
    expect(h.ops).toEqual([{ op: "move", key: { kind: "step", id: "s0" }, x: 50, y: 210 }]);
  });

  it("aligns a dragged step with a neighbour's edge", () => {
    const h = host(chain(3));
    const t = new Tools(h);
    t.down(centre(1), left);
    t.move({ x: centre(1).x + 14, y: centre(1).y + 204 });
    t.up({ x: centre(1).x + 14, y: centre(1).y + 204 });
    const op = h.ops[0] as { x: number; y: number };
    expect(op.x).toBe(310);
    expect(op.y).toBe(200);
  });

  it("connects two steps by dragging from a port", () => {
    const h = host(chain(3));
    const t = new Tools(h);
    const port = { x: STEP_W, y: STEP_H / 2 };
    t.down(port, left);
    t.move(centre(2));
    t.up(centre(2));
    expect(h.ops).toEqual([{ op: "add", record: { flow: { from: "s0", to: "s2" } } }]);
  });

  it("makes a flow back to an upstream step a rework flow", () => {
    const h = host(chain(3));
    const t = new Tools(h);
    const port = { x: 600 + STEP_W, y: STEP_H / 2 };
    t.down(port, left);
    t.move(centre(0));
    t.up(centre(0));
    expect(h.ops).toEqual([{ op: "add", record: { flow: { from: "s2", to: "s0", kind: "rework", p: 0.1 } } }]);
  });

  it("pans with the middle button and selects flows by clicking them", () => {
    const h = host(chain(2));
    const t = new Tools(h);
    t.down({ x: 10, y: 10 }, { ...left, button: 1 });
    t.move({ x: 60, y: 30 });
    t.up({ x: 60, y: 30 });
    expect([h.viewport.ox, h.viewport.oy]).toEqual([50, 20]);
    // The editor is told the gesture's bounds, and its frames are pan frames only.
    expect(h.calls).toEqual(["pan begins", "pan frame", "pan ends"]);
    const mid = h.viewport.toScreen({ x: 240, y: STEP_H / 2 });
    t.down(mid, left);
    t.up(mid);
    expect(h.selectedFlow).toBe("s0>s1");
  });
});

describe("dragging steps", () => {
  it("moves only the dragged boxes and their flows, as a full rebuild would place them", () => {
    const m = new Mirror(chain(5));
    const scene = new Scene();
    scene.build(m);
    const delta = { x: 130, y: 70 };
    scene.drag(m, ["s1", "s3"], delta);
    scene.drag(m, ["s1", "s3"], { x: 140, y: 80 }); // a second move of the same drag
    const full = new Scene();
    full.build(m, new Map(["s1", "s3"].map((id) => [id, { x: 140, y: 80 }])));
    expect(scene.boxes.map((b) => b.rect)).toEqual(full.boxes.map((b) => b.rect));
    expect(scene.flows.map((f) => f.points)).toEqual(full.flows.map((f) => f.points));
    expect(scene.lanes).toEqual(full.lanes);
    expect(scene.bounds).toEqual(full.bounds);
    // Found where it is now, not where it was.
    const s1 = full.box("s1")!.rect;
    expect(scene.stepsIn(s1).map((b) => b.step.id)).toContain("s1");
    expect(scene.stepsIn({ x: 300, y: 0, w: 10, h: 10 }).map((b) => b.step.id)).not.toContain("s1");
    expect(scene.hit({ x: s1.x + 20, y: s1.y + 20 }, 1)).toEqual({ kind: "step", id: "s1", port: false });
    const moved = full.flows.find((f) => f.key === "s0>s1")!;
    expect(scene.flowsIn(moved.bounds).map((f) => f.key)).toContain("s0>s1");
    // The next build ends the drag.
    scene.build(m);
    expect(scene.box("s1")!.rect.x).toBe(300);
  });
});

describe("the layers of a drag", () => {
  it("split the map into what moves and what stays, which together are the whole", () => {
    const m = new Mirror(chain(6));
    const scene = new Scene();
    scene.build(m);
    const all = { x: -1000, y: -1000, w: 5000, h: 3000 };
    const ids = (bs: { step: { id: string } }[]) => bs.map((b) => b.step.id).sort();
    const keys = (fs: { key: string }[]) => fs.map((f) => f.key).sort();
    // No drag: everything is still.
    expect(scene.dragging).toBe(false);
    expect(scene.stepsIn(all, "moving")).toEqual([]);
    expect(ids(scene.stepsIn(all, "still"))).toEqual(ids(scene.stepsIn(all)));
    expect(scene.flowsIn(all, "moving")).toEqual([]);
    scene.drag(m, ["s2", "s3"], { x: 20, y: 30 });
    expect(scene.dragging).toBe(true);
    expect(ids(scene.stepsIn(all, "moving"))).toEqual(["s2", "s3"]);
    expect(ids(scene.stepsIn(all, "still"))).toEqual(["s0", "s1", "s4", "s5"]);
    // A flow moves when either end does.
    expect(keys(scene.flowsIn(all, "moving"))).toEqual(["s1>s2", "s2>s3", "s3>s4"]);
    expect(keys(scene.flowsIn(all, "still"))).toEqual(["s0>s1", "s4>s5"]);
    expect([...keys(scene.flowsIn(all, "moving")), ...keys(scene.flowsIn(all, "still"))].sort()).toEqual(keys(scene.flowsIn(all)));
    // The moving layer is culled where the steps are now.
    const s2 = scene.box("s2")!.rect;
    expect(ids(scene.stepsIn({ x: s2.x, y: s2.y, w: 5, h: 5 }, "moving"))).toEqual(["s2"]);
    expect(scene.stepsIn({ x: 600, y: 0, w: 5, h: 5 }, "moving")).toEqual([]);
    // The next build ends the drag: everything is still again.
    scene.build(m);
    expect(scene.dragging).toBe(false);
    expect(scene.stepsIn(all, "moving")).toEqual([]);
  });
});

describe("the pan bitmap", () => {
  it("is copied shifted while only the offset changes, and redrawn past its margin or on any other change", () => {
    expect(panFrame(null, 0, 0, 1)).toEqual({ redraw: true });
    const view = { ox: 100, oy: 50, stamp: 7 };
    expect(panFrame(view, 100, 50, 7)).toEqual({ redraw: false, dx: 0, dy: 0 });
    expect(panFrame(view, 100 - PAN_MARGIN, 50 + 40, 7)).toEqual({ redraw: false, dx: -PAN_MARGIN, dy: 40 });
    expect(panFrame(view, 100 - PAN_MARGIN - 1, 50, 7)).toEqual({ redraw: true });
    expect(panFrame(view, 100, 50 + PAN_MARGIN + 1, 7)).toEqual({ redraw: true });
    // A selection, an edit or new metrics bump the stamp: the bitmap is stale.
    expect(panFrame(view, 101, 50, 8)).toEqual({ redraw: true });
  });
});

describe("kaizen bursts", () => {
  it("are selected by click and moved by drag as one edit", () => {
    const map = chain(2);
    map.kaizen = [{ id: "k1", title: "Automate checks", x: 100, y: 400 }];
    const h = host(map);
    const t = new Tools(h);
    t.down({ x: 100, y: 400 }, left);
    expect((h as unknown as { kaizen: string }).kaizen).toBe("k1");
    t.move({ x: 160, y: 430 });
    t.up({ x: 160, y: 430 });
    expect(h.ops).toEqual([{ op: "move", key: { kind: "kaizen", id: "k1" }, x: 160, y: 430 }]);
  });
});

describe("formats", () => {
  it("shows times in natural units and reads typed ones", () => {
    expect(fmtSeconds(90)).toBe("1.5 min");
    expect(fmtSeconds(3 * 86400)).toBe("3 d");
    expect(fmtElapsed(7200, { unit: "h", calendar: null })).toBe("2 h");
    expect(parseDurationInput("2 h")).toBe("2h");
    expect(parseDurationInput("90")).toBe(90);
    expect(parseDurationInput("")).toBeNull();
  });
});

describe("SVG export", () => {
  it("draws the same scene as vectors: shapes, names, queue labels", async () => {
    const { SvgContext } = await import("./svg");
    const { draw, highlights, LIGHT } = await import("./render");
    const map = chain(3);
    map.flows![0].wait = "2d";
    const m = new Mirror(map);
    const scene = new Scene();
    scene.build(m);
    const v = new Viewport();
    v.width = 1200;
    v.height = 400;
    v.fit(scene.bounds);
    const svg = new SvgContext(1200, 400);
    const state = {
      scene,
      map: m.map,
      analysis: null,
      viewport: v,
      theme: LIGHT,
      selected: new Set<string>(),
      selectedFlow: null,
      hover: null,
      connecting: null,
      marquee: null,
      grid: false,
    };
    draw(svg as unknown as CanvasRenderingContext2D, state, highlights(m.map, null));
    const text = svg.toString();
    expect(text.startsWith("<?xml")).toBe(true);
    expect(text).toContain(">Step 0</text>");
    expect(text).toContain(">Step 2</text>");
    expect(text).toContain(">2 d</text>");
    expect(text.match(/<path /g)!.length).toBeGreaterThan(6);
    expect(text).not.toContain("NaN");
    // Every element that was opened is closed.
    expect(text.match(/<text /g)!.length).toBe(text.match(/<\/text>/g)!.length);
  });
});

describe("clipping", () => {
  it("keeps the part of a segment inside a rectangle", async () => {
    const { clipSegment } = await import("./geometry");
    const r = { x: 0, y: 0, w: 100, h: 100 };
    expect(clipSegment({ x: -50, y: 50 }, { x: 150, y: 50 }, r)).toEqual([
      { x: 0, y: 50 },
      { x: 100, y: 50 },
    ]);
    expect(clipSegment({ x: 10, y: 10 }, { x: 20, y: 30 }, r)).toEqual([
      { x: 10, y: 10 },
      { x: 20, y: 30 },
    ]);
    expect(clipSegment({ x: -10, y: -10 }, { x: -5, y: 200 }, r)).toBeNull();
  });
});

/**
 * A 2D context that draws nothing: `extra` records what a test looks at, every other method
 * does nothing. It keeps the dash pattern, which `extra` can read as `this.dash`.
 */
function recorder(extra: Record<string, unknown>): CanvasRenderingContext2D {
  const target: Record<string | symbol, unknown> = {
    lineDashOffset: 0,
    dash: [] as number[],
    measureText: (s: string) => ({ width: s.length * 7 }),
    setLineDash(this: { dash: number[] }, d: number[]) {
      this.dash = d;
    },
    ...extra,
  };
  return new Proxy(target, { get: (t, k) => (k in t ? t[k] : () => undefined) }) as unknown as CanvasRenderingContext2D;
}

function drawState(scene: Scene, m: Mirror, v: Viewport) {
  return { scene, map: m.map, analysis: null, viewport: v, theme: LIGHT, selected: new Set<string>(), selectedFlow: null, hover: null, connecting: null, marquee: null, grid: false };
}

describe("lane names", () => {
  const setUp = (scale: number) => {
    const m = new Mirror(chain(6));
    const scene = new Scene();
    scene.build(m);
    const texts: string[] = [];
    const ctx = recorder({ fillText: (s: string) => texts.push(s) });
    const v = new Viewport();
    Object.assign(v, { ox: 0, oy: 0, width: 1200, height: 600, scale });
    const drawn = (layer?: DrawLayer, laneNames?: boolean) => {
      texts.length = 0;
      draw(ctx, { ...drawState(scene, m, v), layer, laneNames }, highlights(m.map, null));
      return [...texts];
    };
    return { m, scene, drawn };
  };
  const names = ["A", "B"];
  it("zoomed out, are drawn over everything in a full frame and a drag frame, and in no other layer", () => {
    const { m, scene, drawn } = setUp(LANE_NAMES_INSIDE / 2);
    const full = drawn();
    expect(full.length).toBeGreaterThan(names.length);
    expect(full.slice(-2).sort()).toEqual(names);
    expect(full.slice(0, -2).filter((t) => names.includes(t))).toEqual([]);
    // The pan bitmap draws them over each copy instead.
    expect(drawn(undefined, false).filter((t) => names.includes(t))).toEqual([]);
    scene.drag(m, ["s2"], { x: 20, y: 30 });
    expect(drawn().slice(-2).sort()).toEqual(names);
    expect(drawn("under").filter((t) => names.includes(t))).toEqual([]);
    expect(drawn("still").filter((t) => names.includes(t))).toEqual([]);
    expect(drawn("moving").slice(-2).sort()).toEqual(names);
  });
  it("zoomed in, are part of the map under its flows and steps: first in a frame, in the pan bitmap, under a drag", () => {
    const { m, scene, drawn } = setUp(1);
    const full = drawn();
    expect(full.slice(0, 2).sort()).toEqual(names);
    expect(full.slice(2).filter((t) => names.includes(t))).toEqual([]);
    expect(drawn(undefined, false).slice(0, 2).sort()).toEqual(names);
    scene.drag(m, ["s2"], { x: 20, y: 30 });
    expect(drawn("under").sort()).toEqual(names);
    expect(drawn("still").filter((t) => names.includes(t))).toEqual([]);
    expect(drawn("moving").filter((t) => names.includes(t))).toEqual([]);
  });
});

describe("dashed flows", () => {
  it("keep their pattern from the flow's start wherever the view clips them", () => {
    const map = chain(6);
    map.flows!.push({ from: "s4", to: "s1", kind: "rework", p: 0.2 }, { from: "s0", to: "s5", kind: "information" });
    const m = new Mirror(map);
    const scene = new Scene();
    scene.build(m);
    // Records where each dashed subpath starts and the dash offset it is stroked with.
    const starts: { p: Point; offset: number; period: number }[] = [];
    const ctx = recorder({
      moveTo(this: { dash: number[]; lineDashOffset: number }, x: number, y: number) {
        if (this.dash.length) starts.push({ p: { x, y }, offset: this.lineDashOffset, period: this.dash[0] + this.dash[1] });
      },
    });
    const flows = scene.flows.filter((f) => f.flow.kind === "rework" || f.flow.kind === "information");
    expect(flows.length).toBe(2);
    /** How far along a dashed flow `p` lies, or null when it is on neither. */
    const along = (p: Point): number | null => {
      for (const f of flows) {
        let d = 0;
        for (let i = 1; i < f.points.length; i++) {
          const [a, b] = [f.points[i - 1], f.points[i]];
          const len = Math.hypot(b.x - a.x, b.y - a.y);
          const t = Math.hypot(p.x - a.x, p.y - a.y);
          if (Math.abs(t + Math.hypot(b.x - p.x, b.y - p.y) - len) < 1e-6) return d + t;
          d += len;
        }
      }
      return null;
    };
    // The view, and a wider view about it (as a pan bitmap draws), cutting the flows at
    // different places.
    for (const [ox, oy, w, h] of [
      [-433.3, 40, 800, 300],
      [-433.3 + 256, 40 + 256, 800 + 512, 300 + 512],
      [-1017.7, -20, 600, 500],
    ]) {
      starts.length = 0;
      const v = new Viewport();
      Object.assign(v, { ox, oy, width: w, height: h, scale: 1 });
      draw(ctx, drawState(scene, m, v), highlights(m.map, null));
      expect(starts.length).toBeGreaterThan(0);
      let clipped = 0;
      for (const s of starts) {
        const d = along(s.p);
        expect(d).not.toBeNull();
        if (d! % s.period > 1e-6) clipped++;
        const phase = (((s.offset - d!) % s.period) + s.period) % s.period;
        expect(Math.min(phase, s.period - phase)).toBeLessThan(1e-6);
      }
      expect(clipped).toBeGreaterThan(0);
    }
  });
});

describe("an edit's frame", () => {
  /** A change that puts `after` in place of step `i`'s record. */
  const stepUpdate = (m: Mirror, i: number, after: Partial<Step>): Diff => ({
    changes: [
      {
        key: { kind: "step", id: m.steps[i].id },
        before: { index: i, record: { step: m.steps[i] } },
        after: { index: i, record: { step: { ...m.steps[i], ...after } } },
      },
    ],
  });
  const none = highlights(chain(1), null);

  it("keeps the scene when only records kept in place changed, and names what changed", () => {
    const m = new Mirror(chain(6, false));
    const scene = new Scene();
    scene.build(m);
    const where = scene.boxes.map((b) => ({ ...b.rect }));
    const layout = m.layoutVersion;
    m.apply(stepUpdate(m, 2, { pt: "3h", pca: 80, notes: "slow" }));
    expect(m.layoutVersion).toBe(layout);
    const changed = scene.refresh(m)!;
    expect(changed.boxes.map((b) => b.step.id)).toEqual(["s2"]);
    // With the flows at the step: a flow draws some of its ends' records (an XOR split's
    // probabilities on the flows out of it).
    expect(changed.flows.map((f) => f.key).sort()).toEqual(["s1>s2", "s2>s3"]);
    expect(scene.box("s2")!.step.pca).toBe(80);
    // As a build would have it.
    const fresh = new Scene();
    fresh.build(m);
    expect(scene.boxes).toEqual(fresh.boxes);
    expect(scene.flows).toEqual(fresh.flows);
    expect(scene.boxes.map((b) => b.rect)).toEqual(where);
    // A flow's wait: that flow.
    const f = m.flows[1];
    m.apply({ changes: [{ key: { kind: "flow", id: "s1>s2" }, before: { index: 1, record: { flow: f } }, after: { index: 1, record: { flow: { ...f, wait: "2d" } } } }] });
    const flowChanged = scene.refresh(m)!;
    expect(flowChanged.flows.map((x) => x.key)).toEqual(["s1>s2"]);
    expect(flowChanged.boxes.map((b) => b.step.id).sort()).toEqual(["s1", "s2"]);
  });

  it("needs a build when a step moves, changes team or kind, or anything else changes", () => {
    for (const after of [{ x: 500, y: 20 }, { team: "a" }, { kind: "gate" as const }]) {
      const m = new Mirror(chain(4));
      const scene = new Scene();
      scene.build(m);
      m.apply(stepUpdate(m, 1, after));
      expect(scene.refresh(m)).toBeNull();
    }
    const m = new Mirror(chain(4));
    const scene = new Scene();
    scene.build(m);
    m.apply({ changes: [{ key: { kind: "team", id: "a" }, before: { index: 0, record: { team: { id: "a", name: "A" } } }, after: { index: 0, record: { team: { id: "a", name: "Ops" } } } }] });
    expect(scene.refresh(m)).toBeNull();
    // Nor while a drag lasts.
    const m2 = new Mirror(chain(4));
    const s2 = new Scene();
    s2.build(m2);
    s2.drag(m2, ["s1"], { x: 10, y: 0 });
    m2.apply(stepUpdate(m2, 2, { pt: "2h" }));
    expect(s2.refresh(m2)).toBeNull();
  });

  it("redraws the changed records and what the analysis highlights anew", () => {
    const m = new Mirror(chain(6));
    const scene = new Scene();
    scene.build(m);
    const before = { ...none, critical: new Set(["s0", "s1"]), criticalFlows: new Set(["s0>s1"]), bottleneck: "s1" };
    const after = { ...none, critical: new Set(["s0", "s1", "s2"]), criticalFlows: new Set(["s0>s1", "s1>s2"]), bottleneck: "s4", overTakt: new Set(["s5"]) };
    const rects = changedRects(scene, { boxes: [scene.box("s3")!], flows: [] }, before, after);
    const box = (id: string) => scene.box(id)!.rect;
    const flow = scene.flows.find((f) => f.key === "s1>s2")!.bounds;
    expect(new Set(rects)).toEqual(new Set([box("s3"), box("s2"), box("s5"), box("s1"), box("s4"), flow]));
    expect(changedRects(scene, { boxes: [], flows: [] }, before, before)).toEqual([]);
  });

  it("is clipped to whole pixels around the change, widened for what steps draw beyond their boxes", () => {
    const v = new Viewport();
    Object.assign(v, { ox: 0.5, oy: 0, width: 1000, height: 600, scale: 0.5 });
    const plan = regionPlan([{ x: 400, y: 300, w: 200, h: 120 }], v);
    if (typeof plan === "string") throw new Error(plan);
    const reach = (REACH + REACH_PX / 0.5) * 0.5; // in screen pixels
    expect(plan.clip).toEqual({ x: Math.floor(200.5 - reach), y: 150 - reach, w: Math.ceil(300.5 + reach) - Math.floor(200.5 - reach), h: 60 + 2 * reach });
    // Within the view.
    const edge = regionPlan([{ x: 0, y: 0, w: 100, h: 100 }], v);
    if (typeof edge === "string") throw new Error(edge);
    expect([edge.clip.x, edge.clip.y]).toEqual([0, 0]);
    // The steps to draw: those that reach into the clip.
    const c = v.toWorld({ x: plan.clip.x, y: plan.clip.y });
    expect(plan.cull.x).toBeCloseTo(c.x - REACH - REACH_PX / 0.5);
    expect(plan.cull.w).toBeCloseTo(plan.clip.w / 0.5 + 2 * (REACH + REACH_PX / 0.5));
    // In whole device pixels at a fractional pixel ratio, the cull in world units.
    const hi = regionPlan([{ x: 400, y: 300, w: 200, h: 120 }], v, 1.5);
    if (typeof hi === "string") throw new Error(hi);
    for (const n of [hi.clip.x, hi.clip.y, hi.clip.w, hi.clip.h]) expect(Number.isInteger(n)).toBe(true);
    expect(hi.clip.x).toBe(Math.floor((200.5 - reach) * 1.5));
    expect(hi.cull.w).toBeCloseTo(hi.clip.w / 1.5 / 0.5 + 2 * (REACH + REACH_PX / 0.5));
    // Off screen: nothing; most of the view: all of it; nothing changed: nothing.
    expect(regionPlan([{ x: 5000, y: 100, w: 200, h: 120 }], v)).toBe("none");
    expect(regionPlan([{ x: 0, y: 0, w: 1800, h: 1000 }], v)).toBe("all");
    expect(regionPlan([], v)).toBe("none");
  });
});
