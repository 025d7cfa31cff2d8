/**
 * losslab: should a custom loss return one number for the batch, or an array of per-sample
 * losses? Keras-faithful per-sample losses and reductions, weighting, a training loop that honours
 * per-sample weights, per-sample analysis, sequence and graph losses, and charts that render in
 * every Jupyter front end. Built on `@tensorflow/tfjs`.
 *
 * Each folder is also an entry point of its own (`deno.json` `exports`): `./losses` (the small
 * library, tfjs alone), `./charts`, `./training`, `./analysis`, `./structured`, `./datasets`,
 * `./runtime`.
 *
 * @example
 * ```ts
 * import { meanSquaredError, setupBackend } from "./mod.ts";
 * await setupBackend({ backend: "cpu", seed: 0 });
 * const perSample = meanSquaredError([[0], [0]], [[1], [3]]);
 * if (perSample.shape.join() !== "2") throw new Error("one loss per sample");
 * perSample.dispose();
 * ```
 *
 * @module
 */
export * from "./losses/mod.ts";
export * from "./training/mod.ts";
export * from "./analysis/mod.ts";
export * from "./structured/mod.ts";
export * from "./datasets/mod.ts";
export * from "./charts/mod.ts";
export * from "./runtime/mod.ts";
