// `npm test`: every test, in order: type checks, core and workerd tests (vitest), then the
// browser tests (Playwright). Ends with one summary line: "Tests: N passed, M failed".
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;
const out = `${root}test-results`;
mkdirSync(out, { recursive: true });

function run(label, cmd, args) {
  console.log(`\n=== ${label} ===`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let passed = 0;
let failed = 0;
const failures = [];

const tsc = await run('type check: worker, core, db, tests', bin('tsc'), ['-p', 'tsconfig.json']);
if (tsc !== 0) failures.push('tsc');

const vitestJson = `${out}/vitest.json`;
const vitest = await run('vitest: core and workerd', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
if (vitest !== 0) failures.push('vitest');

const ok = failures.length === 0 && failed === 0;
console.log(`\n${ok ? 'All green.' : `Failed: ${failures.join(', ') || 'tests'}`}`);
console.log(`Tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
