// `npm run test:week`: the suites that use demo data or dates (workerd: worker and rooms; the
// browser: Playwright) run seven times, with the clock faked to each day of the coming week,
// alternating 02:00 and 14:00 in the demo org's zone, and the machine's timezone changed each
// time too. A suite that only passes on some weekdays, hours or zones fails here. Prints one
// line per run and ends with "Tests: N passed, M failed" over all of them.
//   npm run test:week                  the seven days from tomorrow
//   npm run test:week -- 2026-12-07    the seven days from that date
//   npm run test:week -- 2026-12-07 1  just that day (at 02:00)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addDays, localDateOf, weekdayOf } from '../core/time.ts';
import { CLOCK_ZONE, fakeClockEnv } from './lib/clock.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const out = `${root}test-results/week`;
mkdirSync(out, { recursive: true });

const first = process.argv[2] ?? addDays(localDateOf(Date.now(), CLOCK_ZONE), 1);
const count = Number(process.argv[3] ?? 7);
const ZONES = ['UTC', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kolkata', 'Europe/London', 'America/Chicago', 'Pacific/Kiritimati'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const rows = [];
let passed = 0;
let failed = 0;
for (let i = 0; i < count; i++) {
  const date = addDays(first, i);
  const clock = `${date}T${i % 2 ? '14:00' : '02:00'}`;
  const env = { ...fakeClockEnv(clock), TZ: ZONES[i % ZONES.length], TEST_CLOCK: clock };
  console.log(`\n=== ${DAYS[weekdayOf(date)]} ${clock} ${CLOCK_ZONE}, machine TZ=${env.TZ} ===`);
  const vitestJson = `${out}/vitest-${i}.json`;
  const pwJson = `${out}/playwright-${i}.json`;
  rmSync(vitestJson, { force: true });
  rmSync(pwJson, { force: true });
  await run(
    bin('vitest'),
    ['run', '--project', 'worker', '--project', 'rooms', '--reporter=dot', '--reporter=json', `--outputFile.json=${vitestJson}`],
    env,
  );
  await run(bin('playwright'), ['test', '--reporter=dot,json'], { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  const v = existsSync(vitestJson) ? JSON.parse(readFileSync(vitestJson, 'utf8')) : null;
  const p = existsSync(pwJson) ? JSON.parse(readFileSync(pwJson, 'utf8')).stats : null;
  const row = {
    clock,
    weekday: DAYS[weekdayOf(date)],
    tz: env.TZ,
    vitest: v ? `${v.numPassedTests} passed, ${v.numFailedTests} failed` : 'no report',
    playwright: p ? `${p.expected + (p.flaky ?? 0)} passed, ${p.unexpected} failed` : 'no report',
  };
  passed += (v?.numPassedTests ?? 0) + (p ? p.expected + (p.flaky ?? 0) : 0);
  failed += (v ? v.numFailedTests : 1) + (p ? p.unexpected : 1);
  rows.push(row);
  console.log(`${row.weekday} ${row.clock} TZ=${row.tz}: vitest ${row.vitest}; playwright ${row.playwright}`);
}

const table = [
  `| clock (${CLOCK_ZONE}) | weekday | machine TZ | worker + rooms (vitest) | browser (Playwright) |`,
  '| --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.clock} | ${r.weekday} | ${r.tz} | ${r.vitest} | ${r.playwright} |`),
].join('\n');
writeFileSync(`${out}/summary.md`, `${table}\n`);
console.log(`\n${table}\n\nTests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
