/**
 * The Worker's log lines: one JSON object per line, level and message first, so Workers Logs,
 * `wrangler tail` and whatever reads them later can filter by field (the request id above all).
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logLine(level: 'info' | 'warn' | 'error', msg: string, fields: LogFields = {}) {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
