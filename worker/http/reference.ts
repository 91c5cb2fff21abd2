/**
 * A readable API reference, rendered in the browser from /api/openapi.json by a small script
 * served from the same origin (the CSP allows no inline script).
 */
export function apiReferencePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchboard API reference</title><link rel="stylesheet" href="/api-docs.css"></head>
<body><header><h1>Switchboard API reference</h1><p>Generated from <a href="/api/openapi.json">openapi.json</a>.</p></header>
<main id="reference"><p>Loading…</p></main><script src="/api-docs.js" defer></script></body></html>`;
}
