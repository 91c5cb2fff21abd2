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
import { startWebhookReceiver } from './webhook-receiver.ts';
import { startSentryReceiver } from './sentry-receiver.ts';
import { startPushService } from './push-service.ts';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const sqld = await startSqld({ dbPath: join(dir, 'db'), port: await freePort() });
  await migrateDb(sqld.url);
  const fixtures = await writeFixtures(sqld.url);
  project.provide('libsqlUrl', sqld.url);
  project.provide('fixtures', fixtures);
  // The webhook tests' receiver (webhook-receiver.ts): a server, so it runs here, in Node.
  const webhookReceiver = await startWebhookReceiver();
  project.provide('webhookReceiverUrl', webhookReceiver.url);
  // A stand-in for Sentry (sentry-receiver.ts); vitest.config.ts gives its DSN to the Worker.
  const sentry = await startSentryReceiver();
  project.provide('sentryUrl', sentry.url);
  project.provide('sentryDsn', sentry.dsn);
  // The push tests' push service (push-service.ts): a server, so it runs here, in Node.
  const pushService = await startPushService();
  project.provide('pushServiceUrl', pushService.url);
  return async () => {
    await webhookReceiver.stop();
    await sentry.stop();
    await pushService.stop();
    await sqld.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
