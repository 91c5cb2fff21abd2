// The workload: dispatchers moving jobs on the board with core/board-doc.ts placeJob, offered
// open loop (edits at evenly spaced instants whatever the server does), and the propagation of
// each edit to the observers, timed in this one process with performance.now().
import { placeJob } from '../../core/board-client.ts';
import { mulberry32 } from '../../db/seed/prng.ts';

const MINUTE = 60_000;
/** Starts on 15-minute slots from 07:00 to 16:45 local; common durations. */
const FIRST_SLOT = 7 * 60 * MINUTE;
const SLOTS = 40;
const DURATIONS = [30, 45, 60, 90, 120];

/** Small seeded PRNG, so both servers get the same sequence of placements. */
export const prng = mulberry32;

/** A plausible move: one of the org's technicians, a slot on the board's day, a usual duration. */
export function placementPicker({ techIds, day, seed = 1 }) {
  const rnd = prng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  return () => ({
    technicianId: pick(techIds),
    start: day.start + FIRST_SLOT + Math.floor(rnd() * SLOTS) * 15 * MINUTE,
    durationMin: pick(DURATIONS),
  });
}

export const placementKey = (jobId, p) => `${jobId}|${p.technicianId}|${p.start}|${p.durationMin}`;

/** Each client edits only its own jobs, so no two clients ever race on one job (a lost race would look like a lost edit). */
export function shareJobs(jobIds, n) {
  const shares = Array.from({ length: n }, () => []);
  jobIds.forEach((id, i) => shares[i % n].push(id));
  return shares;
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Sends edits from `clients` round robin at `rate` edits/s for `durationMs` (or `count` edits),
 * and times each one until every observer other than its sender has applied it. Edits sent in
 * the first `warmupMs` are sent but not counted. An edit not seen by every observer within
 * `drainMs` after the last send is lost; it counts as slower than any latency in the percentiles.
 */
export async function runEdits({
  clients,
  jobShares,
  picker,
  rate,
  durationMs = Infinity,
  count = Infinity,
  warmupMs = 0,
  drainMs = 3000,
}) {
  const n = clients.length;
  const observerIdx = new Set(clients.flatMap((c, i) => (c.observer ? [i] : [])));
  const total = Math.min(count, Math.floor((durationMs / 1000) * rate));
  const interval = 1000 / rate;
  const pending = new Map();
  const toAll = [];
  const deliveries = [];
  const lags = [];
  let sent = 0;
  let counted = 0;
  let unchanged = 0;
  let refused = 0;
  let lastRefusal = '';

  const seen = (key, now) => {
    const e = pending.get(key);
    if (!e) return;
    if (e.counted) deliveries.push(now - e.t0);
    if (--e.remaining === 0) {
      pending.delete(key);
      if (e.counted) toAll.push(now - e.t0);
    }
  };
  const unwatch = clients.filter((c) => c.observer).map((c) => c.watchPlacements(seen));
  const cursor = new Array(n).fill(0);
  const start = performance.now();
  let k = 0;

  const sendOne = (due) => {
    const i = k % n;
    k++;
    const jobs = jobShares[i];
    const jobId = jobs[cursor[i]++ % jobs.length];
    let p = picker();
    for (let tries = 0; tries < 8 && pending.has(placementKey(jobId, p)); tries++) p = picker();
    const key = placementKey(jobId, p);
    const t0 = performance.now();
    const entry = { t0, remaining: observerIdx.size - (observerIdx.has(i) ? 1 : 0), counted: t0 - start >= warmupMs };
    // Registered before the send: the send is synchronous, no observer can apply it before we return.
    if (entry.remaining > 0 && !pending.has(key)) pending.set(key, entry);
    else entry.counted = false;
    const r = placeJob(clients[i].doc, jobId, p, 'bench');
    if (!r.ok || !r.changed) {
      if (pending.get(key) === entry) pending.delete(key);
      if (r.ok) unchanged++;
      else {
        refused++;
        lastRefusal = r.message;
      }
      return;
    }
    sent++;
    lags.push(t0 - due);
    if (entry.counted) counted++;
  };

  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && start + k * interval <= now) sendOne(start + k * interval);
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, start + k * interval - performance.now()));
    };
    tick();
  });
  const sendMs = performance.now() - start;

  const drainUntil = performance.now() + drainMs;
  while ([...pending.values()].some((e) => e.counted) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  unwatch.forEach((f) => f());
  const lost = [...pending.values()].filter((e) => e.counted).length;

  toAll.sort((a, b) => a - b);
  deliveries.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const withLost = lost ? [...toAll, ...new Array(lost).fill(Infinity)] : toAll;
  return {
    rate,
    clients: n,
    observers: observerIdx.size,
    sent,
    counted,
    lost,
    unchanged,
    refused,
    lastRefusal,
    achievedRate: sent / (sendMs / 1000),
    p50: percentile(withLost, 50),
    p95: percentile(withLost, 95),
    p99: percentile(withLost, 99),
    max: withLost[withLost.length - 1] ?? NaN,
    deliveryP50: percentile(deliveries, 50),
    deliveryP99: percentile(deliveries, 99),
    /** How late this process sent edits against their schedule: a busy bench shows here. */
    sendLagP99: percentile(lags, 99),
  };
}
