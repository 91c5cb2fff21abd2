/**
 * A small seeded PRNG (mulberry32) and the draws the demo generator needs. Each part of the
 * generator takes its own stream, named by a label, so adding a customer does not reshuffle
 * every job and technician after it.
 */

export interface Rng {
  /** [0, 1) */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(options: readonly (readonly [T, number])[]): T;
  /** `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[];
  /** A version-4-shaped UUID drawn from the stream (so ids repeat with the seed). */
  uuid(): string;
}

/** Mulberry32: small, fast, good enough for demo data and benchmark workloads. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the label mixed with the seed: a distinct, stable stream per label. */
function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Two hex digits per byte, looked up: the demo draws a uuid for each of some hundred thousand rows. */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex4 = (n: number) => BYTE_HEX[n >> 8]! + BYTE_HEX[n & 0xff]!;

export function rngFor(seed: number, label: string): Rng {
  const next = mulberry32(streamSeed(seed, label));
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const rng: Rng = {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (!items.length) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (options) => {
      const total = options.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of options) {
        r -= w;
        if (r < 0) return value;
      }
      return options[options.length - 1]![0];
    },
    sample: (items, n) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, n);
    },
    uuid: () => {
      const w = () => Math.floor(next() * 0x10000);
      const variant = 0x8000 | (w() & 0x3fff);
      return `${hex4(w())}${hex4(w())}-${hex4(w())}-4${hex4(w() & 0xfff).slice(1)}-${hex4(variant)}-${hex4(w())}${hex4(w())}${hex4(w())}`;
    },
  };
  return rng;
}
