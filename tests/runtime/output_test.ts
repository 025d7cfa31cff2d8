import { display, displayVia, OUTPUT_SETTLE_MS, settleOutput } from "../../lib/runtime/output.ts";
import { show } from "../../lib/runtime/show.ts";
import { assert, timerDelays } from "../assert.ts";

/** Runs `fn` with console.log captured; returns what it printed, one entry per call. */
async function captureLog(fn: () => Promise<void>): Promise<string[]> {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...values: unknown[]) => printed.push(values.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return printed;
}

Deno.test("display: outside a notebook prints the text/plain form", async () => {
  const verdict = {
    [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "Exercise 9.1: ✓ correct." }),
  };
  const printed = await captureLog(async () => {
    await display(verdict);
    await display({ "text/plain": "a raw bundle", "text/html": "<b>x</b>" }, { raw: true });
    await display(42);
  });
  assert.deepEqual(printed, ["Exercise 9.1: ✓ correct.", "a raw bundle", "42"]);
});

Deno.test("displayVia: in the kernel, the call returns only after the settle pause", async () => {
  const shown: { obj: unknown; at: number }[] = [];
  const fake = {
    display(obj: unknown): Promise<void> {
      shown.push({ obj, at: performance.now() });
      return Promise.resolve();
    },
  };
  const chart = { name: "chart" };
  const started = performance.now();
  await displayVia(fake, chart);
  const ended = performance.now();
  assert.equal(shown.length, 1);
  assert.equal(shown[0].obj, chart);
  // Handed to the kernel first, then the call waited at least the pause (timers may fire up to a
  // millisecond early).
  assert.ok(shown[0].at - started < OUTPUT_SETTLE_MS);
  assert.ok(ended - shown[0].at >= OUTPUT_SETTLE_MS - 1, `${ended - shown[0].at} ms`);
});

Deno.test("show: prints like console.log", async () => {
  assert.deepEqual(await captureLog(() => show("mean", 2)), ["mean 2"]);
});

Deno.test("settleOutput: outside a notebook it does not pause", async () => {
  // The timers it asks for, not the time it takes, which a busy machine stretches.
  const asked = await timerDelays(async () => {
    for (let i = 0; i < 5; i++) await settleOutput();
  });
  assert.deepEqual(asked, [0, 0, 0, 0, 0], "timers outside the kernel (ms)");
});
