// Data lineage in the real window (issue 14): the lineage canvas drawn from the core's layout,
// three assets drawn from the palette and the capture bar, connected by dragging, linked to a
// step from the inspector; Impact marking both canvases and listing its reach; an OpenLineage
// file with a bad line imported only after the user confirms.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { drag, launch, ownDisplay, ROOT, settle, tempDir, typeInto } from "./harness.mjs";

const FEATURES = path.join(ROOT, "examples", "feature-store.json");
const RETRAIN = path.join(ROOT, "examples", "model-retraining-current.json");

/** An asset's box centre on screen (viewport coordinates), from the lineage scene. */
async function assetCentre(browser, id) {
  return browser.execute((a) => {
    const l = window.takt.lineage;
    const b = l.scene.byId.get(a);
    if (!b) return null;
    const r = l.canvas.getBoundingClientRect();
    const p = l.viewport.toScreen({ x: b.rect.x + b.rect.w / 2, y: b.rect.y + b.rect.h / 2 });
    const port = l.viewport.toScreen({ x: b.rect.x + b.rect.w, y: b.rect.y + b.rect.h / 2 });
    return { x: Math.round(r.left + p.x), y: Math.round(r.top + p.y), port: { x: Math.round(r.left + port.x), y: Math.round(r.top + port.y) } };
  }, id);
}

describe("lineage", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  before(async () => {
    ownDisplay();
    dir = tempDir("lineage");
    app = await launch({ args: [FEATURES], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("the lineage canvas: layers from the core, freshness, waste, Impact on both canvases", async () => {
    await browser.execute(() => window.takt.action("lineage"));
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.overview != null && !document.querySelector("#lineage-canvas").hidden), { timeout: 10_000, timeoutMsg: "no lineage view" });
    // Sources in the first column, endpoints in the last.
    const cols = await browser.execute(() => {
      const l = window.takt.lineage;
      const x = (id) => l.scene.byId.get(id).rect.x;
      return { crm: x("crm"), ledger: x("ledger"), api: x("fraud-api"), churn: x("churn-api"), feast: x("feast") };
    });
    assert.equal(cols.crm, 0);
    assert.equal(cols.ledger, 0);
    assert.equal(cols.api, cols.churn);
    assert.ok(cols.feast > cols.crm && cols.api > cols.feast, JSON.stringify(cols));
    // The core's freshness of the fraud endpoint (hand-worked in examples.rs: 179 100 s) and
    // the waste candidate it flags (rfm-legacy, nothing reads it).
    assert.equal(await browser.execute(() => window.takt.lineage.freshness("fraud-api")), 179_100);
    assert.equal(await browser.execute(() => window.takt.lineage.isUnconsumed("rfm-legacy")), true);
    // Counted in the metrics panel's waste breakdown: two unconsumed assets, one copy.
    const counted = await browser.execute(() => [...document.querySelectorAll("#metrics [data-waste-assets]")].map((e) => `${e.dataset.wasteAssets}: ${e.querySelector(".waste-value").textContent}`));
    assert.deepEqual(counted, ["inventory: 2 assets", "transportation: 1 asset"]);
    await app.screenshot("lineage-view");

    // Impact of the CRM, from a click on its box and the I key.
    const crm = await assetCentre(browser, "crm");
    await drag(browser, crm, crm, 1);
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.selected === "crm"), { timeout: 5000, timeoutMsg: "a click did not select the asset" });
    await browser.keys(["i"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#lineage-answer") !== null), { timeout: 10_000, timeoutMsg: "no impact panel" });
    const listed = await browser.execute(() => Object.fromEntries([...document.querySelectorAll("#lineage-answer [data-list]")].map((d) => [d.dataset.list, Number(d.querySelector(".count").textContent)])));
    // As examples.rs: 7 assets, 7 steps read them; the endpoints churn-api and fraud-api; the
    // privacy review is the gate the work passes through.
    assert.deepEqual(listed, { assets: 7, steps: 7, gates: 1, ends: 2 });
    const marked = await browser.execute(() => [...window.takt.lineage.marks.assets].sort());
    assert.ok(marked.includes("fraud-api") && marked.includes("feast") && !marked.includes("ledger"), JSON.stringify(marked));
    // On the value-stream canvas too: the steps that read what the CRM feeds.
    const steps = await browser.execute(() => [...(window.takt.editor.hl.lineage ?? [])].sort());
    assert.ok(steps.includes("train-fraud") && steps.includes("privacy-review") && !steps.includes("materialise"), JSON.stringify(steps));
    await app.screenshot("lineage-impact");
    // Exported as it is on screen, the answer marked: a PNG, and an SVG drawn as vectors.
    const png = path.join(dir, "lineage.png");
    app.answer(png);
    await browser.$("#export-png").click();
    await browser.waitUntil(() => fs.existsSync(png), { timeout: 10_000, timeoutMsg: "no PNG" });
    assert.deepEqual([...fs.readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const svg = path.join(dir, "lineage.svg");
    app.answer(svg);
    await browser.$("#export-svg").click();
    await browser.waitUntil(() => fs.existsSync(svg), { timeout: 10_000, timeoutMsg: "no SVG" });
    const svgText = fs.readFileSync(svg, "utf8");
    const names = await browser.execute(() => window.takt.editor.mirror.map.assets.map((a) => a.name || a.id));
    for (const n of names) assert.ok(svgText.includes(`>${n}</text>`) || svgText.includes(`>${n.slice(0, 8)}`), `the SVG names ${n}`);
    assert.ok(svgText.includes(">Inventory</text>"), "the SVG flags the unread assets");
    const selection = await browser.execute(() => window.takt.lineage.theme.selection);
    assert.ok(svgText.includes(`stroke="${selection}"`), "the SVG marks the impact");
    // Esc clears it, on both canvases (the steps that read the selected CRM stay outlined).
    await browser.keys(["Escape"]);
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.marks === null && [...(window.takt.editor.hl.lineage ?? [])].join() === "ingest"), {
      timeout: 5000,
      timeoutMsg: "Esc did not clear the answer",
    });
    // A second Esc clears the selection.
    await browser.keys(["Escape"]);
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.selected === null), { timeout: 5000 });
  });

  test("steps and data together: the assets under the steps that use them, hover both ways", async () => {
    await browser.execute(() => document.querySelector("#view-both").click());
    await browser.waitUntil(() => browser.execute(() => window.takt.view === "both" && window.takt.lineage.scene.steps.length > 0), { timeout: 5000, timeoutMsg: "no combined view" });
    const shape = await browser.execute(() => {
      const l = window.takt.lineage;
      const m = window.takt.editor.mirror.map;
      const linked = new Set(m.links.map((x) => x.asset));
      const bottom = Math.max(...l.scene.steps.map((x) => x.rect.y + x.rect.h));
      return {
        steps: l.scene.steps.length,
        mapSteps: m.steps.length,
        assets: l.scene.boxes.map((b) => b.asset.id).sort(),
        linked: [...linked].sort(),
        under: l.scene.boxes.every((b) => b.rect.y > bottom),
        links: l.scene.links.length,
        mapLinks: m.links.length,
      };
    });
    assert.equal(shape.steps, shape.mapSteps);
    // Only the assets some step reads or writes, all under the value stream, one line a link.
    assert.deepEqual(shape.assets, shape.linked);
    assert.ok(shape.under);
    assert.equal(shape.links, shape.mapLinks);
    // Hovering the fraud training step lights up the assets it reads and writes.
    const at = await browser.execute(() => {
      const l = window.takt.lineage;
      const st = l.scene.steps.find((x) => x.id === "train-fraud");
      l.viewport.scale = 0.5;
      l.viewport.ox = l.viewport.width / 2 - (st.rect.x + st.rect.w / 2) * 0.5;
      l.viewport.oy = 80 - st.rect.y * 0.5;
      l.redraw();
      const r = l.canvas.getBoundingClientRect();
      const p = l.viewport.toScreen({ x: st.rect.x + st.rect.w / 2, y: st.rect.y + st.rect.h / 2 });
      return { x: Math.round(r.left + p.x), y: Math.round(r.top + p.y) };
    });
    await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: at.x, y: at.y, origin: "viewport" }).perform();
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.touched != null), { timeout: 5000, timeoutMsg: "hovering a step lit nothing" });
    const touched = await browser.execute(() => [...window.takt.lineage.touched].sort());
    const expect = await browser.execute(() => [...new Set(window.takt.editor.mirror.map.links.filter((l) => l.step === "train-fraud").map((l) => l.asset))].sort());
    assert.deepEqual(touched, expect);
    // The drawer closed for the picture: the whole stage for the two layers.
    await browser.execute(() => window.takt.drawer && window.takt.toggleDrawer(window.takt.drawer));
    await settle(browser);
    await browser.execute(() => window.takt.lineage.fit());
    await settle(browser);
    await app.screenshot("lineage-combined");
    // And the other way: selecting the feature store outlines the steps that use it.
    await browser.execute(() => window.takt.lineage.select("feast"));
    await browser.waitUntil(() => browser.execute(() => [...(window.takt.lineage.stepMarks ?? [])].includes("train-fraud")), { timeout: 5000 });
    await browser.execute(() => document.querySelector("#view-map").click());
  });

  test("draw three assets, connect them, link one to a step; undo takes back one edit", async () => {
    // A map with no lineage yet: the model-retraining map opened as a new document.
    await app.close();
    const dir2 = tempDir("lineage-draw");
    app = await launch({ args: [RETRAIN], dataDir: dir2 });
    browser = app.browser;
    await browser.execute(() => window.takt.action("lineage"));
    await browser.waitUntil(() => browser.execute(() => window.takt.view === "lineage"), { timeout: 5000 });
    assert.equal(await browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length), 0);
    // A source from the palette; then two datasets typed into the capture bar, each derived
    // from the one selected before it.
    await browser.execute(() => document.querySelector("#add-asset-source").click());
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length === 1), { timeout: 5000, timeoutMsg: "the palette added no asset" });
    await typeInto(browser, "#capture", "Labelled images");
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length === 2), { timeout: 5000, timeoutMsg: "the capture bar added no asset" });
    await typeInto(browser, "#capture", "Training set");
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length === 3), { timeout: 5000 });
    const edges = await browser.execute(() => (window.takt.editor.mirror.map.lineage ?? []).map((e) => `${e.from}>${e.to}`));
    assert.deepEqual(edges, ["new-source-system>labelled-images", "labelled-images>training-set"]);
    // Connect the source straight to the training set by dragging from its port.
    await settle(browser);
    const src = await assetCentre(browser, "new-source-system");
    const train = await assetCentre(browser, "training-set");
    await drag(browser, src.port, train, 10);
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.lineage ?? []).some((e) => e.from === "new-source-system" && e.to === "training-set")), {
      timeout: 5000,
      timeoutMsg: "dragging from the port drew no edge",
    });
    // Link the training set to the retraining step (it reads it), from the inspector.
    await browser.execute(() => window.takt.lineage.select("training-set"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#link-step") !== null), { timeout: 5000, timeoutMsg: "no asset inspector" });
    await browser.execute(() => {
      const s = document.querySelector("#link-step");
      s.value = "train";
      document.querySelector("#link-mode").value = "read";
      document.querySelector("#link-add").click();
    });
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.links ?? []).some((l) => l.step === "train" && l.asset === "training-set" && l.mode === "read")), {
      timeout: 5000,
      timeoutMsg: "no link",
    });
    // Rename in the inspector; the canvas follows.
    await typeInto(browser, "#f-name", "Training set v2");
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.scene.byId.get("training-set")?.asset.name === "Training set v2"), { timeout: 5000 });
    // Impact of the source reaches the step that reads the training set.
    await browser.execute(() => window.takt.lineage.select("new-source-system"));
    await browser.execute(() => window.takt.action("impact"));
    await browser.waitUntil(() => browser.execute(() => [...(window.takt.editor.hl.lineage ?? [])].includes("train")), { timeout: 5000, timeoutMsg: "impact did not reach the step" });
    await app.screenshot("lineage-drawn");
    // Undo takes back the rename only.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(() => browser.execute(() => window.takt.lineage.scene.byId.get("training-set")?.asset.name === "Training set"), { timeout: 5000 });
    assert.equal(await browser.execute(() => (window.takt.editor.mirror.map.links ?? []).length), 1);
    // Delete removes the asset with its edges and links.
    await browser.execute(() => window.takt.lineage.select("training-set"));
    await browser.execute(() => window.takt.lineage.canvas.focus());
    await browser.keys(["Delete"]);
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length === 2 && (window.takt.editor.mirror.map.links ?? []).length === 0), { timeout: 5000, timeoutMsg: "Delete did not remove the asset" });
  });

  test("an OpenLineage file with a bad line: listed, nothing imported until confirmed", async () => {
    const events = path.join(dir, "events.jsonl");
    const ev = (run, type, time, job, inputs, outputs) =>
      JSON.stringify({ eventType: type, eventTime: time, run: { runId: run }, job: { namespace: "airflow", name: job }, inputs: inputs.map((n) => ({ namespace: "s3://lake", name: n })), outputs: outputs.map((n) => ({ namespace: "s3://lake", name: n })) });
    fs.writeFileSync(
      events,
      [
        ev("r1", "START", "2026-11-01T00:00:00Z", "build_features", ["transactions"], ["features"]),
        ev("r1", "COMPLETE", "2026-11-01T00:30:00Z", "build_features", ["transactions"], ["features"]),
        "{ this is not json",
        ev("r2", "START", "2026-11-01T01:00:00Z", "train", ["features"], ["model"]),
        ev("r2", "COMPLETE", "2026-11-01T03:00:00Z", "train", ["features"], ["model"]),
      ].join("\n"),
    );
    const before = await browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length);
    // Refused first: nothing changes.
    app.answer(events);
    await browser.execute(() => window.takt.action("import-openlineage"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#confirm-ok") !== null), { timeout: 10_000, timeoutMsg: "the bad line was not shown" });
    const text = await browser.execute(() => document.querySelector(".modal p").textContent);
    assert.match(text, /line 3: /);
    await browser.execute(() => document.querySelector("#confirm-cancel").click());
    await settle(browser);
    assert.equal(await browser.execute(() => (window.takt.editor.mirror.map.assets ?? []).length), before);
    // Then confirmed: two jobs, three datasets; the train job's median run, 2 h, measured.
    app.answer(events);
    await browser.execute(() => window.takt.action("import-openlineage"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#confirm-ok") !== null), { timeout: 10_000 });
    await browser.execute(() => document.querySelector("#confirm-ok").click());
    await browser.waitUntil(() => browser.execute((n) => (window.takt.editor.mirror.map.assets ?? []).length === n + 5, before), { timeout: 10_000, timeoutMsg: "nothing imported" });
    const train = await browser.execute(() => window.takt.editor.mirror.map.assets.find((a) => a.id === "airflow/train"));
    assert.equal(train.kind, "job");
    assert.equal(train.provenance.lt, "measured");
    // One edit: undo takes it all back.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(() => browser.execute((n) => (window.takt.editor.mirror.map.assets ?? []).length === n, before), { timeout: 10_000, timeoutMsg: "undo did not take the import back" });
  });
});
