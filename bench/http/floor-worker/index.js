// A minimal Worker for bench/http/diagnose.mjs: the floor of `wrangler dev` with no framework,
// and the cost of one libSQL round trip made three ways (plain fetch, a libSQL client created
// per request as worker/db.ts does, and one client shared by the isolate).
import { createClient } from '@libsql/client/web';

const PIPELINE = JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'select 1' } }, { type: 'close' }] });
let shared = null;

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === '/fetch') {
      const res = await fetch(`${env.LIBSQL_URL}/v2/pipeline`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: PIPELINE,
      });
      return Response.json(await res.json());
    }
    if (path === '/client-per-request') {
      const client = createClient({ url: env.LIBSQL_URL });
      const rs = await client.execute('select 1');
      client.close();
      return Response.json(rs.rows);
    }
    if (path === '/client-shared') {
      shared ??= createClient({ url: env.LIBSQL_URL });
      return Response.json((await shared.execute('select 1')).rows);
    }
    return Response.json({ ok: true });
  },
};
