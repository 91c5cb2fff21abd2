/**
 * Exactly once for the technician's phone. The phone keeps every action it takes offline in an
 * outbox, each with a key it made, and sends them again when the network returns: the same
 * request may then arrive after its answer was lost, or twice at once (the page and Background
 * Sync). A write route marked `idempotent` (worker/http/router.ts) takes that key as the
 * `Idempotency-Key` header (the IETF draft's name) and has its effect once per key, whatever
 * the handler does. What the phone relies on is told in the README, "The technician's phone".
 *
 * The key is claimed before the handler runs (an idempotency_keys row with status 0, "in
 * progress"), so of copies that arrive together only the one that claimed it runs; the others
 * get 409 and the phone sends them again later. The answer is then kept with the key and given
 * back unchanged to every later copy. An answer that is not final (a 5xx, or a 4xx another try
 * may pass) releases the key instead, so the next copy runs again. The same key with another
 * request is refused: replaying one answer to a different request would lose that request.
 *
 * A technician's write refused for good (a replay that no longer fits: the office cancelled or
 * reassigned the job meanwhile) is also written down for the office, in the same batch as its
 * kept answer (worker/jobs/phone-refusal-record.ts), so the refusal is never known to the phone
 * alone.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { idempotencyKeys, phoneRefusals } from '../../db/schema.ts';
import { phoneRefusalRow } from '../jobs/phone-refusal-record.ts';
import type { AppEnv } from '../env.ts';
import { fieldProblem, Problem } from '../problem.ts';
import { runBatch } from './batch.ts';

const HEADER = 'Idempotency-Key';

/** Visible ASCII only: a UUID fits, and nothing that could break a log line or a header. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters.')
  .openapi({
    description:
      'Makes the write happen once: the same key again gets the first answer (with Idempotent-Replayed: true); with another request, 422; while the first is still running, 409 (send it again later).',
  });

/** The header as the OpenAPI document lists it on each idempotent route. */
export const IdempotencyHeaders = z.object({ 'Idempotency-Key': IdempotencyKey.optional() });

/** A claimed key whose request has not answered yet. */
const IN_PROGRESS = 0;

/**
 * Refusals that another try would meet again, so they are the request's answer and kept. Any
 * other 4xx (401 signed out, 413/415 a body to fix, 429 slow down) may pass on a later try.
 */
const FINAL_REFUSALS = new Set([400, 403, 404, 409, 422]);
const isKept = (status: number) => (status >= 200 && status < 300) || FINAL_REFUSALS.has(status);

/**
 * A claim this old whose request never answered (its Worker died between claiming and keeping
 * the answer) may be taken over by the same request, so the phone is not refused forever. Far
 * longer than any request takes; a request that did commit before dying then runs twice, which
 * only keeping the answer in the handler's own transaction would prevent.
 */
const ABANDONED_MS = 5 * 60_000;

/** SHA-256 of the method, path with query and body: what "the same request" means here. */
async function requestHash(c: Context<AppEnv>, url: URL, body: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(`${c.req.method} ${url.pathname}${url.search}\n`);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

type Held = typeof idempotencyKeys.$inferSelect;

/** What a copy of a request gets when another copy holds its key. */
function answerHeld(held: Held | undefined, hash: string, userId: string): Response {
  const inProgress = () =>
    new Problem(
      409,
      'Still in progress',
      'The same request is being handled right now; send it again in a moment to get its answer.',
      [{ field: HEADER, in: 'header', message: 'A request with this key has not answered yet.' }],
      { 'Retry-After': '1' },
    );
  // Released between our claim and our read (the first copy failed): a moment later it runs again.
  if (!held) throw inProgress();
  if (held.requestHash !== hash || held.userId !== userId)
    throw fieldProblem(422, HEADER, 'header', 'This key was already used for another request; make a new key for each request.');
  if (held.status === IN_PROGRESS) throw inProgress();
  return new Response(held.body === '' ? null : held.body, {
    status: held.status,
    headers: {
      'content-type': held.status >= 400 ? 'application/problem+json' : 'application/json',
      'Idempotent-Replayed': 'true',
    },
  });
}

/**
 * The middleware. It runs after the permission check (it needs the session's org and user) and
 * before validation, so that a refusal of a bad body is kept like any other final answer.
 */
export function idempotent(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header(HEADER);
    if (given === undefined) return next();
    const parsed = IdempotencyKey.safeParse(given);
    if (!parsed.success) throw fieldProblem(400, HEADER, 'header', parsed.error.issues[0]?.message ?? 'Not a valid key.');
    const key = parsed.data;
    const { orgId, userId } = c.get('auth');
    const db = c.get('db');
    const url = new URL(c.req.url);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const hash = await requestHash(c, url, bytes);
    const claimedAt = Date.now();
    const thisKey = and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.key, key));
    // Claim and read in one round trip: the insert returns a row only when this copy claimed it.
    const [claimed, [held]] = (await runBatch(db, [
      db
        .insert(idempotencyKeys)
        .values({ orgId, key, userId, status: IN_PROGRESS, body: '', requestHash: hash, createdAt: claimedAt })
        .onConflictDoUpdate({
          target: [idempotencyKeys.orgId, idempotencyKeys.key],
          set: { createdAt: claimedAt },
          setWhere: sql`${idempotencyKeys.status} = ${IN_PROGRESS} and ${idempotencyKeys.createdAt} < ${claimedAt - ABANDONED_MS} and ${idempotencyKeys.requestHash} = excluded.request_hash and ${idempotencyKeys.userId} = excluded.user_id`,
        })
        .returning({ key: idempotencyKeys.key }),
      db.select().from(idempotencyKeys).where(thisKey),
    ])) as [unknown[], Held[]];
    if (!claimed.length) return answerHeld(held, hash, userId);

    await next();

    // Only this claim's row: if it was taken over as abandoned, the taker owns it now.
    const ours = and(thisKey, eq(idempotencyKeys.status, IN_PROGRESS), eq(idempotencyKeys.createdAt, claimedAt));
    const res = c.res;
    try {
      if (isKept(res.status)) {
        const answer = { status: res.status, body: await res.clone().text() };
        const keep = db.update(idempotencyKeys).set(answer).where(ours);
        const refusal = phoneRefusalRow(
          c.get('auth'),
          key,
          { method: c.req.method, url, contentType: c.req.header('content-type') ?? '', bytes },
          answer,
          Date.now(),
        );
        // One refusal per key: a copy that took over an abandoned claim finds it written already.
        if (refusal) await runBatch(db, [keep, db.insert(phoneRefusals).values(refusal).onConflictDoNothing()]);
        else await keep;
      } else await db.delete(idempotencyKeys).where(ours);
    } catch (err) {
      // The request's own effect is done: its answer still goes back, which is what the phone
      // needs most. The key stays claimed until it counts as abandoned.
      console.error('idempotency: could not keep the answer of key', key, err);
    }
  };
}
