/**
 * Checkers for the exercises of notebook 06.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 06, by id. */
export const EXERCISES_06: ExerciseSet = {};
