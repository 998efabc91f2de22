// Step tables in the real window (issue 15, part 3): the map's steps exported to Excel and CSV
// and read back changing nothing; a time study in a CSV with a column no reader would guess,
// mapped by hand, its bare numbers given a unit, applied as one edit whose metrics are the
// CLI's and which one undo takes back; a table with bad cells refused with each cell named; a
// workbook opened as a new map.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, launch, ownDisplay, ROOT, settle, tempDir } from "./harness.mjs";

const RETRAIN = path.join(ROOT, "examples", "model-retraining-current.json");

async function choose(browser, sel, value) {
  await browser.execute(
    (s, v) => {
      const e = document.querySelector(s);
      e.value = v;
      e.dispatchEvent(new Event("change"));
    },
    sel,
    value,
  );
}

const text = (browser, sel) => browser.execute((s) => document.querySelector(s)?.textContent ?? null, sel);

describe("step tables in and out", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  before(async () => {
    ownDisplay();
    dir = tempDir("tables");
    app = await launch({ args: [RETRAIN], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("exported to Excel and CSV, read back by the CLI, nothing changes", async () => {
    for (const [action, file] of [
      ["export-steps-xlsx", "steps.xlsx"],
      ["export-steps-csv", "steps.csv"],
    ]) {
      const out = path.join(dir, file);
      app.answer(out);
      await browser.execute((a) => window.takt.action(a), action);
      await browser.waitUntil(() => fs.existsSync(out), { timeout: 10_000, timeoutMsg: `${file} not written` });
      const said = execFileSync(CLI, ["import", "steps", out, "--into", RETRAIN, "--dry-run"], { encoding: "utf8" });
      assert.match(said, /0 steps updated, 0 added, 11 unchanged/);
    }
    assert.equal(fs.readFileSync(path.join(dir, "steps.xlsx")).subarray(0, 4).toString("latin1"), "PK\x03\x04");
    assert.match(fs.readFileSync(path.join(dir, "steps.csv"), "utf8"), /^\uFEFFID,Name,Kind,Team,PT,LT,%C&A,Wait before,/);
  });

  test("a time study mapped by hand and applied as one edit, the CLI's figures, one undo", async () => {
    const study = path.join(dir, "time-study.csv");
    fs.writeFileSync(study, "Step;Team;Took;Lead time (h);C&A\nDrift triage and retrain decision;Credit Risk Data Science;95;20;90%\nRetrain and tune candidate model;ML Platform;330;70;85%\n");
    // What the command line makes of it.
    const copy = path.join(dir, "cli.json");
    fs.copyFileSync(RETRAIN, copy);
    execFileSync(CLI, ["import", "steps", study, "--col", "pt=Took", "--unit", "min", "--into", copy]);
    const cli = JSON.parse(execFileSync(CLI, ["analyze", copy, "--json"], { encoding: "utf8" }));
    const before = await browser.execute(() => window.takt.editor.analysis.lead_time_s);

    app.answer(study);
    await browser.execute(() => window.takt.action("import-table"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#table-preview tbody tr") !== null), { timeout: 10_000, timeoutMsg: "no wizard" });
    assert.match(await text(browser, "#table-file"), /2 rows · 5 columns/);
    const guessed = await browser.execute(() => ["name", "team", "pt", "lt", "pca"].map((k) => document.querySelector(`#table-col-${k}`).value));
    assert.deepEqual(guessed, ["Step", "Team", "", "Lead time (h)", "C&A"]);
    await choose(browser, "#table-col-pt", "Took");
    // Bare minutes with no unit: each cell named, nothing can be applied.
    await browser.waitUntil(async () => /^2 problems/.test((await text(browser, "#table-problem-count")) ?? ""), { timeout: 10_000, timeoutMsg: "the bare numbers were not named" });
    const problems = await browser.execute(() => [...document.querySelectorAll("#table-problems li")].map((l) => l.textContent));
    assert.match(problems[0], /time-study\.csv, row 2, column C \(Took\): 95 has no unit/);
    assert.equal(await browser.execute(() => document.querySelector("#table-apply").disabled), true);
    await app.screenshot("table-problems");
    await choose(browser, "#table-unit", "min");
    await browser.waitUntil(async () => /^2 steps updated, 0 added, 0 already as the table says; new team: ML Platform/.test((await text(browser, "#table-summary")) ?? ""), { timeout: 10_000, timeoutMsg: "no plan shown" });
    const change = await text(browser, '#table-changes li[data-step="Drift triage and retrain decision"]');
    assert.match(change, /PT 2h → 95min, LT 1wd → 20h, %C&A — → 90/);
    await choose(browser, "#table-mark", "measured");
    await browser.waitUntil(async () => /pt, pca marked measured/.test((await text(browser, '#table-changes li[data-step="Drift triage and retrain decision"]')) ?? ""), { timeout: 10_000, timeoutMsg: "the marks were not shown" });
    await app.screenshot("table-import");
    await browser.execute(() => document.querySelector("#table-apply").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#table-wizard") === null), { timeout: 10_000, timeoutMsg: "the wizard stayed" });
    await settle(browser);
    const a = await browser.execute(() => window.takt.editor.analysis);
    assert.ok(Math.abs(a.lead_time_s - cli.lead_time_s) < 1e-6, `lead time ${a.lead_time_s}, the CLI's ${cli.lead_time_s}`);
    assert.ok(Math.abs(a.process_time_s - cli.process_time_s) < 1e-6);
    assert.notEqual(a.lead_time_s, before);
    const triage = await browser.execute(() => window.takt.editor.mirror.map.steps.find((s) => s.id === "triage"));
    assert.equal(triage.pt, "95min");
    assert.equal(triage.provenance.pt, "measured");
    // One undo takes the whole table back.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(() => browser.execute((b) => window.takt.editor.analysis.lead_time_s === b, before), { timeout: 10_000, timeoutMsg: "one undo did not take it back" });
    assert.equal(await browser.execute(() => window.takt.editor.mirror.map.teams.some((t) => t.name === "ML Platform")), false);
  });

  test("a table with bad cells changes nothing; a workbook opens as a new map", async () => {
    const bad = path.join(dir, "bad.csv");
    fs.writeFileSync(bad, "Name,PT,%C&A\nDrift triage and retrain decision,soon,95\nManual data validation (notebook checks),4h,140\n");
    app.answer(bad);
    await browser.execute(() => window.takt.action("import-table"));
    await browser.waitUntil(async () => /^2 problems/.test((await text(browser, "#table-problem-count")) ?? ""), { timeout: 10_000, timeoutMsg: "the problems were not listed" });
    const problems = await browser.execute(() => [...document.querySelectorAll("#table-problems li")].map((l) => l.textContent));
    assert.deepEqual(problems.map((p) => p.replace(/^.*bad\.csv, /, "")), ["row 2, column B (PT): 'soon' is not a duration: write a number and a unit, such as \"6h\", \"90min\" or \"2wd\"", "row 3, column C (%C&A): 140% is outside 0-100"]);
    await browser.execute(() => document.querySelector("#table-cancel").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#table-wizard") === null), { timeout: 5000 });

    app.answer(path.join(dir, "steps.xlsx"));
    await browser.execute(() => window.takt.action("import-table"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#table-new") !== null), { timeout: 10_000, timeoutMsg: "no wizard" });
    assert.match(await text(browser, "#table-file"), /sheet “Credit-risk PD model retraining”/);
    await browser.execute(() => document.querySelector("#table-new").click());
    await browser.waitUntil(() => browser.execute(() => /steps/.test(window.takt.loaded?.title ?? "")), { timeout: 10_000, timeoutMsg: "no new document" });
    await settle(browser);
    const steps = await browser.execute(() => window.takt.editor.mirror.map.steps.map((s) => s.id));
    assert.equal(steps.length, 11);
    assert.equal(steps[0], "drift-monitor");
    await app.screenshot("table-new-map");
  });
});
