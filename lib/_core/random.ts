/**
 * A small seeded pseudo-random generator (mulberry32), so data splits, label flips and layouts
 * repeat exactly for a seed.
 *
 * @module
 */
import { assertSeed } from "./checks.ts";

/**
 * A small, fast, seedable PRNG (mulberry32) returning numbers in [0, 1).
 *
 * @example
 * ```ts
 * import { seededRandom } from "./random.ts";
 * const a = seededRandom(7), b = seededRandom(7);
 * if (a() !== b()) throw new Error("same seed, same stream");
 * ```
 */
export function seededRandom(seed: number): () => number {
  assertSeed("seededRandom", "seed", seed);
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
