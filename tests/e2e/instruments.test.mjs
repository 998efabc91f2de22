// The facilitator's instruments in the real window (issue 16, part 4): a sticky note of the
// parking lot saved with the document and there when it is opened again, a stopwatch of three
// laps (one edit each), a queue's WIP limit flagged and fixed in one click, and a checklist.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, clickStep, launch, ownDisplay, settle, tempDir, typeInto } from "./harness.mjs";

/** The scenario's map in a document, as the command line writes it out. */
function mapIn(doc) {
  const out = path.join(tempDir("instruments-out"), "map.json");
  execFileSync(CLI, ["convert", doc, out]);
  return JSON.parse(fs.readFileSync(out, "utf8"));
}

const step = (browser, id) => browser.execute((sid) => window.takt.editor.mirror.step(sid), id);

describe("the facilitator's instruments", { concurrency: false }, () => {
  let app;
  let browser;
  let doc;
  const dir = tempDir("instruments");
  before(async () => {
    ownDisplay();
    doc = path.join(dir, "workshop.takt");
    execFileSync(CLI, ["new", "--template", "model-retraining", "-o", doc]);
    app = await launch({ args: [doc], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("a sticky note: added, written, coloured, kept in no figure, saved and there when the document opens again", async () => {
    const lead = await browser.execute(() => window.takt.editor.analysis.lead_time_s);
    await browser.$("#add-note").click();
    await browser.waitUntil(() => browser.execute(() => (window.takt.editor.mirror.map.notes ?? []).length === 1), { timeout: 5000, timeoutMsg: "no note" });
    // Its text is ready to type over in the inspector; leaving the field makes the edit.
    await browser.waitUntil(() => browser.execute(() => document.activeElement?.id === "f-text"), { timeout: 5000, timeoutMsg: "the note's text is not focused" });
    for (const c of "Who signs off the backfill?") await browser.keys([c]);
    await browser.execute(() => document.activeElement.blur());
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.mirror.map.notes[0].text === "Who signs off the backfill?"), { timeout: 5000, timeoutMsg: "the text was not kept" });
    await typeInto(browser, "#f-author", "Priya");
    await browser.execute(() => {
      const s = document.querySelector("#f-colour");
      s.value = "pink";
      s.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.mirror.map.notes[0].colour === "pink"), { timeout: 5000, timeoutMsg: "no colour" });
    await settle(browser);
    // On the canvas and in the parking lot's panel; in no figure.
    assert.equal(await browser.execute(() => window.takt.editor.scene.notes.length), 1);
    assert.match(await browser.$("#notes").getText(), /Who signs off the backfill\?\s*— Priya/);
    assert.equal(await browser.execute(() => window.takt.editor.analysis.lead_time_s), lead);
    await app.screenshot("parking-lot");
    // Saved as it was typed: closed and opened again, it is there.
    await app.close();
    const written = mapIn(doc);
    assert.deepEqual(
      written.notes.map((n) => [n.text, n.colour, n.author]),
      [["Who signs off the backfill?", "pink", "Priya"]],
    );
    app = await launch({ args: [doc], dataDir: dir });
    browser = app.browser;
    await browser.waitUntil(() => browser.execute(() => window.takt.editor.scene.notes.length === 1), { timeout: 10_000, timeoutMsg: "the note did not come back" });
    assert.equal(await browser.execute(() => window.takt.editor.scene.notes[0].note.author), "Priya");
  });

  test("a stopwatch of three laps: three samples, the median as PT with its range, measured; one undo takes back one lap", async () => {
    await clickStep(browser, "train");
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#stopwatch-start") !== null), { timeout: 5000, timeoutMsg: "no stopwatch" });
    await browser.keys(["s"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#stopwatch-lap") !== null), { timeout: 5000, timeoutMsg: "S did not start it" });
    for (let i = 1; i <= 3; i++) {
      // An item is observed for a while: the clock shows it, then the lap.
      await browser.waitUntil(() => browser.execute(() => Number.parseFloat(document.querySelector("#stopwatch-clock")?.textContent ?? "0") >= 0.3), {
        timeout: 10_000,
        timeoutMsg: "the clock does not run",
      });
      await browser.keys(["l"]);
      await browser.waitUntil(async () => ((await step(browser, "train")).samples ?? []).length === i, { timeout: 5000, timeoutMsg: `lap ${i} made no sample` });
    }
    await browser.keys(["Escape"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#stopwatch-start") !== null), { timeout: 5000, timeoutMsg: "Esc did not stop it" });
    const s = await step(browser, "train");
    const secs = s.samples.map((x) => Number.parseFloat(x));
    assert.ok(secs.every((x) => x >= 0.3), JSON.stringify(s.samples));
    const sorted = [...secs].sort((a, b) => a - b);
    assert.equal(Number.parseFloat(s.pt), sorted[1], "PT is the median");
    assert.deepEqual([Number.parseFloat(s.pt_range.min), Number.parseFloat(s.pt_range.max)], [sorted[0], sorted[2]]);
    assert.equal(s.provenance.pt, "measured");
    assert.equal(await browser.$$("#samples li").length, 3);
    await browser.execute(() => document.querySelector("#stopwatch").scrollIntoView({ block: "center" }));
    await settle(browser);
    await app.screenshot("stopwatch");
    // One edit a lap.
    await browser.execute(() => window.takt.action("undo"));
    await browser.waitUntil(async () => ((await step(browser, "train")).samples ?? []).length === 2, { timeout: 5000, timeoutMsg: "undo took back more or less than a lap" });
    // A sample corrected by hand.
    await clickStep(browser, "train");
    await typeInto(browser, '#samples input[data-sample="0"]', "2");
    await browser.waitUntil(async () => Number.parseFloat((await step(browser, "train")).samples[0]) === 2, { timeout: 5000, timeoutMsg: "the sample was not corrected" });
  });

  test("a queue over its WIP limit is flagged, and the warning's one click raises the limit", async () => {
    const flow = await browser.execute(() => {
      const f = window.takt.editor.mirror.flows.find((x) => x.wip != null);
      return f ? `${f.from}>${f.to}` : null;
    });
    assert.ok(flow, "the template has a queue counted in items");
    await browser.execute((k) => window.takt.editor.setSelection([], k), flow);
    await typeInto(browser, "#f-limit", "1");
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#warnings [data-code="over_wip_limit"]') !== null), { timeout: 5000, timeoutMsg: "not flagged" });
    assert.ok(await browser.execute((k) => window.takt.editor.hl.overLimit.has(k), flow), "flagged on the canvas");
    await browser.$('#warnings [data-code="over_wip_limit"] button.fix').click();
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#warnings [data-code="over_wip_limit"]') === null), { timeout: 5000, timeoutMsg: "the fix did not fix it" });
    const wip = await browser.execute((k) => window.takt.editor.mirror.flow(k).wip, flow);
    assert.equal(await browser.execute((k) => window.takt.editor.mirror.flow(k).limit, flow), Math.ceil(wip));
  });

  test("a checklist: items added and ticked, one edit each, counted on the box", async () => {
    await clickStep(browser, "train");
    await typeInto(browser, "#checklist-add", "Guideline open");
    await browser.waitUntil(async () => ((await step(browser, "train")).checklist ?? []).length === 1, { timeout: 5000, timeoutMsg: "no item" });
    await typeInto(browser, "#checklist-add", "Second reader on disagreements");
    await browser.waitUntil(async () => ((await step(browser, "train")).checklist ?? []).length === 2, { timeout: 5000 });
    await browser.$('#checklist input[data-check="0"]').click();
    await browser.waitUntil(async () => (await step(browser, "train")).checklist[0].done === true, { timeout: 5000, timeoutMsg: "not ticked" });
    assert.match(await browser.$("#checklist h3").getText(), /1\/2/);
  });
});
