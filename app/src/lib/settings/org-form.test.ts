import { describe, expect, it } from 'vitest';
import { basisPoints, orgDraftOf, orgPayload } from './org-form.ts';

const org = {
  id: 'o',
  name: 'Bright Spark',
  timezone: 'America/Chicago',
  taxRateBps: 825,
  businessHours: { '0': null, '1': { open: '07:00', close: '17:00' }, '2': null, '3': null, '4': null, '5': null, '6': null },
  requireTotpForTechnicians: false,
};

describe('org settings form', () => {
  it('reads a tax rate as a percentage', () => {
    expect(basisPoints('8.25')).toBe(825);
    expect(basisPoints('8.25 %')).toBe(825);
    expect(basisPoints('0')).toBe(0);
    expect(basisPoints('25')).toBe(2500);
    for (const bad of ['25.01', '8.255', '-1', 'eight', '']) expect(basisPoints(bad)).toBeNull();
  });
  it('sends back what it was given, unchanged', () => {
    expect(orgPayload(orgDraftOf(org))).toEqual({
      body: {
        name: 'Bright Spark',
        timezone: 'America/Chicago',
        taxRateBps: 825,
        businessHours: org.businessHours,
        requireTotpForTechnicians: false,
      },
      errors: {},
    });
  });
  it('names the fields at fault as the API does', () => {
    const d = orgDraftOf(org);
    d.taxPercent = '30';
    d.hours[1] = { open: true, from: '17:00', to: '07:00' };
    expect(Object.keys(orgPayload(d).errors).sort()).toEqual(['businessHours.1.close', 'taxRateBps']);
  });
});
