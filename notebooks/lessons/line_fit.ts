/**
 * Least-squares straight lines with their per-sample losses: the tool behind Anscombe's quartet,
 * where four data sets share one fitted line and one mean loss but not their per-sample losses.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { meanSquaredError } from "../../lib/losses/mod.ts";
import { formatShape, shapeOf, type TensorInput, toTensor } from "../../lib/_core/tensor_input.ts";

/** A fitted line `y ≈ intercept + slope · x` and the squared error of every sample under it. */
export interface LineFit {
  /** The intercept of the least-squares line. */
  intercept: number;
  /** The slope of the least-squares line. */
  slope: number;
  /** Coefficient of determination R² = 1 − residual sum of squares / total sum of squares. */
  rSquared: number;
  /** Squared error of each sample, `(y − ŷ)²`, in input order: the per-sample array. */
  losses: number[];
  /** Mean of `losses`: the mean squared error, the single number a scalar loss reports. */
  meanLoss: number;
  /** Position of the sample with the largest loss. */
  worstIndex: number;
  /** Share of the total loss carried by that one sample, in `[0, 1]`. */
  worstShare: number;
}

function column(fn: string, arg: string, v: TensorInput): number[] {
  const shape = shapeOf(v, fn, arg);
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new RangeError(`${fn}: ${arg} has shape ${formatShape(shape)}, expected [n] or [n, 1]`);
  }
  const values = tf.tidy(() => Array.from(toTensor(v, fn, arg).dataSync()));
  values.forEach((value, i) => {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `${fn}: ${arg} has value ${value} at index ${i}, expected finite values`,
      );
    }
  });
  return values;
}

/**
 * Fits `y ≈ intercept + slope · x` by ordinary least squares (the closed form; a Keras
 * `Dense(1)` trained on mean squared error converges to the same line) and returns the
 * per-sample squared errors, computed with the kit's `meanSquaredError` (one value per sample),
 * beside their mean.
 *
 * `x` and `y` are `[n]` or `[n, 1]` tensors or arrays (read, not disposed), with `n ≥ 2` and
 * at least two distinct `x` values.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { fitLine } from "./line_fit.ts";
 * await setupBackend({ backend: "cpu" });
 * // Points (0, 1), (1, 2), (2, 9): slope 4, intercept 0; residuals 1, −2, 1 -> losses 1, 4, 1.
 * const fit = fitLine([0, 1, 2], [1, 2, 9]);
 * if (fit.slope !== 4 || fit.intercept !== 0 || fit.losses.join() !== "1,4,1") {
 *   throw new Error(`got ${fit.intercept} + ${fit.slope}x, ${fit.losses}`);
 * }
 * if (fit.meanLoss !== 2 || fit.worstIndex !== 1 || fit.worstShare !== 4 / 6) throw new Error("stats");
 * ```
 */
export function fitLine(x: TensorInput, y: TensorInput): LineFit {
  const fn = "fitLine";
  const xs = column(fn, "x", x), ys = column(fn, "y", y);
  if (xs.length !== ys.length) {
    throw new RangeError(
      `${fn}: x has ${xs.length} values but y has ${ys.length}; they must match`,
    );
  }
  if (xs.length < 2) throw new RangeError(`${fn}: x has ${xs.length} values, expected at least 2`);
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n, my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) {
    throw new RangeError(`${fn}: x is constant (${xs[0]}); a line needs two distinct x values`);
  }
  const slope = sxy / sxx, intercept = my - slope * mx;
  const yHat = xs.map((v) => [intercept + slope * v]);
  // Float32 like every tfjs loss, so these are the values a per-sample loss would report.
  const losses = tf.tidy(() => Array.from(meanSquaredError(ys.map((v) => [v]), yHat).dataSync()));
  const total = losses.reduce((s, v) => s + v, 0);
  let worstIndex = 0;
  for (let i = 1; i < n; i++) if (losses[i] > losses[worstIndex]) worstIndex = i;
  return {
    intercept,
    slope,
    rSquared: syy === 0 ? 1 : 1 - total / syy,
    losses,
    meanLoss: total / n,
    worstIndex,
    worstShare: total === 0 ? 0 : losses[worstIndex] / total,
  };
}
