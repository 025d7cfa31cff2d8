import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  createSequenceModel,
  perTimestepLosses,
  sequenceTokenLoss,
  trainableVariables,
} from "../../lib/structured/sequence_model.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "cpu" });

Deno.test("sequenceTokenLoss and trainableVariables: shapes and no leaks", async () => {
  const model = createSequenceModel({ units: 2, seed: 1 });
  const x = tf.zeros([4, 3, 1]), y = tf.ones([4, 3, 1]);
  const fn = sequenceTokenLoss(model, x, y);
  // assertNoLeak disposes a returned tensor; its shape stays readable.
  const part = await assertNoLeak(() => fn(1, 3));
  assert.deepEqual(part.shape, [2, 3]);
  // Rows 1..2 of the full per-token losses, computed on the whole batch.
  const whole = perTimestepLosses(model, x, y), rows = fn(1, 3);
  assertClose(rows, (whole.arraySync() as number[][]).slice(1, 3).flat(), 1e-6);
  assert.equal(trainableVariables(model).length, 5);
  tf.dispose([x, y, whole, rows]);
  model.dispose();
});
