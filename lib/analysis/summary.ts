/**
 * Per-sample loss analysis: the samples with the largest losses (fastai's `top_losses`) and the
 * summary statistics a single mean hides.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "../_core/tensor_input.ts";
import {
  assertAllFinite,
  assertFraction,
  assertKnownOptions,
  assertNumberIn,
  assertOptionalBoolean,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import { quantileSorted, topShareSorted } from "../_core/sorted_stats.ts";

/** Per-sample values: a plain or typed array, or a `[n]` tensor (read, not disposed). */
export type SampleValues = ArrayLike<number> | Tensor;

function values(fn: string, v: SampleValues): ArrayLike<number> {
  if (v instanceof tf.Tensor) {
    if (v.isDisposed) throw new TypeError(`${fn}: losses is a disposed tensor`);
    if (v.shape.length !== 1 && !(v.shape.length === 2 && v.shape[1] === 1)) {
      throw new RangeError(`${fn}: losses has shape [${v.shape.join(", ")}], expected [n]`);
    }
    return v.dataSync() as Float32Array;
  }
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new TypeError(`${fn}: losses is ${v}, expected an array, typed array or [n] tensor`);
  }
  return v;
}

function checked(fn: string, v: SampleValues): ArrayLike<number> {
  const a = values(fn, v);
  if (a.length === 0) throw new RangeError(`${fn}: losses is empty`);
  assertAllFinite(fn, "losses", a);
  return a;
}

/** One entry of {@linkcode topLosses}. */
export interface TopLoss<T> {
  /** Position of the sample in `losses`. */
  index: number;
  /** Its loss. */
  loss: number;
  /** `items[index]`, when items were given (e.g. the raw row, for a tooltip). */
  item?: T;
}

/** Options for {@linkcode topLosses}. */
export interface TopLossesOptions<T> {
  /** Items matching the losses (raw rows); each result carries its item. */
  items?: readonly T[];
  /** Return the smallest losses instead (fastai's `largest=False`); default `false`. */
  smallest?: boolean;
}

/**
 * The `k` samples with the largest losses, largest first (ties by lower index), as fastai's
 * `Interpretation.top_losses` does, with the sample's item attached when `items` is given.
 *
 * @example
 * ```ts
 * import { topLosses } from "./summary.ts";
 * const top = topLosses([0.1, 2.5, 0.3, 1.2], 2, { items: ["a", "b", "c", "d"] });
 * if (top.map((t) => t.item).join() !== "b,d") throw new Error("unexpected");
 * ```
 */
export function topLosses<T = unknown>(
  losses: SampleValues,
  k: number,
  options: TopLossesOptions<T> = {},
): TopLoss<T>[] {
  const fn = "topLosses";
  assertKnownOptions(fn, options, ["items", "smallest"]);
  assertOptionalBoolean(fn, "options.smallest", options.smallest);
  const a = checked(fn, losses);
  assertPositiveInteger(fn, "k", k);
  if (options.items !== undefined && options.items.length !== a.length) {
    throw new RangeError(
      `${fn}: items has ${options.items.length} entries, expected one per loss (${a.length})`,
    );
  }
  const sign = options.smallest ? -1 : 1;
  const order = Array.from({ length: a.length }, (_, i) => i)
    .sort((i, j) => sign * (a[j] - a[i]) || i - j)
    .slice(0, k);
  return order.map((index) =>
    options.items
      ? { index, loss: a[index], item: options.items[index] }
      : { index, loss: a[index] }
  );
}

/** What {@linkcode lossSummary} returns. */
export interface LossSummary {
  /** Number of samples. */
  count: number;
  /** Mean loss: what a scalar loss reports. */
  mean: number;
  /** Median loss. */
  median: number;
  /** Population standard deviation. */
  std: number;
  /** Smallest loss. */
  min: number;
  /** Largest loss. */
  max: number;
  /** Quantile → value, for each requested quantile (linear interpolation, NumPy's default). */
  quantiles: Record<string, number>;
  /**
   * Top fraction `f` → share of the total loss carried by the largest losses: the fewest samples
   * that make up at least a fraction `f` of the batch, `max(1, ⌈n·f⌉)` of them (32 of 314 for
   * `f = 0.1`), the count the charts' "top 10 %" uses too.
   */
  topShare: Record<string, number>;
}

/** Options for {@linkcode lossSummary}. */
export interface LossSummaryOptions {
  /** Quantiles in `[0, 1]`; default `[0.1, 0.25, 0.5, 0.75, 0.9, 0.99]`. */
  quantiles?: readonly number[];
  /** Fractions in `(0, 1]` for the top-share; default `[0.01, 0.05, 0.1]`. */
  topFractions?: readonly number[];
}

/**
 * Summary statistics of per-sample losses: mean (what a scalar loss shows), median, std, min,
 * max, quantiles (NumPy's linear interpolation), and the share of the total loss carried by the
 * top fraction `f` of samples — a few samples often carry most of the loss. "The top fraction `f`"
 * is the fewest samples that make up at least a fraction `f` of the batch, `max(1, ⌈n·f⌉)`
 * samples (32 of 314 for `f = 0.1`), as in the charts' subtitles.
 *
 * @example
 * ```ts
 * import { lossSummary } from "./summary.ts";
 * const s = lossSummary([1, 1, 1, 1, 1, 1, 1, 1, 1, 91], { topFractions: [0.1] });
 * // the top 10 % (one sample, loss 91) carries 91 of the total 100
 * if (s.mean !== 10 || s.median !== 1 || s.topShare["0.1"] !== 0.91) throw new Error("unexpected");
 * ```
 */
export function lossSummary(losses: SampleValues, options: LossSummaryOptions = {}): LossSummary {
  const fn = "lossSummary";
  assertKnownOptions(fn, options, ["quantiles", "topFractions"]);
  for (const key of ["quantiles", "topFractions"] as const) {
    if (options[key] !== undefined && !Array.isArray(options[key])) {
      throw new TypeError(
        `${fn}: options.${key} is ${describeValue(options[key])}, expected an array of numbers`,
      );
    }
  }
  const a = checked(fn, losses);
  const n = a.length;
  const sorted = Float64Array.from(a).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (sorted[i] - mean) ** 2;
  const quantiles: Record<string, number> = {};
  (options.quantiles ?? [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]).forEach((q, j) => {
    assertNumberIn(fn, `options.quantiles[${j}]`, q, { min: 0, max: 1 });
    quantiles[String(q)] = quantileSorted(sorted, q);
  });
  const topShare: Record<string, number> = {};
  const topFractions = options.topFractions ?? [0.01, 0.05, 0.1];
  // A share of the total means nothing once a loss is negative (the total can be 0 or below it).
  if (topFractions.length > 0 && sorted[0] < 0) {
    throw new RangeError(
      `${fn}: losses has ${sorted[0]} as its smallest value, expected losses >= 0 for ` +
        "topShare (a share of the total); pass options.topFractions: [] to summarise signed values",
    );
  }
  topFractions.forEach((f, j) => {
    assertFraction(fn, `options.topFractions[${j}]`, f, "min");
    topShare[String(f)] = topShareSorted(sorted, f);
  });
  return {
    count: n,
    mean,
    median: quantileSorted(sorted, 0.5),
    std: Math.sqrt(sq / n),
    min: sorted[0],
    max: sorted[n - 1],
    quantiles,
    topShare,
  };
}
