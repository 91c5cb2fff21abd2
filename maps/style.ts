/**
 * The board map's style: the basemap (a production style URL from configuration, or the
 * offline one built from us-atlas) and, on top of whichever it is, the board's own sources and
 * layers. Pure data: the component adds them to MapLibre.
 *
 * Cost, because a benchmark pans 10,000 pins at 30 fps: every board layer is a circle or a line
 * (no DOM markers, no per-pin symbols), the jobs source is clustered in MapLibre's worker, and
 * the offline basemap stops tiling at zoom 10 (its data is 1:10,000,000; overzooming is free).
 *
 * Text needs glyphs (font PBFs from a server), which do not exist offline, so the offline style
 * has none and no symbol layer: clusters show their size by radius. When the production style
 * has glyphs and uses a font, cluster counts are drawn with that same font (`clusterCountFont`),
 * so we never ask its glyph server for a font it may not have.
 */
import type {
  CircleLayerSpecification,
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  StyleSpecification,
  SymbolLayerSpecification,
} from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import type { Basemap } from './basemap.ts';
import type { Bounds } from './features.ts';

/** Texas, from us-atlas (basemap.test.ts checks it): where the map looks when there is nothing to show. */
export const OFFLINE_FOCUS_BOUNDS: Bounds = [-106.6472, 25.8404, -93.5176, 36.5005];

export const BASEMAP_ATTRIBUTION = 'Boundaries: US Census Bureau (us-atlas)';

/** Jobs stop clustering above this zoom; easing to a selected job goes one past it. */
export const CLUSTER_MAX_ZOOM = 13;
export const CLUSTER_RADIUS = 40;

export const SOURCES = {
  basemap: 'basemap',
  jobs: 'board-jobs',
  routes: 'board-routes',
  homes: 'board-homes',
  positions: 'board-positions',
  selected: 'board-selected',
  drag: 'board-drag',
} as const;

export const LAYERS = {
  routes: 'board-routes',
  homes: 'board-homes',
  clusters: 'board-job-clusters',
  clusterCount: 'board-job-cluster-count',
  pins: 'board-job-pins',
  selected: 'board-job-selected',
  positionsHalo: 'board-positions-halo',
  positions: 'board-positions',
  dragLine: 'board-drag-line',
  dragPoint: 'board-drag-point',
} as const;

/** Layers a queued job can be dropped on to assign it to that layer's technician. */
export const DROP_TARGET_LAYERS: readonly string[] = [LAYERS.positions, LAYERS.positionsHalo, LAYERS.homes, LAYERS.routes];

const SELECTED_RING = '#0b57d0';

/**
 * The style to give MapLibre: the configured URL when there is a usable one, else the offline
 * style over `basemap` (a URL to the generated GeoJSON, or the GeoJSON itself).
 */
export function boardMapStyle(options: { styleUrl?: string | null; basemap: string | Basemap }): string | StyleSpecification {
  const url = usableStyleUrl(options.styleUrl);
  return url ?? offlineStyle(options.basemap);
}

/** A configured style URL, trimmed, if it is http(s) or a same-origin path; null for unset, blank or anything else. */
export function usableStyleUrl(value: string | null | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  if (v.startsWith('/') && !v.startsWith('//')) return v;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? v : null;
  } catch {
    return null;
  }
}

const isLayer = (kind: string): ExpressionSpecification => ['==', ['get', 'layer'], kind];

export function offlineStyle(basemap: string | Basemap): StyleSpecification {
  return {
    version: 8,
    name: 'Switchboard offline',
    sources: {
      [SOURCES.basemap]: {
        type: 'geojson',
        data: basemap as GeoJSONSourceSpecification['data'],
        maxzoom: 10,
        tolerance: 0.5,
        attribution: BASEMAP_ATTRIBUTION,
      },
    },
    layers: [
      // Outside the US is blank, not water: the atlas has no other countries, and Mexico drawn as sea would be a lie.
      { id: 'background', type: 'background', paint: { 'background-color': '#e6e9ee' } },
      { id: 'land', type: 'fill', source: SOURCES.basemap, filter: isLayer('land'), paint: { 'fill-color': '#fbfaf6' } },
      {
        id: 'county-lines',
        type: 'line',
        source: SOURCES.basemap,
        filter: isLayer('county'),
        minzoom: 6,
        paint: { 'line-color': '#c3c9d2', 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.5, 12, 1.5] },
      },
      {
        id: 'state-lines',
        type: 'line',
        source: SOURCES.basemap,
        filter: isLayer('state'),
        paint: { 'line-color': '#8d97a5', 'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.75, 10, 2] },
      },
      {
        id: 'land-outline',
        type: 'line',
        source: SOURCES.basemap,
        filter: isLayer('land'),
        paint: { 'line-color': '#8aa1b8', 'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.75, 10, 2] },
      },
    ],
  };
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The board's sources, empty; the component fills them with `setData`. */
export function overlaySources(): Record<(typeof SOURCES)[Exclude<keyof typeof SOURCES, 'basemap'>], GeoJSONSourceSpecification> {
  return {
    [SOURCES.jobs]: {
      type: 'geojson',
      data: EMPTY,
      cluster: true,
      clusterMaxZoom: CLUSTER_MAX_ZOOM,
      clusterRadius: CLUSTER_RADIUS,
      // How many queued jobs a cluster holds, so a cluster hiding work to assign says so.
      clusterProperties: { queued: ['+', ['case', ['get', 'queued'], 1, 0]] },
    },
    [SOURCES.routes]: { type: 'geojson', data: EMPTY },
    [SOURCES.homes]: { type: 'geojson', data: EMPTY },
    [SOURCES.positions]: { type: 'geojson', data: EMPTY },
    [SOURCES.selected]: { type: 'geojson', data: EMPTY },
    [SOURCES.drag]: { type: 'geojson', data: EMPTY },
  };
}

const isCluster: ExpressionSpecification = ['has', 'point_count'];
const zoomed = (lo: number, hi: number): ExpressionSpecification => ['interpolate', ['linear'], ['zoom'], 8, lo, 15, hi];

/**
 * The board's layers, bottom to top. `countFont` is a font the basemap's glyph server has
 * (see `clusterCountFont`); without one clusters carry no text.
 */
export function overlayLayers(options: { countFont?: string[] | null } = {}): LayerSpecification[] {
  const layers: LayerSpecification[] = [
    // No white casing and no round joins: both multiply the pixels and triangles a long route
    // costs, and routes sit under the pins, which carry the outlines.
    {
      id: LAYERS.routes,
      type: 'line',
      source: SOURCES.routes,
      paint: { 'line-color': ['get', 'colour'], 'line-width': zoomed(2, 4), 'line-opacity': 0.85 },
    },
    {
      id: LAYERS.homes,
      type: 'circle',
      source: SOURCES.homes,
      paint: {
        'circle-radius': zoomed(3, 5),
        'circle-color': '#ffffff',
        'circle-stroke-color': ['get', 'colour'],
        'circle-stroke-width': 2,
      },
    },
    {
      id: LAYERS.clusters,
      type: 'circle',
      source: SOURCES.jobs,
      filter: isCluster,
      paint: {
        'circle-color': '#334155',
        'circle-opacity': 0.85,
        // Size says how many: the offline style has no glyphs for a number.
        'circle-radius': ['step', ['get', 'point_count'], 12, 10, 16, 100, 21, 1000, 27],
        // An amber ring: this cluster holds queued jobs.
        'circle-stroke-color': ['case', ['>', ['get', 'queued'], 0], '#f59e0b', '#ffffff'],
        'circle-stroke-width': ['case', ['>', ['get', 'queued'], 0], 3, 1.5],
      },
    },
    {
      id: LAYERS.pins,
      type: 'circle',
      source: SOURCES.jobs,
      filter: ['!', isCluster],
      paint: {
        'circle-color': ['get', 'colour'],
        'circle-radius': zoomed(5, 8),
        'circle-stroke-color': ['case', ['get', 'queued'], '#1f2937', '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'queued'], 2.5, 1.5],
        'circle-opacity': ['case', ['==', ['get', 'status'], 'cancelled'], 0.55, 1],
      },
    } satisfies CircleLayerSpecification,
    {
      id: LAYERS.selected,
      type: 'circle',
      source: SOURCES.selected,
      paint: {
        'circle-radius': zoomed(10, 14),
        'circle-color': SELECTED_RING,
        'circle-opacity': 0.12,
        'circle-stroke-color': SELECTED_RING,
        'circle-stroke-width': 3,
      },
    },
    {
      id: LAYERS.positionsHalo,
      type: 'circle',
      source: SOURCES.positions,
      paint: {
        'circle-radius': zoomed(10, 14),
        'circle-color': ['get', 'colour'],
        'circle-opacity': ['case', ['get', 'stale'], 0.08, 0.22],
      },
    },
    {
      id: LAYERS.positions,
      type: 'circle',
      source: SOURCES.positions,
      paint: {
        'circle-radius': zoomed(5, 7),
        'circle-color': ['get', 'colour'],
        'circle-opacity': ['case', ['get', 'stale'], 0.45, 1],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2.5,
        'circle-stroke-opacity': ['case', ['get', 'stale'], 0.6, 1],
      },
    },
    {
      id: LAYERS.dragLine,
      type: 'line',
      source: SOURCES.drag,
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': '#1f2937', 'line-width': 2, 'line-dasharray': [2, 2] },
    },
    {
      id: LAYERS.dragPoint,
      type: 'circle',
      source: SOURCES.drag,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 8,
        'circle-color': ['get', 'colour'],
        'circle-opacity': 0.8,
        'circle-stroke-color': '#1f2937',
        'circle-stroke-width': 2,
      },
    },
  ];
  if (options.countFont?.length) {
    const count: SymbolLayerSpecification = {
      id: LAYERS.clusterCount,
      type: 'symbol',
      source: SOURCES.jobs,
      filter: isCluster,
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': options.countFont,
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff' },
    };
    layers.splice(layers.findIndex((l) => l.id === LAYERS.clusters) + 1, 0, count);
  }
  return layers;
}

/**
 * A font the style's glyph server is known to serve: the first literal `text-font` of one of
 * its symbol layers. Null when the style has no glyphs or names no font literally.
 */
export function clusterCountFont(style: Pick<StyleSpecification, 'glyphs' | 'layers'> | null | undefined): string[] | null {
  if (!style?.glyphs) return null;
  for (const layer of style.layers ?? []) {
    if (layer.type !== 'symbol') continue;
    let font: unknown = layer.layout?.['text-font'];
    if (Array.isArray(font) && font[0] === 'literal') font = font[1];
    // A plain list of names; an expression starts with its operator (lower-case, like 'get' or 'step').
    if (Array.isArray(font) && font.length > 0 && font.every((f) => typeof f === 'string') && !/^[a-z-]+$/.test(font[0] as string)) {
      return font as string[];
    }
  }
  return null;
}
