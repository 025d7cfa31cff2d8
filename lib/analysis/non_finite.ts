/**
 * Debugging with the per-sample array: which samples make the batch loss NaN or infinite. A
 * scalar loss can only say that the batch is broken; the array says where.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type TensorInput, toTensor } from "../_core/tensor_input.ts";

/**
 * The indices of the NaN and ±Infinity entries of `values` (per-sample losses as a tensor, an
 * array or a typed array; nested arrays and tensors are read in row-major order), in increasing
 * order; `[]` when all are finite.
 *
 * @example
 * ```ts
 * import { findNonFinite } from "./non_finite.ts";
 * const bad = findNonFinite([0.5, NaN, 2, Infinity]);
 * if (bad.join() !== "1,3") throw new Error(`got ${bad}`);
 * ```
 */
export function findNonFinite(values: TensorInput | ArrayLike<number>): number[] {
  const data: ArrayLike<number> = ArrayBuffer.isView(values)
    ? values as unknown as ArrayLike<number>
    : tf.tidy(() => toTensor(values as TensorInput, "findNonFinite", "values").dataSync());
  const bad: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) bad.push(i);
  }
  return bad;
}
