/**
 * Properties of the notebook-output exports, outside the Jupyter kernel (as `deno test` runs) and
 * inside a stand-in for it: `Deno.jupyter` has a setter, so a test can install a fake display
 * function for the length of a call and then clear it. Outputs reach the display function (or the
 * console) unchanged and in order; every output call in the kernel waits at least
 * `OUTPUT_SETTLE_MS`; bad arguments give an Error naming them.
 */
import { fc, prop, rejectsNaming } from "./_fc.ts";
import { assert, timerDelays } from "../assert.ts";
import {
  display,
  displayVia,
  inJupyter,
  OUTPUT_SETTLE_MS,
  Progress,
  settleOutput,
  show,
} from "../../lib/runtime/mod.ts";

type Shown = { obj: unknown; options: unknown; at: number };

/** A fake `Deno.jupyter.display` that records what it is given, and when. */
function recorder() {
  const shown: Shown[] = [];
  const api = {
    display(obj: unknown, options?: Record<string, unknown>): Promise<void> {
      shown.push({ obj, options, at: performance.now() });
      return Promise.resolve();
    },
  };
  return { shown, api };
}

/** Runs `f` as if inside the Deno kernel, with `api` as `Deno.jupyter`; clears it afterwards. */
async function inKernel<T>(api: unknown, f: () => Promise<T> | T): Promise<T> {
  const deno = Deno as unknown as { jupyter: unknown };
  deno.jupyter = api;
  try {
    return await f();
  } finally {
    // Outside the kernel the getter throws; undefined reads the same to losslab (no kernel).
    deno.jupyter = undefined;
  }
}

/** Runs `f` with `console.log` captured: one array of arguments per call. */
async function captureLog(f: () => Promise<void>): Promise<unknown[][]> {
  const printed: unknown[][] = [];
  const original = console.log;
  console.log = (...values: unknown[]) => void printed.push(values);
  try {
    await f();
  } finally {
    console.log = original;
  }
  return printed;
}

/**
 * `performance.now()` and timers both round to the millisecond here, so a pause of exactly
 * `OUTPUT_SETTLE_MS` can measure up to 1 ms short; that is clock granularity, not a shorter pause.
 */
const SETTLED = OUTPUT_SETTLE_MS - 1;

/** What a display prints outside the kernel, from its documented rule (plain re-statement). */
function plainTextOf(obj: unknown): string {
  const own = (obj as Record<symbol, unknown> | null)?.[Symbol.for("Jupyter.display")];
  const bundle = typeof own === "function" ? (own as () => unknown).call(obj) : obj;
  const text = (bundle as Record<string, unknown> | null)?.["text/plain"];
  if (typeof text === "string") return text;
  return typeof obj === "string" ? obj : Deno.inspect(obj);
}

/** Things a notebook displays: text, numbers, MIME bundles, objects that format themselves. */
const displayable = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.string({ maxLength: 12 }).map((s) => ({ "text/plain": s, "text/html": `<b>${s}</b>` })),
  fc.string({ maxLength: 12 }).map((s) => ({
    [Symbol.for("Jupyter.display")]: () => ({ "text/plain": `formatted ${s}` }),
  })),
  fc.record({ a: fc.integer(), b: fc.string({ maxLength: 4 }) }),
);

const displayOptions = fc.option(
  fc.record(
    { raw: fc.boolean(), update: fc.boolean(), display_id: fc.string({ maxLength: 8 }) },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

prop(["inJupyter"], "inJupyter is false under deno test and true with a kernel API", async () => {
  assert.equal(inJupyter(), false);
  await fc.assert(
    fc.asyncProperty(fc.boolean(), async (usable) => {
      const api = usable ? recorder().api : { display: "not a function" };
      assert.equal(await inKernel(api, () => inJupyter()), usable);
      assert.equal(inJupyter(), false, "cleared after the kernel stand-in");
    }),
    { numRuns: 4 },
  );
});

prop(
  ["displayVia"],
  "displayVia hands every object and option to the display function in order, then settles",
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(displayable, displayOptions), { minLength: 1, maxLength: 3 }),
        async (calls) => {
          const { shown, api } = recorder();
          const returned: number[] = [];
          for (const [obj, options] of calls) {
            await displayVia(api, obj, options);
            returned.push(performance.now());
          }
          assert.equal(shown.length, calls.length);
          calls.forEach(([obj, options], i) => {
            assert.equal(shown[i].obj, obj, `call ${i}: a different object was displayed`);
            assert.equal(shown[i].options, options);
            assert.ok(returned[i] - shown[i].at >= SETTLED, `call ${i} returned before the pause`);
          });
          // Without a kernel (api null): the text/plain form, printed in order.
          const printed = await captureLog(async () => {
            for (const [obj, options] of calls) await displayVia(null, obj, options);
          });
          assert.deepEqual(printed, calls.map(([obj]) => [plainTextOf(obj)]));
        },
      ),
      { numRuns: 10 },
    );
    const fn = "displayVia";
    for (const api of [undefined, {}, 5, "Deno.jupyter", { display: 1 }]) {
      await rejectsNaming(() => displayVia(api as never, "x"), fn, "api");
    }
    await rejectsNaming(() => displayVia(null, "x", { id: "a" } as never), fn, "options.id");
    await rejectsNaming(() => displayVia(null, "x", { raw: "yes" } as never), fn, "options.raw");
    await rejectsNaming(() => displayVia(null, "x", { update: 1 } as never), fn, "options.update");
    await rejectsNaming(
      () => displayVia(null, "x", { display_id: 7 } as never),
      fn,
      "options.display_id",
    );
    await rejectsNaming(() => displayVia(null, "x", "raw" as never), fn, "options");
  },
);

prop(
  ["display"],
  "display prints the text/plain form outside the kernel and goes to Deno.jupyter inside",
  async () => {
    await fc.assert(
      fc.asyncProperty(displayable, displayOptions, async (obj, options) => {
        const printed = await captureLog(() => display(obj, options));
        assert.deepEqual(printed, [[plainTextOf(obj)]]);
        const { shown, api } = recorder();
        const ended = await inKernel(api, async () => {
          await display(obj, options);
          return performance.now();
        });
        assert.equal(shown.length, 1);
        assert.equal(shown[0].obj, obj);
        assert.equal(shown[0].options, options);
        assert.ok(ended - shown[0].at >= SETTLED, "display returned before the pause");
      }),
      { numRuns: 10 },
    );
    await rejectsNaming(
      () => display("x", { displayId: "a" } as never),
      "display",
      "options.displayId",
    );
    await rejectsNaming(() => display("x", { raw: 1 } as never), "display", "options.raw");
  },
);

prop(
  ["show"],
  "show prints exactly what console.log would, then settles in the kernel",
  async () => {
    const values = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(values, async (v) => {
        const printed = await captureLog(() => show(...v));
        assert.deepEqual(printed, [v]);
        const { api } = recorder();
        const took = await inKernel(api, async () => {
          const t0 = performance.now();
          await captureLog(() => show(...v));
          return performance.now() - t0;
        });
        assert.ok(took >= SETTLED, `show took ${took} ms in the kernel`);
      }),
      { numRuns: 6 },
    );
  },
);

prop(
  ["OUTPUT_SETTLE_MS", "settleOutput"],
  "settleOutput pauses OUTPUT_SETTLE_MS in the kernel and about nothing outside",
  async () => {
    assert.ok(Number.isInteger(OUTPUT_SETTLE_MS) && OUTPUT_SETTLE_MS > 0);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), async (n) => {
        const { api } = recorder();
        const took = await inKernel(api, async () => {
          const t0 = performance.now();
          for (let i = 0; i < n; i++) await settleOutput();
          return performance.now() - t0;
        });
        assert.ok(took >= n * SETTLED, `${n} settles took ${took} ms`);
        // Outside the kernel: one event-loop turn, that is timers of 0 ms. The delays asked for
        // are recorded rather than the time taken, which a busy machine stretches.
        const asked = await timerDelays(async () => {
          for (let i = 0; i < n; i++) await settleOutput();
        });
        assert.deepEqual(asked, Array(n).fill(0), "timers outside the kernel (ms)");
      }),
      { numRuns: 5 },
    );
  },
);

prop(
  ["Progress", "settleOutput"],
  "Progress.done in the kernel sends the final line, then waits for it to be sent",
  async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), async (total) => {
        const { shown, api } = recorder();
        const ended = await inKernel(api, async () => {
          const p = new Progress({ total, jupyter: api });
          for (let i = 1; i <= total; i++) await p.update(i, `step ${i}`);
          await p.done("finished");
          return performance.now();
        });
        const last = shown.at(-1)!;
        assert.equal(
          (last.obj as Record<string, string>)["text/plain"],
          `epoch ${total}/${total}  finished`,
        );
        assert.ok(ended - last.at >= SETTLED, "done() returned before the final line was sent");
        // Quiet progress sends nothing and has nothing to wait for.
        const quiet = new Progress({ total, quiet: true, jupyter: api });
        const before = shown.length;
        await quiet.done();
        assert.equal(shown.length, before);
      }),
      { numRuns: 4 },
    );
  },
);
