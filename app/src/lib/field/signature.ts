/**
 * The customer's signature pad as a Svelte action (signature_pad on a canvas). A canvas loses its
 * drawing when it is resized, and a phone turned sideways resizes it: so on every resize the pad
 * is redrawn from its own stroke data (toData / fromData), scaled to the new width, rather than
 * cleared. The canvas is sized in device pixels so strokes stay sharp.
 */
import SignaturePad, { type PointGroup } from 'signature_pad';
import type { ActionReturn } from 'svelte/action';

export interface SignatureHandle {
  isEmpty(): boolean;
  clear(): void;
  /** The signature as a PNG, drawn on white so it reads the same on any page. */
  toBlob(): Promise<Blob>;
}

export interface SignatureParams {
  /** Hears the pad once it exists (to read or clear it) and every time a stroke ends. */
  onready?: (pad: SignatureHandle) => void;
  onchange?: (empty: boolean) => void;
}

/** Scales stroke data drawn at one width to another (both in CSS pixels). */
export function scaleStrokes(groups: PointGroup[], factor: number): PointGroup[] {
  if (factor === 1 || !Number.isFinite(factor) || factor <= 0) return groups;
  return groups.map((g) => ({ ...g, points: g.points.map((p) => ({ ...p, x: p.x * factor, y: p.y * factor })) }));
}

export function signature(canvas: HTMLCanvasElement, params: SignatureParams = {}): ActionReturn<SignatureParams> {
  let current = params;
  const pad = new SignaturePad(canvas, { backgroundColor: 'rgb(255,255,255)', penColor: '#10243f' });
  let width = 0;

  const redraw = () => {
    const rect = canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    const factor = width ? rect.width / width : 1;
    canvas.width = Math.round(rect.width * ratio);
    canvas.height = Math.round(rect.height * ratio);
    canvas.getContext('2d')?.scale(ratio, ratio);
    pad.clear();
    // Redraw what was signed so far, kept in proportion to the new size.
    if (data.length) pad.fromData(scaleStrokes(data, factor));
    width = rect.width;
  };

  const handle: SignatureHandle = {
    isEmpty: () => pad.isEmpty(),
    clear: () => {
      pad.clear();
      current.onchange?.(true);
    },
    // From the canvas itself: fetch() of a data: URL would need connect-src data: in the CSP.
    toBlob: () =>
      new Promise<Blob>((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The signature could not be saved.'))), 'image/png'),
      ),
  };

  const ended = () => current.onchange?.(pad.isEmpty());
  pad.addEventListener('endStroke', ended);
  const observer = new ResizeObserver(() => redraw());
  observer.observe(canvas);
  redraw();
  current.onready?.(handle);

  return {
    update(next) {
      current = next;
    },
    destroy() {
      observer.disconnect();
      pad.removeEventListener('endStroke', ended);
      pad.off();
    },
  };
}
