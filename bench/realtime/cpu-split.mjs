// CPU time per process of a process group, from /proc (Linux), keyed by command name so that a
// point can say where the room's time went: wrangler's Node process, each workerd process
// (`wrangler dev` runs two: the dev proxy and the Worker with its Durable Objects), sqld.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function read(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid: Number(pid),
      comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
      pgrp: Number(f[2]),
      cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS,
    };
  } catch {
    return null;
  }
}

/** { 'node': ms, 'workerd 1': ms, 'workerd 2': ms, ... } for the live processes of group `pgrp` (numbered by PID within a name). */
export function cpuByProcess(pgrp, extraPids = {}) {
  const procs = groupProcesses(pgrp);
  const out = {};
  const seen = {};
  for (const p of procs) {
    const n = (seen[p.comm] = (seen[p.comm] ?? 0) + 1);
    const same = procs.filter((q) => q.comm === p.comm).length;
    out[same > 1 ? `${p.comm} ${n}` : p.comm] = p.cpuMs;
  }
  for (const [name, pid] of Object.entries(extraPids)) out[name] = read(pid)?.cpuMs ?? 0;
  return out;
}

/** The live processes of group `pgrp`, by PID: { pid, comm, pgrp, cpuMs }. */
export function groupProcesses(pgrp) {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(read)
    .filter((p) => p && p.pgrp === pgrp)
    .sort((a, b) => a.pid - b.pid);
}

/** after - before per key, minus `idle` (ms per second, per key) times `seconds`. */
export function cpuDelta(before, after, { idle = {}, seconds = 0 } = {}) {
  const out = {};
  for (const k of Object.keys(after)) out[k] = Math.max(0, after[k] - (before[k] ?? after[k]) - (idle[k] ?? 0) * seconds);
  return out;
}
