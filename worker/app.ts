/**
 * The Hono app: cross-cutting middleware, then one router per resource. Routing only; the work
 * is in the feature folders (auth/, org/, customers/, jobs/, billing/, inventory/, kpis/).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { AppEnv } from './env.ts';
import { openDb } from './db.ts';
import { touchSession } from './auth/session.ts';
import { Problem, constraintProblem, problemResponse } from './problem.ts';
import { sameOriginOnly } from './http/origin.ts';
import { apiReferencePage } from './http/reference.ts';
import { accountRoutes } from './auth/account.ts';
import { authRoutes } from './auth/sign-in.ts';
import { invitationsRoutes } from './org/invitations.ts';
import { orgRoutes } from './org/org.ts';
import { customersRoutes } from './customers/customers.ts';
import { jobsRoutes } from './jobs/jobs.ts';
import { lineItemsRoutes } from './jobs/line-items.ts';
import { jobNotesRoutes } from './jobs/notes.ts';
import { filesRoutes, isUpload, jobFilesRoutes } from './jobs/files.ts';
import { phoneRefusalsRoutes } from './jobs/phone-refusals.ts';
import { locationsRoutes } from './customers/locations.ts';
import { techniciansRoutes } from './org/technicians.ts';
import { usersRoutes } from './org/users.ts';
import { pricebookRoutes } from './billing/pricebook.ts';
import { partsRoutes } from './inventory/parts.ts';
import { stockRoutes } from './inventory/stock.ts';
import { purchaseOrdersRoutes } from './inventory/purchase-orders.ts';
import { invoicesRoutes } from './billing/invoices.ts';
import { paymentsRoutes } from './billing/payments.ts';
import { partUsagesRoutes } from './inventory/part-usages.ts';
import { kpisRoutes } from './kpis/kpis.ts';
import { importsRoutes } from './data/imports.ts';
import { exportsRoutes } from './data/exports.ts';
import { quickbooksRoutes } from './billing/quickbooks.ts';
import { receivablesRoutes } from './billing/receivables.ts';
import { calendarRoutes } from './calendar/feeds.ts';
import { auditRoutes } from './audit/audit-log.ts';
import { webhooksRoutes } from './webhooks/endpoints.ts';
import { deliverDue } from './webhooks/deliver.ts';
import { monitoringRoutes } from './monitoring/health.ts';
import { metricsRoutes } from './monitoring/metrics.ts';
import { requestLog } from './monitoring/request-log.ts';
import { logLine } from './monitoring/log-line.ts';
import { reportError } from './monitoring/errors.ts';
import { geocodeRoutes } from './geo/geocode-route.ts';
import { pushRoutes } from './push/subscriptions.ts';
import { replayRoutes } from './http/replay.ts';
import { ownRequestSession } from './http/own-requests.ts';

export const API_ROUTERS = {
  '/auth': authRoutes,
  '/account': accountRoutes,
  '/org': orgRoutes,
  '/invitations': invitationsRoutes,
  '/customers': customersRoutes,
  // A job's notes, files and phone refusals are modules of their own, under /api/jobs/{id}/ all the same.
  '/jobs': jobsRoutes.route('/', jobNotesRoutes).route('/', jobFilesRoutes).route('/', phoneRefusalsRoutes),
  '/files': filesRoutes,
  '/line-items': lineItemsRoutes,
  '/locations': locationsRoutes,
  '/technicians': techniciansRoutes,
  '/users': usersRoutes,
  '/pricebook': pricebookRoutes,
  '/parts': partsRoutes,
  '/stock': stockRoutes,
  '/purchase-orders': purchaseOrdersRoutes,
  '/invoices': invoicesRoutes,
  '/payments': paymentsRoutes,
  '/part-usages': partUsagesRoutes,
  '/kpis': kpisRoutes,
  '/imports': importsRoutes,
  '/exports': exportsRoutes,
  '/receivables': receivablesRoutes,
  // The accounting export; the rest of /api/exports is the org's data (data/exports.ts).
  '/exports/quickbooks': quickbooksRoutes,
  '/calendar': calendarRoutes,
  '/audit': auditRoutes,
  '/webhooks': webhooksRoutes,
  '/monitoring': monitoringRoutes,
  // Prometheus' scrape (admins): the path scrapers look for by default.
  '/metrics': metricsRoutes,
  '/geocode': geocodeRoutes,
  '/push': pushRoutes,
} as const;

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      strictTransportSecurity: 'max-age=63072000; includeSubDomains',
      referrerPolicy: 'strict-origin-when-cross-origin',
      xFrameOptions: 'DENY',
      crossOriginEmbedderPolicy: false,
    }),
  );
  // No compression here: the platform compresses by the client's Accept-Encoding (Cloudflare's
  // front line in production, miniflare's entry worker locally); doing it too would double it.

  // Outermost, so its line has the final status and the request's libSQL cost.
  app.use('/api/*', requestLog());
  app.use('/api/*', async (c, next) => {
    const { db, stats } = openDb(c.env);
    c.set('db', db);
    c.set('dbStats', stats);
    await next();
    // How much libSQL this request cost; the round-trip tests and the HTTP bench read it.
    c.res.headers.set('Server-Timing', `db;dur=${stats.ms.toFixed(1)};desc="${stats.roundTrips} round trips"`);
    // Idle-timeout bookkeeping happens after the answer is made, never on its path.
    const auth = c.get('auth');
    if (auth?.lastSeenStale) c.executionCtx.waitUntil(touchSession(db, auth));
    // A write may have queued webhook deliveries (the triggers of migration 0011): they go out
    // now, after the answer; what fails here is retried by the minute's cron (worker/index.ts).
    // A replay's actions leave that to the replay itself, once (worker/http/own-requests.ts).
    if (auth && c.req.method !== 'GET' && c.res.status < 400 && !ownRequestSession(c.req.raw))
      c.executionCtx.waitUntil(deliverDue(c.env, { orgId: auth.orgId }).catch(() => {}));
    c.res.headers.set('Cache-Control', c.res.headers.get('Cache-Control') ?? 'no-store');
  });
  app.use('/api/*', sameOriginOnly());
  const oneMiB = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new Problem(413, 'Request too large', 'Request bodies are limited to 1 MiB.', [
        { field: '(body)', in: 'body', message: 'Larger than 1 MiB.' },
      ]);
    },
  });
  // Photos are larger: an upload's route limits its body by the file's kind (worker/jobs/files.ts).
  app.use('/api/*', (c, next) => (isUpload(c.req.method, c.req.path) ? next() : oneMiB(c, next)));

  app.get('/api/health', async (c) => {
    const t = performance.now();
    try {
      await c.get('db').run(sql`select 1`);
      return c.json({ status: 'ok', libsql: { reachable: true, ms: Math.round(performance.now() - t) } });
    } catch {
      return c.json({ status: 'degraded', libsql: { reachable: false } }, 503);
    }
  });

  for (const [path, r] of Object.entries(API_ROUTERS)) app.route(`/api${path}`, r);
  // The phone's outbox in one request: each action runs through this same app (worker/http/replay.ts).
  app.route(
    '/api/replay',
    replayRoutes((request, env, ctx) => app.fetch(request, env, ctx)),
  );

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard API',
      version: '0.1.0',
      description:
        'Field service management for electrical contractors. Sign in with POST /api/auth/sign-in; the session cookie (or its token as a Bearer header) authorises the rest. Errors are RFC 9457 problem+json.',
    },
  });
  app.get('/api/docs', (c) => c.html(apiReferencePage()));

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return problemResponse(c, new Problem(404, 'Not found', 'No such API route.'));
    return c.env.ASSETS ? c.env.ASSETS.fetch(c.req.raw) : c.text('Not found', 404);
  });

  app.onError((err, c) => {
    if (err instanceof Problem) return problemResponse(c, err);
    const constraint = constraintProblem(err);
    if (constraint) return problemResponse(c, constraint);
    if (err instanceof HTTPException) {
      const status = err.status;
      const detail = status === 400 ? 'The request body is not valid JSON.' : err.message;
      return problemResponse(
        c,
        new Problem(
          status,
          status === 400 ? 'Malformed request' : 'Request refused',
          detail,
          status === 400 ? [{ field: '(body)', in: 'body', message: detail }] : undefined,
        ),
      );
    }
    const requestId = c.get('requestId');
    logLine('error', 'unhandled error', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    reportError(err, { requestId, method: c.req.method, route: routePath(c, -1) });
    return problemResponse(c, new Problem(500, 'Something went wrong', 'The error was logged; nothing was changed by this request.'));
  });

  return app;
}
