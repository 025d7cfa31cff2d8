/**
 * Training that honours per-sample weights (`train`), per-sample tracking during training, gradient
 * accumulation over micro-batches, and per-sample gradients (norms, DP clipping).
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/mod.ts";
 * import { SampleTracker } from "./mod.ts";
 * await setupBackend({ backend: "cpu" });
 * const tracker = new SampleTracker(3, { task: "regression" });
 * if (tracker.numSamples !== 3) throw new Error("expected 3 samples");
 * ```
 *
 * @module
 */
// Types from the folders this one builds on that its signatures mention.
export type {
  MaskSpec,
  NestedNumbers,
  PerSampleLoss,
  ReduceFunction,
  Reduction,
  Tensor,
  TensorInput,
} from "../losses/mod.ts";
export { accumulateGradients, microBatchRows } from "./accumulation.ts";
export type {
  AccumulatedGradients,
  AccumulateOptions,
  AccumulationNormalization,
  TokenLossFunction,
  TrainableVariable,
} from "./accumulation.ts";
export { dpClippedGradients, perSampleGradientNorms } from "./per_sample_gradients.ts";
export type {
  DpClipOptions,
  DpClipResult,
  PerSampleGradientMethod,
  PerSampleGradientOptions,
} from "./per_sample_gradients.ts";
export { SampleTracker } from "./tracking.ts";
export type { TrackedValues, TrackOptions, TrackPass, TrackTask } from "./tracking.ts";
export { NonFiniteLossError, train } from "./train.ts";
export type {
  BatchLogs,
  ClassWeight,
  EpochLogs,
  LayersModel,
  ModelFunction,
  Optimizer,
  TrainCallbacks,
  TrainOptions,
  TrainResult,
  Variable,
} from "./train.ts";
