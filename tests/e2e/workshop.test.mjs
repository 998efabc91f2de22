// What a first real workshop found (issue 12), each in the real window: the panels always show
// the document on screen; a closed document is whole on its own, however the app ends; every
// key press is one action; figures in the map's units; exports that say which scenario they
// are; deleting a step keeps the chain; ranges, kaizen bursts and full data boxes on show.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, clickStep, closeWindowAsPerson, focusWindow, launch, ownDisplay, ROOT, settle, tempDir, typeInto, typeKeys } from "./harness.mjs";

const EXAMPLES = path.join(ROOT, "examples");
const example = (name) => path.join(EXAMPLES, name);

/** What the map panel must show for a map file's own fields. */
function mapPanelOf(file) {
  const m = JSON.parse(fs.readFileSync(file, "utf8"));
  const per = m.demand ? String(m.demand.per).replace(/^1(?=[a-z])/, "") : "";
  return {
    name: m.name,
    description: m.description ?? "",
    demand: m.demand ? `${m.demand.items}/${per}` : "",
    calendar: `${m.calendar?.hours_per_day ?? 8}/${m.calendar?.days_per_week ?? 5}`,
    unit: m.unit ?? "",
    teams: (m.teams ?? []).map((t) => t.name),
  };
}

/** What the map panel shows. */
async function mapPanel(browser) {
  await browser.waitUntil(() => browser.execute(() => document.querySelector("#f-demand") !== null), { timeout: 5000 });
  return browser.execute(() => ({
    name: document.querySelector("#f-name").value,
    description: document.querySelector("#f-description").value,
    demand: document.querySelector("#f-demand").value,
    calendar: document.querySelector("#f-calendar").value,
    unit: document.querySelector("#f-unit").value,
    teams: [...document.querySelectorAll("#map-teams li")].map((li) => li.lastChild.textContent.trim()),
  }));
}

async function title(browser) {
  return browser.getTitle();
}

/** The map in a document file, read by the command line (which checks the file whole). */
function mapIn(file) {
  return JSON.parse(execFileSync(CLI, ["analyze", file, "--json"], { encoding: "utf8" }));
}

function beside(file) {
  return fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file)) && f !== path.basename(file));
}

/** A document's file copied alone into a fresh folder. */
function copyAlone(file) {
  const dir = tempDir("alone");
  const copy = path.join(dir, path.basename(file));
  fs.copyFileSync(file, copy);
  return copy;
}

/** The map name of a document, by the command line's report (its first line). */
function nameIn(file) {
  return execFileSync(CLI, ["analyze", file], { encoding: "utf8" }).split("\n")[0];
}

/** Renames the map through the map panel (nothing selected). */
async function renameMap(browser, name) {
  await browser.execute(() => window.takt.editor.setSelection([], null));
  await typeInto(browser, "#f-name", name);
  await settle(browser);
  assert.equal(await browser.execute(() => window.takt.editor.mirror.map.name), name);
}

describe("every panel shows the document on screen", () => {
  let app;
  const dir = tempDir("panels");
  after(async () => app?.close());

  test("the map panel, through three documents opened in a row, and an edit lands in the one on screen", async () => {
    app = await launch({ dataDir: dir });
    const { browser } = app;
    assert.deepEqual(await mapPanel(browser), mapPanelOf(example("model-retraining-current.json")));
    // File > New: an empty map, nothing of the sample.
    await browser.keys(["Control", "n"]);
    await browser.waitUntil(async () => (await title(browser)).startsWith("Untitled"), { timeout: 10_000 });
    assert.deepEqual(await mapPanel(browser), { name: "Untitled value stream", description: "", demand: "", calendar: "8/5", unit: "", teams: [] });
    // Open two maps in a row through the (answered) native dialog.
    for (const file of ["feature-store.json", "manufacturing.json"]) {
      app.answer(example(file));
      await browser.keys(["Control", "o"]);
      const stem = file.replace(/\.json$/, "");
      await browser.waitUntil(async () => (await title(browser)).startsWith(stem), { timeout: 10_000 });
      assert.deepEqual(await mapPanel(browser), mapPanelOf(example(file)), `the map panel of ${file}`);
    }
    // An edit of a field writes into the document on screen, and only its own field.
    // Typed, then left (a description is several lines: Enter adds one).
    await browser.$("#f-description").click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    for (const c of "Mapped again in the December workshop") await browser.keys([c]);
    await browser.execute(() => document.querySelector("#f-description").blur());
    await settle(browser);
    const map = await browser.execute(() => window.takt.editor.mirror.map);
    const expected = mapPanelOf(example("manufacturing.json"));
    assert.equal(map.name, expected.name);
    assert.equal(map.description, "Mapped again in the December workshop");
    assert.deepEqual(map.demand, { items: 960, per: "wd" });
  });
});

describe("a closed document is whole on its own", () => {
  /** Opens manufacturing.json as a document, renames its map; returns the app and the file. */
  async function edited(tag) {
    const dir = tempDir(`close-${tag}`);
    const app = await launch({ dataDir: dir, args: [example("manufacturing.json")] });
    const file = path.join(dir, "manufacturing.takt");
    assert.ok(fs.existsSync(file));
    await renameMap(app.browser, `Edited before ${tag}`);
    // While it is open, the last edits are in the log beside it.
    assert.ok(beside(file).length > 0, "the log is beside an open document");
    return { app, file };
  }

  function whole(file, name) {
    assert.deepEqual(beside(file), [], "nothing is left beside the document");
    const copy = copyAlone(file);
    assert.equal(nameIn(copy), name, "the file alone holds the last edit");
    assert.equal(mapIn(copy).steps.length, 9);
  }

  test("switching to another document", async () => {
    const { app, file } = await edited("switching");
    app.answer(example("feature-store.json"));
    await app.browser.keys(["Control", "o"]);
    await app.browser.waitUntil(async () => (await title(app.browser)).startsWith("feature-store"), { timeout: 10_000 });
    whole(file, "Edited before switching");
    await app.close();
  });

  test("closing the window with its close button", { skip: !ownDisplay() && "needs the tests' own display" }, async () => {
    const { app, file } = await edited("closing");
    closeWindowAsPerson();
    await app.exited();
    whole(file, "Edited before closing");
    await app.close();
  });

  test("File > Quit by its key, Ctrl+Q", async () => {
    const { app, file } = await edited("quitting");
    await app.browser.execute(() => window.takt.editor.canvas.focus());
    // The app ends while the key is being sent: WebDriver's session ends with it.
    await app.browser.keys(["Control", "q"]).catch(() => {});
    await app.exited();
    whole(file, "Edited before quitting");
    await app.close();
  });

  test("File > Quit through the menu's accelerator, as a person presses it", { skip: !ownDisplay() && "needs the tests' own display" }, async () => {
    const { app, file } = await edited("the menu");
    await focusWindow(app.browser, { x: 300, y: 600 });
    typeKeys(["ctrl+q"]);
    await app.exited();
    whole(file, "Edited before the menu");
    await app.close();
  });

  test("Quit commits the value being typed, not yet entered", async () => {
    const dir = tempDir("close-typed");
    const app = await launch({ dataDir: dir, args: [example("manufacturing.json")] });
    const file = path.join(dir, "manufacturing.takt");
    const { browser } = app;
    await browser.execute(() => window.takt.editor.setSelection([], null));
    await browser.$("#f-name").click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    for (const c of "Typed, not entered") await browser.keys([c]);
    // Quit from the menu: the page is asked, leaves the field (which commits it) and quits.
    await browser.execute(() => window.takt.action("quit"));
    await app.exited();
    whole(file, "Typed, not entered");
    await app.close();
  });

  test("a signal (SIGTERM)", async () => {
    const { app, file } = await edited("SIGTERM");
    process.kill(app.pid, "SIGTERM");
    await app.exited();
    whole(file, "Edited before SIGTERM");
    await app.close();
  });

  test("a crash (SIGKILL) loses nothing: the next open replays the log", async () => {
    const { app, file } = await edited("SIGKILL");
    process.kill(app.pid, "SIGKILL");
    await app.exited();
    await app.close();
    assert.ok(beside(file).length > 0, "a crash leaves the log");
    // Opened where it is, with its log: every edit is there, and closing leaves it whole.
    assert.equal(nameIn(file), "Edited before SIGKILL");
    whole(file, "Edited before SIGKILL");
  });
});

describe("every key press is one action, however fast", () => {
  let app;
  before(async () => {
    app = await launch();
  });
  after(async () => app?.close());

  async function names(browser) {
    return browser.execute(() => window.takt.editor.mirror.map.name);
  }

  async function threeEdits(browser) {
    for (const n of ["One", "Two", "Three"]) await renameMap(browser, n);
    await browser.execute(() => window.takt.editor.canvas.focus());
  }

  test("two Ctrl+Z and two Ctrl+Shift+Z pressed at once undo and redo two edits", async () => {
    const { browser } = app;
    await threeEdits(browser);
    // Sent back to back: the second press comes while the first undo is on its way.
    await browser.keys(["Control", "z"]);
    await browser.keys(["Control", "z"]);
    await settle(browser);
    await browser.waitUntil(async () => (await names(browser)) === "One", { timeout: 5000, timeoutMsg: "two presses undo two edits" });
    await browser.keys(["Control", "Shift", "z"]);
    await browser.keys(["Control", "Shift", "z"]);
    await settle(browser);
    await browser.waitUntil(async () => (await names(browser)) === "Three", { timeout: 5000, timeoutMsg: "two presses redo two edits" });
  });

  test("through the menu's accelerators, as a person presses the keys", { skip: !ownDisplay() && "needs the tests' own display" }, async () => {
    const { browser } = app;
    await threeEdits(browser);
    const empty = await browser.execute(() => {
      const ed = window.takt.editor;
      const r = ed.canvas.getBoundingClientRect();
      return { x: Math.round(r.left + 20), y: Math.round(r.bottom - 20) };
    });
    await focusWindow(browser, empty);
    typeKeys(["ctrl+z", "ctrl+z"], 30);
    await browser.waitUntil(async () => (await names(browser)) === "One", { timeout: 5000, timeoutMsg: "two presses 30 ms apart undo two edits" });
    typeKeys(["ctrl+shift+z", "ctrl+shift+z"], 30);
    await browser.waitUntil(async () => (await names(browser)) === "Three", { timeout: 5000, timeoutMsg: "two presses redo two edits" });
  });

  test("Ctrl+D twice makes two copies; Delete twice deletes once, without an error", async () => {
    const { browser } = app;
    const before = await browser.execute(() => window.takt.editor.mirror.steps.length);
    await clickStep(browser, "train");
    await browser.keys(["Control", "d"]);
    await browser.keys(["Control", "d"]);
    await settle(browser);
    await browser.waitUntil(async () => (await browser.execute(() => window.takt.editor.mirror.steps.length)) === before + 2, { timeout: 5000 });
    const ids = await browser.execute(() => window.takt.editor.mirror.steps.map((s) => s.id));
    assert.equal(new Set(ids).size, ids.length, "each copy has an id of its own");
    await browser.execute(() => window.takt.editor.canvas.focus());
    await browser.keys(["Delete"]);
    await browser.keys(["Delete"]);
    await settle(browser);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.steps.length), before + 1);
    assert.equal(await browser.execute(() => document.querySelector("#toast").className.includes("show")), false, "no error");
  });
});

describe("the sample, as facilitators and leaders use it", () => {
  let app;
  const dir = tempDir("sample");
  before(async () => {
    app = await launch({ dataDir: dir });
  });
  after(async () => app?.close());

  test("times show their exact value on hover, and the warnings name takt in working days", async () => {
    const { browser } = app;
    const hover = await browser.$('[data-value="lead_time_s"]').getAttribute("title");
    const core = mapIn(example("model-retraining-current.json"));
    assert.ok(hover.startsWith(`${Math.round(core.lead_time_s).toLocaleString("en-GB")} s of elapsed time`), hover);
    const takt = await browser.$('[data-value="takt_s"]').getAttribute("title");
    assert.match(takt, /s of working time/);
  });

  test("kaizen items without a position are drawn by what they improve, and listed", async () => {
    const { browser } = app;
    const bursts = await browser.execute(() => {
      const ed = window.takt.editor;
      return ed.scene.bursts.map((b) => {
        const t = b.kaizen.target ?? {};
        const box = t.step ? ed.scene.box(t.step)?.rect : null;
        return { id: b.kaizen.id, x: b.x, y: b.y, box };
      });
    });
    assert.equal(bursts.length, 3, "every kaizen item is drawn");
    // Over its step: standing on its top edge.
    for (const b of bursts.filter((x) => x.box)) {
      assert.ok(b.x >= b.box.x && b.x <= b.box.x + b.box.w && Math.abs(b.y - b.box.y) <= 10, `${b.id} is over its step`);
    }
    const listed = await browser.execute(() => [...document.querySelectorAll("[data-kaizen]")].map((li) => li.dataset.kaizen));
    assert.deepEqual(listed, bursts.map((b) => b.id));
    await browser.$(`[data-kaizen="${bursts[0].id}"]`).click();
    await browser.waitUntil(async () => (await browser.execute(() => window.takt.editor.selectedKaizen)) === bursts[0].id, { timeout: 5000 });
    assert.equal(await browser.$("#f-title").getValue(), await browser.execute((id) => window.takt.editor.mirror.map.kaizen.find((k) => k.id === id).title, bursts[0].id));
  });

  test("a time outside its range says so and offers to widen the range, in one edit", async () => {
    const { browser } = app;
    await clickStep(browser, "mrm-review");
    const range = await browser.execute(() => window.takt.editor.mirror.step("mrm-review").lt_range);
    assert.ok(range, "the sample's review has a lead-time range");
    assert.equal(await browser.$("#f-lt-range-min").getValue(), range.min.replace(/^([\d.]+)/, "$1 "));
    await typeInto(browser, "#f-lt", "1wd");
    await settle(browser);
    const error = await browser.$('[data-error-for="lt"]');
    await error.waitForDisplayed({ timeout: 5000 });
    assert.match(await error.getText(), /A lead time of 1 wd is below the range's minimum of 3 wd/);
    await browser.$('[data-widen="lt"]').click();
    await settle(browser);
    const step = await browser.execute(() => window.takt.editor.mirror.step("mrm-review"));
    assert.equal(step.lt, "1wd");
    assert.equal(step.lt_range.min, "1wd");
    assert.equal(step.lt_range.max, range.max);
    // One edit: one undo puts both back.
    await browser.execute(() => window.takt.editor.canvas.focus());
    await browser.keys(["Control", "z"]);
    await settle(browser);
    const back = await browser.execute(() => window.takt.editor.mirror.step("mrm-review"));
    assert.deepEqual(back.lt_range, range);
  });

  test("a gate's fields say what is wrong in words; an evidence title with commas is one item", async () => {
    const { browser } = app;
    await clickStep(browser, "mrm-review");
    await typeInto(browser, "#f-gate-tier", "high");
    await settle(browser);
    const error = await browser.$('[data-error-for="gate.tier"]');
    await error.waitForDisplayed({ timeout: 5000 });
    assert.equal(await error.getText(), "step 'Independent model validation': the tier is a whole number from 1 (1 = the lowest authority that may approve); 'high' is not");
    // Evidence is records (issue 13): a title with commas is one item.
    const before = await browser.execute(() => window.takt.editor.mirror.step("mrm-review").gate.evidence.length);
    await typeInto(browser, "#ev-new", "Model card, signed by the owner");
    await settle(browser);
    const evidence = await browser.execute(() => window.takt.editor.mirror.step("mrm-review").gate.evidence);
    assert.equal(evidence.length, before + 1);
    assert.deepEqual(evidence.at(-1), { title: "Model card, signed by the owner", kind: "document", status: "missing" });
    // The inspector names the step, not its id.
    assert.equal(await browser.$(".inspector-title .name").getText(), "Independent model validation");
  });

  test("deleting a step in a chain joins its neighbours in one edit; Shift+Delete leaves a hole that is warned of", async () => {
    const { browser } = app;
    const before = await browser.execute(() => {
      const ed = window.takt.editor;
      return { boxes: Object.fromEntries(ed.scene.boxes.map((b) => [b.step.id, { x: b.rect.x, y: b.rect.y }])), lt: ed.analysis.lead_time_s, flows: ed.mirror.flows.length };
    });
    // "validate" has one flow in (from extract) and one out (to train).
    await clickStep(browser, "validate");
    await browser.keys(["Delete"]);
    await settle(browser);
    const after = await browser.execute(() => {
      const ed = window.takt.editor;
      return {
        boxes: Object.fromEntries(ed.scene.boxes.map((b) => [b.step.id, { x: b.rect.x, y: b.rect.y }])),
        flows: ed.mirror.flows.map((f) => `${f.from}>${f.to}`),
        disconnected: ed.analysis.disconnected.length,
      };
    });
    assert.ok(after.flows.includes("extract>train"), "the neighbours are joined");
    assert.equal(after.disconnected, 0);
    for (const [id, p] of Object.entries(after.boxes)) assert.deepEqual(p, before.boxes[id], `${id} stays where it was`);
    await browser.execute(() => window.takt.editor.canvas.focus());
    await browser.keys(["Control", "z"]);
    await settle(browser);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.flows.length), before.flows, "one undo puts it back");
    // Shift+Delete: no healing; the map falls in two, and says so on the canvas and in the panel.
    // (Selected from the page: a second click on the same spot would be a double click.)
    await browser.execute(() => {
      window.takt.editor.setSelection(["validate"], null);
      window.takt.editor.canvas.focus();
    });
    await browser.keys(["Shift", "Delete"]);
    await settle(browser);
    const apart = await browser.execute(() => [...window.takt.editor.hl.disconnected]);
    assert.ok(apart.length > 0, "steps cut off are marked on the canvas");
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#warnings [data-code="disconnected"]') !== null), { timeout: 5000 });
    await app.screenshot("disconnected");
    await browser.keys(["Control", "z"]);
    await settle(browser);
  });

  test("Tab commits a field, and what is typed in the next one stays through the edit", async () => {
    const { browser } = app;
    await clickStep(browser, "train");
    await browser.$("#f-pt").click();
    await browser.keys(["Control", "a"]);
    await browser.keys(["Backspace"]);
    for (const c of "7h") await browser.keys([c]);
    await browser.keys(["Tab"]);
    // Straight on into the next field (the range's minimum), while the edit comes back.
    for (const c of "5h") await browser.keys([c]);
    await settle(browser);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.step("train").pt), "7h");
    const next = await browser.execute(() => ({ id: document.activeElement?.id, value: document.activeElement?.value }));
    assert.equal(next.id, "f-pt-range-min");
    assert.equal(next.value, "5h");
    await browser.keys(["Escape"]);
    await browser.execute(() => window.takt.editor.canvas.focus());
    await browser.keys(["Control", "z"]);
    await settle(browser);
  });

  test("new steps stand in free space, with ids from their names", async () => {
    const { browser } = app;
    await clickStep(browser, "deploy");
    for (const name of ["Shadow scoring", "Champion review"]) {
      await browser.$("#add-process").click();
      const input = await browser.$("#inline-edit");
      await input.waitForDisplayed({ timeout: 5000 });
      for (const c of name) await browser.keys([c]);
      await browser.keys(["Enter"]);
      await settle(browser);
    }
    const made = await browser.execute(() => {
      const ed = window.takt.editor;
      return ["shadow-scoring", "champion-review"].map((id) => ed.scene.box(id)?.rect ?? null);
    });
    assert.ok(made[0] && made[1], "both steps exist, with ids from their names");
    const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    const others = await browser.execute(() => window.takt.editor.scene.boxes.filter((b) => !["shadow-scoring", "champion-review"].includes(b.step.id)).map((b) => b.rect));
    assert.ok(!overlap(made[0], made[1]), "not stacked on each other");
    for (const r of others) for (const m of made) assert.ok(!overlap(m, r), "in free space");
    assert.equal(await browser.$(".inspector-title .name").getText(), "Champion review");
    assert.equal(await browser.$("#step-count").getText(), "13 steps");
  });

  test("a future state exports with its name and its deltas; names whole, in the map and the timeline", async () => {
    const { browser } = app;
    await browser.$("#fork").click();
    const input = await browser.$("#ask-input");
    await input.waitForDisplayed({ timeout: 5000 });
    await input.setValue("Future A");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await title(browser)).includes("Future A"), { timeout: 10_000 });
    // No change yet: said in words.
    assert.equal(await browser.$('[data-delta="pce"]').getText(), "no change");
    await clickStep(browser, "mrm-review");
    await typeInto(browser, "#f-lt", "3wd");
    await settle(browser);
    const out = (ext) => path.join(dir, `future.${ext}`);
    for (const ext of ["svg", "png", "json"]) {
      app.answer(out(ext));
      await browser.$(`#export-${ext}`).click();
      await browser.waitUntil(() => fs.existsSync(out(ext)), { timeout: 10_000 });
    }
    const svg = fs.readFileSync(out("svg"), "utf8");
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    assert.ok(texts.some((t) => t.startsWith("Future A (a future state)")), "the SVG names the scenario");
    const delta = await browser.$('[data-delta="lead_time_s"]').getText();
    assert.match(delta, /^−/);
    assert.ok(texts.includes(delta), `the SVG shows the lead time's change ${delta}`);
    // Every step's name whole: in its box (on up to three lines) and, on the critical path,
    // under its rung of the timeline.
    const joined = texts.join(" ");
    const steps = await browser.execute(() => window.takt.editor.mirror.steps.map((s) => s.name));
    for (const n of steps) assert.ok(joined.includes(n), `the SVG names ${n} whole`);
    const critical = await browser.execute(() => window.takt.editor.analysis.critical_path.map((i) => window.takt.editor.mirror.steps[i].name));
    for (const n of critical) assert.ok(joined.split(n).length - 1 >= 2, `${n} is named on the timeline too`);
    const json = JSON.parse(fs.readFileSync(out("json"), "utf8"));
    assert.equal(json.scenario, "Future A");
    // The PNG is drawn as the SVG is: as tall, with the row of deltas.
    const png = fs.readFileSync(out("png"));
    const h = png.readUInt32BE(20);
    const svgH = Number(/height="([\d.]+)"/.exec(svg)[1]);
    assert.equal(h, svgH * 2);
    await app.screenshot("future-export");
  });
});

describe("a step's box shows what the map has", () => {
  let app;
  after(async () => app?.close());

  test("servers, uptime, changeover, batch and the effective cycle time, as the core computes it", async () => {
    app = await launch({ args: [example("manufacturing.json")] });
    const { browser } = app;
    const box = await browser.execute(() => {
      const ed = window.takt.editor;
      return { h: ed.scene.box("stamping").rect.h, plain: ed.scene.box("lakeshore-steel").rect.h };
    });
    assert.ok(box.h > box.plain, "the stamping press's box grows to hold its data rows");
    // The inspector's effective cycle time is the core's, in the same words as its warning.
    const report = execFileSync(CLI, ["analyze", example("manufacturing.json")], { encoding: "utf8" });
    const warned = /step 'Spot weld II' needs (.+) of work per item/.exec(report);
    assert.ok(warned, "the core warns that Spot weld II is over takt");
    await clickStep(browser, "weld-2");
    assert.equal(await browser.$('[data-computed="ect"]').getText(), `${warned[1]} of work per item`);
    assert.match(await browser.$('[data-computed="utilisation"]').getText(), /over takt/);
    await browser.execute(() => {
      const ed = window.takt.editor;
      const b = ed.scene.box("stamping");
      ed.viewport.scale = 1;
      ed.viewport.ox = 120 - b.rect.x;
      ed.viewport.oy = 160 - b.rect.y;
      ed.redraw();
    });
    await settle(browser);
    await app.screenshot("data-boxes");
  });
});

describe("a document open in another Takt", () => {
  // A Takt of this session that holds a document brings its window forward when the document
  // is opened again (windows.test.mjs). One that does not answer (another session's, with a
  // runtime folder of its own) holds it all the same:
  test("held by a Takt that does not answer, is said to be so at start, not silently replaced, and opens when tried again once free", async () => {
    const dir = tempDir("held");
    const file = path.join(dir, "Held plan.takt");
    execFileSync(CLI, ["convert", example("manufacturing.json"), file]);
    const runtime = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = tempDir("runtime-holder");
    const first = await launch({ dataDir: tempDir("holder"), args: [file] });
    process.env.XDG_RUNTIME_DIR = tempDir("runtime-second");
    let second;
    try {
      assert.equal(await title(first.browser), "Held plan — Current state — Takt");
      second = await launch({ dataDir: tempDir("second"), args: [file] });
      if (runtime === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = runtime;
      const { browser } = second;
      const dialog = await browser.$("#startup-dialog");
      await dialog.waitForDisplayed({ timeout: 10_000 });
      assert.match(await browser.$("#startup-message").getText(), /Held plan\.takt: the document is open in another Takt window or process/);
      assert.match(await browser.$("#startup-instead").getText(), /^Takt shows “Sample - Model retraining” instead\.$/);
      // Still held: trying again says so again.
      await browser.$("#startup-retry").click();
      await browser.waitUntil(async () => /open in another Takt/.test(await browser.$("#startup-message").getText()), { timeout: 5000 });
      assert.ok(await dialog.isDisplayed());
      // The first Takt closes it; now it opens.
      await first.close();
      // The dialog goes as the click opens the document: WebDriver may then not find the
      // button it clicked, which is not a failure.
      await browser.$("#startup-retry").click().catch(() => {});
      await browser.waitUntil(async () => (await title(browser)) === "Held plan — Current state — Takt", { timeout: 10_000 });
      assert.equal(await browser.execute(() => document.querySelector("#startup-dialog")), null);
    } finally {
      await first.close();
      await second?.close();
    }
  });
});
