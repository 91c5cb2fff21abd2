/**
 * The API reference page (/api/docs): Scalar's API reference (@scalar/api-reference, pinned in
 * package.json) renders /api/openapi.json in the browser. Both scripts are same-origin static
 * assets, because the CSP allows no inline script: the standalone bundle, which
 * scripts/build-app.mjs copies from node_modules to build/api-reference/scalar.js at every build
 * so it never goes stale, and app/static/api-reference/mount.js (loaded first), which mounts it with
 * the options that keep it offline. The page names the document (data-url), the script renders it.
 * The page needs no CSP of its own: Scalar injects its styles as <style> elements, which the
 * app-wide `style-src 'self' 'unsafe-inline'` already admits.
 */
export function apiReferencePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchboard API reference</title></head>
<body><noscript><a href="/api/openapi.json">openapi.json</a></noscript><div id="app" data-url="/api/openapi.json"></div>
<script src="/api-reference/mount.js"></script><script src="/api-reference/scalar.js"></script></body></html>`;
}
