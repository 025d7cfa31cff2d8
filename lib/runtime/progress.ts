/**
 * Progress for long runs: one output area updated in place in a Jupyter notebook (through a
 * display id), a compact line in a terminal, nothing when quiet.
 *
 * @module
 */
import {
  assertIntegerIn,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertOneOf,
  assertOptionalBoolean,
  describeValue,
} from "../_core/checks.ts";
import { settleOutput } from "./output.ts";

/** Where progress goes: a notebook output area, a terminal line, plain log lines, or nowhere. */
export type ProgressMode = "jupyter" | "terminal" | "log" | "quiet";

/** Options for {@linkcode Progress}. */
export interface ProgressOptions {
  /** Number of steps (e.g. epochs) in the run. */
  total: number;
  /** Word before the counter; default `"epoch"`. */
  label?: string;
  /** Show nothing; default `false`. */
  quiet?: boolean;
  /** Force a mode instead of detecting it (tests use this). */
  mode?: ProgressMode;
  /** The Jupyter API to draw with; default `Deno.jupyter` (tests pass a fake). */
  jupyter?: JupyterApi;
}

/** The part of `Deno.jupyter` progress uses. */
export interface JupyterApi {
  /** Shows a MIME bundle; with `display_id` and `update`, replaces an earlier output in place. */
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

/**
 * The Deno Jupyter API when running inside the kernel, else `null`. `Deno.jupyter` throws outside
 * the kernel rather than being undefined, hence the try/catch.
 *
 * @example
 * ```ts
 * import { jupyterApi } from "./progress.ts";
 * if (jupyterApi() !== null) throw new Error("deno test is not a Jupyter kernel");
 * ```
 */
export function jupyterApi(): JupyterApi | null {
  try {
    if (!("jupyter" in Deno)) return null;
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.display === "function" ? api : null;
  } catch {
    return null;
  }
}

/**
 * Whether this code runs inside the Deno Jupyter kernel (where progress updates in place).
 *
 * @example
 * ```ts
 * import { inJupyter } from "./progress.ts";
 * if (inJupyter()) throw new Error("deno test is not a Jupyter kernel");
 * ```
 */
export function inJupyter(): boolean {
  return jupyterApi() !== null;
}

function detectMode(): ProgressMode {
  if (jupyterApi() !== null) return "jupyter";
  try {
    return Deno.stderr.isTerminal() ? "terminal" : "log";
  } catch {
    return "log";
  }
}

let counter = 0;
const encoder = new TextEncoder();
// At most one refresh per interval: a notebook round trip per batch would slow training.
const REFRESH_MS = 150;
const LOG_EVERY_MS = 5000;

/**
 * A progress display. Call {@linkcode Progress.update} as steps finish and
 * {@linkcode Progress.done} at the end. In Jupyter it shows a bar and a line of text in one output
 * area, updated in place via a display id; in a terminal it rewrites one line on stderr; when
 * stderr is not a terminal it prints a line every 5 s and at the end; `quiet` shows nothing.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * const p = new Progress({ total: 3, quiet: true });
 * for (let i = 1; i <= 3; i++) await p.update(i, `loss ${1 / i}`);
 * await p.done();
 * if (p.text !== "epoch 3/3  loss 0.3333333333333333") throw new Error(p.text);
 * ```
 */
export class Progress {
  /** Where the progress goes. */
  readonly mode: ProgressMode;
  /** Total number of steps. */
  readonly total: number;
  /** The latest line shown (also kept when quiet). */
  text = "";
  #label: string;
  #id = `losslab-progress-${Date.now()}-${counter++}`;
  #shown = false;
  #last = 0;
  #lastLog = 0;
  #done = 0;
  #api: JupyterApi | null;

  /** A new display; nothing is shown until the first update. */
  constructor(options: ProgressOptions) {
    assertKnownOptions("Progress", options, ["total", "label", "quiet", "mode", "jupyter"]);
    if (options === undefined) {
      throw new TypeError("Progress: options is undefined, expected { total }");
    }
    assertNonNegativeInteger("Progress", "options.total", options.total);
    assertOptionalBoolean("Progress", "options.quiet", options.quiet);
    if (options.label !== undefined && typeof options.label !== "string") {
      throw new TypeError(
        `Progress: options.label is ${describeValue(options.label)}, expected a string`,
      );
    }
    if (options.mode !== undefined) {
      assertOneOf("Progress", "options.mode", options.mode, [
        "jupyter",
        "terminal",
        "log",
        "quiet",
      ]);
    }
    this.total = options.total;
    this.#label = options.label ?? "epoch";
    this.#api = options.jupyter ?? jupyterApi();
    this.mode = options.quiet
      ? "quiet"
      : options.mode ?? (options.jupyter ? "jupyter" : detectMode());
  }

  /** Reports that `done` of `total` steps are finished, with a short status text. */
  async update(done: number, status = ""): Promise<void> {
    assertIntegerIn("Progress.update", "done", done, { min: 0, max: this.total });
    this.#done = done;
    this.text = `${this.#label} ${done}/${this.total}${status ? "  " + status : ""}`;
    const now = Date.now();
    if (done < this.total && now - this.#last < REFRESH_MS) return;
    this.#last = now;
    await this.#show(false);
  }

  /**
   * Shows the final state (and ends the terminal line). In a notebook it then waits until the
   * kernel has sent that last update ({@linkcode settleOutput}), so a progress display that ends a
   * cell is not filed under the next cell during Run All.
   */
  async done(status?: string): Promise<void> {
    if (status !== undefined) {
      this.text = `${this.#label} ${this.#done}/${this.total}${status ? "  " + status : ""}`;
    }
    await this.#show(true);
    if (this.mode === "jupyter" && this.#shown) await settleOutput();
  }

  async #show(final: boolean): Promise<void> {
    switch (this.mode) {
      case "quiet":
        return;
      case "jupyter": {
        const api = this.#api;
        if (api === null) return;
        const html = `<div style="font-family:monospace"><progress value="${this.#done}" max="${
          this.total || 1
        }" style="width:12em"></progress> ${escapeHtml(this.text)}</div>`;
        await api.display({ "text/plain": this.text, "text/html": html }, {
          raw: true,
          display_id: this.#id,
          update: this.#shown,
        });
        this.#shown = true;
        return;
      }
      case "terminal":
        Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${this.text}${final ? "\n" : ""}`));
        return;
      case "log": {
        const now = Date.now();
        if (final || now - this.#lastLog >= LOG_EVERY_MS) {
          this.#lastLog = now;
          Deno.stderr.writeSync(encoder.encode(`${this.text}\n`));
        }
        return;
      }
    }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
