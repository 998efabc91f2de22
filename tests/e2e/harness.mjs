// Starts the real Takt app (target/debug/takt-desktop) under tauri-driver and WebKitWebDriver,
// on Xvfb when there is no display, and hands a WebdriverIO session to the tests.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { remote } from "webdriverio";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const APP = process.env.TAKT_APP ?? path.join(ROOT, "target/debug/takt-desktop");
export const CLI = path.join(ROOT, "target/debug/takt");
export const ARTIFACTS = path.join(ROOT, "tests/artifacts");

function driverPath() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const home = path.join(os.homedir(), ".cargo/bin/tauri-driver");
  return fs.existsSync(home) ? home : "tauri-driver";
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitPort(port, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => {
        c.end();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

let xvfb = null;
/** The display the tests were given, if any: without one they start an Xvfb of their own. */
const GIVEN_DISPLAY = process.env.DISPLAY ?? null;

/**
 * Whether the tests run on a display of their own (a private Xvfb, started by the first
 * launch), where keys may be typed and windows closed through the X server.
 */
export function ownDisplay() {
  return xvfb !== null || !GIVEN_DISPLAY;
}

/** A display: the one we have, or a private Xvfb. */
async function ensureDisplay() {
  if (process.env.DISPLAY) return;
  for (let n = 90; n < 140; n++) {
    if (fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    // A test file may ask for another screen (presentation mode's is a projector's 1920x1080).
    const screen = process.env.TAKT_E2E_SCREEN ?? "1600x1000x24";
    xvfb = spawn("Xvfb", [`:${n}`, "-screen", "0", screen, "-nolisten", "tcp"], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 600));
    if (xvfb.exitCode === null) {
      process.env.DISPLAY = `:${n}`;
      // The display lives as long as the tests, and must not keep node running after them.
      xvfb.unref();
      process.on("exit", () => xvfb?.kill());
      return;
    }
  }
  throw new Error("could not start Xvfb");
}

/** A fresh folder for one test's documents. */
export function tempDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `takt-e2e-${name}-`));
}

/**
 * Launches the app. `dataDir` is where it keeps new documents and its recent list;
 * `answers` is the file native dialogs read their answer from (see src-tauri/src/dialogs.rs).
 */
export async function launch({ args = [], dataDir, answers } = {}) {
  await ensureDisplay();
  dataDir ??= tempDir("data");
  answers ??= path.join(dataDir, "dialog-answer");
  if (!fs.existsSync(answers)) fs.writeFileSync(answers, "");
  const port = await freePort();
  const nativePort = await freePort();
  // The page's own storage (WebKit keeps localStorage under XDG_DATA_HOME) is the data dir's
  // too, so that no run sees what an earlier one left (a drawer's height, a paper size).
  const env = { ...process.env, TAKT_DATA_DIR: dataDir, TAKT_DIALOG_ANSWER: answers, XDG_DATA_HOME: path.join(dataDir, "xdg-data") };
  // A flag the app ignores, by which this instance's process is found (to wait for its end).
  const instance = `--takt-instance=${path.basename(dataDir)}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  args = [...args, instance];
  const log = fs.openSync(path.join(dataDir, "driver.log"), "a");
  const driver = spawn(
    driverPath(),
    ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
    { env, stdio: ["ignore", log, log] },
  );
  // tauri-driver answers before the native driver is up: wait for both.
  await waitPort(port);
  await waitPort(nativePort);
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      connectionRetryTimeout: 120_000,
      capabilities: {
        "tauri:options": { application: APP, args },
        "wdio:enforceWebDriverClassic": true,
      },
    });
  } catch (e) {
    // No session (the app ended at once, say): the driver goes too, or it would keep this
    // test file's process alive after its tests.
    driver.kill();
    throw e;
  }
  await browser.waitUntil(() => browser.execute(() => document.querySelector(".app.ready") !== null), {
    timeout: 30_000,
    timeoutMsg: "the app did not get ready",
  });
  const pid = appPid(instance);
  return {
    browser,
    dataDir,
    /** The app's process id. */
    pid,
    /** Resolves when the app's process has ended. */
    exited(ms = 30_000) {
      return waitExit(pid, ms);
    },
    /** Sets what the next native dialog answers (a path, or "" to cancel). */
    answer(p) {
      fs.writeFileSync(answers, p ?? "");
    },
    async screenshot(name) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await saveScreenshot(browser, path.join(ARTIFACTS, `${name}.png`));
    },
    /**
     * Ends the session, and returns once the app's process has ended: a document it held is
     * free for the next app to open.
     */
    async close() {
      await browser.deleteSession().catch(() => {});
      await waitExit(pid, 20_000).catch(() => {
        // Not gone on its own: ended here, so that the next test starts clean.
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone meanwhile */
        }
      });
      driver.kill();
      await new Promise((r) => (driver.exitCode !== null ? r() : driver.once("exit", r)));
    },
  };
}

/** The process id of the app launched with the flag `instance`. */
function appPid(instance) {
  const out = execFileSync("pgrep", ["-f", "--", instance], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
  // The app itself, not a shell or driver that mentions the flag.
  for (const p of out) {
    try {
      const exe = fs.readlinkSync(`/proc/${p}/exe`);
      if (path.basename(exe).startsWith("takt-desktop")) return p;
    } catch {
      /* gone meanwhile */
    }
  }
  throw new Error(`no app process with ${instance}`);
}

function alive(pid) {
  try {
    // A zombie (ended, not yet reaped by its parent) has ended for us.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/**
 * The X window whose title matches `pattern` (xdotool's search), once one shows: for an app
 * started outside WebDriver (by the desktop, or a second Takt). Polls until `ms` have passed.
 */
export async function windowNamed(pattern, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return execFileSync("xdotool", ["search", "--name", pattern], { encoding: "utf8" }).trim();
    } catch {
      if (Date.now() > until) return "";
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Resolves when the process `pid` has ended (polling: it is not our child). */
export async function waitExit(pid, ms = 30_000) {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} still runs after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Types keys into the app's window as a person does, through the X server (xdotool), so that
 * GTK sees them first and runs the menu's accelerators, which keys sent through WebDriver do
 * not reach. Only on a display of the tests' own.
 */
export function typeKeys(keys, delayMs = 40) {
  if (!ownDisplay()) throw new Error("keys are typed only on the tests' own display");
  execFileSync("xdotool", ["key", "--delay", String(delayMs), ...keys], { stdio: "ignore" });
}

/**
 * Gives the app's window the keyboard focus, as a click on it does (on empty canvas, where it
 * selects nothing), through the X server. `at` is a client point of the page.
 */
export async function focusWindow(browser, at) {
  if (!ownDisplay()) throw new Error("clicks are made only on the tests' own display");
  const win = execFileSync("xdotool", ["search", "--name", "— Takt$"], { encoding: "utf8" }).trim().split("\n")[0];
  const geo = execFileSync("xdotool", ["getwindowgeometry", "--shell", win], { encoding: "utf8" });
  const g = Object.fromEntries(geo.trim().split("\n").map((l) => l.split("=")));
  // The page lies at the bottom of the window (the menu bar is above it).
  const inner = await browser.execute(() => window.innerHeight);
  const x = Number(g.X) + at.x;
  const y = Number(g.Y) + Number(g.HEIGHT) - inner + at.y;
  execFileSync("xdotool", ["mousemove", String(x), String(y), "click", "1"], { stdio: "ignore" });
}

/**
 * Closes the app's window as a person does, with its close button: the window manager's
 * request to close it (WM_DELETE_WINDOW), sent through the X server (`close-window.py`).
 * Closing it through WebDriver kills the app instead.
 */
export function closeWindowAsPerson() {
  if (!ownDisplay()) throw new Error("windows are closed only on the tests' own display");
  const win = execFileSync("xdotool", ["search", "--name", "— Takt$"], { encoding: "utf8" }).trim().split("\n")[0];
  execFileSync("python3", [path.join(import.meta.dirname, "close-window.py"), win], { stdio: "inherit" });
}

/**
 * Saves a screenshot of the window. WebKitWebDriver takes it at the page's next rendering
 * update and waits for one: a page that shows nothing changing (the canvas draws only on a
 * change) left the request waiting until it timed out. The canvas is redrawn, unchanged, on
 * each animation frame until the screenshot is in.
 */
export async function saveScreenshot(browser, file) {
  await browser.execute(() => {
    window.takt_shooting = true;
    const tick = () => {
      if (!window.takt_shooting) return;
      // The canvas on screen: a hidden one draws nothing, and the snapshot waits for a paint.
      (window.takt.view !== "map" ? window.takt.lineage : window.takt.editor).redraw();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => (window.takt_shooting = false));
  }
}

/** The core's analysis of a map file, from the `takt` command line. */
export function coreAnalysis(file) {
  return JSON.parse(execFileSync(CLI, ["analyze", file, "--json"], { encoding: "utf8" }));
}

// --- page helpers -------------------------------------------------------------------------------

/** The text of a metric on screen. */
export async function metric(browser, key) {
  return browser.execute((k) => document.querySelector(`[data-value="${k}"]`)?.textContent ?? null, key);
}

/** The client-area centre of a step's box on the canvas. */
export async function stepCentre(browser, id) {
  return browser.execute((sid) => {
    const ed = window.takt.editor;
    // Scrolled into view first, as a person would pan to it.
    ed.reveal(sid);
    const b = ed.scene.box(sid);
    if (!b) return null;
    const r = ed.canvas.getBoundingClientRect();
    const p = ed.viewport.toScreen({ x: b.rect.x + b.rect.w / 2, y: b.rect.y + b.rect.h / 2 });
    return { x: Math.round(r.left + p.x), y: Math.round(r.top + p.y) };
  }, id);
}

/** Clicks a step on the canvas with the mouse. */
export async function clickStep(browser, id, { shift = false } = {}) {
  const p = await stepCentre(browser, id);
  if (!p) throw new Error(`step ${id} is not on the canvas`);
  const a = browser.action("pointer", { parameters: { pointerType: "mouse" } });
  if (shift) await browser.action("key").down("\uE008").perform(true);
  await a.move({ x: p.x, y: p.y, origin: "viewport" }).down({ button: 0 }).pause(30).up({ button: 0 }).perform();
  if (shift) await browser.action("key").up("\uE008").perform();
}

/** Drags with the mouse from one client point to another, in steps. */
export async function drag(browser, from, to, steps = 8) {
  let a = browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: from.x, y: from.y, origin: "viewport" }).down({ button: 0 });
  for (let i = 1; i <= steps; i++) {
    a = a.move({ x: Math.round(from.x + ((to.x - from.x) * i) / steps), y: Math.round(from.y + ((to.y - from.y) * i) / steps), origin: "viewport", duration: 16 });
  }
  await a.up({ button: 0 }).perform();
}

/** Types into a field and presses Enter. */
export async function typeInto(browser, selector, text) {
  const el = await browser.$(selector);
  await el.waitForExist({ timeout: 5000 });
  await el.click();
  // Select what is there and type over it, as a person would. One key per call: in one
  // sequence WebKitWebDriver drops a repeated key ("soon" -> "son"). (Clearing the element
  // instead would fire a change of its own, an edit no person made.)
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  for (const c of text) await browser.keys([c]);
  await browser.keys(["Enter"]);
}

/** Waits until the page's edit queue is idle and a frame has been drawn. */
export async function settle(browser) {
  await browser.executeAsync((done) => {
    window.takt.idle().then(() => requestAnimationFrame(() => done()));
  });
}
