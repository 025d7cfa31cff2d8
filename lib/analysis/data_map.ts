/**
 * Dataset Cartography (Swayamdipta et al. 2020): each training sample's confidence, variability
 * and correctness across epochs, and its region of the data map.
 *
 * @module
 */
import { SampleTracker } from "../training/tracking.ts";
import { assertFraction, assertKnownOptions, describeValue } from "../_core/checks.ts";
import { quantileSorted } from "../_core/sorted_stats.ts";

/** A data-map region. */
export type CartographyRegion = "easy-to-learn" | "ambiguous" | "hard-to-learn";

/** Options for {@linkcode dataMap}. */
export interface DataMapOptions {
  /**
   * Samples whose variability is at or above this quantile of all variabilities are
   * `"ambiguous"`; default `2/3` (the top third, as the paper's selections use).
   */
  ambiguousQuantile?: number;
  /** Of the rest, confidence at or above this is `"easy-to-learn"`, else `"hard-to-learn"`; default `0.5`. */
  confidenceThreshold?: number;
}

/** Per-sample coordinates of a data map (typed arrays of length `numSamples`). */
export interface DataMap {
  /** Mean probability of the true class across epochs. */
  confidence: Float32Array;
  /** Population standard deviation of that probability across epochs. */
  variability: Float32Array;
  /** Fraction of epochs in which the sample was predicted correctly. */
  correctness: Float32Array;
  /** The region of each sample. */
  region: CartographyRegion[];
  /** The variability at or above which a sample is ambiguous. */
  variabilityThreshold: number;
  /** Count of samples per region. */
  counts: Record<CartographyRegion, number>;
}

/**
 * The data map of a classification run tracked with `train(..., { track: true })`: per sample,
 * confidence `μᵢ = mean_e p_e(yᵢ | xᵢ)`, variability `σᵢ = std_e p_e(yᵢ | xᵢ)` (population std,
 * NumPy's default, as in the paper's code) and correctness (fraction of epochs correct). The paper
 * reads regions off the map; losslab labels them with a rule: the top third by variability is
 * ambiguous; the rest is easy-to-learn when confidence ≥ 0.5, else hard-to-learn.
 *
 * @example
 * ```ts
 * import { SampleTracker } from "../training/tracking.ts";
 * import { dataMap } from "./data_map.ts";
 * const t = new SampleTracker(3, { task: "multiclass" });
 * for (const p of [[0.9, 0.1, 0.2], [0.9, 0.9, 0.2]]) {
 *   t.startEpoch();
 *   t.record([0, 1, 2], [0, 0, 0], p, p.map((q) => (q > 0.5 ? 1 : 0)));
 * }
 * const m = dataMap(t);
 * if (m.region.join() !== "easy-to-learn,ambiguous,hard-to-learn") throw new Error(`${m.region}`);
 * ```
 */
export function dataMap(tracker: SampleTracker, options: DataMapOptions = {}): DataMap {
  const fn = "dataMap";
  if (!(tracker instanceof SampleTracker)) {
    throw new TypeError(`${fn}: tracker is ${describeValue(tracker)}, expected a SampleTracker`);
  }
  assertKnownOptions(fn, options, ["ambiguousQuantile", "confidenceThreshold"]);
  const prob = tracker.trueProb, correct = tracker.correct;
  if (prob === null || correct === null) {
    throw new RangeError(
      `${fn}: the tracker's task is "${tracker.task}"; a data map needs a classification run`,
    );
  }
  const e = tracker.numEpochs, n = tracker.numSamples;
  if (e < 1) throw new RangeError(`${fn}: the tracker has no epochs recorded`);
  const q = options.ambiguousQuantile ?? 2 / 3;
  const cut = options.confidenceThreshold ?? 0.5;
  assertFraction(fn, "options.ambiguousQuantile", q);
  assertFraction(fn, "options.confidenceThreshold", cut);
  const confidence = new Float32Array(n), variability = new Float32Array(n);
  const correctness = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0, c = 0;
    for (let t = 0; t < e; t++) {
      s += prob[t * n + i];
      c += correct[t * n + i];
    }
    const mu = s / e;
    let v = 0;
    for (let t = 0; t < e; t++) v += (prob[t * n + i] - mu) ** 2;
    confidence[i] = mu;
    variability[i] = Math.sqrt(v / e);
    correctness[i] = c / e;
  }
  const sorted = Float32Array.from(variability).sort();
  const threshold = quantileSorted(sorted, q);
  const counts: Record<CartographyRegion, number> = {
    "easy-to-learn": 0,
    ambiguous: 0,
    "hard-to-learn": 0,
  };
  const region = Array.from(variability, (v, i): CartographyRegion => {
    const r: CartographyRegion = v >= threshold && v > 0
      ? "ambiguous"
      : confidence[i] >= cut
      ? "easy-to-learn"
      : "hard-to-learn";
    counts[r]++;
    return r;
  });
  return { confidence, variability, correctness, region, variabilityThreshold: threshold, counts };
}
