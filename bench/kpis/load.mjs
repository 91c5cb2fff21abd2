// Concurrent managers, each signed in with a session of their own: one autocannon connection per
// session, each sending its next request as soon as the last one is answered (closed loop).
// autocannon's summary has no p95, so the latency of every 2xx answer is kept and the
// percentiles are read from the sorted samples, as bench/http/measure.mjs does.
import autocannon from 'autocannon';
import { totp } from '../http/auth.mjs';

function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** `sessions`: one cookie per connection (null: no cookie, for the reference route). */
export function loadSessions({ url, sessions, headers, seconds }) {
  return new Promise((resolve, reject) => {
    const samples = [];
    let next = 0;
    const instance = autocannon(
      {
        url,
        connections: sessions.length,
        duration: seconds,
        timeout: 10,
        headers,
        setupClient: (client) => {
          const cookie = sessions[next++ % sessions.length];
          client.setHeaders(cookie ? { ...headers, cookie } : headers);
        },
      },
      (err, result) => {
        if (err) return reject(err);
        samples.sort((a, b) => a - b);
        resolve({
          requests: result.requests.total,
          rps: result.requests.average,
          p50: percentile(samples, 50),
          p95: percentile(samples, 95),
          p99: percentile(samples, 99),
          max: samples.at(-1) ?? Number.NaN,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    });
  });
}

const cookieNamed = (res, name) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));

/**
 * Signs in as the app does (password, then a code from the authenticator app) and returns the
 * session cookie. Each manager has an account of their own, so no two share a TOTP step.
 */
export async function signIn(url, { email, password, totpSecret }) {
  const post = (path, body, cookie) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  let res = await post('/api/auth/sign-in', { email, password });
  let body = await res.text();
  if (!res.ok) throw new Error(`sign-in of ${email} answered ${res.status}: ${body.slice(0, 300)}`);
  if (JSON.parse(body).status === 'second-factor-required') {
    res = await post('/api/auth/second-factor', { code: totp(totpSecret) }, cookieNamed(res, '__Host-sb_attempt'));
    body = await res.text();
    if (!res.ok) throw new Error(`second factor of ${email} answered ${res.status}: ${body.slice(0, 300)}`);
  }
  const session = cookieNamed(res, '__Host-sb_session');
  if (!session) throw new Error(`sign-in of ${email} set no session cookie: ${body.slice(0, 300)}`);
  return session;
}
