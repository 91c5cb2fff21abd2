/**
 * The outbox's word to the org's metrics (rooms/metrics-room.ts, `switchboard_outbox_backlog` and
 * `_dead_letters` of GET /api/metrics): after each drain, how many rows still wait and how many
 * libSQL refused. Only a change is sent, and a growing backlog at most every REPORT_MS: a healthy
 * board drains to 0 every time and so reports nothing, while a board whose libSQL is away reports
 * its backlog as it grows, and at once when it is back to 0.
 *
 * Not awaited and never a reason for the drain to fail, as outbox-pulse.ts; the bindings come from
 * cloudflare:workers for the same reason. A report lost (the room evicted meanwhile) is corrected
 * by the room's next change.
 */
import { env } from 'cloudflare:workers';
import type { OutboxReport } from '../core/metrics.ts';
import { parseBoardRoomName } from './board-name.ts';
import type { RoomEnv } from './env.ts';

const REPORT_MS = 5_000;

export class OutboxReporter {
  /** Null until the first drain of this instance: what the metrics room holds from before an eviction is unknown, so that drain reports. */
  #last: OutboxReport | null = null;
  #lastAt = 0;

  /** `room` is the board room's name, `${orgId}:${date}`: the org's metrics room keeps one line per board room. */
  constructor(private readonly room: string) {}

  after(now: OutboxReport): void {
    const last = this.#last;
    if (last) {
      if (now.backlog === last.backlog && now.deadLetters === last.deadLetters) return;
      const toOrFromZero = (now.backlog === 0) !== (last.backlog === 0);
      if (!toOrFromZero && now.deadLetters === last.deadLetters && Date.now() - this.#lastAt < REPORT_MS) return;
    }
    this.#last = now;
    this.#lastAt = Date.now();
    const { orgId } = parseBoardRoomName(this.room);
    Promise.resolve()
      .then(() => (env as unknown as RoomEnv).METRICS_ROOM.getByName(orgId).reportOutbox(this.room, now))
      .catch((e: unknown) => console.warn(`board room ${this.room}: outbox not reported to the metrics`, e));
  }
}
