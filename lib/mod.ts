/**
 * losslab: should a custom loss return one number for the batch, or an array of per-sample
 * losses? Keras-faithful per-sample losses and reductions, weighting, a training loop that honours
 * per-sample weights, per-sample analysis, sequence and graph losses, and charts that render in
 * every Jupyter front end. Built on `@tensorflow/tfjs`.
 *
 * @example
 * ```ts
 * import { setupBackend } from "./mod.ts";
 * await setupBackend({ backend: "cpu", seed: 0 });
 * ```
 *
 * @module
 */

// --- set-up -------------------------------------------------------------------------------
export { seededRandom, setupBackend } from "./backend.ts";
export { show } from "./show.ts";
export type { BackendInfo, BackendName, SetupOptions } from "./backend.ts";

// --- charts: core ---------------------------------------------------------------------------
export {
  Chart,
  compileSpec,
  rasterizeSVG,
  renderSVG,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
} from "./chart.ts";
export type { ChartOptions, MimeBundle, VegaLiteSpec } from "./chart.ts";

// --- data sets ------------------------------------------------------------------------------
export {
  fitStandardizer,
  loadAnscombe,
  loadCars,
  loadPenguins,
  loadSeattleWeather,
  splitIndices,
  standardize,
} from "./datasets.ts";
export type {
  AnscombeDataset,
  AnscombeSeries,
  DataRow,
  LoadOptions,
  Split,
  SplitOptions,
  Standardizer,
  TabularDataset,
} from "./datasets.ts";

// --- losses, reductions, weighting (issue 3) -------------------------------------------------
export { reduceLoss, REDUCTIONS } from "./reduce.ts";
export type { ReduceOptions, Reduction, SampleWeight } from "./reduce.ts";
export type { NestedNumbers, Tensor, Tensor1D, TensorInput } from "./tensor_input.ts";
export {
  EPSILON,
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "./regression_losses.ts";
export type { HuberOptions } from "./regression_losses.ts";
export {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from "./probabilistic_losses.ts";
export type {
  BinaryFocalOptions,
  CategoricalFocalOptions,
  CrossentropyOptions,
  SparseCrossentropyOptions,
} from "./probabilistic_losses.ts";
export { categoricalHinge, cosineSimilarity, hinge, squaredHinge } from "./margin_losses.ts";
export type { CosineSimilarityOptions } from "./margin_losses.ts";
export { makeLoss } from "./make_loss.ts";
export type { LossFunction, MakeLossOptions, PerSampleLoss } from "./make_loss.ts";
export { classWeights, sampleWeightsFromClassWeights } from "./class_weights.ts";
export type { ClassWeightMethod, ClassWeightOptions, LabelInput } from "./class_weights.ts";
export { inspectLoss } from "./inspect_loss.ts";
export type { InspectLossOptions, LossInspection, LossOutputKind } from "./inspect_loss.ts";

// --- chart family (issue 4) -----------------------------------------------------------------
export { perSampleChart } from "./per_sample_chart.ts";
export type { PerSampleChartOptions } from "./per_sample_chart.ts";
export type { LabelSeries, NumberMatrix, NumberSeries } from "./chart_data.ts";
export { lossDistributionChart } from "./loss_distribution_chart.ts";
export type { LossDistributionChartOptions } from "./loss_distribution_chart.ts";
export { lossComparisonChart } from "./loss_comparison_chart.ts";
export type { LossComparisonChartOptions } from "./loss_comparison_chart.ts";
export { classShareChart } from "./class_share_chart.ts";
export type { ClassShareChartOptions } from "./class_share_chart.ts";
export { trainingDynamicsChart } from "./training_dynamics_chart.ts";
export type { TrainingDynamicsChartOptions } from "./training_dynamics_chart.ts";
export { cartographyChart } from "./cartography_chart.ts";
export type { CartographyChartOptions, CartographyData } from "./cartography_chart.ts";
export { sequenceHeatmapChart } from "./sequence_heatmap_chart.ts";
export type { SequenceHeatmapChartOptions } from "./sequence_heatmap_chart.ts";
export { graphChart } from "./graph_chart.ts";
export type { GraphChartOptions, GraphData, NodeSplit } from "./graph_chart.ts";
export { CHART_COLORS } from "./chart_theme.ts";

// --- training, tracking, analysis (issue 5) -------------------------------------------------
export { NonFiniteLossError, train } from "./train.ts";
export type {
  BatchLogs,
  ClassWeight,
  EpochLogs,
  LayersModel,
  ModelFunction,
  Optimizer,
  ReduceFunction,
  TrainCallbacks,
  TrainOptions,
  TrainResult,
  Variable,
} from "./train.ts";
export { SampleTracker } from "./tracking.ts";
export type { TrackedValues, TrackOptions, TrackPass, TrackTask } from "./tracking.ts";
export { inJupyter, Progress } from "./progress.ts";
export type { JupyterApi, ProgressMode, ProgressOptions } from "./progress.ts";
export { lossSummary, topLosses } from "./analysis.ts";
export type {
  LossSummary,
  LossSummaryOptions,
  SampleValues,
  TopLoss,
  TopLossesOptions,
} from "./analysis.ts";
export { dataMap } from "./cartography.ts";
export type { CartographyRegion, DataMap, DataMapOptions } from "./cartography.ts";
export { forgettingEvents } from "./forgetting.ts";
export type { ForgettingStats } from "./forgetting.ts";
export { flipLabels, precisionAtK, rocAuc, scoreDetector } from "./label_noise.ts";
export type { DetectorScore, FlipLabelsOptions, FlippedLabels } from "./label_noise.ts";
export { keptMask, robustMean, topKMean, trimmedMean } from "./robust_aggregation.ts";
export type { RobustOptions } from "./robust_aggregation.ts";
export { dpClippedGradients, perSampleGradientNorms } from "./per_sample_gradients.ts";
export type {
  DpClipOptions,
  DpClipResult,
  PerSampleGradientMethod,
  PerSampleGradientOptions,
} from "./per_sample_gradients.ts";
export { arrayBatches, streamingEvaluate } from "./streaming_eval.ts";
export type {
  ArrayBatchOptions,
  Batch,
  StreamingEvalOptions,
  StreamingEvalResult,
} from "./streaming_eval.ts";

// --- structured data: sequences and graphs (issue 6) ----------------------------------------
export {
  compareNormalizations,
  maskedLoss,
  perSequenceLoss,
  resolveMask,
  SEQUENCE_NORMALIZATIONS,
  sequenceLossCells,
  sequenceMask,
} from "./masked_losses.ts";
export type {
  MaskedLossOptions,
  MaskSpec,
  NormalizationComparison,
  SequenceLossCell,
  SequenceLossCellsOptions,
  SequenceNormalization,
} from "./masked_losses.ts";
export { accumulateGradients, microBatchRows } from "./grad_accumulation.ts";
export type {
  AccumulatedGradients,
  AccumulateOptions,
  AccumulationNormalization,
  TokenLossFunction,
  TrainableVariable,
} from "./grad_accumulation.ts";
export { checkEdges, neighbourLists } from "./graph_edges.ts";
export type { Edge } from "./graph_edges.ts";
export {
  createGcn,
  gcnNodeLosses,
  gcnPredictions,
  maskedNodeLoss,
  normalizedAdjacency,
  trainGcn,
} from "./graph_conv.ts";
export type {
  AdjacencyOptions,
  GcnHistory,
  GcnModel,
  GcnOptions,
  NodeClassificationGraph,
  TrainGcnOptions,
} from "./graph_conv.ts";
export { egoNetworks, perGraphLoss, segmentMeanLoss } from "./segment_losses.ts";
export type { EgoNetworkBatch, EgoNetworkOptions } from "./segment_losses.ts";
export { forceLayout, graphViewData } from "./graph_layout.ts";
export type {
  ForceLayoutOptions,
  GraphLayout,
  GraphViewData,
  GraphViewEdge,
  GraphViewInput,
  GraphViewNode,
} from "./graph_layout.ts";
export { loadMiserables, miserablesFromJson } from "./miserables.ts";
export type {
  MiserablesDataset,
  MiserablesLink,
  MiserablesNode,
  MiserablesOptions,
} from "./miserables.ts";
export { loadStocks, stocksFromRows } from "./stocks.ts";
export type { StockRow, StocksDataset, StocksOptions } from "./stocks.ts";
export { createSequenceModel, perTimestepLosses, trainSequenceModel } from "./sequence_model.ts";
export type {
  SequenceModel,
  SequenceModelOptions,
  TrainSequenceOptions,
} from "./sequence_model.ts";

// --- exercise checkers (notebooks) ------------------------------------------------------------
export { CheckResult } from "./exercise.ts";
export type { Exercise, ExerciseSet } from "./exercise.ts";
export { checkExercise, EXERCISES } from "./exercises.ts";

// --- notebook experiments (issue 7) -----------------------------------------------------------
export { compareGradients, perSampleLosses, trainTwins } from "./same_training.ts";
export type {
  CompileLoss,
  GradientComparison,
  GradientComparisonOptions,
  PerSampleLossesOptions,
  TwinTrainingOptions,
  TwinTrainingResult,
} from "./same_training.ts";
export {
  compareAccumulation,
  sequenceTokenLoss,
  trainableVariables,
} from "./accumulation_comparison.ts";
export type {
  AccumulationComparison,
  AccumulationComparisonOptions,
  AccumulationRow,
} from "./accumulation_comparison.ts";
export { comparePerGraphLoss, perGraphLossLoop } from "./per_graph_comparison.ts";
export type { PerGraphComparison } from "./per_graph_comparison.ts";
// notebook 03 (weighted sample losses)
export { compareWeightings, perClassRecall, WEIGHTINGS } from "./weighting_comparison.ts";
export type {
  Weighting,
  WeightingComparison,
  WeightingComparisonOptions,
  WeightingRun,
} from "./weighting_comparison.ts";
export { classWeightTrap } from "./class_weight_trap.ts";
export type { ClassWeightTrap, ClassWeightTrapOptions } from "./class_weight_trap.ts";
// notebook 02 (sample-specific analysis)
export { fitLine } from "./line_fit.ts";
export type { LineFit } from "./line_fit.ts";
export { compareNoiseDetectors, NOISE_DETECTORS, noiseDetectorScores } from "./noise_detectors.ts";
export type { DetectorComparison, DetectorRow, NoiseDetector } from "./noise_detectors.ts";
// notebook 05 (considerations)
export { spread, timeTrainingSteps } from "./step_timing.ts";
export type { Spread, StepTiming, StepTimingOptions } from "./step_timing.ts";
export { findNonFinite } from "./find_non_finite.ts";
export { lossGradientWeights } from "./loss_gradient_weights.ts";
export { compareReductions } from "./reduction_comparison.ts";
export type { ReductionComparisonOptions, ReductionResult } from "./reduction_comparison.ts";
