/** Fixture rows for the API tests, written from Node straight into the test database. */
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { eq } from 'drizzle-orm';
import * as s from '../../db/schema.ts';
import type { Role } from '../../db/schema.ts';

export interface OrgFixture {
  orgId: string;
  tokens: Record<Role, string>;
  userIds: Record<Role, string>;
  customerId: string;
  locationId: string;
  technicianId: string;
  /** The technician record linked to the technician user. */
  ownTechnicianId: string;
  truckId: string;
  warehouseId: string;
  partId: string;
  /** A scheduled job on the linked technician, with two line items (one for the matrix to delete). */
  jobId: string;
  lineItemId: string;
  doomedLineItemId: string;
}

export interface Fixtures {
  a: OrgFixture;
  b: OrgFixture;
  /** Password of every fixture user, for the sign-in tests. */
  password: string;
  /** A precomputed PBKDF2 hash of `password` (600,000 iterations, chained rounds). */
}

const ROLES: Role[] = ['admin', 'dispatcher', 'manager', 'technician'];

export async function writeFixtures(url: string): Promise<Fixtures> {
  const client = createClient({ url });
  const db = drizzle(client, { schema: s });
  const password = 'correct horse battery staple';
  const passwordHash = await nodePbkdf2Chained(password);
  const now = Date.now();
  const make = async (label: string): Promise<OrgFixture> => {
    const orgId = crypto.randomUUID();
    await db.insert(s.orgs).values({
      id: orgId,
      name: `Org ${label}`,
      timezone: 'America/Chicago',
      taxRateBps: 825,
      businessHours: {
        '0': null,
        '1': { open: '07:00', close: '17:00' },
        '2': { open: '07:00', close: '17:00' },
        '3': { open: '07:00', close: '17:00' },
        '4': { open: '07:00', close: '17:00' },
        '5': { open: '07:00', close: '17:00' },
        '6': null,
      },
      createdAt: now,
    });
    const tokens = {} as Record<Role, string>;
    const userIds = {} as Record<Role, string>;
    for (const role of ROLES) {
      const id = crypto.randomUUID();
      userIds[role] = id;
      await db.insert(s.users).values({
        id,
        orgId,
        email: `${role}@org-${label}.test`,
        name: `${role} ${label}`,
        role,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      });
      const token = randomBytes(32).toString('base64url');
      tokens[role] = token;
      await db.insert(s.sessions).values({
        tokenHash: createHash('sha256').update(token).digest('hex'),
        userId: id,
        orgId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + 24 * 3600_000,
        method: 'password+totp',
      });
    }
    const warehouseId = crypto.randomUUID();
    const truckId = crypto.randomUUID();
    await db.insert(s.stockLocations).values([
      { id: warehouseId, orgId, kind: 'warehouse', name: 'Main warehouse', createdAt: now, updatedAt: now },
      { id: truckId, orgId, kind: 'truck', name: 'Truck 1', createdAt: now, updatedAt: now },
    ]);
    const technicianId = crypto.randomUUID();
    const ownTechnicianId = crypto.randomUUID();
    const tech = {
      orgId,
      skills: ['service', 'panel'],
      licenceClass: 'journeyman',
      shiftStart: '07:00',
      shiftEnd: '15:30',
      shiftDays: [1, 2, 3, 4, 5],
      timezone: 'America/Chicago',
      colour: '#2563eb',
      createdAt: now,
      updatedAt: now,
    };
    await db.insert(s.technicians).values([
      { ...tech, id: technicianId, name: `Tech ${label}`, truckLocationId: truckId },
      { ...tech, id: ownTechnicianId, name: `Field user ${label}`, userId: userIds.technician },
    ]);
    const customerId = crypto.randomUUID();
    await db.insert(s.customers).values({
      id: customerId,
      orgId,
      name: `Customer ${label}`,
      email: `c@${label}.test`,
      phone: '512-555-0100',
      tags: ['residential'],
      createdAt: now,
      updatedAt: now,
    });
    const locationId = crypto.randomUUID();
    await db.insert(s.locations).values({
      id: locationId,
      orgId,
      customerId,
      address: '100 Congress Ave',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      lat: 30.2651,
      lng: -97.7446,
      timezone: 'America/Chicago',
      createdAt: now,
      updatedAt: now,
    });
    const partId = crypto.randomUUID();
    await db
      .insert(s.parts)
      .values({ id: partId, orgId, sku: 'BR-20A', name: '20A breaker', unit: 'each', costCents: 900, createdAt: now, updatedAt: now });
    await db.insert(s.stockLevels).values([
      { orgId, partId, locationId: warehouseId, quantity: 50, reorderPoint: 10, reorderQuantity: 40, updatedAt: now },
      { orgId, partId, locationId: truckId, quantity: 3, reorderPoint: 5, reorderQuantity: 10, updatedAt: now },
    ]);
    const jobId = crypto.randomUUID();
    await db.insert(s.jobs).values({
      id: jobId,
      orgId,
      number: 1,
      customerId,
      locationId,
      type: 'Service call',
      priority: 'normal',
      description: 'Fixture job',
      status: 'scheduled',
      scheduledStart: now + 24 * 3600_000,
      durationMin: 60,
      technicianId: ownTechnicianId,
      warnings: [],
      createdAt: now,
      updatedAt: now,
    });
    await db.insert(s.jobAssignments).values({ orgId, jobId, technicianId: ownTechnicianId, role: 'lead' });
    await db.update(s.orgs).set({ nextJobNumber: 2 }).where(eq(s.orgs.id, orgId));
    const lineItemId = crypto.randomUUID();
    const doomedLineItemId = crypto.randomUUID();
    await db.insert(s.lineItems).values([
      {
        id: lineItemId,
        orgId,
        jobId,
        description: 'Service call',
        quantityMilli: 1000,
        unitPriceCents: 8900,
        taxable: true,
        totalCents: 8900,
        createdAt: now,
        updatedAt: now,
      },
      {
        id: doomedLineItemId,
        orgId,
        jobId,
        description: 'Wire nuts',
        quantityMilli: 10_000,
        unitPriceCents: 25,
        taxable: true,
        totalCents: 250,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    return {
      orgId,
      tokens,
      userIds,
      customerId,
      locationId,
      technicianId,
      ownTechnicianId,
      truckId,
      warehouseId,
      partId,
      jobId,
      lineItemId,
      doomedLineItemId,
    };
  };
  const fixtures = { a: await make('a'), b: await make('b'), password };
  client.close();
  return fixtures;
}

/** Same format as worker/auth/password.ts, computed with node:crypto so setup stays quick. */
async function nodePbkdf2Chained(password: string): Promise<string> {
  const { pbkdf2Sync } = await import('node:crypto');
  const salt = randomBytes(16);
  let material: Buffer = Buffer.from(password);
  for (let i = 0; i < 6; i++) material = pbkdf2Sync(material, salt, 100_000, 32, 'sha256');
  return `pbkdf2-sha256$600000$${salt.toString('base64')}$${material.toString('base64')}`;
}

declare module 'vitest' {
  export interface ProvidedContext {
    libsqlUrl: string;
    fixtures: Fixtures;
  }
}
