import { describe, expect, it } from 'vitest';
import { minutesOnSite, nextSteps, statusSteps, statusWithPending } from './job-view.ts';
import type { OutboxEntry } from './outbox.ts';

const MIN = 60_000;

describe('nextSteps', () => {
  it('offers the field steps the lifecycle allows', () => {
    expect(nextSteps('dispatched')).toEqual(['en_route', 'on_hold']);
    expect(nextSteps('en_route')).toEqual(['on_site', 'on_hold']);
    expect(nextSteps('on_site')).toEqual(['on_hold', 'completed']);
    // Planning steps are the office's: a scheduled job is dispatched by them first.
    expect(nextSteps('scheduled')).toEqual(['on_hold']);
    expect(nextSteps('completed')).toEqual([]);
    expect(nextSteps('on_hold')).toEqual([]);
  });
});

describe('statusWithPending', () => {
  const status = (to: string, state: OutboxEntry['state'] = 'waiting') => ({ kind: 'status', state, body: { to } }) as OutboxEntry;
  it('applies the waiting status actions in order, not refused ones', () => {
    expect(statusWithPending('dispatched', [status('en_route'), status('on_site')])).toBe('on_site');
    expect(statusWithPending('dispatched', [status('en_route'), status('on_site', 'refused')])).toBe('en_route');
    expect(statusWithPending('dispatched', [])).toBe('dispatched');
  });
});

describe('minutesOnSite', () => {
  const events = [
    { at: 0, after: { status: 'en_route' } },
    { at: 10 * MIN, after: { status: 'on_site' } },
    { at: 5 * MIN, after: { description: 'edited' } },
    { at: 70 * MIN, after: { status: 'on_hold' } },
    { at: 200 * MIN, after: { status: 'on_site' } },
  ];
  it('adds every visit, and runs the open one until now', () => {
    const steps = statusSteps(events);
    expect(steps.map((s) => s.status)).toEqual(['en_route', 'on_site', 'on_hold', 'on_site']);
    expect(minutesOnSite(steps, 230 * MIN)).toBe(60 + 30);
  });
  it('is 0 before arriving', () => {
    expect(minutesOnSite(statusSteps(events.slice(0, 1)), 100 * MIN)).toBe(0);
  });
});
