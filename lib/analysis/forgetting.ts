/**
 * Forgetting events (Toneva et al. 2019): how often each training sample goes from correctly
 * to incorrectly classified during training.
 *
 * @module
 */
import { SampleTracker } from "../training/tracking.ts";
import { describeValue } from "../_core/checks.ts";

/** What {@linkcode forgettingEvents} returns (typed arrays of length `numSamples`). */
export interface ForgettingStats {
  /** Number of forgetting events (correct at one epoch, wrong at the next) per sample. */
  events: Int32Array;
  /** First epoch at which the sample was correct, or `-1` if never. */
  firstLearned: Int32Array;
  /** 1 for samples learned at some epoch and never forgotten afterwards. */
  unforgettable: Uint8Array;
  /**
   * Sort key for "most forgettable first", as the paper ranks: the event count, with samples
   * never learned counted as `Infinity`.
   */
  score: Float64Array;
  /** Number of unforgettable samples. */
  numUnforgettable: number;
  /** Number of samples never classified correctly. */
  numNeverLearned: number;
}

/**
 * Forgetting events per sample from a classification run tracked with `train(..., { track: true })`.
 * A forgetting event of sample i at epoch t is `correct[t−1][i] = 1` and `correct[t][i] = 0`;
 * an unforgettable sample is learned at some epoch and has no forgetting event; samples never
 * learned are treated as forgotten infinitely often, as in the paper. The paper counts events per
 * presentation of the sample in its mini-batch, which is what the default `"training"` pass records.
 *
 * @example
 * ```ts
 * import { SampleTracker } from "../training/tracking.ts";
 * import { forgettingEvents } from "./forgetting.ts";
 * const t = new SampleTracker(3, { task: "multiclass" });
 * for (const c of [[1, 0, 0], [0, 1, 0], [1, 1, 0]]) {
 *   t.startEpoch();
 *   t.record([0, 1, 2], [0, 0, 0], [0, 0, 0], c);
 * }
 * const f = forgettingEvents(t);
 * // sample 0: 1 -> 0 -> 1 (one event); sample 1: learned at epoch 1, kept; sample 2: never
 * if (f.events.join() !== "1,0,0" || f.unforgettable.join() !== "0,1,0") throw new Error("unexpected");
 * ```
 */
export function forgettingEvents(tracker: SampleTracker): ForgettingStats {
  if (!(tracker instanceof SampleTracker)) {
    throw new TypeError(
      `forgettingEvents: tracker is ${describeValue(tracker)}, expected a SampleTracker`,
    );
  }
  if (tracker.numEpochs === 0) {
    throw new RangeError("forgettingEvents: the tracker has no epochs recorded");
  }
  const correct = tracker.correct;
  if (correct === null) {
    throw new RangeError(
      `forgettingEvents: the tracker's task is "${tracker.task}"; forgetting needs a classification run`,
    );
  }
  const e = tracker.numEpochs, n = tracker.numSamples;
  const events = new Int32Array(n), firstLearned = new Int32Array(n).fill(-1);
  const unforgettable = new Uint8Array(n), score = new Float64Array(n);
  let numUnforgettable = 0, numNeverLearned = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < e; t++) {
      const c = correct[t * n + i];
      if (c === 1 && firstLearned[i] < 0) firstLearned[i] = t;
      if (t > 0 && correct[(t - 1) * n + i] === 1 && c === 0) events[i]++;
    }
    if (firstLearned[i] < 0) {
      numNeverLearned++;
      score[i] = Infinity;
    } else {
      score[i] = events[i];
      if (events[i] === 0) {
        unforgettable[i] = 1;
        numUnforgettable++;
      }
    }
  }
  return { events, firstLearned, unforgettable, score, numUnforgettable, numNeverLearned };
}
