/**
 * Input handling shared by the chart builders: read tensors, plain arrays and typed arrays into
 * plain numbers (without leaking tensors), and check lengths and finiteness with errors that name
 * the builder and the argument. Quantiles and top shares come from `_core/sorted_stats.ts`, so the
 * charts state the same numbers as `lossSummary`.
 *
 * NaN/Infinity policy (the whole family): a chart refuses non-finite values with a RangeError that
 * says how many there are and where the first ones are (`assertAllFinite` of `_core/checks.ts`). A
 * chart cannot place an infinite loss, and silently dropping it would hide exactly the sample a
 * learner needs to find. Values so large that their total overflows are refused too: every mean
 * and share a chart writes would read `Infinity`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "../_core/tensor_input.ts";
import { assertAllFinite, describeValue } from "../_core/checks.ts";

/** Numbers a chart reads: a `tf.Tensor`, a plain array or a typed array. */
export type NumberSeries = Tensor | ArrayLike<number>;

/** Labels a chart shows: sample ids, class names, split names. */
export type LabelSeries = ArrayLike<string | number>;

/** A matrix a chart reads: a rank-2 tensor, rows of numbers, or a flat array with its dimensions. */
export type NumberMatrix = Tensor | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Reads a rank-1 series (a tensor of shape `[n]` or `[n, 1]`, or an array of numbers) into a
 * `Float64Array`. Reading a tensor creates no tensors.
 *
 * @example
 * ```ts
 * import { readSeries } from "./_data.ts";
 * const v = readSeries([1, 2, 3], "demo", "losses");
 * if (v.length !== 3 || v[2] !== 3) throw new Error("wrong values");
 * ```
 */
export function readSeries(value: NumberSeries, fn: string, arg: string): Float64Array {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new TypeError(`${fn}: ${arg} is a disposed tensor`);
    const s = value.shape;
    if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
      throw new RangeError(
        `${fn}: ${arg} has shape ${shapeText(s)}, expected [samples] or [samples, 1] ` +
          "(one number per sample)",
      );
    }
    if (value.dtype === "string" || value.dtype === "complex64") {
      throw new TypeError(`${fn}: ${arg} has dtype ${value.dtype}, expected a numeric tensor`);
    }
    return Float64Array.from(value.dataSync() as ArrayLike<number>);
  }
  if (value === null || typeof value !== "object" || typeof value.length !== "number") {
    throw new TypeError(
      `${fn}: ${arg} is ${describeValue(value)}, expected a tf.Tensor or an array of numbers`,
    );
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== "number") {
      throw new TypeError(
        `${fn}: ${arg}[${i}] is ${Array.isArray(x) ? "an array" : describeValue(x)}, ` +
          "expected a number (one number per sample)",
      );
    }
    out[i] = x;
  }
  return out;
}

/** A matrix read by {@linkcode readMatrix}: row-major values with their dimensions. */
export interface MatrixData {
  /** Row-major values, `rows * cols` of them. */
  values: Float64Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/**
 * Reads a matrix: a rank-2 tensor, an array of rows, or a flat array whose dimensions `rows` and
 * `cols` are given (e.g. a `Float32Array` of epochs × samples).
 *
 * @example
 * ```ts
 * import { readMatrix } from "./_data.ts";
 * const m = readMatrix(new Float32Array([1, 2, 3, 4, 5, 6]), "demo", "losses", { rows: 2, cols: 3 });
 * if (m.values[4] !== 5 || m.cols !== 3) throw new Error("wrong matrix");
 * ```
 */
export function readMatrix(
  value: NumberMatrix,
  fn: string,
  arg: string,
  dims: {
    rows?: number;
    cols?: number;
    rowsName?: string;
    colsName?: string;
    /** Where a required size comes from, for errors: `options.epochs is 2`. */
    note?: string;
  } = {},
): MatrixData {
  const rowsName = dims.rowsName ?? "rows", colsName = dims.colsName ?? "cols";
  const wanted = `[${dims.rows ?? rowsName}, ${dims.cols ?? colsName}]${
    dims.note ? ` (${dims.note})` : ""
  }`;
  let values: Float64Array, rows: number, cols: number;
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new TypeError(`${fn}: ${arg} is a disposed tensor`);
    if (value.rank !== 2) {
      throw new RangeError(`${fn}: ${arg} has shape ${shapeText(value.shape)}, expected ${wanted}`);
    }
    if (value.dtype === "string" || value.dtype === "complex64") {
      throw new TypeError(`${fn}: ${arg} has dtype ${value.dtype}, expected a numeric tensor`);
    }
    rows = value.shape[0]!;
    cols = value.shape[1]!;
    values = Float64Array.from(value.dataSync() as ArrayLike<number>);
  } else if (value === null || typeof value !== "object" || typeof value.length !== "number") {
    throw new TypeError(
      `${fn}: ${arg} is ${describeValue(value)}, expected a tf.Tensor or an array of rows`,
    );
  } else if (value.length > 0 && typeof value[0] === "object" && value[0] !== null) {
    const nested = value as ArrayLike<ArrayLike<number>>;
    rows = nested.length;
    const head = nested[0];
    if (typeof head.length !== "number") {
      throw new TypeError(
        `${fn}: ${arg}[0] is ${describeValue(head)}, expected an array of numbers (a row)`,
      );
    }
    cols = head.length;
    values = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row = nested[r];
      if (row === null || typeof row !== "object" || row.length !== cols) {
        const got = row !== null && typeof row === "object" && typeof row.length === "number"
          ? `${row.length} values`
          : describeValue(row);
        throw new RangeError(
          `${fn}: ${arg} is ragged: ${arg}[${r}] has ${got}, but ${arg}[0] has ${cols}`,
        );
      }
      for (let c = 0; c < cols; c++) {
        const x = row[c];
        if (typeof x !== "number") {
          throw new TypeError(
            `${fn}: ${arg}[${r}][${c}] is ${describeValue(x)}, expected a number`,
          );
        }
        values[r * cols + c] = x;
      }
    }
  } else {
    const flat = readSeries(value as ArrayLike<number>, fn, arg);
    if (dims.rows === undefined && dims.cols === undefined) {
      throw new TypeError(
        `${fn}: ${arg} is a flat array of ${flat.length} numbers; give ${rowsName} and ${colsName}, ` +
          `or pass an array of rows`,
      );
    }
    rows = dims.rows ?? flat.length / dims.cols!;
    cols = dims.cols ?? flat.length / dims.rows!;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows * cols !== flat.length) {
      throw new RangeError(
        `${fn}: ${arg} has ${flat.length} values, expected ${rowsName} × ${colsName} = ` +
          `${dims.rows ?? "?"} × ${dims.cols ?? "?"}`,
      );
    }
    values = flat;
  }
  if (
    (dims.rows !== undefined && rows !== dims.rows) ||
    (dims.cols !== undefined && cols !== dims.cols)
  ) {
    throw new RangeError(`${fn}: ${arg} has shape [${rows}, ${cols}], expected ${wanted}`);
  }
  return { values, rows, cols };
}

/**
 * Reads labels (ids, class names) and checks there is one per sample.
 *
 * @example
 * ```ts
 * import { readLabels } from "./_data.ts";
 * if (readLabels(["a", "b"], "demo", "ids", 2)[1] !== "b") throw new Error("wrong label");
 * ```
 */
export function readLabels(
  value: LabelSeries,
  fn: string,
  arg: string,
  expected: number,
  expectedName = "losses",
): (string | number)[] {
  if (value === null || typeof value !== "object" || typeof value.length !== "number") {
    throw new TypeError(
      `${fn}: ${arg} is ${describeValue(value)}, expected an array of strings or numbers`,
    );
  }
  if (value.length !== expected) {
    throw new RangeError(
      `${fn}: ${arg} has ${value.length} entries, but ${expectedName} has ${expected}; ` +
        "they must match",
    );
  }
  const out = Array.from(value);
  for (let i = 0; i < out.length; i++) {
    const x = out[i];
    if (typeof x === "string" || (typeof x === "number" && Number.isFinite(x))) continue;
    const message = `${fn}: ${arg}[${i}] is ${
      describeValue(x)
    }, expected a string or a finite number`;
    throw typeof x === "number" ? new RangeError(message) : new TypeError(message);
  }
  return out;
}

/** Throws a RangeError naming `fn` and `arg` when there are no values. */
export function assertNotEmpty(fn: string, arg: string, n: number): void {
  if (n === 0) throw new RangeError(`${fn}: ${arg} is empty, expected at least one sample`);
}

/**
 * Throws a RangeError when the values are so large that their total overflows a double (beyond
 * about 1.8e308): the means, shares and sums a chart writes would all read `Infinity`.
 *
 * @example
 * ```ts
 * import { assertSummable } from "./_data.ts";
 * assertSummable("demo", "losses", [1, 2]);
 * try {
 *   assertSummable("demo", "losses", [1e308, 1e308]);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith("demo: losses has values whose total overflows")) throw e;
 * }
 * ```
 */
export function assertSummable(fn: string, arg: string, values: ArrayLike<number>): void {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += Math.abs(values[i]);
  if (!Number.isFinite(total)) {
    throw new RangeError(
      `${fn}: ${arg} has values whose total overflows (the sum of their sizes is ${total}), ` +
        "expected values small enough to add up to a finite number (rescale them)",
    );
  }
}

/**
 * Reads the per-sample values a chart is about (`losses`, `graph.loss`): a series that must be
 * non-empty and finite, with a finite total; `where` names a position in errors (`sample 3`,
 * `node 3`).
 *
 * @example
 * ```ts
 * import { readLosses } from "./_data.ts";
 * if (readLosses([0.5, 2], "demo", "losses")[1] !== 2) throw new Error("wrong values");
 * ```
 */
export function readLosses(
  value: NumberSeries,
  fn: string,
  arg: string,
  where: (i: number) => string = (i) => `sample ${i}`,
): Float64Array {
  const values = readSeries(value, fn, arg);
  assertNotEmpty(fn, arg, values.length);
  assertAllFinite(fn, arg, values, where);
  assertSummable(fn, arg, values);
  return values;
}

/**
 * Reads a series that goes with another one, value for value (weights with losses, `graph.x` with
 * `graph.loss`): it must have `n` finite values, the length of `reference`.
 *
 * @example
 * ```ts
 * import { readMatching } from "./_data.ts";
 * try {
 *   readMatching([1], "demo", "options.weights", 2, "losses");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: options.weights has 1 values, but losses has 2; they must match";
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function readMatching(
  value: NumberSeries,
  fn: string,
  arg: string,
  n: number,
  reference: string,
  where: (i: number) => string = (i) => `sample ${i}`,
): Float64Array {
  const values = readSeries(value, fn, arg);
  if (values.length !== n) {
    throw new RangeError(
      `${fn}: ${arg} has ${values.length} values, but ${reference} has ${n}; they must match`,
    );
  }
  assertAllFinite(fn, arg, values, where);
  assertSummable(fn, arg, values);
  return values;
}

/** The mean of `values` (compensated sum, so long series stay exact enough). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0, c = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i] - c;
    const t = sum + y;
    c = (t - sum) - y;
    sum = t;
  }
  return sum / values.length;
}

/** `values` sorted ascending, as a new `Float64Array`. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
