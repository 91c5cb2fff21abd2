import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIORITY, JOB_PRIORITIES, PRIORITY_LABELS, isUrgent, priorityLabel, priorityRank } from './priorities.ts';

describe('job priorities', () => {
  it('run from the most urgent down, and rank in that order', () => {
    expect(JOB_PRIORITIES).toEqual(['emergency', 'high', 'normal', 'low']);
    expect(JOB_PRIORITIES.map(priorityRank)).toEqual([0, 1, 2, 3]);
  });
  it('rank a value that is no priority as the default, as the board has always done', () => {
    expect(DEFAULT_PRIORITY).toBe('normal');
    expect(priorityRank('whenever')).toBe(priorityRank('normal'));
  });
  it('have a label each, and show a value that is no priority as it is', () => {
    expect(Object.keys(PRIORITY_LABELS).sort()).toEqual([...JOB_PRIORITIES].sort());
    expect(JOB_PRIORITIES.map(priorityLabel)).toEqual(['Emergency', 'High', 'Normal', 'Low']);
    expect(priorityLabel('whenever')).toBe('whenever');
  });
  it('flag only what is more urgent than the default', () => {
    expect(JOB_PRIORITIES.filter(isUrgent)).toEqual(['emergency', 'high']);
    expect(isUrgent('whenever')).toBe(false);
  });
});
