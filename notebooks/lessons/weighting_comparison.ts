/**
 * The same small classifier trained on imbalanced classes once per weighting (unweighted, class
 * weights "balanced" and "effective_number", focal loss) from identical initial weights, with each
 * run's per-class recall on held-out data: what weighting buys the rare classes, and what it costs.
 * How a run forms its weights and trains is the notebook's `trainRun`; this file repeats it over
 * the weightings and keeps the score.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossentropy } from "../../lib/losses/mod.ts";
import {
  formatShape,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../../lib/_core/tensor_input.ts";
import type { LayersModel } from "../../lib/training/mod.ts";
import { perClassRecall } from "../../lib/analysis/mod.ts";

/** How a run of {@linkcode compareWeightings} treats the classes. */
export type Weighting = "unweighted" | "balanced" | "effective_number" | "focal";

/** Every {@linkcode Weighting}, in the order the comparison reports them. */
export const WEIGHTINGS: readonly Weighting[] = [
  "unweighted",
  "balanced",
  "effective_number",
  "focal",
];

/** What one run's training reports back to {@linkcode compareWeightings}. */
export interface TrainedRun {
  /** The class weights the run trained with, indexed by class; omit (or `undefined`) for none. */
  classWeight?: readonly number[];
  /** Per-epoch training loss. */
  history: number[];
}

/** Options for {@linkcode compareWeightings}. */
export interface WeightingComparisonOptions {
  /** Builds the (uncompiled) classifier, softmax output `[batch, k]`; called once per run. */
  build: () => LayersModel;
  /**
   * Trains one run: gets the model (the same initial weights every run) and the weighting, trains
   * it in place and reports the class weights it used. This is the part the lesson is about.
   */
  trainRun: (model: LayersModel, weighting: Weighting) => Promise<TrainedRun>;
  /** Training inputs `[n, features]`. */
  xTrain: TensorInput;
  /** Training targets, one-hot `[n, k]`. */
  yTrain: TensorInput;
  /** Validation inputs, on which recall is measured. */
  xVal: TensorInput;
  /** Validation targets, one-hot `[m, k]`. */
  yVal: TensorInput;
  /** The runs, in order; default all four {@linkcode WEIGHTINGS}. */
  weightings?: readonly Weighting[];
  /** Class names for the table, indexed by class id; default `"class 0"`, `"class 1"`, …. */
  classNames?: readonly string[];
}

/** One training run of {@linkcode compareWeightings}. */
export interface WeightingRun {
  /** Which weighting. */
  weighting: Weighting;
  /** The class weights `trainRun` used, indexed by class (all 1 when it used none). */
  classWeight: number[];
  /** Recall of each class on the validation set (`NaN` for a class absent from it). */
  recall: number[];
  /** Validation accuracy. */
  accuracy: number;
  /** Mean of the per-class recalls (balanced accuracy). */
  balancedAccuracy: number;
  /** Per-epoch training loss as `trainRun` reported it (weighted, so not comparable across runs). */
  history: number[];
  /** Unweighted cross-entropy of every training sample after training, `[n]`. */
  trainLosses: number[];
}

/** What {@linkcode compareWeightings} measured. */
export interface WeightingComparison {
  /** The runs, in the order asked. */
  runs: WeightingRun[];
  /** Number of training samples of each class. */
  classCounts: number[];
  /** Class id of every training sample, `[n]`. */
  trainLabels: number[];
  /** Per-class recall of every run as an aligned text table (one row per run), for printing. */
  table: string;
}

function formatTable(runs: WeightingRun[], classNames: readonly string[]): string {
  const head = ["weighting", ...classNames, "accuracy", "balanced acc."];
  const rows = runs.map((r) => [
    r.weighting,
    ...r.recall.map((v) => (Number.isNaN(v) ? "-" : v.toFixed(2))),
    r.accuracy.toFixed(2),
    r.balancedAccuracy.toFixed(2),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

/**
 * Runs `trainRun` once per weighting, each time on a fresh `build()` model set to the first
 * run's initial weights, then scores the run: per-class recall and accuracy on the validation
 * set, and each training sample's unweighted cross-entropy after training (for
 * `classShareChart`). `trainRun` decides everything about training (class weights,
 * loss, optimizer, epochs, batches); give it a seed so every run sees the same batches. Models
 * are disposed; nothing leaks. Class names for the table come from `classNames` when the data set
 * has them (pass `{ ...dataset, build, trainRun }`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { setupBackend } from "../../lib/runtime/mod.ts";
 * import { classWeights, categoricalCrossentropy, categoricalFocalCrossentropy } from "../../lib/losses/mod.ts";
 * import { train } from "../../lib/training/mod.ts";
 * import { compareWeightings, type Weighting } from "./weighting_comparison.ts";
 * await setupBackend({ backend: "cpu", seed: 1 });
 * // 6 samples of class 0 at x = -1, 2 of class 1 at x = +1: separable, every run gets it right.
 * const x = [[-1], [-1], [-1], [-1], [-1], [-1], [1], [1]];
 * const y = [[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1]];
 * const build = () =>
 *   tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [1], activation: "softmax" })] });
 * const trainRun = async (model: tf.LayersModel, weighting: Weighting) => {
 *   const classWeight = weighting === "balanced" || weighting === "effective_number"
 *     ? classWeights(y, { method: weighting })
 *     : undefined;
 *   const loss = weighting === "focal" ? categoricalFocalCrossentropy : categoricalCrossentropy;
 *   const optimizer = tf.train.adam(0.1);
 *   const { history } = await train(model, x, y, { loss, classWeight, optimizer, epochs: 60, batchSize: 8, seed: 0, quiet: true });
 *   optimizer.dispose();
 *   return { classWeight, history: history.loss };
 * };
 * const result = await compareWeightings({ build, trainRun, xTrain: x, yTrain: y, xVal: x, yVal: y });
 * if (result.runs.length !== 4 || result.runs.some((r) => r.recall.join() !== "1,1")) throw new Error(result.table);
 * if (result.runs[1].classWeight.join() !== [8 / 12, 8 / 4].join()) throw new Error("balanced weights");
 * ```
 */
export async function compareWeightings(
  options: WeightingComparisonOptions,
): Promise<WeightingComparison> {
  const fn = "compareWeightings";
  for (const arg of ["build", "trainRun"] as const) {
    if (typeof options[arg] !== "function") {
      throw new TypeError(`${fn}: ${arg} is ${typeof options[arg]}, expected a function`);
    }
  }
  const weightings = options.weightings ?? WEIGHTINGS;
  if (!Array.isArray(weightings) || weightings.length === 0) {
    throw new RangeError(`${fn}: weightings is ${JSON.stringify(weightings)}, expected a list`);
  }
  for (const w of weightings) {
    if (!WEIGHTINGS.includes(w)) {
      throw new RangeError(
        `${fn}: weightings has "${w}", expected one of ${WEIGHTINGS.join(", ")}`,
      );
    }
  }

  const owned: Tensor[] = [];
  let initial: Tensor[] | null = null;
  const own = (value: TensorInput, arg: string): Tensor => {
    const t = toTensor(value, fn, arg);
    if (t !== value) owned.push(t);
    return t;
  };
  try {
    const xTrain = own(options.xTrain, "xTrain");
    const yTrain = own(options.yTrain, "yTrain");
    const xVal = own(options.xVal, "xVal");
    const yVal = own(options.yVal, "yVal");
    for (const [arg, y, x] of [["yTrain", yTrain, xTrain], ["yVal", yVal, xVal]] as const) {
      if (y.rank !== 2 || (y.shape[1] ?? 0) < 2 || y.shape[0] !== x.shape[0]) {
        throw new RangeError(
          `${fn}: ${arg} has shape ${formatShape(y.shape)}, expected one-hot [${x.shape[0]}, k]`,
        );
      }
    }
    const k = yTrain.shape[1] as number;
    const trainLabels = tf.tidy(() => Array.from(tf.argMax(yTrain, 1).dataSync()));
    const classCounts = new Array<number>(k).fill(0);
    trainLabels.forEach((c) => classCounts[c]++);
    const classNames = options.classNames ?? classCounts.map((_, c) => `class ${c}`);

    const runs: WeightingRun[] = [];
    for (const weighting of weightings) {
      const model = options.build();
      try {
        if (initial === null) initial = model.getWeights().map((w) => w.clone());
        else model.setWeights(initial);
        const trained = await options.trainRun(model, weighting);
        let probs: number[][] = [], trainLosses: number[] = [];
        tf.tidy(() => {
          probs = (model.predict(xVal) as Tensor).arraySync() as number[][];
          const pTrain = model.predict(xTrain) as Tensor;
          trainLosses = Array.from(categoricalCrossentropy(yTrain, pTrain).dataSync());
        });
        const recall = perClassRecall(yVal, probs);
        const present = recall.filter((r) => !Number.isNaN(r));
        const valLabels = tf.tidy(() => Array.from(tf.argMax(yVal, 1).dataSync()));
        const correct = valLabels.filter((c, i) =>
          probs[i].indexOf(Math.max(...probs[i])) === c
        ).length;
        runs.push({
          weighting,
          classWeight: trained.classWeight === undefined
            ? new Array<number>(k).fill(1)
            : [...trained.classWeight],
          recall,
          accuracy: correct / valLabels.length,
          balancedAccuracy: present.reduce((s, r) => s + r, 0) / present.length,
          history: trained.history,
          trainLosses,
        });
      } finally {
        model.dispose();
      }
    }
    return { runs, classCounts, trainLabels, table: formatTable(runs, classNames) };
  } finally {
    tf.dispose(owned);
    if (initial !== null) tf.dispose(initial);
  }
}
