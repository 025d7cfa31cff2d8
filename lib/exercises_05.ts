/**
 * Checkers for the exercises of notebook 05.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 05, by id. */
export const EXERCISES_05: ExerciseSet = {};
