// One autocannon run against one route. autocannon's own summary has no p95, so the latency
// of every 2xx response is kept here and the percentiles are read from the sorted samples.
import autocannon from 'autocannon';

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Closed loop: every connection sends its next request as soon as the last one is answered.
 * `countAll` keeps the latency of every answer, not only 2xx (for a deliberate 404 floor).
 */
export function load({ url, headers, connections, seconds, method = 'GET', body, countAll = false }) {
  return new Promise((resolve, reject) => {
    const samples = [];
    const opts = { url, method, body, headers, connections, duration: seconds, timeout: 10 };
    const instance = autocannon(opts, (err, result) => {
      if (err) return reject(err);
      samples.sort((a, b) => a - b);
      resolve({
        requests: result.requests.total,
        rps: result.requests.average,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        p99: percentile(samples, 99),
        max: samples[samples.length - 1] ?? NaN,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: result.statusCodeStats,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (countAll || (statusCode >= 200 && statusCode < 300)) samples.push(responseTime);
    });
  });
}

/**
 * Open loop: requests leave at evenly spaced instants (`rate` per second), whatever the answers
 * do, as independent users would send them. (autocannon's own rate limit releases each second's
 * requests in one burst, which measures a queue, not service time.)
 */
export async function paced({ url, headers, rate, seconds }) {
  const samples = [];
  let non2xx = 0;
  let errors = 0;
  const inFlight = [];
  const interval = 1000 / rate;
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const sent = performance.now();
    inFlight.push(
      fetch(url, { headers, signal: AbortSignal.timeout(10_000) })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status >= 200 && res.status < 300) samples.push(performance.now() - sent);
          else non2xx++;
        })
        .catch(() => errors++),
    );
  }
  await Promise.all(inFlight);
  samples.sort((a, b) => a - b);
  return {
    requests: inFlight.length,
    rps: inFlight.length / ((performance.now() - start) / 1000),
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    non2xx,
    errors,
    timeouts: 0,
  };
}

/** One plain request: the status, the problem title if any, and libSQL round trips from Server-Timing. */
export async function probe(url, headers) {
  const res = await fetch(url, { headers });
  const timing = res.headers.get('server-timing') ?? '';
  const trips = /desc="(\d+) round trips?"/.exec(timing);
  const dbMs = /db;dur=([\d.]+)/.exec(timing);
  const text = await res.text();
  let detail = '';
  try {
    detail = JSON.parse(text).detail ?? '';
  } catch {}
  return {
    status: res.status,
    roundTrips: trips ? Number(trips[1]) : null,
    dbMs: dbMs ? Number(dbMs[1]) : null,
    bytes: text.length,
    encoding: res.headers.get('content-encoding'),
    detail,
  };
}
