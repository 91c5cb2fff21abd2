import { describe, expect, it } from 'vitest';
import {
  addressLine,
  formatQuantity,
  formatRate,
  lineTotals,
  navigationUrl,
  noChoicesReason,
  statusChoices,
  telHref,
  FIELD_STATUSES,
} from './job-text.ts';

const place = { address: '12 Oak St', city: 'Austin', region: 'TX', postalCode: '78701', lat: 30.2672, lng: -97.7431 };

describe('addresses and links', () => {
  it('writes one address line', () => {
    expect(addressLine(place)).toBe('12 Oak St, Austin, TX 78701');
  });
  it('navigates to the coordinates', () => {
    expect(navigationUrl(place)).toBe('https://www.google.com/maps/dir/?api=1&destination=30.2672,-97.7431');
  });
  it('falls back to the address without coordinates', () => {
    expect(navigationUrl({ ...place, lat: Number.NaN })).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=12%20Oak%20St,%20Austin,%20TX%2078701',
    );
  });
  it('dials digits only', () => {
    expect(telHref('+1 (512) 555-0100')).toBe('tel:+15125550100');
  });
});

describe('status choices', () => {
  const placed = { technicianId: 't1', scheduledStart: 1 };
  it('offers the lifecycle transitions', () => {
    expect(statusChoices({ status: 'scheduled', ...placed }).map((c) => c.to)).toEqual([
      'unscheduled',
      'dispatched',
      'on_hold',
      'cancelled',
    ]);
  });
  it('never offers what billing sets', () => {
    expect(statusChoices({ status: 'completed', ...placed })).toEqual([]);
    expect(statusChoices({ status: 'invoiced', ...placed })).toEqual([]);
    expect(statusChoices({ status: 'paid', ...placed })).toEqual([]);
    expect(noChoicesReason('completed')).toMatch(/invoiced/);
    expect(noChoicesReason('paid')).toMatch(/Invoices and payments/);
  });
  it('explains a move that needs a schedule first', () => {
    const choices = statusChoices({ status: 'unscheduled', technicianId: null, scheduledStart: null });
    expect(choices.map((c) => c.to)).toEqual(['scheduled', 'on_hold', 'cancelled']);
    expect(choices[0]!.blocked).toMatch(/technician and a start time/);
    expect(choices[1]!.blocked).toBeNull();
  });
  it('narrows to field statuses', () => {
    expect(statusChoices({ status: 'dispatched', ...placed }, FIELD_STATUSES).map((c) => c.to)).toEqual(['en_route', 'on_hold']);
  });
});

describe('line totals', () => {
  const lines = [
    { totalCents: 10_000, taxable: true },
    { totalCents: 2_550, taxable: false },
  ];
  it('adds tax on the taxable lines', () => {
    expect(lineTotals(lines, 825)).toEqual({ subtotalCents: 12_550, taxCents: 825, totalCents: 13_375, rateBps: 825 });
  });
  it('shows the subtotal when the rate is unknown', () => {
    expect(lineTotals(lines, null)).toEqual({ subtotalCents: 12_550, taxCents: null, totalCents: 12_550, rateBps: null });
  });
  it('formats quantities and rates', () => {
    expect(formatQuantity(1.5)).toBe('1.5');
    expect(formatQuantity(2)).toBe('2');
    expect(formatQuantity(0.1 + 0.2)).toBe('0.3');
    expect(formatRate(825)).toBe('8.25%');
    expect(formatRate(800)).toBe('8%');
  });
});
