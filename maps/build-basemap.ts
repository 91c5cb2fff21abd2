/**
 * Writes maps/basemap.generated.json from us-atlas (see basemap.ts for what and why).
 *
 *   npx node maps/build-basemap.ts     # Node 22 strips the types; run it after bumping us-atlas
 *
 * basemap.test.ts rebuilds the same data in memory and fails when the file is stale, so a
 * forgotten run shows up in `npm test` rather than as an old map.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildBasemap, isCountiesTopology, serializeBasemap, type CountiesTopology } from './basemap.ts';

export const BASEMAP_FILE = fileURLToPath(new URL('./basemap.generated.json', import.meta.url));

export function loadCountiesTopology(): CountiesTopology {
  const require = createRequire(import.meta.url);
  const topology: unknown = JSON.parse(readFileSync(require.resolve('us-atlas/counties-10m.json'), 'utf8'));
  if (!isCountiesTopology(topology)) throw new Error('us-atlas/counties-10m.json is not the expected topology (counties, states, nation)');
  return topology;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = serializeBasemap(buildBasemap(loadCountiesTopology()));
  writeFileSync(BASEMAP_FILE, text);
  console.log(`build-basemap: wrote ${BASEMAP_FILE}: ${text.length} bytes, ${gzipSync(text, { level: 9 }).length} gzipped`);
}
