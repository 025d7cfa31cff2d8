/**
 * `tf.variableGrads` that frees what the forward pass saved for the backward pass when the
 * function throws; tfjs frees those only when the gradient completes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * `tf.variableGrads`, minus a tfjs leak: the forward pass keeps clones of its tensors for the
 * backward pass, and tfjs frees them only when the gradient completes, so an error in the model
 * or the loss would strand them.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { variableGradsFreeingTape } from "./gradients.ts";
 * const w = tf.variable(tf.scalar(3));
 * const before = tf.memory().numTensors;
 * try {
 *   variableGradsFreeingTape(() => {
 *     tf.square(w);
 *     throw new Error("inside the loss");
 *   }, [w]);
 * } catch { /* the caller's error passes through *\/ }
 * if (tf.memory().numTensors !== before) throw new Error("leaked");
 * w.dispose();
 * ```
 */
export function variableGradsFreeingTape(
  f: () => tf.Scalar,
  varList?: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine();
  const ours: { tape?: typeof engine.state.activeTape } = {};
  try {
    return tf.variableGrads(() => {
      ours.tape = engine.state.activeTape;
      return f();
    }, varList);
  } catch (error) {
    // A tape shared with an enclosing gradient (depth > 0) is not ours to free.
    if (ours.tape && engine.state.gradientDepth === 0) {
      for (const node of ours.tape) tf.dispose(node.saved ?? []);
    }
    throw error;
  }
}
