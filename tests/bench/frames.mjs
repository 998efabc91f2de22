// Frame-time and edit-latency harness, in the real app under Xvfb (not a test: it measures).
//
//   node bench/frames.mjs [--steps 2000] [--edit-steps 1000] [--idle 3000]
// (also the what-if preview: a slider moved on the --edit-steps map, input to painted figures)
//
// 1. Opens a generated map of --steps steps, then pans, zooms and drags a step with real
//    WebDriver pointer input, recording every frame: the draw time of each paint and the
//    interval between animation frames while the input runs. Then pans the page animates
//    itself, without input: through the pan gesture's path, redrawing in full, and drawing
//    nothing (the floor the display pipeline sets on the interval).
// 2. Opens a generated map of --edit-steps steps and makes 60 edits, each timed from sending it
//    to the first frame after the metrics panel shows the core's fresh analysis.
// Prints the figures as JSON for docs/BENCHMARKS.md.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI, launch, settle, tempDir } from "../e2e/harness.mjs";

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const STEPS = arg("--steps", 2000);
const EDIT_STEPS = arg("--edit-steps", 1000);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const summary = (xs) => ({
  n: xs.length,
  p50: +pct(xs, 50).toFixed(2),
  p95: +pct(xs, 95).toFixed(2),
  max: +Math.max(...xs).toFixed(2),
});

function generated(n, dir) {
  const file = path.join(dir, `gen-${n}.json`);
  fs.writeFileSync(file, execFileSync(CLI, ["gen", "--steps", String(n), "--seed", "7"], { encoding: "utf8", maxBuffer: 1 << 28 }));
  return file;
}

/** Starts recording animation-frame intervals in the page. */
async function record(browser) {
  await browser.execute(() => {
    const perf = window.taktPerf;
    perf.frames.length = 0;
    window.__intervals = [];
    window.__busy = [];
    window.__recording = true;
    let last = performance.now();
    let drawn = 0;
    // A tick runs before the editor's paint in the same frame (it asked for its frame first),
    // so the interval ending at a tick belongs to the frame before it: busy when that frame
    // painted.
    const tick = (t) => {
      window.__intervals.push(t - last);
      window.__busy.push(perf.frames.length > drawn);
      drawn = perf.frames.length;
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
async function stop(browser) {
  return browser.execute(() => {
    window.__recording = false;
    const intervals = window.__intervals.slice(1);
    const busy = intervals.filter((_, i) => window.__busy[i + 1]);
    return { draws: [...window.taktPerf.frames], intervals, busy };
  });
}

async function canvasCentre(browser) {
  return browser.execute(() => {
    const r = window.takt.editor.canvas.getBoundingClientRect();
    return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
  });
}

/**
 * The app prepares its fonts in the first seconds (render.ts, warmFonts): measure after.
 * `--idle MS` waits longer (WebKit itself is busy for about 7 s after launch; see
 * docs/BENCHMARKS.md, "the first gesture").
 */
const IDLE_MS = arg("--idle", 3000);
const idle = () => new Promise((r) => setTimeout(r, IDLE_MS));

async function interactions(app) {
  const { browser } = app;
  await idle();
  // A readable zoom, as people work (fit-to-screen of 2,000 steps is a field of dots).
  await browser.execute(() => {
    const ed = window.takt.editor;
    ed.viewport.scale = 0.6;
    ed.redraw();
  });
  await settle(browser);
  const c = await canvasCentre(browser);
  const results = {};

  // The drag first: WebKitWebDriver loses track of the buttons after a middle-button drag
  // (later actions send no pointer events), so the pan, by the middle button, comes last.
  // Drag a step that is on screen.
  const target = await browser.execute(() => {
    const ed = window.takt.editor;
    // A step from the middle of the map, brought to the middle of the view.
    const b = ed.scene.box(ed.mirror.steps[Math.floor(ed.mirror.steps.length / 2)].id);
    ed.viewport.ox = ed.viewport.width / 2 - (b.rect.x + b.rect.w / 2) * ed.viewport.scale;
    ed.viewport.oy = ed.viewport.height / 2 - (b.rect.y + b.rect.h / 2) * ed.viewport.scale;
    ed.redraw();
    const r = ed.canvas.getBoundingClientRect();
    const p = ed.viewport.toScreen({ x: b.rect.x + b.rect.w / 2, y: b.rect.y + b.rect.h / 2 });
    return { id: b.step.id, x: Math.round(r.left + p.x), y: Math.round(r.top + p.y) };
  });
  // The first gesture after launch runs slower for about a second, whatever it is (a pan as
  // the first gesture does the same): WebKit and its JavaScript compiler warming up. It is
  // recorded apart ("first_drag"); the drag measured after it is the steady state.
  const dragOnce = async (back) => {
    const sign = back ? -1 : 1;
    let a = browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: target.x, y: target.y, origin: "viewport" }).down({ button: 0 });
    for (let i = 1; i <= 80; i++) a = a.move({ x: target.x + sign * Math.round(Math.sin(i / 8) * 150), y: target.y + sign * Math.round(Math.cos(i / 8) * 60), origin: "viewport", duration: 16 });
    await a.up({ button: 0 }).perform();
    await settle(browser);
  };
  await record(browser);
  await dragOnce(false);
  results.first_drag = await stop(browser);
  // The step is now where the first drag left it: pick it up there.
  const moved = await browser.execute((id) => {
    const ed = window.takt.editor;
    const b = ed.scene.box(id);
    const r = ed.canvas.getBoundingClientRect();
    const p = ed.viewport.toScreen({ x: b.rect.x + b.rect.w / 2, y: b.rect.y + b.rect.h / 2 });
    return { x: Math.round(r.left + p.x), y: Math.round(r.top + p.y) };
  }, target.id);
  Object.assign(target, moved);
  await record(browser);
  await dragOnce(true);
  results.drag = await stop(browser);

  // Pan: middle-button drags across the canvas (only the first reaches the page, see above),
  // then zoom (wheel input still arrives).
  await record(browser);
  for (let k = 0; k < 4; k++) {
    let a = browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: c.x, y: c.y, origin: "viewport" }).down({ button: 1 });
    for (let i = 1; i <= 40; i++) a = a.move({ x: c.x - i * 12 * (k % 2 ? -1 : 1), y: c.y - i * 4, origin: "viewport", duration: 16 });
    await a.up({ button: 1 }).perform();
  }
  results.pan = await stop(browser);

  // Zoom: wheel steps in and out at the pointer.
  await record(browser);
  for (let i = 0; i < 60; i++) {
    await browser.action("wheel").scroll({ x: c.x, y: c.y, deltaX: 0, deltaY: i < 30 ? -100 : 100, duration: 16 }).perform();
  }
  results.zoom = await stop(browser);


  // Without WebDriver input (which reaches the page for the first middle-button drag only),
  // pans the page animates itself: 300 frames, each frame's drawing timed
  // with its rasterisation forced (getImageData). "gesture" is what a pan gesture draws (the
  // editor between `panning(true)` and `panning(false)`); "full" redraws the whole view every
  // frame; "blank" paints an empty canvas, the floor the display pipeline (WebKit's frame
  // timer, Xvfb) sets on the interval whatever the editor draws.
  for (const how of ["gesture", "full", "blank"]) {
    const r = await browser.executeAsync((how, done) => {
      const ed = window.takt.editor;
      const intervals = [];
      const draws = [];
      let last = performance.now();
      let k = 0;
      if (how === "gesture") ed.panning(true);
      const tick = (t) => {
        intervals.push(t - last);
        last = t;
        const t0 = performance.now();
        ed.viewport.panBy(k < 150 ? -6 : 6, k < 150 ? -2 : 2);
        if (how === "blank") ed.ctx.clearRect(0, 0, ed.canvas.width, ed.canvas.height);
        else ed.paint();
        ed.ctx.getImageData(0, 0, 1, 1);
        draws.push(performance.now() - t0);
        if (++k < 300) requestAnimationFrame(tick);
        else {
          if (how === "gesture") ed.panning(false);
          done({ draws, intervals: intervals.slice(1) });
        }
      };
      requestAnimationFrame(tick);
    }, how);
    results[`pan_animated_${how}`] = r;
    await settle(browser);
  }

  // A drag the page animates itself, along the WebDriver drag's path: what a drag costs the
  // page and WebKit without the WebDriver chain (node, tauri-driver, WebKitWebDriver) that
  // delivers each input event sharing the machine's two cores.
  results.drag_animated = await browser.executeAsync((id, done) => {
    const ed = window.takt.editor;
    const intervals = [];
    const draws = [];
    let last = performance.now();
    let k = 0;
    const s = ed.viewport.scale;
    const tick = (t) => {
      intervals.push(t - last);
      last = t;
      const t0 = performance.now();
      ed.setDrag([id], { x: (Math.sin(k / 8) * 150) / s, y: (Math.cos(k / 8) * 60) / s });
      ed.paint();
      // Drawn here, timed: not again at the frame the drag scheduled.
      cancelAnimationFrame(ed.frame);
      ed.frame = 0;
      ed.ctx.getImageData(0, 0, 1, 1);
      draws.push(performance.now() - t0);
      if (++k < 300) requestAnimationFrame(tick);
      else {
        ed.setDrag(null, { x: 0, y: 0 });
        done({ draws, intervals: intervals.slice(1) });
      }
    };
    requestAnimationFrame(tick);
  }, target.id);
  await settle(browser);
  return results;
}

async function edits(app, n) {
  const { browser } = app;
  await idle();
  return browser.executeAsync(async (count, done) => {
    const t = window.takt;
    t.perf.edits.length = 0;
    const steps = t.editor.mirror.steps.filter((s) => s.kind == null || s.kind === "process");
    for (let i = 0; i < count; i++) {
      const s = steps[(i * 7) % steps.length];
      await t.edit({ op: "set", key: { kind: "step", id: s.id }, field: "notes", value: `edit ${i}` });
      await t.edit({ op: "set", key: { kind: "step", id: s.id }, field: "pca", value: 90 + (i % 10) });
    }
    done([...t.perf.edits]);
  }, n);
}

// What-if: a slider on a step's process time moved `n` times, each timed from its input event
// to the preview's figures painted (the core analyses a copy of the map; nothing is edited).
async function previews(app, n) {
  const { browser } = app;
  await idle();
  return browser.executeAsync(async (count, done) => {
    const t = window.takt;
    const s = t.editor.mirror.steps.find((x) => x.kind == null || x.kind === "process");
    t.pick(s.id);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const slider = document.querySelector("#lever-pt");
    const times = [];
    for (let i = 0; i < count; i++) {
      const before = t.lastPreview;
      const t0 = performance.now();
      slider.dispatchEvent(new PointerEvent("pointerdown"));
      slider.value = String((Number(slider.max) * ((i % 20) + 1)) / 21);
      slider.dispatchEvent(new Event("input"));
      while (t.lastPreview === before && !slider.classList.contains("refused")) await new Promise((r) => setTimeout(r, 0));
      await new Promise((r) => requestAnimationFrame(r));
      times.push(performance.now() - t0);
    }
    slider.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    done(times);
  }, n);
}

// Presentation mode on and off `n` times, each timed from the key's action to the frame that
// shows the new mode painted (the layout made again for the new sizes, fitted, drawn).
async function toggles(app, n) {
  const { browser } = app;
  await idle();
  return browser.executeAsync(async (count, done) => {
    const t = window.takt;
    const times = [];
    for (let i = 0; i < 2 * count; i++) {
      const t0 = performance.now();
      t.action("presentation");
      await new Promise((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    done(times);
  }, n);
}

const dir = tempDir("bench");
const out = { date: new Date().toISOString().slice(0, 10), machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}`, steps: STEPS, idle_ms: IDLE_MS };

const big = await launch({ dataDir: dir, args: [generated(STEPS, dir)] });
try {
  const r = await interactions(big);
  for (const [k, v] of Object.entries(r)) {
    out[k] = { draw_ms: summary(v.draws), frame_interval_ms: summary(v.intervals) };
    // Intervals of the frames that drew: with WebDriver input, frames between two actions
    // draw nothing and would dilute the percentiles.
    if (v.busy) out[k].drawing_frame_interval_ms = summary(v.busy);
  }
  out.presentation_toggle_ms = summary(await toggles(big, 10));
} finally {
  await big.close();
}

const mid = await launch({ dataDir: tempDir("bench-edit"), args: [generated(EDIT_STEPS, dir)] });
try {
  out.edit_steps = EDIT_STEPS;
  out.edit_to_metrics_ms = summary(await edits(mid, 30));
  out.what_if_preview_ms = summary(await previews(mid, 40));
} finally {
  await mid.close();
}
console.log(JSON.stringify(out, null, 2));
