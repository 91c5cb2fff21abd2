// `npm run bench:realtime`: the board room under `wrangler dev` against two peers, same clients,
// same edits, in one run: the reference y-websocket server (@y/websocket-server, in memory) and
// Hocuspocus 4 with SQLite (a peer that persists, like the room). Edit propagation at 10-100
// clients over a ladder of edit rates, capacity (highest rate with p99 < 100 ms), the doc size
// after 10,000 edits to 500 jobs, and load times (fresh from libSQL, after a restart from the
// room's own storage). Results into bench/RESULTS.md and results/latest.json.
//
// Starts everything itself on free loopback ports, and stops every child it started (by PID)
// at the end, on error, on Ctrl-C and when its overall time limit runs out.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { readJob } from '../../core/board-client.ts';
import { signInDispatcher } from '../http/auth.mjs';
import { processCpuMs, selfCpuMs } from '../http/cpu.mjs';
import { startStack } from '../http/stack.mjs';
import { addBenchDays, boardDocFromRecords } from './board-days.mjs';
import { closeClients, openClient, openClients } from './clients.mjs';
import { cpuByProcess, cpuDelta } from './cpu-split.mjs';
import { startHocuspocus } from './hocuspocus-server.mjs';
import { startReference } from './reference-server.mjs';
import { renderSection, HEADING } from './report.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import { storedRoomDocs } from './stored-doc.mjs';
import { percentile, placementPicker, runEdits, shareJobs } from './workload.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const QUICK = args.quick === 'true';
const list = (s) =>
  s
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const cfg = {
  clients: list(args.clients ?? (QUICK ? '10,25' : '10,25,50,100')),
  // Up to 1600: the reference held 1600 edits/s at 50 clients where the room once gave out at 800.
  rates: list(args.rates ?? (QUICK ? '25,100,400' : '25,50,100,200,400,800,1600')),
  seconds: Number(args.seconds ?? (QUICK ? 3 : 6)),
  warmupSeconds: QUICK ? 0.5 : 1,
  drainMs: 3000,
  /** Clients that apply every update (the rest only receive): see clients.mjs. */
  observers: Number(args.observers ?? 8),
  docEdits: QUICK ? 2000 : 10_000,
  docClients: 10,
  docRate: 500,
  coldRuns: QUICK ? 2 : 5,
  technicians: 50,
};
/** `--only=room,hocuspocus`: the servers to run, of room, reference, hocuspocus (default all three). */
const only = args.only ? args.only.split(',') : null;
const wanted = (name) => !only || only.includes(name);
const WRITE = !QUICK && args['no-write'] !== 'true';
const BUDGET = { p99: 20, p99Clients: 25, p99Rate: 100, capacityP99: 100, docBytes: 256 * 1024, docEdits: 10_000 };
// Days from the org's today: far from the demo's two weeks, within the rooms' 400-day reach.
// `spare` replaces `size` if the room restarts under the 10,000 edits (see `dropped`).
const DAY = { prop: 60, size: 61, spare: 62, cold: Array.from({ length: cfg.coldRuns }, (_, i) => 70 + i) };

// `--wait-quiet=MIN`: first wait up to MIN minutes for the machine to be idle (1-minute load
// average under 1), since latency on 2 shared CPUs mostly measures whoever else is running.
const waitQuietMin = Number(args['wait-quiet'] ?? 0);
if (waitQuietMin > 0) {
  const until = Date.now() + waitQuietMin * 60_000;
  while (loadavg()[0] >= 1 && Date.now() < until) {
    console.log(`waiting for a quiet machine: load average ${loadavg()[0].toFixed(1)}`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

// The full ladder takes about 20 minutes. The bench runs with a 12 GiB heap (package.json): at
// 50 clients and 1600 edits/s the reference sends 80,000 frames a second, more than this one
// process can read, and what waits in its sockets took a 4 GiB heap down.
const limitMs = (QUICK ? 5 : 30) * 60_000;
let stack = null;
let reference = null;
let hocuspocus = null;
let snapshot = null;
const open = new Set();
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(message);
  for (const c of open) c.ws.terminate();
  if (reference) await reference.stop().catch(() => {});
  if (hocuspocus) await hocuspocus.stop().catch(() => {});
  snapshot?.remove();
  if (stack && (code !== 0 || args['keep-logs'] === 'true')) {
    // The stack's temp dir goes with it; keep wrangler's output for a look at what went wrong.
    const keep = mkdtempSync(join(tmpdir(), 'switchboard-realtime-logs-'));
    for (const f of readdirSync(stack.dir).filter((f) => f.endsWith('.log'))) copyFileSync(join(stack.dir, f), join(keep, f));
    console.error(`wrangler logs kept in ${keep}`);
  }
  if (stack) await stack.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => finish(130, '\ninterrupted; stopping everything'));
process.on('SIGTERM', () => finish(143));
setTimeout(() => finish(2, `bench:realtime gave up after ${limitMs / 60_000} min`), limitMs).unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const version = (p) => JSON.parse(readFileSync(`${root}node_modules/${p}/package.json`, 'utf8')).version;
const load1 = () => loadavg()[0].toFixed(1);

async function track(promise) {
  const cs = await promise;
  for (const c of [cs].flat()) open.add(c);
  return cs;
}
async function untrack(cs) {
  await closeClients([cs].flat());
  for (const c of [cs].flat()) open.delete(c);
}

/**
 * Connections the server closed during a measurement (a room that reset itself or crashed, or,
 * without the bundle snapshot, `wrangler dev` reloading on a saved file): a point that saw that
 * is measured again on fresh connections rather than reported as lost edits.
 */
function dropped(clients) {
  const gone = clients.filter((c) => c.closed);
  return gone.length
    ? `${gone.length} of ${clients.length} connections closed by the server (${[...new Set(gone.map((c) => `${c.closed.code} ${c.closed.reason}`.trim()))].join(', ')})`
    : null;
}
const RETRIES = 2;

/** Waits until the servers have finished the last point's work (the room's outbox drain, Hocuspocus's store): < 10% of a core for 250 ms. */
async function quiesce(servers, maxMs = 5000) {
  const total = () => servers.reduce((n, s) => n + s.cpuMs(), 0);
  const until = performance.now() + maxMs;
  let prev = total();
  while (performance.now() < until) {
    await sleep(250);
    const now = total();
    if (now - prev < 25) return;
    prev = now;
  }
}

/** A doc in core/board-doc.ts's shape has a 'card' and a 'placement' in every job entry. */
function speaksBoardDoc(doc) {
  const id = doc.getMap('jobs').keys().next().value;
  return Boolean(id && readJob(doc, id));
}

function commitText() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    // Porcelain lines are `XY path`; only the code under test counts.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'rooms', 'core', 'worker', 'db'], { cwd: root })
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3).split('/')[0]);
    return dirty.length ? `${sha} plus uncommitted changes in ${[...new Set(dirty)].join(', ')}/` : sha;
  } catch {
    return 'unknown';
  }
}

const loadBefore = load1();
const results = { points: [], capacity: {}, coldLoad: [], notes: [] };

try {
  console.log(
    `bench:realtime${QUICK ? ' --quick' : ''}: clients ${cfg.clients.join(', ')}; rates ${cfg.rates.join(', ')} edits/s; ${cfg.seconds} s per point`,
  );
  const commit = commitText();
  snapshot = snapshotWorker({ name: 'realtime' });
  console.log(`bundled the Worker as it is now (${commit}): wrangler dev runs that bundle, whatever is saved meanwhile`);
  stack = await startStack({ wranglerConfig: snapshot.config });
  const today = stack.seed.today;
  const bench = await addBenchDays(stack.libsqlUrl, { today, offsets: [DAY.prop, DAY.size, DAY.spare, ...DAY.cold] });
  const dates = Object.keys(bench.days);
  const [propDate, ...coldDates] = dates;
  const sizeDates = coldDates.splice(0, 2);
  let sizeDate = sizeDates[0];
  console.log(`bench days in ${bench.timezone}: ${dates.join(', ')} (500 jobs each, ${bench.techIds.length} technicians)`);
  const cookie = await signInDispatcher(stack.url);

  // Each server: where a day's doc is (`url`) and how a client asks for it (`options`, clients.mjs);
  // everything else about a client is the same for all three.
  const room = {
    name: 'room',
    short: 'room',
    label: 'room (wrangler dev)',
    url: (date) => `${stack.url.replace(/^http/, 'ws')}/api/rooms/board/${date}`,
    // The room refuses cross-origin upgrades: a browser on this origin sends exactly this.
    options: () => ({ headers: { cookie, origin: stack.url } }),
    cpu: () => cpuByProcess(stack.wranglerPid, { sqld: stack.sqldPid }),
  };
  const ref = {
    name: 'reference',
    short: 'ref',
    label: 'y-websocket reference',
    url: (date) => `${reference.url}/board-${date}`,
    options: () => ({}),
    cpu: () => ({ node: processCpuMs(reference.pid) }),
  };
  const hocus = {
    name: 'hocuspocus',
    short: 'hocus',
    label: 'Hocuspocus + SQLite',
    // One socket, docs named in every message (as HocuspocusProvider's `url` and `name`).
    url: () => hocuspocus.url,
    options: (date) => ({ hocuspocus: { documentName: `board-${date}`, providerVersion: version('@hocuspocus/server') } }),
    cpu: () => ({ node: processCpuMs(hocuspocus.pid) }),
  };
  for (const s of [room, ref, hocus]) s.cpuMs = () => Object.values(s.cpu()).reduce((a, b) => a + b, 0);

  // ---- the room loads the working days (propagation, doc size, its spare); its docs seed the peers
  let useRoom = wanted('room');
  const seeds = {};
  if (useRoom) {
    for (const date of [propDate, ...sizeDates]) {
      const c = await track(openClient(room.url(date), room.options(date)));
      if (!speaksBoardDoc(c.doc)) {
        await untrack(c);
        if (!wanted('reference') && !wanted('hocuspocus')) throw new Error('the room does not serve the core/board-doc.ts shape yet');
        console.log('the room does not serve the core/board-doc.ts shape yet: running the peers only');
        results.notes.push('The room side was not run: the room did not serve the core/board-doc.ts doc shape yet.');
        useRoom = false;
        break;
      }
      seeds[date] = Y.encodeStateAsUpdate(c.doc);
      if (date === propDate)
        results.coldLoad.push({
          label: 'room, the first day opened after wrangler dev started: seeded from libSQL (500 jobs)',
          median: c.times.synced - c.times.created,
          min: c.times.synced - c.times.created,
          max: c.times.synced - c.times.created,
          runs: 1,
        });
      await untrack(c);
    }
  }
  let referenceSeed = "a copy of the room's own doc for the same day, taken by a synced client (same bytes, same client ids)";
  if (!useRoom) {
    referenceSeed = 'built by core/board-doc.ts createBoardDoc from the same libSQL rows the room seeds from';
    for (const date of [propDate, ...sizeDates])
      seeds[date] = Y.encodeStateAsUpdate(
        await boardDocFromRecords(stack.libsqlUrl, { orgId: bench.orgId, timezone: bench.timezone, date }),
      );
  }
  const servers = [];
  if (useRoom) servers.push(room);
  if (wanted('reference')) {
    reference = await startReference();
    for (const date of [propDate, ...sizeDates]) await reference.seed(`board-${date}`, seeds[date]);
    console.log(`reference ${reference.url} (pid ${reference.pid}), seeded with ${(seeds[propDate].byteLength / 1024).toFixed(1)} KB docs`);
    servers.push(ref);
  }
  if (wanted('hocuspocus')) {
    hocuspocus = await startHocuspocus();
    // Seeded through Hocuspocus itself, so each doc is in its SQLite file and every load below reads it from there.
    for (const date of [propDate, ...sizeDates]) await hocuspocus.seed(`board-${date}`, seeds[date]);
    results.hocuspocusSettings = await hocuspocus.settings();
    console.log(
      `Hocuspocus ${hocuspocus.url} (pid ${hocuspocus.pid}), SQLite in ${hocuspocus.dir}, seeded; ${JSON.stringify(results.hocuspocusSettings)}`,
    );
    servers.push(hocus);
  }
  // Idle or not, every server process counts when waiting for the machine to settle.
  const everyServer = [room, ...(reference ? [ref] : []), ...(hocuspocus ? [hocus] : [])];

  // ---- load times ------------------------------------------------------------------------------
  const timeLoads = async (server, date, runs) => {
    const out = [];
    for (let i = 0; i < runs; i++) {
      await quiesce(everyServer);
      let c;
      try {
        c = await track(openClient(server.url(date), server.options(date)));
      } catch (e) {
        // A reload of wrangler dev (see `dropped`) in the middle of a connect: once more.
        console.log(`load of ${date} failed (${e.message}); once more`);
        c = await track(openClient(server.url(date), server.options(date)));
      }
      out.push(c.times.synced - c.times.created);
      await untrack(c);
    }
    return out;
  };
  const addLoad = (label, xs) => {
    if (!xs.length) return;
    results.coldLoad.push({ label, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length, samples: xs });
    console.log(`${label}: median ${median(xs).toFixed(1)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`);
  };
  if (useRoom) {
    const fresh = [];
    for (const date of coldDates) fresh.push(...(await timeLoads(room, date, 1)));
    addLoad('room, a day never opened before: seeded from libSQL (500 jobs)', fresh);
    addLoad('room, connect to a loaded day (500 jobs, in memory)', await timeLoads(room, propDate, cfg.coldRuns));
  }
  if (reference) addLoad('reference, connect to a loaded doc (same 500 jobs, in memory)', await timeLoads(ref, propDate, cfg.coldRuns));
  // Hocuspocus unloads a doc when its last client leaves (`unloadImmediately`), so each of these reads it from SQLite.
  if (hocuspocus)
    addLoad(
      'Hocuspocus, connect to a doc no client has open: loaded from SQLite (same 500 jobs)',
      await timeLoads(hocus, propDate, cfg.coldRuns),
    );

  // ---- propagation ladders ---------------------------------------------------------------------
  // What the servers burn doing nothing (wrangler's watcher, workerd's timers), taken off each
  // point's CPU so that "CPU ms/edit" is what edits cost.
  const idle = {};
  await quiesce(everyServer);
  for (const s of servers) {
    const before = s.cpu();
    await sleep(3000);
    idle[s.name] = Object.fromEntries(Object.entries(cpuDelta(before, s.cpu())).map(([k, v]) => [k, v / 3]));
  }
  results.idleCpuMsPerSecond = idle;
  console.log(`idle CPU ms/s: ${servers.map((s) => `${s.short} ${JSON.stringify(idle[s.name])}`).join('; ')}`);
  const day = bench.days[propDate].range;
  for (const n of cfg.clients) {
    const observers = Math.min(n, cfg.observers);
    const sets = {};
    for (const s of servers)
      sets[s.name] = await track(openClients(s.url(propDate), { ...s.options(propDate), n, observers, label: s.name }));
    const jobIds = [...sets[servers[0].name][0].doc.getMap('jobs').keys()].sort();
    const shares = shareJobs(jobIds, n);
    const climbing = new Set(servers.map((s) => s.name));
    /** One point: edits at `rate` for cfg.seconds on server `s`'s clients, with its CPU; measured again on fresh connections if the server dropped any. */
    const tries = new Map();
    const measure = async (s, rate) => {
      for (let attempt = 0; ; attempt++) {
        await quiesce(everyServer);
        const cpu0 = { server: s.cpu(), bench: selfCpuMs() };
        const t0 = performance.now();
        // The same moves for both servers; a new sequence for a second try on the same doc
        // (replaying the first would put every job where it already is: no edit at all).
        const nth = (tries.get(`${s.name}:${rate}`) ?? 0) + 1;
        tries.set(`${s.name}:${rate}`, nth);
        const picker = placementPicker({ techIds: bench.techIds, day, seed: n * 10_000 + rate + nth * 1_000_000 });
        const r = await runEdits({
          clients: sets[s.name],
          jobShares: shares,
          picker,
          rate,
          durationMs: (cfg.seconds + cfg.warmupSeconds) * 1000,
          warmupMs: cfg.warmupSeconds * 1000,
          drainMs: cfg.drainMs,
        });
        const wall = performance.now() - t0;
        const split = cpuDelta(cpu0.server, s.cpu(), { idle: idle[s.name], seconds: wall / 1000 });
        const perEdit = (v) => v / Math.max(1, r.sent);
        r.cpuSplit = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, perEdit(v)]));
        r.cpuMsPerEdit = { server: perEdit(Object.values(split).reduce((a, b) => a + b, 0)), bench: perEdit(selfCpuMs() - cpu0.bench) };
        r.benchCpuShare = (selfCpuMs() - cpu0.bench) / wall;
        const why = dropped(sets[s.name]);
        if (!why) return r;
        console.log(
          `${s.short} ${n} clients ${rate}/s: ${why}; ${attempt < RETRIES ? 'reconnecting and measuring again' : 'giving up on this point'}`,
        );
        await untrack(sets[s.name]);
        sets[s.name] = await track(openClients(s.url(propDate), { ...s.options(propDate), n, observers, label: s.name }));
        r.dropped = why;
        if (attempt >= RETRIES) return r;
      }
    };
    for (const rate of cfg.rates) {
      for (const s of servers) {
        if (!climbing.has(s.name)) continue;
        let r = await measure(s, rate);
        if (!(r.p99 < BUDGET.capacityP99)) {
          // One slow point ends a ladder, and on a shared machine one stall can make it: a
          // failing point is measured once more, and the second measurement stands.
          console.log(`${s.short} ${n} clients ${rate}/s: p99 ${ms(r.p99)} ms; measuring once more`);
          const again = await measure(s, rate);
          again.firstTry = { p50: r.p50, p95: r.p95, p99: r.p99, sendLagP99: r.sendLagP99 };
          r = again;
        }
        r.server = s.name;
        results.points.push(r);
        console.log(
          `${s.short.padEnd(4)} ${String(n).padStart(3)} clients ${String(rate).padStart(4)}/s: p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${ms(r.p99)} ms` +
            ` (delivery p50 ${r.deliveryP50.toFixed(1)}), sent ${r.sent} at ${r.achievedRate.toFixed(0)}/s, lost ${r.lost}, refused ${r.refused}${r.refused ? ` (${r.lastRefusal})` : ''}, unchanged ${r.unchanged},` +
            ` CPU ms/edit ${r.cpuMsPerEdit.server.toFixed(2)} server (${Object.entries(r.cpuSplit)
              .map(([k, v]) => `${k} ${v.toFixed(2)}`)
              .join(
                ', ',
              )}), ${r.cpuMsPerEdit.bench.toFixed(2)} bench (${(r.benchCpuShare * 100).toFixed(0)}% of a core), send lag p99 ${r.sendLagP99.toFixed(1)} ms`,
        );
        const cap = (results.capacity[s.name] ??= {});
        if (r.p99 < BUDGET.capacityP99) cap[n] = { rate, open: rate === cfg.rates[cfg.rates.length - 1] };
        else {
          cap[n] ??= { rate: 0, lowest: cfg.rates[0] };
          climbing.delete(s.name);
        }
      }
    }
    for (const s of servers) await untrack(sets[s.name]);
  }

  // ---- doc size after 10,000 edits ------------------------------------------------------------
  results.docSize = { edits: cfg.docEdits };
  for (const s of servers) {
    let r;
    let seededBytes;
    for (const date of sizeDates) {
      sizeDate = date;
      await quiesce(everyServer);
      const clients = await track(
        openClients(s.url(date), { ...s.options(date), n: cfg.docClients, observers: 1, label: `${s.name}-size` }),
      );
      seededBytes = Y.encodeStateAsUpdate(clients[0].doc).byteLength;
      const jobIds = [...clients[0].doc.getMap('jobs').keys()].sort();
      const picker = placementPicker({ techIds: bench.techIds, day: bench.days[date].range, seed: 42 });
      r = await runEdits({
        clients,
        jobShares: shareJobs(jobIds, cfg.docClients),
        picker,
        rate: cfg.docRate,
        count: cfg.docEdits,
        drainMs: 15_000,
      });
      const why = dropped(clients);
      await untrack(clients);
      if (!why) break;
      console.log(`${s.short} doc size on ${date}: ${why}; ${date !== sizeDates.at(-1) ? 'again on a spare day' : 'giving up'}`);
      r.dropped = why;
    }
    const fresh = await track(openClient(s.url(sizeDate), s.options(sizeDate)));
    results.docSize[s.name] = {
      date: sizeDate,
      seededBytes,
      v1Bytes: Y.encodeStateAsUpdate(fresh.doc).byteLength,
      v2Bytes: Y.encodeStateAsUpdateV2(fresh.doc).byteLength,
      sent: r.sent,
      lost: r.lost,
      achievedRate: r.achievedRate,
      refused: r.refused,
      dropped: r.dropped ?? null,
    };
    await untrack(fresh);
    if (s === hocus) {
      // Its last client has left: Hocuspocus stores at once, then unloads the doc.
      await quiesce([hocus]);
      results.docSize.hocuspocus.storedBytes = await hocuspocus.stored(`board-${sizeDate}`);
    }
    console.log(
      `${s.short} doc after ${r.sent} edits: V1 ${(results.docSize[s.name].v1Bytes / 1024).toFixed(1)} KB, V2 ${(results.docSize[s.name].v2Bytes / 1024).toFixed(1)} KB (seeded ${(seededBytes / 1024).toFixed(1)} KB); lost ${r.lost}`,
    );
  }

  // ---- the room after a restart: loaded from its own storage -----------------------------------
  if (useRoom) {
    // The room compacts on y-partyserver's debounced save, 2 s after the last edit.
    await sleep(4000);
    let stored = {};
    await stack.restartWrangler(async () => {
      stored = await storedRoomDocs(stack.wranglerStateDir);
    });
    const mine = (date) => stored[`${bench.orgId}:${date}`];
    const roomSizeDate = results.docSize.room.date;
    results.docSize.room.stored = mine(roomSizeDate) ?? null;
    results.stored = Object.fromEntries(dates.map((d) => [d, mine(d) ?? null]));
    if (results.docSize.room.stored) {
      const st = results.docSize.room.stored;
      console.log(
        `room stores the ${roomSizeDate} doc in ${((st.snapshotBytes + st.updateBytes) / 1024).toFixed(1)} KB (snapshot ${st.snapshotBytes} B in ${st.snapshotParts} parts, ${st.updates} pending updates ${st.updateBytes} B)`,
      );
    }
    // The first request after a start loads the Worker; do not charge that to a room.
    await fetch(`${stack.url}/api/health`);
    const fromStorage = [];
    for (const date of coldDates) fromStorage.push(...(await timeLoads(room, date, 1)));
    addLoad('room after a restart of wrangler dev: loaded from its own storage (500 jobs)', fromStorage);
    addLoad(
      `room after a restart: the day that took the ${cfg.docEdits.toLocaleString('en-US')} edits`,
      await timeLoads(room, roomSizeDate, 1),
    );
    const propEdits = results.points.filter((p) => p.server === 'room').reduce((n, p) => n + p.sent, 0);
    addLoad(`room after a restart: the propagation day (${propEdits.toLocaleString('en-US')} edits)`, await timeLoads(room, propDate, 1));
  }

  // ---- budgets and report ------------------------------------------------------------------------
  const at = (server) => results.points.find((p) => p.server === server && p.clients === BUDGET.p99Clients && p.rate === BUDGET.p99Rate);
  const budgetPoint = at('room');
  const refPoint = at('reference');
  const hocusPoint = at('hocuspocus');
  /** Capacity against a peer's at every client count, and the line that says so; null when either side was not run. */
  const capacityVs = (peer, label) => {
    const rows = cfg.clients.map((n) => ({ n, room: results.capacity.room?.[n], peer: results.capacity[peer]?.[n] }));
    const text = (c) => (c ? `${c.rate ? c.rate : `< ${c.lowest}`}${c.open ? '+' : ''}` : '-');
    return {
      ok: useRoom && wanted(peer) ? rows.every((r) => (r.room?.rate ?? NaN) >= (r.peer?.rate ?? NaN)) : null,
      detail: `${rows.map((r) => `${r.n} clients: room ${text(r.room)} vs ${label} ${text(r.peer)}`).join('; ')} edits/s (+: the top of the ladder still passed).`,
    };
  };
  const capRef = capacityVs('reference', 'reference');
  const capHocus = capacityVs('hocuspocus', 'Hocuspocus');
  const st = results.docSize.room?.stored;
  const storedBytes = st ? st.snapshotBytes + st.updateBytes : NaN;
  const hocusStored = results.docSize.hocuspocus?.storedBytes;
  results.budgets = [
    {
      text: `p99 <= ${BUDGET.p99} ms at ${BUDGET.p99Clients} clients and ${BUDGET.p99Rate} edits/s`,
      ok: budgetPoint ? budgetPoint.p99 <= BUDGET.p99 : null,
      detail: budgetPoint
        ? `Room p99 ${ms(budgetPoint.p99)} ms (p50 ${ms(budgetPoint.p50)}, p95 ${ms(budgetPoint.p95)})${refPoint ? `; reference p99 ${ms(refPoint.p99)} ms` : ''}${hocusPoint ? `; Hocuspocus p99 ${ms(hocusPoint.p99)} ms` : ''}.`
        : 'That point was not run.',
    },
    { text: "capacity at least the reference server's", ok: capRef.ok, detail: capRef.detail },
    {
      text: `ahead of Hocuspocus + SQLite: p99 at ${BUDGET.p99Clients} clients and ${BUDGET.p99Rate} edits/s no higher, capacity no lower at every client count`,
      ok: capHocus.ok === null || !budgetPoint || !hocusPoint ? null : capHocus.ok && budgetPoint.p99 <= hocusPoint.p99,
      detail: `${budgetPoint && hocusPoint ? `p99 room ${ms(budgetPoint.p99)} ms vs Hocuspocus ${ms(hocusPoint.p99)} ms; ` : ''}${capHocus.detail}`,
    },
    {
      text: `stored doc <= ${BUDGET.docBytes / 1024} KB after ${BUDGET.docEdits.toLocaleString('en-US')} edits to 500 jobs`,
      ok: useRoom && cfg.docEdits === BUDGET.docEdits && Number.isFinite(storedBytes) ? storedBytes <= BUDGET.docBytes : null,
      detail: Number.isFinite(storedBytes)
        ? `The room stores ${(storedBytes / 1024).toFixed(1)} KB after ${cfg.docEdits.toLocaleString('en-US')} edits${Number.isFinite(hocusStored) ? ` (Hocuspocus's SQLite row: ${(hocusStored / 1024).toFixed(1)} KB)` : ''}; a synced client's encoding is ${(results.docSize.room.v1Bytes / 1024).toFixed(1)} KB (V1)${results.docSize.reference ? `, the reference's ${(results.docSize.reference.v1Bytes / 1024).toFixed(1)} KB` : ''}.`
        : 'The room side was not run.',
    },
  ];
  const late = results.points.filter((p) => p.sendLagP99 > 20);
  if (late.length)
    results.notes.push(
      `The bench process sent edits late (send lag p99 over 20 ms) at ${late.map((p) => `${p.server} ${p.clients} clients ${p.rate}/s (${p.sendLagP99.toFixed(0)} ms)`).join(', ')}: it did not get a CPU on time, and neither did its receiving side, so those points measure the machine as much as the server.`,
    );
  const benchBusy = results.points.filter((p) => p.benchCpuShare > 0.8);
  if (benchBusy.length)
    results.notes.push(
      `The bench process itself used over 80% of a core at ${benchBusy.map((p) => `${p.server} ${p.clients}x${p.rate}/s`).join(', ')}: there the clients, not only the server, limit what is measured.`,
    );
  const loadAfter = load1();
  if (Number(loadBefore) >= 1 || Number(loadAfter) >= 2.5)
    results.notes.push(
      `The machine was shared with other work during this run (load average ${loadBefore} before, ${loadAfter} after, on ${availableParallelism()} CPUs): latencies include time spent waiting for a CPU, for all servers alike (their points alternate); the CPU ms/edit columns hardly depend on it.`,
    );
  const hs = results.hocuspocusSettings;
  const versions = {
    reference: version('@y/websocket-server'),
    hocuspocus: version('@hocuspocus/server'),
    hocuspocusSqlite: version('@hocuspocus/extension-sqlite'),
  };
  results.notes.push(
    `The servers and the clients share ${availableParallelism()} CPUs; during one server's points the others are idle. The room's path is client -> wrangler's dev proxy -> workerd (Worker, then the Durable Object) and back; the reference's and Hocuspocus's are client -> Node.`,
    ...(hs
      ? [
          `Hocuspocus runs with its defaults: it stores a doc (its whole state, one SQLite row) ${hs.debounce} ms after the last change (\`debounce\`), at least every ${hs.maxDebounce} ms under steady edits (\`maxDebounce\`), and at once when the last client leaves; it sends an edit on before storing it, merging what arrives in one event-loop turn (\`flushDelay\` ${hs.flushDelay}). The room stores every edit before anyone else sees it, so their durability differs: an edit the room has shown survives a crash, one Hocuspocus has shown can be up to ${hs.maxDebounce / 1000} s from its SQLite file.`,
          `Hocuspocus's SQLite: @hocuspocus/extension-sqlite ${versions.hocuspocusSqlite} as it is (schema, queries, fetch, store), on node:sqlite's DatabaseSync instead of better-sqlite3, a native addon that cannot be installed for Node 22 on this machine (its binary and Node 22's headers are downloads from outside the npm registry); journal_mode ${hs.journalMode}, synchronous ${['OFF', 'NORMAL', 'FULL', 'EXTRA'][hs.synchronous] ?? hs.synchronous}, SQLite's defaults, which better-sqlite3 keeps too. Its clients speak Hocuspocus's framing (the doc's name before every message, an empty token first); it acknowledges each update to its sender (one frame more per edit), and a client that has sent nothing for 15 s renews its awareness, as the provider does, since Hocuspocus closes a socket silent for ${hs.timeout / 1000} s.`,
        ]
      : []),
    "`wrangler dev` runs without its local trace collector (`X_LOCAL_OBSERVABILITY=false`, bench/http/stack.mjs): it stores every invocation's trace in the Worker's own process, a development tool production does not run there.",
    'The room merges updates over a 5 ms window that grows with its sockets once sockets x edits/s passes 5,000 (rooms/fan-out.ts: 10 ms at 50 sockets, 20 ms at 100), so under load it sends far fewer frames than it receives edits; the reference sends every update to every socket.',
    'The room caps each connection at 200 frames/s (rooms/message-guard.ts FloodGuard); the busiest point per client, 10 clients at 1600 edits/s, sends 160 a second each, which is why the ladder stops at 1600.',
  );

  const run = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    commit,
    machine: `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, wrangler ${version('wrangler')}, yjs ${version('yjs')}, y-partyserver ${version('y-partyserver')}; load average ${loadBefore} before, ${loadAfter} after`,
    versions,
    referenceSeed,
    config: cfg,
    budget: BUDGET,
    servers: servers.map(({ name, short, label }) => ({ name, short, label })),
    ...results,
  };
  const section = renderSection(run);
  console.log(`\n${section}`);
  if (WRITE) {
    writeSection(`${root}bench/RESULTS.md`, HEADING, section);
    mkdirSync(`${root}bench/realtime/results`, { recursive: true });
    writeFileSync(`${root}bench/realtime/results/latest.json`, `${JSON.stringify(run, (_k, v) => (v === Infinity ? 'lost' : v), 1)}\n`);
    console.log('wrote bench/RESULTS.md and bench/realtime/results/latest.json');
  }
  await finish(0);
} catch (err) {
  await finish(1, `bench:realtime failed: ${err instanceof Error ? err.stack : err}`);
}

function ms(v) {
  return v === Infinity ? 'lost' : Number.isFinite(v) ? v.toFixed(1) : '-';
}
