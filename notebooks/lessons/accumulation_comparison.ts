/**
 * The gradient-accumulation bug measured: one optimiser step over a padded batch, computed on the
 * full batch and over `K` micro-batches with both ways of combining them, and how far each
 * accumulated loss and gradient lands from the full batch's.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  accumulateGradients,
  type AccumulationNormalization,
  type TokenLossFunction,
  type TrainableVariable,
} from "../../lib/training/mod.ts";
import type { Tensor, TensorInput } from "../../lib/_core/tensor_input.ts";

/** Options for {@linkcode compareAccumulation}. */
export interface AccumulationComparisonOptions {
  /** The step's 0/1 mask, `[batch, time]` (padding anywhere, e.g. GOOG's at the start). */
  mask: TensorInput;
  /** Number of micro-batches `K` (consecutive rows, as {@linkcode accumulateGradients} splits). */
  microBatches: number;
  /** Variables to differentiate; default every trainable variable tfjs knows. */
  variables?: readonly TrainableVariable[];
}

/** One way of computing the step, measured against the full batch. */
export interface AccumulationRow {
  /** `"full batch"` (the reference, `K = 1`) or the micro-batch normalisation. */
  method: "full batch" | AccumulationNormalization;
  /** Micro-batches used. */
  microBatches: number;
  /** The step's loss as this method computes it. */
  loss: number;
  /** `loss − full-batch loss`. */
  lossError: number;
  /** Largest `|gradient − full-batch gradient|` over every variable element. */
  maxGradientDifference: number;
}

/** What {@linkcode compareAccumulation} measured. */
export interface AccumulationComparison {
  /** Full batch, then `"mean_of_micro_means"` (the bug), then `"num_items_in_batch"` (the fix). */
  rows: AccumulationRow[];
  /** Largest `|gradient|` of the full batch: the scale to read the differences against. */
  largestGradient: number;
  /** Real tokens in each micro-batch, `Nₖ`. */
  microBatchTokens: number[];
  /** Row ranges `[start, end)` of the micro-batches. */
  microBatchRows: [number, number][];
}

/**
 * Computes one step's loss and gradients three ways with {@linkcode accumulateGradients}: the
 * full batch (`K = 1`), `K` micro-batches averaged as `"mean_of_micro_means"` (Hugging Face
 * transformers' 2024 bug) and `K` micro-batches over `"num_items_in_batch"` (the fix), and
 * reports each against the full batch. Creates no lasting tensors.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { compareAccumulation } from "./accumulation_comparison.ts";
 * // The per-token losses are the variable, so each gradient entry is that token's weight.
 * const l = tf.variable(tf.ones([2, 3]), true, "acc_example");
 * const c = compareAccumulation((s, e) => l.slice([s, 0], [e - s, 3]), {
 *   mask: [[1, 1, 1], [0, 0, 1]],
 *   microBatches: 2,
 *   variables: [l],
 * });
 * // full: every token 1/4; bug: row 0 tokens 1/6, row 1's token 1/2; fix: 1/4 again
 * const [, bug, fix] = c.rows;
 * if (Math.abs(bug.maxGradientDifference - 0.25) > 1e-6) throw new Error("bug");
 * if (fix.maxGradientDifference > 1e-7) throw new Error("fix");
 * l.dispose();
 * ```
 */
export function compareAccumulation(
  tokenLoss: TokenLossFunction,
  options: AccumulationComparisonOptions,
): AccumulationComparison {
  const fn = "compareAccumulation";
  const k = options.microBatches;
  if (!Number.isInteger(k) || k < 2) {
    throw new RangeError(`${fn}: microBatches is ${k}, expected an integer of at least 2`);
  }
  const common = { mask: options.mask, variables: options.variables };
  const full = accumulateGradients(tokenLoss, { ...common, microBatches: 1 });
  const rows: AccumulationRow[] = [];
  let largestGradient = 0;
  let split: { tokens: number[]; rows: [number, number][] } = { tokens: [], rows: [] };
  try {
    largestGradient = maxAbs(Object.values(full.grads));
    rows.push({
      method: "full batch",
      microBatches: 1,
      loss: full.loss,
      lossError: 0,
      maxGradientDifference: 0,
    });
    for (const normalization of ["mean_of_micro_means", "num_items_in_batch"] as const) {
      const acc = accumulateGradients(tokenLoss, { ...common, microBatches: k, normalization });
      try {
        rows.push({
          method: normalization,
          microBatches: k,
          loss: acc.loss,
          lossError: acc.loss - full.loss,
          maxGradientDifference: maxDifference(full.grads, acc.grads),
        });
        split = { tokens: acc.microBatchTokens, rows: acc.microBatchRows };
      } finally {
        acc.dispose();
      }
    }
  } finally {
    full.dispose();
  }
  return { rows, largestGradient, microBatchTokens: split.tokens, microBatchRows: split.rows };
}

function maxAbs(tensors: Tensor[]): number {
  return Math.max(0, ...tensors.map((t) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0])));
}

function maxDifference(a: Record<string, Tensor>, b: Record<string, Tensor>): number {
  let out = 0;
  for (const [name, ga] of Object.entries(a)) {
    const gb = b[name];
    if (gb === undefined) {
      throw new RangeError(`compareAccumulation: variable ${name} has no accumulated gradient`);
    }
    out = Math.max(out, tf.tidy(() => tf.max(tf.abs(tf.sub(ga, gb))).dataSync()[0]));
  }
  return out;
}
