/**
 * Words for moves, for the live region and the undo history ("Job #1042 assigned to Dana Ruiz
 * at 9:30 AM"), and for a board whose room closed the connection for good.
 */
import type { BoardJob } from '#core/board-doc.ts';
import type { RoomClose } from '#core/room-close.ts';
import type { ScheduleWarning } from '#core/schedule-rules.ts';
import { formatDuration, formatTime } from '#lib/format.ts';
import { MINUTE } from './geometry.ts';

export function moveLabel(job: BoardJob, to: { technicianName: string; start: number; durationMin: number }, timezone: string): string {
  const at = formatTime(to.start, timezone);
  if (job.technicianId == null) return `Job #${job.number} assigned to ${to.technicianName} at ${at}`;
  if (job.start === to.start && job.durationMin !== to.durationMin && job.technicianId != null) {
    return `Job #${job.number} now lasts ${formatDuration(to.durationMin)}, until ${formatTime(to.start + to.durationMin * MINUTE, timezone)}`;
  }
  return `Job #${job.number} moved to ${to.technicianName} at ${at}`;
}

export function unassignLabel(job: BoardJob): string {
  return `Job #${job.number} back in the queue`;
}

export function timeSpan(start: number, durationMin: number, timezone: string): string {
  return `${formatTime(start, timezone)} to ${formatTime(start + durationMin * MINUTE, timezone)}`;
}

export function warningsText(warnings: readonly ScheduleWarning[]): string {
  if (!warnings.length) return '';
  return `${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((w) => w.message).join(' ')}`;
}

/** "3 h ago", "2 days ago": a queued job's age. */
export function age(createdAt: number, now = Date.now()): string {
  const min = Math.max(0, Math.round((now - createdAt) / MINUTE));
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

export function skillLabel(skill: string): string {
  return skill.replace(/-/g, ' ');
}

/**
 * What the board says when its room closed the connection for good (core/room-close.ts): a
 * short label for the connection indicator and the sentence saying what happened and what to do.
 * Reloading is the way on in both cases: the page then asks the person to sign in, or opens
 * what their access allows now.
 */
export const ROOM_CLOSED_WORDS: Record<RoomClose['code'], { label: string; sentence: string }> = {
  4401: {
    label: 'Signed out',
    sentence: 'Your session has ended, so this board has stopped updating. Reload the page to sign in again.',
  },
  4403: {
    label: 'Access changed',
    sentence:
      'Your access has changed (a new role, or your account was turned off), so this board has stopped updating. Reload the page to carry on.',
  },
};
