// Legible in a room (issue 16, part 1), in the real window: at *Fit* on a 1600x1000 window the
// bundled sample fills the canvas, its step names are drawn at 12 px or more with none of up to
// 24 characters cut, and every step shows its data box; the whole name shows on hover.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, ownDisplay, settle, stepCentre, tempDir } from "./harness.mjs";

/** What the last frame drew of the steps' text, with the view and the map's fitted size. */
async function drawn(browser) {
  return browser.execute(() => {
    const ed = window.takt.editor;
    const e = ed.scene.extent;
    const v = ed.viewport;
    const s = ed.textStats;
    return {
      names: s.names,
      dataBoxes: s.dataBoxes,
      namePx: s.namePx,
      cutShort: s.cutShort,
      steps: ed.mirror.steps.length,
      scale: v.scale,
      fill: Math.max((e.w * v.scale) / v.width, (e.h * v.scale) / v.height),
      canvas: { w: v.width, h: v.height },
    };
  });
}

describe("legible at Fit", { concurrency: false }, () => {
  let app;
  let browser;
  before(async () => {
    ownDisplay();
    app = await launch({ args: ["--sample"], dataDir: tempDir("legibility") });
    browser = app.browser;
    await browser.setWindowSize(1600, 1000);
    // The canvas takes its new size, then Fit.
    await browser.waitUntil(() => browser.execute(() => window.innerWidth === 1600 && window.takt.editor.viewport.width > 1000), {
      timeout: 10_000,
      timeoutMsg: "the window did not take 1600 px",
    });
  });
  after(async () => {
    await app?.close();
  });

  test("the sample at Fit: names of 12 px and more, none of up to 24 letters cut, every data box, the canvas filled", async () => {
    await browser.execute(() => window.takt.action("zoom-fit"));
    await settle(browser);
    const d = await drawn(browser);
    assert.equal(d.names, d.steps, `every step's name drawn: ${JSON.stringify(d)}`);
    assert.ok(d.namePx >= 12, `names at ${d.namePx.toFixed(1)} px at Fit (zoom ${d.scale.toFixed(2)}) on a ${d.canvas.w}x${d.canvas.h} canvas`);
    assert.equal(d.dataBoxes, d.steps, "every step shows its data box");
    assert.equal(d.cutShort, 0, "no name of up to 24 characters cut");
    assert.ok(d.fill > 0.9, `the fitted map fills the canvas one way: ${(d.fill * 100).toFixed(0)}%`);
    await app.screenshot("legibility-fit");
  });

  test("zoomed far out, names are still drawn at 11 px or more; Fit brings the data boxes back", async () => {
    await browser.execute(() => window.takt.editor.zoom(0.3));
    await settle(browser);
    const far = await drawn(browser);
    assert.ok(far.namePx >= 11, `names at ${far.namePx.toFixed(1)} px zoomed out to ${far.scale.toFixed(2)}`);
    await browser.execute(() => window.takt.action("zoom-fit"));
    await settle(browser);
    assert.equal((await drawn(browser)).dataBoxes, far.steps);
  });

  test("the whole name shows on hover", async () => {
    const p = await stepCentre(browser, "perf-test");
    await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: p.x, y: p.y, origin: "viewport" }).perform();
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.canvas.title !== ""), { timeout: 5000, timeoutMsg: "no title on hover" });
    const [title, name] = await browser.execute(() => [window.takt.editor.canvas.title, window.takt.editor.mirror.steps.find((s) => s.id === "perf-test").name]);
    assert.equal(title, name);
    assert.ok(name.length > 40, "the name is one the box cuts");
  });
});
