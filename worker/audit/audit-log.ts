/**
 * The audit log for admins: who changed what and when, read from what the writes already record.
 * Jobs keep their own trail (job_events, written in the same batch as each job change); everything
 * else is in audit_events. The log is both, newest first, as one list: a union of the two tables
 * in one statement, with a keyset cursor on (at, id) so a page never repeats or skips a row that
 * arrives while someone pages.
 */
import { z } from '@hono/zod-openapi';
import { sql, type SQL } from 'drizzle-orm';
import { auditEvents, jobEvents, users } from '../../db/schema.ts';
import { decodeCursor, encodeCursor, MAX_LIMIT, parseSort } from '../http/list.ts';
import { problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';

export const auditRoutes = router();

const AuditEntry = z
  .object({
    id: z.string(),
    at: z.number(),
    entity: z.string().openapi({ description: "What was changed: 'job', 'customer', 'invoice', 'user', ..." }),
    entityId: z.string(),
    action: z.string(),
    actorUserId: z.string().nullable(),
    actorName: z.string().nullable().openapi({ description: 'Null for the system (a room, an import, a migration).' }),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry');

const AuditQuery = z.object({
  entity: z
    .string()
    .max(40)
    .regex(/^[a-z_]+$/, 'Lower-case letters and underscores only.')
    .optional(),
  entityId: z.string().max(64).optional(),
  actor: z.string().max(64).optional().openapi({ description: "A user's id: only what they did." }),
  from: z.coerce.number().int().min(0).optional().openapi({ description: 'Epoch ms, inclusive.' }),
  to: z.coerce.number().int().min(0).optional().openapi({ description: 'Epoch ms, exclusive.' }),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  cursor: z.string().max(400).optional(),
  sort: z.string().max(40).optional().openapi({ description: '`-at` (newest first, the default) or `at`.' }),
});

auditRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Audit'],
    summary: 'Who changed what, and when',
    description: 'Jobs’ events and every other record’s changes, newest first. Filter by what changed, by whom, and when.',
    permission: 'audit.read',
    request: { query: AuditQuery },
    responses: {
      200: json(z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }), 'A page of the log'),
      ...problemResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const orgId = c.get('auth').orgId;
    // Newest first unless asked otherwise; a cursor names its order, so one from the other order is refused.
    const order = parseSort(q.sort, { at: sql`at` }, '-at');
    const after = q.cursor ? decodeCursor(q.cursor, order) : null;
    const dir = order.desc ? sql`desc` : sql`asc`;
    // The same filters over both tables; a job event's entity is 'job' and its entity id the job.
    const where = (entity: SQL, entityId: SQL, actor: SQL, at: SQL, id: SQL) =>
      sql.join(
        [
          q.entity ? sql`${entity} = ${q.entity}` : undefined,
          q.entityId ? sql`${entityId} = ${q.entityId}` : undefined,
          q.actor ? sql`${actor} = ${q.actor}` : undefined,
          q.from !== undefined ? sql`${at} >= ${q.from}` : undefined,
          q.to !== undefined ? sql`${at} < ${q.to}` : undefined,
          after
            ? order.desc
              ? sql`(${at}, ${id}) < (${after.v}, ${after.id})`
              : sql`(${at}, ${id}) > (${after.v}, ${after.id})`
            : undefined,
        ].filter((x): x is SQL => !!x),
        sql` and `,
      );
    // Each table gives at most a page, newest first, from its (org, at, id) index; the union then
    // needs to order only those two pages.
    const filtered = (entity: SQL, entityId: SQL, actor: SQL, at: SQL, id: SQL) => {
      const w = where(entity, entityId, actor, at, id);
      return sql`${w.queryChunks.length ? sql` and ${w}` : sql``} order by ${at} ${dir}, ${id} ${dir} limit ${q.limit + 1}`;
    };
    const jobPart =
      q.entity && q.entity !== 'job'
        ? sql``
        : sql`select ${jobEvents.id} as id, ${jobEvents.at} as at, 'job' as entity, ${jobEvents.jobId} as entity_id,
            ${jobEvents.kind} as action, ${jobEvents.actorUserId} as actor, ${jobEvents.before} as before, ${jobEvents.after} as after
          from ${jobEvents} where ${jobEvents.orgId} = ${orgId}
          ${filtered(sql`'job'`, sql`${jobEvents.jobId}`, sql`${jobEvents.actorUserId}`, sql`${jobEvents.at}`, sql`${jobEvents.id}`)}`;
    const otherPart =
      q.entity === 'job'
        ? sql``
        : sql`select ${auditEvents.id} as id, ${auditEvents.at} as at, ${auditEvents.entity} as entity, ${auditEvents.entityId} as entity_id,
            ${auditEvents.action} as action, ${auditEvents.actorUserId} as actor, ${auditEvents.before} as before, ${auditEvents.after} as after
          from ${auditEvents} where ${auditEvents.orgId} = ${orgId}
          ${filtered(sql`${auditEvents.entity}`, sql`${auditEvents.entityId}`, sql`${auditEvents.actorUserId}`, sql`${auditEvents.at}`, sql`${auditEvents.id}`)}`;
    const parts = [jobPart, otherPart].filter((p) => p.queryChunks.length > 1).map((p) => sql`select * from (${p})`);
    const union = sql.join(parts, sql` union all `);
    const rows = await c.get('db').all<{
      id: string;
      at: number;
      entity: string;
      entity_id: string;
      action: string;
      actor: string | null;
      actor_name: string | null;
      before: string | null;
      after: string | null;
    }>(sql`select log.*, ${users.name} as actor_name from (${union}) as log
      left join ${users} on ${users.id} = log.actor and ${users.orgId} = ${orgId}
      order by log.at ${dir}, log.id ${dir} limit ${q.limit + 1}`);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return c.json(
      {
        items: page.map((r) => ({
          id: r.id,
          at: r.at,
          entity: r.entity,
          entityId: r.entity_id,
          action: r.action,
          actorUserId: r.actor,
          actorName: r.actor_name,
          before: r.before ? JSON.parse(r.before) : null,
          after: r.after ? JSON.parse(r.after) : null,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(order, last.at, last.id) : null,
      },
      200,
    );
  },
);
