// Help ▸ About Takt: the version, the document format's version, and every package Takt is
// built from with its licence (from Cargo's and npm's metadata, see src-tauri/tests/licences.rs),
// grouped by licence and searchable.

import type { About } from "../bindings";
import { h } from "./dom";
import { plural } from "../editor/format";

export function showAbout(a: About): void {
  document.querySelector("#about-dialog")?.remove();
  const close = () => dialog.remove();
  const byLicence = new Map<string, number>();
  for (const l of a.licences) byLicence.set(l.licence, (byLicence.get(l.licence) ?? 0) + 1);
  const summary = [...byLicence].sort((x, y) => y[1] - x[1]).map(([l, n]) => h("li", {}, h("strong", {}, l), ` — ${plural(n, "package")}`));
  const rows = a.licences.map((l) =>
    h(
      "tr",
      { "data-package": l.name },
      h("td", {}, l.name),
      h("td", { class: "num" }, l.version),
      h("td", {}, l.licence),
      h("td", {}, l.source),
      h("td", {}, l.repository ? h("span", { class: "muted small" }, l.repository) : ""),
    ),
  );
  const filter = h("input", { type: "search", id: "about-filter", placeholder: "Find a package or a licence", "aria-label": "Find a package or a licence" });
  const shown = h("span", { class: "muted", id: "about-count" }, plural(rows.length, "package"));
  filter.addEventListener("input", () => {
    const q = filter.value.trim().toLowerCase();
    let n = 0;
    for (const [i, l] of a.licences.entries()) {
      const hit = !q || l.name.toLowerCase().includes(q) || l.licence.toLowerCase().includes(q);
      rows[i].hidden = !hit;
      if (hit) n++;
    }
    shown.textContent = plural(n, "package");
  });
  const dialog = h(
    "div",
    { class: "modal", role: "dialog", id: "about-dialog", "aria-labelledby": "about-title" },
    h(
      "div",
      { class: "modal-box wide about" },
      h("h3", { id: "about-title" }, `Takt ${a.version}`),
      h("p", {}, "Value-stream maps for AI and data operations."),
      h("p", { class: "muted", id: "about-format" }, `Writes documents and maps in the Takt format, version ${a.format_version} (and reads every earlier version).`),
      h("h4", {}, `Open-source software in Takt: ${plural(a.licences.length, "package")}`),
      h("ul", { class: "about-licences" }, ...summary),
      h("div", { class: "about-find" }, filter, shown),
      h(
        "div",
        { class: "about-table" },
        h("table", { class: "register" }, h("thead", {}, h("tr", {}, ...["Package", "Version", "Licence", "From", "Repository"].map((x) => h("th", {}, x)))), h("tbody", {}, ...rows)),
      ),
      h("div", { class: "modal-actions" }, h("button", { id: "about-close", class: "primary", onclick: close }, "Close")),
    ),
  );
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  document.body.append(dialog);
  filter.focus();
}
