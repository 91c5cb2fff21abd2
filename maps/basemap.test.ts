import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildBasemap, ringArea, serializeBasemap, simplifyLine, statesBounds, type Basemap } from './basemap.ts';
import { BASEMAP_FILE, loadCountiesTopology } from './build-basemap.ts';
import { OFFLINE_FOCUS_BOUNDS } from './style.ts';

const topology = loadCountiesTopology();
const built = buildBasemap(topology);
const layer = (b: Basemap, kind: string) => b.features.filter((f) => f.properties.layer === kind);

describe('the generated basemap', () => {
  it('is up to date with us-atlas and basemap.ts (run `npx node maps/build-basemap.ts` when this fails)', () => {
    const onDisk = readFileSync(BASEMAP_FILE, 'utf8');
    expect(onDisk === serializeBasemap(built)).toBe(true);
  });

  it('stays small: under 60 KB gzipped', () => {
    const gz = gzipSync(readFileSync(BASEMAP_FILE), { level: 9 }).length;
    expect(gz).toBeLessThan(60_000);
  });
});

describe('buildBasemap', () => {
  it('has land, state borders and county borders, each one feature', () => {
    expect(built.features.map((f) => f.properties.layer).sort()).toEqual(['county', 'land', 'state']);
    expect(layer(built, 'land')[0]!.geometry.type).toBe('MultiPolygon');
    expect(layer(built, 'state')[0]!.geometry.type).toBe('MultiLineString');
    expect(layer(built, 'county')[0]!.geometry.type).toBe('MultiLineString');
  });

  it('draws counties only inside the focus states (Texas by default)', () => {
    const [w, s, e, n] = OFFLINE_FOCUS_BOUNDS;
    const county = layer(built, 'county')[0]!.geometry;
    if (county.type !== 'MultiLineString') throw new Error('county lines expected');
    for (const line of county.coordinates) {
      for (const [x, y] of line) {
        expect(x!).toBeGreaterThanOrEqual(w - 0.01);
        expect(x!).toBeLessThanOrEqual(e + 0.01);
        expect(y!).toBeGreaterThanOrEqual(s - 0.01);
        expect(y!).toBeLessThanOrEqual(n + 0.01);
      }
    }
    // Travis County (Austin) borders Williamson (Round Rock): some county line passes near Austin.
    const nearAustin = county.coordinates.some((l) => l.some(([x, y]) => Math.abs(x! + 97.74) < 0.3 && Math.abs(y! - 30.27) < 0.3));
    expect(nearAustin).toBe(true);
  });

  it('can draw another state instead, and none at all', () => {
    const ca = buildBasemap(topology, { countyStates: ['06'] });
    const ys = (b: Basemap) => (layer(b, 'county')[0]!.geometry as { coordinates: number[][][] }).coordinates.flat().map((p) => p[1]!);
    expect(Math.min(...ys(ca))).toBeGreaterThan(32);
    expect(layer(buildBasemap(topology, { countyStates: [] }), 'county')).toHaveLength(0);
  });

  it('rounds coordinates to the precision asked for', () => {
    const land = layer(built, 'land')[0]!.geometry as { coordinates: number[][][][] };
    for (const p of land.coordinates.flat(2).slice(0, 500)) {
      expect(Math.round(p[0]! * 1000) / 1000).toBe(p[0]);
      expect(Math.round(p[1]! * 1000) / 1000).toBe(p[1]);
    }
  });

  it('keeps polygon rings closed and valid (4+ positions)', () => {
    const land = layer(built, 'land')[0]!.geometry as { coordinates: number[][][][] };
    for (const poly of land.coordinates) {
      for (const ring of poly) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
      }
    }
  });

  it('is deterministic', () => {
    expect(serializeBasemap(buildBasemap(topology))).toBe(serializeBasemap(built));
  });
});

describe('statesBounds', () => {
  it('matches the offline focus bounds the style uses (Texas)', () => {
    const b = statesBounds(topology, ['48'])!;
    b.forEach((v, i) => expect(v).toBeCloseTo(OFFLINE_FOCUS_BOUNDS[i]!, 3));
  });

  it('is null for no state', () => {
    expect(statesBounds(topology, ['99'])).toBeNull();
  });
});

describe('simplifyLine', () => {
  it('drops points closer to the line than the tolerance and keeps the ends', () => {
    const line = [
      [0, 0],
      [1, 0.001],
      [2, -0.001],
      [3, 0],
      [3, 0],
      [4, 2],
    ];
    expect(simplifyLine(line, 0.01)).toEqual([
      [0, 0],
      [3, 0],
      [4, 2],
    ]);
  });

  it('keeps everything (but repeats) with zero tolerance', () => {
    expect(
      simplifyLine(
        [
          [0, 0],
          [0, 0],
          [1, 1],
        ],
        0,
      ),
    ).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('copes with a long line without recursion', () => {
    // A spiral keeps most of its 50,000 points: deep work for a recursive version, none for this one.
    const line = Array.from({ length: 50_000 }, (_, i) => [Math.cos(i / 100) * (1 + i / 1000), Math.sin(i / 100) * (1 + i / 1000)]);
    expect(simplifyLine(line, 0.0001).length).toBeGreaterThan(1000);
  });
});

describe('ringArea', () => {
  it('is the shoelace area', () => {
    expect(
      Math.abs(
        ringArea([
          [0, 0],
          [2, 0],
          [2, 1],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toBe(2);
  });
});
