/**
 * The room tests' own throwaway sqld (fixtures as in tests/worker), plus a small control
 * server so a test inside workerd can really stop sqld and start it again on the same port
 * and data directory: the rooms then meet a libSQL that refuses connections, exactly as in an
 * outage, with no test hook inside the room. Both listen on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startSqld } from '../../scripts/lib/sqld.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { writeFixtures } from '../worker/fixtures-db.ts';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-rooms-'));
  const dbPath = join(dir, 'db');
  const port = await freePort();
  let sqld = await startSqld({ dbPath, port });
  await migrateDb(sqld.url);
  const fixtures = await writeFixtures(sqld.url);

  const control: Server = createServer(async (req, res) => {
    try {
      if (req.method === 'POST' && req.url === '/sqld/stop') await sqld.stop();
      else if (req.method === 'POST' && req.url === '/sqld/start') {
        if (sqld.child.exitCode === null && sqld.child.signalCode === null) throw new Error('sqld is running');
        sqld = await startSqld({ dbPath, port });
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(204).end();
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  const controlPort = await freePort();
  await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));

  project.provide('libsqlUrl', sqld.url);
  project.provide('fixtures', fixtures);
  project.provide('sqldControlUrl', `http://127.0.0.1:${controlPort}`);
  return async () => {
    await new Promise((resolve) => control.close(resolve));
    await sqld.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    sqldControlUrl: string;
  }
}
