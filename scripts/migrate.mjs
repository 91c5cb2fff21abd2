import { migrateDb } from './lib/migrate.mjs';

const url = process.env.LIBSQL_URL ?? 'http://127.0.0.1:8080';
await migrateDb(url, process.env.LIBSQL_AUTH_TOKEN);
console.log(`migrations applied to ${url}`);
