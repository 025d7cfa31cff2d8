/**
 * Checkers for the exercises of notebook 02.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 02, by id. */
export const EXERCISES_02: ExerciseSet = {};
