/**
 * Sending one outbox entry over HTTP: the entry's method, path and body with its Idempotency-Key,
 * the session cookie, and the answer reduced to what outbox.ts judges. Plain fetch rather than the
 * app's API client, because the service worker sends too (Background Sync) and has no Svelte and
 * no page to send to sign-in.
 */
import type { OutboxEntry, Send, SendResult } from './outbox.ts';

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
