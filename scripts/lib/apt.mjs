// Installs a Debian package when this process may (root, with apt-get), as .ci/run does for
// Chromium. Anywhere else it does nothing and says no, and the caller names the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let updated = false;

export function aptInstall(pkg) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  console.log(`Installing Debian's ${pkg} (apt-get)…`);
  const opts = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (!updated) updated = spawnSync('apt-get', ['update'], opts).status === 0;
  return spawnSync('apt-get', ['install', '-y', pkg], opts).status === 0;
}
