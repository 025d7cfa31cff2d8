/**
 * Per-sample losses in Keras's names and semantics, the one reduction path they share
 * (`reduceLoss`: `sum_over_batch_size`, `sum`, `none`, with `sampleWeight`), class weighting,
 * `makeLoss`/`inspectLoss` for custom losses, robust reductions, and masked sequence and per-graph
 * losses. This folder is losslab's small library: it depends on `@tensorflow/tfjs` alone.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { meanSquaredError, reduceLoss } from "./mod.ts";
 * const perSample = meanSquaredError([[0], [0]], [[1], [3]]); // [1, 9]
 * const mean = reduceLoss(perSample); // sum_over_batch_size: 5
 * if (mean.dataSync()[0] !== 5) throw new Error("expected 5");
 * tf.dispose([perSample, mean]);
 * ```
 *
 * @module
 */
// Types from the folders this one builds on that its signatures mention.
export type { Edge } from "../_core/graph_edges.ts";
export type { Scalar } from "./_batch.ts";
export { leaveOneOutContributions, predictionGradientNorms } from "./batch_view.ts";
export type { BatchLoss } from "./batch_view.ts";
export { classWeights, sampleWeightsFromClassWeights } from "./class_weights.ts";
export type { ClassWeightMethod, ClassWeightOptions, LabelInput } from "./class_weights.ts";
export { ntXent, ntXentPerAnchor } from "./contrastive.ts";
export type { NtXentOptions, NtXentTermOptions } from "./contrastive.ts";
export { EPSILON } from "./epsilon.ts";
export { inspectLoss } from "./inspect_loss.ts";
export type {
  InspectLossOptions,
  LossInspection,
  LossOutputKind,
  SampleCoupling,
  SingleSampleRelation,
} from "./inspect_loss.ts";
export { makeLoss } from "./make_loss.ts";
export type { LossFunction, MakeLossOptions, PerSampleLoss } from "./make_loss.ts";
export { categoricalHinge, cosineSimilarity, hinge, squaredHinge } from "./margin.ts";
export type { CosineSimilarityOptions } from "./margin.ts";
export {
  compareNormalizations,
  maskedLoss,
  perSequenceLoss,
  resolveMask,
  SEQUENCE_NORMALIZATIONS,
  sequenceLossCells,
  sequenceMask,
} from "./masked.ts";
export type {
  MaskedLossOptions,
  MaskSpec,
  NormalizationComparison,
  SequenceLossCell,
  SequenceLossCellsOptions,
  SequenceNormalization,
} from "./masked.ts";
export { softDice, softF1 } from "./overlap.ts";
export type { SoftOverlapOptions } from "./overlap.ts";
export { egoNetworks, perGraphLoss, segmentMeanLoss } from "./per_graph.ts";
export type { EgoNetworkBatch, EgoNetworkOptions } from "./per_graph.ts";
export {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from "./probabilistic.ts";
export type {
  BinaryFocalOptions,
  CategoricalFocalOptions,
  CrossentropyOptions,
  SparseCrossentropyOptions,
} from "./probabilistic.ts";
export { pairwiseAucLoss } from "./ranking.ts";
export type { PairwiseAucOptions } from "./ranking.ts";
export { reduceLoss, REDUCTIONS } from "./reduce.ts";
export type { ReduceFunction, ReduceOptions, Reduction, SampleWeight } from "./reduce.ts";
export {
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "./regression.ts";
export type { HuberOptions } from "./regression.ts";
export { keptMask, robustMean, topKMean, trimmedMean } from "./robust.ts";
export type { RobustOptions } from "./robust.ts";
export { batchHardTriplet, batchHardTripletPerAnchor } from "./triplet.ts";
export type { TripletOptions, TripletTermOptions } from "./triplet.ts";
export type { NestedNumbers, Tensor, Tensor1D, TensorInput } from "../_core/tensor_input.ts";
