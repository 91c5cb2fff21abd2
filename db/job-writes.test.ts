/** The shared job-row statements (db/job-writes.ts): their shapes, guard by guard, as the API, billing and the rooms' outbox compile them. */
import { describe, expect, it } from 'vitest';
import {
  jobEvent,
  jobEventIfChanged,
  jobEventsOfVersion,
  raw,
  sql,
  syncLead,
  updateJob,
  type JobRows,
  type Statement,
} from './job-writes.ts';

/** The statement with its arguments written in, to read (not to run): each `?` takes the next argument. */
function inline(s: Statement): string {
  let i = 0;
  const text = s.sql.replace(/\?/g, () => JSON.stringify(s.args[i++]));
  expect(i, 'every ? is an argument and every argument has its ?').toBe(s.args.length);
  return text.replace(/\s+/g, ' ').trim();
}

const rows: JobRows = {
  with: sql`with r (id, tech, version) as materialized (select value ->> 0, value ->> 1, value ->> 2 from json_each(${'[]'}))`,
  name: 'r',
};

describe('updateJob', () => {
  it('scopes one job to the org and stamps who and when, keeping the last person for a change nobody made', () => {
    const text = inline(updateJob({ orgId: 'o1', job: 'j1', set: { description: 'Rewire' }, by: { actor: null, at: 5 } }));
    expect(text).toBe(
      'update jobs set description = "Rewire", updated_at = 5, updated_by = coalesce(null, jobs.updated_by) where jobs.id = "j1" and +jobs.org_id = "o1"',
    );
  });

  it('writes each guard it is given, and only those', () => {
    const guarded = inline(
      updateJob({
        orgId: 'o1',
        job: 'j1',
        set: { status: 'invoiced' },
        guards: {
          status: 'completed',
          unchanged: { technician_id: null, duration_min: 60 },
          newerThanHeld: 7,
          technicianInOrg: 't1',
          ownedBy: '2026-12-01',
          also: sql`exists (select 1 from invoices where id = ${'i1'})`,
        },
        returning: ['id', 'board_date'],
      }),
    );
    expect(guarded).toBe(
      [
        'update jobs set status = "invoiced" where jobs.id = "j1" and +jobs.org_id = "o1"',
        'and jobs.status = "completed"',
        // `is`: a column read as null must still be null.
        'and jobs.technician_id is null and jobs.duration_min is 60',
        'and jobs.schedule_version < 7',
        'and ("t1" is null or exists (select 1 from technicians t where t.id = "t1" and t.org_id = "o1"))',
        'and (jobs.board_date is null or jobs.board_date = "2026-12-01")',
        'and (exists (select 1 from invoices where id = "i1"))',
        'returning id, board_date',
      ].join(' '),
    );
    // A hand-over (no ownedBy) and a change with no version leave those guards out.
    const handOver = inline(updateJob({ orgId: 'o1', job: 'j1', set: { board_date: '2026-12-02' }, guards: { technicianInOrg: null } }));
    expect(handOver).not.toContain('board_date is null');
    expect(handOver).not.toContain('schedule_version');
    expect(handOver).toContain('(null is null or exists');
  });

  it('updates many jobs from the rows of a with clause, reading their columns', () => {
    const text = inline(
      updateJob({
        orgId: 'o1',
        job: rows,
        set: { technician_id: raw('r.tech'), schedule_version: raw('r.version') },
        guards: { newerThanHeld: raw('r.version'), technicianInOrg: raw('r.tech') },
      }),
    );
    expect(text).toBe(
      [
        'with r (id, tech, version) as materialized (select value ->> 0, value ->> 1, value ->> 2 from json_each("[]"))',
        'update jobs set technician_id = r.tech, schedule_version = r.version from r',
        'where jobs.id = r.id and +jobs.org_id = "o1" and jobs.schedule_version < r.version',
        'and (r.tech is null or exists (select 1 from technicians t where t.id = r.tech and t.org_id = "o1"))',
      ].join(' '),
    );
  });

  it('refuses a column name that is not one, since names are written into the text', () => {
    expect(() => updateJob({ orgId: 'o1', job: 'j1', set: { 'status = ?; --': 'x' } })).toThrow('not a column name');
    expect(() => updateJob({ orgId: 'o1', job: 'j1', set: {}, returning: ['*'] })).toThrow('not a column name');
  });
});

describe('job events', () => {
  const e = { id: 'e1', jobId: 'j1', actor: 'u1', at: 5, kind: 'status_changed', before: '{"status":"completed"}', after: null };
  const columns = 'insert into job_events (id, org_id, job_id, actor_user_id, at, kind, before, after)';

  it('are written always (creation), or only if the statement before changed one row (a guarded update)', () => {
    expect(inline(jobEvent('o1', e))).toBe(
      `${columns} select "e1", "o1", "j1", "u1", 5, "status_changed", "{\\"status\\":\\"completed\\"}", null`,
    );
    expect(inline(jobEventIfChanged('o1', e))).toBe(`${inline(jobEvent('o1', e))} where changes() = 1`);
  });

  it('of a many-jobs update: one per job that now holds its row’s version, and a replayed one is ignored', () => {
    const text = inline(jobEventsOfVersion('o1', rows, { ...e, id: raw('r.event_id'), jobId: raw('r.id') }));
    expect(text).toBe(
      [
        'with r (id, tech, version) as materialized (select value ->> 0, value ->> 1, value ->> 2 from json_each("[]"))',
        `${columns} select r.event_id, "o1", r.id, "u1", 5, "status_changed", "{\\"status\\":\\"completed\\"}", null`,
        'from r join jobs j on j.id = r.id and +j.org_id = "o1" where j.schedule_version = r.version on conflict (id) do nothing',
      ].join(' '),
    );
  });
});

describe('syncLead', () => {
  it('says the same two statements for one job or a list of them, within the org', () => {
    const one = syncLead('o1', { id: 'j1' }).map(inline);
    const many = syncLead('o1', { ids: ['j1', 'j2'] }).map(inline);
    expect(one).toEqual([
      `delete from job_assignments where job_id = "j1" and +org_id = "o1" and role = 'lead' and technician_id is not (select technician_id from jobs where id = job_assignments.job_id and org_id = "o1")`,
      `insert into job_assignments (org_id, job_id, technician_id, role) select org_id, id, technician_id, 'lead' from jobs where id = "j1" and +org_id = "o1" and technician_id is not null on conflict (job_id, technician_id) do update set role = 'lead'`,
    ]);
    const list = 'in (select value from json_each("[\\"j1\\",\\"j2\\"]"))';
    expect(many).toEqual(one.map((s) => s.replaceAll('= "j1"', list)));
  });
});
