import { mkdirSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// wrangler.toml points [assets] at build/; the API tests do not need the app built.
mkdirSync('build', { recursive: true });

/**
 * A project whose tests run inside workerd with the real Worker and Durable Objects, against
 * the throwaway sqld its global setup starts. Files run one at a time: they share one database,
 * and some tests compare whole-database snapshots or stop that database on purpose.
 */
function workerdProject(name: string, dir: string) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            LIBSQL_URL: inject<string>('libsqlUrl'),
            // The tests' own origin (see tests/worker/helpers.ts) is the passkey relying party.
            WEBAUTHN_RP_ID: 'switchboard.test',
            WEBAUTHN_ORIGINS: 'http://switchboard.test',
            LOG_LEVEL: 'warn',
            // The worker project's stand-in for Sentry (tests/worker/sentry-receiver.ts); the rooms project runs without.
            ...(name === 'worker' ? { SENTRY_DSN: inject<string>('sentryDsn'), SENTRY_ENVIRONMENT: 'test' } : {}),
          },
        },
      })),
    ],
    test: {
      name,
      include: [`${dir}/**/*.test.ts`],
      globalSetup: [`${dir}/global-setup.ts`],
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      // Pure code, in Node: no workerd, no database. A room module's pure parts are tested next to
      // it (rooms/*.test.ts); tests/rooms holds only what needs a running room.
      {
        test: {
          name: 'core',
          include: ['core/**/*.test.ts', 'db/**/*.test.ts', 'maps/**/*.test.ts', 'rooms/**/*.test.ts', 'app/src/lib/**/*.test.ts'],
          environment: 'node',
        },
      },
      // Node-side tools against real sqld servers they start themselves (backup and restore).
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
        },
      },
      // The API: every resource, auth and the route matrix.
      workerdProject('worker', 'tests/worker'),
      // The live board rooms, with a sqld the outage test stops and starts.
      workerdProject('rooms', 'tests/rooms'),
    ],
  },
});
