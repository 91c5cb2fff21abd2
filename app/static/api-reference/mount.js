// @ts-check
/**
 * Mounts Scalar's API reference on /api/docs (worker/http/reference.ts), rendering the document
 * the page names in #app's data-url (/api/openapi.json).
 * A file of its own because the CSP allows no inline script. It runs before Scalar's bundle:
 *
 * - zod, inside the bundle, probes whether it may compile validators with `Function('')`; under
 *   our CSP (no 'unsafe-eval') that probe is refused and reported as a violation. zod reads its
 *   config from this global when it loads, and `jitless` skips the probe (zod's own switch for
 *   CSP pages).
 * - the bundle auto-mounts a default reference into any #api-reference element, so ours is #app.
 *
 * The options keep the page offline and on this origin: no web fonts from Scalar's font host, no
 * telemetry, no agent or MCP buttons, no developer toolbar and no link to the hosted client
 * (all of them reach Scalar's services), and no proxyUrl, so the "test request" client calls the
 * API directly (same origin: the session cookie goes along).
 */
/** @type {any} */ (globalThis).__zod_globalConfig = { jitless: true };

document.addEventListener('DOMContentLoaded', () => {
  /** @type {{ createApiReference: (mount: HTMLElement, config: Record<string, unknown>) => unknown }} */
  const scalar = /** @type {any} */ (window).Scalar;
  const mount = /** @type {HTMLElement} */ (document.getElementById('app'));
  scalar.createApiReference(mount, {
    url: mount.dataset.url,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: 'never',
    documentDownloadType: 'json',
    hideClientButton: true,
    persistAuth: false,
  });
});
