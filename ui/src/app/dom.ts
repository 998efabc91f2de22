// A few lines of DOM building, instead of a framework: the chrome is small and the canvas does
// the heavy drawing.

type Attrs = { [k: string]: string | number | boolean | null | undefined | EventListener };

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = String(v);
    else if (k in el && typeof v !== "string") (el as unknown as { [k: string]: unknown })[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c != null && c !== false) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el as T;
}

/**
 * Makes `el`'s children equal to `next`, changing only what differs: an element of the same tag
 * and attributes is patched in place, a text node gets its new text, anything else is replaced.
 * The page then lays out and repaints only what changed (the metrics panel after an edit, where
 * most values stay). Listeners are not compared: use it where the nodes have none.
 */
export function patchChildren(el: Element, next: Node[]): void {
  const old = [...el.childNodes];
  next.forEach((n, i) => {
    const o = old[i];
    if (!o) el.append(n);
    else if (o.isEqualNode(n)) return;
    else if (o instanceof Element && n instanceof Element && o.tagName === n.tagName && sameAttributes(o, n)) patchChildren(o, [...n.childNodes]);
    else if (o.nodeType === Node.TEXT_NODE && n.nodeType === Node.TEXT_NODE) o.textContent = n.textContent;
    else o.replaceWith(n);
  });
  for (const o of old.slice(next.length)) o.remove();
}

function sameAttributes(a: Element, b: Element): boolean {
  if (a.attributes.length !== b.attributes.length) return false;
  for (const { name, value } of a.attributes) if (b.getAttribute(name) !== value) return false;
  return true;
}

/** What an error says: a command's message, or the thing itself as text. */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * One import wizard or gallery at a time (the menu still works while one is open): focuses
 * the one on screen and says so, or says there is none.
 */
export function focusOpenDialog(): boolean {
  const open = document.querySelector<HTMLElement>("#log-wizard, #table-wizard, #template-dialog");
  open?.querySelector<HTMLElement>("select, input, button")?.focus();
  return open !== null;
}
