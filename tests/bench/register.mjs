// The gate register's speed in the real app under Xvfb (not a test: it measures).
//
//   node bench/register.mjs [--steps 10500]
//
// Opens a generated map with about 1,000 gates (one step in ten is a gate), then:
// 1. opens the register (toolbar button to the rows drawn: the core's register, the IPC and the
//    table), five times;
// 2. sorts it by each column (the click to the rows drawn);
// 3. makes 20 edits of a gate's SLA with the register open, each timed from sending it to the
//    register showing the new figure.
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
const STEPS = arg("--steps", 10_500);

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
}
const summary = (xs) => ({ n: xs.length, p50: +pct(xs, 50).toFixed(1), p95: +pct(xs, 95).toFixed(1), max: +Math.max(...xs).toFixed(1) });

const dir = tempDir("bench-register");
const file = path.join(dir, `gen-${STEPS}.json`);
fs.writeFileSync(file, execFileSync(CLI, ["gen", "--steps", String(STEPS), "--seed", "1"], { encoding: "utf8", maxBuffer: 1 << 28 }));
const gates = JSON.parse(fs.readFileSync(file, "utf8")).steps.filter((s) => s.kind === "gate");

const app = await launch({ args: [file], dataDir: dir });
const b = app.browser;
try {
  await settle(b);
  const open = [];
  for (let i = 0; i < 5; i++) {
    const ms = await b.executeAsync((done) => {
      const t0 = performance.now();
      document.querySelector("#gates").click();
      const wait = () => (document.querySelectorAll("#register-body tr").length > 0 ? done(performance.now() - t0) : requestAnimationFrame(wait));
      wait();
    });
    open.push(ms);
    // Closed again for the next opening.
    await b.execute(() => document.querySelector("#gates").click());
  }
  await b.execute(() => document.querySelector("#gates").click());
  await b.waitUntil(() => b.execute(() => document.querySelectorAll("#register-body tr").length > 0));
  const rows = await b.execute(() => document.querySelectorAll("#register-body tr").length);
  const sort = [];
  const cols = await b.execute(() => [...document.querySelectorAll("#register-table th")].map((th) => th.dataset.col));
  for (let round = 0; round < 2; round++) {
    for (const c of cols) {
      sort.push(
        await b.execute((col) => {
          const t0 = performance.now();
          document.querySelector(`#register-table th[data-col="${col}"]`).click();
          return performance.now() - t0;
        }, c),
      );
    }
  }
  const edits = [];
  for (let i = 0; i < 20; i++) {
    const g = gates[i * 7];
    const sla = `${31 + i}wd`;
    // Selected first, so that its row is drawn (the table draws the rows in view).
    await b.execute((id) => window.takt.editor.setSelection([id], null), g.id);
    await b.waitUntil(() => b.execute((id) => document.querySelector(`#register-body tr[data-gate="${id}"]`) !== null, g.id), { timeout: 5000 });
    edits.push(
      await b.executeAsync(
        (id, v, done) => {
          const t0 = performance.now();
          const was = document.querySelector(`#register-body tr[data-gate="${id}"]`)?.textContent;
          const gate = { ...window.takt.editor.mirror.step(id).gate, sla: v };
          void window.takt.edit({ op: "set", key: { kind: "step", id }, field: "gate", value: gate });
          const wait = () => {
            const now = document.querySelector(`#register-body tr[data-gate="${id}"]`)?.textContent;
            if (now && now !== was) done(performance.now() - t0);
            else requestAnimationFrame(wait);
          };
          wait();
        },
        g.id,
        sla,
      ),
    );
  }
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString().slice(0, 10),
        machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}`,
        steps: STEPS,
        gates: gates.length,
        rows,
        open_ms: summary(open),
        sort_ms: summary(sort),
        edit_to_register_ms: summary(edits),
      },
      null,
      2,
    ),
  );
} finally {
  await app.close();
}
