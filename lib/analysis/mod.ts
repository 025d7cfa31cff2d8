/**
 * Per-sample analysis: loss summaries and top losses, data maps, forgetting events, label-noise
 * scoring, the search for non-finite samples, streaming evaluation, per-class recall and the
 * spread of repeated measurements.
 *
 * @example
 * ```ts
 * import { lossSummary } from "./mod.ts";
 * const s = lossSummary([1, 2, 3, 10]);
 * if (s.mean !== 4) throw new Error(`mean ${s.mean}`);
 * ```
 *
 * @module
 */
// Types from the folders this one builds on that its signatures mention.
export type {
  LayersModel,
  ModelFunction,
  SampleTracker,
  TrackedValues,
  TrackPass,
  TrackTask,
} from "../training/mod.ts";
export type { NestedNumbers, PerSampleLoss, Tensor, TensorInput } from "../losses/mod.ts";
export { dataMap } from "./data_map.ts";
export type { CartographyRegion, DataMap, DataMapOptions } from "./data_map.ts";
export { forgettingEvents } from "./forgetting.ts";
export type { ForgettingStats } from "./forgetting.ts";
export { flipLabels, precisionAtK, rocAuc, scoreDetector } from "./label_noise.ts";
export type { DetectorScore, FlipLabelsOptions, FlippedLabels } from "./label_noise.ts";
export { findNonFinite } from "./non_finite.ts";
export { perClassRecall } from "./recall.ts";
export { spread } from "./spread.ts";
export type { Spread } from "./spread.ts";
export { arrayBatches, streamingEvaluate } from "./streaming_eval.ts";
export type {
  ArrayBatchOptions,
  Batch,
  StreamingEvalOptions,
  StreamingEvalResult,
} from "./streaming_eval.ts";
export { lossSummary, topLosses } from "./summary.ts";
export type {
  LossSummary,
  LossSummaryOptions,
  SampleValues,
  TopLoss,
  TopLossesOptions,
} from "./summary.ts";
