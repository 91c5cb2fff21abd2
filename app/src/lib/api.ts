/**
 * The app's client for the Switchboard API: openapi-fetch over the paths generated from the API's
 * own document (./api/schema.d.ts, `npm run api:types`). `client` is typed by those paths;
 * `api.get/post/patch/delete` keep the older shape (a path under /api and the answer's type named
 * by the caller) and go through the same client. Every failure becomes an ApiError carrying the
 * RFC 9457 problem the API sent (title, detail, field errors), so pages can show the server's
 * own words and put field messages next to the right inputs.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api/schema.d.ts';

export interface FieldError {
  field: string;
  in: 'body' | 'query' | 'path' | 'header' | 'cookie';
  message: string;
}

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fieldErrors: FieldError[] = [],
    /** Seconds, from Retry-After on a 429 or 503. */
    readonly retryAfter?: number,
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }

  /** The message for one field, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * When false, a 401 is only thrown, not treated as "session over". The sign-in form needs this:
   * a wrong password is a 401 too, and must not bounce the page to itself.
   */
  redirectOn401?: boolean;
}

let unauthorized: (() => void) | undefined;

/** What to do when the API says the session is over (set once by the root layout). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Unset, null and empty values are left out, so a cleared filter is no filter. */
function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  return params.toString();
}

function isFieldError(x: unknown): x is FieldError {
  return (
    typeof x === 'object' && x !== null && typeof (x as FieldError).field === 'string' && typeof (x as FieldError).message === 'string'
  );
}

async function toError(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy page, an empty body): fall back to the status line.
  }
  if (typeof body === 'object' && body !== null) {
    const p = body as { title?: unknown; detail?: unknown; errors?: unknown };
    const errors = Array.isArray(p.errors) ? p.errors.filter(isFieldError) : [];
    return new ApiError(
      res.status,
      typeof p.title === 'string' ? p.title : res.statusText || 'Request failed',
      typeof p.detail === 'string' ? p.detail : undefined,
      errors,
      retryAfter,
    );
  }
  return new ApiError(res.status, res.statusText || 'Request failed', `The server answered ${res.status}.`, [], retryAfter);
}

/**
 * Turns every answer that is not a success into a thrown ApiError (a 401 also tells the layout the
 * session is over, unless the call said `redirectOn401: false`), and a request that got no answer
 * into ApiError 0. An abort stays an AbortError, so callers can tell it apart (isAbort).
 */
const problemsAsErrors: Middleware = {
  async onResponse({ request, response }) {
    if (response.ok) return undefined;
    const error = await toError(response);
    if (response.status === 401 && (request as Request & { redirectOn401?: boolean }).redirectOn401 !== false) unauthorized?.();
    throw error;
  },
  onError({ error }) {
    if (isAbort(error)) return undefined;
    return new ApiError(0, 'Cannot reach Switchboard', 'Check your connection and try again.');
  },
};

/** The typed client: `client.GET('/api/jobs/{id}', { params: { path: { id } } })`. */
export const client = createClient<paths>({
  headers: { accept: 'application/json, application/problem+json' },
  credentials: 'same-origin',
  querySerializer: queryString,
  // Looked up at each call rather than captured once, so whatever fetch the page has is used.
  fetch: (req) => fetch(req),
});
client.use(problemsAsErrors);

/** client.request without the path types: the older callers build concrete paths themselves. */
type UntypedRequest = (method: string, url: string, init: Record<string, unknown>) => Promise<{ data?: unknown }>;

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const { data } = await (client.request as unknown as UntypedRequest)(method, `/api${path}`, {
    params: { query: opts.query },
    body: opts.body,
    signal: opts.signal,
    // openapi-fetch puts init keys a Request lacks on the Request, where problemsAsErrors reads it.
    redirectOn401: opts.redirectOn401,
  });
  return data as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('PATCH', path, { ...opts, body }),
  delete: <T = void>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, { ...opts, body }),
};

/** "Try again in 40 seconds." / "Try again in 3 minutes." from a Retry-After in seconds. */
export function retryIn(seconds: number | undefined): string {
  if (!seconds) return 'Try again later.';
  if (seconds < 90) return `Try again in ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minutes.`;
}

/** The API's answer when a change to how one signs in needs a sign-in in the last 5 minutes. */
export function needsFreshSignIn(err: unknown): boolean {
  return err instanceof ApiError && err.status === 403 && err.title === 'Sign in again to change this';
}

/** Any failure as an ApiError, so pages have one shape to show. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  console.error(err);
  return new ApiError(0, 'Something went wrong', 'Please try again.');
}
