// The event-log wizard in the real window (issue 15): a CSV with columns no reader would guess,
// mapped by hand while the preview shows how each row's times read; the log read whole; the
// frequency filter redrawing the map; the mined map added as a scenario "Measured" beside the
// hand-drawn current state and opened as a new document, its metrics the CLI's; a big log's
// reading cancelled; a file that is not a log refused.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { CLI, launch, ownDisplay, ROOT, settle, tempDir } from "./harness.mjs";

const RETRAIN = path.join(ROOT, "examples", "model-retraining-current.json");
const LOG = path.join(ROOT, "examples", "mlops-log.csv");

/** Chooses an option of a select as a person does (the change event included). */
async function choose(browser, id, value) {
  await browser.execute(
    (sel, v) => {
      const s = document.querySelector(sel);
      s.value = v;
      s.dispatchEvent(new Event("change"));
    },
    id,
    value,
  );
}

describe("an event log mined into a map", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  let csv;
  let cli;
  before(async () => {
    ownDisplay();
    dir = tempDir("mine");
    // The example log with semicolons and names no reader guesses.
    const lines = fs.readFileSync(LOG, "utf8").trimEnd().split("\n");
    lines[0] = "ticket;step;began;done;team";
    csv = path.join(dir, "retraining-runs.csv");
    fs.writeFileSync(csv, `${lines.map((l, i) => (i ? l.replaceAll(",", ";") : l)).join("\n")}\n`);
    // What the command line makes of the original.
    const out = path.join(dir, "cli.json");
    execFileSync(CLI, ["mine", LOG, "-o", out]);
    cli = JSON.parse(execFileSync(CLI, ["analyze", out, "--json"], { encoding: "utf8" }));
    app = await launch({ args: [RETRAIN], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("columns mapped by hand, the log read, the map added as the scenario Measured", async () => {
    app.answer(csv);
    await browser.execute(() => window.takt.action("import-log"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-preview tbody tr") !== null), { timeout: 10_000, timeoutMsg: "no wizard" });
    const file = await browser.execute(() => document.querySelector("#log-file").textContent);
    assert.match(file, /semicolon-separated · 5 columns/);
    // Guessed: the activity ('step'); the rest falls on the first column, whose values are no times.
    assert.equal(await browser.execute(() => document.querySelector("#log-activity").value), "step");
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#log-preview tr.bad").length === 12), { timeout: 5000, timeoutMsg: "the rows that do not read were not marked" });
    await choose(browser, "#log-end", "done");
    await choose(browser, "#log-start", "began");
    await choose(browser, "#log-resource", "team");
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#log-preview tr.bad").length === 0), { timeout: 5000, timeoutMsg: "the times still do not read" });
    const reads = await browser.execute(() => document.querySelector("#log-preview tbody tr td:last-child").textContent);
    assert.equal(reads, "2026-01-05T00:00:36Z → 2026-01-05T00:01:57Z");
    await app.screenshot("mine-columns");
    await browser.execute(() => document.querySelector("#log-read").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-summary") !== null), { timeout: 30_000, timeoutMsg: "the log was not read" });
    assert.match(await browser.execute(() => document.querySelector("#log-summary").textContent), /^2,014 events, 200 cases, 9 activities/);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-map svg") !== null), { timeout: 10_000, timeoutMsg: "no map drawn" });
    assert.equal(await browser.execute(() => document.querySelector("#log-map").dataset.steps), "9");
    // At 15% the rejected reviews' loop (23 of 200 cases) is filtered out: one flow fewer.
    const flows = () => browser.execute(() => Number(/(\d+) flows/.exec(document.querySelector("#log-map-figures").textContent)?.[1]));
    const at5 = await flows();
    await browser.execute(() => {
      const s = document.querySelector("#log-share");
      s.value = "15";
      s.dispatchEvent(new Event("input"));
    });
    await browser.waitUntil(async () => (await flows()) === at5 - 1, { timeout: 10_000, timeoutMsg: "the filter did not redraw the map" });
    const left = await browser.execute(() => document.querySelector("#log-left-out").textContent);
    assert.match(left, /'Model risk review' -> 'Train model': 23 times, under the filter/);
    await browser.execute(() => {
      const s = document.querySelector("#log-share");
      s.value = "5";
      s.dispatchEvent(new Event("input"));
    });
    await browser.waitUntil(async () => (await flows()) === at5, { timeout: 10_000 });
    await app.screenshot("mine-map");
    // Beside the hand-drawn current state.
    await browser.execute(() => document.querySelector("#log-scenario").click());
    await browser.waitUntil(() => browser.execute(() => window.takt.loaded?.scenario === "Measured" && !document.querySelector("#log-wizard")), { timeout: 10_000, timeoutMsg: "no scenario Measured" });
    await settle(browser);
    const tabs = await browser.execute(() => window.takt.loaded.scenarios.map((s) => s.name));
    assert.deepEqual(tabs.slice(0, 1), ["Current state"]);
    assert.ok(tabs.includes("Measured"));
    const lt = await browser.execute(() => window.takt.editor.analysis.lead_time_s);
    assert.ok(Math.abs(lt - cli.lead_time_s) < 1e-6, `lead time ${lt}, the CLI's ${cli.lead_time_s}`);
    // Every number measured.
    const measured = await browser.execute(() => window.takt.editor.mirror.map.steps.filter((s) => s.kind === "process").every((s) => s.provenance?.pt === "measured"));
    assert.ok(measured);

    // Measured against drawn opens beside it: no drawn name matches a mined one here, so the
    // training step is paired by hand, and its drawn 6 h against the measured median is flagged.
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#calibration-steps") !== null), { timeout: 10_000, timeoutMsg: "no measured-against-drawn panel" });
    const unpaired = await browser.execute(() => document.querySelector("#calibration-unpaired")?.textContent ?? "");
    assert.match(unpaired, /Measured, not drawn: .*Train model/);
    await browser.execute(() => {
      const s = document.querySelector('.pair-by-hand[data-drawn="train"]');
      s.value = "train-model";
      s.dispatchEvent(new Event("change"));
    });
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#calibration-steps tr[data-step="train"] td[data-field="pt"]')?.textContent !== "—"), { timeout: 10_000, timeoutMsg: "the pair made by hand did not show" });
    const row = await browser.execute(() => {
      const r = document.querySelector('#calibration-steps tr[data-step="train"]');
      const pt = r.querySelector('td[data-field="pt"]');
      return { drawn: pt.previousElementSibling.textContent, measured: pt.textContent, flagged: pt.classList.contains("flagged"), change: pt.nextElementSibling.textContent };
    });
    assert.equal(row.drawn, "6 h");
    assert.ok(row.flagged, JSON.stringify(row));
    assert.match(row.change, /^-\d+%$/);
    assert.match(await browser.execute(() => document.querySelector("#calibration-flagged").textContent), /^\d+ figures? differs? by more than 25%/);
    await app.screenshot("mine-calibration");
    // The pair is kept: closed and opened again, it is there.
    await browser.execute(() => window.takt.action("calibration"));
    await browser.execute(() => window.takt.action("calibration"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector('.pair-by-hand[data-drawn="train"]')?.value === "train-model"), { timeout: 10_000, timeoutMsg: "the pair was not kept" });
  });

  test("a big log's reading cancelled; then opened as a new document", async () => {
    const big = path.join(dir, "big.csv");
    fs.writeFileSync(big, execFileSync(CLI, ["gen-log", "--cases", "60000", "--seed", "5"], { maxBuffer: 1 << 30 }));
    app.answer(big);
    await browser.execute(() => window.takt.action("import-log"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-preview tbody tr") !== null), { timeout: 10_000, timeoutMsg: "no wizard" });
    // Every column guessed from its name.
    const guessed = await browser.execute(() => ["case", "activity", "start", "end", "resource"].map((k) => document.querySelector(`#log-${k}`).value));
    assert.deepEqual(guessed, ["case_id", "activity", "start_timestamp", "end_timestamp", "resource"]);
    await browser.execute(() => document.querySelector("#log-read").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#work-stop") !== null), { timeout: 20_000, timeoutMsg: "no progress bar" });
    await browser.execute(() => document.querySelector("#work-stop").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#work-running") === null), { timeout: 30_000, timeoutMsg: "Cancel did not stop the reading" });
    assert.equal(await browser.execute(() => document.querySelector("#log-summary")), null);
    assert.ok(await browser.execute(() => document.querySelector("#log-wizard") !== null), "the wizard stays open");
    await browser.execute(() => document.querySelector("#log-cancel").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-wizard") === null), { timeout: 5000 });

    // The small log again, opened as a document of its own.
    app.answer(LOG);
    await browser.execute(() => window.takt.action("import-log"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-read") !== null), { timeout: 10_000 });
    await browser.execute(() => document.querySelector("#log-read").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-open") !== null), { timeout: 30_000, timeoutMsg: "the log was not read" });
    await browser.execute(() => document.querySelector("#log-open").click());
    await browser.waitUntil(() => browser.execute(() => /mined/.test(window.takt.loaded?.title ?? "")), { timeout: 10_000, timeoutMsg: "no new document" });
    await settle(browser);
    const a = await browser.execute(() => window.takt.editor.analysis);
    assert.ok(Math.abs(a.lead_time_s - cli.lead_time_s) < 1e-6);
    assert.ok(Math.abs(a.process_time_s - cli.process_time_s) < 1e-6);
  });

  test("the same log as gzipped XES, with a seven-day week, gives the CLI's figures", async () => {
    // Each row a start and a complete event, in time order within each trace.
    const traces = new Map();
    for (const line of fs.readFileSync(LOG, "utf8").trimEnd().split("\n").slice(1)) {
      const [c, act, start, end, res] = line.split(",");
      if (!traces.has(c)) traces.set(c, []);
      traces.get(c).push([start, "start", act, res], [end, "complete", act, res]);
    }
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n';
    for (const [c, evs] of traces) {
      evs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      xml += `<trace><string key="concept:name" value="${c}"/>\n`;
      for (const [t, lc, act, res] of evs) xml += `<event><string key="concept:name" value="${act}"/><string key="lifecycle:transition" value="${lc}"/><date key="time:timestamp" value="${t}"/><string key="org:resource" value="${res}"/></event>\n`;
      xml += "</trace>\n";
    }
    const xes = path.join(dir, "runs.xes.gz");
    fs.writeFileSync(xes, zlib.gzipSync(`${xml}</log>\n`));
    app.answer(xes);
    await browser.execute(() => window.takt.action("import-log"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-read") !== null), { timeout: 10_000, timeoutMsg: "no wizard" });
    assert.match(await browser.execute(() => document.querySelector("#log-file").textContent), /an XES log: traces are the cases/);
    assert.equal(await browser.execute(() => document.querySelector("#log-case")?.isConnected ?? false), false, "no columns to map");
    await browser.execute(() => {
      const d = document.querySelector("#log-days");
      d.value = "7";
      d.dispatchEvent(new Event("input"));
    });
    await browser.execute(() => document.querySelector("#log-read").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#log-open") !== null), { timeout: 30_000, timeoutMsg: "the XES log was not read" });
    assert.match(await browser.execute(() => document.querySelector("#log-summary").textContent), /^2,014 events, 200 cases, 9 activities/);
    await browser.execute(() => document.querySelector("#log-open").click());
    await browser.waitUntil(() => browser.execute(() => /runs/.test(window.takt.loaded?.title ?? "")), { timeout: 10_000, timeoutMsg: "no new document" });
    await settle(browser);
    const a = await browser.execute(() => window.takt.editor.analysis);
    assert.ok(Math.abs(a.lead_time_s - cli.lead_time_s) < 1e-6, `lead time ${a.lead_time_s}, the CLI's ${cli.lead_time_s}`);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.map.calendar?.days_per_week), 7);
  });

  test("a file that is not a log is refused, saying why", async () => {
    const bad = path.join(dir, "photo.csv");
    fs.writeFileSync(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0x49, 0x48]));
    app.answer(bad);
    await browser.execute(() => window.takt.action("import-log"));
    await browser.waitUntil(() => browser.execute(() => /not a CSV log: it is not text/.test(document.body.textContent)), { timeout: 10_000, timeoutMsg: "no error said" });
    assert.equal(await browser.execute(() => document.querySelector("#log-wizard")), null);
  });
});
