/**
 * A job event (job_events) in words: what happened, who did it, what changed and any note.
 *
 * Events come from several writers with slightly different shapes: the API (`created`,
 * `updated`, `rescheduled`/`status_changed` for backlog jobs, with `scheduledStart`), the board
 * rooms (`rescheduled`/`status_changed` with `start`, plus `via`, `boardDate`, `scheduleVersion`),
 * invoices (`status_changed`), line items (`line_item_*`) and the demo seed (`scheduled`, notes
 * under `reason`). Unknown kinds and fields still read sensibly.
 */
import { statusLabel } from '#core/lifecycle.ts';
import { priorityLabel } from '#core/priorities.ts';
import { formatDateTime, formatDuration } from '#lib/format.ts';
import { formatQuantity, money } from './job-text.ts';
import type { JobEvent } from './types.ts';

export interface HistoryContext {
  timezone: string;
  /** A technician's name by id, when known. */
  technicianName: (id: string) => string | undefined;
}

export interface EventView {
  title: string;
  /** Who did it ("Dana Ruiz", or "Switchboard" for automatic changes). */
  who: string;
  changes: string[];
  note: string | null;
}

type Rec = Record<string, unknown>;

/** Fields that are bookkeeping, not something a person changed (ids other than the technician's too). */
const HIDDEN = new Set(['boardDate', 'via', 'scheduleVersion', 'completedAt', 'number', 'note', 'reason', 'takeOver']);
const hidden = (key: string) => HIDDEN.has(key) || (key.endsWith('Id') && key !== 'technicianId');

/** The order fields are listed in, and their labels. */
const FIELD_LABELS: [string, string][] = [
  ['status', 'Status'],
  ['technicianId', 'Technician'],
  ['start', 'Start'],
  ['durationMin', 'Duration'],
  ['type', 'Type'],
  ['priority', 'Priority'],
  ['description', 'Description'],
  ['requiredSkill', 'Required skill'],
  ['requiredLicenceClass', 'Required licence'],
  ['requestedStart', 'Requested from'],
  ['requestedEnd', 'Requested until'],
  ['arrivalWindowStart', 'Arrival window from'],
  ['arrivalWindowEnd', 'Arrival window until'],
  ['quantity', 'Quantity'],
  ['unitPriceCents', 'Unit price'],
  ['taxable', 'Taxable'],
  ['totalCents', 'Total'],
];
const LABEL = new Map(FIELD_LABELS);
const ORDER = new Map(FIELD_LABELS.map(([k], i) => [k, i]));

/** The API writes `scheduledStart`, the rooms `start`: one name for both. */
function normalise(r: Rec | null): Rec {
  if (!r) return {};
  const out: Rec = { ...r };
  if ('scheduledStart' in out) {
    if (!('start' in out)) out.start = out.scheduledStart;
    delete out.scheduledStart;
  }
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

function humanise(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function value(key: string, v: unknown, ctx: HistoryContext): string {
  if (v === null || v === undefined || v === '') {
    if (key === 'technicianId') return 'nobody';
    if (key === 'start') return 'no start';
    return 'none';
  }
  switch (key) {
    case 'status':
      return statusLabel(String(v));
    case 'technicianId':
      return ctx.technicianName(String(v)) ?? 'a technician no longer listed';
    case 'start':
    case 'requestedStart':
    case 'requestedEnd':
    case 'arrivalWindowStart':
    case 'arrivalWindowEnd':
      return typeof v === 'number' ? formatDateTime(v, ctx.timezone) : String(v);
    case 'durationMin':
      return typeof v === 'number' ? formatDuration(v) : String(v);
    case 'priority':
      return priorityLabel(String(v));
    case 'unitPriceCents':
    case 'totalCents':
      return typeof v === 'number' ? money(v) : String(v);
    case 'quantity':
      return typeof v === 'number' ? formatQuantity(v) : String(v);
    case 'taxable':
      return v ? 'yes' : 'no';
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** "Priority: Normal → High" for every field whose value differs between before and after. */
function diffLines(
  before: Rec,
  after: Rec,
  ctx: HistoryContext,
  { skip = [], collapseDescription = true }: { skip?: string[]; collapseDescription?: boolean } = {},
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !hidden(k) && !skip.includes(k) && k in after)
    .sort((a, b) => (ORDER.get(a) ?? 99) - (ORDER.get(b) ?? 99) || a.localeCompare(b));
  const out: string[] = [];
  for (const k of keys) {
    const b = before[k];
    const a = after[k];
    if (k in before && JSON.stringify(b) === JSON.stringify(a)) continue;
    const label = LABEL.get(k) ?? humanise(k);
    // Long text reads badly as "old → new": just say it changed.
    if (k === 'description' && collapseDescription) {
      out.push('Description changed');
      continue;
    }
    out.push(k in before ? `${label}: ${value(k, b, ctx)} → ${value(k, a, ctx)}` : `${label}: ${value(k, a, ctx)}`);
  }
  return out;
}

function lineSummary(r: Rec): string {
  const desc = str(r.description) ?? 'A line';
  if (typeof r.quantity === 'number' && typeof r.unitPriceCents === 'number' && typeof r.totalCents === 'number') {
    return `${desc}: ${formatQuantity(r.quantity)} × ${money(r.unitPriceCents)} = ${money(r.totalCents)}`;
  }
  return desc;
}

export function actorLabel(e: Pick<JobEvent, 'actorName' | 'actorUserId'>): string {
  return e.actorName ?? (e.actorUserId ? 'A former user' : 'Switchboard');
}

export function describeEvent(e: JobEvent, ctx: HistoryContext): EventView {
  const before = normalise(e.before);
  const after = normalise(e.after);
  const note = str(after.note) ?? str(after.reason);
  const who = actorLabel(e);
  const onBoard = after.via === 'board' ? ' on the board' : '';
  switch (e.kind) {
    case 'created': {
      const shown: Rec = {};
      for (const k of ['type', 'priority', 'technicianId', 'start', 'durationMin'] as const) if (after[k] != null) shown[k] = after[k];
      if (after.status && after.status !== 'unscheduled') shown.status = after.status;
      return { title: 'Job created', who, changes: diffLines({}, shown, ctx), note };
    }
    case 'updated':
      return { title: 'Details changed', who, changes: diffLines(before, after, ctx), note };
    case 'scheduled':
    case 'rescheduled':
      return {
        title: `${e.kind === 'scheduled' ? 'Scheduled' : 'Rescheduled'}${onBoard}`,
        who,
        changes: diffLines(before, after, ctx),
        note,
      };
    case 'status_changed': {
      const from = before.status != null ? statusLabel(String(before.status)) : null;
      const to = after.status != null ? statusLabel(String(after.status)) : null;
      const title = to ? (from ? `Status: ${from} → ${to}` : `Status: ${to}`) : 'Status changed';
      return { title, who, changes: diffLines(before, after, ctx, { skip: ['status'] }), note };
    }
    case 'line_item_added':
      return { title: 'Line added', who, changes: [lineSummary(after)], note };
    case 'line_item_removed':
      return { title: 'Line removed', who, changes: [lineSummary(before)], note };
    case 'line_item_changed':
      return { title: 'Line changed', who, changes: diffLines(before, after, ctx, { collapseDescription: false }), note };
    default:
      return { title: humanise(e.kind), who, changes: diffLines(before, after, ctx), note };
  }
}
