// `npm run bench:field`: the technician's phone in headless Chromium at 390x844 against the real
// stack (the built app with its service worker, the Worker under `wrangler dev`, the rooms, sqld
// with the demo), three numbers against the budgets:
//
// - JavaScript (gzip -9 of the bytes the browser loaded, computed here) of the technician view:
//   opening My day and one job, in a fresh context (nothing cached), counting the page's own
//   requests (not the service worker's precache, which is fetched in the background once);
// - offline open: with the service worker installed and the day kept, the phone offline (the
//   context offline and every request it makes aborted, the service worker's too), a new tab
//   opens /field (the manifest's start_url, what the installed app's icon opens): navigation
//   start until the day's first job is on screen, RUNS times. A launch from the home screen also
//   starts the browser, which no page can time; this is the app's part;
// - replay: 200 actions queued in the outbox while offline (100 notes, 50 line items, 50 part
//   usages on one of the technician's open jobs, each with its own Idempotency-Key), then online:
//   the 'online' event until the badge says nothing waits; then the API is asked that each landed
//   exactly once.
//
// Starts everything itself (bench/http/stack.mjs: sqld, migrations, the demo seed, `wrangler dev`
// on free loopback ports, on a snapshot of the Worker and build/) and stops every child it
// started, at the end, on error, on Ctrl-C and when its time limit runs out. Results into
// bench/RESULTS.md (its own section).
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { chromium } from '@playwright/test';
import { buildApp } from '../../scripts/build-app.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/chromium.mjs';
import { DEMO_PASSWORD } from '../../db/seed/demo-secrets.ts';
import { startStack } from '../http/stack.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';

const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const HEADING = "## The technician's phone (bench/field)";
const BUDGET = { jsGzipKB: 150, offlineOpenMs: 1000, replay200Ms: 10_000 };
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ACTIONS = { notes: 100, lines: 50, parts: 50 };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const EMAIL = 'tech@demo.switchboard.test';

const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let stack = null;
let snapshot = null;
let browser = null;
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(message);
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10_000)]);
  if (stack) await stack.stop().catch(() => {});
  snapshot?.remove();
  process.exit(code);
}
process.on('SIGINT', () => finish(130, '\ninterrupted; stopping everything'));
process.on('SIGTERM', () => finish(143));
const limitMs = 15 * 60_000;
setTimeout(() => finish(2, `bench:field gave up after ${limitMs / 60_000} min`), limitMs).unref();

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
const gz = (buf) => gzipSync(buf, { level: zlib.Z_BEST_COMPRESSION }).length;
const kb = (b) => (b / 1024).toFixed(1);

async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

async function signIn(baseURL) {
  const context = await browser.newContext({ baseURL, ...PHONE });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/field$/, { timeout: 30_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

/** JavaScript the page itself loads for My day and one job, in a context with nothing cached. */
async function measureJs(state, jobId) {
  const context = await browser.newContext({ baseURL: stack.browserUrl, storageState: state, ...PHONE });
  const page = await context.newPage();
  const seen = new Map();
  const pending = [];
  page.on('response', (res) => {
    const url = res.url();
    const type = res.headers()['content-type'] ?? '';
    if (seen.has(url) || !(/\.m?js(\?|$)/.test(url) || type.includes('javascript'))) return;
    const entry = { url: url.replace(stack.browserUrl, ''), bytes: 0, gzip: 0 };
    seen.set(url, entry);
    pending.push(
      res
        .body()
        .then((b) => Object.assign(entry, { bytes: b.length, gzip: gz(b) }))
        .catch(() => {}),
    );
  });
  await page.goto('/field');
  await page.locator('li.job').first().waitFor({ timeout: 30_000 });
  await page.goto(`/field/jobs/${jobId}`);
  await page.getByRole('heading', { name: 'Notes' }).waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  const files = [...seen.values()];
  return { files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), gzip: files.reduce((n, f) => n + f.gzip, 0), list: files };
}

const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadAtStart = loadNow();
try {
  log(`bench:field: load average ${loadAtStart} on ${cpus().length} CPUs`);
  await buildApp({ ifStale: true });
  snapshot = snapshotWorker({ name: 'field', copyAssets: true });
  stack = await startStack({ log, wranglerConfig: snapshot.config });
  // The session cookie is __Host- and Secure: the browser uses localhost, as the e2e tests do.
  stack.browserUrl = stack.url.replace('127.0.0.1', 'localhost');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const state = await signIn(stack.browserUrl);

  // The phone, online once: the service worker installs, the day and its jobs are kept.
  const context = await browser.newContext({ baseURL: stack.browserUrl, storageState: state, ...PHONE });
  let page = await context.newPage();
  await page.goto('/field');
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  await page.locator('li.job').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  const me = (await api(page, 'GET', '/api/auth/me')).body;
  const open = (await api(page, 'GET', '/api/jobs?status=scheduled,dispatched,en_route,on_site&limit=200&sort=number')).body.items;
  const job = open[0];
  if (!job) throw new Error('the demo technician has no open job to queue actions on');
  const technician = (await api(page, 'GET', '/api/technicians?limit=200')).body.items.find((t) => t.userId === me.userId);
  const truck = (await api(page, 'GET', `/api/stock/levels?locationId=${technician.truckLocationId}&limit=200`)).body.items;
  const item = (await api(page, 'GET', '/api/pricebook?active=true&kind=service&limit=1')).body.items[0];
  const part = truck[0];
  // Every job of the day kept (My day fetches them when live), the catalog too.
  await page.goto(`/field/jobs/${job.id}`);
  await page.getByRole('heading', { name: 'Notes' }).waitFor({ timeout: 30_000 });
  await sleep(2_000);
  const before = {
    notes: (await api(page, 'GET', `/api/jobs/${job.id}/notes`)).body.items.length,
    lines: (await api(page, 'GET', `/api/line-items?jobId=${job.id}&limit=200`)).body.items.length,
    parts: (await api(page, 'GET', `/api/part-usages?jobId=${job.id}&limit=200`)).body.items.length,
  };

  // JavaScript, in its own fresh context.
  const js = await measureJs(state, job.id);
  log(`JavaScript of the technician view: ${kb(js.gzip)} KB gzip (${kb(js.bytes)} KB) in ${js.files} files`);

  // Offline open, RUNS times: a new tab each time, as the app's icon opens one.
  await context.setOffline(true);
  await context.route('**', (route) => route.abort('internetdisconnected'));
  const opens = [];
  for (let i = 0; i < RUNS; i++) {
    await page.close();
    page = await context.newPage();
    await page.goto('/field', { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('li.job') !== null, null, { polling: 'raf', timeout: 30_000 });
    const ms = await page.evaluate(() => performance.now());
    const offline = await page.getByRole('status').filter({ hasText: 'Offline' }).isVisible();
    if (!offline) throw new Error('the day did not say it was offline');
    opens.push(ms);
  }
  log(
    `offline open: median ${pct(opens, 50).toFixed(0)} ms, p95 ${pct(opens, 95).toFixed(0)} ms, max ${Math.max(...opens).toFixed(0)} ms (${RUNS} runs)`,
  );

  // 200 actions queued offline, in the outbox's own shape (lib/field/outbox.ts), then online.
  const queued = await page.evaluate(
    async ({ userId, jobId, itemId, partId, locationId, n }) => {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open('switchboard-field');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction('outbox', 'readwrite');
      const store = tx.objectStore('outbox');
      const now = Date.now();
      let seq = now * 1000;
      const put = (kind, path, body, summary) =>
        store.put({
          key: crypto.randomUUID(),
          seq: ++seq,
          userId,
          jobId,
          kind,
          method: 'POST',
          path,
          body,
          summary,
          createdAt: now,
          state: 'waiting',
          attempts: 0,
        });
      const kinds = [
        ...Array.from({ length: n.notes }, () => 'note'),
        ...Array.from({ length: n.lines }, () => 'line'),
        ...Array.from({ length: n.parts }, () => 'part'),
      ];
      // Interleaved as a day's work is: a note, a line, a part…
      kinds.sort((a, b) => a.localeCompare(b));
      const order = kinds.map((_, i) => kinds[(i * 7) % kinds.length]);
      order.forEach((kind, i) => {
        if (kind === 'note') put('note', `/api/jobs/${jobId}/notes`, { text: `Bench note ${i}` }, `Note ${i}`);
        else if (kind === 'line') put('line', '/api/line-items', { jobId, priceBookItemId: itemId, quantity: 1 }, `Line ${i}`);
        else put('part', '/api/part-usages', { jobId, partId, quantity: 1, locationId }, `Part ${i}`);
      });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      return order.length;
    },
    { userId: me.userId, jobId: job.id, itemId: item.id, partId: part.partId, locationId: technician.truckLocationId, n: ACTIONS },
  );
  await page.reload({ waitUntil: 'commit' });
  const count = page.getByTestId('outbox-count');
  await page.waitForFunction((n) => document.querySelector('[data-testid="outbox-count"]')?.textContent?.trim() === String(n), queued, {
    timeout: 30_000,
  });
  await context.unroute('**');
  // Each replayed request's own time (request sent until its answer ended, from the browser's
  // resource timing), to tell the server's share from the page's.
  const sent = [];
  const onFinished = (req) => {
    if (req.method() !== 'POST' || !/^\/api\/(replay|jobs\/[^/]+\/notes|line-items|part-usages)$/.test(new URL(req.url()).pathname)) return;
    const t = req.timing();
    if (t.responseEnd > 0 && t.requestStart >= 0) sent.push(t.responseEnd - t.requestStart);
  };
  page.on('requestfinished', onFinished);
  const t0 = performance.now();
  await context.setOffline(false);
  await page.waitForFunction(() => document.querySelector('[data-testid="outbox-count"]')?.textContent?.trim() === '0', null, {
    polling: 100,
    timeout: 120_000,
  });
  const replayMs = performance.now() - t0;
  page.off('requestfinished', onFinished);
  const requestMs = sent.reduce((n, x) => n + x, 0);
  const requests = sent.length
    ? `${sent.length} requests, each median ${pct(sent, 50).toFixed(1)} ms, max ${Math.max(...sent).toFixed(1)} ms; ${(requestMs / 1000).toFixed(2)} s in requests of the ${(replayMs / 1000).toFixed(2)} s`
    : 'no request timed';
  log(`replay sent ${requests}`);
  const refused = await page.getByRole('list', { name: 'Not accepted' }).getByRole('listitem').count();
  log(`replay of ${queued} actions: ${(replayMs / 1000).toFixed(2)} s (${refused} refused); badge ${await count.textContent()}`);
  const after = {
    notes: (await api(page, 'GET', `/api/jobs/${job.id}/notes`)).body.items.length,
    lines: (await api(page, 'GET', `/api/line-items?jobId=${job.id}&limit=200`)).body.items.length,
    parts: (await api(page, 'GET', `/api/part-usages?jobId=${job.id}&limit=200`)).body.items.length,
  };
  const landed = { notes: after.notes - before.notes, lines: after.lines - before.lines, parts: after.parts - before.parts };
  const once = landed.notes === ACTIONS.notes && landed.lines === ACTIONS.lines && landed.parts === ACTIONS.parts;
  log(`landed: ${JSON.stringify(landed)} (${once ? 'exactly once each' : 'NOT exactly once'})`);

  // The reference, side by side: the same kind of 200 actions sent as the outbox sent them before
  // runs, one request each, in order, from the same page (no IndexedDB, no redraw: the floor of
  // that way of sending).
  const singly = await page.evaluate(
    async ({ jobId, itemId, partId, locationId, n }) => {
      const bodies = [
        ...Array.from({ length: n.notes }, (_, i) => [`/api/jobs/${jobId}/notes`, { text: `Reference note ${i}` }]),
        ...Array.from({ length: n.lines }, () => ['/api/line-items', { jobId, priceBookItemId: itemId, quantity: 1 }]),
        ...Array.from({ length: n.parts }, () => ['/api/part-usages', { jobId, partId, quantity: 1, locationId }]),
      ];
      const t = performance.now();
      let ok = 0;
      for (const [path, body] of bodies) {
        const res = await fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify(body),
        });
        await res.text();
        if (res.ok) ok++;
      }
      return { ms: performance.now() - t, ok, sent: bodies.length };
    },
    { jobId: job.id, itemId: item.id, partId: part.partId, locationId: technician.truckLocationId, n: ACTIONS },
  );
  log(`reference, one request per action: ${(singly.ms / 1000).toFixed(2)} s for ${singly.sent} (${singly.ok} answered 2xx)`);

  const met = (ok) => (ok ? 'met' : 'not met');
  const section = [
    HEADING,
    '',
    `\`npm run bench:field\` (bench/field/run.mjs), ${new Date().toISOString().slice(0, 10)}: headless Chromium at 390x844 with touch against`,
    'the local stack (wrangler dev on a snapshot of the Worker and build/, sqld with the demo), the demo technician signed in.',
    `Machine: ${cpus().length} CPUs, load average ${loadAtStart} at the start, ${loadNow()} at the end (other runs share the machine: the times are upper bounds).`,
    '',
    '| measure | result | budget | |',
    '| --- | ---: | ---: | --- |',
    `| JavaScript of the technician view (My day and a job; gzip -9) | ${kb(js.gzip)} KB in ${js.files} files (${kb(js.bytes)} KB raw) | ${BUDGET.jsGzipKB} KB | ${met(js.gzip / 1024 <= BUDGET.jsGzipKB)} |`,
    `| Offline open: navigation start of /field until the day's first job is on screen (${RUNS} runs) | median ${pct(opens, 50).toFixed(0)} ms, p95 ${pct(opens, 95).toFixed(0)} ms, max ${Math.max(...opens).toFixed(0)} ms | ${BUDGET.offlineOpenMs} ms | ${met(pct(opens, 95) <= BUDGET.offlineOpenMs)} |`,
    `| Replay of ${queued} queued actions (${ACTIONS.notes} notes, ${ACTIONS.lines} line items, ${ACTIONS.parts} part usages), online event until none waits | ${(replayMs / 1000).toFixed(2)} s, ${refused} refused | ${BUDGET.replay200Ms / 1000} s | ${met(replayMs <= BUDGET.replay200Ms && once && refused === 0)} |`,
    `| Reference: the same ${singly.sent} actions sent one request each, in order, from the page (how the outbox sent them before runs) | ${(singly.ms / 1000).toFixed(2)} s, ${singly.ok} answered 2xx | | |`,
    '',
    `The replay sent ${requests}.`,
    `Landed by the API after the replay: ${landed.notes} notes, ${landed.lines} line items, ${landed.parts} part usages (${once ? 'each exactly once' : 'not exactly once'}).`,
    "Offline means the context offline and every request it makes aborted (the service worker's too); each open is a new tab on",
    "/field (the manifest's start_url), served by the service worker from its precache, the day read from IndexedDB. A launch from",
    "the home screen also starts the browser, which a page cannot time. The replay is the app's own: the page's outbox sends",
    'the entries in order, each with its Idempotency-Key, consecutive JSON ones up to 50 to a request (POST /api/replay, which',
    'runs each through the app as its own request; lib/field/outbox.ts, worker/http/replay.ts), a photo or signature on its own.',
    '',
  ].join('\n');
  writeSection(RESULTS, HEADING, section);
  log(`wrote ${RESULTS}`);
  await finish(0);
} catch (err) {
  await finish(1, err instanceof Error ? (err.stack ?? err.message) : String(err));
}
