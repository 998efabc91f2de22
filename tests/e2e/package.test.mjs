// The installable package (issue 17), as a user gets it: the .deb built by Tauri's bundler
// (from the app `make test` built; `make package` bundles a release build the same way),
// installed with dpkg; its files, the desktop's MIME database (a .takt document is
// application/x-takt, by name and by its bytes, and opens with Takt), the installed app
// opened on a document through `gio open` and, through WebDriver, showing it; then removed,
// leaving nothing. Needs root (as CI has); skipped, saying why, without it.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

process.env.TAKT_APP = "/usr/bin/takt-desktop";
const { CLI, launch, ownDisplay, ROOT, tempDir, windowNamed } = await import("./harness.mjs");

const root = typeof process.getuid === "function" && process.getuid() === 0;
const dpkg = (() => {
  try {
    execFileSync("dpkg", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
/** Whether a package named takt is installed already (a Takt of the user's, not ours to remove). */
const installed = (() => {
  if (!dpkg) return false;
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Status}", "takt"], { encoding: "utf8" }).includes("ok installed");
  } catch {
    return false;
  }
})();
const skip = !root ? "installing a package needs root (CI runs as root)" : !dpkg ? "no dpkg on this machine" : installed ? "Takt is installed on this machine already: the test does not replace it" : false;

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", ...opts }).trim();
/** xdg-mime as a GNOME desktop asks it: through gio and the shared MIME database. */
const xdgMime = (...args) => run("xdg-mime", args, { env: { ...process.env, XDG_CURRENT_DESKTOP: "GNOME" } });

/** The package's name as the bundler gives it, from the .deb. */
const field = (deb, f) => run("dpkg-deb", ["--field", deb, f]);

describe("the package", { skip, concurrency: false }, () => {
  let deb;
  let name;
  const dir = tempDir("package");
  before(() => {
    ownDisplay();
    // The bundler packs the app `make test` built (a debug build: the release build is
    // `make package`'s, and CI's time is better spent on tests).
    execFileSync(path.join(ROOT, "ui/node_modules/.bin/tauri"), ["build", "--debug", "--ci", "--bundles", "deb"], { cwd: path.join(ROOT, "src-tauri"), stdio: "inherit" });
    const out = path.join(ROOT, "target/debug/bundle/deb");
    deb = fs
      .readdirSync(out)
      .filter((f) => f.endsWith(".deb"))
      .map((f) => path.join(out, f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    assert.ok(deb, "a .deb was built");
    name = field(deb, "Package");
  });
  after(() => {
    // The Takt the desktop started is not our child: ended here whatever the tests did.
    try {
      execFileSync("pkill", ["-KILL", "-f", "takt-desktop .*Opened from the desktop"], { stdio: "ignore" });
    } catch {
      /* none left */
    }
    if (name) execFileSync("dpkg", ["--purge", name], { stdio: "ignore" });
  });

  test("installs the app, its desktop entry, its icons and the document type", () => {
    run("dpkg", ["-i", deb]);
    const files = run("dpkg", ["-L", name]).split("\n");
    for (const f of ["/usr/bin/takt-desktop", "/usr/share/mime/packages/takt.xml"]) assert.ok(files.includes(f), `${f} installed: ${files.join(" ")}`);
    const desktop = files.find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
    assert.ok(desktop, "a desktop entry");
    const entry = fs.readFileSync(desktop, "utf8");
    for (const line of ["Name=Takt", "Categories=Office;", "Keywords=value stream;", "MimeType=application/x-takt;application/json;", "Exec=takt-desktop %f"]) {
      assert.ok(entry.split("\n").some((l) => l.startsWith(line)), `${line} in ${entry}`);
    }
    const sizes = files.filter((f) => /^\/usr\/share\/icons\/hicolor\/\d+x\d+(@2)?\/apps\//.test(f));
    assert.ok(sizes.length >= 7, `icons at every size: ${sizes.join(" ")}`);
    assert.ok(files.some((f) => /hicolor\/48x48\/mimetypes\/application-x-takt\.png$/.test(f)), "the document's icon");
    assert.equal(field(deb, "Version"), JSON.parse(fs.readFileSync(path.join(ROOT, "src-tauri/tauri.conf.json"), "utf8")).version);
  });

  test("a .takt document is application/x-takt, by its name and by its bytes, and opens with Takt", () => {
    const doc = path.join(dir, "Quarterly review.takt");
    run(CLI, ["new", "--template", "model-release", "-o", doc]);
    assert.equal(xdgMime("query", "filetype", doc), "application/x-takt");
    // Named otherwise, the SQLite header and Takt's application id still say what it is.
    const bare = path.join(dir, "renamed");
    fs.copyFileSync(doc, bare);
    assert.equal(xdgMime("query", "filetype", bare), "application/x-takt");
    const desktop = run("dpkg", ["-L", name])
      .split("\n")
      .find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
    assert.equal(xdgMime("query", "default", "application/x-takt"), path.basename(desktop));
  });

  test("gio open starts the installed Takt on the document; through WebDriver it shows it", async () => {
    const doc = path.join(dir, "Opened from the desktop.takt");
    run(CLI, ["new", "--template", "data-labeling", "-o", doc]);
    const steps = JSON.parse(run(CLI, ["analyze", doc, "--json"])).steps.length;
    // WebDriver first (it brings the display up), on the installed binary.
    const app = await launch({ args: [doc], dataDir: tempDir("package-data") });
    try {
      const shown = await app.browser.execute(() => ({ steps: window.takt.editor.mirror.steps.length, title: document.title }));
      assert.equal(shown.steps, steps);
      assert.match(shown.title, /^Opened from the desktop — /);
    } finally {
      await app.close();
    }
    // Then as a person opens it: the file manager's way, through the desktop entry.
    const data = tempDir("package-gio");
    const env = { ...process.env, TAKT_DATA_DIR: data, XDG_DATA_HOME: path.join(data, "xdg"), XDG_CURRENT_DESKTOP: "GNOME" };
    spawn("gio", ["open", doc], { env, stdio: "ignore" }).unref();
    assert.ok(await windowNamed("^Opened from the desktop — "), "a Takt window shows the document");
    const pid = run("pgrep", ["-f", "-n", "takt-desktop .*Opened from the desktop"]);
    process.kill(Number(pid), "SIGTERM");
    for (let i = 0; i < 200 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
  });

  test("removed, nothing of it is left, and the desktop forgets the document type", () => {
    const files = run("dpkg", ["-L", name])
      .split("\n")
      .filter((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    run("dpkg", ["-r", name]);
    const left = files.filter((f) => fs.existsSync(f));
    assert.deepEqual(left, [], "every file of the package is gone");
    const doc = path.join(dir, "Quarterly review.takt");
    assert.notEqual(xdgMime("query", "filetype", doc), "application/x-takt");
  });
});
