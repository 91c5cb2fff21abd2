/**
 * Demo data for local use: deterministic (seeded PRNG), an electrical contractor in Austin, TX.
 * Refuses to run against anything but a database on this machine. The rows come from
 * generate.ts; this module only writes them, in one libSQL batch (one transaction, one HTTP
 * round trip) of multi-row inserts, so a failed seed leaves nothing behind.
 */
import { createClient } from '@libsql/client';
import { getTableColumns } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
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

/** Same format as worker/auth/password.ts (PBKDF2-SHA256, 6 chained rounds of 100,000). */
export function hashPasswordNode(password: string): string {
  const salt = randomBytes(16);
  let material: Buffer = Buffer.from(password);
  for (let i = 0; i < 6; i++) material = pbkdf2Sync(material, salt, 100_000, 32, 'sha256');
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
  const db = drizzle(client, { schema: s });
  try {
    const existing = await db.select({ id: s.orgs.id }).from(s.orgs).limit(1);
    if (existing.length) return null;
    const t0 = performance.now();
    const clock = { ...defaultDemoClock(), ...opts };
    const { data } = generateDemo({ seed: opts.seed, today: clock.today, pivot: clock.pivot });
    const passwordHash = hashPasswordNode(DEMO_PASSWORD);
    // Office roles must use a second factor, so the demo ones have the documented TOTP secret
    // already enrolled (README); technicians sign in with a password alone by default.
    const secondFactor = (role: string) => (role === 'technician' ? {} : { totpSecret: DEMO_TOTP_SECRET, totpEnabledAt: Date.now() });
    await writeAll(db, { ...data, users: data.users.map((u) => ({ ...u, passwordHash, ...secondFactor(u.role) })) });
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

/** Bound parameters per statement; well under SQLite's 32,766 limit, big enough to keep statements few. */
const PARAMS_PER_STATEMENT = 8_000;

type Db = ReturnType<typeof drizzle<typeof s>>;

async function writeAll(db: Db, data: Omit<DemoData, 'users'> & { users: (typeof s.users.$inferInsert)[] }): Promise<void> {
  const statements = [];
  for (const key of Object.keys(TABLES) as (keyof DemoData)[]) {
    const rows = data[key] as Record<string, unknown>[];
    if (!rows.length) continue;
    const table: SQLiteTable = TABLES[key];
    // drizzle binds every column of the table for each row, defaults included.
    const perRow = Object.keys(getTableColumns(table)).length;
    const size = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / perRow));
    for (let i = 0; i < rows.length; i += size) {
      // `as any`: one loop over differently typed tables.
      statements.push(db.insert(table).values(rows.slice(i, i + size) as any));
    }
  }
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}
