/**
 * The median and interquartile range of repeated measurements, the summary losslab reports for
 * timings.
 *
 * @module
 */
import { quantileSorted } from "../_core/sorted_stats.ts";
import { assertAllFinite, describeValue } from "../_core/checks.ts";

/** A median with its interquartile range: the middle half of the repeats lies in `[q1, q3]`. */
export interface Spread {
  /** The median. */
  median: number;
  /** The first quartile (25 %). */
  q1: number;
  /** The third quartile (75 %). */
  q3: number;
}

/**
 * Median and interquartile range of `values` (NumPy's default interpolation).
 *
 * @example
 * ```ts
 * import { spread } from "./spread.ts";
 * const s = spread([4, 1, 3, 2, 5]);
 * if (s.median !== 3 || s.q1 !== 2 || s.q3 !== 4) throw new Error(JSON.stringify(s));
 * ```
 */
export function spread(values: readonly number[]): Spread {
  if (!Array.isArray(values) || values.length === 0) {
    throw new RangeError(`spread: values has ${values?.length ?? 0} entries, expected at least 1`);
  }
  const bad = values.findIndex((v) => typeof v !== "number");
  if (bad >= 0) {
    throw new TypeError(
      `spread: values[${bad}] is ${describeValue(values[bad])}, expected a number`,
    );
  }
  assertAllFinite("spread", "values", values);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantileSorted(sorted, 0.5),
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
  };
}
