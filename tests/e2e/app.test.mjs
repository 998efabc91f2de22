// End-to-end tests of the real app window: mouse, keyboard, menus' actions and native-dialog
// answers, checked against what the core computes for the same map.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CLI,
  clickStep,
  coreAnalysis,
  drag,
  launch,
  metric,
  ROOT,
  settle,
  stepCentre,
  tempDir,
  typeInto,
} from "./harness.mjs";

/**
 * A figure as the command line writes it in its report ("Lead time  39.7 wd  (...)"): the app
 * must show the same text, in the same unit, for the same map.
 */
function cliFigure(file, label) {
  const report = execFileSync(CLI, ["analyze", file], { encoding: "utf8" });
  const line = report.split("\n").find((l) => l.trim().startsWith(label));
  assert.ok(line, `the CLI reports ${label}`);
  return line.trim().slice(label.length).trim().split(/\s{2,}/)[0];
}

async function title(browser) {
  return browser.getTitle();
}

describe("the sample", () => {
  let app;
  before(async () => {
    app = await launch();
    // For the frame tests: how many pixels of two RGBA images differ visibly. A long line
    // clipped to another rectangle can come out a few levels lighter or darker along its edge,
    // which no one sees.
    await app.browser.execute(() => {
      window.visiblyDiffer = (a, b) => {
        let n = 0;
        for (let i = 0; i < a.length; i += 4) {
          if (Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2])) > 32) n++;
        }
        return n;
      };
    });
  });
  after(async () => app?.close());

  test("opens on first start, titled with its document and scenario", async () => {
    const { browser } = app;
    assert.equal(await title(browser), "Sample - Model retraining — Current state — Takt");
    const steps = await browser.execute(() => window.takt.editor.mirror.steps.length);
    assert.equal(steps, 11);
    await app.screenshot("sample");
  });

  test("shows the core's metrics for it", async () => {
    const { browser } = app;
    const sample = path.join(ROOT, "examples/model-retraining-current.json");
    const core = coreAnalysis(sample);
    // In the map's unit (working days), as the command line writes them: lead time as
    // elapsed time, process time and takt as working time.
    assert.equal(await metric(browser, "lead_time_s"), cliFigure(sample, "Lead time"));
    assert.match(await metric(browser, "lead_time_s"), / wd$/);
    assert.equal(await metric(browser, "process_time_s"), cliFigure(sample, "Process time"));
    assert.equal(await metric(browser, "takt_s"), cliFigure(sample, "Takt"));
    assert.equal(await metric(browser, "gate_time_s"), cliFigure(sample, "Gate time"));
    const pce = `${(core.pce * 100).toFixed(1).replace(/\.0+$/, "")}%`;
    assert.equal(await metric(browser, "pce"), pce);
    const bottleneck = core.bottleneck;
    const name = await browser.execute((id) => window.takt.editor.mirror.step(id).name, bottleneck);
    assert.equal(await metric(browser, "bottleneck"), name);
    const handoffs = await metric(browser, "handoffs");
    assert.equal(handoffs, `${core.handoffs.total} (${core.handoffs.critical} critical)`);
  });

  test("a pan frame, copied from the pan bitmap, shows what a full redraw shows", async () => {
    const { browser } = app;
    // Offsets within the bitmap's margin and past it (a redraw of the bitmap), each compared,
    // pixel by pixel, with the whole view drawn afresh at the same offset.
    // From the fitted view, and from a closer one scrolled into the map, where the lanes'
    // names lie over steps and dashed flows cross the view's edges.
    const diffs = await browser.execute(() => {
      const ed = window.takt.editor;
      const pixels = () => ed.ctx.getImageData(0, 0, ed.canvas.width, ed.canvas.height).data;
      const out = [];
      const fitted = { ...ed.viewport };
      const b = ed.scene.box("mrm-review").rect;
      const closer = { scale: 0.9, ox: 40 - b.x * 0.9, oy: ed.viewport.height * 0.45 - b.y * 0.9 };
      for (const start of [fitted, closer]) {
        Object.assign(ed.viewport, { scale: start.scale, ox: start.ox, oy: start.oy });
        ed.panning(true);
        ed.paint(); // drawn in full, as the view changed
        ed.paint(); // the pan bitmap drawn at this offset
        for (const [dx, dy] of [[37, -23], [-180, 90], [400, 0], [-5, 300]]) {
          ed.viewport.panBy(dx, dy);
          ed.paint();
          const pan = pixels();
          // Copied: the bitmap was drawn for an earlier offset (past the margin it is redrawn).
          const copied = ed.panBitmap.view.ox !== ed.viewport.ox || ed.panBitmap.view.oy !== ed.viewport.oy;
          ed.changed = true; // as any change but the offset would: drawn in full
          ed.paint();
          const full = pixels();
          out.push({ differ: window.visiblyDiffer(pan, full), of: pan.length / 4, copied });
        }
        ed.panning(false);
      }
      Object.assign(ed.viewport, { scale: fitted.scale, ox: fitted.ox, oy: fitted.oy });
      ed.redraw();
      return out;
    });
    assert.deepEqual(
      diffs.map((d) => d.copied),
      [true, true, false, false, true, true, false, false],
    );
    for (const d of diffs) assert.ok(d.differ <= d.of * 0.001, `${d.differ} of ${d.of} pixels differ`);
  });

  test("a drag frame, the map under the drag copied from the bitmap, shows what a full redraw shows", async () => {
    const { browser } = app;
    const r = await browser.execute(() => {
      const ed = window.takt.editor;
      const pixels = () => ed.ctx.getImageData(0, 0, ed.canvas.width, ed.canvas.height).data;
      const id = ed.mirror.steps[3].id;
      const out = [];
      ed.setDrag([id], { x: 40, y: 25 });
      ed.paint(); // the drag's first frame draws the still layer into the bitmap
      const stamp = ed.stamp;
      for (const delta of [{ x: 90, y: 60 }, { x: -70, y: 140 }]) {
        ed.setDrag([id], delta);
        ed.paint();
        const copied = ed.stamp === stamp && ed.dragBitmap.view.stamp === stamp;
        const frame = pixels();
        ed.drawView(ed.ctx, ed.viewport); // the whole view drawn afresh, the drag as it is
        const full = pixels();
        out.push({ differ: window.visiblyDiffer(frame, full), of: frame.length / 4, copied });
      }
      // The dragged step is drawn where it is now: its box's centre pixel is a step's fill.
      const box = ed.scene.box(id).rect;
      const c = ed.viewport.toScreen({ x: box.x + box.w / 2, y: box.y + 6 });
      const ratio = window.devicePixelRatio || 1;
      const at = ed.ctx.getImageData(Math.round(c.x * ratio), Math.round(c.y * ratio), 1, 1).data;
      ed.setDrag(null, { x: 0, y: 0 });
      ed.paint();
      const bg = ed.ctx.getImageData(Math.round(c.x * ratio), Math.round(c.y * ratio), 1, 1).data;
      return { out, at: [...at], bg: [...bg] };
    });
    for (const d of r.out) {
      assert.ok(d.copied, "the still layer was copied, not redrawn");
      assert.ok(d.differ <= d.of * 0.001, `${d.differ} of ${d.of} pixels differ`);
    }
    // Where the step was dragged to, the pixels change back when the drag ends.
    assert.notDeepEqual(r.at, r.bg);
  });

  test("an edit's frame, drawn only around what changed, shows what a full redraw shows", async () => {
    const { browser } = app;
    const r = await browser.executeAsync(async (done) => {
      const t = window.takt;
      const ed = t.editor;
      const pixels = () => ed.ctx.getImageData(0, 0, ed.canvas.width, ed.canvas.height).data;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const b = ed.scene.box("mrm-review").rect;
      const flow = ed.scene.flows.find((f) => f.flow.kind == null || f.flow.kind === "push");
      const out = [];
      // The fitted view, and a closer one where the steps' data boxes are drawn.
      for (const view of [null, { scale: 0.9, ox: 300 - b.x * 0.9, oy: ed.viewport.height * 0.45 - b.y * 0.9 }]) {
        if (view) Object.assign(ed.viewport, view);
        ed.redraw();
        await frame();
        for (const [key, field, value] of [
          [{ kind: "step", id: "mrm-review" }, "pca", view ? 85 : 90],
          [{ kind: "flow", id: flow.key }, "wait", view ? "3d" : "2d"],
          [{ kind: "step", id: "mrm-review" }, "notes", view ? "b" : "a"],
        ]) {
          let partial = false;
          const paintRegion = ed.paintRegion;
          ed.paintRegion = function (rects) {
            partial = true;
            return paintRegion.call(this, rects);
          };
          await t.edit({ op: "set", key, field, value });
          ed.paintRegion = paintRegion;
          const drawn = pixels();
          ed.changed = true;
          ed.paint();
          const full = pixels();
          out.push({ field, partial, differ: window.visiblyDiffer(drawn, full), of: drawn.length / 4 });
        }
      }
      done(out);
    });
    for (const d of r) {
      assert.ok(d.partial, `${d.field}: drawn only around the change`);
      assert.ok(d.differ <= d.of * 0.001, `${d.field}: ${d.differ} of ${d.of} pixels differ`);
    }
  });
});

describe("a map built from scratch", () => {
  let app;
  const dir = tempDir("build");
  before(async () => {
    app = await launch({ dataDir: dir });
  });
  after(async () => app?.close());

  test("five steps typed in, timed with the inspector, agree with the core", async () => {
    const { browser } = app;
    // File > New, by its shortcut.
    await browser.keys(["Control", "n"]);
    await browser.waitUntil(async () => (await title(browser)).startsWith("Untitled"), { timeout: 10_000 });
    // Keyboard capture: a name, Enter, and the next step is created and connected.
    const capture = await browser.$("#capture");
    await capture.click();
    const names = ["Collect data", "Validate data", "Train model", "Review model", "Deploy"];
    for (const n of names) {
      await capture.addValue(n);
      await browser.keys(["Enter"]);
      await settle(browser);
    }
    const model = await browser.execute(() => ({
      steps: window.takt.editor.mirror.steps.map((s) => s.id),
      flows: window.takt.editor.mirror.flows.map((f) => `${f.from}>${f.to}`),
    }));
    assert.deepEqual(model.steps, ["collect-data", "validate-data", "train-model", "review-model", "deploy"]);
    assert.deepEqual(model.flows, [
      "collect-data>validate-data",
      "validate-data>train-model",
      "train-model>review-model",
      "review-model>deploy",
    ]);
    // Times, by clicking each step and typing into the inspector.
    const times = { "collect-data": ["2h", "1d"], "validate-data": ["1h", "4h"], "train-model": ["6h", "2d"], "review-model": ["2h", "5wd"], deploy: ["1h", "1h"] };
    for (const [id, [pt, lt]] of Object.entries(times)) {
      await clickStep(browser, id);
      await browser.waitUntil(async () => (await browser.$(".inspector-title").getAttribute("title")) === `id: ${id}`, { timeout: 5000 });
      await typeInto(browser, "#f-pt", pt);
      await settle(browser);
      await typeInto(browser, "#f-lt", lt);
      await settle(browser);
    }
    // A flow drawn by dragging from a port: a rework loop back from review to training.
    const from = await browser.execute(() => {
      const ed = window.takt.editor;
      ed.fit();
      const b = ed.scene.box("review-model");
      const r = ed.canvas.getBoundingClientRect();
      const p = ed.viewport.toScreen({ x: b.rect.x + b.rect.w, y: b.rect.y + b.rect.h / 2 });
      return { x: Math.round(r.left + p.x), y: Math.round(r.top + p.y) };
    });
    await clickStep(browser, "review-model");
    const to = await stepCentre(browser, "train-model");
    await drag(browser, from, to);
    await settle(browser);
    const flows = await browser.execute(() => window.takt.editor.mirror.flows.length);
    assert.equal(flows, 5, "dragging from the port adds a flow");
    // Back upstream, it is a rework flow, selected for its details: p = 0.25.
    assert.equal(await browser.$("#f-kind").getValue(), "rework");
    await typeInto(browser, "#f-p", "0.25");
    await settle(browser);
    await app.screenshot("built");
    // Export JSON through the (answered) native dialog, and ask the core.
    const out = path.join(dir, "built.json");
    app.answer(out);
    await browser.$("#export-json").click();
    await browser.waitUntil(() => fs.existsSync(out), { timeout: 10_000 });
    const core = coreAnalysis(out);
    assert.equal(await metric(browser, "lead_time_s"), cliFigure(out, "Lead time"));
    assert.equal(await metric(browser, "process_time_s"), cliFigure(out, "Process time"));
    assert.ok(core.lead_time_s > 0);
    // PNG and SVG exports of the same map.
    const png = path.join(dir, "built.png");
    app.answer(png);
    await browser.$("#export-png").click();
    await browser.waitUntil(() => fs.existsSync(png), { timeout: 10_000 });
    assert.deepEqual([...fs.readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const svg = path.join(dir, "built.svg");
    app.answer(svg);
    await browser.$("#export-svg").click();
    await browser.waitUntil(() => fs.existsSync(svg), { timeout: 10_000 });
    const svgText = fs.readFileSync(svg, "utf8");
    for (const n of names) assert.ok(svgText.includes(`>${n}</text>`), `the SVG names ${n}`);
    assert.ok(svgText.includes("Lead time"), "the SVG has the metrics box");
    // The rework loop counts: 1 / (1 - 0.25) passes through train and review.
    const critical = await browser.execute(() => window.takt.editor.analysis.critical_path.length);
    assert.equal(critical, 5);
  });
});

describe("editing", () => {
  let app;
  const dir = tempDir("edit");
  before(async () => {
    app = await launch({ dataDir: dir });
  });
  after(async () => app?.close());

  test("undo and redo restore the metrics", async () => {
    const { browser } = app;
    const before = await metric(browser, "lead_time_s");
    // Marks the takt tile, which a lead time does not change, to see it kept, not rebuilt.
    await browser.execute(() => (document.querySelector('[data-metric="takt_s"]').takt_kept = true));
    await clickStep(browser, "deploy");
    await typeInto(browser, "#f-lt", "30d");
    await settle(browser);
    const changed = await metric(browser, "lead_time_s");
    assert.notEqual(changed, before);
    assert.equal(await browser.execute(() => document.querySelector('[data-metric="takt_s"]').takt_kept), true);
    await browser.$("#undo").click();
    await settle(browser);
    assert.equal(await metric(browser, "lead_time_s"), before);
    await browser.keys(["Control", "Shift", "z"]);
    await settle(browser);
    assert.equal(await metric(browser, "lead_time_s"), changed);
  });

  test("a bad value shows its error by the field and changes nothing", async () => {
    const { browser } = app;
    await clickStep(browser, "deploy");
    const before = await metric(browser, "lead_time_s");
    const pt = await browser.execute(() => window.takt.editor.mirror.step("deploy").pt);
    await typeInto(browser, "#f-pt", "soon");
    await settle(browser);
    const error = await browser.$('[data-error-for="pt"]');
    await error.waitForDisplayed({ timeout: 5000 });
    assert.match(await error.getText(), /the process time: 'soon' is not a duration/);
    assert.equal(await browser.$("#f-pt").getValue(), "soon", "the typed text stays for fixing");
    assert.equal(await metric(browser, "lead_time_s"), before);
    assert.deepEqual(await browser.execute(() => window.takt.editor.mirror.step("deploy").pt), pt);
    // A process time above the lead time is refused by the core, by field.
    await typeInto(browser, "#f-pt", "400d");
    await settle(browser);
    await browser.waitUntil(async () => /lead time|process time/i.test(await browser.$('[data-error-for="pt"]').getText()), { timeout: 5000 });
    assert.equal(await metric(browser, "lead_time_s"), before);
    await app.screenshot("bad-value");
  });

  test("duplicate, box-select and delete, each one undoable edit", async () => {
    const { browser } = app;
    const count = () => browser.execute(() => window.takt.editor.mirror.steps.length);
    const n = await count();
    await clickStep(browser, "train");
    await browser.keys(["Control", "d"]);
    await settle(browser);
    assert.equal(await count(), n + 1);
    const copy = await browser.execute(() => [...window.takt.editor.selection][0]);
    assert.match(copy, /^retrain/);
    // The copy is selected; Delete removes it.
    await browser.keys(["Delete"]);
    await settle(browser);
    assert.equal(await count(), n);
    // Box selection: drag a rectangle around two neighbouring steps from empty canvas.
    const a = await stepCentre(browser, "validate");
    const b = await stepCentre(browser, "extract");
    const x0 = Math.min(a.x, b.x) - 100;
    const y0 = Math.min(a.y, b.y) - 60;
    const x1 = Math.max(a.x, b.x) + 100;
    const y1 = Math.max(a.y, b.y) + 60;
    await browser.execute(() => window.takt.editor.setSelection([], null));
    await drag(browser, { x: x0, y: y0 }, { x: x1, y: y1 });
    const selected = await browser.execute(() => [...window.takt.editor.selection].sort());
    assert.ok(selected.includes("validate") && selected.includes("extract"), `selected ${selected}`);
    await browser.keys(["Delete"]);
    await settle(browser);
    assert.ok((await count()) <= n - 2);
    await browser.keys(["Control", "z"]);
    await settle(browser);
    assert.equal(await count(), n);
  });

  test("a kaizen burst is added, named in the inspector and dragged", async () => {
    const { browser } = app;
    await browser.$("#add-kaizen").click();
    await settle(browser);
    await typeInto(browser, "#f-title", "Automate bias tests");
    await settle(browser);
    let k = await browser.execute(() => window.takt.editor.mirror.map.kaizen.at(-1));
    assert.equal(k.title, "Automate bias tests");
    const p = await browser.execute((id) => {
      const ed = window.takt.editor;
      const b = ed.scene.bursts.find((x) => x.kaizen.id === id);
      const r = ed.canvas.getBoundingClientRect();
      const s = ed.viewport.toScreen({ x: b.x, y: b.y });
      return { x: Math.round(r.left + s.x), y: Math.round(r.top + s.y) };
    }, k.id);
    await drag(browser, p, { x: p.x + 100, y: p.y + 50 });
    await settle(browser);
    const moved = await browser.execute((id) => window.takt.editor.mirror.map.kaizen.find((x) => x.id === id), k.id);
    assert.ok(moved.x > k.x + 50, `moved from ${k.x} to ${moved.x}`);
    await app.screenshot("kaizen");
  });

  test("moving a step by dragging it is one undoable edit", async () => {
    const { browser } = app;
    const id = "deploy";
    const before = await browser.execute((s) => ({ ...window.takt.editor.scene.box(s).rect }), id);
    const c = await stepCentre(browser, id);
    await drag(browser, c, { x: c.x + 80, y: c.y + 40 });
    await settle(browser);
    const moved = await browser.execute((s) => window.takt.editor.mirror.step(s), id);
    assert.ok(Math.abs(moved.x - before.x) >= 40, `moved from ${before.x} to ${moved.x}`);
    await browser.keys(["Control", "z"]);
    await settle(browser);
    const back = await browser.execute((s) => ({ ...window.takt.editor.scene.box(s).rect }), id);
    assert.deepEqual(back, before);
  });
});

describe("scenarios and files", () => {
  const dir = tempDir("files");
  const saved = path.join(dir, "Retraining plan.takt");

  let app;
  after(async () => app?.close());

  test("fork a future state and see the deltas; Save As, quit, reopen", async () => {
    app = await launch({ dataDir: dir });
    let { browser } = app;
    await browser.$("#fork").click();
    const input = await browser.$("#ask-input");
    await input.waitForDisplayed({ timeout: 5000 });
    await input.setValue("Faster review");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await title(browser)).includes("Faster review"), { timeout: 10_000 });
    assert.equal(await browser.$(".tab.active").getText(), "Faster review");
    // Shorten the model-risk review in the future state.
    const review = await browser.execute(() => window.takt.editor.mirror.steps.find((s) => s.kind === "gate").id);
    await clickStep(browser, review);
    await typeInto(browser, "#f-lt", "6d");
    await settle(browser);
    const delta = await browser.$('[data-delta="lead_time_s"]');
    await delta.waitForDisplayed({ timeout: 5000 });
    assert.match(await delta.getText(), /^−/, "lead time falls");
    assert.ok((await delta.getAttribute("class")).includes("good"));
    await app.screenshot("future-state");
    // Save As through the (answered) native dialog.
    app.answer(saved);
    await browser.$("#save-as").click();
    await browser.waitUntil(async () => (await title(browser)).startsWith("Retraining plan"), { timeout: 10_000 });
    await app.close();
    // Reopen from the command line: both scenarios and the edit are there.
    app = await launch({ dataDir: tempDir("reopen"), args: [saved] });
    browser = app.browser;
    assert.equal(await title(browser), "Retraining plan — Current state — Takt");
    const tabs = await browser.execute(() => [...document.querySelectorAll(".tab[data-scenario]")].map((t) => t.textContent));
    assert.deepEqual(tabs, ["Current state", "Faster review"]);
    await browser.$('.tab[data-scenario="Faster review"]').click();
    await browser.waitUntil(async () => (await title(browser)).includes("Faster review"), { timeout: 10_000 });
    const lt = await browser.execute((id) => window.takt.editor.mirror.step(id).lt, review);
    assert.equal(lt, "6d");
    // Delete the future state (after a confirmation); the current state is shown.
    await browser.$('[data-delete="Faster review"]').click();
    await browser.$("#confirm-ok").click();
    await browser.waitUntil(async () => (await title(browser)) === "Retraining plan — Current state — Takt", { timeout: 10_000 });
    const left = await browser.execute(() => [...document.querySelectorAll(".tab[data-scenario]")].map((t) => t.textContent));
    assert.deepEqual(left, ["Current state"]);
  });
});
