/**
 * Checkers for the exercises of notebook 04 (structured data: sequences and graphs): two
 * predictions (how much the short series weighs, what the accumulation bug computes) and two
 * exercises that build weights so that a framework's fixed denominator gives the mean wanted.
 *
 * @module
 */
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";

type Matrix = number[][];

/** A `rows × cols` 0/1 mask with 1..cols real tokens per row, padded at either end. */
function randomMask(random: () => number, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, i) => {
    const n = 1 + Math.floor(random() * cols);
    const atStart = i % 2 === 1; // odd rows padded at the start, like GOOG
    return Array.from({ length: cols }, (_, t) => (atStart ? t >= cols - n : t < n) ? 1 : 0);
  });
}

function randomMatrix(random: () => number, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => random() * 5));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Plain-JS reference of the two normalisations a sample weight is asked to reproduce. */
function referenceLoss(loss: Matrix, mask: Matrix, normalization: "token" | "sequence"): number {
  const sums = loss.map((row, i) => sum(row.map((v, t) => v * mask[i][t])));
  const counts = mask.map((row) => sum(row));
  if (normalization === "token") return sum(sums) / sum(counts);
  const means = sums.filter((_, i) => counts[i] > 0).map((s, k) =>
    s / counts.filter((n) => n > 0)[k]
  );
  return sum(means) / means.length;
}

/** What Keras's default reduction does with a `[B, T]` loss and a `[B, T]` sample weight. */
function sumOverBatchSize(loss: Matrix, weights: Matrix): number {
  const elements = loss.length * loss[0].length;
  return sum(loss.map((row, i) => sum(row.map((v, t) => v * weights[i][t])))) / elements;
}

const close = (a: number, b: number, tolerance = 1e-9) =>
  Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

function isNumberMatrix(value: unknown, rows: number, cols: number): value is Matrix {
  return Array.isArray(value) && value.length === rows &&
    value.every((row) =>
      (Array.isArray(row) || ArrayBuffer.isView(row)) && (row as ArrayLike<number>).length === cols
    );
}

/** The exercises of notebook 04, by id. */
export const EXERCISES_04: ExerciseSet = {
  "04.3": {
    question: "Write `sampleWeightFor(mask, normalization)`: a [B, T] sample weight such that " +
      "Keras's default reduction, Σ ℓ·w / (B·T), equals the per-token mean (normalization " +
      '"token") or the per-sequence mean ("sequence") for any per-token losses ℓ.',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (mask: Matrix, normalization: string) => unknown;
      const random = seededRandom(41);
      const masks: Matrix[] = [[[1, 1, 1], [1, 0, 0]], randomMask(random, 4, 6)];
      // A row of padding only: it has no mean and must not count.
      const withEmpty = randomMask(random, 5, 7);
      withEmpty[2] = withEmpty[2].map(() => 0);
      masks.push(withEmpty, randomMask(random, 3, 9));
      for (const normalization of ["token", "sequence"] as const) {
        for (const mask of masks) {
          const rows = mask.length, cols = mask[0].length;
          const got = fn(mask.map((r) => r.slice()), normalization);
          if (!isNumberMatrix(got, rows, cols)) {
            return `Return one weight per token, ${rows} rows of ${cols} numbers for a ` +
              `${rows} × ${cols} mask (normalization "${normalization}").`;
          }
          const w = got.map((row) => Array.from(row as ArrayLike<number>));
          if (w.some((row, i) => row.some((v, t) => Number.isNaN(v) && mask[i][t] === 0))) {
            return `NaN at padding (normalization "${normalization}"): a sequence with no real ` +
              "token has no mean (0/0). Its tokens should weigh 0, and it should not be " +
              "counted among the sequences.";
          }
          if (w.some((row) => row.some((v) => !Number.isFinite(v)))) {
            return `Some weights are not finite numbers (normalization "${normalization}").`;
          }
          if (w.some((row, i) => row.some((v, t) => v !== 0 && mask[i][t] === 0))) {
            return "A padding token has a non-zero weight: its loss would enter the result. " +
              "Padding must weigh 0, whatever the normalisation.";
          }
          const losses = [randomMatrix(random, rows, cols), randomMatrix(random, rows, cols)];
          const ratios = losses.map((l) =>
            sumOverBatchSize(l, w) / referenceLoss(l, mask, normalization)
          );
          if (ratios.every((r) => close(r, 1))) continue;
          if (w.every((row, i) => row.every((v, t) => v === mask[i][t]))) {
            return "The mask itself is the sample_weight route: Keras then divides the masked " +
              "sum by B·T, every element padding included, so the result is the per-token " +
              "mean times the real fraction of the batch. See §3, the cell that prints the " +
              "B·T loss next to the per-token loss: what must each real token weigh instead?";
          }
          if (close(ratios[0], ratios[1], 1e-7)) {
            return `Right proportions, wrong scale (normalization "${normalization}"): Keras ` +
              "divides Σ ℓ·w by B·T, the number of elements, padding included. Your weights " +
              "must make up for that denominator.";
          }
          // Every real token weighing the same is the per-token mean, whatever the scale.
          const real = w.flatMap((row, i) => row.filter((_, t) => mask[i][t] === 1));
          const tokenLike = real.every((v) => close(v, real[0], 1e-7));
          if (normalization === "sequence" && tokenLike) {
            return 'For "sequence" your weights give every real token the same weight, so a ' +
              "long sequence counts more than a short one (the per-token mean). See §3, the " +
              "weights table: under the per-sequence mean, what does one sequence weigh, and " +
              "how is that shared among its tokens?";
          }
          return `Not quite (normalization "${normalization}"): for each real token, work out ` +
            "the weight it has in the normalisation asked for, then remember that Keras divides " +
            "the weighted sum by B·T.";
        }
      }
      return true;
    },
  },
  "04.4": {
    question: "Write `graphMeanWeights(segmentIds, numGraphs)`: one weight per stacked node such " +
      "that the plain mean over the stacked nodes of weight × loss equals the mean over graphs " +
      "of each graph's mean loss.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (segmentIds: number[], numGraphs: number) => unknown;
      const random = seededRandom(43);
      const cases: [number[], number][] = [[[0, 0, 1, 2, 2], 3]];
      for (const [n, g] of [[40, 7], [12, 12], [25, 3]]) {
        // Every graph gets one node first, so none is empty; the rest are spread at random.
        cases.push([Array.from({ length: n }, (_, j) => j < g ? j : Math.floor(random() * g)), g]);
      }
      for (const [ids, g] of cases) {
        const got = fn(ids.slice(), g);
        if (!Array.isArray(got) && !ArrayBuffer.isView(got)) {
          return "Return an array of numbers, one weight per stacked node.";
        }
        const w = Array.from(got as ArrayLike<number>);
        if (w.length !== ids.length) {
          return `Return one weight per stacked node: ${ids.length} nodes here, your array has ` +
            `${w.length}.`;
        }
        if (w.some((v) => !Number.isFinite(v))) return "Some weights are not finite numbers.";
        const sizes = new Array<number>(g).fill(0);
        ids.forEach((k) => sizes[k]++);
        const results = [0, 1].map(() => {
          const losses = ids.map(() => random() * 3);
          const graphSums = new Array<number>(g).fill(0);
          ids.forEach((k, j) => graphSums[k] += losses[j]);
          const want = sum(graphSums.map((s, k) => s / sizes[k])) / g;
          return { got: sum(losses.map((l, j) => w[j] * l)) / ids.length, want };
        });
        if (results.every((r) => close(r.got, r.want))) continue;
        if (w.every((v) => v === w[0])) {
          return "Every node weighs the same: that is the mean over stacked nodes, where a big " +
            "graph counts once per node it has. See §6, the cell that prints the two batch means.";
        }
        if (close(results[0].got / results[0].want, results[1].got / results[1].want, 1e-7)) {
          return "Right proportions between graphs, wrong scale: the plain mean divides by the " +
            "number of stacked nodes, not by the number of graphs. Make up for that denominator.";
        }
        return "Not quite: in the mean over graphs, what does one graph weigh, how is that " +
          "shared among its nodes, and what does the plain mean over stacked nodes divide by?";
      }
      return true;
    },
  },
};

/** What the notebook measures for prediction 04.1 (training months and all real months). */
export interface ShortSeriesWeight {
  /** GOOG's weight over a long series' weight under the per-token mean of the training months. */
  ratio: number;
  /** GOOG's training months. */
  shortMonths: number;
  /** A long series' training months. */
  longMonths: number;
  /** GOOG's real months, held-out ones included. */
  shortAllMonths: number;
  /** A long series' real months, held-out ones included. */
  longAllMonths: number;
}

/** What the notebook measures for prediction 04.2: the bug's loss and the three normalisations. */
export interface OneSeriesPerMicroBatch {
  /** Loss of the averaged micro-batch token means, one series per micro-batch. */
  bug: number;
  /** `Σ ℓ·m / Σ m`. */
  token: number;
  /** `Σ ℓ·m / (B·T)`. */
  elements: number;
  /** Mean over series of each series' token mean. */
  sequence: number;
}

const NORMALIZATION_NAMES = ["token", "elements", "sequence"] as const;
type NormalizationName = typeof NORMALIZATION_NAMES[number];

function normalizationName(value: unknown): NormalizationName {
  const text = typeof value === "string"
    ? value.toLowerCase().replace(/^(per|all)\s+/, "").replace(/\s+/g, "")
    : "";
  if (["token", "tokens"].includes(text)) return "token";
  if (["sequence", "sequences", "series"].includes(text)) return "sequence";
  if (["elements", "element", "b·t", "bt", "b*t", "batch"].includes(text)) return "elements";
  throw new TypeError(
    `the prediction is ${JSON.stringify(value)}, expected "token", "elements" or "sequence"`,
  );
}

const LABEL: Record<NormalizationName, string> = {
  token: "per token",
  elements: "all elements B·T",
  sequence: "per sequence",
};

/** The predict-then-run exercises of notebook 04, by id. */
export const PREDICTIONS_04: PredictionSet = {
  "04.1": {
    question: "Under the per-token mean of the training months (§3), how much does GOOG's " +
      "series weigh relative to one long series? Give a ratio (1 = the same weight).",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !Number.isFinite(predicted)) {
        throw new TypeError(
          `the prediction is ${JSON.stringify(predicted)}, expected a number such as 0.8`,
        );
      }
      const m = measured as ShortSeriesWeight;
      const ok = Math.abs(predicted - m.ratio) <= 0.05;
      let message = `${ok ? "Close." : "Not quite."} You predicted ${predicted.toFixed(2)}; the ` +
        `run measured ${m.ratio.toFixed(2)}. Under the per-token mean every real training ` +
        "month weighs the same, so a series weighs in proportion to its months: GOOG has " +
        `${m.shortMonths} training months, a long series ${m.longMonths}, and ` +
        `${m.shortMonths}/${m.longMonths} = ${(m.shortMonths / m.longMonths).toFixed(2)}.`;
      const allMonths = m.shortAllMonths / m.longAllMonths;
      if (!ok && Math.abs(predicted - 1) <= 0.05) {
        message += " 1 is the per-sequence mean's answer: there every series counts once, " +
          "whatever its length.";
      } else if (!ok && Math.abs(predicted - allMonths) <= 0.03) {
        message += ` ${allMonths.toFixed(2)} is the ratio of all real months ` +
          `(${m.shortAllMonths}/${m.longAllMonths}); the training loss also masks the held-out ` +
          "last months, which removes the same number of months from every series and so " +
          "shrinks the short one's share.";
      }
      return { ok, message };
    },
  },
  "04.2": {
    question: "With one series per micro-batch (K = 5), the buggy accumulation averages the " +
      'micro-batches\' own token means. Which normalisation of §3 does it equal: "token", ' +
      '"elements" or "sequence"?',
    compare(predicted, measured) {
      const guess = normalizationName(predicted);
      const m = measured as OneSeriesPerMicroBatch;
      const gaps = NORMALIZATION_NAMES.map((n) => ({ n, gap: Math.abs(m.bug - m[n]) }));
      const closest = gaps.reduce((a, b) => (b.gap < a.gap ? b : a));
      const equal = closest.gap <= 1e-5 * Math.max(1, Math.abs(m.bug));
      const ok = equal && guess === closest.n;
      let message = `You predicted "${LABEL[guess]}". The run: averaged micro-batch means ` +
        `${m.bug.toFixed(6)}; per token ${m.token.toFixed(6)}, all elements ` +
        `${m.elements.toFixed(6)}, per sequence ${m.sequence.toFixed(6)}. Closest: ` +
        `${LABEL[closest.n]} (|difference| ${closest.gap.toExponential(1)}).`;
      if (equal && closest.n === "sequence") {
        message += " With one series per micro-batch, a micro-batch's own token mean is that " +
          "series' mean, and averaging the K of them gives every series the weight 1/K, " +
          "whatever its length: the per-sequence mean.";
      }
      if (guess === "token") {
        message += " The per-token mean needs every micro-batch divided by the whole step's " +
          "real tokens (num_items_in_batch, the fix), not by its own.";
      } else if (guess === "elements") {
        message += " Nothing here divides by B·T: each micro-batch divides by its own real " +
          "months only.";
      }
      return { ok, message };
    },
  },
};
