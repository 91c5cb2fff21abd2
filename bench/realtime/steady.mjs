// A steady edit load on one 500-job day of the board room under `wrangler dev`, for looking at
// the room with outside tools: CPU per process from /proc, and, with `--perf`, a `perf record`
// of the Worker's workerd process (native frames included, which the V8 profile of profile.mjs
// cannot see).
//
//   node_modules/.bin/node bench/realtime/steady.mjs [--clients=100] [--rate=800] [--seconds=8] [--perf=FILE [--perf-all]]
//
// Starts sqld and `wrangler dev` itself on free loopback ports and stops them by PID.
import { spawn } from 'node:child_process';
import { selfCpuMs } from '../http/cpu.mjs';
import { signInDispatcher } from '../http/auth.mjs';
import { startStack } from '../http/stack.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import { addBenchDays } from './board-days.mjs';
import { closeClients, openClients } from './clients.mjs';
import { cpuByProcess, cpuDelta, groupProcesses } from './cpu-split.mjs';
import { placementPicker, runEdits, shareJobs } from './workload.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const n = Number(args.clients ?? 100);
const rate = Number(args.rate ?? 800);
const seconds = Number(args.seconds ?? 8);

const snapshot = snapshotWorker({ name: 'realtime-steady' });
const stack = await startStack({ wranglerConfig: snapshot.config });
let clients = [];
try {
  const bench = await addBenchDays(stack.libsqlUrl, { today: stack.seed.today, offsets: [60] });
  const [date] = Object.keys(bench.days);
  const cookie = await signInDispatcher(stack.url);
  clients = await openClients(`${stack.url.replace(/^http/, 'ws')}/api/rooms/board/${date}`, {
    n,
    observers: Math.min(n, 8),
    headers: { cookie, origin: stack.url },
  });
  const jobIds = [...clients[0].doc.getMap('jobs').keys()].sort();
  const cpu = () => cpuByProcess(stack.wranglerPid, { sqld: stack.sqldPid });
  const workerd = Object.keys(cpu())
    .filter((k) => k.startsWith('workerd'))
    .sort()
    .at(-1);
  let perf = null;
  if (args.perf) {
    // The Worker's workerd is the group's last-started one (see cpu-split.mjs's numbering).
    const pid = groupProcesses(stack.wranglerPid)
      .filter((p) => p.comm === 'workerd')
      .at(-1)?.pid;
    // `--perf-all`: the whole machine (report with `perf report --comm sqld`, say): `-p` on sqld
    // fails while its thread pool starts and stops threads.
    const target = args['perf-all'] ? ['-a'] : ['-p', String(pid)];
    perf = spawn('perf', ['record', '-F', '499', '-g', ...target, '-o', args.perf, '--', 'sleep', String(seconds)], { stdio: 'inherit' });
  }
  const before = { server: cpu(), bench: selfCpuMs() };
  const t0 = performance.now();
  const r = await runEdits({
    clients,
    jobShares: shareJobs(jobIds, n),
    picker: placementPicker({ techIds: bench.techIds, day: bench.days[date].range }),
    rate,
    durationMs: (seconds + 1) * 1000,
    warmupMs: 1000,
    drainMs: 3000,
  });
  const wall = performance.now() - t0;
  const split = cpuDelta(before.server, cpu(), { seconds: wall / 1000 });
  if (perf) await new Promise((res) => perf.on('exit', res));
  console.log(
    `${n} clients, ${rate} edits/s for ${seconds} s: ${r.sent} edits, p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} p99 ${r.p99.toFixed(1)} ms, lost ${r.lost}, send lag p99 ${r.sendLagP99.toFixed(1)} ms`,
  );
  console.log(
    `CPU ms/edit: ${Object.entries(split)
      .map(([k, v]) => `${k} ${(v / r.sent).toFixed(3)}`)
      .join(', ')}; bench ${((selfCpuMs() - before.bench) / r.sent).toFixed(3)} (the Worker's process: ${workerd})`,
  );
} finally {
  await closeClients(clients).catch(() => {});
  await stack.stop();
  snapshot.remove();
}
