/**
 * The Austin, TX metro as the demo sees it: real city names, their ZIP codes, plausible street
 * names, and neighbourhoods for technicians' home bases. Coordinates are scattered around each
 * city's centre and kept within about 0.35 degrees of downtown Austin (30.27, -97.74).
 */
import type { Rng } from './prng.ts';

export const METRO_CENTRE = { lat: 30.27, lng: -97.74 } as const;
export const METRO_TZ = 'America/Chicago';

interface City {
  name: string;
  lat: number;
  lng: number;
  /** Scatter around the centre, in degrees. */
  spread: number;
  zips: readonly string[];
  /** Share of customers. */
  weight: number;
  /** Main roads with commercial addresses and residential streets. */
  streets: readonly string[];
}

// Residential street names common across the metro's subdivisions.
const SUBDIVISION_STREETS = [
  'Bluebonnet Ln',
  'Live Oak Dr',
  'Mesquite Trl',
  'Red Bud Cv',
  'Agave Way',
  'Sagebrush Dr',
  'Lantana Ln',
  'Cypress Creek Rd',
  'Pecan Grove Dr',
  'Limestone Ct',
  'Cedar Elm Dr',
  'Windmill Run',
  'Prairie Dove Cir',
  'Yaupon Holly Ln',
  'Hackberry Dr',
  'Blackland Prairie Dr',
  'Mockingbird Ln',
  'Wildflower Pass',
  'Indian Paintbrush Way',
  'Ranch House Rd',
];

export const CITIES: readonly City[] = [
  {
    name: 'Austin',
    lat: 30.2672,
    lng: -97.7431,
    spread: 0.085,
    weight: 45,
    zips: [
      '78702',
      '78703',
      '78704',
      '78721',
      '78723',
      '78727',
      '78731',
      '78735',
      '78741',
      '78745',
      '78748',
      '78749',
      '78751',
      '78757',
      '78758',
      '78759',
    ],
    streets: [
      'Duval St',
      'Guadalupe St',
      'N Lamar Blvd',
      'S Lamar Blvd',
      'Burnet Rd',
      'S Congress Ave',
      'Manor Rd',
      'E Cesar Chavez St',
      'Oltorf St',
      'Riverside Dr',
      'Barton Springs Rd',
      'Slaughter Ln',
      'William Cannon Dr',
      'Anderson Mill Rd',
      'Spicewood Springs Rd',
      'Far West Blvd',
      'Rundberg Ln',
      'Braker Ln',
      'Airport Blvd',
      'Cameron Rd',
      'Avenue F',
      'Shoal Creek Blvd',
      'Woodrow Ave',
      'Bee Caves Rd',
      'Menchaca Rd',
    ],
  },
  {
    name: 'Round Rock',
    lat: 30.5083,
    lng: -97.6789,
    spread: 0.03,
    weight: 12,
    zips: ['78664', '78665', '78681'],
    streets: [
      'Gattis School Rd',
      'Louis Henna Blvd',
      'Kenney Fort Blvd',
      'Sam Bass Rd',
      'Mays St',
      'Red Bud Ln',
      'Greenlawn Blvd',
      'Palm Valley Blvd',
    ],
  },
  {
    name: 'Cedar Park',
    lat: 30.5052,
    lng: -97.8203,
    spread: 0.025,
    weight: 9,
    zips: ['78613'],
    streets: [
      'Whitestone Blvd',
      'Cypress Creek Rd',
      'Brushy Creek Rd',
      'Discovery Blvd',
      'Park St',
      'Buttercup Creek Blvd',
      'Lakeline Blvd',
    ],
  },
  {
    name: 'Pflugerville',
    lat: 30.4394,
    lng: -97.62,
    spread: 0.025,
    weight: 9,
    zips: ['78660'],
    streets: ['Pecan St', 'Pflugerville Pkwy', 'Wilbarger Dr', 'Kelly Ln', 'Railroad Ave', 'Heatherwilde Blvd', 'Swenson Farms Blvd'],
  },
  // Its southern half keeps Georgetown inside the demo's radius around downtown Austin.
  {
    name: 'Georgetown',
    lat: 30.595,
    lng: -97.68,
    spread: 0.02,
    weight: 8,
    zips: ['78626', '78628', '78633'],
    streets: ['Williams Dr', 'University Blvd', 'Austin Ave', 'Main St', 'Leander Rd', 'Rivery Blvd', 'Shell Rd'],
  },
  {
    name: 'Leander',
    lat: 30.5788,
    lng: -97.8531,
    spread: 0.02,
    weight: 6,
    zips: ['78641'],
    streets: ['Crystal Falls Pkwy', 'Hero Way', 'Bagdad Rd', 'S West Dr', 'Municipal Dr', 'Old 2243 W'],
  },
  {
    name: 'Kyle',
    lat: 29.9891,
    lng: -97.8772,
    spread: 0.02,
    weight: 6,
    zips: ['78640'],
    streets: ['Center St', 'Kohlers Crossing', 'Burleson St', 'Old Stagecoach Rd', 'Marketplace Ave', 'Goforth Rd'],
  },
  {
    name: 'Buda',
    lat: 30.0852,
    lng: -97.8403,
    spread: 0.02,
    weight: 5,
    zips: ['78610'],
    streets: ['Main St', 'Cabela Dr', 'Old Goforth Rd', 'Garlic Creek Dr', 'FM 967', 'Robert S Light Blvd'],
  },
];

export interface Place {
  address: string;
  city: string;
  region: string;
  postalCode: string;
  lat: number;
  lng: number;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** A street address in one of the metro's cities; commercial addresses sit on main roads. */
export function randomPlace(rng: Rng, opts: { commercial?: boolean; city?: string } = {}): Place {
  const city = opts.city ? CITIES.find((c) => c.name === opts.city)! : rng.weighted(CITIES.map((c) => [c, c.weight] as const));
  const street = opts.commercial || rng.chance(0.45) ? rng.pick(city.streets) : rng.pick(SUBDIVISION_STREETS);
  const number = opts.commercial ? rng.int(100, 9800) : rng.int(100, 19_999);
  const suite = opts.commercial && rng.chance(0.4) ? ` Ste ${rng.int(1, 4)}${String(rng.int(0, 20)).padStart(2, '0')}` : '';
  // Scatter inside a disc so each city reads as a cluster on the map.
  const angle = rng.next() * 2 * Math.PI;
  const r = city.spread * Math.sqrt(rng.next());
  return {
    address: `${number} ${street}${suite}`,
    city: city.name,
    region: 'TX',
    postalCode: rng.pick(city.zips),
    lat: round6(city.lat + r * Math.sin(angle)),
    lng: round6(city.lng + r * Math.cos(angle)),
  };
}

export function formatAddress(p: Place): string {
  return `${p.address}, ${p.city}, ${p.region} ${p.postalCode}`;
}

/** Neighbourhoods the technicians live in: their home base and where their truck sleeps. */
export const NEIGHBOURHOODS: readonly (Place & { name: string })[] = [
  { name: 'Hyde Park', address: '4507 Avenue G', city: 'Austin', region: 'TX', postalCode: '78751', lat: 30.3069, lng: -97.7279 },
  { name: 'Mueller', address: '1910 Aldrich St', city: 'Austin', region: 'TX', postalCode: '78723', lat: 30.2984, lng: -97.7057 },
  { name: 'Windsor Park', address: '6204 Westminster Dr', city: 'Austin', region: 'TX', postalCode: '78723', lat: 30.3141, lng: -97.6934 },
  { name: 'Travis Heights', address: '1307 Kenwood Ave', city: 'Austin', region: 'TX', postalCode: '78704', lat: 30.2477, lng: -97.7395 },
  { name: 'Zilker', address: '2108 Kinney Ave', city: 'Austin', region: 'TX', postalCode: '78704', lat: 30.2571, lng: -97.7703 },
  { name: 'Crestview', address: '7705 Woodrow Ave', city: 'Austin', region: 'TX', postalCode: '78757', lat: 30.3402, lng: -97.7231 },
  { name: 'Allandale', address: '2706 W Greenlawn Pkwy', city: 'Austin', region: 'TX', postalCode: '78757', lat: 30.3361, lng: -97.7478 },
  { name: 'Circle C Ranch', address: '6812 Alderbrook Dr', city: 'Austin', region: 'TX', postalCode: '78749', lat: 30.1969, lng: -97.8791 },
  { name: 'Shady Hollow', address: '3105 Doe Run', city: 'Austin', region: 'TX', postalCode: '78748', lat: 30.1645, lng: -97.8367 },
  {
    name: 'Anderson Mill',
    address: '11602 Spicewood Pkwy',
    city: 'Austin',
    region: 'TX',
    postalCode: '78750',
    lat: 30.4492,
    lng: -97.8003,
  },
  { name: 'Wells Branch', address: '1805 Klattenhoff Dr', city: 'Austin', region: 'TX', postalCode: '78728', lat: 30.4415, lng: -97.6793 },
  {
    name: 'Brushy Creek',
    address: '8306 Brushy Creek Rd',
    city: 'Round Rock',
    region: 'TX',
    postalCode: '78681',
    lat: 30.5129,
    lng: -97.7421,
  },
  { name: 'Avery Ranch', address: '10404 Avery Club Dr', city: 'Austin', region: 'TX', postalCode: '78717', lat: 30.4961, lng: -97.7772 },
  { name: 'Onion Creek', address: '10012 Onion Creek Dr', city: 'Austin', region: 'TX', postalCode: '78747', lat: 30.1447, lng: -97.7838 },
  {
    name: 'Steiner Ranch',
    address: '2609 Quinlan Park Rd',
    city: 'Austin',
    region: 'TX',
    postalCode: '78732',
    lat: 30.3824,
    lng: -97.8823,
  },
];

export const WAREHOUSE_ADDRESS = '5501 Burleson Rd, Austin, TX 78744';
