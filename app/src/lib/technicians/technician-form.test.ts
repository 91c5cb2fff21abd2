import { describe, expect, it } from 'vitest';
import { emptyTechnicianDraft, shiftLine, technicianPayload } from './technician-form.ts';

describe('technician form', () => {
  it('sends a whole record: emptied fields as null, days in order, the pin only with an address', () => {
    const d = { ...emptyTechnicianDraft(), name: ' Rosa ', skills: 'panel, ev-charger', shiftDays: [5, 1], homeLat: 30.2, homeLng: -97.7 };
    const { body, errors } = technicianPayload(d);
    expect(errors).toEqual({});
    expect(body).toMatchObject({
      name: 'Rosa',
      email: null,
      skills: ['panel', 'ev-charger'],
      shiftDays: [1, 5],
      homeAddress: null,
      homeLat: null,
      truckLocationId: null,
    });
    const home = technicianPayload({ ...d, homeAddress: '12 Oak St, Austin, TX 78701' }).body;
    expect(home).toMatchObject({ homeAddress: '12 Oak St, Austin, TX 78701', homeLat: 30.2, homeLng: -97.7 });
  });
  it('names the fields at fault', () => {
    const d = { ...emptyTechnicianDraft(), shiftDays: [], shiftStart: '15:00', shiftEnd: '07:00', colour: 'red', email: 'x' };
    expect(Object.keys(technicianPayload(d).errors).sort()).toEqual(['colour', 'email', 'name', 'shiftDays', 'shiftEnd']);
  });
  it('says a shift in one line', () => {
    expect(shiftLine({ shiftDays: [1, 2, 3, 4, 5], shiftStart: '07:00', shiftEnd: '15:30' })).toBe('Mon–Fri 07:00–15:30');
    expect(shiftLine({ shiftDays: [0, 3, 6], shiftStart: '06:00', shiftEnd: '14:00' })).toBe('Wed, Sat, Sun 06:00–14:00');
  });
});
