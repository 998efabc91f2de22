// The canvas editor: mirror, scene, viewport and tools wired to a <canvas>. It draws at most
// once per animation frame, and only when something changed.

import type { Analysis, Diff, Op, Step, ValueStream } from "../bindings";
import { currentSizes, setPresenting, withSizes, type Sizes } from "./databox";
import { autoLayout } from "./layout";
import { flowKey, Mirror } from "./mirror";
import { DARK, draw, drawLaneNames, emptyStats, fitMap, highlights, LIGHT, setPixelRatio, warmFonts, type DrawLayer, type Highlights, type TextStats, type Theme } from "./render";
import { PAN_MARGIN, panFrame, type CachedView } from "./pancache";
import { changedRects, regionPlan } from "./region";
import { BURST, burstCentre, Scene } from "./scene";
import { Tools, type ToolHost } from "./tools";
import { Viewport } from "./viewport";
import { COL, type Point, type Rect } from "./geometry";

/** Screen pixels round a map at *Fit*. */
const FIT_MARGIN = 20;
import { healingFlows } from "./placement";

/** An edit, or a function that builds it when its turn comes (null: nothing to do). */
export type EditRequest = Op | (() => Op | null);

export interface EditorEvents {
  /**
   * Sends an edit to the core; resolves true when it was applied. Edits are applied in the
   * order they are sent; one given as a function is built when its turn comes, from the
   * document as the edits before it left it.
   */
  edit(op: EditRequest): Promise<boolean>;
  selectionChanged(steps: string[], flow: string | null): void;
  /** Start editing a step's name in place, over `at` (screen rectangle). */
  editName(id: string, at: Rect): void;
  /** A frame was drawn, taking `ms` (for the frame-time harness). */
  drew?(ms: number): void;
}

interface Clip {
  steps: Step[];
  flows: { from: string; to: string; kind?: string | null }[];
}

export class Editor implements ToolHost {
  mirror: Mirror = new Mirror({ format: "takt", version: 1, name: "" });
  analysis: Analysis | null = null;
  scene = new Scene();
  viewport = new Viewport();
  selection = new Set<string>();
  selectedFlow: string | null = null;
  selectedKaizen: string | null = null;
  /** The parking-lot note selected (nothing else is then). */
  selectedNote: string | null = null;
  tools: Tools;
  theme: Theme = LIGHT;
  private ctx: CanvasRenderingContext2D;
  private hl: Highlights = highlights(this.mirror.map, null);
  private hover: string | null = null;
  /** Presentation mode's theme, over the system's light or dark one (null: none). */
  private themeOverride: Theme | null = null;
  private pickTheme: () => void = () => {};
  /** Whether a change of the canvas's size fits the map again (in presentation mode). */
  private keepFitted = false;
  /** What the last full frame drew of the steps' text (read by the legibility test). */
  textStats: TextStats = emptyStats();
  private marquee: Rect | null = null;
  private connecting: { from: string; to: Point; target: string | null } | null = null;
  private dragOffsets: Map<string, Point> | null = null;
  private frame = 0;
  private sceneVersion = -1;
  /** Bumped by every change that is not a pan (see `pancache.ts`). */
  private stamp = 0;
  private panActive = false;
  /** The steps the scene is dragging, joined (the still layer is drawn without them). */
  private dragKey: string | null = null;
  /** A change other than a pan is waiting for the next frame. */
  private changed = false;
  /**
   * Where on screen the waiting change is, when only records kept in place changed (see
   * `region.ts`); null: anywhere, the whole view is drawn.
   */
  private region: Rect[] | null = null;
  /** Kept for the editor's life, sized with the canvas, its fonts prepared like the canvas's. */
  private panBitmap: Bitmap | null = null;
  /** What a drag leaves where it is, drawn once for the view (transparent, see `paintDrag`). */
  private dragBitmap: Bitmap | null = null;
  private spaceDown = false;
  private clip: Clip | null = null;
  private pasteCount = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private events: EditorEvents,
  ) {
    this.ctx = canvas.getContext("2d", { alpha: false })!;
    this.tools = new Tools(this);
    this.listen();
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    const pick = () => {
      this.theme = this.themeOverride ?? (dark.matches ? DARK : LIGHT);
      this.redraw();
    };
    this.pickTheme = pick;
    dark.addEventListener("change", pick);
    pick();
    // WebKit keeps the fonts it makes for the whole page: the bitmaps' contexts find them.
    warmFonts(this.ctx, this.theme.font);
  }

  // --- the document ---------------------------------------------------------------------

  /** The Monte Carlo's critical-path frequency of each step, tinted on the map (null: none). */
  private critShare: Map<string, number> | null = null;
  setCriticalShare(share: Map<string, number> | null): void {
    this.critShare = share;
    this.hl.critShare = share;
    this.redraw();
  }

  /** Steps a lineage answer reached, or that touch the asset under the pointer (null: none). */
  private lineageSteps: Set<string> | null = null;
  setLineageSteps(steps: Set<string> | null): void {
    this.lineageSteps = steps;
    this.hl.lineage = steps;
    this.redraw();
  }

  /** Each step where this canvas draws it (for the combined view of steps and data). */
  stepShapes(): { id: string; name: string; team: string | null; kind: string; rect: Rect }[] {
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    return this.scene.boxes.map((b) => ({ id: b.step.id, name: b.step.name ?? "", team: b.step.team ?? null, kind: b.step.kind ?? "process", rect: b.rect }));
  }

  /** Shows a (new) scenario. */
  load(map: ValueStream, analysis: Analysis, fit = true): void {
    this.mirror = new Mirror(map);
    this.analysis = analysis;
    this.hl = highlights(this.mirror.map, analysis);
    this.critShare = null;
    this.lineageSteps = null;
    this.selection.clear();
    this.selectedFlow = null;
    this.rebuild();
    if (fit) this.fit();
    this.emitSelection();
    this.redraw();
  }

  /** Applies what the core changed and shows its fresh analysis. */
  applied(diff: Diff, analysis: Analysis): void {
    const current = this.sceneVersion === this.mirror.version;
    this.mirror.apply(diff);
    this.analysis = analysis;
    const before = this.hl;
    this.hl = highlights(this.mirror.map, analysis);
    this.hl.critShare = this.critShare;
    this.hl.lineage = this.lineageSteps;
    // Records changed in place: the scene takes them as it is, and only around them is drawn.
    const changes = current ? this.scene.refresh(this.mirror) : null;
    if (changes) this.sceneVersion = this.mirror.version;
    // Selected things that no longer exist are no longer selected.
    let changed = false;
    for (const id of [...this.selection]) {
      if (!this.mirror.step(id)) {
        this.selection.delete(id);
        changed = true;
      }
    }
    if (this.selectedFlow && !this.mirror.flow(this.selectedFlow)) {
      this.selectedFlow = null;
      changed = true;
    }
    if (this.selectedNote && !(this.mirror.map.notes ?? []).some((n) => n.id === this.selectedNote)) {
      this.selectedNote = null;
      changed = true;
    }
    if (this.selectedKaizen && !(this.mirror.map.kaizen ?? []).some((k) => k.id === this.selectedKaizen)) {
      this.selectedKaizen = null;
      changed = true;
    }
    if (changed) this.emitSelection();
    if (changes && !changed) this.redrawRegion(changedRects(this.scene, changes, before, this.hl));
    else this.redraw();
  }

  private rebuild(): void {
    this.scene.build(this.mirror, this.dragOffsets ?? undefined);
    this.sceneVersion = this.mirror.version;
  }

  // --- ToolHost -------------------------------------------------------------------------

  setSelection(ids: Iterable<string>, flow: string | null = null): void {
    this.select(ids, flow, null, null);
  }
  selectKaizen(id: string): void {
    this.select([], null, id, null);
  }
  selectNote(id: string): void {
    this.select([], null, null, id);
  }
  /** One selection at a time: steps (with a flow), a kaizen burst, or a note. */
  private select(ids: Iterable<string>, flow: string | null, kaizen: string | null, note: string | null): void {
    this.selection = new Set(ids);
    this.selectedFlow = flow;
    this.selectedKaizen = kaizen;
    this.selectedNote = note;
    this.emitSelection();
    this.redraw();
  }
  setDrag(ids: string[] | null, delta: Point): void {
    this.dragOffsets = ids ? new Map(ids.map((id) => [id, delta])) : null;
    // Steps (not bursts) moved over an unchanged document: only they and their flows move.
    if (ids && this.sceneVersion === this.mirror.version && !ids.some((id) => id.startsWith("kaizen:") || id.startsWith("note:"))) {
      const key = ids.join("\n");
      // What the drag leaves where it is (the drag bitmap) is the same from one move to the
      // next; a new drag has other steps to leave out.
      if (!this.scene.dragging || key !== this.dragKey) this.stamp++;
      this.scene.drag(this.mirror, ids, delta);
      this.dragKey = key;
      this.redraw(true);
    } else {
      this.dragKey = null;
      this.rebuild();
      this.redraw();
    }
  }
  setMarquee(r: Rect | null): void {
    this.marquee = r;
    this.redraw();
  }
  setConnecting(c: { from: string; to: Point; target: string | null } | null): void {
    this.connecting = c;
    if (c?.target) this.hover = c.target;
    this.redraw();
  }
  setHover(id: string | null): void {
    if (id === this.hover) return;
    this.hover = id;
    this.canvas.style.cursor = id ? "pointer" : "default";
    // The whole name on hover, however the box cuts it or however far out the zoom.
    const step = id ? this.scene.box(id)?.step : undefined;
    this.canvas.title = step ? step.name || step.id : "";
    this.redraw();
  }
  commit(op: Op): void {
    // A new flow changes the columns the automatic layout gives: the steps it placed stay put.
    const joins = op.op === "add" && "flow" in op.record;
    const req = joins ? () => {
      const pins = this.pinPositions(new Set());
      return pins.length ? ({ op: "batch", ops: [...pins, op] } as Op) : op;
    } : op;
    void this.events.edit(req).then((ok) => {
      // A flow just drawn is selected, ready for its details.
      if (ok && op.op === "add" && "flow" in op.record && op.record.flow) this.setSelection([], flowKey(op.record.flow));
    });
  }
  reaches(a: string, b: string): boolean {
    const outs = new Map<string, string[]>();
    for (const f of this.mirror.flows) {
      if (f.kind === "rework" || f.kind === "information") continue;
      const l = outs.get(f.from);
      if (l) l.push(f.to);
      else outs.set(f.from, [f.to]);
    }
    const seen = new Set([a]);
    const stack = [a];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === b) return true;
      for (const y of outs.get(x) ?? []) {
        if (!seen.has(y)) {
          seen.add(y);
          stack.push(y);
        }
      }
    }
    return false;
  }
  editName(id: string): void {
    const b = this.scene.box(id);
    if (!b) return;
    const a = this.viewport.toScreen({ x: b.rect.x, y: b.rect.y });
    this.events.editName(id, { x: a.x, y: a.y, w: b.rect.w * this.viewport.scale, h: 30 * this.viewport.scale });
  }
  /**
   * Draws at the next animation frame. `bitmapsValid`: what the pan and drag bitmaps hold has
   * not changed (a pan moved the offset only, or a drag moved only its steps); any other
   * redraw bumps the stamp, and the bitmaps are drawn again.
   */
  redraw(bitmapsValid = false): void {
    if (!bitmapsValid) {
      this.stamp++;
      this.changed = true;
      this.region = null;
    }
    this.schedule();
  }

  /** Draws the world rectangles `rects` again at the next animation frame (see `region`). */
  private redrawRegion(rects: Rect[]): void {
    // Added to a region waiting, or to nothing waiting; a whole view waiting stays whole.
    if (!this.changed || this.region) this.region = [...(this.region ?? []), ...rects];
    this.stamp++;
    this.changed = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private emitSelection(): void {
    this.events.selectionChanged([...this.selection], this.selectedFlow);
  }

  panning(on: boolean): void {
    this.panActive = on;
    if (!on) {
      // Drawn afresh, at the exact offset.
      if (this.panBitmap) this.panBitmap.view = null;
      this.redraw();
    }
  }

  private paint(): void {
    const t0 = performance.now();
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    // While steps are dragged, every frame copies the map under them and draws them over it.
    // Otherwise a frame with any change but the offset is drawn in full, pan or not.
    if (this.scene.dragging && this.dragBitmap) this.paintDrag(this.dragBitmap);
    else if (this.panActive && !this.changed && this.panBitmap) this.paintPan(this.panBitmap);
    else if (this.region && !this.panActive) this.paintRegion(this.region);
    else this.drawView(this.ctx, this.viewport);
    this.changed = false;
    this.region = null;
    this.events.drew?.(performance.now() - t0);
  }

  /** Only the part of the view around `rects` is drawn again, clipped to whole device pixels. */
  private paintRegion(rects: Rect[]): void {
    const plan = regionPlan(rects, this.viewport, window.devicePixelRatio || 1);
    if (plan === "none") return;
    if (plan === "all") {
      this.drawView(this.ctx, this.viewport);
      return;
    }
    const ctx = this.ctx;
    const { clip } = plan;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.beginPath();
    ctx.rect(clip.x, clip.y, clip.w, clip.h);
    ctx.clip();
    this.drawView(ctx, this.viewport, true, "all", plan.cull);
    ctx.restore();
  }

  /** A pan frame: the view drawn with a margin into a bitmap, then copied at the new offset. */
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
      this.drawView(bitmap.ctx, wide, false);
      bitmap.view = { ox: v.ox, oy: v.oy, stamp: this.stamp };
      plan = { redraw: false, dx: 0, dy: 0 };
    }
    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(bitmap.canvas, Math.round((plan.dx - PAN_MARGIN) * ratio), Math.round((plan.dy - PAN_MARGIN) * ratio));
    ctx.restore();
    drawLaneNames(ctx, this.scene, v, this.theme);
  }

  /**
   * A drag frame: what lies under the map (background, grid, lanes, which the drag can
   * stretch), then a copy of what the drag leaves where it is (drawn once into a transparent
   * bitmap while nothing else changes), then what moves, and the lanes' names over it all.
   */
  private paintDrag(bitmap: Bitmap): void {
    const v = this.viewport;
    // Drawn again when anything but the moving steps changed (a new drag, the view, a hover).
    if (panFrame(bitmap.view, v.ox, v.oy, this.stamp, 0).redraw) {
      bitmap.ctx.save();
      bitmap.ctx.setTransform(1, 0, 0, 1, 0, 0);
      bitmap.ctx.clearRect(0, 0, bitmap.canvas.width, bitmap.canvas.height);
      bitmap.ctx.restore();
      this.drawView(bitmap.ctx, v, false, "still");
      bitmap.view = { ox: v.ox, oy: v.oy, stamp: this.stamp };
    }
    const ctx = this.ctx;
    this.drawView(ctx, v, false, "under");
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(bitmap.canvas, 0, 0);
    ctx.restore();
    this.drawView(ctx, v, true, "moving"); // with the lanes' names, over everything
  }

  private drawView(ctx: CanvasRenderingContext2D, viewport: Viewport, laneNames = true, layer: DrawLayer = "all", cull?: Rect): void {
    // A full frame of the view records what it drew of the steps' text.
    const stats = layer === "all" && viewport === this.viewport ? emptyStats() : undefined;
    if (stats) this.textStats = stats;
    draw(
      ctx,
      {
        scene: this.scene,
        map: this.mirror.map,
        analysis: this.analysis,
        viewport,
        theme: this.theme,
        selected: this.selection,
        selectedFlow: this.selectedFlow,
        selectedKaizen: this.selectedKaizen,
        selectedNote: this.selectedNote,
        hover: this.hover,
        connecting: this.connecting,
        marquee: this.marquee,
        grid: true,
        laneNames,
        layer,
        cull,
        stats,
      },
      this.hl,
    );
  }

  private resize(): void {
    const r = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * ratio));
    this.canvas.height = Math.max(1, Math.round(r.height * ratio));
    setPixelRatio(this.ctx, ratio);
    this.viewport.width = r.width;
    this.viewport.height = r.height;
    const w = Math.round((r.width + 2 * PAN_MARGIN) * ratio);
    const h = Math.round((r.height + 2 * PAN_MARGIN) * ratio);
    this.panBitmap ??= bitmap(false);
    this.dragBitmap ??= bitmap(true);
    resizeBitmap(this.panBitmap, w, h, ratio);
    resizeBitmap(this.dragBitmap, this.canvas.width, this.canvas.height, ratio);
    this.stamp++;
    this.changed = true;
    this.region = null;
    if (this.keepFitted) fitMap(this.viewport, this.scene.extent, FIT_MARGIN, this.ctx, this.scene, this.theme);
    this.paint();
  }

  // --- commands -------------------------------------------------------------------------

  /**
   * Presentation mode (issue 16) on or off, in the frame it is asked in: larger text in wider
   * boxes (the layout made again for them), *Fit* up to 200% and kept on every change of the
   * canvas's size, and `theme` (null: the system's). Call it once the chrome has changed.
   */
  setPresentation(on: boolean, theme: Theme | null): void {
    // Each set of sizes keeps its scene: on and off again over an unchanged map builds nothing.
    // (Not one in the middle of a drag: its steps are where the drag has them.)
    if (!this.scene.dragging) this.scenes.set(currentSizes(), { scene: this.scene, mirror: this.mirror, version: this.sceneVersion });
    else this.scenes.delete(currentSizes());
    setPresenting(on);
    this.themeOverride = theme;
    this.pickTheme();
    this.keepFitted = on;
    this.viewport.fitMax = on ? 2 : 1;
    const kept = this.scenes.get(currentSizes());
    if (kept && kept.mirror === this.mirror && kept.version === this.mirror.version && !this.scene.dragging) {
      this.scene = kept.scene;
      this.sceneVersion = kept.version;
    } else {
      // The boxes' sizes changed: the scene is made again.
      this.scene = new Scene();
      this.rebuild();
    }
    this.resize();
    this.fit();
  }
  /**
   * Lays the map out at presentation mode's sizes ahead of F5 (called when the page is idle), so
   * that the first switch finds its scene made and its names wrapped.
   */
  warmPresentation(): void {
    if (currentSizes() !== "editor") return;
    const kept = this.scenes.get("presentation");
    if (kept && kept.mirror === this.mirror && kept.version === this.mirror.version) return;
    withSizes("presentation", () => {
      const scene = new Scene();
      scene.build(this.mirror);
      this.scenes.set("presentation", { scene, mirror: this.mirror, version: this.mirror.version });
    });
  }
  /** The scene last built with each set of sizes, for the map and version it was built of. */
  private scenes = new Map<Sizes, { scene: Scene; mirror: Mirror; version: number }>();

  fit(): void {
    // As large as the canvas holds it (the lanes' names over their rows, or left of the map
    // where the zoom is too far out for that).
    fitMap(this.viewport, this.scene.extent, FIT_MARGIN, this.ctx, this.scene, this.theme);
    this.redraw();
  }
  zoom(factor: number): void {
    this.viewport.zoomAt(factor, { x: this.viewport.width / 2, y: this.viewport.height / 2 });
    this.redraw();
  }
  selectAll(): void {
    this.setSelection(this.mirror.steps.map((s) => s.id), null);
  }

  /** Moves every step to its automatic-layout position (one edit). */
  layout(): void {
    void this.events
      .edit(() => {
        const { positions } = autoLayout({ ...this.mirror.map, steps: this.mirror.steps.map((s) => ({ ...s, x: null, y: null })) });
        const ops: Op[] = this.mirror.steps.map((s, i) => ({
          op: "move",
          key: { kind: "step", id: s.id },
          x: positions[i].x,
          y: positions[i].y,
        }));
        return ops.length ? { op: "batch", ops } : null;
      })
      .then((ok) => ok && this.fit());
  }

  /**
   * Deletes what is selected, as one edit (built when its turn comes: Delete pressed twice
   * deletes what the first left selected, which is nothing). With `heal`, a step with one item
   * flow in and one out (or a chain of such steps, all deleted) leaves its neighbours joined,
   * as diagram editors do: the new flow keeps the branch's probability from upstream and the
   * queue before the next step. Steps the automatic layout placed keep where they are drawn.
   */
  deleteSelection(heal = true): void {
    void this.events.edit(() => {
      const ops: Op[] = [];
      const gone = new Set([...this.selection].filter((id) => this.mirror.step(id)));
      if (gone.size) {
        ops.push(...this.pinPositions(gone));
        for (const id of gone) ops.push({ op: "remove", key: { kind: "step", id } });
        if (heal) for (const f of healingFlows(this.mirror.flows, gone)) ops.push({ op: "add", record: { flow: f } });
      }
      if (this.selectedFlow && this.mirror.flow(this.selectedFlow)) ops.push({ op: "remove", key: { kind: "flow", id: this.selectedFlow } });
      if (this.selectedKaizen && (this.mirror.map.kaizen ?? []).some((k) => k.id === this.selectedKaizen)) {
        ops.push({ op: "remove", key: { kind: "kaizen", id: this.selectedKaizen } });
      }
      if (this.selectedNote && (this.mirror.map.notes ?? []).some((n) => n.id === this.selectedNote)) {
        ops.push({ op: "remove", key: { kind: "note", id: this.selectedNote } });
      }
      return ops.length === 0 ? null : ops.length === 1 ? ops[0] : { op: "batch", ops };
    });
  }

  /**
   * Moves that write where the automatic layout draws each step without a position (but
   * `except`): an edit that changes how steps connect would otherwise move them all.
   */
  private pinPositions(except: Set<string>): Op[] {
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    const ops: Op[] = [];
    for (const b of this.scene.boxes) {
      if ((b.step.x == null || b.step.y == null) && !except.has(b.step.id)) {
        ops.push({ op: "move", key: { kind: "step", id: b.step.id }, x: b.rect.x, y: b.rect.y });
      }
    }
    return ops;
  }

  copy(): void {
    const ids = this.selection;
    if (!ids.size) return;
    // Positions from the scene as the document now is (an undo may not be drawn yet).
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    this.clip = {
      steps: this.mirror.steps
        .filter((s) => ids.has(s.id))
        .map((s) => {
          const b = this.scene.box(s.id)!;
          return { ...structuredClone(s), x: b.rect.x, y: b.rect.y };
        }),
      flows: this.mirror.flows
        .filter((f) => ids.has(f.from) && ids.has(f.to))
        .map((f) => ({ ...structuredClone(f), id: undefined })),
    };
    this.pasteCount = 0;
  }

  /**
   * Pastes the copied steps (and the flows between them) with fresh ids, offset; built when
   * its turn comes, so that pasting twice quickly makes two copies with ids of their own.
   */
  paste(): void {
    if (!this.clip) return;
    const rename = new Map<string, string>();
    void this.events
      .edit(() => {
        const clip = this.clip;
        if (!clip) return null;
        this.pasteCount++;
        const shift = 30 * this.pasteCount;
        rename.clear();
        const taken = new Set(this.mirror.steps.map((s) => s.id));
        const ops: Op[] = [];
        for (const s of clip.steps) {
          let id = this.mirror.newStepId(s.name || s.id);
          for (let n = 2; taken.has(id); n++) id = `${this.mirror.newStepId(s.name || s.id)}-${n}`;
          taken.add(id);
          rename.set(s.id, id);
          ops.push({ op: "add", record: { step: { ...s, id, x: (s.x ?? 0) + shift, y: (s.y ?? 0) + shift } } });
        }
        for (const f of clip.flows) {
          ops.push({ op: "add", record: { flow: { ...(f as object), from: rename.get(f.from)!, to: rename.get(f.to)! } as never } });
        }
        return { op: "batch", ops };
      })
      .then((ok) => ok && this.setSelection(rename.values(), null));
  }

  /** Copies and pastes what is selected when its turn comes (after the edits before it). */
  duplicate(): void {
    void this.events
      .edit(() => {
        this.copy();
        return null;
      })
      .then(() => this.paste());
  }

  /**
   * Keyboard capture: a new step named `name`, placed after `after` (or the selected step, or
   * the last one) and connected from it. Resolves to the new step's id.
   */
  async capture(name: string, after?: string | null): Promise<string | null> {
    let id = "";
    // Built when its turn comes: a name typed while the last one is on its way follows it.
    const ok = await this.events.edit(() => {
      const from = after ?? (this.selection.size === 1 ? [...this.selection][0] : this.mirror.steps.at(-1)?.id ?? null);
      id = this.mirror.newStepId(name);
      if (this.sceneVersion !== this.mirror.version) this.rebuild();
      const prev = from ? this.scene.box(from) : undefined;
      const x = prev ? prev.rect.x + COL : 0;
      const y = prev ? prev.rect.y : 0;
      // Steps placed by layout get their positions written, so that the new one lines up
      // with them and none of them moves when it joins.
      const ops: Op[] = this.pinPositions(new Set());
      ops.push({ op: "add", record: { step: { id, name, team: prev?.step.team ?? null, x, y } } });
      if (from) ops.push({ op: "add", record: { flow: { from, to: id } } });
      return { op: "batch", ops };
    });
    if (!ok) return null;
    this.setSelection([id], null);
    this.reveal(id);
    return id;
  }

  /** Pans so that a step is on screen. */
  reveal(id: string): void {
    if (!this.scene.box(id)) this.rebuild();
    const b = this.scene.box(id);
    if (b) this.revealRect(b.rect);
  }

  /** Pans so that a note of the parking lot is on screen. */
  revealNote(id: string): void {
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    const n = this.scene.notes.find((x) => x.note.id === id);
    if (n) this.revealRect(n.rect);
  }

  /** Pans so that a kaizen burst is on screen. */
  revealKaizen(id: string): void {
    if (this.sceneVersion !== this.mirror.version) this.rebuild();
    const b = this.scene.bursts.find((x) => x.kaizen.id === id);
    if (!b) return;
    const c = burstCentre(b, this.viewport.scale);
    this.revealRect({ x: c.x - BURST.w, y: c.y - BURST.h, w: 2 * BURST.w, h: 2 * BURST.h });
  }

  /** Pans so that a world rectangle is on screen, with a margin. */
  revealRect(r: Rect): void {
    const a = this.viewport.toScreen({ x: r.x, y: r.y });
    const w = r.w * this.viewport.scale;
    const hh = r.h * this.viewport.scale;
    const m = 60;
    let dx = 0;
    let dy = 0;
    if (a.x + w > this.viewport.width - m) dx = this.viewport.width - m - (a.x + w);
    if (a.x + dx < m) dx = m - a.x;
    if (a.y + hh > this.viewport.height - m) dy = this.viewport.height - m - (a.y + hh);
    if (a.y + dy < m) dy = m - a.y;
    if (dx === 0 && dy === 0) return;
    this.viewport.panBy(dx, dy);
    this.redraw();
  }

  /** The steps currently selected, in map order. */
  selectedSteps(): Step[] {
    return this.mirror.steps.filter((s) => this.selection.has(s.id));
  }


  // --- input ----------------------------------------------------------------------------

  private point(e: MouseEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private listen(): void {
    const c = this.canvas;
    c.tabIndex = 0;
    c.addEventListener("pointerdown", (e) => {
      c.focus();
      c.setPointerCapture(e.pointerId);
      this.tools.down(this.point(e), { button: e.button, shift: e.shiftKey, pan: this.spaceDown });
    });
    c.addEventListener("pointermove", (e) => this.tools.move(this.point(e)));
    c.addEventListener("pointerup", (e) => {
      c.releasePointerCapture(e.pointerId);
      this.tools.up(this.point(e));
    });
    // A pan ends however its button comes up: WebKit does not always send a pointerup for the
    // middle button (a mouseup comes), and the window can lose the pointer.
    const endPan = (e: MouseEvent) => {
      if (this.tools.mode.kind === "pan") this.tools.up(this.point(e));
    };
    c.addEventListener("pointercancel", endPan);
    c.addEventListener("mouseup", endPan);
    c.addEventListener("dblclick", (e) => this.tools.doubleClick(this.point(e)));
    c.addEventListener("contextmenu", (e) => e.preventDefault());
    c.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const p = this.point(e);
        // Pinch (ctrl) and mouse wheels zoom; two-finger trackpad scrolls pan.
        const lines = e.deltaMode === 1;
        const mouseWheel = lines || (e.deltaX === 0 && Math.abs(e.deltaY) >= 50 && Number.isInteger(e.deltaY));
        if (e.ctrlKey || e.metaKey || (mouseWheel && !e.shiftKey)) {
          const dy = lines ? e.deltaY * 40 : e.deltaY;
          this.viewport.zoomAt(Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0015)), p);
        } else if (e.shiftKey && e.deltaX === 0) {
          this.viewport.panBy(-e.deltaY, 0);
        } else {
          this.viewport.panBy(-e.deltaX, -e.deltaY);
        }
        this.redraw();
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
      const pans: { [k: string]: [number, number] } = {
        ArrowLeft: [step, 0],
        ArrowRight: [-step, 0],
        ArrowUp: [0, step],
        ArrowDown: [0, -step],
      };
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

/** A canvas off screen and the view it was last drawn for. */
interface Bitmap {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  view: CachedView | null;
}

/** Sizes `b` to `w` by `h` device pixels; a new size empties it, so its view is forgotten. */
function resizeBitmap(b: Bitmap | null, w: number, h: number, ratio: number): void {
  if (!b || (b.canvas.width === w && b.canvas.height === h)) return;
  b.canvas.width = w;
  b.canvas.height = h;
  setPixelRatio(b.ctx, ratio);
  b.view = null;
}

function bitmap(alpha: boolean): Bitmap | null {
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { alpha });
  return ctx ? { canvas, ctx, view: null } : null;
}
