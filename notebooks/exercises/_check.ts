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
