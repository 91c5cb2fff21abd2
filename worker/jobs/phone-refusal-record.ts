/**
 * What a technician's phone write was, once the server has refused it for good: the row of
 * phone_refusals that the office reads on the job (worker/jobs/phone-refusals.ts). The keep step
 * of worker/http/idempotency.ts makes it from the request it already holds and the answer it
 * keeps, so it costs no round trip of its own.
 *
 * The office needs the job, the action in its own words and what the technician asked for, not
 * the request: a note's text, the status asked for, a photo's caption and size (never its bytes).
 * Everything kept is trimmed, and made well-formed Unicode, since a body refused for holding a
 * lone surrogate must still be written down (libSQL's protocol cannot carry one).
 */
import { statusLabel } from '../../core/lifecycle.ts';
import type { phoneRefusals } from '../../db/schema.ts';
import type { AuthContext } from '../auth/session.ts';

/** Long enough for a note's gist; the full text of a refused note is still on the phone. */
const MAX_ATTEMPTED = 300;
const MAX_DETAIL = 500;
/** Job ids are UUIDs; anything longer is kept cut, as the path sent it. */
const MAX_JOB_ID = 64;

type Row = typeof phoneRefusals.$inferInsert;
type Body = Record<string, unknown>;

/** The request as the idempotency middleware holds it. */
export interface RefusedRequest {
  method: string;
  url: URL;
  contentType: string;
  bytes: Uint8Array;
}

const trimmed = (text: string, max: number) =>
  (text.length > max ? `${text.slice(0, max - 1)}…` : text).toWellFormed().replace(/\s+/g, ' ').trim();
const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const kib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const times = (quantity: unknown, what: string) => (num(quantity) === null ? what : `${num(quantity)} × ${what}`);

/**
 * The phone's writes (app/src/lib/field/send.ts), each in the office's words. A write not listed
 * here is still kept, named by its method and path with its body's plain values.
 */
const ACTIONS: {
  method: string;
  path: RegExp;
  action: (query: URLSearchParams) => string;
  attempted: (body: Body, query: URLSearchParams, req: RefusedRequest) => string | null;
}[] = [
  {
    method: 'POST',
    path: /^\/api\/jobs\/[^/]+\/transitions$/,
    action: () => 'Status change',
    attempted: (b) => (str(b.to) ? `To ${statusLabel(String(b.to))}${str(b.note) ? `: ${b.note}` : ''}` : null),
  },
  { method: 'POST', path: /^\/api\/jobs\/[^/]+\/notes$/, action: () => 'Note', attempted: (b) => str(b.text) },
  {
    method: 'PUT',
    path: /^\/api\/jobs\/[^/]+\/files\/[^/]+$/,
    action: (q) => (q.get('kind') === 'signature' ? 'Signature' : 'Photo'),
    attempted: (_, q, req) => {
      const said = q.get('kind') === 'signature' ? str(q.get('signerName')) && `Signed by ${q.get('signerName')}` : str(q.get('caption'));
      const size = req.bytes.byteLength ? `${req.contentType || 'no type'}, ${kib(req.bytes.byteLength)}` : 'no image sent';
      return said ? `${said} (${size})` : size;
    },
  },
  {
    method: 'POST',
    path: /^\/api\/line-items$/,
    action: () => 'Line item',
    attempted: (b) => times(b.quantity, str(b.description) ?? (str(b.priceBookItemId) ? 'a price-book item' : 'a line')),
  },
  {
    method: 'POST',
    path: /^\/api\/part-usages$/,
    action: () => 'Part used',
    attempted: (b) => times(b.quantity, str(b.partId) ? `part ${b.partId}` : 'a part'),
  },
];

/** A body's plain values ("to: on_hold, note: …"), for a write ACTIONS does not name. */
function plainValues(body: Body): string | null {
  const pairs = Object.entries(body).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
  return pairs.length ? pairs.map(([k, v]) => `${k}: ${v}`).join(', ') : null;
}

function jsonBody(req: RefusedRequest): Body {
  if (!/json/i.test(req.contentType) || !req.bytes.byteLength) return {};
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(req.bytes));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Body) : {};
  } catch {
    return {};
  }
}

/** The job the request named: in its path (/api/jobs/{id}/...) or as `jobId` in its body. */
function jobOf(path: string, body: Body): string | null {
  const inPath = /^\/api\/jobs\/([^/]+)/.exec(path)?.[1];
  let id: string | null = null;
  if (inPath) {
    try {
      id = decodeURIComponent(inPath);
    } catch {
      id = inPath;
    }
  } else id = str(body.jobId);
  return id === null ? null : id.slice(0, MAX_JOB_ID).toWellFormed();
}

/** The problem+json answer's title and detail (a 422's first field message when it has no detail). */
function reasonOf(answer: string): { title: string; detail: string | null } {
  try {
    const p = JSON.parse(answer) as { title?: unknown; detail?: unknown; errors?: { message?: unknown }[] };
    const detail = str(p.detail) ?? str(p.errors?.[0]?.message);
    return { title: str(p.title) ?? 'Refused', detail: detail && trimmed(detail, MAX_DETAIL) };
  } catch {
    return { title: 'Refused', detail: null };
  }
}

/**
 * The row to keep for a refused write, or null when there is none to keep: only a technician's
 * writes come from the phone (the office sees its own refusals on its own screen).
 */
export function phoneRefusalRow(
  auth: Pick<AuthContext, 'orgId' | 'userId' | 'role'>,
  key: string,
  req: RefusedRequest,
  answer: { status: number; body: string },
  at: number,
): Row | null {
  if (auth.role !== 'technician' || answer.status < 400) return null;
  const path = req.url.pathname;
  const body = jsonBody(req);
  const known = ACTIONS.find((a) => a.method === req.method && a.path.test(path));
  const attempted = known ? known.attempted(body, req.url.searchParams, req) : plainValues(body);
  return {
    id: crypto.randomUUID(),
    orgId: auth.orgId,
    userId: auth.userId,
    jobId: jobOf(path, body),
    idempotencyKey: key,
    method: req.method,
    path: trimmed(path, 500),
    action: known ? known.action(req.url.searchParams) : `${req.method} ${trimmed(path, 200)}`,
    attempted: attempted === null ? null : trimmed(attempted, MAX_ATTEMPTED),
    status: answer.status,
    ...reasonOf(answer.body),
    at,
  };
}
