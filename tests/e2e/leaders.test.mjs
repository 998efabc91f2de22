// Leaders in the real window (issue 18): scenarios side by side with each cell's delta, the
// waterfall of what each kaizen item buys (bars that add up to the change, a bar that selects
// its steps), live after an edit; snapshots taken and imported, and the trend's XmR chart.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, drag, launch, ownDisplay, ROOT, settle, tempDir, typeInto } from "./harness.mjs";

const CURRENT = path.join(ROOT, "examples", "model-retraining-current.json");
const FUTURE = path.join(ROOT, "examples", "model-retraining-future.json");

const setStep = (id, field, value) => ({ op: "set", key: { kind: "step", id }, field, value });

/** The compare table's cell text: row by metric, column by scenario index. */
async function cell(browser, metric, col) {
  return browser.execute((m, c) => document.querySelector(`#compare-table tr[data-metric="${m}"]`)?.children[c + 1]?.textContent ?? null, metric, col);
}

describe("leaders", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  before(async () => {
    ownDisplay();
    dir = tempDir("leaders");
    app = await launch({ args: [CURRENT], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("two scenarios side by side, a waterfall that adds up, live after an edit", async () => {
    await browser.execute(() => document.querySelector("#fork").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#ask-input") !== null), { timeout: 5000 });
    await typeInto(browser, "#ask-input", "Future A");
    await browser.waitUntil(() => browser.execute(() => document.querySelector('.tab.active[data-scenario="Future A"]') !== null), { timeout: 10_000 });
    // Three changes: two kaizen items' steps (data validation, the evidence pack) and one no
    // item claims (deploy).
    for (const op of [setStep("validate", "lt", "5h"), setStep("evidence", "lt", "1wd"), setStep("deploy", "lt", "4h")]) {
      assert.ok(await browser.execute((o) => window.takt.edit(o), op), JSON.stringify(op));
    }
    await settle(browser);
    await browser.execute(() => window.takt.action("compare"));
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#waterfalls [data-bar]").length === 3), { timeout: 15_000, timeoutMsg: "no waterfall" });
    const lead = await cell(browser, "lead_time_s", 1);
    assert.match(lead, /wd/);
    assert.ok(await browser.execute(() => !!document.querySelector('#compare-table tr[data-metric="lead_time_s"] .delta.good')), "a shorter lead time is green");
    const bars = await browser.execute(() => window.takt.comparePanel.falls[0].waterfall);
    const sum = bars.bars.reduce((s, b) => s + b.delta, 0);
    assert.equal(sum, Math.round(bars.after - bars.before), "the bars add up to the change, to the second");
    assert.deepEqual(bars.bars.map((b) => b.kaizen).sort(), [null, "kz-auto-validation", "kz-model-card"].sort());
    const delta = await browser.execute(() => window.takt.comparePanel.view.comparisons[1].metrics[0].delta);
    assert.ok(Math.abs(delta - (bars.after - bars.before)) < 1e-6);
    await app.screenshot("compare-view");
    await browser.execute(() => document.querySelector("#waterfalls").scrollIntoView());
    await settle(browser);
    await app.screenshot("waterfall");
    // The timelines on one axis, and the maps as small multiples with the changes marked.
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#compare-maps .multiple svg").length === 2), { timeout: 10_000, timeoutMsg: "no small multiples" });
    const tips = await browser.execute(() => [...document.querySelectorAll('#compare-maps .multiple[data-scenario="Future A"] title')].map((t) => t.textContent));
    assert.ok(tips.includes("Changed: Manual data validation (notebook checks) (lt)"), JSON.stringify(tips));
    assert.equal(await browser.execute(() => document.querySelectorAll("#compare-ladders svg text[text-anchor=end]").length >= 2), true);
    await browser.execute(() => document.querySelector("#compare-ladders").scrollIntoView());
    await settle(browser);
    await app.screenshot("compare-maps");

    // A bar selects its changes on the map.
    const k = bars.bars.findIndex((b) => b.kaizen === "kz-auto-validation");
    await browser.execute((i) => document.querySelector(`#waterfalls [data-bar="${i}"]`).dispatchEvent(new MouseEvent("click", { bubbles: true })), k);
    await browser.waitUntil(() => browser.execute(() => [...window.takt.editor.selection].join() === "validate"), { timeout: 5000, timeoutMsg: "the bar's step is not selected" });

    // Live: another edit of the future state shows in the table and the waterfall.
    assert.ok(await browser.execute((o) => window.takt.edit(o), setStep("deploy", "lt", "2h")));
    await browser.waitUntil(async () => (await cell(browser, "lead_time_s", 1)) !== lead, { timeout: 10_000, timeoutMsg: "the table did not follow the edit" });
    await browser.waitUntil(() => browser.execute(() => window.takt.comparePanel.falls?.[0]?.waterfall.bars.find((b) => b.kaizen == null)?.delta === -22 * 3600), {
      timeout: 10_000,
      timeoutMsg: "the waterfall did not follow the edit",
    });
    const unclaimed = await browser.execute(() => window.takt.comparePanel.falls[0].waterfall.bars.find((b) => b.kaizen == null).delta);
    // Deploy is on every item's way once: 1 d -> 2 h saves 22 h.
    assert.equal(unclaimed, -22 * 3600);
  });

  /** Scenario ▸ Import Earlier State: the date typed, then the file chosen in the dialog. */
  async function importEarlier(date, file) {
    await browser.execute(() => window.takt.action("import-snapshot"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#snapshot-date-input") !== null), { timeout: 5000 });
    await browser.execute((d) => {
      const i = document.querySelector("#snapshot-date-input");
      i.value = d;
      i.dispatchEvent(new Event("input"));
    }, date);
    app.answer(file);
    await browser.execute(() => document.querySelector("#snapshot-date-ok").click());
  }

  test("snapshots taken and imported make a trend; bad input is named and adds nothing", async () => {
    await importEarlier("2026-01-31", CURRENT);
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#trend-chart [data-point]").length === 1), { timeout: 10_000, timeoutMsg: "no trend" });
    // The same date again: refused, named; still one point.
    await importEarlier("2026-01-31", FUTURE);
    await browser.waitUntil(() => browser.execute(() => /there is a snapshot dated 2026-01-31 already/.test(document.querySelector(".toast")?.textContent ?? "")), { timeout: 10_000, timeoutMsg: "no error said" });
    // A file that is not a map: named.
    const notMap = path.join(dir, "notes.json");
    fs.writeFileSync(notMap, '{"hello": 1}');
    await importEarlier("2026-02-28", notMap);
    await browser.waitUntil(() => browser.execute(() => /notes\.json/.test(document.querySelector(".toast")?.textContent ?? "")), { timeout: 10_000, timeoutMsg: "the file is not named" });
    // The future export, at its own date, then today's snapshot of the current state.
    await importEarlier("2026-02-28", FUTURE);
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#trend-chart [data-point]").length === 2), { timeout: 10_000 });
    await browser.execute(() => window.takt.action("snapshot"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#snapshot-note") !== null), { timeout: 5000 });
    await browser.execute(() => document.querySelector("#snapshot-ok").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#trend-chart [data-point]").length === 3), { timeout: 10_000, timeoutMsg: "today's snapshot is not on the chart" });
    const x = await browser.execute(() => window.takt.trendPanel.view.xmr);
    // Hand-check the limits from the points: mR̄ is the mean of the two moving ranges.
    const v = x.points.map((p) => p.value);
    const mr = (Math.abs(v[1] - v[0]) + Math.abs(v[2] - v[1])) / 2;
    const mean = (v[0] + v[1] + v[2]) / 3;
    assert.ok(Math.abs(x.mr_bar - mr) < 1e-6);
    assert.ok(Math.abs(x.ucl - (mean + 2.66 * mr)) < 1e-6);
    assert.ok(Math.abs(x.lcl - Math.max(0, mean - 2.66 * mr)) < 1e-6);
    await settle(browser);
    await app.screenshot("trend-view");
    // A point opens its snapshot, read-only: the February export's map and figures.
    await browser.execute(() => document.querySelector('#trend-chart [data-point="1"] circle').dispatchEvent(new MouseEvent("click", { bubbles: true })));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#snapshot-dialog svg") !== null), { timeout: 10_000, timeoutMsg: "the snapshot did not open" });
    const title = await browser.execute(() => document.querySelector("#snapshot-title").textContent);
    assert.match(title, /snapshot of 2026-02-28 \(read-only\)/);
    const shown = await browser.execute(() => document.querySelector("#snapshot-dialog").textContent);
    assert.match(shown, /Generated model card/, "the future export's own step is on its map");
    await app.screenshot("snapshot-read-only");
    await browser.keys(["Escape"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#snapshot-dialog") === null), { timeout: 5000 });
  });

  test("lead time as a distribution: seeded, a target's chance, the map tinted by critical frequency", async () => {
    await browser.execute(() => window.takt.action("simulation"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#sim-chart svg") !== null), { timeout: 30_000, timeoutMsg: "no histogram" });
    const first = await browser.execute(() => window.takt.simulationPanel.view.series[0]);
    assert.equal(first.runs, 10000);
    assert.ok(first.p50_s <= first.p85_s && first.p85_s <= first.p95_s);
    assert.ok(first.critical.length > 0);
    // The map is tinted by how often each step is critical.
    const tint = await browser.execute(() => [...(window.takt.editor.hl.critShare ?? new Map()).entries()].length);
    assert.equal(tint, first.critical.length);
    // A target: the share within it; the same seed gives the same figures.
    await browser.execute(() => {
      const t = document.querySelector("#sim-target");
      t.value = "40wd";
      t.dispatchEvent(new Event("change"));
    });
    await browser.waitUntil(() => browser.execute(() => /of items finish within 40wd/.test(document.querySelector("#sim-within")?.textContent ?? "")), { timeout: 30_000, timeoutMsg: "no chance within the target" });
    const again = await browser.execute(() => window.takt.simulationPanel.view.series[0]);
    assert.equal(again.mean_s, first.mean_s, "the same seed, the same figures");
    assert.ok(again.within > 0 && again.within <= 1);
    // A target that is not a duration: said; the figures stay.
    await browser.execute(() => {
      const t = document.querySelector("#sim-target");
      t.value = "soon";
      t.dispatchEvent(new Event("change"));
    });
    await browser.waitUntil(() => browser.execute(() => /the target: 'soon' is not a duration/.test(document.querySelector("#sim-error")?.textContent ?? "")), { timeout: 10_000, timeoutMsg: "no error under the target" });
    assert.equal(await browser.execute(() => window.takt.simulationPanel.view.series[0].mean_s), first.mean_s);
    // It reruns after an edit (with a target that is one).
    await browser.execute(() => {
      const t = document.querySelector("#sim-target");
      t.value = "40wd";
      t.dispatchEvent(new Event("change"));
    });
    await browser.waitUntil(() => browser.execute(() => window.takt.simulationPanel.view.series[0].within != null), { timeout: 30_000 });
    assert.ok(await browser.execute((o) => window.takt.edit(o), setStep("deploy", "lt", "1d")));
    await browser.waitUntil(() => browser.execute((m) => window.takt.simulationPanel.view.series[0].mean_s !== m, first.mean_s), { timeout: 30_000, timeoutMsg: "no rerun after the edit" });
    await settle(browser);
    await app.screenshot("simulation-view");
    // The drawer's top edge drags: taller, and the canvas shorter.
    const box = await browser.execute(() => {
      const r = document.querySelector("#drawer-handle").getBoundingClientRect();
      const x = Math.round(r.x + r.width / 2);
      const y = Math.round(r.y + r.height / 2);
      return { x, y, hit: document.elementFromPoint(x, y)?.id, drawer: document.querySelector("#drawer").getBoundingClientRect().height, canvas: window.takt.editor.canvas.getBoundingClientRect().height };
    });
    assert.equal(box.hit, "drawer-handle", "the pointer lands on the drawer's edge");
    await drag(browser, { x: box.x, y: box.y }, { x: box.x, y: box.y + 120 });
    await browser.waitUntil(() => browser.execute((h0) => document.querySelector("#drawer").getBoundingClientRect().height < h0 - 100, box.drawer), { timeout: 5000, timeoutMsg: "the drawer did not follow the drag" });
    assert.ok(await browser.execute((c0) => window.takt.editor.canvas.getBoundingClientRect().height > c0 + 100, box.canvas), "the canvas grew");
    // Leaving the panel takes the tint away.
    await browser.execute(() => window.takt.action("simulation"));
    assert.equal(await browser.execute(() => window.takt.editor.hl.critShare), null);
  });

  test("the kaizen board: a card dragged to Done is one undoable edit, cards and bursts select each other", async () => {
    await browser.execute(() => window.takt.action("board"));
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#kaizen-board .card").length === 3), { timeout: 10_000, timeoutMsg: "no board" });
    const id = "kz-auto-validation";
    const before = await browser.execute((k) => window.takt.editor.mirror.map.kaizen.find((x) => x.id === k).status, id);
    assert.notEqual(before, "done");
    // Drag the card to Done.
    await browser.execute((k) => {
      const card = document.querySelector(`.card[data-kaizen="${k}"]`);
      const col = document.querySelector('.board-col[data-status="done"]');
      card.dispatchEvent(new DragEvent("dragstart", { bubbles: true }));
      col.dispatchEvent(new DragEvent("dragover", { bubbles: true, cancelable: true }));
      col.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true }));
    }, id);
    await browser.waitUntil(() => browser.execute((k) => window.takt.editor.mirror.map.kaizen.find((x) => x.id === k).status === "done", id), { timeout: 10_000, timeoutMsg: "the card did not move" });
    await browser.waitUntil(() => browser.execute((k) => document.querySelector(`.board-col[data-status="done"] .card[data-kaizen="${k}"]`) !== null, id), { timeout: 10_000 });
    // Done this week: the velocity counts it.
    await browser.waitUntil(() => browser.execute(() => window.takt.board.view.board.velocity.at(-1).done === 1), { timeout: 10_000, timeoutMsg: "the velocity did not count it" });
    await settle(browser);
    await app.screenshot("kaizen-board");
    // One undo puts it back.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(() => browser.execute((k, b) => window.takt.editor.mirror.map.kaizen.find((x) => x.id === k).status === b, id, before), { timeout: 10_000, timeoutMsg: "undo did not put it back" });
    // A card selects its burst; a burst selects its card.
    await browser.waitUntil(() => browser.execute((k) => document.querySelector(`.card[data-kaizen="${k}"]`) !== null, id), { timeout: 10_000 });
    await browser.execute((k) => document.querySelector(`.card[data-kaizen="${k}"]`).click(), id);
    assert.equal(await browser.execute(() => window.takt.editor.selectedKaizen), id);
    await browser.execute(() => window.takt.editor.selectKaizen("kz-model-card"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector('.card.selected')?.dataset.kaizen === "kz-model-card"), { timeout: 5000, timeoutMsg: "the burst did not select its card" });
    // An overdue item is marked (the sample's due dates are past by 2026-12).
    const overdue = await browser.execute(() => window.takt.board.view.board.cards.filter((c) => c.overdue).length);
    const marked = await browser.execute(() => document.querySelectorAll(".card.overdue").length);
    assert.equal(marked, overdue);
  });

  test("the executive report: one to three pages with the table, the waterfall, the distributions, the trend and the maps", async () => {
    const out = tempDir("executive");
    const pdf = path.join(out, "executive.pdf");
    app.answer(pdf);
    await browser.execute(() => window.takt.action("export-executive"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#report-dialog") !== null), { timeout: 5000 });
    assert.match(await browser.execute(() => document.querySelector("#report-title").textContent), /Executive report: Current state, Future A/);
    await browser.execute(() => document.querySelector("#report-ok").click());
    await browser.waitUntil(() => fs.existsSync(pdf), { timeout: 90_000, timeoutMsg: "no report written" });
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#report-running") === null), { timeout: 60_000 });
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    assert.ok(pages >= 1 && pages <= 3, `${pages} pages`);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (const want of ["The scenarios side by side", "What each change buys", "Lead time as a distribution", "The trend", "Top kaizen items by effect", "Automate data validation", "The maps"]) {
      assert.ok(text.includes(want), `the report says ${want}`);
    }
    execFileSync("pdftoppm", ["-png", "-r", "60", pdf, path.join(ROOT, "tests", "artifacts", "executive-report")]);
    assert.deepEqual(fs.readdirSync(out), ["executive.pdf"], "nothing left beside it");
  });
});

describe("leaders on a large map", { concurrency: false }, () => {
  let app;
  let browser;
  before(async () => {
    ownDisplay();
    const dir = tempDir("leaders-large");
    const file = path.join(dir, "large.json");
    fs.writeFileSync(file, execFileSync(CLI, ["gen", "--steps", "1500", "--seed", "3"], { maxBuffer: 64 << 20 }));
    app = await launch({ args: [file], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("a simulation cancelled halfway leaves the last figures, nothing half-drawn", async () => {
    await browser.execute(() => window.takt.action("simulation"));
    await browser.waitUntil(() => browser.execute(() => window.takt.simulationPanel.view?.series[0]?.runs === 10000), { timeout: 120_000, timeoutMsg: "the first run did not finish" });
    const before = await browser.execute(() => ({ mean: window.takt.simulationPanel.view.series[0].mean_s, svg: document.querySelector("#sim-chart").innerHTML }));
    // 100,000 runs of 1,500 steps take long enough for the progress bar; Cancel stops them.
    await browser.execute(() => {
      const r = document.querySelector("#sim-runs");
      r.value = "100000";
      r.dispatchEvent(new Event("change"));
    });
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#work-running progress") !== null), { timeout: 30_000, timeoutMsg: "no progress bar" });
    await browser.waitUntil(() => browser.execute(() => (document.querySelector("#work-running progress")?.value ?? 0) > 0), { timeout: 60_000, timeoutMsg: "the bar did not move" });
    await browser.execute(() => document.querySelector("#work-stop").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#work-running") === null), { timeout: 30_000, timeoutMsg: "the progress bar stayed" });
    await settle(browser);
    const after = await browser.execute(() => ({ mean: window.takt.simulationPanel.view.series[0].mean_s, runs: window.takt.simulationPanel.view.series[0].runs, svg: document.querySelector("#sim-chart").innerHTML }));
    assert.equal(after.runs, 10000, "the cancelled run drew nothing");
    assert.equal(after.mean, before.mean);
    assert.equal(after.svg, before.svg);
  });
});
