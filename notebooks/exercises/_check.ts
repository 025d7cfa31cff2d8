/**
 * Self-checks for the notebooks' exercises: a learner passes an answer, the checker answers with
 * "correct" or a hint, never with the answer itself.
 *
 * @module
 */

/** The verdict on an answer. Displays itself in the Deno kernel. */
export class CheckResult {
  /** Whether the answer is right. */
  readonly ok: boolean;
  /** "Correct" with a note, or a hint towards the answer. */
  readonly message: string;
  /** The exercise this verdict is for, such as `"01.2"`. */
  readonly exercise: string;

  /** Makes a verdict for `exercise`. */
  constructor(exercise: string, ok: boolean, message: string) {
    this.exercise = exercise;
    this.ok = ok;
    this.message = message;
  }

  /** One line: the exercise, ✓ or ✗, and the message. */
  toString(): string {
    return `Exercise ${this.exercise}: ${this.ok ? "✓ correct" : "✗ not yet"}. ${this.message}`;
  }

  /** Called by the Deno kernel to display the verdict. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return {
      "text/markdown": `**Exercise ${this.exercise}: ${
        this.ok ? "✓ correct" : "✗ not yet"
      }.** ${this.message}`,
      "text/plain": this.toString(),
    };
  }
}

/** An exercise: what it asks, and a checker that turns an answer into "correct" or a hint. */
export interface Exercise {
  /** What the exercise asks, in one sentence. */
  question: string;
  /**
   * Checks `answer`. Returns `true` for a right answer, or a hint (a string) for a wrong one. It
   * must compute what it compares against independently, and must not reveal the answer.
   */
  check(answer: unknown): boolean | string | Promise<boolean | string>;
}

/** Exercises by id (`"NN.k"`: notebook NN, exercise k). */
export type ExerciseSet = Record<string, Exercise>;

/**
 * Checks `answer` against `exercises[id]`. A checker that throws counts as "not yet", with the
 * error's message as the hint, so a half-written answer never breaks the notebook.
 *
 * @example
 * ```ts
 * import { checkAnswer } from "./_check.ts";
 * const exercises = { "99.1": { question: "2 + 2?", check: (a: unknown) => a === 4 || "add again" } };
 * const verdict = await checkAnswer(exercises, "99.1", 5);
 * if (verdict.ok || verdict.message !== "add again") throw new Error("wrong verdict");
 * ```
 */
export async function checkAnswer(
  exercises: ExerciseSet,
  id: string,
  answer: unknown,
): Promise<CheckResult> {
  const exercise = exercises[id];
  if (!exercise) {
    throw new RangeError(
      `checkExercise: exercise is "${id}", expected one of ${Object.keys(exercises).join(", ")}`,
    );
  }
  if (answer === undefined) {
    return new CheckResult(id, false, `Write your answer first. ${exercise.question}`);
  }
  try {
    const verdict = await exercise.check(answer);
    return verdict === true
      ? new CheckResult(id, true, "Well done.")
      : new CheckResult(id, false, typeof verdict === "string" ? verdict : "Try again.");
  } catch (error) {
    return new CheckResult(id, false, `Your answer raised an error: ${(error as Error).message}`);
  }
}

/**
 * A predict-then-run exercise: the learner commits a prediction in one cell, the next cell
 * measures, and `compare` sets the prediction against the measurement and explains the gap.
 */
export interface Prediction {
  /** What to predict, in one sentence (with the unit or the choices). */
  question: string;
  /**
   * Compares `predicted` with `measured` (what the notebook's run produced). Returns whether the
   * prediction was close enough, and a message that states both values and explains the gap by
   * the lesson's idea.
   */
  compare(predicted: unknown, measured: unknown): { ok: boolean; message: string };
}

/** Predictions by id (`"NN.k"`, numbered with the notebook's exercises). */
export type PredictionSet = Record<string, Prediction>;

/**
 * Compares a learner's prediction with the measured value. With no prediction yet (`undefined`)
 * it asks for one and reveals nothing; a comparison that throws counts as "not yet".
 *
 * @example
 * ```ts
 * import { checkPredictionIn } from "./_check.ts";
 * const predictions = {
 *   "99.1": {
 *     question: "How many times larger is the sum than the mean of four values?",
 *     compare: (p: unknown, m: unknown) => ({
 *       ok: p === m,
 *       message: `you said ${p}, the run gave ${m}: the sum is n times the mean`,
 *     }),
 *   },
 * };
 * const none = await checkPredictionIn(predictions, "99.1", undefined, 4);
 * if (none.ok || none.message.includes("4")) throw new Error("revealed the measurement");
 * if (!(await checkPredictionIn(predictions, "99.1", 4, 4)).ok) throw new Error("rejected 4");
 * ```
 */
export function checkPredictionIn(
  predictions: PredictionSet,
  id: string,
  predicted: unknown,
  measured: unknown,
): Promise<CheckResult> {
  const prediction = predictions[id];
  if (!prediction) {
    throw new RangeError(
      `checkPrediction: prediction is "${id}", expected one of ${
        Object.keys(predictions).join(", ")
      }`,
    );
  }
  if (predicted === undefined) {
    return Promise.resolve(
      new CheckResult(
        id,
        false,
        `Commit a prediction first (set it in the cell above and run that cell), then run this ` +
          `one again. ${prediction.question}`,
      ),
    );
  }
  try {
    const { ok, message } = prediction.compare(predicted, measured);
    return Promise.resolve(new CheckResult(id, ok, message));
  } catch (error) {
    return Promise.resolve(
      new CheckResult(id, false, `Your prediction raised an error: ${(error as Error).message}`),
    );
  }
}
