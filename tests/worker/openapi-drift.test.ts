/**
 * The app's copy of the API contract (app/src/lib/api/openapi.json, and the types generated from
 * it, schema.d.ts) is the document the Worker serves. A change to a zod schema changes the
 * served document; this fails until `npm run api:types` regenerates the copy and its types.
 */
import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';
import checkedIn from '../../app/src/lib/api/openapi.json';
import { ORIGIN } from './helpers.ts';

it('the checked-in OpenAPI document is the one the Worker serves', async () => {
  const res = await SELF.fetch(`${ORIGIN}/api/openapi.json`);
  expect(res.status).toBe(200);
  const served = await res.json();
  expect(served, 'app/src/lib/api/openapi.json differs from GET /api/openapi.json: run npm run api:types').toEqual(checkedIn);
});
