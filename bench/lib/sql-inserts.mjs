// Many rows into sqld in few statements: benches seed thousands of jobs straight into libSQL.
const ROWS_PER_INSERT = 100;

/** `insert into t (cols) values (?, ...), (...)` statements of at most ROWS_PER_INSERT rows. */
export function inserts(table, rows) {
  if (!rows.length) return [];
  const cols = Object.keys(rows[0]);
  const out = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    out.push({
      sql: `insert into ${table} (${cols.join(', ')}) values ${chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`,
      args: chunk.flatMap((r) => cols.map((c) => r[c])),
    });
  }
  return out;
}
