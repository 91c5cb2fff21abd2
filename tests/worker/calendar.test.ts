/**
 * Technicians' calendar feeds (worker/calendar/feeds.ts): the URL is the credential, renewing or
 * revoking stops the old one at once, the feed holds the technician's own jobs only, with stable
 * UIDs and a VTIMEZONE, and a moved job keeps its UID with a higher SEQUENCE.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

async function feed(url: string) {
  const res = await SELF.fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** A job for the technician whose user is the fixture's technician, some days from now (any weekday will do). */
async function ownJob(daysAhead: number) {
  const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 + daysAhead * 86_400_000;
  const res = await api('a.dispatcher', 'POST', '/jobs', {
    customerId: fx.a.customerId,
    locationId: fx.a.locationId,
    type: 'Panel upgrade',
    description: 'Calendar feed job',
    technicianId: fx.a.ownTechnicianId,
    scheduledStart: start,
    durationMin: 120,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; number: number; scheduledStart: number };
}

const events = (ics: string) => ics.split('BEGIN:VEVENT').slice(1);
const field = (event: string, name: string) => new RegExp(`^${name}[;:](.*)$`, 'm').exec(event.replace(/\r\n /g, ''))?.[1];

describe('calendar feeds', () => {
  it('serves the technician’s own jobs with stable UIDs, a VTIMEZONE and the job’s sequence', async () => {
    const job = await ownJob(3);
    const other = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'Not theirs',
      description: 'Another technician’s job',
      technicianId: fx.a.technicianId,
      scheduledStart: job.scheduledStart,
      durationMin: 60,
    });
    expect(other.status).toBe(201);

    const made = await api('a.technician', 'POST', '/calendar/feed');
    expect(made.status).toBe(201);
    expect(made.body.url).toMatch(/\/api\/calendar\/feeds\/[A-Za-z0-9_-]{43}$/);
    expect((await api('a.technician', 'GET', '/calendar/feed')).body).toMatchObject({ active: true, url: null });

    const first = await feed(made.body.url);
    expect(first.status).toBe(200);
    expect(first.type).toContain('text/calendar');
    expect(first.text).toContain('BEGIN:VTIMEZONE');
    expect(first.text).toContain('TZID:America/Chicago');
    const mine = events(first.text).find((e) => field(e, 'UID') === `job-${job.id}@switchboard`);
    expect(mine).toBeDefined();
    expect(field(mine!, 'SUMMARY')).toContain(`#${job.number}`);
    expect(field(mine!, 'DTSTART')).toMatch(/^TZID=America\/Chicago:\d{8}T\d{6}$/);
    expect(first.text).not.toContain(`job-${other.body.id}@switchboard`);

    // Moved two hours later: the same event, a later sequence.
    const sequence = Number(field(mine!, 'SEQUENCE'));
    const moved = await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { scheduledStart: job.scheduledStart + 7_200_000 });
    expect(moved.status).toBe(200);
    const again = events((await feed(made.body.url)).text).filter((e) => field(e, 'UID') === `job-${job.id}@switchboard`);
    expect(again).toHaveLength(1);
    expect(Number(field(again[0]!, 'SEQUENCE'))).toBeGreaterThan(sequence);
  });

  it('stops the old URL at once when renewed or revoked', async () => {
    const old = (await api('a.technician', 'POST', '/calendar/feed')).body.url as string;
    const renewed = (await api('a.technician', 'POST', '/calendar/feed')).body.url as string;
    expect(renewed).not.toBe(old);
    expect((await feed(old)).status).toBe(404);
    expect((await feed(renewed)).status).toBe(200);

    expect((await api('a.technician', 'DELETE', '/calendar/feed')).status).toBe(204);
    expect((await feed(renewed)).status).toBe(404);
    expect((await api('a.technician', 'GET', '/calendar/feed')).body).toMatchObject({ active: false, createdAt: null });
    expect(await count('audit_events', "entity = 'calendar_feed' and entity_id = ?", [fx.a.userIds.technician])).toBeGreaterThanOrEqual(3);
  });

  it('is only for technicians, and a made-up token finds nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', '/calendar/feed'), 409);
    expect(await dbFingerprint()).toBe(before);
    expect((await feed('http://switchboard.test/api/calendar/feeds/not-a-real-token')).status).toBe(404);
    expectProblem(await api('anon', 'POST', '/calendar/feed'), 401);
  });
});
