// Compliance in the real window (issue 13): the gate register beside the map (sorted,
// filtered, searched, selecting both ways, live after an edit), evidence edited as records
// with errors under the field, a mandatory gate removed in a future state only with a
// justification, and the audit trail of who changed what.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, clickStep, launch, ownDisplay, ROOT, settle, tempDir, typeInto } from "./harness.mjs";

const EXAMPLE = path.join(ROOT, "examples", "credit-risk-gates.json");

/** The register's rows on screen: gate ids in order. */
async function rows(browser) {
  return browser.execute(() => [...document.querySelectorAll("#register-body tr")].map((tr) => tr.dataset.gate));
}

async function cell(browser, gate, col) {
  return browser.execute(
    (g, c) => {
      const tr = document.querySelector(`#register-body tr[data-gate="${g}"]`);
      const i = [...document.querySelectorAll("#register-table th")].findIndex((th) => th.dataset.col === c);
      return tr?.children[i]?.textContent ?? null;
    },
    gate,
    col,
  );
}

async function gateOf(browser, id) {
  return browser.execute((sid) => window.takt.editor.mirror.step(sid)?.gate ?? null, id);
}

describe("compliance", { concurrency: false }, () => {
  let app;
  let browser;
  let dir;
  before(async () => {
    ownDisplay();
    process.env.TAKT_AUTHOR = "e2e-auditor";
    dir = tempDir("compliance");
    app = await launch({ args: [EXAMPLE], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("the gate register lists, sorts, filters, searches and selects both ways", async () => {
    await browser.execute(() => document.querySelector("#gates").click());
    await browser.waitUntil(async () => (await rows(browser)).length === 6, { timeout: 10_000, timeoutMsg: "no register" });
    // Sorted by share of the lead time, largest first: validation (12 wd, visited 1/0.7).
    assert.equal((await rows(browser))[0], "validation");
    assert.match(await cell(browser, "dq-review", "sla"), /2 wd ✗/);
    assert.equal(await cell(browser, "dq-review", "status"), "Over SLA");
    assert.equal(await cell(browser, "soundness", "redundant"), "Independent model validation");
    const findings = await browser.execute(() => document.querySelector("#register-findings").textContent);
    assert.match(findings, /merging them saves up to 3 wd per item/);
    assert.match(findings, /GDPR Art\. 22.*required, and no gate checks it/);

    // Sort by lead time, ascending then descending.
    await browser.execute(() => document.querySelector('th[data-col="lt"]').click());
    assert.deepEqual(await rows(browser), ["validation", "committee", "oversight", "dq-review", "soundness", "monitoring"]);
    await browser.execute(() => document.querySelector('th[data-col="lt"]').click());
    assert.equal((await rows(browser))[0], "monitoring");

    // Filter by regulation, then by status; search by text.
    await browser.execute(() => {
      const s = document.querySelector("#register-regulation");
      s.value = "EU AI Act";
      s.dispatchEvent(new Event("change"));
    });
    assert.deepEqual((await rows(browser)).sort(), ["dq-review", "monitoring", "oversight"]);
    await browser.execute(() => {
      const s = document.querySelector("#register-regulation");
      s.value = "";
      s.dispatchEvent(new Event("change"));
    });
    const search = await browser.$("#register-search");
    await search.setValue("minutes");
    await browser.waitUntil(async () => (await rows(browser)).length === 1);
    assert.deepEqual(await rows(browser), ["committee"]);
    await browser.execute(() => {
      const s = document.querySelector("#register-search");
      s.value = "";
      s.dispatchEvent(new Event("input"));
    });
    await browser.waitUntil(async () => (await rows(browser)).length === 6);

    // A row selects its gate on the canvas; a gate clicked on the canvas marks its row.
    await browser.execute(() => document.querySelector('#register-body tr[data-gate="committee"]').click());
    assert.deepEqual(await browser.execute(() => [...window.takt.editor.selection]), ["committee"]);
    await clickStep(browser, "oversight");
    await settle(browser);
    assert.deepEqual(await browser.execute(() => [...document.querySelectorAll("#register-body tr.selected")].map((tr) => tr.dataset.gate)), ["oversight"]);
    // The canvas marks the gate over its SLA and the redundant pair.
    const hl = await browser.execute(() => ({ sla: [...window.takt.editor.hl.overSla], redundant: [...window.takt.editor.hl.redundant].sort() }));
    assert.deepEqual(hl, { sla: ["dq-review"], redundant: ["soundness", "validation"] });
    await app.screenshot("compliance-register");
  });

  test("the register follows an edit at once", async () => {
    // Selected by the last test (a second click on it would open its name for editing).
    assert.deepEqual(await browser.execute(() => [...window.takt.editor.selection]), ["oversight"]);
    await typeInto(browser, "#f-lt", "6wd");
    await settle(browser);
    await browser.waitUntil(async () => (await cell(browser, "oversight", "status")) === "Over SLA", { timeout: 5000, timeoutMsg: "the register did not follow the edit" });
    assert.match(await cell(browser, "oversight", "sla"), /5 wd ✗/);
    assert.ok(await browser.execute(() => window.takt.editor.hl.overSla.has("oversight")));
  });

  test("evidence is edited as records, and a bad due date or link is refused under the field", async () => {
    await clickStep(browser, "dq-review");
    await settle(browser);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#evidence-editor") !== null), { timeout: 5000 });
    await browser.execute(() => {
      const s = document.querySelector("#ev-1-status");
      s.value = "accepted";
      s.dispatchEvent(new Event("change"));
    });
    await settle(browser);
    assert.equal((await gateOf(browser, "dq-review")).evidence[1].status, "accepted");

    const before = JSON.stringify(await gateOf(browser, "dq-review"));
    await typeInto(browser, "#ev-0-due", "31/12/2026");
    await settle(browser);
    const error = await browser.execute(() => document.querySelector('#evidence-editor [data-error-for="gate.evidence"]').textContent);
    assert.match(error, /'31\/12\/2026' is not a date; write it as YYYY-MM-DD/);
    assert.equal(JSON.stringify(await gateOf(browser, "dq-review")), before, "the document is unchanged");

    await typeInto(browser, "#ev-0-link", "the wiki");
    await settle(browser);
    const linkError = await browser.execute(() => document.querySelector('#evidence-editor [data-error-for="gate.evidence"]').textContent);
    assert.match(linkError, /the link 'the wiki' is neither a URL/);

    // A new item, named in place.
    await typeInto(browser, "#ev-new", "Legal basis memo");
    await settle(browser);
    const ev = (await gateOf(browser, "dq-review")).evidence;
    assert.deepEqual(ev.at(-1), { title: "Legal basis memo", kind: "document", status: "missing" });
    await app.screenshot("compliance-evidence");
  });

  test("a future state removes a mandatory gate only with a justification", async () => {
    await browser.execute(() => document.querySelector("#fork").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#ask-input") !== null), { timeout: 5000 });
    await typeInto(browser, "#ask-input", "Future A");
    await browser.waitUntil(() => browser.execute(() => document.querySelector('.tab.active[data-scenario="Future A"]') !== null), { timeout: 10_000 });
    await clickStep(browser, "monitoring");
    await settle(browser);
    await browser.execute(() => window.takt.editor.canvas.focus());
    await browser.keys(["Delete"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#justify-dialog") !== null), { timeout: 5000, timeoutMsg: "no justification asked" });
    const said = await browser.execute(() => document.querySelector("#justify-dialog").textContent);
    assert.match(said, /removes the mandatory gate 'Post-market monitoring plan sign-off'/);
    // Cancelled: nothing changes.
    await browser.execute(() => document.querySelector("#justify-cancel").click());
    await settle(browser);
    assert.ok(await browser.execute(() => !!window.takt.editor.mirror.step("monitoring")));

    await browser.keys(["Delete"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#justify-dialog") !== null), { timeout: 5000 });
    await browser.$("#justify-text").setValue("The monitoring plan is generated and signed off in the release pipeline");
    await browser.execute(() => document.querySelector("#justify-ok").click());
    await settle(browser);
    assert.equal(await browser.execute(() => window.takt.editor.mirror.step("monitoring")), null);
    const j = await browser.execute(() => window.takt.editor.mirror.map.justifications);
    const today = new Date();
    const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    assert.deepEqual(j, [{ gate: "monitoring", text: "The monitoring plan is generated and signed off in the release pipeline", author: "e2e-auditor", date: ymd }]);
    const m = await browser.execute(() => window.takt.comparison.mandatory);
    assert.equal(m[0].change, "removed");
    assert.equal(m[0].justification.author, "e2e-auditor");
    // The metrics panel of the future state lists it with its justification.
    const shown = await browser.execute(() => document.querySelector("#mandatory-changes")?.textContent ?? "");
    assert.match(shown, /Removed: Post-market monitoring plan sign-off/);
    assert.match(shown, /“The monitoring plan is generated and signed off in the release pipeline” — e2e-auditor/);
  });

  test("the audit trail says who changed what, and an entry selects its element", async () => {
    await browser.execute(() => document.querySelector("#audit").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#audit-list > li").length > 0), { timeout: 5000 });
    // The scenario on screen: the fork, then the justified removal.
    let text = await browser.execute(() => document.querySelector("#audit-list").textContent);
    assert.match(text, /Removed step 'Post-market monitoring plan sign-off'/);
    assert.match(text, /e2e-auditor/);
    await browser.execute(() => document.querySelector("#audit-all").click());
    await browser.waitUntil(() => browser.execute(() => /Set the status of evidence 'Bias examination/.test(document.querySelector("#audit-list")?.textContent ?? "")), { timeout: 5000 });
    text = await browser.execute(() => document.querySelector("#audit-list").textContent);
    assert.match(text, /Set the lead time of 'Human oversight design sign-off' from 4 wd to 6 wd/);
    // Filter by element: only the entries about the oversight gate.
    await browser.execute(() => {
      const s = document.querySelector("#audit-element");
      s.value = "step:oversight";
      s.dispatchEvent(new Event("change"));
    });
    const entries = await browser.execute(() => [...document.querySelectorAll("#audit-list > li")].map((li) => li.textContent));
    assert.equal(entries.length, 1, JSON.stringify(entries));
    await app.screenshot("compliance-audit");
    // Back on the current state, an entry selects its gate.
    await browser.execute(() => document.querySelector('.tab[data-scenario="Current state"]').click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector('.tab.active[data-scenario="Current state"]') !== null), { timeout: 5000 });
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#audit-list li.link[data-key="step:oversight"]') !== null), { timeout: 5000 });
    await browser.execute(() => document.querySelector('#audit-list li.link[data-key="step:oversight"]').click());
    assert.deepEqual(await browser.execute(() => [...window.takt.editor.selection]), ["oversight"]);
  });

  test("the compliance report is exported as a PDF an auditor accepts, whole or not at all", async () => {
    const out = tempDir("report");
    const pdf = path.join(out, "report.pdf");
    app.answer(pdf);
    await browser.execute(() => document.querySelector("#export-report").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#report-dialog") !== null), { timeout: 5000 });
    await browser.execute(() => {
      document.querySelector("#report-paper").value = "letter";
      document.querySelector("#report-ok").click();
    });
    await browser.waitUntil(() => fs.existsSync(pdf), { timeout: 60_000, timeoutMsg: "no report written" });
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#report-running") === null), { timeout: 60_000 });
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    assert.match(info, /Title:\s+Compliance report: Credit-risk PD model release/);
    assert.match(info, /Page size:\s+612 x 792 pts \(letter\)/);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (const want of ["Gate register", "Data quality and governance review", "Bias examination of the development sample", "GDPR Art. 22", "Audit trail of the gates", "Set the lead time of 'Human oversight design sign-off' from 4 wd to 6 wd"]) {
      assert.ok(text.includes(want), `the report says ${want}`);
    }
    assert.deepEqual(fs.readdirSync(out), ["report.pdf"], "nothing left beside it");

    // A folder that cannot be written: said, and no file left anywhere.
    const gone = path.join(out, "no-such-folder", "report.pdf");
    app.answer(gone);
    await browser.execute(() => document.querySelector("#export-report").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#report-ok") !== null), { timeout: 5000 });
    await browser.execute(() => document.querySelector("#report-ok").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#toast.show.error")?.textContent ?? "").then((t) => t.includes("cannot write the report there")), { timeout: 30_000, timeoutMsg: "no error said" });
    assert.ok(!fs.existsSync(path.dirname(gone)));
    assert.deepEqual(fs.readdirSync(out), ["report.pdf"]);
  });

  test("the regulation catalogue: controls required, added, and imported from a file (a bad one named by line and field)", async () => {
    await browser.execute(() => document.querySelector("#catalogue-tab").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#catalogue-table tbody tr").length > 40), { timeout: 10_000, timeoutMsg: "no catalogue" });
    // The shipped catalogue, with the gates that check each control.
    const art10 = await browser.execute(() => document.querySelector('#catalogue-table tr[data-control="EU AI Act|Art. 10"]').textContent);
    assert.match(art10, /Data and data governance/);
    assert.match(art10, /Data quality and governance review/);
    assert.match(art10, /Regulation \(EU\) 2024\/1689/);
    // Require GDPR Art. 35: no gate checks it, so it is warned of.
    await browser.execute(() => document.querySelector('#catalogue-table tr[data-control="GDPR|Art. 35"] input[type=checkbox]').click());
    await settle(browser);
    const warned = await browser.execute(() => window.takt.analysis.warnings.filter((w) => w.code === "uncovered_control").map((w) => w.message));
    assert.ok(warned.some((m) => m.startsWith("no gate checks GDPR Art. 35 (Data protection impact assessment)")), JSON.stringify(warned));
    const own = await browser.execute(() => window.takt.editor.mirror.map.catalogue);
    assert.ok(own.some((c) => c.regulation === "GDPR" && c.control === "Art. 35" && c.required));

    // A catalogue file with a date that is not a date: refused, by file, line and field.
    const dir = tempDir("catalogue");
    const bad = path.join(dir, "policy.json");
    fs.writeFileSync(bad, '{\n  "format": "takt-catalogue",\n  "version": 1,\n  "controls": [\n    {"regulation": "Internal", "control": "MRM-7.3",\n     "transcribed": "31/12/2026"}\n  ]\n}\n');
    const before = await browser.execute(() => JSON.stringify(window.takt.editor.mirror.map.catalogue));
    app.answer(bad);
    await browser.execute(() => document.querySelector("#catalogue-import").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#toast.show.error")?.textContent ?? "").then((t) => t.includes("policy.json")), { timeout: 10_000, timeoutMsg: "no error said" });
    const said = await browser.execute(() => document.querySelector("#toast").textContent);
    assert.match(said, /policy\.json: line 6, column \d+, controls\[0\]\.transcribed: '31\/12\/2026' is not a date/);
    assert.equal(await browser.execute(() => JSON.stringify(window.takt.editor.mirror.map.catalogue)), before, "nothing changed");

    fs.writeFileSync(bad, JSON.stringify({ format: "takt-catalogue", version: 1, controls: [{ regulation: "Internal", control: "MRM-7.3", title: "Champion/challenger comparison", source: "Model risk policy v4.2, 7.3", transcribed: "2026-11-20", required: true }] }));
    await browser.execute(() => document.querySelector("#catalogue-import").click());
    await browser.waitUntil(() => browser.execute(() => document.querySelector('#catalogue-table tr[data-control="Internal|MRM-7.3"]') !== null), { timeout: 10_000 });
    const row = await browser.execute(() => document.querySelector('#catalogue-table tr[data-control="Internal|MRM-7.3"]').textContent);
    assert.match(row, /Champion\/challenger comparison/);
    assert.match(row, /none: uncovered/);
    await app.screenshot("compliance-catalogue");
  });

  test("the command line reads the same trail from the file", async () => {
    const file = await browser.execute(() => document.querySelector("#doc-title").title);
    assert.ok(file.endsWith(".takt"), file);
    // The document is held by the app: Save As moves the app to a copy.
    const copy = path.join(tempDir("copy"), "copy.takt");
    app.answer(copy);
    await browser.execute(() => document.querySelector("#save-as").click());
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelector("#doc-title").title)) === copy, { timeout: 10_000 });
    // The app now holds the copy and has closed the first file whole: the CLI reads it.
    const out = execFileSync(CLI, ["audit", file, "--author", "e2e-auditor", "--json"], { encoding: "utf8" });
    const entries = JSON.parse(out).audit;
    assert.ok(entries.some((e) => e.sentences.some((s) => s.text === "Removed step 'Post-market monitoring plan sign-off'")));
  });
});

