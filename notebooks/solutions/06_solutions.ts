/**
 * Reference solutions for notebook 06's exercises.
 *
 * @module
 */

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "06.1": () => (ci: { median: number; low: number; high: number }): string =>
    ci.low > 1 ? "array slower" : ci.high < 1 ? "array faster" : "no difference detectable",
  "06.3": () => (microBatches: { losses: number[][]; mask: number[][] }[]): number[] => {
    // One denominator for every micro-batch: the real tokens of the whole optimiser step.
    const sums = microBatches.map((b) =>
      b.losses.reduce((s, row, i) => s + row.reduce((t, l, j) => t + l * b.mask[i][j], 0), 0)
    );
    const tokens = microBatches.reduce(
      (s, b) => s + b.mask.reduce((t, row) => t + row.reduce((u, m) => u + m, 0), 0),
      0,
    );
    return sums.map((s) => s / tokens);
  },
};
