/**
 * The offline basemap: a few GeoJSON layers cut from the `us-atlas` TopoJSON (Census
 * cartographic boundaries at 1:10,000,000), because there is no tile server here and a map
 * with no land under the pins tells a dispatcher nothing.
 *
 * What ships is one FeatureCollection, each feature tagged with `properties.layer`:
 *   land     the US as one multipolygon: filled, and its outline (coast and international
 *            borders) drawn by a line layer on the same feature rather than shipped twice
 *   state    state borders (lines shared by two states), all of the US
 *   county   county borders (lines shared by two counties) inside the focus states only
 * Lines are meshes (each shared border once), not polygon outlines drawn twice, and counties
 * are lines only: a fill per county would cost triangles for a single colour. Islands smaller
 * than `minIslandArea` (most of the Aleutians and the Keys' specks) are dropped.
 *
 * It is computed once, at build time, by `maps/build-basemap.ts` into
 * `maps/basemap.generated.json`, which the app loads as a fetched asset (see BoardMap.svelte);
 * basemap.test.ts fails when that file is stale. Why not import the TopoJSON at runtime and
 * convert in the browser: counties-10m.json is 250 KB gzipped for the whole country (3,231
 * counties) when the board needs Texas's 254, and it would bring topojson-client and about
 * 80 ms of conversion on the main thread. The generated file is 140 KB, 44 KB gzipped
 * (basemap.test.ts keeps it under 60 KB), fetched by MapLibre's worker only when the map shows.
 */
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';

export type BasemapLayer = 'land' | 'state' | 'county';
export interface BasemapProps {
  layer: BasemapLayer;
}
export type Basemap = FeatureCollection<MultiPolygon | Polygon | MultiLineString, BasemapProps>;

export interface BasemapOptions {
  /** State FIPS codes whose counties are drawn ('48' = Texas, where the demo data is). */
  countyStates?: readonly string[];
  /**
   * Decimal places kept in coordinates. 3 (about 100 m) loses nothing real: the atlas is
   * quantised to about 350 m x 95 m and generalised for 1:10,000,000, where a 0.5 mm pen line
   * is 5 km wide.
   */
  precision?: number;
  /**
   * Douglas-Peucker tolerance in degrees for the country-wide layers (land, state). 0.02 (about
   * 2 km) is still under the source's own generalisation, and takes the land layer from 128 KB
   * to 86 KB of JSON (most of it Alaska's coast).
   */
  tolerance?: number;
  /** The same for county lines, drawn only where dispatchers zoom in. */
  countyTolerance?: number;
  /** Land polygons (islands) smaller than this, in square degrees, are left out. */
  minIslandArea?: number;
}

export const DEFAULT_BASEMAP_OPTIONS = {
  countyStates: ['48'],
  precision: 3,
  tolerance: 0.02,
  countyTolerance: 0.002,
  minIslandArea: 0.01,
} as const satisfies Required<BasemapOptions>;

type Objects = { counties: GeometryCollection; states: GeometryCollection; nation: GeometryCollection };
/** us-atlas's counties-10m.json. */
export type CountiesTopology = Topology<Objects>;

/** True when `t` looks like us-atlas's counties-10m topology (the only input this is written for). */
export function isCountiesTopology(t: unknown): t is Topology<Objects> {
  const o = (t as Topology | null)?.objects;
  return (t as Topology | null)?.type === 'Topology' && !!o?.counties && !!o.states && !!o.nation;
}

/** Build the basemap from us-atlas's `counties-10m.json`. Deterministic: same input, same output. */
export function buildBasemap(topology: Topology<Objects>, options: BasemapOptions = {}): Basemap {
  const opts = { ...DEFAULT_BASEMAP_OPTIONS, ...options };
  const round = rounder(opts.precision);
  const features: Feature<MultiPolygon | Polygon | MultiLineString, BasemapProps>[] = [];

  const nation = feature(topology, topology.objects.nation);
  for (const f of nation.features) {
    const g = f.geometry;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const kept = polys
      .filter((rings) => rings[0] != null && Math.abs(ringArea(rings[0])) >= opts.minIslandArea)
      .map((rings) => simplifyPolygon(rings, opts.tolerance, round))
      .filter((rings) => rings.length > 0);
    if (kept.length)
      features.push({ type: 'Feature', properties: { layer: 'land' }, geometry: { type: 'MultiPolygon', coordinates: kept } });
  }

  const lines = (geometry: MultiLineString, layer: BasemapLayer, tolerance: number) => {
    const coordinates = geometry.coordinates.map((l) => simplifyLine(l, tolerance, round)).filter((l) => l.length >= 2);
    if (coordinates.length) features.push({ type: 'Feature', properties: { layer }, geometry: { type: 'MultiLineString', coordinates } });
  };

  lines(
    mesh(topology, topology.objects.states, (a, b) => a !== b),
    'state',
    opts.tolerance,
  );

  const wanted = new Set(opts.countyStates);
  const counties: GeometryCollection = {
    type: 'GeometryCollection',
    geometries: topology.objects.counties.geometries.filter((g: GeometryObject) => wanted.has(String(g.id ?? '').slice(0, 2))),
  };
  if (counties.geometries.length) {
    // Only borders between two counties of the focus states: the outer edge is a state border or coast.
    lines(
      mesh(topology, counties, (a, b) => a !== b),
      'county',
      opts.countyTolerance,
    );
  }

  return { type: 'FeatureCollection', features };
}

/** [west, south, east, north] of the given states (FIPS), for the map's view when there is nothing to show. */
export function statesBounds(topology: Topology<Objects>, fips: readonly string[]): [number, number, number, number] | null {
  const wanted = new Set(fips);
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  const fc = feature(topology, {
    type: 'GeometryCollection',
    geometries: topology.objects.states.geometries.filter((g) => wanted.has(String(g.id))),
  });
  for (const f of fc.features) {
    eachPosition(
      f.geometry?.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry?.type === 'MultiPolygon' ? f.geometry.coordinates : [],
      ([x, y]) => {
        if (x! < w) w = x!;
        if (x! > e) e = x!;
        if (y! < s) s = y!;
        if (y! > n) n = y!;
      },
    );
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

function eachPosition(polys: Position[][][], fn: (p: Position) => void): void {
  for (const rings of polys) for (const ring of rings) for (const p of ring) fn(p);
}

/** Planar area of a ring in square degrees (shoelace); the sign tells the winding. */
export function ringArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  return a / 2;
}

function rounder(precision: number): (p: Position) => Position {
  const k = 10 ** precision;
  return (p) => [Math.round(p[0]! * k) / k, Math.round(p[1]! * k) / k];
}

function simplifyPolygon(rings: Position[][], tolerance: number, round: (p: Position) => Position): Position[][] {
  const out: Position[][] = [];
  for (const [i, ring] of rings.entries()) {
    const r = simplifyLine(ring, tolerance, round);
    // A ring needs 4 positions (closed triangle); an outer ring lost to simplification drops its holes too.
    if (r.length < 4) {
      if (i === 0) return [];
      continue;
    }
    out.push(r);
  }
  return out;
}

/**
 * Round, drop repeated positions, then Douglas-Peucker (iterative, so a long coastline cannot
 * overflow the stack). Keeps both ends, so closed rings stay closed and shared borders still meet.
 */
export function simplifyLine(line: readonly Position[], tolerance: number, round: (p: Position) => Position = (p) => p): Position[] {
  const pts: Position[] = [];
  for (const p of line) {
    const q = round(p);
    const last = pts[pts.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) pts.push(q);
  }
  if (pts.length <= 2 || tolerance <= 0) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  const tol2 = tolerance * tolerance;
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let worst = -1;
    let worstD = tol2;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(pts[i]!, pts[a]!, pts[b]!);
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst > 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return pts.filter((_, i) => keep[i] === 1);
}

function segmentDistance2(p: Position, a: Position, b: Position): number {
  const [px, py] = p as [number, number];
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const x = ax + t * dx - px,
    y = ay + t * dy - py;
  return x * x + y * y;
}

/** The generated file's exact text (one line, no spaces): the staleness test compares it byte for byte. */
export function serializeBasemap(basemap: Basemap): string {
  return `${JSON.stringify(basemap)}\n`;
}
