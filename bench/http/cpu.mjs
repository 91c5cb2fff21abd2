// CPU time spent by processes, read from /proc (Linux): a load-independent measure of what a
// request costs, unlike latency and throughput on a machine others are using at the same time.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid) {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pgrp: Number(f[2]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU ms used so far by every live process in process group `pgrp`. */
export function groupCpuMs(pgrp) {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s && s.pgrp === pgrp) total += s.cpuMs;
  }
  return total;
}

export function processCpuMs(pid) {
  return stat(pid)?.cpuMs ?? 0;
}

export function selfCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
