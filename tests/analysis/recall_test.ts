import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { perClassRecall } from "../../lib/analysis/recall.ts";
import { assertClose, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu" });

Deno.test("perClassRecall: hand-counted recall from ids or one-hot labels", () => {
  // class 0: rows 0, 1 → predicted 0, 1 → 1 of 2; class 1: row 2 → 1 of 1; class 2: no rows.
  const scores = [[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.3, 0.6, 0.1]];
  assertClose(perClassRecall([0, 0, 1], scores), [0.5, 1, NaN]);
  assertClose(perClassRecall([[1, 0, 0], [1, 0, 0], [0, 1, 0]], scores), [0.5, 1, NaN]);
  const t = tf.tensor2d(scores);
  assertClose(perClassRecall([0, 0, 1], t), [0.5, 1, NaN]);
  t.dispose();
});

Deno.test("perClassRecall: bad input names the argument and its shape", () => {
  assertThrowsWith(
    () => perClassRecall([0, 1], [[1, 0], [0, 1], [1, 0]]),
    RangeError,
    "perClassRecall: labels has shape [2], expected [3] or [3, 2]",
  );
  assertThrowsWith(
    () => perClassRecall([0], [1, 0]),
    RangeError,
    "perClassRecall: scores has shape [2], expected [n, k], k ≥ 2",
  );
  assertThrowsWith(
    () => perClassRecall([0, 2], [[1, 0], [0, 1]]),
    RangeError,
    "perClassRecall: labels has 2 at 1, expected a class in [0, 2)",
  );
});
