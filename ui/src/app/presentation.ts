// Presentation mode (issue 16, part 2): View ▸ Presentation (F5) shows the map to a room. The
// window goes full screen, the chrome is reduced to the metrics and the timeline ladder, every
// text is larger (the editor's boxes and names too), a high-contrast theme is a key away (F6),
// and the pointer carries a spotlight. Editing stays live: the capture bar comes up over the
// map when a key asks for it (Enter, Tab or N), F2 renames, Delete deletes. Esc leaves.

import { commands } from "../api";
import type { Editor } from "../editor/editor";
import { CONTRAST } from "../editor/render";

const CONTRAST_KEY = "takt.presentationContrast";

export class Presentation {
  on = false;
  /** The high-contrast theme, kept between presentations. */
  contrast = localStorage.getItem(CONTRAST_KEY) === "1";
  private spot: HTMLElement;
  private follow = (e: PointerEvent) => {
    const r = this.spot.parentElement!.getBoundingClientRect();
    this.spot.style.setProperty("transform", `translate(${e.clientX - r.left}px, ${e.clientY - r.top}px)`);
  };

  constructor(
    private root: HTMLElement,
    private editor: Editor,
    wrap: HTMLElement,
  ) {
    this.spot = document.createElement("div");
    this.spot.className = "spotlight";
    this.spot.setAttribute("aria-hidden", "true");
    wrap.append(this.spot);
    wrap.addEventListener("pointermove", (e) => this.on && this.follow(e));
    wrap.addEventListener("pointerleave", () => this.spot.classList.remove("shown"));
    wrap.addEventListener("pointerenter", () => this.spot.classList.add("shown"));
    // The first F5 of a session would pay for what presentation mode has never laid out: its
    // page style and the map at its sizes. Both are made while the page is idle, once.
    window.setTimeout(() => this.warm(), 1500);
  }

  private warm(): void {
    if (this.on) return;
    this.root.classList.add("presenting");
    void this.root.offsetHeight;
    this.root.classList.remove("presenting");
    this.editor.warmPresentation();
  }

  /** Turns presentation mode on or off; the page is laid out and drawn in the same frame. */
  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.apply();
    // Full screen (and no menu bar) is the window manager's to grant, a little later; the
    // editor keeps the map fitted as the canvas grows. Where it cannot be had, the mode is
    // still on, in the window as it is.
    void commands.setPresenting(on).catch(() => {});
  }

  toggle(): void {
    this.set(!this.on);
  }

  /** The high-contrast theme on or off (in presentation mode; remembered for the next). */
  toggleContrast(): void {
    this.contrast = !this.contrast;
    localStorage.setItem(CONTRAST_KEY, this.contrast ? "1" : "0");
    if (this.on) this.apply();
  }

  private apply(): void {
    this.root.classList.toggle("presenting", this.on);
    this.root.classList.toggle("contrast", this.on && this.contrast);
    this.spot.classList.toggle("shown", this.on && this.spot.parentElement!.matches(":hover"));
    // After the chrome changed: the editor measures its canvas, lays out and fits again.
    this.editor.setPresentation(this.on, this.on && this.contrast ? CONTRAST : null);
  }
}
