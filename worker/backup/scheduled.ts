/**
 * The nightly backup in production (wrangler.toml [triggers]): the database's SQL dump, the same
 * file `npm run backup` writes locally (scripts/lib/backup.mjs), streamed into R2 under
 * backups/YYYY-MM-DD.sql. A dump can be larger than a Worker may hold in memory, and R2 takes a
 * stream only when its length is known in advance, so it goes up as a multipart upload; every part
 * but the last must be at least 5 MiB (R2's rule), so parts are gathered to 8 MiB.
 */
import type { Env } from '../env.ts';

const PART_BYTES = 8 * 1024 * 1024;
export const BACKUP_PREFIX = 'backups/';

/** libsql://db.turso.io answers HTTP at https://db.turso.io; sqld's own URL is already http(s). */
function httpBase(url: string): string {
  return url.replace(/^libsql:\/\//, 'https://').replace(/\/+$/, '');
}

/** Writes today's backup (UTC day of `now`) and returns its key and size. */
export async function backupToR2(env: Env, now = new Date()): Promise<{ key: string; bytes: number }> {
  const res = await fetch(`${httpBase(env.LIBSQL_URL)}/dump`, {
    headers: env.LIBSQL_AUTH_TOKEN ? { authorization: `Bearer ${env.LIBSQL_AUTH_TOKEN}` } : {},
  });
  if (!res.ok || !res.body) throw new Error(`The database's dump answered ${res.status}`);
  const key = `${BACKUP_PREFIX}${now.toISOString().slice(0, 10)}.sql`;
  const upload = await env.FILES.createMultipartUpload(key, {
    httpMetadata: { contentType: 'application/sql' },
    customMetadata: { takenAt: now.toISOString() },
  });
  const parts: R2UploadedPart[] = [];
  let buffered: Uint8Array[] = [];
  let size = 0;
  let bytes = 0;
  const sendPart = async () => {
    const part = new Uint8Array(size);
    let at = 0;
    for (const chunk of buffered) {
      part.set(chunk, at);
      at += chunk.length;
    }
    parts.push(await upload.uploadPart(parts.length + 1, part));
    buffered = [];
    size = 0;
  };
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered.push(value);
      size += value.length;
      bytes += value.length;
      if (size >= PART_BYTES) await sendPart();
    }
    if (size > 0 || parts.length === 0) await sendPart();
    await upload.complete(parts);
  } catch (err) {
    await upload.abort();
    throw err;
  }
  return { key, bytes };
}
