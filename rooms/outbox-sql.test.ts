/** How a batch of outbox rows is said to libSQL (rooms/outbox.ts `coalesce`, `statementsForBatch`). */
import { describe, expect, it } from 'vitest';
import { coalesce, statementsFor, statementsForBatch } from './outbox-sql.ts';
import type { OutboxRow } from './outbox-store.ts';

let seq = 0;
const s = (start: number | null, status = 'scheduled') => ({ technicianId: start == null ? null : 't1', start, durationMin: 60, status });
function row(jobId: string, actor: string | null, before: number | null, after: number | null, extra: Partial<OutboxRow> = {}): OutboxRow {
  seq++;
  return {
    seq,
    jobId,
    version: seq,
    eventId: `e${seq}`,
    actorUserId: actor,
    at: seq,
    kind: 'rescheduled',
    before: s(before),
    after: s(after),
    boardDate: '2026-12-01',
    takeOver: false,
    note: null,
    warnings: null,
    ...extra,
  };
}

describe('coalesce', () => {
  it('makes one change of a run of one person’s moves of one job, keeping other jobs and people apart', () => {
    const rows = [row('j1', 'u1', 1, 2), row('j2', 'u1', 5, 6), row('j1', 'u1', 2, 3), row('j1', 'u2', 3, 4), row('j1', 'u2', 4, 5)];
    const out = coalesce(rows);
    expect(out.map((r) => [r.jobId, r.actorUserId, r.before?.start, r.after.start, r.version])).toEqual([
      ['j1', 'u1', 1, 3, rows[2]!.version],
      ['j2', 'u1', 5, 6, rows[1]!.version],
      ['j1', 'u2', 3, 5, rows[4]!.version],
    ]);
    // Deterministic: the same rows merge the same way on a retry.
    expect(coalesce(rows)).toEqual(out);
  });

  it('keeps a row with a note as its own event, and only the last warnings of a job', () => {
    const w1 = row('j1', null, null, null, { kind: 'warnings', warnings: [{ code: 'double-booked', message: 'a' }] });
    const noted = row('j1', 'u1', 2, 3, { kind: 'status_changed', note: 'Called ahead' });
    const w2 = row('j1', null, null, null, { kind: 'warnings', warnings: [] });
    const out = coalesce([row('j1', 'u1', 1, 2), w1, noted, row('j1', 'u1', 3, 4), w2]);
    expect(out.map((r) => [r.kind, r.note, r.before?.start ?? null, r.after.start])).toEqual([
      ['rescheduled', null, 1, 2],
      ['warnings', null, null, null],
      ['status_changed', 'Called ahead', 2, 3],
      ['rescheduled', null, 3, 4],
    ]);
    expect(out[1]!.warnings).toEqual([]);
  });

  it('carries a hand-over through the merge', () => {
    const out = coalesce([row('j1', 'u1', null, 2, { takeOver: true }), row('j1', 'u1', 2, 3)]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ takeOver: true, before: { start: null }, after: { start: 3 } });
  });
});

describe('statementsForBatch', () => {
  const sqlOf = (rows: OutboxRow[]) =>
    statementsForBatch('org', '2026-12-01', rows).map((st) =>
      (typeof st === 'string' ? st : st.sql).trim().split(/\s+/).slice(0, 3).join(' '),
    );
  const warned = (jobId: string) =>
    row(jobId, null, null, null, { kind: 'warnings', warnings: [{ code: 'double-booked', message: jobId }] });

  it('says a run of warnings rows in one statement, in its place between schedule rows', () => {
    const moved = row('j1', 'u1', 1, 2, { before: { technicianId: 't0', start: 1, durationMin: 60, status: 'scheduled' } });
    expect(sqlOf([warned('j1'), warned('j2'), moved, warned('j3')])).toEqual([
      'with w (id,',
      'update jobs set',
      'insert into job_events',
      'delete from job_assignments',
      'insert into job_assignments',
      'update jobs set',
    ]);
    const [run] = statementsForBatch('org', '2026-12-01', [warned('j1'), warned('j2')]) as { sql: string; args: unknown[] }[];
    expect(run!.sql).toContain('json_each');
    expect(JSON.parse(String(run!.args[0]))).toEqual([
      ['j1', JSON.stringify([{ code: 'double-booked', message: 'j1' }])],
      ['j2', JSON.stringify([{ code: 'double-booked', message: 'j2' }])],
    ]);
    // A lone warnings row is the plain statement.
    expect(statementsForBatch('org', '2026-12-01', [warned('j4')])).toEqual(statementsFor('org', '2026-12-01', warned('j4')));
  });

  it('leaves the lead assignment alone when the technician stays, and sets it when it changes or the job arrives', () => {
    expect(sqlOf([row('j1', 'u1', 1, 2)])).toEqual(['update jobs set', 'insert into job_events']);
    expect(sqlOf([row('j1', 'u1', 1, 2, { takeOver: true })])).toHaveLength(4);
    // An arrival (no before) also refreshes the job's facts: see the job-facts tests below.
    expect(sqlOf([row('j1', 'u1', 1, 2, { before: null })]).slice(0, 4)).toEqual([
      'update jobs set',
      'insert into job_events',
      'delete from job_assignments',
      'insert into job_assignments',
    ]);
  });
});

describe('job facts (db/job-facts.ts) in the outbox', () => {
  const at = (status: string, start = 1) => ({ technicianId: 't1', start, durationMin: 60, status });
  /** A schedule row of job `jobId` from one status to another (a move when they are equal). */
  const step = (jobId: string, from: string, to: string, extra: Partial<OutboxRow> = {}) =>
    row(jobId, 'u1', 1, 1, { kind: from === to ? 'rescheduled' : 'status_changed', before: at(from), after: at(to, 2), ...extra });
  const facts = (statements: ReturnType<typeof statementsForBatch>) =>
    statements.filter((st) => typeof st !== 'string' && /job_facts/.test(st.sql)) as { sql: string; args: unknown[] }[];
  /** The job ids a facts refresh names (its first JSON argument). */
  const refreshed = (statements: ReturnType<typeof statementsForBatch>) => JSON.parse(String(facts(statements)[0]!.args[0]));

  it('adds no statement to a batch of moves that keep every status', () => {
    const moves = [step('j1', 'scheduled', 'scheduled'), step('j2', 'dispatched', 'dispatched'), step('j3', 'scheduled', 'scheduled')];
    expect(facts(statementsForBatch('org', '2026-12-01', moves))).toEqual([]);
    expect(facts(statementsFor('org', '2026-12-01', moves[0]!))).toEqual([]);
    // Warnings rows never do.
    expect(facts(statementsForBatch('org', '2026-12-01', [row('j1', null, null, null, { kind: 'warnings', warnings: [] })]))).toEqual([]);
  });

  it('refreshes once, last, for the jobs whose status changed, whether their rows are plain moves or not', () => {
    const rows = [
      step('j1', 'scheduled', 'scheduled'),
      step('j2', 'on_site', 'completed'),
      step('j3', 'scheduled', 'scheduled'),
      step('j4', 'scheduled', 'cancelled', { note: 'Customer called off' }),
    ];
    const statements = statementsForBatch('org', '2026-12-01', rows);
    const refresh = facts(statements);
    expect(refresh.map((st) => st.sql.trim().split(/\s+/).slice(0, 4).join(' '))).toEqual(['with t (id) as', 'with t (id) as']);
    expect(refresh[0]!.sql).toMatch(/delete from job_facts/);
    expect(refresh[1]!.sql).toMatch(/insert into job_facts/);
    // After every update of the batch, so it reads the jobs as the batch leaves them.
    expect(statements.slice(-2)).toEqual(refresh);
    expect(refreshed(statements)).toEqual(['j2', 'j4']);
  });

  it('refreshes the facts of a row sent on its own when its status changes', () => {
    const statements = statementsFor('org', '2026-12-01', step('j1', 'on_site', 'on_hold'));
    expect(statements.slice(-2)).toEqual(facts(statements));
    expect(refreshed(statements)).toEqual(['j1']);
  });

  it('keeps each status change its own event, so its time is kept', () => {
    const rows = [
      step('j1', 'en_route', 'on_site'),
      step('j1', 'on_site', 'on_hold'),
      step('j1', 'on_hold', 'scheduled'),
      step('j1', 'scheduled', 'scheduled'),
      step('j1', 'scheduled', 'scheduled'),
    ];
    expect(coalesce(rows).map((r) => [r.before?.status, r.after.status, r.at])).toEqual([
      ['en_route', 'on_site', rows[0]!.at],
      ['on_site', 'on_hold', rows[1]!.at],
      ['on_hold', 'scheduled', rows[2]!.at],
      // The two moves after it are still one change.
      ['scheduled', 'scheduled', rows[4]!.at],
    ]);
  });
});
