// One document, one window (issue 17), in the real app: a document already open in a Takt
// is brought to the front when it is opened again (a second Takt started on it says so and
// ends; File ▸ Open of it in another Takt does the same), and a second document opens in a
// Takt window of its own.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { APP, CLI, launch, ownDisplay, ROOT, tempDir, waitExit, windowNamed } from "./harness.mjs";

/** Starts the app as a desktop would, on `args`; its exit code and what it said, when it ends. */
function start(args, dataDir) {
  const child = spawn(APP, args, { env: { ...process.env, TAKT_DATA_DIR: dataDir, XDG_DATA_HOME: path.join(dataDir, "xdg") }, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  const done = new Promise((r) => child.once("exit", (code) => r({ code, err })));
  return { child, done };
}

async function toast(browser, pattern) {
  await browser.waitUntil(() => browser.execute((p) => new RegExp(p).test(document.querySelector("#toast")?.textContent ?? ""), pattern.source), {
    timeout: 10_000,
    timeoutMsg: `no toast like ${pattern}`,
  });
}

describe("one document, one window", { concurrency: false }, () => {
  let app;
  let browser;
  const dir = tempDir("windows");
  const held = path.join(dir, "Held.takt");
  const other = path.join(dir, "Other one.takt");
  before(async () => {
    ownDisplay();
    execFileSync(CLI, ["new", "--template", "incident-triage", "-o", held]);
    execFileSync(CLI, ["new", "--template", "feature-request", "-o", other]);
    app = await launch({ args: [held], dataDir: dir });
    browser = app.browser;
  });
  after(async () => {
    await app?.close();
  });

  test("a second Takt started on an open document brings its window to the front and ends", async () => {
    const second = start([held], tempDir("windows-second"));
    // It ends on its own; one that does not (the handoff failed) is ended here, and fails.
    const timer = setTimeout(() => second.child.kill("SIGKILL"), 60_000);
    const { code, err } = await second.done.finally(() => clearTimeout(timer));
    assert.equal(code, 0, err);
    assert.match(err, /Held\.takt is open in another Takt window, now in front/);
    await toast(browser, /opened again: it is here/);
  });

  test("a second document opens in a Takt window of its own; File ▸ Open of it elsewhere brings that window forward", async () => {
    const data = tempDir("windows-other");
    const second = start([other], data);
    try {
      assert.ok(await windowNamed("^Other one — "), "the second document has a window of its own");
      assert.equal(second.child.exitCode, null, "and its Takt keeps running");
      // The first Takt asked to open it: the second Takt's window is brought forward instead.
      app.answer(other);
      await browser.execute(() => window.takt.action("open"));
      await toast(browser, /Other one\.takt is open in another Takt window, now in front/);
      assert.match(await browser.getTitle(), /^Held — /, "this window keeps its document");
    } finally {
      // Ended however the test went: SIGTERM closes its document; one that hangs is killed.
      second.child.kill("SIGTERM");
      await waitExit(second.child.pid, 20_000).catch(() => second.child.kill("SIGKILL"));
    }
  });

  test("Help ▸ About: the version, the format's version, every bundled package with its licence", async () => {
    const licences = JSON.parse(fs.readFileSync(path.join(ROOT, "src-tauri/licences.json"), "utf8"));
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "src-tauri/tauri.conf.json"), "utf8")).version;
    await browser.execute(() => window.takt.action("about"));
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#about-dialog") !== null), { timeout: 5000, timeoutMsg: "no About" });
    assert.equal(await browser.$("#about-title").getText(), `Takt ${version}`);
    assert.match(await browser.$("#about-format").getText(), /format, version 4/);
    assert.equal(await browser.execute(() => document.querySelectorAll("#about-dialog tbody tr").length), licences.length);
    assert.ok(await browser.execute(() => document.querySelector('#about-dialog tr[data-package="tauri"]') !== null), "Tauri is listed");
    // Found by licence: the rows shown are those whose licence names it.
    await browser.$("#about-filter").setValue("MPL-2.0");
    const want = licences.filter((l) => l.licence.toLowerCase().includes("mpl-2.0")).length;
    await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("#about-dialog tbody tr:not([hidden])").length), { timeout: 5000 });
    assert.equal(await browser.execute(() => document.querySelectorAll("#about-dialog tbody tr:not([hidden])").length), want);
    await app.screenshot("about");
    await browser.keys(["Escape"]);
    await browser.waitUntil(() => browser.execute(() => document.querySelector("#about-dialog") === null), { timeout: 5000, timeoutMsg: "Esc did not close it" });
  });
});
