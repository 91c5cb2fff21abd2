// `npm run bench:board`: the dispatch board in headless Chromium against the real stack (the
// built app and the Worker under `wrangler dev`, board rooms, sqld), each number beside a
// reference measured in the same run:
//
// - interactive: navigation start until a day of 2,000 jobs on 100 technicians is on screen and
//   a click on a card has been answered, vs the same page on a day with no jobs (what the app
//   shell, the sign-in check, the technicians and the room connection cost alone);
// - drop to paint: a card dragged with the mouse and released, until it is painted in its new
//   place, vs the same gesture ending in a bare style change on the same page (the frame floor);
// - map pan: frames per second while dragging the map of a 10,000-job day, vs the same map and
//   view with 2 jobs (the basemap's ceiling in this browser);
// - JavaScript per view: what the board loads in the schedule view, and what the map adds.
//
// Starts everything itself (bench/http/stack.mjs: sqld, migrations, the demo seed, `wrangler dev`
// on free loopback ports) and stops every child it started, at the end, on error, on Ctrl-C and
// when its time limit runs out. Results into bench/RESULTS.md and results/latest.json.
//
// Flags: --quick (a 2-3 minute smoke that writes only results/quick.json), --no-write,
// --rebuild (build the app even when build/ looks fresh), --wait-quiet=MIN, --runs=N,
// --drops=N, --keep-logs.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { chromium } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { buildApp } from '../../scripts/build-app.mjs';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/demo-secrets.ts';
import { addDays } from '../../core/time.ts';
import { startStack } from '../http/stack.mjs';
import { groupCpuMs, processCpuMs } from '../http/cpu.mjs';
import { addBoardDays, BUSY, MAP, TECHNICIANS } from './days.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import * as P from './page.mjs';
import { BUDGET, renderSection, renderTables, HEADING } from './report.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const QUICK = args.quick === 'true';
/** `--only=interactive,drops,map,js`: run only these parts (a partial run writes nothing to RESULTS.md). */
const ONLY = args.only ? new Set(args.only.split(',')) : null;
const part = (name) => !ONLY || ONLY.has(name);
const WRITE = args['no-write'] !== 'true' && !args.only;
const cfg = {
  /** Fresh browser contexts per day on a room already open (each also reloads once, warm cache). */
  warmRuns: Number(args.runs ?? (QUICK ? 2 : 8)),
  /** Days opened for the first time since wrangler dev started (the room seeds from libSQL). */
  coldRooms: QUICK ? 1 : 3,
  drops: Math.min(22, Number(args.drops ?? (QUICK ? 5 : 20))),
  panMs: QUICK ? 2000 : 3000,
  panRepeats: QUICK ? 1 : 3,
  viewport: { width: 1920, height: 1080 },
  /** The map is also panned in a tablet-sized window: a quarter of the pixels to fill. */
  mapViewports: [
    { name: 'wide', width: 1920, height: 1080 },
    { name: 'tablet', width: 1024, height: 768 },
  ],
  /** At most this many keyboard zoom steps from the fitted view to street level (no clusters). */
  maxZoomSteps: 8,
};
const EMAIL = 'dispatch@demo.switchboard.test';
// Days from the org's today: far from the demo's two weeks, within the rooms' 400-day reach.
const DAY = {
  busy: Array.from({ length: cfg.coldRooms }, (_, i) => 120 + i),
  map: 130,
  corners: 131,
  empty: Array.from({ length: cfg.coldRooms }, (_, i) => 140 + i),
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `--wait-quiet=MIN`: first wait up to MIN minutes for an idle machine (1-minute load average
// under 1): on 2 shared CPUs, frame rates and load times mostly measure whoever else is running.
const waitQuietMin = Number(args['wait-quiet'] ?? 0);
if (waitQuietMin > 0) {
  const until = Date.now() + waitQuietMin * 60_000;
  while (loadavg()[0] >= 1 && Date.now() < until) {
    console.log(`waiting for a quiet machine: load average ${loadavg()[0].toFixed(1)}`);
    await sleep(15_000);
  }
}

const limitMs = (QUICK ? 6 : 14) * 60_000;
const t0 = performance.now();
const log = (msg) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const version = (p) => JSON.parse(readFileSync(`${root}node_modules/${p}/package.json`, 'utf8')).version;

let stack = null;
let snapshot = null;
let browser = null;
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(message);
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
  if (stack && (code !== 0 || args['keep-logs'] === 'true')) {
    const keep = mkdtempSync(join(tmpdir(), 'switchboard-board-logs-'));
    for (const f of readdirSync(stack.dir).filter((f) => f.endsWith('.log'))) copyFileSync(join(stack.dir, f), join(keep, f));
    console.error(`wrangler logs kept in ${keep}`);
  }
  if (stack) await stack.stop().catch(() => {});
  snapshot?.remove();
  process.exit(code);
}
process.on('SIGINT', () => finish(130, '\ninterrupted; stopping everything'));
process.on('SIGTERM', () => finish(143));
setTimeout(() => finish(2, `bench:board gave up after ${limitMs / 60_000} min`), limitMs).unref();

// ------------------------------------------------------------------------------------------------
// Helpers

const sorted = (xs) => [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
function pct(xs, p) {
  const s = sorted(xs);
  if (!s.length) return null;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const median = (xs) => pct(xs, 50);
function _stats(xs) {
  const s = sorted(xs);
  return { n: s.length, median: median(s), p95: pct(s, 95), min: s[0] ?? null, max: s[s.length - 1] ?? null };
}

/** Waits until wrangler dev (all its processes) and sqld are nearly idle: < 10% of a core for 250 ms (at most maxMs). */
async function quiesce(maxMs = 5000) {
  const total = () => groupCpuMs(stack.wranglerPid) + processCpuMs(stack.sqldPid);
  const until = performance.now() + maxMs;
  let prev = total();
  while (performance.now() < until) {
    await sleep(250);
    const now = total();
    if (now - prev < 25) return true;
    prev = now;
  }
  return false;
}

async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function signIn(baseURL) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByLabel('Password').press('Enter');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const codeField = page.getByLabel('Code from your authenticator app');
  await nav.or(codeField).first().waitFor();
  // Each code signs in once; a refused one is followed by the next step's.
  for (let attempt = 0; attempt < 3 && (await codeField.isVisible()); attempt++) {
    const step = Math.floor(Date.now() / 30_000) + attempt;
    await codeField.fill(TOTP.generate({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), timestamp: step * 30_000 }));
    await codeField.press('Enter');
    await nav
      .or(page.getByRole('alert').filter({ hasText: 'already used' }))
      .first()
      .waitFor();
  }
  await nav.waitFor();
  const state = await context.storageState();
  await context.close();
  return state;
}

async function newBoardContext(state, { view, expect, viewport } = {}) {
  const context = await browser.newContext({ baseURL: stack.browserUrl, storageState: state, viewport: viewport ?? cfg.viewport });
  await context.addInitScript((v) => localStorage.setItem('switchboard.board.view', v), view ?? 'schedule');
  await context.addInitScript(P.instrument, expect ?? null);
  return context;
}

// ------------------------------------------------------------------------------------------------
// 1. Interactive

async function measureLoad(page, path) {
  await page.goto(path, { waitUntil: 'commit' });
  const marks = await withTimeout(
    page.evaluate(() => window.__bench.done),
    30_000,
    `loading ${path}`,
  );
  if (marks.error) throw new Error(`${path}: ${marks.error}`);
  return page.evaluate(P.loadBreakdown);
}

/** One fresh browser context: the board opened (cold HTTP cache), then opened again in the same context (warm cache). */
async function interactiveRun(state, date, expect, { again = true } = {}) {
  await quiesce();
  const context = await newBoardContext(state, { expect });
  try {
    const page = await context.newPage();
    const first = await measureLoad(page, `/board/${date}`);
    let second = null;
    if (again) {
      await quiesce();
      second = await measureLoad(page, `/board/${date}`);
    }
    return { first, second };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------------------------------------
// 2. Drop to paint

async function measureDrops(state, date, timezone, n) {
  await quiesce();
  const context = await newBoardContext(state, { expect: null });
  const page = await context.newPage();
  const out = { drops: [], pad: [] };
  try {
    await page.goto(`/board/${date}`);
    await page.locator('[data-testid="board"][data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-drop="technician"] [data-job-id]').first().waitFor();
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(P.installPad);
    await sleep(500);
    for (let i = 0; i < n; i++) {
      // A card from one of the top rows (its earliest, still in the morning), dropped after 17:00
      // on the same row (even i) or on the next row (odd i).
      const plan = await page.evaluate(
        ({ i, timezone }) => {
          const scroller = document.querySelector('[data-axis-start]');
          scroller.scrollLeft = 0;
          scroller.scrollTop = 0;
          const axisStart = Number(scroller.dataset.axisStart);
          const ppm = Number(scroller.dataset.pxPerMin);
          const rows = [...document.querySelectorAll('[data-drop="technician"]')].filter((r) => {
            const b = r.getBoundingClientRect();
            return b.top > 40 && b.bottom < innerHeight - 120 && r.querySelector('[data-job-id]');
          });
          if (rows.length < 12) return { error: `only ${rows.length} rows with cards in view` };
          const k = Math.floor(i / 2) % 11;
          const from = rows[k];
          const to = i % 2 ? rows[k + 1] : from;
          const cards = [...from.querySelectorAll('[data-job-id]')].sort((a, b) => Number(a.dataset.start) - Number(b.dataset.start));
          const card = cards[0];
          const cb = card.getBoundingClientRect();
          // 17:00-19:30 local on the card's day: row k takes drops i = 2k - 1 and 2k, in
          // different half-hours, so (for up to 22 drops) every drop lands in a free slot.
          const startOfCard = Number(card.dataset.start);
          const wall = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
            .format(new Date(startOfCard))
            .split(':')
            .map(Number);
          const target = startOfCard + (17 * 60 + 30 * (i % 6) - (wall[0] * 60 + wall[1])) * 60_000;
          const tb = to.getBoundingClientRect();
          const grab = 10;
          return {
            jobId: card.dataset.jobId,
            target,
            toTech: to.dataset.techId,
            from: { x: cb.left + grab, y: cb.top + cb.height / 2 },
            to: { x: tb.left + ((target - axisStart) / 60_000) * ppm + grab, y: tb.top + Math.min(tb.height / 2, 20) },
          };
        },
        { i, timezone },
      );
      if (plan.error) throw new Error(`drop ${i}: ${plan.error}`);
      // The drag: press, 8 moves, release (as tests/e2e/board.spec.ts drags).
      await page.mouse.move(plan.from.x, plan.from.y);
      await page.mouse.down();
      for (let s = 1; s <= 8; s++)
        await page.mouse.move(plan.from.x + ((plan.to.x - plan.from.x) * s) / 8, plan.from.y + ((plan.to.y - plan.from.y) * s) / 8);
      await page.evaluate(P.armPointerUp, { kind: 'drop', jobId: plan.jobId });
      await page.mouse.up();
      const r = await page.evaluate(() => window.__bench.pointerUp);
      if (r.error) throw new Error(`drop ${i} of job ${plan.jobId}: ${r.error}`);
      if (r.after.tech !== plan.toTech || Number(r.after.start) !== plan.target) {
        throw new Error(
          `drop ${i}: the card landed at ${r.after.tech} ${new Date(Number(r.after.start)).toISOString()}, not ${plan.toTech} ${new Date(plan.target).toISOString()}`,
        );
      }
      out.drops.push({ ...r, sameRow: i % 2 === 0 });
      await sleep(300);
      await quiesce(3000);

      // The reference: the same gesture on the pad, whose pointerup only changes its colour.
      const pad = await page.locator('#bench-pad').boundingBox();
      const a = { x: pad.x + 20, y: pad.y + pad.height / 2 };
      const b = { x: pad.x + pad.width - 20, y: pad.y + pad.height / 2 + 10 };
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      for (let s = 1; s <= 8; s++) await page.mouse.move(a.x + ((b.x - a.x) * s) / 8, a.y + ((b.y - a.y) * s) / 8);
      await page.evaluate(P.armPointerUp, { kind: 'pad', jobId: '' });
      await page.mouse.up();
      const ref = await page.evaluate(() => window.__bench.pointerUp);
      if (ref.error) throw new Error(`pad ${i}: ${ref.error}`);
      out.pad.push(ref);
      await sleep(200);
    }
    out.announcer = await page.getByTestId('announcer').textContent();
  } finally {
    await context.close();
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// 3. Map pan

const frameStats = (frames, panMs) => {
  const d = [];
  for (let i = 1; i < frames.length; i++) d.push(frames[i] - frames[i - 1]);
  const span = frames.length > 1 ? frames[frames.length - 1] - frames[0] : 0;
  return {
    frames: frames.length,
    spanMs: span,
    fps: span > 0 ? ((frames.length - 1) * 1000) / span : 0,
    worstMs: d.length ? Math.max(...d) : null,
    p95Ms: pct(d, 95),
    over50: d.filter((x) => x > 50).length,
    panMs,
  };
};

/**
 * Drags the map for `ms`: the button pressed right of the middle, then the pointer sweeps 700 px
 * left and back with two 150 px vertical swings, slowing to a stop where it started (no
 * inertia, no net move: the view ends where it began). Moves are sent through CDP every 8 ms
 * without waiting for each to be handled, as a 125 Hz mouse would send them (awaiting each
 * would let a slow frame hold back the next move); Chromium coalesces them per frame as it does
 * real input. Frames are counted in the page: every frame, and those in which the map redrew.
 */
async function pan(page, ms, attempt = 0) {
  const canvas = page.locator('.maplibregl-canvas');
  const box = await canvas.boundingBox();
  const x0 = box.x + box.width / 2 + 350;
  const y0 = box.y + box.height / 2 - 90 + attempt * 37;
  const at = (f) => ({ x: x0 - (700 * (1 - Math.cos(2 * Math.PI * f))) / 2, y: y0 + (150 * (1 - Math.cos(4 * Math.PI * f))) / 2 });
  const cdp = await page.context().newCDPSession(page);
  const mouse = (type, p) =>
    cdp.send('Input.dispatchMouseEvent', {
      type,
      x: p.x,
      y: p.y,
      button: 'left',
      buttons: type === 'mouseReleased' ? 0 : 1,
      clickCount: 1,
    });
  try {
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: x0, y: y0, button: 'none', buttons: 0 });
    await mouse('mousePressed', { x: x0, y: y0 });
    await page.evaluate(P.startFrames);
    const sent = [];
    const start = performance.now();
    let moves = 0;
    for (;;) {
      const t = performance.now() - start;
      if (t >= ms) break;
      sent.push(mouse('mouseMoved', at(t / ms)).catch(() => {}));
      moves++;
      const next = moves * 8 - (performance.now() - start);
      if (next > 0) await sleep(next);
    }
    sent.push(mouse('mouseMoved', at(1)).catch(() => {}));
    await Promise.all(sent);
    const rec = await page.evaluate(P.stopFrames);
    const elapsed = performance.now() - start;
    await mouse('mouseReleased', at(1));
    await sleep(300);
    if (rec.pinDrag) {
      if (attempt >= 3) throw new Error('every pan started on a pin');
      await page.keyboard.press('Escape');
      return pan(page, ms, attempt + 1);
    }
    const span = rec.frames.length > 1 ? rec.frames[rec.frames.length - 1] - rec.frames[0] : 0;
    const redraws = rec.appFrames.filter((t) => t >= rec.frames[0] && t <= rec.frames[rec.frames.length - 1]).length;
    if (redraws < 3) throw new Error(`the map did not redraw while panning (${redraws} frames with its callbacks)`);
    return {
      ...frameStats(rec.frames, elapsed),
      redraws,
      redrawFps: span > 0 ? (redraws * 1000) / span : 0,
      moves: moves + 1,
      movesSeen: rec.moves,
      longTaskMs: rec.longTasks.reduce((n, [, d]) => n + d, 0),
    };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function settleMap(page, stableMs = 1000) {
  // 'idle' sets data-rendered-pins; wait until it holds still for a while.
  const map = page.getByTestId('board-map');
  let last = null;
  let stableSince = performance.now();
  const until = performance.now() + 20_000;
  while (performance.now() < until) {
    const v = await map.getAttribute('data-rendered-pins');
    if (v !== last) {
      last = v;
      stableSince = performance.now();
    } else if (performance.now() - stableSince > stableMs) break;
    await sleep(200);
  }
  await quiesce();
  return {
    renderedPins: Number(await map.getAttribute('data-rendered-pins')),
    renderedClusters: Number(await map.getAttribute('data-rendered-clusters')),
  };
}

/**
 * Opens the day in the schedule view, then the map (so the map starts with the day's jobs and
 * fits them), pans it at the fitted view, zooms in with the keyboard (+) and pans again at
 * street level. `zoomSteps`: how many steps; null = step until no cluster is drawn (the
 * 10,000-pin day, which sets the count the 2-pin day then uses, so both end at the same view).
 */
async function measureMap(state, date, expect, viewport, zoomSteps) {
  await quiesce();
  const context = await newBoardContext(state, { view: 'schedule', expect, viewport });
  const page = await context.newPage();
  try {
    const load = await measureLoad(page, `/board/${date}`);
    await quiesce(10_000);
    // Open the map (its code is fetched now) and time it until the first 'idle' with pins counted.
    const open = await page.evaluate(async (wantPins) => {
      const t = performance.now();
      document.querySelector('[data-testid="view-map"]').click();
      const map = () => document.querySelector('[data-testid="board-map"]');
      let ready = null;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const m = map();
        if (ready == null && m?.dataset.ready === 'true') ready = performance.now() - t;
        if (m?.dataset.ready === 'true' && Number(m.dataset.pins) === wantPins && Number(m.dataset.renderedPins) > 0) break;
        if (performance.now() - t > 60_000)
          return { error: `map not drawn: ${m?.dataset.ready} pins ${m?.dataset.pins} rendered ${m?.dataset.renderedPins}` };
      }
      const size = map().getBoundingClientRect();
      return {
        readyMs: ready,
        firstIdleMs: performance.now() - t,
        pins: Number(map().dataset.pins),
        routes: Number(map().dataset.routes),
        width: Math.round(size.width),
        height: Math.round(size.height),
      };
    }, expect.jobs + expect.queued);
    if (open.error) throw new Error(`${date}: ${open.error}`);
    const fitted = await settleMap(page);
    const pans = { fitted: null, street: null };
    pans.fitted = { ...(await pan(page, cfg.panMs)), ...fitted };
    // Street level: keyboard zoom in from the fitted view.
    await page.locator('.maplibregl-canvas').focus();
    let steps = 0;
    let street = fitted;
    while (zoomSteps == null ? street.renderedClusters > 0 && steps < cfg.maxZoomSteps : steps < zoomSteps) {
      await page.keyboard.press('Equal');
      steps++;
      await sleep(400);
      street = await settleMap(page, 500);
    }
    if (zoomSteps == null && (street.renderedClusters > 0 || street.renderedPins === 0))
      throw new Error(`${date}: ${street.renderedClusters} clusters and ${street.renderedPins} pins drawn after ${steps} zoom steps`);
    pans.street = { ...(await pan(page, cfg.panMs)), ...street, zoomSteps: steps };
    return { viewport: viewport.name, load, open, pans };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------------------------------------
// 4. JavaScript per view

const gz = (buf) => gzipSync(buf, { level: zlib.Z_BEST_COMPRESSION }).length;

async function measureJs(state, date) {
  await quiesce();
  const context = await browser.newContext({ baseURL: stack.browserUrl, storageState: state, viewport: cfg.viewport });
  await context.addInitScript(() => localStorage.setItem('switchboard.board.view', 'schedule'));
  const seen = new Map();
  const pending = [];
  const record = (res) => {
    const url = res.url();
    if (seen.has(url)) return;
    const type = res.headers()['content-type'] ?? '';
    const kind =
      /\.m?js(\?|$)/.test(url) || type.includes('javascript')
        ? 'js'
        : /basemap.*\.json/.test(url)
          ? 'basemap'
          : /\.css(\?|$)/.test(url)
            ? 'css'
            : null;
    if (!kind) return;
    const entry = {
      url: url.replace(stack.browserUrl, ''),
      kind,
      encoding: res.headers()['content-encoding'] ?? null,
      status: res.status(),
      phase: null,
    };
    seen.set(url, entry);
    pending.push(
      res
        .body()
        .then((b) => Object.assign(entry, { bytes: b.length, gzip: gz(b) }))
        .catch((e) => Object.assign(entry, { error: String(e.message ?? e) })),
    );
  };
  context.on('response', record);
  const page = await context.newPage();
  try {
    await page.goto(`/board/${date}`);
    await page.locator('[data-testid="board"][data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-drop="technician"] [data-job-id]').first().waitFor();
    await page.waitForLoadState('networkidle');
    await sleep(1000);
    await Promise.all(pending);
    for (const e of seen.values()) e.phase ??= 'schedule';
    await page.getByTestId('view-map').click();
    await page.locator('[data-testid="board-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await sleep(2000);
    await Promise.all(pending);
    for (const e of seen.values()) e.phase ??= 'map';
    // MapLibre's worker script: from the network when Playwright saw it, else from the build.
    const files = [...seen.values()];
    if (!files.some((f) => f.kind === 'js' && /worker/i.test(f.url))) {
      const dir = join(snapshot.assets, '_app/immutable');
      const walk = (d) =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
      for (const f of walk(dir).filter((f) => /maplibre-gl-worker.*\.js$/.test(f))) {
        const b = readFileSync(f);
        files.push({
          url: f.replace(snapshot.assets, ''),
          kind: 'js',
          phase: 'map',
          bytes: b.length,
          gzip: gz(b),
          note: 'from the build (the worker request was not seen by Playwright)',
        });
      }
    }
    const sum = (phase, kind, k) => files.filter((f) => f.phase === phase && f.kind === kind).reduce((n, f) => n + (f[k] ?? 0), 0);
    return {
      files,
      schedule: {
        js: sum('schedule', 'js', 'bytes'),
        jsGzip: sum('schedule', 'js', 'gzip'),
        files: files.filter((f) => f.phase === 'schedule' && f.kind === 'js').length,
        css: sum('schedule', 'css', 'bytes'),
        cssGzip: sum('schedule', 'css', 'gzip'),
      },
      map: {
        js: sum('map', 'js', 'bytes'),
        jsGzip: sum('map', 'js', 'gzip'),
        files: files.filter((f) => f.phase === 'map' && f.kind === 'js').length,
        css: sum('map', 'css', 'bytes'),
        cssGzip: sum('map', 'css', 'gzip'),
        basemap: sum('map', 'basemap', 'bytes'),
        basemapGzip: sum('map', 'basemap', 'gzip'),
      },
      servedEncodings: [...new Set(files.map((f) => f.encoding ?? 'none'))],
    };
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------------------------------------
// Run

try {
  const load = { before: loadavg().map((x) => +x.toFixed(2)) };
  log(`bench:board${QUICK ? ' --quick' : ''}: load average ${load.before.join(' ')} on ${cpus().length} CPUs`);
  await buildApp({ ifStale: args.rebuild !== 'true' });
  snapshot = snapshotWorker({ name: 'board', copyAssets: true });
  log(`Worker bundled and build/ copied to ${snapshot.dir}`);
  stack = await startStack({ log, wranglerConfig: snapshot.config });
  // The browser uses localhost (as the e2e tests do): the session cookie is __Host- and Secure.
  stack.browserUrl = stack.url.replace('127.0.0.1', 'localhost');
  const today = stack.seed.today;
  const data = await addBoardDays(stack.libsqlUrl, { today, days: { busy: DAY.busy, map: DAY.map, corners: DAY.corners } });
  log(
    `added ${data.counts.technicians} technicians, ${data.counts.locations} locations, ${data.counts.jobs} jobs in ${data.ms} ms (${data.activeTechnicians} active technicians in the org)`,
  );
  const busy = DAY.busy.map((o) => addDays(today, o));
  const empty = DAY.empty.map((o) => addDays(today, o));
  const mapDay = addDays(today, DAY.map);
  const cornersDay = addDays(today, DAY.corners);
  const rows = data.activeTechnicians;
  const expectBusy = { rows, jobs: TECHNICIANS * BUSY.perTech, queued: BUSY.queued, click: true };
  const expectEmpty = { rows, jobs: 0, queued: 0, click: false };

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  log(`Chromium ${browser.version()} (headless)`);
  const state = await signIn(stack.browserUrl);
  const probe = await browser.newPage();
  const renderer = await probe.evaluate(P.webglRenderer);
  await probe.close();
  log(`signed in as ${EMAIL}; WebGL renderer: ${renderer}`);

  // 1. Interactive. The first open of a day makes its room seed from libSQL (cold room); the
  // warm runs open a day whose room is already loaded, each in a fresh browser context (cold
  // HTTP cache) and then once more in the same context (warm cache).
  const inter = { busy: { coldRoom: [], coldCache: [], warmCache: [] }, empty: { coldRoom: [], coldCache: [], warmCache: [] } };
  const coldOne = async (kind, date, expect) => {
    const r = await interactiveRun(state, date, expect, { again: false });
    inter[kind].coldRoom.push(r.first);
    log(
      `  ${kind} ${date}, first open (room seeds): shown ${r.first.marks.shown.toFixed(0)} ms${r.first.marks.interactive ? `, interactive ${r.first.marks.interactive.toFixed(0)} ms` : ''}`,
    );
  };
  if (part('interactive')) {
    log('interactive: first opens');
    await coldOne('busy', busy[0], expectBusy);
    await coldOne('empty', empty[0], expectEmpty);
    log(`interactive: ${cfg.warmRuns} runs per day on rooms already open`);
    for (let i = 0; i < cfg.warmRuns; i++) {
      for (const [kind, date, expect] of [
        ['busy', busy[0], expectBusy],
        ['empty', empty[0], expectEmpty],
      ]) {
        const r = await interactiveRun(state, date, expect);
        inter[kind].coldCache.push(r.first);
        inter[kind].warmCache.push(r.second);
        log(
          `  ${kind} run ${i + 1}: shown ${r.first.marks.shown.toFixed(0)} / ${r.second.marks.shown.toFixed(0)} ms (cold / warm cache)${r.first.marks.interactive ? `, interactive ${r.first.marks.interactive.toFixed(0)} / ${r.second.marks.interactive.toFixed(0)} ms` : ''}`,
        );
      }
    }
    for (let i = 1; i < cfg.coldRooms; i++) {
      await coldOne('busy', busy[i], expectBusy);
      await coldOne('empty', empty[i], expectEmpty);
    }
  }

  // 2. Drop to paint.
  let drops = null;
  if (part('drops')) {
    log(`drop to paint: ${cfg.drops} drops and as many pad references on ${busy[0]}`);
    drops = await measureDrops(state, busy[0], data.timezone, cfg.drops);
    log(
      `  drop median ${median(drops.drops.map((d) => d.painted - d.input)).toFixed(1)} ms, pad median ${median(drops.pad.map((d) => d.painted - d.input)).toFixed(1)} ms`,
    );
  }

  // 3. Map pan: 10,000 pins vs 2 at the corners of the same box (same fitted view), in a wide
  // window (the budget's) and a tablet-sized one.
  if (part('map'))
    log(
      `map pan: ${cfg.panRepeats} x (${mapDay} with 10,000 jobs, ${cornersDay} with 2) x ${cfg.mapViewports.map((v) => `${v.width}x${v.height}`).join(', ')}; ${cfg.panMs} ms per pan`,
    );
  const expectMap = { rows, jobs: TECHNICIANS * MAP.perTech, queued: MAP.queued, click: false };
  const expectCorners = { rows, jobs: 0, queued: 2, click: false };
  const maps = { pins: [], corners: [] };
  const zoomSteps = new Map();
  for (let i = 0; part('map') && i < cfg.panRepeats; i++) {
    for (const viewport of cfg.mapViewports) {
      for (const [kind, date, expect] of [
        ['pins', mapDay, expectMap],
        ['corners', cornersDay, expectCorners],
      ]) {
        const m = await measureMap(state, date, expect, viewport, kind === 'pins' ? null : zoomSteps.get(viewport.name));
        if (kind === 'pins') zoomSteps.set(viewport.name, m.pans.street.zoomSteps);
        maps[kind].push(m);
        const p = m.pans;
        log(
          `  ${kind} ${viewport.name} ${i + 1}: map ${m.open.width}x${m.open.height} open ${m.open.firstIdleMs.toFixed(0)} ms; fitted ${p.fitted.redrawFps.toFixed(1)} map fps (worst ${p.fitted.worstMs.toFixed(0)} ms, ${p.fitted.renderedPins} pins in ${p.fitted.renderedClusters} clusters); street (+${p.street.zoomSteps}) ${p.street.redrawFps.toFixed(1)} map fps (worst ${p.street.worstMs.toFixed(0)} ms, ${p.street.renderedPins} pins, ${p.street.renderedClusters} clusters)`,
        );
      }
    }
  }

  // 4. JavaScript per view.
  let js = null;
  if (part('js')) {
    log('JavaScript per view');
    js = await measureJs(state, busy[0]);
    log(
      `  schedule ${(js.schedule.jsGzip / 1024).toFixed(1)} KB gzip in ${js.schedule.files} files; the map adds ${(js.map.jsGzip / 1024).toFixed(1)} KB in ${js.map.files} files`,
    );
  }

  load.after = loadavg().map((x) => +x.toFixed(2));
  let commit = 'unknown';
  let dirty = [];
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'app', 'core', 'maps', 'worker', 'rooms', 'db'], { cwd: root })
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {}
  const result = {
    date: new Date().toISOString(),
    commit,
    dirty,
    quick: QUICK,
    config: cfg,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model?.trim(),
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      chromium: browser.version(),
      renderer,
      wrangler: version('wrangler'),
      maplibre: version('maplibre-gl'),
      svelte: version('svelte'),
      load,
    },
    data: { ...data, technicianIds: undefined, today, busy, empty, mapDay, cornersDay },
    interactive: {
      busy: Object.fromEntries(Object.entries(inter.busy).map(([k, v]) => [k, v])),
      empty: Object.fromEntries(Object.entries(inter.empty).map(([k, v]) => [k, v])),
    },
    drops,
    maps,
    js,
    budget: BUDGET,
    elapsedS: Math.round((performance.now() - t0) / 1000),
  };
  await browser.close();
  browser = null;

  if (!ONLY) console.log(`\n${renderTables(result)}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = fileURLToPath(
    new URL(ONLY ? './results/partial.json' : QUICK ? './results/quick.json' : './results/latest.json', import.meta.url),
  );
  writeFileSync(out, JSON.stringify(result, null, 1));
  log(`raw results in ${out.replace(root, '')}`);
  if (!QUICK && !ONLY && WRITE) {
    writeSection(join(root, 'bench/RESULTS.md'), HEADING, renderSection(result));
    log('bench/RESULTS.md: section "Board (bench/board)" written');
  }
  await finish(0);
} catch (err) {
  await finish(1, `bench:board failed: ${err?.stack ?? err}`);
}
