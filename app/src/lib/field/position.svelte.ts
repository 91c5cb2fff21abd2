/**
 * Sharing where the phone is while on shift, opt in per device (the choice is kept on this
 * phone, not on the account: a technician may carry two). watchPosition's fixes go to the
 * technician's own feed room as its position message (`{"type":"position",lat,lng,at}`,
 * rooms/technician-room.ts), which passes one every 10 s on to the board's map; the phone sends
 * no more often than that either. It stops when the shift ends (the technician's shift end in
 * their timezone, checked at every fix and by a timer) or when turned off.
 */
import { zonedInstant } from '#core/time.ts';

const CHOICE = 'switchboard.field.sharePosition';
/** The room passes one position per technician every 10 s (rooms/presence.ts POSITION_EVERY_MS). */
export const SEND_EVERY_MS = 10_000;

export interface Shift {
  /** Local date of the shift, the technician's shift end ('HH:MM') and their timezone. */
  date: string;
  end: string;
  timezone: string;
}

export function shiftEndsAt(shift: Shift): number {
  return zonedInstant(shift.date, shift.end, shift.timezone);
}

class PositionShare {
  /** The technician turned sharing on for this device. */
  chosen = $state(false);
  /** Sharing right now (chosen, on shift, permission given). */
  active = $state(false);
  status = $state('');
  lastSentAt = $state<number | null>(null);
  #watch: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #send: ((message: string) => boolean) | null = null;
  #endsAt = 0;

  constructor() {
    if (typeof localStorage !== 'undefined') this.chosen = localStorage.getItem(CHOICE) === 'on';
  }

  setChosen(on: boolean): void {
    this.chosen = on;
    try {
      localStorage.setItem(CHOICE, on ? 'on' : 'off');
    } catch {
      // Private mode: the choice lasts this page only.
    }
    if (!on) this.stop('Not sharing your position.');
  }

  /** Starts watching when chosen and the shift has not ended; `send` passes a message to the feed room. */
  start(send: (message: string) => boolean, shift: Shift | null): void {
    this.#send = send;
    if (!this.chosen) return;
    if (!shift) {
      this.stop('No shift known for you today, so your position is not shared.');
      return;
    }
    this.#endsAt = shiftEndsAt(shift);
    if (Date.now() >= this.#endsAt) {
      this.stop('Your shift has ended: your position is not shared.');
      return;
    }
    if (!('geolocation' in navigator)) {
      this.stop('This phone cannot share its position.');
      return;
    }
    if (this.#watch != null) return;
    this.active = true;
    this.status = 'Sharing your position with dispatch until your shift ends.';
    this.#watch = navigator.geolocation.watchPosition(
      (p) => this.#fix(p),
      (err) => this.stop(err.code === err.PERMISSION_DENIED ? 'Position not allowed on this phone.' : 'No position fix yet.'),
      { enableHighAccuracy: false, maximumAge: 30_000, timeout: 60_000 },
    );
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.stop('Your shift has ended: your position is no longer shared.'),
      Math.min(this.#endsAt - Date.now(), 2 ** 31 - 1),
    );
  }

  #fix(p: GeolocationPosition): void {
    const now = Date.now();
    if (now >= this.#endsAt) {
      this.stop('Your shift has ended: your position is no longer shared.');
      return;
    }
    if (this.lastSentAt != null && now - this.lastSentAt < SEND_EVERY_MS) return;
    const message = JSON.stringify({ type: 'position', lat: p.coords.latitude, lng: p.coords.longitude, at: Math.min(p.timestamp, now) });
    if (this.#send?.(message)) this.lastSentAt = now;
  }

  stop(status = ''): void {
    if (this.#watch != null) navigator.geolocation.clearWatch(this.#watch);
    this.#watch = null;
    clearTimeout(this.#timer);
    this.active = false;
    this.status = status;
  }
}

export const positionShare = new PositionShare();
