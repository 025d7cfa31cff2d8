/**
 * Value checks shared by the pointwise losses (probabilistic, regression, margin). Plain arrays are
 * checked on the host before any tensor is made: every value finite, and inside the loss's domain
 * where it has one. Tensors, which is what a loss sees inside a training step, are checked only
 * when they have a domain (then also for NaN and ±Infinity), from a few reduced scalars with one
 * read-back; other tensors' non-finite values are left to propagate to the per-sample loss, where
 * `train` names the sample (a read-back per step for that alone would slow every step down).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue } from "../_core/checks.ts";
import { shapeOf, type TensorInput } from "../_core/tensor_input.ts";

/** Allowed values of a loss input, and how the error message states them. */
export interface Domain {
  /** Smallest allowed value (`-Infinity` for none). */
  min: number;
  /** Largest allowed value (`Infinity` for none). */
  max: number;
  /** The expectation, e.g. `"a number in [0, 1] (probabilities)"`. */
  expected: string;
}

/** One input of a loss to check. */
export interface InputCheck {
  /** Its name in messages: `"yTrue"`, `"yPred"`, `"options.sampleWeight"`. */
  arg: string;
  /** The value as passed in. */
  value: TensorInput;
  /** Values allowed; absent means any finite number (arrays) or anything (tensors). */
  domain?: Domain;
  /** Every row along the last axis must have a positive sum (a distribution to normalise). */
  positiveRows?: boolean;
  /**
   * Check a tensor for NaN and ±Infinity too, for a loss that would otherwise turn them into a
   * finite number (by clipping) that no later check could catch. (A tensor with a domain is
   * checked for them anyway.)
   */
  finite?: boolean;
}

/** `[1][2]`: the position of flat index `i` in an array of `shape`. */
export function position(shape: readonly number[], i: number): string {
  const parts: number[] = new Array(shape.length);
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    parts[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return parts.map((p) => `[${p}]`).join("");
}

/**
 * Throws a RangeError unless every value is finite as a float32, the type the tensors hold:
 * `1e39` becomes Infinity there just as surely as Infinity itself. The message gives the count
 * and the first three positions with the values as passed.
 */
export function assertFiniteFloat32(
  fn: string,
  arg: string,
  values: ArrayLike<number>,
  at: (i: number) => string = String,
): void {
  let count = 0;
  const first: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(Math.fround(v))) continue;
    count++;
    if (first.length < 3) first.push(`${at(i)} (${describeValue(v)})`);
  }
  if (count > 0) {
    throw new RangeError(
      `${fn}: ${arg} has ${count} non-finite ${count === 1 ? "value" : "values"}, first at ${
        first.join(", ")
      }, expected finite numbers (as float32, magnitude below 3.4e38)`,
    );
  }
}

/**
 * The host-side checks of one input's flat values (in row-major order), on the float32 values the
 * loss will compute with: a subnormal double is 0 there, so a row of them has no positive sum.
 */
function checkFlat(
  fn: string,
  check: InputCheck,
  shape: readonly number[],
  flat: ArrayLike<number>,
): void {
  const { arg, domain } = check;
  assertFiniteFloat32(fn, arg, flat, (i) => position(shape, i));
  if (domain) {
    for (let i = 0; i < flat.length; i++) {
      const x = Math.fround(flat[i]);
      if (!(x >= domain.min && x <= domain.max)) {
        throw new RangeError(
          `${fn}: ${arg}${position(shape, i)} is ${
            describeValue(flat[i])
          }, expected ${domain.expected}`,
        );
      }
    }
  }
  if (check.positiveRows) {
    const k = shape[shape.length - 1];
    for (let start = 0; start < flat.length; start += k) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.fround(flat[start + j]);
      if (sum > 0) continue;
      const row = Array.from({ length: k }, (_, j) => flat[start + j]);
      throw new RangeError(
        `${fn}: ${arg}${position(shape.slice(0, -1), start / k)} is ${describeValue(row)}, ` +
          "expected probabilities with a positive sum (a row of zeros cannot be normalised)",
      );
    }
  }
}

/**
 * Checks the inputs of a pointwise loss; throws a RangeError naming `fn`, the argument and the
 * position (`yPred[0][2] is 1.5, expected …`). Arrays: all values. Tensors: the domain and rows
 * only, with one read-back for all of them, and only when some input has a domain.
 */
export function checkInputs(fn: string, checks: readonly InputCheck[]): void {
  const onBackend: InputCheck[] = [];
  for (const check of checks) {
    const { value } = check;
    if (value instanceof tf.Tensor) {
      if (value.isDisposed) throw new TypeError(`${fn}: ${check.arg} is a disposed tensor`);
      if (value.dtype === "string" || value.dtype === "complex64") {
        throw new TypeError(
          `${fn}: ${check.arg} has dtype ${value.dtype}, expected a numeric tensor`,
        );
      }
      if (check.domain || check.positiveRows || check.finite) onBackend.push(check);
      continue;
    }
    const shape = shapeOf(check.value, fn, check.arg);
    const flat = typeof check.value === "number"
      ? [check.value]
      : (check.value as unknown[]).flat(Infinity) as number[];
    checkFlat(fn, check, shape, flat);
  }
  if (onBackend.length === 0) return;
  // A few scalars per tensor, one read-back for all: min and max (tfjs propagates NaN through
  // both, and ±Infinity shows in one of them) and the smallest row sum. Only a tensor whose
  // scalars look wrong is read in full, to name the first offending value.
  const stats = tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (const check of onBackend) {
      const x = check.value as tf.Tensor;
      parts.push(tf.min(x), tf.max(x));
      if (check.positiveRows) parts.push(tf.min(tf.sum(x, -1)));
    }
    return tf.stack(parts.map((t) => tf.cast(t, "float32")));
  });
  const values = stats.dataSync();
  stats.dispose();
  let at = 0;
  for (const check of onBackend) {
    const lo = values[at++], hi = values[at++];
    let suspect = !(Number.isFinite(lo) && Number.isFinite(hi));
    if (check.domain) suspect ||= !(lo >= check.domain.min && hi <= check.domain.max);
    if (check.positiveRows) suspect ||= !(values[at++] > 0);
    if (!suspect) continue;
    const t = check.value as tf.Tensor;
    checkFlat(fn, check, t.shape, t.dataSync() as ArrayLike<number>);
  }
}
