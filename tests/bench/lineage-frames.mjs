// Frame-time harness of the lineage canvas, in the real app under Xvfb (not a test: it measures).
//
//   node bench/lineage-frames.mjs [--assets 5000] [--edges 8000] [--spread 8] [--idle 3000]
//
// Opens a map whose lineage has --assets assets in layers and --edges derives-from edges
// (a fixed seed), shows the lineage view, and records the interval between animation frames
// and each paint's draw time while the page pans itself (300 frames, drawing through the pan
// bitmap as a gesture does, and redrawing in full every frame) and while WebDriver wheel steps
// zoom in and out, at a readable zoom and at Fit. Prints the figures as JSON for
// docs/BENCHMARKS.md.

import fs from "node:fs";
import path from "node:path";
import { launch, settle, tempDir } from "../e2e/harness.mjs";

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const ASSETS = arg("--assets", 5000);
const EDGES = arg("--edges", 8000);
const IDLE_MS = arg("--idle", 3000);
const SPREAD = arg("--spread", 8);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}
const summary = (xs) => ({ n: xs.length, p50: +pct(xs, 50).toFixed(2), p95: +pct(xs, 95).toFixed(2), max: +Math.max(...xs).toFixed(2) });

/** A map with a layered lineage: sources first, endpoints last, edges forward only. */
function lineageMap(n, m) {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const layers = 25;
  const per = Math.ceil(n / layers);
  const kinds = ["source", "dataset", "job", "dataset", "feature", "feature_store", "model", "model_version", "endpoint"];
  const teams = ["de", "ds", "mle", "ops"];
  const assets = [];
  for (let i = 0; i < n; i++) {
    const l = Math.floor(i / per);
    const kind = l === 0 ? "source" : l === layers - 1 ? "endpoint" : kinds[1 + (l % 7)];
    assets.push({ id: `a${i}`, name: `${kind.replace("_", " ")} ${i}`, kind, team: teams[i % 4], lt: `${1 + (i % 12)}h` });
  }
  const seen = new Set();
  const lineage = [];
  // Every asset after the first column derives from one in the column before it (else it
  // would be a source, in the first column); the rest of the edges at random, forward.
  // Lineage is local, as pipelines are: an asset derives from assets of its own domain, here
  // within SPREAD places of its own in the columns before it. (--spread 200 gives a random
  // hairball, the worst case: every edge crosses the map.)
  const near = (row, l) => l * per + Math.min(per - 1, Math.max(0, row + Math.floor((rand() * 2 - 1) * SPREAD)));
  for (let b = per; b < n && lineage.length < m; b++) {
    const l = Math.floor(b / per);
    const a = near(b - l * per, l - 1);
    seen.add(`${a}>${b}`);
    lineage.push({ from: `a${a}`, to: `a${b}` });
  }
  while (lineage.length < m) {
    const a = Math.floor(rand() * (n - per));
    const la = Math.floor(a / per);
    const lb = Math.min(layers - 1, la + 1 + Math.floor(rand() * 2));
    const b = Math.min(n - 1, near(a - la * per, lb));
    const k = `${a}>${b}`;
    if (a === b || seen.has(k) || Math.floor(b / per) <= la) continue;
    seen.add(k);
    lineage.push({ from: `a${a}`, to: `a${b}` });
  }
  return {
    format: "takt",
    version: 3,
    name: `Lineage of ${n} assets`,
    teams: teams.map((id, i) => ({ id, name: id.toUpperCase(), color: ["#c08a1e", "#2f6fb0", "#3a9a5b", "#b5472f"][i] })),
    steps: [{ id: "s", name: "Serve", pt: "1h" }],
    assets,
    lineage,
  };
}

async function animate(browser, how) {
  return browser.executeAsync((how, done) => {
    const l = window.takt.lineage;
    const intervals = [];
    const draws = [];
    let last = performance.now();
    let k = 0;
    const tick = (t) => {
      intervals.push(t - last);
      last = t;
      const t0 = performance.now();
      l.viewport.panBy(k < 150 ? -6 : 6, k < 150 ? -2 : 2);
      if (how === "gesture") {
        l.panActive = true;
        l.changed = false;
        l.paint();
      } else {
        l.redraw();
        l.paint();
      }
      l.ctx.getImageData(0, 0, 1, 1);
      draws.push(performance.now() - t0);
      if (++k < 300) requestAnimationFrame(tick);
      else {
        l.panActive = false;
        done({ draws, intervals: intervals.slice(1) });
      }
    };
    requestAnimationFrame(tick);
  }, how);
}

async function zoomWheel(browser) {
  const c = await browser.execute(() => {
    const r = window.takt.lineage.canvas.getBoundingClientRect();
    return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
  });
  await browser.execute(() => {
    window.__iv = [];
    window.__rec = true;
    window.taktPerf.frames.length = 0;
    let last = performance.now();
    const tick = (t) => {
      window.__iv.push(t - last);
      last = t;
      if (window.__rec) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 40; i++) await browser.action("wheel").scroll({ x: c.x, y: c.y, deltaX: 0, deltaY: i < 20 ? -100 : 100, duration: 16 }).perform();
  return browser.execute(() => {
    window.__rec = false;
    return { draws: [...window.taktPerf.frames], intervals: window.__iv.slice(1) };
  });
}

const dir = tempDir("bench-lineage");
const file = path.join(dir, `lineage-${ASSETS}.json`);
fs.writeFileSync(file, JSON.stringify(lineageMap(ASSETS, EDGES)));
const app = await launch({ dataDir: dir, args: [file] });
const { browser } = app;
await browser.execute(() => window.takt.action("lineage"));
await browser.waitUntil(() => browser.execute(() => window.takt.lineage.overview != null), { timeout: 60_000 });
await new Promise((r) => setTimeout(r, IDLE_MS));
const out = { assets: ASSETS, edges: EDGES };
for (const [label, scale] of [
  ["readable", 0.6],
  ["fit", null],
]) {
  await browser.execute((s) => {
    const l = window.takt.lineage;
    if (s == null) l.fit();
    else {
      l.viewport.scale = s;
      l.viewport.ox = 40;
      l.viewport.oy = l.viewport.height / 2;
      l.redraw();
    }
  }, scale);
  await settle(browser);
  const r = { scale: await browser.execute(() => window.takt.lineage.viewport.scale) };
  for (const how of ["gesture", "full"]) {
    const a = await animate(browser, how);
    r[`pan_${how}`] = { interval: summary(a.intervals), draw: summary(a.draws) };
    await settle(browser);
  }
  const z = await zoomWheel(browser);
  r.zoom = { interval: summary(z.intervals), draw: summary(z.draws) };
  out[label] = r;
}
await app.close();
console.log(JSON.stringify(out, null, 2));
