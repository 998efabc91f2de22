// File ▸ New from Template: a gallery of the maps to start from, each with a picture of its map,
// a sentence, and its headline figures; a click (or Enter on a focused card) opens it as a new
// document. Esc closes the gallery.

import { commands, type Loaded, type TemplateCard } from "../bindings";
import { call } from "../api";
import { plural } from "../editor/format";
import { focusOpenDialog, h } from "./dom";

export interface GalleryHost {
  show(l: Loaded): void;
  toast(text: string): void;
  error(e: unknown): void;
}

export async function openGallery(host: GalleryHost): Promise<void> {
  if (focusOpenDialog()) return;
  const cards: TemplateCard[] = await call(commands.templates());
  const close = () => dialog.remove();
  let opening = false;
  const open = async (key: string, title: string) => {
    // A double click opens one document.
    if (opening) return;
    opening = true;
    for (const b of dialog.querySelectorAll<HTMLButtonElement>(".gallery-card")) b.disabled = true;
    try {
      const l = await call(commands.openTemplate(key));
      close();
      host.show(l);
      host.toast(`Opened the template “${title}” as a new document`);
    } catch (e) {
      opening = false;
      for (const b of dialog.querySelectorAll<HTMLButtonElement>(".gallery-card")) b.disabled = false;
      host.error(e);
    }
  };
  const grid = h(
    "div",
    { class: "gallery", id: "template-gallery" },
    ...cards.map((c) => {
      const pic = h("div", { class: "gallery-pic", "aria-hidden": "true" });
      pic.innerHTML = c.svg;
      return h(
        "button",
        { class: "gallery-card", "data-template": c.key, "aria-label": `${c.title}: ${c.sentence} ${c.steps} steps, lead time ${c.lead_time}, PCE ${c.pce}`, title: `Open “${c.title}” as a new document`, onclick: () => void open(c.key, c.title) },
        pic,
        h("b", { class: "gallery-title" }, c.title),
        h("span", { class: "gallery-sentence" }, c.sentence),
        h("span", { class: "gallery-figures" }, `${plural(c.steps, "step")} · ${plural(c.gates, "gate")} · ${plural(c.teams, "team")} · ${plural(c.assets, "data asset")}`),
        h("span", { class: "gallery-metrics" }, `Lead time ${c.lead_time} · PCE ${c.pce}`),
      );
    }),
  );
  const dialog = h(
    "div",
    { class: "modal", role: "dialog", "aria-modal": "true", id: "template-dialog", "aria-labelledby": "template-title" },
    h("div", { class: "modal-box wide gallery-box" }, h("h3", { id: "template-title" }, "New from a template"), h("div", { class: "muted" }, "Realistic AI and data operations value streams to start a workshop from: each opens as a new document, yours to change."), grid, h("div", { class: "modal-actions" }, h("button", { id: "template-cancel", onclick: close }, "Cancel"))),
  );
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  document.body.append(dialog);
  (grid.querySelector("button") as HTMLButtonElement | null)?.focus();
}
