// Screenshots of the app for the README (docs/screenshots/), taken from the real window.
//   node bench/screenshots.mjs

import fs from "node:fs";
import path from "node:path";
import { clickStep, launch, ROOT, saveScreenshot, settle, tempDir, typeInto } from "../e2e/harness.mjs";

const out = path.join(ROOT, "docs/screenshots");
fs.mkdirSync(out, { recursive: true });
const shot = async (browser, name) => {
  await settle(browser);
  await new Promise((r) => setTimeout(r, 300));
  await saveScreenshot(browser, path.join(out, `${name}.png`));
};

let app = await launch({ dataDir: tempDir("shots") });
try {
  const { browser } = app;
  await shot(browser, "sample");
  // Closer: the data boxes, the gate and the rework loop.
  await browser.execute(() => {
    const ed = window.takt.editor;
    const b = ed.scene.box("mrm-review").rect;
    ed.viewport.scale = 0.9;
    ed.viewport.ox = ed.viewport.width * 0.62 - b.x * 0.9;
    ed.viewport.oy = ed.viewport.height * 0.45 - b.y * 0.9;
    ed.setSelection(["mrm-review"], null);
  });
  await shot(browser, "detail");
  await browser.$("#fork").click();
  const input = await browser.$("#ask-input");
  await input.waitForDisplayed({ timeout: 5000 });
  await input.setValue("Future state");
  await browser.keys(["Enter"]);
  await browser.waitUntil(async () => (await browser.getTitle()).includes("Future state"), { timeout: 10_000 });
  await clickStep(browser, "mrm-review");
  await typeInto(browser, "#f-lt", "4wd");
  await clickStep(browser, "perf-test");
  await typeInto(browser, "#f-lt", "1wd");
  await browser.execute(() => {
    document.activeElement?.blur();
    window.takt.editor.fit();
  });
  await shot(browser, "future-state");
} finally {
  await app.close();
}
