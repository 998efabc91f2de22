// While a pan gesture runs, nothing on the map changes but where it is. The editor then draws
// the view once, with a margin on every side, into a bitmap off screen, and each pan frame only
// copies that bitmap at the new offset: on a software-rendered display, drawing thousands of
// steps is what holds a frame past the refresh, and a copy is a fraction of it. This module is
// the bookkeeping, apart from the canvas, so that its rules are tested without a browser.

/** Screen pixels drawn beyond each edge of the view. */
export const PAN_MARGIN = 256;

/** The view a bitmap was drawn for: the viewport's offset then, and the editor's state stamp. */
export interface CachedView {
  ox: number;
  oy: number;
  stamp: number;
}

/** A pan frame: redraw the bitmap first (and copy it unshifted), or copy it shifted by dx, dy. */
export type PanFrame = { redraw: true } | { redraw: false; dx: number; dy: number };

/**
 * What a pan frame at viewport offset (ox, oy) does, given the bitmap's view. The bitmap is
 * redrawn when there is none, when anything but the offset changed since (`stamp`), or when
 * the view has moved past its margin.
 */
export function panFrame(cache: CachedView | null, ox: number, oy: number, stamp: number, margin = PAN_MARGIN): PanFrame {
  if (!cache || cache.stamp !== stamp) return { redraw: true };
  const dx = ox - cache.ox;
  const dy = oy - cache.oy;
  if (Math.abs(dx) > margin || Math.abs(dy) > margin) return { redraw: true };
  return { redraw: false, dx, dy };
}
