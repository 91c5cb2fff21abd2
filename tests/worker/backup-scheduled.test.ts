/**
 * The nightly backup (worker/backup/scheduled.ts) through the Worker's own scheduled handler, as
 * the cron trigger runs it: the dump of the test database lands in the R2 bucket under the day's
 * key, whole (it ends with the dump's COMMIT) and with this org's rows in it.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index.ts';
import type { Env } from '../../worker/env.ts';
import { fx } from './helpers.ts';

const workerEnv = env as unknown as Env;

describe('nightly backup to R2', () => {
  it('writes the day’s dump under backups/ from the cron trigger', async () => {
    // A fixed instant, not today: the key is named by the trigger's own time.
    const scheduledTime = Date.UTC(2026, 0, 2, 3, 17);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime, cron: '17 3 * * *' }), workerEnv, ctx);
    await waitOnExecutionContext(ctx);

    const object = await workerEnv.FILES.get('backups/2026-01-02.sql');
    expect(object).not.toBeNull();
    const text = await object!.text();
    // Whole: as many bytes as were stored (names in any script, so bytes, not characters).
    expect(object!.size).toBe(new TextEncoder().encode(text).length);
    expect(text.startsWith('PRAGMA foreign_keys=OFF;')).toBe(true);
    expect(text.trimEnd().endsWith('COMMIT;')).toBe(true);
    expect(text).toContain('CREATE TABLE');
    expect(text).toContain(fx.a.orgId);
    expect(object!.customMetadata?.takenAt).toBe(new Date(scheduledTime).toISOString());
  });
});
