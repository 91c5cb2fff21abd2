import { describe, expect, it } from 'vitest';
import { zonedInstant } from '#core/time.ts';
import {
  customerBody,
  detailsDraftOf,
  detailsPatch,
  emptyLocation,
  emptyNewJob,
  fieldErrorsOf,
  locationBody,
  newJobBody,
  scheduleDraftOf,
  schedulePatch,
} from './forms.ts';

const tz = 'America/Chicago';
const job = {
  type: 'Panel upgrade',
  priority: 'normal' as const,
  description: 'Swap the panel',
  requiredSkill: null,
  requiredLicenceClass: 'master',
  technicianId: 't1',
  scheduledStart: zonedInstant('2030-03-04', '09:00', tz),
  durationMin: 60,
};

describe('details', () => {
  it('sends only what changed', () => {
    const d = { ...detailsDraftOf(job), priority: 'high' as const, requiredSkill: ' ev ', description: 'Swap the panel  ' };
    expect(detailsPatch(job, d)).toEqual({ body: { priority: 'high', requiredSkill: 'ev' }, errors: {} });
  });
  it('clears optional text with null', () => {
    expect(detailsPatch(job, { ...detailsDraftOf(job), requiredLicenceClass: '  ' }).body).toEqual({ requiredLicenceClass: null });
  });
  it('refuses empty required text', () => {
    expect(detailsPatch(job, { ...detailsDraftOf(job), type: ' ', description: '' }).errors).toEqual({
      type: 'Must not be empty.',
      description: 'Must not be empty.',
    });
  });
});

describe('schedule', () => {
  it('round-trips the job in the org timezone', () => {
    expect(scheduleDraftOf(job, tz)).toEqual({ technicianId: 't1', date: '2030-03-04', time: '09:00', durationMin: 60 });
    expect(schedulePatch(job, scheduleDraftOf(job, tz), tz)).toEqual({ body: {}, errors: {} });
  });
  it('moves the start in the org timezone', () => {
    const r = schedulePatch(job, { ...scheduleDraftOf(job, tz), time: '13:15', durationMin: 90 }, tz);
    expect(r.body).toEqual({ scheduledStart: zonedInstant('2030-03-04', '13:15', tz), durationMin: 90 });
  });
  it('unassigns and unschedules', () => {
    expect(schedulePatch(job, { technicianId: '', date: '', time: '', durationMin: 60 }, tz).body).toEqual({
      technicianId: null,
      scheduledStart: null,
    });
  });
  it('wants a day and a time together, and a sane duration', () => {
    expect(schedulePatch(job, { technicianId: 't1', date: '2030-03-04', time: '', durationMin: 3 }, tz).errors).toEqual({
      scheduledStart: 'Choose a start time for that day, or clear both.',
      durationMin: 'At least 5 minutes.',
    });
  });
});

describe('new job', () => {
  const base = { ...emptyNewJob(), customerId: 'c1', locationId: 'l1', type: ' Outlet ', description: 'Dead outlet', durationMin: 45 };
  it('builds a backlog job', () => {
    expect(newJobBody(base, '2030-03-04', tz)).toEqual({
      body: { customerId: 'c1', locationId: 'l1', type: 'Outlet', priority: 'normal', description: 'Dead outlet', durationMin: 45 },
      errors: {},
    });
  });
  it('places it on the board day at a time', () => {
    const r = newJobBody({ ...base, technicianId: 't1', time: '08:30' }, '2030-03-04', tz);
    expect(r.body).toMatchObject({ technicianId: 't1', scheduledStart: zonedInstant('2030-03-04', '08:30', tz) });
  });
  it('names what is missing', () => {
    const r = newJobBody({ ...emptyNewJob(), time: '08:30', durationMin: null }, '2030-03-04', tz);
    expect(Object.keys(r.errors).sort()).toEqual(['customerId', 'description', 'durationMin', 'locationId', 'technicianId', 'type']);
  });
});

describe('customer and location', () => {
  it('builds a customer without empty optionals', () => {
    expect(customerBody({ name: ' Ada ', phone: '', email: '' })).toEqual({ body: { name: 'Ada' }, errors: {} });
    expect(customerBody({ name: 'Ada', phone: 'call me', email: 'nope' }).errors).toEqual({
      phone: 'Digits, spaces, + ( ) . - only.',
      email: 'Not an email address.',
    });
  });
  it('builds a location with its pin, or without one for the server to place', () => {
    const l = { ...emptyLocation(), address: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', lat: 30.27, lng: -97.74 };
    expect(locationBody(l, 'c1')).toEqual({
      body: { customerId: 'c1', address: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', lat: 30.27, lng: -97.74 },
      errors: {},
    });
    expect(locationBody({ ...l, lat: null, lng: null }, 'c1').body).toEqual({
      customerId: 'c1',
      address: '1 Main St',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
    });
    expect(Object.keys(locationBody(emptyLocation(), 'c1').errors).sort()).toEqual(['address', 'city', 'postalCode', 'region']);
  });
  it('shows a longitude error with the latitude (one pin)', () => {
    expect(
      fieldErrorsOf({
        fieldErrors: [
          { field: 'lng', message: 'Too small' },
          { field: 'name', message: 'Empty' },
        ],
      }),
    ).toEqual({ lat: 'Too small', name: 'Empty' });
  });
});
