/**
 * Checkers for the exercises of notebook 04.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 04, by id. */
export const EXERCISES_04: ExerciseSet = {};
