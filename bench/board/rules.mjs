// core/schedule-rules.ts, loaded from Node. It uses TypeScript parameter properties, which
// Node's default type stripping refuses, so the core modules it needs are transformed once
// (node:module stripTypeScriptTypes in 'transform' mode) into a temp dir and imported from there.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const core = fileURLToPath(new URL('../../core/', import.meta.url));

export async function loadScheduleRules() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-board-core-'));
  try {
    mkdirSync(join(dir, 'core'));
    for (const f of readdirSync(core)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const js = stripTypeScriptTypes(readFileSync(join(core, f), 'utf8'), { mode: 'transform', sourceUrl: f });
      writeFileSync(join(dir, 'core', f), js);
    }
    return await import(pathToFileURL(join(dir, 'core', 'schedule-rules.ts')).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
