/**
 * Checkers for the exercises of notebook 02 (sample-specific analysis).
 *
 * @module
 */
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";

/** Forgetting events of one sample by their definition: a 1 followed directly by a 0. */
function referenceForgetting(correct: number[]): number {
  let events = 0;
  for (let t = 1; t < correct.length; t++) if (correct[t - 1] === 1 && correct[t] === 0) events++;
  return events;
}

/** Margin score per sample: largest probability of another class − probability of the label. */
function referenceMargin(probs: number[][], labels: number[]): number[] {
  return probs.map((row, i) => {
    let other = -Infinity;
    row.forEach((p, c) => {
      if (c !== labels[i] && p > other) other = p;
    });
    return other - row[labels[i]];
  });
}

/** Precision at k: the share of truly noisy samples among the k highest scores (ties: lower index). */
function referencePrecision(scores: number[], noisy: number[], k: number): number {
  const order = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let hits = 0;
  for (let r = 0; r < k; r++) hits += noisy[order[r][1]];
  return hits / k;
}

function randomProbs(random: () => number, n: number, k: number): number[][] {
  return Array.from({ length: n }, () => {
    const raw = Array.from({ length: k }, () => random() ** 2 + 1e-3);
    const total = raw.reduce((s, v) => s + v, 0);
    return raw.map((v) => v / total);
  });
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));

/** The exercises of notebook 02, by id. */
export const EXERCISES_02: ExerciseSet = {
  "02.2": {
    question: "Write `forgettingCount(correct: number[]): number`: how many forgetting events a " +
      "sample has, given whether it was classified correctly (1) or not (0) at each epoch.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (correct: number[]) => number;
      const random = seededRandom(21);
      const cases: number[][] = [
        [1, 0, 1, 0],
        [0, 0, 1, 1],
        [1, 1, 1],
        [0],
        [0, 1, 0, 0, 1, 1, 0],
        ...Array.from(
          { length: 20 },
          () => Array.from({ length: 12 }, () => random() < 0.6 ? 1 : 0),
        ),
      ];
      for (const correct of cases) {
        const got = fn([...correct]);
        const want = referenceForgetting(correct);
        if (typeof got !== "number" || !Number.isInteger(got)) {
          return "Return a whole number: the count of events.";
        }
        if (got === want) continue;
        let learned = 0, changes = 0;
        for (let t = 1; t < correct.length; t++) {
          if (correct[t - 1] === 0 && correct[t] === 1) learned++;
          if (correct[t - 1] !== correct[t]) changes++;
        }
        if (got === learned) {
          return "That counts the epochs where a sample is learned (0 then 1). Forgetting is the " +
            "other direction.";
        }
        if (got === changes) return "That counts every change; only one direction is forgetting.";
        return "Not quite: reread the definition of a forgetting event in §6 (or the glossary): " +
          "what has to happen between two epochs for a sample to be forgotten?";
      }
      return true;
    },
  },
  "02.3": {
    question:
      "Write `marginScore(probs: number[][], labels: number[]): number[]`: for each sample, " +
      "the largest probability given to any other class minus the probability of its given label.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (probs: number[][], labels: number[]) => number[];
      const random = seededRandom(22);
      const cases: [number[][], number[]][] = [
        [[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], [0, 0]],
        [randomProbs(random, 30, 3), Array.from({ length: 30 }, (_, i) => i % 3)],
        [randomProbs(random, 25, 5), Array.from({ length: 25 }, () => Math.floor(random() * 5))],
      ];
      for (const [probs, labels] of cases) {
        const got = fn(probs.map((r) => [...r]), [...labels]);
        const want = referenceMargin(probs, labels);
        if (!Array.isArray(got) || got.length !== want.length) {
          return `Return an array with one score per sample (${want.length} here).`;
        }
        if (got.every((g, i) => close(g, want[i]))) continue;
        if (got.every((g, i) => close(g, -want[i]))) {
          return "The sign is reversed: a suspicious sample (another class more likely than its " +
            "label) should score high.";
        }
        const withLabel = probs.map((row, i) => Math.max(...row) - row[labels[i]]);
        if (got.every((g, i) => close(g, withLabel[i]))) {
          return "Your maximum includes the label's own class: take the largest probability among " +
            "the *other* classes, so a confident correct sample scores below 0.";
        }
        return "Not quite: the margin compares the label with its strongest rival class. A sample " +
          "the model believes (high probability on its label) should score low, one whose label " +
          "loses to another class should score above 0.";
      }
      return true;
    },
  },
  "02.4": {
    question: "Write `precisionAt(scores: number[], isNoisy: number[], k: number): number`: the " +
      "fraction of the k highest-scoring samples that are truly noisy (ties: lower index first).",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (scores: number[], isNoisy: number[], k: number) => number;
      const random = seededRandom(23);
      const cases: [number[], number[], number][] = [
        [[0.8, 0.1, 0.7, 0.2, 0.95], [0, 0, 1, 0, 1], 2],
        [[3, 1, 2], [1, 0, 0], 1],
        [[1, 1, 1, 1], [0, 1, 0, 1], 2],
        ...Array.from({ length: 5 }, (): [number[], number[], number] => {
          const n = 40;
          const noisy = Array.from({ length: n }, () => (random() < 0.2 ? 1 : 0));
          const scores = noisy.map((v) => random() + v * random());
          return [scores, noisy, 1 + Math.floor(random() * 15)];
        }),
      ];
      for (const [scores, noisy, k] of cases) {
        const got = fn([...scores], [...noisy], k);
        const want = referencePrecision(scores, noisy, k);
        if (typeof got !== "number" || !Number.isFinite(got)) return "Return a number in [0, 1].";
        if (close(got, want)) continue;
        const hits = want * k;
        if (close(got, hits)) return "That is the number of hits; divide by k for a precision.";
        const lowest = referencePrecision(scores.map((s) => -s), noisy, k);
        if (close(got, lowest)) {
          return "You took the k lowest scores: a higher score means more suspicious.";
        }
        if (close(got, hits / noisy.reduce((s, v) => s + v, 0))) {
          return "That divides by the number of noisy samples (recall); precision divides by k.";
        }
        return "Not quite: reread how §7 defines precision at k, the share of truly noisy samples " +
          "among the k the detector finds most suspicious; check which samples count as the k " +
          "most suspicious when scores tie.";
      }
      return true;
    },
  },
};

/** What exercise 02.1 measures on the tracked penguin run of notebook 02. */
export interface FirstEpochFlips {
  /** Flipped labels among the k highest losses of epoch 1. */
  firstEpoch: number;
  /** Flipped labels among the k highest losses of the last epoch. */
  lastEpoch: number;
  /** k: the number of flipped labels. */
  k: number;
  /** Number of training samples. */
  samples: number;
  /** Number of epochs tracked. */
  epochs: number;
}

/** The predict-then-run exercises of notebook 02, by id. */
export const PREDICTIONS_02: PredictionSet = {
  "02.1": {
    question: "How many of the flipped labels are among the k highest losses of epoch 1, with k " +
      "the number of flips? Predict a whole number from 0 to k.",
    compare(predicted, measured) {
      const m = measured as FirstEpochFlips;
      if (typeof predicted !== "number" || !Number.isFinite(predicted)) {
        return { ok: false, message: `Predict a count: a number from 0 to ${m.k}.` };
      }
      // A prediction within a fifth of k (at least 2) reads the lesson right; the run is one seed.
      const tolerance = Math.max(2, Math.round(m.k / 5));
      const ok = Math.abs(predicted - m.firstEpoch) <= tolerance;
      const chance = (m.k * m.k) / m.samples;
      const values =
        `You predicted ${predicted} of ${m.k}; the run put ${m.firstEpoch} flips among ` +
        `the ${m.k} highest losses of epoch 1 and ${m.lastEpoch} at epoch ${m.epochs}, where a ` +
        `random ranking would hold about ${chance.toFixed(1)}.`;
      const why = predicted > m.firstEpoch
        ? " A label is only wrong relative to what the model knows: during epoch 1 it has barely " +
          "learned the species, so a flipped penguin's loss is high like everyone else's. The flips " +
          "separate as training goes on, clean losses falling and flipped ones rising (§4)."
        : " The tracker reads epoch 1 in the training forward pass, while the model already learns " +
          "the species from the clean majority, so the flipped penguins start to stand out within " +
          "the first epoch; they separate fully as clean losses fall and flipped ones rise (§4).";
      return {
        ok,
        message: values + why +
          " A per-sample loss measures the model as much as the label: read " +
          "it late in training, or average it over epochs as §7's detectors do.",
      };
    },
  },
};
