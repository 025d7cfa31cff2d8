/**
 * Keeps tfjs's "running in Node.js" advert for tfjs-node out of learners' output; imported for its
 * effect by the backend set-up.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

// tfjs's cpu backend advertises tfjs-node (which cannot be installed here) on its first tensor write,
// behind a `firstUse` field that every new instance sets. An accessor on the class keeps it false for
// every instance, so learners never see the advert; it needs no permissions.
const cpuBackend = tf.findBackend("cpu");
if (cpuBackend) {
  Object.defineProperty(Object.getPrototypeOf(cpuBackend), "firstUse", {
    get: () => false,
    set: () => {},
    configurable: true,
  });
  // This instance was constructed before the accessor existed and holds its own `firstUse`.
  delete (cpuBackend as { firstUse?: boolean }).firstUse;
}
