// Seeds the demo data into LIBSQL_URL (a local database only) if it has none.
import { seedIfEmpty } from '../db/seed/index.ts';

const url = process.env.LIBSQL_URL ?? 'http://127.0.0.1:8080';
console.log((await seedIfEmpty(url)) ? `demo data seeded into ${url}` : `${url} already has data; left as it is`);
