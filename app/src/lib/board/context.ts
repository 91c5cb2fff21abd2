/**
 * What the board's components share without threading it through every prop: the session, the
 * move in progress, selection and the actions cards trigger. Set by BoardView.
 */
import { getContext, setContext } from 'svelte';
import type { BoardJob } from '#core/board-doc.ts';
import type { ScheduleWarning } from '#core/schedule-rules.ts';
import type { BoardSession, Peer } from './board-session.svelte.ts';
import type { Axis } from './geometry.ts';
import type { Technician } from './technicians.svelte.ts';

export type MoveTarget = { kind: 'technician'; technicianId: string; start: number; durationMin: number } | { kind: 'queue' };

/** A card being moved, by pointer or keyboard; nothing is written until it is placed. */
export interface Move {
  jobId: string;
  input: 'pointer' | 'keyboard';
  mode: 'move' | 'resize';
  target: MoveTarget | null;
  /** warningsForPlacement at the target. */
  warnings: ScheduleWarning[];
}

export interface BoardContext {
  readonly session: BoardSession;
  readonly timezone: string;
  readonly axis: Axis;
  readonly move: Move | null;
  readonly selectedId: string | null;
  readonly canEdit: boolean;
  technician(id: string | null): Technician | undefined;
  lockedBy(jobId: string): Peer | null;
  select(jobId: string | null): void;
  open(jobId: string): void;
  /** A pointer went down on a card (or its resize handle). */
  pointerDown(e: PointerEvent, job: BoardJob, mode: 'move' | 'resize'): void;
  cardKey(e: KeyboardEvent, job: BoardJob): void;
  cardBlur(job: BoardJob): void;
}

const KEY = Symbol('board');

export function setBoardContext(ctx: BoardContext): void {
  setContext(KEY, ctx);
}

export function boardContext(): BoardContext {
  return getContext<BoardContext>(KEY);
}

/**
 * What the map (app/src/lib/map/BoardMap.svelte, mounted by the page into BoardView's map slot)
 * gets: the same live snapshot, technicians, warnings and selection as the schedule.
 */
export interface BoardMapContext {
  session: BoardSession;
  date: string;
  timezone: string;
  technicians: readonly Technician[];
  warnings: ReadonlyMap<string, ScheduleWarning[]>;
  selectedId: string | null;
  select(jobId: string | null): void;
}
