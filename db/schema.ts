/**
 * The system of record: every business record lives here, in libSQL.
 *
 * Conventions (see DESIGN.md "Time" and the README):
 * - ids are text UUIDs; every business table carries `org_id`, and every query filters by it.
 * - money is integer cents (`*_cents`), never floats.
 * - instants are UTC epoch milliseconds (`*_at`, `scheduled_start`); local calendar dates are
 *   'YYYY-MM-DD' text and wall-clock times are 'HH:MM' text, both read in an IANA timezone.
 * - JSON columns hold small arrays/objects only (skills, tags, business hours, event diffs).
 */
import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { JOB_STATUSES } from '../core/lifecycle.ts';
import { JOB_PRIORITIES } from '../core/priorities.ts';
import { ROLES, type Role } from '../core/roles.ts';

const id = () => text('id').primaryKey();
const orgId = () =>
  text('org_id')
    .notNull()
    .references(() => orgs.id);
const createdAt = () => integer('created_at').notNull();
const updatedAt = () => integer('updated_at').notNull();

/** Business hours per weekday (0 = Sunday), wall-clock in the org's timezone; null = closed. */
export type BusinessHours = Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', { open: string; close: string } | null>;

export const orgs = sqliteTable('orgs', {
  id: id(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  /** Sales tax in basis points (825 = 8.25%). */
  taxRateBps: integer('tax_rate_bps').notNull().default(0),
  businessHours: text('business_hours', { mode: 'json' }).$type<BusinessHours>().notNull(),
  nextJobNumber: integer('next_job_number').notNull().default(1000),
  nextInvoiceNumber: integer('next_invoice_number').notNull().default(1),
  nextPoNumber: integer('next_po_number').notNull().default(1),
  /** Org policy: technicians, too, must use a second factor after a password. */
  requireTotpForTechnicians: integer('require_totp_for_technicians', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

// The role list lives in core (core/roles.ts): the permission table and the app read it too.
export { ROLES, type Role };

export const users = sqliteTable(
  'users',
  {
    id: id(),
    orgId: orgId(),
    /** Lower-cased; unique across the whole service because it is the sign-in name. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null until the person sets one. */
    passwordHash: text('password_hash'),
    /** Base32 TOTP secret; set at enrolment, trusted only once `totp_enabled_at` is set. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: integer('totp_enabled_at'),
    /** The last time step accepted: a code (and any earlier one) is never accepted twice. */
    totpLastStep: integer('totp_last_step'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), index('users_org_idx').on(t.orgId, t.name)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the random token in the cookie, hex; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    orgId: orgId(),
    createdAt: createdAt(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    userAgent: text('user_agent'),
    /** How this session signed in: 'password', 'password+totp', 'password+recovery', 'passkey'. */
    method: text('method').notNull().default('password'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Which live rooms (rooms/) each session has opened, written by the room door
 * (worker/rooms-route.ts), so that ending a session or changing a person's access can close
 * those sockets (worker/room-connections.ts). One row per session and room, refreshed on every
 * reconnect; rows older than a session can live are deleted as new ones are written.
 */
export const roomConnections = sqliteTable(
  'room_connections',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.tokenHash, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'board' (BoardRoom), 'technician' (TechnicianRoom) or 'org' (OrgRoom). */
    kind: text('kind', { enum: ['board', 'technician', 'org'] }).notNull(),
    /** The room's name (rooms/board-name.ts). */
    room: text('room').notNull(),
    openedAt: integer('opened_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.kind, t.room] }),
    index('room_connections_user_idx').on(t.userId),
    index('room_connections_opened_idx').on(t.openedAt),
  ],
);

/** One-time codes for when the authenticator app is lost; only their SHA-256 is kept. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: id(),
    orgId: orgId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

/** WebAuthn credentials (passkeys). `id` is the credential id, base64url. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    id: id(),
    orgId: orgId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    deviceType: text('device_type').notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/**
 * Single-use, short-lived server state of a sign-in or enrolment in progress: WebAuthn
 * challenges, and the step between a correct password and its second factor. Looked up by
 * the SHA-256 of a random token held by the browser (cookie) or bound to a session.
 */
export const authChallenges = sqliteTable(
  'auth_challenges',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind', { enum: ['passkey-register', 'passkey-sign-in', 'second-factor'] }).notNull(),
    challenge: text('challenge'),
    userId: text('user_id').references(() => users.id),
    /** For enrolment: the session the challenge belongs to. */
    sessionTokenHash: text('session_token_hash'),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('auth_challenges_expiry_idx').on(t.expiresAt)],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: id(),
    orgId: orgId(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by')
      .notNull()
      .references(() => users.id),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invitations_token_uq').on(t.tokenHash), index('invitations_org_idx').on(t.orgId, t.createdAt)],
);

export const stockLocations = sqliteTable(
  'stock_locations',
  {
    id: id(),
    orgId: orgId(),
    kind: text('kind', { enum: ['warehouse', 'truck'] }).notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('stock_locations_org_idx').on(t.orgId, t.name)],
);

export const technicians = sqliteTable(
  'technicians',
  {
    id: id(),
    orgId: orgId(),
    userId: text('user_id').references(() => users.id),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    skills: text('skills', { mode: 'json' }).$type<string[]>().notNull(),
    /** e.g. 'journeyman', 'master', 'apprentice' */
    licenceClass: text('licence_class'),
    licenceNumber: text('licence_number'),
    licenceJurisdiction: text('licence_jurisdiction'),
    licenceExpires: text('licence_expires'),
    /** Wall-clock shift in the technician's timezone, 'HH:MM'. */
    shiftStart: text('shift_start').notNull(),
    shiftEnd: text('shift_end').notNull(),
    /** Weekdays worked, 0 = Sunday. */
    shiftDays: text('shift_days', { mode: 'json' }).$type<number[]>().notNull(),
    timezone: text('timezone').notNull(),
    homeAddress: text('home_address'),
    homeLat: real('home_lat'),
    homeLng: real('home_lng'),
    colour: text('colour').notNull(),
    truckLocationId: text('truck_location_id').references(() => stockLocations.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('technicians_org_idx').on(t.orgId, t.name)],
);

export const customers = sqliteTable(
  'customers',
  {
    id: id(),
    orgId: orgId(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    billingAddress: text('billing_address'),
    notes: text('notes'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('customers_org_name_idx').on(t.orgId, t.name, t.id),
    index('customers_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('customers_org_phone_idx').on(t.orgId, t.phone),
    index('customers_org_email_idx').on(t.orgId, t.email),
  ],
);

export const locations = sqliteTable(
  'locations',
  {
    id: id(),
    orgId: orgId(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    label: text('label'),
    address: text('address').notNull(),
    city: text('city').notNull(),
    region: text('region').notNull(),
    postalCode: text('postal_code').notNull(),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    timezone: text('timezone').notNull(),
    accessNotes: text('access_notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('locations_org_customer_idx').on(t.orgId, t.customerId), index('locations_org_address_idx').on(t.orgId, t.address)],
);

export const jobs = sqliteTable(
  'jobs',
  {
    id: id(),
    orgId: orgId(),
    number: integer('number').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    type: text('type').notNull(),
    // Statuses and priorities are core's (core/lifecycle.ts, core/priorities.ts): the enum types
    // the columns for TypeScript only (SQLite has no check on them), so neither needs a migration.
    priority: text('priority', { enum: JOB_PRIORITIES }).notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    requiredSkill: text('required_skill'),
    requiredLicenceClass: text('required_licence_class'),
    /** What the customer asked for (instants). */
    requestedStart: integer('requested_start'),
    requestedEnd: integer('requested_end'),
    /** The schedule (owned by the board room once rooms exist; see DESIGN.md). */
    scheduledStart: integer('scheduled_start'),
    durationMin: integer('duration_min').notNull(),
    /** Lead technician; helpers are in job_assignments. */
    technicianId: text('technician_id').references(() => technicians.id),
    arrivalWindowStart: integer('arrival_window_start'),
    arrivalWindowEnd: integer('arrival_window_end'),
    /** Scheduling-rule warnings stored with the projection, JSON array of {code, message}. */
    warnings: text('warnings', { mode: 'json' }).$type<{ code: string; message: string }[]>().notNull(),
    /**
     * The board room's version of this job's schedule last projected here. The room's outbox
     * writes only when its version is newer, so a retried or reordered projection is harmless.
     */
    scheduleVersion: integer('schedule_version').notNull().default(0),
    /**
     * The local day ('YYYY-MM-DD', org timezone) whose board room owns this job, or null for the
     * backlog. One column, so a job is on exactly one board at every moment: a move to another
     * day changes it in the same statement as the start. Written by the rooms' outboxes only.
     */
    boardDate: text('board_date'),
    createdBy: text('created_by').references(() => users.id),
    updatedBy: text('updated_by').references(() => users.id),
    completedAt: integer('completed_at'),
    /** The job this one goes back to (a return visit): the first one was then not fixed first time. */
    returnVisitOf: text('return_visit_of').references((): AnySQLiteColumn => jobs.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('jobs_org_number_uq').on(t.orgId, t.number),
    index('jobs_org_return_idx').on(t.orgId, t.returnVisitOf),
    // status too: the completion rate counts a range's scheduled jobs by status from the index alone.
    index('jobs_org_start_idx').on(t.orgId, t.scheduledStart, t.id, t.status),
    index('jobs_org_status_idx').on(t.orgId, t.status, t.scheduledStart),
    index('jobs_org_tech_start_idx').on(t.orgId, t.technicianId, t.scheduledStart),
    index('jobs_org_board_date_idx').on(t.orgId, t.boardDate),
    index('jobs_org_customer_idx').on(t.orgId, t.customerId, t.createdAt),
    index('jobs_org_created_idx').on(t.orgId, t.createdAt, t.id),
  ],
);

export const jobAssignments = sqliteTable(
  'job_assignments',
  {
    orgId: orgId(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    technicianId: text('technician_id')
      .notNull()
      .references(() => technicians.id),
    role: text('role', { enum: ['lead', 'helper'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.technicianId] }), index('job_assignments_tech_idx').on(t.orgId, t.technicianId)],
);

/** The audit trail of a job: who changed what, with before and after. */
export const jobEvents = sqliteTable(
  'job_events',
  {
    id: id(),
    orgId: orgId(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    actorUserId: text('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  },
  (t) => [
    index('job_events_job_idx').on(t.orgId, t.jobId, t.at),
    // The admins' audit log reads the newest first across the org (worker/audit/audit-log.ts).
    index('job_events_org_at_idx').on(t.orgId, t.at, t.id),
  ],
);

/** The job facts' columns the manager's figures add up (the view job_fact_terms, migration 0017), carried by both of its indexes. */
const FACT_SUMMED = (t: {
  invoiced: AnySQLiteColumn;
  revenueCents: AnySQLiteColumn;
  returnVisitOf: AnySQLiteColumn;
  firstTimeFix: AnySQLiteColumn;
  onTime: AnySQLiteColumn;
  onSiteMinutes: AnySQLiteColumn;
}) => [t.invoiced, t.revenueCents, t.returnVisitOf, t.firstTimeFix, t.onTime, t.onSiteMinutes] as const;

/**
 * One row per done job (completed, invoiced or paid): what the manager's numbers add up, kept by
 * db/job-facts.ts in the same batch as every change that can alter it, and rebuilt from the
 * records by the same statement (npm run kpis:rebuild). Instants, not local days: the figures
 * bucket them by the org's local days when they are read (core/kpis.ts), so a change of the
 * org's timezone never leaves stale days behind.
 */
export const jobFacts = sqliteTable(
  'job_facts',
  {
    jobId: text('job_id')
      .primaryKey()
      .references(() => jobs.id),
    orgId: orgId(),
    technicianId: text('technician_id'),
    completedAt: integer('completed_at').notNull(),
    returnVisitOf: text('return_visit_of'),
    /** Has a non-void invoice; revenue is its amount before tax. */
    invoiced: integer('invoiced', { mode: 'boolean' }).notNull(),
    revenueCents: integer('revenue_cents').notNull(),
    /** Null for a return visit (it is not counted either way). */
    firstTimeFix: integer('first_time_fix', { mode: 'boolean' }),
    arrivedAt: integer('arrived_at'),
    /** Null without an arrival window or an arrival. */
    onTime: integer('on_time', { mode: 'boolean' }),
    onSiteMinutes: integer('on_site_minutes').notNull(),
  },
  (t) => [
    // Both indexes hold every column the figures add up, so a range's sums read the index alone
    // (bench/kpis: a month of 100 technicians is ~20,000 facts, each a table lookup otherwise).
    index('job_facts_org_completed_idx').on(t.orgId, t.completedAt, ...FACT_SUMMED(t)),
    index('job_facts_org_tech_idx').on(t.orgId, t.technicianId, t.completedAt, ...FACT_SUMMED(t)),
  ],
);

/**
 * The org's KPI data version: raised by triggers (migration 0015) in the same transaction as any
 * change that can move a figure of GET /api/kpis, whichever writer made it. The Worker's report
 * cache (worker/kpis/cache.ts) serves an answer only while the version it was read at is current.
 */
export const kpiVersions = sqliteTable('kpi_versions', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => orgs.id),
  version: integer('version').notNull(),
});

/**
 * Rollups of the job facts and of the schedule, kept by triggers (migration 0017) in the same
 * transaction as every change to the rows they add up, whichever writer made it: what a fact
 * counts is said once, by the view job_fact_terms (and job_schedule_terms for jobs), and the
 * triggers and the report both read it. A range's sums are its whole buckets from a rollup plus
 * the raw rows of the part buckets at its two ends (worker/kpis/rollups.ts), so the figures are
 * exact for any timezone, and a year reads tens of thousands of rows instead of half a million.
 *
 * - job_fact_quarters: each 15 minutes of completions (every local midnight of every timezone
 *   falls on one), for the periods' sums and each day of the range;
 * - job_fact_tech_days: each technician's completions per UTC day, for the scorecard;
 * - job_schedule_quarters: jobs (not cancelled) scheduled to start in each 15 minutes, and how
 *   many of them are done, for the completion rate.
 * A bucket whose count falls to zero is deleted, so a rollup equals a fresh GROUP BY of its rows.
 */
const rollupSums = () => ({
  completed: integer('completed').notNull(),
  invoicedCents: integer('invoiced_cents').notNull(),
  ticketJobs: integer('ticket_jobs').notNull(),
  ticketCents: integer('ticket_cents').notNull(),
  fixEligible: integer('fix_eligible').notNull(),
  fixedFirstTime: integer('fixed_first_time').notNull(),
  windowed: integer('windowed').notNull(),
  onTime: integer('on_time').notNull(),
  onSiteMinutes: integer('on_site_minutes').notNull(),
});

export const jobFactQuarters = sqliteTable(
  'job_fact_quarters',
  { orgId: orgId(), quarter: integer('quarter').notNull(), ...rollupSums() },
  (t) => [primaryKey({ columns: [t.orgId, t.quarter] })],
);

export const jobFactTechDays = sqliteTable(
  'job_fact_tech_days',
  { orgId: orgId(), day: integer('day').notNull(), technicianId: text('technician_id').notNull(), ...rollupSums() },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.technicianId] })],
);

export const jobScheduleQuarters = sqliteTable(
  'job_schedule_quarters',
  {
    orgId: orgId(),
    quarter: integer('quarter').notNull(),
    scheduled: integer('scheduled').notNull(),
    done: integer('done').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.quarter] })],
);

/** The audit trail of everything that is not a job. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: id(),
    orgId: orgId(),
    actorUserId: text('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown> | null>(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown> | null>(),
  },
  (t) => [
    index('audit_events_entity_idx').on(t.orgId, t.entity, t.entityId, t.at),
    index('audit_events_org_at_idx').on(t.orgId, t.at, t.id),
  ],
);

export const parts = sqliteTable(
  'parts',
  {
    id: id(),
    orgId: orgId(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    costCents: integer('cost_cents').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('parts_org_sku_uq').on(t.orgId, t.sku), index('parts_org_name_idx').on(t.orgId, t.name, t.id)],
);

export const priceBookItems = sqliteTable(
  'price_book_items',
  {
    id: id(),
    orgId: orgId(),
    kind: text('kind', { enum: ['service', 'material'] }).notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    unit: text('unit').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    costCents: integer('cost_cents').notNull(),
    taxable: integer('taxable', { mode: 'boolean' }).notNull(),
    /** Materials sold from stock point at their part. */
    partId: text('part_id').references(() => parts.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('price_book_org_code_uq').on(t.orgId, t.code), index('price_book_org_name_idx').on(t.orgId, t.name, t.id)],
);

export const lineItems = sqliteTable(
  'line_items',
  {
    id: id(),
    orgId: orgId(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    priceBookItemId: text('price_book_item_id').references(() => priceBookItems.id),
    description: text('description').notNull(),
    /** Thousandths of a unit (1500 = 1.5 hours), so quantities stay exact integers. */
    quantityMilli: integer('quantity_milli').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    taxable: integer('taxable', { mode: 'boolean' }).notNull(),
    totalCents: integer('total_cents').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('line_items_job_idx').on(t.orgId, t.jobId, t.createdAt)],
);

export const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'void'] as const;

export const invoices = sqliteTable(
  'invoices',
  {
    id: id(),
    orgId: orgId(),
    number: integer('number').notNull(),
    jobId: text('job_id').references(() => jobs.id),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    status: text('status', { enum: INVOICE_STATUSES }).notNull(),
    issuedAt: integer('issued_at'),
    dueDate: text('due_date'),
    subtotalCents: integer('subtotal_cents').notNull(),
    taxCents: integer('tax_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    paidCents: integer('paid_cents').notNull().default(0),
    notes: text('notes'),
    voidReason: text('void_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('invoices_org_number_uq').on(t.orgId, t.number),
    // The amounts and dates after the sort key: receivables (sent invoices by age) read the index alone.
    index('invoices_org_status_idx').on(t.orgId, t.status, t.createdAt, t.issuedAt, t.totalCents, t.paidCents),
    index('invoices_org_customer_idx').on(t.orgId, t.customerId),
    index('invoices_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('invoices_org_job_idx').on(t.orgId, t.jobId),
    // Overpayment is refused by the database too, not only by the API.
    check('invoices_paid_within_total', sql`${t.paidCents} >= 0 and ${t.paidCents} <= ${t.totalCents}`),
  ],
);

export const payments = sqliteTable(
  'payments',
  {
    id: id(),
    orgId: orgId(),
    invoiceId: text('invoice_id')
      .notNull()
      .references(() => invoices.id),
    amountCents: integer('amount_cents').notNull(),
    method: text('method', { enum: ['card', 'cash', 'check', 'ach'] }).notNull(),
    reference: text('reference'),
    receivedAt: integer('received_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_invoice_idx').on(t.orgId, t.invoiceId),
    index('payments_org_received_idx').on(t.orgId, t.receivedAt, t.id, t.amountCents),
  ],
);

export const stockLevels = sqliteTable(
  'stock_levels',
  {
    orgId: orgId(),
    partId: text('part_id')
      .notNull()
      .references(() => parts.id),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    quantity: integer('quantity').notNull(),
    reorderPoint: integer('reorder_point').notNull().default(0),
    reorderQuantity: integer('reorder_quantity').notNull().default(0),
    /** The most this location should hold (a truck's refill fills up to it); 0 = no maximum set. */
    maxQuantity: integer('max_quantity').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.partId, t.locationId] }),
    index('stock_levels_org_loc_idx').on(t.orgId, t.locationId),
    // The database itself refuses negative stock, so a batch that would overdraw rolls back whole.
    check('stock_levels_quantity_nonnegative', sql`${t.quantity} >= 0`),
  ],
);

export const STOCK_MOVEMENT_REASONS = ['receive', 'transfer', 'use', 'adjust'] as const;

export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: id(),
    orgId: orgId(),
    partId: text('part_id')
      .notNull()
      .references(() => parts.id),
    fromLocationId: text('from_location_id').references(() => stockLocations.id),
    toLocationId: text('to_location_id').references(() => stockLocations.id),
    quantity: integer('quantity').notNull(),
    reason: text('reason', { enum: STOCK_MOVEMENT_REASONS }).notNull(),
    jobId: text('job_id').references(() => jobs.id),
    purchaseOrderId: text('purchase_order_id'),
    actorUserId: text('actor_user_id').references(() => users.id),
    /** Why, in the person's words; required for an adjustment ("2 found damaged"). */
    note: text('note'),
    at: integer('at').notNull(),
  },
  (t) => [index('stock_movements_org_at_idx').on(t.orgId, t.at, t.id), index('stock_movements_part_idx').on(t.orgId, t.partId, t.at)],
);

/** Parts a technician used on a job (each also recorded as a 'use' stock movement). */
export const partUsages = sqliteTable(
  'part_usages',
  {
    id: id(),
    orgId: orgId(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    partId: text('part_id')
      .notNull()
      .references(() => parts.id),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    technicianId: text('technician_id').references(() => technicians.id),
    quantity: integer('quantity').notNull(),
    /** Logged although the truck had none on record: stock was not taken, and the office is to look. */
    flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
    at: integer('at').notNull(),
  },
  (t) => [index('part_usages_job_idx').on(t.orgId, t.jobId)],
);

export const PO_STATUSES = ['draft', 'ordered', 'received', 'cancelled'] as const;

export const purchaseOrders = sqliteTable(
  'purchase_orders',
  {
    id: id(),
    orgId: orgId(),
    number: integer('number').notNull(),
    supplier: text('supplier').notNull(),
    status: text('status', { enum: PO_STATUSES }).notNull(),
    locationId: text('location_id')
      .notNull()
      .references(() => stockLocations.id),
    orderedAt: integer('ordered_at'),
    receivedAt: integer('received_at'),
    totalCents: integer('total_cents').notNull(),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('po_org_number_uq').on(t.orgId, t.number), index('po_org_created_idx').on(t.orgId, t.createdAt, t.id)],
);

export const purchaseOrderLines = sqliteTable(
  'purchase_order_lines',
  {
    id: id(),
    orgId: orgId(),
    purchaseOrderId: text('purchase_order_id')
      .notNull()
      .references(() => purchaseOrders.id),
    partId: text('part_id')
      .notNull()
      .references(() => parts.id),
    quantity: integer('quantity').notNull(),
    unitCostCents: integer('unit_cost_cents').notNull(),
    /** Received so far (a purchase order can arrive in parts). */
    receivedQuantity: integer('received_quantity').notNull().default(0),
  },
  (t) => [
    index('po_lines_po_idx').on(t.orgId, t.purchaseOrderId),
    // Never more than was ordered: two receipts that race roll back whole rather than over-receive.
    check('po_lines_received_within_ordered', sql`${t.receivedQuantity} >= 0 and ${t.receivedQuantity} <= ${t.quantity}`),
  ],
);

/** Keeps a write's answer so a replayed request (offline queue) is applied exactly once. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    orgId: orgId(),
    key: text('key').notNull(),
    userId: text('user_id').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    /** SHA-256 of the method, path and body the key first came with: the same key with another request is refused (422). */
    requestHash: text('request_hash').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] })],
);

/**
 * A technician's write from the phone that the server refused for good (worker/http/idempotency.ts
 * keeps it beside the key's answer): the phone shows the refusal to the technician, and this row
 * shows it to the office on the job (worker/jobs/phone-refusals.ts), so a replay that no longer
 * fits is never lost on either side. `job_id` is the job the request named, kept as sent: it need
 * not be a job of the org (a refusal of a job that is not there), so it has no foreign key.
 */
export const phoneRefusals = sqliteTable(
  'phone_refusals',
  {
    id: id(),
    orgId: orgId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    jobId: text('job_id'),
    /** The Idempotency-Key it came with: one row per key, however often the phone sends it again. */
    idempotencyKey: text('idempotency_key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    /** What was attempted in plain words ("Note", "Status change"), and what the body asked, trimmed; never a file's bytes. */
    action: text('action').notNull(),
    attempted: text('attempted'),
    status: integer('status').notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('phone_refusals_key_uq').on(t.orgId, t.idempotencyKey), index('phone_refusals_job_idx').on(t.orgId, t.jobId, t.at)],
);

/**
 * An invoice's own copy of its lines, taken when it is made: a later change to the price book or
 * the job's line items never changes an invoice that has been made.
 */
export const invoiceLines = sqliteTable(
  'invoice_lines',
  {
    id: id(),
    orgId: orgId(),
    invoiceId: text('invoice_id')
      .notNull()
      .references(() => invoices.id),
    position: integer('position').notNull(),
    priceBookItemId: text('price_book_item_id'),
    description: text('description').notNull(),
    quantityMilli: integer('quantity_milli').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    taxable: integer('taxable', { mode: 'boolean' }).notNull(),
    totalCents: integer('total_cents').notNull(),
  },
  (t) => [index('invoice_lines_invoice_idx').on(t.orgId, t.invoiceId, t.position)],
);

export const JOB_FILE_KINDS = ['photo', 'signature'] as const;

/**
 * Photos and customer signatures of a job. The bytes are in R2 under `object_key`; the id is the
 * one the phone made before uploading, so an upload replayed from the offline outbox lands once.
 */
export const jobFiles = sqliteTable(
  'job_files',
  {
    id: id(),
    orgId: orgId(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    kind: text('kind', { enum: JOB_FILE_KINDS }).notNull(),
    objectKey: text('object_key').notNull(),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    caption: text('caption'),
    /** Signatures: the signer's printed name and when they signed. */
    signerName: text('signer_name'),
    signedAt: integer('signed_at'),
    uploadedBy: text('uploaded_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('job_files_job_idx').on(t.orgId, t.jobId, t.createdAt)],
);

/** One Web Push subscription per device (the endpoint is the device's). */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    id: id(),
    orgId: orgId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: createdAt(),
    lastSuccessAt: integer('last_success_at'),
    lastFailureAt: integer('last_failure_at'),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_uq').on(t.endpoint), index('push_subscriptions_user_idx').on(t.orgId, t.userId)],
);

/**
 * Development's own Web Push (VAPID) key pair, made on first use when VAPID_PUBLIC_KEY and
 * VAPID_PRIVATE_KEY are not set (rooms/push-keys.ts says why here). One row; production sets the
 * keys as secrets and never writes it.
 */
export const vapidKeys = sqliteTable(
  'vapid_keys',
  {
    id: integer('id').primaryKey(),
    /** The uncompressed P-256 point, base64url. */
    publicKey: text('public_key').notNull(),
    /** The private scalar, base64url. */
    privateKey: text('private_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [check('vapid_keys_one_row', sql`${t.id} = 1`)],
);

/** Outgoing webhooks: where an org wants to be told, and of what. */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: id(),
    orgId: orgId(),
    url: text('url').notNull(),
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    /** Standard Webhooks secret ('whsec_' + base64). */
    secret: text('secret').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    description: text('description'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.createdAt)],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** Each message to each endpoint, with its attempts so far and the last answer. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: id(),
    orgId: orgId(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    /** The Standard Webhooks message id (webhook-id), the same on every attempt. */
    messageId: text('message_id').notNull(),
    event: text('event').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastResponse: text('last_response'),
    lastAttemptAt: integer('last_attempt_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_endpoint_idx').on(t.orgId, t.endpointId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** Every attempt of a webhook delivery, for the delivery log (the delivery row keeps only the last). */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: id(),
    orgId: orgId(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    attempt: integer('attempt').notNull(),
    at: integer('at').notNull(),
    /** Null when the receiver did not answer (refused, timed out). */
    statusCode: integer('status_code'),
    response: text('response'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.orgId, t.deliveryId, t.attempt)],
);

/** A technician's iCalendar feed: the URL carries a secret whose hash is kept here; renewing replaces it. */
export const calendarFeeds = sqliteTable(
  'calendar_feeds',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id),
    orgId: orgId(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('calendar_feeds_token_uq').on(t.tokenHash)],
);

/**
 * What an import brought in, by the id it had in the system it came from: importing the same
 * file again finds every row here and adds nothing.
 */
export const importKeys = sqliteTable(
  'import_keys',
  {
    orgId: orgId(),
    source: text('source').notNull(),
    entity: text('entity').notNull(),
    externalId: text('external_id').notNull(),
    entityId: text('entity_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.source, t.entity, t.externalId] })],
);
