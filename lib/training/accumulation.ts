/**
 * Gradient accumulation over micro-batches of padded sequences, and the normalisation bug it
 * invites.
 *
 * A step over a batch of `B` sequences is split into `K` micro-batches of consecutive rows whose
 * gradients are summed before the optimiser step. With a `"token"` loss (`Σ ℓ·m / Σ m`) the full
 * batch divides by all real tokens `N`; a micro-batch `k` only sees its own `Nₖ`. Averaging the
 * micro-batch means, `(1/K) Σₖ (Sₖ / Nₖ)`, weights micro-batch `k`'s tokens by `1/(K·Nₖ)` instead
 * of `1/N`: when lengths differ, tokens in short micro-batches count more. This was Hugging Face
 * transformers' 2024 gradient-accumulation bug. The fix divides every micro-batch's masked sum by
 * the step's total `N` (`num_items_in_batch`) and sums: `Σₖ Sₖ / N = S / N`, exactly the
 * full-batch loss, and so the same gradients.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { maskedLoss, type MaskSpec, resolveMask } from "../losses/masked.ts";
import {
  assertIntegerIn,
  assertKnownOptions,
  assertOneOf,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import { variableGradsFreeingTape } from "../_core/gradients.ts";
import { formatShape, shapeOf, type Tensor } from "../_core/tensor_input.ts";

const ACCUMULATE_OPTION_KEYS = ["microBatches", "normalization", "variables", "lengths", "mask"];

/** A tfjs trainable variable (`tf.Variable`), named so documented signatures can refer to it. */
export type TrainableVariable = tf.Variable;

/**
 * Computes the per-token losses `[end − start, time]` of rows `start` (inclusive) to `end`
 * (exclusive) of the step's batch, from the current values of the variables.
 */
export type TokenLossFunction = (start: number, end: number) => Tensor;

/** How micro-batch losses are combined; see the module doc. */
export type AccumulationNormalization = "num_items_in_batch" | "mean_of_micro_means";

const NORMALIZATIONS: readonly AccumulationNormalization[] = [
  "num_items_in_batch",
  "mean_of_micro_means",
];

/** Options for {@linkcode accumulateGradients}. */
export interface AccumulateOptions extends MaskSpec {
  /** Number of micro-batches `K` (consecutive rows, sizes differing by at most one). Default 1. */
  microBatches?: number;
  /**
   * `"num_items_in_batch"` (default, correct): each micro-batch's masked sum over the step's
   * total real tokens, summed. `"mean_of_micro_means"` (the bug): each micro-batch's token mean,
   * averaged over the `K` micro-batches.
   */
  normalization?: AccumulationNormalization;
  /** Variables to differentiate; default every trainable variable tfjs knows. */
  variables?: readonly TrainableVariable[];
}

/** What {@linkcode accumulateGradients} returns. Call `dispose()` when done with `grads`. */
export interface AccumulatedGradients {
  /** The step's loss as the chosen normalisation defines it. */
  loss: number;
  /** Accumulated gradient per variable name; the caller owns these tensors. */
  grads: Record<string, Tensor>;
  /** Each micro-batch's contribution before combining (its token mean, or its sum / N). */
  microBatchLosses: number[];
  /** Real tokens in each micro-batch, `Nₖ`. */
  microBatchTokens: number[];
  /** Row ranges `[start, end)` of the micro-batches. */
  microBatchRows: [number, number][];
  /** Real tokens in the whole step, `N` (`num_items_in_batch`). */
  numItemsInBatch: number;
  /** Disposes `grads`. */
  dispose(): void;
}

/**
 * Splits `batch` rows into `k` consecutive micro-batches whose sizes differ by at most one (the
 * first `batch mod k` get the extra row).
 *
 * @example
 * ```ts
 * import { microBatchRows } from "./accumulation.ts";
 * if (JSON.stringify(microBatchRows(5, 2)) !== "[[0,3],[3,5]]") throw new Error("unexpected");
 * ```
 */
export function microBatchRows(batch: number, k: number): [number, number][] {
  const fn = "microBatchRows";
  assertPositiveInteger(fn, "batch", batch);
  assertIntegerIn(fn, "microBatches", k, { min: 1, max: batch });
  const rows: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = Math.floor(batch / k) + (i < batch % k ? 1 : 0);
    rows.push([start, start + size]);
    start += size;
  }
  return rows;
}

/**
 * Computes one optimiser step's gradients over `microBatches` micro-batches of a padded batch,
 * combining them with `normalization` (see the module doc). `microBatches: 1` is the full-batch
 * reference. The mask (`mask` `[batch, time]` or `lengths` `[batch]`) is the whole step's; its
 * batch size is the number of rows `tokenLoss` covers.
 *
 * Under `"mean_of_micro_means"` a micro-batch with no real token is a RangeError (its mean is
 * 0/0); under `"num_items_in_batch"` it simply adds nothing.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { accumulateGradients } from "./accumulation.ts";
 * // The losses themselves are the variable, so d(loss)/d(ℓ) is the weight of each token.
 * const l = tf.variable(tf.ones([2, 3]), true, "l");
 * const opts = { lengths: [3, 1], microBatches: 2, variables: [l] };
 * const fixed = accumulateGradients((s, e) => l.slice([s, 0], [e - s, 3]), opts);
 * const buggy = accumulateGradients((s, e) => l.slice([s, 0], [e - s, 3]), {
 *   ...opts,
 *   normalization: "mean_of_micro_means",
 * });
 * // fixed: every real token weighs 1/4; buggy: 1/(2·3) in row 0, 1/(2·1) in row 1
 * const f = fixed.grads.l.arraySync() as number[][], b = buggy.grads.l.arraySync() as number[][];
 * if (f[1][0] !== 0.25 || b[1][0] !== 0.5) throw new Error("unexpected");
 * fixed.dispose();
 * buggy.dispose();
 * l.dispose();
 * ```
 */
export function accumulateGradients(
  tokenLoss: TokenLossFunction,
  options: AccumulateOptions,
): AccumulatedGradients {
  const fn = "accumulateGradients";
  assertKnownOptions(fn, options, ACCUMULATE_OPTION_KEYS);
  if (options === undefined) {
    throw new TypeError(`${fn}: options is undefined, expected { lengths } or { mask }`);
  }
  if (typeof tokenLoss !== "function") {
    throw new TypeError(`${fn}: tokenLoss is ${typeof tokenLoss}, expected a function`);
  }
  const normalization = options.normalization ?? "num_items_in_batch";
  assertOneOf(fn, "normalization", normalization, NORMALIZATIONS);
  const variables = checkVariables(fn, options.variables);
  const step = stepMask(fn, options);
  const microBatches = options.microBatches ?? 1;
  assertIntegerIn(
    fn,
    "options.microBatches",
    microBatches,
    { min: 1, max: step.batch },
    "(rows of the step)",
  );
  const rows = microBatchRows(step.batch, microBatches);
  const tokens = rows.map(([s, e]) => step.counts.slice(s, e).reduce((a, b) => a + b, 0));
  const numItems = tokens.reduce((a, b) => a + b, 0);
  if (numItems === 0) {
    throw new RangeError(`${fn}: the step has no real token (mask sums to 0)`);
  }
  const empty = tokens.indexOf(0);
  if (normalization === "mean_of_micro_means" && empty >= 0) {
    throw new RangeError(
      `${fn}: micro-batch ${empty} (rows ${rows[empty][0]}..${
        rows[empty][1] - 1
      }) has no real token, so its mean is 0/0 under "mean_of_micro_means"`,
    );
  }
  const k = rows.length;
  const grads: Record<string, Tensor> = {};
  const microBatchLosses: number[] = [];
  let loss = 0;
  try {
    rows.forEach(([start, end]) => {
      const slice: MaskSpec = step.mask
        ? { mask: step.mask.slice(start, end) }
        : { lengths: step.counts.slice(start, end) };
      const f = () => {
        const perToken = tokenLoss(start, end);
        const shape = shapeOf(perToken, fn, "tokenLoss(start, end)");
        if (shape.length !== 2 || shape[0] !== end - start) {
          throw new RangeError(
            `${fn}: tokenLoss(${start}, ${end}) returned shape ${formatShape(shape)}, expected [${
              end - start
            }, time]`,
          );
        }
        // Checked here, where the time axis is known, so the error names the step's own row
        // rather than maskedLoss's row within the micro-batch.
        checkTimeAxis(fn, step, shape[1]);
        return normalization === "num_items_in_batch"
          ? maskedLoss(perToken, { ...slice, numItemsInBatch: numItems })
          : maskedLoss(perToken, slice);
      };
      const { value, grads: g } = variableGradsFreeingTape(f as () => tf.Scalar, variables);
      const scale = normalization === "mean_of_micro_means" ? 1 / k : 1;
      const part = value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(part)) {
        // A NaN loss gives NaN gradients; summed into the others they would poison the whole step.
        tf.dispose(Object.values(g));
        throw new RangeError(
          `${fn}: tokenLoss(${start}, ${end}) gave a loss of ${part} on micro-batch ` +
            `${microBatchLosses.length}, expected a finite loss (are its real tokens finite?)`,
        );
      }
      microBatchLosses.push(part);
      loss += part * scale;
      for (const [name, gi] of Object.entries(g)) {
        const scaled = scale === 1 ? gi : tf.tidy(() => tf.mul(gi, scale));
        if (scaled !== gi) gi.dispose();
        if (grads[name] === undefined) {
          grads[name] = scaled;
        } else {
          const sum = tf.add(grads[name], scaled);
          tf.dispose([grads[name], scaled]);
          grads[name] = sum;
        }
      }
    });
  } catch (error) {
    tf.dispose(Object.values(grads));
    throw error;
  }
  return {
    loss,
    grads,
    microBatchLosses,
    microBatchTokens: tokens,
    microBatchRows: rows,
    numItemsInBatch: numItems,
    dispose: () => tf.dispose(Object.values(grads)),
  };
}

/** `options.variables`: absent, or an array of tf.Variable. */
function checkVariables(
  fn: string,
  variables: readonly TrainableVariable[] | undefined,
): tf.Variable[] | undefined {
  if (variables === undefined) return undefined;
  if (!Array.isArray(variables)) {
    throw new TypeError(
      `${fn}: options.variables is ${describeValue(variables)}, expected an array of tf.Variable`,
    );
  }
  variables.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) {
      throw new TypeError(
        `${fn}: options.variables[${i}] is ${describeValue(v)}, expected a tf.Variable`,
      );
    }
  });
  return variables.slice();
}

/** The step's mask must span the time axis of the per-token losses. */
function checkTimeAxis(fn: string, step: StepMask, time: number): void {
  if (step.mask) {
    const width = step.mask[0].length;
    if (width !== time) {
      throw new RangeError(
        `${fn}: mask has shape [${step.batch}, ${width}], expected [${step.batch}, ${time}] ` +
          "(the time axis of tokenLoss's per-token losses)",
      );
    }
    return;
  }
  const row = step.counts.findIndex((n) => n > time);
  if (row >= 0) {
    throw new RangeError(
      `${fn}: lengths has value ${step.counts[row]} at index ${row}, longer than the time axis ` +
        `(${time}) of tokenLoss's per-token losses`,
    );
  }
}

interface StepMask {
  batch: number;
  /** Real tokens per row. */
  counts: number[];
  /** The checked 0/1 mask rows, when the mask was given as a mask. */
  mask?: number[][];
}

function stepMask(fn: string, options: AccumulateOptions): StepMask {
  if (options.mask !== undefined && options.lengths !== undefined) {
    throw new TypeError(`${fn}: give lengths or mask, not both`);
  }
  if (options.mask !== undefined) {
    const shape = shapeOf(options.mask, fn, "mask");
    if (shape.length !== 2 || shape[0] === 0 || shape[1] === 0) {
      throw new RangeError(`${fn}: mask has shape ${formatShape(shape)}, expected [batch, time]`);
    }
    const spec = { mask: options.mask };
    let checked: tf.Tensor;
    try {
      checked = tf.tidy(() => resolveMask(tf.zeros(shape), spec));
    } catch (error) {
      // resolveMask names itself; the learner called this function.
      const message = String((error as Error)?.message);
      if (!message.startsWith("resolveMask: ")) throw error;
      const Kind = error instanceof TypeError ? TypeError : RangeError;
      // resolveMask calls its argument spec; here the mask is the step's.
      const rest = message.slice("resolveMask: ".length).replace(/^spec\./, "");
      throw new Kind(`${fn}: ${rest}`);
    }
    const mask = checked.arraySync() as number[][];
    checked.dispose();
    return { batch: shape[0], counts: mask.map((r) => r.reduce((a, b) => a + b, 0)), mask };
  }
  if (options.lengths !== undefined) {
    const shape = shapeOf(options.lengths, fn, "lengths");
    if (shape.length !== 1 || shape[0] === 0) {
      throw new RangeError(`${fn}: lengths has shape ${formatShape(shape)}, expected [batch]`);
    }
    const counts = options.lengths instanceof tf.Tensor
      ? Array.from(options.lengths.dataSync())
      : (options.lengths as number[]).slice();
    counts.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(
          `${fn}: lengths has value ${n} at index ${i}, expected a non-negative integer`,
        );
      }
    });
    return { batch: shape[0], counts };
  }
  throw new TypeError(`${fn}: give the step's mask ([batch, time]) or lengths ([batch])`);
}
