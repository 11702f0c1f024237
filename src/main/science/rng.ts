// Seeded randomness (SCIENCE.md §6). Every random draw in Ticket Lab comes from a stream derived from
// (seed, purpose, round, layer), so adding a draw in one place never shifts any other stream.
// Backed by pure-rand's xoroshiro128+; never Math.random, never tfjs initialisers.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export type StreamPurpose =
  | 'weight_init'
  | 'validation_split'
  | 'data_order'
  | 'tie_break'
  | 'mask1'
  | 'mask_sample';

export const STREAM_PURPOSES: readonly StreamPurpose[] = [
  'weight_init',
  'validation_split',
  'data_order',
  'tie_break',
  'mask1',
  'mask_sample',
];

/** A mutable seeded stream. */
export interface Rng {
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box–Muller, both values used). */
  normal(): number;
}

/** 32-bit hash (FNV-1a followed by murmur3's finaliser) of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** The stream for one purpose. `layer` may be a layer index or name. */
export function stream(seed: number, purpose: StreamPurpose, round = 0, layer: number | string = 0): Rng {
  const gen = xoroshiro128plus(hash32(`ticketlab/${seed}/${purpose}/${round}/${layer}`));
  let spare: number | null = null;
  return {
    float: () => uniformFloat64(gen),
    int: (n: number) => uniformInt(gen, 0, n - 1),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniformFloat64(gen);
      const v = uniformFloat64(gen);
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** A random permutation of 0..n-1 as Int32Array. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rng);
}
