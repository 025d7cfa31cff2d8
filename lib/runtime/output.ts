/**
 * Notebook output that stays under the cell that made it: displays and printing that wait, before
 * the cell can finish, until the Deno kernel has sent them.
 *
 * Why a wait: the Deno kernel (2.9.6) evaluates a cell on one thread and speaks the Jupyter
 * protocol on another. Everything a cell prints or displays is queued between the two, and the
 * protocol thread labels each output with the request it is handling *when it sends it*
 * (`iopubDrainer` and `publishIopub` in the kernel's `cli/js/jupyter_kernel.js`). Under _Run All_
 * the front end has already queued the next cell, so an output still in the queue when a cell ends
 * goes out labelled as the next cell's, and the front end shows it there. The queue is first in,
 * first out: once the last output of a cell has been sent, all the earlier ones have been too.
 *
 * How the wait ends: in the kernel, after each output, `settleOutput` queues a marker behind it
 * (an update of a display id nobody has shown, which front ends ignore) and listens on the
 * kernel's own iopub socket until the marker comes back (`_iopub_marker.ts`): then the output has
 * been labelled and sent. Where the socket cannot be found (the kernel's command line is read from
 * `/proc` on Linux and from `ps` on macOS, so on Windows, or in a kernel without
 * `Deno.jupyter.broadcast`) it pauses {@linkcode OUTPUT_SETTLE_MS} instead, and so it does for
 * the rest of the kernel's life once a marker has not come back within 5 s.
 *
 * Measured (`deno task bench output_settle`, bench/BENCHMARKS.md): 200 cells sent at once, each
 * printing a line, displaying 300 KB and printing another: with no wait 2 to 11 of 400 lines were
 * filed under the next cell; with the 25 ms pause or the marker, none, on a quiet machine and
 * beside 4 or 16 busy loops. The marker's median wait was 2.5 to 3.8 ms against the pause's 26 ms.
 * The pause is not enough everywhere: in one run of the test command (two notebooks in Chromium
 * beside the renderer and workshop tests, on 2 cores), a line after which its cell still paused
 * 25 ms was shown under the next cell; the marker waits as long as the kernel takes.
 *
 * @module
 */

import { assertKnownOptions, describeValue } from "../_core/checks.ts";
import { kernelIopubAddress, waitUntilPublished } from "./_iopub_marker.ts";

/**
 * Milliseconds an output call pauses, in a kernel whose iopub socket cannot be found, for the
 * kernel to send what it queued.
 */
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
 * Waits until the kernel has sent what this cell printed or displayed so far: in the Deno kernel
 * until a marker queued behind it comes back (a few milliseconds), or {@linkcode OUTPUT_SETTLE_MS}
 * where that cannot be done; one event-loop turn outside a notebook. `show` and `display` call
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
  const api = jupyter();
  await (api === null ? sleep(0) : settleVia(api));
}

// Set when a marker did not come back: a kernel that does not send it back would otherwise make
// every output wait the marker's full timeout.
let markerFailed = false;

/** Waits for the kernel's marker (see the module doc), or the fixed pause where none can come. */
async function settleVia(api: JupyterDisplay): Promise<void> {
  const broadcast = api.broadcast;
  const address = typeof broadcast === "function" && !markerFailed ? kernelIopubAddress() : null;
  if (address !== null) {
    if (await waitUntilPublished((t, c) => broadcast!.call(api, t, c), address)) return;
    markerFailed = true;
  }
  await sleep(OUTPUT_SETTLE_MS);
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
  /** Queues a raw iopub message; with it, a display waits for the kernel's marker. */
  broadcast?(msgType: string, content: Record<string, unknown>): unknown;
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
    await settleVia(api);
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
