/**
 * Checkers for the exercises of notebook 00.
 *
 * @module
 */
import type { ExerciseSet } from "./exercise.ts";

/** The exercises of notebook 00, by id. */
export const EXERCISES_00: ExerciseSet = {};
