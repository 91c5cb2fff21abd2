// `npm run build:app`: builds the SvelteKit SPA into build/ and writes build/_headers, the
// Cloudflare static-assets headers file, so the HTML gets the same strict CSP as the API.
//
// Why hashes: adapter-static's SPA fallback (index.html) boots Kit with an inline <script>.
// Static assets never pass through the Worker, so the Worker's CSP does not cover them, and
// `script-src 'self'` alone would block that bootstrap. Each inline script's sha256 goes into
// script-src instead of 'unsafe-inline'. The hashes change with every build (Kit embeds a
// version stamp), so they are computed here, after `vite build`, never written by hand.
//
// The API reference page (/api/docs, worker/http/reference.ts) loads Scalar's standalone bundle
// as a same-origin asset: it is copied here from the pinned @scalar/api-reference in
// node_modules at every build, never checked in, so it is always the version package.json names.
//
// `--if-stale` skips the build when build/ is newer than every input (used by Playwright's
// global setup so repeated test runs do not rebuild).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = join(root, 'build');
const headersFile = join(buildDir, '_headers');
/** Where /api/docs (worker/http/reference.ts) loads Scalar from. */
const scalarBundle = join(buildDir, 'api-reference', 'scalar.js');

/** Everything whose change should trigger a rebuild. */
// core/ and maps/ are imported by the app (board doc, rules, map style), so they count too.
const INPUTS = ['app', 'core', 'maps', 'vite.config.ts', 'package.json', 'scripts/build-app.mjs'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsFresh() {
  if (!existsSync(headersFile) || !existsSync(join(buildDir, 'index.html')) || !existsSync(scalarBundle)) return false;
  const built = statSync(headersFile).mtimeMs;
  return INPUTS.every((p) => newestMtime(join(root, p)) <= built);
}

function htmlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...htmlFiles(path));
    else if (entry.name.endsWith('.html')) out.push(path);
  }
  return out;
}

/** sha256 source expressions for every inline script (those without src) in the html. */
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    if (/\bsrc\s*=/i.test(attrs)) continue;
    // The browser hashes the exact text between the tags, whitespace included.
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(m[2] ?? '', 'utf8')
        .digest('base64')}'`,
    );
  }
  return hashes;
}

/**
 * A production map style (VITE_MAP_STYLE_URL at build time) loads its tiles, glyphs and sprites
 * from its own host: that origin, and only it, joins connect-src and img-src.
 */
function mapStyleOrigin() {
  const url = process.env.VITE_MAP_STYLE_URL;
  if (!url) return '';
  try {
    return ` ${new URL(url).origin}`;
  } catch {
    throw new Error(`VITE_MAP_STYLE_URL is not a URL: ${url}`);
  }
}

export function contentSecurityPolicy(scriptHashes) {
  const map = mapStyleOrigin();
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.length ? ` ${scriptHashes.join(' ')}` : ''}`,
    // Svelte injects component styles and Kit's template uses a style attribute.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${map}`,
    `connect-src 'self'${map}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function writeHeaders() {
  const hashes = new Set();
  for (const file of htmlFiles(buildDir)) {
    for (const h of inlineScriptHashes(readFileSync(file, 'utf8'))) hashes.add(h);
  }
  if (hashes.size === 0) {
    // Kit's SPA fallback always has one; none means the template or Kit changed under us.
    console.warn('build-app: no inline scripts found in build/*.html');
  }
  const csp = contentSecurityPolicy([...hashes].sort());
  const text = [
    '# Written by scripts/build-app.mjs after `vite build`; do not edit.',
    '/*',
    `  Content-Security-Policy: ${csp}`,
    '  Strict-Transport-Security: max-age=63072000; includeSubDomains',
    '  X-Content-Type-Options: nosniff',
    '  Referrer-Policy: strict-origin-when-cross-origin',
    '  X-Frame-Options: DENY',
    '',
    // Vite fingerprints everything under _app/immutable, so it can be cached for good.
    '/_app/immutable/*',
    '  Cache-Control: public, max-age=31536000, immutable',
    '',
  ].join('\n');
  writeFileSync(headersFile, text);
  return { csp, hashes: [...hashes] };
}

/** Scalar's standalone browser bundle (one self-contained script that defines window.Scalar). */
export function copyScalarBundle() {
  mkdirSync(join(buildDir, 'api-reference'), { recursive: true });
  copyFileSync(join(root, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'), scalarBundle);
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

export async function buildApp({ ifStale = false } = {}) {
  if (ifStale && buildIsFresh()) {
    console.log('build-app: build/ is up to date');
    return;
  }
  await run(`${root}node_modules/.bin/vite`, ['build', '--logLevel', 'warn']);
  copyScalarBundle();
  const { hashes } = writeHeaders();
  console.log(`build-app: wrote ${relative(root, headersFile)} (${hashes.length} inline script hash${hashes.length === 1 ? '' : 'es'})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildApp({ ifStale: process.argv.includes('--if-stale') });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
