// The change that makes the report cache miss: another person of the office (the bench org's
// dispatcher, a session of their own) recording a 1-cent payment through the API, on invoices
// still owed far more than that, so each stays sent and in its aging bucket. A payment moves
// "collected" and the receivables, and raises the org's KPI data version (kpi_versions, migration
// 0015): every cached report of the org is outdated by it.
import { createClient } from '@libsql/client';

/** Invoices of the org owed at least $10, to pay a cent at a time (one at a time, in turn). */
export async function owedInvoices(libsqlUrl, orgId, limit = 500) {
  const db = createClient({ url: libsqlUrl });
  try {
    const r = await db.execute({
      sql: `select id from invoices where org_id = ? and status = 'sent' and total_cents - paid_cents >= 1000 order by id limit ?`,
      args: [orgId, limit],
    });
    return r.rows.map((row) => String(row.id));
  } finally {
    db.close();
  }
}

/** A payment writer: `once()` records one payment and resolves when it is committed (the answer came). */
export function paymentWriter({ url, cookie, invoices }) {
  let next = 0;
  const counts = { writes: 0, failures: 0, lastFailure: '' };
  async function once() {
    const invoiceId = invoices[next++ % invoices.length];
    const res = await fetch(`${url}/api/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, cookie },
      body: JSON.stringify({ invoiceId, amountCents: 1, method: 'cash', reference: 'bench:kpis' }),
    });
    const text = await res.text();
    if (res.ok) counts.writes++;
    else {
      counts.failures++;
      counts.lastFailure = `${res.status} ${text.slice(0, 200)}`;
    }
    return res.ok;
  }

  /**
   * Writes about every `everyMs` until stopped, and never more than `max` times (a run that
   * overstays its time does not write on). `stop()` resolves once the write in flight is done.
   */
  function every(everyMs, max) {
    let stopped = false;
    const running = (async () => {
      while (!stopped && counts.writes + counts.failures < max) {
        const t = performance.now();
        await once().catch((e) => {
          counts.failures++;
          counts.lastFailure = String(e);
        });
        const wait = everyMs - (performance.now() - t);
        if (wait > 0 && !stopped) await new Promise((res) => setTimeout(res, wait));
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await running;
      },
    };
  }
  return { once, every, counts };
}
