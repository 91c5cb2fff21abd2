import { mkdirSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// wrangler.toml points [assets] at build/; the API tests do not need the app built.
mkdirSync('build', { recursive: true });

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'core', include: ['core/**/*.test.ts', 'db/seed/**/*.test.ts'], environment: 'node' },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // The throwaway sqld started by tests/worker/global-setup.ts.
              bindings: {
                LIBSQL_URL: inject<string>('libsqlUrl'),
                // The tests' own origin (see tests/worker/helpers.ts) is the passkey relying party.
                WEBAUTHN_RP_ID: 'switchboard.test',
                WEBAUTHN_ORIGINS: 'http://switchboard.test',
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          globalSetup: ['tests/worker/global-setup.ts'],
          // One file at a time: the files share one database, and tests that prove a refused
          // request changed nothing compare whole-database snapshots.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The live board rooms: real Durable Objects, WebSockets through the Worker, and their
        // own sqld, which the outage test stops and starts (tests/rooms/global-setup.ts).
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                LIBSQL_URL: inject<string>('libsqlUrl'),
                WEBAUTHN_RP_ID: 'switchboard.test',
                WEBAUTHN_ORIGINS: 'http://switchboard.test',
              },
            },
          })),
        ],
        test: {
          name: 'rooms',
          include: ['tests/rooms/**/*.test.ts'],
          globalSetup: ['tests/rooms/global-setup.ts'],
          // One file at a time: the outage test stops the database every file shares.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
