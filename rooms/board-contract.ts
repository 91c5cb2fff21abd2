/**
 * What a board room answers to callers outside it (the Worker's RPCs: worker/jobs/board-moves.ts):
 * who a change is attributed to, a schedule change from outside, and what comes back. Types
 * only, so the Worker can name them without importing the room class.
 */
import type { JobStatus } from '../core/lifecycle.ts';
import type { JobState } from './outbox-store.ts';
import type { Schedule } from './schedule-guard.ts';

/** Who a change is attributed to in job_events. */
export interface Actor {
  userId: string | null;
  name?: string;
}

/** A schedule change from outside the board (API, imports, technician status). Omitted fields stay. */
export interface Placement {
  technicianId?: string | null;
  /** UTC ms, on this room's day. */
  start?: number | null;
  durationMin?: number;
  status?: JobStatus;
  /** Apply only if the job's status is still this (the caller decided from it); else 'conflict'. */
  ifStatus?: string;
}

export type ApplyResult =
  | { ok: true; schedule: Schedule; version: number; boardDate: string | null; projected: boolean }
  | { ok: false; code: 'not-found' | 'other-day' | 'refused' | 'conflict'; reason: string };

/** What a room hands to the next one when a job moves to another day. */
export type HandOff = { ok: true; state: JobState } | { ok: false; code: 'not-found' | 'refused'; reason: string };
