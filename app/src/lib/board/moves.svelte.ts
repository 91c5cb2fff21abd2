/**
 * Moving cards: by pointer (mouse, pen, touch; see pointer-drag.ts) and by keyboard. A move is
 * local state until it is placed: while it lasts, the target slot is previewed with its warnings
 * (warningsForPlacement) and announced to the room as awareness `dragging`, which soft-locks
 * the card for everyone else. Placing writes once, through the session (core/board-doc.ts).
 */
import type { BoardJob } from '#core/board-doc.ts';
import { warningsForPlacement, type RuleDay, type ScheduleWarning } from '#core/schedule-rules.ts';
import type { BoardSession } from './board-session.svelte.ts';
import type { Move, MoveTarget } from './context.ts';
import { MINUTE, SNAP_MIN, clampDuration, clampStart, durationAtX, firstSlot, shiftBands, startAtX, type Axis } from './geometry.ts';
import { moveLabel, timeSpan, unassignLabel, warningsText } from './labels.ts';
import { trackPointer } from './pointer-drag.ts';
import type { Technician } from './technicians.svelte.ts';

/** What the controller reads from the board (getters: these change as the board does). */
export interface MoveDeps {
  readonly session: BoardSession;
  readonly canEdit: boolean;
  readonly date: string;
  readonly axis: Axis;
  readonly timezone: string;
  /** Rows in display order: Up and Down walk them. */
  readonly rows: readonly Technician[];
  readonly ruleDay: RuleDay;
  readonly scroller: HTMLElement | undefined;
  readonly selectedId: string | null;
  select(jobId: string | null): void;
  techName(technicianId: string): string;
  /** Focuses a card after the DOM has caught up (its row may need to be rendered first). */
  focusCard(jobId: string): Promise<void>;
}

function sameTarget(a: MoveTarget | null, b: MoveTarget | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'queue' || b.kind === 'queue') return a.kind === b.kind;
  return a.technicianId === b.technicianId && a.start === b.start && a.durationMin === b.durationMin;
}

function timelineOf(technicianId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-drop="technician"][data-tech-id="${CSS.escape(technicianId)}"]`);
}

export class MoveController {
  /** The move in progress, if any. */
  current = $state<Move | null>(null);
  readonly #d: MoveDeps;

  constructor(deps: MoveDeps) {
    this.#d = deps;
  }

  // -------------------------------------------------------------------------------------------
  // The move's life

  previewWarnings(jobId: string, t: MoveTarget | null): ScheduleWarning[] {
    if (t?.kind !== 'technician') return [];
    try {
      return warningsForPlacement(this.#d.ruleDay, jobId, t);
    } catch {
      return [];
    }
  }

  #begin(job: BoardJob, input: Move['input'], mode: Move['mode']): void {
    this.current = { jobId: job.id, input, mode, target: null, warnings: [] };
    this.#d.session.setDragging({ jobId: job.id, technicianId: job.technicianId, start: job.start });
  }

  /** Moves the target; false when it did not change. */
  #setTarget(t: MoveTarget | null): boolean {
    const m = this.current;
    if (!m || sameTarget(m.target, t)) return false;
    this.current = { ...m, target: t, warnings: this.previewWarnings(m.jobId, t) };
    this.#d.session.setDragging({
      jobId: m.jobId,
      technicianId: t?.kind === 'technician' ? t.technicianId : null,
      start: t?.kind === 'technician' ? t.start : null,
    });
    return true;
  }

  #end(): void {
    this.current = null;
    this.#d.session.setDragging(null);
  }

  /** Writes a placement (if it changes anything); true when something was written. */
  #commit(jobId: string, target: MoveTarget | null): boolean {
    const { session, timezone } = this.#d;
    const job = session.snapshot.jobs[jobId];
    if (!job || !target) return false;
    if (target.kind === 'queue') {
      if (job.technicianId == null) return false;
      return session.unassign(job.id, unassignLabel(job)).ok;
    }
    if (job.technicianId === target.technicianId && job.start === target.start && job.durationMin === target.durationMin) {
      session.announce(`Job #${job.number} stays where it was.`);
      return false;
    }
    const label = moveLabel(
      job,
      { technicianName: this.#d.techName(target.technicianId), start: target.start, durationMin: target.durationMin },
      timezone,
    );
    const placement = { technicianId: target.technicianId, start: target.start, durationMin: target.durationMin };
    return session.place(job.id, placement, label, warningsText(this.previewWarnings(job.id, target))).ok;
  }

  /** Back to the queue, at once (the "Back to queue" button, U on a card). */
  unassign(job: BoardJob): void {
    const lock = this.#d.session.lockedBy(job.id);
    if (lock) {
      this.#d.session.refuse(`${lock.user.name} is moving job #${job.number} right now.`);
      return;
    }
    if (this.#d.session.unassign(job.id, unassignLabel(job)).ok) void this.#d.focusCard(job.id);
  }

  // -------------------------------------------------------------------------------------------
  // Pointer

  #hitTarget(x: number, y: number, job: BoardJob, mode: Move['mode'], grab: number): MoveTarget | null {
    const { axis } = this.#d;
    if (mode === 'resize') {
      const line = job.technicianId != null ? timelineOf(job.technicianId) : null;
      if (!line || job.technicianId == null || job.start == null) return null;
      return {
        kind: 'technician',
        technicianId: job.technicianId,
        start: job.start,
        durationMin: durationAtX(axis, job.start, x - line.getBoundingClientRect().left),
      };
    }
    const drop = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-drop]');
    if (!drop) return null;
    if (drop.dataset.drop === 'queue') return { kind: 'queue' };
    const technicianId = drop.dataset.techId;
    if (!technicianId) return null;
    return {
      kind: 'technician',
      technicianId,
      start: startAtX(axis, x - drop.getBoundingClientRect().left - grab),
      durationMin: job.durationMin,
    };
  }

  /** Near an edge of the schedule while dragging: scroll it (the card follows the pointer). */
  #autoScroll(x: number, y: number): void {
    const el = this.#d.scroller;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const corner = el.querySelector('[data-corner]')?.getBoundingClientRect();
    const left = corner?.right ?? r.left;
    const top = corner?.bottom ?? r.top;
    const EDGE = 32;
    const STEP = 20;
    if (y < r.top || y > r.bottom || x < r.left || x > r.right) return;
    if (x > r.right - EDGE) el.scrollLeft += STEP;
    else if (x > left && x < left + EDGE) el.scrollLeft -= STEP;
    if (y > r.bottom - EDGE) el.scrollTop += STEP;
    else if (y > top && y < top + EDGE) el.scrollTop -= STEP;
  }

  pointerDown(e: PointerEvent, job: BoardJob, mode: Move['mode']): void {
    const { session, canEdit, axis } = this.#d;
    if (!canEdit || this.current || session.lockedBy(job.id)) return;
    if (mode === 'resize' && job.start == null) return;
    const rect = (e.currentTarget as HTMLElement).closest<HTMLElement>('[data-job-id]')?.getBoundingClientRect();
    // Where on the card it was grabbed, so it does not jump under the pointer; a queue card is
    // held near its start.
    const grab =
      job.start != null && rect ? Math.max(0, Math.min(e.clientX - rect.left, rect.width)) : Math.min(16, job.durationMin * axis.pxPerMin);
    trackPointer(e, {
      start: () => {
        if (this.current || session.lockedBy(job.id) || !session.snapshot.jobs[job.id]) return false;
        this.#begin(job, 'pointer', mode);
        return true;
      },
      move: (x, y) => {
        this.#setTarget(this.#hitTarget(x, y, job, mode, grab));
        this.#autoScroll(x, y);
      },
      end: (x, y) => {
        const target = this.#hitTarget(x, y, job, mode, grab);
        this.#end();
        if (this.#commit(job.id, target)) void this.#d.focusCard(job.id);
      },
      cancel: () => this.#end(),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Keyboard: Enter or Space picks a card up; Up/Down technician, Left/Right 15 minutes,
  // Shift+Left/Right length; Enter places, Escape cancels, U or Delete sends it to the queue.

  #firstTarget(job: BoardJob): (MoveTarget & { kind: 'technician' }) | null {
    const { rows, date, axis, timezone } = this.#d;
    const tech = rows[0];
    if (!tech) return null;
    return {
      kind: 'technician',
      technicianId: tech.id,
      start: firstSlot(shiftBands(tech, date, axis, timezone), axis, date, timezone),
      durationMin: job.durationMin,
    };
  }

  #describe(): string {
    const m = this.current;
    const t = m?.target;
    if (!m || !t) return '';
    if (t.kind === 'queue') return 'Back to the queue.';
    const w = m.warnings.length ? ` ${warningsText(m.warnings)}` : '';
    return `${this.#d.techName(t.technicianId)}, ${timeSpan(t.start, t.durationMin, this.#d.timezone)}.${w}`;
  }

  #pickUp(job: BoardJob): void {
    const { session } = this.#d;
    const lock = session.lockedBy(job.id);
    if (lock) {
      session.refuse(`${lock.user.name} is moving job #${job.number} right now.`);
      return;
    }
    const target: MoveTarget | null =
      job.technicianId != null && job.start != null
        ? { kind: 'technician', technicianId: job.technicianId, start: job.start, durationMin: job.durationMin }
        : this.#firstTarget(job);
    if (!target) {
      session.refuse('There is no technician to place this job on.');
      return;
    }
    this.#begin(job, 'keyboard', 'move');
    this.#setTarget(target);
    session.announce(
      `Moving job #${job.number}. ${this.#describe()} Up and Down choose the technician, Left and Right the time, Shift with Left and Right the length. Enter places it, Escape cancels${job.technicianId != null ? ', U sends it back to the queue' : ''}.`,
    );
  }

  #keyboardMove(e: KeyboardEvent, job: BoardJob, m: Move): void {
    const { session, rows, axis } = this.#d;
    const placed = m.target?.kind === 'technician' ? m.target : null;
    let next: MoveTarget | null = null;
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowDown': {
        const ids = rows.map((r) => r.id);
        const dir = e.key === 'ArrowUp' ? -1 : 1;
        const i = placed ? ids.indexOf(placed.technicianId) : dir > 0 ? -1 : ids.length;
        const technicianId = ids[Math.min(Math.max(i + dir, 0), ids.length - 1)];
        const start = placed?.start ?? this.#firstTarget(job)?.start;
        if (technicianId && start != null)
          next = { kind: 'technician', technicianId, start, durationMin: placed?.durationMin ?? job.durationMin };
        break;
      }
      case 'ArrowLeft':
      case 'ArrowRight': {
        if (!placed) break;
        const step = e.key === 'ArrowLeft' ? -SNAP_MIN : SNAP_MIN;
        next = e.shiftKey
          ? { ...placed, durationMin: clampDuration(placed.durationMin + step) }
          : { ...placed, start: clampStart(axis, placed.start + step * MINUTE) };
        break;
      }
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.#end();
        this.#commit(job.id, m.target);
        void this.#d.focusCard(job.id);
        return;
      case 'Escape':
        e.preventDefault();
        this.#end();
        session.announce(`Move of job #${job.number} cancelled.`);
        return;
      case 'u':
      case 'U':
      case 'Delete':
      case 'Backspace':
        e.preventDefault();
        this.#end();
        if (job.technicianId == null) session.announce(`Job #${job.number} is already waiting.`);
        else this.#commit(job.id, { kind: 'queue' });
        void this.#d.focusCard(job.id);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next && this.#setTarget(next)) session.announce(this.#describe());
  }

  cardKey(e: KeyboardEvent, job: BoardJob): void {
    const m = this.current;
    if (m) {
      if (m.input === 'keyboard' && m.jobId === job.id) this.#keyboardMove(e, job, m);
      return;
    }
    const { canEdit } = this.#d;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.#d.select(job.id);
      if (canEdit) this.#pickUp(job);
    } else if ((e.key === 'u' || e.key === 'U' || e.key === 'Delete') && canEdit && job.technicianId != null) {
      e.preventDefault();
      this.unassign(job);
    } else if (e.key === 'Escape' && this.#d.selectedId === job.id) {
      this.#d.select(null);
    }
  }

  /** Focus left the card being moved by keyboard: the move is off. */
  cardBlur(job: BoardJob): void {
    const m = this.current;
    if (m?.input === 'keyboard' && m.jobId === job.id) {
      this.#end();
      this.#d.session.announce(`Move of job #${job.number} cancelled.`);
    }
  }
}
