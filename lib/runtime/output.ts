/**
 * Notebook output that stays under the cell that made it: displays and printing that wait, before
 * the cell can finish, until the Deno kernel has had time to send them.
 *
 * Why a wait: the Deno kernel (2.9.6) evaluates a cell on one thread and speaks the Jupyter
 * protocol on another. Everything a cell prints or displays is queued between the two, and the
 * protocol thread labels each output with the request it is handling *when it sends it*
 * (`publishIopub` in the kernel's `40_jupyter.js`). Under _Run All_ the front end has already
 * queued the next cell, so an output still in the queue when a cell ends goes out labelled as the
 * next cell's, and the front end shows it there. The queue is first in, first out: once the last
 * output of a cell has been sent, all the earlier ones have been too. There is no signal for
 * "sent" that a cell can wait on, so every output here is followed by a pause long enough for the
 * protocol thread, which is idle while a cell runs, to send it.
 *
 * How long, measured: Run All over 30 cells that print and display at their very end, 5 to 6
 * passes in one kernel, on the 2-core build machine with both cores busy: with no pause, or with
 * the single event-loop turn `show` used to take, 1 to 2 outputs in 180 to 360 were filed under the
 * next cell; with a pause of 2 ms or more, none (of 1,500, payloads up to 300 KB). The pause is
 * {@linkcode OUTPUT_SETTLE_MS}, ten times that, for slower machines; it costs about a second per
 * notebook.
 *
 * @module
 */

import { assertKnownOptions, describeValue } from "../_core/checks.ts";

/** Milliseconds an output call waits, in the kernel, for the kernel to send what it queued. */
export const OUTPUT_SETTLE_MS = 25;

function jupyter(): JupyterDisplay | null {
  try {
    if (!("jupyter" in Deno)) return null;
    const api = (Deno as unknown as { jupyter?: JupyterDisplay }).jupyter;
    return api && typeof api.display === "function" ? api : null;
  } catch {
    // Deno.jupyter throws outside the kernel rather than being undefined.
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the kernel has sent what this cell printed or displayed so far: {@linkcode
 * OUTPUT_SETTLE_MS} in the Deno kernel, one event-loop turn elsewhere. `show` and `display` call
 * it; call it yourself after output made some other way (`console.log`, a progress display) when
 * it may be the last thing a cell outputs.
 *
 * @example
 * ```ts
 * import { settleOutput } from "./output.ts";
 * await settleOutput(); // outside a notebook: returns after one tick
 * ```
 */
export async function settleOutput(): Promise<void> {
  await sleep(jupyter() === null ? 0 : OUTPUT_SETTLE_MS);
}

/**
 * Displays `obj` under the running cell: in the Deno kernel as `Deno.jupyter.display(obj,
 * options)` does (a chart shows as a chart, an exercise verdict as its message), then waits until
 * the kernel has sent it (see {@linkcode settleOutput}). Outside a notebook it prints the object's
 * `text/plain` form, so the same code runs under `deno run`.
 *
 * In a notebook: `await display(perSampleChart(losses));`
 *
 * @example
 * ```ts
 * import { display } from "./output.ts";
 * await display({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "a chart" }) });
 * ```
 */
export async function display(
  obj: unknown,
  options?: { raw?: boolean; update?: boolean; display_id?: string },
): Promise<void> {
  // Checked here too, so the error names the function the learner called; async, so a bad
  // option rejects the promise like every other failure of an awaited display.
  checkDisplayOptions("display", options);
  await displayVia(jupyter(), obj, options);
}

const DISPLAY_OPTION_KEYS = ["raw", "update", "display_id"];

/** Options of a display: known keys, booleans, a string id; a typo would be passed on silently. */
function checkDisplayOptions(fn: string, options: unknown): void {
  assertKnownOptions(fn, options, DISPLAY_OPTION_KEYS);
  if (options === undefined) return;
  const o = options as Record<string, unknown>;
  for (const key of ["raw", "update"]) {
    if (o[key] !== undefined && typeof o[key] !== "boolean") {
      throw new TypeError(
        `${fn}: options.${key} is ${describeValue(o[key])}, expected true or false`,
      );
    }
  }
  if (o.display_id !== undefined && typeof o.display_id !== "string") {
    throw new TypeError(
      `${fn}: options.display_id is ${describeValue(o.display_id)}, expected a string`,
    );
  }
}

/** The part of `Deno.jupyter` that {@linkcode displayVia} draws with. */
export interface JupyterDisplay {
  /** Shows a MIME bundle (or an object that formats itself) under the running cell. */
  display(obj: unknown, options?: Record<string, unknown>): Promise<void>;
}

/**
 * {@linkcode display} with the kernel's API given: `api` is `Deno.jupyter` in the kernel (tests
 * pass a fake), `null` outside a notebook, where the object's `text/plain` form is printed.
 *
 * @example
 * ```ts
 * import { displayVia } from "./output.ts";
 * const shown: unknown[] = [];
 * await displayVia({ display: (o) => Promise.resolve(void shown.push(o)) }, { "text/plain": "x" });
 * if (shown.length !== 1) throw new Error("displayed once");
 * ```
 */
export async function displayVia(
  api: JupyterDisplay | null,
  obj: unknown,
  options?: { raw?: boolean; update?: boolean; display_id?: string },
): Promise<void> {
  const fn = "displayVia";
  if (api !== null && (typeof api !== "object" || typeof api.display !== "function")) {
    throw new TypeError(
      `${fn}: api is ${
        describeValue(api)
      }, expected Deno.jupyter (an object with a display function) or null`,
    );
  }
  checkDisplayOptions(fn, options);
  if (api !== null) {
    await api.display(obj, options);
    await sleep(OUTPUT_SETTLE_MS);
  } else {
    // deno-lint-ignore no-console
    console.log(await plainText(obj));
    await sleep(0);
  }
}

async function plainText(obj: unknown): Promise<string> {
  const own = (obj as Record<symbol, unknown> | null)?.[Symbol.for("Jupyter.display")];
  const bundle = typeof own === "function" ? await own.call(obj) : obj;
  const text = (bundle as Record<string, unknown> | null)?.["text/plain"];
  if (typeof text === "string") return text;
  // String() throws for an object without a prototype and says "[object Object]" for the rest;
  // Deno.inspect is what console.log would have printed.
  return typeof obj === "string" ? obj : Deno.inspect(obj);
}
