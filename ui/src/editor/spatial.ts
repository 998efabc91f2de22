// A uniform grid of buckets over world space: hit tests and viewport culling touch only the
// buckets a rectangle covers, so their cost follows what is on screen, not the map's size.

import type { Rect } from "./geometry";

export class SpatialIndex<T> {
  private buckets = new Map<number, T[]>();
  constructor(private readonly cell = 256) {}

  private key(cx: number, cy: number): number {
    // Cell coordinates fit comfortably in 2^20 either side of zero.
    return (cx + 0x80000) * 0x100000 + (cy + 0x80000);
  }

  clear(): void {
    this.buckets.clear();
  }

  insert(item: T, r: Rect): void {
    const c = this.cell;
    const x0 = Math.floor(r.x / c);
    const x1 = Math.floor((r.x + r.w) / c);
    const y0 = Math.floor(r.y / c);
    const y1 = Math.floor((r.y + r.h) / c);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const k = this.key(cx, cy);
        let b = this.buckets.get(k);
        if (!b) {
          b = [];
          this.buckets.set(k, b);
        }
        b.push(item);
      }
    }
  }

  /** Every item whose rectangle may meet `r` (each once). */
  query(r: Rect, out: T[] = []): T[] {
    const c = this.cell;
    const x0 = Math.floor(r.x / c);
    const x1 = Math.floor((r.x + r.w) / c);
    const y0 = Math.floor(r.y / c);
    const y1 = Math.floor((r.y + r.h) / c);
    const seen = new Set<T>();
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const b = this.buckets.get(this.key(cx, cy));
        if (!b) continue;
        for (const it of b) {
          if (!seen.has(it)) {
            seen.add(it);
            out.push(it);
          }
        }
      }
    }
    return out;
  }
}
