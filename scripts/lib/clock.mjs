// A faked clock for a whole test run: every process the run starts (Node, workerd, sqld, Chromium)
// reads the time through libc, and datefudge (Debian's `datefudge` package, loaded with
// LD_PRELOAD) shifts what libc answers for the wall clock by a fixed offset. The clock still
// ticks; monotonic clocks are untouched, so timers and timeouts behave as usual. (libfaketime
// was tried first: workerd deadlocks at start-up under it.) Used by `TEST_CLOCK=... npm test`
// and `npm run test:week` (scripts/test.mjs, scripts/test-week.mjs).
import { existsSync } from 'node:fs';
import { zonedInstant } from '../../core/time.ts';
import { METRO_TZ } from '../../db/seed/places.ts';
import { aptInstall } from './apt.mjs';

const DATEFUDGE = ['/usr/lib/x86_64-linux-gnu/datefudge/datefudge.so', '/usr/lib/aarch64-linux-gnu/datefudge/datefudge.so'];

/** The demo org's zone: a TEST_CLOCK without an offset is a wall-clock time there. */
export const CLOCK_ZONE = METRO_TZ;

/**
 * The instant a TEST_CLOCK names: 'YYYY-MM-DDTHH:MM' is the demo org's local time (what the
 * board shows), and anything with 'Z' or an offset is taken as it is.
 */
export function clockInstant(spec) {
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(spec);
  const at = local ? zonedInstant(local[1], local[2], CLOCK_ZONE) : Date.parse(spec);
  if (!Number.isFinite(at)) throw new Error(`TEST_CLOCK=${spec}: expected YYYY-MM-DDTHH:MM (in ${CLOCK_ZONE}) or an ISO instant`);
  return at;
}

/** The path of datefudge's library, installing Debian's package when this is root with apt (as .ci/run does for Chromium). */
export function datefudge() {
  let found = DATEFUDGE.find((p) => existsSync(p));
  if (!found && aptInstall('datefudge')) found = DATEFUDGE.find((p) => existsSync(p));
  if (!found) throw new Error('A faked clock needs datefudge: run `sudo apt-get install datefudge`.');
  return found;
}

/** Environment variables that make every child process see `spec` as now (offset from the real clock at this moment). */
export function fakeClockEnv(spec) {
  // datefudge subtracts DATEFUDGE seconds from the real clock: positive goes back in time.
  return { LD_PRELOAD: datefudge(), DATEFUDGE: String(Math.round((Date.now() - clockInstant(spec)) / 1000)) };
}
