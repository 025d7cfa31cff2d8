/**
 * The experiments of the notebooks: repetitions, tables and formatting around the library, so the
 * cells can show the few lines of tfjs each lesson is about. Named by topic; several notebooks
 * share them.
 *
 * @module
 */
// The library types the lessons' signatures mention, so this entry point documents itself.
export type {
  AccumulationNormalization,
  LayersModel,
  NestedNumbers,
  Optimizer,
  PerSampleLoss,
  SampleTracker,
  Spread,
  Tensor,
  TensorInput,
  TokenLossFunction,
  TrackedValues,
  TrackPass,
  TrackTask,
  TrainableVariable,
} from "../../lib/mod.ts";
export {
  compareAccumulation,
  formatAccumulationRow,
  measureAccumulation,
} from "./accumulation_comparison.ts";
export type {
  AccumulatedStep,
  AccumulationComparison,
  AccumulationComparisonOptions,
  AccumulationMeasurement,
  AccumulationRow,
  GradientStep,
} from "./accumulation_comparison.ts";
export { classWeightTrap, fitStepGradient, trapSummary } from "./class_weight_trap.ts";
export type {
  ClassWeightTrap,
  ClassWeightTrapOptions,
  FitStepOptions,
  LossGradient,
  TrapMeasurement,
} from "./class_weight_trap.ts";
export {
  batchesWith,
  compareSeeds,
  epochBatches,
  macroF1,
  trainClassifier,
} from "./coupled_batches.ts";
export type {
  BatchesWithOptions,
  ClassifierLoss,
  MacroF1,
  SeedComparison,
  TrainClassifierOptions,
  TrainedClassifier,
} from "./coupled_batches.ts";
export { fitLine } from "./line_fit.ts";
export type { LineFit } from "./line_fit.ts";
export { compareNoiseDetectors, NOISE_DETECTORS, noiseDetectorScores } from "./noise_detectors.ts";
export type { DetectorComparison, DetectorRow, NoiseDetector } from "./noise_detectors.ts";
export { countKernels } from "./per_graph_comparison.ts";
export type { KernelCount } from "./per_graph_comparison.ts";
export {
  compareGradients,
  perSampleLosses,
  summarizeGradients,
  summarizeTwins,
} from "./same_training.ts";
export type {
  CompileLoss,
  GradientComparison,
  GradientComparisonOptions,
  GradientSummaryOptions,
  PerSampleLossesOptions,
  TwinSummary,
  TwinSummaryOptions,
  VariableGradients,
} from "./same_training.ts";
export { summarizeStepTimes, timeTrainingSteps } from "./step_timing.ts";
export type { StepTimesOptions, StepTiming, StepTimingOptions } from "./step_timing.ts";
export { compareWeightings, WEIGHTINGS } from "./weighting_comparison.ts";
export type {
  TrainedRun,
  Weighting,
  WeightingComparison,
  WeightingComparisonOptions,
  WeightingRun,
} from "./weighting_comparison.ts";
