/**
 * Statistics read off values sorted ascending: a quantile and the share of the total carried by
 * the largest values. Written once so the charts, `lossSummary` and the timing summaries agree to
 * the last digit.
 *
 * @module
 */

/**
 * The `q` quantile (`q` in `[0, 1]`) of values sorted ascending, linearly interpolated between
 * order statistics: NumPy's default (`np.quantile(..., method="linear")`, Hyndman & Fan type 7).
 * The caller sorts and checks; an empty array gives `NaN`.
 *
 * @example
 * ```ts
 * import { quantileSorted } from "./sorted_stats.ts";
 * // np.quantile([1, 2, 3, 4], [0.5, 0.25]) = [2.5, 1.75]
 * if (quantileSorted([1, 2, 3, 4], 0.5) !== 2.5) throw new Error("median");
 * if (quantileSorted([1, 2, 3, 4], 0.25) !== 1.75) throw new Error("first quartile");
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * How many samples "the top fraction `f` of `n` samples" is: the fewest samples that make up at
 * least a fraction `f` of the batch, `k = max(1, ⌈n·f⌉)`. At `n = 314`, `f = 0.1` that is 32
 * samples (31 would be 9.9 %). `k` is worked out so that `k / n >= f` and `(k − 1) / n < f` hold
 * in floating point, so a fraction such as `0.07` of 100 samples is 7 samples, not the 8 that
 * `Math.ceil(100 * 0.07)` (`Math.ceil(7.000000000000001)`) would give. `f` in `(0, 1]`, `n >= 1`;
 * the caller checks.
 *
 * @example
 * ```ts
 * import { topCount } from "./sorted_stats.ts";
 * if (topCount(314, 0.1) !== 32) throw new Error("31.4 samples round up to 32");
 * if (topCount(100, 0.07) !== 7) throw new Error("7 % of 100 is 7 samples");
 * if (topCount(4, 0.1) !== 1) throw new Error("at least one sample");
 * ```
 */
export function topCount(n: number, f: number): number {
  let k = Math.ceil(n * f);
  if (k / n < f) k++;
  while (k > 1 && (k - 1) / n >= f) k--;
  return Math.max(1, Math.min(n, k));
}

/**
 * The share (0..1) of the total carried by the top fraction `f` of values sorted ascending: the
 * sum of the largest {@linkcode topCount}`(n, f)` values (the fewest samples that make up at least
 * a fraction `f` of the batch) over the sum of all values; `0` when the total is `0`. Values are
 * expected non-negative (losses).
 *
 * @example
 * ```ts
 * import { topShareSorted } from "./sorted_stats.ts";
 * // 10 samples, top 10 % = 1 sample: 91 of a total 100
 * if (topShareSorted([1, 1, 1, 1, 1, 1, 1, 1, 1, 91], 0.1) !== 0.91) throw new Error("share");
 * ```
 */
export function topShareSorted(sorted: ArrayLike<number>, f: number): number {
  const n = sorted.length;
  const k = topCount(n, f);
  let total = 0, top = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i];
    if (i >= n - k) top += sorted[i];
  }
  return total === 0 ? 0 : top / total;
}
