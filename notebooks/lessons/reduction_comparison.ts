/**
 * Robust aggregation in training: the same model trained with several reductions of the
 * per-sample losses (the mean, a trimmed mean, a top-k mean…), each judged by the plain mean
 * loss on clean validation data. Only a loss that returns the array can be reduced another way.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PerSampleLoss } from "../../lib/losses/mod.ts";
import type { Reduction } from "../../lib/losses/mod.ts";
import { perSampleLosses } from "./same_training.ts";
import type { TensorInput } from "../../lib/_core/tensor_input.ts";
import { seededRandom } from "../../lib/runtime/mod.ts";
import { type LayersModel, type Optimizer, train } from "../../lib/training/mod.ts";
import type { ReduceFunction } from "../../lib/losses/mod.ts";

/** Options for {@linkcode compareReductions}. */
export interface ReductionComparisonOptions {
  /** Builds a fresh (uncompiled) model; called once per reduction, after reseeding `Math.random`. */
  build: () => LayersModel;
  /** The per-sample loss `(yTrue, yPred) => [batch]`, trained under each reduction. */
  loss: PerSampleLoss;
  /** Reductions by display name, e.g. `{ mean: "sum_over_batch_size", trimmed: trimmedMean({ trim: 0.1 }) }`. */
  reductions: Record<string, Reduction | ReduceFunction>;
  /** Training inputs `[n, ...]`. */
  x: TensorInput;
  /** Training targets `[n, ...]` (possibly corrupted: that is the point). */
  y: TensorInput;
  /** Clean validation inputs and targets; judged by the plain mean of `loss`. */
  validation: readonly [TensorInput, TensorInput];
  /** Makes a fresh optimizer, one per reduction; default `() => tf.train.adam(0.01)`. */
  optimizer?: () => Optimizer;
  /** Default `10`. */
  epochs?: number;
  /** Default `32`. */
  batchSize?: number;
  /** Seed of the shuffle and of each model's initial weights; default `0`. */
  seed?: number;
}

/** One row of {@linkcode compareReductions}'s result. */
export interface ReductionResult {
  /** The reduction's display name. */
  name: string;
  /** The training loss `train` reported for the last epoch, under this reduction. */
  trainLoss: number;
  /** The plain mean of `loss` over the validation data after training. */
  valLoss: number;
}

/**
 * Trains one fresh copy of the model per reduction with the kit's {@linkcode train} (same
 * initial weights, since `Math.random` is reseeded before each `build`, and the same seeded batch
 * order), then reports each copy's mean loss on the clean validation data. With corrupted
 * training targets, a trimmed mean (which drops the largest losses of each batch) stays close to
 * a clean fit while the mean follows the corruption; a top-k mean chases it.
 *
 * `Math.random` is left seeded with `seed` afterwards; call `setupBackend` to reseed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { compareReductions } from "./reduction_comparison.ts";
 * import { meanSquaredError } from "../../lib/losses/mod.ts";
 * import { trimmedMean } from "../../lib/losses/mod.ts";
 * await setupBackend({ backend: "cpu" });
 * const rows = await compareReductions({
 *   build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
 *   loss: meanSquaredError,
 *   reductions: { mean: "sum_over_batch_size", trimmed: trimmedMean({ trim: 0.25 }) },
 *   x: [[0], [1], [2], [3]],
 *   y: [[0], [1], [2], [30]], // the last target is corrupted
 *   validation: [[[4]], [[4]]],
 *   optimizer: () => tf.train.sgd(0.05),
 *   epochs: 20,
 *   batchSize: 4,
 * });
 * if (!(rows[1].valLoss < rows[0].valLoss)) throw new Error(JSON.stringify(rows));
 * ```
 */
export async function compareReductions(
  options: ReductionComparisonOptions,
): Promise<ReductionResult[]> {
  const fn = "compareReductions";
  if (typeof options?.build !== "function") {
    throw new TypeError(`${fn}: build is ${typeof options?.build}, expected a function`);
  }
  const names = Object.keys(options.reductions ?? {});
  if (names.length === 0) {
    throw new RangeError(`${fn}: reductions is empty, expected at least one { name: reduction }`);
  }
  if (!Array.isArray(options.validation) || options.validation.length !== 2) {
    throw new TypeError(`${fn}: validation must be [x, y]`);
  }
  const seed = options.seed ?? 0;
  const makeOptimizer = options.optimizer ?? (() => tf.train.adam(0.01));
  const results: ReductionResult[] = [];
  for (const name of names) {
    // The same stream for every build, so every copy starts from the same weights.
    Math.random = seededRandom(seed);
    const model = options.build();
    const optimizer = makeOptimizer();
    try {
      const run = await train(model, options.x, options.y, {
        loss: options.loss,
        reduction: options.reductions[name],
        optimizer,
        epochs: options.epochs ?? 10,
        batchSize: options.batchSize ?? 32,
        seed,
        quiet: true,
      });
      const val = perSampleLosses({
        model,
        loss: options.loss,
        x: options.validation[0],
        y: options.validation[1],
      });
      results.push({
        name,
        trainLoss: run.history.loss.at(-1)!,
        valLoss: val.reduce((s, v) => s + v, 0) / val.length,
      });
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  }
  return results;
}
