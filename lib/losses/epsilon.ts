/**
 * The fuzz factor every loss shares.
 *
 * @module
 */

/**
 * Keras's fuzz factor `keras.backend.epsilon()`: probabilities are clipped to `[EPSILON, 1 − EPSILON]`
 * before a logarithm, and denominators are kept at least this large.
 *
 * @example
 * ```ts
 * import { EPSILON } from "./epsilon.ts";
 * if (EPSILON !== 1e-7) throw new Error("Keras's default epsilon is 1e-7");
 * ```
 */
export const EPSILON = 1e-7;
