import { auditEvents } from '../../db/schema.ts';
import type { Db } from '../db.ts';

/** An audit row about a person's sign-in or security settings (entity 'user'). */
export function securityEvent(
  db: Db,
  e: { orgId: string; userId: string; actorUserId?: string | null; action: string; detail?: Record<string, unknown> },
) {
  return db.insert(auditEvents).values({
    id: crypto.randomUUID(),
    orgId: e.orgId,
    actorUserId: e.actorUserId === undefined ? e.userId : e.actorUserId,
    at: Date.now(),
    entity: 'user',
    entityId: e.userId,
    action: e.action,
    before: null,
    after: e.detail ?? null,
  });
}
