/**
 * The kinds of work the demo contractor does: how often, how long, who may do it, what the
 * customer says when they call, and what ends up on the invoice (price book codes and SKUs).
 */
import type { Rng } from './prng.ts';
import type { LicenceClass, Skill } from './people.ts';

/** One planned invoice line: a service by price book code, or a material by SKU. */
export type LinePlan = { code: string; quantityMilli: number } | { sku: string; quantity: number };

export interface JobType {
  type: string;
  skill: Skill;
  /** Lowest licence class allowed to lead it. */
  licence?: LicenceClass;
  /** Only for commercial customers. */
  commercialOnly?: boolean;
  /** How common it is among the work a qualified technician gets. */
  weight: number;
  /** Durations in minutes with weights. */
  durations: readonly (readonly [number, number])[];
  /** Can a customer call it in as an emergency? */
  urgent?: boolean;
  descriptions: readonly string[];
  lines(rng: Rng, durationMin: number): LinePlan[];
}

const hours = (min: number, rng: Rng) => Math.max(1000, Math.round(((min / 60) * 1000 + rng.pick([-500, 0, 0, 500])) / 500) * 500);
const maybe = (rng: Rng, p: number, line: LinePlan): LinePlan[] => (rng.chance(p) ? [line] : []);

export const JOB_TYPES: readonly JobType[] = [
  {
    type: 'Service call',
    skill: 'service',
    weight: 14,
    durations: [[60, 1]],
    urgent: true,
    descriptions: [
      'Outlet in the living room stopped working; nothing else tripped.',
      'Lights flicker when the AC kicks on.',
      'Burning smell from a bedroom switch; customer turned the breaker off.',
      'Breaker for the garage trips a few times a week.',
      'New homeowner wants the panel labelled and a quick safety check.',
    ],
    lines: (rng) => [
      { code: 'SVC-CALL', quantityMilli: 1000 },
      ...maybe(rng, 0.4, { sku: rng.pick(['BRK-20-1P', 'BRK-15-1P']), quantity: 1 }),
      ...maybe(rng, 0.3, { sku: 'REC-15-TR', quantity: rng.int(1, 3) }),
      ...maybe(rng, 0.3, { sku: 'WIRENUT-25', quantity: 1 }),
    ],
  },
  {
    type: 'Troubleshooting',
    skill: 'troubleshooting',
    weight: 14,
    durations: [
      [60, 3],
      [90, 3],
      [120, 2],
    ],
    urgent: true,
    descriptions: [
      'Half the kitchen outlets dead since the storm; GFCI will not reset.',
      'Main breaker trips when the dryer and oven run together.',
      'Intermittent power loss in the back bedrooms; previous electrician could not find it.',
      'Warm outlet behind the TV; scorch marks on the cover plate.',
      'Pool pump circuit keeps tripping the GFCI breaker.',
      'Partial power outage after a lightning strike nearby.',
    ],
    lines: (rng, min) => [
      { code: 'SVC-TRBL-HR', quantityMilli: hours(min, rng) },
      ...maybe(rng, 0.3, { sku: rng.pick(['BRK-20-1P', 'BRK-15-1P', 'BRK-20-DF']), quantity: 1 }),
      ...maybe(rng, 0.2, { sku: 'WIRE-12-2', quantity: rng.int(10, 30) }),
      ...maybe(rng, 0.2, { sku: 'BOX-1G-OW', quantity: rng.int(1, 2) }),
      ...maybe(rng, 0.4, { sku: 'WIRENUT-25', quantity: 1 }),
    ],
  },
  {
    type: 'GFCI / outlet replacement',
    skill: 'service',
    weight: 12,
    durations: [
      [60, 3],
      [90, 1],
    ],
    descriptions: [
      'Replace bathroom and kitchen outlets with GFCI protection before a home sale.',
      'Two-prong outlets in the bedrooms; customer wants grounded, tamper-resistant ones.',
      'Outdoor outlets by the patio are cracked; replace with weather-resistant GFCI.',
      'Inspection report calls for GFCI in the garage and laundry.',
    ],
    lines: (rng) => {
      const n = rng.int(1, 4);
      return [
        { code: 'SVC-GFCI', quantityMilli: n * 1000 },
        { sku: rng.pick(['GFCI-15', 'GFCI-20']), quantity: n },
        ...maybe(rng, 0.3, { sku: 'REC-15-TR', quantity: rng.int(1, 4) }),
        ...maybe(rng, 0.2, { sku: 'BOX-1G-OW', quantity: 1 }),
      ];
    },
  },
  {
    type: 'Ceiling fan install',
    skill: 'lighting',
    weight: 8,
    durations: [
      [60, 2],
      [90, 2],
    ],
    descriptions: [
      'Install two customer-supplied fans in the bedrooms, replacing light fixtures.',
      'Patio fan install on the covered porch; existing box may not be fan-rated.',
      'Swap the dining room chandelier for a fan with a light kit.',
    ],
    lines: (rng) => {
      const n = rng.int(1, 2);
      return [
        { code: 'SVC-FAN', quantityMilli: n * 1000 },
        ...maybe(rng, 0.5, { sku: 'BOX-FAN', quantity: n }),
        ...maybe(rng, 0.5, { sku: 'WIRENUT-25', quantity: 1 }),
      ];
    },
  },
  {
    type: 'Recessed lighting',
    skill: 'lighting',
    weight: 3,
    durations: [
      [120, 2],
      [180, 2],
      [240, 1],
    ],
    descriptions: [
      'Add six recessed lights in the living room on a new dimmer.',
      'Kitchen remodel: recessed lights over the island and counters.',
      'Replace old can lights with LED retrofits throughout the first floor.',
    ],
    lines: (rng) => {
      const n = rng.int(4, 8);
      return [
        { code: 'SVC-RECESS', quantityMilli: n * 1000 },
        { sku: 'LED-6IN', quantity: n },
        { sku: 'WIRE-14-2', quantity: rng.int(30, 80) },
        { sku: 'WIRENUT-25', quantity: 1 },
      ];
    },
  },
  {
    type: 'EV charger install',
    skill: 'ev-charger',
    licence: 'journeyman',
    weight: 5,
    durations: [
      [180, 3],
      [240, 1],
    ],
    descriptions: [
      'Level 2 charger in the garage for a new EV; panel on the same wall.',
      'Install a NEMA 14-50 outlet for a mobile charger, about 25 ft from the panel.',
      'Customer bought a wall connector; run a 50A circuit through the attic.',
      'Second EV in the household; check panel capacity and add a charger circuit.',
    ],
    lines: (rng) => [
      { code: 'SVC-EV-L2', quantityMilli: 1000 },
      { sku: 'BRK-50-2P', quantity: 1 },
      { sku: 'WIRE-6-3', quantity: rng.int(15, 40) },
      ...maybe(rng, 0.6, { sku: 'NEMA-1450', quantity: 1 }),
      ...maybe(rng, 0.4, { sku: 'PVC-34', quantity: rng.int(1, 3) }),
    ],
  },
  {
    type: 'Panel upgrade',
    skill: 'panel-upgrade',
    licence: 'journeyman',
    weight: 2,
    durations: [
      [300, 1],
      [360, 2],
      [480, 2],
    ],
    descriptions: [
      'Upgrade the 100A Federal Pacific panel to 200A; utility disconnect booked.',
      'Panel upgrade to 200A ahead of a heat pump and EV charger.',
      'Zinsco panel replacement; insurance requires it before renewal.',
      'Meter base and 200A panel after the inspection flagged a double-tapped main.',
    ],
    lines: (rng) => [
      { code: 'SVC-PANEL-200', quantityMilli: 1000 },
      { sku: 'BRK-20-DF', quantity: rng.int(2, 6) },
      { sku: 'BRK-15-1P', quantity: rng.int(2, 4) },
      { sku: 'BRK-20-1P', quantity: rng.int(2, 6) },
      { sku: 'WIRENUT-25', quantity: 2 },
      ...(rng.chance(0.5)
        ? [
            { code: 'SVC-SURGE', quantityMilli: 1000 },
            { sku: 'SURGE-WH', quantity: 1 },
          ]
        : []),
    ],
  },
  {
    type: 'Whole-home surge protector',
    skill: 'service',
    weight: 4,
    durations: [[60, 1]],
    descriptions: [
      'Install a whole-home surge protector at the main panel.',
      'Lost a TV and a fridge board in the last storm; wants surge protection.',
    ],
    lines: (rng) => [
      { code: 'SVC-SURGE', quantityMilli: 1000 },
      { sku: 'SURGE-WH', quantity: 1 },
      ...maybe(rng, 0.5, { sku: 'BRK-30-2P', quantity: 1 }),
    ],
  },
  {
    type: 'Generator interlock',
    skill: 'generator',
    licence: 'journeyman',
    weight: 3,
    durations: [
      [120, 1],
      [180, 1],
    ],
    descriptions: [
      'Interlock kit and 50A inlet for a portable generator, inlet by the garage.',
      'After the winter storm outage: make the panel generator-ready.',
    ],
    lines: (rng) => [
      { code: 'SVC-GEN-INT', quantityMilli: 1000 },
      { sku: 'GEN-INTLK', quantity: 1 },
      { sku: 'GEN-INLET-50', quantity: 1 },
      { sku: 'BRK-50-2P', quantity: 1 },
      { sku: 'WIRE-6-3', quantity: rng.int(10, 25) },
      ...maybe(rng, 0.5, { sku: 'PVC-34', quantity: rng.int(1, 2) }),
    ],
  },
  {
    type: 'Standby generator maintenance',
    skill: 'generator',
    weight: 3,
    durations: [[90, 1]],
    descriptions: ['Annual maintenance on a 22 kW standby generator.', 'Generator exercises but shows a transfer switch fault.'],
    lines: () => [{ code: 'SVC-GEN-MAINT', quantityMilli: 1000 }],
  },
  {
    type: 'Smoke / CO alarms',
    skill: 'service',
    weight: 4,
    durations: [
      [60, 2],
      [90, 1],
    ],
    descriptions: [
      'Replace ten-year-old hardwired smoke alarms with smoke/CO combos.',
      'Alarms chirping at night; replace and interconnect.',
    ],
    lines: (rng) => {
      const n = rng.int(2, 6);
      return [
        { code: 'SVC-SMOKE', quantityMilli: n * 1000 },
        { sku: 'ALARM-SMCO', quantity: n },
      ];
    },
  },
  {
    type: 'Dedicated circuit',
    skill: 'service',
    weight: 5,
    durations: [
      [90, 1],
      [120, 2],
    ],
    descriptions: [
      'New 20A circuit for a garage freezer and workbench.',
      'Dedicated circuit for a home office with a space heater tripping the breaker.',
      'Add a 240V circuit for a kiln in the backyard studio.',
      'Microwave and fridge share a circuit; split them.',
    ],
    lines: (rng, min) => [
      { code: 'SVC-LABOR-HR', quantityMilli: hours(min, rng) },
      rng.chance(0.7) ? { sku: 'BRK-20-1P', quantity: 1 } : { sku: 'BRK-30-2P', quantity: 1 },
      { sku: 'WIRE-12-2', quantity: rng.int(25, 60) },
      { sku: 'BOX-1G-OW', quantity: 1 },
      ...maybe(rng, 0.3, { sku: 'GFCI-20', quantity: 1 }),
      ...maybe(rng, 0.3, { sku: 'EMT-12', quantity: rng.int(1, 3) }),
    ],
  },
  {
    type: 'Estimate / inspection',
    skill: 'service',
    weight: 4,
    durations: [[60, 1]],
    descriptions: ['Quote for rewiring a 1950s bungalow.', 'Pre-purchase electrical inspection.', 'Estimate for a backyard pool subpanel.'],
    lines: () => [{ code: 'SVC-CALL', quantityMilli: 1000 }],
  },
  {
    type: 'Doorbell / low-voltage',
    skill: 'low-voltage',
    weight: 2,
    durations: [[60, 1]],
    descriptions: ['Video doorbell keeps rebooting; replace the transformer.', 'Thermostat wire damaged in the attic; run a new one.'],
    lines: (rng) => [{ code: 'SVC-LABOR-HR', quantityMilli: 1000 }, ...maybe(rng, 0.5, { sku: 'WIRENUT-25', quantity: 1 })],
  },
  {
    type: 'Commercial lighting maintenance',
    skill: 'commercial',
    commercialOnly: true,
    weight: 5,
    durations: [
      [120, 3],
      [180, 2],
      [240, 1],
    ],
    descriptions: [
      'Quarterly lighting walk-through; replace failed fixtures in the parking lot.',
      'Retrofit the sales floor troffers to LED.',
      'Exit signs and emergency lights failed their monthly test.',
      'Dock lights and wall packs out on the north side.',
    ],
    lines: (rng, min) => [
      { code: 'SVC-COMM-HR', quantityMilli: hours(min, rng) },
      { sku: 'LED-6IN', quantity: rng.int(4, 20) },
      { sku: 'WIRENUT-25', quantity: 1 },
    ],
  },
  {
    type: 'Commercial troubleshooting',
    skill: 'commercial',
    commercialOnly: true,
    weight: 5,
    durations: [
      [60, 2],
      [90, 2],
      [120, 1],
    ],
    urgent: true,
    descriptions: [
      'Walk-in cooler circuit tripping overnight.',
      'Rooftop unit loses power in the afternoons.',
      'Half the office lost power; breakers look fine.',
      'POS terminals reboot when the espresso machine heats up.',
    ],
    lines: (rng, min) => [
      { code: 'SVC-COMM-HR', quantityMilli: hours(min, rng) },
      ...maybe(rng, 0.5, { sku: 'BRK-20-1P', quantity: 1 }),
      ...maybe(rng, 0.4, { sku: 'EMT-12', quantity: rng.int(1, 4) }),
      ...maybe(rng, 0.4, { sku: 'WIRE-12-2', quantity: rng.int(20, 60) }),
    ],
  },
];

const RANK: Record<LicenceClass, number> = { apprentice: 0, journeyman: 1, master: 2 };

/** The types a technician with these skills and licence class may lead. */
export function typesFor(skills: readonly string[], cls: LicenceClass): JobType[] {
  return JOB_TYPES.filter((t) => skills.includes(t.skill) && (!t.licence || RANK[cls] >= RANK[t.licence]));
}
