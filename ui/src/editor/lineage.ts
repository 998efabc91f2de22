// The lineage canvas: the map's data assets and the derives-from edges between them, laid out
// in layers by the core (`lineage::overview`: sources left, endpoints right), drawn like the
// value-stream canvas (only what is on screen, less detail when zoomed out, a bitmap copied
// while panning), edited through the same host (`edit`), each edit a core operation.

import type { AssetKind, DataAsset, LineageEdge, Op, Overview, ValueStream } from "../bindings";
import { fmtDuration, fmtElapsed } from "./format";
import { clipSegment, contains, intersects, type Point, type Rect } from "./geometry";
import { PAN_MARGIN, panFrame, type CachedView } from "./pancache";
import { dpr, nearestSize, setPixelRatio, type Theme } from "./render";
import { SpatialIndex } from "./spatial";
import { pathFor } from "./svg";
import { MIN_SCALE, Viewport } from "./viewport";
import type { EditRequest } from "./editor";

export const ASSET_W = 184;
export const ASSET_H = 70;
/** Distance between the left edges of two columns, and between two rows' tops. */
export const LCOL = 270;
export const LROW = 100;
const PORT_R = 8;
/** Below this zoom, assets are blocks, and the view is copied from one bitmap (`drawFar`). */
const FAR = 0.2;
const FAR_MARGIN = 20;
const HIT_PX = 4;

export const KIND_LABEL: { [k in AssetKind]: string } = {
  source: "Source system",
  dataset: "Dataset",
  job: "Pipeline job",
  feature: "Feature",
  feature_store: "Feature store",
  model: "Model",
  model_version: "Model version",
  endpoint: "Endpoint",
};

export interface LineageEvents {
  edit(op: EditRequest): Promise<boolean>;
  selectionChanged(asset: string | null): void;
  /** Start editing an asset's name in place, over `at` (screen rectangle). */
  editName(id: string, at: Rect): void;
  /** The pointer is over an asset (or none): the value-stream canvas shows its steps. */
  hovered?(asset: string | null): void;
  /** The combined view: the pointer is over a step (or none); a step was clicked. */
  hoveredStep?(step: string | null): void;
  stepClicked?(step: string): void;
  drew?(ms: number): void;
}

export interface AssetBox {
  index: number;
  asset: DataAsset;
  rect: Rect;
}

interface EdgeLine {
  index: number;
  edge: LineageEdge;
  key: string;
  a: AssetBox;
  b: AssetBox;
  bounds: Rect;
}

/** What the lineage canvas highlights besides the selection: an impact or upstream answer. */
export interface LineageMarks {
  /** The asset asked about. */
  origin: string;
  assets: Set<string>;
}

/** Where `a` derives into `b`: the right edge of one to the left edge of the other. */
function ends(a: Rect, b: Rect): [Point, Point] {
  return [
    { x: a.x + a.w, y: a.y + a.h / 2 },
    { x: b.x, y: b.y + b.h / 2 },
  ];
}

function union(a: Rect, b: Rect): Rect {
  if (a.w === 0 && a.h === 0) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

function portOf(r: Rect): Point {
  return { x: r.x + r.w, y: r.y + r.h / 2 };
}

/** A step of the value stream where its canvas draws it (the combined view shows it above). */
export interface StepShape {
  id: string;
  name: string;
  team: string | null;
  kind: string;
  rect: Rect;
}

/** A step reading or writing an asset, in the combined view (a dashed line between them). */
export interface LinkLine {
  step: StepShape;
  asset: AssetBox;
  mode: "read" | "write";
}

/** Space between the value stream's lowest step and the first row of assets under it. */
const UNDER = 150;

/** The map's assets where the overview places them (or where they were put by hand). */
export class LineageScene {
  boxes: AssetBox[] = [];
  edges: EdgeLine[] = [];
  /** The combined view's steps (empty in the lineage view) and read/write links. */
  steps: StepShape[] = [];
  links: LinkLine[] = [];
  byId = new Map<string, AssetBox>();
  extent: Rect = { x: 0, y: 0, w: 0, h: 0 };
  private assetIndex = new SpatialIndex<AssetBox>(512);
  private edgeIndex = new SpatialIndex<EdgeLine>(512);

  /**
   * The combined view: the value stream's steps where its canvas draws them, and under them the
   * assets they read and write, each under the middle of its steps (rows added where two would
   * overlap), with the lineage edges between those assets and a dashed line for each link.
   */
  buildCombined(map: ValueStream, steps: StepShape[]): void {
    this.steps = steps;
    const byStep = new Map(steps.map((x) => [x.id, x]));
    const links = (map.links ?? []).filter((l) => byStep.has(l.step));
    const centres = new Map<string, number[]>();
    for (const l of links) {
      const r = byStep.get(l.step)!.rect;
      const list = centres.get(l.asset) ?? [];
      list.push(r.x + r.w / 2);
      centres.set(l.asset, list);
    }
    const bottom = steps.reduce((m, x) => Math.max(m, x.rect.y + x.rect.h), 0);
    const assets = (map.assets ?? []).map((asset, index) => ({ asset, index })).filter((x) => centres.has(x.asset.id));
    const want = assets.map((x) => {
      const c = centres.get(x.asset.id)!;
      return { ...x, cx: c.reduce((a, b) => a + b, 0) / c.length };
    });
    want.sort((a, b) => a.cx - b.cx || a.index - b.index);
    // Rows, each filled left to right: an asset goes in the first row where it fits.
    const rowEnd: number[] = [];
    this.boxes = want.map(({ asset, index, cx }) => {
      const x = cx - ASSET_W / 2;
      let row = rowEnd.findIndex((end) => end + 24 <= x);
      if (row < 0) {
        row = rowEnd.length;
        rowEnd.push(-Infinity);
      }
      rowEnd[row] = x + ASSET_W;
      return { index, asset, rect: { x, y: bottom + UNDER + row * LROW, w: ASSET_W, h: ASSET_H } };
    });
    this.index(map);
    this.links = [];
    for (const l of links) {
      const a = this.byId.get(l.asset);
      if (a) this.links.push({ step: byStep.get(l.step)!, asset: a, mode: l.mode });
    }
    for (const x of steps) {
      this.extent = union(this.extent, x.rect);
    }
  }

  build(map: ValueStream, ov: Overview | null, ovIds: string[], drag?: { id: string; d: Point }): void {
    this.steps = [];
    this.links = [];
    const assets = map.assets ?? [];
    const at = new Map<string, number>();
    ovIds.forEach((id, i) => {
      at.set(id, i);
    });
    let fallbackY = 0;
    let maxX = 0;
    const placed: (Point | null)[] = assets.map((a) => {
      if (a.x != null && a.y != null) return { x: a.x, y: a.y };
      const i = at.get(a.id);
      if (ov && i !== undefined && i < ov.layer.length) {
        const l = ov.layer[i];
        return { x: l * LCOL, y: (ov.row[i] - (ov.column[l] - 1) / 2) * LROW };
      }
      return null;
    });
    for (const p of placed) if (p) maxX = Math.max(maxX, p.x);
    this.boxes = assets.map((asset, index) => {
      // Not in the overview yet (it comes a moment after the edit): after the last column.
      const p = placed[index] ?? { x: maxX + LCOL, y: (fallbackY++) * LROW };
      const d = drag && drag.id === asset.id ? drag.d : null;
      return { index, asset, rect: { x: p.x + (d?.x ?? 0), y: p.y + (d?.y ?? 0), w: ASSET_W, h: ASSET_H } };
    });
    this.index(map);
  }

  /** The lookups, the edges between the boxes, the spatial indexes and the extent. */
  private index(map: ValueStream): void {
    this.byId.clear();
    for (const b of this.boxes) this.byId.set(b.asset.id, b);
    this.edges = [];
    (map.lineage ?? []).forEach((edge, index) => {
      const a = this.byId.get(edge.from);
      const b = this.byId.get(edge.to);
      if (!a || !b) return;
      const [p, q] = ends(a.rect, b.rect);
      const bounds = { x: Math.min(p.x, q.x) - 4, y: Math.min(p.y, q.y) - 4, w: Math.abs(q.x - p.x) + 8, h: Math.abs(q.y - p.y) + 8 };
      this.edges.push({ index, edge, key: `${edge.from}>${edge.to}`, a, b, bounds });
    });
    this.assetIndex.clear();
    for (const b of this.boxes) this.assetIndex.insert(b, b.rect);
    this.edgeIndex.clear();
    for (const e of this.edges) this.edgeIndex.insert(e, e.bounds);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const b of this.boxes) {
      x0 = Math.min(x0, b.rect.x);
      y0 = Math.min(y0, b.rect.y);
      x1 = Math.max(x1, b.rect.x + b.rect.w);
      y1 = Math.max(y1, b.rect.y + b.rect.h);
    }
    this.extent = this.boxes.length ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : { x: 0, y: 0, w: 0, h: 0 };
  }

  stepAt(p: Point): StepShape | null {
    for (const x of this.steps) if (contains(x.rect, p)) return x;
    return null;
  }

  assetsIn(r: Rect): AssetBox[] {
    return this.assetIndex.query(r).filter((b) => intersects(b.rect, r)).sort((a, b) => a.index - b.index);
  }
  edgesIn(r: Rect): EdgeLine[] {
    return this.edgeIndex.query(r).filter((e) => intersects(e.bounds, r));
  }

  /** What is under a world point: an asset's port, an asset, or nothing. */
  hit(p: Point, scale: number): { id: string; port: boolean } | null {
    const slack = HIT_PX / scale;
    const near = this.assetIndex.query({ x: p.x - PORT_R - slack, y: p.y - slack, w: 2 * (PORT_R + slack), h: 2 * slack });
    for (let i = near.length - 1; i >= 0; i--) {
      const b = near[i];
      const port = portOf(b.rect);
      if (Math.hypot(p.x - port.x, p.y - port.y) <= PORT_R / Math.min(1, scale) + slack) return { id: b.asset.id, port: true };
    }
    for (let i = near.length - 1; i >= 0; i--) if (contains(near[i].rect, p)) return { id: near[i].asset.id, port: false };
    return null;
  }
}

type Mode =
  | { kind: "idle" }
  | { kind: "pan"; last: Point }
  | { kind: "move"; id: string; start: Point; d: Point; moved: boolean }
  | { kind: "connect"; from: string; to: Point; target: string | null };

interface Bitmap {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  view: CachedView | null;
}

export class LineageCanvas {
  map: ValueStream = { format: "takt", version: 4, name: "" };
  overview: Overview | null = null;
  /** The asset ids the overview was computed for (its indices are theirs). */
  private ovIds: string[] = [];
  scene = new LineageScene();
  viewport = new Viewport();
  selected: string | null = null;
  marks: LineageMarks | null = null;
  /** Assets the pointer's step on the value-stream canvas reads or writes (combined hover). */
  touched: Set<string> | null = null;
  /** The combined view: the value stream's steps above the assets they read and write. */
  combined: StepShape[] | null = null;
  /** Steps to outline in the combined view (the hovered asset's, or an answer's). */
  stepMarks: Set<string> | null = null;
  private hoverStep: string | null = null;
  theme!: Theme;
  private ctx: CanvasRenderingContext2D;
  private hover: string | null = null;
  private mode: Mode = { kind: "idle" };
  private frame = 0;
  private stamp = 0;
  private changed = true;
  private built = false;
  private pan: Bitmap | null = null;
  private panActive = false;
  private spaceDown = false;
  /** The assets on each endpoint's freshness chain, and the edges between them. */
  private chain = { assets: new Set<string>(), edges: new Set<string>() };
  /** Team colours by id. */
  private teams = new Map<string, { name: string; color: string }>();
  /** How many steps read and write each asset. */
  private linkCount = new Map<string, { r: number; w: number }>();
  private unconsumed = new Set<string>();
  private copies = new Set<string>();
  private fresh = new Map<string, number>();
  /** Bumped when the scene is built again, and when the marks change (see `drawFar`). */
  private sceneStamp = 0;
  private marksStamp = 0;
  private far = new Map<number, { canvas: HTMLCanvasElement; key: string }>();

  constructor(
    readonly canvas: HTMLCanvasElement,
    private events: LineageEvents,
    theme: Theme,
  ) {
    this.theme = theme;
    this.ctx = canvas.getContext("2d", { alpha: false })!;
    this.listen();
    new ResizeObserver(() => this.resize()).observe(canvas);
  }

  // --- the document -------------------------------------------------------------------------

  /** Shows a map (a new scenario or document, or the same one after an edit). */
  setMap(map: ValueStream): void {
    this.map = map;
    this.teams = new Map((map.teams ?? []).map((t) => [t.id, { name: t.name || t.id, color: t.color ?? "#8a9599" }]));
    this.linkCount.clear();
    for (const l of map.links ?? []) {
      const c = this.linkCount.get(l.asset) ?? { r: 0, w: 0 };
      if (l.mode === "read") c.r++;
      else c.w++;
      this.linkCount.set(l.asset, c);
    }
    if (this.selected && !(map.assets ?? []).some((a) => a.id === this.selected)) {
      this.selected = null;
      this.events.selectionChanged(null);
    }
    this.built = false;
    this.redraw();
  }

  /** The core's layout and answers for the map as it is now (ids: its assets then). */
  setOverview(ov: Overview, ids: string[]): void {
    this.overview = ov;
    this.ovIds = ids;
    this.unconsumed = new Set(ov.unconsumed.map((i) => ids[i]));
    this.copies = new Set(ov.copies.map((i) => ids[i]));
    this.fresh = new Map(ids.map((id, i) => [id, ov.fresh_s[i] ?? 0]));
    // The chains behind the endpoints (and behind the selected asset), like a critical path.
    const assets = new Set<string>();
    const edges = new Set<string>();
    const kinds = new Map((this.map.assets ?? []).map((a) => [a.id, a.kind]));
    const walk = (i: number) => {
      let at = i;
      for (let guard = 0; guard < ids.length; guard++) {
        assets.add(ids[at]);
        const v = ov.via[at];
        if (v == null) break;
        edges.add(`${ids[v]}>${ids[at]}`);
        at = v;
      }
    };
    ids.forEach((id, i) => {
      if (kinds.get(id) === "endpoint") walk(i);
    });
    this.chain = { assets, edges };
    this.built = false;
    this.redraw();
  }

  /** The freshness chain behind one asset: its ids, from the asset back to the source. */
  chainOf(id: string): string[] {
    const ov = this.overview;
    const at0 = this.ovIds.indexOf(id);
    if (!ov || at0 < 0) return [];
    const out: string[] = [];
    let at: number | null | undefined = at0;
    while (at != null && out.length <= this.ovIds.length) {
      out.push(this.ovIds[at]);
      at = ov.via[at];
    }
    return out;
  }

  freshness(id: string): number | null {
    return this.fresh.get(id) ?? null;
  }
  isUnconsumed(id: string): boolean {
    return this.unconsumed.has(id);
  }
  isCopy(id: string): boolean {
    return this.copies.has(id);
  }

  select(id: string | null): void {
    if (id === this.selected) return;
    this.selected = id;
    this.events.selectionChanged(id);
    this.redraw();
  }

  setMarks(m: LineageMarks | null): void {
    this.marks = m;
    this.marksStamp++;
    this.farPrepared = false;
    this.redraw();
  }

  setTouched(ids: Set<string> | null): void {
    this.touched = ids;
    this.redraw();
  }

  /** Shows the combined view of these steps (their shapes on the value-stream canvas), or not. */
  setCombined(steps: StepShape[] | null): void {
    this.combined = steps;
    this.built = false;
    this.redraw();
  }

  setStepMarks(ids: Set<string> | null): void {
    this.stepMarks = ids;
    this.redraw();
  }

  setTheme(t: Theme): void {
    this.theme = t;
    this.redraw();
  }

  // --- commands -----------------------------------------------------------------------------

  fit(): void {
    this.ensureScene();
    this.viewport.fit(this.scene.extent, 48);
    this.redraw();
  }
  zoom(factor: number): void {
    this.viewport.zoomAt(factor, { x: this.viewport.width / 2, y: this.viewport.height / 2 });
    this.redraw();
  }

  /** Pans so that an asset is on screen. */
  reveal(id: string): void {
    this.ensureScene();
    const b = this.scene.byId.get(id);
    if (!b) return;
    const v = this.viewport;
    const a = v.toScreen({ x: b.rect.x, y: b.rect.y });
    const w = b.rect.w * v.scale;
    const hh = b.rect.h * v.scale;
    const m = 60;
    let dx = 0;
    let dy = 0;
    if (a.x + w > v.width - m) dx = v.width - m - (a.x + w);
    if (a.x + dx < m) dx = m - a.x;
    if (a.y + hh > v.height - m) dy = v.height - m - (a.y + hh);
    if (a.y + dy < m) dy = m - a.y;
    if (dx || dy) {
      v.panBy(dx, dy);
      this.redraw();
    }
  }

  /** Where a new asset goes: right of `after` (in its row, below what is there), or free space. */
  placeAfter(after: string | null): Point {
    this.ensureScene();
    const prev = after ? this.scene.byId.get(after) : undefined;
    const e = this.scene.extent;
    let p = prev ? { x: prev.rect.x + LCOL, y: prev.rect.y } : this.scene.boxes.length ? { x: e.x, y: e.y + e.h + LROW - ASSET_H } : { x: 0, y: 0 };
    for (let i = 0; i < 200 && this.scene.assetsIn({ x: p.x, y: p.y, w: ASSET_W, h: ASSET_H }).length; i++) p = { x: p.x, y: p.y + LROW };
    return p;
  }

  /** Moves every asset back to where the core's layout puts it (one edit). */
  layout(): void {
    void this.events.edit(() => {
      const ops: Op[] = [];
      for (const a of this.map.assets ?? []) {
        if (a.x == null && a.y == null) continue;
        const key = { kind: "asset" as const, id: a.id };
        ops.push({ op: "set", key, field: "x", value: null }, { op: "set", key, field: "y", value: null });
      }
      return ops.length ? { op: "batch", ops } : null;
    });
  }

  editName(id: string): void {
    this.ensureScene();
    const b = this.scene.byId.get(id);
    if (!b) return;
    const a = this.viewport.toScreen({ x: b.rect.x, y: b.rect.y });
    this.events.editName(id, { x: a.x, y: a.y, w: b.rect.w * this.viewport.scale, h: 30 * this.viewport.scale });
  }

  // --- drawing ------------------------------------------------------------------------------

  redraw(bitmapValid = false): void {
    if (!bitmapValid) {
      this.stamp++;
      this.changed = true;
    }
    if (this.frame || this.canvas.hidden) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private ensureScene(): void {
    if (this.built) return;
    this.sceneStamp++;
    if (this.combined) this.scene.buildCombined(this.map, this.combined);
    else {
      const drag = this.mode.kind === "move" ? { id: this.mode.id, d: this.mode.d } : undefined;
      this.scene.build(this.map, this.overview, this.ovIds, drag);
    }
    this.built = true;
  }

  private paint(): void {
    const t0 = performance.now();
    const stamps = this.sceneStamp + this.marksStamp;
    this.ensureScene();
    if (stamps !== this.sceneStamp + this.marksStamp || !this.farPrepared) {
      this.farPrepared = true;
      this.prepareFar();
    }
    if (this.panActive && !this.changed && this.pan) this.paintPan(this.pan);
    else this.drawView(this.ctx, this.viewport);
    this.changed = false;
    this.events.drew?.(performance.now() - t0);
  }

  private paintPan(bitmap: Bitmap): void {
    const v = this.viewport;
    const ratio = window.devicePixelRatio || 1;
    let plan = panFrame(bitmap.view, v.ox, v.oy, this.stamp);
    if (plan.redraw) {
      const wide = new Viewport();
      wide.scale = v.scale;
      wide.ox = v.ox + PAN_MARGIN;
      wide.oy = v.oy + PAN_MARGIN;
      wide.width = v.width + 2 * PAN_MARGIN;
      wide.height = v.height + 2 * PAN_MARGIN;
      this.drawView(bitmap.ctx, wide);
      bitmap.view = { ox: v.ox, oy: v.oy, stamp: this.stamp };
      plan = { redraw: false, dx: 0, dy: 0 };
    }
    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(bitmap.canvas, Math.round((plan.dx - PAN_MARGIN) * ratio), Math.round((plan.dy - PAN_MARGIN) * ratio));
    ctx.restore();
  }

  /** Draws the view `v` onto `ctx` (the canvas, the pan bitmap, or an export's canvas). */
  drawView(ctx: CanvasRenderingContext2D, v: Viewport): void {
    if (v.scale < FAR && !this.combined && this.scene.boxes.length > 200 && this.drawFar(ctx, v)) return;
    drawLineage(ctx, v, this.state());
  }

  private state(): LineageDraw {
    return {
      scene: this.scene,
      theme: this.theme,
      selected: this.selected,
      hover: this.hover,
      marks: this.marks,
      touched: this.touched,
      chain: this.chain,
      teams: this.teams,
      links: this.linkCount,
      unconsumed: this.unconsumed,
      copies: this.copies,
      fresh: this.fresh,
      connecting: this.mode.kind === "connect" ? this.mode : null,
      stepMarks: this.stepMarks,
      hoverStep: this.hoverStep,
    };
  }

  /**
   * Far out, where assets are coloured blocks: the whole lineage drawn once into a bitmap at
   * a scale of at least the view's (halving steps below FAR), then copied, scaled, each frame;
   * drawn again when what it shows changes. False: too big to keep; drawn directly.
   */
  private drawFar(ctx: CanvasRenderingContext2D, v: Viewport): boolean {
    let sb = FAR;
    while (sb / 2 >= v.scale) sb /= 2;
    const ratio = dpr(ctx);
    const far = this.farBitmap(sb, ratio);
    if (!far) return false;
    const e = this.scene.extent;
    const m = FAR_MARGIN;
    const k = v.scale;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, v.width, v.height);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(far, v.ox + (e.x - m) * k, v.oy + (e.y - m) * k, (e.w + 2 * m) * k, (e.h + 2 * m) * k);
    // What changes with the pointer, over the copy.
    ctx.setTransform(ratio * k, 0, 0, ratio * k, ratio * v.ox, ratio * v.oy);
    for (const id of [this.selected, this.hover]) {
      const b = id ? this.scene.byId.get(id) : undefined;
      if (!b) continue;
      ctx.strokeStyle = this.theme.selection;
      ctx.lineWidth = 3 / k;
      ctx.strokeRect(b.rect.x, b.rect.y, b.rect.w, b.rect.h);
    }
    ctx.restore();
    return true;
  }

  /**
   * The far bitmap at scale `sb`, drawn now if what it shows changed (null: too big to keep).
   * Each halving step keeps its own, and after a change they are drawn ahead, one per idle
   * moment, so that a zoom through them finds them ready (`prepareFar`).
   */
  private farBitmap(sb: number, ratio: number): HTMLCanvasElement | null {
    const e = this.scene.extent;
    const m = FAR_MARGIN;
    const w = Math.ceil((e.w + 2 * m) * sb * ratio);
    const h = Math.ceil((e.h + 2 * m) * sb * ratio);
    if (w > 8192 || h > 8192) return null;
    const key = `${ratio}|${this.sceneStamp}|${this.marksStamp}|${this.theme.background}`;
    let far = this.far.get(sb);
    if (!far || far.key !== key) {
      const canvas = far?.canvas ?? document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const fctx = canvas.getContext("2d", { alpha: false });
      if (!fctx) return null;
      setPixelRatio(fctx, ratio);
      const fv = new Viewport();
      fv.scale = sb;
      fv.width = e.w + 2 * m;
      fv.height = e.h + 2 * m;
      fv.ox = (m - e.x) * sb;
      fv.oy = (m - e.y) * sb;
      fv.width = w / ratio;
      fv.height = h / ratio;
      drawLineage(fctx, fv, { ...this.state(), selected: null, hover: null, touched: null, connecting: null });
      far = { canvas, key };
      this.far.set(sb, far);
    }
    return far.canvas;
  }

  /** Draws the far bitmaps ahead, one per idle moment, down to the zoom that fits the map. */
  private prepareFar(): void {
    if (this.farTimer || this.scene.boxes.length <= 200) return;
    const ratio = window.devicePixelRatio || 1;
    const next = (sb: number) => {
      this.farTimer = 0;
      if (sb < MIN_SCALE || this.canvas.hidden) return;
      this.farBitmap(sb, ratio);
      this.farTimer = window.setTimeout(() => next(sb / 2), 30);
    };
    this.farTimer = window.setTimeout(() => next(FAR), 30);
  }
  private farTimer = 0;
  private farPrepared = false;

  /** The whole lineage drawn into a canvas of its own, at `scale` (for PNG export). */
  drawAll(ctx: CanvasRenderingContext2D, scale: number, margin: number): void {
    this.ensureScene();
    const v = new Viewport();
    const e = this.scene.extent;
    v.scale = scale;
    v.width = (e.w + 2 * margin) * scale;
    v.height = (e.h + 2 * margin) * scale;
    v.ox = (margin - e.x) * scale;
    v.oy = (margin - e.y) * scale;
    drawLineage(ctx, v, {
      scene: this.scene,
      theme: this.theme,
      selected: null,
      hover: null,
      marks: this.marks,
      touched: null,
      chain: this.chain,
      teams: this.teams,
      links: this.linkCount,
      unconsumed: this.unconsumed,
      copies: this.copies,
      fresh: this.fresh,
      connecting: null,
      stepMarks: null,
    });
  }

  private resize(): void {
    const r = this.canvas.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * ratio));
    this.canvas.height = Math.max(1, Math.round(r.height * ratio));
    setPixelRatio(this.ctx, ratio);
    this.viewport.width = r.width;
    this.viewport.height = r.height;
    const w = Math.round((r.width + 2 * PAN_MARGIN) * ratio);
    const h = Math.round((r.height + 2 * PAN_MARGIN) * ratio);
    if (!this.pan) {
      const canvas = document.createElement("canvas");
      const ctx = canvas.getContext("2d", { alpha: false });
      if (ctx) this.pan = { canvas, ctx, view: null };
    }
    if (this.pan && (this.pan.canvas.width !== w || this.pan.canvas.height !== h)) {
      this.pan.canvas.width = w;
      this.pan.canvas.height = h;
      setPixelRatio(this.pan.ctx, ratio);
      this.pan.view = null;
    }
    this.redraw();
  }

  /** Called when the canvas is shown: sized, and drawn. */
  shown(): void {
    this.resize();
  }

  // --- input --------------------------------------------------------------------------------

  private point(e: MouseEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private setHover(id: string | null): void {
    if (id === this.hover) return;
    this.hover = id;
    this.canvas.style.cursor = id ? "pointer" : "default";
    this.events.hovered?.(id);
    this.redraw();
  }

  private down(p: Point, button: number): void {
    this.ensureScene();
    const w = this.viewport.toWorld(p);
    const hit = button === 0 && !this.spaceDown ? this.scene.hit(w, this.viewport.scale) : null;
    const step = !hit && button === 0 && !this.spaceDown ? this.scene.stepAt(w) : null;
    if (step) {
      this.select(null);
      this.events.stepClicked?.(step.id);
      return;
    }
    if (!hit) {
      this.mode = { kind: "pan", last: p };
      this.panActive = true;
      if (button === 0 && !this.spaceDown) this.select(null);
      return;
    }
    this.select(hit.id);
    if (hit.port) this.mode = { kind: "connect", from: hit.id, to: w, target: null };
    else if (!this.combined) this.mode = { kind: "move", id: hit.id, start: w, d: { x: 0, y: 0 }, moved: false };
  }

  private move(p: Point): void {
    const m = this.mode;
    const w = this.viewport.toWorld(p);
    if (m.kind === "pan") {
      this.viewport.panBy(p.x - m.last.x, p.y - m.last.y);
      m.last = p;
      this.redraw(true);
    } else if (m.kind === "move") {
      m.d = { x: w.x - m.start.x, y: w.y - m.start.y };
      if (Math.hypot(m.d.x, m.d.y) * this.viewport.scale > 3) m.moved = true;
      if (m.moved) {
        this.built = false;
        this.redraw();
      }
    } else if (m.kind === "connect") {
      m.to = w;
      const hit = this.scene.hit(w, this.viewport.scale);
      m.target = hit && hit.id !== m.from ? hit.id : null;
      this.redraw();
    } else {
      const hit = this.scene.hit(w, this.viewport.scale);
      this.setHover(hit?.id ?? null);
      const step = hit ? null : this.scene.stepAt(w)?.id ?? null;
      if (step !== this.hoverStep) {
        this.hoverStep = step;
        // Its assets light up (the other way round, an asset's steps: `stepMarks`).
        this.touched = step ? new Set((this.map.links ?? []).filter((l) => l.step === step).map((l) => l.asset)) : null;
        this.events.hoveredStep?.(step);
        this.redraw();
      }
    }
  }

  private up(): void {
    const m = this.mode;
    this.mode = { kind: "idle" };
    if (m.kind === "pan") {
      this.panActive = false;
      if (this.pan) this.pan.view = null;
      this.redraw();
    } else if (m.kind === "move") {
      this.built = false;
      if (m.moved) {
        const b = this.scene.byId.get(m.id);
        if (b) {
          const x = Math.round(b.rect.x + m.d.x);
          const y = Math.round(b.rect.y + m.d.y);
          void this.events.edit({ op: "move", key: { kind: "asset", id: m.id }, x, y });
        }
      }
      this.redraw();
    } else if (m.kind === "connect") {
      if (m.target) {
        const from = m.from;
        const to = m.target;
        void this.events.edit(() => ((this.map.lineage ?? []).some((e) => e.from === from && e.to === to) ? null : { op: "add", record: { lineage: { from, to } } }));
      }
      this.redraw();
    }
  }

  private listen(): void {
    const c = this.canvas;
    c.tabIndex = 0;
    c.addEventListener("pointerdown", (e) => {
      c.focus();
      c.setPointerCapture(e.pointerId);
      this.down(this.point(e), e.button);
    });
    c.addEventListener("pointermove", (e) => this.move(this.point(e)));
    c.addEventListener("pointerup", (e) => {
      c.releasePointerCapture(e.pointerId);
      this.up();
    });
    c.addEventListener("pointercancel", () => this.up());
    c.addEventListener("dblclick", (e) => {
      this.ensureScene();
      const hit = this.scene.hit(this.viewport.toWorld(this.point(e)), this.viewport.scale);
      if (hit) this.editName(hit.id);
    });
    c.addEventListener("contextmenu", (e) => e.preventDefault());
    c.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const p = this.point(e);
        const lines = e.deltaMode === 1;
        const mouseWheel = lines || (e.deltaX === 0 && Math.abs(e.deltaY) >= 50 && Number.isInteger(e.deltaY));
        if (e.ctrlKey || e.metaKey || (mouseWheel && !e.shiftKey)) {
          const dy = lines ? e.deltaY * 40 : e.deltaY;
          this.viewport.zoomAt(Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0015)), p);
          this.redraw();
        } else {
          this.viewport.panBy(e.shiftKey && e.deltaX === 0 ? -e.deltaY : -e.deltaX, e.shiftKey && e.deltaX === 0 ? 0 : -e.deltaY);
          this.redraw();
        }
      },
      { passive: false },
    );
    c.addEventListener("keydown", (e) => {
      if (e.key === " ") {
        this.spaceDown = true;
        e.preventDefault();
        return;
      }
      const step = e.shiftKey ? 200 : 60;
      const pans: { [k: string]: [number, number] } = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (pans[e.key] && !e.ctrlKey && !e.metaKey) {
        this.viewport.panBy(...pans[e.key]);
        this.redraw();
        e.preventDefault();
      }
    });
    c.addEventListener("keyup", (e) => {
      if (e.key === " ") this.spaceDown = false;
    });
  }
}

// --- drawing ----------------------------------------------------------------------------------

interface LineageDraw {
  scene: LineageScene;
  theme: Theme;
  selected: string | null;
  hover: string | null;
  marks: LineageMarks | null;
  touched: Set<string> | null;
  chain: { assets: Set<string>; edges: Set<string> };
  teams: Map<string, { name: string; color: string }>;
  links: Map<string, { r: number; w: number }>;
  unconsumed: Set<string>;
  copies: Set<string>;
  fresh: Map<string, number>;
  connecting: { from: string; to: Point; target: string | null } | null;
  stepMarks?: Set<string> | null;
  hoverStep?: string | null;
}

/** Draws the lineage in view `v`: edges, then assets, with less detail when zoomed out. */
export function drawLineage(ctx: CanvasRenderingContext2D, v: Viewport, s: LineageDraw): void {
  const t = s.theme;
  const r = dpr(ctx);
  const k = v.scale;
  ctx.save();
  ctx.setTransform(r, 0, 0, r, 0, 0);
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, v.width, v.height);
  ctx.setTransform(r * k, 0, 0, r * k, r * v.ox, r * v.oy);
  const view = v.visible();
  if (s.scene.steps.length) drawCombined(ctx, v, r, s, view);
  // Every line when the small print is legible (11 units >= 8 px); the name alone, larger,
  // down to a quarter; coloured blocks below.
  const detail = k >= 0.72 ? 2 : k >= 0.25 ? 1 : 0;
  const lit = s.marks ? s.marks.assets : null;
  const on = (id: string) => !lit || lit.has(id) || s.marks!.origin === id;
  // Edges: the plain ones in one path, then the chains, then an answer's. WebKit strokes by
  // the segment (a curve costs several lines): edges not in view are left out, and the far
  // zooms draw straight lines.
  const edges = s.scene.edgesIn(view);
  const pad = 20 / k;
  const clip = { x: view.x - pad, y: view.y - pad, w: view.w + 2 * pad, h: view.h + 2 * pad };
  const buckets: [Point, Point][][] = [[], [], [], []]; // plain, chain, marked, dim
  for (const e of edges) {
    const [p, q] = ends(e.a.rect, e.b.rect);
    if (!contains(clip, p) && !contains(clip, q) && !clipSegment(p, q, clip)) {
      // Neither end in view and the chord misses it: the curve (which keeps within the box of
      // its ends, flattened towards them) only may cross a corner; a straight edge does not.
      if (detail < 2 || !curveMeets(p, q, clip)) continue;
    }
    const b = lit ? (on(e.edge.from) && on(e.edge.to) ? 2 : 3) : s.chain.edges.has(e.key) ? 1 : 0;
    buckets[b].push([p, q]);
  }
  const px = 1 / k;
  const strokeAll = (list: [Point, Point][], colour: string, width: number) => {
    if (!list.length) return;
    ctx.beginPath();
    for (const [p, q] of list) {
      ctx.moveTo(p.x, p.y);
      if (detail < 2) ctx.lineTo(q.x, q.y);
      else {
        const dx = Math.max(40, (q.x - p.x) / 2);
        ctx.bezierCurveTo(p.x + dx, p.y, q.x - dx, q.y, q.x, q.y);
      }
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = width * px;
    ctx.stroke();
  };
  if (lit) {
    strokeAll(buckets[3], withAlpha(t.border, 0.25), 1.3);
    strokeAll(buckets[2], t.selection, 2.6);
  } else {
    strokeAll(buckets[0], t.border, 1.3);
    strokeAll(buckets[1], t.critical, 2.6);
  }
  if (detail > 0) {
    // Arrowheads where each edge arrives.
    // Arrowheads where each edge arrives (in view), in one path.
    ctx.fillStyle = lit ? t.selection : t.border;
    const heads = pathFor(ctx);
    const a = 7;
    for (const e of edges) {
      if (lit && !(on(e.edge.from) && on(e.edge.to))) continue;
      const q = { x: e.b.rect.x, y: e.b.rect.y + e.b.rect.h / 2 };
      if (q.x < view.x - a || q.x > view.x + view.w + a || q.y < view.y - a || q.y > view.y + view.h + a) continue;
      heads.moveTo(q.x, q.y);
      heads.lineTo(q.x - a, q.y - a * 0.55);
      heads.lineTo(q.x - a, q.y + a * 0.55);
      heads.closePath();
    }
    ctx.fill(heads);
  }
  // Assets.
  const boxes = s.scene.assetsIn(view);
  if (detail === 0) {
    // Far out: coloured blocks, one fill per colour.
    const byColour = new Map<string, Path2D>();
    for (const b of boxes) {
      const c = on(b.asset.id) ? teamColour(s, b.asset) : withAlpha(teamColour(s, b.asset), 0.25);
      let p = byColour.get(c);
      if (!p) {
        p = pathFor(ctx);
        byColour.set(c, p);
      }
      p.rect(b.rect.x, b.rect.y, b.rect.w, b.rect.h);
    }
    for (const [c, p] of byColour) {
      ctx.fillStyle = c;
      ctx.fill(p);
    }
    const sel = s.selected ? s.scene.byId.get(s.selected) : undefined;
    if (sel) {
      ctx.strokeStyle = t.selection;
      ctx.lineWidth = 4 * px;
      ctx.strokeRect(sel.rect.x, sel.rect.y, sel.rect.w, sel.rect.h);
    }
  } else {
    for (const b of boxes) drawAsset(ctx, v, r, b, s, detail, on(b.asset.id));
  }
  if (s.connecting) {
    const from = s.scene.byId.get(s.connecting.from);
    if (from) {
      const p = portOf(from.rect);
      ctx.strokeStyle = t.selection;
      ctx.lineWidth = 2 * px;
      ctx.setLineDash([6 * px, 4 * px]);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(s.connecting.to.x, s.connecting.to.y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
  ctx.restore();
}

/**
 * The combined view's value stream (each step a box with its team's band and its name) and
 * the dashed read/write links down to the assets: a step writes into an asset (arrow at the
 * asset), an asset is read by a step (arrow at the step).
 */
function drawCombined(ctx: CanvasRenderingContext2D, v: Viewport, r: number, s: LineageDraw, view: Rect): void {
  const t = s.theme;
  const k = v.scale;
  const px = 1 / k;
  // Links first, under the boxes.
  const hoverAsset = s.hover;
  ctx.setLineDash([6 * px, 4 * px]);
  for (const l of s.scene.links) {
    const a = { x: l.step.rect.x + l.step.rect.w / 2, y: l.step.rect.y + l.step.rect.h };
    const b = { x: l.asset.rect.x + l.asset.rect.w / 2, y: l.asset.rect.y };
    if (!clipSegment(a, b, view)) continue;
    const lit = s.hoverStep === l.step.id || hoverAsset === l.asset.asset.id || s.selected === l.asset.asset.id;
    ctx.strokeStyle = lit ? t.selection : l.mode === "write" ? t.accent : t.muted;
    ctx.lineWidth = (lit ? 2.4 : 1.2) * px;
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    const [from, to] = l.mode === "write" ? [a, b] : [b, a];
    const ang = Math.atan2(to.y - from.y, to.x - from.x);
    const hd = 8 * Math.min(px, 2);
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(to.x, to.y);
    ctx.lineTo(to.x - hd * Math.cos(ang - 0.4), to.y - hd * Math.sin(ang - 0.4));
    ctx.lineTo(to.x - hd * Math.cos(ang + 0.4), to.y - hd * Math.sin(ang + 0.4));
    ctx.closePath();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    ctx.setLineDash([6 * px, 4 * px]);
  }
  ctx.setLineDash([]);
  for (const st of s.scene.steps) {
    if (!intersects(st.rect, view)) continue;
    const { x, y, w, h } = st.rect;
    const marked = s.stepMarks?.has(st.id) || s.hoverStep === st.id;
    ctx.beginPath();
    ctx.roundRect(x, y, w, h, 6);
    ctx.fillStyle = st.kind === "gate" ? t.gate : t.surface;
    ctx.fill();
    ctx.lineWidth = (marked ? 3 : 1.2) * px;
    ctx.strokeStyle = marked ? t.selection : t.border;
    ctx.stroke();
    const colour = (st.team && s.teams.get(st.team)?.color) || t.border;
    ctx.beginPath();
    ctx.roundRect(x, y, w, 8, [6, 6, 0, 0]);
    ctx.fillStyle = colour;
    ctx.fill();
    if (k >= 0.25) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      const size = Math.min(26, 13 / k);
      ctx.font = `600 ${nearestSize(size * k * r)}px ${t.font}`;
      ctx.fillStyle = t.text;
      const lines = twoLines(ctx, st.name || st.id, (w - 20) * k * r);
      lines.forEach((line, i) => {
        ctx.fillText(line, (x + 10) * k * r + v.ox * r, (y + 14 + size * (1 + i * 1.15)) * k * r + v.oy * r);
      });
      ctx.restore();
    }
  }
}

/** Whether the edge's curve from `p` to `q` passes through `r` (tested on a polyline). */
function curveMeets(p: Point, q: Point, r: Rect): boolean {
  const dx = Math.max(40, (q.x - p.x) / 2);
  let prev = p;
  for (let i = 1; i <= 12; i++) {
    const t = i / 12;
    const u = 1 - t;
    const next = {
      x: u * u * u * p.x + 3 * u * u * t * (p.x + dx) + 3 * u * t * t * (q.x - dx) + t * t * t * q.x,
      y: u * u * u * p.y + 3 * u * u * t * p.y + 3 * u * t * t * q.y + t * t * t * q.y,
    };
    if (clipSegment(prev, next, r)) return true;
    prev = next;
  }
  return false;
}

function teamColour(s: LineageDraw, a: DataAsset): string {
  return (a.team && s.teams.get(a.team)?.color) || s.theme.border;
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

function drawAsset(ctx: CanvasRenderingContext2D, v: Viewport, r: number, b: AssetBox, s: LineageDraw, detail: number, on: boolean): void {
  const t = s.theme;
  const a = b.asset;
  const { x, y, w, h } = b.rect;
  const k = v.scale;
  const px = 1 / k;
  ctx.globalAlpha = on ? 1 : 0.3;
  const radius = a.kind === "endpoint" ? h / 2 : a.kind === "source" ? 4 : 10;
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, radius);
  ctx.fillStyle = a.kind === "endpoint" ? t.endpoint : t.surface;
  ctx.fill();
  const id = a.id;
  const selected = s.selected === id;
  const origin = s.marks?.origin === id;
  const emph = selected || origin || s.hover === id || (s.touched?.has(id) ?? false);
  ctx.lineWidth = (emph ? 3 : s.chain.assets.has(id) && !s.marks ? 2 : 1.2) * px;
  ctx.strokeStyle = selected || origin || s.touched?.has(id) ? t.selection : s.marks && on ? t.selection : s.chain.assets.has(id) && !s.marks ? t.critical : t.border;
  ctx.stroke();
  // The owner team's colour: a band down the left (its own rounded shape: a clip costs more).
  ctx.beginPath();
  ctx.roundRect(x, y, 7, h, [radius, 0, 0, radius]);
  ctx.fillStyle = teamColour(s, a);
  ctx.fill();
  // The kind's icon.
  drawIcon(ctx, a.kind, x + 22, y + 20, t);
  // Text, in screen space at whole-pixel sizes (see render.ts).
  const sx = (wx: number) => (wx * k + v.ox) * r;
  const sy = (wy: number) => (wy * k + v.oy) * r;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = t.text;
  if (detail === 1) {
    // The name alone, as large as reads at this zoom (12 px), on up to two lines.
    const size = Math.min(26, 12 / k);
    ctx.font = `600 ${nearestSize(size * k * r)}px ${t.font}`;
    const lines = twoLines(ctx, a.name || a.id, (w - 46) * k * r);
    const lh = size * 1.15;
    const top = y + h / 2 - (lines.length * lh) / 2 + size * 0.85;
    lines.forEach((line, i) => {
      ctx.fillText(line, sx(x + 38), sy(top + i * lh));
    });
  } else {
    ctx.font = `600 ${nearestSize(13 * k * r)}px ${t.font}`;
    ctx.fillText(fitText(ctx, a.name || a.id, (w - 46) * k * r), sx(x + 38), sy(y + 24));
  }
  if (detail >= 2) {
    // The read/write counts at the right of the kind's line, which is cut short of them.
    const c = s.links.get(id);
    const counts = c && (c.r || c.w) ? `${c.w ? `W${c.w}` : ""}${c.r && c.w ? " " : ""}${c.r ? `R${c.r}` : ""}` : "";
    ctx.font = `400 ${nearestSize(10 * k * r)}px ${t.font}`;
    const countsW = counts ? textWidth(ctx, counts) + 8 * k * r : 0;
    ctx.font = `400 ${nearestSize(11 * k * r)}px ${t.font}`;
    ctx.fillStyle = t.muted;
    const team = a.team ? s.teams.get(a.team)?.name ?? a.team : "";
    ctx.fillText(fitText(ctx, [KIND_LABEL[a.kind], team].filter(Boolean).join(" · "), (w - 46) * k * r - countsW), sx(x + 38), sy(y + 40));
    const fresh = s.fresh.get(id);
    const lt = a.lt ? `latency ${fmtDuration(a.lt)}` : "latency —";
    const fr = fresh != null && fresh > 0 ? ` · fresh ${fmtElapsed(fresh)}` : "";
    ctx.fillStyle = a.kind === "endpoint" && fresh ? t.text : t.muted;
    if (a.kind === "endpoint" && fresh) ctx.font = `600 ${nearestSize(11 * k * r)}px ${t.font}`;
    ctx.fillText(fitText(ctx, `${lt}${fr}`, (w - 22) * k * r), sx(x + 14), sy(y + 58));
    if (counts) {
      ctx.font = `400 ${nearestSize(10 * k * r)}px ${t.font}`;
      ctx.fillStyle = t.muted;
      ctx.textAlign = "right";
      ctx.fillText(counts, sx(x + w - 8), sy(y + 40));
      ctx.textAlign = "left";
    }
  }
  ctx.restore();
  // Waste flags.
  const flags: string[] = [];
  if (s.unconsumed.has(id)) flags.push("Inventory");
  if (s.copies.has(id)) flags.push("Copy?");
  let fx = x + w;
  for (const f of flags) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = `600 ${nearestSize(10 * k * r)}px ${t.font}`;
    const tw = textWidth(ctx, f) / (k * r) + 10;
    ctx.restore();
    fx -= tw + 4;
    ctx.beginPath();
    ctx.roundRect(fx, y - 9, tw, 16, 8);
    ctx.fillStyle = f === "Inventory" ? t.queue : t.info;
    ctx.fill();
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = `600 ${nearestSize(10 * k * r)}px ${t.font}`;
    ctx.fillStyle = "#ffffff";
    ctx.fillText(f, sx(fx + 5), sy(y + 3));
    ctx.restore();
  }
  // The port new edges are drawn from, on the selected or hovered asset.
  if (selected || s.hover === id) {
    const p = portOf(b.rect);
    ctx.beginPath();
    ctx.arc(p.x, p.y, PORT_R / Math.min(1, k) * 0.8, 0, Math.PI * 2);
    ctx.fillStyle = t.surface;
    ctx.fill();
    ctx.strokeStyle = t.selection;
    ctx.lineWidth = 2 * px;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/** The width of `s` in the current font (device pixels), measured once. */
const widths = new Map<string, number>();
function textWidth(ctx: CanvasRenderingContext2D, s: string): number {
  const key = `${ctx.font}|${s}`;
  let w = widths.get(key);
  if (w === undefined) {
    if (widths.size > 5000) widths.clear();
    w = ctx.measureText(s).width;
    widths.set(key, w);
  }
  return w;
}

/**
 * Text laid out to a width, by font, width and text: measuring is the dearest part of drawing
 * an asset (a fitted name takes several measures), and names seldom change.
 */
const fitted = new Map<string, string[]>();
function cached(ctx: CanvasRenderingContext2D, kind: string, s: string, max: number, make: () => string[]): string[] {
  const key = `${kind}|${ctx.font}|${Math.round(max)}|${s}`;
  let v = fitted.get(key);
  if (!v) {
    if (fitted.size > 20_000) fitted.clear();
    v = make();
    fitted.set(key, v);
  }
  return v;
}

/** `s` on one line, or broken at a space onto two (the second cut with an ellipsis). */
function twoLines(ctx: CanvasRenderingContext2D, s: string, max: number): string[] {
  return cached(ctx, "2", s, max, () => twoLinesNow(ctx, s, max));
}
function twoLinesNow(ctx: CanvasRenderingContext2D, s: string, max: number): string[] {
  if (ctx.measureText(s).width <= max) return [s];
  const words = s.split(/\s+/);
  let first = "";
  let i = 0;
  for (; i < words.length; i++) {
    const next = first ? `${first} ${words[i]}` : words[i];
    if (ctx.measureText(next).width > max) break;
    first = next;
  }
  if (!first) return [fitText(ctx, s, max)];
  const rest = words.slice(i).join(" ");
  return rest ? [first, fitText(ctx, rest, max)] : [first];
}

/** `s` cut with an ellipsis to fit `max` device pixels in the current font. */
function fitText(ctx: CanvasRenderingContext2D, s: string, max: number): string {
  return cached(ctx, "1", s, max, () => [fitTextNow(ctx, s, max)])[0];
}
function fitTextNow(ctx: CanvasRenderingContext2D, s: string, max: number): string {
  if (ctx.measureText(s).width <= max) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${s.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${s.slice(0, lo)}…`;
}

/** A small icon for each kind of asset, centred at (cx, cy), about 18 units across. */
function drawIcon(ctx: CanvasRenderingContext2D, kind: AssetKind, cx: number, cy: number, t: Theme): void {
  ctx.save();
  ctx.strokeStyle = t.accent;
  ctx.fillStyle = t.accent;
  ctx.lineWidth = 1.6;
  ctx.beginPath();
  switch (kind) {
    case "source": // a database cylinder
    case "feature_store": {
      const rings = kind === "source" ? 1 : 2;
      ctx.ellipse(cx, cy - 6, 7, 2.6, 0, 0, Math.PI * 2);
      ctx.moveTo(cx - 7, cy - 6);
      ctx.lineTo(cx - 7, cy + 6);
      ctx.ellipse(cx, cy + 6, 7, 2.6, 0, Math.PI, 0, true);
      ctx.lineTo(cx + 7, cy - 6);
      for (let i = 1; i <= rings; i++) {
        const yy = cy - 6 + (12 * i) / (rings + 1);
        ctx.moveTo(cx + 7, yy);
        ctx.ellipse(cx, yy, 7, 2.6, 0, 0, Math.PI);
      }
      ctx.stroke();
      break;
    }
    case "dataset": // a table
      ctx.rect(cx - 8, cy - 7, 16, 14);
      ctx.moveTo(cx - 8, cy - 2);
      ctx.lineTo(cx + 8, cy - 2);
      ctx.moveTo(cx - 8, cy + 3);
      ctx.lineTo(cx + 8, cy + 3);
      ctx.moveTo(cx - 2, cy - 7);
      ctx.lineTo(cx - 2, cy + 7);
      ctx.stroke();
      break;
    case "job": // a gear
      for (let i = 0; i < 8; i++) {
        const a = (i * Math.PI) / 4;
        ctx.moveTo(cx + Math.cos(a) * 5, cy + Math.sin(a) * 5);
        ctx.lineTo(cx + Math.cos(a) * 8.5, cy + Math.sin(a) * 8.5);
      }
      ctx.moveTo(cx + 5.5, cy);
      ctx.arc(cx, cy, 5.5, 0, Math.PI * 2);
      ctx.stroke();
      break;
    case "feature": // a diamond
      ctx.moveTo(cx, cy - 8);
      ctx.lineTo(cx + 8, cy);
      ctx.lineTo(cx, cy + 8);
      ctx.lineTo(cx - 8, cy);
      ctx.closePath();
      ctx.stroke();
      break;
    case "model":
    case "model_version": // a small network
      for (const [x, y] of [
        [-7, -5],
        [-7, 5],
        [7, 0],
      ]) {
        ctx.moveTo(cx + x + 2.2, cy + y);
        ctx.arc(cx + x, cy + y, 2.2, 0, Math.PI * 2);
      }
      ctx.moveTo(cx - 5, cy - 4);
      ctx.lineTo(cx + 5, cy);
      ctx.moveTo(cx - 5, cy + 4);
      ctx.lineTo(cx + 5, cy);
      ctx.stroke();
      if (kind === "model_version") {
        ctx.beginPath();
        ctx.font = "700 8px sans-serif";
        ctx.fillText("v", cx - 2, cy + 10);
      }
      break;
    case "endpoint": // a plug: a circle with a line out
      ctx.arc(cx - 2, cy, 5, 0, Math.PI * 2);
      ctx.moveTo(cx + 3, cy);
      ctx.lineTo(cx + 9, cy);
      ctx.stroke();
      break;
  }
  ctx.restore();
}
