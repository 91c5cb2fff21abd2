/**
 * The board room's custom messages: text frames that y-partyserver prefixes with `__YPS:`,
 * outside the Yjs protocol. They carry what changes too often to belong in the doc
 * (technicians' positions). A stock y-websocket client parses every frame as binary Yjs and
 * throws on text, so the room sends them only to a client that asked with SUBSCRIBE_NOTICES
 * (Switchboard's own board does, once connected). Shared by the room and the app.
 */

export interface TechnicianPosition {
  technicianId: string;
  lat: number;
  lng: number;
  /** When the phone took the fix (UTC ms). */
  at: number;
}

/** What the board room sends a subscribed client. */
export type BoardNotice = { type: 'positions'; positions: TechnicianPosition[] };

/** The custom message a board client sends to receive BoardNotices. */
export const SUBSCRIBE_NOTICES = { type: 'subscribe', notices: ['positions'] } as const;

export function isSubscribe(message: string): boolean {
  try {
    const m = JSON.parse(message) as { type?: unknown; notices?: unknown };
    return m?.type === 'subscribe' && Array.isArray(m.notices) && m.notices.includes('positions');
  } catch {
    return false;
  }
}

/** A BoardNotice from a custom message's text, or null when it is not one. */
export function parseNotice(message: string): BoardNotice | null {
  try {
    const m = JSON.parse(message) as { type?: unknown; positions?: unknown };
    return m?.type === 'positions' && Array.isArray(m.positions) ? (m as BoardNotice) : null;
  } catch {
    return null;
  }
}
