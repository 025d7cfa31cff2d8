/**
 * Every notebook exercise, and the one function notebooks call to check an answer.
 *
 * @module
 */
import {
  checkAnswer,
  checkPredictionIn,
  type CheckResult,
  type ExerciseSet,
  type PredictionSet,
} from "./_check.ts";

export { CheckResult } from "./_check.ts";
export type { Exercise, ExerciseSet, Prediction, PredictionSet } from "./_check.ts";
import { EXERCISES_00, PREDICTIONS_00 } from "./notebook_00.ts";
import { EXERCISES_01, PREDICTIONS_01 } from "./notebook_01.ts";
import { EXERCISES_02, PREDICTIONS_02 } from "./notebook_02.ts";
import { EXERCISES_03, PREDICTIONS_03 } from "./notebook_03.ts";
import { EXERCISES_04, PREDICTIONS_04 } from "./notebook_04.ts";
import { EXERCISES_05, PREDICTIONS_05 } from "./notebook_05.ts";
import { EXERCISES_06, PREDICTIONS_06 } from "./notebook_06.ts";
import { EXERCISES_07, PREDICTIONS_07 } from "./notebook_07.ts";

/** All exercises of the series, by id (`"NN.k"`). */
export const EXERCISES: ExerciseSet = {
  ...EXERCISES_00,
  ...EXERCISES_01,
  ...EXERCISES_02,
  ...EXERCISES_03,
  ...EXERCISES_04,
  ...EXERCISES_05,
  ...EXERCISES_06,
  ...EXERCISES_07,
};

/**
 * Checks a notebook exercise's answer: "correct", or a hint that does not give the answer away.
 * In a notebook: `await display(await checkExercise("01.1", myAnswer))` (`display` from the library).
 *
 * @example
 * ```ts
 * import { checkExercise, EXERCISES } from "./mod.ts";
 * for (const id of Object.keys(EXERCISES)) {
 *   const verdict = await checkExercise(id, undefined);
 *   if (verdict.ok) throw new Error(`${id} accepted no answer`);
 * }
 * ```
 */
export function checkExercise(id: string, answer: unknown): Promise<CheckResult> {
  return checkAnswer(EXERCISES, id, answer);
}

/** All predict-then-run exercises of the series, by id (`"NN.k"`). */
export const PREDICTIONS: PredictionSet = {
  ...PREDICTIONS_00,
  ...PREDICTIONS_01,
  ...PREDICTIONS_02,
  ...PREDICTIONS_03,
  ...PREDICTIONS_04,
  ...PREDICTIONS_05,
  ...PREDICTIONS_06,
  ...PREDICTIONS_07,
};

/**
 * Compares a learner's committed prediction with the value the notebook just measured, and
 * explains the gap. In a notebook:
 * `await display(checkPrediction("05.1", MY_PREDICTION, measured))`, after the cell that sets
 * `MY_PREDICTION` has been run. Without a prediction it asks for one and shows nothing measured.
 *
 * @example
 * ```ts
 * import { checkPrediction, PREDICTIONS } from "./mod.ts";
 * for (const id of Object.keys(PREDICTIONS)) {
 *   const verdict = await checkPrediction(id, undefined, 1);
 *   if (verdict.ok) throw new Error(`${id} accepted no prediction`);
 * }
 * ```
 */
export function checkPrediction(
  id: string,
  predicted: unknown,
  measured: unknown,
): Promise<CheckResult> {
  return checkPredictionIn(PREDICTIONS, id, predicted, measured);
}
