/**
 * Robust aggregations that need the per-sample array: a trimmed mean (drop the largest losses)
 * and the average of the top k, with gradient flowing only through the kept samples.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertFraction,
  assertIntegerIn,
  assertOneOf,
  assertPositiveInteger,
} from "../_core/checks.ts";
import { formatShape, type Tensor, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import type { ReduceFunction } from "./reduce.ts";

/** Which samples a robust aggregation keeps. */
export type RobustOptions =
  | { method: "trimmed_mean"; trim: number }
  | { method: "top_k"; k: number };

const METHODS: readonly RobustOptions["method"][] = ["trimmed_mean", "top_k"];

/**
 * Which samples a robust aggregation keeps (1) and drops (0), chosen on the values alone:
 * `"trimmed_mean"` drops the `floor(trim · n)` largest values (`trim` in `[0, 1)`); `"top_k"`
 * keeps the `k` largest. Ties go to the lower index. This is the data for a "which samples got
 * gradient" chart.
 *
 * @example
 * ```ts
 * import { keptMask } from "./robust.ts";
 * const m = keptMask([0.2, 5, 0.1, 0.3], { method: "trimmed_mean", trim: 0.25 });
 * if (m.join() !== "1,0,1,1") throw new Error(`got ${m}`);
 * ```
 */
export function keptMask(values: TensorInput, options: RobustOptions): Uint8Array {
  const fn = "keptMask";
  const v = readValues(fn, values);
  const n = v.length;
  assertOneOf(fn, "method", (options as { method?: unknown } | undefined)?.method, METHODS);
  let keep: number, largest: boolean;
  if (options.method === "trimmed_mean") {
    assertFraction(fn, "trim", options.trim, "max");
    keep = n - Math.floor(options.trim * n);
    largest = false;
  } else {
    assertIntegerIn(fn, "k", options.k, { min: 1, max: n });
    keep = options.k;
    largest = true;
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((i, j) => (largest ? v[j] - v[i] : v[i] - v[j]) || i - j);
  const mask = new Uint8Array(n);
  for (let r = 0; r < keep; r++) mask[order[r]] = 1;
  return mask;
}

function readValues(fn: string, values: TensorInput): Float32Array {
  const t = tf.tidy(() => toTensor(values, fn, "values").clone());
  try {
    if (t.shape.length !== 1 || t.shape[0] === 0) {
      throw new RangeError(
        `${fn}: values has shape ${formatShape(t.shape)}, expected [n] with n > 0`,
      );
    }
    const v = t.dataSync() as Float32Array;
    const bad = v.findIndex((x) => Number.isNaN(x));
    if (bad >= 0) throw new RangeError(`${fn}: values has NaN at index ${bad}`);
    return v;
  } finally {
    t.dispose();
  }
}

/**
 * The robust mean of per-sample losses `[n]`: `Σ maskᵢ ℓᵢ / Σ maskᵢ` with the mask of
 * {@linkcode keptMask}. The mask is chosen on detached values (read from the tensor), because
 * tfjs's `topk` has no gradient; it then multiplies the losses, so the gradient is
 * `maskᵢ / Σ mask` for each loss: dropped samples get none.
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
  const mask = keptMask(values, options);
  let kept = 0;
  for (const m of mask) kept += m;
  return tf.tidy(() => {
    const v = toTensor(values, "robustMean", "values");
    return tf.div(tf.sum(tf.mul(v, tf.tensor1d(mask, "float32"))), kept);
  });
}

/**
 * A `reduction` for `train` that drops the largest `trim` fraction of each batch's (weighted)
 * losses and averages the rest — robust to outliers and noisy labels.
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
  const trim = options?.trim;
  assertFraction("trimmedMean", "trim", trim, "max");
  const o: RobustOptions = { method: "trimmed_mean", trim };
  return (values, sampleWeight) =>
    tf.tidy(() => robustMean(sampleWeight ? tf.mul(values, sampleWeight) : values, o));
}

/**
 * A `reduction` for `train` that averages only the `k` largest (weighted) losses of each batch
 * (at most the batch size) — "average top-k" training that focuses on the hardest samples.
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
  const k = options?.k;
  assertPositiveInteger("topKMean", "k", k);
  return (values, sampleWeight) =>
    tf.tidy(() =>
      robustMean(sampleWeight ? tf.mul(values, sampleWeight) : values, {
        method: "top_k",
        k: Math.min(k, values.shape[0]),
      })
    );
}
