/**
 * Checkers for the exercises of notebook 03.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 03, by id. */
export const EXERCISES_03: ExerciseSet = {};
