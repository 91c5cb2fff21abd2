// What runs inside the page. Every time here is the page's own performance.now() (milliseconds
// since navigation started), taken in the page, so Playwright's round trips are not in them.
//
// "Painted" means: the first requestAnimationFrame after the DOM change, then a MessageChannel
// message posted from it, which is delivered after that frame's style, layout and paint. The
// same rule is used for the app's changes and for the references.

/**
 * Init script (runs before the app's own scripts, in every document of the context): records
 * WebSocket traffic (when the board's socket was made, opened, and when the room's sync step 2
 * arrived), long tasks, and, when `expect` is given, the first frame where the board shows the
 * whole day and the first frame where a click on a card has been answered.
 *
 * expect: { rows, jobs, queued, click } — the technician rows, the jobs on rows and the queued
 * jobs the day must show; `click`: click the first card once shown and wait for its selection.
 */
export function instrument(expect) {
  const B = (window.__bench = { ws: [], longTasks: [], marks: {}, expect, done: null });
  const now = () => performance.now();
  const afterPaint = () =>
    new Promise((resolve) =>
      B.raf(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(now());
        ch.port2.postMessage(0);
      }),
    );

  // Frames in which the app itself asked for a frame (MapLibre renders the map from a
  // requestAnimationFrame callback): counted while B.recording, to tell map redraws from
  // frames the browser produced anyway. The bench's own callbacks are marked and not counted.
  B.appFrames = new Set();
  const nativeRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    nativeRaf((t) => {
      if (B.recording && !cb.__bench) B.appFrames.add(t);
      cb(t);
    });
  const raf = (cb) => {
    cb.__bench = true;
    return window.requestAnimationFrame(cb);
  };
  B.raf = raf;

  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const rec = { url: String(url), created: now(), open: null, messages: 0, bytesIn: 0, sync2: null, sync2Bytes: 0 };
      B.ws.push(rec);
      this.addEventListener('open', () => (rec.open ??= now()));
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = d?.byteLength ?? d?.size ?? d?.length ?? 0;
        rec.messages++;
        rec.bytesIn += n;
        // y-protocols: varUint 0 = sync, then varUint 1 = sync step 2 (the room's whole doc).
        if (rec.sync2 == null && d instanceof ArrayBuffer && n >= 2) {
          const b = new Uint8Array(d, 0, 2);
          if (b[0] === 0 && b[1] === 1) {
            rec.sync2 = now();
            rec.sync2Bytes = n;
          }
        }
      });
    }
  }
  window.WebSocket = Recorded;

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}

  if (!expect) return;
  const mark = (k) => (B.marks[k] ??= now());
  let resolveDone;
  B.done = new Promise((r) => (resolveDone = r));
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  const tick = () => {
    const board = document.querySelector('[data-testid="board"]');
    if (board) mark('board');
    if (board?.dataset.loaded === 'true') mark('loaded');
    const grid = document.querySelector('[data-axis-start]');
    if (grid) mark('grid');
    const rowsOk = grid && grid.dataset.rows === String(expect.rows) && grid.dataset.jobs === String(expect.jobs);
    const queueCards = document.querySelectorAll('[data-drop="queue"] [data-job-id]').length;
    const queueOk = expect.queued ? queueCards === expect.queued : !!document.querySelector('[data-testid="queue-empty"]');
    const card = expect.jobs ? document.querySelector('[data-drop="technician"] [data-job-id]') : null;
    const cardOk = expect.jobs ? visible(card) : !!document.querySelector('[data-drop="technician"]');
    if (board?.dataset.loaded === 'true' && rowsOk && queueOk && cardOk) {
      mark('complete');
      void afterPaint().then(async (shown) => {
        B.marks.shown = shown;
        if (!expect.click || !card) return resolveDone(B.marks);
        const t = now();
        B.marks.clickAt = t;
        card.click();
        while (!document.querySelector('[data-testid="selected-job"]') || card.getAttribute('aria-pressed') !== 'true') {
          await new Promise((r) => B.raf(r));
          if (now() - t > 10_000) return resolveDone({ ...B.marks, error: 'the click selected nothing' });
        }
        B.marks.interactive = await afterPaint();
        resolveDone(B.marks);
      });
      return;
    }
    B.raf(tick);
  };
  B.raf(tick);
}

/** After `done`: where the load's time went, from the Navigation and Resource Timing APIs. */
export function loadBreakdown() {
  const B = window.__bench;
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const end = (pred) => {
    const hits = res.filter(pred);
    return hits.length ? Math.max(...hits.map((e) => e.responseEnd)) : null;
  };
  const shown = B.marks.shown ?? Infinity;
  const ws = B.ws.find((w) => w.url.includes('/api/rooms/board/'));
  return {
    marks: B.marks,
    html: nav?.responseEnd ?? null,
    domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
    scripts: end((e) => e.name.endsWith('.js') && e.responseEnd <= shown),
    me: end((e) => e.name.includes('/api/auth/me')),
    technicians: end((e) => e.name.includes('/api/technicians')),
    wsCreated: ws?.created ?? null,
    wsOpen: ws?.open ?? null,
    sync2: ws?.sync2 ?? null,
    sync2Bytes: ws?.sync2Bytes ?? null,
    longTaskMs: B.longTasks.filter(([s]) => s < shown).reduce((n, [, d]) => n + d, 0),
    longestTaskMs: Math.max(0, ...B.longTasks.filter(([s]) => s < shown).map(([, d]) => d)),
  };
}

/** A fixed pad over the bottom-right of the page: the reference for drop-to-paint (a bare style change). */
export function installPad() {
  if (document.getElementById('bench-pad')) return;
  const pad = document.createElement('div');
  pad.id = 'bench-pad';
  pad.style.cssText =
    'position:fixed;right:12px;bottom:12px;width:320px;height:90px;z-index:99999;background:#dde3ea;user-select:none;touch-action:none';
  document.body.append(pad);
}

/**
 * Arms one measurement of the next pointerup. kind 'drop': until the card of `jobId` shows a new
 * start or technician in the grid and that is painted. kind 'pad': the pad's own pointerup
 * listener changes its background (nothing else) and that is painted.
 */
export function armPointerUp({ kind, jobId }) {
  const B = window.__bench;
  const now = () => performance.now();
  const q = () => document.querySelector(`[data-drop="technician"] [data-job-id="${CSS.escape(jobId)}"]`);
  const before = kind === 'drop' ? { start: q()?.dataset.start, tech: q()?.dataset.tech } : null;
  const r = { kind, jobId, before, input: null, dispatched: null, dom: null, frame: null, painted: null, after: null };
  B.pointerUp = new Promise((resolve) => {
    const finish = () =>
      requestAnimationFrame(() => {
        r.frame = now();
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          r.painted = now();
          resolve(r);
        };
        ch.port2.postMessage(0);
      });
    const timer = setTimeout(() => resolve({ ...r, error: 'no change within 5 s' }), 5_000);
    // Capture on window: runs before the app's own pointerup listeners.
    addEventListener(
      'pointerup',
      (e) => {
        r.input = e.timeStamp;
        r.dispatched = now();
      },
      { capture: true, once: true },
    );
    if (kind === 'pad') {
      const pad = document.getElementById('bench-pad');
      pad.addEventListener(
        'pointerup',
        () => {
          pad.style.background = pad.style.background === 'rgb(255, 209, 102)' ? '#dde3ea' : '#ffd166';
          r.dom = now();
          clearTimeout(timer);
          finish();
        },
        { once: true },
      );
      return;
    }
    const mo = new MutationObserver(() => {
      const el = q();
      if (!el || (el.dataset.start === before.start && el.dataset.tech === before.tech)) return;
      r.dom = now();
      r.after = { start: el.dataset.start, tech: el.dataset.tech };
      mo.disconnect();
      clearTimeout(timer);
      finish();
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-start', 'data-tech'] });
  });
}

/**
 * Frame timestamps (requestAnimationFrame) from now until stopFrames(), and those of them in
 * which the app (MapLibre) had a frame callback; also counts the mousemove events the page got
 * and notes a pin drag starting (the pan grabbed a pin).
 */
export function startFrames() {
  const B = window.__bench;
  B.frames = [];
  B.recording = true;
  B.pinDrag = false;
  B.longTasks.length = 0;
  const mo = new MutationObserver(() => {
    if (document.querySelector('.drag-label')) B.pinDrag = true;
  });
  mo.observe(document.body, { subtree: true, childList: true });
  B.moves = 0;
  const onMove = () => B.moves++;
  addEventListener('mousemove', onMove, { capture: true, passive: true });
  B.stopMo = () => {
    mo.disconnect();
    removeEventListener('mousemove', onMove, { capture: true });
  };
  B.appFrames.clear();
  const loop = (t) => {
    if (!B.recording) return;
    B.frames.push(t);
    B.raf(loop);
  };
  B.raf(loop);
}

export function stopFrames() {
  const B = window.__bench;
  B.recording = false;
  B.stopMo?.();
  return {
    frames: B.frames,
    appFrames: [...B.appFrames].sort((a, b) => a - b),
    pinDrag: B.pinDrag,
    moves: B.moves,
    longTasks: B.longTasks.slice(),
  };
}

/** The WebGL renderer Chromium gives the page (SwiftShader when there is no GPU). */
export function webglRenderer() {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return 'no WebGL';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}
