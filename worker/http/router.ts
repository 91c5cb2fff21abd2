import { OpenAPIHono, createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import type { Permission } from '../../core/permissions.ts';
import { requirePermission } from '../authz.ts';
import { fieldProblem, zodProblem } from '../problem.ts';
import { IdempotencyHeaders, idempotent } from './idempotency.ts';

/**
 * The first string in a parsed body that is not well-formed Unicode (a lone surrogate, which
 * JSON can spell as "\ud835"), with its path. libSQL's protocol cannot carry such text, so it
 * is refused here as bad input instead of failing later as a server error.
 */
function brokenText(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path.join('.') || '(body)';
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = brokenText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** A router whose validation failures become problem+json naming the fields. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const where =
          result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target === 'query' ? 'query' : 'header';
        throw zodProblem(result.error, where);
      }
      const broken = result.target === 'json' ? brokenText(result.data) : null;
      if (broken) throw fieldProblem(422, broken, 'body', 'Contains text that is not valid Unicode (an unpaired surrogate).');
    },
  });
}

export type GuardedRoute = RouteConfig & {
  permission: Permission | 'public';
  /** Takes an Idempotency-Key (worker/http/idempotency.ts): a write the technician's phone may send more than once. */
  idempotent?: true;
};

/**
 * createRoute plus the route's permission: checked by middleware before the handler, and
 * published as `x-permission` in the OpenAPI document (the authorisation matrix test reads it).
 * The route's own middleware runs after the permission check, and the idempotency key's after
 * that (it reads the body, so a route that limits its body does so first).
 */
export function route<R extends GuardedRoute>(config: R) {
  const { permission, idempotent: once, middleware, ...rest } = config;
  return createRoute({
    ...rest,
    ...(once ? { request: { ...rest.request, headers: IdempotencyHeaders } } : {}),
    'x-permission': permission,
    middleware: [
      ...(permission === 'public' ? [] : [requirePermission(permission)]),
      ...(middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware]),
      ...(once ? [idempotent()] : []),
    ],
  } as RouteConfig & { 'x-permission': string }) as unknown as Omit<R, 'permission' | 'idempotent'>;
}

export const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
export const body = <T>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
