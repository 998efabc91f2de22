// File ▸ New from Template in the real window (issue 16, part 3): the gallery of six templates,
// each with a picture of its map and its headline figures; one opened as a new document, its
// metrics the CLI's for `takt new --template`, and how long it took to open.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, launch, ownDisplay, ROOT, settle, tempDir } from "./harness.mjs";

const RETRAIN = path.join(ROOT, "examples", "model-retraining-current.json");

describe("templates", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  before(async () => {
    ownDisplay();
    dir = tempDir("templates");
    app = await launch({ args: [RETRAIN], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("the gallery shows six templates; one opens with the CLI's figures", async (t) => {
    await browser.execute(() => window.takt.action("new-template"));
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#template-gallery .gallery-card").length === 6), { timeout: 10_000, timeoutMsg: "no gallery" });
    const cards = await browser.execute(() =>
      [...document.querySelectorAll("#template-gallery .gallery-card")].map((c) => ({
        key: c.dataset.template,
        pic: c.querySelector(".gallery-pic svg") !== null,
        metrics: c.querySelector(".gallery-metrics").textContent,
      })),
    );
    assert.deepEqual(
      cards.map((c) => c.key),
      ["model-retraining", "incident-triage", "model-release", "data-labeling", "feature-request", "data-quality-incident"],
    );
    for (const c of cards) {
      assert.ok(c.pic, `${c.key} has a picture`);
      assert.match(c.metrics, /^Lead time \S+ \S+ · PCE \d/);
    }
    await app.screenshot("templates");
    const out = path.join(dir, "labeling.json");
    execFileSync(CLI, ["new", "--template", "data-labeling", "-o", out]);
    const cli = JSON.parse(execFileSync(CLI, ["analyze", out, "--json"], { encoding: "utf8" }));
    const ms = await browser.executeAsync((done) => {
      const t0 = performance.now();
      const before = window.takt.loaded?.title;
      document.querySelector('[data-template="data-labeling"]').click();
      const wait = () => {
        if (window.takt.loaded?.title !== before && !document.querySelector("#template-dialog")) done(performance.now() - t0);
        else requestAnimationFrame(wait);
      };
      wait();
    });
    t.diagnostic(`template opened in ${Math.round(ms)} ms`);
    await settle(browser);
    assert.match(await browser.execute(() => window.takt.loaded.title), /Data labeling/);
    const a = await browser.execute(() => window.takt.editor.analysis);
    assert.ok(Math.abs(a.lead_time_s - cli.lead_time_s) < 1e-6, `lead time ${a.lead_time_s}, the CLI's ${cli.lead_time_s}`);
    assert.ok(Math.abs(a.process_time_s - cli.process_time_s) < 1e-6);
    const listed = JSON.parse(execFileSync(CLI, ["templates", "--json"], { encoding: "utf8" })).find((x) => x.name === "data-labeling");
    const shape = await browser.execute(() => ({ steps: window.takt.editor.mirror.map.steps.length, assets: window.takt.editor.mirror.map.assets.length }));
    assert.deepEqual(shape, { steps: listed.steps, assets: listed.assets });
    await app.screenshot("template-opened");
  });
});
