/**
 * RFC 9457 problem details. Every error the API gives is one of these, naming the field at
 * fault where there is one; nothing else (no stack, no SQL) ever reaches the client.
 */
import type { Context } from 'hono';
import type { ZodError } from 'zod';

export interface FieldError {
  /** Dotted path of the offending field, e.g. 'name' or 'lines.2.quantity'. */
  field: string;
  /** Where the field was: body, query or path. */
  in: 'body' | 'query' | 'path' | 'header' | 'cookie';
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

const TYPES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'validation',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
};

export function problemBody(p: Problem, instance?: string) {
  return {
    type: `https://switchboard.dev/problems/${TYPES[p.status] ?? 'error'}`,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(instance ? { instance } : {}),
    ...(p.errors?.length ? { errors: p.errors } : {}),
  };
}

export function problemResponse(c: Context, p: Problem): Response {
  return new Response(JSON.stringify(problemBody(p, new URL(c.req.url).pathname)), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', ...p.headers },
  });
}

export function fieldProblem(status: 400 | 409 | 422, field: string, where: FieldError['in'], message: string): Problem {
  return new Problem(status, status === 409 ? 'Conflict' : 'Invalid request', message, [{ field, in: where, message }]);
}

export const notFound = (what: string) => new Problem(404, 'Not found', `No ${what} with that id.`);

/** Turns zod's issues into field errors. Body problems are 422; query and path problems 400. */
export function zodProblem(error: ZodError, where: FieldError['in']): Problem {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ field: [...issue.path, key].join('.'), in: where, message: 'Unknown field.' });
      }
      continue;
    }
    const field = issue.path.join('.') || '(root)';
    errors.push({ field, in: where, message: issue.message });
  }
  const status = where === 'body' ? 422 : 400;
  const names = [...new Set(errors.map((e) => e.field))].join(', ');
  return new Problem(status, 'Invalid request', `Check these fields: ${names}.`, errors);
}

/**
 * A libSQL constraint failure that got past the API's own checks (two requests racing for the
 * same unique value, say) becomes a 409 naming the field instead of a 500.
 */
export function constraintProblem(err: unknown): Problem | null {
  const message =
    String((err as { message?: unknown })?.message ?? '') + String((err as { cause?: { message?: unknown } })?.cause?.message ?? '');
  // "UNIQUE constraint failed: parts.org_id, parts.sku": per-org indexes lead with org_id, so
  // the field at fault is the last column named.
  const unique = /UNIQUE constraint failed: ([\w., ]+)/.exec(message);
  if (unique) {
    const column = unique[1]!.split(',').pop()!.trim().split('.').pop()!;
    const field = column.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());
    return fieldProblem(409, field, 'body', 'That value is already taken.');
  }
  if (/CHECK constraint failed/.test(message)) {
    return new Problem(
      409,
      'Conflict',
      'The change would break a rule the records must keep (e.g. stock below zero); nothing was changed.',
    );
  }
  return null;
}
