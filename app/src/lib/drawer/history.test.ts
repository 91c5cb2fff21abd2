import { describe, expect, it } from 'vitest';
import { zonedInstant } from '#core/time.ts';
import { actorLabel, describeEvent } from './history.ts';
import type { JobEvent } from './types.ts';

const tz = 'America/Chicago';
const names: Record<string, string> = { t1: 'Dana Ruiz', t2: 'Sam Okafor' };
const ctx = { timezone: tz, technicianName: (id: string) => names[id] };
const nine = zonedInstant('2030-03-04', '09:00', tz);
const ten = zonedInstant('2030-03-04', '10:30', tz);

function ev(
  kind: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  actorName: string | null = 'Pat Lee',
): JobEvent {
  return { id: 'e1', kind, at: nine, actorUserId: actorName ? 'u1' : null, actorName, before, after };
}

describe('describeEvent', () => {
  it('describes a creation with its schedule', () => {
    const v = describeEvent(
      ev('created', null, {
        type: 'Panel upgrade',
        priority: 'high',
        technicianId: 't1',
        scheduledStart: nine,
        durationMin: 90,
        status: 'scheduled',
        number: 12,
        customerId: 'c',
      }),
      ctx,
    );
    expect(v.title).toBe('Job created');
    expect(v.who).toBe('Pat Lee');
    expect(v.changes).toEqual([
      'Status: Scheduled',
      'Technician: Dana Ruiz',
      expect.stringMatching(/^Start: .*9:00/),
      'Duration: 1 h 30 min',
      'Type: Panel upgrade',
      'Priority: High',
    ]);
  });

  it('describes a details edit field by field', () => {
    const v = describeEvent(
      ev(
        'updated',
        { priority: 'normal', description: 'old', requiredSkill: null },
        { priority: 'emergency', description: 'new', requiredSkill: 'ev-charger' },
      ),
      ctx,
    );
    expect(v.title).toBe('Details changed');
    expect(v.changes).toEqual(['Priority: Normal → Emergency', 'Description changed', 'Required skill: none → ev-charger']);
  });

  it('reads a board move (start, via, bookkeeping hidden)', () => {
    const v = describeEvent(
      ev(
        'rescheduled',
        { technicianId: 't1', start: nine, durationMin: 60, status: 'scheduled' },
        { technicianId: 't2', start: ten, durationMin: 60, status: 'scheduled', boardDate: '2030-03-04', via: 'board', scheduleVersion: 3 },
      ),
      ctx,
    );
    expect(v.title).toBe('Rescheduled on the board');
    expect(v.changes).toHaveLength(2);
    expect(v.changes[0]).toBe('Technician: Dana Ruiz → Sam Okafor');
    expect(v.changes[1]).toMatch(/^Start: .*9:00.* → .*10:30/);
  });

  it('reads an API backlog move (scheduledStart)', () => {
    const v = describeEvent(ev('rescheduled', { technicianId: null }, { technicianId: 't9' }), ctx);
    expect(v.changes).toEqual(['Technician: nobody → a technician no longer listed']);
  });

  it('titles a status change with its note', () => {
    const v = describeEvent(ev('status_changed', { status: 'on_site' }, { status: 'on_hold', note: 'Breaker on order' }, null), ctx);
    expect(v).toEqual({ title: 'Status: On site → On hold', who: 'Switchboard', changes: [], note: 'Breaker on order' });
  });

  it('leaves out ids of other records (an invoice marking the job invoiced)', () => {
    expect(describeEvent(ev('status_changed', { status: 'completed' }, { status: 'invoiced', invoiceId: 'inv-1' }), ctx).changes).toEqual(
      [],
    );
  });

  it('takes the seed’s reason as the note', () => {
    expect(
      describeEvent(ev('status_changed', { status: 'scheduled' }, { status: 'cancelled', reason: 'Customer cancelled' }), ctx).note,
    ).toBe('Customer cancelled');
  });

  it('mentions a start cleared by going back to the queue', () => {
    const v = describeEvent(
      ev(
        'status_changed',
        { technicianId: 't1', start: nine, durationMin: 60, status: 'scheduled' },
        { technicianId: 't1', start: null, durationMin: 60, status: 'unscheduled', via: 'board' },
      ),
      ctx,
    );
    expect(v.title).toBe('Status: Scheduled → Unscheduled');
    expect(v.changes).toEqual([expect.stringMatching(/^Start: .* → no start$/)]);
  });

  it('describes line items', () => {
    const line = { lineItemId: 'l1', description: '20A breaker', quantity: 2, unitPriceCents: 1_250, taxable: true, totalCents: 2_500 };
    expect(describeEvent(ev('line_item_added', null, line), ctx)).toMatchObject({
      title: 'Line added',
      changes: ['20A breaker: 2 × $12.50 = $25.00'],
    });
    expect(describeEvent(ev('line_item_removed', line, null), ctx)).toMatchObject({
      title: 'Line removed',
      changes: ['20A breaker: 2 × $12.50 = $25.00'],
    });
    const changed = describeEvent(
      ev('line_item_changed', { lineItemId: 'l1', quantity: 2, totalCents: 2_500 }, { lineItemId: 'l1', quantity: 1.5, totalCents: 1_875 }),
      ctx,
    );
    expect(changed).toMatchObject({ title: 'Line changed', changes: ['Quantity: 2 → 1.5', 'Total: $25.00 → $18.75'] });
  });

  it('still reads an unknown kind', () => {
    const v = describeEvent(ev('photo_added', null, { caption: 'Panel' }), ctx);
    expect(v).toMatchObject({ title: 'Photo added', changes: ['Caption: Panel'] });
  });

  it('names who did it', () => {
    expect(actorLabel({ actorName: null, actorUserId: 'u9' })).toBe('A former user');
  });
});
