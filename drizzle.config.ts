import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and applied from Node (scripts/migrate.mjs), never from the Worker.
export default defineConfig({
  dialect: 'turso',
  schema: './db/schema.ts',
  out: './db/migrations',
  dbCredentials: { url: process.env.LIBSQL_URL ?? 'http://127.0.0.1:8080' },
});
