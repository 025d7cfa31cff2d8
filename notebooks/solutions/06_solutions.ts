/**
 * Reference solutions for notebook 06's exercises.
 *
 * @module
 */

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "06.1": () => (ratio: { median: number; q1: number; q3: number }): string =>
    ratio.q1 > 1 ? "slower" : ratio.q3 < 1 ? "faster" : "no measurable difference",
  "06.2": () => (tokenCounts: number[]): number[] => {
    const total = tokenCounts.reduce((s, n) => s + n, 0);
    return tokenCounts.map((n) => n / total);
  },
};
