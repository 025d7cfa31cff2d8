/**
 * Label-noise detectors read off one tracked training run, and how well each finds known flips:
 * the per-sample loss at the last epoch, self-confidence, the loss averaged over epochs, Dataset
 * Cartography's confidence, and forgetting events. Every one of them needs per-sample values: a
 * training loss that returns one value per sample hands them over in the training forward pass,
 * and a callback with an unreduced loss computes them after each epoch whatever the training loss
 * returns (a tracker with `pass: "clean"`); the batch mean alone gives none of them.
 *
 * @module
 */
import { dataMap } from "../../lib/analysis/mod.ts";
import { forgettingEvents } from "../../lib/analysis/mod.ts";
import { scoreDetector } from "../../lib/analysis/mod.ts";
import type { SampleTracker } from "../../lib/training/mod.ts";

/** The detectors {@linkcode noiseDetectorScores} computes, in table order. */
export const NOISE_DETECTORS = [
  "final loss",
  "self-confidence",
  "mean loss over epochs",
  "cartography confidence",
  "forgetting events",
] as const;

/** One of {@linkcode NOISE_DETECTORS}. */
export type NoiseDetector = typeof NOISE_DETECTORS[number];

/** One row of {@linkcode compareNoiseDetectors}'s table. */
export interface DetectorRow {
  /** The detector. */
  detector: NoiseDetector;
  /** Fraction of the `k` most suspicious samples that are truly flipped. */
  precisionAtK: number;
  /** ROC AUC of the scores against the flips (0.5 = chance, 1 = perfect). */
  rocAuc: number;
}

/** What {@linkcode compareNoiseDetectors} returns. */
export interface DetectorComparison {
  /** One row per detector, in the order of {@linkcode NOISE_DETECTORS}. */
  rows: DetectorRow[];
  /** The k of precision at k (the number of flips unless given). */
  k: number;
  /** Number of flipped samples. */
  numFlips: number;
  /** Number of samples. */
  numSamples: number;
  /** Precision at k of a detector that picks samples at random: `numFlips / numSamples`. */
  chancePrecision: number;
  /** The table as aligned text, with the chance row, for `console.log`. */
  table: string;
}

function checkTracker(fn: string, tracker: SampleTracker): void {
  if (tracker === null || typeof tracker !== "object" || !("numEpochs" in tracker)) {
    throw new TypeError(`${fn}: tracker is ${tracker}, expected a SampleTracker`);
  }
  if (tracker.trueProb === null) {
    throw new RangeError(
      `${fn}: the tracker's task is "${tracker.task}"; noise detectors need a classification run`,
    );
  }
  if (tracker.numEpochs < 1) throw new RangeError(`${fn}: the tracker has no epochs recorded`);
}

/**
 * Suspicion scores per training sample (higher = more likely mislabelled), one array per
 * detector, from a classification run tracked with `train(..., { track: true })`:
 *
 * - `"final loss"`: the sample's loss at the last epoch (fastai's top losses);
 * - `"self-confidence"`: `1 −` the probability of the given label at the last epoch (Confident
 *   Learning's self-confidence). With cross-entropy the loss is `−log p`, so this ranks samples
 *   exactly as the final loss does;
 * - `"mean loss over epochs"`: the loss averaged over all epochs;
 * - `"cartography confidence"`: `1 −` the mean probability of the given label over epochs (Dataset
 *   Cartography, Swayamdipta et al. 2020);
 * - `"forgetting events"`: the number of forgetting events (Toneva et al. 2019); samples never
 *   learned rank above all, scored `numEpochs` (more than any sample can be forgotten).
 *
 * "Given label" is the label the model was trained on, noisy or not: the detectors never see the
 * clean labels.
 *
 * @example
 * ```ts
 * import { SampleTracker } from "../../lib/training/mod.ts";
 * import { noiseDetectorScores } from "./noise_detectors.ts";
 * const t = new SampleTracker(2, { task: "multiclass" });
 * t.startEpoch();
 * t.record([0, 1], [0.1, 2.3], [0.9, 0.1], [1, 0]);
 * t.startEpoch();
 * t.record([0, 1], [0.1, 0.7], [0.9, 0.5], [1, 1]);
 * const s = noiseDetectorScores(t);
 * // sample 1: final loss 0.7, 1 − 0.5 = 0.5, mean loss 1.5, 1 − 0.3 = 0.7, no forgetting event
 * const one = (d: keyof typeof s) => s[d][1];
 * if (Math.abs(one("mean loss over epochs") - 1.5) > 1e-6 || one("forgetting events") !== 0) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function noiseDetectorScores(tracker: SampleTracker): Record<NoiseDetector, Float64Array> {
  checkTracker("noiseDetectorScores", tracker);
  const n = tracker.numSamples, e = tracker.numEpochs;
  const last = tracker.epoch(e - 1);
  const map = dataMap(tracker);
  const forgetting = forgettingEvents(tracker);
  const meanLoss = new Float64Array(n);
  const loss = tracker.loss;
  for (let t = 0; t < e; t++) for (let i = 0; i < n; i++) meanLoss[i] += loss[t * n + i] / e;
  return {
    "final loss": Float64Array.from(last.loss),
    "self-confidence": Float64Array.from(last.trueProb!, (p) => 1 - p),
    "mean loss over epochs": meanLoss,
    "cartography confidence": Float64Array.from(map.confidence, (c) => 1 - c),
    // rocAuc sorts by difference, and Infinity − Infinity is NaN: cap never-learned samples.
    "forgetting events": Float64Array.from(forgetting.score, (s) => Number.isFinite(s) ? s : e),
  };
}

/**
 * Scores every detector of {@linkcode noiseDetectorScores} against the known flips: precision
 * at k (default k = number of flips, so a perfect detector scores 1) and ROC AUC, with the chance
 * level in the printed table. Precision at k breaks ties by lower index, which matters for
 * forgetting counts (small integers, many ties).
 *
 * @example
 * ```ts
 * import { SampleTracker } from "../../lib/training/mod.ts";
 * import { compareNoiseDetectors } from "./noise_detectors.ts";
 * const t = new SampleTracker(4, { task: "multiclass" });
 * t.startEpoch();
 * t.record([0, 1, 2, 3], [0.1, 0.2, 3, 0.3], [0.9, 0.8, 0.05, 0.7], [1, 1, 0, 1]);
 * const c = compareNoiseDetectors(t, [0, 0, 1, 0]); // sample 2 was flipped
 * if (c.rows.some((r) => r.rocAuc !== 1) || c.chancePrecision !== 0.25) throw new Error(c.table);
 * ```
 */
export function compareNoiseDetectors(
  tracker: SampleTracker,
  flipped: ArrayLike<number | boolean>,
  options: { k?: number } = {},
): DetectorComparison {
  const fn = "compareNoiseDetectors";
  checkTracker(fn, tracker);
  if (flipped === null || typeof flipped !== "object" || typeof flipped.length !== "number") {
    throw new TypeError(`${fn}: flipped is ${flipped}, expected an array of 0/1 per sample`);
  }
  if (flipped.length !== tracker.numSamples) {
    throw new RangeError(
      `${fn}: flipped has ${flipped.length} entries, expected one per tracked sample ` +
        `(${tracker.numSamples})`,
    );
  }
  let numFlips = 0;
  for (let i = 0; i < flipped.length; i++) if (flipped[i]) numFlips++;
  if (numFlips === 0 || numFlips === flipped.length) {
    throw new RangeError(
      `${fn}: flipped marks ${numFlips} of ${flipped.length} samples; need flipped and clean ones`,
    );
  }
  const scores = noiseDetectorScores(tracker);
  const k = options.k ?? numFlips;
  const rows = NOISE_DETECTORS.map((detector): DetectorRow => {
    const s = scoreDetector(scores[detector], flipped, { k });
    return { detector, precisionAtK: s.precisionAtK, rocAuc: s.rocAuc };
  });
  const n = tracker.numSamples;
  const chancePrecision = numFlips / n;
  const width = Math.max(...NOISE_DETECTORS.map((d) => d.length), "chance".length);
  const line = (name: string, p: number, auc: number) =>
    `${name.padEnd(width)}  ${p.toFixed(2).padStart(14)}  ${auc.toFixed(3).padStart(7)}`;
  const table = [
    `${"detector".padEnd(width)}  ${`precision@${k}`.padStart(14)}  ${"ROC AUC".padStart(7)}`,
    ...rows.map((r) => line(r.detector, r.precisionAtK, r.rocAuc)),
    line("chance", chancePrecision, 0.5),
  ].join("\n");
  return { rows, k, numFlips, numSamples: n, chancePrecision, table };
}
