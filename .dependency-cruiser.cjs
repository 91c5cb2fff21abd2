// The layers' import rules, checked by `npm run deps` and by `npm test` (dependency-cruiser).
// core/ is pure rules shared by the Worker, the rooms and the app, so it reaches no I/O; the rooms
// are hosted by the Worker, so they import nothing from it; and no module imports itself back
// through another, type-only imports included (a type cycle is still two modules that cannot be
// understood one without the other, and it turns into a runtime cycle with the first value import).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle: move what both sides need to the module that owns it (e.g. rooms/env.ts for the bindings).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core/ holds pure rules: it must not import the I/O layers (worker, rooms, db, app, scripts).',
      from: { path: '^core/' },
      to: { path: '^(worker|rooms|db|app|scripts)/' },
    },
    {
      name: 'core-no-io-libraries',
      severity: 'error',
      comment: 'core/ holds pure rules: no database, HTTP, Durable Object or Workers runtime library; the caller does the I/O.',
      from: { path: '^core/' },
      to: { path: ['^node_modules/(drizzle-orm|@libsql/[^/]+|hono|@hono/[^/]+|partyserver|y-partyserver)/', '^cloudflare:'] },
    },
    {
      name: 'rooms-not-worker',
      severity: 'error',
      comment: 'The Worker hosts the rooms and imports them; rooms/ imports nothing from worker/ (bindings: rooms/env.ts).',
      from: { path: '^rooms/' },
      to: { path: '^worker/' },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    // `import type` counts: a cycle through types is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // #core/* and #lib/* are package.json subpath imports; .svelte files are read with svelte/compiler.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.svelte', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
