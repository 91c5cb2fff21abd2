/**
 * Starts a throwaway sqld for the workerd tests, migrates it and writes the fixtures: two orgs,
 * each with a user of every role and a live session, so tests can act as anyone without paying
 * for a password hash per test. Runs in Node, before the workers start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startSqld } from '../../scripts/lib/sqld.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { writeFixtures } from './fixtures-db.ts';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const sqld = await startSqld({ dbPath: join(dir, 'db'), port: await freePort() });
  await migrateDb(sqld.url);
  const fixtures = await writeFixtures(sqld.url);
  project.provide('libsqlUrl', sqld.url);
  project.provide('fixtures', fixtures);
  return async () => {
    await sqld.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
