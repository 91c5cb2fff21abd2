/**
 * A technician's schedule as an iCalendar feed, for the calendar app on their phone or desk.
 *
 * Calendar apps fetch a feed by URL with no session, so the URL itself is the credential: a
 * 256-bit random token, of which only the SHA-256 is kept (calendar_feeds). Its owner sees the
 * URL once, when they make it; renewing makes a new one (the old stops at once) and revoking
 * removes it. A deactivated user's feed stops answering with their account.
 *
 * Each job is one event with a stable UID (the job's id), its sequence the job's schedule
 * version, so a calendar app updates a moved job in place instead of adding a second one. Times
 * are written in the technician's timezone with its VTIMEZONE (timezones-ical-library), so the
 * app shows them right even across a daylight-saving change.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import ical, { ICalEventStatus } from 'ical-generator';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { toBase64Url } from '../../core/base64url.ts';
import { calendarFeeds, customers, jobs, locations, orgs, technicians, users } from '../../db/schema.ts';
import { hashToken } from '../auth/session.ts';
import { auditInsert, problemResponses, writeContext } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';
import { Problem } from '../problem.ts';

export const calendarRoutes = router();

/** How far back and ahead a feed reaches: last month's jobs for reference, the next quarter's to plan. */
const PAST_MS = 31 * 86_400_000;
const AHEAD_MS = 92 * 86_400_000;

const CalendarFeed = z
  .object({
    active: z.boolean(),
    createdAt: z.number().nullable(),
    /** Only in the answer that made it: the URL is not kept, so it cannot be shown again. */
    url: z.string().nullable(),
  })
  .openapi('CalendarFeed');

const feedUrl = (origin: string, token: string) => `${origin}/api/calendar/feeds/${token}`;

calendarRoutes.openapi(
  route({
    method: 'get',
    path: '/feed',
    tags: ['Calendar'],
    summary: 'Whether I have a calendar feed',
    permission: 'account.self',
    responses: { 200: json(CalendarFeed, 'The feed, without its URL'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const [feed] = await c
      .get('db')
      .select({ createdAt: calendarFeeds.createdAt })
      .from(calendarFeeds)
      .where(and(eq(calendarFeeds.userId, auth.userId), eq(calendarFeeds.orgId, auth.orgId)));
    return c.json({ active: !!feed, createdAt: feed?.createdAt ?? null, url: null }, 200);
  },
);

calendarRoutes.openapi(
  route({
    method: 'post',
    path: '/feed',
    tags: ['Calendar'],
    summary: 'Make or renew my calendar feed',
    description: 'Answers the feed URL once. A feed made before stops working at once.',
    permission: 'account.self',
    responses: {
      201: json(CalendarFeed, 'The new feed, with its URL'),
      409: { description: 'The account is not a technician (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { auth, db, now } = ctx;
    const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const tokenHash = await hashToken(token);
    // The feed is written only for a user who is an active technician of this org: the insert
    // selects its row from that technician, so the check and the write are one statement.
    const isTechnician = sql`exists (select 1 from ${technicians} where ${technicians.userId} = ${auth.userId}
      and ${technicians.orgId} = ${auth.orgId} and ${technicians.active} = 1)`;
    const [written] = await db.batch([
      db.run(sql`insert into ${calendarFeeds} (user_id, org_id, token_hash, created_at)
        select ${auth.userId}, ${auth.orgId}, ${tokenHash}, ${now} where ${isTechnician}
        on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = excluded.created_at`),
      auditInsert(ctx, 'calendar_feed', auth.userId, 'renewed', null, { createdAt: now }, isTechnician),
    ]);
    if (!written.rowsAffected)
      throw new Problem(
        409,
        'Not a technician',
        'Calendar feeds carry a technician’s schedule, and this account is not an active technician.',
      );
    return c.json({ active: true, createdAt: now, url: feedUrl(new URL(c.req.url).origin, token) }, 201);
  },
);

calendarRoutes.openapi(
  route({
    method: 'delete',
    path: '/feed',
    tags: ['Calendar'],
    summary: 'Revoke my calendar feed',
    permission: 'account.self',
    responses: { 204: { description: 'No feed any more (also when there was none)' }, ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { auth, db } = ctx;
    const mine = and(eq(calendarFeeds.userId, auth.userId), eq(calendarFeeds.orgId, auth.orgId));
    await db.batch([
      // Recorded only when there was a feed to revoke.
      auditInsert(ctx, 'calendar_feed', auth.userId, 'revoked', null, null, sql`exists (select 1 from ${calendarFeeds} where ${mine})`),
      db.delete(calendarFeeds).where(mine),
    ]);
    return c.body(null, 204);
  },
);

calendarRoutes.openapi(
  route({
    method: 'get',
    path: '/feeds/{token}',
    tags: ['Calendar'],
    summary: 'A technician’s schedule (iCalendar)',
    description: 'For calendar apps: the token in the URL is the credential. Jobs from a month back to three months ahead.',
    permission: 'public',
    request: { params: z.object({ token: z.string().min(1).max(100) }) },
    responses: {
      200: { content: { 'text/calendar': { schema: z.string() } }, description: 'The feed' },
      404: { description: 'No feed with that token (revoked, renewed or never made)' },
    },
  }),
  async (c) => {
    const db = c.get('db');
    const tokenHash = await hashToken(c.req.valid('param').token);
    const now = Date.now();
    // The feed's technician, and their jobs, in one round trip: both read through the token.
    const owner = and(
      eq(calendarFeeds.tokenHash, tokenHash),
      eq(technicians.userId, calendarFeeds.userId),
      eq(technicians.orgId, calendarFeeds.orgId),
      eq(users.id, calendarFeeds.userId),
      eq(users.active, true),
    );
    const [[tech], rows] = await db.batch([
      db
        .select({ name: technicians.name, timezone: technicians.timezone, org: orgs.name })
        .from(calendarFeeds)
        .innerJoin(technicians, owner)
        .innerJoin(users, eq(users.id, calendarFeeds.userId))
        .innerJoin(orgs, eq(orgs.id, calendarFeeds.orgId)),
      db
        .select({
          id: jobs.id,
          number: jobs.number,
          type: jobs.type,
          description: jobs.description,
          status: jobs.status,
          start: jobs.scheduledStart,
          durationMin: jobs.durationMin,
          version: jobs.scheduleVersion,
          updatedAt: jobs.updatedAt,
          customer: customers.name,
          address: sql<string>`${locations.address} || ', ' || ${locations.city} || ', ' || ${locations.region} || ' ' || ${locations.postalCode}`,
          accessNotes: locations.accessNotes,
        })
        .from(calendarFeeds)
        .innerJoin(technicians, owner)
        .innerJoin(users, eq(users.id, calendarFeeds.userId))
        .innerJoin(
          jobs,
          and(
            eq(jobs.orgId, calendarFeeds.orgId),
            eq(jobs.technicianId, technicians.id),
            sql`${jobs.scheduledStart} >= ${now - PAST_MS} and ${jobs.scheduledStart} < ${now + AHEAD_MS}`,
          ),
        )
        .innerJoin(customers, eq(customers.id, jobs.customerId))
        .innerJoin(locations, eq(locations.id, jobs.locationId))
        .orderBy(jobs.scheduledStart),
    ]);
    if (!tech) throw new Problem(404, 'Not found', 'No calendar feed at this address: it was revoked or renewed.');

    const origin = new URL(c.req.url).origin;
    const calendar = ical({
      name: `${tech.name}: jobs (${tech.org})`,
      prodId: { company: 'Switchboard', product: 'technician-schedule', language: 'EN' },
      timezone: { name: tech.timezone, generator: (tz) => (tzlib_get_ical_block(tz) as string[])[0] ?? null },
      ttl: 15 * 60,
    });
    for (const job of rows) {
      if (job.start === null) continue;
      calendar.createEvent({
        id: `job-${job.id}@switchboard`,
        sequence: job.version,
        start: new Date(job.start),
        end: new Date(job.start + job.durationMin * 60_000),
        timezone: tech.timezone,
        stamp: new Date(job.updatedAt),
        lastModified: new Date(job.updatedAt),
        summary: `#${job.number} ${job.type}: ${job.customer}`,
        location: job.address,
        description: [job.description, job.accessNotes ? `Access: ${job.accessNotes}` : null].filter(Boolean).join('\n\n'),
        url: `${origin}/field/jobs/${job.id}`,
        status: job.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
    return c.body(calendar.toString(), 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'cache-control': 'private, max-age=300',
    });
  },
);
