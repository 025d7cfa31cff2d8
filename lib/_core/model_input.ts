/**
 * The one check of data against a Layers model's declared input shape, so a wrong feature count
 * is reported with the argument's name rather than as a matrix-multiply error from inside tfjs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "./tensor_input.ts";

/**
 * Throws a RangeError when `model` is a `tf.LayersModel` with one input whose declared shape
 * (batch dimension aside) differs from `xShape`. A plain function model declares nothing and is
 * not checked.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { assertModelInput } from "./model_input.ts";
 * await tf.setBackend("cpu");
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
 * assertModelInput("demo", "x", model, [5, 3]);
 * try {
 *   assertModelInput("demo", "x", model, [5, 2]);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: x has shape [5, 2], expected [samples, 3] (the model's input shape)";
 *   if ((e as Error).message !== want) throw e;
 * }
 * model.dispose();
 * ```
 */
export function assertModelInput(
  fn: string,
  arg: string,
  model: unknown,
  xShape: readonly number[],
): void {
  if (!(model instanceof tf.LayersModel) || model.inputs.length !== 1) return;
  const declared = model.inputs[0].shape;
  const fits = declared.length === xShape.length &&
    declared.every((d, i) => i === 0 || d === null || d === xShape[i]);
  if (fits) return;
  const want = declared.map((d, i) => (i === 0 ? "samples" : d === null ? "any" : String(d)));
  throw new RangeError(
    `${fn}: ${arg} has shape ${formatShape(xShape)}, expected [${
      want.join(", ")
    }] (the model's input shape)`,
  );
}
