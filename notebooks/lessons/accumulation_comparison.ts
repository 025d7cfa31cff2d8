/**
 * Bookkeeping around the gradient-accumulation bug: how far an accumulated step's loss and
 * gradients land from the full batch's, one printed line per way of accumulating, and (for the
 * verdicts notebook) the whole comparison in one call.
 *
 * Notebook 04 writes the accumulation loop itself in its cells and hands the resulting steps to
 * {@linkcode measureAccumulation}; {@linkcode compareAccumulation} runs the same measurement on
 * steps from the library's `accumulateGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertIntegerIn, assertNumberIn } from "../../lib/_core/checks.ts";
import {
  type AccumulatedGradients,
  accumulateGradients,
  type AccumulationNormalization,
  type TokenLossFunction,
  type TrainableVariable,
} from "../../lib/training/mod.ts";
import type { Tensor, TensorInput } from "../../lib/_core/tensor_input.ts";

/** One optimiser step's loss and gradients (per variable name), however they were computed. */
export interface GradientStep {
  /** The step's loss. */
  loss: number;
  /** Gradient per variable name. */
  grads: Record<string, Tensor>;
}

/** A step accumulated over micro-batches, to measure against the full batch. */
export interface AccumulatedStep extends GradientStep {
  /** How the micro-batch losses were combined. */
  method: AccumulationNormalization;
  /** Micro-batches used, `K`. */
  microBatches: number;
}

/** Options for {@linkcode compareAccumulation}. */
export interface AccumulationComparisonOptions {
  /** The step's 0/1 mask, `[batch, time]` (padding anywhere, e.g. GOOG's at the start). */
  mask: TensorInput;
  /** Number of micro-batches `K` (consecutive rows, as `accumulateGradients` splits). */
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

/** What {@linkcode measureAccumulation} measured. */
export interface AccumulationMeasurement {
  /** The full batch first, then one row per accumulated step, in the order given. */
  rows: AccumulationRow[];
  /** Largest `|gradient|` of the full batch: the scale to read the differences against. */
  largestGradient: number;
}

/** What {@linkcode compareAccumulation} measured. */
export interface AccumulationComparison extends AccumulationMeasurement {
  /** Full batch, then `"mean_of_micro_means"` (the bug), then `"num_items_in_batch"` (the fix). */
  rows: AccumulationRow[];
  /** Real tokens in each micro-batch, `Nₖ`. */
  microBatchTokens: number[];
  /** Row ranges `[start, end)` of the micro-batches. */
  microBatchRows: [number, number][];
}

/**
 * Measures accumulated steps against the full batch: each one's loss error and its largest
 * gradient difference over every element of every variable. Reads the tensors, disposes none and
 * creates no lasting tensor.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { measureAccumulation } from "./accumulation_comparison.ts";
 * const full = { loss: 1.8, grads: { w: tf.tensor1d([0.1, -0.3]) } };
 * const bug = { method: "mean_of_micro_means" as const, microBatches: 2, loss: 2, grads: { w: tf.tensor1d([0.125, -0.25]) } };
 * const m = measureAccumulation(full, [bug]);
 * // largest |full gradient| 0.3; the bug misses the loss by 0.2 and a gradient by 0.05
 * if (Math.abs(m.largestGradient - 0.3) > 1e-7) throw new Error("scale");
 * if (Math.abs(m.rows[1].lossError - 0.2) > 1e-12) throw new Error("loss");
 * if (Math.abs(m.rows[1].maxGradientDifference - 0.05) > 1e-7) throw new Error("gradient");
 * tf.dispose([full.grads, bug.grads]);
 * ```
 */
export function measureAccumulation(
  full: GradientStep,
  steps: readonly AccumulatedStep[],
): AccumulationMeasurement {
  const fn = "measureAccumulation";
  const names = Object.keys(full.grads);
  if (names.length === 0) {
    throw new RangeError(`${fn}: full.grads has no variable, expected at least one gradient`);
  }
  steps.forEach((step, i) => {
    const missing = names.find((name) => step.grads[name] === undefined);
    if (missing !== undefined) {
      throw new RangeError(
        `${fn}: steps[${i}] (${step.method}) has no gradient for variable ${missing}, ` +
          "expected the same variables as full.grads",
      );
    }
  });
  const largest = (name: string, other?: Tensor) =>
    tf.tidy(() => {
      const g = full.grads[name];
      return tf.max(tf.abs(other === undefined ? g : tf.sub(g, other))).dataSync()[0];
    });
  const rows: AccumulationRow[] = [
    {
      method: "full batch",
      microBatches: 1,
      loss: full.loss,
      lossError: 0,
      maxGradientDifference: 0,
    },
  ];
  for (const step of steps) {
    rows.push({
      method: step.method,
      microBatches: step.microBatches,
      loss: step.loss,
      lossError: step.loss - full.loss,
      maxGradientDifference: Math.max(...names.map((name) => largest(name, step.grads[name]))),
    });
  }
  return { rows, largestGradient: Math.max(0, ...names.map((name) => largest(name))) };
}

/**
 * One row of {@linkcode measureAccumulation} as notebook 04 prints it: the method, `K`, the loss,
 * its error, and the largest gradient difference in absolute terms and as a percentage of
 * `largestGradient` (exponent notation when it rounds below 0.1 %).
 *
 * @example
 * ```ts
 * import { formatAccumulationRow } from "./accumulation_comparison.ts";
 * const row = { method: "mean_of_micro_means" as const, microBatches: 2, loss: 2, lossError: 0.2, maxGradientDifference: 0.025 };
 * const line = formatAccumulationRow(row, 0.1);
 * if (!line.endsWith("max |grad - full| 2.5e-2 (25.0 % of the largest gradient)")) throw new Error(line);
 * ```
 */
export function formatAccumulationRow(row: AccumulationRow, largestGradient: number): string {
  const fn = "formatAccumulationRow";
  assertNumberIn(
    fn,
    "largestGradient",
    largestGradient,
    { min: 0, max: Infinity, minOpen: true },
    "(the full batch's largest |gradient|)",
  );
  const pct = (100 * row.maxGradientDifference) / largestGradient;
  const share = pct === 0 || pct >= 0.1 ? pct.toFixed(1) : pct.toExponential(0);
  const gap = row.maxGradientDifference.toExponential(1);
  return `${row.method.padEnd(20)} K=${row.microBatches}  loss ${row.loss.toFixed(6)}` +
    `  loss error ${row.lossError.toExponential(1)}` +
    `  max |grad - full| ${gap} (${share} % of the largest gradient)`;
}

/**
 * Computes one step's loss and gradients three ways with the library's `accumulateGradients`:
 * the full batch (`K = 1`), `K` micro-batches averaged as `"mean_of_micro_means"` (Hugging Face
 * transformers' 2024 bug) and `K` micro-batches over `"num_items_in_batch"` (the fix), and
 * measures each against the full batch with {@linkcode measureAccumulation}. Creates no lasting
 * tensors.
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
  assertIntegerIn(fn, "microBatches", k, { min: 2, max: Infinity });
  const common = { mask: options.mask, variables: options.variables };
  const methods = ["mean_of_micro_means", "num_items_in_batch"] as const;
  const full = accumulateGradients(tokenLoss, { ...common, microBatches: 1 });
  const steps: AccumulatedGradients[] = [];
  try {
    for (const normalization of methods) {
      steps.push(accumulateGradients(tokenLoss, { ...common, microBatches: k, normalization }));
    }
    const measured = measureAccumulation(
      full,
      steps.map(({ loss, grads }, i) => ({ method: methods[i], microBatches: k, loss, grads })),
    );
    const { microBatchTokens, microBatchRows } = steps[1];
    return { ...measured, microBatchTokens, microBatchRows };
  } finally {
    full.dispose();
    steps.forEach((step) => step.dispose());
  }
}
