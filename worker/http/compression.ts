import type { MiddlewareHandler } from 'hono';

const COMPRESSIBLE = /json|text|javascript|svg|xml/;

/**
 * Compression done by the runtime, not by us. workerd compresses a response body itself when
 * the response names a Content-Encoding (its "automatic" body encoding), so hono/compress on
 * top of that gzips twice and browsers read garbage. We only name the encoding.
 */
export function runtimeCompression(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return;
    if (c.res.headers.has('content-encoding') || !COMPRESSIBLE.test(c.res.headers.get('content-type') ?? '')) return;
    if (!c.res.body || c.res.status === 204 || c.res.status === 304) return;
    c.res.headers.set('content-encoding', 'gzip');
    c.res.headers.append('vary', 'Accept-Encoding');
  };
}
