/**
 * Checkers for the exercises of notebook 06 (verdicts).
 *
 * @module
 */
import type { ExerciseSet } from "./_check.ts";

/** A ratio's median and interquartile range, as the timing functions report it. */
interface RatioSpread {
  median: number;
  q1: number;
  q3: number;
}

/** The exercises of notebook 06, by id. */
export const EXERCISES_06: ExerciseSet = {
  "06.1": {
    question: 'Write `verdictFor(ratio)` returning "slower", "faster" or ' +
      '"no measurable difference" from the interquartile range of array time / scalar time.',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself.";
      const fn = answer as (ratio: RatioSpread) => string;
      const cases: [RatioSpread, string][] = [
        [{ median: 1.3, q1: 1.1, q3: 1.5 }, "slower"],
        [{ median: 0.8, q1: 0.7, q3: 0.9 }, "faster"],
        [{ median: 1.02, q1: 0.9, q3: 1.2 }, "no measurable difference"],
        // A median above 1 is not enough when the spread still contains 1.
        [{ median: 1.08, q1: 0.97, q3: 1.25 }, "no measurable difference"],
        [{ median: 0.95, q1: 0.8, q3: 1.01 }, "no measurable difference"],
      ];
      for (const [ratio, want] of cases) {
        const got = fn({ ...ratio });
        if (got === want) continue;
        if (typeof got !== "string") return "Return one of the three strings.";
        if (ratio.q1 <= 1 && ratio.q3 >= 1) {
          return "Look at the whole interquartile range, not the median: when q1 ≤ 1 ≤ q3 the " +
            "repeats disagree about which is faster.";
        }
        return "Compare q1 and q3 with 1: the range lies entirely above 1, or entirely below it.";
      }
      return true;
    },
  },
  "06.2": {
    question: "Write `tokenWeights(tokenCounts)`: the weight of each sequence's mean loss in " +
      "Σ loss·mask / Σ mask.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself.";
      const fn = answer as (counts: number[]) => number[];
      const cases = [[122, 122, 122, 67, 122], [3, 1], [5, 0, 5], [7]];
      for (const counts of cases) {
        const got = fn([...counts]);
        if (!Array.isArray(got) || got.length !== counts.length) {
          return "Return one weight per sequence.";
        }
        const total = counts.reduce((s, n) => s + n, 0);
        const want = counts.map((n) => n / total);
        if (got.some((w, i) => !(Math.abs(w - want[i]) <= 1e-9))) {
          const sum = got.reduce((s, w) => s + w, 0);
          if (
            got.every((w) => Math.abs(w - got[0]) < 1e-12) && counts.some((n) => n !== counts[0])
          ) {
            return "Equal weights are the per-sequence normalisation. In the per-token one, a " +
              "sequence's mean is multiplied by its share of the real tokens.";
          }
          return Math.abs(sum - 1) > 1e-9
            ? "The weights of a mean over tokens add up to 1."
            : "A sequence with nᵢ real tokens contributes nᵢ · meanᵢ to the sum of losses.";
        }
      }
      return true;
    },
  },
};
