/**
 * The org's settings as the /settings screen changes them (GET and PATCH /api/org): validation
 * names the field and writes nothing, only admins change them, and one org's change never
 * touches another's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const WEEK = {
  '0': null,
  '1': { open: '07:00', close: '17:00' },
  '2': null,
  '3': null,
  '4': null,
  '5': null,
  '6': { open: '09:00', close: '13:00' },
};

describe('org settings', () => {
  let original: Record<string, unknown>;
  afterAll(async () => {
    const { name, timezone, taxRateBps, businessHours, requireTotpForTechnicians } = original;
    await api('a.admin', 'PATCH', '/org', { name, timezone, taxRateBps, businessHours, requireTotpForTechnicians });
  });

  it('an admin changes name, timezone, tax rate and hours, with an audit event; the other org is untouched', async () => {
    original = (await api('a.admin', 'GET', '/org')).body;
    const otherBefore = (await api('b.admin', 'GET', '/org')).body;
    const audits = await count('audit_events', "entity = 'org' and entity_id = ?", [fx.a.orgId]);
    const changed = await api('a.admin', 'PATCH', '/org', {
      name: 'Renamed Electric',
      timezone: 'America/Denver',
      taxRateBps: 850,
      businessHours: WEEK,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Renamed Electric', timezone: 'America/Denver', taxRateBps: 850, businessHours: WEEK });
    expect((await api('a.technician', 'GET', '/org')).body).toMatchObject({ taxRateBps: 850 });
    expect(await count('audit_events', "entity = 'org' and entity_id = ?", [fx.a.orgId])).toBe(audits + 1);
    expect((await api('b.admin', 'GET', '/org')).body).toEqual(otherBefore);
    const read = await api('a.manager', 'GET', '/org');
    expect(read.roundTrips).toBeLessThanOrEqual(2);
  });

  it('refuses bad settings with problem+json naming the field, writing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'PATCH', '/org', { taxRateBps: 2501 }), 422, 'taxRateBps');
    expectProblem(await api('a.admin', 'PATCH', '/org', { taxRateBps: 8.25 }), 422, 'taxRateBps');
    expectProblem(await api('a.admin', 'PATCH', '/org', { timezone: 'Mars/Olympus' }), 422, 'timezone');
    expectProblem(await api('a.admin', 'PATCH', '/org', { name: '  ' }), 422, 'name');
    expectProblem(
      await api('a.admin', 'PATCH', '/org', { businessHours: { ...WEEK, '1': { open: '17:00', close: '07:00' } } }),
      422,
      'businessHours.1.close',
    );
    expectProblem(
      await api('a.admin', 'PATCH', '/org', { businessHours: { ...WEEK, '1': { open: '7am', close: '17:00' } } }),
      422,
      'businessHours.1.open',
    );
    const { '6': _, ...sixDays } = WEEK;
    expectProblem(await api('a.admin', 'PATCH', '/org', { businessHours: sixDays }), 422, 'businessHours.6');
    expectProblem(await api('a.admin', 'PATCH', '/org', { nextInvoiceNumber: 1 }), 422, 'nextInvoiceNumber');
    expect(await dbFingerprint()).toBe(before);
  });

  it('only admins change them', async () => {
    const before = await sql.execute({ sql: 'select * from orgs where id = ?', args: [fx.a.orgId] });
    for (const who of ['a.dispatcher', 'a.manager', 'a.technician'] as const) {
      expectProblem(await api(who, 'PATCH', '/org', { taxRateBps: 100, requireTotpForTechnicians: true }), 403);
    }
    expectProblem(await api('anon', 'PATCH', '/org', { taxRateBps: 100 }), 401);
    const after = await sql.execute({ sql: 'select * from orgs where id = ?', args: [fx.a.orgId] });
    expect(after.rows).toEqual(before.rows);
  });
});
