// `npm test`: every test, in order: format and lint (Biome), import rules (dependency-cruiser), type checks, core and
// workerd tests (vitest), the app's type check (svelte-check), then the browser tests (Playwright). Ends with one summary line:
// "Tests: N passed, M failed", counting vitest and Playwright tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aptInstall } from './lib/apt.mjs';
import { CHROMIUM_PATH } from './lib/chromium.mjs';
import { CLOCK_ZONE, fakeClockEnv } from './lib/clock.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

// The browser tests need Debian's Chromium: install it when this is root with apt (a fresh CI
// machine), otherwise stop now with the one command that fixes it, not after ten minutes.
if (!existsSync(CHROMIUM_PATH) && !aptInstall('chromium')) {
  console.error(`Chromium is missing at ${CHROMIUM_PATH}: run \`sudo apt-get install chromium\`, then npm test again.`);
  process.exit(1);
}

// TEST_CLOCK=2026-12-05T02:00 runs everything as if it were that time (README, "Testing on any day").
const clockEnv = process.env.TEST_CLOCK ? fakeClockEnv(process.env.TEST_CLOCK) : {};
if (process.env.TEST_CLOCK)
  console.log(`Clock faked to ${process.env.TEST_CLOCK} (${CLOCK_ZONE} unless an offset is given): DATEFUDGE=${clockEnv.DATEFUDGE}`);
const bin = (name) => `${root}node_modules/.bin/${name}`;
const out = `${root}test-results`;
mkdirSync(out, { recursive: true });

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...clockEnv, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let passed = 0;
let failed = 0;
const failures = [];

// Formatting and lint (Biome, biome.json): a style slip fails the suite like a type error.
const biome = await run('format and lint: biome', bin('biome'), ['check', '.']);
if (biome !== 0) failures.push('biome');

// The layers' import rules (.dependency-cruiser.cjs, `npm run deps`): no import cycle, core/ pure, rooms/ free of worker/.
const deps = ['--config', '.dependency-cruiser.cjs', '--output-type', 'err-long', 'core', 'worker', 'rooms', 'db', 'app/src', 'maps'];
const depcruise = await run('import rules: depcruise', bin('depcruise'), deps);
if (depcruise !== 0) failures.push('depcruise');

const tsc = await run('type check: worker, core, db, tests', bin('tsc'), ['-p', 'tsconfig.json']);
if (tsc !== 0) failures.push('tsc');

// The production bundle: wrangler bundles the Worker as `npm run deploy` would and stops before
// uploading, so an import that workerd's bundler refuses fails here and not on deploy day.
mkdirSync(`${root}build`, { recursive: true });
const bundle = await run(
  'bundle: wrangler deploy --dry-run',
  bin('wrangler'),
  ['deploy', '--dry-run', '--env', 'production', '--outdir', `${out}/dry-run`],
  {
    WRANGLER_SEND_METRICS: 'false',
    XDG_CONFIG_HOME: `${root}.config`,
  },
);
if (bundle !== 0) failures.push('wrangler dry-run');

const vitestJson = `${out}/vitest.json`;
const vitest = await run('vitest: core and workerd', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
if (vitest !== 0) failures.push('vitest');

// svelte-check needs Kit's generated types (node_modules/$app/tsconfig.json, .svelte-kit/types).
const sync = await run('svelte-kit sync', bin('svelte-kit'), ['sync']);
const svelteCheck =
  sync === 0
    ? await run('type check: app (svelte-check)', bin('svelte-check'), ['--tsconfig', './tsconfig.app.json', '--threshold', 'error'])
    : 1;
if (svelteCheck !== 0) failures.push('svelte-check');

// Playwright writes its JSON report to the file named by PLAYWRIGHT_JSON_OUTPUT_NAME.
const playwrightJson = `${out}/playwright.json`;
rmSync(playwrightJson, { force: true });
const playwright = await run('playwright: browser tests', bin('playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});
if (existsSync(playwrightJson)) {
  const { stats } = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  // "expected" passed; "unexpected" failed; "flaky" passed on a retry; "skipped" is neither.
  passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  failed += stats?.unexpected ?? 0;
}
if (playwright !== 0) failures.push('playwright');

const ok = failures.length === 0 && failed === 0;
console.log(`\n${ok ? 'All green.' : `Failed: ${failures.join(', ') || 'tests'}`}`);
console.log(`Tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
