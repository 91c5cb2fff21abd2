import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { api, dbFingerprint, expectProblem, fx, ORIGIN } from './helpers.ts';

describe('every response', () => {
  it('carries the security headers', async () => {
    for (const path of ['/health', '/customers', '/nope', '/openapi.json']) {
      const res = await api('a.dispatcher', 'GET', path);
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('leaves compression to the platform (tests/e2e checks it on the wire)', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect((await res.json<{ openapi: string }>()).openapi).toBe('3.1.0');
  });
});

describe('errors', () => {
  it('are problem+json for unknown API routes', async () => {
    expectProblem(await api('a.admin', 'GET', '/no-such-thing'), 404);
  });

  it('refuse bodies over 1 MiB, changing nothing', async () => {
    const before = await dbFingerprint();
    const res = await api('a.dispatcher', 'POST', '/customers', JSON.stringify({ name: 'big', notes: 'x'.repeat(1_200_000) }));
    expectProblem(res, 413);
    expect(await dbFingerprint()).toBe(before);
  });

  it('store SQL and HTML metacharacters as plain text, byte for byte', async () => {
    const nasty = [
      `Robert'); DROP TABLE customers;--`,
      `<script>alert(1)</script>`,
      `" onmouseover="alert(1)`,
      `%_\\' OR 1=1 --`,
      'Ünïcødé 🔌 ⚡',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
      '${7*7}{{7*7}}',
    ];
    for (const name of nasty) {
      const created = await api('a.dispatcher', 'POST', '/customers', { name, notes: name });
      expect(created.status).toBe(201);
      const got = await api('a.dispatcher', 'GET', `/customers/${created.body.id}`);
      expect(got.body.name).toBe(name);
      expect(got.body.notes).toBe(name);
    }
    // The LIKE search treats % and _ as text, not wildcards.
    const search = await api('a.dispatcher', 'GET', `/customers?q=${encodeURIComponent('%_')}`);
    expect(search.body.items.map((c: { name: string }) => c.name)).toEqual([`%_\\' OR 1=1 --`]);
  });

  it('name the field of a unique value someone already has', async () => {
    expectProblem(await api('a.admin', 'POST', '/users', { email: 'admin@org-b.test', name: 'Taken', role: 'manager' }), 409, 'email');
  });
});

describe('the API reference', () => {
  it('serves the OpenAPI 3.1 document with every route’s permission and schemas', async () => {
    const doc = (await api('anon', 'GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/customers'].get['x-permission']).toBe('customers.read');
    expect(doc.components.schemas.Customer.properties.name.type).toBe('string');
    expect(doc.paths['/api/customers'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CustomerCreate',
    );
  });

  it('serves a readable page that renders it', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/openapi.json');
    expect(html).not.toMatch(/<script>[^<]/);
  });
});

void fx;
