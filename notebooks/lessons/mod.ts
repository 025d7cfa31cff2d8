/**
 * The experiments of the notebooks: repetitions, tables and formatting around the library, so the
 * cells can show the few lines of tfjs each lesson is about. Named by topic; several notebooks
 * share them.
 *
 * @module
 */
export { compareAccumulation } from "./accumulation_comparison.ts";
export type {
  AccumulationComparison,
  AccumulationComparisonOptions,
  AccumulationRow,
} from "./accumulation_comparison.ts";
export { classWeightTrap } from "./class_weight_trap.ts";
export type { ClassWeightTrap, ClassWeightTrapOptions } from "./class_weight_trap.ts";
export { fitLine } from "./line_fit.ts";
export type { LineFit } from "./line_fit.ts";
export { lossGradientWeights } from "./loss_gradient_weights.ts";
export { compareNoiseDetectors, NOISE_DETECTORS, noiseDetectorScores } from "./noise_detectors.ts";
export type { DetectorComparison, DetectorRow, NoiseDetector } from "./noise_detectors.ts";
export { comparePerGraphLoss, perGraphLossLoop } from "./per_graph_comparison.ts";
export type { PerGraphComparison } from "./per_graph_comparison.ts";
export { compareReductions } from "./reduction_comparison.ts";
export type { ReductionComparisonOptions, ReductionResult } from "./reduction_comparison.ts";
export { compareGradients, perSampleLosses, trainTwins } from "./same_training.ts";
export type {
  CompileLoss,
  GradientComparison,
  GradientComparisonOptions,
  PerSampleLossesOptions,
  TwinTrainingOptions,
  TwinTrainingResult,
} from "./same_training.ts";
export { timeTrainingSteps } from "./step_timing.ts";
export type { StepTiming, StepTimingOptions } from "./step_timing.ts";
export { compareWeightings, WEIGHTINGS } from "./weighting_comparison.ts";
export type {
  Weighting,
  WeightingComparison,
  WeightingComparisonOptions,
  WeightingRun,
} from "./weighting_comparison.ts";
