/**
 * Checkers for the exercises of notebook 01.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 01, by id. */
export const EXERCISES_01: ExerciseSet = {};
