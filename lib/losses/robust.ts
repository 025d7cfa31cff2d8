/**
 * Robust aggregations that need the per-sample array: a trimmed mean (drop the largest losses)
 * and the average of the top k, with gradient flowing only through the kept samples.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertFiniteFloat32 } from "./_pointwise.ts";
import {
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertOneOf,
  assertPositiveInteger,
} from "../_core/checks.ts";
import {
  flatValues,
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import type { ReduceFunction } from "./reduce.ts";

/** Which samples a robust aggregation keeps. */
export type RobustOptions =
  | { method: "trimmed_mean"; trim: number }
  | { method: "top_k"; k: number };

const METHODS: readonly RobustOptions["method"][] = ["trimmed_mean", "top_k"];
const METHOD_KEYS = { trimmed_mean: ["method", "trim"], top_k: ["method", "k"] } as const;

/**
 * Which samples a robust aggregation keeps (1) and drops (0), chosen on the values alone:
 * `"trimmed_mean"` drops the `floor(trim · n)` largest values (`trim` in `[0, 1)`); `"top_k"`
 * keeps the `k` largest. Ties go to the lower index. This is the data for a "which samples got
 * gradient" chart.
 *
 * `values` must be `[n]`, n > 0, all finite (an infinite loss would be kept or dropped by its
 * sign alone, and then poison the mean); `options` must hold exactly the keys of its method.
 *
 * @example
 * ```ts
 * import { keptMask } from "./robust.ts";
 * const m = keptMask([0.2, 5, 0.1, 0.3], { method: "trimmed_mean", trim: 0.25 });
 * if (m.join() !== "1,0,1,1") throw new Error(`got ${m}`);
 * ```
 */
export function keptMask(values: TensorInput, options: RobustOptions): Uint8Array {
  return maskOf("keptMask", values, options);
}

/** {@linkcode keptMask}, with errors naming `fn`. */
function maskOf(fn: string, values: TensorInput, options: RobustOptions): Uint8Array {
  assertKnownOptions(fn, options, ["method", "trim", "k"]);
  if (options === undefined) {
    throw new TypeError(
      `${fn}: options is undefined, expected { method: "trimmed_mean", trim } or ` +
        `{ method: "top_k", k }`,
    );
  }
  assertOneOf(fn, "options.method", options.method, METHODS);
  assertKnownOptions(fn, options, METHOD_KEYS[options.method]);
  if (options.method === "trimmed_mean") assertFraction(fn, "options.trim", options.trim, "max");
  else assertPositiveInteger(fn, "options.k", options.k);
  const v = readValues(fn, values);
  const n = v.length;
  let keep: number, largest: boolean;
  if (options.method === "trimmed_mean") {
    keep = n - Math.floor(options.trim * n);
    largest = false;
  } else {
    assertIntegerIn(fn, "options.k", options.k, { min: 1, max: n }, `(values has ${n})`);
    keep = options.k;
    largest = true;
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((i, j) => (largest ? v[j] - v[i] : v[i] - v[j]) || i - j);
  const mask = new Uint8Array(n);
  for (let r = 0; r < keep; r++) mask[order[r]] = 1;
  return mask;
}

/** The values of a non-empty `[n]` input, all finite, read without making a tensor. */
function readValues(fn: string, values: TensorInput): ArrayLike<number> {
  const shape = shapeOf(values, fn, "values");
  if (shape.length !== 1 || shape[0] === 0) {
    throw new RangeError(`${fn}: values has shape ${formatShape(shape)}, expected [n] with n > 0`);
  }
  if (values instanceof tf.Tensor && values.dtype === "string") {
    throw new TypeError(`${fn}: values has dtype string, expected a numeric tensor`);
  }
  const v = flatValues(values);
  assertFiniteFloat32(fn, "values", v);
  return v;
}

/**
 * The robust mean of per-sample losses `[n]`: `Σ maskᵢ ℓᵢ / Σ maskᵢ` with the mask of
 * {@linkcode keptMask} (and its checks). The mask is chosen on detached values (read from the
 * tensor), because tfjs's `topk` has no gradient; it then multiplies the losses, so the gradient
 * is `maskᵢ / Σ mask` for each loss: dropped samples get none.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { robustMean } from "./robust.ts";
 * const g = tf.grad((v) => robustMean(v, { method: "top_k", k: 2 }))(tf.tensor1d([1, 4, 3]));
 * // the two largest (4 and 3) share the gradient: [0, 0.5, 0.5]
 * if (Array.from(g.dataSync()).join() !== "0,0.5,0.5") throw new Error("unexpected");
 * g.dispose();
 * ```
 */
export function robustMean(values: TensorInput, options: RobustOptions): Tensor {
  return robustMeanOf("robustMean", values, options);
}

/** {@linkcode robustMean}, with errors naming `fn`. */
function robustMeanOf(fn: string, values: TensorInput, options: RobustOptions): Tensor {
  const mask = maskOf(fn, values, options);
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i];
  return tf.tidy(() => {
    const v = toTensor(values, fn, "values");
    return tf.div(tf.sum(tf.mul(v, tf.tensor1d(mask, "float32"))), kept);
  });
}

/**
 * The reduction function behind {@linkcode trimmedMean} and {@linkcode topKMean}: checks the
 * batch's losses (`[batch]`) and weights (`[batch]` or `[batch, 1]`, finite, >= 0) on the host,
 * as the mask needs the values there anyway, then takes the robust mean of the weighted losses.
 */
function robustReduction(
  fn: string,
  robust: (n: number) => RobustOptions,
): ReduceFunction {
  return (values, sampleWeight) => {
    const n = readValues(fn, values).length;
    if (sampleWeight !== null && sampleWeight !== undefined) {
      const ws = shapeOf(sampleWeight, fn, "sampleWeight");
      if (!(ws[0] === n && (ws.length === 1 || (ws.length === 2 && ws[1] === 1)))) {
        throw new RangeError(
          `${fn}: sampleWeight has shape ${formatShape(ws)}, expected [${n}] or [${n}, 1] ` +
            "(one weight per loss value)",
        );
      }
      const w = flatValues(sampleWeight);
      assertFiniteFloat32(fn, "sampleWeight", w);
      for (let i = 0; i < w.length; i++) {
        if (w[i] < 0) {
          throw new RangeError(`${fn}: sampleWeight[${i}] is ${w[i]}, expected a weight >= 0`);
        }
      }
    }
    return tf.tidy(() => {
      const weighted = sampleWeight
        ? tf.mul(
          toTensor(values, fn, "values"),
          toTensor(sampleWeight, fn, "sampleWeight").reshape([n]),
        )
        : values;
      return robustMeanOf(fn, weighted, robust(n));
    });
  };
}

/**
 * A `reduction` for `train` that drops the largest `trim` fraction of each batch's (weighted)
 * losses and averages the rest — robust to outliers and noisy labels. The function it returns
 * takes `[batch]` losses and `[batch]` weights (or `null`) and refuses non-finite values.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { trimmedMean } from "./robust.ts";
 * const loss = trimmedMean({ trim: 0.5 })(tf.tensor1d([1, 100, 3, 50]), null); // keeps 1 and 3
 * if (loss.dataSync()[0] !== 2) throw new Error("unexpected");
 * ```
 */
export function trimmedMean(options: { trim: number }): ReduceFunction {
  const fn = "trimmedMean";
  assertKnownOptions(fn, options, ["trim"]);
  const trim = options?.trim;
  assertFraction(fn, "options.trim", trim, "max");
  return robustReduction(fn, () => ({ method: "trimmed_mean", trim }));
}

/**
 * A `reduction` for `train` that averages only the `k` largest (weighted) losses of each batch
 * (at most the batch size) — "average top-k" training that focuses on the hardest samples. The
 * function it returns takes `[batch]` losses and `[batch]` weights (or `null`) and refuses
 * non-finite values.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { topKMean } from "./robust.ts";
 * const loss = topKMean({ k: 2 })(tf.tensor1d([1, 100, 3, 50]), null); // (100 + 50) / 2
 * if (loss.dataSync()[0] !== 75) throw new Error("unexpected");
 * ```
 */
export function topKMean(options: { k: number }): ReduceFunction {
  const fn = "topKMean";
  assertKnownOptions(fn, options, ["k"]);
  const k = options?.k;
  assertPositiveInteger(fn, "options.k", k);
  return robustReduction(fn, (n) => ({ method: "top_k", k: Math.min(k, n) }));
}
