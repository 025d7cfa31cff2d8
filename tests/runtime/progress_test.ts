import { inJupyter, Progress } from "../../lib/runtime/progress.ts";
import { assert, assertThrowsWith } from "../assert.ts";

Deno.test("Progress: quiet keeps the text and shows nothing; not in Jupyter under deno test", async () => {
  assert.equal(inJupyter(), false);
  const p = new Progress({ total: 2, quiet: true, label: "step" });
  assert.equal(p.mode, "quiet");
  await p.update(1, "loss 0.5");
  assert.equal(p.text, "step 1/2  loss 0.5");
  await p.done("finished");
  assert.equal(p.text, "step 1/2  finished");
});

Deno.test("Progress: in a kernel (fake Deno.jupyter), one display id, first shown then updated in place", async () => {
  const calls: { bundle: Record<string, string>; options: Record<string, unknown> }[] = [];
  const fake = {
    display(bundle: Record<string, string>, options: Record<string, unknown>): Promise<void> {
      calls.push({ bundle, options });
      return Promise.resolve();
    },
  };
  const p = new Progress({ total: 3, jupyter: fake });
  assert.equal(p.mode, "jupyter");
  await p.update(1, "a");
  await p.update(3, "c");
  await p.done();
  assert.ok(calls.length >= 2);
  const ids = new Set(calls.map((c) => c.options.display_id));
  assert.equal(ids.size, 1);
  assert.equal(calls[0].options.update, false);
  assert.ok(calls.slice(1).every((c) => c.options.update === true && c.options.raw === true));
  assert.equal(calls.at(-1)!.bundle["text/plain"], "epoch 3/3  c");
});

Deno.test("Progress: total must be a count of steps", () => {
  for (const total of [-1, 2.5, NaN]) {
    assertThrowsWith(
      () => new Progress({ total, quiet: true }),
      RangeError,
      `Progress: options.total is ${total}, expected an integer >= 0`,
    );
  }
  assert.equal(new Progress({ total: 0, quiet: true }).total, 0);
});
