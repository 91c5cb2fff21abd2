import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import type { StyleSpecification } from 'maplibre-gl';
import type { Basemap } from './basemap.ts';
import { LAYERS, SOURCES, boardMapStyle, clusterCountFont, offlineStyle, overlayLayers, overlaySources, usableStyleUrl } from './style.ts';

const tinyBasemap: Basemap = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { layer: 'land' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    },
  ],
};

/** The style as MapLibre would hold it once the component has added the board's sources and layers. */
function withOverlays(style: StyleSpecification, countFont: string[] | null = null): StyleSpecification {
  return { ...style, sources: { ...style.sources, ...overlaySources() }, layers: [...style.layers, ...overlayLayers({ countFont })] };
}

describe('boardMapStyle', () => {
  it('uses the configured style URL when there is one', () => {
    expect(boardMapStyle({ styleUrl: 'https://tiles.example.com/style.json', basemap: '/b.json' })).toBe(
      'https://tiles.example.com/style.json',
    );
    expect(boardMapStyle({ styleUrl: '  /map/style.json ', basemap: '/b.json' })).toBe('/map/style.json');
  });

  it('falls back to the offline style when unset, blank or not a web URL', () => {
    for (const styleUrl of [undefined, null, '', '   ', 'javascript:alert(1)', 'style.json', '//evil.example/style.json']) {
      const style = boardMapStyle({ styleUrl, basemap: '/b.json' });
      expect(typeof style).toBe('object');
      expect((style as StyleSpecification).sources[SOURCES.basemap]).toMatchObject({ type: 'geojson', data: '/b.json' });
    }
  });
});

describe('usableStyleUrl', () => {
  it('accepts http(s) and same-origin paths only', () => {
    expect(usableStyleUrl('http://127.0.0.1:9000/style.json')).toBe('http://127.0.0.1:9000/style.json');
    expect(usableStyleUrl('ftp://x/style.json')).toBeNull();
    expect(usableStyleUrl('data:application/json,{}')).toBeNull();
  });
});

describe('offlineStyle', () => {
  it('is a valid style, alone and with the board layers', () => {
    expect(validateStyleMin(offlineStyle(tinyBasemap))).toEqual([]);
    expect(validateStyleMin(withOverlays(offlineStyle('/basemap.json')))).toEqual([]);
  });

  it('needs nothing from a server: no glyphs, no sprite, no symbol layers, no tiles', () => {
    const style = withOverlays(offlineStyle('/basemap.json'));
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.filter((l) => l.type === 'symbol')).toEqual([]);
    for (const source of Object.values(style.sources)) expect(source.type).toBe('geojson');
  });
});

describe('overlay layers', () => {
  it('draws pins, clusters, routes and positions with circles and lines only, on a clustered jobs source', () => {
    const layers = overlayLayers();
    expect(new Set(layers.map((l) => l.type))).toEqual(new Set(['circle', 'line']));
    const ids = layers.map((l) => l.id);
    for (const id of [LAYERS.pins, LAYERS.clusters, LAYERS.routes, LAYERS.positions, LAYERS.selected]) expect(ids).toContain(id);
    expect(overlaySources()[SOURCES.jobs]).toMatchObject({ cluster: true });
    // Selection and positions sit above the pins; routes below them.
    expect(ids.indexOf(LAYERS.routes)).toBeLessThan(ids.indexOf(LAYERS.pins));
    expect(ids.indexOf(LAYERS.selected)).toBeGreaterThan(ids.indexOf(LAYERS.pins));
    expect(ids.indexOf(LAYERS.positions)).toBeGreaterThan(ids.indexOf(LAYERS.pins));
  });

  it('adds cluster counts only with a font, right above the clusters, and stays valid', () => {
    const layers = overlayLayers({ countFont: ['Noto Sans Regular'] });
    const ids = layers.map((l) => l.id);
    expect(ids.indexOf(LAYERS.clusterCount)).toBe(ids.indexOf(LAYERS.clusters) + 1);
    const prod: StyleSpecification = {
      version: 8,
      glyphs: 'https://tiles.example.com/fonts/{fontstack}/{range}.pbf',
      sources: {},
      layers: [],
    };
    expect(validateStyleMin(withOverlays(prod, ['Noto Sans Regular']))).toEqual([]);
  });
});

describe('clusterCountFont', () => {
  const symbol = (font: unknown) => ({ id: 's', type: 'symbol', source: 'x', layout: { 'text-font': font } }) as never;
  it('takes the first literal font list of a style with glyphs', () => {
    expect(
      clusterCountFont({ glyphs: 'g/{fontstack}/{range}.pbf', layers: [{ id: 'bg', type: 'background' }, symbol(['Noto Sans Bold'])] }),
    ).toEqual(['Noto Sans Bold']);
    expect(clusterCountFont({ glyphs: 'g', layers: [symbol(['literal', ['Open Sans Semibold']])] })).toEqual(['Open Sans Semibold']);
  });

  it('is null without glyphs or without a literal font', () => {
    expect(clusterCountFont({ layers: [symbol(['Noto Sans Bold'])] })).toBeNull();
    expect(clusterCountFont({ glyphs: 'g', layers: [symbol(['get', 'font'])] })).toBeNull();
    expect(clusterCountFont(null)).toBeNull();
  });
});
