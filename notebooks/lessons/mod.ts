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
  Chart,
  LayersModel,
  MimeBundle,
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
  VegaLiteSpec,
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
  compareGradientsByBatch,
  FLOAT32_EPSILON,
  FLOAT32_ROUNDING_TOLERANCE,
  perSampleLosses,
  roundingVerdict,
  summarizeGradients,
  summarizeTwins,
  trainTwins,
} from "./same_training.ts";
export type {
  BatchGradient,
  BatchGradientComparison,
  BatchGradientOptions,
  CompileLoss,
  GradientComparison,
  GradientComparisonOptions,
  GradientSummaryOptions,
  PerSampleLossesOptions,
  RoundingVerdict,
  TwinSummary,
  TwinSummaryOptions,
  TwinTraining,
  TwinTrainingOptions,
  VariableGradients,
} from "./same_training.ts";
export {
  bootstrapMedianCi,
  detectableDifference,
  formatTimingSweep,
  ratioVerdict,
  summarizeStepTimes,
  timeTrainingSteps,
  timingSweep,
  timingSweepChart,
} from "./step_timing.ts";
export type {
  BootstrapOptions,
  MedianCi,
  StepTimesOptions,
  StepTiming,
  StepTimingOptions,
  TimingRow,
  TimingSweepOptions,
} from "./step_timing.ts";
export { compareWeightings, WEIGHTINGS } from "./weighting_comparison.ts";
export type {
  TrainedRun,
  Weighting,
  WeightingComparison,
  WeightingComparisonOptions,
  WeightingRun,
} from "./weighting_comparison.ts";
export { CLAIMS, claimsTable, headingAnchor, sectionLink, verdictTable } from "./claims.ts";
export type { Claim, MarkdownTable, SectionRef, Verdict } from "./claims.ts";
export { STUDY_RATES, studyTime, studyTimeOf } from "./study_time.ts";
export type { StudyTime } from "./study_time.ts";
