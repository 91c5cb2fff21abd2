/**
 * What the board map draws, as GeoJSON: pure builders from the board's plain snapshots (no
 * DOM, no MapLibre), so they can be tested and reused by a benchmark.
 *
 * - jobs       one point per job with a usable location; properties kept to what the layers
 *              read, because 10,000 of them are clustered in the map's worker on every change
 * - routes     per technician, the day's placed jobs in start order as one line, from home
 *              when the home is known
 * - positions  the latest reported position per technician
 * - homes      technicians' homes (where a route starts; also a drop target when assigning)
 *
 * The status colours live here and nowhere else: the map layers and the legend both read them.
 */
import type { Feature, FeatureCollection, LineString, Point, Position } from 'geojson';
import type { BoardJob } from '../core/board-doc.ts';
import { haversineKm } from '../core/geo.ts';
import { isJobStatus, JOB_STATUSES, type JobStatus } from '../core/lifecycle.ts';

/**
 * Pin colour per status. Chosen to be told apart on the light basemap and from each other in
 * the order a day runs; queued (unscheduled) jobs are the loud amber because they need a
 * dispatcher. Colour is never the only cue: the popup and the legend name the status.
 */
export const STATUS_COLOURS: Readonly<Record<JobStatus, string>> = {
  unscheduled: '#f59e0b',
  scheduled: '#2563eb',
  dispatched: '#4f46e5',
  en_route: '#9333ea',
  on_site: '#0891b2',
  on_hold: '#b45309',
  completed: '#16a34a',
  invoiced: '#0f766e',
  paid: '#475569',
  cancelled: '#9ca3af',
};

/** Colour for a technician without one (or a position from a technician the board does not know). */
export const FALLBACK_TECHNICIAN_COLOUR = '#334155';

/** What the map needs of a technician. */
export interface MapTechnician {
  id: string;
  name: string;
  colour: string;
  homeLat: number | null;
  homeLng: number | null;
}

/** A live position, as technicians' phones announce it (`BoardAwareness.position`). */
export interface MapPosition {
  technicianId: string;
  lat: number;
  lng: number;
  /** UTC ms when it was taken. */
  at: number;
}

export interface JobPinProps {
  id: string;
  number: number;
  status: JobStatus;
  colour: string;
  /** In the unassigned queue: no technician yet (the map offers to assign it). */
  queued: boolean;
  /** '' when queued: MapLibre expressions compare strings more simply than nulls. */
  technicianId: string;
  selected: boolean;
}

export interface RouteProps {
  technicianId: string;
  name: string;
  colour: string;
  /** Jobs on the route (the home, when known, is the line's first vertex but not a stop). */
  stops: number;
  fromHome: boolean;
}

export interface PositionProps {
  technicianId: string;
  name: string;
  colour: string;
  at: number;
  /** Older than `staleAfterMs` at `now`: drawn faded, because a dot that stopped moving should not look live. */
  stale: boolean;
}

/** A position older than this is drawn faded. Phones report about once a minute while moving. */
export const POSITION_STALE_AFTER_MS = 15 * 60_000;

export interface HomeProps {
  technicianId: string;
  name: string;
  colour: string;
}

/**
 * A coordinate pair we will draw: finite, in range, and not exactly (0, 0), which in practice
 * is a failed geocode rather than a job in the Gulf of Guinea.
 */
export function hasLocation(lat: number | null | undefined, lng: number | null | undefined): boolean {
  return (
    typeof lat === 'number' &&
    typeof lng === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lng) <= 180 &&
    !(lat === 0 && lng === 0)
  );
}

export function statusColour(status: string): string {
  return isJobStatus(status) ? STATUS_COLOURS[status] : STATUS_COLOURS.cancelled;
}

export function isQueued(job: Pick<BoardJob, 'technicianId' | 'start'>): boolean {
  return job.technicianId == null || job.start == null;
}

/** Jobs with a usable location as points. `selectedId` sets the `selected` flag (at most one). */
export function jobFeatures(jobs: readonly BoardJob[], selectedId: string | null = null): FeatureCollection<Point, JobPinProps> {
  const features: Feature<Point, JobPinProps>[] = [];
  for (const job of jobs) {
    if (!hasLocation(job.lat, job.lng)) continue;
    const queued = isQueued(job);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [job.lng!, job.lat!] },
      properties: {
        id: job.id,
        number: job.number,
        status: job.status,
        colour: statusColour(job.status),
        queued,
        technicianId: queued ? '' : job.technicianId!,
        selected: job.id === selectedId,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Statuses that do not take a technician anywhere today, so they are left off routes (their pins still show). */
const OFF_ROUTE: ReadonlySet<JobStatus> = new Set(['cancelled', 'on_hold']);

/**
 * Routes with more stops than this are not drawn by the board map. No electrician drives 50
 * jobs in a day, and such a line (a benchmark's 10,000 jobs over a few technicians, or bad
 * data) criss-crosses the whole view: measured in headless Chromium's software renderer, four
 * random 2,000-stop routes took panning 10,000 pins from 30 fps to 6-8. The legend names them.
 */
export const MAX_ROUTE_STOPS = 50;

export interface SkippedRoute {
  technicianId: string;
  name: string;
  stops: number;
}

/**
 * One line per technician through the day's placed jobs in start order (ties by job number),
 * starting at the technician's home when it is known. A technician needs at least two vertices
 * to get a line: home plus one job, or two jobs. Technicians without a record still get a line
 * (in the fallback colour) so a placed job never silently drops off the map. Routes of more
 * than `maxStops` jobs are listed in `skipped` instead (default: no limit).
 */
export function buildRoutes(
  jobs: readonly BoardJob[],
  technicians: readonly MapTechnician[],
  options: { maxStops?: number } = {},
): { routes: FeatureCollection<LineString, RouteProps>; skipped: SkippedRoute[] } {
  const maxStops = options.maxStops ?? Infinity;
  const skipped: SkippedRoute[] = [];
  const byTech = new Map<string, BoardJob[]>();
  for (const job of jobs) {
    if (isQueued(job) || OFF_ROUTE.has(job.status) || !hasLocation(job.lat, job.lng)) continue;
    const list = byTech.get(job.technicianId!);
    if (list) list.push(job);
    else byTech.set(job.technicianId!, [job]);
  }
  const techs = new Map(technicians.map((t) => [t.id, t]));
  // Technicians in the order given (the board's row order), then unknown ids sorted, so output is stable.
  const order = [
    ...technicians.map((t) => t.id).filter((id) => byTech.has(id)),
    ...[...byTech.keys()].filter((id) => !techs.has(id)).sort(),
  ];
  const features: Feature<LineString, RouteProps>[] = [];
  for (const id of order) {
    const tech = techs.get(id);
    const mine = byTech.get(id)!;
    if (mine.length > maxStops) {
      skipped.push({ technicianId: id, name: tech?.name ?? '', stops: mine.length });
      continue;
    }
    const stops = mine.sort((a, b) => a.start! - b.start! || a.number - b.number);
    const coordinates: Position[] = [];
    const fromHome = !!tech && hasLocation(tech.homeLat, tech.homeLng);
    if (fromHome) coordinates.push([tech.homeLng!, tech.homeLat!]);
    for (const job of stops) coordinates.push([job.lng!, job.lat!]);
    if (coordinates.length < 2) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates },
      properties: { technicianId: id, name: tech?.name ?? '', colour: colourOf(tech), stops: stops.length, fromHome },
    });
  }
  return { routes: { type: 'FeatureCollection', features }, skipped };
}

/** `buildRoutes` without a stop limit, just the lines. */
export function routeFeatures(jobs: readonly BoardJob[], technicians: readonly MapTechnician[]): FeatureCollection<LineString, RouteProps> {
  return buildRoutes(jobs, technicians).routes;
}

/**
 * The latest valid position per technician (by `at`), in the technicians' order, then unknown
 * ids. `now` (UTC ms) marks positions older than `staleAfterMs` as stale; without it none are.
 */
export function positionFeatures(
  positions: readonly MapPosition[],
  technicians: readonly MapTechnician[],
  options: { now?: number; staleAfterMs?: number } = {},
): FeatureCollection<Point, PositionProps> {
  const staleBefore = options.now == null ? -Infinity : options.now - (options.staleAfterMs ?? POSITION_STALE_AFTER_MS);
  const latest = new Map<string, MapPosition>();
  for (const p of positions) {
    if (!p || typeof p.technicianId !== 'string' || !hasLocation(p.lat, p.lng) || !Number.isFinite(p.at)) continue;
    const seen = latest.get(p.technicianId);
    if (!seen || p.at > seen.at) latest.set(p.technicianId, p);
  }
  const techs = new Map(technicians.map((t) => [t.id, t]));
  const ids = [...technicians.map((t) => t.id).filter((id) => latest.has(id)), ...[...latest.keys()].filter((id) => !techs.has(id)).sort()];
  return {
    type: 'FeatureCollection',
    features: ids.map((id) => {
      const p = latest.get(id)!;
      const tech = techs.get(id);
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
        properties: { technicianId: id, name: tech?.name ?? '', colour: colourOf(tech), at: p.at, stale: p.at < staleBefore },
      };
    }),
  };
}

export function homeFeatures(technicians: readonly MapTechnician[]): FeatureCollection<Point, HomeProps> {
  return {
    type: 'FeatureCollection',
    features: technicians
      .filter((t) => hasLocation(t.homeLat, t.homeLng))
      .map((t) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [t.homeLng!, t.homeLat!] },
        properties: { technicianId: t.id, name: t.name, colour: colourOf(t) },
      })),
  };
}

export type Bounds = [west: number, south: number, east: number, north: number];

/**
 * The box around everything worth showing at first: job pins, else positions and homes. Homes
 * are left out when there are jobs, because one technician living far out would zoom the whole
 * day's view out. Null when there is nothing with a location.
 */
export function viewBounds(
  jobs: readonly BoardJob[],
  positions: readonly MapPosition[],
  technicians: readonly MapTechnician[],
): Bounds | null {
  const pts: [number, number][] = [];
  for (const j of jobs) if (hasLocation(j.lat, j.lng)) pts.push([j.lng!, j.lat!]);
  if (pts.length === 0) {
    for (const p of positions) if (hasLocation(p.lat, p.lng)) pts.push([p.lng, p.lat]);
    for (const t of technicians) if (hasLocation(t.homeLat, t.homeLng)) pts.push([t.homeLng!, t.homeLat!]);
  }
  if (pts.length === 0) return null;
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const [x, y] of pts) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Count of jobs per status, in lifecycle order, only statuses present: what the legend lists. */
export function statusCounts(jobs: readonly BoardJob[]): { status: JobStatus; colour: string; count: number }[] {
  const counts = new Map<JobStatus, number>();
  for (const j of jobs) if (hasLocation(j.lat, j.lng)) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  return JOB_STATUSES.filter((s) => counts.has(s)).map((status) => ({
    status,
    colour: STATUS_COLOURS[status],
    count: counts.get(status)!,
  }));
}

export interface AssignCandidate {
  technician: MapTechnician;
  /** Straight-line km from where the technician is (live position, else home) to the job; null when unknown. */
  distanceKm: number | null;
  from: 'position' | 'home' | null;
}

/**
 * Technicians to offer for a queued job, nearest first (live position, else home); those with
 * no known location keep their given order after the rest. Distance helps a dispatcher choose;
 * the schedule rules still judge the placement.
 */
export function assignCandidates(
  job: Pick<BoardJob, 'lat' | 'lng'>,
  technicians: readonly MapTechnician[],
  positions: readonly MapPosition[],
): AssignCandidate[] {
  const latest = new Map<string, MapPosition>();
  for (const p of positions) {
    if (!hasLocation(p.lat, p.lng)) continue;
    const seen = latest.get(p.technicianId);
    if (!seen || p.at > seen.at) latest.set(p.technicianId, p);
  }
  const located = hasLocation(job.lat, job.lng);
  const list = technicians.map((technician, index) => {
    const pos = latest.get(technician.id);
    const here = pos
      ? { lat: pos.lat, lng: pos.lng }
      : hasLocation(technician.homeLat, technician.homeLng)
        ? { lat: technician.homeLat!, lng: technician.homeLng! }
        : null;
    const distanceKm = located && here ? haversineKm(here, { lat: job.lat!, lng: job.lng! }) : null;
    return { technician, distanceKm, from: here ? (pos ? 'position' : 'home') : null, index } as AssignCandidate & { index: number };
  });
  list.sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || a.index - b.index);
  return list.map(({ technician, distanceKm, from }) => ({ technician, distanceKm, from }));
}

function colourOf(tech: MapTechnician | undefined): string {
  return tech && /^#[0-9a-f]{3,8}$/i.test(tech.colour) ? tech.colour : FALLBACK_TECHNICIAN_COLOUR;
}
