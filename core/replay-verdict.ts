/**
 * How an answer to a replayed phone action is taken, by the phone's outbox
 * (app/src/lib/field/outbox.ts) and by the Worker's batch replay (worker/http/replay.ts), which
 * must stop exactly where the phone would: a replay keeps the order the actions were taken in,
 * so nothing may run after an action that has to be sent again.
 *
 * 2xx: delivered (a replayed key's first answer counts the same). 400, 403, 404, 409, 410, 413,
 * 415, 422: final refusals, kept by the server with the key, so sending again would get the same
 * no. Except a 409 that says the same key is still being worked on (a duplicate arriving while
 * the first is in flight: "retry later"), which comes with Retry-After or says so in its title.
 * 401 (signed out), 408, 429, 5xx, and no answer at all: retry.
 */
export type Verdict = 'delivered' | 'refused' | 'retry';

export interface ReplayAnswer {
  status: number;
  retryAfter?: number;
  title?: string;
  detail?: string;
}

const FINAL = new Set([400, 403, 404, 409, 410, 413, 415, 422]);

export function replayVerdict(answer: ReplayAnswer | null): Verdict {
  if (!answer) return 'retry';
  const { status } = answer;
  if (status >= 200 && status < 300) return 'delivered';
  const stillRunning =
    status === 409 &&
    (answer.retryAfter != null || /in progress|being processed|still processing/i.test(`${answer.title} ${answer.detail}`));
  if (stillRunning) return 'retry';
  return FINAL.has(status) ? 'refused' : 'retry';
}
