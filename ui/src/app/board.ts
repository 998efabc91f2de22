// The kaizen board, in the drawer under the canvas: the kaizen items as cards in columns by
// status (idea, planned, in progress, done, dropped). A card is dragged to another column (or
// moved with its menu) as one undoable edit; a card and its burst on the map select each other.
// Overdue dates are the core's (chrono, today's date from Rust), and so is the resolution
// velocity (items done per week over 12 weeks, from the audit trail) and its chart.

import type { BoardView, Card, KaizenStatus } from "../bindings";
import { h } from "./dom";

const COLUMNS: [KaizenStatus, string][] = [
  ["idea", "Idea"],
  ["planned", "Planned"],
  ["doing", "In progress"],
  ["done", "Done"],
  ["dropped", "Dropped"],
];

export interface BoardHost {
  /** Sets an item's status: one edit. */
  move(id: string, status: KaizenStatus): void;
  /** Selects the item's burst on the map. */
  pick(id: string): void;
  /** The effect the last waterfall measured for the item, in words, if it has one. */
  measured(id: string): string | null;
}

export class KaizenBoard {
  view: BoardView | null = null;
  private selected: string | null = null;
  private dragging: string | null = null;
  constructor(
    private el: HTMLElement,
    private host: BoardHost,
  ) {}

  show(view: BoardView, selected: string | null): void {
    this.view = view;
    this.selected = selected;
    this.render();
  }

  /** The burst selected on the map: its card is marked and scrolled to. */
  select(id: string | null): void {
    this.selected = id;
    for (const c of this.el.querySelectorAll<HTMLElement>(".card")) c.classList.toggle("selected", c.dataset.kaizen === id);
    if (id) this.el.querySelector(`.card[data-kaizen="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest" });
  }

  private card(c: Card): HTMLElement {
    const move = h("select", { class: "card-move", "aria-label": "Move to", title: "Move to" }, ...COLUMNS.map(([s, l]) => h("option", { value: s, selected: s === c.status }, l)));
    move.addEventListener("change", () => this.host.move(c.id, move.value as KaizenStatus));
    move.addEventListener("click", (e) => e.stopPropagation());
    const measured = this.host.measured(c.id);
    const card = h(
      "div",
      { class: `card${c.overdue ? " overdue" : ""}${c.id === this.selected ? " selected" : ""}`, draggable: "true", "data-kaizen": c.id, onclick: () => this.host.pick(c.id) },
      h("div", { class: "card-title" }, c.title),
      c.target ? h("div", { class: "muted" }, `On ${c.target}`) : "",
      c.effect ? h("div", {}, `Expected: ${c.effect}`) : "",
      measured ? h("div", { class: "measured" }, `Measured: ${measured}`) : "",
      h(
        "div",
        { class: "card-foot" },
        h("span", {}, c.owner ?? "no owner"),
        c.due ? h("span", { class: c.overdue ? "due overdue" : "due" }, c.overdue ? `overdue: ${c.due}` : `due ${c.due}`) : "",
        c.done_on ? h("span", { class: "muted" }, `done ${c.done_on}`) : "",
        move,
      ),
    );
    card.addEventListener("dragstart", (e) => {
      this.dragging = c.id;
      e.dataTransfer?.setData("text/plain", c.id);
    });
    card.addEventListener("dragend", () => {
      this.dragging = null;
    });
    return card;
  }

  private render(): void {
    const v = this.view;
    if (!v) return;
    const cols = h("div", { class: "board", id: "kaizen-board" });
    for (const [status, label] of COLUMNS) {
      const cards = v.board.cards.filter((c) => c.status === status);
      const col = h("div", { class: "board-col", "data-status": status }, h("h4", {}, `${label} (${cards.length})`), ...cards.map((c) => this.card(c)));
      col.addEventListener("dragover", (e) => {
        e.preventDefault();
        col.classList.add("over");
      });
      col.addEventListener("dragleave", () => col.classList.remove("over"));
      col.addEventListener("drop", (e) => {
        e.preventDefault();
        col.classList.remove("over");
        const id = this.dragging ?? e.dataTransfer?.getData("text/plain") ?? null;
        this.dragging = null;
        const card = id ? v.board.cards.find((c) => c.id === id) : null;
        if (card && card.status !== status) this.host.move(card.id, status);
      });
      cols.append(col);
    }
    const chart = h("div", { class: "chart-box", id: "velocity" });
    chart.innerHTML = v.velocity_svg;
    const overdue = v.board.cards.filter((c) => c.overdue).length;
    const head = h("div", { class: "compare-pick" }, h("span", { class: "muted" }, `${v.board.cards.length} kaizen items, ${overdue} overdue, today ${v.board.today}. Drag a card to another column, or use its menu.`));
    this.el.replaceChildren(head, h("div", { class: "compare-body" }, cols, chart));
  }
}
