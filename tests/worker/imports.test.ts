/**
 * Importing another product's export through the API, as the app does it: the sample files are
 * parsed with papaparse and mapped with core/import's aliases, then sent in batches. A dry run
 * names every bad row and writes nothing; a real run writes what is new, and the same file again
 * adds nothing; an Idempotency-Key gives a batch sent twice its first answer; admins only; an
 * org's import never sees another org's.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { guessMapping, type ImportEntity, type ImportSource, mapRecord } from '../../core/import/aliases.ts';
import hcpCustomers from '../fixtures/imports/housecall-pro-customers.csv?raw';
import hcpJobs from '../fixtures/imports/housecall-pro-jobs.csv?raw';
import jobberClients from '../fixtures/imports/jobber-clients.csv?raw';
import { type Actor, api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

/** A sample file's rows, mapped by the aliases the app pre-fills. */
function mapped(csv: string, source: ImportSource, entity: ImportEntity): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  const mapping = guessMapping(source, entity, parsed.meta.fields ?? []);
  return parsed.data.map((record) => mapRecord(record, mapping));
}

function send(actor: Actor, source: string, entity: string, rows: unknown[], options: { dryRun?: boolean; key?: string } = {}) {
  return api(
    actor,
    'POST',
    `/imports/${source}/${entity}${options.dryRun ? '?dryRun=1' : ''}`,
    { firstRow: 2, rows },
    {
      ...(options.key ? { 'Idempotency-Key': options.key } : {}),
    },
  );
}

const keysOf = (org: string, source: string) => count('import_keys', 'org_id = ? and source = ?', [org, source]);
const customersOf = (org: string) => count('customers', 'org_id = ?', [org]);

describe('import: Housecall Pro customers', () => {
  const rows = mapped(hcpCustomers, 'housecall-pro', 'customers');

  it('maps the export by its header names', () => {
    expect(rows[0]).toMatchObject({
      name: 'Dana Whitfield',
      email: 'dana.whitfield@example.com',
      mobilePhone: '(512) 555-0142',
      tags: 'residential, maintenance plan',
      street: '4108 Avenue F',
      city: 'Austin',
      state: 'TX',
      zip: '78751',
      notes: 'Side gate code 2291',
    });
  });

  it('dry run: names each bad row by row, field and problem, and changes nothing', async () => {
    const before = await dbFingerprint();
    const res = await send('a.admin', 'housecall-pro', 'customers', rows, { dryRun: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, rows: 16, imported: 12, alreadyImported: 0, rejected: 4 });
    expect(res.body.created).toMatchObject({ customers: 12, locations: 12 });
    expect(res.body.problems).toEqual([
      { row: 7, field: 'name', problem: expect.stringContaining('No name') },
      { row: 9, field: 'email', problem: 'Not an email address.' },
      { row: 10, field: 'zip', problem: 'Not a US ZIP code (12345 or 12345-6789).' },
      { row: 12, field: 'name', problem: 'Duplicate of row 2: left out.' },
    ]);
    expect(await dbFingerprint()).toBe(before);
  });

  it('imports the good rows with their places, and the same file again adds nothing', async () => {
    const customers = await customersOf(fx.a.orgId);
    const locations = await count('locations', 'org_id = ?', [fx.a.orgId]);
    const first = await send('a.admin', 'housecall-pro', 'customers', rows, { key: crypto.randomUUID() });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ dryRun: false, imported: 12, alreadyImported: 0, rejected: 4 });
    expect(first.body.created).toEqual({ customers: 12, locations: 12, jobs: 0, invoices: 0, payments: 0 });
    expect(await customersOf(fx.a.orgId)).toBe(customers + 12);
    expect(await count('locations', 'org_id = ?', [fx.a.orgId])).toBe(locations + 12);

    // Read back through the API: the customer as the export had them, placed at their ZIP's centre.
    const found = await api('a.dispatcher', 'GET', '/customers?q=Whitfield');
    const dana = found.body.items.find((c: { email: string }) => c.email === 'dana.whitfield@example.com');
    expect(dana).toMatchObject({ name: 'Dana Whitfield', phone: '(512) 555-0142', tags: ['residential', 'maintenance plan'] });
    const places = await api('a.dispatcher', 'GET', `/locations?customerId=${dana.id}`);
    expect(places.body.items).toHaveLength(1);
    expect(places.body.items[0]).toMatchObject({ address: '4108 Avenue F', city: 'Austin', region: 'TX', postalCode: '78751' });
    expect(places.body.items[0].lat).toBeCloseTo(30.31, 1);
    expect(places.body.items[0].lng).toBeCloseTo(-97.72, 1);

    const keys = await keysOf(fx.a.orgId, 'housecall-pro');
    const again = await send('a.admin', 'housecall-pro', 'customers', rows, { key: crypto.randomUUID() });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, alreadyImported: 12, rejected: 4 });
    expect(again.body.created).toEqual({ customers: 0, locations: 0, jobs: 0, invoices: 0, payments: 0 });
    expect(await customersOf(fx.a.orgId)).toBe(customers + 12);
    expect(await count('locations', 'org_id = ?', [fx.a.orgId])).toBe(locations + 12);
    expect(await keysOf(fx.a.orgId, 'housecall-pro')).toBe(keys);
  });

  it('gives a batch sent twice with one Idempotency-Key its first answer', async () => {
    const batch = [
      { customerId: `hcp-${crypto.randomUUID()}`, name: 'Replay Person', zip: '78701', street: '1 Main St', city: 'Austin', state: 'TX' },
    ];
    const key = crypto.randomUUID();
    const first = await send('a.admin', 'housecall-pro', 'customers', batch, { key });
    expect(first.body.created.customers).toBe(1);
    const customers = await customersOf(fx.a.orgId);
    const replay = await send('a.admin', 'housecall-pro', 'customers', batch, { key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await customersOf(fx.a.orgId)).toBe(customers);
  });
});

describe('import: Jobber clients', () => {
  it('reads the service property and the J-ID, and names the bad rows', async () => {
    const rows = mapped(jobberClients, 'jobber', 'customers');
    expect(rows[0]).toMatchObject({ customerId: '58211904', name: 'Rebecca Sloan', street: '3312 Harris Park Ave', zip: '78705' });
    const res = await send('a.admin', 'jobber', 'customers', rows, { key: crypto.randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.problems).toEqual([
      { row: 5, field: 'name', problem: expect.stringContaining('No name') },
      { row: 6, field: 'email', problem: 'Not an email address.' },
      { row: 9, field: 'zip', problem: 'Not a US ZIP code (12345 or 12345-6789).' },
      { row: 11, field: 'name', problem: 'Duplicate of row 4: left out.' },
    ]);
    expect(res.body.created).toMatchObject({ customers: 9, locations: 9 });
    expect(await keysOf(fx.a.orgId, 'jobber')).toBe(18);
    const again = await send('a.admin', 'jobber', 'customers', rows, { key: crypto.randomUUID() });
    expect(again.body).toMatchObject({ imported: 0, alreadyImported: 9, rejected: 4 });
    expect(await keysOf(fx.a.orgId, 'jobber')).toBe(18);
  });
});

describe('import: Housecall Pro jobs and invoices', () => {
  it('brings in jobs with their statuses, invoices and what was paid, once', async () => {
    const rows = mapped(hcpJobs, 'housecall-pro', 'jobs');
    const res = await send('a.admin', 'housecall-pro', 'jobs', rows, { key: crypto.randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.problems).toEqual([
      { row: 6, field: 'jobStart', problem: expect.stringContaining('Not a date') },
      { row: 10, field: 'jobId', problem: 'Duplicate of row 5: left out.' },
      { row: 11, field: 'zip', problem: 'Not a US ZIP code (12345 or 12345-6789).' },
    ]);
    // Customers from the customers file are found again by email, not made twice.
    expect(res.body.created).toEqual({ customers: 0, locations: 0, jobs: 8, invoices: 6, payments: 5 });

    expect(await count('jobs', "org_id = ? and description like 'Replace 2 GFCI%' and status = 'paid'", [fx.a.orgId])).toBe(1);
    expect(await count('jobs', "org_id = ? and description like 'Troubleshoot tripping%' and status = 'invoiced'", [fx.a.orgId])).toBe(1);
    expect(await count('jobs', "org_id = ? and description like 'Install ceiling fan%' and status = 'cancelled'", [fx.a.orgId])).toBe(1);
    // Open work is unscheduled, its date kept as the customer's request: the board's rooms own schedules.
    expect(
      await count('jobs', "org_id = ? and description like 'Panel upgrade%' and status = 'unscheduled' and requested_start is not null", [
        fx.a.orgId,
      ]),
    ).toBe(1);
    expect(await count('invoices', "org_id = ? and total_cents = 114050 and paid_cents = 50000 and status = 'sent'", [fx.a.orgId])).toBe(1);
    // Done jobs count in the manager's numbers at once.
    expect(
      await count('job_facts', "org_id = ? and job_id in (select id from jobs where description like 'Repair 3-phase%')", [fx.a.orgId]),
    ).toBe(1);

    const jobs = await count('jobs', 'org_id = ?', [fx.a.orgId]);
    const again = await send('a.admin', 'housecall-pro', 'jobs', rows, { key: crypto.randomUUID() });
    expect(again.body).toMatchObject({ imported: 0, alreadyImported: 8 });
    expect(await count('jobs', 'org_id = ?', [fx.a.orgId])).toBe(jobs);
  });
});

describe('import: the same rows twice at once', () => {
  it('writes them once; a batch that lost the race is refused whole, naming rows', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      customerId: `race-${i}`,
      name: `Race ${i}`,
      street: `${i} Race St`,
      city: 'Austin',
      state: 'TX',
      zip: '78701',
    }));
    const customers = await customersOf(fx.a.orgId);
    const answers = await Promise.all([1, 2, 3, 4].map(() => send('a.admin', 'jobber', 'customers', rows, { key: crypto.randomUUID() })));
    for (const a of answers) {
      // Whichever way each one went: made them, found them made, or lost the race and wrote nothing.
      if (a.status === 409) expectProblem(a, 409, 'rows');
      else expect(a.status, JSON.stringify(a.body).slice(0, 300)).toBe(200);
    }
    expect(answers.filter((a) => a.status === 200 && a.body.created.customers === 200)).toHaveLength(1);
    expect(await customersOf(fx.a.orgId)).toBe(customers + 200);
    expect(await count('locations', "org_id = ? and address like '% Race St'", [fx.a.orgId])).toBe(200);
  });
});

describe('import: who and what', () => {
  const one = () => [{ customerId: `x-${crypto.randomUUID()}`, name: 'Role Check' }];

  it('is for admins only', async () => {
    for (const actor of ['a.dispatcher', 'a.manager', 'a.technician'] as const) {
      expect((await send(actor, 'jobber', 'customers', one())).status, actor).toBe(403);
    }
    expect((await send('anon', 'jobber', 'customers', one())).status).toBe(401);
  });

  it("keeps each org's import to itself", async () => {
    const rows = mapped(hcpCustomers, 'housecall-pro', 'customers');
    const aCustomers = await customersOf(fx.a.orgId);
    const res = await send('b.admin', 'housecall-pro', 'customers', rows, { key: crypto.randomUUID() });
    // Org a imported this file already; org b gets its own copy, and org a is untouched.
    expect(res.body).toMatchObject({ imported: 12, alreadyImported: 0 });
    expect(await customersOf(fx.a.orgId)).toBe(aCustomers);
    expect(await keysOf(fx.b.orgId, 'housecall-pro')).toBe(24);
  });

  it('refuses bad requests with problem+json naming the field, changing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await send('a.admin', 'quickbooks', 'customers', one()), 400, 'source');
    expectProblem(await send('a.admin', 'jobber', 'estimates', one()), 400, 'entity');
    expectProblem(await send('a.admin', 'jobber', 'customers', []), 422, 'rows');
    expectProblem(await send('a.admin', 'jobber', 'customers', Array.from({ length: 501 }, one).flat()), 422, 'rows');
    expectProblem(await send('a.admin', 'jobber', 'customers', [{ name: 42 }]), 422, 'rows.0.name');
    expectProblem(await api('a.admin', 'POST', '/imports/jobber/customers', { rows: one(), extra: 1 }), 422, 'extra');
    expectProblem(await send('a.admin', 'jobber', 'customers', one(), { key: 'not a key' }), 400, 'Idempotency-Key');
    // A field the import does not know is a row problem, not a refusal of the batch.
    const odd = await send('a.admin', 'jobber', 'customers', [{ name: 'Odd', colour: 'red' }], { dryRun: true });
    expect(odd.body.problems).toEqual([{ row: 2, field: 'colour', problem: 'Not a field this import knows.' }]);
    expect(await dbFingerprint()).toBe(before);
  });
});
