/**
 * Technicians' last known positions as a board room keeps them (its `positions` table): one
 * row per technician, replaced at most every POSITION_EVERY_MS (rooms/presence.ts). Positions
 * are presence, not records: they never reach libSQL or the Yjs doc.
 */
import type { TechnicianPosition } from '../core/board-notices.ts';
import { POSITION_EVERY_MS } from './presence.ts';

export function migratePositions(sql: SqlStorage): void {
  sql.exec(
    `create table if not exists positions (technician_id text primary key, lat real not null, lng real not null, at integer not null)`,
  );
}

export function readPositions(sql: SqlStorage): TechnicianPosition[] {
  return sql
    .exec<{ technician_id: string; lat: number; lng: number; at: number }>(`select * from positions`)
    .toArray()
    .map((r) => ({ technicianId: r.technician_id, lat: r.lat, lng: r.lng, at: r.at }));
}

/** Stores the position unless the technician's last one is more recent than POSITION_EVERY_MS; true if stored. */
export function recordPosition(sql: SqlStorage, p: TechnicianPosition): boolean {
  const last = sql.exec<{ at: number }>(`select at from positions where technician_id = ?`, p.technicianId).toArray()[0];
  if (last && p.at - last.at < POSITION_EVERY_MS) return false;
  sql.exec(
    `insert into positions (technician_id, lat, lng, at) values (?, ?, ?, ?) on conflict (technician_id) do update set lat = excluded.lat, lng = excluded.lng, at = excluded.at`,
    p.technicianId,
    p.lat,
    p.lng,
    p.at,
  );
  return true;
}
