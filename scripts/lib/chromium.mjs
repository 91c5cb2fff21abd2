// Debian's Chromium (apt; never `playwright install`) and the flags every browser run here uses:
// the Playwright tests (playwright.config.ts) and the board benchmark (bench/board).
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing leaves the machine: every host name fails to resolve except loopback. localhost is
  // kept because passkeys need a domain name as the relying party (WebAuthn refuses IPs).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
