// What-if levers in the real window (issue 16, part 4): a slider on a step's process time
// previews the metrics while it moves (nothing edited, the undo history as it was), commits
// one edit on release whose metrics are the preview's, and Esc during a drag puts everything
// back with no edit.

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { launch, ownDisplay, ROOT, settle, tempDir } from "./harness.mjs";

const RETRAIN = path.join(ROOT, "examples", "model-retraining-current.json");

/** Moves a slider as a drag does: pressed, moved to `value` (input events), not released. */
async function drag(browser, value) {
  await browser.execute((v) => {
    const s = document.querySelector("#lever-pt");
    s.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
    s.value = String(v);
    s.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

describe("what-if levers", { concurrency: false }, () => {
  let app;
  let browser;
  before(async () => {
    ownDisplay();
    app = await launch({ args: [RETRAIN], dataDir: tempDir("whatif") });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("a slider previews, commits one edit on release, and Esc cancels", async () => {
    await browser.execute(() => window.takt.pick("train"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#lever-pt") !== null), { timeout: 10_000, timeoutMsg: "no levers in the inspector" });
    const start = await browser.execute(() => ({
      lt: window.takt.editor.analysis.lead_time_s,
      pt: window.takt.editor.mirror.map.steps.find((s) => s.id === "train").pt,
      undo: document.querySelector("#undo").disabled,
      slider: Number(document.querySelector("#lever-pt").value),
    }));
    assert.equal(start.pt, "6h");
    assert.equal(start.slider, 6 * 3600);

    // Dragged to 12 h: the panel shows what the map would give; nothing is edited.
    await drag(browser, 12 * 3600);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#metrics.previewing h2")?.textContent.startsWith("What if process time 0.75 wd → 1.5 wd") ?? false), { timeout: 10_000, timeoutMsg: "no preview shown" });
    const preview = await browser.execute(() => window.takt.lastPreview.analysis);
    assert.ok(preview.process_time_s > (await browser.execute(() => window.takt.editor.analysis.process_time_s)));
    assert.equal(await browser.execute(() => window.takt.editor.analysis.lead_time_s), start.lt, "no edit while dragging");
    assert.equal(await browser.execute(() => window.takt.editor.mirror.map.steps.find((s) => s.id === "train").pt), "6h");
    assert.ok(await browser.execute(() => document.querySelector('#metrics [data-delta="process_time_s"]') !== null), "the change is shown");
    await browser.execute(() => document.querySelector("#levers").scrollIntoView({ block: "center" }));
    await app.screenshot("what-if");

    // Released: one edit, whose figures are the preview's.
    await browser.execute(() => document.querySelector("#lever-pt").dispatchEvent(new Event("change", { bubbles: true })));
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.mirror.map.steps.find((s) => s.id === "train").pt === "12h"), { timeout: 10_000, timeoutMsg: "the release made no edit" });
    await settle(browser);
    const after = await browser.execute(() => window.takt.editor.analysis);
    assert.equal(after.process_time_s, preview.process_time_s);
    assert.equal(after.lead_time_s, preview.lead_time_s);
    assert.equal(await browser.execute(() => document.querySelector("#metrics").classList.contains("previewing")), false);

    // Dragged again, then Esc: the figures back, no edit, and the release after it makes none.
    await browser.waitUntil(() => browser.execute(() => Number(document.querySelector("#lever-pt")?.value) === 12 * 3600), { timeout: 10_000 });
    await drag(browser, 2 * 3600);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#metrics.previewing") !== null), { timeout: 10_000, timeoutMsg: "no second preview" });
    await browser.execute(() => {
      const s = document.querySelector("#lever-pt");
      s.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
      s.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await browser.waitUntil(() => browser.execute(() => !document.querySelector("#metrics").classList.contains("previewing")), { timeout: 10_000, timeoutMsg: "Esc left the preview" });
    await settle(browser);
    assert.equal(await browser.execute(() => Number(document.querySelector("#lever-pt").value)), 12 * 3600);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.map.steps.find((s) => s.id === "train").pt), "12h");
    assert.equal(await browser.execute(() => window.takt.editor.analysis.lead_time_s), after.lead_time_s);
    // One undo takes the one edit back.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.mirror.map.steps.find((s) => s.id === "train").pt === "6h"), { timeout: 10_000, timeoutMsg: "undo did not take the edit back" });
    assert.equal(await browser.execute(() => window.takt.editor.analysis.lead_time_s), start.lt);
  });
});
