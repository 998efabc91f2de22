// World <-> screen: screen = world * scale + offset.

import type { Point, Rect } from "./geometry";

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;

export class Viewport {
  scale = 1;
  ox = 40;
  oy = 40;
  width = 800;
  height = 600;

  toScreen(p: Point): Point {
    return { x: p.x * this.scale + this.ox, y: p.y * this.scale + this.oy };
  }
  toWorld(p: Point): Point {
    return { x: (p.x - this.ox) / this.scale, y: (p.y - this.oy) / this.scale };
  }
  /** The part of the world on screen. */
  visible(): Rect {
    const a = this.toWorld({ x: 0, y: 0 });
    return { x: a.x, y: a.y, w: this.width / this.scale, h: this.height / this.scale };
  }
  panBy(dx: number, dy: number): void {
    this.ox += dx;
    this.oy += dy;
  }
  /** Zooms by `factor`, keeping the world point under `at` (screen) still. */
  zoomAt(factor: number, at: Point): void {
    const w = this.toWorld(at);
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor));
    this.ox = at.x - w.x * this.scale;
    this.oy = at.y - w.y * this.scale;
  }
  /** At most this zoom at *Fit*: 100%, or more in presentation mode. */
  fitMax = 1;
  /** Shows all of `r` with a margin (`left` on the left), at no more than `fitMax`. */
  fit(r: Rect, margin = 48, left = margin): void {
    if (r.w <= 0 || r.h <= 0) {
      this.scale = 1;
      this.ox = margin;
      this.oy = margin;
      return;
    }
    const sx = (this.width - margin - left) / r.w;
    const sy = (this.height - 2 * margin) / r.h;
    this.scale = Math.min(this.fitMax, Math.max(MIN_SCALE, Math.min(sx, sy)));
    this.ox = left + (this.width - left - margin - r.w * this.scale) / 2 - r.x * this.scale;
    this.oy = (this.height - r.h * this.scale) / 2 - r.y * this.scale;
  }
}
