/**
 * The people in the demo: the office users, 15 technicians with licences, shifts, trucks and
 * home bases, and 300 customers (residential and commercial) with their service locations.
 */
import type * as s from '../schema.ts';
import type { SeedContext } from './context.ts';
import { DAY, HOUR, MINUTE } from './context.ts';
import { rngFor, type Rng } from './prng.ts';
import { formatAddress, NEIGHBOURHOODS, randomPlace, type Place } from './places.ts';

type UserRow = Omit<typeof s.users.$inferInsert, 'passwordHash'>;
type TechnicianRow = typeof s.technicians.$inferInsert;
type StockLocationRow = typeof s.stockLocations.$inferInsert;
type CustomerRow = typeof s.customers.$inferInsert;
type LocationRow = typeof s.locations.$inferInsert;

export const DEMO_USERS = [
  { email: 'admin@demo.switchboard.test', name: 'Alex Admin', role: 'admin' },
  { email: 'dispatch@demo.switchboard.test', name: 'Dana Dispatch', role: 'dispatcher' },
  { email: 'dispatch2@demo.switchboard.test', name: 'Devon Dispatch', role: 'dispatcher' },
  { email: 'manager@demo.switchboard.test', name: 'Morgan Manager', role: 'manager' },
  { email: 'tech@demo.switchboard.test', name: 'Terry Tech', role: 'technician' },
] as const;

export const demoUserId = (i: number) => `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`;
export const USER_IDS = {
  admin: demoUserId(0),
  dispatchers: [demoUserId(1), demoUserId(2)],
  manager: demoUserId(3),
  technician: demoUserId(4),
} as const;

export function demoUsers(ctx: SeedContext): UserRow[] {
  const created = ctx.at(ctx.day(-400), '09:00');
  return DEMO_USERS.map((u, i) => ({ id: demoUserId(i), orgId: ctx.orgId, ...u, createdAt: created, updatedAt: created }));
}

/** The skill vocabulary jobs ask for and technicians offer. */
export const SKILLS = [
  'service',
  'troubleshooting',
  'panel-upgrade',
  'ev-charger',
  'generator',
  'commercial',
  'lighting',
  'low-voltage',
] as const;
export type Skill = (typeof SKILLS)[number];
export type LicenceClass = 'master' | 'journeyman' | 'apprentice';

const EARLY = { start: '07:00', end: '15:30' };
const LATE = { start: '09:00', end: '17:30' };
const MON_FRI = [1, 2, 3, 4, 5];
const TUE_SAT = [2, 3, 4, 5, 6];
const SUN_THU = [0, 1, 2, 3, 4];

interface RosterEntry {
  name: string;
  cls: LicenceClass;
  skills: Skill[];
  shift: { start: string; end: string };
  days: number[];
  colour: string;
  /** Licence expiry relative to today, in days; otherwise drawn. */
  expiresInDays?: number;
  /** Linked to the demo technician user. */
  user?: boolean;
}

// Two technicians work Tue-Sat and two Sun-Thu, so every day of the week has work on the board.
const ROSTER: RosterEntry[] = [
  {
    name: 'Terry Tech',
    cls: 'journeyman',
    skills: ['service', 'troubleshooting', 'ev-charger', 'lighting'],
    shift: EARLY,
    days: MON_FRI,
    colour: '#2563eb',
    user: true,
  },
  {
    name: 'Marcus Delgado',
    cls: 'master',
    skills: ['panel-upgrade', 'service', 'troubleshooting', 'generator', 'commercial'],
    shift: EARLY,
    days: MON_FRI,
    colour: '#dc2626',
  },
  {
    name: 'Priya Raman',
    cls: 'master',
    skills: ['commercial', 'lighting', 'troubleshooting', 'panel-upgrade', 'low-voltage'],
    shift: EARLY,
    days: MON_FRI,
    colour: '#16a34a',
  },
  {
    name: 'Jake Hollister',
    cls: 'journeyman',
    skills: ['service', 'ev-charger', 'panel-upgrade'],
    shift: EARLY,
    days: MON_FRI,
    colour: '#d97706',
    expiresInDays: 9,
  },
  {
    name: 'Rosa Villanueva',
    cls: 'journeyman',
    skills: ['troubleshooting', 'service', 'lighting'],
    shift: LATE,
    days: MON_FRI,
    colour: '#7c3aed',
  },
  {
    name: 'Dwayne Pruitt',
    cls: 'master',
    skills: ['generator', 'panel-upgrade', 'commercial', 'service'],
    shift: EARLY,
    days: TUE_SAT,
    colour: '#db2777',
  },
  {
    name: 'Kim Nguyen',
    cls: 'journeyman',
    skills: ['ev-charger', 'service', 'troubleshooting'],
    shift: LATE,
    days: SUN_THU,
    colour: '#0891b2',
  },
  {
    name: 'Luis Ortega',
    cls: 'journeyman',
    skills: ['commercial', 'lighting', 'low-voltage'],
    shift: EARLY,
    days: MON_FRI,
    colour: '#65a30d',
    expiresInDays: -18,
  },
  { name: 'Caleb Whitfield', cls: 'apprentice', skills: ['service', 'lighting'], shift: EARLY, days: MON_FRI, colour: '#ea580c' },
  {
    name: 'Hannah Brooks',
    cls: 'journeyman',
    skills: ['troubleshooting', 'service', 'generator'],
    shift: LATE,
    days: SUN_THU,
    colour: '#4f46e5',
  },
  { name: 'Andre Baptiste', cls: 'apprentice', skills: ['service', 'lighting'], shift: LATE, days: MON_FRI, colour: '#0d9488' },
  {
    name: 'Sofia Castillo',
    cls: 'journeyman',
    skills: ['panel-upgrade', 'ev-charger', 'service'],
    shift: LATE,
    days: TUE_SAT,
    colour: '#9333ea',
  },
  { name: 'Tyler Okafor', cls: 'apprentice', skills: ['service', 'low-voltage'], shift: EARLY, days: MON_FRI, colour: '#ca8a04' },
  {
    name: 'Megan Schultz',
    cls: 'journeyman',
    skills: ['commercial', 'lighting', 'troubleshooting'],
    shift: LATE,
    days: MON_FRI,
    colour: '#e11d48',
  },
  { name: 'Eli Zamora', cls: 'apprentice', skills: ['service', 'lighting', 'low-voltage'], shift: EARLY, days: MON_FRI, colour: '#475569' },
];

const LICENCE_PREFIX: Record<LicenceClass, string> = { master: 'ME', journeyman: 'JE', apprentice: 'AE' };

/** What the job generator needs to know about a technician beyond its row. */
export interface TechPlan {
  row: TechnicianRow & { id: string };
  cls: LicenceClass;
  skills: Skill[];
  home: Place;
  truckId: string;
  userId: string | null;
}

export function demoTechnicians(ctx: SeedContext): { technicians: TechPlan[]; stockLocations: StockLocationRow[]; warehouseId: string } {
  const rng = rngFor(ctx.seed, 'technicians');
  const created = ctx.at(ctx.day(-380), '08:00');
  const warehouseId = rng.uuid();
  const stockLocations: StockLocationRow[] = [
    { id: warehouseId, orgId: ctx.orgId, kind: 'warehouse', name: 'Main warehouse (Burleson Rd)', createdAt: created, updatedAt: created },
  ];
  const technicians = ROSTER.map((r, i): TechPlan => {
    const [first, last] = r.name.split(' ') as [string, string];
    const home = NEIGHBOURHOODS[i]!;
    const truckId = rng.uuid();
    stockLocations.push({
      id: truckId,
      orgId: ctx.orgId,
      kind: 'truck',
      name: `Truck ${String(i + 1).padStart(2, '0')} (${first} ${last[0]}.)`,
      createdAt: created,
      updatedAt: created,
    });
    const expires = ctx.day(r.expiresInDays ?? rng.int(60, 720));
    // On the books before the year of history (history.ts) begins, so each has worked all of it.
    const hired = created + rng.int(0, 20) * DAY;
    return {
      cls: r.cls,
      skills: r.skills,
      home,
      truckId,
      userId: r.user ? USER_IDS.technician : null,
      row: {
        id: rng.uuid(),
        orgId: ctx.orgId,
        userId: r.user ? USER_IDS.technician : null,
        name: r.name,
        email: r.user ? 'tech@demo.switchboard.test' : `${first.toLowerCase()}.${last.toLowerCase()}@brightline-electric.example`,
        phone: `(512) 555-01${String(10 + i).padStart(2, '0')}`,
        skills: r.skills,
        licenceClass: r.cls,
        licenceNumber: `${LICENCE_PREFIX[r.cls]} ${rng.int(100_000, 399_999)}`,
        licenceJurisdiction: 'TX',
        licenceExpires: expires,
        shiftStart: r.shift.start,
        shiftEnd: r.shift.end,
        shiftDays: r.days,
        timezone: ctx.tz,
        homeAddress: formatAddress(home),
        homeLat: home.lat,
        homeLng: home.lng,
        colour: r.colour,
        truckLocationId: truckId,
        active: true,
        createdAt: hired,
        updatedAt: hired,
      },
    };
  });
  return { technicians, stockLocations, warehouseId };
}

const FIRST_NAMES = [
  'Maria',
  'James',
  'Jennifer',
  'Robert',
  'Linda',
  'Michael',
  'Patricia',
  'David',
  'Elizabeth',
  'Jose',
  'Ashley',
  'Daniel',
  'Jessica',
  'Christopher',
  'Sarah',
  'Matthew',
  'Karen',
  'Anthony',
  'Nancy',
  'Mark',
  'Lisa',
  'Juan',
  'Emily',
  'Carlos',
  'Amanda',
  'Brian',
  'Stephanie',
  'Kevin',
  'Rebecca',
  'Jason',
  'Laura',
  'Ryan',
  'Michelle',
  'Gary',
  'Kimberly',
  'Eric',
  'Angela',
  'Luis',
  'Melissa',
  'Jacob',
  'Veronica',
  'Nicholas',
  'Rachel',
  'Tyler',
  'Olivia',
  'Aaron',
  'Hannah',
  'Miguel',
  'Grace',
  'Samuel',
  'Chloe',
  'Ethan',
  'Priya',
  'Wei',
  'Mei',
  'Arjun',
  'Fatima',
  'Omar',
  'Thanh',
  'Minh',
  'Ngozi',
  'Kwame',
  'Yuki',
  'Hiroshi',
  'Ana',
  'Diego',
  'Lucia',
  'Beatriz',
  'Rafael',
  'Gabriela',
  'Brandon',
  'Courtney',
  'Travis',
  'Brooke',
  'Cody',
  'Shelby',
  'Dustin',
  'Kayla',
  'Wade',
  'Tammy',
];

// Weights roughly follow how common each surname is in Central Texas, so "Garcia" finds many.
const LAST_NAMES: readonly (readonly [string, number])[] = [
  ['Garcia', 9],
  ['Martinez', 7],
  ['Hernandez', 7],
  ['Rodriguez', 6],
  ['Lopez', 5],
  ['Gonzalez', 5],
  ['Smith', 6],
  ['Johnson', 5],
  ['Williams', 4],
  ['Brown', 4],
  ['Jones', 4],
  ['Davis', 3],
  ['Miller', 3],
  ['Wilson', 3],
  ['Anderson', 3],
  ['Taylor', 3],
  ['Moore', 2],
  ['Jackson', 2],
  ['Thompson', 2],
  ['White', 2],
  ['Harris', 2],
  ['Clark', 2],
  ['Lewis', 2],
  ['Walker', 2],
  ['Perez', 3],
  ['Sanchez', 3],
  ['Ramirez', 3],
  ['Torres', 2],
  ['Flores', 3],
  ['Rivera', 2],
  ['Gomez', 2],
  ['Diaz', 2],
  ['Reyes', 2],
  ['Cruz', 2],
  ['Morales', 2],
  ['Ortiz', 2],
  ['Gutierrez', 2],
  ['Chavez', 2],
  ['Ramos', 2],
  ['Vasquez', 1],
  ['Castillo', 1],
  ['Nguyen', 3],
  ['Tran', 2],
  ['Le', 1],
  ['Pham', 1],
  ['Kim', 1],
  ['Patel', 2],
  ['Shah', 1],
  ['Chen', 2],
  ['Wang', 1],
  ['Li', 1],
  ['Okafor', 1],
  ['Adeyemi', 1],
  ['Mensah', 1],
  ['Schmidt', 1],
  ['Mueller', 1],
  ['Fischer', 1],
  ['Weber', 1],
  ['Novak', 1],
  ['Baker', 2],
  ['Hall', 1],
  ['Young', 1],
  ['King', 1],
  ['Wright', 1],
  ['Scott', 1],
  ['Green', 1],
  ['Adams', 1],
  ['Nelson', 1],
  ['Hill', 1],
  ['Campbell', 1],
  ['Mitchell', 1],
  ['Roberts', 1],
  ['Carter', 1],
  ['Phillips', 1],
  ['Evans', 1],
  ['Turner', 1],
  ['Parker', 1],
  ['Collins', 1],
  ['Edwards', 1],
  ['Stewart', 1],
  ['Morris', 1],
  ['Murphy', 1],
  ['Cook', 1],
  ['Rogers', 1],
  ['Bell', 1],
  ['Bailey', 1],
  ['Cooper', 1],
  ['Richardson', 1],
  ['Cox', 1],
  ['Howard', 1],
  ['Ward', 1],
  ['Brooks', 1],
];

/** A surname the generator makes common: the HTTP bench searches for it. */
export const COMMON_SURNAME = 'Garcia';

const BUSINESS_PREFIXES = [
  'Lone Star',
  'Bluebonnet',
  'Hill Country',
  'Live Oak',
  'Colorado River',
  'Barton Creek',
  'Pecan Street',
  'Capitol',
  'Balcones',
  'Brushy Creek',
  'Onion Creek',
  'Lakeline',
  'Shoal Creek',
  'Waterloo',
  'Red River',
  'Treaty Oak',
  'Congress Avenue',
  'Mockingbird',
  'Cypress',
  'San Gabriel',
  'Bull Creek',
  'Walnut Creek',
  'Riverside',
  'Eastside',
  'Southpark',
  'Round Rock',
  'Cedar Park',
  'Buda',
];
const BUSINESS_KINDS = [
  'Dental',
  'Veterinary Clinic',
  'Coffee Co.',
  'Apartments',
  'Family Church',
  'Auto Repair',
  'Bakery',
  'Brewing Co.',
  'Self Storage',
  'Fitness',
  'Montessori School',
  'Property Management',
  'Tacos',
  'Animal Hospital',
  'Retail Center',
  'Office Park',
  'Pediatrics',
  'Hardware',
  'Barbecue',
  'Car Wash',
  'Credit Union',
  'Learning Center',
  'Print Shop',
  'Salon & Spa',
  'Physical Therapy',
  'Storage Condos',
];

const RESIDENTIAL_NOTES = [
  'Prefers a text 30 minutes before arrival.',
  'Older home (1962); some aluminum branch wiring found on a previous visit.',
  'Works from home; avoid power shutoffs between 10 and 2 if possible.',
  'Referred by a neighbour. Asked about a service plan.',
  'Pays by card on site.',
  'Has a Tesla; asked about a second charger for the garage.',
  'Solar on the roof (installed 2021 by another contractor).',
  'Spanish preferred; Dana can translate if needed.',
  'Breaker panel is a Federal Pacific; quoted a replacement last year.',
  'Landlord. Tenant lets us in; invoice the owner.',
];
const COMMERCIAL_NOTES = [
  'Net 30 terms approved by Morgan.',
  'PO number required on every invoice.',
  'After-hours work only in the dining room; kitchen can be done any time.',
  'Service agreement: quarterly lighting walk-through.',
  'Facilities manager approves anything over $1,500.',
  'Property manager for several buildings; bill each location separately.',
];
const ACCESS_NOTES = [
  'Gate code 4821#.',
  'Panel in the garage, left wall behind the shelving.',
  'Meter and disconnect behind a locked fence; call ahead for the key.',
  'Dog in the backyard; customer will put her inside.',
  'Park on the street; HOA tows from the driveway.',
  'Attic access in the hall closet; ladder needed.',
  'Lockbox on the back door, code 1997.',
  'Ring the side door; front bell does not work.',
];
const COMMERCIAL_ACCESS = [
  'Check in at the front desk; escort required past the lobby.',
  'Loading dock at the rear; badge from security on arrival.',
  'Electrical room key is with the manager on duty.',
  'Roof access through the ladder in the mechanical room.',
  'Opens at 10; arrive after 10 unless arranged.',
];

export interface CustomerPlan {
  id: string;
  commercial: boolean;
  locations: { id: string; lat: number; lng: number }[];
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '');
const phone = (rng: Rng) => `(${rng.pick(['512', '512', '512', '737'])}) 555-${String(rng.int(200, 9999)).padStart(4, '0')}`;

export function demoCustomers(
  ctx: SeedContext,
  count = 300,
): { customers: CustomerRow[]; locations: LocationRow[]; plans: CustomerPlan[] } {
  const rng = rngFor(ctx.seed, 'customers');
  const customers: CustomerRow[] = [];
  const locations: LocationRow[] = [];
  const plans: CustomerPlan[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const commercial = rng.chance(0.2);
    let name: string;
    do {
      name = commercial
        ? `${rng.pick(BUSINESS_PREFIXES)} ${rng.pick(BUSINESS_KINDS)}`
        : `${rng.pick(FIRST_NAMES)} ${rng.weighted(LAST_NAMES)}`;
    } while (used.has(name));
    used.add(name);
    const id = rng.uuid();
    const created = ctx.now - rng.int(3, 1100) * DAY - rng.int(0, 8 * 60) * MINUTE;
    const domain = rng.pick(['example.com', 'example.net', 'example.org']);
    const email = commercial
      ? `${rng.pick(['office', 'facilities', 'accounts', 'manager'])}@${slug(name)}.example`
      : rng.chance(0.9)
        ? `${slug(name.split(' ')[0]!)}.${slug(name.split(' ')[1]!)}${rng.chance(0.3) ? rng.int(1, 99) : ''}@${domain}`
        : null;
    const tags = commercial
      ? ['commercial', ...rng.sample(['net-30', 'service-agreement', 'property-manager', 'po-required'], rng.int(0, 2))]
      : [
          'residential',
          ...rng.sample(
            ['member', 'vip', 'referral', 'pays-on-site', 'new-construction'],
            rng.weighted([
              [0, 5],
              [1, 3],
              [2, 1],
            ] as const),
          ),
        ];
    const places: Place[] = [randomPlace(rng, { commercial })];
    if (rng.chance(commercial ? 0.4 : 0.18)) places.push(randomPlace(rng, { commercial }));
    const plan: CustomerPlan = { id, commercial, locations: [] };
    places.forEach((p, k) => {
      const locId = rng.uuid();
      const label = commercial
        ? k === 0
          ? 'Main location'
          : rng.pick(['Second store', 'Warehouse', 'North office', 'Annex'])
        : k === 0
          ? 'Home'
          : rng.pick(['Rental', 'Lake house', "Mother's house", 'Duplex']);
      const accessNotes = rng.chance(0.3) ? rng.pick(commercial ? COMMERCIAL_ACCESS : ACCESS_NOTES) : null;
      locations.push({
        id: locId,
        orgId: ctx.orgId,
        customerId: id,
        label,
        ...p,
        timezone: ctx.tz,
        accessNotes,
        createdAt: created + k * HOUR,
        updatedAt: created + k * HOUR,
      });
      plan.locations.push({ id: locId, lat: p.lat, lng: p.lng });
    });
    customers.push({
      id,
      orgId: ctx.orgId,
      name,
      email,
      phone: phone(rng),
      billingAddress: formatAddress(places[0]!),
      notes: rng.chance(0.25) ? rng.pick(commercial ? COMMERCIAL_NOTES : RESIDENTIAL_NOTES) : null,
      tags,
      createdAt: created,
      updatedAt: created + (rng.chance(0.3) ? rng.int(1, 60) * HOUR : 0),
    });
    plans.push(plan);
  }
  return { customers, locations, plans };
}
