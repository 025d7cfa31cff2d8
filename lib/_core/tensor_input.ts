/**
 * Shared input handling for losslab's tensor functions: accept a `tf.Tensor` or nested number
 * arrays, and check shapes and values with errors that name the function, the argument and the
 * offending shape or value (deno std style).
 *
 * These helpers are for library code; they are exported from `mod.ts` only as types
 * ({@linkcode TensorInput}, {@linkcode NestedNumbers}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A tfjs tensor (`tf.Tensor` from `@tensorflow/tfjs`). Re-declared here so losslab's documented
 * signatures can name it: `deno doc --lint` rejects references to types of an npm package.
 */
export type Tensor = tf.Tensor;

/** A rank-1 tfjs tensor (`tf.Tensor1D`). */
export type Tensor1D = tf.Tensor1D;

/** A number or an arbitrarily nested array of numbers, e.g. `[[0, 1], [1, 0]]`. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** What losslab's tensor functions accept: a `tf.Tensor` or a (nested) number array. */
export type TensorInput = Tensor | NestedNumbers;

/** Formats a shape the way error messages show it: `[3, 4]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * The shape of a tensor or nested array, without creating a tensor. Throws a TypeError naming
 * `fn` and `arg` for ragged arrays or non-numbers.
 *
 * @example
 * ```ts
 * import { shapeOf } from "./tensor_input.ts";
 * const s = shapeOf([[1, 2, 3], [4, 5, 6]], "demo", "x");
 * if (s.join() !== "2,3") throw new Error(`got ${s}`);
 * ```
 */
export function shapeOf(value: TensorInput, fn: string, arg: string): number[] {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new TypeError(`${fn}: ${arg} is a disposed tensor`);
    return value.shape.slice();
  }
  return nestedShape(value, fn, arg, "");
}

function nestedShape(value: unknown, fn: string, arg: string, path: string): number[] {
  if (typeof value === "number") return [];
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${fn}: ${arg}${path} is ${
        describe(value)
      }, expected a tf.Tensor, a number or nested number arrays`,
    );
  }
  if (value.length === 0) return [0];
  const first = nestedShape(value[0], fn, arg, `${path}[0]`);
  for (let i = 1; i < value.length; i++) {
    const s = nestedShape(value[i], fn, arg, `${path}[${i}]`);
    if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
      throw new TypeError(
        `${fn}: ${arg} is ragged: ${arg}${path}[${i}] has shape ${formatShape(s)}, ` +
          `but ${arg}${path}[0] has shape ${formatShape(first)}`,
      );
    }
  }
  return [value.length, ...first];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string "${value}"`;
  return typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : `${value}`;
}

/**
 * Converts `value` to a float32 (or int32) tensor. A tensor passed in is returned as is when the
 * dtype already matches (so the caller must not dispose it), otherwise a new tensor is made; call
 * it inside `tf.tidy` so new tensors are cleaned up.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { toTensor } from "./tensor_input.ts";
 * const t = tf.tidy(() => toTensor([[1, 2]], "demo", "x").mul(2));
 * if (t.shape.join() !== "1,2") throw new Error(`got ${t.shape}`);
 * t.dispose();
 * ```
 */
export function toTensor(
  value: TensorInput,
  fn: string,
  arg: string,
  dtype: "float32" | "int32" = "float32",
): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new TypeError(`${fn}: ${arg} is a disposed tensor`);
    if (value.dtype === dtype) return value;
    if (value.dtype === "string" || value.dtype === "complex64") {
      throw new TypeError(`${fn}: ${arg} has dtype ${value.dtype}, expected a numeric tensor`);
    }
    return tf.cast(value, dtype);
  }
  const shape = shapeOf(value, fn, arg);
  const flat = typeof value === "number"
    ? [value]
    : (value as unknown[]).flat(Infinity) as number[];
  return tf.tensor(flat, shape, dtype);
}

/** Throws a RangeError unless `a` and `b` have the same shape. */
export function assertSameShape(
  fn: string,
  nameA: string,
  shapeA: readonly number[],
  nameB: string,
  shapeB: readonly number[],
): void {
  if (shapeA.length !== shapeB.length || shapeA.some((d, i) => d !== shapeB[i])) {
    throw new RangeError(
      `${fn}: ${nameA} has shape ${formatShape(shapeA)} but ${nameB} has shape ${
        formatShape(shapeB)
      }; they must match`,
    );
  }
}

/** Throws a RangeError when the shape has rank 0 or a zero-sized leading (batch) axis. */
export function assertNonEmptyBatch(fn: string, arg: string, shape: readonly number[]): void {
  if (shape.length === 0) {
    throw new RangeError(`${fn}: ${arg} is a scalar (shape []), expected at least [batch, ...]`);
  }
  if (shape.some((d) => d === 0)) {
    throw new RangeError(`${fn}: ${arg} has shape ${formatShape(shape)}: empty batch`);
  }
}

/** The values of `value` as a flat array (reads tensor data synchronously). */
export function flatValues(value: TensorInput): ArrayLike<number> {
  if (value instanceof tf.Tensor) return value.dataSync() as ArrayLike<number>;
  return typeof value === "number" ? [value] : (value as unknown[]).flat(Infinity) as number[];
}

/** Throws a RangeError naming the first value outside `[min, max]` (or non-finite). */
export function assertValuesIn(
  fn: string,
  arg: string,
  value: TensorInput,
  min: number,
  max: number,
  hint = "",
): void {
  const v = flatValues(value);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(x >= min && x <= max)) {
      throw new RangeError(
        `${fn}: ${arg} has value ${x} at flat index ${i}, expected values in [${min}, ${max}]${hint}`,
      );
    }
  }
}

/** Throws a RangeError naming the first non-finite value. */
export function assertFinite(fn: string, arg: string, value: TensorInput): void {
  const v = flatValues(value);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new RangeError(`${fn}: ${arg} has value ${v[i]} at flat index ${i}, expected finite`);
    }
  }
}

/** Throws a RangeError naming the first value that is not an integer in `[0, numClasses)`. */
export function assertClassLabels(
  fn: string,
  arg: string,
  value: TensorInput,
  numClasses: number,
): void {
  const v = flatValues(value);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isInteger(x)) {
      throw new RangeError(
        `${fn}: ${arg} has value ${x} at flat index ${i}, expected integer class labels`,
      );
    }
    if (x < 0 || x >= numClasses) {
      throw new RangeError(
        `${fn}: ${arg} has label ${x} at flat index ${i}, expected labels in [0, ${numClasses})`,
      );
    }
  }
}

/**
 * Checks a loss's `yTrue`/`yPred` pair before any tensor is made and returns the shape both will
 * have. Shapes must match, except that (as Keras's `squeeze_or_expand_to_same_rank` does) a
 * `[batch]` `yTrue` is accepted for a `[batch, 1]` `yPred`, and vice versa. Rank 0 and empty
 * batches are RangeErrors.
 */
export function checkLossPair(fn: string, yTrue: TensorInput, yPred: TensorInput): number[] {
  const ts = shapeOf(yTrue, fn, "yTrue");
  const ps = shapeOf(yPred, fn, "yPred");
  assertNonEmptyBatch(fn, "yPred", ps);
  const trailingOne = (a: number[], b: number[]) =>
    a.length === b.length + 1 && a[a.length - 1] === 1 && b.every((d, i) => a[i] === d);
  if (trailingOne(ps, ts)) return ps;
  if (trailingOne(ts, ps)) return ps;
  assertSameShape(fn, "yTrue", ts, "yPred", ps);
  return ps;
}

/** Converts a checked `yTrue`/`yPred` pair to float32 tensors of `shape`. Call inside `tf.tidy`. */
export function lossTensors(
  fn: string,
  yTrue: TensorInput,
  yPred: TensorInput,
  shape: readonly number[],
): [tf.Tensor, tf.Tensor] {
  const t = toTensor(yTrue, fn, "yTrue");
  const p = toTensor(yPred, fn, "yPred");
  return [sameShape(t, shape), sameShape(p, shape)];
}

function sameShape(t: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return t.shape.length === shape.length ? t : t.reshape(shape as number[]);
}

/**
 * Throws a RangeError naming `fn` and `arg` unless every value of `t` is in `[min, max]`. Uses
 * two reductions on the backend, and reads the data only to name the first offending value.
 */
export function assertTensorIn(
  fn: string,
  arg: string,
  t: tf.Tensor,
  min: number,
  max: number,
  hint = "",
): void {
  const [lo, hi] = tf.tidy(() => [tf.min(t), tf.max(t)]);
  const ok = lo.dataSync()[0] >= min && hi.dataSync()[0] <= max;
  tf.dispose([lo, hi]);
  if (!ok) assertValuesIn(fn, arg, t, min, max, hint);
}
