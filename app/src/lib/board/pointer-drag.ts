/**
 * Pointer-event dragging that works for mouse, pen and touch. A mouse or pen drag starts after
 * the pointer moves a few pixels. On touch a card must be held for a moment first: a quick swipe
 * over the board scrolls it as usual, a press-and-hold picks the card up (and from then on the
 * page does not scroll under the finger).
 *
 * The caller hit-tests with document.elementFromPoint in `move`/`end`; nothing here knows about
 * the board. Touch scrolling must be stopped by installTouchGuard on an element around the cards.
 */
export interface DragHandlers {
  /** The drag really begins; return false to refuse (e.g. the card became locked). */
  start(x: number, y: number): boolean;
  move(x: number, y: number): void;
  end(x: number, y: number): void;
  cancel(): void;
}

const MOUSE_SLOP = 4;
const TOUCH_SLOP = 8;
const HOLD_MS = 280;

/** A touch drag is on: the page must not scroll under the finger (see installTouchGuard). */
let touchDragging = false;

/**
 * Lets a press-and-hold drag stop the page from scrolling. It must be a non-passive touchmove
 * listener that already exists when the touch starts (the browser decides then whether touch
 * moves over an element can be cancelled), so it lives on the board for its whole life and only
 * cancels while a card is held.
 */
export function installTouchGuard(el: HTMLElement): () => void {
  const onTouchMove = (ev: TouchEvent) => {
    if (touchDragging && ev.cancelable) ev.preventDefault();
  };
  el.addEventListener('touchmove', onTouchMove, { passive: false });
  return () => el.removeEventListener('touchmove', onTouchMove);
}

/** True for a short while after a drag ended, so the click that follows it does not select. */
let suppressClickUntil = 0;
export function clickWasDrag(): boolean {
  return Date.now() < suppressClickUntil;
}

export function trackPointer(e: PointerEvent, h: DragHandlers): void {
  if (e.pointerType === 'mouse' && e.button !== 0) return;
  const id = e.pointerId;
  const x0 = e.clientX;
  const y0 = e.clientY;
  const touch = e.pointerType === 'touch';
  let state: 'pending' | 'armed' | 'dragging' | 'done' = 'pending';
  let lastX = x0;
  let lastY = y0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const begin = () => {
    if (!h.start(lastX, lastY)) return finish(false);
    state = 'dragging';
    h.move(lastX, lastY);
  };

  if (touch) {
    timer = setTimeout(() => {
      if (state !== 'pending') return;
      state = 'armed';
      touchDragging = true;
      navigator.vibrate?.(10);
      begin();
    }, HOLD_MS);
  }

  const onMove = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    lastX = ev.clientX;
    lastY = ev.clientY;
    const far = Math.hypot(lastX - x0, lastY - y0) > (touch ? TOUCH_SLOP : MOUSE_SLOP);
    if (state === 'pending') {
      if (!far) return;
      // A touch that moves before the hold is a scroll, not a drag.
      if (touch) return finish(false);
      begin();
      return;
    }
    if (state === 'dragging') {
      ev.preventDefault();
      h.move(lastX, lastY);
    }
  };
  const onUp = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    if (state === 'dragging') {
      h.end(ev.clientX, ev.clientY);
      finish(true);
    } else finish(false);
  };
  const onCancel = (ev: PointerEvent) => {
    if (ev.pointerId !== id) return;
    if (state === 'dragging') h.cancel();
    finish(false);
  };
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key !== 'Escape' || state !== 'dragging') return;
    ev.preventDefault();
    h.cancel();
    finish(true);
  };
  const onContextMenu = (ev: Event) => {
    if (state !== 'done') ev.preventDefault();
  };

  function finish(dragged: boolean) {
    if (state === 'done') return;
    state = 'done';
    touchDragging = false;
    clearTimeout(timer);
    if (dragged) suppressClickUntil = Date.now() + 300;
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onCancel);
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('contextmenu', onContextMenu, true);
  }

  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onCancel);
  window.addEventListener('keydown', onKey, true);
  if (touch) window.addEventListener('contextmenu', onContextMenu, true);
}
