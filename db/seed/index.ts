/**
 * Demo data for local use: deterministic (seeded PRNG), an electrical contractor in Austin, TX.
 * Refuses to run against anything but a database on this machine. The rows come from
 * generate.ts; this module only writes them, in one libSQL batch (one transaction, one HTTP
 * round trip) of multi-row inserts followed by the job facts the manager's numbers read
 * (db/job-facts.ts, the statements every job writer uses), so a failed seed leaves nothing behind.
 */
import { type Client, createClient, type InStatement } from '@libsql/client';
import { getTableColumns, getTableName, is, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { refreshFacts } from '../job-facts.ts';
import { copyJobLines } from '../invoice-lines.ts';
import * as s from '../schema.ts';
import { localTimeOf, localDateOf } from '../../core/time.ts';
import { generateDemo, type DemoData, type GenerateOptions } from './generate.ts';
import { METRO_TZ } from './places.ts';
import { toHhmm, toMinutes } from './context.ts';

export { DEMO_USERS } from './people.ts';
export { DEMO_PASSWORD, DEMO_TOTP_SECRET } from './demo-secrets.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from './demo-secrets.ts';

export function assertLocal(url: string): void {
  const u = new URL(url);
  const local = u.protocol === 'file:' || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (!local) throw new Error(`Refusing to seed ${u.host}: demo data goes only into a local database.`);
}

/**
 * Same format as worker/auth/password.ts (PBKDF2-SHA256, 6 chained rounds of 100,000). Off the
 * main thread (libuv's pool), so the seed generates its rows meanwhile.
 */
export async function hashPasswordNode(password: string): Promise<string> {
  const round = promisify(pbkdf2);
  const salt = randomBytes(16);
  let material: Buffer = Buffer.from(password);
  for (let i = 0; i < 6; i++) material = await round(material, salt, 100_000, 32, 'sha256');
  return `pbkdf2-sha256$600000$${salt.toString('base64')}$${material.toString('base64')}`;
}

/**
 * Today in the org's zone, and "now" as the clock says it (to the half hour): jobs before it
 * are history, jobs after it are plan. Opened at 02:00, today's board is all still to come;
 * at 14:00 the morning is done and the afternoon planned. The seed once kept "now" between
 * 10:00 and 14:00 for a busier board, which showed a 07:00 job as paid to someone looking at
 * 02:00. Tests never rely on the hour: they pick their subjects from the data.
 */
export function defaultDemoClock(at = Date.now()): Pick<GenerateOptions, 'today' | 'pivot'> {
  const minutes = toMinutes(localTimeOf(at, METRO_TZ));
  return { today: localDateOf(at, METRO_TZ), pivot: toHhmm(minutes - (minutes % 30)) };
}

export interface SeedReport {
  ms: number;
  counts: Record<keyof DemoData, number>;
  today: string;
  pivot: string;
}

/** Seeds the demo org when the database has no org yet. Returns whether it seeded. */
export async function seedIfEmpty(url: string, opts: Partial<GenerateOptions> = {}): Promise<boolean> {
  return (await seedDemo(url, opts)) !== null;
}

/** Like seedIfEmpty, but reports how long it took and what it wrote (null when it did nothing). */
export async function seedDemo(url: string, opts: Partial<GenerateOptions> = {}): Promise<SeedReport | null> {
  assertLocal(url);
  const client = createClient({ url });
  try {
    const existing = await client.execute('select id from orgs limit 1');
    if (existing.rows.length) return null;
    const t0 = performance.now();
    const clock = { ...defaultDemoClock(), ...opts };
    const hashing = hashPasswordNode(DEMO_PASSWORD);
    const { ctx, data } = generateDemo({ seed: opts.seed, today: clock.today, pivot: clock.pivot });
    const passwordHash = await hashing;
    // Office roles must use a second factor, so the demo ones have the documented TOTP secret
    // already enrolled (README); technicians sign in with a password alone by default.
    const secondFactor = (role: string) => (role === 'technician' ? {} : { totpSecret: DEMO_TOTP_SECRET, totpEnabledAt: Date.now() });
    await writeAll(client, ctx.orgId, { ...data, users: data.users.map((u) => ({ ...u, passwordHash, ...secondFactor(u.role) })) });
    const counts = Object.fromEntries(Object.entries(data).map(([k, rows]) => [k, (rows as unknown[]).length])) as SeedReport['counts'];
    return { ms: Math.round(performance.now() - t0), counts, today: clock.today, pivot: clock.pivot };
  } finally {
    client.close();
  }
}

/** Table objects in insert order (parents before children). */
const TABLES = {
  orgs: s.orgs,
  users: s.users,
  stockLocations: s.stockLocations,
  technicians: s.technicians,
  customers: s.customers,
  locations: s.locations,
  parts: s.parts,
  priceBookItems: s.priceBookItems,
  stockLevels: s.stockLevels,
  jobs: s.jobs,
  jobAssignments: s.jobAssignments,
  jobEvents: s.jobEvents,
  lineItems: s.lineItems,
  invoices: s.invoices,
  payments: s.payments,
  purchaseOrders: s.purchaseOrders,
  purchaseOrderLines: s.purchaseOrderLines,
  stockMovements: s.stockMovements,
  partUsages: s.partUsages,
} satisfies Record<keyof DemoData, SQLiteTable>;

/**
 * Rows go in sorted by the index that costs most to keep: a job's events and lines side by side
 * (by job id), so each insert lands next to the last one instead of anywhere in the index. For the
 * year's 64,000 events libSQL's CPU went from 1.8 s to 1.1 s.
 */
const INSERT_ORDER: Partial<Record<keyof DemoData, (a: Record<string, unknown>, b: Record<string, unknown>) => number>> = {
  jobEvents: (a, b) => byText(a.jobId, b.jobId) || (a.at as number) - (b.at as number),
  lineItems: (a, b) => byText(a.jobId, b.jobId),
};
const byText = (a: unknown, b: unknown) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** Rows per statement: a few hundred keeps each statement's text to some 100 KB. */
const ROWS_PER_STATEMENT = 500;

async function writeAll(client: Client, orgId: string, data: Omit<DemoData, 'users'> & { users: (typeof s.users.$inferInsert)[] }) {
  const statements: InStatement[] = [];
  for (const key of Object.keys(TABLES) as (keyof DemoData)[]) {
    const rows = data[key] as Record<string, unknown>[];
    const order = INSERT_ORDER[key];
    statements.push(...insertStatements(TABLES[key], order ? [...rows].sort(order) : rows));
  }
  // Each invoice's own copy of its lines, in one insert-select (as the Worker makes it), not row by row.
  await client.batch([...statements, copyJobLines(orgId), ...refreshFacts(orgId, 'all')], 'write');
}

/**
 * Multi-row inserts with the values written into the text as SQL literals. libSQL's HTTP protocol
 * sends each bound argument as a JSON object of its own: the year of demo work (some 120,000 rows
 * of about ten columns) is over a million of them, built, sent and parsed. Measured on the two
 * weeks alone (10,069 rows), the batch took 787 ms with arguments and 338 ms with literals. The
 * values are our own generated rows, each turned into what drizzle would bind (mapToDriverValue,
 * defaults as drizzle fills them), then quoted.
 */
function insertStatements(table: SQLiteTable, rows: readonly Record<string, unknown>[]): InStatement[] {
  if (!rows.length) return [];
  const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
  const head = `insert into "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values `;
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((row) => `(${columns.map(([key, c]) => literal(driverValue(c, row[key]))).join(',')})`);
    out.push(head + values.join(','));
  }
  return out;
}

/** What drizzle binds for a column: the value mapped for the driver, or the column's default. */
function driverValue(column: SQLiteColumn, value: unknown): unknown {
  if (value === null) return null;
  if (value !== undefined) return column.mapToDriverValue(value);
  const fallback = column.default !== undefined ? column.default : column.defaultFn?.();
  if (is(fallback, SQL)) throw new Error(`${column.name}: an SQL default cannot be written as a literal`);
  return fallback === undefined ? null : column.mapToDriverValue(fallback);
}

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no SQL literal for ${typeof value} ${String(value)}`);
}
