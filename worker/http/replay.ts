/**
 * POST /api/replay: the phone's outbox sent in one request. A technician back from a basement
 * may have a hundred actions waiting; one after the other, each is a whole HTTP exchange (the
 * phone's radio, the service worker, the edge), and that wait, not the work, is most of a
 * replay's time (bench/field). Here the Worker runs a run of them in order itself.
 *
 * Nothing new decides anything: each action is dispatched through the app as the request the
 * phone would have sent on its own (same path, body, credentials and Origin, its own
 * Idempotency-Key), so every door's rules, the idempotency keys and the audit apply unchanged,
 * and an action sent once here and once on its own still has one effect. The run stops at the
 * first action the phone would have to send again (core/replay-verdict.ts, the rule the phone
 * follows): the order the technician worked in is the point, so nothing runs after it. Photos and
 * signatures are not JSON and go on their own, as before.
 */
import { z } from '@hono/zod-openapi';
import { replayVerdict } from '../../core/replay-verdict.ts';
import type { AppEnv } from '../env.ts';
import { IdempotencyKey } from './idempotency.ts';
import { onBehalfOf } from './own-requests.ts';
import { problemResponses } from './resource.ts';
import { body, json, route, router } from './router.ts';

/** How many actions one replay may carry: a day's worth comes in a few requests, none of them long. */
export const MAX_REPLAY_ACTIONS = 50;
export const REPLAY_PATH = '/api/replay';

/** Headers an action takes from the replay request: who is asking, and from where. */
const CARRIED = ['cookie', 'authorization', 'origin', 'user-agent', 'accept-language', 'cf-connecting-ip', 'x-forwarded-for'];

/** Under /api/ once resolved (no `..` or another origin), and not a replay inside a replay. */
function isActionPath(path: string): boolean {
  if (!path.startsWith('/api/')) return false;
  const url = new URL(path, 'https://switchboard.invalid');
  return url.origin === 'https://switchboard.invalid' && url.pathname.startsWith('/api/') && !url.pathname.startsWith(REPLAY_PATH);
}

const Action = z
  .object({
    key: IdempotencyKey,
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string().max(500).refine(isActionPath, 'A path under /api/ (not the replay itself), as the action would be sent on its own.'),
    body: z.unknown().optional().openapi({ description: 'The JSON body the action would be sent with.' }),
  })
  .strict()
  .openapi('ReplayAction', { description: 'One action of the outbox, as it would be sent on its own.' });

const ReplayRequest = z
  .object({ actions: z.array(Action).min(1).max(MAX_REPLAY_ACTIONS) })
  .strict()
  .refine((r) => new Set(r.actions.map((a) => a.key)).size === r.actions.length, {
    message: 'Each action needs its own Idempotency-Key.',
    path: ['actions'],
  })
  .openapi('ReplayRequest');

const ReplayResult = z
  .object({
    key: z.string(),
    status: z.number().int(),
    retryAfter: z.number().optional(),
    body: z.unknown().openapi({ description: "The action's own answer: its record, or its problem+json." }),
  })
  .openapi('ReplayResult');

const ReplayAnswer = z
  .object({
    results: z.array(ReplayResult).openapi({ description: 'One answer per action run, in order.' }),
    stopped: z.boolean().openapi({
      description: 'True when the run stopped before the end: the last result must be sent again, and the actions after it were not run.',
    }),
  })
  .openapi('ReplayAnswer');

type Dispatch = (request: Request, env: AppEnv['Bindings'], ctx: ExecutionContext) => Response | Promise<Response>;

async function answerOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The routes, given the app that runs each action (buildApp passes its own fetch). */
export function replayRoutes(dispatch: Dispatch) {
  const routes = router();
  routes.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['Technician phone'],
      summary: 'Runs queued actions in order, each as if sent on its own with its Idempotency-Key',
      description: `At most ${MAX_REPLAY_ACTIONS} actions. Each is answered as its own request would be (its record, or its problem+json), and has one effect however often it is sent, here or on its own. The run stops at the first action that should be sent again later (a 5xx, 401, 408, 429, or the same key still being worked on); the actions after it were not run.`,
      permission: 'session.self',
      request: body(ReplayRequest),
      responses: { 200: json(ReplayAnswer, 'What each action was answered, in order'), ...problemResponses },
    }),
    async (c) => {
      const { actions } = c.req.valid('json');
      const outer = c.req.raw;
      const results: z.infer<typeof ReplayResult>[] = [];
      let stopped = false;
      for (const action of actions) {
        const headers = new Headers({ 'idempotency-key': action.key, accept: 'application/json' });
        for (const name of CARRIED) {
          const value = outer.headers.get(name);
          if (value !== null) headers.set(name, value);
        }
        const hasBody = action.body !== undefined;
        if (hasBody) headers.set('content-type', 'application/json');
        const request = new Request(new URL(action.path, outer.url), {
          method: action.method,
          headers,
          body: hasBody ? JSON.stringify(action.body) : undefined,
        });
        const res = await dispatch(onBehalfOf(request, c.get('auth')), c.env, c.executionCtx as ExecutionContext);
        const retry = Number(res.headers.get('retry-after'));
        const answer = await answerOf(res);
        const problem = (answer ?? {}) as { title?: unknown; detail?: unknown };
        const result = {
          key: action.key,
          status: res.status,
          ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {}),
          body: answer,
        };
        results.push(result);
        const verdict = replayVerdict({
          status: res.status,
          retryAfter: result.retryAfter,
          title: typeof problem.title === 'string' ? problem.title : undefined,
          detail: typeof problem.detail === 'string' ? problem.detail : undefined,
        });
        if (verdict === 'retry') {
          stopped = true;
          break;
        }
      }
      return c.json({ results, stopped }, 200);
    },
  );
  return routes;
}
