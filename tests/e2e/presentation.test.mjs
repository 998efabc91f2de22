// Presentation mode (issue 16, part 2) in the real window, on a projector's 1920x1080 screen:
// F5 reduces the chrome to the metrics and the ladder and makes every text larger (names of
// 18 px and more at Fit, every data box), editing stays live, F6 gives the high-contrast theme,
// the pointer carries a spotlight, and Esc brings the editor back as it was.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

process.env.TAKT_E2E_SCREEN = "1920x1080x24";
const { launch, ownDisplay, settle, stepCentre, tempDir } = await import("./harness.mjs");

/** What is on show: the chrome, and what the last frame drew of the steps' text. */
async function shown(browser) {
  return browser.execute(() => {
    const ed = window.takt.editor;
    const visible = (sel) => {
      const el = document.querySelector(sel);
      return el !== null && el.getClientRects().length > 0;
    };
    return {
      presenting: document.querySelector(".app").classList.contains("presenting"),
      contrast: document.querySelector(".app").classList.contains("contrast"),
      topbar: visible(".topbar"),
      palette: visible("#map-palette"),
      inspector: visible("#inspector"),
      metrics: visible("#metrics"),
      ladder: visible("#ladder"),
      background: getComputedStyle(document.querySelector(".stage")).backgroundColor,
      namePx: ed.textStats.namePx,
      names: ed.textStats.names,
      dataBoxes: ed.textStats.dataBoxes,
      steps: ed.mirror.steps.length,
      window: { w: window.innerWidth, h: window.innerHeight },
    };
  });
}

describe("presentation mode", { concurrency: false }, () => {
  let app;
  let browser;
  before(async () => {
    ownDisplay();
    app = await launch({ args: ["--sample"], dataDir: tempDir("presentation") });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("F5: the map, the metrics and the ladder, with names of 18 px and more at Fit on 1920x1080", async () => {
    const before = await shown(browser);
    assert.equal(before.presenting, false);
    assert.ok(before.topbar && before.inspector);
    await browser.keys(["F5"]);
    await browser.waitUntil(async () => (await shown(browser)).presenting, { timeout: 10_000, timeoutMsg: "F5 did not present" });
    // Full screen is the window manager's to grant; a screen without one keeps the window's
    // size, which the test then makes the projector's.
    const full = await browser
      .waitUntil(() => browser.execute(() => window.innerWidth === screen.width && window.innerHeight === screen.height), { timeout: 3000 })
      .catch(() => false);
    if (!full) await browser.setWindowSize(1920, 1080);
    await browser.waitUntil(() => browser.execute(() => window.innerWidth >= 1900), { timeout: 10_000, timeoutMsg: "the window is not 1920 wide" });
    await settle(browser);
    const on = await shown(browser);
    assert.equal(on.topbar, false, "no toolbar");
    assert.equal(on.palette, false, "no palette");
    assert.equal(on.inspector, false, "no inspector");
    assert.ok(on.metrics && on.ladder, "the metrics and the ladder stay");
    assert.equal(on.names, on.steps);
    assert.equal(on.dataBoxes, on.steps, "every data box");
    assert.ok(on.namePx >= 18, `names at ${on.namePx.toFixed(1)} px at Fit in a ${on.window.w}x${on.window.h} window`);
    // The spotlight follows the pointer over the map.
    const p = await stepCentre(browser, "mrm-review");
    await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: p.x, y: p.y, origin: "viewport" }).perform();
    await browser.waitUntil(() => browser.execute(() => document.querySelector(".spotlight")?.getClientRects().length > 0), { timeout: 5000, timeoutMsg: "no spotlight" });
    const spot = await browser.execute(() => {
      const r = document.querySelector(".spotlight").getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    assert.ok(Math.abs(spot.x - p.x) <= 2 && Math.abs(spot.y - p.y) <= 2, `the spotlight at ${JSON.stringify(spot)}, the pointer at ${JSON.stringify(p)}`);
    await app.screenshot("presentation");
  });

  test("editing stays live: a step typed into the capture bar joins the map", async () => {
    const steps = (await shown(browser)).steps;
    await browser.execute(() => window.takt.editor.setSelection(["deploy"], null));
    await browser.keys(["Enter"]);
    await browser.waitUntil(() => browser.execute(() => document.activeElement?.id === "capture"), { timeout: 5000, timeoutMsg: "no capture bar" });
    assert.ok(await browser.execute(() => Number(getComputedStyle(document.querySelector(".capture-bar")).opacity) > 0.5), "the capture bar shows while typed into");
    for (const c of "Monitor") await browser.keys([c]);
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await shown(browser)).steps === steps + 1, { timeout: 10_000, timeoutMsg: "no step added" });
    // Esc leaves the field first, then presentation mode.
    await browser.keys(["Escape"]);
    assert.equal((await shown(browser)).presenting, true);
    await settle(browser);
    assert.ok((await shown(browser)).namePx >= 18, "the map still fitted large");
  });

  test("F6: the high-contrast theme, black on white", async () => {
    await browser.keys(["F6"]);
    await browser.waitUntil(async () => (await shown(browser)).contrast, { timeout: 5000, timeoutMsg: "F6 did nothing" });
    await settle(browser);
    const s = await shown(browser);
    assert.equal(s.background, "rgb(255, 255, 255)");
    const px = await browser.execute(() => {
      const c = window.takt.editor.canvas;
      const d = c.getContext("2d").getImageData(2, 2, 1, 1).data;
      return [...d.slice(0, 3)];
    });
    assert.deepEqual(px, [255, 255, 255], "the canvas is white");
    await app.screenshot("presentation-contrast");
  });

  test("Esc leaves: the editor's chrome and sizes are back, the theme for the next presentation kept", async () => {
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await shown(browser)).presenting, { timeout: 5000, timeoutMsg: "Esc did not leave" });
    await settle(browser);
    const off = await shown(browser);
    assert.ok(off.topbar && off.inspector && off.palette);
    assert.equal(off.contrast, false);
    await browser.execute(() => window.takt.action("zoom-fit"));
    await settle(browser);
    const fitted = await shown(browser);
    assert.ok(fitted.namePx < 18, "the editor's own sizes");
    assert.ok(await browser.execute(() => localStorage.getItem("takt.presentationContrast") === "1"));
  });
});
