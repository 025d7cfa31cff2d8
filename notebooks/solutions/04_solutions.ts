/**
 * Reference solutions for notebook 04's exercises.
 *
 * @module
 */

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "04.3": () => (mask: number[][], normalization: string): number[][] => {
    const elements = mask.length * mask[0].length;
    const counts = mask.map((row) => row.reduce((a, b) => a + b, 0));
    if (normalization === "token") {
      const real = counts.reduce((a, b) => a + b, 0);
      return mask.map((row) => row.map((m) => m * elements / real));
    }
    // Each non-empty sequence weighs 1/B' in total, shared equally among its real tokens.
    const nonEmpty = counts.filter((n) => n > 0).length;
    return mask.map((row, i) => row.map((m) => m === 0 ? 0 : elements / (nonEmpty * counts[i])));
  },
  "04.4": () => (segmentIds: number[], numGraphs: number): number[] => {
    const sizes = new Array<number>(numGraphs).fill(0);
    segmentIds.forEach((g) => sizes[g]++);
    return segmentIds.map((g) => segmentIds.length / (numGraphs * sizes[g]));
  },
};
