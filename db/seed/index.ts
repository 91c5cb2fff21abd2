/**
 * Demo data for local use: deterministic (seeded PRNG), an electrical contractor in Austin, TX.
 * Refuses to run against anything but a database on this machine.
 */
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import * as s from '../schema.ts';

export const DEMO_PASSWORD = 'switchboard-demo';
export const DEMO_USERS = [
  { email: 'admin@demo.switchboard.test', name: 'Alex Admin', role: 'admin' },
  { email: 'dispatch@demo.switchboard.test', name: 'Dana Dispatch', role: 'dispatcher' },
  { email: 'dispatch2@demo.switchboard.test', name: 'Devon Dispatch', role: 'dispatcher' },
  { email: 'manager@demo.switchboard.test', name: 'Morgan Manager', role: 'manager' },
  { email: 'tech@demo.switchboard.test', name: 'Terry Tech', role: 'technician' },
] as const;

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

/** Seeds the demo org when the database has no org yet. Returns whether it seeded. */
export async function seedIfEmpty(url: string): Promise<boolean> {
  assertLocal(url);
  const client = createClient({ url });
  const db = drizzle(client, { schema: s });
  try {
    const existing = await db.select({ id: s.orgs.id }).from(s.orgs).limit(1);
    if (existing.length) return false;
    const now = Date.now();
    const orgId = '00000000-0000-4000-8000-000000000001';
    const weekday = { open: '07:00', close: '17:00' };
    const passwordHash = hashPasswordNode(DEMO_PASSWORD);
    await db.batch([
      db.insert(s.orgs).values({
        id: orgId,
        name: 'Bright Line Electric',
        timezone: 'America/Chicago',
        taxRateBps: 825,
        businessHours: { '0': null, '1': weekday, '2': weekday, '3': weekday, '4': weekday, '5': weekday, '6': { open: '08:00', close: '12:00' } },
        createdAt: now,
      }),
      db.insert(s.users).values(DEMO_USERS.map((u, i) => ({ id: `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`, orgId, ...u, passwordHash, createdAt: now, updatedAt: now }))),
    ]);
    return true;
  } finally {
    client.close();
  }
}
