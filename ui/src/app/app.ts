// The app around the canvas: toolbar, scenario tabs, metrics, inspector, warnings, ladder,
// keyboard capture, menu actions. Every edit goes to the core; what comes back is drawn.

import { events, type Analysis, type AppError, type Comparison, type DataAsset, type Edited, type Key, type Loaded, type Op, type Preview } from "../bindings";
import { call, commands, CoreError } from "../api";
import { Editor } from "../editor/editor";
import { metaOf } from "../editor/mirror";
import { SvgContext } from "../editor/svg";
import { exportPng, exportSvg } from "./export";
import { CalibrationPanel } from "./calibration";
import { openGallery } from "./gallery";
import { Presentation } from "./presentation";
import { showAbout } from "./about";
import { checklistSection, lap, Stopwatch, stopwatchSection } from "./stopwatch";
import { TableWizard } from "./tables";
import { leverSection } from "./whatif";
import { LogWizard } from "./wizard";
import { AuditPanel } from "./audit";
import { CatalogueView, catalogueOp } from "./catalogue";
import { byId, errorText, h } from "./dom";
import { GateRegister } from "./register";
import { ComparePanel, SimulationPanel, TrendPanel } from "./leaders";
import { KaizenBoard } from "./board";
import { LineagePanel } from "./lineage";
import { KIND_LABEL, LineageCanvas } from "../editor/lineage";
import { DARK, LIGHT } from "../editor/render";
import { fmtElapsed } from "../editor/format";
import { METRICS, stepName } from "./metrics";

/** What the drawer under the canvas can show. */
type Drawer = "gates" | "audit" | "catalogue" | "compare" | "trend" | "simulation" | "board" | "lineage" | "calibration";
import { Inspector, type EditRequest } from "./inspector";
import { fixFor, renderKaizen, renderLadder, renderMetrics, renderNotes, renderWarnings } from "./panels";
import { plural } from "../editor/format";
import { freeSpot } from "../editor/placement";
import { STEP_H, STEP_W } from "../editor/geometry";

/** The palette's names for the kinds of asset (the inspector uses the long ones). */
const SHORT_KIND: { [k in keyof typeof KIND_LABEL]: string } = {
  source: "Source",
  dataset: "Dataset",
  job: "Job",
  feature: "Feature",
  feature_store: "Store",
  model: "Model",
  model_version: "Version",
  endpoint: "Endpoint",
};

/** Timings the frame-time and edit-latency harnesses read. */
export interface Perf {
  frames: number[];
  edits: number[];
}

declare global {
  interface Window {
    takt?: App;
    taktPerf?: Perf;
  }
}

export class App {
  editor!: Editor;
  /** The time study's stopwatch (S starts it on the selected step, L laps, Esc stops). */
  stopwatch = new Stopwatch();
  /** View ▸ Presentation (F5): the map for a room. */
  presentation!: Presentation;
  private inspector!: Inspector;
  loaded!: Loaded;
  private analysis!: Analysis;
  private comparison: Comparison | null = null;
  private canUndo = false;
  private canRedo = false;
  /** Edits go to the core one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly perf: Perf = { frames: [], edits: [] };

  constructor(private root: HTMLElement) {}

  async start(): Promise<void> {
    this.layoutDom();
    this.editor = new Editor(byId<HTMLCanvasElement>("canvas"), {
      edit: (op) => this.edit(op),
      selectionChanged: () => this.refreshInspector(),
      editName: (id, at) => this.editNameInPlace(id, at),
      drew: (ms) => {
        if (this.perf.frames.length < 100_000) this.perf.frames.push(ms);
      },
    });
    this.presentation = new Presentation(this.root, this.editor, byId("canvas").parentElement!);
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    this.lineage = new LineageCanvas(
      byId<HTMLCanvasElement>("lineage-canvas"),
      {
        edit: (op) => this.edit(op),
        selectionChanged: () => {
          this.refreshInspector();
          this.showAssetSteps();
        },
        editName: (id, at) => this.editAssetNameInPlace(id, at),
        hovered: (id) => {
          this.hoveredAsset = id;
          this.showAssetSteps();
        },
        stepClicked: (id) => {
          this.editor.setSelection([id], null);
          this.inspectorSig = "";
          this.refreshInspector();
        },
        drew: (ms) => {
          if (this.perf.frames.length < 100_000) this.perf.frames.push(ms);
        },
      },
      dark.matches ? DARK : LIGHT,
    );
    dark.addEventListener("change", () => this.lineage.setTheme(dark.matches ? DARK : LIGHT));
    this.lineagePanel = new LineagePanel(byId("drawer-body"), {
      pickAsset: (id) => this.pickAsset(id),
      pickStep: (id) => {
        if (this.view === "lineage") this.setView("map");
        this.pick(id);
      },
      saveCsv: (_name, text) => void this.saveCsv(text),
      ask: (asset, downstream) => void this.askLineage(asset, downstream),
      clear: () => this.clearLineageAnswer(),
    });
    this.inspector = new Inspector(byId("inspector"), {
      edit: (op) => this.edit(op),
      record: (key) => this.record(key),
      levers: (key, record) =>
        leverSection(key, record, this.editor.mirror.map, {
          preview: async (op, label) => {
            try {
              const p = await call(commands.preview(op));
              this.showPreview(p, label);
              return true;
            } catch (e) {
              byId("metrics").querySelector("h2")!.textContent = `${label}: ${errorText(e)}`;
              return false;
            }
          },
          endPreview: () => this.renderAnalysis(),
          commit: (op) => void this.edit(op),
        }),
      openEvidence: (step, index) => void call(commands.openEvidence(step, index)).catch((e) => this.error(e)),
      instruments: (step) => {
        const host = this.instrumentHost();
        const timed = step.kind == null || step.kind === "process" || step.kind === "gate";
        return [...(timed ? [stopwatchSection(step, this.editor.mirror.map, this.stopwatch, host)] : []), checklistSection(step, host)];
      },
    });
    this.register = new GateRegister(byId("drawer-body"), (id) => this.pick(id));
    this.comparePanel = new ComparePanel(byId("drawer-body"), {
      scenarios: () => this.loaded.scenarios.map((s) => s.name),
      compare: (names) => this.orNull(call(commands.compare(names))),
      waterfalls: (names, metric) => this.longWork("Working out the waterfalls", () => call(commands.waterfalls(names, metric))),
      highlight: (scenario, steps, flows) => void this.highlightSteps(scenario, steps, flows),
      simulate: (names, runs, seed, target) => this.longWork("Simulating", () => call(commands.simulate(names, runs, seed, target))),
      pictures: (names) => this.orNull(call(commands.comparePictures(names))),
    });
    this.board = new KaizenBoard(byId("drawer-body"), {
      move: (id, status) => void this.edit({ op: "set", key: { kind: "kaizen", id }, field: "status", value: status }),
      pick: (id) => this.pickKaizen(id),
      measured: (id) => this.comparePanel.measured(id),
    });
    this.simulationPanel = new SimulationPanel(byId("drawer-body"), {
      scenario: () => this.loaded.scenario,
      simulate: (names, runs, seed, target) => this.longWork("Simulating", () => call(commands.simulate(names, runs, seed, target)), true),
      tint: (share) => this.editor.setCriticalShare(share),
      pick: (id) => this.pick(id),
      nameOf: (id) => stepName(this.editor.mirror.map, id),
    });
    this.calibrationPanel = new CalibrationPanel(byId("drawer-body"), {
      scenarios: () => ({ title: this.loaded.title, names: this.loaded.scenarios.map((x) => x.name) }),
      pick: (id) => this.pick(id),
    });
    this.trendPanel = new TrendPanel(byId("drawer-body"), {
      trend: (metric) => this.orNull(call(commands.trend(metric))),
      takeSnapshot: () => this.takeSnapshot(),
      open: (id) => void this.openSnapshot(id),
      importSnapshot: () => this.importSnapshot(),
    });
    this.audit = new AuditPanel(
      byId("drawer-body"),
      (key) => this.pickKey(key),
      (key) => this.nameOfKey(key),
    );
    this.audit.reload = () => void this.refreshDrawer();
    this.catalogue = new CatalogueView(byId("drawer-body"), {
      edit: (build) =>
        this.edit(() => {
          const next = build(this.editor.mirror.map.catalogue ?? []);
          return next ? catalogueOp(next) : null;
        }),
      importFile: () => void this.importCatalogue(),
      pick: (id) => this.pick(id),
      today: () => {
        const d = new Date();
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      },
    });
    await events.menuAction.listen((e) => this.action(e.payload.id));
    document.addEventListener("keydown", (e) => this.keydown(e));
    window.takt = this;
    window.taktPerf = this.perf;
    try {
      this.show(await call(commands.current()));
    } catch (e) {
      this.error(e);
    }
    const startup = await call(commands.startupError()).catch(() => null);
    this.root.classList.add("ready");
    if (startup) void this.startupFailed(startup);
  }

  // --- document and analysis ----------------------------------------------------------------

  private show(l: Loaded, fit = true): void {
    this.loaded = l;
    this.analysis = l.analysis;
    this.comparison = l.comparison;
    this.canUndo = l.can_undo;
    this.canRedo = l.can_redo;
    // A stopwatch times a step of the scenario it was started in.
    this.stopwatch.stop();
    this.editor.load(l.map, l.analysis, fit);
    this.lineage.setMap(this.editor.mirror.map);
    this.lineage.setMarks(null);
    this.lineagePanel.reach = null;
    this.lineageStale = true;
    this.lineageFitted = false;
    if (this.lineageOnShow()) void this.refreshLineage(fit);
    this.renderTabs();
    this.renderAnalysis();
    void call(commands.catalogue())
      .then((c) => {
        this.inspector.catalogue = c.map((e) => e.control);
        this.inspectorSig = "";
        this.refreshInspector();
      })
      .catch(() => {});
    this.refreshInspector();
    void this.refreshDrawer();
    byId("doc-title").textContent = l.title;
    // The same title as the window's (which Rust sets), for anything that reads the page's.
    document.title = `${l.title} — ${l.scenario} — Takt`;
    byId("doc-title").title = l.path;
  }

  /** Runs `f` after every edit sent before it (the core sees edits in order). */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.queue.then(f);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Resolves when every edit sent so far is done and drawn (tests wait on it). */
  idle(): Promise<unknown> {
    return this.queue;
  }

  /**
   * Sends an edit; on success the mirror, canvas and panels show the result. An edit given as a
   * function is built when its turn comes, from the document as the edits before it left it:
   * a command key pressed twice quickly (Delete, Ctrl+D) acts twice, each time on what is there.
   */
  edit(req: EditRequest): Promise<boolean> {
    const run = async () => {
      const t0 = performance.now();
      const op = typeof req === "function" ? req() : req;
      if (!op) return false;
      try {
        let r: Edited;
        try {
          r = await call(commands.apply(op));
        } catch (e) {
          // A future state removing or bypassing a mandatory gate: asks why, and makes the
          // edit with the justification (or not at all).
          if (!(e instanceof CoreError) || e.error.kind !== "unjustified") throw e;
          const why = await this.justify(e.error.names, e.error.message);
          if (why == null) return false;
          r = await call(commands.applyJustified(op, e.error.gates, why));
        }
        this.afterEdit(r);
        // Until the frame that shows it (for the edit-latency harness); a hidden window draws
        // no frames, and the queue must not wait for one.
        await Promise.race([nextFrame(), new Promise((done) => setTimeout(done, FRAME_WAIT_MS))]);
        this.perf.edits.push(performance.now() - t0);
        return true;
      } catch (e) {
        this.error(e);
        return false;
      }
    };
    return this.serial(run);
  }

  private afterEdit(e: Edited): void {
    this.editor.applied(e.diff, e.analysis);
    if (e.diff.changes.length) {
      this.lineage.setMap(this.editor.mirror.map);
      if (this.view === "both") this.lineage.setCombined(this.editor.stepShapes());
      // The core's lineage view is asked for when something shows it; else when it comes on.
      this.lineageStale = true;
      if (this.lineageOnShow()) void this.refreshLineage();
    }
    this.analysis = e.analysis;
    this.comparison = e.comparison;
    this.canUndo = e.can_undo;
    this.canRedo = e.can_redo;
    this.renderAnalysis();
    this.refreshInspector();
    // The register comes with the edit while it is on show: drawn in the edit's frame.
    if (this.drawer === "gates" && e.register) this.register.show(e.register, this.editor.mirror.map, this.editor.selection);
    else void this.refreshDrawer();
  }

  // --- the drawer: the gate register and the audit trail --------------------------------------

  private register!: GateRegister;
  lineage!: LineageCanvas;
  private lineagePanel!: LineagePanel;
  /** Which canvas is on screen: the value stream, or the data lineage. */
  view: "map" | "lineage" | "both" = "map";
  private hoveredAsset: string | null = null;
  /** The lineage view was fitted to its map once (later, the user's zoom stays). */
  private lineageFitted = false;

  /** Shows the value-stream canvas or the lineage canvas. */
  setView(v: "map" | "lineage" | "both"): void {
    if (v === this.view) return;
    this.view = v;
    const lin = v !== "map";
    this.lineage.setCombined(v === "both" ? this.editor.stepShapes() : null);
    if (v === "both") this.lineageFitted = false;
    this.root.classList.toggle("lineage-mode", lin);
    byId("canvas").hidden = lin;
    byId("lineage-canvas").hidden = !lin;
    byId("map-palette").hidden = lin;
    byId("lineage-palette").hidden = !lin;
    for (const b of document.querySelectorAll<HTMLButtonElement>("[data-view]")) b.classList.toggle("active", b.dataset.view === v);
    byId<HTMLInputElement>("capture").placeholder = lin
      ? "Type an asset name and press Enter — a dataset is added, derived from the selected asset"
      : "Type a step name and press Enter — the next step is created and connected";
    if (lin) {
      if (this.lineageStale) void this.refreshLineage(!this.lineageFitted);
      this.lineage.shown();
      if (!this.lineageFitted || v === "both") {
        this.lineageFitted = true;
        this.lineage.fit();
      }
      this.lineage.canvas.focus();
    } else {
      this.editor.canvas.focus();
    }
    this.inspectorSig = "";
    this.refreshInspector();
    this.showAssetSteps();
  }

  /** The lineage canvas, its panel or an answer's marks are on screen. */
  private lineageOnShow(): boolean {
    return this.view !== "map" || this.drawer === "lineage" || this.lineagePanel.reach != null;
  }
  private lineageStale = true;

  /** Fetches the core's lineage view (layout, freshness, waste) and draws it. */
  private async refreshLineage(fit = false): Promise<void> {
    this.lineageStale = false;
    try {
      const v = await call(commands.lineageView());
      this.lineage.setOverview(v.overview, v.ids);
      if (fit) {
        this.lineageFitted = this.view !== "map";
        if (this.lineageFitted) this.lineage.fit();
      }
      const r = this.lineagePanel.reach;
      if (r && (this.editor.mirror.map.assets ?? []).some((a) => a.id === r.asset)) await this.askLineage(r.asset, r.downstream, false);
      else if (r) this.clearLineageAnswer();
      if (this.drawer === "lineage") this.lineagePanel.show(this.editor.mirror.map, this.lineage);
      if (this.view !== "map") {
        this.inspectorSig = "";
        this.refreshInspector();
      }
    } catch (e) {
      this.error(e);
    }
  }

  /** Impact (downstream) or Upstream of an asset: marked on both canvases, listed in the drawer. */
  async askLineage(asset: string | null, downstream: boolean, open = true): Promise<void> {
    if (!asset) {
      this.toast("Select an asset first: its impact (I) or what it depends on (U)", true);
      return;
    }
    try {
      const r = await call(commands.lineageReach(asset, downstream));
      this.lineagePanel.reach = r;
      this.lineage.setMarks({ origin: asset, assets: new Set(r.assets) });
      this.editor.setLineageSteps(new Set([...r.steps, ...r.gates]));
      if (open && this.drawer !== "lineage") {
        this.toggleDrawer("lineage");
        // The canvas is shorter now: the asset asked about stays in view.
        // (After the frame that lays the page out again and resizes the canvas.)
        requestAnimationFrame(() => requestAnimationFrame(() => this.lineage.reveal(asset)));
      } else if (this.drawer === "lineage") this.lineagePanel.show(this.editor.mirror.map, this.lineage);
    } catch (e) {
      this.error(e);
    }
  }

  clearLineageAnswer(): void {
    this.lineagePanel.reach = null;
    this.lineage.setMarks(null);
    this.showAssetSteps();
    if (this.drawer === "lineage") this.lineagePanel.show(this.editor.mirror.map, this.lineage);
  }

  /**
   * The steps that read or write the asset under the pointer (or the selected one) outlined on
   * the value-stream canvas, and the assets of the step under the pointer on the lineage's; an
   * Impact or Upstream answer on show wins.
   */
  private showAssetSteps(): void {
    const steps = (set: Set<string> | null) => {
      this.editor.setLineageSteps(set);
      this.lineage.setStepMarks(set);
    };
    if (this.lineagePanel.reach) {
      const r = this.lineagePanel.reach;
      steps(new Set([...r.steps, ...r.gates]));
      return;
    }
    const id = this.hoveredAsset ?? (this.view !== "map" ? this.lineage.selected : null);
    if (!id) {
      steps(null);
      return;
    }
    steps(new Set((this.editor.mirror.map.links ?? []).filter((l) => l.asset === id).map((l) => l.step)));
  }

  private pickAsset(id: string): void {
    if (this.view === "map") this.setView("lineage");
    this.lineage.select(id);
    this.lineage.reveal(id);
  }

  private editAssetNameInPlace(id: string, at: { x: number; y: number; w: number; h: number }): void {
    const a = (this.editor.mirror.map.assets ?? []).find((x) => x.id === id);
    if (!a) return;
    const was = a.name ?? "";
    this.askName(at, was, "", (name) => {
      if (name !== was) void this.edit({ op: "set", key: { kind: "asset", id }, field: "name", value: name });
    });
  }

  /** A fresh asset id from a name: "Orders (S3)" -> "orders-s3", "orders-s3-2". */
  private newAssetId(name: string): string {
    const base =
      name
        .toLowerCase()
        .normalize("NFKD")
        .replace(/[^\w\s-]/g, "")
        .trim()
        .replace(/[\s_]+/g, "-")
        .replace(/-+/g, "-")
        .slice(0, 40) || "asset";
    const taken = new Set((this.editor.mirror.map.assets ?? []).map((a) => a.id));
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    return id;
  }

  /**
   * Adds an asset of `kind` named `name`, placed right of the selected asset and derived from
   * it (one edit), and selects it.
   */
  async addAsset(kind: keyof typeof KIND_LABEL, name?: string): Promise<string | null> {
    let id = "";
    const ok = await this.edit(() => {
      const from = this.lineage.selected && (this.editor.mirror.map.assets ?? []).some((a) => a.id === this.lineage.selected) ? this.lineage.selected : null;
      const label = name ?? `New ${KIND_LABEL[kind].toLowerCase()}`;
      id = this.newAssetId(label);
      const p = this.lineage.placeAfter(from);
      const ops: Op[] = [{ op: "add", record: { asset: { id, name: label, kind, x: p.x, y: p.y } } }];
      if (from) ops.push({ op: "add", record: { lineage: { from, to: id } } });
      return ops.length === 1 ? ops[0] : { op: "batch", ops };
    });
    if (!ok) return null;
    if (this.view === "map") this.setView("lineage");
    this.lineage.select(id);
    this.lineage.reveal(id);
    return id;
  }

  /** Deletes the selected asset (the core removes its edges and links with it). */
  private deleteAsset(): void {
    const id = this.lineage.selected;
    if (!id) return;
    void this.edit(() => ((this.editor.mirror.map.assets ?? []).some((a) => a.id === id) ? { op: "remove", key: { kind: "asset", id } } : null));
  }

  private assetClip: DataAsset | null = null;

  /** Pastes a copy of the copied asset (a fresh id, offset), with no edges. */
  private pasteAsset(): void {
    const c = this.assetClip;
    if (!c) return;
    let id = "";
    void this.edit(() => {
      id = this.newAssetId(c.name || c.id);
      const p = this.lineage.placeAfter(null);
      return { op: "add", record: { asset: { ...structuredClone(c), id, x: p.x, y: p.y } } };
    }).then((ok) => {
      if (ok) {
        this.lineage.select(id);
        this.lineage.reveal(id);
      }
    });
  }

  /** File ▸ Import ▸ OpenLineage events…: read, shown, confirmed when lines are bad, merged. */
  private importOpenLineage(): Promise<void> {
    return this.serial(async () => {
      try {
        const read = await call(commands.readLineage());
        if (!read) return;
        if (read.problems.length) {
          const what = read.array ? "element" : "line";
          const list = read.problems.slice(0, 12).map((p) => `${what} ${p.line}: ${p.message}`);
          if (read.problems.length > 12) list.push(`… and ${read.problems.length - 12} more`);
          const yes = await this.confirm(
            `${read.file} has ${plural(read.problems.length, `${what} that cannot be read`, `${what}s that cannot be read`)}:\n${list.join("\n")}\n\nNothing is imported yet. Import the ${plural(read.events, "valid event")} (${plural(read.assets, "asset")}, ${plural(read.edges, "edge")})?`,
            "Import the valid events",
          );
          if (!yes) {
            await call(commands.discardLineage());
            this.toast("Nothing imported");
            return;
          }
        }
        const r = await call(commands.mergeLineage());
        if (r) this.afterEdit(r);
        const cut = read.cut.length ? `; ${plural(read.cut.length, "edge")} left out, as lineage cannot loop` : "";
        this.toast(r ? `Imported ${plural(read.events, "event")}: ${plural(read.new_records, "new record")}${cut}` : "Nothing new: every asset and edge is in the map already");
        if (r && this.view === "map") this.setView("lineage");
        if (r) {
          this.lineageFitted = true;
          await this.refreshLineage();
          this.lineage.fit();
        }
      } catch (e) {
        this.error(e);
      }
    });
  }

  private async saveCsv(text: string): Promise<void> {
    try {
      const path = await call(commands.exportMap("csv", text));
      if (path) this.toast(`Saved ${path}`);
    } catch (e) {
      this.error(e);
    }
  }
  private audit!: AuditPanel;
  private catalogue!: CatalogueView;
  private comparePanel!: ComparePanel;
  private trendPanel!: TrendPanel;
  private calibrationPanel!: CalibrationPanel;
  private simulationPanel!: SimulationPanel;
  private board!: KaizenBoard;
  /** What the drawer under the canvas shows. */
  private drawer: Drawer | null = null;

  /** Shows the gate register or the audit trail under the canvas (again: hides it). */
  toggleDrawer(what: Drawer): void {
    if (this.drawer === "gates") void call(commands.gates(false)).catch(() => {});
    if (this.drawer === "simulation") this.simulationPanel.hide();
    this.drawer = this.drawer === what ? null : what;
    // The other view's rows go at once; this one's come with its data.
    byId("drawer-body").replaceChildren();
    const d = byId("drawer");
    d.hidden = this.drawer == null;
    for (const b of d.querySelectorAll<HTMLButtonElement>("[data-drawer]")) b.classList.toggle("active", b.dataset.drawer === this.drawer);
    for (const id of ["gates", "audit"]) byId(id).classList.toggle("active", this.drawer === id);
    d.classList.toggle("tall", this.drawer === "compare" || this.drawer === "trend" || this.drawer === "simulation" || this.drawer === "board" || this.drawer === "calibration");
    // A height the user dragged to wins over the views' own.
    const kept = localStorage.getItem("takt.drawerHeight");
    if (kept) d.style.height = kept;
    void this.refreshDrawer(true);
  }

  /** Drags the drawer's top edge: its height follows the pointer, and is kept for next time. */
  private resizeDrawer(e: PointerEvent): void {
    const d = byId("drawer");
    const handle = e.currentTarget as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const startY = e.clientY;
    const startH = d.getBoundingClientRect().height;
    const move = (m: PointerEvent) => {
      const hgt = Math.round(Math.min(window.innerHeight - 160, Math.max(140, startH + startY - m.clientY)));
      d.style.height = `${hgt}px`;
    };
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      localStorage.setItem("takt.drawerHeight", d.style.height);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    e.preventDefault();
  }

  /**
   * Runs a long piece of work in Rust (a waterfall): quietly when it is quick, else with a
   * progress bar and Cancel (the report's, `report_progress`/`cancel_report`) after 300 ms.
   */
  private async longWork<T>(title: string, work: () => Promise<T | null>, quiet = false): Promise<T | null> {
    let box: HTMLElement | null = null;
    let poll = 0;
    const show = window.setTimeout(() => {
      const bar = h("progress", { id: "work-progress", max: 1, value: 0 });
      const stage = h("div", { class: "muted", id: "work-stage" }, "");
      const cancel = h("button", { id: "work-stop", onclick: () => void commands.cancelReport() }, "Cancel");
      box = h("div", { class: "modal", role: "dialog", id: "work-running" }, h("div", { class: "modal-box" }, h("h3", {}, title), bar, stage, h("div", { class: "modal-actions" }, cancel)));
      document.body.append(box);
      poll = window.setInterval(async () => {
        const p = await call(commands.reportProgress()).catch(() => null);
        if (p) {
          bar.value = p.share ?? 0;
          stage.textContent = p.stage;
        }
      }, 100);
    }, 300);
    try {
      return await work();
    } catch (e) {
      // Quiet: the caller says the error where it belongs (under its field).
      if (quiet) throw e;
      this.error(e);
      return null;
    } finally {
      clearTimeout(show);
      clearInterval(poll);
      (box as HTMLElement | null)?.remove();
    }
  }

  /**
   * A waterfall bar clicked: its steps selected on the map, in the scenario they are in (the
   * canvas selects one flow with them: the bar's first that is there).
   */
  private async highlightSteps(scenario: string, steps: string[], flows: string[]): Promise<void> {
    if (scenario !== this.loaded.scenario) await this.switchTo(scenario);
    const here = steps.filter((id) => this.editor.mirror.step(id));
    const flow = flows.find((k) => this.editor.mirror.flow(k)) ?? null;
    this.editor.setSelection(here, flow);
    if (here[0]) this.editor.reveal(here[0]);
    const parts = [here.length ? plural(here.length, "changed step") : "", flow ? "a changed flow" : ""].filter(Boolean);
    this.toast(parts.length ? `Selected in ${scenario}: ${parts.join(" and ")}` : "This bar's changes are steps removed; see the list of changes");
  }

  /** A command's answer, or null when it failed (and the error is said). */
  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (e) {
      this.error(e);
      return null;
    }
  }

  /** A snapshot, read-only: its map and its figures in a dialog (snapshots are not edited). */
  private async openSnapshot(id: number): Promise<void> {
    const v = await this.orNull(call(commands.snapshotView(id)));
    if (!v) return;
    const close = () => dialog.remove();
    const picture = h("div", { class: "chart-box snapshot-map" });
    picture.innerHTML = v.svg;
    const label = (k: string) => METRICS.find((m) => m.key === k)?.label ?? k.replace(/_s$/, "").replace(/_/g, " ");
    const figures = h("dl", { class: "snapshot-figures" }, ...v.metrics.flatMap(([k, val]) => [h("dt", {}, label(k)), h("dd", {}, val)]));
    const dialog = h(
      "div",
      { class: "modal", role: "dialog", id: "snapshot-dialog", "aria-labelledby": "snapshot-title" },
      h(
        "div",
        { class: "modal-box wide" },
        h("h3", { id: "snapshot-title" }, `${v.name}: snapshot of ${v.taken} (read-only)`),
        v.label ? h("p", { class: "muted" }, v.label) : "",
        picture,
        figures,
        h("div", { class: "modal-actions" }, h("button", { id: "snapshot-close", class: "primary", onclick: close }, "Close")),
      ),
    );
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
    });
    document.body.append(dialog);
    byId("snapshot-close").focus();
  }

  /** After a snapshot: says so, and shows the trend with it. */
  private showTrend(message: string): void {
    this.toast(message);
    if (this.drawer !== "trend") this.toggleDrawer("trend");
    else void this.refreshDrawer();
  }

  /** Scenario ▸ Take Snapshot: the current state, dated today, with a note. */
  private async takeSnapshot(): Promise<void> {
    const note = await this.prompt({
      id: "snapshot",
      field: h("input", { type: "text", id: "snapshot-note", value: "Monthly review", spellcheck: false }),
      before: [h("label", { for: "snapshot-note" }, "A snapshot of the current state, dated today. Note:")],
      ok: "Take snapshot",
      empty: "Write a short note (what changed, or why now)",
    });
    if (note == null) return;
    try {
      const date = await call(commands.takeSnapshot(note));
      this.showTrend(`Snapshot taken, dated ${date}`);
    } catch (e) {
      this.error(e);
    }
  }

  /** Scenario ▸ Import Earlier State: a map file taken as a snapshot with the date it had. */
  private async importSnapshot(): Promise<void> {
    const date = await this.prompt({
      id: "snapshot-date",
      field: h("input", { type: "date", id: "snapshot-date-input", value: "" }),
      before: [h("label", { for: "snapshot-date-input" }, "The date of the earlier state (the map file is chosen next):")],
      ok: "Choose the file…",
      empty: "A date is needed (YYYY-MM-DD)",
    });
    if (date == null) return;
    try {
      const done = await call(commands.importSnapshot(date, ""));
      if (!done) return;
      this.showTrend(`Earlier state imported as the snapshot of ${date}`);
    } catch (e) {
      this.error(e);
    }
  }

  /** Fetches and draws what the drawer shows, after every change of the document. */
  private async refreshDrawer(opened = false): Promise<void> {
    const what = this.drawer;
    if (!what) return;
    try {
      if (what === "compare") {
        await this.comparePanel.refresh(!opened);
      } else if (what === "trend") {
        await this.trendPanel.refresh();
      } else if (what === "calibration") {
        await this.calibrationPanel.refresh();
      } else if (what === "board") {
        const v = await call(commands.kaizenBoard());
        if (this.drawer === "board") this.board.show(v, this.editor.selectedKaizen);
      } else if (what === "simulation") {
        await this.simulationPanel.refresh();
      } else if (what === "gates") {
        const r = await call(commands.gates(true));
        if (this.drawer === "gates") this.register.show(r, this.editor.mirror.map, this.editor.selection);
      } else if (what === "lineage") {
        if (this.lineageStale) await this.refreshLineage();
        else this.lineagePanel.show(this.editor.mirror.map, this.lineage);
      } else if (what === "catalogue") {
        const entries = await call(commands.catalogue());
        this.inspector.catalogue = entries.map((e) => e.control);
        if (this.drawer === "catalogue") this.catalogue.show(entries, this.editor.mirror.map);
      } else {
        const rows = await call(commands.audit(this.audit.all));
        if (this.drawer === "audit") this.audit.show(rows);
      }
    } catch (e) {
      this.error(e);
    }
  }

  /** File ▸ Import Catalogue…: the controls of a catalogue file, added as one edit. */
  private importCatalogue(): Promise<void> {
    return this.serial(async () => {
      try {
        const r = await call(commands.importCatalogue());
        if (!r) return;
        this.afterEdit(r);
        this.toast("Catalogue imported");
        if (this.drawer !== "catalogue") this.toggleDrawer("catalogue");
      } catch (e) {
        this.error(e);
      }
    });
  }

  private pickKey(key: Key): void {
    if (key.kind === "step") this.pick(key.id);
    else if (key.kind === "kaizen") this.pickKaizen(key.id);
    else if (key.kind === "flow" && this.editor.mirror.flow(key.id)) this.editor.setSelection([], key.id);
  }

  private nameOfKey(key: Key): string {
    const m = this.editor.mirror;
    if (key.kind === "step") return m.step(key.id)?.name || key.id;
    if (key.kind === "kaizen") return (m.map.kaizen ?? []).find((k) => k.id === key.id)?.title || key.id;
    if (key.kind === "flow") {
      const [a, b] = key.id.split(">");
      return `${m.step(a)?.name || a} → ${m.step(b ?? "")?.name || b}`;
    }
    return `${key.kind} ${key.id}`;
  }

  private undoRedo(redo: boolean): Promise<void> {
    return this.serial(async () => {
      try {
        const r = await call(redo ? commands.redo() : commands.undo());
        this.afterEdit(r);
      } catch (e) {
        this.error(e);
      }
    });
  }

  /** The what-if shown last (for the tests and the frame harness). */
  lastPreview: Preview | null = null;

  /** A what-if's figures in the metrics panel and the ladder, with their change (no edit). */
  private showPreview(p: Preview, label: string): void {
    this.lastPreview = p;
    const map = this.editor.mirror.map;
    const el = byId("metrics");
    el.classList.add("previewing");
    renderMetrics(el, p.analysis, map, p.comparison, label);
    renderLadder(byId("ladder"), p.analysis, map, (id) => this.pick(id));
  }

  private renderAnalysis(): void {
    const map = this.editor.mirror.map;
    byId("metrics").classList.remove("previewing");
    renderMetrics(byId("metrics"), this.analysis, map, this.comparison);
    renderWarnings(byId("warnings"), this.analysis, map, (id) => this.pick(id), (w) => void this.edit(() => fixFor(w, this.editor.mirror.map)?.op ?? null));
    renderLadder(byId("ladder"), this.analysis, map, (id) => this.pick(id));
    (byId("undo") as HTMLButtonElement).disabled = !this.canUndo;
    (byId("redo") as HTMLButtonElement).disabled = !this.canRedo;
    byId("step-count").textContent = plural(map.steps?.length ?? 0, "step");
    renderKaizen(byId("kaizen"), map, this.editor.selectedKaizen, (id) => this.pickKaizen(id));
    renderNotes(byId("notes"), map, this.editor.selectedNote, (id) => this.pickNote(id));
  }

  /** A record as the mirror holds it now (the inspector builds its edits from it). */
  private record(key: Key): unknown {
    const m = this.editor.mirror;
    switch (key.kind) {
      case "meta":
        return metaOf(m.map);
      case "step":
        return m.step(key.id);
      case "flow":
        return m.flow(key.id);
      case "kaizen":
        return (m.map.kaizen ?? []).find((k) => k.id === key.id);
      case "note":
        return (m.map.notes ?? []).find((n) => n.id === key.id);
      case "team":
        return (m.map.teams ?? []).find((t) => t.id === key.id);
      case "asset":
        return (m.map.assets ?? []).find((a) => a.id === key.id);
      default:
        return undefined;
    }
  }

  private pickNote(id: string): void {
    this.editor.selectNote(id);
    this.editor.revealNote(id);
  }

  private pickKaizen(id: string): void {
    this.editor.selectKaizen(id);
    this.editor.revealKaizen(id);
  }

  private pick(id: string): void {
    this.editor.setSelection([id], null);
    this.editor.reveal(id);
  }

  private refreshInspector(): void {
    const ed = this.editor;
    const flow = ed.selectedFlow ? ed.mirror.flow(ed.selectedFlow) ?? null : null;
    // Keep a field being typed in: re-render only when the selection or document changed.
    const kaizen = ed.selectedKaizen ? (ed.mirror.map.kaizen ?? []).find((k) => k.id === ed.selectedKaizen) ?? null : null;
    const note = ed.selectedNote ? (ed.mirror.map.notes ?? []).find((n) => n.id === ed.selectedNote) ?? null : null;
    // The mirror's generation: another document or scenario is another mirror, whose version
    // may be the same number (a panel of the previous document must never stay on screen).
    const asset = this.view !== "map" && this.lineage?.selected ? (ed.mirror.map.assets ?? []).find((a) => a.id === this.lineage.selected) ?? null : null;
    const sig = `${this.view}|${asset?.id}|${[...ed.selection].join(",")}|${ed.selectedFlow}|${ed.selectedKaizen}|${ed.selectedNote}|${ed.mirror.generation}.${ed.mirror.version}`;
    if (sig === this.inspectorSig) return;
    this.inspectorSig = sig;
    if (asset) {
      const f = this.lineage.freshness(asset.id);
      const flags: string[] = [];
      if (this.lineage.isUnconsumed(asset.id)) flags.push("Inventory waste: nothing reads it or derives from it");
      if (this.lineage.isCopy(asset.id)) flags.push("Transportation waste candidate: a copy of another dataset, with no transformation");
      this.inspector.showAsset(ed.mirror.map, asset, { fresh: f != null && f > 0 ? fmtElapsed(f) : "—", flags });
      return;
    }
    if (this.drawer === "gates") this.register.select(ed.selection);
    if (this.drawer === "board") this.board.select(ed.selectedKaizen);
    this.inspector.show(ed.mirror.map, ed.selectedSteps(), flow, ed.selectedFlow, kaizen, this.analysis ?? null, note);
    renderKaizen(byId("kaizen"), ed.mirror.map, ed.selectedKaizen, (id) => this.pickKaizen(id));
    renderNotes(byId("notes"), ed.mirror.map, ed.selectedNote, (id) => this.pickNote(id));
  }
  private inspectorSig = "";

  /** What the stopwatch and the checklist edit through. */
  private instrumentHost() {
    return {
      edit: (build: () => Op | null) => this.edit(build),
      step: (id: string) => this.editor.mirror.step(id),
      map: () => this.editor.mirror.map,
      changed: () => this.redrawInspector(),
    };
  }

  /** The inspector drawn again for the same selection (the stopwatch started or stopped). */
  private redrawInspector(): void {
    this.inspectorSig = "";
    this.refreshInspector();
  }

  // --- errors -------------------------------------------------------------------------------

  private error(e: unknown): void {
    if (e instanceof CoreError) {
      const err = e.error;
      // Under the field the user typed into, if the edit came from one; else the core's.
      const field = this.inspector.pending ?? fieldOf(err);
      // Beside its field if that field is on show; else where it cannot be missed.
      const problems = err.kind === "invalid" ? err.problems : [];
      if (!this.inspector.showError(field, messageOf(err), problems)) this.toast(messageOf(err), true);
    } else {
      this.toast(String(e instanceof Error ? e.message : e), true);
    }
  }

  toast(message: string, isError = false): void {
    const t = byId("toast");
    t.textContent = message;
    t.className = `toast show ${isError ? "error" : ""}`;
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => (t.className = "toast"), isError ? 7000 : 3000);
  }
  private toastTimer = 0;

  // --- scenarios ------------------------------------------------------------------------------

  private renderTabs(): void {
    const tabs = byId("tabs");
    const l = this.loaded;
    tabs.replaceChildren(
      ...l.scenarios.map((s) =>
        h(
          "span",
          { class: "tab-wrap" },
          h(
            "button",
            {
              class: `tab ${s.name === l.scenario ? "active" : ""} ${s.current ? "current" : "future"}`,
              title: s.current ? "The current state" : "A future state (double-click to rename)",
              "data-scenario": s.name,
              onclick: () => this.switchTo(s.name),
              ondblclick: () => !s.current && this.renameScenario(s.name),
            },
            s.name,
          ),
          s.current
            ? null
            : h("button", { class: "tab-close", title: `Delete ${s.name}`, "data-delete": s.name, onclick: () => this.deleteScenario(s.name) }, "×"),
        ),
      ),
      h("button", { class: "tab fork", id: "fork", title: "Fork a future state from this one", onclick: () => this.fork() }, "+ Future state"),
    );
  }

  private switchTo(name: string): Promise<void> {
    if (name === this.loaded.scenario) return Promise.resolve();
    return this.serial(async () => {
      try {
        this.show(await call(commands.switchScenario(name)), false);
      } catch (e) {
        this.error(e);
      }
    });
  }

  async fork(name?: string): Promise<void> {
    const n = name ?? (await this.ask("Name of the future state", this.nextFutureName()));
    if (!n) return;
    const from = this.loaded.scenario;
    return this.serial(async () => {
      try {
        this.show(await call(commands.forkScenario(n)), false);
        this.toast(`Forked “${n}” from ${from}`);
      } catch (e) {
        this.error(e);
      }
    });
  }

  private nextFutureName(): string {
    const names = new Set(this.loaded.scenarios.map((s) => s.name));
    for (let i = 1; ; i++) {
      const n = i === 1 ? "Future state" : `Future state ${i}`;
      if (!names.has(n)) return n;
    }
  }

  private async renameScenario(name: string): Promise<void> {
    const to = await this.ask("Rename scenario", name);
    if (!to || to === name) return;
    return this.serial(async () => {
      try {
        this.show(await call(commands.renameScenario(name, to)), false);
      } catch (e) {
        this.error(e);
      }
    });
  }

  private async deleteScenario(name: string): Promise<void> {
    const ok = await this.confirm(`Delete the future state “${name}” and its history? This cannot be undone.`, "Delete");
    if (!ok) return;
    return this.serial(async () => {
      try {
        this.show(await call(commands.deleteScenario(name)), false);
        this.toast(`Deleted “${name}”`);
      } catch (e) {
        this.error(e);
      }
    });
  }

  /**
   * The document named at start could not be opened: said in a dialog that stays until it is
   * answered (another document is on screen instead), with a way to try again, for a document
   * that was open in another Takt and has been closed there since.
   */
  private async startupFailed(e: AppError): Promise<void> {
    const shown = this.loaded ? `Takt shows “${this.loaded.title}” instead.` : "";
    const message = h("p", { id: "startup-message" }, `${messageOf(e)}`);
    const retry = h("button", { class: "primary", id: "startup-retry" }, "Try again");
    const close = () => dialog.remove();
    const dialog = h(
      "div",
      { class: "modal", role: "alertdialog", id: "startup-dialog", "aria-labelledby": "startup-title" },
      h(
        "div",
        { class: "modal-box" },
        h("h2", { id: "startup-title" }, "The document could not be opened"),
        message,
        h("p", { class: "muted", id: "startup-instead" }, shown),
        h("div", { class: "modal-actions" }, h("button", { id: "startup-close", onclick: close }, "Keep this one"), retry),
      ),
    );
    retry.addEventListener("click", () =>
      this.serial(async () => {
        try {
          this.show(await call(commands.retryStartup()));
          close();
        } catch (err) {
          message.textContent = err instanceof CoreError ? messageOf(err.error) : String(err);
        }
      }),
    );
    dialog.addEventListener("keydown", (k) => {
      if (k.key === "Escape") close();
    });
    document.body.append(dialog);
    retry.focus();
  }

  /**
   * File ▸ Export ▸ Compliance report: the format and page size (remembered), then a save
   * dialog; while the report is typeset, a progress bar with Cancel. The file is written whole
   * or not at all.
   */
  private async exportReport(kind: "compliance" | "executive" = "compliance"): Promise<void> {
    const executive = kind === "executive";
    const compared = executive ? this.comparePanel.picked.filter((n) => this.loaded.scenarios.some((s) => s.name === n)) : [];
    const names = compared.length >= 2 ? compared : this.loaded.scenarios.slice(0, 4).map((s) => s.name);
    if (executive && names.length < 2) {
      this.toast("The executive report compares scenarios: fork a future state first (Scenario ▸ Fork Future State…)", true);
      return;
    }
    const paperPref = localStorage.getItem("takt.paper") === "letter" ? "letter" : "a4";
    const choice = await new Promise<{ format: "pdf" | "html" | "json"; paper: "a4" | "letter" } | null>((resolve) => {
      const format = h("select", { id: "report-format" }, h("option", { value: "pdf" }, "PDF (PDF/A, for the auditor)"), h("option", { value: "html" }, "HTML (one page, for the wiki)"), h("option", { value: "json" }, "JSON (for pipelines)"));
      const paper = h("select", { id: "report-paper" }, h("option", { value: "a4", selected: paperPref === "a4" }, "A4"), h("option", { value: "letter", selected: paperPref === "letter" }, "US Letter"));
      const close = (v: { format: "pdf" | "html" | "json"; paper: "a4" | "letter" } | null) => {
        dialog.remove();
        resolve(v);
      };
      const ok = h("button", { class: "primary", id: "report-ok", onclick: () => close({ format: format.value as "pdf", paper: paper.value as "a4" }) }, "Export…");
      const dialog = h(
        "div",
        { class: "modal", role: "dialog", id: "report-dialog", "aria-labelledby": "report-title" },
        h(
          "div",
          { class: "modal-box" },
          h("h3", { id: "report-title" }, executive ? `Executive report: ${names.join(", ")}` : `Compliance report of ${this.loaded.scenario}`),
          h(
            "p",
            { class: "muted" },
            executive
              ? `The scenarios side by side against ${names[0]}, what each kaizen item buys, the lead-time distributions, the trend over the snapshots, the top kaizen items and the maps, on three pages. The scenarios are those ticked in the compare view.`
              : "The map, the gate register, every gate's control, approver, evidence and SLA, the findings, the changes against the current state with their justifications, and the audit trail of the gates.",
          ),
          h("label", { for: "report-format" }, "Format"),
          format,
          h("label", { for: "report-paper" }, "Page size (PDF)"),
          paper,
          h("div", { class: "modal-actions" }, h("button", { id: "report-cancel", onclick: () => close(null) }, "Cancel"), ok),
        ),
      );
      dialog.addEventListener("keydown", (e) => {
        if (e.key === "Escape") close(null);
      });
      document.body.append(dialog);
      ok.focus();
    });
    if (!choice) return;
    localStorage.setItem("takt.paper", choice.paper);
    const bar = h("progress", { id: "report-progress", max: 1, value: 0 });
    const stage = h("div", { class: "muted", id: "report-stage" }, "Waiting for a file name…");
    const cancel = h("button", { id: "report-stop", onclick: () => void commands.cancelReport() }, "Cancel");
    const box = h("div", { class: "modal", role: "dialog", id: "report-running" }, h("div", { class: "modal-box" }, h("h3", {}, `Exporting the ${kind} report`), bar, stage, h("div", { class: "modal-actions" }, cancel)));
    document.body.append(box);
    const poll = window.setInterval(async () => {
      const p = await call(commands.reportProgress()).catch(() => null);
      if (p) {
        bar.value = p.share ?? 0;
        stage.textContent = p.stage;
      }
    }, 100);
    try {
      const path = await call(executive ? commands.exportExecutive(names, choice.format, choice.paper) : commands.exportReport(choice.format, choice.paper));
      if (path) this.toast(`${executive ? "Executive" : "Compliance"} report written: ${path}`);
    } catch (e) {
      this.error(e);
    } finally {
      clearInterval(poll);
      box.remove();
    }
  }

  /** Asks why mandatory gates may go; null: the edit is not made. */
  justify(names: string[], message: string): Promise<string | null> {
    const list = names.map((n) => `'${n}'`).join(", ");
    return this.prompt({
      id: "justify",
      field: h("textarea", { id: "justify-text", rows: 4, placeholder: "Why the gate may go: the control it checked is now met by …" }),
      before: [
        h("h3", { id: "justify-title" }, names.length > 1 ? "Mandatory gates" : "A mandatory gate"),
        h("p", {}, `${message[0]?.toUpperCase() ?? ""}${message.slice(1)}.`),
        h("label", { for: "justify-text" }, `Justification for ${list} (recorded with your name and today's date)`),
      ],
      ok: "Record and apply",
      empty: "Say why: the justification is what an auditor reads.",
    });
  }

  /**
   * A modal that asks for one text (`field`): OK gives it trimmed, or says `empty` when there is
   * none; Cancel or Escape gives null; Enter in a one-line field is OK.
   */
  private prompt(o: { id: string; field: HTMLInputElement | HTMLTextAreaElement; before: Node[]; ok: string; empty: string }): Promise<string | null> {
    return new Promise((resolve) => {
      const error = h("div", { class: "field-error", role: "alert" });
      const close = (v: string | null) => {
        dialog.remove();
        resolve(v);
      };
      const ok = h(
        "button",
        {
          class: "primary",
          id: `${o.id}-ok`,
          onclick: () => {
            if (o.field.value.trim()) close(o.field.value.trim());
            else error.textContent = o.empty;
          },
        },
        o.ok,
      );
      const dialog = h(
        "div",
        { class: "modal", role: "dialog", id: `${o.id}-dialog` },
        h("div", { class: "modal-box" }, ...o.before, o.field, error, h("div", { class: "modal-actions" }, h("button", { id: `${o.id}-cancel`, onclick: () => close(null) }, "Cancel"), ok)),
      );
      dialog.addEventListener("keydown", (e) => {
        if (e.key === "Escape") close(null);
        if (e.key === "Enter" && o.field instanceof HTMLInputElement) ok.click();
      });
      document.body.append(dialog);
      o.field.focus();
      if (o.field instanceof HTMLInputElement) o.field.select();
    });
  }

  /** A yes/no question in the page. */
  confirm(message: string, yes: string): Promise<boolean> {
    return new Promise((resolve) => {
      const close = (v: boolean) => {
        dialog.remove();
        resolve(v);
      };
      const ok = h("button", { class: "primary danger", id: "confirm-ok", onclick: () => close(true) }, yes);
      const dialog = h(
        "div",
        { class: "modal", role: "dialog" },
        h("div", { class: "modal-box" }, h("p", {}, message), h("div", { class: "modal-actions" }, h("button", { id: "confirm-cancel", onclick: () => close(false) }, "Cancel"), ok)),
      );
      dialog.addEventListener("keydown", (e) => {
        if (e.key === "Escape") close(false);
      });
      document.body.append(dialog);
      ok.focus();
    });
  }

  /** A small in-page prompt (window.prompt is not available in the webview). */
  ask(label: string, value: string): Promise<string | null> {
    return this.prompt({
      id: "ask",
      field: h("input", { type: "text", id: "ask-input", value, spellcheck: false }),
      before: [h("label", { for: "ask-input" }, label)],
      ok: "OK",
      empty: "A name is needed",
    });
  }

  // --- files ------------------------------------------------------------------------------------

  private fileCommand(p: () => Promise<{ status: "ok"; data: Loaded | null } | { status: "error"; error: AppError }>): Promise<void> {
    return this.serial(async () => {
      try {
        const l = await call(p());
        if (l) this.show(l);
      } catch (e) {
        this.error(e);
      }
    });
  }

  private exportAs(format: "png" | "svg" | "json"): Promise<void> {
    return this.serial(() => this.exportNow(format));
  }

  private async exportNow(format: "png" | "svg" | "json"): Promise<void> {
    try {
      const l = this.loaded;
      const cx = { title: l.title, scenario: l.scenario, current: l.scenarios.find((s) => s.name === l.scenario)?.current ?? true, comparison: this.comparison };
      const content =
        format === "png" ? exportPng(this.editor, this.analysis, cx) : format === "svg" ? exportSvg(this.editor, this.analysis, cx) : null;
      const path = await call(commands.exportMap(format, content));
      if (path) this.toast(`Exported ${path}`);
    } catch (e) {
      this.error(e);
    }
  }

  // --- actions (menu, toolbar, keys) ----------------------------------------------------------

  /**
   * Runs a menu item, toolbar button or key. A key press reaches one of the two: GTK runs a
   * menu item's accelerator and the page never sees the key; keys without a menu item come to
   * the page. Every press is one action, however fast: edits queue (see `edit`).
   */
  action(id: string): void {
    const ed = this.editor;
    const inField = isTextField(document.activeElement);
    if (this.view !== "map" && !inField && this.lineageAction(id)) return;
    switch (id) {
      case "new":
        void this.fileCommand(() => commands.newDocument());
        return;
      case "open":
        void this.fileCommand(() => commands.openDocument());
        return;
      case "save-as":
        void this.fileCommand(() => commands.saveAs());
        return;
      case "export-png":
        void this.exportAs("png");
        return;
      case "export-svg":
        void this.exportAs("svg");
        return;
      case "export-json":
        void this.exportAs("json");
        return;
      case "undo":
        if (inField) document.execCommand("undo");
        else void this.undoRedo(false);
        return;
      case "redo":
        if (inField) document.execCommand("redo");
        else void this.undoRedo(true);
        return;
      case "copy":
        if (inField) document.execCommand("copy");
        else ed.copy();
        return;
      case "paste":
        if (inField) document.execCommand("paste");
        else ed.paste();
        return;
      case "duplicate":
        if (!inField) ed.duplicate();
        return;
      case "delete":
        if (inField) document.execCommand("delete");
        else ed.deleteSelection(true);
        return;
      case "delete-unhealed":
        if (!inField) ed.deleteSelection(false);
        return;
      case "select-all":
        if (inField) {
          const el = document.activeElement;
          if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) el.select();
        }
        // After the edits on their way (a step being added is selected too).
        else void this.serial(async () => ed.selectAll());
        return;
      case "quit": {
        // What is being typed is committed (leaving a field commits it), then the edits on
        // their way are made, then the app quits, closing the document whole.
        const active = document.activeElement;
        if (active instanceof HTMLElement && active !== document.body) active.blur();
        void this.serial(() => commands.quit());
        return;
      }
      case "zoom-in":
        ed.zoom(1.25);
        return;
      case "zoom-out":
        ed.zoom(0.8);
        return;
      case "zoom-fit":
        ed.fit();
        return;
      case "presentation":
        // The map is what a room is shown: from the lineage, back to it.
        if (!this.presentation.on && this.view !== "map") this.setView("map");
        this.presentation.toggle();
        return;
      case "presentation-contrast":
        this.presentation.toggleContrast();
        return;
      case "asked-for":
        // Another Takt was asked to open this document: this window is in front instead.
        this.toast("This document was opened again: it is here, in this window");
        return;
      case "about":
        void call(commands.about())
          .then(showAbout)
          .catch((e) => this.error(e));
        return;
      case "layout":
        ed.layout();
        return;
      case "fork":
        void this.fork();
        return;
      case "gates":
        this.toggleDrawer("gates");
        return;
      case "export-report":
        void this.exportReport();
        return;
      case "export-executive":
        void this.exportReport("executive");
        return;
      case "catalogue":
        this.toggleDrawer("catalogue");
        return;
      case "import-catalogue":
        void this.importCatalogue();
        return;
      case "import-openlineage":
        void this.importOpenLineage();
        return;
      case "new-template":
        void this.serial(() => openGallery({ show: (l) => this.show(l), toast: (t) => this.toast(t), error: (e) => this.error(e) }).catch((e) => this.error(e)));
        return;
      case "import-table":
        void this.serial(() =>
          TableWizard.start({
            show: (l) => this.show(l),
            afterEdit: (e) => this.afterEdit(e),
            toast: (t) => this.toast(t),
            hasDocument: () => !!this.loaded,
          }).catch((e) => this.error(e)),
        );
        return;
      case "export-steps-xlsx":
      case "export-steps-csv":
        void this.serial(async () => {
          try {
            const path = await call(commands.exportSteps(id === "export-steps-xlsx"));
            if (path) this.toast(`Saved ${path}`);
          } catch (e) {
            this.error(e);
          }
        });
        return;
      case "import-log":
        void this.serial(() =>
          LogWizard.start({
            longWork: (title, work, quiet) => this.longWork(title, work, quiet),
            show: (l) => {
              this.show(l);
              if (/^Measured/.test(l.scenario) && this.drawer !== "calibration") this.toggleDrawer("calibration");
            },
            toast: (t) => this.toast(t),
            hasDocument: () => !!this.loaded,
            calendar: () => (this.loaded ? (this.editor.mirror.map.calendar ?? null) : null),
          }).catch((e) => this.error(e)),
        );
        return;
      case "lineage":
        this.setView(this.view === "map" ? "lineage" : "map");
        return;
      case "lineage-both":
        this.setView(this.view === "both" ? "map" : "both");
        return;
      case "impact":
        void this.askLineage(this.lineage.selected, true);
        return;
      case "upstream":
        void this.askLineage(this.lineage.selected, false);
        return;
      case "audit":
        this.toggleDrawer("audit");
        return;
      case "compare":
        this.toggleDrawer("compare");
        return;
      case "trend":
        this.toggleDrawer("trend");
        return;
      case "simulation":
        this.toggleDrawer("simulation");
        return;
      case "calibration":
        this.toggleDrawer("calibration");
        return;
      case "board":
        this.toggleDrawer("board");
        return;
      case "snapshot":
        void this.takeSnapshot();
        return;
      case "import-snapshot":
        void this.importSnapshot();
        return;
      default:
        if (id.startsWith("recent:")) {
          const i = Number(id.slice(7));
          void this.fileCommand(() => commands.openRecent(i));
        }
    }
  }

  /** The canvas's commands on the lineage canvas; false: not a canvas command. */
  private lineageAction(id: string): boolean {
    const l = this.lineage;
    switch (id) {
      case "zoom-in":
        l.zoom(1.25);
        return true;
      case "zoom-out":
        l.zoom(0.8);
        return true;
      case "zoom-fit":
        l.fit();
        return true;
      case "layout":
        l.layout();
        return true;
      case "delete":
      case "delete-unhealed":
        this.deleteAsset();
        return true;
      case "copy": {
        const a = (this.editor.mirror.map.assets ?? []).find((x) => x.id === l.selected);
        if (a) this.assetClip = structuredClone(a);
        return true;
      }
      case "paste":
        this.pasteAsset();
        return true;
      case "duplicate": {
        const a = (this.editor.mirror.map.assets ?? []).find((x) => x.id === l.selected);
        if (a) {
          this.assetClip = structuredClone(a);
          this.pasteAsset();
        }
        return true;
      }
      case "select-all":
        return true;
      case "export-png":
        void this.serial(() => this.exportLineage("png"));
        return true;
      case "export-svg":
        void this.serial(() => this.exportLineage("svg"));
        return true;
      default:
        return false;
    }
  }

  /**
   * The whole lineage (with the steps, in the combined view, and an answer's marks) as a PNG
   * at twice the screen's density, or as an SVG drawn by the same code as vectors.
   */
  private async exportLineage(format: "png" | "svg"): Promise<void> {
    try {
      const e = this.lineage.scene.extent;
      const margin = 40;
      const w = e.w + 2 * margin;
      const hh = e.h + 2 * margin;
      let content: string;
      if (format === "svg") {
        const svg = new SvgContext(w, hh);
        this.lineage.drawAll(svg as unknown as CanvasRenderingContext2D, 1, margin);
        content = svg.toString();
      } else {
        const scale = Math.min(2, 16000 / Math.max(1, w), 16000 / Math.max(1, hh));
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(w * scale));
        canvas.height = Math.max(1, Math.round(hh * scale));
        this.lineage.drawAll(canvas.getContext("2d")!, scale, margin);
        content = canvas.toDataURL("image/png");
      }
      const path = await call(commands.exportMap(format, content));
      if (path) this.toast(`Exported ${path}`);
    } catch (err) {
      this.error(err);
    }
  }

  private keydown(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    const inField = isTextField(e.target as Element);
    const key = e.key.toLowerCase();
    let id: string | null = null;
    // F5 would reload the page: it is presentation mode, wherever the focus is (but a dialog's,
    // whose own keys are its own; a key held down toggles once).
    const inDialog = (e.target as Element | null)?.closest?.(".modal") != null;
    if (e.key === "F5" || (e.key === "F6" && this.presentation.on)) {
      e.preventDefault();
      if (!inDialog && !e.repeat) this.action(e.key === "F5" ? "presentation" : "presentation-contrast");
      return;
    }
    if (inDialog) return;
    if (!inField && !mod && this.stopwatch.running && (e.key === "Escape" || key === "l" || key === "s")) {
      e.preventDefault();
      // S again does not restart the lap running; a held L takes one lap.
      if (key === "s" || e.repeat) return;
      const id = this.stopwatch.running.step;
      if (e.key === "Escape" || !this.editor.mirror.step(id)) this.stopwatch.stop();
      else void lap(id, this.stopwatch, this.instrumentHost());
      this.redrawInspector();
      return;
    }
    if (!inField && !mod && !e.repeat && key === "s" && this.view === "map" && this.editor.selection.size === 1) {
      const step = this.editor.mirror.step([...this.editor.selection][0]);
      if (step && (step.kind == null || step.kind === "process" || step.kind === "gate")) {
        e.preventDefault();
        this.stopwatch.start(step.id);
        this.redrawInspector();
        return;
      }
    }
    if (e.key === "Escape" && this.presentation.on && !inField) {
      e.preventDefault();
      this.presentation.set(false);
      return;
    }
    if (mod) {
      if (key === "z") id = e.shiftKey ? "redo" : "undo";
      else if (key === "y") id = "redo";
      else if (key === "s" && e.shiftKey) id = "save-as";
      else if (key === "o") id = "open";
      else if (key === "n") id = e.shiftKey ? "new-template" : "new";
      else if (key === "e") id = "export-png";
      else if (key === "=" || key === "+") id = "zoom-in";
      else if (key === "-") id = "zoom-out";
      else if (key === "0") id = "zoom-fit";
      else if (key === "l") id = "layout";
      else if (key === "g" && !e.shiftKey) id = "gates";
      else if (key === "h" && e.shiftKey) id = "audit";
      else if (key === "q") id = "quit";
      else if (!inField && key === "c") id = "copy";
      else if (!inField && key === "v") id = "paste";
      else if (!inField && key === "d") id = "duplicate";
      else if (!inField && key === "a") id = "select-all";
      if (id && inField && (id === "undo" || id === "redo")) return; // the field's own undo
    } else if (!inField) {
      // Delete reconnects the neighbours of a step in a chain; Shift+Delete does not.
      if (e.key === "Delete" || e.key === "Backspace") id = e.shiftKey ? "delete-unhealed" : "delete";
      else if (e.key === "Enter" || e.key === "Tab" || key === "n") {
        e.preventDefault();
        byId<HTMLInputElement>("capture").focus();
        return;
      } else if (this.view !== "map" && (e.key === "Escape" || key === "i" || key === "u" || e.key === "F2")) {
        e.preventDefault();
        if (key === "i") void this.askLineage(this.lineage.selected, true);
        else if (key === "u") void this.askLineage(this.lineage.selected, false);
        else if (e.key === "F2") {
          if (this.lineage.selected) this.lineage.editName(this.lineage.selected);
        } else if (this.lineagePanel.reach) this.clearLineageAnswer();
        else this.lineage.select(null);
        return;
      } else if (e.key === "F2" && this.editor.selection.size === 1) {
        this.editor.editName([...this.editor.selection][0]);
        return;
      } else if (e.key === "Escape") {
        if (this.lineagePanel.reach) this.clearLineageAnswer();
        else this.editor.setSelection([], null);
        return;
      }
    }
    if (id) {
      e.preventDefault();
      this.action(id);
    }
  }

  // --- keyboard capture and in-place editing ---------------------------------------------------

  private async captureStep(input: HTMLInputElement): Promise<void> {
    const name = input.value.trim();
    if (!name) return;
    input.value = "";
    if (this.view !== "map") {
      const made = await this.addAsset("dataset", name);
      if (made == null) input.value = name;
      input.focus();
      return;
    }
    const id = await this.editor.capture(name);
    if (id == null) input.value = name;
    input.focus();
  }

  private editNameInPlace(id: string, at: { x: number; y: number; w: number; h: number }): void {
    const step = this.editor.mirror.step(id);
    if (!step) return;
    const was = step.name ?? "";
    this.askName(at, was, "", (name) => {
      if (name !== was) void this.edit({ op: "set", key: { kind: "step", id }, field: "name", value: name });
    });
  }

  // --- the page -----------------------------------------------------------------------------------

  private layoutDom(): void {
    const btn = (id: string, label: string, title: string, action: string) =>
      h("button", { id, title, onclick: () => this.action(action) }, label);
    const capture = h("input", {
      id: "capture",
      type: "text",
      placeholder: "Type a step name and press Enter — the next step is created and connected",
      spellcheck: false,
      autocomplete: "off",
    });
    capture.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        void this.captureStep(capture);
      } else if (e.key === "Escape") {
        capture.blur();
        (this.view !== "map" ? this.lineage.canvas : this.editor.canvas).focus();
      }
    });
    const addKind = (kind: "process" | "gate" | "supplier" | "customer", label: string) =>
      h("button", { class: `add add-${kind}`, id: `add-${kind}`, title: `Add a ${kind} step`, onclick: () => this.addStep(kind) }, label);
    this.root.replaceChildren(
      h(
        "header",
        { class: "topbar" },
        h("div", { class: "brand" }, h("span", { class: "logo" }), "Takt"),
        h("div", { class: "doc-title", id: "doc-title" }),
        h(
          "div",
          { class: "view-switch", role: "group", "aria-label": "View" },
          h("button", { "data-view": "map", class: "active", id: "view-map", title: "The value stream (Ctrl+Shift+L switches)", onclick: () => this.setView("map") }, "Map"),
          h("button", { "data-view": "lineage", id: "view-lineage", title: "The data lineage (Ctrl+Shift+L switches)", onclick: () => this.setView("lineage") }, "Lineage"),
          h("button", { "data-view": "both", id: "view-both", title: "The value stream with, under it, the data its steps read and write", onclick: () => this.setView("both") }, "Both"),
        ),
        h("nav", { class: "tabs", id: "tabs" }),
        h(
          "div",
          { class: "toolbar" },
          btn("undo", "↶ Undo", "Undo (Ctrl+Z)", "undo"),
          btn("redo", "↷ Redo", "Redo (Ctrl+Shift+Z)", "redo"),
          h("span", { class: "sep" }),
          btn("zoom-fit", "Fit", "Fit to screen (Ctrl+0)", "zoom-fit"),
          btn("layout", "Auto layout", "Automatic layout (Ctrl+L)", "layout"),
          h("span", { class: "sep" }),
          btn("gates", "Gates", "Gate register (Ctrl+G)", "gates"),
          btn("audit", "Audit", "Audit trail (Ctrl+Shift+H)", "audit"),
          h("span", { class: "sep" }),
          btn("save-as", "Save As…", "Save As (Ctrl+Shift+S)", "save-as"),
          btn("export-png", "PNG", "Export the map as PNG (Ctrl+E)", "export-png"),
          btn("export-svg", "SVG", "Export the map as SVG", "export-svg"),
          btn("export-json", "JSON", "Export the map as JSON", "export-json"),
          btn("export-report", "Report…", "Export the compliance report (PDF, HTML or JSON)", "export-report"),
        ),
      ),
      h(
        "main",
        { class: "body" },
        h(
          "section",
          { class: "stage" },
          h(
            "div",
            { class: "stage-top" },
          h(
            "div",
            { class: "palettes" },
          h(
            "div",
            { class: "palette", id: "lineage-palette", hidden: true },
            ...(Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[]).map((k) =>
              h("button", { class: `add add-asset add-${k}`, id: `add-asset-${k}`, title: `Add a ${KIND_LABEL[k].toLowerCase()}, derived from the selected asset`, onclick: () => void this.addAsset(k) }, `+ ${SHORT_KIND[k]}`),
            ),
            h("span", { class: "sep" }),
            h("button", { id: "lineage-impact", title: "Everything downstream of the selected asset, on both canvases (I)", onclick: () => this.action("impact") }, "Impact"),
            h("button", { id: "lineage-upstream", title: "Everything the selected asset depends on (U)", onclick: () => this.action("upstream") }, "Upstream"),
            h("button", { id: "lineage-panel-btn", title: "Freshness, waste and the last answer", onclick: () => this.toggleDrawer("lineage") }, "Lineage panel"),
          ),
          h("div", { class: "palette", id: "map-palette" }, addKind("process", "+ Process"), addKind("gate", "+ Gate"), addKind("supplier", "+ Supplier"), addKind("customer", "+ Customer"), h("button", { class: "add add-kaizen", id: "add-kaizen", title: "Add a kaizen burst: an improvement to make", onclick: () => this.addKaizen() }, "+ Kaizen"), h("button", { class: "add add-note", id: "add-note", title: "Add a sticky note to the parking lot: kept with the map, in no figure", onclick: () => void this.addNote() }, "+ Note"), h("span", { class: "muted", id: "step-count" })),
          ),
          // The capture bar beside the palette, so that the canvas has the height under them.
          h("div", { class: "capture-bar" }, capture),
          ),
          // The palette and the capture bar sit beside the canvas, not over it: with WebKit's
          // software painting, anything over the canvas is painted again on every frame it
          // changes (7 ms a frame in a drag, docs/BENCHMARKS.md).
          h("div", { class: "canvas-wrap" }, h("canvas", { id: "canvas", "aria-label": "Value stream map" }), h("canvas", { id: "lineage-canvas", "aria-label": "Data lineage", hidden: true }), h("input", { id: "inline-edit", class: "inline-edit", type: "text", hidden: true })),
          h(
            "section",
            { class: "drawer", id: "drawer", hidden: true },
            h("div", { class: "drawer-handle", id: "drawer-handle", title: "Drag to make the drawer taller or shorter", onpointerdown: (e: Event) => this.resizeDrawer(e as PointerEvent) }),
            h(
              "div",
              { class: "drawer-tabs" },
              h("button", { class: "tab", "data-drawer": "gates", onclick: () => this.toggleDrawer("gates") }, "Gate register"),
              h("button", { class: "tab", "data-drawer": "audit", onclick: () => this.toggleDrawer("audit") }, "Audit trail"),
              h("button", { class: "tab", "data-drawer": "catalogue", id: "catalogue-tab", onclick: () => this.toggleDrawer("catalogue") }, "Regulation catalogue"),
              h("button", { class: "tab", "data-drawer": "compare", id: "compare-tab", onclick: () => this.toggleDrawer("compare") }, "Compare scenarios"),
              h("button", { class: "tab", "data-drawer": "board", id: "board-tab", onclick: () => this.toggleDrawer("board") }, "Kaizen board"),
              h("button", { class: "tab", "data-drawer": "simulation", id: "simulation-tab", onclick: () => this.toggleDrawer("simulation") }, "Simulation"),
              h("button", { class: "tab", "data-drawer": "calibration", id: "calibration-tab", onclick: () => this.toggleDrawer("calibration") }, "Measured vs drawn"),
              h("button", { class: "tab", "data-drawer": "trend", id: "trend-tab", onclick: () => this.toggleDrawer("trend") }, "Trend"),
              h("button", { class: "tab", "data-drawer": "lineage", id: "lineage-tab", onclick: () => this.toggleDrawer("lineage") }, "Lineage"),
              h("button", { class: "drawer-close", title: "Close", onclick: () => this.drawer && this.toggleDrawer(this.drawer) }, "×"),
            ),
            h("div", { class: "drawer-body", id: "drawer-body" }),
          ),
        ),
        // The metrics stay in view; the inspector and warnings scroll under them.
        h(
          "aside",
          { class: "side" },
          h("section", { class: "panel metrics", id: "metrics", tabindex: "0", "aria-label": "Metrics" }),
          h(
            "div",
            { class: "side-scroll" },
            h("section", { class: "panel inspector", id: "inspector" }),
            h("section", { class: "panel warnings", id: "warnings" }),
            h("section", { class: "panel kaizen-list", id: "kaizen", "aria-label": "Kaizen items" }),
            h("section", { class: "panel notes-list", id: "notes", "aria-label": "Parking lot" }),
          ),
        ),
      ),
      h("footer", { class: "ladder", id: "ladder" }),
      h("div", { class: "toast", id: "toast", role: "status" }),
    );
  }

  /**
   * A new sticky note in the parking lot (right of the map, under the others), selected, its
   * text ready to type over in the inspector.
   */
  private async addNote(): Promise<void> {
    const ed = this.editor;
    let id = "";
    const ok = await this.edit(() => {
      const taken = new Set((ed.mirror.map.notes ?? []).map((n) => n.id));
      let n = taken.size + 1;
      while (taken.has(`note-${n}`)) n++;
      id = `note-${n}`;
      return { op: "add", record: { note: { id, text: "New note" } } };
    });
    if (!ok) return;
    ed.selectNote(id);
    ed.revealNote(id);
    this.refreshInspector();
    const field = document.querySelector<HTMLTextAreaElement>("#inspector textarea");
    field?.focus();
    field?.select();
  }

  private async addKaizen(): Promise<void> {
    const ed = this.editor;
    // Pinned to the selected step, where it is drawn beside it; else free on the map.
    const target = ed.selection.size === 1 ? [...ed.selection][0] : null;
    let id = "";
    const ok = await this.edit(() => {
      const taken = new Set((ed.mirror.map.kaizen ?? []).map((k) => k.id));
      let n = taken.size + 1;
      while (taken.has(`kaizen-${n}`)) n++;
      id = `kaizen-${n}`;
      if (target && ed.mirror.step(target)) return { op: "add", record: { kaizen: { id, title: "Improvement", target: { step: target } } } };
      const c = ed.viewport.toWorld({ x: ed.viewport.width / 2, y: ed.viewport.height / 3 });
      return { op: "add", record: { kaizen: { id, title: "Improvement", x: Math.round(c.x / 10) * 10, y: Math.round(c.y / 10) * 10 } } };
    });
    if (ok) {
      ed.selectKaizen(id);
      byId<HTMLInputElement>("f-title").select();
      byId<HTMLInputElement>("f-title").focus();
    }
  }

  /**
   * A new step: its name is asked for in place, where it will stand (in free space beside the
   * selection, or in the middle of the view), and the step is made with an id from that name
   * when Enter is pressed (Escape, or an empty name, makes none).
   */
  private addStep(kind: "process" | "gate" | "supplier" | "customer"): void {
    const ed = this.editor;
    const label = { process: "New step", gate: "New gate", supplier: "Supplier", customer: "Customer" }[kind];
    const sel = ed.selection.size === 1 ? ed.scene.box([...ed.selection][0]) : undefined;
    const centre = ed.viewport.toWorld({ x: ed.viewport.width / 2 - STEP_W / 2, y: ed.viewport.height / 2 - STEP_H / 2 });
    const at = freeSpot(ed.scene, sel?.rect ?? null, centre);
    ed.revealRect({ ...at, w: STEP_W, h: STEP_H });
    const team = sel?.step.team ?? null;
    const screen = ed.viewport.toScreen(at);
    const field = { x: screen.x, y: screen.y, w: Math.max(160, STEP_W * ed.viewport.scale), h: 30 * ed.viewport.scale };
    this.askName(field, "", label, async (name) => {
      // An empty name (Enter on nothing, or leaving the field) makes no step.
      if (!name) return;
      let id = "";
      const ok = await this.edit(() => {
        id = ed.mirror.newStepId(name);
        return { op: "add", record: { step: { id, name, kind, team, x: at.x, y: at.y } } };
      });
      if (ok) ed.setSelection([id], null);
    });
  }

  /**
   * The in-place name field over the canvas, holding `value` (selected) or `placeholder`: `done`
   * gets the trimmed name when Enter is pressed or the field is left, not when Escape is.
   */
  private askName(at: { x: number; y: number; w: number; h: number }, value: string, placeholder: string, done: (name: string) => void): void {
    const input = byId<HTMLInputElement>("inline-edit");
    input.value = value;
    input.placeholder = placeholder;
    input.hidden = false;
    input.style.left = `${at.x}px`;
    input.style.top = `${at.y}px`;
    input.style.width = `${Math.max(140, at.w)}px`;
    input.style.height = `${Math.max(28, at.h)}px`;
    input.focus();
    input.select();
    const finish = (save: boolean) => {
      input.onkeydown = null;
      input.onblur = null;
      input.hidden = true;
      input.placeholder = "";
      if (save) done(input.value.trim());
      this.editor.canvas.focus();
    };
    input.onkeydown = (e) => {
      if (e.key === "Enter") finish(true);
      if (e.key === "Escape") finish(false);
    };
    input.onblur = () => finish(true);
  }
}

/** How long an edit waits for the frame that shows it, at most (a hidden window draws none). */
const FRAME_WAIT_MS = 100;

function nextFrame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => r()));
}

function isTextField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && !["checkbox", "radio", "button"].includes((el as HTMLInputElement).type));
}

export function messageOf(e: AppError): string {
  return "message" in e ? e.message : "No document is open";
}

function fieldOf(e: AppError): string | null {
  switch (e.kind) {
    case "edit":
      return e.field;
    case "input":
      return e.field;
    case "invalid":
      return e.problems[0]?.field ?? null;
    default:
      return null;
  }
}
