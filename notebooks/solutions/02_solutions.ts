/**
 * Reference solutions for notebook 02's exercises.
 *
 * @module
 */

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "02.2": () => (correct: number[]): number => {
    let events = 0;
    for (let t = 1; t < correct.length; t++) {
      if (correct[t - 1] === 1 && correct[t] === 0) events++;
    }
    return events;
  },
  "02.3": () => (probs: number[][], labels: number[]): number[] =>
    probs.map((row, i) => {
      const others = row.filter((_, c) => c !== labels[i]);
      return Math.max(...others) - row[labels[i]];
    }),
  "02.4": () => (scores: number[], isNoisy: number[], k: number): number => {
    const order = scores.map((_, i) => i).sort((i, j) => scores[j] - scores[i] || i - j);
    return order.slice(0, k).filter((i) => isNoisy[i]).length / k;
  },
};
