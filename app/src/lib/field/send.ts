/**
 * Sending one outbox entry over HTTP: the entry's method, path and body with its Idempotency-Key,
 * the session cookie, and the answer reduced to what outbox.ts judges. Plain fetch rather than the
 * app's API client, because the service worker sends too (Background Sync) and has no Svelte and
 * no page to send to sign-in.
 */
import type { OutboxEntry, Send, SendResult, SendRun } from './outbox.ts';

export function requestOf(entry: OutboxEntry, origin = ''): Request {
  const headers = new Headers({ accept: 'application/json, application/problem+json', 'idempotency-key': entry.key });
  let body: BodyInit;
  if (entry.contentType) {
    headers.set('content-type', entry.contentType);
    body = entry.body as Blob;
  } else {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(entry.body);
  }
  return new Request(`${origin}${entry.path}`, { method: entry.method, headers, body, credentials: 'same-origin' });
}

async function problemOf(res: Response): Promise<{ title?: string; detail?: string; body?: unknown }> {
  try {
    const body = (await res.json()) as { title?: unknown; detail?: unknown };
    return {
      title: typeof body?.title === 'string' ? body.title : undefined,
      detail: typeof body?.detail === 'string' ? body.detail : undefined,
      body,
    };
  } catch {
    return {};
  }
}

/** A Send over fetch (the page's, or the service worker's). */
export function httpSend(fetcher: typeof fetch = (r) => fetch(r), origin = ''): Send {
  return async (entry): Promise<SendResult> => {
    let res: Response;
    try {
      res = await fetcher(requestOf(entry, origin));
    } catch (err) {
      return { kind: 'unreachable', message: err instanceof Error ? err.message : String(err) };
    }
    const retry = Number(res.headers.get('retry-after'));
    const { title, detail, body } = await problemOf(res);
    return {
      kind: 'answer',
      status: res.status,
      retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
      title,
      detail,
      body,
    };
  };
}

/** What POST /api/replay answers (worker/http/replay.ts). */
interface ReplayAnswer {
  results: { key: string; status: number; retryAfter?: number; body: unknown }[];
  stopped: boolean;
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * A SendRun over fetch: the entries in one POST /api/replay. An answer other than 200 is taken
 * for the first entry when another try may pass (signed out, 5xx, too many requests); any other
 * (the server refusing the run itself) makes the entries go one at a time, so no entry is ever
 * marked refused for what its neighbours did.
 */
export function httpSendRun(fetcher: typeof fetch = (r) => fetch(r), origin = ''): SendRun {
  return async (entries) => {
    const request = new Request(`${origin}/api/replay`, {
      method: 'POST',
      headers: { accept: 'application/json, application/problem+json', 'content-type': 'application/json' },
      body: JSON.stringify({ actions: entries.map((e) => ({ key: e.key, method: e.method, path: e.path, body: e.body })) }),
      credentials: 'same-origin',
    });
    let res: Response;
    try {
      res = await fetcher(request);
    } catch (err) {
      return [{ kind: 'unreachable', message: err instanceof Error ? err.message : String(err) }];
    }
    if (res.status !== 200) {
      const retry = Number(res.headers.get('retry-after'));
      const again = res.status === 401 || res.status === 408 || res.status === 429 || res.status >= 500;
      if (!again) return null;
      const { title, detail } = await problemOf(res);
      return [{ kind: 'answer', status: res.status, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined, title, detail }];
    }
    const answer = (await res.json()) as ReplayAnswer;
    return answer.results.map((r, i): SendResult => {
      // Answers line up with the entries by position; a key out of place means the run cannot be trusted.
      if (r.key !== entries[i]?.key) throw new Error('replay answers out of order');
      const problem = (r.body ?? {}) as { title?: unknown; detail?: unknown };
      return {
        kind: 'answer',
        status: r.status,
        retryAfter: r.retryAfter,
        title: text(problem.title),
        detail: text(problem.detail),
        body: r.body,
      };
    });
  };
}
